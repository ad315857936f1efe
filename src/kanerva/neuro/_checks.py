"""Input checks for kanerva.neuro: each names the argument, its unit and what was wrong.

Times are in ms throughout the package; a check that fails raises ValueError (bad value) or
TypeError (wrong kind), and a time step that is too coarse for the dynamics warns with
:class:`UnstableStepWarning`.
"""

from __future__ import annotations

import warnings

import numpy as np


class UnstableStepWarning(RuntimeWarning):
    """The time step is larger than a time constant of the model: the result is unreliable.

    Examples
    --------
    >>> issubclass(UnstableStepWarning, RuntimeWarning)
    True
    """


def positive(value, name: str, unit: str = "ms") -> float:
    """``value`` as a positive finite float, or a ValueError naming ``name`` and its unit.

    >>> positive(0.1, "dt")
    0.1
    >>> positive(-1, "dt")
    Traceback (most recent call last):
    ...
    ValueError: dt must be a positive, finite number (in ms), got -1
    """
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a number (in {unit}), got {value!r}") from None
    if not np.isfinite(v) or v <= 0:
        raise ValueError(f"{name} must be a positive, finite number (in {unit}), got {value!r}")
    return v


def nonnegative(value, name: str, unit: str = "ms") -> float:
    """``value`` as a finite float >= 0, or a ValueError naming ``name``.

    >>> nonnegative(0, "t_ref")
    0.0
    """
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a number (in {unit}), got {value!r}") from None
    if not np.isfinite(v) or v < 0:
        raise ValueError(f"{name} must be a finite number >= 0 (in {unit}), got {value!r}")
    return v


def finite(x, name: str, unit: str = "") -> np.ndarray:
    """``x`` as a float array with every entry finite, or a ValueError naming ``name``.

    >>> finite([1.0, np.nan], "current", "nA")
    Traceback (most recent call last):
    ...
    ValueError: current (nA) must be finite: entry 1 is nan
    """
    arr = np.asarray(x, dtype=float)
    bad = ~np.isfinite(arr)
    if bad.any():
        where = np.argwhere(bad)[0]
        idx = int(where[0]) if where.size == 1 else tuple(int(i) for i in where)
        u = f" ({unit})" if unit else ""
        raise ValueError(f"{name}{u} must be finite: entry {idx} is {arr[bad].flat[0]}")
    return arr


def step_vs_tau(dt: float, tau: float, what: str) -> None:
    """Warn with :class:`UnstableStepWarning` when the step ``dt`` exceeds the time constant ``tau``.

    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as w:
    ...     warnings.simplefilter("always")
    ...     step_vs_tau(2.0, 1.0, "membrane")
    >>> "larger than the membrane time constant" in str(w[0].message)
    True
    """
    if dt > tau:
        warnings.warn(f"dt = {dt:g} ms is larger than the {what} time constant ({tau:g} ms): "
                      "the integration is unstable or inaccurate; use a smaller dt",
                      UnstableStepWarning, stacklevel=3)


def spike_train(t, name: str = "spike train") -> np.ndarray:
    """Spike times (ms) as a 1-D float array, checked finite and sorted (non-decreasing).

    >>> spike_train([1.0, 3.0, 2.0])
    Traceback (most recent call last):
    ...
    ValueError: spike train must be sorted in time (ms): entry 2 (2.0) comes before entry 1 (3.0)
    """
    arr = finite(t, name, "ms")
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array of spike times (ms), got shape {arr.shape}")
    bad = np.flatnonzero(np.diff(arr) < 0)
    if bad.size:
        i = int(bad[0])
        raise ValueError(f"{name} must be sorted in time (ms): entry {i + 1} ({arr[i + 1]}) "
                         f"comes before entry {i} ({arr[i]})")
    return arr


def spike_trains(trains, name: str = "spike trains") -> list[np.ndarray]:
    """A non-empty list of checked spike trains (each sorted, finite, in ms).

    >>> spike_trains([])
    Traceback (most recent call last):
    ...
    ValueError: spike trains is empty: give at least one spike train
    """
    if isinstance(trains, np.ndarray) and trains.ndim == 1 and trains.dtype != object:
        trains = [trains]
    trains = list(trains)
    if not trains:
        raise ValueError(f"{name} is empty: give at least one spike train")
    return [spike_train(t, f"{name}[{i}]") for i, t in enumerate(trains)]


def count(value, name: str, minimum: int = 1) -> int:
    """``value`` as an int >= ``minimum`` (a population size, a number of bins).

    >>> count(0, "n_neurons")
    Traceback (most recent call last):
    ...
    ValueError: n_neurons must be an integer >= 1, got 0 (an empty population)
    """
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer >= {minimum}, got {value!r}")
    if value < minimum:
        extra = " (an empty population)" if value == 0 else ""
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}{extra}")
    return int(value)
