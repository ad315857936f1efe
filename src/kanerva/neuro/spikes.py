"""Spike trains: Poisson generators, interval and count statistics, tuning curves, the STA.

Times in ms, rates in Hz, spike trains as sorted 1-D arrays of spike times.

* Poisson trains (Dayan & Abbott 2001, §1.4): homogeneous, inhomogeneous by thinning
  (Lewis & Shedler 1979), and with an absolute refractory period d (a dead-time Poisson
  process: ISI = d + Exp; for rate r, CV = 1 − r d and, over long windows, Fano = CV²).
* :func:`cv` pools the intervals of every train (never across train ends), so trains of
  unequal length weigh by their number of intervals; :func:`fano_factor` counts spikes in
  windows of one length (by default the shortest train's observation window, tiled along
  longer trains), so trains of unequal duration do not inflate the count variance — the
  problem reported to elephant (NeuralEnsemble/elephant#336), which only warns.
* :func:`spike_triggered_average` (Dayan & Abbott 2001, §1.3), tuning functions, a tuning
  curve estimate, and :func:`synchrony`, the χ measure of Golomb (2007).
"""

from __future__ import annotations

import numpy as np

from . import _checks


def _rng(seed):
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


def poisson_train(rate: float, duration: float, n: int = 1, refractory: float = 0.0,
                  seed=None) -> list[np.ndarray]:
    """``n`` homogeneous Poisson spike trains of ``rate`` Hz over ``duration`` ms.

    With ``refractory = d`` ms, intervals are d plus an exponential with mean 1000/rate − d,
    so the rate stays ``rate`` and the CV drops to 1 − rate·d/1000.

    Examples
    --------
    >>> trains = poisson_train(20.0, 10_000.0, n=50, seed=0)
    >>> round(sum(map(len, trains)) / 50 / 10.0, 1)  # spikes per second
    20.1
    """
    rate = _checks.nonnegative(rate, "rate", "Hz")
    duration = _checks.positive(duration, "duration")
    n = _checks.count(n, "n")
    d = _checks.nonnegative(refractory, "refractory")
    rng = _rng(seed)
    if rate == 0:
        return [np.zeros(0) for _ in range(n)]
    mean_isi = 1000.0 / rate
    if d >= mean_isi:
        raise ValueError(f"refractory ({d} ms) must be shorter than the mean interval 1000/rate "
                         f"({mean_isi:g} ms)")
    expected = duration / mean_isi
    m = int(expected + 6 * np.sqrt(expected) + 10)
    out = []
    for _ in range(n):
        isi = rng.exponential(mean_isi - d, m) + d
        isi[0] -= d                       # the first spike: no spike before t = 0
        t = np.cumsum(isi)
        while t[-1] < duration:           # rare: draw more
            more = rng.exponential(mean_isi - d, m) + d
            t = np.concatenate([t, t[-1] + np.cumsum(more)])
        out.append(t[t < duration])
    return out


def inhomogeneous_poisson(rate, duration: float, dt: float | None = None, n: int = 1,
                          refractory: float = 0.0, seed=None) -> list[np.ndarray]:
    """Poisson trains with a time-varying rate, by thinning (Lewis & Shedler 1979).

    Parameters
    ----------
    rate : callable or array
        ``rate(t_ms) -> Hz`` (vectorised), or rates (Hz) sampled every ``dt`` ms from 0.
    duration : float
        ms.
    dt : float
        Sampling step (ms) of an array ``rate``.
    refractory : float
        Candidates within this many ms after an accepted spike are dropped (the output rate
        is then r/(1 + r·d) for slowly varying r).

    Examples
    --------
    >>> trains = inhomogeneous_poisson(lambda t: 20 + 20 * np.sin(t / 100), 10_000.0, n=20, seed=1)
    >>> round(np.mean([len(t) for t in trains]) / 10.0)
    20
    """
    duration = _checks.positive(duration, "duration")
    n = _checks.count(n, "n")
    d = _checks.nonnegative(refractory, "refractory")
    if callable(rate):
        fn = rate
        grid = np.linspace(0.0, duration, 10_001)
        r_max = float(np.max(_checks.finite(fn(grid), "rate", "Hz")))
        r_max *= 1.05   # a margin in case the sampled grid misses a peak; thinning stays exact
    else:
        values = _checks.finite(rate, "rate", "Hz")
        step = _checks.positive(dt, "dt") if dt is not None else None
        if step is None or values.ndim != 1:
            raise ValueError("an array rate must be 1-D and come with its sampling step dt (ms)")
        fn = lambda t: values[np.minimum((t / step).astype(int), values.size - 1)]  # noqa: E731
        r_max = float(values.max())
    if r_max < 0 or np.any(np.asarray(fn(np.linspace(0, duration, 101))) < 0):
        raise ValueError("rate must be >= 0 Hz everywhere")
    rng = _rng(seed)
    if r_max == 0:
        return [np.zeros(0) for _ in range(n)]
    out = []
    for cand in poisson_train(r_max, duration, n=n, seed=rng):
        r = np.asarray(fn(cand), dtype=float)
        if np.any(r > r_max * (1 + 1e-12)):
            raise ValueError("rate(t) exceeds the maximum found on a fine grid; sample it as an array")
        keep = cand[rng.random(cand.size) * r_max < r]
        if d > 0 and keep.size:
            kept, last = [], -np.inf
            for t in keep:
                if t - last >= d:
                    kept.append(t)
                    last = t
            keep = np.asarray(kept)
        out.append(keep)
    return out


def isi(train) -> np.ndarray:
    """Inter-spike intervals (ms) of one sorted train.

    >>> isi([1.0, 4.0, 6.0])
    array([3., 2.])
    """
    return np.diff(_checks.spike_train(train))


def cv(trains) -> float:
    """Coefficient of variation std/mean of the intervals pooled over ``trains`` (ddof = 0).

    Intervals are taken within each train; a list of unequal trains is weighted by interval
    count, not train count. NaN-free: fewer than two intervals in all raises ValueError.

    Examples
    --------
    >>> round(cv(poisson_train(50.0, 20_000.0, seed=2)), 2)
    1.0
    """
    intervals = np.concatenate([np.diff(t) for t in _checks.spike_trains(trains)])
    if intervals.size < 2:
        raise ValueError(f"cv needs at least 2 inter-spike intervals, got {intervals.size}")
    return float(intervals.std() / intervals.mean())


def cv2(trains) -> float:
    """Local variation CV2 = mean 2|I_{k+1} − I_k|/(I_{k+1} + I_k) (Holt et al. 1996); 1 for Poisson.

    >>> round(cv2(poisson_train(50.0, 20_000.0, seed=2)), 1)
    1.0
    """
    vals = []
    for t in _checks.spike_trains(trains):
        i = np.diff(t)
        vals.append(2 * np.abs(np.diff(i)) / (i[1:] + i[:-1]))
    v = np.concatenate(vals)
    if v.size < 1:
        raise ValueError("cv2 needs at least 3 spikes in some train")
    return float(v.mean())


def spike_counts(trains, window: float | None = None, t_start=0.0, t_stop=None) -> np.ndarray:
    """Spike counts in consecutive windows of ``window`` ms tiled over each train's own span.

    ``t_start``/``t_stop`` (ms) give each train's observation window (a scalar or one per
    train; ``t_stop`` defaults to each train's last spike). ``window`` defaults to the
    shortest span; every train contributes its whole windows, none a partial one.

    Examples
    --------
    >>> spike_counts([[1.0, 2.0, 15.0], [3.0]], window=10.0, t_stop=[20.0, 10.0])
    array([2, 1, 1])
    """
    trains = _checks.spike_trains(trains)
    k = len(trains)
    starts = np.broadcast_to(_checks.finite(t_start, "t_start", "ms"), (k,))
    if t_stop is None:
        stops = np.array([t[-1] if t.size else s for t, s in zip(trains, starts)])
    else:
        stops = np.broadcast_to(_checks.finite(t_stop, "t_stop", "ms"), (k,))
    spans = stops - starts
    if np.any(spans <= 0):
        raise ValueError("every train needs t_stop > t_start (ms)")
    for i, t in enumerate(trains):
        if t.size and (t[0] < starts[i] or t[-1] > stops[i]):
            raise ValueError(f"spike train {i} has spikes outside its window [{starts[i]}, {stops[i]}] ms")
    w = float(spans.min()) if window is None else _checks.positive(window, "window")
    counts = []
    for t, s, span in zip(trains, starts, spans):
        m = int(np.floor(span / w * (1 + 1e-12)))
        if m:
            edges = s + w * np.arange(m + 1)
            counts.append(np.histogram(t, edges)[0])
    if not counts:
        raise ValueError(f"window ({w} ms) is longer than every train's span")
    return np.concatenate(counts)


def fano_factor(trains, window: float | None = None, t_start=0.0, t_stop=None) -> float:
    """Fano factor var/mean (ddof = 0) of spike counts in equal windows (see :func:`spike_counts`).

    Examples
    --------
    >>> trains = poisson_train(20.0, 1_000.0, n=2_000, seed=3)
    >>> round(fano_factor(trains, t_stop=1_000.0), 1)
    1.0
    """
    c = spike_counts(trains, window, t_start, t_stop)
    if c.mean() == 0:
        raise ValueError("no spikes in any window: the Fano factor is undefined")
    return float(c.var() / c.mean())


def cosine_tuning(s, preferred=0.0, r_max: float = 50.0, r_0: float = 0.0) -> np.ndarray:
    """Rectified cosine tuning [r_0 + (r_max − r_0) cos(s − s_a)]₊ (Hz), angles in radians.

    >>> cosine_tuning([0.0, np.pi / 2, np.pi]).round(6)
    array([50.,  0.,  0.])
    """
    s = _checks.finite(s, "s", "rad")
    return np.maximum(r_0 + (r_max - r_0) * np.cos(s - np.asarray(preferred, dtype=float)), 0.0)


def von_mises_tuning(s, preferred=0.0, kappa: float = 2.0, r_max: float = 50.0,
                     r_0: float = 1.0) -> np.ndarray:
    """r_0 + (r_max − r_0) exp(κ (cos(s − s_a) − 1)) (Hz): a circular bump of width ~1/√κ.

    >>> von_mises_tuning([0.0, np.pi]).round(3)
    array([50.   ,  1.897])
    """
    s = _checks.finite(s, "s", "rad")
    return r_0 + (r_max - r_0) * np.exp(kappa * (np.cos(s - np.asarray(preferred, dtype=float)) - 1))


def gaussian_tuning(s, preferred=0.0, sigma: float = 1.0, r_max: float = 50.0,
                    r_0: float = 0.0) -> np.ndarray:
    """r_0 + (r_max − r_0) exp(−(s − s_a)²/(2σ²)) (Hz).

    >>> gaussian_tuning([0.0, 1.0]).round(3)
    array([50.   , 30.327])
    """
    s = _checks.finite(s, "s")
    return r_0 + (r_max - r_0) * np.exp(-0.5 * ((s - np.asarray(preferred, dtype=float)) / sigma) ** 2)


def tuning_curve(stimuli, counts, bins, duration: float):
    """Mean rate (Hz) and its standard error per stimulus bin, from trials.

    Parameters
    ----------
    stimuli : array (n_trials,)
        The stimulus of each trial.
    counts : array (n_trials,) or (n_trials, n_neurons)
        Spike counts.
    bins : int or array
        Histogram bins of the stimulus (as numpy.histogram).
    duration : float
        Trial length (ms).

    Returns
    -------
    centres, rate, sem

    Examples
    --------
    >>> s = np.repeat([0.0, 1.0], 50); c = np.repeat([2, 6], 50)
    >>> tuning_curve(s, c, 2, 100.0)[1].ravel()
    array([20., 60.])
    """
    s = _checks.finite(stimuli, "stimuli")
    c = _checks.finite(counts, "counts").reshape(s.size, -1)
    edges = np.histogram_bin_edges(s, bins)
    which = np.clip(np.searchsorted(edges, s, side="right") - 1, 0, edges.size - 2)
    k = edges.size - 1
    n = np.bincount(which, minlength=k)
    if np.any(n == 0):
        raise ValueError(f"stimulus bins {np.flatnonzero(n == 0).tolist()} hold no trial")
    scale = 1000.0 / _checks.positive(duration, "duration")
    mean = np.stack([c[which == b].mean(0) for b in range(k)]) * scale
    sem = np.stack([c[which == b].std(0) / np.sqrt(n[b]) for b in range(k)]) * scale
    return 0.5 * (edges[1:] + edges[:-1]), mean, sem


def spike_triggered_average(stimulus, spike_times, dt: float, window=(-100.0, 0.0)):
    """Average stimulus around each spike (Dayan & Abbott 2001, eq. 1.19).

    Parameters
    ----------
    stimulus : array (T,) or (T, d)
        Stimulus sampled every ``dt`` ms, sample k at time k·dt.
    spike_times : array
        Sorted spike times (ms); each spike is taken at the sample k = round(t/dt).
    window : (float, float)
        Lags (ms) relative to the spike, e.g. (−100, 0) for the 100 ms before it. Spikes
        whose window leaves the stimulus are left out.

    Returns
    -------
    lags : array (ms), sta : array (n_lags,) or (n_lags, d)

    Examples
    --------
    >>> s = np.arange(10.0)
    >>> spike_triggered_average(s, [5.0, 7.0], 1.0, (-2.0, 0.0))[1]
    array([4., 5., 6.])
    """
    x = _checks.finite(stimulus, "stimulus")
    t = _checks.spike_train(spike_times, "spike_times")
    dt = _checks.positive(dt, "dt")
    lo, hi = (int(round(w / dt)) for w in window)
    if hi < lo:
        raise ValueError(f"window must be (start, stop) with start <= stop, got {window}")
    k = np.rint(t / dt).astype(np.int64)
    k = k[(k + lo >= 0) & (k + hi < x.shape[0])]
    if k.size == 0:
        raise ValueError("no spike has its whole window inside the stimulus")
    counts = np.bincount(k, minlength=x.shape[0]).astype(float)
    lags = np.arange(lo, hi + 1)
    flat = x.reshape(x.shape[0], -1)
    nz = np.flatnonzero(counts)
    w = counts[nz]
    sta = np.stack([(w[:, None] * flat[nz + lag]).sum(0) for lag in lags]) / w.sum()
    return lags * dt, sta.reshape((lags.size,) + x.shape[1:])


def binned_counts(spike_times, spike_units, n: int, duration: float, bin_ms: float) -> np.ndarray:
    """Counts (n_bins, n) of the spikes of ``n`` units in bins of ``bin_ms`` over ``duration`` ms.

    >>> binned_counts([0.5, 1.5, 1.7], [0, 1, 1], 2, 2.0, 1.0)
    array([[1, 0],
           [0, 2]])
    """
    t = _checks.finite(spike_times, "spike_times", "ms")
    u = np.asarray(spike_units, dtype=np.int64)
    n = _checks.count(n, "n")
    width = _checks.positive(bin_ms, "bin_ms")
    m = int(np.floor(_checks.positive(duration, "duration") / width + 1e-9))
    b = np.minimum((t / width).astype(np.int64), m - 1)
    keep = (b >= 0) & (u >= 0) & (u < n)
    return np.bincount(b[keep] * n + u[keep], minlength=m * n).reshape(m, n)


def synchrony(spike_times, spike_units, n: int, duration: float, bin_ms: float = 2.0) -> float:
    """Golomb's (2007) χ: √(var of the population-mean count / mean of single-unit variances).

    1 for perfect synchrony, about 1/√n for independent units.

    Examples
    --------
    >>> trains = poisson_train(20.0, 5_000.0, n=100, seed=4)
    >>> t = np.concatenate(trains); u = np.repeat(np.arange(100), [len(x) for x in trains])
    >>> round(synchrony(t, u, 100, 5_000.0), 2)  # about 1/sqrt(100)
    0.1
    """
    c = binned_counts(spike_times, spike_units, n, duration, bin_ms).astype(float)
    single = c.var(axis=0).mean()
    if single == 0:
        raise ValueError("no unit's count varies: synchrony is undefined")
    return float(np.sqrt(c.mean(axis=1).var() / single))
