"""The associative retrieval generator: deterministic, well-formed, with the paper's split sizes."""

import numpy as np
import pytest

from kanerva.datasets import associative_retrieval, decode_retrieval, load_associative_retrieval


def test_same_seed_same_sequences_other_seed_other_sequences():
    a = associative_retrieval(500, seed=3)
    b = associative_retrieval(500, seed=3)
    c = associative_retrieval(500, seed=4)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])


def test_splits_have_the_paper_sizes_and_differ():
    sizes = {}
    firsts = {}
    for split in ("train", "valid", "test"):
        x, y = load_associative_retrieval(split, seed=0)
        sizes[split] = len(x)
        firsts[split] = x[:100]
        assert x.shape[1] == 11 and y.shape == (len(x),)
        np.testing.assert_array_equal(x, load_associative_retrieval(split, seed=0)[0])
    assert sizes == {"train": 100_000, "valid": 10_000, "test": 20_000}
    assert not np.array_equal(firsts["train"], firsts["test"])
    assert not np.array_equal(firsts["valid"], firsts["test"])


@pytest.mark.parametrize("pairs", [1, 4, 8])
def test_sequences_are_well_formed_and_answers_right(pairs):
    tokens, targets = associative_retrieval(300, pairs=pairs, seed=1)
    for s, answer in zip(decode_retrieval(tokens), targets):
        letters, digits = s[0 : 2 * pairs : 2], s[1 : 2 * pairs : 2]
        assert len(set(letters)) == pairs and letters.isalpha() and digits.isdigit()
        assert s[2 * pairs : 2 * pairs + 2] == "??" and s[-1] in letters
        assert int(digits[letters.index(s[-1])]) == answer
    # every digit and every query position occurs
    assert set(targets.tolist()) == set(range(10))


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="pairs"):
        associative_retrieval(3, pairs=27)
    with pytest.raises(ValueError, match="split"):
        load_associative_retrieval("validation")
    with pytest.raises(ValueError, match="seed"):
        load_associative_retrieval("train", seed=-1)
    with pytest.raises(ValueError, match="symbol codes"):
        decode_retrieval([[40]])
