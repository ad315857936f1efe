import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kanerva as kv
from kanerva.structures import Multiset, Set, UnknownSymbolError

SPACES = {name: model(model.round_dim(8_192), seed=11) for name, model in kv.MODELS.items()}
CODEBOOKS = {name: kv.Codebook(s, [f"w{i}" for i in range(60)]) for name, s in SPACES.items()}


def test_members_are_found_and_strangers_are_not(words):
    members = [f"w{i}" for i in range(0, 60, 3)]  # 20 members, 40 strangers
    s = Set(words, members)
    assert s.members() == members
    assert all(m in s for m in members)
    assert not any(f"w{i}" in s for i in range(1, 60, 3))
    assert len(s) == 20


def test_threshold_follows_the_size_of_the_set(words, space):
    for n in (4, 16, 49):
        t = Set(words, [f"w{i}" for i in range(n)]).threshold
        if space.name == "sbc":  # a block keeps one member: member similarity from 1/n (no collisions) up
            assert 0.4 / n < t < 1.0 / np.sqrt(n)
        else:  # half the member similarity: sqrt(2/pi)/2 ~ 0.40 (majority) .. 0.5 (HRR) over sqrt(n)
            assert 0.3 / np.sqrt(n) < t < 0.56 / np.sqrt(n)


@settings(max_examples=12)
@given(st.sampled_from(sorted(SPACES)), st.sets(st.integers(0, 59), min_size=1, max_size=30))
def test_any_subset_is_recovered_exactly(model, indices):
    cb = CODEBOOKS[model]
    members = [f"w{i}" for i in sorted(indices)]
    assert Set(cb, members).members() == members


def test_adding_in_steps_keeps_every_count(words, space):
    items = [f"w{i}" for i in range(9)]
    whole = Set(words, items)
    steps = Set(words)
    for item in items:
        steps.add(item)
    np.testing.assert_allclose(steps.acc, whole.acc, rtol=1e-5, atol=1e-6)  # float models sum in float32 blocks
    assert space.similarity(steps.vector, whole.vector) > 0.9999


def test_union_equals_the_set_of_all_members(words):
    a, b = Set(words, ["w1", "w2", "w3"]), Set(words, ["w4", "w5"])
    u = a.union(b)
    np.testing.assert_allclose(u.acc, Set(words, ["w1", "w2", "w3", "w4", "w5"]).acc, rtol=1e-5, atol=1e-6)  # float models sum in float32 blocks
    assert u.members() == ["w1", "w2", "w3", "w4", "w5"]
    assert a.members() == ["w1", "w2", "w3"]  # operands untouched


def test_members_can_be_vectors_of_the_space(words, space):
    s = Set(words, [words["w7"], "w8"])
    assert s.members() == ["w7", "w8"]
    assert s.contains(words["w7"]) and not s.contains(space.random(key="stranger"))


def test_multiset_counts(words):
    bag = Multiset(words)
    truth = {"w0": 7, "w1": 4, "w2": 2, "w3": 1}
    for sym, count in truth.items():
        for _ in range(count):
            bag.add(sym)  # one at a time: the raw sum keeps every count
    counts = bag.counts()
    for sym in words.symbols:
        assert abs(counts[sym] - truth.get(sym, 0)) < 0.5, (sym, counts[sym])
    assert [sym for sym, _ in bag.most_common()] == ["w0", "w1", "w2", "w3"]
    assert [sym for sym, _ in bag.most_common(2)] == ["w0", "w1"]


def test_multiset_weights_and_removal(words):
    bag = Multiset(words)
    bag.add("w5", 3)
    bag.add("w6", 2.5)
    bag.add("w5", -1)  # a negative weight takes occurrences out, exactly
    assert round(bag.count("w5")) == 2
    assert abs(bag.count("w6") - 2.5) < 0.3
    assert abs(bag.count("w7")) < 0.3


def test_more_frequent_members_are_more_similar_to_the_bag(words, space):
    # the normalized bag vector ranks members by count (the raw sum gives the counts)
    singles = [f"w{i}" for i in range(3, 13)]
    bag = Multiset(words, ["w0"] * 4 + ["w1"] * 3 + ["w2"] * 2 + singles)
    sims = [bag.similarity(s) for s in ("w0", "w1", "w2")]
    single = np.mean([bag.similarity(s) for s in singles])
    stranger = max(abs(bag.similarity(f"w{i}")) for i in range(13, 60))
    # SBC: a block keeps the most frequent member, so a single copy among 19 items is faint
    assert sims[0] > sims[1] > sims[2] > single > (1 if space.name == "sbc" else 2) * stranger


def test_empty_set_and_multiset(words):
    s, bag = Set(words), Multiset(words)
    assert s.members() == [] and "w1" not in s and len(s) == 0
    assert bag.count("w1") == 0.0 and bag.most_common() == []
    with pytest.raises(ValueError, match="empty"):
        s.vector
    with pytest.raises(ValueError, match="empty"):
        s.threshold


def test_bad_input(words, space, other_spaces):
    s = Set(words, ["w1"])
    with pytest.raises(UnknownSymbolError, match="'zebra' is not a symbol"):
        s.add("zebra")
    with pytest.raises(ValueError, match="not a symbol"):  # also a ValueError
        "zebra" in s
    with pytest.raises(KeyError):  # and a KeyError, like a dict
        Multiset(words).count("zebra")
    for other in other_spaces:
        with pytest.raises((TypeError, ValueError), match="another (model|dimension)"):
            s.add(other.random())
        with pytest.raises(ValueError, match="different models, dimensions or seeds"):
            s.union(Set(kv.Codebook(other, ["w1"]), ["w1"]))
    with pytest.raises(TypeError, match="kanerva.Codebook"):
        Set(space, ["w1"])
    with pytest.raises(TypeError, match="count must be a number"):
        Multiset(words).add("w1", "3")
    with pytest.raises(ValueError, match="finite"):
        Multiset(words).add("w1", float("nan"))


@settings(max_examples=12)
@given(st.sampled_from(sorted(SPACES)), st.lists(st.integers(0, 6), min_size=10, max_size=10))
def test_any_small_multiset_counts_round_to_the_truth(model, counts):
    cb = CODEBOOKS[model]
    bag = Multiset(cb)
    for i, c in enumerate(counts):
        if c:
            bag.add(f"w{i}", c)
    got = bag.counts()
    assert [round(got[f"w{i}"]) for i in range(10)] == counts
    assert all(abs(got[f"w{i}"]) < 0.5 for i in range(10, 60))
