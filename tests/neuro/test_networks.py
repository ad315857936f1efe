"""Rate networks and spiking networks against closed forms; Brunel's phase diagram, small."""

import numpy as np
import pytest

from kanerva.neuro import (LIFNetwork, LinearRecurrent, WilsonCowan, amplification, brunel2000,
                           brunel_rate, feedforward, fixed_indegree, network_state, simulate)


def test_feedforward_and_amplification():
    assert feedforward([[2.0, 0.0]], [1.0, 5.0]).tolist() == [2.0]
    e = np.array([1.0, 1.0]) / np.sqrt(2)
    M = 0.95 * np.outer(e, e)
    v = amplification(M, e)
    np.testing.assert_allclose(v, e / (1 - 0.95))          # amplified 20-fold along e
    with pytest.raises(ValueError, match="no stable steady state"):
        amplification(np.eye(2), [1.0, 0.0])


def test_linear_recurrent_relaxes_with_its_effective_time_constant():
    net = LinearRecurrent(np.array([[0.8]]), tau=10.0)
    run = simulate(net, 200.0, 1.0, current=1.0, record=["v"])
    expected = 5.0 * (1 - np.exp(-run.t * 0.2 / 10.0))      # τ/(1 − λ) = 50 ms, gain 5
    np.testing.assert_allclose(run.traces["v"][:, 0], expected, rtol=1e-9)


def test_line_attractor_integrates_and_holds():
    e = np.array([0.6, 0.8])
    net = LinearRecurrent(np.outer(e, e), tau=10.0)           # eigenvalue exactly 1 along e
    h = np.zeros((300, 2)); h[:100] = 2.0 * e                 # input for 100 ms, then none
    run = simulate(net, 300.0, 1.0, current=h, record=["v"])
    along = run.traces["v"] @ e
    assert along[99] == pytest.approx(2.0 * 100 / 10.0, rel=1e-9)   # ∫ h dt / τ
    assert along[-1] == pytest.approx(along[99], rel=1e-9)          # held
    with pytest.raises(ValueError, match="square"):
        LinearRecurrent(np.ones((2, 3)))


def test_wilson_cowan_limit_cycle_appears_with_drive():
    run = simulate(WilsonCowan(n=3), 600.0, 0.2, current=[0.0, 1.25, 3.0], record=["E"])
    ptp = np.ptp(run.traces["E"][-1000:], axis=0)          # three E-I pairs, three drives P
    assert ptp[1] > 0.1 and ptp[0] < 1e-3 and ptp[2] < 1e-3


def test_fixed_indegree():
    pre, post = fixed_indegree(50, 30, 7, seed=1)
    assert np.all(np.bincount(post) == 7)
    assert len(set(zip(pre.tolist(), post.tolist()))) == 210
    with pytest.raises(ValueError, match="must not exceed"):
        fixed_indegree(5, 3, 6)


def test_delta_synapse_arrives_after_the_delay_and_refractoriness_blocks_input():
    net = LIFNetwork(2, pre=[0], post=[1], weight=[5.0], delay=2.0, E_L=0.0, V_th=20.0, V_reset=10.0,
                     tau_m=20.0, v0=[30.0, 0.0])
    run = simulate(net, 5.0, 0.1, record=["v"])
    v1 = run.traces["v"][:, 1]
    k = np.flatnonzero(v1 > 0)[0]
    assert run.t[k] == pytest.approx(0.1 + 2.0)               # spike at the first step, + 2 ms
    assert v1[k] == pytest.approx(5.0)


@pytest.mark.parametrize("synapse", ["current", "conductance"])
def test_single_synaptic_event_matches_the_closed_form(synapse):
    w = 2.0 if synapse == "current" else 0.05
    net = LIFNetwork(2, pre=[0], post=[1], weight=[w], delay=0.1, synapse=synapse, E_L=-65.0,
                     V_th=-50.0, V_reset=-65.0, tau_m=20.0, tau_exc=5.0, E_exc=0.0,
                     v0=[-40.0, -65.0])
    dt = 0.01
    run = simulate(net, 30.0, dt, record=["v"])
    t = run.t - run.t[np.flatnonzero(run.traces["v"][:, 1] != -65.0)[0] - 1]   # time since arrival
    v = run.traces["v"][:, 1]
    after = t > 0
    if synapse == "current":   # V = E_L + w τ_s/(τ_s − τ_m)(e^{−t/τ_s} − e^{−t/τ_m})
        expected = -65.0 + w * 5.0 / (5.0 - 20.0) * (np.exp(-t / 5.0) - np.exp(-t / 20.0))
        np.testing.assert_allclose(v[after], expected[after], atol=1e-9)
    else:                       # small conductance: the same shape, scaled by the driving force
        expected = -65.0 + 65.0 * w * 5.0 / (5.0 - 20.0) * (np.exp(-t / 5.0) - np.exp(-t / 20.0))
        np.testing.assert_allclose(v[after], expected[after], rtol=0, atol=0.05)
        assert v.max() > -65 + 0.5


def test_per_synapse_delays():
    net = LIFNetwork(3, pre=[0, 0], post=[1, 2], weight=[3.0, 3.0], delay=[1.0, 4.0], E_L=0.0,
                     V_th=20.0, V_reset=10.0, v0=[30.0, 0.0, 0.0])
    run = simulate(net, 6.0, 0.1, record=["v"])
    first = [run.t[np.flatnonzero(run.traces["v"][:, i] > 0)[0]] for i in (1, 2)]
    assert first == pytest.approx([1.1, 4.1])


def test_network_bad_input():
    with pytest.raises(ValueError, match="one entry per synapse"):
        LIFNetwork(3, pre=[0, 1], post=[1], weight=1.0)
    with pytest.raises(ValueError, match="name neurons"):
        LIFNetwork(3, pre=[0], post=[5], weight=1.0)
    with pytest.raises(ValueError, match="synapse must be"):
        LIFNetwork(3, pre=[0], post=[1], weight=1.0, synapse="gap")
    with pytest.raises(ValueError, match="delays must be"):
        LIFNetwork(3, pre=[0], post=[1], weight=1.0, delay=-1.0)


def test_brunel_small_network_phase_diagram_and_mean_field_rate():
    """SR at (g = 3, ν = 2), AI at (g = 5, ν = 2), as in Brunel (2000), Fig. 8 — 1,000 neurons
    with J scaled up tenfold so that C_E J matches the 10,000-neuron network."""
    states = {}
    for g in (3.0, 5.0):
        run = simulate(brunel2000(g, 2.0, n=1_000, J=1.0, seed=3), 400.0, 0.1)
        states[g] = network_state(run, 100.0)
    assert states[3.0]["label"] == "SR" and states[3.0]["cv"] < 0.3
    assert states[5.0]["label"] == "AI" and states[5.0]["cv"] > 0.8 and states[5.0]["synchrony"] < 0.2
    theory = brunel_rate(5.0, 2.0, C_E=80, J=1.0)
    assert states[5.0]["rate"] == pytest.approx(theory, rel=0.2)
    assert states[3.0]["rate"] == pytest.approx(brunel_rate(3.0, 2.0, C_E=80, J=1.0), rel=0.1)


def test_compiled_step_equals_numpy_step_and_advance_equals_step():
    """Without external input the compiled step and the numpy step do the same arithmetic in the
    same order; with it, a run that records states (one step at a time) and one that does not
    (the compiled multi-step path) draw the same numbers."""
    n = 300
    pre_e, post_e = fixed_indegree(240, n, 24, seed=1)
    pre_i, post_i = fixed_indegree(60, n, 6, seed=2)
    pre, post = np.r_[pre_e, pre_i + 240], np.r_[post_e, post_i]
    w = np.where(np.arange(n) < 240, 0.4, -1.6)
    v0 = np.random.default_rng(3).uniform(0, 20, n)
    runs = [simulate(LIFNetwork(n, pre, post, w, delay=1.5, mu=21.0, v0=v0, backend=b), 200.0, 0.1)
            for b in ("auto", "numpy")]
    assert len(runs[0].spike_times) > 500
    np.testing.assert_array_equal(runs[0].spike_times, runs[1].spike_times)
    np.testing.assert_array_equal(runs[0].spike_units, runs[1].spike_units)
    net = brunel2000(5.0, 2.0, n=500, J=1.0, seed=4)
    fast = simulate(net, 100.0, 0.1)
    stepped = simulate(net, 100.0, 0.1, record=["v"], units=[0])
    np.testing.assert_array_equal(fast.spike_times, stepped.spike_times)
    np.testing.assert_array_equal(fast.spike_units, stepped.spike_units)
    with pytest.raises(ValueError, match="backend"):
        LIFNetwork(2, [0], [1], 1.0, backend="cuda")
