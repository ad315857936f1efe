"""A spiking network whose firing rates solve a non-negative quadratic program.

Minimise E(r) = ½ rᵀ Q r − cᵀ r subject to r ≥ 0 (Q symmetric positive semi-definite). Least
squares ‖b − A r‖² is Q = AᵀA, c = Aᵀb (NNLS); the causal-inference problem of Moreno-Bote &
Drugowitsch (2015), ½‖μ − U r‖² + α Σ r + (β/2)‖r‖², is Q = UᵀU + βI, c = Uᵀμ − α1
(:func:`causal_inference_qp`).

The network (Barrett, Denève & Machens 2013; Boerlin, Machens & Denève 2013): each neuron j
stands for one variable i(j) (``copies`` neurons per variable); its filtered spike train
r̃_j (τ dr̃/dt = −r̃ + τ ε Σ δ(t − t_k)) adds to the estimate r̂_i = Σ_{j∈i} r̃_j. Its voltage
is the negative gradient of E, V_j = c_i − (Q r̂)_i, which is a leaky integrate-and-fire
neuron: τ dV_j/dt = −V_j + c_i − τ Σ_k Q_{i,i(k)} ε o_k(t) (a constant input, recurrent
weights −Q ε and a self-reset of Q_ii ε). A neuron fires when V_j > ε Q_ii / 2, exactly when
its spike lowers E — a greedy descent. Between spikes r̃ leaks, so the estimate hovers around
the minimiser: at the fixed point every neuron with r_i > 0 sits at its threshold and every
silent one below it, the KKT conditions of the QP up to O(ε). The rates then solve the
problem: r_i ≈ τ ε ν_i, with ν_i the summed firing rate (Hz) of variable i's neurons.

Scheme: event-driven and exact. Between spikes every trace decays by the same factor, so each
voltage follows V_i(t + s) = c_i − g_i e^{−s/τ} and its threshold crossing time is closed-form;
the network fires the earliest crossing, one spike at a time (the Boerlin et al. rule that
keeps it from firing in synchronous volleys), given to the copy of that variable that has
waited longest. Spike times are exact, and ``r_mean`` is the exact average over each step.
Time ms, rates Hz.
"""

from __future__ import annotations

import numpy as np

from . import _checks


def causal_inference_qp(U, mu, alpha: float = 0.0, beta: float = 0.0):
    """(Q, c) of ½‖μ − U r‖² + α Σ r + (β/2)‖r‖² (Moreno-Bote & Drugowitsch 2015).

    >>> Q, c = causal_inference_qp([[1.0, 1.0], [0.0, 1.0]], [1.0, 0.0], alpha=0.1)
    >>> Q, c
    (array([[1., 1.],
           [1., 2.]]), array([0.9, 0.9]))
    """
    U = _checks.finite(U, "U")
    mu = _checks.finite(mu, "mu")
    if U.ndim != 2 or U.shape[0] != mu.size:
        raise ValueError(f"U must be (len(mu), n_causes), got {U.shape} for {mu.size} observations")
    Q = U.T @ U + float(beta) * np.eye(U.shape[1])
    return Q, U.T @ mu - float(alpha)


def qp_objective(Q, c, r) -> float:
    """E(r) = ½ rᵀQr − cᵀr.

    >>> qp_objective(np.eye(2), [1.0, 1.0], [1.0, 1.0])
    -1.0
    """
    Q, c, r = (np.asarray(a, dtype=float) for a in (Q, c, r))
    return float(0.5 * r @ Q @ r - c @ r)


class SpikingQP:
    """Integrate-and-fire neurons whose rates minimise ½ rᵀQr − cᵀr over r ≥ 0.

    Parameters
    ----------
    Q : array (m, m)
        Symmetric positive semi-definite matrix, with a positive diagonal.
    c : array (m,)
        Linear term.
    tau : float
        Time constant (ms) of the leak and of the readout filter.
    eps : float, optional
        Increment of a variable per spike of one of its neurons, before dividing by ``copies``.
        The default, (max_i c_i/Q_ii) · 1000/(τ · ``rate``), makes each neuron of the largest
        variable fire at about ``rate`` Hz.
    rate : float
        Target rate (Hz) for the default ``eps``.
    copies : int
        Neurons per variable (network size n = m · copies); the step per spike is eps/copies.

    Notes
    -----
    State ``r`` holds each neuron's filtered spike train at the end of the step (after its
    spikes), ``r_mean`` its exact average over the step (record this one for time averages:
    the end-of-step value sits on top of the sawtooth); :meth:`estimate` sums copies.

    Examples
    --------
    >>> from kanerva.neuro import SpikingQP, simulate
    >>> A = np.array([[1.0, 0.5], [0.0, 1.0], [1.0, 1.0]]); b = np.array([1.0, -0.5, 1.0])
    >>> net = SpikingQP(A.T @ A, A.T @ b, copies=64)
    >>> run = simulate(net, 300.0, 0.1, record=["r_mean"])
    >>> net.estimate(run.traces["r_mean"][1000:].mean(0)).round(2)   # scipy.optimize.nnls: (1, 0)
    array([1., 0.])
    >>> bool(run.rates().max() < 150)   # every neuron at a plausible rate (Hz)
    True
    """

    state_names = ("v", "r", "r_mean")
    precise_spike_times = True
    time_constant_name = "leak"

    def __init__(self, Q, c, tau: float = 10.0, eps: float | None = None, copies: int = 64,
                 rate: float = 100.0):
        Q = _checks.finite(Q, "Q")
        c = _checks.finite(c, "c").reshape(-1)
        if Q.shape != (c.size, c.size):
            raise ValueError(f"Q must be ({c.size}, {c.size}) to match c, got {Q.shape}")
        _checks.count(c.size, "number of variables")
        if not np.allclose(Q, Q.T, atol=1e-10 * max(1.0, np.abs(Q).max())):
            raise ValueError("Q must be symmetric")
        if np.any(np.diag(Q) <= 0):
            raise ValueError("Q must have a positive diagonal (every variable must cost something)")
        if np.linalg.eigvalsh(Q).min() < -1e-9 * np.abs(Q).max():
            raise ValueError("Q must be positive semi-definite")
        self.Q, self.c = Q, c
        self.m = c.size
        self.copies = _checks.count(copies, "copies")
        self.n = self.m * self.copies
        self.tau = _checks.positive(tau, "tau")
        self.min_time_constant = self.tau
        if eps is None:
            scale = np.max(np.maximum(c, 0) / np.diag(Q))
            eps = (scale if scale > 0 else 1.0) * 1000.0 / (self.tau * _checks.positive(rate, "rate", "Hz"))
        self.eps = _checks.positive(eps, "eps", "units of r")
        self.step_size = self.eps / self.copies
        self.var = np.repeat(np.arange(self.m), self.copies)          # variable of each neuron
        self.threshold = 0.5 * self.step_size * np.diag(Q)[self.var]

    def init_state(self) -> dict:
        return {"v": self.c[self.var].copy(), "r": np.zeros(self.n), "r_mean": np.zeros(self.n),
                "last": np.full(self.n, -np.inf), "spike_time": np.zeros(self.n), "t": 0.0}

    def estimate(self, r) -> np.ndarray:
        """The solution estimate (m,) from neuron traces r (..., n): the sum over copies."""
        r = np.asarray(r, dtype=float)
        return r.reshape(r.shape[:-1] + (self.m, self.copies)).sum(-1)

    def step(self, state, current, dt):
        r = state["r"]
        last = state["last"]
        fired = np.zeros(self.n, dtype=bool)
        target = self.c - self.threshold[:: self.copies]        # c_i − θ_i
        t, integral = 0.0, np.zeros(self.n)
        for _ in range(100 * self.n + 100):
            g = self.Q @ self.estimate(r)                         # V_i(t + s) = c_i − g_i e^{−s/τ}
            with np.errstate(divide="ignore", invalid="ignore"):
                s_cross = np.where(g <= target, 0.0,
                                   np.where(target > 0, self.tau * np.log(g / target), np.inf))
            i = int(np.argmin(s_cross))
            s_i = s_cross[i]
            if t + s_i > dt:
                break
            e = np.exp(-s_i / self.tau)
            integral += r * self.tau * (1.0 - e)
            r *= e
            t += s_i
            copies = np.arange(i * self.copies, (i + 1) * self.copies)
            j = int(copies[np.argmin(last[copies])])            # the copy that waited longest
            r[j] += self.step_size
            last[j] = state.get("t", 0.0) + t
            state["spike_time"][j] = t
            fired[j] = True
        else:
            raise RuntimeError("SpikingQP: too many spikes in one step; lower eps or dt")
        e = np.exp(-(dt - t) / self.tau)
        integral += r * self.tau * (1.0 - e)
        r *= e
        state["r_mean"] = integral / dt
        state["v"] = (self.c - self.Q @ self.estimate(r))[self.var]
        state["t"] = state.get("t", 0.0) + dt
        return fired


def spiking_nnls(A, b, duration: float = 300.0, dt: float = 0.1, tau: float = 10.0,
                 copies: int = 64, eps: float | None = None, burn_in: float = 0.2):
    """Solve min ‖b − A r‖², r ≥ 0, with a :class:`SpikingQP` network; returns (r, run).

    ``r`` is the readout averaged over the last ``1 − burn_in`` of the run.

    Examples
    --------
    >>> from scipy.optimize import nnls
    >>> rng = np.random.default_rng(0)
    >>> A = rng.random((8, 4)); b = rng.random(8)
    >>> r, run = spiking_nnls(A, b)
    >>> bool(np.linalg.norm(r - nnls(A, b)[0]) < 0.05 * np.linalg.norm(nnls(A, b)[0]))
    True
    """
    from .integrate import simulate
    A = _checks.finite(A, "A")
    b = _checks.finite(b, "b").reshape(-1)
    if A.ndim != 2 or A.shape[0] != b.size:
        raise ValueError(f"A must be (len(b), n), got {A.shape} for len(b) = {b.size}")
    net = SpikingQP(A.T @ A, A.T @ b, tau=tau, eps=eps, copies=copies)
    run = simulate(net, duration, dt, record=["r_mean"])
    start = int(len(run.t) * burn_in)
    return net.estimate(run.traces["r_mean"][start:].mean(0)), run
