"""Counting set bits per position over many packed vectors: the kernel behind BSC bundling."""

from __future__ import annotations

import numba
import numpy as np

_COUNTER_BITS = 40  # bit-sliced counters: enough for 2**40 vectors


@numba.njit(cache=True, nogil=True)
def _count_ones(x, n_bits_out):
    # Bit-sliced (vertical) counters, one ripple-carry adder per word: adding a word touches
    # on average two counter planes, so n vectors cost about 3n word operations instead of
    # 64n unpacked additions.
    n, w = x.shape
    planes = np.zeros((w, _COUNTER_BITS), dtype=np.uint64)
    used = 0
    for i in range(n):
        for k in range(w):
            carry = x[i, k]
            p = 0
            while carry != 0:
                t = planes[k, p] & carry
                planes[k, p] ^= carry
                carry = t
                p += 1
            if p > used:
                used = p
    counts = np.zeros(w * 64, dtype=np.int64)
    for k in range(w):
        for p in range(used):
            word = planes[k, p]
            if word == 0:
                continue
            weight = np.int64(1) << p
            for bit in range(64):
                if (word >> np.uint64(bit)) & np.uint64(1):
                    counts[k * 64 + bit] += weight
    return counts[:n_bits_out]


def count_ones(words: np.ndarray, dim: int) -> np.ndarray:
    """Number of set bits at each of the ``dim`` positions, over the rows of ``words`` (n, W).

    >>> from kanerva.vsa._bits import pack
    >>> count_ones(pack(np.array([[1, 0, 1], [1, 1, 0], [1, 0, 0]])), 3).tolist()
    [3, 1, 1]
    """
    words = np.ascontiguousarray(words, dtype=np.uint64).reshape(-1, words.shape[-1])
    return _count_ones(words, dim)
