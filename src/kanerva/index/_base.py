"""The protocols of the search family: indexes and hashers, and the id bookkeeping they share.

Every index stores vectors under int64 ids and answers nearest-neighbour queries:

- ``add(vectors, ids=None)``: one vector or a batch; ids are unique integers (default: the next
  free numbers, after the largest id ever given).
- ``search(queries, k=1) -> (scores, ids)``: float64 and int64 arrays (n, k), one row per query
  (one query gives n = 1), best first. ``index.larger_is_better`` says what a score is: True for
  similarities (cosine, inner product: descending), False for distances (Hamming, Euclidean:
  ascending); ``index.metric`` names it. ``k`` larger than ``len(index)`` is a ValueError. An
  approximate index that finds fewer than ``k`` candidates for a query fills the empty slots with
  id -1 and the worst score (``+inf`` distance, ``-inf`` similarity).
- ``remove(ids)`` (all must be present), ``len(index)``, ``index.ids``, ``index.save(path)``,
  ``Cls.load(path)``.

Every hasher maps real vectors to codes with one call, ``hasher.hash(X) -> uint64 (n,
code_words)``: packed bits compared by Hamming distance (``comparison == "hamming"``: FlyHash,
SimHash) or one bucket key per table compared by equality (``"buckets"``: L2Hash); hashers save and
load like everything else.

Examples
--------
>>> ids = IdMap()
>>> ids.commit(ids.new(3))
>>> ids.commit(ids.new(2, [10, 11]))
>>> ids.ids.tolist(), ids.new(1).tolist()
([0, 1, 2, 10, 11], [12])
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod

import numpy as np

from .. import io


class Index(ABC):
    """The index protocol (see the module docstring)."""

    metric: str = ""
    larger_is_better: bool = False

    @abstractmethod
    def add(self, vectors, ids=None) -> None:
        """Store a vector or a batch under ``ids`` (default: the next free numbers)."""

    @abstractmethod
    def search(self, queries, k: int = 1) -> tuple[np.ndarray, np.ndarray]:
        """``(scores, ids)``, each (n, k), best first."""

    @abstractmethod
    def remove(self, ids) -> None:
        """Remove the vectors stored under ``ids`` (all must be present)."""

    # an index keeps its ids in an IdMap named ``_ids`` unless it overrides these two
    def __len__(self) -> int:
        """Number of stored vectors."""
        return len(self._ids)

    @property
    def ids(self) -> np.ndarray:
        """The stored ids, in storage order (a copy)."""
        return self._ids.ids.copy()

    @abstractmethod
    def save(self, path: str | os.PathLike) -> None:
        """Write the index to ``path`` (through :mod:`kanerva.io`)."""

    @classmethod
    @abstractmethod
    def load(cls, path: str | os.PathLike):
        """Read an index written by :meth:`save`."""

    def _check_k(self, k) -> int:
        if len(self) == 0:
            raise ValueError("the index is empty: add vectors before searching")
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= k <= len(self):
            raise ValueError(f"k must be an integer between 1 and the {len(self)} stored vectors, got {k!r}")
        return int(k)

    @property
    def worst_score(self) -> float:
        """The score of an empty result slot: -inf for similarities, +inf for distances."""
        return -np.inf if self.larger_is_better else np.inf


class IdMap:
    """Stored ids (storage order) and the next free id: validation shared by every index."""

    def __init__(self):
        self.ids = np.empty(0, dtype=np.int64)
        self.next_id = 0

    def __len__(self) -> int:
        return self.ids.size

    def new(self, n: int, ids=None) -> np.ndarray:
        """The ids of ``n`` vectors being added: checked (integers, one per vector, unique, not
        stored yet) or the next free numbers. Nothing is stored until :meth:`commit`."""
        if ids is None:
            return np.arange(self.next_id, self.next_id + n, dtype=np.int64)
        new = np.asarray(ids)
        new = new.reshape(-1) if new.ndim else new.reshape(1)
        if new.size and (new.dtype.kind not in "iu" or new.dtype == bool):
            raise TypeError(f"ids must be integers, got dtype {new.dtype}")
        if new.shape != (n,):
            raise ValueError(f"got {new.size} ids for {n} vectors")
        if new.dtype.kind == "u" and new.size and new.max() > np.iinfo(np.int64).max:
            raise ValueError("ids must fit in int64")
        new = new.astype(np.int64)
        if np.unique(new).size != n:
            raise ValueError("ids contain duplicates")
        clash = np.intersect1d(new, self.ids)
        if clash.size:
            raise ValueError(f"ids already in the index: {clash[:5].tolist()}{' ...' if clash.size > 5 else ''}")
        return new

    def commit(self, new: np.ndarray) -> None:
        """Append ids returned by :meth:`new` (after their vectors are stored)."""
        if new.size:
            self.ids = np.concatenate([self.ids, new])
            self.next_id = max(self.next_id, int(new.max()) + 1)

    def drop_mask(self, ids) -> np.ndarray:
        """Which stored rows hold ``ids`` (a bool mask); every id must be stored."""
        ids = np.asarray(ids).reshape(-1)
        if ids.size and (ids.dtype.kind not in "iu" or ids.dtype == bool):
            raise TypeError(f"ids must be integers, got dtype {ids.dtype}")
        missing = np.setdiff1d(ids, self.ids)
        if missing.size:
            raise KeyError(f"ids not in the index: {missing[:5].tolist()}")
        return np.isin(self.ids, ids)

    def keep(self, mask: np.ndarray) -> None:
        """Keep the stored rows where ``mask`` is set (next_id stays: removed ids are not reused)."""
        self.ids = self.ids[mask]

    def state(self) -> tuple[dict, dict]:
        return {"ids": self.ids}, {"next_id": self.next_id}

    @classmethod
    def from_state(cls, arrays: dict, meta: dict, count: int) -> IdMap:
        ids, next_id = arrays["ids"], meta["next_id"]
        if ids.dtype != np.int64 or ids.shape != (count,) or np.unique(ids).size != count:
            raise ValueError(f"expected {count} unique int64 ids")
        if isinstance(next_id, bool) or not isinstance(next_id, int) or (count and next_id <= int(ids.max())):
            raise ValueError(f"next_id {next_id!r} is not past the stored ids")
        out = cls()
        out.ids, out.next_id = ids.copy(), next_id
        return out


class Hasher(ABC):
    """The hasher protocol: ``hash(X) -> uint64 (n, code_words)``, save and load.

    Subclasses set ``kind`` and ``comparison`` and implement ``hash``, ``_state() -> (arrays,
    meta)`` and ``_from_state(arrays, meta)``.
    """

    kind = "hasher"
    version = 1
    comparison = "hamming"
    input_dim: int
    code_words: int

    @abstractmethod
    def hash(self, X) -> np.ndarray:
        """Codes of the rows of ``X`` (n, input_dim), or of one vector: uint64 (n, code_words)."""

    def save(self, path: str | os.PathLike) -> None:
        """Write the hasher (its random wiring or projections included) to ``path``."""
        arrays, meta = self._state()
        io.save(path, self.kind, self.version, arrays, meta)

    @classmethod
    def load(cls, path: str | os.PathLike):
        """Read a hasher written by :meth:`save`."""
        arrays, meta = io.load(path, cls.kind, cls.version)
        return cls._rebuild(arrays, meta, path)

    @classmethod
    def _rebuild(cls, arrays: dict, meta: dict, where) -> Hasher:
        try:
            return cls._from_state(arrays, meta)
        except (KeyError, TypeError, ValueError, OverflowError) as exc:
            raise io.ModelFileError(f"{where}: inconsistent {cls.kind} file ({exc})") from None

    @abstractmethod
    def _state(self) -> tuple[dict, dict]:
        """(arrays, JSON-able settings) that rebuild the hasher exactly."""

    @classmethod
    @abstractmethod
    def _from_state(cls, arrays: dict, meta: dict) -> Hasher:
        """The hasher rebuilt from :meth:`_state`."""


def nested_state(prefix: str, arrays: dict, meta: dict) -> tuple[dict, dict]:
    """A part's arrays and settings under ``prefix`` in another object's file.

    >>> nested_state("hasher", {"w": 1}, {"bits": 8})
    ({'hasher/w': 1}, {'hasher': {'bits': 8}})
    """
    return {f"{prefix}/{k}": v for k, v in arrays.items()}, {prefix: meta}


def unnest(prefix: str, arrays: dict, meta: dict) -> tuple[dict, dict]:
    """The inverse of :func:`nested_state`.

    >>> unnest("hasher", {"hasher/w": 1, "ids": 2}, {"hasher": {"bits": 8}})
    ({'w': 1}, {'bits': 8})
    """
    start = f"{prefix}/"
    return {k[len(start):]: v for k, v in arrays.items() if k.startswith(start)}, meta[prefix]

