"""LNP and the Poisson GLM: recovery of known filters, the estimator contract, the runaway guard."""

import numpy as np
import pytest
from sklearn.utils.estimator_checks import check_estimator

from kanerva.neuro import LNP, PoissonGLM, glm_design, raised_cosine_basis, simulate_glm


def test_raised_cosine_basis_tiles_log_time():
    B = raised_cosine_basis(8, 200)
    assert B.shape == (200, 8) and np.all((B >= 0) & (B <= 1))
    peaks = B.argmax(0)
    assert np.all(np.diff(peaks) > 0) and np.all(np.diff(np.diff(peaks)) >= 0)   # log-spaced
    inner = B[peaks[2]:peaks[-2]].sum(1)                     # four bumps overlap in the interior
    np.testing.assert_allclose(inner, 2.0, atol=1e-9)


def test_design_matrix_is_causal():
    s = np.zeros(20); s[5] = 1.0
    y = np.zeros(20); y[10] = 1
    X = glm_design(s, y, np.eye(3), np.eye(2))
    assert X[5:8, :3].tolist() == np.eye(3).tolist()         # stimulus at lags 0, 1, 2
    assert X[11, 3] == 1 and X[12, 4] == 1 and X[10, 3:].sum() == 0   # history strictly past


def test_glm_recovers_known_stimulus_and_history_filters():
    rng = np.random.default_rng(0)
    T = 150_000
    Bs, Bh = raised_cosine_basis(5, 30), raised_cosine_basis(5, 40)
    k_true = Bs @ np.array([0.15, 0.4, 0.2, -0.15, -0.1])
    h_true = Bh @ np.array([-4.0, -1.5, 0.3, 0.2, 0.0])
    s = rng.normal(size=T)
    drive = np.convolve(s, k_true)[:T]
    y, capped = simulate_glm(drive, np.log(0.03), h_true, dt=1.0, max_rate=1000.0, seed=1)
    assert capped < 1e-3                     # the cap hardly ever bites
    X = glm_design(s, y, Bs, Bh)
    glm = PoissonGLM(alpha=1e-6).fit(X, y)
    k_fit, h_fit = Bs @ glm.coef_[:5], Bh @ glm.coef_[5:]
    assert np.corrcoef(k_fit, k_true)[0, 1] > 0.98
    assert np.linalg.norm(k_fit - k_true) / np.linalg.norm(k_true) < 0.1
    assert np.corrcoef(h_fit, h_true)[0, 1] > 0.95
    assert glm.intercept_ == pytest.approx(np.log(0.03), abs=0.1)


def test_l2_penalty_shrinks_weights_and_matches_the_gradient_condition():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(3000, 4)); y = rng.poisson(np.exp(0.3 * X[:, 0]))
    small, big = PoissonGLM(alpha=0.0).fit(X, y), PoissonGLM(alpha=1.0).fit(X, y)
    assert np.linalg.norm(big.coef_) < np.linalg.norm(small.coef_)
    lam = big.predict(X)                                     # stationarity: X'(λ − y)/n + α w = 0
    np.testing.assert_allclose(X.T @ (lam - y) / len(y) + 1.0 * big.coef_, 0, atol=1e-6)
    assert big.score(X, y) < small.score(X, y) <= 1


def test_poisson_glm_passes_the_scikit_learn_contract():
    check_estimator(PoissonGLM())


def test_glm_bad_input():
    with pytest.raises(ValueError, match="counts >= 0"):
        PoissonGLM().fit(np.ones((5, 1)), [-1, 0, 1, 2, 3])
    with pytest.raises(ValueError, match="hist_basis needs"):
        glm_design(np.ones(5), None, None, np.eye(2))


def test_simulated_glm_is_kept_from_running_away():
    y, capped = simulate_glm(np.zeros(5_000), np.log(0.05), np.full(10, 2.0), dt=1.0, max_rate=200.0, seed=3)
    assert capped > 0.5                    # self-excitation pins it at the cap ...
    assert y.max() == 1 and y.mean() <= 0.2 + 0.02   # ... one spike per bin, at most ~200 Hz


def test_lnp_fit_recovers_filter_and_nonlinearity():
    rng = np.random.default_rng(4)
    k = np.exp(-np.arange(15) / 3.0)
    k /= np.linalg.norm(k)
    model = LNP(k, lambda x: 0.05 * np.exp(1.5 * x))
    s = rng.normal(size=200_000)
    y = model.simulate(s, seed=5)
    fitted = LNP.fit(s, y, n_lags=15)
    assert np.corrcoef(fitted.filter, k)[0, 1] > 0.99
    x = np.linspace(-1.5, 1.5, 7)
    np.testing.assert_allclose(fitted.nonlinearity(x), 0.05 * np.exp(1.5 * x), rtol=0.25)
