"""The partition function of a Bernoulli–Bernoulli RBM: exact enumeration and annealed importance sampling.

With energy E(v, h) = −bᵀv − cᵀh − vᵀWᵀh (W of shape (n_hidden, n_visible)), summing out one
layer gives log Z = logsumexp over h of [cᵀh + Σᵢ softplus(bᵢ + (hW)ᵢ)] (or the same with the
layers swapped). :func:`exact_log_partition` enumerates the smaller layer (at most 20 units:
about a million states).

:func:`ais_log_partition` is annealed importance sampling as Salakhutdinov & Murray (2008,
ICML, §4) apply it to RBMs: the base model A has the visible biases b_A of the data's base rates
and no weights, so log Z_A = H log 2 + Σᵢ softplus(b_A,i) is exact; the intermediate
distributions p_β(v) ∝ exp((1 − β) b_Aᵀv + β bᵀv) Πⱼ (1 + exp(β (cⱼ + Wⱼ·v))) (their eq. 15)
move from A (β = 0) to the RBM (β = 1) through a schedule of betas — theirs: 500 uniform in
[0, 0.5], 4,000 in [0.5, 0.9] and 10,000 in [0.9, 1] — with one Gibbs sweep at each β. The
mean importance weight over the runs estimates Z/Z_A; the interval is
log(mean ± 3 standard errors) of the weights, as they report it.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from scipy.special import expit, logsumexp


def _softplus(x):
    return np.logaddexp(0.0, x)


def _check_rbm(W, b, c):
    W = np.asarray(W, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64).ravel()
    c = np.asarray(c, dtype=np.float64).ravel()
    if W.ndim != 2 or W.shape != (len(c), len(b)):
        raise ValueError(f"weights must be (n_hidden, n_visible) = ({len(c)}, {len(b)}), got {W.shape}")
    if not (np.all(np.isfinite(W)) and np.all(np.isfinite(b)) and np.all(np.isfinite(c))):
        raise ValueError("the RBM's parameters contain NaN or infinity")
    return W, b, c


def exact_log_partition(weights, visible_bias, hidden_bias, max_units=20):
    """log Z by enumerating every state of the smaller layer (at most ``max_units`` units).

    Examples
    --------
    >>> import numpy as np
    >>> float(round(exact_log_partition(np.zeros((2, 3)), np.zeros(3), np.zeros(2)) / np.log(2), 6))  # 2^5 states
    5.0
    """
    W, b, c = _check_rbm(weights, visible_bias, hidden_bias)
    if min(W.shape) > max_units:
        raise ValueError(f"exact log Z enumerates 2^{min(W.shape)} states; at most 2^{max_units} allowed "
                         "(use ais_log_partition)")
    if W.shape[0] > W.shape[1]:  # enumerate the visible layer instead
        W, b, c = W.T, c, b
    n = W.shape[0]
    total = []
    chunk = 1 << min(n, 16)
    bits = (np.arange(chunk)[:, None] >> np.arange(n)[None, :]) & 1 if n else np.zeros((1, 0))
    for high in range(1 << max(n - 16, 0)):
        h = bits.astype(np.float64)
        if n > 16:
            h[:, 16:] = (high >> np.arange(n - 16)) & 1
        total.append(logsumexp(h @ c + _softplus(b + h @ W).sum(axis=1)))
    return float(logsumexp(total))


class AISResult(NamedTuple):
    """log Z with its interval (log of mean weight ± 3 standard errors) and the run weights."""

    log_z: float
    log_z_low: float
    log_z_high: float
    log_weights: np.ndarray


def beta_schedule(n_betas=14_500):
    """Salakhutdinov & Murray's betas, scaled to ``n_betas``: 1/29 in [0, 0.5], 8/29 in [0.5, 0.9],
    20/29 in [0.9, 1].

    Examples
    --------
    >>> b = beta_schedule(290)
    >>> len(b), float(b[0]), float(b[-1]), int((b < 0.5).sum())
    (290, 0.0, 1.0, 10)
    """
    n_betas = int(n_betas)
    if n_betas < 10:
        raise ValueError(f"n_betas must be >= 10, got {n_betas}")
    n1, n2 = max(1, round(n_betas / 29)), max(1, round(8 * n_betas / 29))
    n3 = n_betas - n1 - n2
    return np.concatenate([np.linspace(0, 0.5, n1, endpoint=False), np.linspace(0.5, 0.9, n2, endpoint=False),
                           np.linspace(0.9, 1.0, n3)])


def ais_log_partition(weights, visible_bias, hidden_bias, *, base_rate=None, n_betas=14_500, n_runs=100,
                      random_state=None, dtype=np.float64):
    """Annealed importance sampling estimate of log Z (Salakhutdinov & Murray 2008).

    Parameters
    ----------
    weights, visible_bias, hidden_bias : the RBM, W of shape (n_hidden, n_visible)
    base_rate : array (n_visible,) or None
        Visible probabilities of the base model (the training data's pixel means); clipped to
        [0.001, 0.999]. None is 0.5 everywhere.
    n_betas, n_runs : int
        Length of the β schedule (:func:`beta_schedule`) and number of independent runs.
    dtype : float64 or float32
        Precision of the matrix products (the weights are accumulated in float64 either way);
        float32 is about 2.5x faster.

    Returns
    -------
    AISResult(log_z, log_z_low, log_z_high, log_weights)

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> W, b, c = rng.normal(0, 0.5, (4, 6)), rng.normal(0, 0.5, 6), rng.normal(0, 0.5, 4)
    >>> res = ais_log_partition(W, b, c, n_betas=1000, n_runs=50, random_state=0)
    >>> abs(res.log_z - exact_log_partition(W, b, c)) < 0.02, res.log_z_low <= res.log_z <= res.log_z_high
    (True, True)
    """
    W, b, c = _check_rbm(weights, visible_bias, hidden_bias)
    p = np.full(len(b), 0.5) if base_rate is None else np.clip(np.asarray(base_rate, np.float64).ravel(), 1e-3, 1 - 1e-3)
    if p.shape != b.shape:
        raise ValueError(f"base_rate must have one value per visible unit ({len(b)}), got {p.shape}")
    if int(n_runs) < 2:
        raise ValueError(f"n_runs must be >= 2 for an error bar, got {n_runs}")
    rng = np.random.default_rng(random_state)
    b_a = np.log(p) - np.log1p(-p)
    betas = beta_schedule(n_betas)
    log_z_a = len(c) * np.log(2.0) + _softplus(b_a).sum()
    dtype = np.dtype(dtype)
    Wd, WdT = W.astype(dtype), np.ascontiguousarray(W.T, dtype=dtype)
    v = (rng.random((int(n_runs), len(b))) < p).astype(dtype)
    log_w = np.zeros(int(n_runs))
    diff = (b - b_a).astype(dtype)
    for prev, beta in zip(betas[:-1], betas[1:]):
        x = (v @ WdT).astype(np.float64) + c
        vis = (beta - prev) * (v @ diff).astype(np.float64)  # (β − β') (b − b_A)·v
        log_w += vis + _softplus(beta * x).sum(1) - _softplus(prev * x).sum(1)
        h = (rng.random(x.shape) < expit(beta * x)).astype(dtype)
        v = (rng.random(v.shape) < expit((1.0 - beta) * b_a + beta * (b + h @ Wd))).astype(dtype)
    m = log_w.max()
    w = np.exp(log_w - m)
    mean, se = w.mean(), w.std(ddof=1) / np.sqrt(len(w))
    low = np.log(mean - 3 * se) + m + log_z_a if mean > 3 * se else -np.inf
    return AISResult(float(np.log(mean) + m + log_z_a), float(low), float(np.log(mean + 3 * se) + m + log_z_a), log_w)
