"""The one integrator of kanerva.neuro: a clock-driven loop with recorders.

Every model of the package (a neuron, a compartmental cell, a spiking network, a rate model)
is a *stepper*: an object with ``n`` (number of units), ``state_names``, ``init_state()`` and
``step(state, current, dt) -> spikes`` that advances its arrays by one step ``dt`` (ms) in
place, vectorised over units, and returns which units spiked (a bool array, or ``None``).
:func:`simulate` owns the clock, the input and the recorders, so every model is run, checked
and recorded the same way. A stepper may also offer ``advance(state, current, dt, steps)``,
the same steps without returning to Python in between (the compiled spiking network does);
:func:`simulate` uses it when the input is fixed and no state variable is recorded.

Each stepper documents its scheme: exact integration where the dynamics between events are
linear (LIF membrane, passive cable via the matrix exponential, exponential synapses,
linear rate networks), exponential Euler for conductance-based membranes (Hodgkin–Huxley,
Rush & Larsen 1978), RK4 for the theta neuron and Wilson–Cowan, and the published scheme for
Izhikevich (2003).

Units: time ms, membrane potential mV, rates Hz; currents in the unit the model states.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import _checks


@dataclass
class Run:
    """What :func:`simulate` recorded.

    Attributes
    ----------
    duration, dt : float
        Simulated time and step (ms).
    n : int
        Number of units in the model.
    spike_times : ndarray
        Spike times (ms), sorted; a model that knows spike times within a step (LIF) records
        them exactly, others record the end of the step.
    spike_units : ndarray of int
        The unit that fired each spike.
    t : ndarray
        Times (ms) of the recorded states (the end of each recorded step).
    traces : dict
        ``name -> array (len(t), len(recorded units))`` for each recorded state variable.
    units : ndarray of int
        Which units the traces hold.
    start : float
        Time (ms) at which the run began (0, or where a continued state left off).

    Examples
    --------
    >>> from kanerva.neuro import LIF, simulate
    >>> run = simulate(LIF(), 1000.0, 0.1, current=2.0)
    >>> run.rates()
    array([63.])
    >>> len(run.trains()[0])
    63
    """

    duration: float
    dt: float
    n: int
    spike_times: np.ndarray
    spike_units: np.ndarray
    t: np.ndarray
    traces: dict = field(default_factory=dict)
    units: np.ndarray = field(default_factory=lambda: np.zeros(0, int))
    start: float = 0.0

    def trains(self) -> list[np.ndarray]:
        """One sorted array of spike times (ms) per unit."""
        order = np.argsort(self.spike_units, kind="stable")
        bounds = np.searchsorted(self.spike_units[order], np.arange(self.n + 1))
        times = self.spike_times[order]
        return [times[bounds[i]:bounds[i + 1]] for i in range(self.n)]

    def rates(self, t_start: float = 0.0) -> np.ndarray:
        """Mean firing rate (Hz) of each unit from ``t_start`` ms after the run began to its end."""
        if not 0 <= t_start < self.duration:
            raise ValueError(f"t_start must lie in [0, {self.duration:g}) ms, got {t_start!r}")
        keep = self.spike_times >= self.start + t_start
        counts = np.bincount(self.spike_units[keep], minlength=self.n)
        return counts / ((self.duration - t_start) / 1000.0)

    def population_rate(self, bin_ms: float | None = None) -> tuple[np.ndarray, np.ndarray]:
        """``(bin centres (ms), mean rate per unit (Hz))`` of the whole population."""
        width = self.dt if bin_ms is None else _checks.positive(bin_ms, "bin_ms")
        edges = self.start + np.arange(0.0, self.duration + 0.5 * width, width)
        counts, _ = np.histogram(self.spike_times, edges)
        return 0.5 * (edges[1:] + edges[:-1]), counts / (self.n * width / 1000.0)


def _current_source(current, n: int, steps: int, dt: float):
    """A function ``k -> current array for step k`` from a scalar, (n,), (steps,), (steps, n) or callable."""
    if callable(current):
        def source(k):
            value = np.broadcast_to(np.asarray(current(k * dt), dtype=float), (n,))
            if not np.isfinite(value).all():
                raise ValueError(f"current returned a non-finite value at t = {k * dt:g} ms")
            return value
        return source
    arr = _checks.finite(current, "current")
    if arr.ndim == 0 or arr.shape == (n,):  # (n,) wins when n == steps: one value per unit
        fixed = np.broadcast_to(arr, (n,)).copy()
        return lambda k: fixed
    if arr.ndim == 1 and arr.shape[0] == steps:
        return lambda k: np.full(n, arr[k])
    if arr.ndim == 2 and arr.shape == (steps, n):
        return lambda k: arr[k]
    raise ValueError(f"current must be a scalar, shape ({n},), ({steps},) or ({steps}, {n}) "
                     f"for {steps} steps of {n} units, got shape {arr.shape}")


def simulate(model, duration: float, dt: float, current=0.0, *, record=(), units=None,
             record_every: int = 1, state: dict | None = None) -> Run:
    """Run ``model`` for ``duration`` ms in steps of ``dt`` ms and record what is asked.

    Parameters
    ----------
    model : stepper
        Any model of :mod:`kanerva.neuro` (see the module docstring for the protocol).
    duration, dt : float
        Simulated time and time step (ms). A ``dt`` larger than a time constant of the model
        warns with :class:`~kanerva.neuro.UnstableStepWarning`.
    current : float, array or callable
        Input to every unit, held constant within each step, in the model's current unit:
        a scalar, one value per unit ``(n,)``, one per step ``(steps,)``, one per step and unit
        ``(steps, n)``, or a function of time ``t (ms) -> (n,)``. Must be finite.
    record : sequence of str
        State variables to record (names from ``model.state_names``).
    units : array of int, optional
        Units whose states are recorded (all by default).
    record_every : int
        Record every this many steps.
    state : dict, optional
        Initial state (from ``model.init_state()`` or a previous run); updated in place.

    Returns
    -------
    Run

    Examples
    --------
    >>> from kanerva.neuro import LIF, simulate
    >>> run = simulate(LIF(), 100.0, 0.1, current=2.0, record=["v"], units=[0])
    >>> run.traces["v"].shape, round(float(run.traces["v"].max()), 1)
    ((1000, 1), -50.0)
    """
    duration = _checks.positive(duration, "duration")
    dt = _checks.positive(dt, "dt")
    record_every = _checks.count(record_every, "record_every")
    steps = int(round(duration / dt))
    if steps < 1:
        raise ValueError(f"duration ({duration:g} ms) is shorter than one step dt ({dt:g} ms)")
    n = _checks.count(model.n, "number of units")
    tau = getattr(model, "min_time_constant", None)
    if tau is not None:
        _checks.step_vs_tau(dt, float(tau), getattr(model, "time_constant_name", "model"))
    for name in record:
        if name not in model.state_names:
            raise ValueError(f"cannot record {name!r}: {type(model).__name__} has states "
                             f"{list(model.state_names)}")
    units = np.arange(n) if units is None else np.asarray(units, dtype=int).reshape(-1)
    if units.size and (units.min() < 0 or units.max() >= n):
        raise ValueError(f"units must lie in [0, {n}), got {units.min()}..{units.max()}")
    source = _current_source(current, n, steps, dt)
    state = model.init_state() if state is None else state
    t0 = float(state.get("t", 0.0)) if isinstance(state, dict) else 0.0
    n_rec = steps // record_every
    traces = {name: np.empty((n_rec, units.size)) for name in record}
    spike_t, spike_u = [], []
    precise = getattr(model, "precise_spike_times", False)
    fast = getattr(model, "advance", None)
    fixed = not callable(current) and np.ndim(current) <= 1 and np.size(current) in (1, n) \
        and not (np.ndim(current) == 1 and np.size(current) == steps and steps != n)
    if fast is not None and fixed and not record and not precise:
        got = fast(state, source(0), dt, steps)      # the model runs its steps without Python
        if got is not None:
            k_idx, u_idx = got
            spike_t.append(t0 + k_idx * dt + dt)          # as the step loop computes it
            spike_u.append(u_idx)
            steps_left = 0
        else:
            steps_left = steps
    else:
        steps_left = steps
    for k in range(steps - steps_left, steps):
        fired = model.step(state, source(k), dt)
        if fired is not None:
            idx = np.flatnonzero(fired)
            if idx.size:
                spike_u.append(idx)
                when = state["spike_time"][idx] if precise else np.full(idx.size, dt)
                spike_t.append(t0 + k * dt + when)
        if record and (k + 1) % record_every == 0:
            row = (k + 1) // record_every - 1
            for name in record:
                traces[name][row] = state[name][units]
    state["t"] = t0 + steps * dt
    times = np.concatenate(spike_t) if spike_t else np.zeros(0)
    who = np.concatenate(spike_u) if spike_u else np.zeros(0, dtype=int)
    order = np.argsort(times, kind="stable")
    t_rec = t0 + dt * record_every * np.arange(1, n_rec + 1)
    return Run(duration=steps * dt, dt=dt, n=n, spike_times=times[order], spike_units=who[order],
               t=t_rec, traces=traces, units=units, start=t0)
