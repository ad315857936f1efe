"""Texts to lowercased NFC code points, compiled, with exactly Python's results.

A text is read as ``unicodedata.normalize("NFC", text.lower())`` (UTF-32 code points). Python's
``lower`` and ``normalize`` on a whole chunk cost more than counting its n-grams, so a compiled
pass maps each code point through a table of single-character lowercase mappings instead. The
table is made from Python's own ``str.lower`` and ``unicodedata`` when first used (so it follows
the running Python's Unicode version), and it refuses the characters whose result it cannot
decide alone: capital sigma (its lowercase depends on the letters around it), characters whose
lowercase is several characters (U+0130), lowercase characters that NFC could compose with a
neighbour or reorder (combining marks, the second half of a canonical pair, Hangul vowel and
final jamo), and everything outside the BMP. A text holding one of those is normalized by Python,
alone. Texts made only of characters the table accepts are already NFC after lowering: every
character then passes the NFC quick check with combining class 0 (UAX #15), the exact test.

:func:`normalized_texts` does this for a sequence of texts; :func:`normalized_lines` for a block of
UTF-8 lines as the corpus reader meets them (split at newlines, stripped, empty lines dropped).
Both return :class:`CodePointTexts`. :func:`scan_lines` finds those lines and their stripped
lengths in UTF-8 bytes without decoding them (what a cluster's client needs to cut chunks that
its workers decode).

Examples
--------
>>> texts = normalized_texts(["Ab", "ΟΔΟΣ", "c"])
>>> [texts.text(i) for i in range(len(texts))]
['ab', 'οδος', 'c']
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .._kernels.text import lower_texts, scan_utf8_lines

_BMP = 0x10000
_REFUSED = np.uint32(0xFFFFFFFF)  # the table's mark for a character Python must normalize


@dataclass(frozen=True)
class CodePointTexts:
    """Normalized texts as code points: text ``i`` is ``cps[offsets[i]:offsets[i + 1]]``."""

    cps: np.ndarray
    offsets: np.ndarray

    def __len__(self) -> int:
        return self.offsets.size - 1

    def __getitem__(self, item: slice) -> CodePointTexts:
        """Texts ``item`` (a slice with step 1) of these, sharing their code points."""
        if not isinstance(item, slice) or item.step not in (None, 1):
            raise TypeError("CodePointTexts take slices with step 1")
        start, stop, _ = item.indices(len(self))
        stop = max(start, stop)
        offsets = self.offsets[start : stop + 1]
        return CodePointTexts(self.cps[offsets[0] : offsets[-1]], offsets - offsets[0])

    def text(self, i: int) -> str:
        return self.cps[self.offsets[i] : self.offsets[i + 1]].tobytes().decode("utf-32-le")

    @staticmethod
    def concat(parts: Sequence[CodePointTexts]) -> CodePointTexts:
        if len(parts) == 1:
            return parts[0]
        sizes = [p.cps.size for p in parts]
        shifts = np.cumsum([0, *sizes[:-1]])
        offsets = np.concatenate([parts[0].offsets[:1], *(p.offsets[1:] + s for p, s in zip(parts, shifts))])
        return CodePointTexts(np.concatenate([p.cps for p in parts]), offsets)


@functools.lru_cache(maxsize=1)
def _tables() -> tuple[np.ndarray, np.ndarray]:
    """(lowercase of each BMP code point, or _REFUSED; 1 where a BMP code point is whitespace)."""
    chars = [chr(c) for c in range(_BMP)]
    # lowercase characters that may change under NFC next to others: combining class > 0, no
    # NFC form of their own, or a non-first character of some character's full decomposition
    # (covers the second halves of canonical pairs, Hangul vowel and final jamo included)
    every = np.arange(0x110000, dtype=np.uint32)
    every = every[(every < 0xD800) | (every >= 0xE000)]
    joined = np.zeros(2 * every.size, dtype=np.uint32)  # every character, each followed by "\x00"
    joined[0::2] = every
    everything = joined.tobytes().decode("utf-32-le")
    decomposed = np.frombuffer(unicodedata.normalize("NFD", everything).encode("utf-32-le"), dtype=np.uint32)
    follows = np.ones(decomposed.size, dtype=bool)
    follows[0] = False
    follows[1:] = decomposed[:-1] != 0
    unstable = np.zeros(_BMP, dtype=bool)
    later = decomposed[follows & (decomposed != 0)]
    unstable[later[later < _BMP]] = True
    for c, ch in enumerate(chars):
        if not unstable[c] and (unicodedata.combining(ch) or unicodedata.normalize("NFC", ch) != ch):
            unstable[c] = True
    lower = np.full(_BMP, _REFUSED, dtype=np.uint32)
    for c, ch in enumerate(chars):
        low = ch.lower()
        if len(low) == 1 and ord(low) < _BMP and not unstable[ord(low)] and c != 0x03A3:  # capital sigma
            lower[c] = ord(low)
    lower[0xD800:0xE000] = _REFUSED  # lone surrogates: never in decoded text, left to Python
    space = np.fromiter((ch.isspace() for ch in chars), dtype=np.uint8, count=_BMP)
    return lower, space


def _normalize(src: np.ndarray, starts: np.ndarray, ends: np.ndarray, strip: bool) -> tuple[CodePointTexts, int]:
    """The texts ``src[starts[i]:ends[i]]`` (code points) normalized; and how many code points
    they had before lowercasing (after stripping)."""
    lower, space = _tables()
    out = np.empty(src.size, dtype=np.uint32)
    offsets = np.empty(starts.size + 1, dtype=np.int64)
    refused = np.empty((starts.size, 3), dtype=np.int64)
    n, r = lower_texts(src, starts, ends, strip, lower, space, out, offsets, refused)
    offsets = offsets[: n + 1]
    chars = int(offsets[-1])
    if r == 0:
        return CodePointTexts(out[: offsets[-1]], offsets), chars
    pieces, lengths, done = [], np.diff(offsets), 0
    for t, a, b in refused[:r]:
        text = src[a:b].tobytes().decode("utf-32-le")
        chars += len(text)
        fixed = np.frombuffer(unicodedata.normalize("NFC", text.lower()).encode("utf-32-le"), dtype=np.uint32)
        pieces += [out[done : offsets[t]], fixed]
        done = offsets[t]  # refused texts wrote nothing: the next text starts here
        lengths[t] = fixed.size
    pieces.append(out[done : offsets[-1]])
    new_offsets = np.zeros_like(offsets)
    np.cumsum(lengths, out=new_offsets[1:])
    return CodePointTexts(np.concatenate(pieces), new_offsets), chars


def _utf32(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)


def normalized_texts(texts) -> CodePointTexts:
    """Lowercased NFC code points of ``texts`` (a sequence of str; CodePointTexts pass through).

    Examples
    --------
    >>> t = normalized_texts(["Ab", "c"])
    >>> t.cps.tolist(), t.offsets.tolist()
    ([97, 98, 99], [0, 2, 3])
    """
    if isinstance(texts, CodePointTexts):
        return texts
    if isinstance(texts, str):
        raise TypeError("texts must be a sequence of str, got a single str (wrap it in a list)")
    texts = texts if isinstance(texts, list) else list(texts)
    try:
        joined = "".join(texts)
    except TypeError:
        for i, t in enumerate(texts):
            if not isinstance(t, str):
                raise TypeError(f"text {i} is {type(t).__name__}, expected str (decode bytes first)") from None
        raise
    bounds = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)), out=bounds[1:])
    return _normalize(_utf32(joined), bounds[:-1], bounds[1:], strip=False)[0]


def normalized_lines(text: str) -> tuple[CodePointTexts, int, int]:
    """The lines of ``text`` (split at ``"\\n"``; a final newline ends the last line), stripped,
    empty ones dropped, normalized: (texts, empty lines, characters of the stripped lines).

    >>> texts, empty, chars = normalized_lines(" Ab \\n\\n c\\n")
    >>> [texts.text(i) for i in range(len(texts))], empty, chars
    (['ab', 'c'], 1, 3)
    """
    src = _utf32(text)
    newlines = np.flatnonzero(src == 10)
    ends = np.append(newlines, src.size)
    starts = np.concatenate([[0], newlines + 1])
    if text.endswith("\n"):
        starts, ends = starts[:-1], ends[:-1]
    texts, chars = _normalize(src, starts, ends, strip=True)
    return texts, int(starts.size - len(texts)), chars


def scan_lines(data: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray, int] | None:
    """The non-empty lines of UTF-8 ``data`` as :func:`normalized_lines` would find them, without
    decoding: (byte starts, byte ends, characters once stripped, empty lines); None when ``data``
    is not UTF-8.

    >>> starts, ends, chars, empty = scan_lines(" ab \\n\\n é\\n".encode())
    >>> starts.tolist(), ends.tolist(), chars.tolist(), empty
    ([0, 6], [4, 9], [2, 1], 1)
    """
    array = np.frombuffer(data, dtype=np.uint8)
    lines = data.count(b"\n") + 1
    starts, ends, chars = (np.empty(lines, dtype=np.int64) for _ in range(3))
    k, empty = scan_utf8_lines(array, _tables()[1], starts, ends, chars)
    if k < 0:
        return None
    return starts[:k], ends[:k], chars[:k], int(empty)
