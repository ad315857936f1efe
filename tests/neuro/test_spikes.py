"""Spike-train statistics: Poisson laws, refractoriness, unequal trains, STA, bad input."""

import numpy as np
import pytest
from hypothesis import given, strategies as st

from kanerva.neuro import (cv, cv2, fano_factor, inhomogeneous_poisson, isi, poisson_train,
                           spike_counts, spike_triggered_average, synchrony, tuning_curve,
                           von_mises_tuning)


def test_poisson_fano_and_cv_are_one_within_sampling_error():
    trains = poisson_train(30.0, 2_000.0, n=1_000, seed=0)
    counts = spike_counts(trains, t_stop=2_000.0)
    n = counts.size
    se_fano = np.sqrt(2.0 / (n - 1))                       # var/mean of a Poisson count
    assert abs(fano_factor(trains, t_stop=2_000.0) - 1) < 3 * se_fano
    intervals = np.concatenate([np.diff(t) for t in trains])
    se_cv = 1.0 / np.sqrt(intervals.size)                   # CV of an exponential: se ≈ 1/√n
    assert abs(cv(trains) - 1) < 4 * se_cv
    assert abs(cv2(trains) - 1) < 0.02
    assert counts.mean() == pytest.approx(60.0, rel=0.02)


@pytest.mark.parametrize("rate, d", [(50.0, 5.0), (100.0, 4.0)])
def test_refractoriness_lowers_cv_and_fano_as_theory_says(rate, d):
    trains = poisson_train(rate, 20_000.0, n=50, refractory=d, seed=1)
    intervals = np.concatenate([np.diff(t) for t in trains])
    assert intervals.min() >= d - 1e-9
    expected_cv = 1 - rate * d / 1000.0
    assert cv(trains) == pytest.approx(expected_cv, rel=0.03)
    assert 1000 / intervals.mean() == pytest.approx(rate, rel=0.02)
    # long windows: Fano -> CV² for a renewal process
    assert fano_factor(trains, window=1000.0, t_stop=20_000.0) == pytest.approx(expected_cv ** 2, rel=0.15)


def test_inhomogeneous_poisson_follows_the_rate():
    rate = lambda t: 40.0 * (1 + np.sin(2 * np.pi * t / 500.0))    # noqa: E731
    trains = inhomogeneous_poisson(rate, 5_000.0, n=200, seed=2)
    t = np.concatenate(trains)
    hist, edges = np.histogram(t % 500.0, bins=10, range=(0, 500))
    centres = 0.5 * (edges[1:] + edges[:-1])
    measured = hist / (200 * 10 * 50 / 1000.0)                      # Hz
    np.testing.assert_allclose(measured, rate(centres), atol=6.0)
    arr = inhomogeneous_poisson(np.full(100, 20.0), 1_000.0, dt=10.0, n=100, seed=3)
    assert np.mean([len(x) for x in arr]) == pytest.approx(20.0, rel=0.1)


def test_fano_factor_is_not_fooled_by_trains_of_unequal_length():
    rng = np.random.default_rng(4)
    durations = rng.choice([500.0, 1_000.0, 2_000.0], size=600)
    trains = [poisson_train(20.0, dur, seed=rng)[0] for dur in durations]
    naive = np.array([len(t) for t in trains])          # what a per-train count gives
    assert naive.var() / naive.mean() > 5               # the durations, not the neuron
    assert fano_factor(trains, t_stop=durations) == pytest.approx(1.0, abs=0.1)
    # CV pools intervals: the same as one long train
    assert cv(trains) == pytest.approx(1.0, abs=0.05)


def test_spike_count_windows_and_errors():
    assert spike_counts([[1.0, 2.0, 15.0], [3.0]], window=10.0, t_stop=[20.0, 10.0]).tolist() == [2, 1, 1]
    with pytest.raises(ValueError, match="sorted"):
        fano_factor([[3.0, 1.0]], t_stop=5.0)
    with pytest.raises(ValueError, match="empty"):
        cv([])
    with pytest.raises(ValueError, match="outside its window"):
        spike_counts([[12.0]], t_stop=10.0)
    with pytest.raises(ValueError, match="at least 2"):
        cv([[1.0, 2.0]])
    with pytest.raises(ValueError, match="refractory"):
        poisson_train(100.0, 10.0, refractory=20.0)


@given(st.lists(st.floats(0, 1000, allow_nan=False), min_size=3, max_size=30))
def test_cv_is_scale_free_and_isi_sums_to_span(times):
    t = np.sort(np.asarray(times))
    if np.diff(t).mean() == 0 or np.any(np.diff(t) == 0):
        return
    assert isi(t).sum() == pytest.approx(t[-1] - t[0])
    assert cv([3.0 * t]) == pytest.approx(cv([t]), rel=1e-9)


def test_sta_recovers_a_known_filter_under_white_noise():
    rng = np.random.default_rng(5)
    dt, n_lags = 1.0, 40
    k = np.exp(-np.arange(n_lags) / 8.0) * np.sin(np.arange(n_lags) / 4.0)
    s = rng.normal(size=200_000)
    drive = np.convolve(s, k)[:s.size]
    p = np.minimum(0.02 * np.exp(0.8 * drive), 1.0)
    spike_times = np.flatnonzero(rng.random(s.size) < p) * dt
    lags, sta = spike_triggered_average(s, spike_times, dt, (-(n_lags - 1) * dt, 0.0))
    recovered = sta[::-1]                                  # lag 0 last -> first
    assert np.corrcoef(recovered, k)[0, 1] >= 0.95
    assert lags[0] == -(n_lags - 1) and lags[-1] == 0


def test_tuning_curve_and_synchrony():
    rng = np.random.default_rng(6)
    s = rng.uniform(-np.pi, np.pi, 5_000)
    counts = rng.poisson(von_mises_tuning(s) * 0.5)
    centres, rate, sem = tuning_curve(s, counts, 12, 500.0)
    np.testing.assert_allclose(rate[:, 0], von_mises_tuning(centres), rtol=0.2, atol=3.0)
    together = [np.arange(0, 1000, 10.0)] * 20             # 20 identical trains: χ = 1
    t = np.concatenate(together); u = np.repeat(np.arange(20), 100)
    assert synchrony(t, u, 20, 1000.0, 2.0) == pytest.approx(1.0)
