"""p-stable locality-sensitive hashing for Euclidean distance, with multi-table bucket indexes.

Datar, Immorlica, Indyk & Mirrokni (2004, "Locality-sensitive hashing scheme based on p-stable
distributions", eq. 1): ``h(x) = floor((a . x + b) / r)`` with ``a`` Gaussian (2-stable) and
``b`` uniform on [0, r); two points at distance ``c`` collide with probability
``p(c) = 1 - 2 Phi(-r/c) - 2 c / (sqrt(2 pi) r) (1 - exp(-r^2 / 2c^2))``, decreasing in ``c``.
The classic index (Indyk & Motwani 1998; Gionis et al. 1999) concatenates ``K`` hashes into a
bucket key (fewer false collisions) and keeps ``L`` independent tables (fewer misses); a query's
candidates are the union of its ``L`` buckets, re-ranked by exact distance.

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

import numpy as np

from ..vsa.keys import mix
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


class L2LSH:
    """Euclidean LSH index: ``tables`` tables of ``hashes_per_table`` p-stable hashes each.

    Parameters
    ----------
    input_dim : int
    hashes_per_table : int
        ``K``: hashes concatenated into one bucket key.
    tables : int
        ``L``: independent tables.
    width : float
        ``r``: the bucket width (in the units of the data).
    seed : int

    Examples
    --------
    >>> import numpy as np
    >>> lsh = L2LSH(2, hashes_per_table=1, tables=1, width=1.0, seed=0)
    >>> lsh.hash(np.array([[0.0, 0.0], [0.01, 0.0]])).shape   # (n, tables, hashes_per_table)
    (2, 1, 1)
    """

    def __init__(self, input_dim: int, hashes_per_table: int = 4, tables: int = 8, width: float = 4.0, seed: int = 0):
        self.input_dim = positive_int(input_dim, "input_dim")
        self.hashes_per_table = positive_int(hashes_per_table, "hashes_per_table")
        self.tables = positive_int(tables, "tables")
        if not np.isfinite(width) or width <= 0:
            raise ValueError(f"width must be a positive number, got {width!r}")
        self.width = float(width)
        self.seed = int(seed)
        rng = np.random.default_rng(np.random.SeedSequence([self.seed & (2**63 - 1), 0x12]))
        n_hashes = self.tables * self.hashes_per_table
        self.a = rng.standard_normal((n_hashes, self.input_dim))
        self.b = rng.uniform(0.0, self.width, size=n_hashes)
        self._mult = rng.integers(1, 2**63, size=self.hashes_per_table, dtype=np.uint64) | np.uint64(1)
        self._data = np.empty((0, self.input_dim))
        self._ids = np.empty(0, dtype=np.int64)
        self._tables: BucketTables | None = None

    def hash(self, X) -> np.ndarray:
        """``floor((a . x + b) / r)`` for every hash: int64 (n, tables, hashes_per_table)."""
        x = as_matrix(X, self.input_dim)
        h = np.floor((x @ self.a.T + self.b) / self.width).astype(np.int64)
        return h.reshape(-1, self.tables, self.hashes_per_table)

    def bucket_keys(self, X) -> np.ndarray:
        """One uint64 bucket key per row and table (the K hashes mixed together): (n, tables)."""
        h = self.hash(X).view(np.uint64)
        return mix((h * self._mult).sum(axis=2, dtype=np.uint64))

    def __len__(self) -> int:
        return self._ids.size

    def add(self, X, ids=None) -> None:
        """Store rows of ``X`` (ids default to their running number) and rebuild the tables."""
        x = as_matrix(X, self.input_dim)
        if ids is None:
            ids = np.arange(len(self), len(self) + x.shape[0], dtype=np.int64)
        ids = np.asarray(ids, dtype=np.int64).reshape(-1)
        if ids.size != x.shape[0]:
            raise ValueError(f"got {ids.size} ids for {x.shape[0]} vectors")
        if np.unique(np.concatenate([self._ids, ids])).size != self._ids.size + ids.size:
            raise ValueError("ids contain duplicates or are already in the index")
        self._data = np.concatenate([self._data, x])
        self._ids = np.concatenate([self._ids, ids])
        self._tables = BucketTables(self.bucket_keys(self._data))

    def candidates(self, Q) -> list[np.ndarray]:
        """Stored row numbers sharing a bucket with each query in at least one table."""
        if self._tables is None:
            raise ValueError("the index is empty: add vectors before searching")
        return self._tables.candidates(self.bucket_keys(Q))

    def search(self, Q, k: int = 1) -> tuple[np.ndarray, np.ndarray]:
        """Approximate k nearest neighbours: (Euclidean distances, ids), nearest first; slots
        without a candidate hold id -1 and distance inf."""
        q = as_matrix(Q, self.input_dim, "queries")
        k = positive_int(k, "k")
        if len(self) == 0:
            raise ValueError("the index is empty: add vectors before searching")
        if k > len(self):
            raise ValueError(f"k must be at most the {len(self)} stored vectors, got {k}")
        cands = self.candidates(q)
        return rerank(cands, lambda i, rows: np.linalg.norm(self._data[rows] - q[i], axis=1), k, self._ids, False)
