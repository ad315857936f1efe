"""Sparse block codes (Laiho, Poikonen, Kanerva & Lehtonen 2015, "High-dimensional computing with
sparse vectors", IEEE BioCAS; Frady, Kleyko & Sommer 2021, "Variable binding for sparse
distributed representations: theory and applications", IEEE TNNLS).

A ``dim``-dimensional binary vector is cut into ``dim / block_size`` blocks with exactly one
active unit each, stored as the index of that unit per block (uint16). Binding is the block-wise
circular shift of one vector's block by the other's index, i.e. index addition modulo the block
size (Laiho et al.; Frady et al.'s block-local circular convolution): exact, commutative,
associative, inverse by negation, identity all zeros. Bundling counts the active units per
position and keeps the most frequent unit of each block (the block-wise winner-take-all).
Similarity is the share of blocks that agree, centred so that unrelated vectors score 0 and
identical ones 1: ``(agree / blocks - 1 / L) / (1 - 1 / L)`` with ``L = block_size`` (its noise is
N(0, 1/dim), as in the dense models). The accumulator is the sum of the centred one-hot codes
(``1 - 1/L`` at the active unit, ``-1/L`` elsewhere), so that its dot products are similarities
and bundling in steps is exact. ``permute`` rotates the blocks.

Ties in a block's count (frequent: a bundle of three vectors has three units tied in most blocks)
are broken by a keyed hash of the block's counts *seen from each candidate*, which is the same
after any rotation of the block or of the blocks: so ``permute(bundle(xs)) ==
bundle(permute(xs))`` holds exactly, and ``bind(c, bundle(xs)) == bundle(bind(c, xs))`` in every
block but those whose counts repeat under a rotation (e.g. two tied units half a block apart),
where no choice can ignore position. A bundle
of n vectors keeps about 1/n of each in its blocks (not 1/sqrt(n) as the dense majority), so the
structures built on it hold fewer items at a given dim.

Examples
--------
>>> import kanerva as kv
>>> s = kv.SBC(1_024, seed=0)                  # 64 blocks of 16 units
>>> a, b = s.random(key="a"), s.random(key="b")
>>> a.shape, a.dtype
((64,), dtype('uint16'))
>>> bool((s.unbind(s.bind(a, b), b) == a).all()), s.similarity(a, a)
(True, 1.0)
"""

from __future__ import annotations

import numpy as np

from . import keys as _keys
from .space import Space, as_shift, pairwise


class SBC(Space):
    """Sparse block codes. See the module docstring.

    Parameters
    ----------
    dim : int
        Number of units, a multiple of ``block_size``.
    seed : int
    block_size : int
        Units per block (2 to 65,536); one of them is active. The number of blocks sets the
        noise of a bundle's similarities (a bundle of n keeps about 1/n of each member per
        block, give or take ``sqrt(1/(n blocks))``), so at a given dim smaller blocks hold more
        items; larger ones are sparser.
    """

    name = "sbc"
    dtype = np.dtype(np.uint16)

    def __init__(self, dim: int, seed: int = 0, block_size: int = 16):
        super().__init__(dim, seed)
        if isinstance(block_size, bool) or not isinstance(block_size, (int, np.integer)) \
                or not 2 <= block_size <= 65_536:
            raise ValueError(f"block_size must be an integer between 2 and 65,536, got {block_size!r}")
        if self.dim % block_size:
            lo = max(block_size, self.dim - self.dim % block_size)
            raise ValueError(f"SBC's dim must be a multiple of block_size ({block_size}), got {self.dim:,} "
                             f"(e.g. {lo:,} or {lo + block_size:,}; or pass another block_size)")
        self.block_size = int(block_size)
        self.blocks = self.dim // self.block_size
        self._hash_weights = None

    @classmethod
    def round_dim(cls, dim: int, block_size: int = 16) -> int:
        """The nearest dimension SBC takes: a multiple of ``block_size`` (at least one block)."""
        return max(block_size, int(round(dim / block_size)) * block_size)

    # ---- description ----------------------------------------------------------------------

    @property
    def shape(self):
        return (self.blocks,)

    def __repr__(self):
        return f"SBC(dim={self.dim}, seed={self.seed}, block_size={self.block_size})"

    def __eq__(self, other):
        return type(self) is type(other) and (self.dim, self.seed, self.block_size) == \
            (other.dim, other.seed, other.block_size)

    def __hash__(self):
        return hash(("SBC", self.dim, self.seed, self.block_size))

    def config(self):
        return {"model": self.name, "dim": self.dim, "seed": self.seed, "block_size": self.block_size}

    # ---- vectors ----------------------------------------------------------------------------

    def _from_hashes(self, hashes):
        words = _keys.stream(hashes, self.blocks)
        return (words % np.uint64(self.block_size)).astype(np.uint16)

    def _check_values(self, x, name):
        if x.size and int(x.max()) >= self.block_size:
            raise ValueError(f"{name} has a unit index >= block_size ({self.block_size}): not a vector of {self!r}")

    def _onehot(self, x: np.ndarray) -> np.ndarray:
        """Centred one-hot codes (..., dim) float64: 1 - 1/L at the active unit, -1/L elsewhere."""
        lead = x.shape[:-1]
        out = np.full(lead + (self.blocks, self.block_size), -1.0 / self.block_size)
        np.put_along_axis(out, x[..., None].astype(np.intp), 1.0 - 1.0 / self.block_size, axis=-1)
        return out.reshape(lead + (self.dim,))

    # ---- algebra ------------------------------------------------------------------------------

    def bind(self, a, b):
        a, b = self._check_pair(a, b)
        return ((a.astype(np.uint32) + b) % self.block_size).astype(np.uint16)

    def inverse(self, a):
        a = self.check(a)
        return ((self.block_size - a.astype(np.uint32)) % self.block_size).astype(np.uint16)

    def identity(self):
        return np.zeros(self.blocks, dtype=np.uint16)

    def accumulate(self, xs, weights=None, acc=None):
        xs = self._check_stack(xs)
        w = self._check_weights(weights, xs.shape[-2])
        codes = self._onehot(xs)                                  # (..., n, dim)
        total = codes.sum(axis=-2) if w is None else np.einsum("...nd,n->...d", codes, w.astype(np.float64))
        if acc is not None:
            total = total + self._check_acc(acc, total.shape)
        return total

    def normalize(self, acc):
        acc = self._accumulator(acc).astype(np.float64, copy=False)
        lead = acc.shape[:-1]
        v = acc.reshape((-1, self.blocks, self.block_size))
        top = v.max(axis=-1, keepdims=True)
        tied = v == top
        winner = np.argmax(tied, axis=-1)
        several = tied.sum(axis=-1) > 1
        if several.any():
            winner[several] = self._break_ties(v[several], tied[several])
        return winner.reshape(lead + (self.blocks,)).astype(np.uint16)

    def _break_ties(self, blocks: np.ndarray, tied: np.ndarray) -> np.ndarray:
        """Among the tied units of each block, the one whose view of the block (its counts read
        from that unit on) hashes highest: the same choice after any rotation of the block or of
        the blocks, so binding and permutation commute with bundling even through ties. Only a
        block whose counts repeat under a rotation (two tied units half a block apart) leaves
        several candidates with one view; it takes the lowest (still independent of the block's
        position)."""
        if self._hash_weights is None:
            words = _keys.stream(_keys.key_hashes(self.seed, ["kanerva:sbc-ties"]), self.block_size)[0]
            self._hash_weights = (words >> np.uint64(40)).astype(np.float64)    # 24-bit integers
        L = self.block_size
        counts = np.rint(blocks * L)          # integers for integer weights: the sums below are exact
        index = (np.arange(L)[None, :] + np.arange(L)[:, None]) % L      # row i: i, i+1, ... (mod L)
        score = np.where(tied, counts[:, index] @ self._hash_weights, -np.inf)
        return np.argmax(score, axis=-1)     # the first of equal scores: the lowest candidate

    def permute(self, x, shift=1):
        x = self.check(x)
        return np.roll(x, as_shift(shift), axis=-1)

    def similarity(self, a, b):
        a, b = self._check_pair(a, b)
        return pairwise(a, b, self._similarity_matrix)

    def _similarity_matrix(self, a, b):
        L = self.block_size
        if a.shape[0] * b.shape[0] <= 4096:
            agree = (a[:, None, :] == b[None, :, :]).sum(axis=-1, dtype=np.int64)
        else:
            fa, fb = self._onehot(a).astype(np.float32), self._onehot(b).astype(np.float32)
            agree = np.rint(fa @ fb.T + self.blocks / L).astype(np.int64)   # centred codes: agree - blocks / L
        return (agree / self.blocks - 1.0 / L) / (1.0 - 1.0 / L)

    # ---- real features ------------------------------------------------------------------------

    def _fill_features(self, rows, out):
        L = self.block_size
        out[...] = self._onehot(rows) * (L / np.sqrt(L - 1))   # dot products: dim * similarity

    def _from_features(self, rows):
        L = self.block_size
        return rows * (np.sqrt(L - 1) / L)
