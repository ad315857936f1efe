"""Binary hashes for similarity search: FlyHash and SimHash, output as packed bits.

FlyHash (Dasgupta, Stevens & Navlakha 2017, "A neural algorithm for a fundamental computing
problem", Science 358:793): the fly's olfactory circuit as a locality-sensitive hash. Each input
is centred (its own mean subtracted, as the projection neurons do); each of ``m`` Kenyon cells
sums a fixed random set of ``fan_in`` inputs (a sparse binary expansion, ``m`` >> ``d``); the
anterior paired lateral neuron's winner-take-all keeps the ``active`` most excited cells as the
tag, a binary vector of length ``m`` with ``active`` ones.

SimHash (Charikar 2002, "Similarity estimation techniques from rounding algorithms"):
``h(x) = sign(R x)`` with Gaussian ``R`` of ``bits`` rows; two vectors at angle theta agree on
each bit with probability ``1 - theta / pi``.

Both return packed codes in the BSC layout (:mod:`kanerva.vsa._bits`), so they go straight into
:class:`kanerva.index.ExactIndex` with ``kv.BSC(hasher.bits)``; ``hasher.space`` is that space.

Examples
--------
>>> import numpy as np
>>> from kanerva.index import FlyHash
>>> fly = FlyHash(input_dim=8, kenyon_cells=64, fan_in=3, active=4, seed=0)
>>> codes = fly.hash(np.random.default_rng(0).random((5, 8)))
>>> codes.shape, np.bitwise_count(codes).sum(axis=1).tolist()
((5, 1), [4, 4, 4, 4, 4])
"""

from __future__ import annotations

import numba
import numpy as np

from ..vsa import BSC
from ..vsa._bits import n_words, pack, thread_pool
from ._input import as_matrix, positive_int


@numba.njit(nogil=True, inline="always")
def _see(s, c, best, cand_val, cand_cell, n_cand):
    # Keep the `active` largest activations so far (best, descending) and record every cell
    # at or above the running threshold best[-1] as a candidate. The threshold only rises, so
    # the candidates include every final winner and every cell tied with the final threshold;
    # there are about active * log(m / active) of them, so no (m,) activation array is kept.
    p = best.shape[0] - 1
    if s < best[p]:
        return n_cand
    cand_val[n_cand] = s
    cand_cell[n_cand] = c
    if s > best[p]:
        while p > 0 and best[p - 1] < s:
            best[p] = best[p - 1]
            p -= 1
        best[p] = s
    return n_cand + 1


@numba.njit(nogil=True, inline="always")
def _winners(cand_val, cand_cell, n_cand, thr, active, out_row):
    # the candidates above the threshold, then those equal to it in cell order until exactly
    # `active` are set (a deterministic tie rule)
    above = 0
    for t in range(n_cand):
        if cand_val[t] > thr:
            out_row[cand_cell[t] >> 6] |= np.uint64(1) << np.uint64(cand_cell[t] & 63)
            above += 1
    for t in range(n_cand):
        if above == active:
            break
        if cand_val[t] == thr:
            out_row[cand_cell[t] >> 6] |= np.uint64(1) << np.uint64(cand_cell[t] & 63)
            above += 1


_PAIR_TABLE_MAX_DIM = 128  # pair sums of 4 inputs: d (d + 1) x 4 doubles = 520 KB at d = 128 (L2)


@numba.njit(cache=True, nogil=True)
def _fill_table(x, i, paired, table):
    # the lookup table of rows i..i+3: pair sums x[a] + x[b] at a (d + 1) + b, with b = d
    # standing for "no partner" (x[a] alone); or, unpaired, the inputs themselves
    d = x.shape[1]
    for a in range(d):
        for r in range(4):
            if paired:
                for b in range(d):
                    table[a * (d + 1) + b, r] = x[i + r, a] + x[i + r, b]
                table[a * (d + 1) + d, r] = x[i + r, a]
            else:
                table[a, r] = x[i + r, a]


@numba.njit(cache=True, nogil=True)
def _fly_kernel(x, lookup, paired, active, out):
    # x: (n, d) centred inputs, n a multiple of 4; lookup: (m, L) uint32 table rows whose sum is
    # each cell's activation (input pairs, or single inputs); out: (n, W) zeros.
    # Four inputs at a time: a cell's table rows are loaded once for four sums in registers,
    # and summing pairs halves the loads, which bound this loop.
    n, d = x.shape
    m, n_terms = lookup.shape
    table = np.empty((d * (d + 1) if paired else d, 4), dtype=np.float64)
    best = np.empty((4, active), dtype=np.float64)
    cand_val = np.empty((4, m), dtype=np.float64)
    cand_cell = np.empty((4, m), dtype=np.int64)
    b0, b1, b2, b3 = best[0], best[1], best[2], best[3]  # views made once, not per cell
    v0, v1, v2, v3 = cand_val[0], cand_val[1], cand_val[2], cand_val[3]
    c0, c1, c2, c3 = cand_cell[0], cand_cell[1], cand_cell[2], cand_cell[3]
    last = active - 1
    for i in range(0, n, 4):
        _fill_table(x, i, paired, table)
        best[:] = -np.inf
        n0 = n1 = n2 = n3 = 0
        t0 = t1 = t2 = t3 = low = -np.inf  # running thresholds in registers; low = their minimum
        for c in range(m):
            s0 = s1 = s2 = s3 = 0.0
            for j in range(n_terms):
                k = lookup[c, j]
                s0 += table[k, 0]
                s1 += table[k, 1]
                s2 += table[k, 2]
                s3 += table[k, 3]
            if max(max(s0, s1), max(s2, s3)) < low:  # the common case: no row's candidate
                continue
            if s0 >= t0:
                n0 = _see(s0, c, b0, v0, c0, n0)
                t0 = b0[last]
            if s1 >= t1:
                n1 = _see(s1, c, b1, v1, c1, n1)
                t1 = b1[last]
            if s2 >= t2:
                n2 = _see(s2, c, b2, v2, c2, n2)
                t2 = b2[last]
            if s3 >= t3:
                n3 = _see(s3, c, b3, v3, c3, n3)
                t3 = b3[last]
            low = min(min(t0, t1), min(t2, t3))
        _winners(v0, c0, n0, t0, active, out[i])
        _winners(v1, c1, n1, t1, active, out[i + 1])
        _winners(v2, c2, n2, t2, active, out[i + 2])
        _winners(v3, c3, n3, t3, active, out[i + 3])


def _lookup_rows(inputs: np.ndarray, d: int, paired: bool) -> np.ndarray:
    """Table rows of :func:`_fill_table` whose sum is each cell's activation: (m, L) uint32."""
    if not paired:
        return inputs.astype(np.uint32)
    a = inputs[:, 0::2].astype(np.int64)
    b = np.full(a.shape, d, dtype=np.int64)  # odd fan-in: the last input has no partner
    b[:, : inputs[:, 1::2].shape[1]] = inputs[:, 1::2]
    return (a * (d + 1) + b).astype(np.uint32)


def _distinct_samples(rng: np.random.Generator, rows: int, population: int, size: int) -> np.ndarray:
    """(rows, size) int32, each row ``size`` distinct numbers below ``population``."""
    out = rng.integers(0, population, size=(rows, size))
    while True:  # redraw rows that repeat a number; cheap when size << population
        s = np.sort(out, axis=1)
        bad = np.flatnonzero((s[:, 1:] == s[:, :-1]).any(axis=1))
        if not bad.size:
            return out.astype(np.int32)
        if size > population // 2:  # dense sampling: a permutation per bad row
            out[bad] = np.stack([rng.permutation(population)[:size] for _ in bad])
        else:
            out[bad] = rng.integers(0, population, size=(bad.size, size))


class FlyHash:
    """Fly olfactory hash: centre, sparse binary expansion, winner-take-all (see module).

    Parameters
    ----------
    input_dim : int
        Input width ``d``.
    kenyon_cells : int
        Number of Kenyon cells ``m`` (the code length in bits).
    fan_in : int
        Inputs each Kenyon cell sums (distinct, drawn uniformly; the paper: about 10% of d).
    active : int
        Cells kept by the winner-take-all (the hash length ``k`` of the paper).
    seed : int
        Seed of the wiring.

    Examples
    --------
    >>> import numpy as np
    >>> fly = FlyHash(4, kenyon_cells=40, fan_in=2, active=3, seed=1)
    >>> x = np.array([1.0, 2.0, 3.0, 4.0])
    >>> bool((fly.hash(x) == fly.hash(2 * x + 5)).all())   # centred, then top-k: scale-free
    True
    """

    def __init__(self, input_dim: int, kenyon_cells: int = 20_000, fan_in: int = 6, active: int = 16, seed: int = 0):
        self.input_dim = positive_int(input_dim, "input_dim")
        self.kenyon_cells = positive_int(kenyon_cells, "kenyon_cells")
        self.fan_in = positive_int(fan_in, "fan_in")
        self.active = positive_int(active, "active")
        if self.fan_in > self.input_dim:
            raise ValueError(f"fan_in ({fan_in}) cannot exceed input_dim ({input_dim}): inputs are sampled without repeats")
        if self.active > self.kenyon_cells:
            raise ValueError(f"active ({active}) cannot exceed kenyon_cells ({kenyon_cells})")
        self.seed = int(seed)
        rng = np.random.default_rng(np.random.SeedSequence([self.seed & (2**63 - 1), 0xF17]))
        self.inputs = _distinct_samples(rng, self.kenyon_cells, self.input_dim, self.fan_in)
        # activations are sums of input pairs looked up in a per-row table (when it fits in L2);
        # unsigned indices: numba does not wraparound-check them (2x faster)
        self._paired = self.input_dim <= _PAIR_TABLE_MAX_DIM
        self._lookup = _lookup_rows(self.inputs, self.input_dim, self._paired)

    @property
    def bits(self) -> int:
        return self.kenyon_cells

    @property
    def space(self) -> BSC:
        """The BSC space the codes live in (for :class:`kanerva.index.ExactIndex`)."""
        return BSC(self.kenyon_cells, seed=self.seed)

    def hash(self, X) -> np.ndarray:
        """Packed tags (n, ceil(kenyon_cells / 64)) uint64 of the rows of ``X`` (n, input_dim)."""
        x = as_matrix(X, self.input_dim)
        n = x.shape[0]
        if n == 0:
            return np.zeros((0, n_words(self.kenyon_cells)), dtype=np.uint64)
        x = x - x.mean(axis=1, keepdims=True)
        x = np.concatenate([x, np.repeat(x[-1:], -n % 4, axis=0)])  # whole groups of four rows
        out = np.zeros((x.shape[0], n_words(self.kenyon_cells)), dtype=np.uint64)
        groups = x.shape[0] // 4
        chunks = min(numba.get_num_threads(), groups, 1 + n * self.kenyon_cells * self.fan_in // 2_000_000)
        bounds = [4 * (c * groups // chunks) for c in range(chunks + 1)]  # row groups over threads (nogil)
        if chunks == 1:
            _fly_kernel(x, self._lookup, self._paired, self.active, out)
        else:
            jobs = [thread_pool().submit(_fly_kernel, x[a:b], self._lookup, self._paired, self.active, out[a:b])
                    for a, b in zip(bounds[:-1], bounds[1:])]
            for job in jobs:
                job.result()
        return out[:n]

    def __repr__(self) -> str:
        return (f"FlyHash(input_dim={self.input_dim}, kenyon_cells={self.kenyon_cells}, "
                f"fan_in={self.fan_in}, active={self.active}, seed={self.seed})")


class SimHash:
    """Signed random projections: bit ``b`` of ``x`` is ``(R x)_b > 0``, R Gaussian.

    Examples
    --------
    >>> import numpy as np
    >>> h = SimHash(3, bits=16, seed=0)
    >>> x = np.array([1.0, -2.0, 0.5])
    >>> bool((h.hash(x) == h.hash(3 * x)).all()), h.hash(x).shape
    (True, (1, 1))
    """

    def __init__(self, input_dim: int, bits: int, seed: int = 0):
        self.input_dim = positive_int(input_dim, "input_dim")
        self.bits = positive_int(bits, "bits")
        self.seed = int(seed)
        rng = np.random.default_rng(np.random.SeedSequence([self.seed & (2**63 - 1), 0x5111]))
        self.projection = rng.standard_normal((self.bits, self.input_dim))

    @property
    def space(self) -> BSC:
        return BSC(self.bits, seed=self.seed)

    def hash(self, X) -> np.ndarray:
        """Packed signs (n, ceil(bits / 64)) uint64."""
        x = as_matrix(X, self.input_dim)
        return pack(x @ self.projection.T > 0)

    def __repr__(self) -> str:
        return f"SimHash(input_dim={self.input_dim}, bits={self.bits}, seed={self.seed})"
