"""An index over binary hash codes: FlyHash or SimHash codes searched by Hamming distance.

:class:`HashIndex` hashes what it is given with its hasher and keeps the packed codes; a query
is hashed the same way and the stored codes are ranked by Hamming distance with the fused
xor-popcount top-k kernel. Optionally it also keeps the vectors and re-ranks the ``candidates``
nearest codes by an exact metric (the usual two-stage LSH search: the codes choose, the metric
ranks). Without re-ranking the scores are Hamming distances between codes.

Examples
--------
>>> import numpy as np
>>> from kanerva.index import FlyHash, HashIndex
>>> data = np.random.default_rng(0).normal(size=(200, 16))
>>> index = HashIndex(FlyHash(16, kenyon_cells=2_000, fan_in=4, active=32, seed=0))
>>> index.add(data)
>>> dist, ids = index.search(data[5] + 0.01, k=1)
>>> int(ids[0, 0]), float(dist[0, 0])
(5, 0.0)
>>> exact = HashIndex(FlyHash(16, kenyon_cells=2_000, fan_in=4, active=32), rerank="euclidean", candidates=20)
>>> exact.add(data)
>>> int(exact.search(data[5] + 0.01, k=1)[1][0, 0])
5
"""

from __future__ import annotations

import os

import numpy as np

from .. import io
from .._kernels.bits import hamming_topk
from ._base import Hasher, IdMap, Index, nested_state, unnest
from ._input import as_matrix, positive_int
from .hashing import FlyHash, SimHash
from .lsh import rerank

HASHERS = {cls.kind: cls for cls in (FlyHash, SimHash)}
RERANK = {"cosine": True, "ip": True, "euclidean": False}  # metric: larger is better


class HashIndex(Index):
    """Stores the binary codes of a hasher and searches them by Hamming distance.

    Parameters
    ----------
    hasher : FlyHash or SimHash
        Any hasher whose codes are packed bits (``hasher.comparison == "hamming"``).
    rerank : {None, "cosine", "ip", "euclidean"}
        Keep the vectors too and re-rank each query's ``candidates`` nearest codes by this exact
        metric. None: the scores are the Hamming distances of the codes.
    candidates : int
        Codes re-ranked per query (with ``rerank``; at least ``k``).
    """

    kind = "hash-index"
    version = 1

    def __init__(self, hasher: Hasher, rerank: str | None = None, candidates: int = 100):
        if not isinstance(hasher, Hasher) or hasher.comparison != "hamming" or type(hasher).kind not in HASHERS:
            raise TypeError(f"hasher must be a FlyHash or a SimHash (binary codes), got {hasher!r}")
        if rerank is not None and rerank not in RERANK:
            raise ValueError(f"rerank must be None or one of {sorted(RERANK)}, got {rerank!r}")
        self.hasher, self.rerank = hasher, rerank
        self.candidates = positive_int(candidates, "candidates")
        self.metric = "hamming" if rerank is None else rerank
        self.larger_is_better = False if rerank is None else RERANK[rerank]
        self._codes = np.empty((0, hasher.code_words), dtype=np.uint64)
        self._vectors = np.empty((0, hasher.input_dim)) if rerank is not None else None
        self._ids = IdMap()

    def __repr__(self) -> str:
        return f"HashIndex({self.hasher!r}, rerank={self.rerank!r}, size={len(self)})"

    def add(self, vectors, ids=None) -> None:
        """Hash and store a vector or a batch (ids default to the next free numbers)."""
        x = as_matrix(vectors, self.hasher.input_dim, "vectors")
        new = self._ids.new(x.shape[0], ids)
        codes = self.hasher.hash(x)
        if self.rerank is not None:
            self._vectors = np.concatenate([self._vectors, self._stored(x)])
        self._codes = np.concatenate([self._codes, codes])
        self._ids.commit(new)

    def _stored(self, x: np.ndarray) -> np.ndarray:
        if self.rerank != "cosine":
            return x
        norms = np.linalg.norm(x, axis=1, keepdims=True)
        return np.divide(x, norms, out=np.zeros_like(x), where=norms > 0)

    def remove(self, ids) -> None:
        """Remove the vectors stored under ``ids``."""
        keep = ~self._ids.drop_mask(ids)
        self._codes = self._codes[keep]
        if self._vectors is not None:
            self._vectors = self._vectors[keep]
        self._ids.keep(keep)

    def search(self, queries, k: int = 1) -> tuple[np.ndarray, np.ndarray]:
        """``(scores, ids)`` (n, k), best first: Hamming distances of the codes, or the re-ranked
        exact scores (slots without a candidate: id -1 and the worst score)."""
        q = as_matrix(queries, self.hasher.input_dim, "queries")
        k = self._check_k(k)
        codes = self.hasher.hash(q)
        if self.rerank is None:
            dist, rows = hamming_topk(codes, self._codes, k)
            return dist.astype(np.float64), self._ids.ids[rows]
        c = min(max(k, self.candidates), len(self))
        cands = list(np.sort(hamming_topk(codes, self._codes, c)[1], axis=1))
        qs = self._stored(q)
        if self.rerank == "euclidean":
            def score(i, rows):
                return np.linalg.norm(self._vectors[rows] - qs[i], axis=1)
        else:
            def score(i, rows):
                return self._vectors[rows] @ qs[i]
        return rerank(cands, score, k, self._ids.ids, self.larger_is_better)

    def save(self, path: str | os.PathLike) -> None:
        arrays, meta = nested_state("hasher", *self.hasher._state())
        id_arrays, id_meta = self._ids.state()
        arrays = {**arrays, **id_arrays, "codes": self._codes}
        if self._vectors is not None:
            arrays["vectors"] = self._vectors
        meta = {**meta, **id_meta, "hasher_kind": type(self.hasher).kind, "rerank": self.rerank,
                "candidates": self.candidates, "count": len(self)}
        io.save(path, self.kind, self.version, arrays, meta)

    @classmethod
    def load(cls, path: str | os.PathLike) -> HashIndex:
        arrays, meta = io.load(path, cls.kind, cls.version)
        try:
            hasher_cls = HASHERS[meta["hasher_kind"]]
            index = cls(hasher_cls._from_state(*unnest("hasher", arrays, meta)), meta["rerank"], meta["candidates"])
            count = positive_int(meta["count"], "count", 0)
            codes = arrays["codes"]
            if codes.dtype != np.uint64 or codes.shape != (count, index.hasher.code_words):
                raise ValueError(f"codes of {codes.dtype} {codes.shape}")
            index.hasher.space.check(codes, "codes")  # no bits past the code length
            if index.rerank is not None:
                vectors = arrays["vectors"]
                if vectors.dtype != np.float64 or vectors.shape != (count, index.hasher.input_dim) \
                        or not np.isfinite(vectors).all():
                    raise ValueError(f"vectors of {vectors.dtype} {vectors.shape}")
                index._vectors = vectors.copy()
            index._codes, index._ids = codes.copy(), IdMap.from_state(arrays, meta, count)
        except (KeyError, TypeError, ValueError, OverflowError) as exc:
            raise io.ModelFileError(f"{path}: inconsistent {cls.kind} file ({exc})") from None
        return index
