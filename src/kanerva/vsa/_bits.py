"""Packed bits: 1 bit per dimension in uint64 words, and the kernels that work on them.

Layout (shared by BSC, the sparse distributed memory and the Hamming index): dimension ``d``
lives in word ``d // 64`` at bit ``d % 64`` (least significant bit first). A vector of
``dim`` bits takes ``ceil(dim / 64)`` words; the padding bits of the last word are always
zero, so popcounts never see them.

The Hamming kernels are compiled with numba because numpy has no fused
xor-popcount-reduce: ``np.bitwise_count(a ^ b).sum(-1)`` materializes the xor and the
per-word counts, which costs several times the memory traffic (see docs/benchmarks.md).
"""

from __future__ import annotations

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
