"""The protocol every associative memory follows, and the pieces the memories share.

A memory is built on a :class:`~kanerva.vsa.Space` or an int ``dim`` (its first argument; see
:mod:`kanerva.memory._patterns` for what a pattern is then). It stores items with
``write(keys, values=None)`` (auto-associative when ``values`` is None: each key is stored as its
own value; the first write fixes the mode) and answers cues with ``read(cues, *, steps=None,
return_info=False)``: one cue gives one vector, a batch a batch. ``len(memory)`` is the number of
items written; ``memory.save(path)`` and ``Cls.load(path)`` go through :mod:`kanerva.io`.

``steps`` has one meaning in every memory. An update is one application of the memory's
retrieval dynamics (a synchronous sweep, an asynchronous sweep over all units, one softmax
update, one SDM read at the last result, one fast-weights inner-loop step):

- ``steps=None`` (the default): the memory's full read. Memories whose dynamics settle iterate to
  a fixed point, at most ``memory.max_steps`` updates (100 unless set on the instance); reaching
  that limit warns with :class:`NotConvergedWarning`. Fast weights, whose inner loop is a fixed
  number of steps in its paper and drifts towards recent patterns when run on, read directly.
- ``steps=n`` (n >= 1): n updates, stopping early once the state no longer changes (which gives
  the same result); no warning: :attr:`ReadInfo.converged` says whether the state had settled.
- ``steps=0``: the direct read of the memories that have one besides their dynamics (fast
  weights: the linear read ``A k``; cleanup: the nearest item); a ValueError elsewhere.
- A hetero-associative read is one direct lookup (keys and values live in different spaces), so
  there ``steps`` may only be None, 0 or 1.

``read(..., return_info=True)`` also returns a :class:`ReadInfo` with a per-cue ``converged``
flag and the number of updates taken, in every memory.

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
from abc import ABC, abstractmethod
from dataclasses import dataclass

import numpy as np

from .. import io
from .._checks import positive_int  # noqa: F401  (re-exported to this package)
from ._patterns import Patterns


class NotConvergedWarning(RuntimeWarning):
    """Some cues reached the step limit without settling on a fixed point."""


@dataclass(frozen=True)
class ReadInfo:
    """How a read ended, per cue.

    Attributes
    ----------
    converged : ndarray of bool, (n,)
        True where the state stopped changing within the steps taken (always True for a direct
        or hetero-associative read, which has nothing to settle).
    steps : ndarray of int, (n,)
        Updates taken (a sweep over all units counts as one; 0 for a direct read).

    Examples
    --------
    >>> ReadInfo(np.array([True]), np.array([3])).all_converged
    True
    """

    converged: np.ndarray
    steps: np.ndarray

    @classmethod
    def direct(cls, n: int, steps: int = 0) -> ReadInfo:
        """The info of ``n`` reads that had nothing to settle.

        >>> ReadInfo.direct(2, steps=1).steps.tolist()
        [1, 1]
        """
        return cls(np.ones(n, dtype=bool), np.full(n, steps, dtype=np.int64))

    @classmethod
    def start(cls, n: int) -> ReadInfo:
        """Nothing converged, no steps taken yet (an iterative read fills it in)."""
        return cls(np.zeros(n, dtype=bool), np.zeros(n, dtype=np.int64))

    @property
    def all_converged(self) -> bool:
        return bool(np.all(self.converged))

    @property
    def n_failed(self) -> int:
        return int(np.size(self.converged) - np.count_nonzero(self.converged))


class AssociativeMemory(ABC):
    """The memory protocol (see the module docstring).

    Subclasses set ``kind`` (the file kind), ``version``, ``pattern_kind`` ("binary" or "real"),
    ``hetero`` (whether key -> value pairs can be stored), ``direct_read`` (whether ``steps=0``
    means something) and ``settles`` (whether ``steps=None`` iterates to a fixed point or, if
    not, reads directly), call ``super().__init__(space)``, and implement ``write``,
    ``read``, ``_state() -> (arrays, meta)`` and ``_from_state(arrays, meta)``.
    """

    kind = "memory"
    version = 2
    pattern_kind = "binary"
    hetero = False
    direct_read = False
    settles = True
    max_steps = 100
    """The update limit of ``read(steps=None)``; set it on an instance to change it."""

    def __init__(self, space):
        self.patterns = Patterns(space, type(self).__name__, self.pattern_kind)
        self._count = 0
        self._hetero: bool | None = None  # fixed by the first write

    @property
    def space(self):
        """The space of the patterns, or None for plain arrays."""
        return self.patterns.space

    @property
    def dim(self) -> int:
        """Dimension of the patterns."""
        return self.patterns.dim

    def __len__(self) -> int:
        return int(self._count)

    @abstractmethod
    def write(self, keys, values=None) -> None:
        """Store ``keys`` (one pattern or a batch); with ``values``, key -> value pairs."""

    @abstractmethod
    def read(self, cues, *, steps: int | None = None, return_info: bool = False):
        """Retrieve from ``cues`` (one pattern or a batch); see the module docstring for ``steps``."""

    # ---- what the memories share ----------------------------------------------------------

    def _mode(self, values) -> bool:
        """Whether a write is hetero-associative; the first write fixes the mode."""
        hetero = values is not None
        name = type(self).__name__
        if hetero and not self.hetero:
            raise ValueError(f"{name} is auto-associative: write(patterns) takes no values")
        if self._hetero is not None and hetero != self._hetero:
            held = "key -> value pairs: write(keys, values) needs values" if self._hetero else \
                "patterns: it is auto-associative since its first write, so write(patterns) takes no values"
            raise ValueError(f"this {name} holds {held}")
        return hetero

    def _stored(self, n: int, hetero: bool) -> None:
        """Count ``n`` written items; the first write that stores any fixes the mode."""
        if n:
            self._hetero = hetero
            self._count += int(n)

    def _plan(self, steps) -> tuple[int, bool]:
        """(updates to run, whether failing to settle warns) for a read's ``steps``."""
        name = type(self).__name__
        if self._count == 0:
            raise ValueError(f"the {name} is empty: write patterns before reading")
        if steps is None:
            if self._hetero:
                return 1, False
            return (self.max_steps, True) if self.settles else (0, False)
        if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 0:
            raise ValueError(f"steps must be None or an integer >= 0, got {steps!r}")
        if self._hetero and steps > 1:
            raise ValueError(f"this {name} holds key -> value pairs: a read is one lookup, so steps "
                             f"must be None, 0 or 1, got {steps}")
        if steps == 0 and not (self.direct_read or self._hetero):
            raise ValueError(f"{name} has no direct read: steps must be None or an integer >= 1, got 0")
        return int(steps), False

    def _report(self, info: ReadInfo, limit: int, strict: bool) -> None:
        """Warn (never silently pass) when a read asked to settle hit its limit."""
        if strict and not info.all_converged:
            warnings.warn(
                f"{type(self).__name__}.read: {info.n_failed} of {np.size(info.converged)} cues did not reach "
                f"a fixed point within {limit} steps (raise max_steps, pass steps=n for a fixed number of "
                f"updates, or return_info=True for per-cue flags)",
                NotConvergedWarning,
                stacklevel=3,
            )

    # ---- files ----------------------------------------------------------------------------

    def save(self, path: str | os.PathLike) -> None:
        """Write the memory to ``path`` (atomic, safetensors, no pickle)."""
        arrays, meta = self._state()
        meta = {"patterns": self.patterns.config(), "count": int(self._count), "hetero": self._hetero, **meta}
        io.save(path, self.kind, self.version, arrays, meta)

    @classmethod
    def load(cls, path: str | os.PathLike):
        """Read a memory written by :meth:`save`; corrupt or foreign files raise ModelFileError."""
        arrays, meta = io.load(path, cls.kind, cls.version)
        try:
            space = Patterns.from_config(meta["patterns"], cls.__name__, cls.pattern_kind)
            memory = cls._from_state(space.space if space.space is not None else space.dim, arrays, meta)
            count, hetero = meta["count"], meta["hetero"]
            if isinstance(count, bool) or not isinstance(count, int) or count < 0 or hetero not in (None, True, False):
                raise ValueError(f"bad count {count!r} or mode {hetero!r}")
            stored = memory._stored_count()
            if stored is not None and stored != count:
                raise ValueError(f"the header counts {count} items, the arrays hold {stored}")
            if (count == 0) != (hetero is None):
                raise ValueError(f"{count} items but mode {hetero!r}")
            memory._count, memory._hetero = count, hetero
        except (KeyError, TypeError, ValueError, OverflowError) as exc:
            raise io.ModelFileError(f"{path}: inconsistent {cls.kind} file ({exc})") from None
        return memory

    def _stored_count(self) -> int | None:
        """Items held in the arrays of a loaded memory, where they say (checked against the header)."""
        return None

    @abstractmethod
    def _state(self) -> tuple[dict, dict]:
        """(arrays, JSON-able settings) that rebuild the memory."""

    @classmethod
    @abstractmethod
    def _from_state(cls, space, arrays: dict, meta: dict):
        """The memory rebuilt on ``space`` from :meth:`_state`'s arrays and settings."""


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


def check_pairs(keys: np.ndarray, values: np.ndarray, what: str) -> None:
    """Refuse a write with different numbers of keys and values."""
    if len(keys) != len(values):
        raise ValueError(f"{what}: {len(keys)} keys but {len(values)} values; they must pair up one to one")


def step_limit(steps, default: int) -> int:
    """The step limit of an iterative read (``None`` -> ``default``)."""
    return default if steps is None else positive_int(steps, "steps")


def run_sync(states: np.ndarray, step, limit: int) -> tuple[np.ndarray, ReadInfo]:
    """Apply ``step(cur, rows) -> (new, moved)`` to the rows still moving, up to ``limit`` times
    (``rows``: which rows of ``states`` ``cur`` holds).

    A row stops (converged) at the first step that does not move it; rows that moved in every
    step are not converged.
    """
    s = states.copy()
    info = ReadInfo.start(len(s))
    active = np.arange(len(s))
    for _ in range(limit):
        if not len(active):
            break
        everyone = len(active) == len(s)
        new, moved = step(s if everyone else s[active], active)
        info.steps[active] += 1
        if everyone:
            s = new
        else:
            s[active] = new
        info.converged[active[~moved]] = True
        active = active[moved]
    return s, info
