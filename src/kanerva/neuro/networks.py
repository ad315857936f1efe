"""Spiking networks of LIF neurons, and Brunel's (2000) sparse random network with its theory.

Units: time ms, potentials mV, rates Hz. Synaptic weights are voltage jumps (mV) for
``synapse="delta"``, current amplitudes in mV (R·I) for ``"current"``, and conductances in
units of the leak conductance for ``"conductance"``.

:class:`LIFNetwork` is a stepper for :func:`~kanerva.neuro.simulate`. Each step: the
membrane (and the synaptic variables) advance exactly over dt (linear dynamics: e^{−dt/τ}
for delta synapses; the exact two-exponential propagator for exponential currents, Rotter &
Diesmann 1999; exponential Euler for conductances, whose equation is linear in V for fixed
g); neurons above threshold spike, reset and stay refractory (clamped at V_reset, deaf to
input) for t_ref; the spikes that arrive in the step (after their delay, from a ring buffer)
and the external Poisson input are added. Spikes are timed at the end of the step (the
clock-driven convention, as in brian2 and NEST's grid models).

Brunel (2000): N_E = 0.8 N excitatory and N_I = 0.2 N inhibitory LIF neurons (τ = 20 ms,
θ = 20 mV, V_r = 10 mV, τ_rp = 2 ms), each receiving C_E = εN_E excitatory synapses of J and
C_I = γC_E inhibitory of −gJ after a delay D, and C_E external Poisson inputs at ν_ext,
expressed as a multiple of ν_thr = θ/(J C_E τ). Its mean-field rate (eqs. 4–5, 21),
1/ν = τ_rp + τ√π ∫_{(V_r−μ)/σ}^{(θ−μ)/σ} e^{u²}(1 + erf u) du with
μ = C_E J τ (ν_ext + ν(1 − gγ)), σ² = J² C_E τ (ν_ext + ν(1 + g²γ)), is
:func:`brunel_rate`; the states of its phase diagram (Fig. 8) are synchronous regular
(g = 3, ν_ext/ν_thr = 2), asynchronous irregular (g = 5, 2), synchronous irregular fast
(g = 6, 4) and slow (g = 4.5, 0.9).
"""

from __future__ import annotations

import numpy as np
from . import _checks


def fixed_indegree(n_pre: int, n_post: int, k: int, seed=None):
    """Random connections: each of ``n_post`` neurons gets ``k`` distinct presynaptic partners.

    Returns ``(pre, post)`` int32 arrays of length ``n_post · k``.

    Examples
    --------
    >>> pre, post = fixed_indegree(10, 4, 3, seed=0)
    >>> np.bincount(post).tolist(), len(set(zip(pre.tolist(), post.tolist())))
    ([3, 3, 3, 3], 12)
    """
    n_pre, n_post = _checks.count(n_pre, "n_pre"), _checks.count(n_post, "n_post")
    k = _checks.count(k, "k", 0)
    if k > n_pre:
        raise ValueError(f"k ({k}) must not exceed n_pre ({n_pre}) without repeated synapses")
    rng = np.random.default_rng(seed)
    # draw with replacement, then redraw repeated partners until every row is distinct: by
    # symmetry each k-subset stays equally likely (a rejection sampler, row by row)
    pre = rng.integers(0, n_pre, (n_post, k), dtype=np.int64 if n_pre >= 2 ** 31 else np.int32)
    while k > 1:
        pre.sort(axis=1)
        dup = np.zeros(pre.shape, dtype=bool)
        dup[:, 1:] = pre[:, 1:] == pre[:, :-1]
        m = int(dup.sum())
        if m == 0:
            break
        pre[dup] = rng.integers(0, n_pre, m)
    post = np.repeat(np.arange(n_post, dtype=np.int32), k)
    return pre.ravel(), post


class LIFNetwork:
    """A network of LIF neurons with delta, exponential-current or conductance synapses.

    Parameters
    ----------
    n : int
        Number of neurons.
    pre, post : int arrays
        One entry per synapse: presynaptic and postsynaptic neuron.
    weight : float array
        Per synapse, or per presynaptic neuron (length n): mV for ``"delta"`` and
        ``"current"``, leak-conductance units for ``"conductance"``. The sign picks the
        channel for ``"current"``/``"conductance"`` (negative: inhibitory).
    delay : float or float array
        Synaptic delay (ms), one for all or one per synapse; rounded to whole steps (≥ 1).
    synapse : {"delta", "current", "conductance"}
    tau_m, E_L, V_th, V_reset, t_ref : float
        Membrane time constant (ms), rest, threshold and reset (mV), refractory period (ms).
    tau_exc, tau_inh : float
        Synaptic time constants (ms) of the excitatory and inhibitory channels.
    E_exc, E_inh : float
        Reversal potentials (mV) for ``"conductance"``.
    ext_rate, ext_synapses, ext_weight : float, int, float
        External Poisson drive: ``ext_synapses`` inputs per neuron at ``ext_rate`` Hz each,
        of ``ext_weight`` into the excitatory channel.
    mu : float
        Constant drive (mV) added to E_L as R·I.
    v0 : float or array
        Initial potentials (mV).
    seed : int
        Seed of the external Poisson input.
    backend : {"auto", "numpy"}
        ``"auto"`` runs delta synapses with one delay through a compiled step (numba; the
        same arithmetic in the same order, with its own xorshift64* generator for the
        external input); ``"numpy"`` always uses the vectorised numpy step.

    Examples
    --------
    >>> from kanerva.neuro import LIFNetwork, simulate
    >>> net = LIFNetwork(2, pre=[0], post=[1], weight=[30.0], delay=1.5, E_L=0.0, V_th=20.0,
    ...                  V_reset=10.0, v0=[0.0, 15.0])
    >>> run = simulate(net, 40.0, 0.1, current=[25.0, 0.0])  # drive neuron 0 only
    >>> run.spike_units.tolist(), run.spike_times.round(1).tolist()  # 0 fires; 1 follows after 1.5 ms
    ([0, 1], [32.2, 33.8])
    """

    state_names = ("v", "ge", "gi", "ref")
    time_constant_name = "membrane/synaptic"

    def __init__(self, n, pre, post, weight, delay=1.5, synapse="delta", tau_m=20.0, E_L=0.0,
                 V_th=20.0, V_reset=10.0, t_ref=2.0, tau_exc=5.0, tau_inh=10.0, E_exc=0.0,
                 E_inh=-80.0, ext_rate=0.0, ext_synapses=0, ext_weight=0.0, mu=0.0, v0=None, seed=None,
                 backend="auto"):
        self.n = _checks.count(n, "n")
        pre = np.asarray(pre, dtype=np.int64).reshape(-1)
        post = np.asarray(post, dtype=np.int64).reshape(-1)
        if pre.shape != post.shape:
            raise ValueError(f"pre and post must have one entry per synapse, got {pre.size} and {post.size}")
        if pre.size and (min(pre.min(), post.min()) < 0 or max(pre.max(), post.max()) >= self.n):
            raise ValueError(f"pre and post must name neurons in [0, {self.n})")
        if synapse not in ("delta", "current", "conductance"):
            raise ValueError(f"synapse must be 'delta', 'current' or 'conductance', got {synapse!r}")
        self.synapse = synapse
        w = _checks.finite(weight, "weight")
        per_neuron = w.ndim == 1 and w.size == self.n and pre.size != self.n
        if not per_neuron:
            w = np.broadcast_to(w, pre.shape)
        self.tau_m = _checks.positive(tau_m, "tau_m")
        self.t_ref = _checks.nonnegative(t_ref, "t_ref")
        self.tau_exc = _checks.positive(tau_exc, "tau_exc")
        self.tau_inh = _checks.positive(tau_inh, "tau_inh")
        self.E_L, self.V_th, self.V_reset = float(E_L), float(V_th), float(V_reset)
        self.E_exc, self.E_inh, self.mu = float(E_exc), float(E_inh), float(mu)
        if not self.V_reset < self.V_th:
            raise ValueError(f"V_reset ({V_reset} mV) must lie below V_th ({V_th} mV)")
        self.ext_rate = _checks.nonnegative(ext_rate, "ext_rate", "Hz")
        self.ext_synapses = _checks.count(ext_synapses, "ext_synapses", 0)
        self.ext_weight = float(ext_weight)
        d = _checks.finite(delay, "delay", "ms")
        if np.any(d < 0):
            raise ValueError("delays must be >= 0 ms")
        self._delay_ms = np.broadcast_to(d, pre.shape) if d.ndim else d
        # CSR by presynaptic neuron
        order = np.argsort(pre, kind="stable")
        self.indptr = np.concatenate([[0], np.cumsum(np.bincount(pre, minlength=self.n))])
        self.targets = post[order].astype(np.int32 if self.n < 2 ** 31 else np.int64)
        self.per_neuron_weight = per_neuron
        self.weight = w if per_neuron else np.asarray(w)[order].astype(float)
        self._delay_sorted = None if not np.ndim(self._delay_ms) else np.asarray(self._delay_ms)[order]
        self.v0 = v0
        self.seed = seed
        if backend not in ("auto", "numpy"):
            raise ValueError(f"backend must be 'auto' or 'numpy', got {backend!r}")
        self.backend = backend
        self._compiled = backend == "auto" and synapse == "delta" and self._delay_sorted is None
        taus = [self.tau_m] + ([self.tau_exc, self.tau_inh] if synapse != "delta" else [])
        self.min_time_constant = min(taus)

    # -- state ------------------------------------------------------------------------
    def init_state(self) -> dict:
        v0 = self.E_L if self.v0 is None else self.v0
        v = np.broadcast_to(_checks.finite(v0, "v0", "mV"), (self.n,)).astype(float)
        rng = np.random.default_rng(self.seed)
        return {"v": v, "ge": np.zeros(self.n), "gi": np.zeros(self.n), "ref": np.zeros(self.n, np.int64),
                "rng": rng, "dt": None, "xs": np.array([rng.integers(1, 2 ** 63)], dtype=np.uint64),
                "fired": np.zeros(self.n, dtype=bool)}

    def _prepare(self, state, dt):
        steps = np.maximum(np.rint(np.asarray(self._delay_ms, dtype=float) / dt).astype(np.int64), 1)
        if self._delay_sorted is None:
            self._dsteps = int(steps)
            size = self._dsteps + 1
        else:
            self._dsteps = np.maximum(np.rint(self._delay_sorted / dt).astype(np.int64), 1)
            size = int(self._dsteps.max()) + 1 if self._dsteps.size else 2
        state["buf_e"] = np.zeros((size, self.n))
        state["buf_i"] = np.zeros((size, self.n))
        state["slot"] = 0
        state["ref_steps"] = int(round(self.t_ref / dt))
        state["dt"] = dt
        self._decay_m = np.exp(-dt / self.tau_m)
        self._decay_e = np.exp(-dt / self.tau_exc)
        self._decay_i = np.exp(-dt / self.tau_inh)
        if self._compiled:
            from .._kernels.neuro import poisson_cdf
            lam = self.ext_synapses * self.ext_rate * dt / 1000.0
            self._ext_cdf = poisson_cdf(lam) if lam > 0 else np.ones(1)
        if self.synapse == "current":    # V's response to a unit exponential current over dt
            self._prop_e = self._two_exp(self.tau_exc, dt)
            self._prop_i = self._two_exp(self.tau_inh, dt)

    def _two_exp(self, tau_s, dt):
        if abs(tau_s - self.tau_m) < 1e-9:
            return dt / self.tau_m * np.exp(-dt / self.tau_m)
        return tau_s / (tau_s - self.tau_m) * (np.exp(-dt / tau_s) - np.exp(-dt / self.tau_m))

    # -- many steps at once (compiled path; the integrator uses it when nothing is recorded) --
    def advance(self, state, current, dt, steps):
        """Run ``steps`` steps with a fixed input; returns (step index, unit) of every spike.

        Only for the compiled path (``None`` otherwise): the same arithmetic as ``steps``
        calls of :meth:`step`, without returning to Python between steps.
        """
        if state["dt"] != dt:
            self._prepare(state, dt)
        if not self._compiled:
            return None
        from .._kernels.neuro import delta_run
        drive = self.E_L + self.mu + np.broadcast_to(current, (self.n,))
        chunks_s, chunks_u, done = [], [], 0
        cap = max(4 * self.n, 1 << 16)
        while done < steps:
            out_s = np.empty(cap, np.int64)
            out_u = np.empty(cap, np.int64)
            w, state["slot"], k = delta_run(steps - done, state["v"], state["ref"], state["buf_e"],
                                            state["buf_i"], state["slot"], self._decay_m, drive,
                                            self.V_th, self.V_reset, state["ref_steps"], self._ext_cdf,
                                            self.ext_weight, state["xs"], self.indptr, self.targets,
                                            self.weight, self.per_neuron_weight, self._dsteps,
                                            state["fired"], out_s, out_u)
            chunks_s.append(out_s[:w] + done)
            chunks_u.append(out_u[:w])
            done += k
            cap *= 2
        return np.concatenate(chunks_s), np.concatenate(chunks_u)

    # -- one step ---------------------------------------------------------------------
    def step(self, state, current, dt):
        if state["dt"] != dt:
            self._prepare(state, dt)
        if self._compiled:
            from .._kernels.neuro import delta_step
            drive = self.E_L + self.mu + current
            delta_step(state["v"], state["ref"], state["buf_e"], state["buf_i"], state["slot"],
                       self._decay_m, drive, self.V_th, self.V_reset, state["ref_steps"], self._ext_cdf,
                       self.ext_weight, state["xs"], self.indptr, self.targets, self.weight,
                       self.per_neuron_weight, self._dsteps, state["fired"])
            state["slot"] = (state["slot"] + 1) % state["buf_e"].shape[0]
            return state["fired"]
        v, ref = state["v"], state["ref"]
        active = ref == 0
        drive = self.E_L + self.mu + current
        if self.synapse == "delta":
            v_new = drive + (v - drive) * self._decay_m
        elif self.synapse == "current":
            ge, gi = state["ge"], state["gi"]
            v_new = drive + (v - drive) * self._decay_m + ge * self._prop_e + gi * self._prop_i
            ge *= self._decay_e
            gi *= self._decay_i
        else:
            ge, gi = state["ge"], state["gi"]
            g_tot = 1.0 + ge + gi
            v_inf = (drive + ge * self.E_exc + gi * self.E_inh) / g_tot
            v_new = v_inf + (v - v_inf) * np.exp(-dt * g_tot / self.tau_m)
            ge *= self._decay_e
            gi *= self._decay_i
        v[:] = np.where(active, v_new, self.V_reset)
        ref -= ~active
        fired = active & (v > self.V_th)
        v[fired] = self.V_reset
        ref[fired] = state["ref_steps"]
        # input arriving now: delayed spikes and the external Poisson drive
        slot = state["slot"]
        arr_e, arr_i = state["buf_e"][slot], state["buf_i"][slot]
        if self.ext_synapses and self.ext_rate:
            lam = self.ext_synapses * self.ext_rate * dt / 1000.0
            arr_e += self.ext_weight * state["rng"].poisson(lam, self.n)
        if self.synapse == "delta":
            v += np.where(ref == 0, arr_e + arr_i, 0.0) if fired.any() or state["ref_steps"] else arr_e + arr_i
        else:
            state["ge"] += arr_e
            # inhibitory weights are negative: a negative current, or a positive conductance
            state["gi"] += arr_i if self.synapse == "current" else -arr_i
        arr_e[:] = 0.0
        arr_i[:] = 0.0
        self._propagate(state, np.flatnonzero(fired))
        state["slot"] = (slot + 1) % state["buf_e"].shape[0]
        return fired

    def _propagate(self, state, src):
        if src.size == 0:
            return
        starts, stops = self.indptr[src], self.indptr[src + 1]
        lens = stops - starts
        total = int(lens.sum())
        if total == 0:
            return
        idx = np.arange(total) + np.repeat(starts - (np.cumsum(lens) - lens), lens)
        tgt = self.targets[idx]
        w = np.repeat(self.weight[src], lens) if self.per_neuron_weight else self.weight[idx]
        size = state["buf_e"].shape[0]
        exc = w > 0
        if self._delay_sorted is None:
            where = (state["slot"] + self._dsteps) % size
            for buf, mask in ((state["buf_e"], exc), (state["buf_i"], ~exc)):
                if mask.any():
                    buf[where] += np.bincount(tgt[mask], w[mask], minlength=self.n)
        else:
            rows = (state["slot"] + self._dsteps[idx]) % size
            flat = rows * self.n + tgt
            for buf, mask in ((state["buf_e"], exc), (state["buf_i"], ~exc)):
                if mask.any():
                    buf.reshape(-1)[:] += np.bincount(flat[mask], w[mask], minlength=buf.size)


def brunel2000(g: float, nu_ratio: float, n: int = 10_000, epsilon: float = 0.1, J: float = 0.1,
               D: float = 1.5, gamma: float = 0.25, tau: float = 20.0, theta: float = 20.0,
               V_r: float = 10.0, t_ref: float = 2.0, seed=0) -> LIFNetwork:
    """Brunel's (2000) sparse random network at relative inhibition ``g`` and ν_ext/ν_thr = ``nu_ratio``.

    Examples
    --------
    >>> from kanerva.neuro import brunel2000, simulate
    >>> net = brunel2000(5.0, 2.0, n=1_000, J=1.0, seed=1)  # C_E J as in the 10,000-neuron net
    >>> run = simulate(net, 300.0, 0.1)
    >>> bool(20 < run.rates(100.0).mean() < 100)
    True
    """
    n = _checks.count(n, "n")
    n_e = int(round(0.8 * n))
    n_i = n - n_e
    c_e = max(int(round(epsilon * n_e)), 1)
    c_i = max(int(round(gamma * c_e)), 1)
    rng = np.random.default_rng(seed)
    pre_e, post_e = fixed_indegree(n_e, n, c_e, rng)
    pre_i, post_i = fixed_indegree(n_i, n, c_i, rng)
    pre = np.concatenate([pre_e, pre_i.astype(np.int64) + n_e])
    post = np.concatenate([post_e, post_i])
    w = np.where(np.arange(n) < n_e, J, -g * J)
    nu_thr = theta / (J * c_e * tau) * 1000.0
    return LIFNetwork(n, pre, post, w, delay=D, synapse="delta", tau_m=tau, E_L=0.0, V_th=theta,
                      V_reset=V_r, t_ref=t_ref, ext_rate=nu_ratio * nu_thr, ext_synapses=c_e,
                      ext_weight=J, seed=rng.integers(2 ** 32))


def brunel_rate(g: float, nu_ratio: float, C_E: int = 800, gamma: float = 0.25, J: float = 0.1,
                tau: float = 20.0, theta: float = 20.0, V_r: float = 10.0, t_ref: float = 2.0) -> float:
    """Stationary rate (Hz) of Brunel's network from its mean-field equation (Brunel 2000, eq. 21).

    Examples
    --------
    >>> round(brunel_rate(5.0, 2.0), 1)
    43.2
    """
    from scipy import integrate as _integrate
    from scipy import optimize as _optimize
    from scipy.special import erfcx
    tau_s, ref_s = tau / 1000.0, t_ref / 1000.0
    nu_thr = theta / (J * C_E * tau_s)
    nu_ext = nu_ratio * nu_thr

    def phi(nu):
        mu = C_E * J * tau_s * (nu_ext + nu * (1 - g * gamma))
        sigma = J * np.sqrt(C_E * tau_s * (nu_ext + nu * (1 + g * g * gamma)))
        lo, hi = (V_r - mu) / sigma, (theta - mu) / sigma
        val, _ = _integrate.quad(lambda u: erfcx(-u), lo, hi, limit=200)
        return 1.0 / (ref_s + tau_s * np.sqrt(np.pi) * val)

    top = 1.0 / ref_s * (1 - 1e-9)
    return float(_optimize.brentq(lambda nu: phi(nu) - nu, 1e-6, top, xtol=1e-10))


def network_state(run, t_start: float = 0.0, bin_ms: float = 1.0, max_units: int = 1000) -> dict:
    """Mean rate (Hz), mean CV of ISIs, synchrony χ, and a label of the regime.

    The label: "SR" (synchronous regular: χ ≥ 0.2 and CV < 0.5), "SI" (synchronous
    irregular: χ ≥ 0.2), "AI" (asynchronous irregular: χ < 0.2 and CV ≥ 0.5), else "AR"
    (asynchronous, CV below 0.5). Independent units give χ ≈ 1/√units; the thresholds are
    rules of thumb, the numbers are the measurement.
    χ and CV use the first ``max_units`` units with at least 3 spikes.

    Examples
    --------
    >>> from kanerva.neuro import brunel2000, simulate, network_state
    >>> run = simulate(brunel2000(5.0, 2.0, n=1_000, J=1.0, seed=1), 300.0, 0.1)
    >>> network_state(run, 100.0)["label"]
    'AI'
    """
    from .spikes import synchrony
    keep = run.spike_times >= run.start + t_start
    t, u = run.spike_times[keep] - run.start - t_start, run.spike_units[keep]
    units = np.arange(min(run.n, max_units))
    sel = u < units.size
    trains = [t[sel][u[sel] == i] for i in units]
    cvs = [np.diff(x).std() / np.diff(x).mean() for x in trains if x.size >= 3]
    rate = float(np.bincount(u, minlength=run.n).mean() / ((run.duration - t_start) / 1000.0))
    cv_mean = float(np.mean(cvs)) if cvs else 0.0
    chi = synchrony(t[sel], u[sel], units.size, run.duration - t_start, bin_ms) if t[sel].size else 0.0
    if chi >= 0.2:
        label = "SR" if cv_mean < 0.5 else "SI"
    else:
        label = "AI" if cv_mean >= 0.5 else "AR"
    return {"rate": rate, "cv": cv_mean, "synchrony": chi, "label": label}
