"""Hebbian, Oja and Sanger: principal components, in order, with the stated norms."""

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from kanerva.learn import Hebbian, Oja, Sanger


@pytest.fixture(autouse=True)
def _one_blas_thread():
    with threadpool_limits(1, user_api="blas"):
        yield


def _known_covariance(n=4000, d=6, seed=0):
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.normal(size=(d, d)))
    eig = np.array([5.0, 3.0, 1.5, 0.5, 0.3, 0.1])[:d]
    X = rng.normal(size=(n, d)) * np.sqrt(eig) @ Q.T + rng.normal(size=d)
    return X, Q.T  # rows of Q.T are the principal components, in order


def test_oja_finds_the_first_principal_component_with_norm_one_over_sqrt_alpha():
    X, pcs = _known_covariance()
    for alpha in (1.0, 4.0):
        oja = Oja(alpha=alpha, learning_rate=0.01, n_epochs=20, random_state=1).fit(X)
        w = oja.components_[0]
        assert abs(w @ pcs[0]) / np.linalg.norm(w) >= 0.999
        assert np.linalg.norm(w) == pytest.approx(1 / np.sqrt(alpha), rel=0.01)
        assert oja.transform(X).shape == (len(X), 1)


def test_sanger_finds_the_top_three_components_in_order():
    X, pcs = _known_covariance()
    gha = Sanger(n_components=3, learning_rate=0.01, n_epochs=30, random_state=0).fit(X)
    cos = np.abs(gha.components_ @ pcs.T) / np.linalg.norm(gha.components_, axis=1, keepdims=True)
    assert np.all(np.diag(cos)[:3] >= 0.99), cos.round(3)
    np.testing.assert_allclose(np.linalg.norm(gha.components_, axis=1), 1.0, atol=0.02)
    Y = gha.transform(X)  # projections decorrelated, variances in decreasing order
    var = Y.var(axis=0)
    assert var[0] > var[1] > var[2]


def test_plain_hebb_grows_without_bound_and_the_normalised_rule_converges():
    X, pcs = _known_covariance()
    plain = Hebbian(rule="covariance", normalize="none", learning_rate=0.001, n_epochs=8,
                    learning_rate_decay=1.0, random_state=0).fit(X)
    norms = plain.weight_norm_history_[:, 0]
    assert np.all(np.diff(norms) > 0) and norms[-1] > 1e6 * norms[0]
    normed = Hebbian(rule="covariance", normalize="l2", random_state=0).fit(X)
    assert np.allclose(normed.weight_norm_history_, 1.0)
    assert abs(normed.components_[0] @ pcs[0]) >= 0.999


def test_plain_hebb_overflow_is_a_clear_error():
    X, _ = _known_covariance(n=500)
    with pytest.raises(ValueError, match="diverged"):
        Hebbian(normalize="none", learning_rate=0.5, n_epochs=200, learning_rate_decay=1.0).fit(X)


def test_hebb_rule_uses_the_raw_second_moment_and_covariance_rule_the_covariance():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(3000, 2)) * [0.3, 1.0] + [5.0, 0.0]  # large mean along x, variance along y
    hebb = Hebbian(rule="hebb", random_state=0).fit(X)
    cov = Hebbian(rule="covariance", random_state=0).fit(X)
    assert abs(hebb.components_[0, 0]) > 0.99  # the mean dominates E[x xᵀ]
    assert abs(cov.components_[0, 1]) > 0.99  # the variance dominates the covariance


def test_bad_input():
    X, _ = _known_covariance(n=50, d=3)
    with pytest.raises(ValueError, match="larger than the dimension"):
        Sanger(n_components=4).fit(X)
    bad = X.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        Oja().fit(bad)
    with pytest.raises(ValueError, match="rule must be one of"):
        Hebbian(rule="anti").fit(X)
    with pytest.raises(ValueError, match="2D array"):
        Oja().fit(X[0])
    fitted = Oja().fit(X)
    with pytest.raises(ValueError, match="features"):
        fitted.transform(X[:, :2])
