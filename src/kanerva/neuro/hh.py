"""The Hodgkin–Huxley (1952) squid giant axon, at 6.3 °C by default.

C dV/dt = I − g_Na m³h (V − E_Na) − g_K n⁴ (V − E_K) − g_L (V − E_L), each gate
x' = α_x(V)(1 − x) − β_x(V) x, with the rate functions of Hodgkin & Huxley (1952, eqs. 20–29)
in the modern convention (resting potential −65 mV; V in mV, t in ms, I in µA/cm²,
conductances in mS/cm², C in µF/cm²). Rates scale by 3^((T − 6.3)/10) with temperature T (°C).

Scheme: exponential Euler (Rush & Larsen 1978) — each gate relaxes exactly towards x∞(V)
with τ_x(V) over the step, then V relaxes exactly towards its conductance-weighted reversal
potential with the updated gates. A spike is an upward crossing of 0 mV.

Published behaviour to check against: an action potential of about 100 mV; for a long step
from rest, a single spike from about 2.2–2.3 µA/cm² (rheobase) and repetitive firing from about
6.2–6.3 µA/cm² (the fold of limit cycles, Rinzel & Miller 1980: I ≈ 6.26), with the rest
state losing stability at the Hopf point I ≈ 9.78 µA/cm².
"""

from __future__ import annotations

import numpy as np
from scipy.special import exprel

from . import _checks


def _vtrap(x, y):
    """x / (1 − exp(−x/y)), finite at x = 0 (where it is y)."""
    return y / exprel(-x / y)


def hh_rates(v):
    """α and β (1/ms) of the gates m, h, n at 6.3 °C for membrane potentials ``v`` (mV).

    Returns ``dict(m=(α, β), h=(α, β), n=(α, β))``.

    Examples
    --------
    >>> a, b = hh_rates(-65.0)["n"]
    >>> round(float(a / (a + b)), 4)  # n at rest
    0.3177
    """
    v = np.asarray(v, dtype=float)
    return {
        "m": (0.1 * _vtrap(v + 40.0, 10.0), 4.0 * np.exp(-(v + 65.0) / 18.0)),
        "h": (0.07 * np.exp(-(v + 65.0) / 20.0), 1.0 / (1.0 + np.exp(-(v + 35.0) / 10.0))),
        "n": (0.01 * _vtrap(v + 55.0, 10.0), 0.125 * np.exp(-(v + 65.0) / 80.0)),
    }


class HodgkinHuxley:
    """Hodgkin–Huxley membranes (squid axon), vectorised over ``n`` independent patches.

    Parameters
    ----------
    n : int
        Number of neurons.
    temperature : float
        °C; the rates are multiplied by 3^((T − 6.3)/10).
    g_Na, g_K, g_L : float
        Maximal conductances (mS/cm²).
    E_Na, E_K, E_L : float
        Reversal potentials (mV).
    C : float
        Membrane capacitance (µF/cm²). Input current is in µA/cm².
    v0 : float
        Initial potential (mV); the gates start at their steady state there.

    Examples
    --------
    >>> from kanerva.neuro import HodgkinHuxley, simulate
    >>> run = simulate(HodgkinHuxley(), 50.0, 0.01, current=10.0, record=["v"])
    >>> len(run.spike_times) >= 2, float(run.traces["v"].max()) > 30
    (True, True)
    """

    state_names = ("v", "m", "h", "n")
    time_constant_name = "fastest gating (m)"

    def __init__(self, n: int = 1, temperature: float = 6.3, g_Na: float = 120.0, g_K: float = 36.0,
                 g_L: float = 0.3, E_Na: float = 50.0, E_K: float = -77.0, E_L: float = -54.387,
                 C: float = 1.0, v0: float = -65.0):
        self.n = _checks.count(n, "n")
        self.temperature = float(_checks.finite(temperature, "temperature", "°C"))
        self.phi = 3.0 ** ((self.temperature - 6.3) / 10.0)
        self.g_Na, self.g_K, self.g_L = (_checks.nonnegative(g, name, "mS/cm²")
                                         for g, name in ((g_Na, "g_Na"), (g_K, "g_K"), (g_L, "g_L")))
        self.E_Na, self.E_K, self.E_L = float(E_Na), float(E_K), float(E_L)
        self.C = _checks.positive(C, "C", "µF/cm²")
        self.v0 = float(v0)
        # the m gate is fastest: its time constant never falls below ~0.1 ms at 6.3 °C
        self.min_time_constant = 0.1 / self.phi

    def init_state(self) -> dict:
        v = np.full(self.n, self.v0)
        state = {"v": v}
        for gate, (a, b) in hh_rates(v).items():
            state[gate] = a / (a + b)
        return state

    def step(self, state: dict, current: np.ndarray, dt: float) -> np.ndarray:
        v = state["v"]
        for gate, (a, b) in hh_rates(v).items():
            total = self.phi * (a + b)
            x_inf = a / (a + b)
            state[gate] = x_inf + (state[gate] - x_inf) * np.exp(-dt * total)
        m, h, n = state["m"], state["h"], state["n"]
        g_na = self.g_Na * m ** 3 * h
        g_k = self.g_K * n ** 4
        g_tot = g_na + g_k + self.g_L
        v_inf = (g_na * self.E_Na + g_k * self.E_K + self.g_L * self.E_L + current) / g_tot
        v_new = v_inf + (v - v_inf) * np.exp(-dt * g_tot / self.C)
        fired = (v < 0.0) & (v_new >= 0.0)
        state["v"] = v_new
        return fired
