"""Packed bits: 1 bit per dimension in uint64 words, and the kernels that work on them.

Layout (shared by BSC, the sparse distributed memory and the Hamming index): dimension ``d``
lives in word ``d // 64`` at bit ``d % 64`` (least significant bit first). A vector of
``dim`` bits takes ``ceil(dim / 64)`` words; the padding bits of the last word are always
zero, so popcounts never see them.

The Hamming kernels are compiled with numba because numpy has no fused
xor-popcount-reduce: ``np.bitwise_count(a ^ b).sum(-1)`` materializes the xor and the
per-word counts, which costs several times the memory traffic (see docs/benchmarks/search.md).
The per-row ``popcount64(a ^ b)`` sum vectorizes (LLVM lowers ``ctpop`` on AVX2 to the
nibble-lookup ``vpshufb``/``vpsadbw`` sequence of Mula, Kurz & Lemire 2018).

:func:`hamming_topk` is the one Hamming top-k kernel shared by BSC cleanup, the sparse
distributed memory and :mod:`kanerva.index`: xor, popcount and a running top-k per query are
fused, so no distance matrix is ever materialized, and stored rows are read in L2-sized blocks
once per query block (see docs/benchmarks/search.md for the measurements behind the choice).

API
---
``n_words(dim)``, ``pad_mask(dim)``
    Words of a ``dim``-bit vector; the valid bits of its last word (np.uint64).
``pack(bits) -> words``, ``unpack(words, dim) -> bits``
    0/1 array (..., dim) <-> uint64 words (..., n_words(dim)), padding bits zero; exact.
``popcount64(x)``
    Hardware population count of a uint64, inside numba kernels only (an ``@intrinsic``).
``hamming_matrix(a, b)``, ``hamming_rows(a, b)``
    int32 Hamming distances of packed rows: all pairs (n, m), or row i with row i (n,).
``hamming_topk(queries, db, k, threads=None) -> (dist, idx)``
    The k nearest rows of ``db`` (m, W) to each query (n, W): int32 (n, k) distances, int64
    row numbers, best first, ties to the lower row; exact (a stable argsort of the matrix).
``merge_topk(dist, idx, k)``
    The k best of candidate lists (smallest distance, then smallest index).
``thread_pool()``
    The shared worker threads of the kernels that release the GIL.
``xor_gather(table, index, out)``
    ``out[r] = XOR of table[index[r, j]]`` over the entries ``j`` with ``index[r, j] >= 0``
    (zeros when there is none): BSC's bind of one row picked from each of several tables, in
    one pass with no temporaries. ``table`` (M, W) uint64, ``index`` (n, k) int64, ``out``
    (n, W) uint64. Exact.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numba
import numpy as np
from numba import types
from numba.extending import intrinsic


def n_words(dim: int) -> int:
    """Words needed for ``dim`` bits.

    >>> n_words(10_000), n_words(64), n_words(65)
    (157, 1, 2)
    """
    return -(-dim // 64)


def pad_mask(dim: int) -> np.uint64:
    """Mask of the valid bits of the last word."""
    r = dim % 64
    return np.uint64(0xFFFFFFFFFFFFFFFF) if r == 0 else np.uint64((1 << r) - 1)


def pack(bits: np.ndarray) -> np.ndarray:
    """Pack a 0/1 array of shape (..., dim) into uint64 words (..., ceil(dim/64)).

    >>> w = pack(np.array([1, 0, 1] + [0] * 61 + [1], dtype=np.uint8))
    >>> w.tolist()
    [5, 1]
    >>> unpack(w, 65).tolist()[:3], int(unpack(w, 65)[64])
    ([1, 0, 1], 1)
    """
    bits = np.asarray(bits)
    dim = bits.shape[-1]
    w = n_words(dim)
    padded = np.zeros(bits.shape[:-1] + (w * 64,), dtype=np.uint8)
    padded[..., :dim] = bits != 0
    packed = np.packbits(padded, axis=-1, bitorder="little")
    return np.ascontiguousarray(packed).view("<u8").astype(np.uint64, copy=False)


def unpack(words: np.ndarray, dim: int) -> np.ndarray:
    """Unpack uint64 words (..., W) into a 0/1 uint8 array (..., dim)."""
    words = np.ascontiguousarray(words, dtype="<u8")
    bits = np.unpackbits(words.view(np.uint8), axis=-1, bitorder="little")
    return bits[..., :dim]


@intrinsic
def popcount64(typingctx, x):
    """Hardware population count of a uint64 (LLVM ``ctpop``), usable inside numba kernels."""
    if not isinstance(x, types.Integer):
        return None
    sig = types.uint64(types.uint64)

    def codegen(context, builder, signature, args):
        return builder.ctpop(args[0])

    return sig, codegen


_QUERY_BLOCK = 8  # queries kept in L1 while a stored row streams past them


@numba.njit(cache=True, nogil=True, parallel=True)
def _hamming_matrix(a, b, out):
    n, w = a.shape
    m = b.shape[0]
    n_blocks = (n + _QUERY_BLOCK - 1) // _QUERY_BLOCK
    for blk in numba.prange(n_blocks):
        i0 = blk * _QUERY_BLOCK
        i1 = min(i0 + _QUERY_BLOCK, n)
        for j in range(m):
            for i in range(i0, i1):
                s = 0
                for k in range(w):
                    s += popcount64(a[i, k] ^ b[j, k])
                out[i, j] = s


@numba.njit(cache=True, nogil=True)
def _hamming_rows(a, b, out):
    n, w = a.shape
    for i in range(n):
        s = 0
        for k in range(w):
            s += popcount64(a[i, k] ^ b[i, k])
        out[i] = s


def hamming_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Hamming distances between every row of ``a`` (n, W) and every row of ``b`` (m, W).

    >>> a = pack(np.array([[1, 1, 0], [0, 0, 0]]))
    >>> hamming_matrix(a, a).tolist()
    [[0, 2], [2, 0]]
    """
    a = np.ascontiguousarray(a, dtype=np.uint64)
    b = np.ascontiguousarray(b, dtype=np.uint64)
    out = np.empty((a.shape[0], b.shape[0]), dtype=np.int32)
    if out.size:
        _hamming_matrix(a, b, out)
    return out


def hamming_rows(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Hamming distance between row i of ``a`` and row i of ``b`` (both (n, W))."""
    a = np.ascontiguousarray(a, dtype=np.uint64)
    b = np.ascontiguousarray(b, dtype=np.uint64)
    out = np.empty(a.shape[0], dtype=np.int32)
    _hamming_rows(a, b, out)
    return out


# ---- fused Hamming top-k ------------------------------------------------------------------

_ROW_BLOCK = 256  # stored rows per block: 256 x 1,256 bytes (D = 10,000) stays in L2
_PARALLEL_MIN_WORDS = 1 << 20  # below this much work, threads cost more than they save
_pool: ThreadPoolExecutor | None = None


@numba.njit(nogil=True, inline="always")
def _insert(dist, idx, d, j):
    # dist is sorted ascending and d < dist[-1]: shift the larger ones up, keep the earlier
    # index first among equal distances (scan order = index order)
    p = dist.shape[0] - 1
    while p > 0 and dist[p - 1] > d:
        dist[p] = dist[p - 1]
        idx[p] = idx[p - 1]
        p -= 1
    dist[p] = d
    idx[p] = j


@numba.njit(cache=True, nogil=True)
def _topk_scan(q, db, dist, idx, offset):
    # dist/idx (n, k) hold the running best per query (initialised by the caller)
    n, w = q.shape
    m = db.shape[0]
    k = dist.shape[1]
    for r0 in range(0, m, _ROW_BLOCK):
        r1 = min(r0 + _ROW_BLOCK, m)
        for i0 in range(0, n, _QUERY_BLOCK):
            i1 = min(i0 + _QUERY_BLOCK, n)
            for j in range(r0, r1):
                for i in range(i0, i1):
                    s = 0
                    for t in range(w):
                        s += popcount64(q[i, t] ^ db[j, t])
                    if s < dist[i, k - 1]:
                        _insert(dist[i], idx[i], np.int32(s), j + offset)


def thread_pool() -> ThreadPoolExecutor:
    """The shared worker threads of the packed-bit kernels (they release the GIL)."""
    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=os.cpu_count() or 1, thread_name_prefix="kanerva-hamming")
    return _pool


def merge_topk(dist: np.ndarray, idx: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` best of candidate lists (n, c): smallest distance first, then smallest index.

    Empty slots carry index -1 and the largest int32 distance, so they sort last.

    >>> d = np.array([[3, 1, 1, 2]]); i = np.array([[9, 7, 2, 5]])
    >>> [a.tolist() for a in merge_topk(d, i, 3)]
    [[[1, 1, 2]], [[2, 7, 5]]]
    """
    order = np.lexsort((idx, dist), axis=-1)[:, :k]
    return np.take_along_axis(dist, order, 1), np.take_along_axis(idx, order, 1)


def hamming_topk(
    queries: np.ndarray, db: np.ndarray, k: int, threads: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` stored rows nearest in Hamming distance to each query, best first.

    Exact: equals a stable argsort of :func:`hamming_matrix` (ties go to the smaller row
    index). The stored rows are split into one contiguous chunk per thread (the kernel
    releases the GIL), each thread keeps its own running top-k, and the lists are merged.

    Parameters
    ----------
    queries : ndarray (n, W) uint64
    db : ndarray (m, W) uint64 (may be a memory map)
    k : int, 1 <= k <= m
    threads : int, optional
        Worker threads; default ``numba.get_num_threads()``.

    Returns
    -------
    dist : ndarray (n, k) int32
    idx : ndarray (n, k) int64, row numbers of ``db``

    Examples
    --------
    >>> db = pack(np.array([[1, 1, 0, 0], [1, 0, 0, 0], [0, 0, 1, 1]]))
    >>> d, i = hamming_topk(pack(np.array([[1, 1, 0, 1]])), db, 2)
    >>> d.tolist(), i.tolist()
    ([[1, 2]], [[0, 1]])
    """
    queries = np.ascontiguousarray(queries, dtype=np.uint64)
    db = np.ascontiguousarray(db, dtype=np.uint64)
    if queries.ndim != 2 or db.ndim != 2 or queries.shape[1] != db.shape[1]:
        raise ValueError(
            f"queries (n, W) and db (m, W) must be 2-D with the same number of words, "
            f"got {queries.shape} and {db.shape}"
        )
    m = db.shape[0]
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= k <= m:
        raise ValueError(f"k must be an integer between 1 and the {m} stored rows, got {k!r}")
    n = queries.shape[0]
    k = int(k)
    threads = numba.get_num_threads() if threads is None else max(1, int(threads))
    work = n * m * max(1, db.shape[1])
    chunks = 1 if work < _PARALLEL_MIN_WORDS else max(1, min(threads, m // max(k, _ROW_BLOCK)))
    bounds = [c * m // chunks for c in range(chunks + 1)]
    dist = np.full((chunks, n, k), np.iinfo(np.int32).max, dtype=np.int32)
    idx = np.full((chunks, n, k), -1, dtype=np.int64)
    if chunks == 1:
        _topk_scan(queries, db, dist[0], idx[0], 0)
        return dist[0], idx[0]
    jobs = [
        thread_pool().submit(_topk_scan, queries, db[bounds[c] : bounds[c + 1]], dist[c], idx[c], bounds[c])
        for c in range(chunks)
    ]
    for job in jobs:
        job.result()
    return merge_topk(dist.transpose(1, 0, 2).reshape(n, -1), idx.transpose(1, 0, 2).reshape(n, -1), k)


@numba.njit(cache=True, nogil=True)
def xor_gather(table, index, out):
    """``out[r]`` = XOR of the rows ``table[index[r, j]]``, entries -1 skipped (see the module).

    >>> t = np.array([[1], [2], [4]], dtype=np.uint64)
    >>> out = np.empty((2, 1), dtype=np.uint64)
    >>> xor_gather(t, np.array([[0, 2], [-1, -1]]), out)
    >>> out[:, 0].tolist()
    [5, 0]
    """
    for r in range(index.shape[0]):
        row = out[r]
        first = True
        for j in range(index.shape[1] - 1, -1, -1):
            i = index[r, j]
            if i < 0:
                continue
            src = table[i]
            if first:
                row[:] = src
                first = False
            else:
                for w in range(row.size):
                    row[w] ^= src[w]
        if first:
            row[:] = 0
