"""Exact nearest-neighbour search over hypervectors: packed Hamming, cosine, inner product.

Brute force is the honest baseline of every approximate method (Indyk & Motwani 1998) and, for
hypervectors, usually the right method too: one pass of xor-popcount over packed bits runs near
the memory bandwidth (see docs/benchmarks/search.md). Results are exact and deterministic: the
``k`` smallest Hamming distances (or largest similarities), ties going to the vector added
first.

Storage. In RAM by default. ``ExactIndex(..., path=FILE)`` keeps the vectors in a raw
memory-mapped file ``FILE.vectors`` and the small header (ids, metric, sizes, a CRC-32 per block
of rows) in the :mod:`kanerva.io` file ``FILE`` (written by :meth:`ExactIndex.save`), so
collections larger than RAM are searched block by block through the page cache.
``ExactIndex.load(FILE)`` maps such an index again; an index saved from RAM is one self-contained
file and loads into RAM.

What is on disk is always one saved state, whatever happens to the process: ``add`` writes past
the saved rows, ``remove`` copies the kept rows into a new generation of the vectors file
(``FILE.vectors.1``, ...) that the header names only when ``save`` replaces it atomically, and
files are never rewritten in place under a process that maps them. One process writes an index
at a time; any number may read it.

Examples
--------
>>> import kanerva as kv
>>> from kanerva.index import ExactIndex
>>> s = kv.BSC(1_000, seed=0)
>>> index = ExactIndex(s)
>>> index.add(s.random(key=["a", "b", "c"]), ids=[10, 20, 30])
>>> dist, ids = index.search(s.random(key="b"), k=2)
>>> int(ids[0, 0]), float(dist[0, 0]), index.larger_is_better
(20, 0.0, False)
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from .. import io
from ..vsa import BSC, Space, space_from_config
from ._base import IdMap, Index
from ._store import DiskRows, RamRows, generation_of, remove_other_generations, vectors_name
from ._topk import block_topk, merge_running

KIND = "exact-index"
IP_LIMIT = 1e15  # float32 inner products of rows this large stay finite up to 10^8 dimensions
VERSION = 1


class ExactIndex(Index):
    """Exact k-nearest-neighbour index with stable int64 ids.

    Parameters
    ----------
    space : kanerva Space, optional
        A :class:`kanerva.BSC` space gives packed Hamming search (distances, smaller is
        better: ``larger_is_better`` False); any other space gives cosine similarity of its real
        feature rows (``space.to_features``), which is the space's similarity (larger is better).
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

    kind, version = KIND, VERSION

    def __init__(self, space: Space | None = None, *, metric: str | None = None, dim: int | None = None,
                 path: str | os.PathLike | None = None, _store: DiskRows | None = None):
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
        else:  # a space's vectors are searched as its real feature rows (FHRR: [re, im]): same cosine
            dtype = np.dtype(np.float32)
            width = space.feature_dim if space is not None else self.dim
        self.path = None if path is None else Path(path)
        if self.path is None:
            self._store = RamRows(dtype, width)
        elif _store is not None:  # a loaded index
            self._store = _store
        else:
            taken = [p for p in [self.path, *self.path.parent.glob(f"{self.path.name}.vectors*")] if p.exists()]
            if taken:
                raise ValueError(f"{taken[0]} already exists: open the index with ExactIndex.load({str(path)!r}) "
                                 f"or delete its files to start a new index")
            self._store = DiskRows(dtype, width, self.path)
        self._idmap = IdMap()
        self.larger_is_better = self.metric != "hamming"

    # ---- contents ------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._store)

    def __repr__(self) -> str:
        where = f", path={str(self.path)!r}" if self.path else ""
        return f"ExactIndex(metric={self.metric!r}, dim={self.dim}, size={len(self)}{where})"

    @property
    def ids(self) -> np.ndarray:
        """The stored ids, in storage order (a copy)."""
        return self._idmap.ids.copy()

    @property
    def _ids(self) -> np.ndarray:
        return self._idmap.ids

    def _rows(self, vectors, name: str) -> np.ndarray:
        """Validate a vector or a batch and convert it to stored rows (n, width)."""
        if self.space is not None:
            x = self.space.check(vectors, name)
            x = x.reshape((-1,) + tuple(self.space.shape))
            if self.metric == "hamming":
                return np.ascontiguousarray(x, dtype=np.uint64)
            # real rows whose dot products are dim x similarity: cosine search is similarity search
            # in every model (FHRR: [re, im]; SBC: centred one-hot codes; MBAT, VTB: the flat matrix)
            x = self.space.to_features(x)
        else:
            x = np.asarray(vectors)
            if x.dtype.kind not in "biuf":
                raise TypeError(f"{name} must be real numbers, got dtype {x.dtype}")
            if x.ndim not in (1, 2) or x.shape[-1] != self.dim:
                raise ValueError(f"{name} must have shape ({self.dim},) or (n, {self.dim}), got {x.shape}")
            x = x.reshape(-1, self.dim)
            if not np.isfinite(x).all():
                raise ValueError(f"{name} contains NaN or inf")
        with np.errstate(over="ignore"):
            x = np.ascontiguousarray(x, dtype=np.float32)
        if not np.isfinite(x).all():
            raise ValueError(f"{name} holds values too large for float32 storage (beyond 3.4e38)")
        if self.metric == "ip" and x.size and np.abs(x).max() > IP_LIMIT:
            raise ValueError(f"{name} holds values too large for float32 inner products (beyond {IP_LIMIT:g})")
        if self.metric == "cosine":  # norms in float64: a float32 sum of squares overflows from 1.8e19
            norms = np.linalg.norm(x.astype(np.float64), axis=1, keepdims=True)
            x = np.divide(x, norms, out=np.zeros_like(x), where=norms > 0).astype(np.float32)
        return x

    def add(self, vectors, ids=None) -> None:
        """Add a vector or a batch; ``ids`` (int64, unique) default to the next free numbers."""
        rows = self._rows(vectors, "vectors")
        new = self._idmap.new(rows.shape[0], ids)
        if rows.shape[0] == 0:
            return
        self._store.append(rows)
        self._idmap.commit(new)

    def remove(self, ids) -> None:
        """Remove the vectors with these ids (all must be present); other ids are unchanged."""
        drop = self._idmap.drop_mask(ids)
        self._store.delete(drop)
        self._idmap.keep(~drop)

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

        Returns ``(scores, ids)``, each (n, k) (one query gives n = 1), scores float64: Hamming
        distances (ascending) for a BSC index, similarities (descending) otherwise.
        """
        q = self._rows(queries, "queries")
        k = self._check_k(k)
        best = None
        for start, block in self._store.blocks():
            best = merge_running(best, block_topk(self.metric, q, block, k), start, k)
        keys, rows = best
        scores = keys.astype(np.float64) if self.metric == "hamming" else -keys.astype(np.float64)
        return scores, self._ids[rows]

    # ---- files ---------------------------------------------------------------------------

    def _meta(self) -> dict:
        return {"metric": self.metric, "dim": self.dim, "count": len(self), "next_id": self._idmap.next_id,
                "space": None if self.space is None else self.space.config(),
                "width": self._store.width, "dtype": self._store.dtype.str}

    def save(self, path: str | os.PathLike | None = None) -> None:
        """Write the index to ``path`` (default: its own ``path``). A memory-mapped index keeps
        its vectors in a ``.vectors`` file beside ``path``; an in-RAM index writes one
        self-contained file."""
        path = self.path if path is None else Path(path)
        if path is None:
            raise ValueError("this index lives in RAM: give save() a path")
        meta, arrays = self._meta(), {"ids": self._ids}
        if not self._store.on_disk:
            io.save(path, KIND, VERSION, {**arrays, "vectors": self._store.rows()}, meta)
            return

        def header(name: str, block_rows: int, crcs: list[int]) -> None:
            io.save(path, KIND, VERSION, arrays, {**meta, "vectors_file": name, "block_rows": block_rows,
                                                  "block_crc32": crcs})

        if self.path is not None and path.resolve() == self.path.resolve():
            self._store.commit(header)
        else:  # a copy: a new vectors file beside the other header, then that header
            self._store.flush()
            name = self._store.copy_to(path)
            header(name, self._store.block_rows, self._store.checksums())
            remove_other_generations(path, generation_of(path, name))

    @classmethod
    def load(cls, path: str | os.PathLike) -> ExactIndex:
        """Open an index written by :meth:`save` (memory-mapping a ``.vectors`` file)."""
        path = Path(path)
        arrays, meta = io.load(path, KIND, VERSION)
        try:
            count, ids = meta["count"], arrays["ids"]
            if isinstance(count, bool) or not isinstance(count, int) or count < 0:
                raise ValueError(f"count {count!r}")
            space = None if meta["space"] is None else space_from_config(meta["space"])
            kwargs = {"space": space} if space is not None else {"metric": meta["metric"], "dim": meta["dim"]}
            index = cls(**kwargs)  # the shape of the rows, from the settings
            width, dtype = index._store.width, index._store.dtype
            if meta.get("metric") != index.metric or meta.get("dim") != index.dim:
                raise ValueError(f"metric {meta.get('metric')!r} and dim {meta.get('dim')!r} disagree with the settings")
            if meta.get("width") != width or meta.get("dtype") != dtype.str:
                raise ValueError(f"rows of {meta.get('width')!r} x {meta.get('dtype')!r}, the settings make {width} x {dtype.str}")
            if "vectors_file" in meta:
                crcs, block_rows = meta["block_crc32"], meta["block_rows"]
                if not isinstance(crcs, list) or not all(isinstance(c, int) and 0 <= c < 2**32 for c in crcs) \
                        or isinstance(block_rows, bool) or not isinstance(block_rows, int) or block_rows < 1:
                    raise ValueError("bad block checksums")
                store = DiskRows(dtype, width, path, generation_of(path, meta["vectors_file"]), count, block_rows, crcs)
                index = cls(**kwargs, path=path, _store=store)
            else:
                vectors = arrays["vectors"]
                if vectors.shape != (count, width) or vectors.dtype != dtype:
                    raise ValueError(f"vectors of {vectors.dtype} {vectors.shape}, expected ({count}, {width}) {dtype}")
                if index.metric == "hamming":
                    index.space.check(vectors, "stored vectors")  # no bits past the dimension
                elif not np.isfinite(vectors).all():
                    raise ValueError("stored vectors hold NaN or infinite values")
                index._store.append(vectors)
            index._idmap = IdMap.from_state(arrays, meta, count)
        except (KeyError, TypeError, ValueError, OverflowError, OSError) as exc:
            if isinstance(exc, io.ModelFileError):
                raise
            raise io.ModelFileError(f"{path}: corrupt exact-index file ({exc})") from None
        return index
