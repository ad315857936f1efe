"""Entropy and information estimators: bias corrections converge to the truth, the direct
method finds a known information rate, information per spike."""

import numpy as np
import pytest

from kanerva.neuro import (bayes_bin_count, direct_method, entropy, information_per_spike,
                           mutual_information, shuffle_bias)


def channel(seed=0):
    """4 stimuli, 12 responses, a known joint distribution."""
    rng = np.random.default_rng(seed)
    P = rng.dirichlet(np.full(12, 0.5), size=4)          # P(r|s)
    ps = np.full(4, 0.25)
    pr = ps @ P
    H = lambda p: -np.sum(p[p > 0] * np.log2(p[p > 0]))  # noqa: E731
    truth = H(pr) - sum(ps[i] * H(P[i]) for i in range(4))
    return P, truth


def sample(P, n_per_stim, rng):
    s = np.repeat(np.arange(P.shape[0]), n_per_stim)
    r = np.concatenate([rng.choice(P.shape[1], n_per_stim, p=p) for p in P])
    return s, r


def test_bias_corrections_shrink_the_bias_and_converge():
    P, truth = channel()
    rng = np.random.default_rng(1)
    bias = {m: [] for m in ("plugin", "miller_madow", "panzeri_treves")}
    sizes = (10, 40, 1280)
    for n in sizes:
        est = {m: [] for m in bias}
        for _ in range(40):
            s, r = sample(P, n, rng)
            for m in bias:
                est[m].append(mutual_information(s, r, m, n_bins=12))
        for m in bias:
            bias[m].append(np.mean(est[m]) - truth)
    assert bias["plugin"][0] > 0.1                                    # plug-in overestimates
    for k in (0, 1):                                                  # each correction helps,
        assert bias["plugin"][k] > bias["miller_madow"][k] > bias["panzeri_treves"][k] > -0.01
    assert bias["panzeri_treves"][0] < 0.3 * bias["plugin"][0]       # PT most
    assert all(abs(b[-1]) < 0.01 for b in bias.values())              # all converge
    assert all(abs(b[0]) > abs(b[-1]) for b in bias.values())


def test_shuffled_information_has_less_bias_for_word_responses():
    rng = np.random.default_rng(2)
    def draw(n):                      # 3 binary neurons, rates set by 2 stimuli, independent
        s = np.repeat([0, 1], n)
        p = np.where(s[:, None] == 0, [0.2, 0.5, 0.7], [0.5, 0.3, 0.4])
        return s, (rng.random((2 * n, 3)) < p).astype(int)
    truth = mutual_information(*draw(200_000))
    small = [draw(15) for _ in range(40)]
    plug = np.mean([mutual_information(s, r) for s, r in small]) - truth
    sh = np.mean([mutual_information(s, r, shuffle=True, seed=0) for s, r in small]) - truth
    assert abs(sh) < 0.5 * abs(plug)
    with pytest.raises(ValueError, match="multi-dimensional"):
        mutual_information([0, 1], [0, 1], shuffle=True)


def test_shuffle_bias_estimates_the_plugin_bias_of_independent_data():
    rng = np.random.default_rng(3)
    s, r = rng.integers(0, 4, 200), rng.integers(0, 10, 200)
    plug = mutual_information(s, r)
    assert plug == pytest.approx(shuffle_bias(s, r, n_shuffles=50, seed=4), abs=0.05)


def test_entropy_and_bin_count():
    assert entropy([1, 1, 1, 1]) == pytest.approx(2.0)
    assert entropy([10, 10], "panzeri_treves") > entropy([10, 10])
    assert bayes_bin_count([3, 2, 0, 0], 4) >= 2
    with pytest.raises(ValueError, match="method must be"):
        entropy([1, 2], "nsb")
    with pytest.raises(ValueError, match="at least one"):
        entropy([0, 0])
    with pytest.raises(ValueError, match="trials"):
        mutual_information([0, 1, 2], [0, 1])


def test_direct_method_recovers_the_information_rate_of_a_known_neuron():
    rng = np.random.default_rng(5)
    p = rng.choice([0.01, 0.1, 0.25], size=1500)            # stimulus-locked spike probability
    spikes = (rng.random((150, 1500)) < p).astype(int)
    h = lambda q: -q * np.log2(q) - (1 - q) * np.log2(1 - q)  # noqa: E731
    truth = (h(p.mean()) - h(p).mean()) * 1000.0             # bits/s (1 ms bins, independent)
    out = direct_method(spikes, 1.0, word_lengths=(1, 2, 3, 4), seed=6)
    assert out["info_rate"] == pytest.approx(truth, rel=0.05)
    assert out["info_plugin"][-1] > out["info_rate"]            # plug-in: upward bias grows with L
    with pytest.raises(ValueError, match="n_repeats"):
        direct_method(np.zeros(10), 1.0)


def test_information_per_spike_is_the_small_bin_limit_of_the_information_rate():
    rng = np.random.default_rng(7)
    r = rng.choice([2.0, 60.0], size=20_000)                 # Hz, per 0.5 ms bin
    dt = 0.5
    p = r * dt / 1000.0
    h = lambda q: -q * np.log2(q) - (1 - q) * np.log2(1 - q)  # noqa: E731
    rate_info = (h(p.mean()) - h(p).mean()) / (dt / 1000.0)   # bits/s
    per_spike = information_per_spike(r)
    assert rate_info / r.mean() == pytest.approx(per_spike, rel=0.05)
    assert information_per_spike(np.r_[np.zeros(7), 8.0]) == pytest.approx(3.0)
    with pytest.raises(ValueError, match="positive mean"):
        information_per_spike([0.0, 0.0])
