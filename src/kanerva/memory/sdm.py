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

Vectors are those of a ``kv.BSC`` space (uint64 words). Distances use the shared packed
Hamming kernel; counters are int8 by default and saturate rather than wrap.

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
>>> bool((sdm.read(noisy, iterations=5) == items).all())
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
from ._base import AssociativeMemory, check_pairs, positive_int, report, run_sync, step_limit

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
    space : kv.BSC
        The space of addresses and data (packed vectors).
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
        Location addresses are the keyed vectors ``space.random(key="sdm/<seed>/<m>")``.

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

    def __init__(self, space, locations: int = 10_000, radius: int | None = None,
                 activation: float | None = None, counter_dtype: str = "int8", seed: int = 0):
        if not isinstance(space, BSC):
            raise TypeError(f"space must be a kv.BSC (packed binary vectors), got {type(space).__name__}")
        self.space = space
        self.locations = positive_int(locations, "locations")
        if radius is not None and activation is not None:
            raise ValueError("give either radius or activation, not both")
        if activation is not None:
            if not 0.0 < float(activation) <= 1.0:
                raise ValueError(f"activation must be a fraction in (0, 1], got {activation!r}")
            activation = float(activation)
        elif radius is None:
            radius = radius_for(space.dim, self.locations**-0.5)
        else:
            radius = positive_int(radius, "radius", 0)
        self.radius, self.activation = radius, activation
        if counter_dtype not in COUNTER_DTYPES:
            raise ValueError(f"counter_dtype must be one of {COUNTER_DTYPES}, got {counter_dtype!r}")
        self.seed = int(seed)
        self.addresses_ = _location_addresses(space, self.seed, self.locations)
        self.counters_ = np.zeros((self.locations, space.dim), dtype=counter_dtype)
        self._count = 0
        self._padded = None  # addresses_ padded for _within_radius

    def __repr__(self) -> str:
        how = f"radius={self.radius}" if self.activation is None else f"activation={self.activation}"
        return f"SparseDistributedMemory({self.space!r}, locations={self.locations}, {how}, items={len(self)})"

    @property
    def nbytes(self) -> int:
        """Bytes held by addresses and counters."""
        return self.addresses_.nbytes + self.counters_.nbytes

    def active(self, addresses) -> list[np.ndarray]:
        """Indices of the locations each address activates.

        >>> import kanerva as kv
        >>> sdm = SparseDistributedMemory(kv.BSC(64), locations=100, activation=0.1)
        >>> [len(a) for a in sdm.active(sdm.addresses_[:3])]
        [10, 10, 10]
        """
        x = self.space.check(addresses, "addresses")
        x = x.reshape(-1, self.space.words)
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
            indptr, indices = _select(dist, k, self.space.dim)
            ptrs.append(indptr[1:] + offset)
            parts.append(indices)
            offset += len(indices)
        return np.concatenate(ptrs), np.concatenate(parts) if parts else np.zeros(0, np.int64)

    def _active_radius(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        # the radius test fused into the distance loop: no (n, M) distance matrix
        expected = activation_probability(self.space.dim, self.radius) * self.locations
        cap = int(min(self.locations, 2 * expected + 8 * math.sqrt(expected) + 16))
        counts = np.empty(len(x), dtype=np.int64)
        if self._padded is None:  # rows padded to whole vectors of 4 words, once per memory
            self._padded = _pad_words(self.addresses_)
        x = _pad_words(x)
        while True:
            hits = np.empty((len(x), cap), dtype=np.int64)
            if _within_radius(x, self._padded, self.radius, cap, counts, hits):
                break
            cap = int(min(self.locations, counts.max()))
        indptr = np.zeros(len(x) + 1, dtype=np.int64)
        np.cumsum(counts, out=indptr[1:])
        return indptr, hits[np.arange(cap)[None, :] < counts[:, None]]

    def write(self, addresses, data=None) -> None:
        """Store ``data`` (n, words) at ``addresses`` (n, words); auto-associative if data is None."""
        x = self.space.check(addresses, "addresses").reshape(-1, self.space.words)
        w = x if data is None else self.space.check(data, "data").reshape(-1, self.space.words)
        check_pairs(x, w, "SparseDistributedMemory.write")
        bipolar = (1 - 2 * _bits.unpack(w, self.space.dim).astype(np.int8)).astype(np.int8)
        indptr, indices = self._active(x)
        info = np.iinfo(self.counters_.dtype)
        _add_rows(self.counters_, indptr, indices, bipolar, -info.max)  # symmetric: [-max, max]
        self._count += len(x)

    def read_sums(self, addresses) -> np.ndarray:
        """Counter sums over the active locations (n, dim) int32: the evidence per bit."""
        x = self.space.check(addresses, "addresses")
        single = x.ndim == 1
        indptr, indices = self._active(x.reshape(-1, self.space.words))
        empty = int(np.count_nonzero(np.diff(indptr) == 0))
        if empty:
            warnings.warn(f"{empty} of {len(indptr) - 1} addresses activate no location within radius "
                          f"{self.radius}: their reads carry no stored data (raise the radius, or use "
                          f"activation= for a fixed number of active locations)", RuntimeWarning, stacklevel=2)
        sums = np.zeros((len(indptr) - 1, self.space.dim), dtype=np.int32)
        _sum_rows(self.counters_, indptr, indices, sums)
        return sums[0] if single else sums

    def read(self, addresses, iterations: int = 1, return_info: bool = False):
        """Read at ``addresses`` (n, words) or (words,): majority of the active counters.

        ``iterations > 1`` reads again at the result until it stops changing (Kanerva's
        iterative reading, which converges on a stored item from farther away); the limit
        reached warns with :class:`NotConvergedWarning`. Ties (sum 0) are broken by the space's
        deterministic tiebreak, as in bundling.
        """
        x = self.space.check(addresses, "addresses")
        single = x.ndim == 1
        x = x.reshape(-1, self.space.words)
        limit = step_limit(iterations, 1)
        def step(cur):
            new = self.space.normalize(self.read_sums(cur))
            return new, (new != cur).any(axis=1)

        out, info = run_sync(x, step, limit)
        if limit > 1:
            report(info, "SparseDistributedMemory.read", limit)
        else:
            info.converged[:] = True
        out = out[0] if single else out
        return (out, info) if return_info else out

    def _state(self):
        meta = {"space": self.space.config(), "locations": self.locations, "radius": self.radius,
                "activation": self.activation, "seed": self.seed, "count": self._count}
        return {"counters": self.counters_}, meta

    @classmethod
    def _from_state(cls, arrays, meta):
        from ..vsa import space_from_config

        sdm = cls(space_from_config(meta["space"]), locations=int(meta["locations"]), radius=meta["radius"],
                  activation=meta["activation"], counter_dtype=str(arrays["counters"].dtype), seed=int(meta["seed"]))
        if arrays["counters"].shape != sdm.counters_.shape:
            raise ValueError(f"counters of shape {arrays['counters'].shape}, expected {sdm.counters_.shape}")
        sdm.counters_[:] = arrays["counters"]
        sdm._count = int(meta["count"])
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
# Radius test: explicit 256-bit vectors (LLVM IR through numba intrinsics)
#
# A location row of w words is w / 4 vectors of <4 x i64>; for 4 rows at a time, the xor with the
# address is counted per byte (``llvm.ctpop.v32i8``: the vpshufb nibble lookup of Mula, Kurz &
# Lemire 2018), the byte counts of 4 vectors (16 words, at most 32 per byte) are added before one
# vpsadbw per row widens them to 64-bit lanes, and the 4 rows' lanes are folded together
# (shifts, unpacks, one 128-bit add) into 4 distances compared with the radius at once (one
# vpcmpgtd + vmovmskps). Rows are padded to a multiple of 4 words with zeros (zero in both
# operands adds nothing to a distance). Without AVX2 the same IR uses ``llvm.ctpop.v4i64`` per
# vector instead of the byte sums (portable, a little slower).

_I64, _I32 = ir.IntType(64), ir.IntType(32)
_V4I64, _V32I8 = ir.VectorType(_I64, 4), ir.VectorType(ir.IntType(8), 32)
_V8I32, _V4I32 = ir.VectorType(_I32, 8), ir.VectorType(_I32, 4)


def _host_has_avx2() -> bool:
    try:
        import llvmlite.binding as llvm

        return bool(llvm.get_host_cpu_features().get("avx2", False))
    except Exception:  # pragma: no cover - exotic hosts
        return False


_AVX2 = _host_has_avx2()


def _is_word_matrix(a) -> bool:
    return isinstance(a, types.Array) and a.ndim == 2 and a.layout == "C" and a.dtype == types.uint64


@intrinsic
def _near4(typingctx, x, a, locations, j, radius):
    """Bit r of the result: Hamming distance of row ``x[a]`` and row ``locations[j + r]`` <= radius.

    r = 0..3; both matrices C-contiguous uint64 with the same number of words, a multiple of 4.
    """
    if not (_is_word_matrix(x) and _is_word_matrix(locations)):
        return None
    sig = types.int64(x, types.intp, locations, types.intp, types.int64)

    def codegen(context, builder, signature, args):
        xty, _, lty, _, _ = signature.args
        xa = context.make_array(xty)(context, builder, args[0])
        la = context.make_array(lty)(context, builder, args[2])
        a, j, radius = args[1], args[3], args[4]
        w = builder.extract_value(xa.shape, 1)
        module = builder.module
        if _AVX2:
            ctpop = cgutils.get_or_insert_function(module, ir.FunctionType(_V32I8, [_V32I8]), "llvm.ctpop.v32i8")
            psad = cgutils.get_or_insert_function(module, ir.FunctionType(_V4I64, [_V32I8, _V32I8]),
                                                  "llvm.x86.avx2.psad.bw")

            def count(v):  # per-byte counts, summed before widening
                return builder.call(ctpop, [builder.bitcast(v, _V32I8)])

            def widen(b):
                return builder.call(psad, [b, ir.Constant(_V32I8, None)])
        else:
            ctpop = cgutils.get_or_insert_function(module, ir.FunctionType(_V4I64, [_V4I64]), "llvm.ctpop.v4i64")

            def count(v):
                return builder.call(ctpop, [v])

            def widen(b):
                return b

        xrow = builder.gep(xa.data, [builder.mul(a, w)])
        rows = [builder.gep(la.data, [builder.mul(builder.add(j, _I64(r)), w)]) for r in range(4)]

        def load(row, k):
            return builder.load(builder.bitcast(builder.gep(row, [k]), _V4I64.as_pointer()), align=1)

        accs = [cgutils.alloca_once_value(builder, ir.Constant(_V4I64, None)) for _ in range(4)]

        def add_vectors(k0, nvec):
            sums = [None] * 4
            for v in range(nvec):
                k = builder.add(k0, _I64(4 * v))
                xv = load(xrow, k)
                for r in range(4):
                    c = count(builder.xor(xv, load(rows[r], k)))
                    sums[r] = c if sums[r] is None else builder.add(sums[r], c)
            for r in range(4):
                builder.store(builder.add(builder.load(accs[r]), widen(sums[r])), accs[r])

        full = builder.udiv(w, _I64(16))  # blocks of 4 vectors: byte counts <= 32
        with cgutils.for_range(builder, full) as loop:
            add_vectors(builder.mul(loop.index, _I64(16)), 4)
        rest = builder.mul(full, _I64(16))
        with cgutils.for_range(builder, builder.udiv(builder.sub(w, rest), _I64(4))) as loop:
            add_vectors(builder.add(rest, builder.mul(loop.index, _I64(4))), 1)
        # lanes of rows 0-3 -> 4 distances: pack row pairs into the halves of 64-bit lanes, add
        acc = [builder.load(p) for p in accs]
        shift = ir.Constant(_V4I64, [_I64(32)] * 4)
        lo = builder.bitcast(builder.or_(acc[0], builder.shl(acc[1], shift)), _V8I32)
        hi = builder.bitcast(builder.or_(acc[2], builder.shl(acc[3], shift)), _V8I32)
        t = builder.add(builder.shuffle_vector(lo, hi, ir.Constant(_V8I32, [0, 1, 8, 9, 4, 5, 12, 13])),
                        builder.shuffle_vector(lo, hi, ir.Constant(_V8I32, [2, 3, 10, 11, 6, 7, 14, 15])))
        d = builder.add(builder.shuffle_vector(t, t, ir.Constant(_V4I32, [0, 1, 2, 3])),
                        builder.shuffle_vector(t, t, ir.Constant(_V4I32, [4, 5, 6, 7])))
        r32 = builder.trunc(radius, _I32)
        limit = ir.Constant(_V4I32, None)
        for r in range(4):
            limit = builder.insert_element(limit, r32, _I32(r))
        within = builder.icmp_signed("<=", d, limit)
        return builder.zext(builder.bitcast(within, ir.IntType(4)), _I64)

    return sig, codegen


def _pad_words(rows: np.ndarray) -> np.ndarray:
    """Rows padded with zero words to a multiple of 4 (one <4 x i64> vector), C-contiguous."""
    w = rows.shape[1]
    if w % 4 == 0:
        return np.ascontiguousarray(rows)
    out = np.zeros((rows.shape[0], w + (-w) % 4), dtype=np.uint64)
    out[:, :w] = rows
    return out


@numba.njit(cache=True, nogil=True)
def _within_radius(x, locations, radius, cap, counts, hits):
    """Locations within ``radius`` of each address, without a distance matrix.

    ``x`` and ``locations`` padded to a multiple of 4 words (:func:`_pad_words`). Eight addresses
    at a time share each group of 4 location rows while it is in L1. Fills hits[a, :cap] and
    counts[a]; returns False if some address has more than ``cap`` hits (caller retries).
    """
    n, w = x.shape
    m = locations.shape[0]
    m4 = m - m % 4
    ok = True
    for a0 in range(0, n, 8):
        a1 = min(a0 + 8, n)
        for a in range(a0, a1):
            counts[a] = 0
        for j in range(0, m4, 4):
            for a in range(a0, a1):
                mask = _near4(x, a, locations, j, radius)
                if mask:
                    c = counts[a]
                    for r in range(4):
                        if (mask >> r) & 1:
                            if c < cap:
                                hits[a, c] = j + r
                            else:
                                ok = False
                            c += 1
                    counts[a] = c
        for j in range(m4, m):  # the last m % 4 rows
            for a in range(a0, a1):
                d = 0
                for k in range(w):
                    d += popcount64(x[a, k] ^ locations[j, k])
                if d <= radius:
                    c = counts[a]
                    if c < cap:
                        hits[a, c] = j
                    else:
                        ok = False
                    counts[a] = c + 1
    return ok
