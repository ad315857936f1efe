"""The protocol every associative memory follows, and the checks they share.

A memory stores items with ``write(keys, values=None)`` (auto-associative when ``values`` is
None: each key is stored as its own value) and answers a batch of cues with ``read(cues)``.
``len(memory)`` is the number of items written; ``memory.save(path)`` and
``Cls.load(path)`` go through :mod:`kanerva.io` (safetensors, versioned, no pickle).

Iterative memories (Hopfield, dense associative memory, modern Hopfield with ``steps``, SDM
with ``iterations``) run until a fixed point or a step limit. Reaching the limit is never
silent: :meth:`read` warns with :class:`NotConvergedWarning`, and ``read(...,
return_info=True)`` also returns a :class:`ReadInfo` with a per-cue ``converged`` flag and the
number of steps taken.

Examples
--------
>>> import numpy as np
>>> info = ReadInfo(converged=np.array([True, False]), steps=np.array([2, 10]))
>>> info.all_converged, info.n_failed
(False, 1)
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass

import numpy as np

from .. import io
from .._checks import positive_int  # noqa: F401  (re-exported to this package)


class NotConvergedWarning(RuntimeWarning):
    """Some cues reached the step limit without settling on a fixed point."""


@dataclass(frozen=True)
class ReadInfo:
    """How an iterative read ended, per cue.

    Attributes
    ----------
    converged : ndarray of bool, (n,)
        True where the state stopped changing before the step limit.
    steps : ndarray of int, (n,)
        Update steps taken (a sweep over all units counts as one step).

    Examples
    --------
    >>> ReadInfo(np.array([True]), np.array([3])).all_converged
    True
    """

    converged: np.ndarray
    steps: np.ndarray

    @property
    def all_converged(self) -> bool:
        return bool(np.all(self.converged))

    @property
    def n_failed(self) -> int:
        return int(np.size(self.converged) - np.count_nonzero(self.converged))


def report(info: ReadInfo, what: str, limit: int) -> None:
    """Warn (never silently pass) when some cues did not converge within ``limit`` steps."""
    if not info.all_converged:
        warnings.warn(
            f"{what}: {info.n_failed} of {np.size(info.converged)} cues did not reach a fixed point "
            f"within {limit} steps (pass return_info=True for per-cue flags, or raise steps)",
            NotConvergedWarning,
            stacklevel=3,
        )


class AssociativeMemory:
    """Base class: ``len``, ``save``/``load`` and the format bookkeeping.

    Subclasses set ``kind`` (the file kind), ``version``, and implement ``write``, ``read``,
    ``_state() -> (arrays, meta)`` and ``_from_state(arrays, meta)``.
    """

    kind = "memory"
    version = 1
    _count = 0

    def __len__(self) -> int:
        return int(self._count)

    def save(self, path: str | os.PathLike) -> None:
        """Write the memory to ``path`` (atomic, safetensors, no pickle)."""
        arrays, meta = self._state()
        io.save(path, self.kind, self.version, arrays, meta)

    @classmethod
    def load(cls, path: str | os.PathLike):
        """Read a memory written by :meth:`save`; corrupt or foreign files raise ModelFileError."""
        arrays, meta = io.load(path, cls.kind, cls.version)
        try:
            return cls._from_state(arrays, meta)
        except (KeyError, TypeError, ValueError) as exc:
            raise io.ModelFileError(f"{path}: inconsistent {cls.kind} file ({exc})") from None

    def _state(self) -> tuple[dict, dict]:  # pragma: no cover - abstract
        raise NotImplementedError

    @classmethod
    def _from_state(cls, arrays: dict, meta: dict):  # pragma: no cover - abstract
        raise NotImplementedError


# ---- shared input checks -------------------------------------------------------------------


def as_batch(x, dim: int, name: str, dtype=np.float64) -> tuple[np.ndarray, bool]:
    """A (n, dim) array from one vector (dim,) or a batch; also whether the input was single.

    >>> as_batch([1.0, 2.0], 2, "cue")[0].shape
    (1, 2)
    """
    arr = np.asarray(x)
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise TypeError(f"{name} must be a numeric array, got dtype {arr.dtype}")
    if np.iscomplexobj(arr):
        raise TypeError(f"{name} must be real, got complex values")
    single = arr.ndim == 1
    if single:
        arr = arr[None]
    if arr.ndim != 2 or arr.shape[1] != dim:
        raise ValueError(f"{name} must have shape (n, {dim}) or ({dim},), got {np.shape(x)}")
    arr = arr.astype(dtype, copy=False)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return arr, single


def as_bipolar(x, dim: int, name: str) -> tuple[np.ndarray, bool]:
    """A (n, dim) int8 array of +-1 states, refusing anything else (0/1 bits included).

    >>> as_bipolar([1, -1, 1], 3, "pattern")[0].tolist()
    [[1, -1, 1]]
    """
    arr = np.asarray(x)
    if arr.dtype.kind not in "iu":  # floats, bools, objects: the general checks, then exact +-1
        arr, single = as_batch(x, dim, name)
    else:  # integer states (the usual int8): check in place, no float copy
        single = arr.ndim == 1
        arr = arr[None] if single else arr
        if arr.ndim != 2 or arr.shape[1] != dim:
            raise ValueError(f"{name} must have shape (n, {dim}) or ({dim},), got {np.shape(x)}")
    ok = (arr == 1) | (arr == -1)
    if not ok.all():
        bad = arr[~ok][:3].tolist()
        raise ValueError(
            f"{name} must hold bipolar states +1/-1 only (a binary memory), found e.g. {bad}; "
            f"map 0/1 bits with 1 - 2 * bits"
        )
    return arr.astype(np.int8, copy=False), single


def check_pairs(keys: np.ndarray, values: np.ndarray, what: str) -> None:
    """Refuse a write with different numbers of keys and values."""
    if len(keys) != len(values):
        raise ValueError(f"{what}: {len(keys)} keys but {len(values)} values; they must pair up one to one")


def step_limit(steps, default: int) -> int:
    """The step limit of an iterative read (``None`` -> ``default``)."""
    return default if steps is None else positive_int(steps, "steps")


def run_sync(states: np.ndarray, step, limit: int) -> tuple[np.ndarray, ReadInfo]:
    """Apply ``step(cur) -> (new, moved)`` to the rows still moving, up to ``limit`` times."""
    s = states.copy()
    info = ReadInfo(np.zeros(len(s), dtype=bool), np.zeros(len(s), dtype=np.int64))
    active = np.arange(len(s))
    for _ in range(limit):
        if not len(active):
            break
        everyone = len(active) == len(s)
        new, moved = step(s if everyone else s[active])
        info.steps[active] += 1
        if everyone:
            s = new
        else:
            s[active] = new
        info.converged[active[~moved]] = True
        active = active[moved]
    return s, info
