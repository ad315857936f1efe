"""Dense associative memory kernel: asynchronous updates with polynomial or exponential energies.

Used by :mod:`kanerva.memory.dense` (Krotov & Hopfield 2016; Demircigil et al. 2017 for the
exponential form); the model, its energy and its synchronous path live there.

API
---
``read_async(xt, states, n, exp_form, limit, converged, steps)``
    Asynchronous updates of ``states`` (cues, N) int8 (+-1) in place, units in index order, at
    most ``limit`` sweeps; ``xt`` (N, P) float64 is the transposed pattern matrix. The drive of
    unit i is ``sum_mu xi_i^mu a_mu - sigma_i K`` with ``a_mu = (F(m_mu + 2) - F(m_mu - 2)) / 2``
    and ``K = sum_mu (F(m + 2) - 2 F(m) + F(m - 2)) / 2`` over the overlaps m (``F(x) = x^n``,
    or ``exp(x)`` scaled by ``exp(-(max m + 2))`` when ``exp_form``; for x^n the overlaps are divided
    by a power of two when (max |m| + 2)^n would overflow); a zero drive keeps the
    state. ``steps`` (cues,) int64 and ``converged`` (cues,) bool are filled per cue. Float64,
    the same arithmetic in the same order as the model's reference formula.

Examples
--------
>>> import numpy as np
>>> xi = np.array([[1, 1, -1, -1], [1, -1, 1, -1]], dtype=np.float64)
>>> states = np.array([[1, 1, -1, 1]], dtype=np.int8)               # one unit off pattern 0
>>> converged, steps = np.zeros(1, bool), np.zeros(1, np.int64)
>>> read_async(np.ascontiguousarray(xi.T), states, 3, False, 10, converged, steps)
>>> states.tolist(), converged.tolist()
([[1, 1, -1, -1]], [True])
"""

from __future__ import annotations

import numba
import numpy as np


@numba.njit(cache=True, nogil=True)
def _terms_numba(m, n, exp_form, a):
    if exp_form:
        top = -1e300
        for mu in range(m.shape[0]):
            top = max(top, m[mu])
        k = 0.0
        for mu in range(m.shape[0]):
            e = np.exp(m[mu] - top - 2.0)
            a[mu] = e * np.sinh(2.0)
            k += e
        return k * (np.cosh(2.0) - 1.0)
    top = 0.0
    for mu in range(m.shape[0]):
        top = max(top, abs(m[mu]))
    scale = 1.0  # a power of two when (top + 2)^n would overflow: exact, the same signs
    if n * np.log2(top + 2.0) > 1000.0:
        scale = 2.0 ** np.ceil(np.log2(top + 2.0))
    k = 0.0
    for mu in range(m.shape[0]):
        x = m[mu] / scale
        up, mid, down = (x + 2.0 / scale) ** n, x**n, (x - 2.0 / scale) ** n
        a[mu] = 0.5 * (up - down)
        k += 0.5 * (up - 2.0 * mid + down)
    return k


@numba.njit(cache=True, nogil=True)
def read_async(xt, states, n, exp_form, limit, converged, steps):
    # one unit at a time in index order; a flip moves every overlap by +-2, so (a, K) are redone
    n_units, n_pat = xt.shape
    a = np.empty(n_pat)
    for c in range(states.shape[0]):
        s = states[c]
        m = np.zeros(n_pat)
        for i in range(n_units):
            for mu in range(n_pat):
                m[mu] += xt[i, mu] * s[i]
        k = _terms_numba(m, n, exp_form, a)
        for t in range(limit):
            flips = 0
            for i in range(n_units):
                d = -s[i] * k
                for mu in range(n_pat):
                    d += xt[i, mu] * a[mu]
                v = 1 if d > 0 else (-1 if d < 0 else s[i])
                if v != s[i]:
                    flips += 1
                    s[i] = v
                    for mu in range(n_pat):
                        m[mu] += 2.0 * v * xt[i, mu]
                    k = _terms_numba(m, n, exp_form, a)
            steps[c] = t + 1
            if flips == 0:
                converged[c] = True
                break
