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

:class:`AsymmetricLSH` hashes the transformed items, takes each query's candidates (Hamming
ranking for the sign methods, L2 buckets for L2-ALSH) and re-ranks them by the exact inner
product.

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

import numpy as np

from ..vsa._bits import hamming_topk
from ._input import as_matrix, positive_int
from .hashing import SimHash
from .lsh import L2LSH, rerank

METHODS = ("simple", "sign", "l2")
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


class AsymmetricLSH:
    """Approximate maximum inner product search by asymmetric transforms + LSH + exact re-rank.

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
    >>> mips = AsymmetricLSH(8, method="simple", bits=64, candidates=30).fit(items)
    >>> ips, ids = mips.search(items[:2], k=1)
    >>> bool(ids[0, 0] == np.argmax(items @ items[0]))
    True
    """

    def __init__(self, input_dim: int, method: str = "simple", bits: int = 64, candidates: int = 100,
                 tables: int = 16, hashes_per_table: int = 4, width: float = 2.5,
                 m: int | None = None, U: float | None = None, seed: int = 0):
        if method not in METHODS:
            raise ValueError(f"method must be one of {METHODS}, got {method!r}")
        self.input_dim = positive_int(input_dim, "input_dim")
        self.method = method
        self.m = positive_int(DEFAULTS[method]["m"] if m is None else m, "m")
        self.U = float(DEFAULTS[method]["U"] if U is None else U)
        if not 0 < self.U <= 1:
            raise ValueError(f"U must be in (0, 1], got {U!r}")
        self.bits, self.candidates = positive_int(bits, "bits"), positive_int(candidates, "candidates")
        self.tables, self.hashes_per_table, self.width = tables, hashes_per_table, width
        self.seed = int(seed)
        self.items_ = None

    def _transform(self, items, queries):
        if self.method == "simple":
            return simple_lsh(items, queries, max_norm=self.max_norm_)
        if self.method == "sign":
            return sign_alsh(items, queries, self.m, self.U, max_norm=self.max_norm_)
        return l2_alsh(items, queries, self.m, self.U, max_norm=self.max_norm_)

    def fit(self, items, ids=None) -> AsymmetricLSH:
        """Index ``items`` (n, input_dim); ids default to 0..n-1."""
        x = as_matrix(items, self.input_dim, "items")
        if x.shape[0] == 0:
            raise ValueError("items is empty: nothing to index")
        self.ids_ = np.arange(x.shape[0], dtype=np.int64) if ids is None else np.asarray(ids, dtype=np.int64).reshape(-1)
        if self.ids_.shape != (x.shape[0],) or np.unique(self.ids_).size != x.shape[0]:
            raise ValueError(f"ids must be {x.shape[0]} distinct integers")
        self.items_ = x
        self.max_norm_ = float(np.linalg.norm(x, axis=1).max())
        p, _ = self._transform(x, x[:0])
        width = self.input_dim + (1 if self.method == "simple" else self.m)
        if self.method == "l2":
            self.hasher_ = L2LSH(width, self.hashes_per_table, self.tables, self.width, seed=self.seed)
            self.hasher_.add(p)
        else:
            self.hasher_ = SimHash(width, self.bits, seed=self.seed)
            self.codes_ = self.hasher_.hash(p)
        return self

    def search(self, queries, k: int = 1) -> tuple[np.ndarray, np.ndarray]:
        """(inner products, ids) of the best ``k`` candidates per query, largest first; slots
        without a candidate hold id -1 and -inf."""
        if self.items_ is None:
            raise ValueError("the index is empty: call fit(items) first")
        q = as_matrix(queries, self.input_dim, "queries")
        k = positive_int(k, "k")
        if k > self.items_.shape[0]:
            raise ValueError(f"k must be at most the {self.items_.shape[0]} items, got {k}")
        _, tq = self._transform(self.items_[:0], q)
        if self.method == "l2":
            cands = self.hasher_.candidates(tq)
        else:
            c = min(max(k, self.candidates), self.items_.shape[0])
            cands = list(np.sort(hamming_topk(self.hasher_.hash(tq), self.codes_, c)[1], axis=1))
        return rerank(cands, lambda i, rows: self.items_[rows] @ q[i], k, self.ids_, True)
