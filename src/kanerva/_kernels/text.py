"""Text kernels: lowercasing code points through a table, finding the lines of UTF-8 bytes.

Used by :mod:`kanerva.encoders.text_codepoints`, which builds the tables from Python's own
``str.lower`` and ``unicodedata`` and normalizes the refused texts in Python.

API
---
``lower_texts(src, starts, ends, strip, lower, space, out, offsets, refused) -> (texts, refused)``
    The texts ``src[starts[i]:ends[i]]`` (uint32 code points) mapped through ``lower`` (BMP
    table, ``0xFFFFFFFF`` = refused) into ``out`` one after another (``offsets``); with
    ``strip``, whitespace (``space`` table, 1 = whitespace) at both ends is dropped and empty
    texts skipped. A text holding a refused character writes nothing: ``refused[r]`` gets
    (its output index, start, end). Returns the numbers of texts written and refused.
``scan_utf8_lines(data, space, starts, ends, chars) -> (lines, empty)``
    The lines of UTF-8 bytes ``data`` (split at ``\\n``; a final newline ends the last line)
    holding a non-whitespace character: byte ``starts``/``ends`` (newline excluded) and their
    code points once stripped (``chars``); returns the numbers of such lines and of empty ones,
    or (-1, 0) at the first byte sequence that is not UTF-8 (the strict rules of Python's
    decoder).

Examples
--------
>>> import numpy as np
>>> space = np.zeros(0x10000, np.uint8); space[[9, 10, 32]] = 1
>>> data = np.frombuffer(" ab \\n\\n é\\n".encode(), np.uint8)
>>> starts, ends, chars = (np.empty(4, np.int64) for _ in range(3))
>>> scan_utf8_lines(data, space, starts, ends, chars)
(2, 1)
>>> starts[:2].tolist(), ends[:2].tolist(), chars[:2].tolist()
([0, 6], [4, 9], [2, 1])
"""

from __future__ import annotations

import numba
import numpy as np


@numba.njit(cache=True, nogil=True)
def lower_texts(src, starts, ends, strip, lower, space, out, offsets, refused):
    # texts src[starts[t]:ends[t]] -> lowercase code points in ``out``, texts one after another
    # (offsets); with ``strip``, whitespace at both ends is dropped and empty texts are skipped.
    # A text with a character the table refuses gets no code points here: refused[r] = (its
    # output index, start, end in src). Returns (texts written, texts refused).
    k = 0
    t = 0
    r = 0
    offsets[0] = 0
    for i in range(starts.size):
        a, b = starts[i], ends[i]
        if strip:
            while a < b and src[a] < 0x10000 and space[src[a]]:
                a += 1
            while b > a and src[b - 1] < 0x10000 and space[src[b - 1]]:
                b -= 1
            if a == b:
                continue
        begin = k
        for j in range(a, b):
            c = src[j]
            low = lower[c] if c < 0x10000 else np.uint32(0xFFFFFFFF)
            if low == 0xFFFFFFFF:
                k = begin
                refused[r, 0] = t
                refused[r, 1] = a
                refused[r, 2] = b
                r += 1
                break
            out[k] = low
            k += 1
        t += 1
        offsets[t] = k
    return t, r


@numba.njit(cache=True, nogil=True)
def scan_utf8_lines(data, space, starts, ends, chars):
    # the lines of UTF-8 bytes (split at 10; a final newline ends the last line) that hold a
    # non-whitespace character: byte starts/ends (the newline excluded) and code points once
    # stripped. Returns (non-empty lines, empty lines), or (-1, 0) at the first byte sequence
    # that is not UTF-8 (the strict rules of Python's decoder, Unicode table 3-7).
    n = data.size
    k = 0
    empty = 0
    line_start = 0
    index = 0  # code points so far in this line
    first = -1  # index of its first non-space code point
    last = -1
    i = 0
    while i <= n:
        if i == n or data[i] == 10:
            if i < n or n == 0 or data[n - 1] != 10:  # what follows a final newline is no line
                if first >= 0:
                    starts[k] = line_start
                    ends[k] = i
                    chars[k] = last - first + 1
                    k += 1
                else:
                    empty += 1
            line_start = i + 1
            index = 0
            first = -1
            last = -1
            i += 1
            continue
        b = data[i]
        if b < 0x80:
            cp = np.int64(b)
            size = 1
        else:
            low, high = 0x80, 0xBF
            if 0xC2 <= b <= 0xDF:
                size, cp = 2, np.int64(b & 0x1F)
            elif 0xE0 <= b <= 0xEF:
                size, cp = 3, np.int64(b & 0x0F)
                if b == 0xE0:
                    low = 0xA0
                elif b == 0xED:
                    high = 0x9F
            elif 0xF0 <= b <= 0xF4:
                size, cp = 4, np.int64(b & 0x07)
                if b == 0xF0:
                    low = 0x90
                elif b == 0xF4:
                    high = 0x8F
            else:
                return -1, 0
            if i + size > n:
                return -1, 0
            for j in range(1, size):
                c = data[i + j]
                if c < low or c > high:
                    return -1, 0
                low, high = 0x80, 0xBF
                cp = (cp << 6) | (c & 0x3F)
        if not (cp < 0x10000 and space[cp]):
            if first < 0:
                first = index
            last = index
        index += 1
        i += size
    return k, empty
