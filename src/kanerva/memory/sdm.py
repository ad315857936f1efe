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

import numba
import numpy as np
from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

from ..vsa import BSC, _bits
from ..vsa._bits import popcount64
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
                    or not 0.0 < float(activation) <= 1.0:
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
        self._hetero = hetero
        self._count += len(x)

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


@numba.njit(cache=True, nogil=True)
def _select(dist, k, dim):
    # the k nearest locations of each address (ties by index), found from a histogram of the
    # distances in O(M + dim) rather than a sort: include d < cut, then the first `extra` at d == cut
    n, m = dist.shape
    indptr = np.arange(n + 1) * k
    indices = np.empty(n * k, dtype=np.int64)
    hist = np.zeros(dim + 2, dtype=np.int64)
    for a in range(n):
        hist[:] = 0
        for j in range(m):
            hist[dist[a, j]] += 1
        below, cut = 0, 0
        while below + hist[cut] < k:
            below += hist[cut]
            cut += 1
        extra = k - below
        pos = indptr[a]
        for j in range(m):
            d = dist[a, j]
            if d < cut or (d == cut and extra > 0):
                if d == cut:
                    extra -= 1
                indices[pos] = j
                pos += 1
    return indptr, indices


@intrinsic
def _sat_add(typingctx, a, b):
    """a + b saturated at the limits of a's type (LLVM ``sadd.sat``; b no wider than a)."""
    if not (isinstance(a, types.Integer) and isinstance(b, types.Integer) and a.signed and b.signed
            and b.bitwidth <= a.bitwidth):
        return None

    def codegen(context, builder, signature, args):
        x, y = args
        if y.type.width < x.type.width:
            y = builder.sext(y, x.type)
        fn = cgutils.get_or_insert_function(builder.module, ir.FunctionType(x.type, [x.type, x.type]),
                                            f"llvm.sadd.sat.i{x.type.width}")
        return builder.call(fn, [x, y])

    return a(a, b), codegen


@numba.njit(cache=True, nogil=True)
def _add_rows(counters, indptr, indices, bipolar, lo):
    # saturating add in the counter type (vpaddsb for int8: 32 counters per instruction; numba
    # would widen plain integer arithmetic to int64), then the symmetric floor lo = -max
    lo = counters.dtype.type(lo)
    for a in range(len(indptr) - 1):
        row_in = bipolar[a]
        for p in range(indptr[a], indptr[a + 1]):
            row = counters[indices[p]]
            for k in range(row.shape[0]):
                v = _sat_add(row[k], row_in[k])
                row[k] = v if v > lo else lo


@numba.njit(cache=True, nogil=True)
def _sum_rows(counters, indptr, indices, sums):
    # eight rows per pass over the output row: a eighth of the int32 loads and stores
    # (sums wrap modulo 2^32 in any order, so the result is the row-by-row one)
    d = counters.shape[1]
    for a in range(len(indptr) - 1):
        out = sums[a]
        p, end = indptr[a], indptr[a + 1]
        while p + 8 <= end:
            r0, r1, r2, r3 = (counters[indices[p]], counters[indices[p + 1]],
                              counters[indices[p + 2]], counters[indices[p + 3]])
            r4, r5, r6, r7 = (counters[indices[p + 4]], counters[indices[p + 5]],
                              counters[indices[p + 6]], counters[indices[p + 7]])
            for k in range(d):
                out[k] += (np.int32(r0[k]) + np.int32(r1[k]) + np.int32(r2[k]) + np.int32(r3[k])
                           + np.int32(r4[k]) + np.int32(r5[k]) + np.int32(r6[k]) + np.int32(r7[k]))
            p += 8
        for q in range(p, end):
            row = counters[indices[q]]
            for k in range(d):
                out[k] += np.int32(row[k])


# ---------------------------------------------------------------------------------------------
# Radius test, bit-sliced: 256 locations at a time, one 256-bit lane per location
#
# Locations are transposed once per memory into planes[g, d] (bit d of locations 256 g .. 256 g +
# 255, a <4 x i64> vector) plus an all-zero plane d = dim. For an address a of weight |a| and a
# location l, with c1 = |a AND l| and c0 = |NOT a AND l| (so c0 + c1 = |l|),
#
#     dist(a, l) = |a| + |l| - 2 c1 = |a| - |l| + 2 c0,
#
# so only the planes of a's ones (or of its zeros, whichever are fewer: at most dim / 2) are
# added, lane by lane, with the Harley-Seal carry-save adder tree of Mula, Kurz & Lemire (2018):
# 16 planes per step into bit-sliced ones / twos / fours / eights and a rippled counter of
# sixteens, about 5 vector and/xor/or per plane and no popcount. Then S = 2 c + (dim - |l|)
# (planes of dim - |l| stored per group) is compared with a per-address constant, bit-sliced:
#
#     counting a's ones:   dist <= r  <=>  S >= |a| - r + dim
#     counting a's zeros:  dist <= r  <=>  not S >= r - |a| + dim + 1
#
# The index lists are padded to a multiple of 16 with the zero plane. Exact; portable IR (plain
# vector and/xor/or, no target intrinsics). The 1,000 x 20,000 radius test at 1,000 bits, index
# lists included, side by side (one thread, 2-core AMD EPYC): 111 ms with a scalar popcount per
# word, 82 ms with 4 rows x 4-word vectors of vpshufb popcounts (AVX2), 33 ms bit-sliced. 64
# addresses at a time share each 32 KiB group of planes while it is in L1.

_I64 = ir.IntType(64)
_V = ir.VectorType(_I64, 4)
_MAXP = 64


def _is_u64(a, ndim):
    return isinstance(a, types.Array) and a.ndim == ndim and a.layout == "C" and a.dtype == types.uint64


@intrinsic
def _sliced_mask(typingctx, planes, base, idx, a, nidx, npl, sums, sbase, nbits, thresh, invert, out):
    """out[0:4] = 256-lane mask of (S >= thresh) xor invert, S = 2 * sum_i planes[base + 4 idx[a, i]] + sums."""
    if not (_is_u64(planes, 1) and _is_u64(sums, 1) and _is_u64(out, 1)
            and isinstance(idx, types.Array) and idx.ndim == 2 and idx.layout == "C"):
        return None
    sig = types.void(planes, types.intp, idx, types.intp, types.intp, types.intp, sums, types.intp,
                     types.intp, types.int64, types.int64, out)

    def codegen(context, builder, signature, args):
        pty, _, ity, _, _, _, sty, _, _, _, _, oty = signature.args
        (planes, base, idx, a, nidx, npl, sums, sbase, nbits, thresh, invert, out) = args
        pa = context.make_array(pty)(context, builder, planes)
        ia = context.make_array(ity)(context, builder, idx)
        sa = context.make_array(sty)(context, builder, sums)
        oa = context.make_array(oty)(context, builder, out)
        pdata = builder.gep(pa.data, [base])
        irow = builder.gep(ia.data, [builder.mul(a, builder.extract_value(ia.shape, 1))])
        zero = ir.Constant(_V, None)
        allones = ir.Constant(_V, [_I64(-1)] * 4)

        def vptr(p, k):
            return builder.bitcast(builder.gep(p, [k]), _V.as_pointer())

        def plane(i):  # planes[base + 4 * idx[a, i]]
            d = builder.sext(builder.load(builder.gep(irow, [i])), _I64) if ity.dtype.bitwidth < 64 else builder.load(builder.gep(irow, [i]))
            return builder.load(vptr(pdata, builder.shl(d, _I64(2))), align=32)

        acc = {k: cgutils.alloca_once_value(builder, zero) for k in ("ones", "twos", "fours", "eights")}
        cnt = cgutils.alloca_once(builder, ir.ArrayType(_V, _MAXP))
        cntp = builder.bitcast(cnt, _V.as_pointer())
        splane = cgutils.alloca_once(builder, ir.ArrayType(_V, _MAXP))
        sp = builder.bitcast(splane, _V.as_pointer())
        for k in acc.values():
            builder.store(zero, k)
        with cgutils.for_range(builder, npl) as loop:
            builder.store(zero, builder.gep(cntp, [loop.index]))

        def csa(x, y, z):
            u = builder.xor(x, y)
            return builder.or_(builder.and_(x, y), builder.and_(u, z)), builder.xor(u, z)

        with cgutils.for_range(builder, builder.udiv(nidx, _I64(16))) as loop:
            i0 = builder.mul(loop.index, _I64(16))
            v = [plane(builder.add(i0, _I64(k))) for k in range(16)]
            ones, twos, fours, eights = (builder.load(acc[k]) for k in ("ones", "twos", "fours", "eights"))
            twosA, ones = csa(ones, v[0], v[1])
            twosB, ones = csa(ones, v[2], v[3])
            foursA, twos = csa(twos, twosA, twosB)
            twosA, ones = csa(ones, v[4], v[5])
            twosB, ones = csa(ones, v[6], v[7])
            foursB, twos = csa(twos, twosA, twosB)
            eightsA, fours = csa(fours, foursA, foursB)
            twosA, ones = csa(ones, v[8], v[9])
            twosB, ones = csa(ones, v[10], v[11])
            foursA, twos = csa(twos, twosA, twosB)
            twosA, ones = csa(ones, v[12], v[13])
            twosB, ones = csa(ones, v[14], v[15])
            foursB, twos = csa(twos, twosA, twosB)
            eightsB, fours = csa(fours, foursA, foursB)
            sixteens, eights = csa(eights, eightsA, eightsB)
            for k, val in zip(("ones", "twos", "fours", "eights"), (ones, twos, fours, eights)):
                builder.store(val, acc[k])
            carry = cgutils.alloca_once_value(builder, sixteens)
            builder.store(sixteens, carry)
            with cgutils.for_range(builder, npl) as rip:
                p = builder.gep(cntp, [rip.index])
                c, old = builder.load(carry), builder.load(p)
                builder.store(builder.xor(old, c), p)
                builder.store(builder.and_(old, c), carry)
        # c planes: ones, twos, fours, eights, cnt[0..npl); S = 2 c + sums (nbits planes)
        low = [builder.load(acc[k]) for k in ("ones", "twos", "fours", "eights")]
        sdata = builder.gep(sa.data, [sbase])
        carry = cgutils.alloca_once_value(builder, zero)
        builder.store(zero, carry)
        with cgutils.for_range(builder, nbits) as loop:
            b = loop.index
            y = builder.load(vptr(sdata, builder.shl(b, _I64(2))), align=32)
            # x = c bit (b - 1)
            k = builder.sub(b, _I64(1))
            x = zero
            for q in range(4):
                x = builder.select(builder.icmp_signed("==", k, _I64(q)), low[q], x)
            hi = builder.sub(k, _I64(4))
            inrange = builder.and_(builder.icmp_signed(">=", hi, _I64(0)), builder.icmp_signed("<", hi, npl))
            safe = builder.select(inrange, hi, _I64(0))
            x = builder.select(inrange, builder.load(builder.gep(cntp, [safe])), x)
            c = builder.load(carry)
            u = builder.xor(x, y)
            builder.store(builder.xor(u, c), builder.gep(sp, [b]))
            builder.store(builder.or_(builder.and_(x, y), builder.and_(u, c)), carry)
        gt = cgutils.alloca_once_value(builder, zero)
        eq = cgutils.alloca_once_value(builder, allones)
        builder.store(zero, gt)
        builder.store(allones, eq)
        with cgutils.for_range(builder, nbits) as loop:
            b = builder.sub(builder.sub(nbits, _I64(1)), loop.index)
            s = builder.load(builder.gep(sp, [b]))
            bit = builder.neg(builder.and_(builder.lshr(thresh, b), _I64(1)))
            cb = builder.insert_element(ir.Constant(_V, ir.Undefined), bit, ir.IntType(32)(0))
            cb = builder.shuffle_vector(cb, cb, ir.Constant(ir.VectorType(ir.IntType(32), 4), [0, 0, 0, 0]))
            e = builder.load(eq)
            builder.store(builder.or_(builder.load(gt), builder.and_(builder.and_(e, s), builder.xor(cb, allones))), gt)
            builder.store(builder.and_(e, builder.xor(builder.xor(s, cb), allones)), eq)
        res = builder.or_(builder.load(gt), builder.load(eq))
        inv = builder.insert_element(ir.Constant(_V, ir.Undefined), builder.neg(invert), ir.IntType(32)(0))
        inv = builder.shuffle_vector(inv, inv, ir.Constant(ir.VectorType(ir.IntType(32), 4), [0, 0, 0, 0]))
        builder.store(builder.xor(res, inv), builder.bitcast(oa.data, _V.as_pointer()), align=8)
        return context.get_dummy_value()

    return sig, codegen


@numba.njit(cache=True, nogil=True)
def _word_mask(dim, k):
    """The valid bits of word k of a ``dim``-bit row."""
    r = dim - 64 * k
    return ~np.uint64(0) if r >= 64 else (np.uint64(1) << np.uint64(r)) - np.uint64(1)


@numba.njit(cache=True, nogil=True)
def _slice_locations(locations, dim):
    """Bit planes (G, dim + 1, 4) of the locations, 256 per group, and planes of dim - |l|."""
    m, w = locations.shape
    g = (m + 255) // 256
    planes = np.zeros((g, dim + 1, 4), dtype=np.uint64)
    nbits = 1
    while (1 << nbits) <= 3 * dim:
        nbits += 1
    sums = np.zeros((g, nbits, 4), dtype=np.uint64)
    for j in range(m):
        gi, lane = j // 256, j % 256
        q, bit = lane // 64, np.uint64(1) << np.uint64(lane % 64)
        ones = 0
        for k in range(w):
            word = locations[j, k] & _word_mask(dim, k)
            ones += popcount64(word)
            while word:  # the set bits, lowest first
                low = word & (~word + np.uint64(1))
                planes[gi, 64 * k + popcount64(low - np.uint64(1)), q] |= bit
                word ^= low
        v = dim - ones
        for b in range(nbits):
            if (v >> b) & 1:
                sums[gi, b, q] |= bit
    # lanes past m are zero; _within_radius ignores their results
    return planes, sums


@numba.njit(cache=True, nogil=True)
def _index_lists(x, dim):
    """Per address: the bits to count (its ones or its zeros, the fewer; padded with ``dim``
    to a multiple of 16), their padded count, the weight |a|, and which of the two was taken."""
    n, w = x.shape
    width = max(16, ((dim // 2 + 15) // 16) * 16)
    idx = np.full((n, width), dim, dtype=np.int32)
    nidx = np.empty(n, dtype=np.int64)
    weight = np.empty(n, dtype=np.int64)
    use_ones = np.empty(n, dtype=np.bool_)
    for a in range(n):
        ones = 0
        for k in range(w):
            ones += popcount64(x[a, k] & _word_mask(dim, k))
        weight[a] = ones
        use_ones[a] = ones <= dim - ones
        flip = np.uint64(0) if use_ones[a] else ~np.uint64(0)
        c = 0
        for k in range(w):
            word = (x[a, k] ^ flip) & _word_mask(dim, k)
            while word:
                low = word & (~word + np.uint64(1))
                idx[a, c] = 64 * k + popcount64(low - np.uint64(1))
                c += 1
                word ^= low
        nidx[a] = ((c + 15) // 16) * 16
    return idx, nidx, weight, use_ones


@numba.njit(cache=True, nogil=True)
def _within_radius(planes, sums, m, dim, idx, nidx, weight, use_ones, radius, cap, counts, hits):
    """Locations within ``radius`` of each address (in index order), without a distance matrix.

    Fills hits[a, :cap] and counts[a]; returns False if some address has more than ``cap``
    hits (the caller retries with a larger cap).
    """
    g_count, d1, _ = planes.shape
    nbits = sums.shape[1]
    flat = planes.reshape(-1)
    sflat = sums.reshape(-1)
    n = idx.shape[0]
    maxc = (idx.shape[1] // 16)
    npl = 1
    while (1 << npl) <= maxc:
        npl += 1
    out = np.empty(4, dtype=np.uint64)
    ok = True
    radius = min(radius, dim)
    for a in range(n):
        counts[a] = 0
    ablock = 64
    for a0 in range(0, n, ablock):
        a1 = min(a0 + ablock, n)
        for g in range(g_count):
            for a in range(a0, a1):
                if use_ones[a]:
                    thresh, inv = weight[a] - radius + dim, 0
                else:
                    thresh, inv = radius - weight[a] + dim + 1, 1
                _sliced_mask(flat, g * d1 * 4, idx, a, nidx[a], npl, sflat, g * nbits * 4, nbits, thresh, inv, out)
                if out[0] | out[1] | out[2] | out[3]:
                    c = counts[a]
                    for q in range(4):
                        word = out[q]
                        while word:
                            low = word & (~word + np.uint64(1))
                            j = g * 256 + q * 64 + popcount64(low - np.uint64(1))
                            word ^= low
                            if j < m:
                                if c < cap:
                                    hits[a, c] = j
                                else:
                                    ok = False
                                c += 1
                    counts[a] = c
    return ok
