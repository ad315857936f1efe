"""VTB: vector-derived transformation binding (Gosmann & Eliasmith 2019, "Vector-derived
transformation binding: an improved binding operation for deep symbol-like processing in neural
networks", Neural Computation 31:849-869).

Vectors have i.i.d. N(0, 1/D) elements (float32) with ``D = d^2``, kept as d x d matrices (shape
``(d, d)``, row by row the d pieces of the vector). Binding transforms one vector by a matrix
made from the other: ``bind(x, y) = V_y x`` with ``V_y = sqrt(d) diag(Y', ..., Y')`` (their eq. 5),
each piece of x multiplied by ``sqrt(d) Y'``; taking ``Y'`` as y's matrix read column by column,
``bind(x, y) = sqrt(d) X Y``, a scaled matrix product: associative, not commutative (order is
kept without permutations, as the paper wants for deep structures). The approximate inverse is
the transpose (their eq. 8): ``V_{inverse(y)} = V_y^T``, so ``unbind(c, y) = V_y^T c`` recovers x
up to noise, as HRR's involution does, exactly for vectors whose ``sqrt(d) Y`` is orthogonal.
The identity is ``I / sqrt(d)``. Bundle is the sum rescaled to unit norm, similarity the cosine,
``permute`` a keyed random permutation of the D elements, as in HRR.

Examples
--------
>>> import kanerva as kv
>>> s = kv.VTB(1_024, seed=0)          # 32 x 32
>>> a, b = s.random(key="a"), s.random(key="b")
>>> 0.6 < s.similarity(s.unbind(s.bind(a, b), b), a) < 0.8
True
>>> abs(s.similarity(s.bind(a, b), s.bind(b, a))) < 0.2        # order matters
True
"""

from __future__ import annotations

import numpy as np

from ._matrix import MatrixSpace, gaussian
from .space import _QUIET, as_shift


class VTB(MatrixSpace):
    """Vector-derived transformation binding. See the module docstring."""

    name = "vtb"
    dtype = np.dtype(np.float32)

    def _scale(self) -> float:
        return float(np.sqrt(self.dim))  # unit vectors: dot = dim * cosine

    def _from_hashes(self, hashes):
        z = gaussian(hashes, self.dim) / np.sqrt(self.dim)
        return z.reshape(len(hashes), self.side, self.side).astype(np.float32)

    @_QUIET
    def bind(self, a, b):
        a, b = self._check_pair(a, b, values=False)  # the product is checked
        return self._finite((np.matmul(a, b) * np.float32(np.sqrt(self.side))).astype(np.float32))

    def inverse(self, a):
        return np.ascontiguousarray(np.swapaxes(self.check(a), -1, -2))

    def identity(self):
        return (np.eye(self.side) / np.sqrt(self.side)).astype(np.float32)

    @_QUIET
    def normalize(self, acc):
        acc = self._accumulator(acc).astype(np.float64, copy=False)
        norm = np.linalg.norm(acc, axis=-1, keepdims=True)
        out = np.divide(acc, norm, out=np.zeros_like(acc), where=norm > 0)
        return self._square(out).astype(np.float32)

    def permute(self, x, shift=1):
        x = self.check(x)
        order = self._permutation(self.dim, "kanerva:vtb-permutation").power(as_shift(shift))
        return np.ascontiguousarray(self._square(self._flat(x)[..., order]))
