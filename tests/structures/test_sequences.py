import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kanerva as kv
from kanerva.structures import Sequence, UnknownSymbolError

SPACES = {name: model(model.round_dim(8_192), seed=11) for name, model in kv.MODELS.items()}
CODEBOOKS = {name: kv.Codebook(s, [f"w{i}" for i in range(60)]) for name, s in SPACES.items()}


def test_items_positions_and_successors(words):
    items = ["w3", "w1", "w4", "w1", "w5", "w9", "w2", "w6"]  # w1 twice
    seq = Sequence(words, items)
    assert seq.items() == items
    assert [seq[i] for i in range(len(items))] == items
    assert seq[-1] == "w6" and seq[-8] == "w3"
    assert seq.position("w9") == 5
    assert seq.follows("w3") == "w1" and seq.follows("w5") == "w9"
    assert seq.follows("w6") is None  # the last item


def test_order_matters(words, space):
    ab, ba = Sequence(words, ["w1", "w2"]), Sequence(words, ["w2", "w1"])
    assert abs(space.similarity(ab.vector, ba.vector)) < 0.1
    assert ab.items() == ["w1", "w2"] and ba.items() == ["w2", "w1"]


def test_appending_keeps_the_raw_sum(words, space):
    items = [f"w{i}" for i in (5, 8, 13, 21, 34, 55, 1)]
    whole = Sequence(words, items)
    grown = Sequence(words)
    for item in items[:3]:
        grown.append(item)
    grown.extend(items[3:])
    np.testing.assert_allclose(grown.acc, whole.acc, rtol=1e-5, atol=1e-6)  # float models sum in float32 blocks
    assert space.similarity(grown.vector, whole.vector) > 0.9999
    assert grown.items() == items


@settings(max_examples=12)
@given(st.sampled_from(sorted(SPACES)), st.permutations(range(60)), st.integers(1, 16))
def test_any_sequence_of_distinct_items_is_recovered(model, order, length):
    cb = CODEBOOKS[model]
    items = [f"w{i}" for i in order[:length]]
    seq = Sequence(cb, items)
    assert seq.items() == items
    assert [seq.follows(x) for x in items] == items[1:] + [None]


def test_a_longer_sequence_within_capacity(words):
    items = [f"w{(7 * i) % 60}" for i in range(40)]
    assert Sequence(words, items).items() == items


def test_empty_sequence_and_bad_positions(words):
    seq = Sequence(words)
    assert seq.items() == [] and len(seq) == 0
    with pytest.raises(IndexError, match="out of range for a sequence of length 0"):
        seq[0]
    with pytest.raises(ValueError, match="empty"):
        seq.follows("w1")
    seq.extend(["w1", "w2"])
    with pytest.raises(IndexError, match="position 2 is out of range"):
        seq[2]
    with pytest.raises(IndexError):
        seq[-3]
    with pytest.raises(TypeError, match="integer"):
        seq[1.0]


def test_bad_items(words, space, other_spaces):
    seq = Sequence(words, ["w1", "w2", "w3"])
    with pytest.raises(ValueError, match="'w4' is not in the sequence"):
        seq.follows("w4")
    with pytest.raises(UnknownSymbolError, match="'nope' is not a symbol"):
        seq.append("nope")
    with pytest.raises(UnknownSymbolError):
        seq.follows("nope")
    for other in other_spaces:
        with pytest.raises((TypeError, ValueError), match="another (model|dimension)"):
            seq.append(other.random())
