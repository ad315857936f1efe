"""Passive dendrites and axons: the cable equation and compartmental neurons.

A neurite of diameter d (µm), specific membrane resistance R_m (Ω·cm²), axial resistivity
R_a (Ω·cm) and capacitance C_m (µF/cm²) obeys the cable equation
λ² ∂²V/∂x² − τ ∂V/∂t − (V − E_L) = −r_m i_e, with λ = √(d R_m / (4 R_a)) and τ = R_m C_m
(Rall 1959; Dayan & Abbott 2001, §6.3). :class:`Compartmental` cuts a tree of neurites into
isopotential compartments joined by axial conductances (Dayan & Abbott 2001, §6.4); the
system is linear, so each step is integrated exactly with the matrix exponential
V(t+dt) = e^{A dt} V + (e^{A dt} − 1) A⁻¹ b, precomputed once per dt.

:func:`cable_steady_state` is the closed form it is checked against: a finite cable with
sealed ends and a current I injected at x = 0 settles at
V(x) − E_L = I R_∞ cosh((L − x)/λ) / sinh(L/λ), R_∞ = 4 R_a λ / (π d²).

Units: lengths µm, time ms, V mV, injected current nA, conductances µS, capacitance nF.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import expm

from . import _checks


def length_constant(diameter: float, R_m: float = 20000.0, R_a: float = 100.0) -> float:
    """λ = √(d R_m / (4 R_a)) in µm, for d in µm, R_m in Ω·cm², R_a in Ω·cm.

    Examples
    --------
    >>> round(length_constant(2.0), 1)
    1000.0
    """
    d_cm = _checks.positive(diameter, "diameter", "µm") * 1e-4
    return float(np.sqrt(d_cm * R_m / (4.0 * R_a)) * 1e4)


def cable_steady_state(x, current: float, length: float, diameter: float, R_m: float = 20000.0,
                       R_a: float = 100.0) -> np.ndarray:
    """Steady depolarisation (mV) along a sealed finite cable, current (nA) injected at x = 0.

    Examples
    --------
    >>> v = cable_steady_state([0.0, 1000.0], 0.1, 1000.0, 2.0)
    >>> v.round(2)  # input end, far end (one length constant away)
    array([41.8 , 27.09])
    """
    x = _checks.finite(x, "x", "µm")
    lam = length_constant(diameter, R_m, R_a)
    d_cm, lam_cm = diameter * 1e-4, lam * 1e-4
    r_inf = 4.0 * R_a * lam_cm / (np.pi * d_cm ** 2)          # Ω
    return current * 1e-9 * r_inf * np.cosh((length - x) / lam) / np.sinh(length / lam) * 1e3


class Compartmental:
    """A passive neuron made of cylindrical compartments joined in a tree.

    Parameters
    ----------
    parent : sequence of int
        ``parent[i]`` is the compartment that compartment ``i`` hangs from (−1 for the root);
        parents come before their children.
    length, diameter : float or sequence
        Compartment lengths and diameters (µm).
    R_m : float
        Specific membrane resistance (Ω·cm²).
    R_a : float
        Axial resistivity (Ω·cm).
    C_m : float
        Specific capacitance (µF/cm²).
    E_L : float
        Resting potential (mV).

    Notes
    -----
    ``n`` is the number of compartments; the input current (nA) of :func:`simulate` goes into
    each compartment (use an array with zeros to inject into one). Exact integration: the
    step is stable for any dt; a dt above the membrane time constant still warns, since
    inputs are held constant over the step.

    Examples
    --------
    >>> from kanerva.neuro import Compartmental, simulate
    >>> cell = Compartmental.cable(100, 1000.0, 2.0)
    >>> I = np.zeros(100); I[0] = 0.1
    >>> run = simulate(cell, 300.0, 0.5, current=I, record=["v"], units=[0, 99])
    >>> (run.traces["v"][-1] + 65).round(1)
    array([41.6, 27.1])
    """

    state_names = ("v",)
    time_constant_name = "membrane"

    def __init__(self, parent, length, diameter, R_m: float = 20000.0, R_a: float = 100.0,
                 C_m: float = 1.0, E_L: float = -65.0):
        parent = np.asarray(parent, dtype=int).reshape(-1)
        self.n = _checks.count(parent.size, "number of compartments")
        if parent[0] != -1 or np.any(parent[1:] < 0) or np.any(parent[1:] >= np.arange(1, self.n)):
            raise ValueError("parent must start with -1 (the root) and name an earlier compartment "
                             "for every other one")
        self.parent = parent
        self.length = np.broadcast_to(_checks.finite(length, "length", "µm"), (self.n,)).copy()
        self.diameter = np.broadcast_to(_checks.finite(diameter, "diameter", "µm"), (self.n,)).copy()
        if np.any(self.length <= 0) or np.any(self.diameter <= 0):
            raise ValueError("compartment lengths and diameters must be positive (µm)")
        self.R_m = _checks.positive(R_m, "R_m", "Ω·cm²")
        self.R_a = _checks.positive(R_a, "R_a", "Ω·cm")
        self.C_m = _checks.positive(C_m, "C_m", "µF/cm²")
        self.E_L = float(E_L)
        area = np.pi * self.diameter * self.length * 1e-8                 # cm²
        self.capacitance = self.C_m * area * 1e3                           # nF
        self.g_leak = area / self.R_m * 1e6                                # µS
        # axial conductance of half of each compartment, then in series child-half + parent-half
        half = np.pi * (self.diameter * 1e-4 / 2) ** 2 / (self.R_a * self.length * 1e-4 / 2) * 1e6
        G = np.diag(-self.g_leak)
        for i in range(1, self.n):
            p = parent[i]
            g = 1.0 / (1.0 / half[i] + 1.0 / half[p])
            G[i, i] -= g
            G[p, p] -= g
            G[i, p] += g
            G[p, i] += g
        self.A = G / self.capacitance[:, None]                             # 1/ms
        self.min_time_constant = self.R_m * self.C_m * 1e-3                # ms
        self._dt = None

    @classmethod
    def cable(cls, n: int, length: float, diameter: float, **kwargs) -> "Compartmental":
        """An unbranched cable of ``length`` µm cut into ``n`` equal compartments."""
        n = _checks.count(n, "n")
        return cls(np.arange(-1, n - 1), _checks.positive(length, "length", "µm") / n, diameter, **kwargs)

    def _propagators(self, dt: float):
        if self._dt != dt:
            phi = expm(self.A * dt)
            self._phi = phi
            self._gamma = np.linalg.solve(self.A.T, (phi - np.eye(self.n)).T).T   # (Φ − 1) A⁻¹
            self._dt = dt
        return self._phi, self._gamma

    def init_state(self) -> dict:
        return {"v": np.full(self.n, self.E_L)}

    def step(self, state: dict, current: np.ndarray, dt: float):
        phi, gamma = self._propagators(dt)
        b = (self.g_leak * self.E_L + current) / self.capacitance          # mV/ms
        state["v"] = phi @ state["v"] + gamma @ b
        return None
