"""Sparse coding: LCA and FISTA reach the Lasso, whitening flattens spectra, atoms become Gabor-like."""

import numpy as np
import pytest
from sklearn.linear_model import Lasso
from threadpoolctl import threadpool_limits

from kanerva.datasets import load_natural_images
from kanerva.learn import SparseCoding, fit_gabor, image_patches, sparse_encode, sparse_objective, whiten_images
from kanerva.learn.gabor import gabor


@pytest.fixture(autouse=True)
def _one_blas_thread():
    with threadpool_limits(1, user_api="blas"):
        yield


def _problem(seed=0, k=48, d=16, n=5):
    rng = np.random.default_rng(seed)
    D = rng.normal(size=(k, d))
    D /= np.linalg.norm(D, axis=1, keepdims=True)
    return D, rng.normal(size=(n, d))


@pytest.mark.parametrize("method", ["lca", "fista", "ista", "cd"])
def test_fixed_point_is_the_lasso_solution(method):
    D, X = _problem()
    lam = 0.2
    codes = sparse_encode(X, D, lam, method=method, max_iter=50_000, tol=1e-12)
    for x, a in zip(X, codes):
        # scikit-learn's Lasso minimises 1/(2 n) ‖x − Dᵀa‖² + α‖a‖₁ with n = 16 features as samples
        lasso = Lasso(alpha=lam / len(x), fit_intercept=False, tol=1e-14, max_iter=200_000).fit(D.T, x)
        ours = sparse_objective(x[None], a[None], D, lam)[0]
        theirs = sparse_objective(x[None], lasso.coef_[None], D, lam)[0]
        assert abs(ours - theirs) <= 1e-6, (ours, theirs)


def test_coordinate_descent_warm_start_and_its_errors():
    D, X = _problem(k=24, d=12, n=30)
    lam = np.linspace(0.1, 0.4, len(D))  # one threshold per atom, as homeostasis uses
    exact = sparse_encode(X, D, lam, method="fista", max_iter=50_000, tol=1e-13)
    cd, sweeps = sparse_encode(X, D, lam, method="cd", max_iter=10_000, tol=1e-12, return_n_iter=True)
    np.testing.assert_allclose(sparse_objective(X, cd, D, lam), sparse_objective(X, exact, D, lam), atol=1e-9)
    again, warm = sparse_encode(X, D, lam, method="cd", max_iter=10_000, tol=1e-12, init=cd, return_n_iter=True)
    assert warm < sweeps and np.allclose(again, cd)  # started at the solution: one sweep confirms it
    with pytest.raises(ValueError, match="l1"):
        sparse_encode(X, D, 0.3, method="cd", sparsity="log")
    for bad in (X.copy(), D.copy()):
        bad[0, 0] = np.nan
        with pytest.raises(ValueError, match="finite"):
            sparse_encode(bad if bad.shape == X.shape else X, bad if bad.shape == D.shape else D, 0.3, method="cd")
    with pytest.raises(ValueError, match="alpha"):
        sparse_encode(X, D, -1.0, method="fista")
    with pytest.raises(ValueError, match="nonzero norm"):
        sparse_encode(X, np.vstack([D, np.zeros(12)]), 0.3, method="cd")
    sc = SparseCoding(n_components=8, alpha=0.2, inference="cd", n_epochs=2, random_state=0).fit(X)
    assert np.all(np.isfinite(sc.transform(X)))


def test_lca_is_neuron_dynamics_with_a_threshold():
    D, X = _problem(k=8, d=8)
    a, n = sparse_encode(X, D, 0.3, method="lca", max_iter=5, return_n_iter=True)
    assert n == 5 and np.all(np.isfinite(a))  # a few Euler steps give a (not yet converged) state
    full = sparse_encode(X, D, 0.3, method="lca", max_iter=20_000, tol=1e-10)
    assert (full == 0).any()  # thresholded units stay silent
    with pytest.raises(ValueError, match="l1"):
        sparse_encode(X, D, 0.3, method="lca", sparsity="log")


def test_whitening_flattens_the_spectrum_of_natural_images():
    images, _ = load_natural_images("sklearn", size=256)

    def band_power(img, lo, hi):
        f = np.hypot(*np.meshgrid(np.fft.fftfreq(256) * 256, np.fft.fftfreq(256) * 256))
        p = np.abs(np.fft.fft2(img - img.mean())) ** 2
        return p[(f >= lo) & (f < hi)].mean()

    for raw, white in zip(images.astype(float), whiten_images(images)):
        before = band_power(raw, 8, 16) / band_power(raw, 48, 64)
        after = band_power(white, 8, 16) / band_power(white, 48, 64)
        assert before > 20 and 0.2 < after < 4 and after < before / 10  # 1/f² power made nearly flat
        assert band_power(white, 120, 128) < 0.05 * band_power(white, 48, 64)  # f0 removes the corners


def test_gabor_fit_recovers_parameters():
    true = gabor((5.0, 6.0, 1.8, 2.6, 2.0, 0.18, 1.0, 2.0, 0.1), (12, 12))
    noisy = true + np.random.default_rng(0).normal(0, 0.05, true.shape)
    fit = fit_gabor(noisy)
    assert fit.r2 > 0.98 and fit.frequency == pytest.approx(0.18, abs=0.01)
    assert fit.theta == pytest.approx(2.0, abs=0.05) and fit.x0 == pytest.approx(5.0, abs=0.1)
    assert fit_gabor(np.random.default_rng(1).normal(size=(8, 8))).r2 < 0.6  # noise is not a Gabor


def test_atoms_learned_on_whitened_patches_are_gabor_like():
    images, _ = load_natural_images(size=256)
    patches = image_patches(whiten_images(images), 8, 4000, random_state=0)
    patches -= patches.mean(axis=1, keepdims=True)
    sc = SparseCoding(n_components=32, alpha=1.0, n_epochs=4, max_inference_iter=60, random_state=0).fit(patches)
    assert sc.objective_history_[-1] < sc.objective_history_[0]
    np.testing.assert_allclose(np.linalg.norm(sc.components_, axis=1), 1.0)
    r2 = np.array([fit_gabor(atom.reshape(8, 8)).r2 for atom in sc.components_[:12]])
    assert np.mean(r2 > 0.7) >= 0.5, r2.round(2)
    codes = sc.transform(patches[:200])
    assert np.mean(codes != 0) < 0.2  # sparse


def test_homeostasis_equalises_usage():
    rng = np.random.default_rng(0)
    # a few common causes and many rare ones: without homeostasis usage is very unequal
    probs = np.r_[np.full(4, 0.5), np.full(12, 0.03)]
    atoms = np.linalg.qr(rng.normal(size=(32, 16)))[0].T
    X = ((rng.random((3000, 16)) < probs) * rng.normal(0, 2, (3000, 16))) @ atoms
    plain = SparseCoding(16, alpha=0.3, n_epochs=5, random_state=0).fit(X)
    homeo = SparseCoding(16, alpha=0.3, n_epochs=5, homeostasis=0.05, random_state=0).fit(X)
    spread = lambda u: u.std() / u.mean()  # noqa: E731
    assert spread(homeo.usage_) < 0.7 * spread(plain.usage_)
    assert homeo.thresholds_.min() < homeo.thresholds_.max()


def test_log_cost_and_gradient_update_reduce_the_objective():
    D, _ = _problem()
    rng = np.random.default_rng(1)
    X = (rng.random((500, 48)) < 0.1) * rng.normal(0, 1, (500, 48)) @ D
    for kw in [dict(sparsity="log", sigma=0.5), dict(dictionary_update="gradient"), dict(inference="lca")]:
        sc = SparseCoding(24, alpha=0.1, n_epochs=4, batch_size=50, random_state=0, **kw).fit(X)
        assert sc.objective_history_[-1] < 0.95 * sc.objective_history_[0], kw


def test_bad_input():
    with pytest.raises(ValueError, match="4 x 4"):
        whiten_images(np.zeros((2, 3, 3)))
    with pytest.raises(ValueError, match="NaN"):
        whiten_images(np.full((8, 8), np.nan))
    with pytest.raises(ValueError, match="needs sparsity='l1'"):
        SparseCoding(inference="lca", sparsity="log").fit(np.ones((10, 4)))
    with pytest.raises(ValueError, match="must agree"):
        sparse_encode(np.ones((2, 3)), np.ones((4, 5)), 0.1)
    with pytest.raises(ValueError, match="NaN"):
        SparseCoding(4).fit(np.full((10, 4), np.nan))
