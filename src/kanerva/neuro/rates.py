"""Firing-rate networks: feedforward, linear recurrent (amplification, line attractor), Wilson–Cowan.

Rates in Hz (or dimensionless activities for Wilson–Cowan), time ms.

* :func:`feedforward` v = F(W u) (Dayan & Abbott 2001, §7.2).
* :class:`LinearRecurrent`: τ dv/dt = −v + h + M v (Dayan & Abbott 2001, eq. 7.11). With
  symmetric M = Σ λ_μ e_μ e_μᵀ the steady state is v∞ = Σ (e_μ·h)/(1 − λ_μ) e_μ: the
  components along eigenvalues near 1 are amplified by 1/(1 − λ) (:func:`amplification`),
  and an eigenvalue of exactly 1 makes a line attractor that integrates its input and holds
  it when the input stops. Integrated exactly: v(t+dt) = Φ v + Γ h/τ with Φ = e^{(M−1)dt/τ},
  Γ = ∫₀^dt e^{(M−1)s/τ} ds (one block matrix exponential; valid when M − 1 is singular).
* :class:`WilsonCowan`: τ_E Ė = −E + (1 − r_E E) S_E(c1 E − c2 I + P),
  τ_I İ = −I + (1 − r_I I) S_I(c3 E − c4 I + Q), S(x) = 1/(1 + e^{−a(x−θ)}) − 1/(1 + e^{aθ})
  (Wilson & Cowan 1972, eqs. 13–15; the defaults are their limit-cycle set, Fig. 10), RK4.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import expm

from . import _checks


def feedforward(W, u, F=None) -> np.ndarray:
    """Steady output rates F(W u) of a feedforward layer (F defaults to rectification).

    >>> feedforward([[1.0, -1.0], [0.5, 0.5]], [2.0, 3.0])
    array([0. , 2.5])
    """
    W = _checks.finite(W, "W")
    u = _checks.finite(u, "u")
    x = W @ u
    return np.maximum(x, 0.0) if F is None else np.asarray(F(x), dtype=float)


def amplification(M, h) -> np.ndarray:
    """Steady state (1 − M)⁻¹ h of the linear recurrent network, and an error if it has none.

    >>> M = np.array([[0.45, 0.45], [0.45, 0.45]])  # eigenvalues 0.9 (along (1,1)) and 0
    >>> amplification(M, [1.0, 0.0])  # (1,1)/2 amplified ten-fold, (1,-1)/2 passed
    array([5.5, 4.5])
    """
    M = _checks.finite(M, "M")
    h = _checks.finite(h, "h")
    lam = np.linalg.eigvals(M)
    if np.any(lam.real >= 1):
        raise ValueError(f"M has an eigenvalue with real part >= 1 ({lam.real.max():.3g}): "
                         "no stable steady state (a line attractor or runaway growth)")
    return np.linalg.solve(np.eye(M.shape[0]) - M, h)


class LinearRecurrent:
    """A linear recurrent rate network τ dv/dt = −v + h + M v, stepped exactly.

    Parameters
    ----------
    M : array (n, n)
        Recurrent weights.
    tau : float
        Time constant (ms). The ``current`` of :func:`~kanerva.neuro.simulate` is h (Hz).

    Examples
    --------
    >>> from kanerva.neuro import LinearRecurrent, simulate
    >>> net = LinearRecurrent(np.array([[0.45, 0.45], [0.45, 0.45]]), tau=10.0)
    >>> run = simulate(net, 1000.0, 1.0, current=[1.0, 0.0], record=["v"])
    >>> run.traces["v"][-1].round(3)
    array([5.5, 4.5])
    """

    state_names = ("v",)
    time_constant_name = "rate"

    def __init__(self, M, tau: float = 10.0, v0=0.0):
        self.M = _checks.finite(M, "M")
        if self.M.ndim != 2 or self.M.shape[0] != self.M.shape[1]:
            raise ValueError(f"M must be a square matrix, got shape {self.M.shape}")
        self.n = _checks.count(self.M.shape[0], "number of units")
        self.tau = _checks.positive(tau, "tau")
        self.min_time_constant = self.tau
        self.v0 = v0
        self._dt = None

    def init_state(self) -> dict:
        return {"v": np.broadcast_to(_checks.finite(self.v0, "v0"), (self.n,)).astype(float)}

    def step(self, state, current, dt):
        if self._dt != dt:
            n = self.n
            big = np.zeros((2 * n, 2 * n))
            big[:n, :n] = (self.M - np.eye(n)) * dt / self.tau
            big[:n, n:] = np.eye(n) * dt
            e = expm(big)
            self._phi, self._gamma, self._dt = e[:n, :n], e[:n, n:], dt
        state["v"] = self._phi @ state["v"] + self._gamma @ (current / self.tau)
        return None


class WilsonCowan:
    """Wilson–Cowan excitatory–inhibitory populations, ``n`` independent pairs.

    Parameters
    ----------
    c1, c2, c3, c4 : float
        Coupling E→E, I→E, E→I, I→I.
    a_e, theta_e, a_i, theta_i : float
        Sigmoid slopes and thresholds.
    r_e, r_i : float
        Refractory factors.
    tau_e, tau_i : float
        Time constants (ms).
    Q : float
        External input to the inhibitory population. The ``current`` of
        :func:`~kanerva.neuro.simulate` is P, the input to the excitatory one.

    Examples
    --------
    >>> from kanerva.neuro import WilsonCowan, simulate
    >>> run = simulate(WilsonCowan(), 500.0, 0.2, current=1.25, record=["E"])
    >>> round(float(np.ptp(run.traces["E"][-1000:])), 2)  # a limit cycle: E keeps oscillating
    0.17
    """

    state_names = ("E", "I")
    time_constant_name = "population"

    def __init__(self, n: int = 1, c1=16.0, c2=12.0, c3=15.0, c4=3.0, a_e=1.3, theta_e=4.0,
                 a_i=2.0, theta_i=3.7, r_e=1.0, r_i=1.0, tau_e=8.0, tau_i=8.0, Q=0.0,
                 E0=0.1, I0=0.05):
        self.n = _checks.count(n, "n")
        self.c1, self.c2, self.c3, self.c4 = (float(c) for c in (c1, c2, c3, c4))
        self.a_e, self.theta_e, self.a_i, self.theta_i = (float(x) for x in (a_e, theta_e, a_i, theta_i))
        self.r_e, self.r_i, self.Q = float(r_e), float(r_i), float(Q)
        self.tau_e, self.tau_i = _checks.positive(tau_e, "tau_e"), _checks.positive(tau_i, "tau_i")
        self.min_time_constant = min(self.tau_e, self.tau_i)
        self.E0, self.I0 = E0, I0

    @staticmethod
    def sigmoid(x, a, theta):
        """S(x) = 1/(1 + e^{−a(x−θ)}) − 1/(1 + e^{aθ}), so that S(0) = 0."""
        return 1.0 / (1.0 + np.exp(-a * (x - theta))) - 1.0 / (1.0 + np.exp(a * theta))

    def derivative(self, E, I, P):
        """(dE/dt, dI/dt) in 1/ms."""
        dE = (-E + (1 - self.r_e * E) * self.sigmoid(self.c1 * E - self.c2 * I + P, self.a_e, self.theta_e)) / self.tau_e
        dI = (-I + (1 - self.r_i * I) * self.sigmoid(self.c3 * E - self.c4 * I + self.Q, self.a_i, self.theta_i)) / self.tau_i
        return dE, dI

    def init_state(self) -> dict:
        return {"E": np.full(self.n, float(self.E0)), "I": np.full(self.n, float(self.I0))}

    def step(self, state, current, dt):
        E, I = state["E"], state["I"]
        k1 = self.derivative(E, I, current)
        k2 = self.derivative(E + 0.5 * dt * k1[0], I + 0.5 * dt * k1[1], current)
        k3 = self.derivative(E + 0.5 * dt * k2[0], I + 0.5 * dt * k2[1], current)
        k4 = self.derivative(E + dt * k3[0], I + dt * k3[1], current)
        state["E"] = E + dt / 6 * (k1[0] + 2 * k2[0] + 2 * k3[0] + k4[0])
        state["I"] = I + dt / 6 * (k1[1] + 2 * k2[1] + 2 * k3[1] + k4[1])
        return None
