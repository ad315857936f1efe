"""Counting set bits per position over many packed vectors: the kernel behind BSC bundling.

Bit-sliced counting with a Harley-Seal carry-save adder tree (Harley & Seal; see Mula, Kurz &
Lemire 2018, "Faster population counts using AVX2 instructions"): sixteen input words are
reduced by full adders (``csa``) into running ``ones/twos/fours/eights`` planes and one
``sixteens`` word, which is then added into higher planes. Every operation is a branch-free
bitwise op on whole words, so 64 positions are counted at once and the loop over words
vectorizes; the planes are expanded to per-position counts only once at the end.

API
---
``count_ones(words, dim) -> counts``
    The number of set bits at each of the ``dim`` positions over the rows of ``words``
    (..., W) uint64 (flattened to rows): (dim,) int64, exact.
"""

from __future__ import annotations

import numba
import numpy as np


@numba.njit(inline="always")
def _csa(a, b, c):
    u = a ^ b
    return (a & b) | (u & c), u ^ c  # (carry, sum)


@numba.njit(cache=True, nogil=True)
def _sliced_counts(x, planes):
    # planes[p, k]: bit j of plane p is bit p of the count at position 64k + j
    n, w = x.shape
    depth = planes.shape[0]
    carries = np.empty(w, dtype=np.uint64)
    i = 0
    while i + 16 <= n:
        for k in range(w):  # branch-free over words: vectorizes
            ones = planes[0, k]
            twos = planes[1, k]
            fours = planes[2, k]
            eights = planes[3, k]
            ta, ones = _csa(ones, x[i, k], x[i + 1, k])
            tb, ones = _csa(ones, x[i + 2, k], x[i + 3, k])
            fa, twos = _csa(twos, ta, tb)
            ta, ones = _csa(ones, x[i + 4, k], x[i + 5, k])
            tb, ones = _csa(ones, x[i + 6, k], x[i + 7, k])
            fb, twos = _csa(twos, ta, tb)
            ea, fours = _csa(fours, fa, fb)
            ta, ones = _csa(ones, x[i + 8, k], x[i + 9, k])
            tb, ones = _csa(ones, x[i + 10, k], x[i + 11, k])
            fa, twos = _csa(twos, ta, tb)
            ta, ones = _csa(ones, x[i + 12, k], x[i + 13, k])
            tb, ones = _csa(ones, x[i + 14, k], x[i + 15, k])
            fb, twos = _csa(twos, ta, tb)
            eb, fours = _csa(fours, fa, fb)
            carries[k], eights = _csa(eights, ea, eb)
            planes[0, k] = ones
            planes[1, k] = twos
            planes[2, k] = fours
            planes[3, k] = eights
        for p in range(4, depth):  # ripple the sixteens into the higher planes
            for k in range(w):
                t = planes[p, k] & carries[k]
                planes[p, k] ^= carries[k]
                carries[k] = t
        i += 16
    while i < n:  # fewer than 16 left: ripple each word in from the ones plane
        for k in range(w):
            carry = x[i, k]
            for p in range(depth):
                t = planes[p, k] & carry
                planes[p, k] ^= carry
                carry = t
        i += 1


def count_ones(words: np.ndarray, dim: int) -> np.ndarray:
    """Number of set bits at each of the ``dim`` positions, over the rows of ``words`` (n, W).

    >>> from kanerva._kernels.bits import pack
    >>> count_ones(pack(np.array([[1, 0, 1], [1, 1, 0], [1, 0, 0]])), 3).tolist()
    [3, 1, 1]
    """
    words = np.ascontiguousarray(words, dtype=np.uint64).reshape(-1, words.shape[-1])
    n, w = words.shape
    depth = max(int(n).bit_length(), 4) + 1
    planes = np.zeros((depth, w), dtype=np.uint64)
    _sliced_counts(words, planes)
    bits = np.unpackbits(planes.view(np.uint8), axis=1, bitorder="little")[:, :dim]
    weights = (np.int64(1) << np.arange(depth, dtype=np.int64))
    return weights @ bits.astype(np.int64)
