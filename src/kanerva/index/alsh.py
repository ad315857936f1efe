"""Asymmetric LSH for maximum inner product search (MIPS): different transforms for the stored
items ``P`` and the queries ``Q`` turn ``argmax_x q.x`` into a near-neighbour problem.

Inner products have no LSH family of their own (``x . x`` need not be the largest ``x . y``), so
items are first scaled by ``U / max ||x||`` (the scale does not change the argmax) and then:

- L2-ALSH (Shrivastava & Li 2014, NIPS, eqs. 9-10): ``P(x) = [x; ||x||^2; ||x||^4; ...;
  ||x||^(2^m)]``, ``Q(q) = [q/||q||; 1/2; ...; 1/2]``; then
  ``||Q(q) - P(x)||^2 = 1 + m/4 - 2 q.x/||q|| + ||x||^(2^(m+1))``, the last term vanishing as
  ``m`` grows: Euclidean LSH (:class:`kanerva.index.L2LSH`). Recommended m = 3, U = 0.83, r = 2.5.
- Sign-ALSH (Shrivastava & Li 2015, UAI, "Improved asymmetric LSH"): ``P(x) = [x; 1/2 -
  ||x||^2; ...; 1/2 - ||x||^(2^m)]``, ``Q(q) = [q/||q||; 0; ...; 0]``; then SimHash (cosine).
  Recommended m = 2, U = 0.75.
- Simple-LSH (Neyshabur & Srebro 2015, ICML): scale to ``||x|| <= 1``, ``P(x) = [x;
  sqrt(1 - ||x||^2)]`` (every item on the unit sphere), ``Q(q) = [q/||q||; 0]``: the cosine of
  ``Q(q)`` and ``P(x)`` is exactly ``q . x / (||q|| max||x||)``; then SimHash.

:class:`AsymmetricLSH` is an index (``add``, ``search``, ``remove``, ``save``/``load``): it hashes
the transformed items, takes each query's candidates (Hamming ranking for the sign methods, L2
buckets for L2-ALSH) and re-ranks them by the exact inner product. The scale ``U / max ||x||``
is over everything stored: an ``add`` that raises the largest norm re-transforms and rehashes the
stored items (removing items keeps the scale, which stays valid).

Examples
--------
>>> import numpy as np
>>> from kanerva.index.alsh import simple_lsh
>>> x = np.array([[3.0, 0.0], [0.0, 1.0]]); q = np.array([[1.0, 1.0]])
>>> p, qq = simple_lsh(x, q)
>>> np.round(np.linalg.norm(p, axis=1), 6).tolist()     # items on the unit sphere
[1.0, 1.0]
>>> int(np.argmax(qq @ p.T))                             # cosine ranking = inner-product ranking
0
"""

from __future__ import annotations

import os

import numpy as np

from .. import io
from .._kernels.bits import hamming_topk
from ._base import IdMap, Index
from ._input import as_matrix, positive_int
from .hashing import SimHash
from .lsh import L2LSH, rerank

METHODS = ("simple", "sign", "l2")
MAX_M, MAX_BITS = 32, 1 << 20
DEFAULTS = {"l2": {"m": 3, "U": 0.83}, "sign": {"m": 2, "U": 0.75}, "simple": {"m": 1, "U": 1.0}}


def _unit(q: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(q, axis=1, keepdims=True)
    return np.divide(q, norms, out=np.zeros_like(q), where=norms > 0)


def _powers(sq_norms: np.ndarray, m: int) -> np.ndarray:
    """Columns ||x||^2, ||x||^4, ..., ||x||^(2^m) for squared norms (n,)."""
    return np.stack([sq_norms ** (2**i) for i in range(m)], axis=1)


def _scaled(items: np.ndarray, U: float, max_norm: float | None) -> np.ndarray:
    if max_norm is None:
        max_norm = float(np.linalg.norm(items, axis=1).max(initial=0.0))
    return items * (U / max_norm) if max_norm > 0 else items


def l2_alsh(items, queries, m: int = 3, U: float = 0.83, max_norm: float | None = None):
    """(P(items), Q(queries)) of L2-ALSH; compare them by Euclidean distance (smaller = larger q.x).

    >>> p, q = l2_alsh(np.array([[1.0, 0.0], [0.0, 2.0]]), np.array([[0.0, 1.0]]))
    >>> p.shape, q.shape, int(np.argmin(((p - q) ** 2).sum(1)))
    ((2, 5), (1, 5), 1)
    """
    x = _scaled(np.asarray(items, dtype=np.float64), U, max_norm)
    q = _unit(np.asarray(queries, dtype=np.float64))
    p = np.hstack([x, _powers((x**2).sum(axis=1), m)])
    return p, np.hstack([q, np.full((q.shape[0], m), 0.5)])


def sign_alsh(items, queries, m: int = 2, U: float = 0.75, max_norm: float | None = None):
    """(P(items), Q(queries)) of Sign-ALSH; compare them by cosine.

    >>> p, q = sign_alsh(np.array([[1.0, 0.0], [0.0, 2.0]]), np.array([[0.0, 1.0]]))
    >>> p.shape, q[0].tolist(), int(np.argmax(p @ q[0] / np.linalg.norm(p, axis=1)))
    ((2, 4), [0.0, 1.0, 0.0, 0.0], 1)
    """
    x = _scaled(np.asarray(items, dtype=np.float64), U, max_norm)
    q = _unit(np.asarray(queries, dtype=np.float64))
    p = np.hstack([x, 0.5 - _powers((x**2).sum(axis=1), m)])
    return p, np.hstack([q, np.zeros((q.shape[0], m))])


def simple_lsh(items, queries, max_norm: float | None = None):
    """(P(items), Q(queries)) of Simple-LSH; compare them by cosine."""
    x = _scaled(np.asarray(items, dtype=np.float64), 1.0, max_norm)
    q = _unit(np.asarray(queries, dtype=np.float64))
    tail = np.sqrt(np.clip(1.0 - (x**2).sum(axis=1), 0.0, None))
    return np.hstack([x, tail[:, None]]), np.hstack([q, np.zeros((q.shape[0], 1))])


class AsymmetricLSH(Index):
    """Approximate maximum inner product search by asymmetric transforms + LSH + exact re-rank.

    Scores are inner products (``larger_is_better`` is True).

    Parameters
    ----------
    input_dim : int
    method : {"simple", "sign", "l2"}
    bits : int
        SimHash bits (sign methods).
    candidates : int
        Items re-ranked per query (sign methods): the nearest in Hamming distance.
    tables, hashes_per_table, width : L2-ALSH bucket index settings (r = ``width``).
    m, U : transform settings (default: the papers' recommendations).
    seed : int

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> items = rng.normal(size=(300, 8)) * rng.uniform(0.1, 3, size=(300, 1))
    >>> mips = AsymmetricLSH(8, method="simple", bits=64, candidates=30)
    >>> mips.add(items)
    >>> ips, ids = mips.search(items[:2], k=1)
    >>> bool(ids[0, 0] == np.argmax(items @ items[0]))
    True
    """

    kind = "asymmetric-lsh"
    version = 1
    metric = "ip"
    larger_is_better = True

    def __init__(self, input_dim: int, method: str = "simple", bits: int = 64, candidates: int = 100,
                 tables: int = 16, hashes_per_table: int = 4, width: float = 2.5,
                 m: int | None = None, U: float | None = None, seed: int = 0):
        if method not in METHODS:
            raise ValueError(f"method must be one of {METHODS}, got {method!r}")
        self.input_dim = positive_int(input_dim, "input_dim")
        self.method = method
        self.m = positive_int(DEFAULTS[method]["m"] if m is None else m, "m")
        if self.m > MAX_M:  # the papers use 1 to 3; each term doubles the power of the norms
            raise ValueError(f"m must be at most {MAX_M}, got {m!r}")
        U = DEFAULTS[method]["U"] if U is None else U
        if isinstance(U, bool) or not isinstance(U, (int, float, np.number)) or not 0 < U <= 1:
            raise ValueError(f"U must be in (0, 1], got {U!r}")
        self.U = float(U)
        self.bits, self.candidates = positive_int(bits, "bits"), positive_int(candidates, "candidates")
        if self.bits > MAX_BITS:
            raise ValueError(f"bits must be at most {MAX_BITS:,}, got {bits!r}")
        self.tables, self.hashes_per_table = positive_int(tables, "tables"), positive_int(hashes_per_table, "hashes_per_table")
        self.width = width
        self.seed = positive_int(seed, "seed", 0)
        width_p = self.input_dim + (1 if method == "simple" else self.m)
        if method == "l2":
            self.hasher = L2LSH(width_p, self.hashes_per_table, self.tables, width, seed=self.seed)
        else:
            self.hasher = SimHash(width_p, self.bits, seed=self.seed)
        self.items_ = np.empty((0, self.input_dim))
        self.max_norm_ = 0.0
        self._codes = np.empty((0, self.hasher.code_words if method != "l2" else 0), dtype=np.uint64)
        self._ids = IdMap()

    def __repr__(self) -> str:
        return f"AsymmetricLSH(input_dim={self.input_dim}, method={self.method!r}, size={len(self)})"

    def _transform(self, items, queries):
        if self.method == "simple":
            return simple_lsh(items, queries, max_norm=self.max_norm_)
        if self.method == "sign":
            return sign_alsh(items, queries, self.m, self.U, max_norm=self.max_norm_)
        return l2_alsh(items, queries, self.m, self.U, max_norm=self.max_norm_)

    def add(self, vectors, ids=None) -> None:
        """Store items (a vector or a batch); ids default to the next free numbers."""
        x = as_matrix(vectors, self.input_dim, "vectors")
        new = self._ids.new(x.shape[0], ids)
        if not x.shape[0]:
            return
        top = float(np.linalg.norm(x, axis=1).max())
        if not np.isfinite(top):
            raise ValueError("vectors are too large: their norms overflow")
        self.items_ = np.concatenate([self.items_, x])
        self._ids.commit(new)
        if top > self.max_norm_:  # the scale changes: transform and hash everything again
            self.max_norm_ = top
            self._hash(self.items_, self._ids.ids, rebuild=True)
        else:
            self._hash(x, new, rebuild=False)

    def _hash(self, items: np.ndarray, ids: np.ndarray, rebuild: bool) -> None:
        p, _ = self._transform(items, items[:0])
        if self.method == "l2":
            if rebuild:
                self.hasher = L2LSH(self.hasher.input_dim, self.hashes_per_table, self.tables, self.width, seed=self.seed)
            self.hasher.add(p, ids=ids)
        else:
            codes = self.hasher.hash(p)
            self._codes = codes if rebuild else np.concatenate([self._codes, codes])

    def remove(self, ids) -> None:
        """Remove the items stored under ``ids``."""
        drop = self._ids.drop_mask(ids)
        gone = self._ids.ids[drop]
        self.items_ = self.items_[~drop]
        self._ids.keep(~drop)
        if self.method == "l2":
            self.hasher.remove(gone)
        else:
            self._codes = self._codes[~drop]

    def search(self, queries, k: int = 1) -> tuple[np.ndarray, np.ndarray]:
        """(inner products, ids) of the best ``k`` candidates per query, largest first; slots
        without a candidate hold id -1 and -inf."""
        q = as_matrix(queries, self.input_dim, "queries")
        k = self._check_k(k)
        _, tq = self._transform(self.items_[:0], q)
        if self.method == "l2":  # the bucket index holds the items in the same order, under the same ids
            cands = self.hasher.candidates(tq)
        else:
            c = min(max(k, self.candidates), len(self))
            cands = list(np.sort(hamming_topk(self.hasher.hash(tq), self._codes, c)[1], axis=1))
        return rerank(cands, lambda i, rows: self.items_[rows] @ q[i], k, self._ids.ids, True)

    def save(self, path: str | os.PathLike) -> None:
        arrays, meta = self._ids.state()
        settings = {"input_dim": self.input_dim, "method": self.method, "bits": self.bits,
                    "candidates": self.candidates, "tables": self.tables, "hashes_per_table": self.hashes_per_table,
                    "width": self.width, "m": self.m, "U": self.U, "seed": self.seed}
        io.save(path, self.kind, self.version, {**arrays, "items": self.items_},
                {**meta, "settings": settings, "count": len(self), "max_norm": self.max_norm_})

    @classmethod
    def load(cls, path: str | os.PathLike) -> AsymmetricLSH:
        arrays, meta = io.load(path, cls.kind, cls.version)
        try:
            settings, count, items = meta["settings"], positive_int(meta["count"], "count", 0), arrays["items"]
            if not isinstance(settings, dict) or items.ndim != 2 or settings.get("input_dim") != items.shape[1]:
                raise ValueError(f"settings {settings!r:.80} do not match items of shape {items.shape}")
            index = cls(**settings)
            if items.dtype != np.float64 or items.shape != (count, index.input_dim) or not np.isfinite(items).all():
                raise ValueError(f"items of {items.dtype} {items.shape}, expected ({count}, {index.input_dim}) floats")
            ids = IdMap.from_state(arrays, meta, count)
            max_norm = meta["max_norm"]
            if isinstance(max_norm, bool) or not isinstance(max_norm, (int, float)) or not np.isfinite(max_norm) \
                    or max_norm < (float(np.linalg.norm(items, axis=1).max()) if count else 0.0):
                raise ValueError(f"max_norm {max_norm!r} below the stored items' norms")
            index.max_norm_ = float(max_norm)  # the scale the stored items were hashed with
            if count:
                index.add(items, ids=ids.ids)
            index._ids.next_id = ids.next_id
        except (KeyError, TypeError, ValueError, OverflowError) as exc:
            raise io.ModelFileError(f"{path}: inconsistent {cls.kind} file ({exc})") from None
        return index
