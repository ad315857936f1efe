"""Point neurons: leaky integrate-and-fire, the theta neuron, Izhikevich (2003).

Units: time ms, membrane potential mV, current nA (LIF; resistance in MΩ so that R·I is in
mV), dimensionless input for the theta and Izhikevich models (as in their papers), rates Hz.

* :class:`LIF`: τ dV/dt = −(V − E_L) + R I, spike at V_th, reset to V_reset, refractory for
  t_ref. Integrated exactly for input held constant within a step, spike times included (the
  threshold crossing is solved in closed form inside the step), so a simulated f–I curve
  matches :func:`lif_rate`, r = 1/(t_ref + τ ln((RI + E_L − V_reset)/(RI + E_L − V_th)))
  (Dayan & Abbott 2001, eq. 5.11, with a refractory period), to rounding.
* :class:`Theta`: the canonical type-I neuron of Ermentrout & Kopell (1986),
  τ dθ/dt = (1 − cos θ) + (1 + cos θ) I, a spike when θ passes π; RK4. Rate √I/(π τ)
  (:func:`theta_rate`).
* :class:`Izhikevich`: v' = 0.04v² + 5v + 140 − u + I, u' = a(bv − u), at v ≥ 30 mV:
  v ← c, u ← u + d (Izhikevich 2003, eqs. 1–3), stepped as in the paper's code (v in two
  half steps, then u). :data:`IZHIKEVICH_PARAMS` holds the seven published parameter sets
  (Izhikevich 2003, Fig. 2).
"""

from __future__ import annotations

import numpy as np

from . import _checks

#: (a, b, c, d) of Izhikevich (2003), Fig. 2: regular spiking, intrinsically bursting,
#: chattering, fast spiking, low-threshold spiking, thalamo-cortical, resonator.
IZHIKEVICH_PARAMS = {
    "RS": (0.02, 0.2, -65.0, 8.0),
    "IB": (0.02, 0.2, -55.0, 4.0),
    "CH": (0.02, 0.2, -50.0, 2.0),
    "FS": (0.1, 0.2, -65.0, 2.0),
    "LTS": (0.02, 0.25, -65.0, 2.0),
    "TC": (0.02, 0.25, -65.0, 0.05),
    "RZ": (0.1, 0.26, -65.0, 2.0),
}


def lif_rate(current, tau_m: float = 10.0, R: float = 10.0, E_L: float = -65.0,
             V_th: float = -50.0, V_reset: float = -65.0, t_ref: float = 2.0) -> np.ndarray:
    """Analytic firing rate (Hz) of a LIF neuron under constant current (nA).

    r = 1000 / (t_ref + τ ln((R I + E_L − V_reset)/(R I + E_L − V_th))) above rheobase
    (R I + E_L > V_th), 0 below; τ, t_ref in ms, R in MΩ, potentials in mV.

    Examples
    --------
    >>> lif_rate([1.0, 2.0, 5.0]).round(2)
    array([  0.  ,  63.04, 179.64])
    """
    current = _checks.finite(current, "current", "nA")
    drive = R * current + E_L
    above = drive > V_th
    safe = np.where(above, drive, V_th + 1.0)
    period = t_ref + tau_m * np.log((safe - V_reset) / (safe - V_th))
    return np.where(above, 1000.0 / period, 0.0)


class LIF:
    """Leaky integrate-and-fire neurons with an absolute refractory period.

    Parameters
    ----------
    n : int
        Number of neurons.
    tau_m : float
        Membrane time constant (ms).
    R : float
        Membrane resistance (MΩ); input current is in nA.
    E_L, V_th, V_reset : float
        Resting, threshold and reset potentials (mV).
    t_ref : float
        Refractory period (ms), during which V is held at V_reset.
    v0 : float, optional
        Initial potential (mV); E_L by default.

    Notes
    -----
    Exact integration: over a step with constant I, V(t+h) = V∞ + (V − V∞) e^{−h/τ},
    V∞ = E_L + R I; a crossing of V_th inside the step is timed exactly
    (t* = τ ln((V − V∞)/(V_th − V∞))) and the refractory clock starts there. At most one spike
    per neuron per step (so keep dt below t_ref).

    Examples
    --------
    >>> from kanerva.neuro import LIF, simulate
    >>> run = simulate(LIF(n=2), 1000.0, 0.1, current=[1.6, 2.0])
    >>> run.rates()
    array([33., 63.])
    """

    state_names = ("v", "ref", "spike_time")
    precise_spike_times = True
    time_constant_name = "membrane"

    def __init__(self, n: int = 1, tau_m: float = 10.0, R: float = 10.0, E_L: float = -65.0,
                 V_th: float = -50.0, V_reset: float = -65.0, t_ref: float = 2.0, v0=None):
        self.n = _checks.count(n, "n")
        self.tau_m = _checks.positive(tau_m, "tau_m")
        self.R = _checks.positive(R, "R", "MΩ")
        self.t_ref = _checks.nonnegative(t_ref, "t_ref")
        self.E_L, self.V_th, self.V_reset = (float(x) for x in (E_L, V_th, V_reset))
        if not self.V_reset < self.V_th:
            raise ValueError(f"V_reset ({V_reset} mV) must lie below V_th ({V_th} mV)")
        self.v0 = self.E_L if v0 is None else v0
        self.min_time_constant = self.tau_m

    def init_state(self) -> dict:
        v = np.broadcast_to(_checks.finite(self.v0, "v0", "mV"), (self.n,)).astype(float)
        return {"v": v, "ref": np.zeros(self.n), "spike_time": np.zeros(self.n)}

    def step(self, state: dict, current: np.ndarray, dt: float) -> np.ndarray:
        v, ref = state["v"], state["ref"]
        v_inf = self.E_L + self.R * current
        free = np.maximum(dt - ref, 0.0)             # time of this step outside refractoriness
        ref -= np.minimum(ref, dt)
        v_new = v_inf + (v - v_inf) * np.exp(-free / self.tau_m)
        fired = v_new >= self.V_th
        if fired.any():
            i = np.flatnonzero(fired)
            vi, vinf = v[i], v_inf[i]
            ratio = np.where(vi < self.V_th, (vi - vinf) / (self.V_th - vinf), 1.0)
            t_cross = self.tau_m * np.log(np.maximum(ratio, 1.0))
            t_spike = np.minimum((dt - free[i]) + t_cross, dt)
            state["spike_time"][i] = t_spike
            ref_after = self.t_ref - (dt - t_spike)
            late = np.minimum(ref_after, 0.0)        # refractoriness ended inside this step
            v_new[i] = vinf + (self.V_reset - vinf) * np.exp(late / self.tau_m)
            ref[i] = np.maximum(ref_after, 0.0)
        v[:] = v_new
        return fired


def theta_rate(current, tau: float = 10.0) -> np.ndarray:
    """Analytic rate (Hz) of the theta neuron: √I/(π τ) for I > 0, else 0 (τ in ms).

    Examples
    --------
    >>> theta_rate([-1.0, 1.0]).round(3)
    array([ 0.   , 31.831])
    """
    current = _checks.finite(current, "current")
    tau = _checks.positive(tau, "tau")
    return np.where(current > 0, 1000.0 * np.sqrt(np.maximum(current, 0)) / (np.pi * tau), 0.0)


class Theta:
    """Theta neurons (Ermentrout & Kopell 1986): τ dθ/dt = (1 − cos θ) + (1 + cos θ) I.

    A spike is the phase passing π; θ is kept in (−π, π]. Input ``I`` is dimensionless;
    stepped with classical RK4.

    Examples
    --------
    >>> from kanerva.neuro import Theta, simulate
    >>> run = simulate(Theta(tau=10.0), 500.0, 0.1, current=1.0)
    >>> 1000 / np.diff(run.spike_times).mean(), round(float(theta_rate(1.0)[()]), 2)  # Hz
    (np.float64(31.8...), 31.83)
    """

    state_names = ("theta",)
    time_constant_name = "theta-neuron"

    def __init__(self, n: int = 1, tau: float = 10.0, theta0: float = -np.pi / 2):
        self.n = _checks.count(n, "n")
        self.tau = _checks.positive(tau, "tau")
        self.theta0 = float(theta0)
        self.min_time_constant = self.tau

    def init_state(self) -> dict:
        return {"theta": np.full(self.n, self.theta0)}

    def step(self, state: dict, current: np.ndarray, dt: float) -> np.ndarray:
        def f(th):
            c = np.cos(th)
            return ((1 - c) + (1 + c) * current) / self.tau
        th = state["theta"]
        k1 = f(th)
        k2 = f(th + 0.5 * dt * k1)
        k3 = f(th + 0.5 * dt * k2)
        k4 = f(th + dt * k3)
        new = th + dt / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)
        fired = new > np.pi
        state["theta"] = np.where(fired, new - 2 * np.pi, new)
        return fired


class Izhikevich:
    """Izhikevich (2003) neurons: v' = 0.04v² + 5v + 140 − u + I, u' = a(bv − u).

    Parameters
    ----------
    a, b, c, d : float or array
        Recovery time scale (1/ms), sensitivity of u to v, reset potential (mV) and reset
        increment of u; see :data:`IZHIKEVICH_PARAMS` and :meth:`pattern`.
    n : int
        Number of neurons.
    v0 : float, optional
        Initial potential (mV); u starts at b·v0. Default: the resting potential
        (:meth:`resting_potential`).

    Notes
    -----
    The paper's scheme: v advanced in two half steps of dt/2, then u by dt with the new v;
    a spike when v ≥ 30 mV. The published step is 1 ms (dt ≤ 1 ms; 0.1–0.25 ms is smoother).
    State ``vm`` is v with spikes drawn at the 30 mV peak (for plots).

    Examples
    --------
    >>> from kanerva.neuro import Izhikevich, simulate
    >>> run = simulate(Izhikevich.pattern("FS"), 500.0, 0.25, current=10.0)
    >>> bool(run.rates()[0] > 50)
    True
    """

    state_names = ("v", "u", "vm")
    time_constant_name = "Izhikevich (published step 1 ms)"
    min_time_constant = 1.0

    def __init__(self, a=0.02, b=0.2, c=-65.0, d=8.0, n: int = 1, v0: float | None = None):
        self.n = _checks.count(n, "n")
        self.a, self.b, self.c, self.d = (np.broadcast_to(_checks.finite(x, name), (self.n,))
                                          for x, name in ((a, "a"), (b, "b"), (c, "c"), (d, "d")))
        self.v0 = self.resting_potential() if v0 is None else np.broadcast_to(float(v0), (self.n,))

    def resting_potential(self) -> np.ndarray:
        """Stable rest (mV) with no input: the lower root of 0.04v² + (5 − b)v + 140 = 0.

        >>> Izhikevich.pattern("RS").resting_potential().round(2)
        array([-70.])
        """
        disc = (5.0 - self.b) ** 2 - 4 * 0.04 * 140.0
        if np.any(disc < 0):
            raise ValueError("no resting state for these parameters (the neuron fires without input)")
        return (-(5.0 - self.b) - np.sqrt(disc)) / 0.08

    @classmethod
    def pattern(cls, name: str, n: int = 1, v0: float | None = None) -> "Izhikevich":
        """Neurons with one of the seven published parameter sets (``"RS"``, ``"IB"``, ...)."""
        if name not in IZHIKEVICH_PARAMS:
            raise ValueError(f"unknown Izhikevich pattern {name!r}; choose from {sorted(IZHIKEVICH_PARAMS)}")
        return cls(*IZHIKEVICH_PARAMS[name], n=n, v0=v0)

    def init_state(self) -> dict:
        v = np.array(self.v0, dtype=float)
        return {"v": v, "u": self.b * v, "vm": v.copy()}

    def step(self, state: dict, current: np.ndarray, dt: float) -> np.ndarray:
        v, u = state["v"], state["u"]
        for _ in range(2):
            v += 0.5 * dt * (0.04 * v * v + 5.0 * v + 140.0 - u + current)
            np.minimum(v, 30.0, out=v)  # no overflow once past the peak
        u += dt * self.a * (self.b * v - u)
        fired = v >= 30.0
        state["vm"] = v.copy()
        if fired.any():
            v[fired] = self.c[fired]
            u[fired] += self.d[fired]
        return fired
