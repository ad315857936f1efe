"""The spiking network that solves NNLS / a quadratic program."""

import numpy as np
import pytest
from scipy.optimize import minimize, nnls

from kanerva.neuro import SpikingQP, causal_inference_qp, qp_objective, simulate, spiking_nnls


def relative_error(r, x):
    return np.linalg.norm(r - x) / np.linalg.norm(x)


def test_rates_converge_to_scipy_nnls_and_the_error_shrinks_with_network_size():
    rng = np.random.default_rng(0)
    A = rng.random((10, 5)); b = rng.random(10)
    x = nnls(A, b)[0]
    assert np.sum(x == 0) >= 1                                   # the constraint is active
    errors = [relative_error(spiking_nnls(A, b, duration=200.0, copies=k)[0], x) for k in (4, 16, 64)]
    assert errors[0] > errors[1] > errors[2]
    assert errors[2] < 0.03


def test_error_shrinks_with_run_time():
    rng = np.random.default_rng(1)
    A = rng.random((6, 3)); b = rng.random(6)
    x = nnls(A, b)[0]
    net = SpikingQP(A.T @ A, A.T @ b, copies=32)
    run = simulate(net, 300.0, 0.1, record=["r_mean"])
    est = net.estimate(np.cumsum(run.traces["r_mean"], axis=0) / np.arange(1, len(run.t) + 1)[:, None])
    err = np.linalg.norm(est - x, axis=1) / np.linalg.norm(x)
    assert err[199] > err[999] > err[-1]                          # 20 ms, 100 ms, 300 ms
    assert err[-1] < 0.05


def test_rates_are_plausible_and_the_readout_equals_tau_eps_rate():
    rng = np.random.default_rng(2)
    A = rng.random((6, 3)); b = rng.random(6)
    net = SpikingQP(A.T @ A, A.T @ b, copies=16, rate=50.0)
    run = simulate(net, 400.0, 0.1, record=["r_mean"])
    rates = run.rates(100.0).reshape(3, 16).sum(1)             # Hz, summed over copies
    r_hat = net.estimate(run.traces["r_mean"][1000:].mean(0))
    np.testing.assert_allclose(r_hat, net.tau / 1000.0 * net.step_size * rates, rtol=0.05, atol=1e-3)
    assert run.rates().max() < 100


def test_general_qp_with_l1_and_l2_terms_matches_a_bounded_solver():
    rng = np.random.default_rng(3)
    U = rng.random((8, 4)); mu = rng.random(8)
    Q, c = causal_inference_qp(U, mu, alpha=0.2, beta=0.5)
    ref = minimize(lambda r: qp_objective(Q, c, r), np.zeros(4), jac=lambda r: Q @ r - c,
                   bounds=[(0, None)] * 4, method="L-BFGS-B", options={"gtol": 1e-12}).x
    net = SpikingQP(Q, c, copies=64)
    run = simulate(net, 300.0, 0.1, record=["r_mean"])
    r = net.estimate(run.traces["r_mean"][500:].mean(0))
    assert np.abs(r - ref).max() < 0.03 * np.abs(ref).max()
    assert qp_objective(Q, c, r) == pytest.approx(qp_objective(Q, c, ref), rel=1e-3)


def test_explaining_away_two_overlapping_causes():
    """Cause 2 shares a feature with cause 1: seen alone, cause 1 silences cause 2's neurons
    (explaining away), although a feedforward detector for cause 2 is driven as strongly."""
    U = np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])           # columns: the two causes
    only_1 = U[:, 0]
    Q, c = causal_inference_qp(U, only_1, alpha=0.05)
    assert c[1] > 0                                              # feedforward drive to cause 2
    net = SpikingQP(Q, c, copies=32)
    run = simulate(net, 200.0, 0.1, record=["r_mean"])
    r = net.estimate(run.traces["r_mean"][500:].mean(0))
    assert r[0] == pytest.approx(1.95 / 2, abs=0.02) and r[1] < 0.005   # the QP: (0.975, 0)
    both = U.sum(1)
    Q, c = causal_inference_qp(U, both, alpha=0.05)
    net = SpikingQP(Q, c, copies=32)
    run = simulate(net, 200.0, 0.1, record=["r_mean"])
    r = net.estimate(run.traces["r_mean"][500:].mean(0))
    np.testing.assert_allclose(r, np.linalg.solve(Q, c), atol=0.02)     # both present: (0.983, 0.983)


def test_bad_problems_are_refused():
    with pytest.raises(ValueError, match="symmetric"):
        SpikingQP(np.array([[1.0, 2.0], [0.0, 1.0]]), [1.0, 1.0])
    with pytest.raises(ValueError, match="positive semi-definite"):
        SpikingQP(np.array([[1.0, 2.0], [2.0, 1.0]]), [1.0, 1.0])
    with pytest.raises(ValueError, match="positive diagonal"):
        SpikingQP(np.array([[0.0]]), [1.0])
    with pytest.raises(ValueError, match="match c"):
        SpikingQP(np.eye(2), [1.0, 1.0, 1.0])
    with pytest.raises(ValueError, match="len\\(b\\)"):
        spiking_nnls(np.ones((3, 2)), np.ones(4))
