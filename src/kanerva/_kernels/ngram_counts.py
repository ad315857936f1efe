"""N-gram counting kernels: letter ids, n-gram codes, the hash table of distinct codes.

Used by :mod:`kanerva.encoders.ngram_counts` (which normalizes texts, owns the alphabets and
orchestrates a count) and by :mod:`kanerva.learn.ngram_classifier` (its vocabulary table). An
n-gram is an integer code: its letter ids in base ``b = len(alphabet)`` (the last letter is the
lowest digit), times 8, plus n. Letter ids: 0 is the word boundary, ``-1`` a non-letter, ``-2`` a
letter outside the alphabet (``table`` maps code points to ids; code points past the table are
non-letters below U+10000 and unknown letters above). Every function here is exact.

API
---
``mark_seen(cps, seen)``
    ``seen[c] = 1`` for every code point c of ``cps`` (uint32).
``letter_id_streams(cps, offsets, table, out, out_offsets) -> k``
    Each text (``cps[offsets[t]:offsets[t+1]]``) as its normalized id stream: letters to ids,
    runs of non-letters to one 0, one 0 at each end, a text without letters empty; int32 ids in
    ``out[:k]``, text starts in ``out_offsets``.
``ngram_code_streams(ids, offsets, sizes, base, out, out_offsets) -> k``
    The codes of every n-gram (all ``sizes``, position-major) of id streams; windows holding a
    negative id are skipped. int64 codes in ``out[:k]``.
``slot(code, bits)``
    Fibonacci hash of a code into ``2**bits`` slots (one hash for every table here).
``longest_codes(cps, offsets, table, sizes, base, out, text_rows) -> n``
    Code points straight to the code of the longest valid n-gram ending at each stream
    position (the shorter sizes are its suffixes); ``text_rows[t]`` the n-grams of text t, all
    sizes.
``hash_pass(codes, start, stop, slots, bits, used, ids, counts) -> (stop, used)``
    Ids of ``codes[start:stop]`` in the open-addressing table ``slots`` (pairs code, id; code 0
    empty), new codes numbered from ``used``, ``counts[id] += 1``; stops early before the table
    would be more than half full (the caller grows it with ``rehash``).
``rehash(old, new, bits)``
    Every pair of ``old`` inserted into the empty table ``new`` of ``2**bits`` slots.
``add_suffixes(slots, bits, sizes, base, codes, direct, counts, suffix_ids) -> distinct``
    The shorter n-grams as suffixes of the counted codes, with their counts and the id of every
    counted code's suffix of each size (``suffix_ids``, -1 for longer sizes).
``expand_rows(ids, suffix_ids, row_of, out)``
    Every n-gram occurrence (all sizes) as ``row_of[id]``, position by position.
``recode_codes(codes, remap, source_base, target_base, out)``
    Codes over one alphabet re-encoded over a larger one (``remap``: source id -> target id).
``CodeTable(keys)``
    A hash table from int64 codes to their row in ``keys``; ``lookup(codes)`` gives int32 rows,
    -1 for absent codes.

Examples
--------
>>> import numpy as np
>>> table = np.array([-1] * 97 + [1, 2], dtype=np.int32)           # " ab": a -> 1, b -> 2
>>> cps = np.array([97, 98, 97], dtype=np.uint32)                    # "aba"
>>> ids, offs = np.empty(5, np.int32), np.empty(2, np.int64)
>>> k = letter_id_streams(cps, np.array([0, 3]), table, ids, offs)
>>> ids[:k].tolist()
[0, 1, 2, 1, 0]
>>> codes, code_offs = np.empty(10, np.int64), np.empty(2, np.int64)
>>> k = ngram_code_streams(ids[:k], offs, np.array([2]), 3, codes, code_offs)
>>> [(int(c) >> 3, int(c) & 7) for c in codes[:k]]                   # " a", "ab", "ba", "a "
[(1, 2), (5, 2), (7, 2), (3, 2)]
>>> CodeTable(np.array([11, 42, 7])).lookup(np.array([42, 5, 7, 11])).tolist()
[1, -1, 2, 0]
"""

from __future__ import annotations

import numba
import numpy as np

from .simd import prefetch_span


@numba.njit(cache=True, nogil=True)
def mark_seen(cps, seen):
    for c in cps:  # every code point; the letters are picked out once, not per character
        seen[c] = 1


@numba.njit(cache=True, nogil=True)
def letter_id_streams(cps, offsets, table, out, out_offsets):
    # letters -> ids, runs of non-letters -> one 0, one 0 padding each end; no letters -> empty
    k = 0
    for t in range(offsets.size - 1):
        out_offsets[t] = k
        start = k
        out[k] = 0
        k += 1
        letters = 0
        for j in range(offsets[t], offsets[t + 1]):
            c = cps[j]
            v = table[c] if c < table.size else (-2 if c >= 0x10000 else -1)
            if v == -1:
                if out[k - 1] != 0:
                    out[k] = 0
                    k += 1
            else:
                out[k] = v
                k += 1
                letters += 1
        if letters == 0:
            k = start
        elif out[k - 1] != 0:
            out[k] = 0
            k += 1
    out_offsets[offsets.size - 1] = k
    return k


@numba.njit(cache=True, nogil=True)
def ngram_code_streams(ids, offsets, sizes, base, out, out_offsets):
    # position-major: at each position, the n-grams of every size that start there
    k = 0
    for t in range(offsets.size - 1):
        out_offsets[t] = k
        a, b = offsets[t], offsets[t + 1]
        for p in range(a, b):
            for n in sizes:
                if p + n > b:
                    break
                code = 0
                ok = True
                for j in range(p, p + n):
                    v = ids[j]
                    if v < 0:
                        ok = False
                        break
                    code = code * base + v
                if ok:
                    out[k] = code * 8 + n
                    k += 1
    out_offsets[offsets.size - 1] = k
    return k


_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_AHEAD = 16  # the hash pass prefetches the slot of the code this many positions ahead


@numba.njit(cache=True, nogil=True)
def slot(code, bits):
    return np.int64((np.uint64(code) * _GOLDEN) >> np.uint64(64 - bits))


@numba.njit(cache=True, nogil=True)
def longest_codes(cps, offsets, table, sizes, base, out, text_rows):
    # code points -> letter ids (the stream of letter_id_streams, made on the fly) -> the code of the
    # longest valid n-gram ending at each stream position, written to ``out`` in order (the
    # shorter ones are its suffixes, added from the distinct codes afterwards: add_suffixes);
    # text_rows[t] gets the number of n-grams of text t (all sizes). The code of the last
    # ``width`` ids is rolled with a ring of them (drop the oldest digit, shift, add): no
    # division except for the few positions where a shorter n is the longest valid one.
    # Returns the number of codes written.
    top = sizes.size - 1
    width = sizes[top]
    lead = np.int64(1)  # weight of the oldest digit
    for _ in range(width - 1):
        lead *= base
    ring = np.zeros(width, dtype=np.int64)
    pos = 0
    for t in range(offsets.size - 1):
        end = offsets[t + 1]
        length = 0  # stream length of this text
        last = 0
        bad = -1  # stream position of the last letter outside the alphabet
        rows = 0
        code = np.int64(0)
        ring[:] = 0
        at = 0
        for j in range(offsets[t], end + 1):
            if j < end:
                c = cps[j]
                v = table[c] if c < table.size else (-2 if c >= 0x10000 else -1)
            else:
                v = -1  # the end of the text is a boundary
            if v == -1:
                if length == 0 or last == 0:
                    continue  # runs collapse; nothing before the first letter
                v = 0
            if length == 0:  # the leading boundary: digit 0 (the code stays 0)
                length = 1
                at = 1 % width
                if sizes[0] == 1:
                    out[pos] = 1
                    pos += 1
                    rows += 1
            code = (code - ring[at] * lead) * base + v
            ring[at] = v
            at = at + 1 if at + 1 < width else 0
            if v < 0:
                bad = length
            length += 1
            last = v
            if width <= length and bad < length - width:  # the usual case
                out[pos] = code * 8 + width
                pos += 1
                rows += top + 1
                continue
            for i in range(top - 1, -1, -1):  # the longest valid shorter n, if any
                n = sizes[i]
                if n <= length and bad < length - n:
                    out[pos] = (code % base**n) * 8 + n
                    pos += 1
                    rows += i + 1
                    break
        text_rows[t] = rows
    return pos


@numba.njit(cache=True, nogil=True)
def _find(slots, bits, code):
    # the slot of ``code`` in the open-addressing table of (code, id) pairs, or the empty slot
    # where it goes (code 0: empty; codes are >= 1)
    mask = (slots.size >> 1) - 1
    h = slot(code, bits)
    while slots[2 * h] != code and slots[2 * h] != 0:
        h = (h + 1) & mask
    return h


@numba.njit(cache=True, nogil=True)
def hash_pass(codes, start, stop, slots, bits, used, ids, counts):
    # ids[p] = the id of codes[p], a new code getting the next id, and counts[id] += 1, for p in
    # [start, stop); stops before a code that would fill the table past half (counts has room
    # for that many ids). Returns (where it stopped, distinct).
    limit = slots.size >> 2
    for p in range(start, stop):
        if p + _AHEAD < stop:  # the slot the code _AHEAD positions on will probe first
            a = 2 * slot(codes[p + _AHEAD], bits)
            prefetch_span(slots, a, a + 2)
        h = _find(slots, bits, codes[p])
        if slots[2 * h] == 0:
            if used >= limit:
                return p, used
            slots[2 * h] = codes[p]
            slots[2 * h + 1] = used
            used += 1
        i = slots[2 * h + 1]
        ids[p] = i
        counts[i] += 1
    return stop, used


@numba.njit(cache=True, nogil=True)
def rehash(old, new, bits):
    for s in range(0, old.size, 2):
        if old[s] != 0:
            h = _find(new, bits, old[s])
            new[2 * h] = old[s]
            new[2 * h + 1] = old[s + 1]


@numba.njit(cache=True, nogil=True)
def add_suffixes(slots, bits, sizes, base, codes, direct, counts, suffix_ids):
    # The shorter n-grams ending where a counted one ends are its suffixes (the last letter is
    # the lowest digit of a code): their counts come from the distinct codes counted, not from
    # the characters, so the counting pass makes one hash update per character whatever the
    # number of sizes. Suffixes are taken of the counted codes only (ids below direct.size, with
    # their direct counts), never of suffixes added here. New codes are appended to ``codes``
    # (by id); counts[id] sums direct and suffix counts. suffix_ids[id, k]: the id of the size-k
    # suffix of a counted code (itself for its own size, -1 for longer sizes). Returns the number
    # of distinct codes.
    used = direct.size
    for e in range(direct.size):
        m = codes[e] & 7
        for k in range(sizes.size):
            n = sizes[k]
            if n > m:
                suffix_ids[e, k] = -1
            elif n == m:
                suffix_ids[e, k] = e
            else:
                code = ((codes[e] >> 3) % base**n) * 8 + n
                h = _find(slots, bits, code)
                if slots[2 * h] == 0:
                    slots[2 * h] = code
                    slots[2 * h + 1] = used
                    codes[used] = code
                    used += 1
                s = slots[2 * h + 1]
                counts[s] += direct[e]
                suffix_ids[e, k] = s
    return used


@numba.njit(cache=True, nogil=True)
def expand_rows(ids, suffix_ids, row_of, out):
    k = 0
    for p in range(ids.size):
        for s in range(suffix_ids.shape[1]):
            i = suffix_ids[ids[p], s]
            if i >= 0:
                out[k] = row_of[i]
                k += 1


@numba.njit(cache=True, nogil=True)
def recode_codes(codes, remap, source_base, target_base, out):
    for i in range(codes.size):
        n = codes[i] & 7
        rest = codes[i] >> 3
        value, weight = 0, 1
        for _ in range(n):  # the last letter is the lowest digit
            value += remap[rest % source_base] * weight
            rest //= source_base
            weight *= target_base
        out[i] = value * 8 + n


# ---- a hash table from n-gram codes to vocabulary rows ------------------------------------------


@numba.njit(cache=True, nogil=True)
def _build(keys, bits, slots, rows):
    mask = (1 << bits) - 1
    for r in range(keys.size):
        h = slot(keys[r], bits)
        while slots[h] != -1:
            h = (h + 1) & mask
        slots[h] = keys[r]
        rows[h] = r


@numba.njit(cache=True, nogil=True)
def _lookup(slots, rows, bits, codes, out):
    mask = (1 << bits) - 1
    for i in range(codes.size):
        c = codes[i]
        h = slot(c, bits)
        r = -1
        while slots[h] != -1:
            if slots[h] == c:
                r = rows[h]
                break
            h = (h + 1) & mask
        out[i] = r


class CodeTable:
    """Open-addressing hash table: n-gram code -> row of the vocabulary (-1 when absent).

    Examples
    --------
    >>> t = CodeTable(np.array([11, 42, 7]))
    >>> t.lookup(np.array([42, 5, 7, 11])).tolist()
    [1, -1, 2, 0]
    """

    def __init__(self, keys: np.ndarray):
        keys = np.ascontiguousarray(keys, dtype=np.int64)
        self.bits = max(4, int(2 * keys.size - 1).bit_length() + 1)
        self.slots = np.full(1 << self.bits, -1, dtype=np.int64)
        self.rows = np.full(1 << self.bits, -1, dtype=np.int32)
        _build(keys, self.bits, self.slots, self.rows)

    def lookup(self, codes: np.ndarray) -> np.ndarray:
        out = np.empty(codes.size, dtype=np.int32)
        _lookup(self.slots, self.rows, self.bits, np.ascontiguousarray(codes, dtype=np.int64), out)
        return out
