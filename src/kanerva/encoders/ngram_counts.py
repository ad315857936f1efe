"""Text to letter n-gram counts: normalization, alphabets, and the compiled counting pass.

The counting half of :mod:`kanerva.encoders.ngrams` (which turns counts into hypervectors).
Normalization (any script, no transliteration): lowercase, Unicode NFC; letters are the code
points of categories L* and M*; everything else is a word boundary, a run of them collapses into
one space, and a text is padded with one space at each end. N-grams are integer codes (letter
ids in base ``len(alphabet) + 1``, the n in the 3 low bits), counted by compiled passes over a
chunk's code points (:func:`count_codepoints`).

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

import numpy as np

from .._kernels import ngram_counts as K
from .text_codepoints import normalized_texts


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


def split_text(text: str, size: int) -> list[str]:
    """``text`` in pieces of at most ``size`` characters, for counting a very long text in bounded
    memory. A cut goes at the last whitespace of a piece's final quarter when there is one (the
    n-grams lost are those spanning that word boundary with letters on both sides: n - 2 per size
    and cut), otherwise before a character that starts a new grapheme (never inside a combining
    sequence; n - 1 n-grams per size and cut at most). Every character is in exactly one piece.

    >>> split_text("the cat sat on the mat", 8)
    ['the cat', ' sat on', ' the mat']
    >>> "".join(split_text("x" * 10, 4)) == "x" * 10
    True
    """
    if isinstance(size, bool) or not isinstance(size, int) or size < 4:
        raise ValueError(f"size must be an integer >= 4, got {size!r}")
    pieces, start = [], 0
    while len(text) - start > size:
        end = start + size
        window = text[start + 3 * size // 4 : end]
        spaces = [i for i in range(len(window) - 1, -1, -1) if window[i].isspace()]
        if spaces:
            cut = start + 3 * size // 4 + spaces[0]
        else:
            cut = end
            while cut > start + 1 and unicodedata.combining(text[cut]):
                cut -= 1
        cut = max(cut, start + 1)
        pieces.append(text[start:cut])
        start = cut
    pieces.append(text[start:])
    return pieces


# ---- code points and letters ---------------------------------------------------------------


@functools.lru_cache(maxsize=2)
def _letter_flags(size: int) -> np.ndarray:
    """1 where code point ``i < size`` is a letter (categories L*, M*)."""
    cat = unicodedata.category
    return np.fromiter((cat(chr(i))[0] in "LM" for i in range(size)), dtype=np.uint8, count=size)


def codepoints(texts) -> tuple[np.ndarray, np.ndarray]:
    """Lowercased NFC code points of ``texts`` (str, or :class:`CodePointTexts` already made),
    concatenated, and the offsets of each text (:mod:`kanerva.encoders.text_codepoints`: a
    compiled pass with exactly Python's ``unicodedata.normalize("NFC", text.lower())``).

    Examples
    --------
    >>> cps, offsets = codepoints(["Ab", "c"])
    >>> cps.tolist(), offsets.tolist()
    ([97, 98, 99], [0, 2, 3])
    """
    texts = normalized_texts(texts)
    return texts.cps, texts.offsets


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
        flags = _flags_for(cps)  # covers every code point of cps
        seen = np.zeros(flags.size, dtype=np.uint8)
        K.mark_seen(cps, seen)
        return cls(" " + "".join(map(chr, np.flatnonzero(seen & flags))))

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


def letter_ids(cps: np.ndarray, offsets: np.ndarray, alphabet: Alphabet) -> tuple[np.ndarray, np.ndarray]:
    """Normalized letter-id streams of texts given as code points (see :func:`codepoints`)."""
    out = np.empty(cps.size + 2 * (offsets.size - 1), dtype=np.int32)
    out_offsets = np.empty(offsets.size, dtype=np.int64)
    k = K.letter_id_streams(cps, offsets, alphabet.id_table, out, out_offsets)
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


def ngram_codes(ids: np.ndarray, offsets: np.ndarray, sizes: tuple[int, ...], base: int):
    """Integer codes of the n-grams of letter-id streams: ``code = (sum_i id_i base^(n-i)) * 8 + n``.

    Returns (codes int64, offsets per text). Windows holding an unknown letter are skipped.
    """
    _check_base(base, sizes)
    out = np.empty(ids.size * len(sizes), dtype=np.int64)
    out_offsets = np.empty(offsets.size, dtype=np.int64)
    k = K.ngram_code_streams(ids, offsets, np.asarray(sizes, dtype=np.int64), np.int64(base), out, out_offsets)
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


@dataclass(frozen=True)
class Occurrences:
    """Where a chunk's n-grams occur, for turning the chunk into training rows without reading
    it again: ``ids`` holds, for every stream position in order, the id of the longest n-gram
    counted there; ``suffix_ids[id, k]`` the id of its size-``k`` suffix (-1: none);
    ``codes[id]`` the code of every id over ``alphabet``; ``text_rows`` the n-grams per text."""

    alphabet: Alphabet
    codes: np.ndarray
    ids: np.ndarray
    suffix_ids: np.ndarray
    text_rows: np.ndarray

    def rows(self, lookup, out: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(rows, offsets per text) of every n-gram, all sizes, with ``lookup(codes over this
        alphabet) -> rows`` applied once per distinct code; written into ``out`` (int32, at
        least ``text_rows.sum()`` long) when given."""
        row_of = np.ascontiguousarray(lookup(self.codes, self.alphabet), dtype=np.int32)
        offsets = np.zeros(self.text_rows.size + 1, dtype=np.int64)
        np.cumsum(self.text_rows, out=offsets[1:])
        size = int(offsets[-1])
        if out is None:
            out = np.empty(size, dtype=np.int32)
        elif out.dtype != np.int32 or out.ndim != 1 or out.size < size or not out.flags.c_contiguous:
            raise ValueError(f"out must be a contiguous int32 array of at least {size} rows")
        K.expand_rows(self.ids, self.suffix_ids, row_of, out)
        return out[:size], offsets


def count_codepoints(cps: np.ndarray, offsets: np.ndarray, sizes: tuple[int, ...],
                     alphabet: Alphabet | None = None, occurrences: bool = False):
    """N-gram counts of texts given as code points (see :func:`codepoints`). Three compiled
    steps (:mod:`kanerva._kernels.ngram_counts`), no sort of all codes: the code of the longest
    n-gram at every position (``longest_codes``), the id of each code in a hash table of the
    distinct codes (``hash_pass``; the slot of a code a few positions ahead prefetched), and the
    counts as the histogram of the ids; the shorter sizes come from the distinct codes
    (``add_suffixes``). The ``alphabet`` defaults to the letters of ``cps``. With ``occurrences``, returns ``(counts, Occurrences)``:
    where each n-gram occurs, so training needs one pass.

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
    base = np.int64(len(alphabet))
    n_texts = offsets.size - 1
    codes = np.empty(cps.size + 2 * n_texts, dtype=np.int64)
    text_rows = np.zeros(n_texts, dtype=np.int64)
    n = K.longest_codes(cps, offsets, alphabet.id_table, sizes_arr, base, codes, text_rows)

    # (code, id) pairs as uint32 when codes fit: half the bytes, fewer cache misses
    small = float(len(alphabet)) ** max(sizes) * 8 < 2**32 and n * len(sizes) < 2**32
    dtype = np.uint32 if small else np.int64
    bits = max(12, int(n // 8).bit_length())  # distinct codes are a few % of the positions
    slots = np.zeros(2 << bits, dtype=dtype)

    hits = np.zeros(1 << (bits - 1), dtype=np.int64)  # counts by id, room for a half-full table

    def grow(need):  # at least twice ``need`` slots: the table stays at most half full
        nonlocal bits, slots, hits
        while (1 << bits) < 2 * need:
            bits += 1
        grown = np.zeros(2 << bits, dtype=dtype)
        K.rehash(slots, grown, bits)
        slots = grown
        hits = np.concatenate([hits, np.zeros((1 << (bits - 1)) - hits.size, dtype=np.int64)])

    ids = np.empty(n, dtype=np.int32)
    done, counted = K.hash_pass(codes, 0, n, slots, bits, 0, ids, hits)
    while done < n:
        grow(counted + 1)
        done, counted = K.hash_pass(codes, done, n, slots, bits, counted, ids, hits)
    direct = hits[:counted]
    if (1 << bits) < 2 * counted * len(sizes):
        grow(counted * len(sizes))  # room for the suffixes
    live = np.flatnonzero(slots[0::2] != 0)
    by_id = np.empty(counted * len(sizes), dtype=np.int64)
    by_id[slots[2 * live + 1]] = slots[2 * live]
    totals = np.zeros(by_id.size, dtype=np.int64)
    totals[:counted] = direct
    suffix_ids = np.empty((counted, len(sizes)), dtype=np.int32)
    distinct = K.add_suffixes(slots, bits, sizes_arr, base, by_id, direct, totals, suffix_ids)
    by_id, totals = by_id[:distinct], totals[:distinct]
    order = np.argsort(by_id)
    counts = NGramCounts(alphabet, np.ascontiguousarray(by_id[order]), totals[order])
    if not occurrences:
        return counts
    return counts, Occurrences(alphabet, by_id, ids, suffix_ids, text_rows)


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
        return recode(self.codes, self.alphabet, alphabet)

    def __add__(self, other: NGramCounts) -> NGramCounts:
        return merge_counts([self, other])


def recode(codes: np.ndarray, source: Alphabet, target: Alphabet) -> np.ndarray:
    """N-gram ``codes`` over ``source`` re-encoded over a larger ``target`` alphabet.

    >>> small, big = Alphabet(" ab"), Alphabet(" abc")
    >>> recode(np.array([(1 * 3 + 2) * 8 + 2]), small, big).tolist()   # "ab"
    [50]
    """
    if target == source:
        return codes
    codes = np.ascontiguousarray(codes, dtype=np.int64)
    _check_base(len(target), (int((codes & 7).max()) if codes.size else 1,))
    remap = np.array([target.letters.index(c) for c in source.letters], dtype=np.int64)
    out = np.empty(codes.size, dtype=np.int64)
    K.recode_codes(codes, remap, np.int64(len(source)), np.int64(len(target)), out)
    return out


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
    order = np.argsort(codes, kind="stable")
    codes, counts = codes[order], counts[order]
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]]) if codes.size else np.zeros(0, np.int64)
    # sums of sorted runs (np.add.at is an order of magnitude slower)
    total = np.add.reduceat(counts, starts) if codes.size else counts
    return NGramCounts(alphabet, np.ascontiguousarray(codes[starts]), total)


class CountsSum:
    """A running sum of :class:`NGramCounts` (one per chunk of a stream) that merges lazily:
    chunks wait until together they hold as many codes as the sum so far, then all are merged in
    one sort. Each code is sorted again O(log chunks) times instead of once per chunk (merging
    every chunk into a large sum costs the whole sum each time), and memory stays within twice
    the sum. Exact: merging is a sum of integer counts, the same whatever the grouping.

    Examples
    --------
    >>> from kanerva.encoders.ngrams import NGramEncoder
    >>> enc = NGramEncoder(__import__("kanerva").MAP(100), ngram=2)
    >>> total = CountsSum()
    >>> for text in ["ab", "bc", "ab"]:
    ...     total.add(enc.count([text]))
    >>> dict(zip(total.result().ngrams(), total.result().counts.tolist()))["ab"]
    2
    """

    def __init__(self):
        self._total: NGramCounts | None = None
        self._waiting: list[NGramCounts] = []
        self._waiting_codes = 0

    def add(self, counts: NGramCounts) -> None:
        self._waiting.append(counts)
        self._waiting_codes += counts.codes.size
        if self._total is None or self._waiting_codes >= self._total.codes.size:
            self._merge()

    def _merge(self) -> None:
        if self._waiting:
            parts = self._waiting if self._total is None else [self._total, *self._waiting]
            self._total = parts[0] if len(parts) == 1 else merge_counts(parts)
            self._waiting, self._waiting_codes = [], 0

    def result(self) -> NGramCounts | None:
        """The sum of everything added (None when nothing was)."""
        self._merge()
        return self._total

