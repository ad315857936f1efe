"""Binary spatter codes (Kanerva 1996, "Binary spatter-coding of ordered K-tuples").

Vectors are dense random bits, stored packed: 1 bit per dimension in uint64 words
(157 words = 1,256 bytes at D = 10,000). Bind is XOR (its own inverse), bundle is the bitwise
majority with ties broken by a pseudo-random vector
derived from the accumulator (see :meth:`Space.tiebreak`), permutation is a rotation over all ``dim``
bits, and similarity is ``1 - 2 * hamming / dim``. BSC is MAP under the map 0 -> +1, 1 -> -1:
``kv.MAP(d, seed).random(key=k)`` is the bipolar image of ``kv.BSC(d, seed).random(key=k)``.

Examples
--------
>>> import kanerva as kv
>>> s = kv.BSC(10_000, seed=0)
>>> a, b = s.random(key="a"), s.random(key="b")
>>> a.dtype, a.shape
(dtype('uint64'), (157,))
>>> bool((s.unbind(s.bind(a, b), b) == a).all())
True
>>> round(s.similarity(a, b), 1), s.similarity(a, a)
(0.0, 1.0)
"""

from __future__ import annotations

import numpy as np

from .._kernels import bits as _bits
from .._kernels import counts as _counts
from .._kernels.projection import bipolar_rows
from . import keys as _keys
from .space import Space, _check_k, as_shift, pairwise


class BSC(Space):
    """Binary spatter codes, packed. See the module docstring."""

    name = "bsc"
    dtype = np.dtype(np.uint64)

    def __init__(self, dim: int, seed: int = 0):
        super().__init__(dim, seed)
        self.words = _bits.n_words(self.dim)
        self._mask = _bits.pad_mask(self.dim)

    @property
    def shape(self):
        return (self.words,)

    def _from_hashes(self, hashes):
        x = _keys.stream(hashes, self.words)
        x[:, -1] &= self._mask
        return x

    def _check_values(self, x, name):
        if x.size and np.any(x[..., -1] & ~self._mask):
            raise ValueError(
                f"{name} has bits set beyond dimension {self.dim} (the padding of the last "
                f"word): it is not a vector of {self!r}"
            )

    # ---- bits <-> packed ---------------------------------------------------------------

    def to_bits(self, x) -> np.ndarray:
        """Unpack to a 0/1 uint8 array (..., dim)."""
        return _bits.unpack(self.check(x), self.dim)

    def from_bits(self, bits) -> np.ndarray:
        """Pack a 0/1 array (..., dim)."""
        bits = np.asarray(bits)
        if bits.shape[-1:] != (self.dim,):
            raise ValueError(f"bits must have {self.dim} entries in the last axis, got shape {bits.shape}")
        if not np.isin(bits, (0, 1)).all():
            raise ValueError("bits must be 0 or 1")
        return _bits.pack(bits)

    # ---- algebra ------------------------------------------------------------------------

    def bind(self, a, b):
        a, b = self._check_pair(a, b)
        return np.bitwise_xor(a, b)

    def inverse(self, a):
        return self.check(a).copy()

    def identity(self):
        return np.zeros(self.shape, dtype=self.dtype)

    def accumulate(self, xs, weights=None, acc=None):
        """Bipolar sum (+1 for a 0 bit, -1 for a 1 bit) per dimension: shape (..., dim)."""
        xs = self._check_stack(xs)
        w = self._check_weights(weights, xs.shape[-2])
        lead = xs.shape[:-2]
        flat = xs.reshape((-1,) + xs.shape[-2:])
        if w is None:
            n = flat.shape[1]
            ones = np.stack([_counts.count_ones(group, self.dim) for group in flat])
            total = n - 2 * ones
        else:
            dtype = np.float64 if np.issubdtype(w.dtype, np.floating) else np.int64
            bipolar = 1 - 2 * _bits.unpack(flat, self.dim).astype(dtype)
            total = np.einsum("gnd,n->gd", bipolar, w.astype(dtype))
        total = total.reshape(lead + (self.dim,))
        if acc is not None:
            total = total + self._check_acc(acc, total.shape)
        return total

    def normalize(self, acc):
        acc = self._accumulator(acc)
        ties = _bits.unpack(self.tiebreak(acc), self.dim).astype(bool)
        bits = (acc < 0) | ((acc == 0) & ties)
        return _bits.pack(bits)

    def permute(self, x, shift=1):
        x = self.check(x)
        r = as_shift(shift) % self.dim
        if r == 0:
            return x.copy()
        if self.dim % 64 == 0:
            q, b = divmod(r, 64)
            rolled = np.roll(x, q, axis=-1)
            if b == 0:
                return rolled
            carry = np.roll(rolled, 1, axis=-1) >> np.uint64(64 - b)
            return (rolled << np.uint64(b)) | carry
        return _bits.pack(np.roll(_bits.unpack(x, self.dim), r, axis=-1))

    def bind_gather(self, tables, index):
        """See :meth:`Space.bind_gather`; XOR of the picked rows in one fused pass (no temporaries).

        >>> s = BSC(64, seed=0)
        >>> t = s.random(3)
        >>> bool((s.bind_gather([t, t], [[0, 2]])[0] == s.bind(t[2], t[0])).all())
        True
        """
        tables, index = self._check_gather(tables, index)
        sizes = np.array([len(t) for t in tables], dtype=np.int64)
        starts = np.cumsum(sizes) - sizes
        flat = np.ascontiguousarray(np.concatenate(tables) if len(tables) > 1 else tables[0])
        rows = np.where(index >= 0, index + starts, -1)
        out = np.empty((index.shape[0], self.words), dtype=np.uint64)
        _bits.xor_gather(flat, rows, out)
        return out

    def _fill_features(self, rows, out):
        bipolar_rows(rows, self.dim, out=out)  # 1 - 2 bit, from the bytes of the words

    def _from_features(self, rows):
        return rows  # the bipolar sum is the accumulator

    def packed_space(self):
        return self

    def hamming(self, a, b):
        """Hamming distance(s), with the same shape rules as :meth:`similarity`."""
        a, b = self._check_pair(a, b)
        return pairwise(a, b, _bits.hamming_matrix)

    def nearest(self, queries, vectors, k=1):
        queries = self.check(queries, "queries", batch=True)
        vectors = self.check(vectors, "vectors", batch=True)
        dist, idx = _bits.hamming_topk(queries, vectors, _check_k(k, vectors.shape[0]))
        return 1.0 - 2.0 * dist / self.dim, idx

    def similarity(self, a, b):
        a, b = self._check_pair(a, b)
        return pairwise(a, b, lambda x, y: 1.0 - 2.0 * _bits.hamming_matrix(x, y) / self.dim)
