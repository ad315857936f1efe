"""Text to letter n-gram counts: normalization, alphabets, and the compiled counting pass.

The counting half of :mod:`kanerva.encoders.ngrams` (which turns counts into hypervectors).
Normalization (any script, no transliteration): lowercase, Unicode NFC; letters are the code
points of categories L* and M*; everything else is a word boundary, a run of them collapses into
one space, and a text is padded with one space at each end. N-grams are integer codes (letter
ids in base ``len(alphabet) + 1``, the n in the 3 low bits), counted by a numba hash table in
one pass over a chunk's code points.

Examples
--------
>>> normalize("The 2 cats!")
' the cats '
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numba
import numpy as np


MAX_N = 7  # the n of a code lives in its 3 low bits
_BMP = 0x10000


def normalize(text: str) -> str:
    """The normalized form of one text (see the module docstring): what the n-grams are read from.

    Examples
    --------
    >>> normalize("  Ça   va? 42 ")
    ' ça va '
    """
    cps, offsets = codepoints([text])
    alphabet = Alphabet.from_codepoints(cps)
    ids, _ = letter_ids(cps, offsets, alphabet)
    return "".join(alphabet.letters[i] for i in ids)


# ---- code points and letters ---------------------------------------------------------------


@functools.lru_cache(maxsize=2)
def _letter_flags(size: int) -> np.ndarray:
    """1 where code point ``i < size`` is a letter (categories L*, M*)."""
    cat = unicodedata.category
    return np.fromiter((cat(chr(i))[0] in "LM" for i in range(size)), dtype=np.uint8, count=size)


_SEPARATOR = "\x00"  # joins a chunk's texts: a control character (category Cc), so a boundary


def codepoints(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Lowercased NFC code points of ``texts``, concatenated, and the offsets of each text.

    The whole chunk is lowercased and normalized at once, joined by ``"\\x00"``: a control
    character is neither cased nor case-ignorable, so it stops the one context-dependent
    lowercasing (final sigma), and it is a starter that composes with nothing, so NFC never
    reorders or composes across it; the result is the per-text result (a test checks it). Texts
    that contain ``"\\x00"`` themselves are normalized one by one.

    Examples
    --------
    >>> cps, offsets = codepoints(["Ab", "c"])
    >>> cps.tolist(), offsets.tolist()
    ([97, 98, 99], [0, 2, 3])
    """
    if isinstance(texts, str):
        raise TypeError("texts must be a sequence of str, got a single str (wrap it in a list)")
    texts = texts if isinstance(texts, list) else list(texts)
    try:
        joined = _SEPARATOR.join(texts)
    except TypeError:
        joined = None
    if joined is None or joined.count(_SEPARATOR) != max(len(texts) - 1, 0):
        return _codepoints_one_by_one(texts)
    cps = np.frombuffer(unicodedata.normalize("NFC", joined.lower()).encode("utf-32-le"), dtype=np.uint32)
    offsets = np.empty(len(texts) + 1, dtype=np.int64)
    offsets[0] = 0
    if len(texts) > 1:
        cuts = np.flatnonzero(cps == 0)  # lowercasing and NFC never make or remove a NUL
        offsets[1:-1] = cuts - np.arange(cuts.size)
        cps = cps[cps != 0]
    offsets[-1] = cps.size
    return cps, offsets


def _codepoints_one_by_one(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    norm = []
    for i, t in enumerate(texts):
        if not isinstance(t, str):
            raise TypeError(f"text {i} is {type(t).__name__}, expected str (decode bytes first)")
        norm.append(unicodedata.normalize("NFC", t.lower()))
    offsets = np.zeros(len(norm) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, norm), dtype=np.int64, count=len(norm)), out=offsets[1:])
    cps = np.frombuffer("".join(norm).encode("utf-32-le"), dtype=np.uint32)
    return cps, offsets


def _flags_for(cps: np.ndarray) -> np.ndarray:
    top = int(cps.max()) + 1 if cps.size else 0
    return _letter_flags(_BMP if top <= _BMP else 0x110000)


@dataclass(frozen=True)
class Alphabet:
    """The letters of a corpus, sorted by code point; id 0 is the word boundary ``" "``."""

    letters: str

    @classmethod
    def from_texts(cls, texts: Sequence[str]) -> Alphabet:
        cps, _ = codepoints(texts)
        return cls.from_codepoints(cps)

    @classmethod
    def from_codepoints(cls, cps: np.ndarray) -> Alphabet:
        flags = _flags_for(cps)
        seen = np.zeros(flags.size, dtype=np.uint8)
        _mark_seen(cps, flags, seen)
        return cls(" " + "".join(map(chr, np.flatnonzero(seen))))

    def union(self, other: Alphabet) -> Alphabet:
        return Alphabet(" " + "".join(sorted(set(self.letters[1:]) | set(other.letters[1:]))))

    def __len__(self) -> int:
        return len(self.letters)

    @functools.cached_property
    def id_table(self) -> np.ndarray:
        """Code point -> id: alphabet id, -1 for a non-letter, -2 for a letter not in the alphabet."""
        last = ord(self.letters[-1]) if len(self.letters) > 1 else 0
        flags = _letter_flags(_BMP if last < _BMP else 0x110000)
        table = np.where(flags.astype(bool), -2, -1).astype(np.int32)
        table[[ord(c) for c in self.letters[1:]]] = np.arange(1, len(self.letters), dtype=np.int32)
        return table


@numba.njit(cache=True, nogil=True)
def _mark_seen(cps, flags, seen):
    for c in cps:
        if c < flags.size and flags[c]:
            seen[c] = 1


@numba.njit(cache=True, nogil=True)
def _ids_kernel(cps, offsets, table, out, out_offsets):
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


def letter_ids(cps: np.ndarray, offsets: np.ndarray, alphabet: Alphabet) -> tuple[np.ndarray, np.ndarray]:
    """Normalized letter-id streams of texts given as code points (see :func:`codepoints`)."""
    out = np.empty(cps.size + 2 * (offsets.size - 1), dtype=np.int32)
    out_offsets = np.empty(offsets.size, dtype=np.int64)
    k = _ids_kernel(cps, offsets, alphabet.id_table, out, out_offsets)
    return out[:k], out_offsets


# ---- n-gram codes ----------------------------------------------------------------------------


def check_ngram(ngram) -> tuple[int, ...]:
    """``ngram`` (an int or a sequence of ints in 1..7) as a sorted tuple of distinct sizes."""
    if isinstance(ngram, (str, bytes, bool)):
        raise TypeError(f"ngram must be an int or a sequence of ints, got {ngram!r}")
    sizes = (ngram,) if isinstance(ngram, (int, np.integer)) else ngram
    try:
        sizes = tuple(sorted({int(n) for n in sizes if not isinstance(n, bool)}))
    except (TypeError, ValueError):
        raise TypeError(f"ngram must be an int or a sequence of ints, got {ngram!r}") from None
    if not sizes or len(sizes) != len(list(np.atleast_1d(ngram))) or sizes[0] < 1 or sizes[-1] > MAX_N:
        raise ValueError(f"ngram must be distinct sizes between 1 and {MAX_N}, got {ngram!r}")
    return sizes


def _check_base(base: int, sizes: tuple[int, ...]) -> None:
    if float(base) ** max(sizes) * 8 >= 2.0**63:
        raise ValueError(
            f"{base} letters and n-grams of {max(sizes)} do not fit 64-bit codes: use smaller n"
        )


@numba.njit(cache=True, nogil=True)
def _codes_kernel(ids, offsets, sizes, base, out, out_offsets):
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


def ngram_codes(ids: np.ndarray, offsets: np.ndarray, sizes: tuple[int, ...], base: int):
    """Integer codes of the n-grams of letter-id streams: ``code = (sum_i id_i base^(n-i)) * 8 + n``.

    Returns (codes int64, offsets per text). Windows holding an unknown letter are skipped.
    """
    _check_base(base, sizes)
    out = np.empty(ids.size * len(sizes), dtype=np.int64)
    out_offsets = np.empty(offsets.size, dtype=np.int64)
    k = _codes_kernel(ids, offsets, np.asarray(sizes, dtype=np.int64), np.int64(base), out, out_offsets)
    return out[:k], out_offsets


def decode_codes(codes: np.ndarray, base: int) -> tuple[np.ndarray, np.ndarray]:
    """(sizes (m,), ids (m, max n) padded with -1) of n-gram codes."""
    codes = np.asarray(codes, dtype=np.int64)
    sizes = codes % 8
    rest = codes // 8
    width = int(sizes.max()) if sizes.size else 0
    ids = np.full((codes.size, width), -1, dtype=np.int64)
    for pos in range(width - 1, -1, -1):  # last letter is the lowest digit
        col = sizes - (width - pos)
        live = col >= 0
        ids[live, col[live]] = rest[live] % base
        rest = np.where(live, rest // base, rest)
    return sizes, ids


_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


@numba.njit(cache=True, nogil=True)
def _slot(code, bits):
    return np.int64((np.uint64(code) * _GOLDEN) >> np.uint64(64 - bits))


@numba.njit(cache=True, nogil=True)
def _rehash(old, new, bits):
    mask = (new.size >> 1) - 1
    for s in range(0, old.size, 2):
        if old[s] != 0:
            h = _slot(old[s], bits)
            while new[2 * h] != 0:
                h = (h + 1) & mask
            new[2 * h] = old[s]
            new[2 * h + 1] = old[s + 1]


@numba.njit(cache=True, nogil=True)
def _count_kernel(cps, offsets, first_text, table, sizes, base, slots, bits, used):
    # one pass: code points -> letter ids (the stream of _ids_kernel, made on the fly) -> the
    # codes of the n-grams ending at each stream position (rolling: code_n = code_{n-1} * base + id)
    # -> counts in an open-addressing hash table of (code, count) pairs (code 0: empty slot; codes
    # are >= 1), kept at most half full: returns (the text to resume from after growing the table, or -1 when done; slots used)
    mask = (slots.size >> 1) - 1
    width = sizes[sizes.size - 1]
    rolling = np.zeros(width + 1, dtype=np.int64)  # rolling[n]: code of the last n ids
    for t in range(first_text, offsets.size - 1):
        end = offsets[t + 1]
        if 2 * (used + (end - offsets[t] + 2) * sizes.size) > mask + 1:
            return t, used
        length = 0  # stream length of this text
        last = 0
        bad = -1  # stream position of the last letter outside the alphabet
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
            first = 1 if length == 0 else 0  # the first letter brings the leading boundary
            for k in range(first + 1):
                u = 0 if k < first else v
                for n in range(width, 0, -1):
                    rolling[n] = rolling[n - 1] * base + u
                if u < 0:
                    bad = length
                length += 1
                last = u
                # only the longest valid n-gram ending here is counted: the shorter ones are its
                # suffixes, added from the distinct codes afterwards (_add_suffixes)
                n = 0
                for i in range(sizes.size - 1, -1, -1):
                    if sizes[i] <= length and bad < length - sizes[i]:
                        n = sizes[i]
                        break
                if n > 0:
                    code = rolling[n] * 8 + n
                    h = _slot(code, bits)
                    while True:
                        key = slots[2 * h]
                        if key == code:
                            slots[2 * h + 1] += 1
                            break
                        if key == 0:
                            slots[2 * h] = code
                            slots[2 * h + 1] = 1
                            used += 1
                            break
                        h = (h + 1) & mask
    return -1, used


def count_codepoints(cps: np.ndarray, offsets: np.ndarray, sizes: tuple[int, ...],
                     alphabet: Alphabet | None = None) -> NGramCounts:
    """N-gram counts of texts given as code points (see :func:`codepoints`), in one compiled pass
    (no code array, no sort of all codes: the distinct codes are counted in a hash table). The
    ``alphabet`` defaults to the letters of ``cps``.

    Examples
    --------
    >>> c = count_codepoints(*codepoints(["aba"]), (2,))
    >>> c.ngrams(), c.counts.tolist()
    ([' a', 'a ', 'ab', 'ba'], [1, 1, 1, 1])
    """
    alphabet = Alphabet.from_codepoints(cps) if alphabet is None else alphabet
    sizes = tuple(sizes)
    _check_base(len(alphabet), sizes)
    offsets = np.ascontiguousarray(offsets, dtype=np.int64)
    sizes_arr = np.asarray(sizes, dtype=np.int64)
    # (code, count) pairs as uint32 when codes and counts fit: half the bytes, fewer cache misses
    small = float(len(alphabet)) ** max(sizes) * 8 < 2**32 and (cps.size + 2 * offsets.size) * len(sizes) < 2**32
    dtype = np.uint32 if small else np.int64
    bits = 12
    slots = np.zeros(2 << bits, dtype=dtype)
    t, used = 0, 0
    while True:
        t, used = _count_kernel(cps, offsets, t, alphabet.id_table, sizes_arr, np.int64(len(alphabet)),
                                slots, bits, used)
        if t < 0:
            break
        need = used + (int(offsets[t + 1] - offsets[t]) + 2) * len(sizes)
        while (1 << bits) < 2 * need:  # grow (doubling) until the next text fits
            bits += 1
        grown = np.zeros(2 << bits, dtype=dtype)
        _rehash(slots, grown, bits)
        slots = grown
    if len(sizes) > 1:  # room for the suffixes, then add them
        while (1 << bits) < 2 * used * len(sizes):
            bits += 1
            grown = np.zeros(2 << bits, dtype=dtype)
            _rehash(slots, grown, bits)
            slots = grown
        _add_suffixes(slots, bits, sizes_arr, np.int64(len(alphabet)))
    slots = slots.reshape(-1, 2)
    pairs = slots[slots[:, 0] != 0].astype(np.int64)
    pairs = pairs[np.argsort(pairs[:, 0])]
    return NGramCounts(alphabet, np.ascontiguousarray(pairs[:, 0]), np.ascontiguousarray(pairs[:, 1]))


@numba.njit(cache=True, nogil=True)
def _add_suffixes(slots, bits, sizes, base):
    # The counting pass counts only the longest valid n-gram ending at each position; the shorter
    # ones ending there are its suffixes (the last letter is the lowest digit of a code), so their
    # counts come from the distinct codes counted, not from the characters: one hash update per
    # character whatever the number of sizes. Suffixes are taken of the counted codes only (a
    # snapshot), never of suffixes added here.
    mask = (slots.size >> 1) - 1
    direct = np.flatnonzero(slots[0::2] != 0)
    codes = slots[2 * direct].astype(np.int64)
    counts = slots[2 * direct + 1]
    for e in range(codes.size):
        m = codes[e] & 7
        for n in sizes:
            if n >= m:
                break
            code = ((codes[e] >> 3) % base**n) * 8 + n
            h = _slot(code, bits)
            while True:
                key = slots[2 * h]
                if key == code:
                    slots[2 * h + 1] += counts[e]
                    break
                if key == 0:
                    slots[2 * h] = code
                    slots[2 * h + 1] = counts[e]
                    break
                h = (h + 1) & mask


@dataclass(frozen=True)
class NGramCounts:
    """Counts of distinct n-grams: ``codes`` (sorted, int64) over ``alphabet``, ``counts`` (int64)."""

    alphabet: Alphabet
    codes: np.ndarray
    counts: np.ndarray

    def ngrams(self) -> list[str]:
        """The n-grams as strings, in code order."""
        sizes, ids = decode_codes(self.codes, len(self.alphabet))
        letters = self.alphabet.letters
        return ["".join(letters[i] for i in row[:n]) for n, row in zip(sizes, ids)]

    def to_alphabet(self, alphabet: Alphabet) -> np.ndarray:
        """The codes re-encoded over a larger ``alphabet`` (order is kept: ids keep their order)."""
        if alphabet == self.alphabet:
            return self.codes
        remap = np.array([alphabet.letters.index(c) for c in self.alphabet.letters], dtype=np.int64)
        sizes, ids = decode_codes(self.codes, len(self.alphabet))
        _check_base(len(alphabet), tuple(np.unique(sizes).tolist()) or (1,))
        out = np.zeros(self.codes.size, dtype=np.int64)
        for pos in range(ids.shape[1]):
            live = pos < sizes
            out = np.where(live, out * len(alphabet) + remap[np.maximum(ids[:, pos], 0)], out)
        return out * 8 + sizes

    def __add__(self, other: NGramCounts) -> NGramCounts:
        return merge_counts([self, other])


def merge_counts(parts: Iterable[NGramCounts]) -> NGramCounts:
    """The sum of several counts (their alphabets merged); independent of the order of ``parts``.

    Examples
    --------
    >>> from kanerva.encoders.ngrams import NGramEncoder
    >>> enc = NGramEncoder(__import__("kanerva").MAP(100), ngram=2)
    >>> total = merge_counts([enc.count(["ab"]), enc.count(["bc"])])
    >>> dict(zip(total.ngrams(), total.counts.tolist())) == dict(zip(enc.count(["ab", "bc"]).ngrams(), enc.count(["ab", "bc"]).counts.tolist()))
    True
    """
    parts = list(parts)
    if not parts:
        raise ValueError("nothing to merge: no counts given")
    alphabet = parts[0].alphabet
    for p in parts[1:]:
        alphabet = alphabet.union(p.alphabet)
    codes = np.concatenate([p.to_alphabet(alphabet) for p in parts])
    counts = np.concatenate([p.counts for p in parts])
    unique, inverse = np.unique(codes, return_inverse=True)
    total = np.zeros(unique.size, dtype=np.int64)
    np.add.at(total, inverse, counts)
    return NGramCounts(alphabet, unique, total)
