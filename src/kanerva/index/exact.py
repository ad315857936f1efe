"""Exact nearest-neighbour search over hypervectors: packed Hamming, cosine, inner product.

Brute force is the honest baseline of every approximate method (Indyk & Motwani 1998) and, for
hypervectors, usually the right method too: one pass of xor-popcount over packed bits runs near
the memory bandwidth (see docs/benchmarks/search.md). Results are exact and deterministic: the
``k`` smallest Hamming distances (or largest similarities), ties going to the vector added
first.

Storage. In RAM by default. ``ExactIndex(..., path=FILE)`` keeps the vectors in a raw
memory-mapped file ``FILE.vectors`` and the small header (ids, metric, sizes) in the
:mod:`kanerva.io` file ``FILE`` (written by :meth:`ExactIndex.save`), so collections larger than
RAM are searched block by block through the page cache. ``ExactIndex.load(FILE)`` maps such an
index again; an index saved from RAM is one self-contained file and loads into RAM.

Examples
--------
>>> import kanerva as kv
>>> from kanerva.index import ExactIndex
>>> s = kv.BSC(1_000, seed=0)
>>> index = ExactIndex(s)
>>> index.add(s.random(key=["a", "b", "c"]), ids=[10, 20, 30])
>>> dist, ids = index.search(s.random(key="b"), k=2)
>>> ids[0, 0], dist[0, 0]
(np.int64(20), np.int32(0))
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from .. import io
from ..vsa import BSC, Space, space_from_config
from ._store import RowStore
from ._topk import block_topk, merge_running

KIND = "exact-index"
VERSION = 1


class ExactIndex:
    """Exact k-nearest-neighbour index with stable int64 ids.

    Parameters
    ----------
    space : kanerva Space, optional
        A :class:`kanerva.BSC` space gives packed Hamming search (distances, smaller is
        better); a dense space (MAP, HRR, FHRR) gives cosine similarity (larger is better).
    metric : {"cosine", "ip"}, optional
        For plain float vectors of width ``dim`` instead of a space.
    dim : int, optional
        Width of the float vectors (with ``metric``).
    path : str or path, optional
        Keep the vectors in the memory-mapped file ``path + ".vectors"``; :meth:`save` with no
        argument writes the header to ``path``.

    Examples
    --------
    >>> import numpy as np
    >>> index = ExactIndex(metric="ip", dim=2)
    >>> index.add(np.array([[1.0, 0.0], [3.0, 1.0]]))
    >>> sims, ids = index.search(np.array([1.0, 0.0]), k=2)
    >>> sims.tolist(), ids.tolist()
    ([[3.0, 1.0]], [[1, 0]])
    """

    def __init__(self, space: Space | None = None, *, metric: str | None = None, dim: int | None = None,
                 path: str | os.PathLike | None = None, _count: int | None = None):
        if space is not None:
            if not isinstance(space, Space):
                raise TypeError(f"space must be a kanerva Space (e.g. kv.BSC(10_000)), got {type(space).__name__}")
            if metric is not None or dim is not None:
                raise ValueError("give either a space, or metric= and dim=, not both")
            self.space = space
            self.metric = "hamming" if isinstance(space, BSC) else "cosine"
            self.dim = space.dim
        else:
            if metric not in ("cosine", "ip"):
                raise ValueError(f"metric must be 'cosine' or 'ip' for plain vectors (or pass a space), got {metric!r}")
            if isinstance(dim, bool) or not isinstance(dim, (int, np.integer)) or dim < 1:
                raise ValueError(f"dim must be a positive integer, got {dim!r}")
            self.space, self.metric, self.dim = None, metric, int(dim)
        if self.metric == "hamming":
            dtype, width = np.dtype(np.uint64), space.words
        else:  # complex vectors (FHRR) are searched as real vectors [re, im]: same cosine
            dtype = np.dtype(np.float32)
            width = 2 * self.dim if space is not None and np.dtype(space.dtype).kind == "c" else self.dim
        self.path = None if path is None else Path(path)
        vectors = None if path is None else _vectors_path(self.path)
        if vectors is not None and _count is None and vectors.exists() and vectors.stat().st_size > 0:
            raise ValueError(f"{vectors} already holds vectors: open it with ExactIndex.load({str(path)!r}) "
                             f"or delete it to start a new index")
        self._store = RowStore(dtype, width, vectors, count=_count or 0)  # _count: rows of a loaded file
        self._ids = np.empty(0, dtype=np.int64)
        self._next_id = 0

    # ---- contents ------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._store)

    def __repr__(self) -> str:
        where = f", path={str(self.path)!r}" if self.path else ""
        return f"ExactIndex(metric={self.metric!r}, dim={self.dim}, size={len(self)}{where})"

    @property
    def ids(self) -> np.ndarray:
        """The stored ids, in storage order (a copy)."""
        return self._ids.copy()

    def _rows(self, vectors, name: str) -> np.ndarray:
        """Validate a vector or a batch and convert it to stored rows (n, width)."""
        if self.space is not None:
            x = self.space.check(vectors, name)
            x = x.reshape((-1,) + tuple(self.space.shape))
            if self.metric == "hamming":
                return np.ascontiguousarray(x, dtype=np.uint64)
            if x.dtype.kind == "c":
                x = np.concatenate([x.real, x.imag], axis=-1)
        else:
            x = np.asarray(vectors)
            if x.dtype.kind not in "biuf":
                raise TypeError(f"{name} must be real numbers, got dtype {x.dtype}")
            if x.ndim not in (1, 2) or x.shape[-1] != self.dim:
                raise ValueError(f"{name} must have shape ({self.dim},) or (n, {self.dim}), got {x.shape}")
            x = x.reshape(-1, self.dim)
            if not np.isfinite(x).all():
                raise ValueError(f"{name} contains NaN or inf")
        x = np.ascontiguousarray(x, dtype=np.float32)
        if self.metric == "cosine":
            norms = np.linalg.norm(x, axis=1, keepdims=True)
            x = np.divide(x, norms, out=np.zeros_like(x), where=norms > 0)
        return x

    def add(self, vectors, ids=None) -> None:
        """Add a vector or a batch; ``ids`` (int64, unique) default to the next free numbers."""
        rows = self._rows(vectors, "vectors")
        n = rows.shape[0]
        if ids is None:
            new_ids = np.arange(self._next_id, self._next_id + n, dtype=np.int64)
        else:
            new_ids = np.asarray(ids).reshape(-1) if np.ndim(ids) else np.asarray([ids])
            if new_ids.dtype.kind not in "iu":
                raise TypeError(f"ids must be integers, got dtype {new_ids.dtype}")
            if new_ids.shape != (n,):
                raise ValueError(f"got {new_ids.size} ids for {n} vectors")
            if new_ids.dtype.kind == "u" and new_ids.size and new_ids.max() > np.iinfo(np.int64).max:
                raise ValueError("ids must fit in int64")
            new_ids = new_ids.astype(np.int64)
            if np.unique(new_ids).size != n:
                raise ValueError("ids contain duplicates")
            clash = np.intersect1d(new_ids, self._ids)
            if clash.size:
                raise ValueError(f"ids already in the index: {clash[:5].tolist()}{' ...' if clash.size > 5 else ''}")
        if n == 0:
            return
        self._store.append(rows)
        self._ids = np.concatenate([self._ids, new_ids])
        self._next_id = max(self._next_id, int(new_ids.max()) + 1)

    def remove(self, ids) -> None:
        """Remove the vectors with these ids (all must be present); other ids are unchanged."""
        ids = np.asarray(ids).reshape(-1)
        if ids.size and ids.dtype.kind not in "iu":
            raise TypeError(f"ids must be integers, got dtype {ids.dtype}")
        missing = np.setdiff1d(ids, self._ids)
        if missing.size:
            raise KeyError(f"ids not in the index: {missing[:5].tolist()}")
        drop = np.isin(self._ids, ids)
        self._store.delete(drop)
        self._ids = self._ids[~drop]

    def vectors(self, ids=None) -> np.ndarray:
        """Stored rows (all, or for ``ids``, in that order), as stored (cosine: unit length)."""
        rows = self._store.rows()
        if ids is None:
            return np.array(rows)
        ids = np.asarray(ids).reshape(-1)
        order = np.argsort(self._ids, kind="stable")
        pos = np.searchsorted(self._ids, ids, sorter=order)
        pos = order[np.minimum(pos, order.size - 1)] if order.size else pos
        if not order.size or (self._ids[pos] != ids).any():
            raise KeyError(f"ids not in the index: {np.setdiff1d(ids, self._ids)[:5].tolist()}")
        return np.array(rows[pos])

    # ---- search --------------------------------------------------------------------------

    def search(self, queries, k: int = 1) -> tuple[np.ndarray, np.ndarray]:
        """The ``k`` nearest stored vectors for each query, best first.

        Returns ``(scores, ids)``, each (n, k) (one query gives n = 1): Hamming distances
        (int32, ascending) for a BSC index, similarities (float32, descending) otherwise.
        """
        q = self._rows(queries, "queries")
        if len(self) == 0:
            raise ValueError("the index is empty: add vectors before searching")
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= k <= len(self):
            raise ValueError(f"k must be an integer between 1 and the {len(self)} stored vectors, got {k!r}")
        best = None
        for start, block in self._store.blocks():
            best = merge_running(best, block_topk(self.metric, q, block, int(k)), start, int(k))
        keys, rows = best
        scores = keys if self.metric == "hamming" else (-keys).astype(np.float32)
        return scores, self._ids[rows]

    # ---- files ---------------------------------------------------------------------------

    def _meta(self) -> dict:
        return {"metric": self.metric, "dim": self.dim, "count": len(self), "next_id": self._next_id,
                "space": None if self.space is None else self.space.config(),
                "width": self._store.width, "dtype": self._store.dtype.str}

    def save(self, path: str | os.PathLike | None = None) -> None:
        """Write the index to ``path`` (default: its own ``path``). A memory-mapped index keeps
        its vectors in ``path + ".vectors"``; an in-RAM index writes one self-contained file."""
        path = self.path if path is None else Path(path)
        if path is None:
            raise ValueError("this index lives in RAM: give save() a path")
        meta = self._meta()
        arrays = {"ids": self._ids}
        if self._store.on_disk:
            self._store.flush()
            target = _vectors_path(path)
            if target.resolve() != self._store.path.resolve():
                with open(target, "wb") as f:  # copy blockwise: the collection may exceed RAM
                    for _, block in self._store.blocks():
                        f.write(np.ascontiguousarray(block).tobytes())
            meta["vectors_file"] = target.name
        else:
            arrays["vectors"] = self._store.rows()
        io.save(path, KIND, VERSION, arrays, meta)

    @classmethod
    def load(cls, path: str | os.PathLike) -> ExactIndex:
        """Open an index written by :meth:`save` (memory-mapping a ``.vectors`` file)."""
        path = Path(path)
        arrays, meta = io.load(path, KIND, VERSION)
        try:
            count, ids = int(meta["count"]), arrays["ids"]
            space = None if meta["space"] is None else space_from_config(meta["space"])
            kwargs = {"space": space} if space is not None else {"metric": meta["metric"], "dim": int(meta["dim"])}
            on_disk = "vectors_file" in meta
            if on_disk and meta["vectors_file"] != _vectors_path(path).name:
                raise io.ModelFileError(f"{path}: refers to vectors file {meta['vectors_file']!r}, "
                                        f"expected {_vectors_path(path).name!r}")
            index = cls(**kwargs, path=path if on_disk else None, _count=count if on_disk else 0)
        except (KeyError, TypeError, ValueError) as exc:
            if isinstance(exc, io.ModelFileError):
                raise
            raise io.ModelFileError(f"{path}: corrupt exact-index header ({exc})") from None
        if ids.shape != (count,) or ids.dtype != np.int64 or np.unique(ids).size != count:
            raise io.ModelFileError(f"{path}: corrupt ids (expected {count} unique int64 ids)")
        if not on_disk:
            vectors = arrays.get("vectors")
            want = (count, index._store.width)
            if vectors is None or vectors.shape != want or vectors.dtype != index._store.dtype:
                raise io.ModelFileError(f"{path}: corrupt vectors (expected {want} {index._store.dtype})")
            index._store.append(vectors)
        index._ids = ids.copy()
        index._next_id = int(meta.get("next_id", int(ids.max()) + 1 if count else 0))
        return index


def _vectors_path(path: Path) -> Path:
    return path.with_name(path.name + ".vectors")

