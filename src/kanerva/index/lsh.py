"""p-stable locality-sensitive hashing for Euclidean distance, with multi-table bucket indexes.

Datar, Immorlica, Indyk & Mirrokni (2004, "Locality-sensitive hashing scheme based on p-stable
distributions", eq. 1): ``h(x) = floor((a . x + b) / r)`` with ``a`` Gaussian (2-stable) and
``b`` uniform on [0, r); two points at distance ``c`` collide with probability
``p(c) = 1 - 2 Phi(-r/c) - 2 c / (sqrt(2 pi) r) (1 - exp(-r^2 / 2c^2))``, decreasing in ``c``.
The classic index (Indyk & Motwani 1998; Gionis et al. 1999) concatenates ``K`` hashes into a
bucket key (fewer false collisions) and keeps ``L`` independent tables (fewer misses); a query's
candidates are the union of its ``L`` buckets, re-ranked by exact distance.

:class:`L2Hash` is the hash (``hash(X)``: one uint64 bucket key per table, the K values mixed
together); :class:`L2LSH` is the index built on it.

Examples
--------
>>> import numpy as np
>>> from kanerva.index import L2LSH
>>> data = np.random.default_rng(0).normal(size=(500, 16))
>>> lsh = L2LSH(16, hashes_per_table=4, tables=8, width=4.0, seed=0)
>>> lsh.add(data)
>>> dist, ids = lsh.search(data[7] + 0.01, k=1)
>>> int(ids[0, 0])
7
"""

from __future__ import annotations

import os

import numpy as np

from .. import io
from ..vsa.keys import mix
from ._base import Hasher, IdMap, Index, nested_state, unnest
from ._input import as_matrix, positive_int


class BucketTables:
    """``L`` hash tables over stored rows: bucket key -> stored row numbers (sorted arrays).

    Examples
    --------
    >>> t = BucketTables(np.array([[5, 1], [5, 2], [6, 1]], dtype=np.uint64))
    >>> [c.tolist() for c in t.candidates(np.array([[5, 1]], dtype=np.uint64))]
    [[0, 1, 2]]
    """

    def __init__(self, keys: np.ndarray):
        # keys (n, L): one bucket key per stored row and table
        self.order = np.argsort(keys, axis=0, kind="stable")
        self.sorted_keys = np.take_along_axis(keys, self.order, axis=0)

    def candidates(self, query_keys: np.ndarray) -> list[np.ndarray]:
        """Per query, the sorted stored rows sharing a bucket with it in any table."""
        tables = self.sorted_keys.shape[1]
        lo = np.stack([np.searchsorted(self.sorted_keys[:, t], query_keys[:, t], "left") for t in range(tables)], 1)
        hi = np.stack([np.searchsorted(self.sorted_keys[:, t], query_keys[:, t], "right") for t in range(tables)], 1)
        out = []
        for i in range(query_keys.shape[0]):
            parts = [self.order[lo[i, t] : hi[i, t], t] for t in range(tables) if hi[i, t] > lo[i, t]]
            out.append(np.unique(np.concatenate(parts)) if parts else np.empty(0, dtype=np.int64))
        return out


def rerank(candidates: list[np.ndarray], scores_of, k: int, ids: np.ndarray, larger_is_better: bool):
    """Exact top-k among each query's candidates: ``scores_of(i, rows)`` gives the scores.

    Queries with fewer than ``k`` candidates get id -1 and score -inf/inf in the empty slots.

    >>> values = np.array([5.0, 9.0, 7.0])
    >>> s, i = rerank([np.array([0, 2])], lambda q, rows: values[rows], 3, np.array([10, 11, 12]), True)
    >>> s.tolist(), i.tolist()
    ([[7.0, 5.0, -inf]], [[12, 10, -1]])
    """
    n = len(candidates)
    fill = -np.inf if larger_is_better else np.inf
    scores = np.full((n, k), fill)
    out_ids = np.full((n, k), -1, dtype=np.int64)
    for i, rows in enumerate(candidates):
        if rows.size == 0:
            continue
        s = scores_of(i, rows)
        order = np.argsort(-s if larger_is_better else s, kind="stable")[:k]
        scores[i, : order.size] = s[order]
        out_ids[i, : order.size] = ids[rows[order]]
    return scores, out_ids


class L2Hash(Hasher):
    """The p-stable hash of Datar et al. (2004), one bucket key per table.

    Each of the ``tables`` keys mixes ``hashes_per_table`` values ``floor((a.x + b) / r)``.

    Parameters
    ----------
    input_dim : int
    hashes_per_table : int
        ``K``: hash values concatenated (mixed) into one bucket key.
    tables : int
        ``L``: independent bucket keys per vector.
    width : float
        ``r``: the bucket width (in the units of the data).
    seed : int

    Examples
    --------
    >>> import numpy as np
    >>> h = L2Hash(2, hashes_per_table=1, tables=3, width=1.0, seed=0)
    >>> h.hash(np.array([[0.0, 0.0], [0.01, 0.0]])).shape      # one key per table
    (2, 3)
    >>> h.values(np.array([0.0, 0.0])).shape                   # (n, tables, hashes_per_table)
    (1, 3, 1)
    """

    kind = "l2hash"
    comparison = "buckets"

    def __init__(self, input_dim: int, hashes_per_table: int = 4, tables: int = 8, width: float = 4.0, seed: int = 0):
        self.input_dim = positive_int(input_dim, "input_dim")
        self.hashes_per_table = positive_int(hashes_per_table, "hashes_per_table")
        self.tables = positive_int(tables, "tables")
        if isinstance(width, bool) or not isinstance(width, (int, float, np.number)) or not np.isfinite(width) \
                or width <= 0:
            raise ValueError(f"width must be a positive number, got {width!r}")
        self.width = float(width)
        self.seed = positive_int(seed, "seed", 0)
        rng = np.random.default_rng(np.random.SeedSequence([self.seed & (2**63 - 1), 0x12]))
        n_hashes = self.tables * self.hashes_per_table
        self.a = rng.standard_normal((n_hashes, self.input_dim))
        self.b = rng.uniform(0.0, self.width, size=n_hashes)
        self._mult = rng.integers(1, 2**63, size=self.hashes_per_table, dtype=np.uint64) | np.uint64(1)

    @property
    def code_words(self) -> int:
        return self.tables

    def __repr__(self) -> str:
        return (f"L2Hash(input_dim={self.input_dim}, hashes_per_table={self.hashes_per_table}, "
                f"tables={self.tables}, width={self.width}, seed={self.seed})")

    def values(self, X) -> np.ndarray:
        """``floor((a . x + b) / r)`` for every hash: int64 (n, tables, hashes_per_table)."""
        x = as_matrix(X, self.input_dim)
        with np.errstate(over="ignore", invalid="ignore"):
            h = np.floor((x @ self.a.T + self.b) / self.width)
        if not np.isfinite(h).all() or np.abs(h).max(initial=0) >= 2**62:
            raise ValueError("X is too large for the hash (its projections overflow)")
        return h.astype(np.int64).reshape(-1, self.tables, self.hashes_per_table)

    def hash(self, X) -> np.ndarray:
        """One uint64 bucket key per row and table (the K values mixed together): (n, tables)."""
        h = self.values(X).view(np.uint64)
        return mix((h * self._mult).sum(axis=2, dtype=np.uint64))

    def _state(self):
        return {"a": self.a, "b": self.b, "mult": self._mult}, {
            "input_dim": self.input_dim, "hashes_per_table": self.hashes_per_table, "tables": self.tables,
            "width": self.width, "seed": self.seed}

    @classmethod
    def _from_state(cls, arrays, meta):
        d, k, t = (positive_int(meta[key], key) for key in ("input_dim", "hashes_per_table", "tables"))
        want = {"a": ((t * k, d), np.float64), "b": ((t * k,), np.float64), "mult": ((k,), np.uint64)}
        for name, (shape, dtype) in want.items():  # checked before anything of these sizes is made
            got = arrays[name]
            if got.dtype != dtype or got.shape != shape or (got.dtype.kind == "f" and not np.isfinite(got).all()):
                raise ValueError(f"array {name!r} is {got.dtype} {got.shape}, expected {np.dtype(dtype)} {shape}")
        h = cls(1, k, t, meta["width"], meta["seed"])  # one input: small; the arrays replace its draws
        h.input_dim = d
        h.a, h.b, h._mult = arrays["a"].copy(), arrays["b"].copy(), arrays["mult"].copy()
        return h


class L2LSH(Index):
    """Euclidean LSH index: ``tables`` tables of ``hashes_per_table`` p-stable hashes each.

    Scores are Euclidean distances (``larger_is_better`` is False), found among the vectors
    that share a bucket with the query in some table and ranked exactly.

    Parameters
    ----------
    input_dim, hashes_per_table, tables, width, seed :
        The :class:`L2Hash` settings.

    Examples
    --------
    >>> import numpy as np
    >>> lsh = L2LSH(2, hashes_per_table=1, tables=2, width=1.0, seed=0)
    >>> lsh.add(np.array([[0.0, 0.0], [5.0, 5.0]]), ids=[10, 20])
    >>> lsh.search(np.array([0.1, 0.0]), k=1)[1].tolist()
    [[10]]
    """

    kind = "l2lsh"
    version = 1
    metric = "euclidean"
    larger_is_better = False

    def __init__(self, input_dim: int, hashes_per_table: int = 4, tables: int = 8, width: float = 4.0, seed: int = 0):
        self.hasher = L2Hash(input_dim, hashes_per_table, tables, width, seed)
        self.input_dim = self.hasher.input_dim
        self._data = np.empty((0, self.input_dim))
        self._keys = np.empty((0, self.hasher.tables), dtype=np.uint64)  # bucket keys of the stored rows
        self._ids = IdMap()
        self._tables: BucketTables | None = None

    def __repr__(self) -> str:
        h = self.hasher
        return (f"L2LSH(input_dim={h.input_dim}, hashes_per_table={h.hashes_per_table}, tables={h.tables}, "
                f"width={h.width}, seed={h.seed}, size={len(self)})")

    def add(self, vectors, ids=None) -> None:
        """Store a vector or a batch (ids default to the next free numbers); rebuilds the tables."""
        x = as_matrix(vectors, self.input_dim, "vectors")
        new = self._ids.new(x.shape[0], ids)
        keys = self.hasher.hash(x)
        self._data = np.concatenate([self._data, x])
        self._keys = np.concatenate([self._keys, keys])
        self._ids.commit(new)
        self._rebuild()

    def remove(self, ids) -> None:
        """Remove the vectors stored under ``ids``; rebuilds the tables."""
        keep = ~self._ids.drop_mask(ids)
        self._data, self._keys = self._data[keep], self._keys[keep]
        self._ids.keep(keep)
        self._rebuild()

    def _rebuild(self) -> None:
        self._tables = BucketTables(self._keys) if len(self) else None

    def candidates(self, queries) -> list[np.ndarray]:
        """Stored row numbers sharing a bucket with each query in at least one table."""
        if self._tables is None:
            raise ValueError("the index is empty: add vectors before searching")
        return self._tables.candidates(self.hasher.hash(queries))

    def search(self, queries, k: int = 1) -> tuple[np.ndarray, np.ndarray]:
        """Approximate k nearest neighbours: (Euclidean distances, ids), nearest first; slots
        without a candidate hold id -1 and distance inf."""
        q = as_matrix(queries, self.input_dim, "queries")
        k = self._check_k(k)
        cands = self.candidates(q)
        return rerank(cands, lambda i, rows: np.linalg.norm(self._data[rows] - q[i], axis=1), k, self._ids.ids, False)

    def save(self, path: str | os.PathLike) -> None:
        arrays, meta = nested_state("hasher", *self.hasher._state())
        id_arrays, id_meta = self._ids.state()
        io.save(path, self.kind, self.version, {**arrays, **id_arrays, "data": self._data},
                {**meta, **id_meta, "count": len(self)})

    @classmethod
    def load(cls, path: str | os.PathLike) -> L2LSH:
        arrays, meta = io.load(path, cls.kind, cls.version)
        try:
            hasher = L2Hash._from_state(*unnest("hasher", arrays, meta))
            index = cls.__new__(cls)
            index.hasher, index.input_dim = hasher, hasher.input_dim
            count = positive_int(meta["count"], "count", 0)
            data = arrays["data"]
            if data.dtype != np.float64 or data.shape != (count, hasher.input_dim) or not np.isfinite(data).all():
                raise ValueError(f"data of {data.dtype} {data.shape}, expected ({count}, {hasher.input_dim}) floats")
            index._data, index._ids = data.copy(), IdMap.from_state(arrays, meta, count)
            index._keys = hasher.hash(index._data)
            index._rebuild()
        except (KeyError, TypeError, ValueError, OverflowError) as exc:
            raise io.ModelFileError(f"{path}: inconsistent {cls.kind} file ({exc})") from None
        return index
