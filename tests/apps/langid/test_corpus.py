"""The shipped corpus keeps its promises, and the reader handles bad input with clear errors."""

import gzip
import unicodedata

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from kanerva.apps.langid import corpus as corpus_module

from kanerva.apps.langid.corpus import (
    LANGUAGES,
    SPLITS,
    CorpusError,
    FileStats,
    corpus_files,
    iter_chunks,
    iter_texts,
    read_corpus,
    shipped_corpus,
)


@pytest.fixture(scope="module")
def shipped():
    return {split: read_corpus(shipped_corpus(split)) for split in SPLITS}


def test_every_split_has_the_21_languages(shipped):
    assert len(LANGUAGES) == 21
    for split in SPLITS:
        assert shipped[split].labels == LANGUAGES, split
        assert shipped[split].decode_errors == 0
        assert shipped[split].empty_lines == 0


def test_test_split_is_1000_sentence_like_texts_per_language(shipped):
    for label, texts in shipped["test"].items():
        assert len(texts) == 1000, label
        assert len(set(texts)) == 1000, label
        assert all(len(t) >= 40 and len(t.split()) >= 6 for t in texts), label


def test_test_and_training_text_never_overlap(shipped):
    train_all = {t for texts in shipped["train"].values() for t in texts}
    for label, texts in shipped["test"].items():
        assert not set(texts) & train_all, label
        # not even a case or punctuation variant of a test text is in training
        fold = {"".join(ch for ch in t.casefold() if ch.isalpha()) for t in shipped["train"][label]}
        assert not {"".join(ch for ch in t.casefold() if ch.isalpha()) for t in texts} & fold


def test_training_text_is_substantial_and_clean(shipped):
    for label, texts in shipped["train"].items():
        assert len(texts) > 10_000, label
        chars = sum(map(len, texts))
        assert 250_000 < chars <= 1_000_000, label
        assert not any("%PRODUCTNAME" in t or "$(ARG" in t or "~" in t for t in texts), label


def test_udhr_is_present_for_every_language(shipped):
    for label, texts in shipped["udhr"].items():
        assert len(texts) >= 60, label
        assert all(len(t) >= 40 and len(t.split()) >= 6 for t in texts), label
    assert shipped["udhr"]["de"][0].startswith("Da die Anerkennung der angeborenen Würde")
    assert shipped["udhr"]["el"][0].startswith("Επειδή")


def test_scripts_match_their_labels(shipped):
    # a Cyrillic/Greek letter in the right files only: a mislabelled source would show here
    def share(texts, lo, hi):
        letters = [c for t in texts for c in t if c.isalpha()]
        return sum(lo <= ord(c) <= hi for c in letters) / len(letters)

    for split in ("test", "udhr"):
        assert share(shipped[split]["bg"], 0x400, 0x4FF) > 0.9
        assert share(shipped[split]["el"], 0x370, 0x3FF) > 0.9
        assert share(shipped[split]["fr"], 0x400, 0x4FF) == 0


def test_package_data_is_visible_through_importlib_resources():
    from importlib import resources

    data = resources.files("kanerva.apps.langid") / "data"
    assert (data / "NOTICE.md").is_file()
    assert "MPL-2.0" in (data / "NOTICE.md").read_text(encoding="utf-8")
    assert (data / "udhr" / "sv.txt.gz").is_file()


def write(path, data: bytes, compress=False):
    if compress:
        path = path.with_name(path.name + ".gz")
        path.write_bytes(gzip.compress(data))
    else:
        path.write_bytes(data)
    return path


@pytest.mark.parametrize("compress", [False, True])
def test_undecodable_bytes_are_counted_replaced_and_reading_continues(tmp_path, compress):
    write(tmp_path / "xx.txt", b"good line\nbad \xff\xfe bytes\n\n   \nreal \xef\xbf\xbd kept\n", compress)
    write(tmp_path / "yy.txt", "ελληνικά\n".encode(), compress)
    corpus = read_corpus(tmp_path)
    assert corpus["xx"] == ["good line", "bad \ufffd\ufffd bytes", "real \ufffd kept"]
    assert corpus.stats["xx"].decode_errors == 2  # the genuine U+FFFD is not an error
    assert corpus.stats["xx"].empty_lines == 2
    assert corpus.decode_errors == 2
    assert corpus.problems() == [f"{corpus.stats['xx'].path}: 2 undecodable bytes replaced by U+FFFD"]
    assert corpus["yy"] == ["ελληνικά"]


def _line_by_line(data: bytes) -> tuple[list[str], FileStats]:
    """The reference reader: one line at a time, as a text file is read."""
    stats, texts = FileStats(None), []
    data = data[3:] if data.startswith(b"\xef\xbb\xbf") else data  # a byte-order mark is not text
    for raw in _lines(data):
        text = raw.decode("utf-8", errors="replace")
        stats.decode_errors += text.count("\ufffd") - raw.count(b"\xef\xbf\xbd")
        if text.strip():
            texts.append(text.strip())
            stats.lines += 1
            stats.chars += len(text.strip())
        else:
            stats.empty_lines += 1
    return texts, stats


def _lines(data: bytes) -> list[bytes]:
    """Lines as ``readline`` gives them: split after each newline, a last line without one kept."""
    parts = data.split(b"\n")
    lines = [p + b"\n" for p in parts[:-1]]
    return lines + ([parts[-1]] if parts[-1] else [])


PIECES = [b"abc", b"\n", b"\r\n", b"  ", b"\xef\xbb\xbf", b"\xff", b"\xe2\x82", "é".encode(), b"\xef\xbf\xbd",
          "\u2028".encode(), "ελ".encode(), b"x" * 40, "ΟΔΟΣ".encode(), "İ".encode(), "e\u0301".encode(),
          "𝐀".encode(), "\u3000".encode(), "\x85".encode()]


@given(st.lists(st.sampled_from(PIECES), max_size=40), st.sampled_from([1, 2, 5, 64, 1 << 20]))
def test_block_reading_matches_line_by_line_reading(tmp_path_factory, pieces, block):
    data = b"".join(pieces)
    path = tmp_path_factory.mktemp("blocks") / "xx.txt"
    path.write_bytes(data)
    expected, expected_stats = _line_by_line(data)
    saved, corpus_module._BLOCK_BYTES = corpus_module._BLOCK_BYTES, block
    try:
        stats, normalized_stats = FileStats(path), FileStats(path)
        assert list(iter_texts(path, stats)) == expected
        # the blocks as normalized code points (what training reads): the same texts and stats
        blocks = list(corpus_module.iter_blocks(path, normalized_stats, normalized=True))
    finally:
        corpus_module._BLOCK_BYTES = saved
    normalized = [b.text(i) for b in blocks for i in range(len(b))]
    assert normalized == [unicodedata.normalize("NFC", t.lower()) for t in expected]
    for got in (stats, normalized_stats):
        assert (got.lines, got.empty_lines, got.decode_errors, got.chars) == (
            expected_stats.lines, expected_stats.empty_lines, expected_stats.decode_errors, expected_stats.chars)


@given(st.lists(st.sampled_from(PIECES), max_size=40), st.sampled_from([1, 2, 5, 64, 1 << 20]),
       st.sampled_from([1, 2, 3, 10]))
@example([b"abc", b"\n"] * 5, 1, 2)  # chunks gathered over several blocks
@example([b"abc", b"\n", b"\xff\n", b"  \n", "é".encode(), b"\n"] * 3, 5, 2)  # blocks that are not UTF-8
def test_raw_chunks_hold_the_same_texts_and_stats(tmp_path_factory, pieces, block, chunk_lines):
    """What a cluster's workers read from raw chunks is what training here reads, chunk by chunk."""
    data = b"".join(pieces) + b"x\n"  # at least one text
    path = tmp_path_factory.mktemp("raw") / "xx.txt"
    path.write_bytes(data)
    saved, corpus_module._BLOCK_BYTES = corpus_module._BLOCK_BYTES, block
    try:
        here, there = {}, {}
        chunks = list(iter_chunks(path.parent, chunk_lines, stats=here, normalized=True))
        raw = list(corpus_module.iter_raw_chunks(path.parent, chunk_lines, stats=there))
    finally:
        corpus_module._BLOCK_BYTES = saved
    assert [label for label, _ in raw] == [label for label, _ in chunks]
    for (_, a), (_, b) in zip(chunks, raw):
        read = b.read()
        assert np.array_equal(a.cps, read.cps) and np.array_equal(a.offsets, read.offsets)
    h, t = here["xx"], there["xx"]
    assert (h.lines, h.empty_lines, h.decode_errors, h.chars) == (t.lines, t.empty_lines, t.decode_errors, t.chars)


def test_byte_order_mark_and_crlf_are_not_text(tmp_path):
    write(tmp_path / "en.txt", b"\xef\xbb\xbfhello world\r\nsecond\r\n")
    assert read_corpus(tmp_path)["en"] == ["hello world", "second"]


def test_bad_corpus_paths_raise_clear_errors(tmp_path):
    with pytest.raises(CorpusError, match="does not exist"):
        read_corpus(tmp_path / "nowhere")
    file = write(tmp_path / "en.txt", b"text\n")
    with pytest.raises(CorpusError, match="not a directory"):
        read_corpus(file)
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "NOTICE.md").write_text("not a label file")
    with pytest.raises(CorpusError, match="no <label>.txt"):
        read_corpus(empty)
    assert issubclass(CorpusError, ValueError)


def test_a_label_with_no_text_is_an_error_naming_the_file(tmp_path):
    write(tmp_path / "en.txt", b"some text\n")
    write(tmp_path / "de.txt", b"\n  \n\n")
    with pytest.raises(CorpusError, match=r"'de' has no text: .*de\.txt has 3 empty lines"):
        read_corpus(tmp_path)
    with pytest.raises(CorpusError, match=r"'de' has no text"):
        list(iter_chunks(tmp_path))
    with pytest.raises(CorpusError, match=r"'de' has no text: .*de\.txt has 3 empty lines"):
        list(corpus_module.iter_raw_chunks(tmp_path))
    assert read_corpus(tmp_path, labels=["en"])["en"] == ["some text"]


def test_duplicate_and_missing_labels_are_errors(tmp_path):
    write(tmp_path / "en.txt", b"a\n")
    write(tmp_path / "en.txt", b"b\n", compress=True)
    with pytest.raises(CorpusError, match="two files"):
        corpus_files(tmp_path)
    (tmp_path / "en.txt").unlink()
    with pytest.raises(CorpusError, match="no file for label.*'fr'"):
        read_corpus(tmp_path, labels=["fr"])
    with pytest.raises(TypeError, match="iterable of label strings"):
        read_corpus(tmp_path, labels="en")


def test_corrupt_gzip_is_a_clear_error(tmp_path):
    (tmp_path / "en.txt.gz").write_bytes(gzip.compress(b"hello\n" * 100)[:30])
    with pytest.raises(CorpusError, match="cannot read .*en.txt.gz"):
        read_corpus(tmp_path)


def test_chunks_stream_every_text_once_in_bounded_pieces(tmp_path, monkeypatch):
    lines = [f"text number {i}" for i in range(25)]
    write(tmp_path / "aa.txt", ("\n".join(lines) + "\n").encode())
    write(tmp_path / "bb.txt", b"one\ntwo\n", compress=True)
    stats = {}
    chunks = list(iter_chunks(tmp_path, chunk_lines=10, stats=stats))
    assert [(label, len(c)) for label, c in chunks] == [("aa", 10), ("aa", 10), ("aa", 5), ("bb", 2)]
    assert [t for label, c in chunks if label == "aa" for t in c] == lines
    assert stats["aa"].lines == 25 and stats["bb"].chars == 6
    normalized = list(iter_chunks(tmp_path, chunk_lines=10, normalized=True))
    assert [(label, len(c)) for label, c in normalized] == [(label, len(c)) for label, c in chunks]
    assert [c.text(i) for _, c in normalized for i in range(len(c))] == lines + ["one", "two"]
    monkeypatch.setattr(corpus_module, "_BLOCK_BYTES", 16)  # chunks made of many blocks
    for as_codepoints in (False, True):
        small = list(iter_chunks(tmp_path, chunk_lines=10, normalized=as_codepoints))
        assert [(label, len(c)) for label, c in small] == [(label, len(c)) for label, c in chunks]
    assert [c.text(i) for _, c in small for i in range(len(c))] == lines + ["one", "two"]
    with pytest.raises(ValueError, match="chunk_lines"):
        next(iter_chunks(tmp_path, chunk_lines=0))


def test_limit_keeps_the_first_texts(tmp_path):
    write(tmp_path / "aa.txt", b"1 a\n2 b\n3 c\n")
    assert read_corpus(tmp_path, limit=2)["aa"] == ["1 a", "2 b"]
    with pytest.raises(ValueError, match="limit"):
        read_corpus(tmp_path, limit=0)
    stats = FileStats(tmp_path / "aa.txt")
    assert list(iter_texts(stats.path, stats)) == ["1 a", "2 b", "3 c"] and stats.chars == 9


def test_unknown_split_is_an_error():
    with pytest.raises(ValueError, match="unknown split 'dev'"):
        shipped_corpus("dev")


# --------------------------------------------------------------------------- the builder's parts
def load_builder():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[3] / "scripts" / "build_langid_corpus.py"
    spec = importlib.util.spec_from_file_location("build_langid_corpus", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def make_mo(entries: list[tuple[str, str]]) -> bytes:
    """A little-endian GNU .mo file (header entry first, keys sorted as msgfmt does)."""
    import struct

    entries = sorted(entries)
    ids = [k.encode() for k, _ in entries]
    strs = [v.encode() for _, v in entries]
    n = len(entries)
    orig_at, trans_at = 28, 28 + 8 * n
    data_at = trans_at + 8 * n
    table, blob = [], b""
    for s in ids + strs:
        table.append((len(s), data_at + len(blob)))
        blob += s + b"\0"
    header = struct.pack("<7I", 0x950412DE, 0, n, orig_at, trans_at, 0, 0)
    return header + b"".join(struct.pack("<2I", *t) for t in table) + blob


def test_builder_reads_gettext_catalogs_like_the_stdlib(tmp_path):
    import gettext

    builder = load_builder()
    entries = [("", "Content-Type: text/plain; charset=UTF-8\n"),
               ("ctx|label\x04_Open File", "Datei ö_ffnen"),
               ("Close", "Schließen"),
               ("%1 row\x00%1 rows", "%1 Zeile\x00%1 Zeilen")]
    path = tmp_path / "x.mo"
    path.write_bytes(make_mo(entries))
    pairs = builder.read_mo(path)
    assert pairs == [("%1 row", "%1 Zeile"), ("Close", "Schließen"), ("_Open File", "Datei ö_ffnen")]
    stdlib = gettext.GNUTranslations(open(path, "rb"))
    assert stdlib.pgettext("ctx|label", "_Open File") == "Datei ö_ffnen"
    path.write_bytes(b"not a catalog at all")
    with pytest.raises(builder.BuildError, match="not a gettext .mo file"):
        builder.read_mo(path)


def test_builder_cleaning_removes_markup_placeholders_and_mnemonics():
    clean = load_builder().clean
    assert clean("Open %PRODUCTNAME ~File with $(ARG1) and {0} <b>bold</b> A_lle") == [
        "Open File with and bold Alle"]
    assert clean('The table "#" and #lib# at https://example.org/x.') == ["The table and at"]
    assert clean("First line\nSecond &amp; line\n%1\n") == ["First line", "Second & line"]
    assert clean("100 % opaque, 0 % clear") == ["100 % opaque, 0 % clear"]


def test_builder_udhr_sentences_and_split(tmp_path):
    builder = load_builder()
    page = tmp_path / "d.html"
    page.write_text("<html><h2>Article 1</h2><p>All human beings are born free and equal. "
                    "They are endowed with reason and conscience; they should act well.</p>"
                    "<ol><li>Everyone has the right to life, liberty and security.</li></ol>"
                    "<p>Too short.</p></html>", encoding="utf-8")
    assert builder.udhr_lines(page) == [
        "All human beings are born free and equal.",
        "They are endowed with reason and conscience;",
        "Everyone has the right to life, liberty and security."]
    lines = [f"sentence number {i} has quite enough words in it" for i in range(1500)]
    lines += [f"short {i}" for i in range(300)]
    test, train, dropped = builder.split(lines, "xx", seed=1)
    assert len(test) == 1000 and not set(test) & set(train) and dropped == 0
    assert sorted(test + train) == sorted(lines)
    assert builder.split(lines, "xx", seed=1)[0] == test  # deterministic
    assert builder.split(lines, "xx", seed=2)[0] != test
    with pytest.raises(builder.BuildError, match="only 500 sentence-like"):
        builder.split(lines[:500], "xx", seed=1)
