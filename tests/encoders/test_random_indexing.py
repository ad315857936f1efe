import json
from pathlib import Path

import numpy as np
import pytest

from kanerva.encoders.random_indexing import RandomIndexing, group_agreement, tokenize

TEXT = Path(__file__).resolve().parents[2] / "examples" / "data" / "village.txt"
_WORDS = json.loads((TEXT.parent / "village_groups.json").read_text())  # the word groups and stopwords
STOP = _WORDS["stopwords"]
GROUPS = _WORDS["groups"]


@pytest.fixture(scope="module")
def lines():
    return [tokenize(l) for l in TEXT.read_text().splitlines() if l.strip() and not l.startswith("#")]


def test_index_vectors_are_sparse_ternary_and_keyed():
    ri = RandomIndexing(dim=2_000, nonzeros=10, seed=5)
    v = ri.index_vectors(["cat", "dog", "cat"])
    assert v.shape == (3, 2_000) and v.dtype == np.int8
    assert (np.count_nonzero(v, axis=1) == 10).all() and (v.sum(axis=1) == 0).all()
    assert set(np.unique(v)) == {-1, 0, 1}
    assert (v[0] == v[2]).all() and not (v[0] == v[1]).all()
    # keyed: a new model with the same seed draws the same vector, another seed another
    assert (RandomIndexing(dim=2_000, seed=5).index_vectors(["cat"])[0] == v[0]).all()
    assert not (RandomIndexing(dim=2_000, seed=6).index_vectors(["cat"])[0] == v[0]).all()
    # dense corner: every position used once
    full = RandomIndexing(dim=12, nonzeros=12).index_positions(["x"])[0][0]
    assert sorted(full) == list(range(12))


@pytest.mark.parametrize("settings, floor", [(dict(window=2), 0.8), (dict(window=2, order=True), 0.8),
                                             (dict(window=None), 0.5)])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_words_used_alike_come_out_similar(lines, settings, floor, seed):
    ri = RandomIndexing(dim=2_000, nonzeros=10, seed=seed, stopwords=STOP, **settings).fit(lines)
    score = group_agreement(ri, GROUPS)
    # chance for the nearest neighbour is about 1 in 8 groups
    assert score["nearest_in_group"] >= floor, score
    assert score["mean_within"] > 2 * score["mean_between"], score
    assert ri.similarity("tea", "coffee") > ri.similarity("tea", "train")
    assert ri.similarity("monday", "friday") > ri.similarity("monday", "cheese")


def test_context_vectors_are_sums_of_neighbours_index_vectors():
    docs = [["a", "b", "c"], ["c", "a"]]
    ri = RandomIndexing(dim=500, nonzeros=6, window=1, seed=0).fit(docs)
    idx = dict(zip("abc", ri.index_vectors(["a", "b", "c"]).astype(np.float32)))
    np.testing.assert_array_equal(ri.vector("a"), idx["b"] + idx["c"])
    np.testing.assert_array_equal(ri.vector("c"), idx["b"] + idx["a"])
    assert list(ri.counts_) == [2, 1, 2]
    ordered = RandomIndexing(dim=500, nonzeros=6, window=1, order=True, seed=0).fit(docs)
    # b after a: rotated by +1; a before c: rotated by -1
    np.testing.assert_array_equal(ordered.vector("a"), np.roll(idx["b"], 1) + np.roll(idx["c"], -1))
    by_doc = RandomIndexing(dim=500, nonzeros=6, window=None, seed=0).fit(docs)
    d0, d1 = by_doc.index_vectors(["document:0", "document:1"]).astype(np.float32)
    np.testing.assert_array_equal(by_doc.vector("a"), d0 + d1)
    np.testing.assert_array_equal(by_doc.vector("b"), d0)


def test_most_similar(lines):
    ri = RandomIndexing(dim=2_000, window=2, seed=0, stopwords=STOP).fit(lines)
    top = ri.most_similar("tuesday", k=3, min_count=3)
    assert len(top) == 3 and "tuesday" not in [w for w, _ in top]
    assert top[0][0] in GROUPS["days"]
    assert [s for _, s in top] == sorted([s for _, s in top], reverse=True)


def test_bad_input(lines):
    with pytest.raises(ValueError, match="dim"):
        RandomIndexing(dim=1)
    with pytest.raises(ValueError, match="nonzeros"):
        RandomIndexing(dim=10, nonzeros=11)
    with pytest.raises(ValueError, match="window"):
        RandomIndexing(window=0)
    with pytest.raises(ValueError, match="order=True needs word contexts"):
        RandomIndexing(window=None, order=True)
    ri = RandomIndexing()
    with pytest.raises(ValueError, match="not fitted"):
        ri.vector("cat")
    with pytest.raises(TypeError, match="not one string"):
        ri.fit("the cat sat")
    with pytest.raises(TypeError, match="document 1 must be a sequence of str tokens"):
        ri.fit([["a"], "b c"])
    with pytest.raises(ValueError, match="empty"):
        RandomIndexing(stopwords=["the"]).fit([[], ["the"]])
    ri.fit(lines)
    with pytest.raises(KeyError, match="'zebra' did not occur"):
        ri.similarity("cat", "zebra")
    with pytest.raises(ValueError, match="each word in one group"):
        group_agreement(ri, {"a": ["cat"], "b": ["cat"]})
