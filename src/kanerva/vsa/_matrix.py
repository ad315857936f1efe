"""What MBAT and VTB share: vectors that are square matrices (``shape (d, d)``, ``dim = d^2``),
Gaussian keyed vectors, a keyed random permutation, and flat accumulators and features.

Keeping the matrix shape makes a vector of one model refused by the other (and by HRR, whose
vectors are flat): MBAT's are float64, VTB's float32, HRR's float32 of shape (dim,).
"""

from __future__ import annotations

import math

import numpy as np

from . import keys as _keys
from .dense import DenseSpace, cosine_matrix
from .space import _QUIET, pairwise


def side(dim: int, model: str) -> int:
    """The side d of the d x d matrices of a ``dim``-dimensional space, or a ValueError."""
    d = math.isqrt(dim)
    if d * d != dim:
        lo, hi = d * d, (d + 1) * (d + 1)
        raise ValueError(f"{model} vectors are square matrices: dim must be a perfect square, got {dim:,} "
                         f"(the nearest are {lo:,} = {d}^2 and {hi:,} = {d + 1}^2)")
    return d


def gaussian(hashes: np.ndarray, n: int) -> np.ndarray:
    """(len(hashes), n) float64 standard normals from the keyed stream (Box-Muller)."""
    u = _keys.uniform01(_keys.stream(hashes, -(-n // 2)))
    r = np.sqrt(-2.0 * np.log(u[:, 0::2]))
    t = 2.0 * np.pi * u[:, 1::2]
    z = np.empty((len(hashes), 2 * r.shape[1]), dtype=np.float64)
    z[:, 0::2] = r * np.cos(t)
    z[:, 1::2] = r * np.sin(t)
    return z[:, :n]


class KeyedPermutation:
    """Powers of one random permutation of ``n`` items, keyed by (seed, name); cached."""

    def __init__(self, seed: int, n: int, name: str):
        words = _keys.stream(_keys.key_hashes(seed, [name]), n)[0]
        self.base = np.argsort(words, kind="stable")
        self.n = n
        self._powers: dict[int, np.ndarray] = {}

    def power(self, k: int) -> np.ndarray:
        """Index array of the k-th power (k < 0: of the inverse)."""
        if k not in self._powers:
            base = self.base
            if k < 0:
                base = np.empty_like(self.base)
                base[self.base] = np.arange(self.n)
            result, e = np.arange(self.n), abs(k)
            while e:  # exponentiation by squaring
                if e & 1:
                    result = result[base]
                base = base[base]
                e >>= 1
            if len(self._powers) > 256:
                self._powers.clear()
            self._powers[k] = result
        return self._powers[k]


class MatrixSpace(DenseSpace):
    """A model whose vectors are d x d matrices; accumulators and features are their flat rows."""

    feature_scale: float = 1.0  # to_features multiplies the flat rows by this (set per model)

    def __init__(self, dim: int, seed: int = 0):
        super().__init__(dim, seed)
        self.side = side(self.dim, type(self).__name__)
        self._perm = None

    @classmethod
    def round_dim(cls, dim: int) -> int:
        """The nearest dimension this model takes: a perfect square."""
        d = max(1, round(math.sqrt(dim)))
        return d * d

    @property
    def shape(self):
        return (self.side, self.side)

    def _flat(self, m: np.ndarray) -> np.ndarray:
        return m.reshape(m.shape[:-2] + (self.dim,))

    def _square(self, x: np.ndarray) -> np.ndarray:
        return x.reshape(x.shape[:-1] + (self.side, self.side))

    def _scale(self) -> float:
        return float(self.feature_scale)

    @_QUIET
    def accumulate(self, xs, weights=None, acc=None):
        xs = self._check_stack(xs, values=False)  # the sum is checked (_finite)
        w = self._check_weights(weights, xs.shape[-3])
        flat = self._flat(xs).astype(np.float64, copy=False)            # (..., n, dim)
        total = flat.sum(axis=-2) if w is None else np.einsum("...nd,n->...d", flat, w.astype(np.float64))
        if acc is not None:
            total = total + self._check_acc(acc, total.shape)
        return self._finite(total)

    @_QUIET
    def similarity(self, a, b):
        a, b = self._check_pair(a, b)
        return pairwise(self._flat(a), self._flat(b), lambda x, y: self._finite(cosine_matrix(x, y)))

    def _similarity_matrix(self, a, b):
        return cosine_matrix(a, b)

    def _fill_features(self, rows, out):
        np.multiply(self._flat(rows), np.float32(self._scale()), out=out, casting="unsafe")

    def _from_features(self, rows):
        return rows / self._scale()

    def _permutation(self, n: int, name: str) -> KeyedPermutation:
        if self._perm is None:
            self._perm = KeyedPermutation(self.seed, n, name)
        return self._perm
