"""Synaptic kernels, receptor kinetics and short-term plasticity against closed forms."""

import numpy as np
import pytest

from kanerva.neuro import (Receptor, alpha_kernel, biexponential_kernel, depression_steady_state,
                           exponential_kernel, mg_block, simulate, tsodyks_markram)


def test_kernels_peak_and_integral():
    t = np.linspace(0, 200, 200_001)
    dt = t[1] - t[0]
    assert exponential_kernel(t, 5.0).sum() * dt == pytest.approx(5.0, rel=1e-3)
    assert alpha_kernel(t, 5.0).sum() * dt == pytest.approx(5.0 * np.e, rel=1e-3)   # τ e
    a = alpha_kernel(t, 5.0)
    assert t[a.argmax()] == pytest.approx(5.0, abs=1e-3) and a.max() == pytest.approx(1.0)
    b = biexponential_kernel(t, 1.0, 5.0)
    assert b.max() == pytest.approx(1.0, abs=1e-6)
    assert t[b.argmax()] == pytest.approx(5.0 * np.log(5.0) / 4.0, abs=1e-2)
    with pytest.raises(ValueError, match="tau_rise"):
        biexponential_kernel(t, 5.0, 1.0)


@pytest.mark.parametrize("kind", ["AMPA", "NMDA", "GABA_A"])
def test_two_state_receptor_follows_its_closed_form(kind):
    rec = Receptor(kind)
    spike = np.zeros(4_000); spike[0] = 1
    run = simulate(rec, 200.0, 0.05, current=spike, record=["g"])
    from kanerva.neuro.synapses import RECEPTORS
    a, b = RECEPTORS[kind]["alpha"], RECEPTORS[kind]["beta"]
    t = run.t
    r_peak = a / (a + b) * (1 - np.exp(-(a + b) * 1.0))        # at the end of the 1 ms pulse
    expected = np.where(t <= 1.0, a / (a + b) * (1 - np.exp(-(a + b) * t)),
                        r_peak * np.exp(-b * (t - 1.0)))
    np.testing.assert_allclose(run.traces["g"][:, 0], expected, atol=1e-12)


def test_nmda_is_slow_gaba_b_slower_and_mg_block_relieved_by_depolarisation():
    spike = np.zeros(4_000); spike[0] = 1
    peaks, left = {}, {}
    for kind in ("AMPA", "NMDA", "GABA_B"):
        run = simulate(Receptor(kind), 1000.0, 0.25, current=spike, record=["g"])
        g = run.traces["g"][:, 0]
        peaks[kind] = run.t[g.argmax()]
        left[kind] = g[79] / g.max()                           # what is left 20 ms after the spike
    assert left["AMPA"] < 0.05 and left["NMDA"] > 0.8         # β: 0.19 vs 0.0066 per ms
    assert peaks["GABA_B"] > 20                                 # G-protein cascade: tens of ms
    v = np.linspace(-100, 40, 50)
    assert np.all(np.diff(mg_block(v)) > 0) and mg_block(-100.0) < 0.01
    assert mg_block(0.0, mg=0.0) == 1.0


def test_receptor_current_and_bad_kind():
    assert Receptor("GABA_A").current(1.0, -60.0, g_max=0.5) == pytest.approx(0.5 * 20.0)
    with pytest.raises(ValueError, match="unknown receptor"):
        Receptor("glycine")


def test_tsodyks_markram_depression_reaches_its_steady_state():
    rate = 40.0
    t = np.arange(60) * 1000.0 / rate
    amp = tsodyks_markram(t, U=0.4, tau_d=500.0)
    assert amp[0] == pytest.approx(0.4)
    assert amp[-1] == pytest.approx(depression_steady_state(rate, U=0.4, tau_d=500.0), rel=1e-6)
    assert np.all(np.diff(amp) < 0)


def test_tsodyks_markram_facilitation_and_recovery():
    amp = tsodyks_markram([0.0, 10.0, 20.0, 30.0], U=0.05, tau_d=50.0, tau_f=500.0)
    assert amp[1] > amp[0] and amp[2] > amp[1]
    late = tsodyks_markram([0.0, 10.0, 5000.0], U=0.5, tau_d=200.0)
    assert late[2] == pytest.approx(0.5, rel=1e-9)                # fully recovered
    with pytest.raises(ValueError, match="sorted"):
        tsodyks_markram([5.0, 1.0])
    with pytest.raises(ValueError, match="U must lie"):
        tsodyks_markram([1.0], U=0.0)
