"""Input checks and small helpers shared by the learning-rule estimators of kanerva.learn."""

from __future__ import annotations

import numpy as np
from sklearn.utils.validation import validate_data


def check_data(estimator, X, *, reset: bool, dtype=np.float64) -> np.ndarray:
    """X validated by scikit-learn (2-D, finite, numeric), as a C-ordered float array."""
    return np.ascontiguousarray(validate_data(estimator, X, reset=reset, dtype=dtype, ensure_min_samples=1))


def check_components(n_components, n_features: int, name: str = "n_components") -> int:
    """``n_components`` as an int in [1, n_features], or a ValueError that names both."""
    if isinstance(n_components, bool) or not isinstance(n_components, (int, np.integer)) or n_components < 1:
        raise ValueError(f"{name} must be an integer >= 1, got {n_components!r}")
    if n_components > n_features:
        raise ValueError(f"{name}={n_components} is larger than the dimension of the data ({n_features})")
    return int(n_components)


def check_positive(value, name: str, *, integer: bool = False, allow_zero: bool = False):
    """A finite positive number (or int), or a ValueError naming the parameter."""
    ok_type = (int, np.integer) if integer else (int, float, np.integer, np.floating)
    if isinstance(value, bool) or not isinstance(value, ok_type) or not np.isfinite(value) \
            or value < 0 or (value == 0 and not allow_zero):
        kind = "an integer" if integer else "a finite number"
        raise ValueError(f"{name} must be {kind} {'>=' if allow_zero else '>'} 0, got {value!r}")
    return value


def check_choice(value, name: str, choices) -> str:
    if value not in choices:
        raise ValueError(f"{name} must be one of {tuple(choices)}, got {value!r}")
    return value


def check_binary_range(X: np.ndarray, who: str) -> np.ndarray:
    """Refuse data outside [0, 1]: binary units read a value there as the probability of being on."""
    if X.size and (X.min() < 0 or X.max() > 1):
        raise ValueError(f"{who} takes binary data or probabilities in [0, 1]; got values in "
                         f"[{X.min():.3g}, {X.max():.3g}] (scale grey levels by 1/255 or binarize them first)")
    return X


def rate_schedule(start: float, end: float, n_steps: int) -> np.ndarray:
    """Exponential decay from ``start`` to ``end`` over ``n_steps`` steps (constant when equal)."""
    if n_steps == 1:
        return np.array([float(start)])
    return start * (end / start) ** (np.arange(n_steps) / (n_steps - 1))


def minibatches(n: int, batch_size: int, rng: np.random.Generator):
    """Slices of a fresh random permutation of range(n), ``batch_size`` at a time."""
    order = rng.permutation(n)
    for start in range(0, n, batch_size):
        yield order[start:start + batch_size]
