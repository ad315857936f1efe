"""Projections of packed rows onto real vectors, without unpacking the bits.

For ``V`` packed rows of ``dim`` bits (layout of :mod:`kanerva._kernels.bits`) read as the +-1 matrix
``F[g, d] = 1 - 2 bit_g[d]`` (the real features of BSC vectors, and of MAP vectors through their
packed BSC image):

* :func:`weighted_bundle` -- ``weights.T @ F`` (C x dim) for weights (V x C): the class vectors
  ``a.T F`` of real weights, or the exact class profiles ``counts.T F`` of integer counts;
* :func:`bit_table` -- ``F @ vectors.T`` (V x C float32): every row's score against C vectors;
* :func:`bipolar_rows` -- ``F`` itself (V x dim float32), for the paths that need the rows.

Both are "Four Russians" lookups on bytes (8 dimensions) of the rows:

* ``bit_table``: for a byte position ``j`` the 256 possible sign patterns give 256 partial sums
  ``sum_b (1 - 2 bit_b(p)) vectors[:, 8j + b]``; a row's score is the sum of one table row per
  byte, 8 table rows (one 8-byte word) added per step. ``dim / 8`` vector additions of C lanes
  per row instead of ``dim`` multiply-adds.
* ``weighted_bundle``: the transpose -- per byte position, a histogram ``H[j, p] += weights[g]``
  over the rows ``g`` whose byte ``j`` is ``p``; then ``out[:, 8j + b] = sum_p (1 - 2 bit_b(p))
  H[j, p]``, which is ``total - 2 * (sum of the 128 bins with bit b set)``, folded in 510 adds.

Both sweep the rows in blocks of ``_BLOCK_ROWS`` and, inside a block, the words: the 8 tables
of a word (8 x 256 x C lanes, 192 KiB for C = 21) stay in L2 while the block's rows stream past.
Tables are rebuilt per block (cheap: 256 C-lane rows per byte); histograms are small-integer /
float32 and flushed per block into int64 / float64, so float32 only ever adds ~R/256 terms
(the class vectors are a difference of two large sums, so a float32 running total would lose
digits) and int32 never overflows (checked: per-class sums of ``|weights|`` below ``2**31``).

The inner steps are explicit 8-lane vector loads/adds (``_sum8_into``, ``_scatter8``: LLVM
intrinsics), because numba's array indexing hides from LLVM that the tables and the outputs do
not alias, and its loop vectorizer then leaves the 24-lane (C = 21 padded) loops scalar.
``_scatter8`` loads a row's weights once for its 8 histogram updates (kernel alone: 2.1 -> 1.4 s).

Speed, V = 177,777 rows, dim = 16,384, C = 21, one thread (2-core AMD EPYC, AVX2, shared machine),
best of 2, against the unpack-then-BLAS path (float32 +-1 blocks of 4,096 rows from
:func:`bipolar_rows`, then OpenBLAS sgemm), in the same process::

    OMP_NUM_THREADS=1 NUMBA_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 python -m benchmarks.bit_projection

    weighted_bundle(counts)  int64, exact        1.7 s  | BLAS [counts; a].T F, one sgemm   5.7 s
    weighted_bundle(a)       float64, ~3e-7      1.7 s  |
    bit_table(W)             float32, ~4e-7      1.2 s  | BLAS F W.T                        4.9 s
    total                                        4.6 s  |                                  10.6 s

(relative Frobenius differences from the BLAS results; the integer profiles are identical). Tried
and dropped: nibble (16-bin) tables that stay in L1 (same time: twice the lookups), blocks of
2,048 or 32,768 rows (slower: table rebuilds / L2 misses), plain numba loops over the class lanes
(scalar code, 2-4x slower).

API
---
``weighted_bundle(bits, weights, dim)``
    ``weights.T @ F`` (C x dim): int64 and exact for integer or bool weights, float64 (float32
    partial sums, relative error ~1e-7) for real ones.
``bit_table(bits, vectors, dim)``
    ``F @ vectors.T`` (V x C) float32.
``bipolar_rows(bits, dim, out=None)``
    ``F`` (V x dim) float32, exact; into ``out`` (a C-contiguous float32 (V, dim) array) when given.

All three take ``bits`` (V x n_words(dim)) uint64 and ignore the padding bits; bad shapes or
dtypes raise ValueError.

Examples
--------
>>> import numpy as np
>>> from kanerva._kernels.bits import pack
>>> rows = np.array([[1, 0, 1], [0, 0, 1]])          # F = [[-1, 1, -1], [1, 1, -1]]
>>> bits = pack(rows)
>>> weighted_bundle(bits, np.array([[2], [3]]), 3).tolist()
[[1, 5, -5]]
>>> bit_table(bits, np.array([[1.0, 2.0, 4.0]]), 3).tolist()
[[-3.0], [-1.0]]
"""

from __future__ import annotations

import numba
import numpy as np
from numba import types
from numba.extending import intrinsic

from .bits import n_words
from .simd import LANES as _LANES
from .simd import check_flat as _check_flat
from .simd import vector_ptr as _vector_ptr

_BLOCK_ROWS = 8192  # rows per sweep: tables (or histograms) rebuilt/flushed once per block


def _add(builder, dtype, a, b):
    return builder.fadd(a, b) if isinstance(dtype, types.Float) else builder.add(a, b)


@intrinsic
def _add8(typingctx, dst, dst_at, src, src_at):
    """``dst[dst_at:dst_at+8] += src[src_at:src_at+8]`` (flat contiguous arrays, same dtype)."""
    if not _check_flat(dst, src):
        return None
    sig = types.void(dst, dst_at, src, src_at)

    def codegen(context, builder, signature, args):
        dty, _, sty, _ = signature.args
        pd = _vector_ptr(context, builder, dty, args[0], args[1])
        ps = _vector_ptr(context, builder, sty, args[2], args[3])
        total = _add(builder, dty.dtype, builder.load(pd, align=1), builder.load(ps, align=1))
        builder.store(total, pd, align=1)
        return context.get_dummy_value()

    return sig, codegen


@intrinsic
def _sum8_into(typingctx, dst, dst_at, src, at0, at1, at2, at3, at4, at5, at6, at7):
    """``dst[dst_at:dst_at+8] += sum_k src[at_k:at_k+8]``, summed pairwise (flat arrays)."""
    if not _check_flat(dst, src):
        return None
    sig = types.void(dst, dst_at, src, at0, at1, at2, at3, at4, at5, at6, at7)

    def codegen(context, builder, signature, args):
        dty, _, sty = signature.args[:3]
        vs = [builder.load(_vector_ptr(context, builder, sty, args[2], at), align=1) for at in args[3:]]
        while len(vs) > 1:
            vs = [_add(builder, sty.dtype, vs[i], vs[i + 1]) for i in range(0, len(vs), 2)]
        pd = _vector_ptr(context, builder, dty, args[0], args[1])
        builder.store(_add(builder, dty.dtype, builder.load(pd, align=1), vs[0]), pd, align=1)
        return context.get_dummy_value()

    return sig, codegen


@intrinsic
def _scatter8(typingctx, dst, at0, at1, at2, at3, at4, at5, at6, at7, src, src_at):
    """``dst[at_k:at_k+8] += src[src_at:src_at+8]`` for k = 0..7, ``src`` loaded once."""
    if not _check_flat(dst, src):
        return None
    sig = types.void(dst, at0, at1, at2, at3, at4, at5, at6, at7, src, src_at)

    def codegen(context, builder, signature, args):
        dty = signature.args[0]
        x = builder.load(_vector_ptr(context, builder, dty, args[9], args[10]), align=1)
        for at in args[1:9]:
            p = _vector_ptr(context, builder, dty, args[0], at)
            builder.store(_add(builder, dty.dtype, builder.load(p, align=1), x), p, align=1)
        return context.get_dummy_value()

    return sig, codegen


@intrinsic
def _sub2_8(typingctx, dst, dst_at, src, src_at, vec, vec_at):
    """``dst[dst_at:+8] = src[src_at:+8] - 2 * vec[vec_at:+8]`` (one table doubling step)."""
    if not _check_flat(dst, src, vec):
        return None
    sig = types.void(dst, dst_at, src, src_at, vec, vec_at)

    def codegen(context, builder, signature, args):
        arrty = signature.args[0]
        s = builder.load(_vector_ptr(context, builder, arrty, args[2], args[3]), align=1)
        v = builder.load(_vector_ptr(context, builder, arrty, args[4], args[5]), align=1)
        r = builder.fsub(s, builder.fadd(v, v))
        builder.store(r, _vector_ptr(context, builder, arrty, args[0], args[1]), align=1)
        return context.get_dummy_value()

    return sig, codegen


@numba.njit(cache=True, nogil=True)
def _build_tables(wt, byte0, tables):
    """``tables[k, p] = sum_b (1 - 2 bit_b(p)) wt[8 (byte0 + k) + b]`` for the 8 bytes of a word:
    entry 0 is the plain sum, entries with top bit b are those below 2**b minus 2 wt[b]."""
    n_tab, _, cp = tables.shape
    flat = tables.reshape(-1)
    wflat = wt.reshape(-1)
    for k in range(n_tab):
        t0 = k * 256 * cp
        base = 8 * (byte0 + k)
        flat[t0 : t0 + cp] = 0
        for b in range(8):
            for c in range(0, cp, _LANES):
                _add8(flat, t0 + c, wflat, (base + b) * cp + c)
        n = 1
        for b in range(8):
            for p in range(n):
                for c in range(0, cp, _LANES):
                    _sub2_8(flat, t0 + (n + p) * cp + c, flat, t0 + p * cp + c, wflat, (base + b) * cp + c)
            n *= 2


@numba.njit(cache=True, nogil=True)
def _table_kernel(data, wt, out, block_rows):
    """out[g] += sum_j tables_j[data[g, j]] for data (V, nb) uint8, wt (8 nb, cp) float32."""
    v, nb = data.shape
    cp = wt.shape[1]
    tables = np.empty((8, 256, cp), np.float32)
    tflat = tables.reshape(-1)
    oflat = out.reshape(-1)
    ts = 256 * cp
    for r0 in range(0, v, block_rows):
        r1 = min(r0 + block_rows, v)
        for j in range(0, nb, 8):
            _build_tables(wt, j, tables)
            for g in range(r0, r1):
                a0 = data[g, j] * cp
                a1 = ts + data[g, j + 1] * cp
                a2 = 2 * ts + data[g, j + 2] * cp
                a3 = 3 * ts + data[g, j + 3] * cp
                a4 = 4 * ts + data[g, j + 4] * cp
                a5 = 5 * ts + data[g, j + 5] * cp
                a6 = 6 * ts + data[g, j + 6] * cp
                a7 = 7 * ts + data[g, j + 7] * cp
                for c in range(0, cp, _LANES):
                    _sum8_into(oflat, g * cp + c, tflat, a0 + c, a1 + c, a2 + c, a3 + c, a4 + c, a5 + c, a6 + c, a7 + c)


@numba.njit(cache=True, nogil=True)
def _bundle_kernel(data, wts, out, block_rows):
    """out[8j + b] += sum_g (1 - 2 bit_b(data[g, j])) wts[g]; wts (V, cp) int32/int64/float32
    histogrammed per block, out (8 nb, cp) int64/float64."""
    v, nb = data.shape
    cp = wts.shape[1]
    hist = np.zeros((8, 256, cp), wts.dtype)
    hflat = hist.reshape(-1)
    wflat = wts.reshape(-1)
    fold = np.empty(256 * cp, out.dtype)  # one byte's histogram in the output precision
    ones = np.zeros(cp, out.dtype)  # sum of the bins with bit b set, per b
    ts = 256 * cp
    for r0 in range(0, v, block_rows):
        r1 = min(r0 + block_rows, v)
        for j in range(0, nb, 8):
            for g in range(r0, r1):
                a0 = data[g, j] * cp
                a1 = ts + data[g, j + 1] * cp
                a2 = 2 * ts + data[g, j + 2] * cp
                a3 = 3 * ts + data[g, j + 3] * cp
                a4 = 4 * ts + data[g, j + 4] * cp
                a5 = 5 * ts + data[g, j + 5] * cp
                a6 = 6 * ts + data[g, j + 6] * cp
                a7 = 7 * ts + data[g, j + 7] * cp
                for c in range(0, cp, _LANES):
                    _scatter8(hflat, a0 + c, a1 + c, a2 + c, a3 + c, a4 + c, a5 + c, a6 + c, a7 + c, wflat, g * cp + c)
            for k in range(8):
                for i in range(ts):
                    fold[i] = hflat[k * ts + i]
                    hflat[k * ts + i] = 0
                base = 8 * (j + k)
                n = 256
                for b in range(7, -1, -1):  # bins p >= n/2 have bit b set; fold them onto p - n/2
                    half = n // 2
                    ones[:] = 0
                    for p in range(half, n):
                        for c in range(0, cp, _LANES):
                            _add8(ones, c, fold, p * cp + c)
                            _add8(fold, (p - half) * cp + c, fold, p * cp + c)
                    for c in range(cp):
                        out[base + b, c] -= 2 * ones[c]
                    n = half
                for b in range(8):
                    for c in range(cp):
                        out[base + b, c] += fold[c]  # fold[0] is now the total of all bins


def _check_bits(bits, dim) -> np.ndarray:
    if not isinstance(dim, (int, np.integer)) or isinstance(dim, bool) or dim < 1:
        raise ValueError(f"dim must be a positive integer, got {dim!r}")
    bits = np.asarray(bits)
    if bits.dtype != np.uint64:
        raise ValueError(f"bits must be packed uint64 words, got dtype {bits.dtype}")
    if bits.ndim != 2 or bits.shape[1] != n_words(dim):
        raise ValueError(f"bits must have shape (rows, {n_words(dim)}) for dim={dim}, got {bits.shape}")
    return np.ascontiguousarray(bits, dtype="<u8")


def _padded(matrix, dtype, rows) -> np.ndarray:
    """``matrix`` (rows x C) in ``dtype`` with the columns padded with zeros to whole vectors."""
    cp = -(-max(matrix.shape[1], 1) // _LANES) * _LANES
    out = np.zeros((rows, cp), dtype)
    out[: matrix.shape[0], : matrix.shape[1]] = matrix
    return out


def weighted_bundle(bits: np.ndarray, weights: np.ndarray, dim: int) -> np.ndarray:
    """``weights.T @ F`` (C x dim) for packed rows ``bits`` (V x words) and ``weights`` (V x C),
    with ``F[g, d] = 1 - 2 bit_g[d]``; padding bits are ignored.

    Integer (or bool) weights give int64 and are exact. Real weights are rounded to float32 and
    summed in float32 over at most ``_BLOCK_ROWS / 256`` rows on average, then in float64: float64
    result, relative error ~1e-7 of the row norm.

    >>> from kanerva._kernels.bits import pack
    >>> weighted_bundle(pack(np.eye(3, dtype=int)), np.array([[1.5], [0.5], [0.0]]), 3).tolist()
    [[-1.0, 1.0, 2.0]]
    """
    bits = _check_bits(bits, dim)
    weights = np.asarray(weights)
    if weights.ndim != 2 or weights.shape[0] != bits.shape[0]:
        raise ValueError(f"weights must have shape ({bits.shape[0]}, classes), got {weights.shape}")
    if weights.dtype.kind in "biu":
        # int32 histograms are exact while no class's sum of |weights| reaches 2**31
        big = weights.size and np.abs(weights.astype(np.float64)).sum(axis=0).max() >= 2**31
        wts = _padded(weights, np.int64 if big else np.int32, weights.shape[0])
        out = np.zeros((bits.shape[1] * 64, wts.shape[1]), np.int64)
    elif weights.dtype.kind == "f":
        wts = _padded(weights, np.float32, weights.shape[0])
        out = np.zeros((bits.shape[1] * 64, wts.shape[1]), np.float64)
    else:
        raise ValueError(f"weights must be integer, bool or real, got dtype {weights.dtype}")
    _bundle_kernel(bits.view(np.uint8), wts, out, _BLOCK_ROWS)
    return np.ascontiguousarray(out[:dim, : weights.shape[1]].T)


def bit_table(bits: np.ndarray, vectors: np.ndarray, dim: int) -> np.ndarray:
    """``F @ vectors.T`` (V x C float32) for packed rows ``bits`` (V x words) and real ``vectors``
    (C x dim), with ``F[g, d] = 1 - 2 bit_g[d]``; padding bits are ignored. float32 accuracy:
    ``vectors`` are rounded to float32 and each row sums ``dim / 64`` float32 partial sums.

    >>> from kanerva._kernels.bits import pack
    >>> bit_table(pack(np.eye(2, dtype=int)), np.array([[1.0, 10.0]]), 2).tolist()
    [[9.0], [-9.0]]
    """
    bits = _check_bits(bits, dim)
    vectors = np.asarray(vectors)
    if vectors.ndim != 2 or vectors.shape[1] != dim:
        raise ValueError(f"vectors must have shape (classes, {dim}), got {vectors.shape}")
    if vectors.dtype.kind not in "biuf":
        raise ValueError(f"vectors must be real, got dtype {vectors.dtype}")
    wt = _padded(vectors.T, np.float32, bits.shape[1] * 64)  # zero rows for the padding dimensions
    out = np.zeros((bits.shape[0], wt.shape[1]), np.float32)
    _table_kernel(bits.view(np.uint8), wt, out, _BLOCK_ROWS)
    return np.ascontiguousarray(out[:, : vectors.shape[0]])


# byte value -> the signs of its 8 bits; bit b of byte j is dimension 8j + b (LSB first)
_SIGNS = (1.0 - 2.0 * ((np.arange(256)[:, None] >> np.arange(8)[None, :]) & 1)).astype(np.float32)


@numba.njit(cache=True, nogil=True)
def _signs(data, lut, dim, out):
    full = dim // 8
    rest = dim - 8 * full
    for g in range(data.shape[0]):
        for j in range(full):
            v = data[g, j]
            for b in range(8):
                out[g, 8 * j + b] = lut[v, b]
        if rest:
            v = data[g, full]
            for b in range(rest):
                out[g, 8 * full + b] = lut[v, b]


def bipolar_rows(bits: np.ndarray, dim: int, out: np.ndarray | None = None) -> np.ndarray:
    """``F`` (V x dim float32), ``F[g, d] = 1 - 2 bit_g[d]``, for packed rows ``bits`` (V x words);
    written into ``out`` (C-contiguous float32 of shape (V, dim)) when given. Exact.

    >>> from kanerva._kernels.bits import pack
    >>> bipolar_rows(pack(np.array([[1, 0, 1], [0, 0, 1]])), 3).tolist()
    [[-1.0, 1.0, -1.0], [1.0, 1.0, -1.0]]
    """
    bits = _check_bits(bits, dim)
    shape = (bits.shape[0], dim)
    if out is None:
        out = np.empty(shape, dtype=np.float32)
    elif not (isinstance(out, np.ndarray) and out.dtype == np.float32 and out.shape == shape
              and out.flags.c_contiguous and out.flags.writeable):
        raise ValueError(f"out must be a writeable C-contiguous float32 array of shape {shape}")
    _signs(bits.view(np.uint8), _SIGNS, dim, out)
    return out
