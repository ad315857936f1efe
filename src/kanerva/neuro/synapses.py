"""Synapses: conductance time courses, receptor kinetics, short-term plasticity.

Units: time ms, potentials mV, conductances relative (0..1 of the maximal conductance, which
the caller scales, e.g. in nS), transmitter concentration mM.

* Kernels (Dayan & Abbott 2001, §5.8): :func:`exponential_kernel` e^{−t/τ},
  :func:`alpha_kernel` (t/τ) e^{1 − t/τ}, :func:`biexponential_kernel` the difference of
  exponentials normalised to a peak of 1. :class:`ExpSynapse` steps the exponential exactly.
* Receptor kinetics: the two-state scheme dr/dt = α T (1 − r) − β r of Destexhe, Mainen &
  Sejnowski (1994; 1998, Table 1.1 rates) for AMPA, NMDA and GABA_A, with a transmitter
  pulse T (1 mM for 1 ms) after each presynaptic spike; NMDA's Mg²⁺ block
  B(V) = 1/(1 + e^{−0.062 V} [Mg²⁺]/3.57) (Jahr & Stevens 1990); GABA_B's G-protein cascade
  r' = K1 T (1 − r) − K2 r, s' = K3 r − K4 s, g = s⁴/(s⁴ + K_d) (Destexhe et al. 1998).
  Each step is exact for T held constant over the step (a linear ODE in r; s is integrated
  with exponential Euler).
* :func:`tsodyks_markram`: short-term depression and facilitation, the event-driven exact
  update of Tsodyks, Pawelzik & Markram (1998) in the form of Maass & Markram (2002):
  u_{k+1} = U + u_k (1 − U) e^{−Δ/τ_F}, R_{k+1} = 1 + (R_k − u_k R_k − 1) e^{−Δ/τ_D},
  amplitude_k = A u_k R_k.
"""

from __future__ import annotations

import numpy as np

from . import _checks


def exponential_kernel(t, tau: float = 5.0) -> np.ndarray:
    """e^{−t/τ} for t ≥ 0 (ms), 0 before.

    Examples
    --------
    >>> exponential_kernel([-1.0, 0.0, 5.0]).round(3)
    array([0.   , 1.   , 0.368])
    """
    t = _checks.finite(t, "t", "ms")
    tau = _checks.positive(tau, "tau")
    return np.where(t >= 0, np.exp(-np.maximum(t, 0) / tau), 0.0)


def alpha_kernel(t, tau: float = 5.0) -> np.ndarray:
    """(t/τ) e^{1 − t/τ}: peaks at 1 when t = τ (ms).

    Examples
    --------
    >>> alpha_kernel([0.0, 5.0, 10.0]).round(3)
    array([0.   , 1.   , 0.736])
    """
    t = _checks.finite(t, "t", "ms")
    tau = _checks.positive(tau, "tau")
    tp = np.maximum(t, 0) / tau
    return np.where(t >= 0, tp * np.exp(1 - tp), 0.0)


def biexponential_kernel(t, tau_rise: float = 1.0, tau_decay: float = 5.0) -> np.ndarray:
    """(e^{−t/τ_d} − e^{−t/τ_r}) scaled to a peak of 1 (at t* = τ_r τ_d ln(τ_d/τ_r)/(τ_d − τ_r)).

    Examples
    --------
    >>> float(biexponential_kernel(np.linspace(0, 30, 3001)).max().round(6))
    1.0
    """
    t = _checks.finite(t, "t", "ms")
    tr, td = _checks.positive(tau_rise, "tau_rise"), _checks.positive(tau_decay, "tau_decay")
    if not tr < td:
        raise ValueError(f"tau_rise ({tr} ms) must be shorter than tau_decay ({td} ms)")
    t_peak = tr * td * np.log(td / tr) / (td - tr)
    norm = np.exp(-t_peak / td) - np.exp(-t_peak / tr)
    tp = np.maximum(t, 0)
    return np.where(t >= 0, (np.exp(-tp / td) - np.exp(-tp / tr)) / norm, 0.0)


class ExpSynapse:
    """Exponentially decaying synaptic variables, jumping by the input at each step.

    g(t + dt) = g(t) e^{−dt/τ} + x, where ``x`` (the ``current`` of :func:`simulate`) is the
    summed weight of the spikes arriving in the step: exact for spikes at step boundaries.

    Examples
    --------
    >>> from kanerva.neuro import ExpSynapse, simulate
    >>> x = np.zeros(100); x[0] = 1.0
    >>> run = simulate(ExpSynapse(tau=5.0), 10.0, 0.1, current=x, record=["g"])
    >>> round(float(run.traces["g"][50, 0]), 4)  # 5 ms after the spike
    0.3679
    """

    state_names = ("g",)
    time_constant_name = "synaptic"

    def __init__(self, n: int = 1, tau: float = 5.0):
        self.n = _checks.count(n, "n")
        self.tau = _checks.positive(tau, "tau")
        self.min_time_constant = self.tau

    def init_state(self) -> dict:
        return {"g": np.zeros(self.n)}

    def step(self, state, current, dt):
        state["g"] = state["g"] * np.exp(-dt / self.tau) + current
        return None


#: two-state kinetic rates (α 1/(mM·ms), β 1/ms) and reversal potentials (mV),
#: Destexhe, Mainen & Sejnowski (1998), Table 1.1
RECEPTORS = {
    "AMPA": {"alpha": 1.1, "beta": 0.19, "E": 0.0},
    "NMDA": {"alpha": 0.072, "beta": 0.0066, "E": 0.0},
    "GABA_A": {"alpha": 5.0, "beta": 0.18, "E": -80.0},
}
#: GABA_B cascade (Destexhe et al. 1998): K1 1/(mM·ms), K2, K3, K4 1/ms, K_d, n, E mV
GABA_B = {"K1": 0.09, "K2": 0.0012, "K3": 0.18, "K4": 0.034, "Kd": 100.0, "n": 4, "E": -95.0}


def mg_block(v, mg: float = 1.0) -> np.ndarray:
    """Fraction of NMDA conductance not blocked by Mg²⁺ (Jahr & Stevens 1990), v in mV, [Mg²⁺] mM.

    Examples
    --------
    >>> mg_block([-80.0, -20.0, 0.0, 40.0]).round(3)
    array([0.024, 0.508, 0.781, 0.977])
    """
    v = _checks.finite(v, "v", "mV")
    return 1.0 / (1.0 + np.exp(-0.062 * v) * _checks.nonnegative(mg, "mg", "mM") / 3.57)


class Receptor:
    """Kinetic receptor synapses (AMPA, NMDA, GABA_A, GABA_B), one per unit.

    Parameters
    ----------
    kind : {"AMPA", "NMDA", "GABA_A", "GABA_B"}
    n : int
        Number of synapses.
    pulse_ms, pulse_mM : float
        Transmitter pulse released per presynaptic spike (duration ms, concentration mM).

    Notes
    -----
    The ``current`` of :func:`simulate` is the presynaptic spike indicator (1 where a spike
    arrives in the step). State ``g`` is the open fraction (0..1; for GABA_B the activated
    fraction s⁴/(s⁴ + K_d)); multiply by g_max and the driving force (and by :func:`mg_block`
    for NMDA) for the synaptic current: :meth:`current` does it.

    Examples
    --------
    >>> from kanerva.neuro import Receptor, simulate
    >>> spike = np.zeros(2000); spike[0] = 1
    >>> run = simulate(Receptor("AMPA"), 20.0, 0.01, current=spike, record=["g"])
    >>> float(run.t[run.traces["g"][:, 0].argmax()])  # peaks at the end of the 1 ms pulse
    1.0
    """

    time_constant_name = "receptor"

    def __init__(self, kind: str, n: int = 1, pulse_ms: float = 1.0, pulse_mM: float = 1.0):
        if kind not in (*RECEPTORS, "GABA_B"):
            raise ValueError(f"unknown receptor {kind!r}; choose from {[*RECEPTORS, 'GABA_B']}")
        self.kind = kind
        self.n = _checks.count(n, "n")
        self.pulse_ms = _checks.positive(pulse_ms, "pulse_ms")
        self.pulse_mM = _checks.nonnegative(pulse_mM, "pulse_mM", "mM")
        self.E = GABA_B["E"] if kind == "GABA_B" else RECEPTORS[kind]["E"]
        self.state_names = ("g", "r", "s") if kind == "GABA_B" else ("g", "r")
        if kind == "GABA_B":
            self.min_time_constant = 1.0 / (GABA_B["K1"] * self.pulse_mM + GABA_B["K3"] + 1e-12)
        else:
            p = RECEPTORS[kind]
            self.min_time_constant = 1.0 / (p["alpha"] * self.pulse_mM + p["beta"])

    def init_state(self) -> dict:
        state = {"g": np.zeros(self.n), "r": np.zeros(self.n), "release": np.zeros(self.n)}
        if self.kind == "GABA_B":
            state["s"] = np.zeros(self.n)
        return state

    def step(self, state, current, dt):
        # the transmitter pulse: T = pulse_mM for pulse_ms after each spike
        state["release"] = np.where(current > 0, self.pulse_ms, state["release"])
        on = np.minimum(state["release"], dt)                    # time with T > 0 in this step
        state["release"] = np.maximum(state["release"] - dt, 0.0)
        T = self.pulse_mM
        if self.kind == "GABA_B":
            k1, k2, k3, k4 = (GABA_B[k] for k in ("K1", "K2", "K3", "K4"))
            rates_on, inf_on = k1 * T + k2, k1 * T / (k1 * T + k2)
            decay_off = k2
        else:
            p = RECEPTORS[self.kind]
            rates_on, inf_on = p["alpha"] * T + p["beta"], p["alpha"] * T / (p["alpha"] * T + p["beta"])
            decay_off = p["beta"]
        r = state["r"]
        r = inf_on + (r - inf_on) * np.exp(-rates_on * on)     # exact while T is on
        r = r * np.exp(-decay_off * (dt - on))                  # and after
        state["r"] = r
        if self.kind == "GABA_B":
            s_inf = k3 * r / k4
            state["s"] = s_inf + (state["s"] - s_inf) * np.exp(-k4 * dt)
            s4 = state["s"] ** GABA_B["n"]
            state["g"] = s4 / (s4 + GABA_B["Kd"])
        else:
            state["g"] = r
        return None

    def current(self, g, v, g_max: float = 1.0, mg: float = 1.0) -> np.ndarray:
        """Synaptic current g_max · g · (v − E) (· B(v) for NMDA): nA when g_max is in µS, v in mV.

        >>> Receptor("NMDA").current(1.0, -20.0, g_max=1.0).round(2)
        np.float64(-10.16)
        """
        v = _checks.finite(v, "v", "mV")
        out = g_max * np.asarray(g, dtype=float) * (v - self.E)
        return out * mg_block(v, mg) if self.kind == "NMDA" else out


def tsodyks_markram(spike_times, U: float = 0.5, tau_d: float = 800.0, tau_f: float = 0.0,
                    A: float = 1.0) -> np.ndarray:
    """Amplitudes of the postsynaptic responses to a presynaptic spike train (times in ms).

    Parameters
    ----------
    spike_times : array
        Sorted presynaptic spike times (ms).
    U : float
        Utilisation of synaptic efficacy (0 < U ≤ 1), the release fraction at rest.
    tau_d, tau_f : float
        Recovery (depression) and facilitation time constants (ms); ``tau_f = 0`` means no
        facilitation (u stays U).
    A : float
        Absolute efficacy (the response when u = R = 1).

    Examples
    --------
    >>> tsodyks_markram([0.0, 20.0, 40.0, 60.0], U=0.5, tau_d=800.0).round(3)
    array([0.5  , 0.256, 0.137, 0.079])
    >>> tsodyks_markram([0.0, 20.0, 40.0], U=0.1, tau_d=100.0, tau_f=1000.0).round(3)  # facilitates
    array([0.1  , 0.173, 0.211])
    """
    t = _checks.spike_train(spike_times, "spike_times")
    if not 0 < U <= 1:
        raise ValueError(f"U must lie in (0, 1], got {U!r}")
    tau_d = _checks.positive(tau_d, "tau_d")
    tau_f = _checks.nonnegative(tau_f, "tau_f")
    out = np.empty(t.size)
    u, R = U, 1.0
    for k in range(t.size):
        if k:
            gap = t[k] - t[k - 1]
            R = 1.0 + (R - u * R - 1.0) * np.exp(-gap / tau_d)
            u = U + u * (1.0 - U) * np.exp(-gap / tau_f) if tau_f > 0 else U
        out[k] = A * u * R
    return out


def depression_steady_state(rate: float, U: float = 0.5, tau_d: float = 800.0) -> float:
    """Steady-state amplitude U·R_∞ of a depressing synapse driven at a regular ``rate`` (Hz).

    R_∞ = (1 − e^{−Δ/τ_D}) / (1 − (1 − U) e^{−Δ/τ_D}), Δ = 1000/rate ms (Tsodyks & Markram 1997).

    Examples
    --------
    >>> round(depression_steady_state(50.0), 4)
    0.0241
    """
    gap = 1000.0 / _checks.positive(rate, "rate", "Hz")
    e = np.exp(-gap / _checks.positive(tau_d, "tau_d"))
    return float(U * (1 - e) / (1 - (1 - U) * e))
