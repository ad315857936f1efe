"""Decoding: population vector, maximum-likelihood and Bayesian decoders, Fisher information,
and linear (optimal-kernel) reconstruction of a time-varying stimulus.

Stimuli here are angles in radians on the circle (or any 1-D variable on a grid); tuning
curves give rates in Hz, counts are spikes in a window of ``T`` ms (Dayan & Abbott 2001, §3.3).

* :func:`population_vector`: the angle of Σ_a r_a c_a (Georgopoulos et al. 1986), optimal only
  for cosine tuning with uniformly spread preferred angles.
* :func:`ml_decode`, :func:`bayes_decode`: independent Poisson counts, log-likelihood
  Σ_a n_a log f_a(s) − T f_a(s) on a grid, refined by a parabola through the best grid point
  (ML), or the posterior mean on the grid under a prior (Bayes; circular mean on the circle).
* :func:`fisher_information` I_F(s) = T Σ_a f_a'(s)²/f_a(s) (Dayan & Abbott eq. 3.42), whose
  inverse bounds the variance of any unbiased estimator (Cramér–Rao).
* :class:`OptimalLinearDecoder`: s_est(t) = Σ_a Σ_τ K_a(τ) n_a(t − τ) + b, the least-squares
  (Wiener) kernel over a window of lags (Bialek et al. 1991), ridge-regularised; a
  scikit-learn regressor on binned counts.
"""

from __future__ import annotations

import numpy as np
from . import _checks
from ._sklearn import RegressorContract


def population_vector(counts, preferred) -> np.ndarray:
    """Angle (rad) of Σ_a n_a (cos s_a, sin s_a) for each trial of ``counts`` (n_trials, N).

    Examples
    --------
    >>> population_vector([[0, 5, 5, 0]], np.array([0, 0.5, 1.0, 1.5]) * np.pi).round(4)
    array([2.3562])
    """
    n = np.atleast_2d(_checks.finite(counts, "counts"))
    pref = _checks.finite(preferred, "preferred", "rad")
    _checks.count(pref.size, "population size")
    if n.shape[1] != pref.size:
        raise ValueError(f"counts has {n.shape[1]} neurons, preferred {pref.size}")
    return np.arctan2(n @ np.sin(pref), n @ np.cos(pref))


def _loglik(counts, rates_grid, T):
    n = np.atleast_2d(_checks.finite(counts, "counts"))
    f = _checks.finite(rates_grid, "tuning") * (_checks.positive(T, "T") / 1000.0)   # expected counts
    if n.shape[1] != f.shape[1]:
        raise ValueError(f"counts has {n.shape[1]} neurons, the tuning grid {f.shape[1]}")
    _checks.count(n.shape[1], "population size")
    return n @ np.log(np.maximum(f, 1e-300)).T - f.sum(axis=1)[None, :]


def ml_decode(counts, tuning, grid, T: float, circular: bool = True) -> np.ndarray:
    """Maximum-likelihood stimulus for each trial under independent Poisson counts.

    Parameters
    ----------
    counts : array (n_trials, N)
        Spike counts in windows of ``T`` ms.
    tuning : callable
        ``tuning(s) -> rates (len(s), N)`` in Hz.
    grid : array
        Candidate stimuli (evenly spaced; on the circle, covering [−π, π) when ``circular``).

    Examples
    --------
    >>> from kanerva.neuro import von_mises_tuning
    >>> pref = np.linspace(-np.pi, np.pi, 16, endpoint=False)
    >>> f = lambda s: von_mises_tuning(np.asarray(s)[:, None], pref)
    >>> n = np.random.default_rng(0).poisson(f(np.array([0.3])) * 1.0)
    >>> grid = np.linspace(-np.pi, np.pi, 720, endpoint=False)
    >>> round(float(ml_decode(n, f, grid, T=1000.0)[0]), 1)
    0.3
    """
    grid = _checks.finite(grid, "grid")
    L = _loglik(counts, tuning(grid), T)
    k = L.argmax(axis=1)
    step = grid[1] - grid[0]
    G = grid.size
    if circular:
        lm, lp = L[np.arange(len(k)), (k - 1) % G], L[np.arange(len(k)), (k + 1) % G]
    else:
        kk = np.clip(k, 1, G - 2)
        lm, lp = L[np.arange(len(k)), kk - 1], L[np.arange(len(k)), kk + 1]
        k = kk
    l0 = L[np.arange(len(k)), k]
    denom = lm - 2 * l0 + lp
    shift = np.where(denom < 0, 0.5 * (lm - lp) / np.where(denom < 0, denom, -1.0), 0.0)
    est = grid[k] + np.clip(shift, -1, 1) * step
    return (est + np.pi) % (2 * np.pi) - np.pi if circular else est


def bayes_decode(counts, tuning, grid, T: float, prior=None, circular: bool = True):
    """Posterior mean (circular mean on the circle) and MAP estimate for each trial.

    Returns ``(mean, map)``; ``prior`` is a density on ``grid`` (uniform if None).

    Examples
    --------
    >>> from kanerva.neuro import von_mises_tuning
    >>> pref = np.linspace(-np.pi, np.pi, 16, endpoint=False)
    >>> f = lambda s: von_mises_tuning(np.asarray(s)[:, None], pref)
    >>> n = np.random.default_rng(0).poisson(f(np.array([0.3])) * 1.0)
    >>> grid = np.linspace(-np.pi, np.pi, 720, endpoint=False)
    >>> [round(float(x[0]), 1) for x in bayes_decode(n, f, grid, T=1000.0)]
    [0.3, 0.3]
    """
    grid = _checks.finite(grid, "grid")
    L = _loglik(counts, tuning(grid), T)
    if prior is not None:
        p = _checks.finite(prior, "prior")
        if p.shape != grid.shape or np.any(p < 0) or p.sum() == 0:
            raise ValueError("prior must be a non-negative density on the grid")
        L = L + np.log(np.maximum(p, 1e-300))[None, :]
    post = np.exp(L - L.max(axis=1, keepdims=True))
    post /= post.sum(axis=1, keepdims=True)
    if circular:
        mean = np.arctan2(post @ np.sin(grid), post @ np.cos(grid))
    else:
        mean = post @ grid
    return mean, grid[post.argmax(axis=1)]


def fisher_information(s, tuning, T: float, h: float = 1e-5) -> np.ndarray:
    """Fisher information T Σ_a f_a'(s)²/f_a(s) (per rad², T in ms, rates in Hz).

    The derivative is a central difference of step ``h``. ``1/fisher_information`` is the
    Cramér–Rao bound on the variance of an unbiased estimator.

    Examples
    --------
    >>> from kanerva.neuro import von_mises_tuning
    >>> pref = np.linspace(-np.pi, np.pi, 64, endpoint=False)
    >>> f = lambda s: von_mises_tuning(np.asarray(s)[:, None], pref)
    >>> fisher_information([0.0, 1.0], f, T=1000.0).round(0)  # the same at every angle
    array([1244., 1244.])
    """
    s = _checks.finite(s, "s").reshape(-1)
    Tsec = _checks.positive(T, "T") / 1000.0
    f = tuning(s)
    df = (tuning(s + h) - tuning(s - h)) / (2 * h)
    return Tsec * np.sum(df ** 2 / np.maximum(f, 1e-300), axis=1)


def _lagged(X, lags):
    T, N = X.shape
    cols = []
    for lag in lags:                     # feature n(t − lag)
        shifted = np.zeros_like(X)
        if lag >= 0:
            shifted[lag:] = X[:T - lag]
        else:
            shifted[:T + lag] = X[-lag:]
        cols.append(shifted)
    return np.concatenate(cols, axis=1)


class OptimalLinearDecoder(RegressorContract):
    """Least-squares linear kernel from binned spike counts to a stimulus (Bialek et al. 1991).

    Parameters
    ----------
    lags : (int, int)
        Lags (bins) of the kernel, from ``lags[0]`` to ``lags[1]`` inclusive; positive lags use
        spikes after the stimulus time (an acausal kernel, as in the fly H1 reconstruction).
    alpha : float
        Ridge penalty on the kernel.

    Notes
    -----
    Samples are consecutive time bins: predictions read neighbouring bins, so unlike an
    i.i.d. regressor they depend on sample order (the two scikit-learn checks of order and
    subset invariance do not apply).

    Attributes
    ----------
    kernel_ : array (n_lags, n_neurons)
    intercept_ : float

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> s = np.convolve(rng.normal(size=20_000), np.ones(10) / 10, "same")
    >>> counts = rng.poisson(np.exp(np.stack([s, -s], 1) * 2 - 1))
    >>> dec = OptimalLinearDecoder(lags=(-5, 5)).fit(counts, s)
    >>> round(dec.score(counts, s), 1)
    0.6
    """

    def __init__(self, lags=(-10, 10), alpha: float = 1e-3):
        self.lags = lags
        self.alpha = alpha

    def _features(self, X):
        lo, hi = (int(v) for v in self.lags)
        if hi < lo:
            raise ValueError(f"lags must be (first, last) with first <= last, got {self.lags}")
        return _lagged(X, range(lo, hi + 1))

    def fit(self, X, y):
        """``X``: counts (n_bins, n_neurons); ``y``: stimulus (n_bins,)."""
        from sklearn.utils.validation import validate_data
        X, y = validate_data(self, X, y, y_numeric=True, dtype=np.float64)
        if float(self.alpha) < 0:
            raise ValueError(f"alpha must be >= 0, got {self.alpha}")
        F = self._features(X)
        mu, ym = F.mean(0), y.mean()
        Fc = F - mu
        A = Fc.T @ Fc + float(self.alpha) * len(y) * np.eye(F.shape[1])
        w = np.linalg.lstsq(A, Fc.T @ (y - ym), rcond=None)[0]
        self.kernel_ = w.reshape(-1, X.shape[1])
        self.intercept_ = float(ym - mu @ w)
        return self

    def predict(self, X):
        """The reconstructed stimulus, one value per bin of ``X``."""
        from sklearn.utils.validation import check_is_fitted, validate_data
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=np.float64)
        return self._features(X) @ self.kernel_.reshape(-1) + self.intercept_
