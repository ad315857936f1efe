"""Sparse distributed memory on packed binary vectors.

Kanerva (1988), *Sparse Distributed Memory*, MIT Press (ch. 6-7): M hard locations with random
addresses a_m in {0,1}^n, each with a counter per data bit. Writing data w at address x adds
bipolar(w) (+1 for a 0 bit, -1 for a 1 bit, as :class:`kanerva.BSC`) to the counters of every
location within Hamming radius r of x; reading x sums the counters of the same set and thresholds
at 0. A location is active with probability p = P(Binomial(n, 1/2) <= r). Kanerva's
signal-to-noise analysis of reading at a written address with T items stored,

    SNR^2 ~ M p / (1 + p T (1 + p^2 M)),

peaks at p* = (2 M T)^(-1/3) (:func:`kanerva_optimal_activation`); the classic setting is
n = 1,000, M = 10^6, r = 451 (p ~ 0.001).

Patterns are the vectors of a ``kv.BSC`` space (packed uint64 words) or of a ``kv.MAP`` space
(int8 +-1, the bipolar image of the BSC vectors of the same seed), or +-1 arrays for an int
``dim``; internally everything is packed bits. Distances use the shared packed Hamming kernel;
counters are int8 by default and saturate rather than wrap.

Examples
--------
>>> import kanerva as kv
>>> s = kv.BSC(256, seed=0)
>>> sdm = SparseDistributedMemory(s, locations=2_000, activation=0.05)
>>> items = s.random(key=list(range(20)))
>>> sdm.write(items)                                  # auto-associative
>>> noisy = s.bind(items, s.random(key="noise") & s.random(key="sparse") & s.random(key="er"))
>>> round(float(s.similarity(noisy, items).diagonal().mean()), 2)
0.73
>>> bool((sdm.read(noisy) == items).all())            # iterated to a fixed point
True
"""

from __future__ import annotations

import functools
import math
import warnings

import numpy as np

from .._kernels import bits as _bits
from .._kernels.sdm import add_rows as _add_rows
from .._kernels.sdm import index_lists as _index_lists
from .._kernels.sdm import select_nearest as _select
from .._kernels.sdm import slice_locations as _slice_locations
from .._kernels.sdm import sum_rows as _sum_rows
from .._kernels.sdm import within_radius as _within_radius
from ..vsa import BSC
from ._base import AssociativeMemory, ReadInfo, check_pairs, positive_int, run_sync

_CHUNK = 64  # addresses per block of the (chunk, M) distance matrix
COUNTER_DTYPES = ("int8", "int16", "int32")


def activation_probability(n: int, radius: int) -> float:
    """P(Binomial(n, 1/2) <= radius): the fraction of random locations within ``radius``.

    >>> round(activation_probability(1000, 451), 4)
    0.0011
    """
    return sum(math.comb(n, k) for k in range(radius + 1)) / 2**n


def radius_for(n: int, p: float) -> int:
    """The radius whose activation probability is closest to ``p`` (on a log scale).

    >>> radius_for(1000, 0.001)
    451
    """
    best, best_gap, cdf = 0, math.inf, 0
    for r in range(n + 1):
        cdf += math.comb(n, r)
        gap = abs(math.log(cdf / 2**n) - math.log(p))
        if gap > best_gap:
            break
        best, best_gap = r, gap
    return best


def kanerva_optimal_activation(locations: int, items: int) -> float:
    """Kanerva's optimal activation probability p* = (2 M T)^(-1/3).

    >>> round(kanerva_optimal_activation(1_000_000, 10_000), 5)
    0.00037
    """
    return (2.0 * locations * items) ** (-1.0 / 3.0)


class SparseDistributedMemory(AssociativeMemory):
    """Kanerva's sparse distributed memory (see the module docstring).

    Parameters
    ----------
    space : kv.BSC, kv.MAP or int
        The patterns (addresses and data): BSC or MAP vectors, or +-1 arrays of width ``dim``.
    locations : int
        Number of hard locations M.
    radius : int, optional
        Activation radius r (Hamming distance <= r).
    activation : float, optional
        Instead of a radius, activate exactly round(activation * M) nearest locations for every
        address (ties by location index), so no read finds an empty set.
        With neither, the radius whose activation probability is closest to 1/sqrt(M)
        (0.001 for the classic M = 10^6).
    counter_dtype : {"int8", "int16", "int32"}
        Counters saturate at the limits of this type.
    seed : int
        Location addresses are the keyed vectors ``bits.random(key="sdm/<seed>/<m>")`` of the
        packed space ``bits`` (the BSC space itself, MAP's BSC twin, or ``kv.BSC(dim)``).

    Examples
    --------
    >>> import kanerva as kv
    >>> s = kv.BSC(128, seed=1)
    >>> keys, values = s.random(key=["k1", "k2"]), s.random(key=["v1", "v2"])
    >>> sdm = SparseDistributedMemory(s, locations=500, radius=52)
    >>> sdm.write(keys, values)                       # hetero-associative
    >>> bool((sdm.read(keys) == values).all()), len(sdm)
    (True, 2)
    """

    kind = "sparse-distributed-memory"
    hetero = True

    def __init__(self, space, locations: int = 10_000, radius: int | None = None,
                 activation: float | None = None, counter_dtype: str = "int8", seed: int = 0):
        super().__init__(space)
        self.bits = self.patterns.bits_space
        self.locations = positive_int(locations, "locations")
        if radius is not None and activation is not None:
            raise ValueError("give either radius or activation, not both")
        if activation is not None:
            if isinstance(activation, bool) or not isinstance(activation, (int, float, np.number)) \
                    or not 0 < activation <= 1:
                raise ValueError(f"activation must be a fraction in (0, 1], got {activation!r}")
            activation = float(activation)
        elif radius is None:
            radius = radius_for(self.dim, self.locations**-0.5)
        else:
            radius = positive_int(radius, "radius", 0)
        self.radius, self.activation = radius, activation
        if counter_dtype not in COUNTER_DTYPES:
            raise ValueError(f"counter_dtype must be one of {COUNTER_DTYPES}, got {counter_dtype!r}")
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
            raise TypeError(f"seed must be an integer, got {seed!r}")
        self.seed = int(seed)
        self.addresses_ = _location_addresses(self.bits, self.seed, self.locations)
        self.counters_ = np.zeros((self.locations, self.dim), dtype=counter_dtype)
        self._sliced = None  # addresses_ as bit planes for _within_radius

    def __repr__(self) -> str:
        how = f"radius={self.radius}" if self.activation is None else f"activation={self.activation}"
        return f"SparseDistributedMemory({self.patterns!r}, locations={self.locations}, {how}, items={len(self)})"

    @property
    def nbytes(self) -> int:
        """Bytes held by addresses and counters."""
        return self.addresses_.nbytes + self.counters_.nbytes

    def active(self, addresses) -> list[np.ndarray]:
        """Indices of the locations each address (a pattern or a batch) activates.

        >>> import kanerva as kv
        >>> sdm = SparseDistributedMemory(kv.BSC(64), locations=100, activation=0.1)
        >>> [len(a) for a in sdm.active(sdm.addresses_[:3])]
        [10, 10, 10]
        """
        x, _ = self.patterns.packed(addresses, "addresses")
        indptr, indices = self._active(x)
        return [indices[indptr[i]:indptr[i + 1]] for i in range(len(x))]

    def _active(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if self.radius is not None:
            return self._active_radius(x)
        ptrs, parts = [np.zeros(1, dtype=np.int64)], []
        k = max(1, round(self.activation * self.locations))
        offset = 0
        for lo in range(0, len(x), _CHUNK):
            dist = _bits.hamming_matrix(x[lo:lo + _CHUNK], self.addresses_)
            indptr, indices = _select(dist, k, self.dim)
            ptrs.append(indptr[1:] + offset)
            parts.append(indices)
            offset += len(indices)
        return np.concatenate(ptrs), np.concatenate(parts) if parts else np.zeros(0, np.int64)

    def _active_radius(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        # the radius test fused into the distance loop: no (n, M) distance matrix
        expected = activation_probability(self.dim, self.radius) * self.locations
        cap = int(min(self.locations, 2 * expected + 8 * math.sqrt(expected) + 16))
        counts = np.empty(len(x), dtype=np.int64)
        dim = self.dim
        if self._sliced is None or self._sliced[0] is not self.addresses_:  # once per memory
            self._sliced = (self.addresses_, *_slice_locations(self.addresses_, dim))
        _, planes, sums = self._sliced
        lists = _index_lists(np.ascontiguousarray(x), dim)
        while True:
            hits = np.empty((len(x), cap), dtype=np.int64)
            if _within_radius(planes, sums, self.locations, dim, *lists, self.radius, cap, counts, hits):
                break
            cap = int(min(self.locations, counts.max()))
        indptr = np.zeros(len(x) + 1, dtype=np.int64)
        np.cumsum(counts, out=indptr[1:])
        return indptr, hits[np.arange(cap)[None, :] < counts[:, None]]

    def write(self, keys, values=None) -> None:
        """Store ``values`` at the addresses ``keys`` (patterns, one or a batch); auto-associative
        (each pattern stored at itself) when ``values`` is None."""
        hetero = self._mode(values)
        x, _ = self.patterns.packed(keys, "addresses")
        w = self.patterns.packed(values, "values")[0] if hetero else x
        check_pairs(x, w, "SparseDistributedMemory.write")
        bipolar = (1 - 2 * _bits.unpack(w, self.dim).astype(np.int8)).astype(np.int8)
        indptr, indices = self._active(x)
        info = np.iinfo(self.counters_.dtype)
        _add_rows(self.counters_, indptr, indices, bipolar, -info.max)  # symmetric: [-max, max]
        self._stored(len(x), hetero)

    def read_sums(self, addresses) -> np.ndarray:
        """Counter sums over the active locations (n, dim) int32: the evidence per bit (+ for a
        0 bit, the state +1)."""
        x, single = self.patterns.packed(addresses, "addresses")
        sums = self._sums(x)
        return sums[0] if single else sums

    def _sums(self, x: np.ndarray) -> np.ndarray:
        indptr, indices = self._active(x)
        empty = int(np.count_nonzero(np.diff(indptr) == 0))
        if empty:
            warnings.warn(f"{empty} of {len(indptr) - 1} addresses activate no location within radius "
                          f"{self.radius}: their reads carry no stored data (raise the radius, or use "
                          f"activation= for a fixed number of active locations)", RuntimeWarning, stacklevel=3)
        sums = np.zeros((len(indptr) - 1, self.dim), dtype=np.int32)
        _sum_rows(self.counters_, indptr, indices, sums)
        return sums

    def read(self, cues, *, steps: int | None = None, return_info: bool = False):
        """Read at ``cues`` (one pattern or a batch): the majority of the active counters.

        Auto-association iterates (Kanerva's iterative reading: read again at the result, which
        converges on a stored item from farther away than one read): ``steps=None`` to a fixed
        point, ``steps=1`` one read. A hetero-associative read is one read. Ties (sum 0) are
        broken by the space's deterministic tiebreak, as in bundling.
        """
        limit, strict = self._plan(steps)
        x, single = self.patterns.packed(cues, "cues")

        def step(cur, rows):
            new = self.bits.normalize(self._sums(cur))
            return new, (new != cur).any(axis=1)

        if self._hetero:
            out, info = self.bits.normalize(self._sums(x)), ReadInfo.direct(len(x), 1)
        else:
            out, info = run_sync(x, step, limit)
            self._report(info, limit, strict)
        out = self.patterns.from_packed(out)
        out = out[0] if single else out
        return (out, info) if return_info else out

    def _state(self):
        meta = {"locations": self.locations, "radius": self.radius, "activation": self.activation, "seed": self.seed}
        return {"counters": self.counters_}, meta

    @classmethod
    def _from_state(cls, space, arrays, meta):
        counters = arrays["counters"]
        if str(counters.dtype) not in COUNTER_DTYPES:
            raise ValueError(f"counters of dtype {counters.dtype}")
        if counters.ndim != 2 or counters.shape[0] != meta["locations"]:
            raise ValueError(f"counters of shape {counters.shape} for {meta['locations']} locations")
        sdm = cls(space, locations=meta["locations"], radius=meta["radius"], activation=meta["activation"],
                  counter_dtype=str(counters.dtype), seed=meta["seed"])
        if counters.shape != sdm.counters_.shape:
            raise ValueError(f"counters of shape {counters.shape}, expected {sdm.counters_.shape}")
        sdm.counters_[:] = counters
        return sdm


@functools.lru_cache(maxsize=8)
def _location_addresses(space: BSC, seed: int, locations: int) -> np.ndarray:
    # keyed, so a loaded memory (or another process) rebuilds the same addresses; cached
    # because hashing 10^5 keys costs a noticeable fraction of a second per memory
    addresses = space.random(key=[f"sdm/{seed}/{m}" for m in range(locations)])
    addresses.flags.writeable = False
    return addresses
