"""Checking the float inputs of the hashing and LSH classes (one place, one message style).

>>> as_matrix([[1, 2]], 2).dtype
dtype('float64')
"""

from __future__ import annotations

import numpy as np

from .._checks import positive_int  # noqa: F401  (re-exported to this package)


LIMIT = 1e150
"""The largest magnitude the search family takes: squares and inner products of such vectors fit
float64 (1e300 times the width), so no distance or score overflows."""


def as_matrix(x, dim: int, name: str = "X") -> np.ndarray:
    """``x`` as a float64 (n, dim) array (one vector becomes n = 1), finite and within
    :data:`LIMIT` in magnitude, or a clear error."""
    if isinstance(x, (list, tuple)):
        x = np.asarray(x)
    if not isinstance(x, np.ndarray):
        raise TypeError(f"{name} must be a numpy array of shape (n, {dim}), got {type(x).__name__}")
    if x.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold real numbers, got dtype {x.dtype}")
    if x.ndim == 1:
        x = x[None]
    if x.ndim != 2 or x.shape[1] != dim:
        raise ValueError(f"{name} must have shape (n, {dim}) or ({dim},), got {x.shape}")
    x = x.astype(np.float64, copy=False)
    if not np.isfinite(x).all():
        raise ValueError(f"{name} contains NaN or inf")
    if x.size and np.abs(x).max() > LIMIT:
        raise ValueError(f"{name} holds values too large (beyond {LIMIT:g}): their squares and inner "
                         f"products would overflow")
    return x


