"""Sparse inference: ISTA, FISTA, the locally competitive algorithm (LCA) and coordinate descent.

All four minimise, for every row x of X and its code a,

    E(a) = ½‖x − a D‖² + λ Σᵢ S(aᵢ),   S(a) = ``|a|`` ("l1")  or  log(1 + (a/σ)²) ("log")

with the dictionary D of shape (n_components, n_features), one atom per row.

- ISTA / FISTA (Beck & Teboulle 2009, eqs. 1.4 and 4.1-4.3): a gradient step on the quadratic
  term with step 1/L, L = ‖D Dᵀ‖₂, then the soft threshold (for "l1"); FISTA adds the momentum
  t_{k+1} = (1 + √(1 + 4t_k²))/2. For the smooth "log" cost of Olshausen & Field (1996, eq. 4)
  the threshold is replaced by a gradient step on the cost.
- LCA (Rozell, Johnson, Baraniuk & Olshausen 2008, eq. 5): leaky-integrator neurons with internal
  state u, output a = T_λ(u) (soft threshold, eq. 8 with the ℓ1 cost) and lateral inhibition
  through the Gram matrix: τ u̇ = b − u − (G − I) a, b = x Dᵀ, G = D Dᵀ. Its fixed point satisfies
  the Lasso's optimality conditions, so it reaches the Lasso (basis pursuit denoising) solution.
  Integrated by Euler steps of dt/τ.
- Coordinate descent ("cd", ℓ1 only; Friedman, Hastie & Tibshirani 2010 with the Gram matrix
  precomputed): each coefficient in turn set to its exact minimiser S_λ(b_j − Σ_{l≠j} G_jl a_l) / G_jj,
  row by row in a compiled loop (``kanerva._kernels.learning_rules.lasso_cd_gram``). With sparse
  codes a coefficient that stays at zero costs one comparison, so a sweep is far cheaper than one
  dense iteration of the others: the fastest way to the Lasso solution on a CPU, and the encoder
  for codes on a fixed dictionary.

λ may be a vector (one threshold per atom), as the homeostasis of
:class:`~kanerva.learn.SparseCoding` uses.
"""

from __future__ import annotations

import numpy as np

from .._kernels.learning_rules import lasso_cd_gram

METHODS = ("fista", "ista", "lca", "cd")
"""The inference methods of :func:`sparse_encode`."""


def soft_threshold(u, lam):
    """sign(u) · max(``|u|`` − λ, 0), elementwise (λ a scalar or one value per column)."""
    return np.sign(u) * np.maximum(np.abs(u) - lam, 0.0)


def sparse_objective(X, codes, dictionary, alpha, sparsity="l1", sigma=1.0):
    """Per-sample E(a) = ½‖x − a D‖² + λ Σ S(aᵢ), shape (n_samples,).

    Examples
    --------
    >>> import numpy as np
    >>> sparse_objective(np.array([[1.0, 0.0]]), np.array([[0.5]]), np.array([[1.0, 0.0]]), 0.1).round(3).tolist()
    [0.175]
    """
    r = X - codes @ dictionary
    lam = np.broadcast_to(np.asarray(alpha, dtype=np.float64), (codes.shape[1],))
    penalty = np.abs(codes) if sparsity == "l1" else np.log1p((codes / sigma) ** 2)
    return 0.5 * np.einsum("ij,ij->i", r, r) + penalty @ lam


def _lipschitz(gram):
    return float(np.linalg.eigvalsh(gram)[-1]) if gram.size else 1.0


def sparse_encode(X, dictionary, alpha, *, method="fista", sparsity="l1", sigma=1.0, max_iter=200,
                  tol=1e-6, lca_dt=None, init=None, return_n_iter=False):
    """Sparse codes of the rows of ``X`` over ``dictionary`` (atoms as rows).

    Parameters
    ----------
    X : ndarray (n_samples, n_features)
    dictionary : ndarray (n_components, n_features)
    alpha : float or ndarray (n_components,)
        λ, the weight of the sparseness cost (per atom when an array).
    method : {"fista", "ista", "lca", "cd"}
        "lca" and "cd" support only the "l1" cost.
    sparsity : {"l1", "log"}
    sigma : float
        The scale σ of the "log" cost.
    max_iter : int
        Iterations (ISTA/FISTA), Euler steps (LCA) or sweeps over the coefficients (CD).
    tol : float
        Stop when ‖a_{k+1} − a_k‖ ≤ tol · max(‖a_k‖, 1e-12) (Frobenius norms over the batch),
        tested every 5 iterations; CD stops each row after the sweep whose largest change is at
        most tol · max ``|a_j|``.
    lca_dt : float or None
        dt/τ of LCA's Euler steps; None is min(1.8/L, 1) (L = largest eigenvalue of D Dᵀ): the
        Euler map contracts for dt < 2/L on active units and dt < 2 on silent ones.
    init : ndarray (n_samples, n_components) or None
        Starting codes (warm start); zeros by default.
    return_n_iter : bool

    Returns
    -------
    codes : ndarray (n_samples, n_components), and the iterations used when ``return_n_iter``
    (for CD the most sweeps any row used).

    Examples
    --------
    >>> import numpy as np
    >>> D = np.eye(3)
    >>> sparse_encode(np.array([[2.0, 0.05, -1.0]]), D, 0.1).round(3).tolist()
    [[1.9, 0.0, -0.9]]
    >>> sparse_encode(np.array([[2.0, 0.05, -1.0]]), D, 0.1, method="lca", max_iter=500).round(3).tolist()
    [[1.9, 0.0, -0.9]]
    >>> sparse_encode(np.array([[2.0, 0.05, -1.0]]), D, 0.1, method="cd").round(3).tolist()
    [[1.9, 0.0, -0.9]]
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    if sparsity not in ("l1", "log"):
        raise ValueError(f"sparsity must be 'l1' or 'log', got {sparsity!r}")
    if method in ("lca", "cd") and sparsity != "l1":
        raise ValueError(f"method={method!r} is implemented for the l1 cost (soft threshold); use "
                         f"method='fista' for 'log'")
    X = np.asarray(X, dtype=np.float64)
    D = np.asarray(dictionary, dtype=np.float64)
    if X.ndim != 2 or D.ndim != 2 or X.shape[1] != D.shape[1]:
        raise ValueError(f"X (n_samples, n_features) and dictionary (n_components, n_features) must "
                         f"agree: got {X.shape} and {D.shape}")
    if not (np.isfinite(X).all() and np.isfinite(D).all()):
        raise ValueError("X and dictionary must be finite (found NaN or inf)")
    try:
        lam = np.broadcast_to(np.asarray(alpha, dtype=np.float64), (D.shape[0],))
    except (TypeError, ValueError):
        raise ValueError(f"alpha must be a number or one value per atom ({D.shape[0]}), got {alpha!r}") from None
    if not (np.isfinite(lam).all() and (lam >= 0).all()):
        raise ValueError("alpha must be finite and >= 0")
    gram = D @ D.T
    B = X @ D.T
    a = np.zeros((len(X), len(D))) if init is None else np.array(init, dtype=np.float64)
    if method == "cd":
        if not np.all(np.diagonal(gram) > 0):
            raise ValueError("method='cd' needs atoms with a nonzero norm (a zero row in the dictionary)")
        sweeps = lasso_cd_gram(gram, B, np.ascontiguousarray(lam), a, int(max_iter), float(tol))
        return (a, int(sweeps.max(initial=0))) if return_n_iter else a
    L = _lipschitz(gram)
    n_iter = 0
    check_every = 5  # the convergence test costs two passes over the codes: not every step
    if method == "lca":
        dt = min(1.8 / L, 1.0) if lca_dt is None else float(lca_dt)
        dt_inhibit = dt * (gram - np.eye(len(D)))
        dt_b = dt * B
        u = a + lam * np.sign(a)  # the internal state whose threshold is the warm start
        for n_iter in range(1, max_iter + 1):
            u *= 1.0 - dt
            u += dt_b
            u -= a @ dt_inhibit
            new = u - np.clip(u, -lam, lam)  # the soft threshold T_λ(u)
            done = n_iter % check_every == 0 and np.linalg.norm(new - a) <= tol * max(np.linalg.norm(a), 1e-12)
            a = new
            if done:
                break
    else:
        step = 1.0 / (L + (2.0 * lam.max() / sigma**2 if sparsity == "log" else 0.0))
        step_lam, step_b, step_gram = step * lam, step * B, step * gram
        y, t = a.copy(), 1.0
        for n_iter in range(1, max_iter + 1):
            z = y - y @ step_gram
            z += step_b  # y − step · ∇½‖x − yD‖²
            if sparsity == "l1":
                new = z - np.clip(z, -step_lam, step_lam)
            else:
                new = z - step_lam * 2.0 * y / (sigma**2 + y * y)
            if method == "fista":
                t_next = 0.5 * (1.0 + np.sqrt(1.0 + 4.0 * t * t))
                y = new - a
                y *= (t - 1.0) / t_next
                y += new
                t = t_next
            else:
                y = new
            done = n_iter % check_every == 0 and np.linalg.norm(new - a) <= tol * max(np.linalg.norm(a), 1e-12)
            a = new
            if done:
                break
    return (a, n_iter) if return_n_iter else a
