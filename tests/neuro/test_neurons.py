"""Neurons against their closed forms and published behaviour; bad input."""

import warnings

import numpy as np
import pytest

from kanerva.neuro import (IZHIKEVICH_PARAMS, LIF, Compartmental, HodgkinHuxley, Izhikevich, Theta,
                           UnstableStepWarning, cable_steady_state, length_constant, lif_rate,
                           simulate, theta_rate)


def measured_rate(run):
    """Rate (Hz) from the mean interval of each train (no edge effect)."""
    return np.array([1000.0 * (len(t) - 1) / (t[-1] - t[0]) if len(t) > 1 else 0.0 for t in run.trains()])


def test_lif_f_i_curve_matches_the_analytic_rate_within_1_percent():
    I = np.linspace(1.52, 20.0, 40)                         # from just above rheobase (1.5 nA)
    run = simulate(LIF(n=I.size), 1000.0, 0.2, current=I)
    sim, theory = measured_rate(run), lif_rate(I)
    assert np.all(sim > 0)
    assert np.max(np.abs(sim / theory - 1)) < 0.01


def test_lif_is_silent_below_rheobase_and_rate_saturates_at_refractory_limit():
    run = simulate(LIF(n=2, t_ref=2.0), 500.0, 0.1, current=[1.49, 1e4])
    assert len(run.trains()[0]) == 0
    assert lif_rate(1e4)[()] == pytest.approx(500.0, rel=1e-3)
    assert measured_rate(run)[1] == pytest.approx(lif_rate(1e4)[()], rel=1e-3)


def test_lif_spike_times_do_not_depend_on_the_step():
    coarse = simulate(LIF(), 200.0, 0.5, current=3.0).spike_times
    fine = simulate(LIF(), 200.0, 0.01, current=3.0).spike_times
    np.testing.assert_allclose(coarse, fine[:coarse.size], atol=1e-9)


def test_theta_neuron_rate_is_sqrt_I_over_pi_tau():
    I = np.array([0.1, 0.3, 1.0, 3.0])
    run = simulate(Theta(n=I.size, tau=10.0), 600.0, 0.1, current=I)
    np.testing.assert_allclose(measured_rate(run), theta_rate(I, 10.0), rtol=0.005)
    assert len(simulate(Theta(), 500.0, 0.05, current=-0.1).spike_times) == 0


def izh(name, I, T, v0=-70.0, dt=0.25):
    run = simulate(Izhikevich.pattern(name, v0=v0), T, dt, current=I, record=["vm"])
    return run, np.diff(run.spike_times)


def step(T, dt=0.25, on=10.0, value=10.0, before=0.0):
    I = np.full(int(round(T / dt)), before)
    I[int(on / dt):] = value
    return I


def test_izhikevich_seven_published_patterns():
    assert set(IZHIKEVICH_PARAMS) == {"RS", "IB", "CH", "FS", "LTS", "TC", "RZ"}
    _, isi = izh("RS", step(500), 500)                      # regular spiking adapts
    assert isi[-1] / isi[0] > 2
    _, isi = izh("IB", step(500), 500)                      # an initial burst, then tonic
    assert isi[0] < 5 and isi[1] < 5 and isi[-1] > 20
    _, isi = izh("CH", step(500), 500)                      # repeated bursts: bimodal intervals
    assert np.sum(isi < 5) > 10 and np.sum(isi > 15) >= 3
    _, isi = izh("FS", step(500), 500)                      # fast spiking, above 100 Hz
    assert 1000 / isi[-5:].mean() > 100
    _, isi = izh("LTS", step(500), 500)                     # high initial rate, then adapts
    assert isi[0] < 5 and isi[-1] / isi[0] > 3
    I = np.full(2400, -10.0); I[800:] = 0.0                 # TC: rebound burst after inhibition
    run, isi = izh("TC", I, 600.0, v0=-63.0)
    assert run.spike_times.min() > 200 and run.spike_times.size >= 2 and isi[0] < 10


def test_izhikevich_resonator_oscillates_at_its_linearised_frequency():
    a, b, c, d = IZHIKEVICH_PARAMS["RZ"]
    disc = (5 - b) ** 2 - 4 * 0.04 * 140                           # rest: 0.04v² + (5 − b)v + 140 = 0
    v_rest = (-(5 - b) - np.sqrt(disc)) / 0.08            # the stable (lower) root
    J = np.array([[0.08 * v_rest + 5, -1.0], [a * b, -a]])
    freq = np.abs(np.linalg.eigvals(J).imag).max() / (2 * np.pi) * 1000.0   # Hz
    net = Izhikevich.pattern("RZ", v0=v_rest + 0.5)
    run = simulate(net, 120.0, 0.05, record=["v"])          # a damped subthreshold oscillation
    v = run.traces["v"][:, 0] - v_rest
    crossings = np.flatnonzero((v[:-1] < 0) & (v[1:] >= 0))
    assert crossings.size >= 2 and len(run.spike_times) == 0
    measured = 1000.0 / (np.diff(run.t[crossings]).mean())
    assert measured == pytest.approx(freq, rel=0.05)


def test_hodgkin_huxley_action_potential_rheobase_and_repetitive_firing():
    run = simulate(HodgkinHuxley(), 30.0, 0.01, current=10.0, record=["v"])
    v = run.traces["v"][:, 0]
    assert 95 < v.max() - (-65.0) < 115                      # about 100 mV
    I = np.array([2.1, 2.4, 6.1, 6.4])
    run = simulate(HodgkinHuxley(n=I.size), 300.0, 0.025, current=I)
    counts = [len(t) for t in run.trains()]
    late = [np.sum(t > 150) for t in run.trains()]
    assert counts[0] == 0 and counts[1] >= 1                  # rheobase in (2.1, 2.4)
    assert late[2] == 0 and late[3] >= 5                      # repetitive firing from (6.1, 6.4)


def test_hodgkin_huxley_temperature_speeds_the_spike():
    cold = simulate(HodgkinHuxley(), 40.0, 0.02, current=15.0).spike_times
    warm = simulate(HodgkinHuxley(temperature=16.3), 40.0, 0.02, current=15.0).spike_times
    assert len(warm) > len(cold)


def test_cable_steady_state_matches_the_sealed_end_solution():
    cell = Compartmental.cable(200, 1500.0, 2.0)
    I = np.zeros(200); I[0] = 0.05
    run = simulate(cell, 400.0, 4.0, current=I, record=["v"])
    x = (np.arange(200) + 0.5) * 7.5
    np.testing.assert_allclose(run.traces["v"][-1] + 65.0, cable_steady_state(x, 0.05, 1500.0, 2.0), rtol=0.01)
    assert length_constant(2.0) == pytest.approx(1000.0)


def test_single_compartment_charges_with_the_membrane_time_constant():
    cell = Compartmental([-1], 100.0, 10.0)            # τ = R_m C_m = 20 ms
    run = simulate(cell, 60.0, 0.5, current=0.01, record=["v"])
    dv = run.traces["v"][:, 0] + 65.0
    v_inf = 0.01 / cell.g_leak[0]
    np.testing.assert_allclose(dv, v_inf * (1 - np.exp(-run.t / 20.0)), rtol=1e-9)


def test_branched_tree_is_symmetric():
    cell = Compartmental([-1, 0, 0], [50.0, 200.0, 200.0], [4.0, 1.0, 1.0])
    run = simulate(cell, 50.0, 0.5, current=[0.1, 0.0, 0.0], record=["v"])
    assert run.traces["v"][-1, 1] == pytest.approx(run.traces["v"][-1, 2])


@pytest.mark.parametrize("dt, duration", [(-0.1, 10.0), (0.0, 10.0), (0.1, -5.0), (np.nan, 1.0)])
def test_bad_time_step_or_duration(dt, duration):
    with pytest.raises(ValueError, match="must be a positive"):
        simulate(LIF(), duration, dt)


def test_coarse_step_warns_unstable():
    with pytest.warns(UnstableStepWarning, match="larger than the membrane time constant"):
        simulate(LIF(tau_m=1.0), 10.0, 2.0, current=1.0)
    with pytest.warns(UnstableStepWarning):
        simulate(HodgkinHuxley(), 2.0, 0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        simulate(LIF(), 10.0, 0.1)


def test_non_finite_current_is_refused():
    with pytest.raises(ValueError, match="current.*must be finite"):
        simulate(LIF(n=2), 10.0, 0.1, current=[1.0, np.inf])
    with pytest.raises(ValueError, match="non-finite"):
        simulate(LIF(), 10.0, 0.1, current=lambda t: np.nan)


def test_empty_population_and_bad_parameters():
    with pytest.raises(ValueError, match="empty population"):
        LIF(n=0)
    with pytest.raises(ValueError, match="V_reset"):
        LIF(V_reset=-40.0, V_th=-50.0)
    with pytest.raises(ValueError, match="unknown Izhikevich pattern"):
        Izhikevich.pattern("XX")
    with pytest.raises(ValueError, match="parent"):
        Compartmental([0, 0], 10.0, 1.0)
