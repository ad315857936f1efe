import numpy as np
import pytest

import kanerva as kv
from kanerva.apps.rules import apply_rule, grandmother_rule, learn_mapping


@pytest.mark.parametrize("model", sorted(kv.MODELS))
def test_the_rule_improves_as_examples_are_averaged(model):
    curve = grandmother_rule(kv.MODELS[model](kv.MODELS[model].round_dim(10_000), seed=1), n_examples=(1, 3, 10, 40), n_test=12, n_people=200)
    sims, acc = curve.similarity, curve.accuracy
    if model == "sbc":  # a block keeps one term of each bundle: smaller similarities, the same trend
        assert sims[0] < sims[2] < sims[3] and sims[-1] > sims[0] + 0.04, sims
        assert acc[0] < 0.5 and acc[-1] >= 0.9, acc
        return
    # the answer for unseen people gets more similar to the right consequent with every step
    assert all(b > a + 0.01 for a, b in zip(sims[1:], sims[2:])), sims
    assert sims[-1] > sims[0] + 0.08, sims
    # one example names its own people; forty name the right grandmother every time
    assert acc[0] < 0.5 and acc[-1] == 1.0, acc


def test_the_rule_is_learned_incrementally():
    # learning in two steps on the raw sum equals learning from all examples at once
    s = kv.FHRR(2_000, seed=0)
    a, c = s.random(6), s.random(6)
    once = learn_mapping(s, a, c)
    twice = learn_mapping(s, a[3:], c[3:], acc=learn_mapping(s, a[:3], c[:3]))
    np.testing.assert_allclose(once, twice, rtol=1e-5, atol=1e-6)
    # a rule learned from one example maps that antecedent to its consequent exactly
    rule = s.normalize(learn_mapping(s, a[:1], c[:1]))
    assert s.similarity(apply_rule(s, rule, a[0]), c[0]) > 0.99


def test_bad_settings():
    s = kv.MAP(1_000)
    with pytest.raises(ValueError, match="too few"):
        grandmother_rule(s, n_examples=(100,), n_test=20, n_people=100)
    with pytest.raises(ValueError, match="positive"):
        grandmother_rule(s, n_examples=(0, 5))
