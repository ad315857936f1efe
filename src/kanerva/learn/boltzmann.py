"""The Boltzmann machine (Hinton & Sejnowski 1983, CVPR; Ackley, Hinton & Sejnowski 1985, Cognitive Science 9).

Stochastic binary units s (0/1, or ±1 spins) with symmetric weights W (zero diagonal) and biases b,
p(s) ∝ exp(½ sᵀWs + bᵀs); unit i turns on with probability σ(Σⱼ Wᵢⱼsⱼ + bᵢ) (σ(2·) for spins).
Some units are visible, the rest hidden. Learning follows the gradient of the log-likelihood of
the visible data (Ackley et al. 1985, eq. 9):

    ΔWᵢⱼ = η (⟨sᵢsⱼ⟩_clamped − ⟨sᵢsⱼ⟩_free),   Δbᵢ = η (⟨sᵢ⟩_clamped − ⟨sᵢ⟩_free),

the first average with the visible units clamped to the data and the hidden units sampled
(the "wake" phase), the second with the network running freely (the "sleep" phase). Both phases
are sampled by sequential Gibbs sweeps (compiled: :mod:`kanerva._kernels.learning_rules`); the free-phase chains persist across updates (Neal 1992;
Tieleman 2008). ``sampling="exact"`` computes both averages by enumerating the 2^n states
instead (small networks only, for checking the sampler). With no hidden units this is the fully
visible Boltzmann machine — the Ising model fitted by moment matching — which can only match
means and pairwise correlations: it cannot learn parity, whose pairwise statistics are those of
independent coin flips.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit, logsumexp
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from .._kernels.learning_rules import gibbs_sweeps
from ._rules_common import check_choice, check_data, check_positive

MAX_ENUMERATED_UNITS = 20


def _all_states(n, spin):
    s = ((np.arange(1 << n)[:, None] >> np.arange(n)[::-1][None, :]) & 1).astype(np.float64)
    return 2 * s - 1 if spin else s


class BoltzmannMachine(BaseEstimator):
    """A fully connected Boltzmann machine with visible and hidden units.

    Parameters
    ----------
    n_hidden : int
        Hidden units (0: the fully visible Boltzmann machine / Ising model).
    units : {"spin", "binary"}
        States −1/+1 or 0/1. Data are given as 0/1 either way. Spins learn parity more reliably
        (a 0/1 network starts with every unit's input biased by its neighbours' mean activity).
    learning_rate, learning_rate_end : float
        η at the first and the last update (exponential decay).
    n_updates : int
        Number of weight updates, each from the whole training set.
    n_chains : int
        Persistent free-phase chains.
    n_sweeps : int
        Gibbs sweeps of each phase per update.
    sampling : {"gibbs", "exact"}
    init_scale : float
        Standard deviation of the initial weights (symmetry breaking: parity needs hidden units
        that disagree, and a near-zero start sits on a saddle).
    random_state : int, Generator or None

    Attributes
    ----------
    weights_ : ndarray (n_units, n_units), symmetric, zero diagonal; visible units first
    bias_ : ndarray (n_units,)
    n_visible_ : int

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[0, 0, 0], [0, 1, 1], [1, 0, 1], [1, 1, 0]] * 25)  # 3-bit even parity
    >>> ising = BoltzmannMachine(n_hidden=0, sampling="exact", n_updates=200).fit(X)
    >>> round(ising.kl_divergence(X), 3)  # log 2: pairwise statistics cannot see parity
    0.693
    """

    def __init__(self, n_hidden=4, *, units="spin", learning_rate=0.1, learning_rate_end=0.005, n_updates=3000,
                 n_chains=500, n_sweeps=5, sampling="gibbs", init_scale=0.5, random_state=None):
        self.n_hidden = n_hidden
        self.units = units
        self.learning_rate = learning_rate
        self.learning_rate_end = learning_rate_end
        self.n_updates = n_updates
        self.n_chains = n_chains
        self.n_sweeps = n_sweeps
        self.sampling = sampling
        self.init_scale = init_scale
        self.random_state = random_state

    # -- helpers -------------------------------------------------------------------------------
    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.positive_only = True  # binary data: negative values are refused
        return tags

    def _check_params(self):
        check_positive(self.n_hidden, "n_hidden", integer=True, allow_zero=True)
        check_choice(self.units, "units", ("binary", "spin"))
        check_choice(self.sampling, "sampling", ("gibbs", "exact"))
        check_positive(self.learning_rate, "learning_rate")
        check_positive(self.learning_rate_end, "learning_rate_end")
        check_positive(self.init_scale, "init_scale", allow_zero=True)
        for name in ("n_updates", "n_chains", "n_sweeps"):
            check_positive(getattr(self, name), name, integer=True)

    def _data(self, X, reset):
        X = check_data(self, X, reset=reset)
        if not np.all((X == 0) | (X == 1)):
            raise ValueError("BoltzmannMachine takes binary data (0/1); got other values "
                             "(binarize them first, e.g. kanerva.datasets.binarize)")
        return 2 * X - 1 if self.units == "spin" else X

    def _log_unnormalized(self, S, W, b):
        return 0.5 * np.einsum("ij,jk,ik->i", S, W, S) + S @ b

    def _exact_moments(self, W, b, V=None):
        """⟨ssᵀ⟩, ⟨s⟩ by enumeration: free (V None) or clamped to each row of V, then averaged."""
        spin, n_v = self.units == "spin", self.n_visible_
        n = len(b)
        if V is None:
            S = _all_states(n, spin)
            logp = self._log_unnormalized(S, W, b)
            p = np.exp(logp - logsumexp(logp))
            return (S * p[:, None]).T @ S, p @ S
        H = _all_states(n - n_v, spin)
        corr, mean = np.zeros((n, n)), np.zeros(n)
        patterns, counts = np.unique(V, axis=0, return_counts=True)
        for v, count in zip(patterns, counts):
            S = np.hstack([np.broadcast_to(v, (len(H), n_v)), H])
            logp = self._log_unnormalized(S, W, b)
            p = np.exp(logp - logsumexp(logp)) * count / len(V)
            corr += (S * p[:, None]).T @ S
            mean += p @ S
        return corr, mean

    # -- training ------------------------------------------------------------------------------
    def fit(self, X, y=None):
        """Learn from binary rows of ``X`` (the visible units)."""
        self._check_params()
        V = self._data(X, reset=True)
        self.n_visible_ = n_v = V.shape[1]
        n = n_v + self.n_hidden
        if self.sampling == "exact" and n > MAX_ENUMERATED_UNITS:
            raise ValueError(f"sampling='exact' enumerates 2^{n} states; at most {MAX_ENUMERATED_UNITS} units")
        rng = np.random.default_rng(self.random_state)
        b = np.zeros(n)
        def rand_states(m):  # noqa: E306
            s = (rng.random((m, n)) < 0.5).astype(np.float64)
            return 2 * s - 1 if self.units == "spin" else s
        W_init = rng.normal(0.0, self.init_scale, (n, n))
        W = np.triu(W_init, 1) + np.triu(W_init, 1).T
        free = rand_states(self.n_chains)
        clamped = rand_states(len(V))
        clamped[:, :n_v] = V
        rates = self.learning_rate * (self.learning_rate_end / self.learning_rate) ** (
            np.arange(self.n_updates) / max(self.n_updates - 1, 1))
        for eta in rates:
            if self.sampling == "exact":
                c_pos, m_pos = self._exact_moments(W, b, V) if self.n_hidden else (V.T @ V / len(V), V.mean(0))
                c_neg, m_neg = self._exact_moments(W, b)
            else:
                spin = self.units == "spin"  # statistics averaged over the chains and the sweeps
                c_pos, m_pos = gibbs_sweeps(clamped, W, b, n_v, rng.random((self.n_sweeps, len(clamped), n - n_v)), spin)
                c_neg, m_neg = gibbs_sweeps(free, W, b, 0, rng.random((self.n_sweeps, len(free), n)), spin)
            dW = eta * (c_pos - c_neg)
            np.fill_diagonal(dW, 0.0)
            W += dW
            b += eta * (m_pos - m_neg)
        if not (np.all(np.isfinite(W)) and np.all(np.isfinite(b))):
            raise ValueError("BoltzmannMachine training diverged; lower learning_rate")
        self.weights_, self.bias_ = W, b
        self.n_iter_ = self.n_updates
        return self

    # -- the learned distribution --------------------------------------------------------------
    def visible_distribution(self):
        """p(v) of every visible pattern, in binary counting order (v = 000, 001, ...), by enumeration."""
        check_is_fitted(self)
        n = len(self.bias_)
        if n > MAX_ENUMERATED_UNITS:
            raise ValueError(f"enumerating p(v) needs at most {MAX_ENUMERATED_UNITS} units, this network has {n}")
        S = _all_states(n, self.units == "spin")
        logp = self._log_unnormalized(S, self.weights_, self.bias_)
        logp -= logsumexp(logp)
        per_visible = logsumexp(logp.reshape(1 << self.n_visible_, -1), axis=1)
        return np.exp(per_visible)

    def _pattern_index(self, X):
        V = self._data(X, reset=False)
        bits = (V > 0).astype(np.int64)
        return bits @ (1 << np.arange(self.n_visible_)[::-1])

    def score_samples(self, X):
        """log p(v) of each binary row, exact (by enumeration)."""
        p = self.visible_distribution()
        return np.log(np.maximum(p[self._pattern_index(X)], 1e-300))

    def score(self, X, y=None):
        """Mean log p(v) in nats, exact."""
        return float(self.score_samples(X).mean())

    def kl_divergence(self, X):
        """KL(p_data ‖ p_model) in nats, p_data the empirical distribution of the rows of ``X``."""
        idx = self._pattern_index(X)
        p_data = np.bincount(idx, minlength=1 << self.n_visible_) / len(idx)
        p_model = self.visible_distribution()
        on = p_data > 0
        return float(np.sum(p_data[on] * (np.log(p_data[on]) - np.log(np.maximum(p_model[on], 1e-300)))))

    def sample(self, n_samples=1, n_sweeps=100, random_state=None):
        """Visible states (0/1) after ``n_sweeps`` Gibbs sweeps of free-running chains."""
        check_is_fitted(self)
        check_positive(n_samples, "n_samples", integer=True)
        check_positive(n_sweeps, "n_sweeps", integer=True)
        rng = np.random.default_rng(random_state)
        n = len(self.bias_)
        S = (rng.random((n_samples, n)) < 0.5).astype(np.float64)
        if self.units == "spin":
            S = 2 * S - 1
        gibbs_sweeps(S, self.weights_, self.bias_, 0, rng.random((n_sweeps, n_samples, n)), self.units == "spin")
        return (S[:, :self.n_visible_] > 0).astype(np.int64)
