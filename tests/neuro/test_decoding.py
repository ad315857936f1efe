"""Decoders: ML approaches the Cramér–Rao bound, the population vector loses for non-cosine
tuning, Bayes with a prior, the linear kernel decoder."""

import numpy as np
import pytest
from sklearn.utils.estimator_checks import check_estimator

from kanerva.neuro import (OptimalLinearDecoder, bayes_decode, cosine_tuning, fisher_information,
                           ml_decode, population_vector, von_mises_tuning)

GRID = np.linspace(-np.pi, np.pi, 1440, endpoint=False)


def population(N, kappa=2.0):
    pref = np.linspace(-np.pi, np.pi, N, endpoint=False)
    return pref, (lambda s: von_mises_tuning(np.asarray(s)[:, None], pref, kappa=kappa, r_max=40.0, r_0=2.0))


def wrap(x):
    return (x + np.pi) % (2 * np.pi) - np.pi


def decode_errors(N, T=500.0, trials=1500, kappa=2.0, seed=0):
    rng = np.random.default_rng(seed)
    pref, f = population(N, kappa)
    s = rng.uniform(-np.pi, np.pi, trials)
    counts = rng.poisson(f(s) * T / 1000.0)
    ml = wrap(ml_decode(counts, f, GRID, T) - s)
    pv = wrap(population_vector(counts, pref) - s)
    crb = 1.0 / fisher_information(np.array([0.0]), f, T)[0]
    return ml, pv, crb


def test_ml_variance_approaches_the_cramer_rao_bound_as_the_population_grows():
    ratios = []
    for N in (8, 32, 128):                                      # 50 ms windows: few spikes
        ml, _, crb = decode_errors(N, T=50.0, trials=2000)
        ratios.append(np.mean(ml ** 2) / crb)
    assert ratios[0] > ratios[1] > ratios[2]                    # inefficient for small populations,
    assert ratios[2] == pytest.approx(1.0, abs=0.1)             # efficient for large ones


def test_population_vector_is_worse_than_ml_for_narrow_non_cosine_tuning():
    ml, pv, crb = decode_errors(64, kappa=6.0, seed=1)
    assert np.mean(pv ** 2) > 1.5 * np.mean(ml ** 2)
    # with cosine tuning and evenly spread preferences, the population vector is unbiased
    rng = np.random.default_rng(2)
    pref = np.linspace(-np.pi, np.pi, 16, endpoint=False)
    s = rng.uniform(-np.pi, np.pi, 2000)
    counts = rng.poisson(cosine_tuning(s[:, None], pref, r_max=40.0, r_0=10.0) * 0.5)
    err = wrap(population_vector(counts, pref) - s)
    assert abs(err.mean()) < 0.02


def test_bayes_decoder_uses_the_prior():
    rng = np.random.default_rng(3)
    pref, f = population(16)
    counts = rng.poisson(f(np.full(400, 1.0)) * 0.05)           # few spikes: the prior matters
    prior = np.exp(4 * np.cos(GRID))                            # prior centred on 0
    flat_mean, flat_map = bayes_decode(counts, f, GRID, 50.0)
    pri_mean, _ = bayes_decode(counts, f, GRID, 50.0, prior=prior)
    assert np.mean(np.abs(pri_mean)) < np.mean(np.abs(flat_mean))
    assert np.mean(np.abs(wrap(flat_mean - 1.0))) <= np.mean(np.abs(wrap(flat_map - 1.0))) + 0.02


def test_decoder_bad_input():
    pref, f = population(4)
    with pytest.raises(ValueError, match="neurons"):
        ml_decode(np.ones((2, 5)), f, GRID, 100.0)
    with pytest.raises(ValueError, match="empty population"):
        population_vector(np.ones((2, 0)), np.zeros(0))
    with pytest.raises(ValueError, match="prior"):
        bayes_decode(np.ones((1, 4)), f, GRID, 100.0, prior=np.ones(3))


def test_optimal_linear_decoder_reconstructs_a_time_varying_stimulus():
    rng = np.random.default_rng(4)
    s = np.convolve(rng.normal(size=30_000), np.hanning(25) / 5, "same")
    rate = np.exp(np.stack([1.5 * s, -1.5 * s, 0.0 * s], 1) - 1.0)
    counts = rng.poisson(rate)
    train, test = slice(0, 20_000), slice(20_000, None)
    dec = OptimalLinearDecoder(lags=(-15, 15)).fit(counts[train], s[train])
    assert dec.score(counts[test], s[test]) > 0.6
    assert np.abs(dec.kernel_[:, 2]).max() < 0.2 * np.abs(dec.kernel_[:, 0]).max()  # untuned neuron
    assert dec.kernel_[15, 0] > 0 > dec.kernel_[15, 1]


def test_optimal_linear_decoder_passes_the_scikit_learn_contract():
    # samples are time bins and the kernel reads neighbouring bins: by design, predictions
    # depend on the order of the samples and on which ones are present
    check_estimator(OptimalLinearDecoder(lags=(-1, 1)), expected_failed_checks={
        "check_methods_sample_order_invariance": "time-lagged features",
        "check_methods_subset_invariance": "time-lagged features"})
