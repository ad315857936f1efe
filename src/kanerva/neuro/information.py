"""Information theory for spike trains: entropies and mutual information of discrete responses
with bias corrections, the direct method, and information per spike. All in bits.

* Plug-in estimates from histograms are biased (downwards for H, upwards for I) with limited
  trials. :func:`entropy` / :func:`mutual_information` offer the first-order correction of
  Miller (1955) and Madow, bias(H) ≈ −(R − 1)/(2N ln 2) with R the occupied bins, and that of
  Panzeri & Treves (1996), the same formula with R replaced by a Bayesian estimate of the
  number of relevant bins (occupied or not yet seen). For multi-dimensional responses
  ``shuffle=True`` gives I_sh = H(R) − H_ind(R|S) + H_sh(R|S) − H(R|S) (Montemurro, Senatore &
  Panzeri 2007; Panzeri et al. 2007), whose bias largely cancels; :func:`shuffle_bias` is the
  mean information left when stimulus labels are shuffled (a bootstrap estimate of the bias).
* :func:`direct_method` (Strong et al. 1998): total and noise entropies of spike words of L
  bins from repeated trials, each extrapolated to infinite data by a fit H(N) = H∞ + a/N +
  b/N² over fractions of the trials, and the entropy rates extrapolated to infinite word
  length linearly in 1/L.
* :func:`information_per_spike`: I = (1/T) ∫ (r(t)/r̄) log₂(r(t)/r̄) dt (Brenner et al. 2000).
"""

from __future__ import annotations

import numpy as np

from . import _checks

LN2 = np.log(2.0)


def _plugin(counts: np.ndarray) -> float:
    n = counts.sum()
    p = counts[counts > 0] / n
    return float(-(p * np.log2(p)).sum())


def bayes_bin_count(counts, n_bins: int) -> float:
    """Panzeri & Treves' (1996) estimate of the number of relevant bins of a histogram.

    Starting from the occupied bins R, it adds unseen bins one at a time, each round giving
    the unseen ones a share of probability from a Bayesian (add-one) estimate, and keeps the
    number whose expected count of occupied bins in N trials comes closest to the observed R.

    Examples
    --------
    >>> bayes_bin_count(np.array([5, 3, 1, 1, 0, 0, 0, 0]), 8)  # 4 seen, about 6 relevant
    6.0
    """
    c = np.asarray(counts, dtype=float)
    c = c[c > 0]
    R, N = c.size, c.sum()
    if R >= n_bins or N == 0:
        return float(R)
    p = c / N
    best = abs(R - (R - ((1 - p) ** N).sum()))
    extra = 0
    while R + extra < n_bins:
        x = extra + 1
        gamma = x * (1 - (N / (N + R)) ** (1 / N))
        pb = (1 - gamma) / (N + R) * (c + 1)
        expected = (1 - (1 - pb) ** N).sum() + x * (1 - (1 - gamma / x) ** N)
        diff = abs(R - expected)
        if diff >= best:
            break
        best, extra = diff, x
    return float(R + extra)


def _correction(counts: np.ndarray, method: str, n_bins: int | None) -> float:
    """The amount to add to a plug-in entropy (bits)."""
    N = counts.sum()
    if method == "plugin":
        return 0.0
    if method == "miller_madow":
        R = float((counts > 0).sum())
    elif method == "panzeri_treves":
        R = bayes_bin_count(counts, n_bins if n_bins is not None else counts.size)
    else:
        raise ValueError(f"method must be 'plugin', 'miller_madow' or 'panzeri_treves', got {method!r}")
    return float((R - 1) / (2 * N * LN2))


def entropy(counts, method: str = "plugin", n_bins: int | None = None) -> float:
    """Entropy (bits) of a distribution from a histogram of ``counts``.

    Parameters
    ----------
    counts : array of int
        Occurrences of each response.
    method : {"plugin", "miller_madow", "panzeri_treves"}
    n_bins : int, optional
        Size of the response space, for Panzeri–Treves (default ``len(counts)``).

    Examples
    --------
    >>> entropy([50, 50]), round(entropy([5, 5], "miller_madow"), 4)
    (1.0, 1.0721)
    """
    c = _checks.finite(counts, "counts").reshape(-1)
    if np.any(c < 0) or c.sum() == 0:
        raise ValueError("counts must be >= 0 with at least one occurrence")
    return float(_plugin(c) + _correction(c, method, n_bins))


def _word_ids(responses) -> tuple[np.ndarray, int]:
    r = np.asarray(responses)
    if r.ndim == 1:
        r = r[:, None]
    if not np.issubdtype(r.dtype, np.integer):
        if not np.all(np.isfinite(r)) or np.any(r != np.round(r)):
            raise ValueError("responses must be integers (counts or symbols)")
        r = r.astype(np.int64)
    _, ids = np.unique(r, axis=0, return_inverse=True)
    return ids.reshape(-1), r.shape[1]


def _conditional(stim_ids, resp_ids, method, n_bins):
    """H(R|S) = Σ_s p(s) H(R|s) with the chosen correction."""
    N = stim_ids.size
    H = 0.0
    for s in np.unique(stim_ids):
        c = np.bincount(resp_ids[stim_ids == s])
        H += c.sum() / N * (_plugin(c) + _correction(c, method, n_bins))
    return H


def mutual_information(stimuli, responses, method: str = "plugin", shuffle: bool = False,
                       n_bins: int | None = None, seed=None) -> float:
    """I(S; R) in bits from paired trials.

    Parameters
    ----------
    stimuli : array (n_trials,)
        Stimulus label of each trial.
    responses : array (n_trials,) or (n_trials, L) of int
        A response symbol or a word (spike counts of L neurons or time bins) per trial.
    method : {"plugin", "miller_madow", "panzeri_treves"}
        Bias correction applied to each entropy.
    shuffle : bool
        Use I_sh (needs L ≥ 2): responses shuffled across trials of the same stimulus,
        component by component, remove the noise correlations whose entropy is then added
        back from the unbiased-ish independent model.
    n_bins : int, optional
        Size of the response space (Panzeri–Treves); default the number of distinct words.

    Examples
    --------
    >>> s = np.repeat([0, 1], 500)
    >>> mutual_information(s, s)  # a noiseless binary channel
    1.0
    >>> r = np.random.default_rng(0).integers(0, 4, 1000)  # responses unrelated to s
    >>> round(mutual_information(s, r), 3), round(mutual_information(s, r, "miller_madow"), 3)
    (0.003, -0.001)
    """
    stim = np.asarray(stimuli).reshape(-1)
    if stim.size == 0:
        raise ValueError("no trials: stimuli is empty")
    resp_ids, L = _word_ids(responses)
    if resp_ids.size != stim.size:
        raise ValueError(f"stimuli has {stim.size} trials, responses {resp_ids.size}")
    _, stim_ids = np.unique(stim, return_inverse=True)
    total = np.bincount(resp_ids)
    H_R = _plugin(total) + _correction(total, method, n_bins)
    H_RS = _conditional(stim_ids, resp_ids, method, n_bins)
    if not shuffle:
        return float(H_R - H_RS)
    if L < 2:
        raise ValueError("shuffle=True needs multi-dimensional responses (n_trials, L >= 2)")
    r = np.asarray(responses).reshape(stim.size, L)
    rng = np.random.default_rng(seed)
    shuffled = r.copy()
    H_ind = 0.0
    for s in np.unique(stim_ids):
        rows = np.flatnonzero(stim_ids == s)
        p_s = rows.size / stim.size
        for j in range(L):
            shuffled[rows, j] = r[rng.permutation(rows), j]
            H_ind += p_s * _plugin(np.unique(r[rows, j], return_counts=True)[1])
    sh_ids, _ = _word_ids(shuffled)
    H_sh = _conditional(stim_ids, sh_ids, method, n_bins)
    return float(H_R - H_ind + H_sh - H_RS)


def shuffle_bias(stimuli, responses, method: str = "plugin", n_shuffles: int = 20, seed=None) -> float:
    """Mean information (bits) after shuffling stimulus labels: the bias to subtract.

    >>> s = np.repeat([0, 1], 100); r = np.random.default_rng(0).integers(0, 8, 200)
    >>> round(shuffle_bias(s, r, seed=0), 3)
    0.025
    """
    stim = np.asarray(stimuli).reshape(-1)
    rng = np.random.default_rng(seed)
    n = _checks.count(n_shuffles, "n_shuffles")
    return float(np.mean([mutual_information(rng.permutation(stim), responses, method)
                          for _ in range(n)]))


def _word_entropies(spikes, L, n_trials):
    """(total, noise) plug-in entropies (bits/word) of L-bin words from the first n_trials."""
    x = spikes[:n_trials]
    base = int(x.max()) + 1
    T = x.shape[1]
    n_pos = T - L + 1
    words = np.zeros((n_trials, n_pos), dtype=np.int64)
    for i in range(L):
        words = words * base + x[:, i:i + n_pos]
    H_total = _plugin(np.unique(words, return_counts=True)[1])
    srt = np.sort(words, axis=0)
    change = np.vstack([np.ones((1, n_pos), bool), srt[1:] != srt[:-1]])
    run = np.cumsum(change.T.reshape(-1)) - 1           # run ids, column after column
    c = np.bincount(run) / n_trials                    # each run: one word's share at one time
    noise = float(-(c * np.log2(c)).sum())
    return H_total, noise / n_pos


def direct_method(spikes, dt: float, word_lengths=(1, 2, 4, 6, 8),
                  fractions=(1.0, 0.9, 0.8, 0.7, 0.6, 0.5), n_extrap: int | None = None,
                  seed=None) -> dict:
    """Information rate (bits/s) of repeated spike trains by the direct method (Strong et al. 1998).

    Parameters
    ----------
    spikes : int array (n_repeats, T)
        Spike counts per bin for repeated presentations of the same stimulus.
    dt : float
        Bin width (ms).
    word_lengths : sequence of int
        Word lengths L (bins) to estimate the entropies at.
    fractions : sequence of float
        Data fractions for the extrapolation to infinite data (each a random subset of repeats).
    n_extrap : int, optional
        How many of the longest words the linear fit in 1/L uses (default: all). Give word
        lengths in the range where the entropy rates are linear in 1/L (Strong et al. 1998);
        a fit over few long words extrapolates their noise.

    Returns
    -------
    dict with ``info_rate`` (bits/s, both extrapolations), ``total_rate`` and
    ``noise_rate`` (bits/s), and per word length ``L``, ``total``, ``noise`` (bits/word,
    extrapolated in data size) and ``info_plugin`` (bits/s from all data, not extrapolated).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> p = rng.choice([0.02, 0.3], size=2000)             # a stimulus-locked rate per 1 ms bin
    >>> spikes = (rng.random((200, 2000)) < p).astype(int)
    >>> h = lambda q: -q * np.log2(q) - (1 - q) * np.log2(1 - q)
    >>> truth = (h(p.mean()) - h(p).mean()) * 1000.0       # bits/s, bins independent
    >>> out = direct_method(spikes, 1.0, word_lengths=(1, 2, 3, 4))
    >>> bool(abs(out["info_rate"] - truth) / truth < 0.05)
    True
    """
    x = np.asarray(spikes)
    if x.ndim != 2 or x.shape[0] < 2:
        raise ValueError("spikes must be (n_repeats >= 2, n_bins)")
    x = _checks.finite(x, "spikes")
    if np.any(x < 0) or np.any(x != np.round(x)):
        raise ValueError("spikes must hold counts (integers >= 0)")
    x = x.astype(np.int64)
    dt_s = _checks.positive(dt, "dt") / 1000.0
    rng = np.random.default_rng(seed)
    n_rep = x.shape[0]
    Ls = [int(L) for L in word_lengths]
    if any(L < 1 or L > x.shape[1] for L in Ls):
        raise ValueError(f"word lengths must lie in [1, {x.shape[1]}]")
    tot, noi, plug = [], [], []
    for L in Ls:
        inv_n, ht, hn = [], [], []
        for f in fractions:
            m = max(2, int(round(f * n_rep)))
            reps = 1 if m == n_rep else 3
            vals = [_word_entropies(x[rng.permutation(n_rep)], L, m) for _ in range(reps)]
            inv_n.append(1.0 / m)
            ht.append(np.mean([v[0] for v in vals]))
            hn.append(np.mean([v[1] for v in vals]))
        deg = 2 if len(fractions) >= 4 else 1
        t_inf = np.polyfit(inv_n, ht, deg)[-1]
        n_inf = np.polyfit(inv_n, hn, deg)[-1]
        tot.append(t_inf)
        noi.append(n_inf)
        plug.append((ht[0] - hn[0]) / (L * dt_s))
    Ls_arr = np.array(Ls, dtype=float)
    rate_t = np.array(tot) / (Ls_arr * dt_s)
    rate_n = np.array(noi) / (Ls_arr * dt_s)
    k = len(Ls) if n_extrap is None else min(_checks.count(n_extrap, "n_extrap"), len(Ls))
    inv_L = 1.0 / Ls_arr[-k:]
    total_rate = np.polyfit(inv_L, rate_t[-k:], 1)[-1] if k >= 2 else rate_t[-1]
    noise_rate = np.polyfit(inv_L, rate_n[-k:], 1)[-1] if k >= 2 else rate_n[-1]
    return {"info_rate": float(total_rate - noise_rate), "total_rate": float(total_rate),
            "noise_rate": float(noise_rate), "L": Ls, "total": tot, "noise": noi,
            "info_plugin": plug}


def information_per_spike(rate) -> float:
    """Bits per spike from a time-varying rate: (1/T) Σ_t (r_t/r̄) log₂(r_t/r̄) (Brenner et al. 2000).

    ``rate`` is the trial-averaged rate (Hz, any unit) in equal bins.

    Examples
    --------
    >>> information_per_spike([0.0, 0.0, 0.0, 40.0])  # all spikes in a quarter of the time
    2.0
    >>> information_per_spike([10.0, 10.0])
    0.0
    """
    r = _checks.finite(rate, "rate").reshape(-1)
    if r.size == 0 or np.any(r < 0) or r.mean() == 0:
        raise ValueError("rate must be >= 0 with a positive mean")
    q = r / r.mean()
    nz = q > 0
    return float(np.sum(q[nz] * np.log2(q[nz])) / r.size)
