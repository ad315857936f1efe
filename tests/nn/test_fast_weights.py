"""Fast weights: the attention form equals the matrix form; the baselines share the harness."""

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from kanerva.datasets import associative_retrieval
from kanerva.nn import FastWeightsRNN, evaluate_retrieval, make_retrieval_model, train_retrieval


@given(hidden=st.integers(2, 24), length=st.integers(1, 13), steps=st.integers(1, 3),
       decay=st.floats(0.5, 1.0), rate=st.floats(0.05, 2.0), seed=st.integers(0, 1000))
def test_attention_form_equals_matrix_form(hidden, length, steps, decay, rate, seed):
    torch.manual_seed(seed)
    model = FastWeightsRNN(hidden=hidden, decay=decay, rate=rate, inner_steps=steps).double()
    tokens = torch.randint(0, 37, (3, length))
    model.form = "matrix"
    a = model(tokens)
    model.form = "attention"
    b = model(tokens)
    torch.testing.assert_close(a, b, rtol=1e-9, atol=1e-9)


def test_the_two_forms_have_the_same_gradients():
    torch.manual_seed(0)
    model = FastWeightsRNN(hidden=10).double()
    tokens = torch.randint(0, 37, (4, 11))
    grads = []
    for form in ("matrix", "attention"):
        model.form = form
        model.zero_grad()
        model(tokens).square().sum().backward()
        grads.append([p.grad.clone() for p in model.parameters()])
    for g1, g2 in zip(*grads):
        torch.testing.assert_close(g1, g2)


def test_fast_weights_use_the_past():
    """With the fast weights switched off (eta tiny) the output changes: A(t) h carries the past."""
    torch.manual_seed(1)
    model = FastWeightsRNN(hidden=16)
    tokens = torch.randint(0, 37, (2, 11))
    out = model(tokens)
    model.config["rate"] = 1e-9
    assert not torch.allclose(out, model(tokens), atol=1e-4)


@pytest.mark.parametrize("name", ["fastweights", "lstm", "irnn"])
def test_every_model_maps_sequences_to_ten_logits(name):
    model = make_retrieval_model(name, hidden=12)
    assert model(torch.zeros(5, 11, dtype=torch.long)).shape == (5, 10)
    with pytest.raises(ValueError, match="symbol codes"):
        model(torch.full((1, 11), 40))
    with pytest.raises(ValueError, match=r"\(N, L\)"):
        model(torch.zeros(11, dtype=torch.long))


def test_irnn_starts_from_the_identity():
    model = make_retrieval_model("irnn", hidden=7)
    torch.testing.assert_close(model.rnn.weight_hh_l0.detach(), torch.eye(7))


def test_fast_weights_learn_retrieval_with_two_pairs():
    """A short run on an easy version of the task (K = 2 pairs) gets far below chance (90% error)."""
    torch.manual_seed(0)
    data = {s: associative_retrieval(n, pairs=2, seed=i) for i, (s, n) in
            enumerate([("train", 5000), ("valid", 500), ("test", 1000)])}
    model = make_retrieval_model("fastweights", hidden=20)
    result = train_retrieval(model, steps=300, batch=64, lr=3e-3, eval_every=100, data=data, progress=False)
    assert result["test_error"] < 0.6, result["test_error"]
    assert result["test_error"] == evaluate_retrieval(model, *data["test"])


def test_bad_training_settings_are_named():
    model = make_retrieval_model("lstm", hidden=4)
    with pytest.raises(ValueError, match="steps"):
        train_retrieval(model, steps=0)
    with pytest.raises(ValueError, match="lr"):
        train_retrieval(model, steps=1, lr=-1.0)
    with pytest.raises(ValueError, match="form"):
        FastWeightsRNN(hidden=4, form="sparse")
    with pytest.raises(ValueError, match="decay"):
        FastWeightsRNN(hidden=4, decay=1.5)
    x, y = associative_retrieval(3)
    with pytest.raises(ValueError, match="targets"):
        evaluate_retrieval(model, x, y[:2])
    assert np.isfinite(evaluate_retrieval(model, x, y))
