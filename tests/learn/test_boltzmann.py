"""Boltzmann machine: hidden units learn parity, the fully visible model cannot."""

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from kanerva.learn import BoltzmannMachine

PARITY = np.array([[0, 0, 0], [0, 1, 1], [1, 0, 1], [1, 1, 0]] * 25)


@pytest.fixture(autouse=True)
def _one_blas_thread():
    with threadpool_limits(1, user_api="blas"):
        yield


def test_hidden_units_learn_3_bit_parity_and_the_fully_visible_model_cannot():
    bm = BoltzmannMachine(n_hidden=4, random_state=0).fit(PARITY)  # Gibbs sampling in both phases
    assert bm.kl_divergence(PARITY) < 0.05
    ising = BoltzmannMachine(n_hidden=0, random_state=0, n_updates=1000).fit(PARITY)
    assert ising.kl_divergence(PARITY) > 0.65  # log 2 = 0.693 is the best it can do
    p = bm.visible_distribution()
    assert p.sum() == pytest.approx(1.0) and p[[0, 3, 5, 6]].sum() > 0.95  # the even patterns
    samples = bm.sample(400, n_sweeps=20, random_state=0)
    assert np.mean(samples.sum(1) % 2 == 0) > 0.9
    assert bm.score(PARITY) == pytest.approx(np.log(p[[0, 3, 5, 6]]).mean())


def test_exact_phases_agree_with_the_sampled_ones_on_a_fully_visible_model():
    rng = np.random.default_rng(0)
    X = (rng.random((400, 4)) < [0.8, 0.3, 0.5, 0.6]).astype(int)
    X[:, 2] = X[:, 0]  # a strong pairwise correlation
    exact = BoltzmannMachine(n_hidden=0, sampling="exact", n_updates=400, random_state=0).fit(X)
    gibbs = BoltzmannMachine(n_hidden=0, n_updates=1000, random_state=0).fit(X)
    np.testing.assert_allclose(gibbs.visible_distribution(), exact.visible_distribution(), atol=0.03)
    assert exact.weights_[0, 2] > 1.0 and np.allclose(exact.weights_, exact.weights_.T)


def test_binary_units_and_bad_input():
    BoltzmannMachine(n_hidden=1, units="binary", n_updates=50, n_chains=20).fit(PARITY)
    with pytest.raises(ValueError, match="binary data"):
        BoltzmannMachine().fit(PARITY * 0.5)
    with pytest.raises(ValueError, match="at most 20 units"):
        BoltzmannMachine(n_hidden=30, sampling="exact").fit(PARITY)
    with pytest.raises(ValueError, match="units must be one of"):
        BoltzmannMachine(units="ternary").fit(PARITY)
