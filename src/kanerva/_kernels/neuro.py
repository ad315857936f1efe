"""Compiled inner loop of :class:`~kanerva.neuro.networks.LIFNetwork` (numba).

One step of a network of LIF neurons with delta synapses and one delay for all synapses, in
the same order as the numpy path of ``LIFNetwork.step``: leak (exact), threshold, reset and
refractoriness, the input arriving now (delayed spikes and external Poisson counts) to
non-refractory neurons, and the new spikes into the delay ring buffer.

The external Poisson counts come from a xorshift64* generator whose 64-bit state lives in
the network's state (so runs are reproducible per seed and independent of numpy's generator);
counts are drawn by inversion of the Poisson CDF (a table made once per time step size).

API: ``delta_step``, ``delta_run`` (one step, or many, of the network state arrays in place) and
``poisson_cdf`` (the inversion table of the external Poisson counts); no model logic beyond the
step itself.
"""

from __future__ import annotations

import numpy as np
from numba import njit




def poisson_cdf(lam: float, tail: float = 1e-15) -> np.ndarray:
    """CDF of Poisson(lam) at 0, 1, ... until within ``tail`` of 1 (the inversion table)."""
    k, p, cdf, out = 0, np.exp(-lam), np.exp(-lam), []
    while 1.0 - cdf > tail and k < 100_000:
        out.append(cdf)
        k += 1
        p *= lam / k
        cdf += p
    out.append(1.0)
    return np.asarray(out)




@njit(cache=True)
def delta_step(v, ref, buf_e, buf_i, slot, decay, drive, v_th, v_reset, ref_steps,
               ext_cdf, ext_w, xs, indptr, targets, weight, per_pre, dsteps, fired):
    """Advance one step; fills ``fired`` (bool) and returns the number of spikes."""
    n = v.size
    size = buf_e.shape[0]
    count = 0
    for i in range(n):
        if ref[i] == 0:
            v[i] = drive[i] + (v[i] - drive[i]) * decay
            if v[i] > v_th:
                v[i] = v_reset
                ref[i] = ref_steps
                fired[i] = True
                count += 1
            else:
                fired[i] = False
        else:
            v[i] = v_reset
            ref[i] -= 1
            fired[i] = False
    x = xs[0]
    with_ext = ext_cdf.size > 1
    for i in range(n):
        arr_e = buf_e[slot, i]
        if with_ext:                       # xorshift64*, then invert the Poisson CDF
            x ^= x >> np.uint64(12)
            x ^= x << np.uint64(25)
            x ^= x >> np.uint64(27)
            u = ((x * np.uint64(0x2545F4914F6CDD1D)) >> np.uint64(11)) * (1.0 / 9007199254740992.0)
            k = 0
            while u > ext_cdf[k]:
                k += 1
            arr_e += ext_w * k
        if ref[i] == 0:
            v[i] += arr_e + buf_i[slot, i]
        buf_e[slot, i] = 0.0
        buf_i[slot, i] = 0.0
    xs[0] = x
    if count:
        row = (slot + dsteps) % size
        for j in range(n):
            if fired[j]:
                for k in range(indptr[j], indptr[j + 1]):
                    w = weight[j] if per_pre else weight[k]
                    if w > 0:
                        buf_e[row, targets[k]] += w
                    else:
                        buf_i[row, targets[k]] += w
    return count


@njit(cache=True)
def delta_run(steps, v, ref, buf_e, buf_i, slot, decay, drive, v_th, v_reset, ref_steps,
              ext_cdf, ext_w, xs, indptr, targets, weight, per_pre, dsteps, fired, out_step, out_unit):
    """Up to ``steps`` calls of :func:`delta_step`, spikes written to (out_step, out_unit).

    Stops early when the output is full (before a step whose spikes might not fit); returns
    (spikes written, next slot, steps done).
    """
    size = buf_e.shape[0]
    n = v.size
    w = 0
    for s in range(steps):
        if w + n > out_step.size:
            return w, slot, s
        count = delta_step(v, ref, buf_e, buf_i, slot, decay, drive, v_th, v_reset, ref_steps,
                           ext_cdf, ext_w, xs, indptr, targets, weight, per_pre, dsteps, fired)
        if count:
            for i in range(n):
                if fired[i]:
                    out_step[w] = s
                    out_unit[w] = i
                    w += 1
        slot = (slot + 1) % size
    return w, slot, steps
