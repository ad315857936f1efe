"""Compiled loops of the learning rules in kanerva.learn (numba).

Online rules update the weights after every sample, so their loops cannot be vectorised over
samples; in numpy each step pays a dozen array-call overheads for a few thousand flops. The same
holds for coordinate descent, one coefficient at a time. These
kernels run the same steps in compiled code. No model logic: the schedules, neighbourhoods and
checks stay in the estimators.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def som_online(X, W, grid_d2, order, sigmas, etas, gaussian):  # pragma: no cover - compiled
    """Kohonen's online rule in place on W: for t, sample X[order[t]], winner c, every unit j
    moves by etas[t] * h(grid_d2[c, j], sigmas[t]) * (x − w_j); h Gaussian or bubble (d² ≤ σ²)."""
    n_units, dim = W.shape
    for t in range(order.shape[0]):
        x = X[order[t]]
        best, best_d = 0, np.inf
        for j in range(n_units):
            d = 0.0
            for k in range(dim):
                diff = x[k] - W[j, k]
                d += diff * diff
            if d < best_d:
                best, best_d = j, d
        s2 = sigmas[t] * sigmas[t]
        for j in range(n_units):
            g2 = grid_d2[best, j]
            if gaussian:
                h = np.exp(-g2 / (2.0 * s2))
            else:
                h = 1.0 if g2 <= s2 + 1e-12 else 0.0
            step = etas[t] * h
            if step > 1e-12:
                for k in range(dim):
                    W[j, k] += step * (x[k] - W[j, k])
    return W


@njit(cache=True, nogil=True)
def competitive_online(X, W, order, rates, counts):  # pragma: no cover - compiled
    """Winner-take-all in place on W: the nearest prototype moves by rates[t] * (x − w)."""
    n_units, dim = W.shape
    for t in range(order.shape[0]):
        x = X[order[t]]
        best, best_d = 0, np.inf
        for j in range(n_units):
            d = 0.0
            for k in range(dim):
                diff = x[k] - W[j, k]
                d += diff * diff
            if d < best_d:
                best, best_d = j, d
        for k in range(dim):
            W[best, k] += rates[t] * (x[k] - W[best, k])
        counts[best] += 1
    return W


@njit(cache=True, nogil=True)
def gibbs_sweeps(S, W, b, first_unit, uniforms, spin):  # pragma: no cover - compiled
    """Sequential Gibbs sweeps in place on the states S (chains x units) of a Boltzmann machine.

    Units ``first_unit .. n-1`` are resampled in order, ``uniforms.shape[0]`` sweeps, unit i of
    chain c turning on when uniforms[sweep, c, i − first_unit] < σ(g (Σⱼ Wᵢⱼ sⱼ + bᵢ)), g = 2 for
    ±1 spins, 1 for 0/1 units. Returns ⟨s sᵀ⟩ and ⟨s⟩ averaged over chains and sweeps.
    """
    n_chains, n = S.shape
    corr = np.zeros((n, n))
    mean = np.zeros(n)
    gain = 2.0 if spin else 1.0
    low = -1.0 if spin else 0.0
    for sweep in range(uniforms.shape[0]):
        for c in range(n_chains):
            s = S[c]
            for i in range(first_unit, n):
                field = b[i]
                for j in range(n):
                    field += W[i, j] * s[j]
                p = 1.0 / (1.0 + np.exp(-gain * field))
                s[i] = 1.0 if uniforms[sweep, c, i - first_unit] < p else low
            for i in range(n):
                mean[i] += s[i]
                for j in range(n):
                    corr[i, j] += s[i] * s[j]
    total = uniforms.shape[0] * n_chains
    return corr / total, mean / total


@njit(cache=True, nogil=True)
def lasso_cd_gram(G, B, lam, A, max_sweeps, tol):  # pragma: no cover - compiled
    """Cyclic coordinate descent on ½‖x − aD‖² + Σ λ_j |a_j| for every row, in place on A.

    G = D Dᵀ (k, k) with a positive diagonal, B = X Dᵀ (n, k), lam (k,), A (n, k) the warm start.
    Each row keeps its correlation with the residual, c = b − a G, so a coordinate that stays at
    zero costs one comparison and a changed one an axpy with its row of G. A row stops after the
    sweep whose largest change is at most tol · max |a_j|. Returns the sweeps used per row (n,).
    """
    n, k = B.shape
    sweeps = np.zeros(n, dtype=np.int64)
    c = np.empty(k)
    for i in range(n):
        for j in range(k):
            c[j] = B[i, j]
        for j in range(k):
            if A[i, j] != 0.0:
                for m in range(k):
                    c[m] -= A[i, j] * G[j, m]
        for sweep in range(max_sweeps):
            largest_change, largest = 0.0, 0.0
            for j in range(k):
                old = A[i, j]
                z = c[j] + G[j, j] * old
                if z > lam[j]:
                    new = (z - lam[j]) / G[j, j]
                elif z < -lam[j]:
                    new = (z + lam[j]) / G[j, j]
                else:
                    new = 0.0
                if new != old:
                    d = new - old
                    for m in range(k):
                        c[m] -= d * G[j, m]
                    A[i, j] = new
                    if abs(d) > largest_change:
                        largest_change = abs(d)
                if abs(new) > largest:
                    largest = abs(new)
            sweeps[i] = sweep + 1
            if largest_change <= tol * largest:
                break
    return sweeps
