"""N-gram encoder: the count-then-project fast path equals position-by-position encoding."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kanerva as kv
from kanerva.apps.langid.corpus import read_corpus, shipped_corpus
from kanerva.encoders.ngrams import (NGramEncoder, check_ngram, merge_counts, next_letter,
                                     normalize)

MODELS = [kv.BSC, kv.MAP, kv.HRR, kv.FHRR]
TEXT = "Ça va? Ελληνικά 12 Straße — naïve ДОБРЕ дошли, l'été!"


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("ngram", [3, (1, 2, 4)])
def test_fast_path_equals_direct_encoding(model, ngram):
    enc = NGramEncoder(model(257, seed=5), ngram=ngram)
    fast, direct = enc.encode(TEXT), enc.encode_direct(TEXT)
    assert fast.shape == direct.shape
    if model in (kv.BSC, kv.MAP):
        assert np.array_equal(fast, direct)  # integer sums: identical
    else:  # float32 n-gram vectors, computed in a batch vs one by one: equal up to rounding
        assert np.abs(fast - direct).max() <= 1e-5 * np.abs(direct).max()
    # and the normalized profile is a vector of the space
    enc.space.check(enc.space.normalize(fast), "profile", batch=False)


def test_ngram_vector_is_bind_of_permuted_letters():
    s = kv.BSC(1_000, seed=2)
    enc = NGramEncoder(s, ngram=3)
    t, h, e = enc.letter_vectors("the")
    expected = s.bind(s.bind(s.permute(t, 2), s.permute(h, 1)), e)
    assert np.array_equal(enc.ngram_vectors(["the"])[0], expected)
    assert not np.array_equal(enc.ngram_vectors(["eht"])[0], expected)  # order matters


def test_normalization():
    assert normalize("The  CAT, 42 sat!!") == " the cat sat "
    assert normalize("Ελληνικά") == " ελληνικά "
    assert normalize("1234 ?!") == ""
    assert normalize("e\u0301te") == " éte "  # NFC: combining accent composed


def test_counts_and_merge_are_order_independent():
    enc = NGramEncoder(kv.MAP(64), ngram=(2, 3))
    texts = ["the cat", "Ελληνικά", "naïve straße", "le chat"]
    whole = enc.count(texts)
    parts = [enc.count([t]) for t in texts]
    for order in ([0, 1, 2, 3], [3, 1, 0, 2]):
        merged = merge_counts([parts[i] for i in order])
        assert merged.alphabet == whole.alphabet
        assert np.array_equal(merged.codes, whole.codes)
        assert np.array_equal(merged.counts, whole.counts)
    grams = dict(zip(whole.ngrams(), whole.counts.tolist()))
    assert grams[" t"] == 1 and grams["at "] == 2 and grams["λλη"] == 1


def test_text_without_letters_has_no_ngrams():
    enc = NGramEncoder(kv.BSC(64), ngram=3)
    assert enc.count(["12 34", ""]).codes.size == 0
    with pytest.raises(ValueError, match="no letters"):
        enc.encode("1, 2, 3")


@pytest.mark.parametrize("model", [kv.BSC, kv.MAP, kv.HRR, kv.FHRR], ids=lambda m: m.__name__)
def test_which_letter_follows_th_in_english(model):
    english = read_corpus(shipped_corpus("train"), labels=["en"], limit=3000)["en"]
    enc = NGramEncoder(model(4096, seed=3), ngram=3)
    profile = enc.space.normalize(enc.project(enc.count(english)))
    assert next_letter(enc, profile, "th") == "e"
    ranking = next_letter(enc, profile, "th", k=3)
    assert ranking[0][0] == "e" and ranking[0][1] > ranking[1][1]


def test_hrr_ngrams_keep_letter_order():
    """HRR permutes with a random permutation (a rotation would commute with circular
    convolution and make THE = EHT), so its n-grams keep the letter order."""
    enc = NGramEncoder(kv.HRR(1_000, seed=3), ngram=3)
    the, eht, cat = enc.ngram_vectors(["the", "eht", "cat"])
    assert abs(enc.space.similarity(the, eht)) < 0.2
    assert abs(enc.space.similarity(the, cat)) < 0.2


def test_bad_input():
    with pytest.raises(ValueError):
        check_ngram(0)
    with pytest.raises(ValueError):
        check_ngram((3, 3))
    with pytest.raises(ValueError):
        check_ngram(8)
    with pytest.raises(TypeError):
        check_ngram("3")
    enc = NGramEncoder(kv.BSC(64), ngram=3)
    with pytest.raises(TypeError, match="single str"):
        enc.count("the cat")
    with pytest.raises(TypeError, match="bytes"):
        enc.count([b"the cat"])
    with pytest.raises(TypeError):
        NGramEncoder(np.zeros(3), ngram=3)


TRICKY = ["ΟΔΟΣ ΚΑΙ ΣΑΣ.", "Σ", "ΑΣ'", "aΣ\u0301b", "\u0301Σ", "", "   ", "12 34!", "e\u0301te",
          "\u0301 x", "\u1100", "\u1161", "𝐀Σ 𝐁", "İstanbul", "ǅemal", "Straße 42", "naïve—café",
          "дОБРЕ ДОШЛИ", "a\nb", "ﬁn", "x"]


@pytest.mark.parametrize("ngram", [(1, 2), (3, 4), 7, (1, 3, 4, 7), (2, 5)])
def test_chunk_counting_equals_per_text_counting(ngram):
    from kanerva.encoders.ngrams import Alphabet, codepoints, count_codepoints, letter_ids, ngram_codes

    sizes = check_ngram(ngram)
    enc = NGramEncoder(kv.BSC(64), ngram=ngram)
    whole = enc.count(TRICKY)
    # the chunk's code points equal those of the texts normalized one by one
    cps, offsets = codepoints(TRICKY)
    for i, t in enumerate(TRICKY):
        one, _ = codepoints([t])
        assert cps[offsets[i] : offsets[i + 1]].tolist() == one.tolist(), t
    # the hash-table count equals sorting the position-by-position codes of every text
    alphabet = Alphabet.from_codepoints(cps)
    ids, id_offsets = letter_ids(cps, offsets, alphabet)
    codes, _ = ngram_codes(ids, id_offsets, sizes, len(alphabet))
    unique, counts = np.unique(codes, return_counts=True)
    assert np.array_equal(whole.codes, unique) and np.array_equal(whole.counts, counts)
    # and the sum of the per-text counts
    merged = merge_counts([enc.count([t]) for t in TRICKY if normalize(t)])
    assert merged.alphabet == whole.alphabet
    assert np.array_equal(merged.codes, whole.codes) and np.array_equal(merged.counts, whole.counts)
    # a text holding the chunk separator (NUL) makes the chunk normalize text by text: same counts
    with_nul = enc.count(TRICKY + ["a\u0000b"])
    assert np.array_equal(with_nul.counts, merge_counts([whole, enc.count(["a b"])]).counts)
    # letters outside a given alphabet: their windows are left out, as in ngram_codes
    small = Alphabet(" abcdefghijklmnopqrstuvwxyz")
    part = count_codepoints(cps, offsets, sizes, small)
    ids, id_offsets = letter_ids(cps, offsets, small)
    unique, counts = np.unique(ngram_codes(ids, id_offsets, sizes, len(small))[0], return_counts=True)
    assert np.array_equal(part.codes, unique) and np.array_equal(part.counts, counts)


def test_counting_grows_its_table_and_keeps_final_sigma():
    from kanerva.encoders.ngrams import codepoints, count_codepoints

    rng = np.random.default_rng(0)
    letters = np.array(list("abcdefghijklmnopqrstuvwxyzαβγδεζηθικλμνξοπρσςτυφχψω"))
    texts = ["".join(rng.choice(letters, size=rng.integers(0, 400))) + " ΣΑΣ" for _ in range(300)]
    counts = count_codepoints(*codepoints(texts), (4,))
    assert counts.codes.size > 1 << 14  # many distinct 4-grams: the table grew past its first size
    expected = merge_counts([NGramEncoder(kv.BSC(64), 4).count([t]) for t in texts])
    assert np.array_equal(counts.to_alphabet(expected.alphabet), expected.codes)
    assert np.array_equal(counts.counts, expected.counts)
    assert "ς" in counts.alphabet.letters and "σας " in dict.fromkeys(counts.ngrams())


@pytest.mark.parametrize("ngram", [3, (1, 2), (3, 4), (1, 3, 4, 7)])
def test_occurrences_give_every_ngram_of_every_text(ngram):
    """Counting with occurrences lists, per text, exactly the n-grams the position-by-position
    codes give (as multisets: positions are read in a different order), also when letters fall
    outside the alphabet."""
    from kanerva.encoders.ngrams import Alphabet, codepoints, count_codepoints, letter_ids, ngram_codes

    sizes = check_ngram(ngram)
    cps, offsets = codepoints(TRICKY)
    for alphabet in (Alphabet.from_codepoints(cps), Alphabet(" abcdefghijklmnopqrstuvwxyz")):
        counts, occ = count_codepoints(cps, offsets, sizes, alphabet, occurrences=True)
        assert np.array_equal(counts.counts, count_codepoints(cps, offsets, sizes, alphabet).counts)
        rows, row_offsets = occ.rows(lambda codes, alph: np.searchsorted(counts.codes, codes))
        buffer = np.full(rows.size + 3, -7, dtype=np.int32)  # written in place, the rest untouched
        into, _ = occ.rows(lambda codes, alph: np.searchsorted(counts.codes, codes), out=buffer)
        assert np.array_equal(into, rows) and np.shares_memory(into, buffer) and (buffer[rows.size:] == -7).all()
        with pytest.raises(ValueError, match="int32 array of at least"):
            occ.rows(lambda codes, alph: np.searchsorted(counts.codes, codes), out=buffer[: rows.size - 1])
        ids, id_offsets = letter_ids(cps, offsets, alphabet)
        codes, code_offsets = ngram_codes(ids, id_offsets, sizes, len(alphabet))
        assert np.array_equal(row_offsets, code_offsets)
        expected = np.searchsorted(counts.codes, codes)
        for t in range(len(TRICKY)):
            a, b = code_offsets[t], code_offsets[t + 1]
            assert sorted(rows[a:b].tolist()) == sorted(expected[a:b].tolist()), TRICKY[t]


@given(st.lists(st.lists(st.text(alphabet="abcαβ ,", max_size=30), min_size=1, max_size=4), max_size=12))
def test_counts_sum_of_a_stream_equals_counting_everything_at_once(chunks):
    from kanerva.encoders.ngrams import CountsSum

    enc = NGramEncoder(kv.BSC(64), ngram=(1, 3))
    total = CountsSum()
    for texts in chunks:
        total.add(enc.count(texts))
    result = total.result()
    if not chunks:
        assert result is None
        return
    everything = enc.count([t for texts in chunks for t in texts])
    assert result.alphabet == everything.alphabet
    assert np.array_equal(result.codes, everything.codes) and np.array_equal(result.counts, everything.counts)
    assert total.result() is result  # asking again merges nothing new


@given(st.lists(st.text(alphabet="abcxyzαβ -.,'\u0301İΣ", max_size=40), max_size=8),
       st.sets(st.integers(1, 7), min_size=1, max_size=4), st.booleans())
def test_counting_kernels_equal_the_position_by_position_codes(texts, sizes, restrict):
    """The rolled longest-n-gram codes, the hashed ids and the suffix counts give exactly the
    counts of sorting every n-gram code, for any mixture of sizes, also when letters fall outside
    a given alphabet (their windows are left out)."""
    from kanerva.encoders.ngrams import Alphabet, codepoints, count_codepoints, letter_ids, ngram_codes

    sizes = tuple(sorted(sizes))
    cps, offsets = codepoints(texts)
    alphabet = Alphabet(" abcαß") if restrict else Alphabet.from_codepoints(cps)
    counts, occ = count_codepoints(cps, offsets, sizes, alphabet, occurrences=True)
    ids, id_offsets = letter_ids(cps, offsets, alphabet)
    codes, code_offsets = ngram_codes(ids, id_offsets, sizes, len(alphabet))
    unique, expected = np.unique(codes, return_counts=True)
    assert np.array_equal(counts.codes, unique) and np.array_equal(counts.counts, expected)
    rows, row_offsets = occ.rows(lambda c, a: np.searchsorted(counts.codes, c))
    assert np.array_equal(row_offsets, code_offsets)
    assert sorted(rows.tolist()) == sorted(np.searchsorted(counts.codes, codes).tolist())
