"""The compiled lowercase + NFC pass gives exactly Python's ``normalize("NFC", text.lower())``."""

import unicodedata

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kanerva.encoders.text_codepoints import CodePointTexts, normalized_lines, normalized_texts


def python(texts):
    return [unicodedata.normalize("NFC", t.lower()) for t in texts]


def as_strings(texts: CodePointTexts):
    return [texts.text(i) for i in range(len(texts))]


def _canonical_pairs():
    """First and second characters of the BMP's canonical two-character decompositions."""
    firsts, seconds = set(), set()
    for c in range(0x10000):
        parts = unicodedata.decomposition(chr(c)).split()
        if len(parts) == 2 and not parts[0].startswith("<"):
            firsts.add(chr(int(parts[0], 16)))
            seconds.add(chr(int(parts[1], 16)))
    return sorted(firsts), sorted(seconds)


FIRSTS, SECONDS = _canonical_pairs()
# characters whose lowercase or NFC depends on their neighbours, or that expand
CONTEXT = ["Σ", "σ", "ς", "İ", "I", "'", ".", "\u00ad", "\u0345", "\u0301", "\u0308", "\u1100", "\u1161",
           "\u11a8", "가", "각", "ǅ", "ß", "ﬁ", "Ω", "\u2126", "\u212b", " ", "\u3000", "\x00", "𝐀", "🙂",
           "\U00011099", "\U000110ba", "\u0b47", "\u0b3e", "a", "A", "1"]
INTERESTING = CONTEXT + FIRSTS[::7] + SECONDS


def test_every_bmp_character_alone():
    chars = [chr(c) for c in range(0x10000) if not 0xD800 <= c < 0xE000]
    assert as_strings(normalized_texts(chars)) == python(chars)


def test_pairs_of_composable_and_context_characters():
    rng = np.random.default_rng(0)
    pool = np.array(INTERESTING + [chr(c) for c in rng.integers(0x20, 0x3000, 300)])
    texts = ["".join(p) for p in pool[rng.integers(0, pool.size, (100_000, 3))]]
    assert as_strings(normalized_texts(texts)) == python(texts)


@given(st.lists(st.text(alphabet=st.one_of(st.sampled_from(INTERESTING), st.characters()), max_size=12),
                max_size=20))
def test_any_texts_equal_python(texts):
    got = normalized_texts(texts)
    assert as_strings(got) == python(texts)
    assert got.cps.dtype == np.uint32 and got.offsets[0] == 0 and got.offsets[-1] == got.cps.size


@given(st.lists(st.sampled_from(["Ab", "ΣΑΣ", "  ", "", "\r", "\t x \u3000", "e\u0301", "𝐀Σ", "\x85", "ß"]),
                max_size=15), st.booleans())
def test_lines_are_split_stripped_and_counted_like_str(pieces, final_newline):
    text = "\n".join(pieces) + ("\n" if final_newline else "")
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()
    kept = [line.strip() for line in lines if line.strip()]
    texts, empty, chars = normalized_lines(text)
    assert as_strings(texts) == python(kept)
    assert empty == len(lines) - len(kept) and chars == sum(map(len, kept))


def test_slices_and_concatenation_keep_the_texts():
    texts = normalized_texts(["Ab", "", "Çé", "ΣΑΣ", "x"])
    assert as_strings(texts[1:4]) == ["", "çé", "σας"]
    assert as_strings(texts[4:]) == ["x"] and len(texts[5:]) == 0
    whole = CodePointTexts.concat([texts[:2], texts[2:3], texts[3:]])
    assert np.array_equal(whole.cps, texts.cps) and np.array_equal(whole.offsets, texts.offsets)
    with pytest.raises(TypeError, match="slices"):
        texts[1]


def test_non_text_is_refused_by_position():
    with pytest.raises(TypeError, match="text 1 is bytes, expected str"):
        normalized_texts(["ok", b"bytes"])
    with pytest.raises(TypeError, match="single str"):
        normalized_texts("one text")


UTF8_PIECES = [b"a", b" ", b"\n", b"\r", "é".encode(), "€".encode(), "𝐀".encode(), "\u3000".encode(), "\x85".encode(),
               b"\xc0\xaf", b"\xe0\x80\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xf5", b"\xff", b"\x80",
               b"\xe2\x82", b"\xf0\x9f", b"\xc3", b"\xef\xbb\xbf", b"\x00"]


@given(st.lists(st.sampled_from(UTF8_PIECES), max_size=30))
def test_scanning_bytes_agrees_with_python_decoding(pieces):
    """scan_lines refuses exactly what Python's strict decoder refuses, and finds the lines
    normalized_lines keeps, with their lengths once stripped."""
    from kanerva.encoders.text_codepoints import scan_lines

    data = b"".join(pieces)
    scan = scan_lines(data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        assert scan is None
        return
    assert scan is not None
    starts, ends, chars, empty = scan
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()
    kept = [line.strip() for line in lines if line.strip()]
    assert [data[a:b].decode().strip() for a, b in zip(starts, ends)] == kept
    assert chars.tolist() == [len(t) for t in kept] and empty == len(lines) - len(kept)
