"""Encoding models: the linear–nonlinear–Poisson cascade and the Poisson GLM.

Time is binned (bin width ``dt`` ms); counts are spikes per bin, rates Hz.

* :class:`LNP`: r(t) = F(k * s(t)) with Poisson spiking (Chichilnisky 2001). :meth:`LNP.fit`
  estimates k by the spike-triggered average (unbiased for white Gaussian stimuli) and F by
  binning the filtered stimulus: F(x) = P(spike | k·s = x) = P(x | spike) P(spike)/P(x).
* :class:`PoissonGLM`: λ_t = exp(b + Xw), y_t ~ Poisson(λ_t), fitted by maximum likelihood
  with an L2 penalty: minimise (1/T) Σ_t (λ_t − y_t log λ_t) + (α/2)‖w‖² (the intercept b is
  not penalised; the same objective as nemos' Ridge GLM). scikit-learn's PoissonRegressor
  minimises the same function up to a constant, and its Newton–Cholesky solver was the fastest
  measured (benchmarks.neuro_glm), so the fit calls it. A scikit-learn regressor.
* :func:`raised_cosine_basis` (Pillow et al. 2008, Methods): bumps
  ½ cos(clip((log(t + c) − φ_j) π/(2Δ), −π, π)) + ½ with peaks φ_j evenly spaced by Δ in
  log time, so early lags get fine resolution; :func:`glm_design` convolves the stimulus
  with one basis and the past spikes (lags ≥ 1 bin) with another into the design matrix.
* :func:`simulate_glm`: draw spikes bin by bin, feeding each back through the history filter.
  Guard against runaway (a GLM with positive history feedback can explode, a known problem
  with simulated GLMs, e.g. nemos): each bin emits at most one spike, with probability
  1 − e^{−λ dt} (a Bernoulli GLM, which equals the Poisson one as λ dt → 0), and the
  conditional intensity is capped at ``max_rate`` Hz; the run reports how often the cap bit.
"""

from __future__ import annotations

import numpy as np
import warnings

from . import _checks
from ._sklearn import RegressorContract


def raised_cosine_basis(n_basis: int, n_lags: int, c: float = 1.0) -> np.ndarray:
    """Log-stretched raised cosines (Pillow et al. 2008) on lags 0..n_lags−1 (bins).

    Returns an array (n_lags, n_basis); peaks are evenly spaced in log(t + c).

    Examples
    --------
    >>> B = raised_cosine_basis(4, 50)
    >>> B.shape, bool(np.all(B >= 0)), int(B[:, 0].argmax()) < int(B[:, -1].argmax())
    ((50, 4), True, True)
    """
    n_basis = _checks.count(n_basis, "n_basis")
    n_lags = _checks.count(n_lags, "n_lags", 2)
    c = _checks.positive(c, "c", "bins")
    t = np.arange(n_lags, dtype=float)
    lo, hi = np.log(c), np.log(n_lags - 1 + c)
    delta = (hi - lo) / (n_basis + 1)
    peaks = lo + delta * np.arange(1, n_basis + 1)
    arg = np.clip((np.log(t + c)[:, None] - peaks[None, :]) * np.pi / (2 * delta), -np.pi, np.pi)
    return 0.5 * np.cos(arg) + 0.5


def glm_design(stimulus, spikes=None, stim_basis=None, hist_basis=None) -> np.ndarray:
    """Design matrix: stimulus filtered by ``stim_basis``, past spikes by ``hist_basis``.

    Parameters
    ----------
    stimulus : array (T,) or (T, d)
        One stimulus value (or vector) per bin.
    spikes : array (T,), optional
        Spike counts per bin, for the history columns (lags 1..L_h: strictly the past).
    stim_basis, hist_basis : array (L, B)
        Bases over lags (bins); ``stim_basis`` covers lags 0..L−1. None: raw lag 0 only /
        no history columns.

    Returns
    -------
    X : array (T, d·B_s + B_h), zero-padded before the first bin.

    Examples
    --------
    >>> X = glm_design(np.array([1.0, 0, 0, 0]), np.array([0, 1, 0, 0]), np.eye(2), np.eye(2))
    >>> X
    array([[1., 0., 0., 0.],
           [0., 1., 0., 0.],
           [0., 0., 1., 0.],
           [0., 0., 0., 1.]])
    """
    s = _checks.finite(stimulus, "stimulus")
    s = s.reshape(s.shape[0], -1)
    T = s.shape[0]
    cols = []
    if stim_basis is None:
        cols.append(s)
    else:
        B = _checks.finite(stim_basis, "stim_basis")
        for j in range(s.shape[1]):
            cols.append(np.stack([np.convolve(s[:, j], B[:, b])[:T] for b in range(B.shape[1])], 1))
    if hist_basis is not None:
        if spikes is None:
            raise ValueError("hist_basis needs the spike counts (spikes)")
        y = _checks.finite(spikes, "spikes").reshape(-1)
        if y.size != T:
            raise ValueError(f"spikes has {y.size} bins, the stimulus {T}")
        H = _checks.finite(hist_basis, "hist_basis")
        past = np.concatenate([[0.0], y[:-1]])        # lag 1 at lag index 0 of the basis
        conv = np.stack([np.convolve(past, H[:, b])[:T] for b in range(H.shape[1])], 1)
        cols.append(conv)
    return np.concatenate(cols, axis=1)


class PoissonGLM(RegressorContract):
    """Poisson GLM with exponential link, fitted by L2-penalised maximum likelihood.

    Parameters
    ----------
    alpha : float
        L2 penalty strength on the weights (not the intercept); the loss is the mean
        negative log-likelihood per bin plus (α/2)‖w‖².
    fit_intercept : bool
    max_iter : int
    tol : float
        Stopping tolerance of the Newton solver (on the gradient).

    Attributes
    ----------
    coef_ : array (n_features,)
    intercept_ : float
    n_iter_ : int

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(5000, 3)); w = np.array([0.5, -0.3, 0.0])
    >>> y = rng.poisson(np.exp(-1.0 + X @ w))
    >>> glm = PoissonGLM().fit(X, y)
    >>> glm.coef_.round(2), round(glm.intercept_, 2)  # true (0.5, -0.3, 0), -1
    (array([ 0.5 , -0.29, -0.07]), -1.0)
    """

    def __init__(self, alpha: float = 0.0, fit_intercept: bool = True, max_iter: int = 200,
                 tol: float = 1e-8):
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.positive_only = True
        return tags

    def _validate(self, X, y=None, fitting=True):
        from sklearn.utils.validation import check_is_fitted, validate_data
        if fitting:
            return validate_data(self, X, y, y_numeric=True, dtype=np.float64)
        check_is_fitted(self)
        return validate_data(self, X, reset=False, dtype=np.float64)

    def fit(self, X, y):
        """Fit to design ``X`` (n_bins, n_features) and counts ``y`` (n_bins,) >= 0."""
        X, y = self._validate(X, y)
        if np.any(y < 0):
            raise ValueError("y must hold spike counts >= 0")
        if float(self.alpha) < 0:
            raise ValueError(f"alpha must be >= 0, got {self.alpha}")
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.linear_model import PoissonRegressor
        # scikit-learn minimises (1/2n) Σ deviance + (α/2)‖w‖², which is this objective up to a
        # constant; its Newton solver with Cholesky steps is the fastest measured here
        reg = PoissonRegressor(alpha=float(self.alpha), fit_intercept=self.fit_intercept,
                               solver="newton-cholesky", max_iter=int(self.max_iter), tol=float(self.tol))
        with warnings.catch_warnings():
            warnings.simplefilter("error", category=ConvergenceWarning)
            try:
                reg.fit(X, y)
            except ConvergenceWarning:
                raise RuntimeError(f"PoissonGLM did not converge in {self.max_iter} Newton steps; "
                                   "raise max_iter or alpha") from None
        self.coef_ = reg.coef_
        self.intercept_ = float(reg.intercept_)
        self.n_iter_ = int(reg.n_iter_)
        return self

    def predict(self, X) -> np.ndarray:
        """Expected count per bin exp(b + X w)."""
        X = self._validate(X, fitting=False)
        return np.exp(np.minimum(self.intercept_ + X @ self.coef_, 700.0))

    def score(self, X, y, sample_weight=None) -> float:
        """Fraction of Poisson deviance explained (D²), 1 for a perfect fit."""
        from sklearn.metrics import d2_tweedie_score
        return float(d2_tweedie_score(y, self.predict(X), power=1, sample_weight=sample_weight))

    def log_likelihood(self, X, y) -> float:
        """Mean Poisson log-likelihood per bin, Σ (y log λ − λ − log y!)/T (nats)."""
        from scipy.special import gammaln
        lam = self.predict(X)
        y = np.asarray(y, dtype=float)
        return float(np.mean(y * np.log(np.maximum(lam, 1e-300)) - lam - gammaln(y + 1)))


def simulate_glm(stimulus_drive, bias: float, hist_filter, dt: float = 1.0,
                 max_rate: float = 500.0, seed=None):
    """Spikes from a GLM with history feedback, bin by bin, guarded against runaway.

    Parameters
    ----------
    stimulus_drive : array (T,)
        The filtered stimulus k * s per bin (log-rate units).
    bias : float
        Baseline log expected count per bin.
    hist_filter : array (L,)
        Weights on the spikes 1..L bins back.
    dt : float
        Bin width (ms); the cap ``max_rate`` (Hz) becomes a cap of max_rate·dt/1000 per bin.
    max_rate : float
        Ceiling on the conditional intensity (Hz).

    Returns
    -------
    spikes : int array (T,) of 0/1, capped_fraction : float (bins at the cap)

    Examples
    --------
    >>> y, capped = simulate_glm(np.zeros(20_000), np.log(0.02), [-5.0, -2.0, -1.0], seed=0)
    >>> int(y.max()), bool(y.mean() < 0.02), capped
    (1, True, 0.0)
    >>> y, capped = simulate_glm(np.zeros(2_000), np.log(0.02), [5.0] * 5, seed=0)  # runaway
    >>> bool(capped > 0.3), round(float(y.mean()), 2)  # held at the cap, no explosion
    (True, 0.19)
    """
    drive = _checks.finite(stimulus_drive, "stimulus_drive").reshape(-1)
    h = _checks.finite(hist_filter, "hist_filter").reshape(-1)
    dt = _checks.positive(dt, "dt")
    cap = _checks.positive(max_rate, "max_rate", "Hz") * dt / 1000.0
    rng = np.random.default_rng(seed)
    T, L = drive.size, h.size
    y = np.zeros(T, dtype=np.int64)
    feedback = np.zeros(T + L + 1)
    u = rng.random(T)
    capped = 0
    for t in range(T):
        lam = np.exp(min(bias + drive[t] + feedback[t], 50.0))
        if lam >= cap:
            lam = cap
            capped += 1
        if u[t] < -np.expm1(-lam):
            y[t] = 1
            feedback[t + 1:t + 1 + L] += h
    return y, capped / T


class LNP:
    """Linear–nonlinear–Poisson neuron: filter, static nonlinearity, Poisson spikes.

    Parameters
    ----------
    filter : array (L,)
        Temporal filter k over lags 0..L−1 bins (the stimulus at lag 0 is the current bin).
    nonlinearity : callable
        F(x) -> expected count per bin (≥ 0).

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> k = np.exp(-np.arange(20) / 4.0) * np.sin(np.arange(20) / 3.0)
    >>> model = LNP(k, lambda x: 0.05 * np.exp(x))
    >>> s = rng.normal(size=100_000)
    >>> y = model.simulate(s, seed=2)
    >>> fitted = LNP.fit(s, y, n_lags=20)
    >>> bool(np.corrcoef(fitted.filter, k)[0, 1] > 0.99)
    True
    """

    def __init__(self, filter, nonlinearity):
        self.filter = _checks.finite(filter, "filter").reshape(-1)
        self.nonlinearity = nonlinearity

    def drive(self, stimulus) -> np.ndarray:
        """The filtered stimulus k * s per bin (causal)."""
        s = _checks.finite(stimulus, "stimulus").reshape(-1)
        return np.convolve(s, self.filter)[:s.size]

    def rate(self, stimulus) -> np.ndarray:
        """Expected count per bin F(k * s)."""
        r = np.asarray(self.nonlinearity(self.drive(stimulus)), dtype=float)
        if np.any(r < 0) or not np.isfinite(r).all():
            raise ValueError("the nonlinearity must give finite rates >= 0")
        return r

    def simulate(self, stimulus, seed=None) -> np.ndarray:
        """Poisson spike counts per bin."""
        return np.random.default_rng(seed).poisson(self.rate(stimulus))

    @classmethod
    def fit(cls, stimulus, counts, n_lags: int, n_bins: int = 25) -> "LNP":
        """STA filter (unit norm) and a histogram estimate of F on the filtered stimulus."""
        s = _checks.finite(stimulus, "stimulus").reshape(-1)
        y = _checks.finite(counts, "counts").reshape(-1)
        if y.size != s.size:
            raise ValueError(f"counts has {y.size} bins, the stimulus {s.size}")
        n_lags = _checks.count(n_lags, "n_lags")
        if y.sum() == 0:
            raise ValueError("no spikes: the STA is undefined")
        idx = np.flatnonzero(y)
        idx = idx[idx >= n_lags - 1]
        w = y[idx]
        sta = np.stack([(w * s[idx - lag]).sum() for lag in range(n_lags)]) / w.sum()
        k = sta / np.linalg.norm(sta)
        x = np.convolve(s, k)[:s.size]
        edges = np.quantile(x, np.linspace(0, 1, n_bins + 1))
        which = np.clip(np.searchsorted(edges, x, side="right") - 1, 0, n_bins - 1)
        mean_count = np.bincount(which, y, n_bins) / np.maximum(np.bincount(which, minlength=n_bins), 1)
        centres = 0.5 * (edges[1:] + edges[:-1])
        model = cls(k, lambda v: np.interp(v, centres, mean_count))
        model.nonlinearity_points_ = (centres, mean_count)
        return model
