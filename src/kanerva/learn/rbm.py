"""The restricted Boltzmann machine, Bernoulli visible and hidden units, trained by CD-k or PCD.

Energy E(v, h) = −bᵀv − cᵀh − hᵀWv; p(h_j = 1 | v) = σ(c_j + W_j·v), p(v_i = 1 | h) = σ(b_i + hᵀW_i).
Contrastive divergence (Hinton 2002, Neural Computation 14, eq. 5): ΔW ∝ ⟨h vᵀ⟩_data − ⟨h vᵀ⟩_k,
the second term after k Gibbs steps from the data; persistent CD (Tieleman 2008, ICML) keeps
the negative chains running across updates instead. Momentum and L2 weight decay as in Hinton's
practical guide (2010, §9-10).

The test log-likelihood log p(v) = −F(v) − log Z with the free energy
F(v) = −bᵀv − Σⱼ softplus(cⱼ + Wⱼ·v) needs log Z: exact enumeration when there are at most 20
hidden (or visible) units, annealed importance sampling otherwise (Salakhutdinov & Murray 2008;
:mod:`kanerva.learn.rbm_partition`). :meth:`RBM.log_likelihood` returns which it used.

Input: binary data, or values in [0, 1] read as the probability that a unit is on (the usual
practice of training on grey levels; dynamic binarization — :func:`kanerva.datasets.binarize` —
is the alternative). Values outside [0, 1] are refused. The log-likelihood is defined for binary
vectors only, and refuses anything else.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from scipy.special import expit
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from ._rules_common import check_binary_range, check_choice, check_data, check_positive, minibatches, rate_schedule
from .rbm_partition import ais_log_partition, exact_log_partition


class LogLikelihood(NamedTuple):
    """Mean log p(v) in nats, with the log Z it used and how log Z was obtained."""

    mean: float
    per_sample: np.ndarray
    log_z: float
    log_z_low: float
    log_z_high: float
    method: str  # "exact" or "ais"


class RBM(TransformerMixin, BaseEstimator):
    """Bernoulli–Bernoulli restricted Boltzmann machine.

    Parameters
    ----------
    n_components : int
        Number of hidden units.
    learning_rate : float
    learning_rate_end : float or None
        The rate at the last epoch (exponential decay from ``learning_rate``); None keeps it constant.
    k : int
        Gibbs steps of the negative phase (CD-k, or PCD-k with ``persistent=True``).
    persistent : bool
        Persistent contrastive divergence: the negative chains (one per row of a batch) carry
        over between updates.
    momentum : float
        In [0, 1).
    weight_decay : float
        L2 penalty on the weights (not the biases).
    n_epochs, batch_size : int
    dynamic_binarization : bool
        Train on a fresh Bernoulli sample of each mini-batch every time it is used (the values of
        ``X`` are then the probabilities), instead of on the values themselves.
    ais_betas, ais_runs : int
        The AIS schedule length and number of runs used by :meth:`log_likelihood` when log Z
        cannot be enumerated.
    random_state : int, Generator or None

    Attributes
    ----------
    components_ : ndarray (n_components, n_features) — W
    intercept_hidden_, intercept_visible_ : ndarray — c and b
    base_rate_ : ndarray (n_features,) — the training data's mean, for the AIS base model
    reconstruction_error_ : ndarray (n_epochs,) — mean squared one-step reconstruction error
        (over the epoch's batches for CD; on the epoch's last batch for PCD)

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X = (rng.random((200, 6)) < [0.9, 0.9, 0.9, 0.1, 0.1, 0.1]).astype(float)
    >>> rbm = RBM(n_components=4, n_epochs=30, batch_size=20, random_state=0).fit(X)
    >>> ll = rbm.log_likelihood(X)
    >>> ll.method, bool(ll.mean > 6 * np.log(0.5))  # better than coin flips
    ('exact', True)
    >>> rbm.transform(X[:3]).shape
    (3, 4)
    """

    def __init__(self, n_components=64, *, learning_rate=0.05, learning_rate_end=None, k=1, persistent=False,
                 momentum=0.5, weight_decay=1e-4, n_epochs=10, batch_size=100, dynamic_binarization=False,
                 ais_betas=14_500, ais_runs=100, random_state=None):
        self.n_components = n_components
        self.learning_rate = learning_rate
        self.learning_rate_end = learning_rate_end
        self.dynamic_binarization = dynamic_binarization
        self.k = k
        self.persistent = persistent
        self.momentum = momentum
        self.weight_decay = weight_decay
        self.n_epochs = n_epochs
        self.batch_size = batch_size
        self.ais_betas = ais_betas
        self.ais_runs = ais_runs
        self.random_state = random_state

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.positive_only = True  # binary data: negative values are refused
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags

    def _check_params(self):
        for name in ("n_components", "k", "n_epochs", "batch_size", "ais_betas", "ais_runs"):
            check_positive(getattr(self, name), name, integer=True)
        check_positive(self.learning_rate, "learning_rate")
        check_positive(self.weight_decay, "weight_decay", allow_zero=True)
        check_positive(self.momentum, "momentum", allow_zero=True)
        if self.momentum >= 1:
            raise ValueError(f"momentum must be < 1, got {self.momentum!r}")
        check_choice(self.persistent, "persistent", (True, False))
        check_choice(self.dynamic_binarization, "dynamic_binarization", (True, False))
        if self.learning_rate_end is not None:
            check_positive(self.learning_rate_end, "learning_rate_end")

    def _data(self, X, reset):
        return check_binary_range(check_data(self, X, reset=reset, dtype=[np.float64, np.float32]), "RBM")

    def fit(self, X, y=None):
        """Train on the rows of ``X`` (binary, or probabilities in [0, 1])."""
        X = self._data(X, reset=True)
        self._check_params()
        rng = np.random.default_rng(self.random_state)
        n_hidden, n_visible = self.n_components, X.shape[1]
        dtype = X.dtype  # float32 data train in float32 (about 2.5x faster matrix products)
        W = rng.normal(0.0, 0.01, (n_hidden, n_visible)).astype(dtype)
        base = np.clip(X.mean(axis=0, dtype=np.float64), 1e-3, 1 - 1e-3)
        b = (np.log(base) - np.log1p(-base)).astype(dtype)  # Hinton's guide §8: visible biases at the base rates
        c = np.zeros(n_hidden, dtype=dtype)
        dW, db, dc = np.zeros_like(W), np.zeros_like(b), np.zeros_like(c)
        chains = None
        errors = []
        end = self.learning_rate if self.learning_rate_end is None else self.learning_rate_end
        for eta in map(float, rate_schedule(self.learning_rate, end, self.n_epochs)):
            sq = 0.0
            for idx in minibatches(len(X), self.batch_size, rng):
                v0 = X[idx]
                if self.dynamic_binarization:
                    v0 = (rng.random(v0.shape, dtype=dtype) < v0).astype(dtype)
                h0 = expit(v0 @ W.T + c)
                if self.persistent:
                    if chains is None or len(chains) < len(v0):
                        chains = (rng.random((self.batch_size, n_visible)) < base).astype(dtype)
                    vk = chains[:len(v0)]
                else:
                    vk = v0
                hk_prob = h0 if not self.persistent else expit(vk @ W.T + c)
                for step in range(self.k):
                    hk = (rng.random(hk_prob.shape, dtype=dtype) < hk_prob).astype(dtype)
                    vk_prob = expit(hk @ W + b)
                    if step == 0 and not self.persistent:  # the one-step reconstruction, for free
                        sq += float(((v0 - vk_prob) ** 2).sum())
                    vk = (rng.random(vk_prob.shape, dtype=dtype) < vk_prob).astype(dtype)
                    hk_prob = expit(vk @ W.T + c)
                if self.persistent:
                    chains[:len(v0)] = vk
                n = len(v0)
                grad_W = (h0.T @ v0 - hk_prob.T @ vk) / n - self.weight_decay * W
                dW = self.momentum * dW + eta * grad_W
                db = self.momentum * db + eta * (v0 - vk).mean(axis=0)
                dc = self.momentum * dc + eta * (h0 - hk_prob).mean(axis=0)
                W += dW
                b += db
                c += dc
            if self.persistent:  # PCD's chains are not reconstructions: one extra pass on the last batch
                recon = expit((h0 > rng.random(h0.shape, dtype=dtype)).astype(dtype) @ W + b)
                sq = float(((v0 - recon) ** 2).sum()) * len(X) / len(v0)
            errors.append(sq / X.size)
            if not (np.all(np.isfinite(W)) and np.all(np.isfinite(b))):
                raise ValueError(f"RBM training diverged (learning_rate={self.learning_rate!r} is too large)")
        self.components_, self.intercept_visible_, self.intercept_hidden_ = W, b, c
        self.base_rate_ = base
        self.reconstruction_error_ = np.array(errors)
        self.n_iter_ = self.n_epochs
        self.n_features_out_ = n_hidden
        return self

    def transform(self, X):
        """Hidden unit probabilities p(h = 1 | v), shape (n_samples, n_components)."""
        check_is_fitted(self)
        X = self._data(X, reset=False)
        return expit(X @ self.components_.T.astype(X.dtype) + self.intercept_hidden_.astype(X.dtype))

    def free_energy(self, X):
        """F(v) = −bᵀv − Σⱼ softplus(cⱼ + Wⱼ·v) for every row, in nats."""
        check_is_fitted(self)
        X = self._data(X, reset=False).astype(np.float64)
        W, b, c = (np.asarray(a, dtype=np.float64) for a in (self.components_, self.intercept_visible_,
                                                              self.intercept_hidden_))
        return -(X @ b) - np.logaddexp(0.0, X @ W.T + c).sum(1)

    def log_partition(self, method="auto", random_state=None):
        """(log Z, low, high, method): exact when a layer has <= 20 units ("auto"), else AIS."""
        check_is_fitted(self)
        check_choice(method, "method", ("auto", "exact", "ais"))
        args = (self.components_, self.intercept_visible_, self.intercept_hidden_)
        if method == "exact" or (method == "auto" and min(self.components_.shape) <= 20):
            z = exact_log_partition(*args)
            return z, z, z, "exact"
        res = ais_log_partition(*args, base_rate=self.base_rate_, n_betas=self.ais_betas, n_runs=self.ais_runs,
                                random_state=self.random_state if random_state is None else random_state,
                                dtype=self.components_.dtype)
        return res.log_z, res.log_z_low, res.log_z_high, "ais"

    def log_likelihood(self, X, method="auto", random_state=None):
        """Log-likelihood of binary rows of ``X``: :class:`LogLikelihood` (mean in nats, per
        sample, log Z and its interval, and ``method``, "exact" or "ais")."""
        X = self._data(X, reset=False)
        if not np.all((X == 0) | (X == 1)):
            raise ValueError("the RBM log-likelihood is defined for binary data; binarize the rows first "
                             "(kanerva.datasets.binarize)")
        log_z, low, high, used = self.log_partition(method, random_state)
        per = -self.free_energy(X) - log_z
        return LogLikelihood(float(per.mean()), per, log_z, low, high, used)

    def score(self, X, y=None):
        """Mean log p(v) in nats (see :meth:`log_likelihood` for the method used and the error bar)."""
        return self.log_likelihood(X).mean

    def gibbs(self, V, random_state=None):
        """One Gibbs step v → h → v' from the rows of ``V``; returns the binary v'."""
        check_is_fitted(self)
        V = self._data(V, reset=False)
        rng = np.random.default_rng(random_state)
        h = rng.random((len(V), self.n_components)) < self.transform(V)
        return (rng.random(V.shape) < expit(h @ self.components_ + self.intercept_visible_)).astype(np.float64)

    def sample(self, n_samples=1, n_steps=1000, *, init=None, random_state=None, return_probabilities=False):
        """Run ``n_samples`` Gibbs chains for ``n_steps`` steps from the base rates (or ``init``).

        Returns the binary visible states, or p(v = 1 | h) of the last step when
        ``return_probabilities`` (smoother pictures).
        """
        check_is_fitted(self)
        check_positive(n_steps, "n_steps", integer=True)
        rng = np.random.default_rng(random_state)
        W, b, c = self.components_, self.intercept_visible_, self.intercept_hidden_
        if init is None:
            check_positive(n_samples, "n_samples", integer=True)
            v = (rng.random((n_samples, W.shape[1])) < self.base_rate_).astype(np.float64)
        else:
            v = self._data(init, reset=False).copy()
        for _ in range(n_steps):
            h = (rng.random((len(v), W.shape[0])) < expit(v @ W.T + c)).astype(np.float64)
            p = expit(h @ W + b)
            v = (rng.random(p.shape) < p).astype(np.float64)
        return p if return_probabilities else v
