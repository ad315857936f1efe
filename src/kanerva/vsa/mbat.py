"""MBAT: matrix binding (Gallant & Okaywe 2013, "Representing objects, relations, and sequences",
Neural Computation 25:2038-2078).

In MBAT a term is bound to its role by multiplying it with the role's random matrix, and unbound
by the transpose (or the inverse). Here every vector of a ``d^2``-dimensional space *is* such a
matrix: a random orthogonal ``d x d`` matrix (Haar, from the keyed stream; float64, shape
``(d, d)``), so ``bind(a, b) = A B`` multiplies each of the d columns of ``b`` by ``a``'s matrix
and the algebra closes: binding is the matrix product (associative, *not* commutative), its
inverse is the transpose (exact: ``unbind(bind(a, b), b) == a`` to rounding), the identity is
``I``. Bundling sums and maps the sum back to the nearest orthogonal matrix, the polar factor
``U V^T`` of its SVD ``U S V^T``, which commutes with binding: ``bind(c, bundle(xs)) ==
bundle(bind(c, xs))``. Similarity is the cosine, ``trace(A^T B) / d``, about N(0, 1/dim) for
unrelated vectors as in every model here; binding by an orthogonal matrix preserves it exactly.
``permute`` permutes the rows with a keyed random permutation (a left multiplication by a
permutation matrix).

Costs: a bind is a d x d matrix product (``dim^1.5`` flops: 1e6 at dim = 10,000), a bundle an SVD.

Examples
--------
>>> import kanerva as kv
>>> s = kv.MBAT(10_000, seed=0)          # 100 x 100 matrices
>>> a, b = s.random(key="a"), s.random(key="b")
>>> a.shape, a.dtype
((100, 100), dtype('float64'))
>>> round(s.similarity(s.unbind(s.bind(a, b), b), a), 6)
1.0
>>> abs(s.similarity(s.bind(a, b), s.bind(b, a))) < 0.05    # not commutative
True
"""

from __future__ import annotations

import numpy as np

from ._matrix import MatrixSpace, gaussian
from .space import _QUIET, as_shift


class MBAT(MatrixSpace):
    """Matrix binding: vectors are random orthogonal matrices. See the module docstring."""

    name = "mbat"
    dtype = np.dtype(np.float64)

    def _scale(self) -> float:
        return float(np.sqrt(self.side))  # features: d * trace(A^T B) = dim * cosine

    def _from_hashes(self, hashes):
        g = gaussian(hashes, self.dim).reshape(len(hashes), self.side, self.side)
        q, r = np.linalg.qr(g)
        return q * np.sign(np.diagonal(r, axis1=-2, axis2=-1))[:, None, :]   # Haar: fix the signs of R's diagonal

    @_QUIET
    def bind(self, a, b):
        a, b = self._check_pair(a, b, values=False)  # the product is checked
        return self._finite(np.matmul(a, b))

    def inverse(self, a):
        return np.ascontiguousarray(np.swapaxes(self.check(a), -1, -2))

    def identity(self):
        return np.eye(self.side)

    @_QUIET
    def normalize(self, acc):
        acc = self._accumulator(acc).astype(np.float64, copy=False)
        u, _, vt = np.linalg.svd(self._square(acc))
        out = np.matmul(u, vt)
        empty = np.linalg.norm(acc, axis=-1) == 0
        if empty.any():
            out[empty] = self.tiebreak(acc)[empty]
        return out

    def permute(self, x, shift=1):
        x = self.check(x)
        rows = self._permutation(self.side, "kanerva:mbat-permutation").power(as_shift(shift))
        return np.ascontiguousarray(x[..., rows, :])
