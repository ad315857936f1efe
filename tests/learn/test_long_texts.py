"""A very long text takes bounded memory to score and to read (issue 14): the classifier scores
in batches of at most PIECE_CHARS characters and a longer text piece by piece; the corpus reader
cuts a line longer than MAX_LINE_BYTES."""

import gzip
import tracemalloc

import numpy as np
import pytest

from kanerva.apps.langid import corpus
from kanerva.learn import NGramClassifier, ngram_classifier

EN = "the cat sat on the mat and the dog slept in the sun while the birds sang "
FR = "le chat dort sur le tapis et le chien mange dans la cuisine avec les enfants "


@pytest.fixture(scope="module")
def clf():
    return NGramClassifier(dim=1_000, epochs=1, example_ngrams=20).fit([EN * 3, FR * 3, EN, FR], ["en", "fr", "en", "fr"])


def test_batches_give_the_same_scores(clf, monkeypatch):
    texts = [EN[: 7 + i % 50] for i in range(60)] + [FR[: 5 + i % 40] for i in range(60)]
    whole = clf.decision_function(texts), clf.predict_index(texts)
    monkeypatch.setattr(ngram_classifier, "PIECE_CHARS", 100)  # many batches
    np.testing.assert_allclose(clf.decision_function(texts), whole[0], rtol=1e-12)
    np.testing.assert_array_equal(clf.predict_index(texts), whole[1])


def test_a_long_text_is_scored_piece_by_piece(clf, monkeypatch):
    texts = ["short one", EN * 300, FR * 300, "x"]
    whole = clf.decision_function(texts)
    monkeypatch.setattr(ngram_classifier, "PIECE_CHARS", 2_000)  # the long texts go in about 11 pieces
    pieces = clf.decision_function(texts)
    np.testing.assert_allclose(pieces, whole, atol=2e-3)  # a few n-grams lost at each cut, of 44,000
    np.testing.assert_array_equal(pieces[[0, 3]], whole[[0, 3]])
    assert clf.predict(texts[1:3]).tolist() == ["en", "fr"]


def test_scoring_a_long_text_takes_bounded_memory(clf, monkeypatch):
    text = EN * 70_000  # 5 million characters: about 170 MB to score in one piece
    monkeypatch.setattr(ngram_classifier, "PIECE_CHARS", 1 << 16)
    tracemalloc.start()
    label = clf.predict([text])
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert label.tolist() == ["en"] and peak < 30 << 20, peak


def test_the_corpus_reader_cuts_a_line_longer_than_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(corpus, "MAX_LINE_BYTES", 1_000)
    monkeypatch.setattr(corpus, "_BLOCK_BYTES", 256)  # the line arrives over many reads, as a long one does
    line = ("é" * 50 + " ") * 120  # 12,120 bytes, no newline, a space every 101 bytes
    (tmp_path / "xx.txt.gz").write_bytes(gzip.compress((line + "\nshort line\n").encode()))
    texts = list(corpus.iter_texts(tmp_path / "xx.txt.gz"))
    assert texts[-1] == "short line" and len(texts) > 10
    assert all(len(t.encode()) <= 1_000 + 256 for t in texts)  # the limit, plus at most one read
    assert "".join(t + " " for t in texts[:-1]).split() == line.split()  # cut only at spaces: no word split
    (tmp_path / "yy.txt").write_bytes(("ж" * 5_000).encode())  # no space at all: cut between characters
    texts = list(corpus.iter_texts(tmp_path / "yy.txt"))
    assert "".join(texts) == "ж" * 5_000 and len(texts) >= 10
