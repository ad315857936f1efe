"""Multiply-add-permute (Gayler 1998, "Multiplicative binding, representation operators and
analogy").

Vectors are bipolar, {-1, +1}^D, stored as int8. Bind is the elementwise product (its own
inverse), bundle is the elementwise sum (kept in int64: no overflow, no lost counts) followed
by the sign, ties broken by a pseudo-random vector derived from the sum; similarity is the cosine, ``a . b / D``.

Examples
--------
>>> import kanerva as kv
>>> s = kv.MAP(10_000, seed=0)
>>> a, b, c = s.random(3)
>>> bool((s.unbind(s.bind(a, b), b) == a).all())
True
>>> sims = s.similarity(s.bundle([a, b, c]), a)
>>> 0.4 < sims < 0.6
True
"""

from __future__ import annotations

import numpy as np

from .._kernels import bits as _bits
from . import keys as _keys
from .bsc import BSC
from .dense import DenseSpace


class MAP(DenseSpace):
    """Bipolar multiply-add-permute. See the module docstring."""

    name = "map"
    dtype = np.dtype(np.int8)
    acc_dtype = np.dtype(np.int64)
    block_dtype = np.dtype(np.int16)  # exact: a block of <= 32,767 bipolar rows cannot overflow
    block_rows = 32_767

    def _from_hashes(self, hashes):
        words = _keys.stream(hashes, _bits.n_words(self.dim))
        bits = _bits.unpack(words, self.dim).view(np.int8)
        return 1 - 2 * bits

    def _check_values(self, x, name):
        # three fast reductions, no temporaries: values in [-1, 1] and none zero
        if x.size and (x.min() < -1 or x.max() > 1 or np.count_nonzero(x) != x.size):
            raise ValueError(f"{name} must hold only -1 and +1 (MAP vectors are bipolar)")

    def bind(self, a, b):
        a, b = self._check_pair(a, b)
        return a * b

    def inverse(self, a):
        return self.check(a).copy()

    def identity(self):
        return np.ones(self.dim, dtype=np.int8)

    def normalize(self, acc):
        acc = self._accumulator(acc)
        sign = np.sign(acc).astype(np.int8)
        return np.where(sign == 0, self.tiebreak(acc), sign)

    def _fill_features(self, rows, out):
        np.copyto(out, rows)  # +-1: exact in float32

    def _from_features(self, rows):
        return rows

    def packed_space(self):
        return BSC(self.dim, seed=self.seed)  # MAP vectors are the bipolar image of these

    def _similarity_matrix(self, a, b):
        # +-1 entries: the float32 dot product is exact up to 2**24 dimensions
        return (a.astype(np.float32) @ b.astype(np.float32).T).astype(np.float64) / self.dim
