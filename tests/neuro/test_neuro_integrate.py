"""The integrator: inputs of every shape, recorders, continuation, bad input."""

import numpy as np
import pytest

from kanerva.neuro import LIF, ExpSynapse, simulate


def test_current_shapes_agree():
    steps, n = 1000, 3
    I = np.array([1.6, 2.0, 3.0])
    a = simulate(LIF(n=n), 100.0, 0.1, current=I)
    b = simulate(LIF(n=n), 100.0, 0.1, current=np.tile(I, (steps, 1)))
    c = simulate(LIF(n=n), 100.0, 0.1, current=lambda t: I)
    for other in (b, c):
        np.testing.assert_array_equal(a.spike_times, other.spike_times)
        np.testing.assert_array_equal(a.spike_units, other.spike_units)
    d = simulate(LIF(n=n), 100.0, 0.1, current=np.full(steps, 2.0))
    assert np.all(d.rates() == d.rates()[0])


def test_wrong_current_shape_and_unknown_state():
    with pytest.raises(ValueError, match="current must be a scalar"):
        simulate(LIF(n=2), 1.0, 0.1, current=np.ones((3, 3)))
    with pytest.raises(ValueError, match="cannot record 'w'"):
        simulate(LIF(), 1.0, 0.1, record=["w"])
    with pytest.raises(ValueError, match="units must lie"):
        simulate(LIF(), 1.0, 0.1, record=["v"], units=[3])


def test_record_every_and_continuation():
    net = LIF()
    state = net.init_state()
    first = simulate(net, 50.0, 0.1, current=2.0, state=state)
    second = simulate(net, 50.0, 0.1, current=2.0, state=state, record=["v"], record_every=10)
    whole = simulate(LIF(), 100.0, 0.1, current=2.0)
    np.testing.assert_allclose(np.concatenate([first.spike_times, second.spike_times]), whole.spike_times)
    assert second.traces["v"].shape == (50, 1) and second.t[0] == pytest.approx(51.0)
    assert second.rates().sum() == pytest.approx(len(second.spike_times) / 0.05)


def test_population_rate_and_trains():
    run = simulate(LIF(n=4), 1000.0, 0.1, current=2.0)
    centres, rate = run.population_rate(100.0)
    assert centres.size == 10 and rate.mean() == pytest.approx(63.0, abs=1.0)
    assert [len(t) for t in run.trains()] == [63] * 4


def test_exp_synapse_exact_decay():
    x = np.zeros(100); x[0] = 2.0
    run = simulate(ExpSynapse(tau=4.0), 10.0, 0.1, current=x, record=["g"])
    np.testing.assert_allclose(run.traces["g"][:, 0], 2.0 * np.exp(-(run.t - 0.1) / 4.0))
