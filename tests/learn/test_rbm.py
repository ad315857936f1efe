"""RBM: exact and AIS log Z agree, training raises the likelihood, and the input rules hold."""

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from kanerva.datasets import binarize, load_mnist
from kanerva.learn import RBM, ais_log_partition, exact_log_partition


@pytest.fixture(autouse=True)
def _one_blas_thread():
    with threadpool_limits(1, user_api="blas"):
        yield


def _digits(n=600, split="train", seed=0):
    x, _ = load_mnist(split)
    small = x[:n].reshape(n, 14, 2, 14, 2).mean(axis=(2, 4))  # 14 x 14 digits, 196 pixels
    return binarize(small.astype(np.uint8), random_state=seed).reshape(n, -1).astype(float)


def test_exact_log_partition_by_brute_force():
    rng = np.random.default_rng(0)
    W, b, c = rng.normal(0, 1, (3, 4)), rng.normal(size=4), rng.normal(size=3)
    v = ((np.arange(16)[:, None] >> np.arange(4)) & 1).astype(float)
    h = ((np.arange(8)[:, None] >> np.arange(3)) & 1).astype(float)
    energy = -(v @ b)[:, None] - (h @ c)[None, :] - v @ W.T @ h.T
    assert exact_log_partition(W, b, c) == pytest.approx(np.log(np.exp(-energy).sum()), rel=1e-12)
    assert exact_log_partition(W.T, c, b) == pytest.approx(exact_log_partition(W, b, c), rel=1e-12)


def test_ais_is_within_a_tenth_of_a_nat_of_the_exact_log_z():
    # 16 hidden units here to keep the test quick; benchmarks/learning_rules_rbm.py does 20 on 784 pixels
    X = _digits()
    rbm = RBM(n_components=16, learning_rate=0.05, n_epochs=5, batch_size=20, random_state=0).fit(X)
    exact = rbm.log_partition("exact")
    ais = ais_log_partition(rbm.components_, rbm.intercept_visible_, rbm.intercept_hidden_,
                            base_rate=rbm.base_rate_, n_betas=3000, n_runs=100, random_state=0)
    assert exact[3] == "exact"
    assert abs(ais.log_z - exact[0]) < 0.1, (ais.log_z, exact[0])
    assert ais.log_z_low <= exact[0] + 0.1 and ais.log_z_high >= exact[0] - 0.1


def test_training_raises_the_test_log_likelihood_and_score_says_how():
    X, X_test = _digits(), _digits(300, "test", seed=1)
    untrained = RBM(n_components=16, n_epochs=1, learning_rate=1e-6, random_state=0).fit(X)  # base rates only
    trained = RBM(n_components=16, n_epochs=15, batch_size=20, random_state=0).fit(X)
    pcd = RBM(n_components=16, n_epochs=15, batch_size=20, persistent=True, random_state=0).fit(X)
    base = untrained.log_likelihood(X_test)
    after, after_pcd = trained.log_likelihood(X_test), pcd.log_likelihood(X_test)
    assert after.method == "exact" and after.log_z_low == after.log_z == after.log_z_high
    assert after.mean > base.mean + 3 and after_pcd.mean > base.mean + 3, (base.mean, after.mean, after_pcd.mean)
    assert trained.score(X_test) == pytest.approx(after.mean)
    assert trained.reconstruction_error_[-1] < trained.reconstruction_error_[0]
    big = RBM(n_components=24, n_epochs=1, ais_betas=200, ais_runs=10, random_state=0).fit(X)
    assert big.log_likelihood(X_test).method == "ais"


def test_transform_sample_and_gibbs():
    X = _digits(200)
    rbm = RBM(n_components=8, n_epochs=2, random_state=0).fit(X)
    H = rbm.transform(X)
    assert H.shape == (200, 8) and H.min() >= 0 and H.max() <= 1
    s = rbm.sample(5, n_steps=20, random_state=0)
    assert s.shape == (5, 196) and set(np.unique(s)) <= {0.0, 1.0}
    p = rbm.sample(5, n_steps=20, random_state=0, return_probabilities=True)
    assert p.min() >= 0 and p.max() <= 1 and not set(np.unique(p)) <= {0.0, 1.0}
    np.testing.assert_array_equal(rbm.sample(3, 10, random_state=4), rbm.sample(3, 10, random_state=4))
    assert rbm.gibbs(X[:4], random_state=0).shape == (4, 196)


def test_probabilities_train_values_outside_0_1_are_refused():
    X = _digits(100)
    grey = X * 0.8 + 0.1  # values in [0, 1]: read as probabilities
    RBM(n_components=4, n_epochs=1, random_state=0).fit(grey)
    with pytest.raises(ValueError, match=r"binary data or probabilities in \[0, 1\]"):
        RBM(n_components=4).fit(X * 255)
    with pytest.raises(ValueError, match=r"binary data or probabilities in \[0, 1\]"):
        RBM(n_components=4).fit(X - 0.5)
    rbm = RBM(n_components=4, n_epochs=1).fit(X)
    with pytest.raises(ValueError, match="defined for binary data"):
        rbm.log_likelihood(grey)
    bad = X.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        RBM(n_components=4).fit(bad)
    with pytest.raises(ValueError, match="momentum must be < 1"):
        RBM(momentum=1.0).fit(X)
    with pytest.raises(ValueError, match="at most 2\\^20"):
        exact_log_partition(np.zeros((21, 30)), np.zeros(30), np.zeros(21))
