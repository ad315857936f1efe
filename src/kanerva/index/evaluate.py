"""The FlyHash evaluation protocol: mean average precision of a Hamming ranking.

Dasgupta, Stevens & Navlakha (2017, Science 358:793, Fig. 3 and supplement): for each query,
the ground truth is its true top 2% nearest neighbours by Euclidean distance among the other
points; the points are ranked by the Hamming distance of their hashes, and the average precision
of that ranking is averaged over the queries. Ties in Hamming distance (frequent with short
codes) are broken by a fixed random order of the points, so no method profits from the storage
order. Here on scikit-learn's bundled digits (1,797 x 64, offline).

Examples
--------
>>> import numpy as np
>>> relevant = np.array([[True, False, True]])
>>> order = np.array([[0, 1, 2]])                  # ranks 1 and 3 are relevant
>>> round(float(average_precision(order, relevant)[0]), 4)   # (1/1 + 2/3) / 2
0.8333
"""

from __future__ import annotations

import numpy as np

from ..io import atomic_write
from .._kernels.bits import hamming_matrix
from .hashing import FlyHash, SimHash

DEFAULT_K = (2, 4, 8, 12, 16, 20, 24, 28, 32)


def average_precision(order: np.ndarray, relevant: np.ndarray) -> np.ndarray:
    """AP per query of rankings ``order`` (q, n) (point numbers, best first) against the
    boolean ground truth ``relevant`` (q, n) (indexed by point number).

    >>> average_precision(np.array([[2, 0, 1]]), np.array([[False, False, True]])).tolist()
    [1.0]
    """
    hits = np.take_along_axis(relevant, order, axis=1)
    precision = np.cumsum(hits, axis=1) / np.arange(1, hits.shape[1] + 1)
    return (precision * hits).sum(axis=1) / np.maximum(hits.sum(axis=1), 1)


class HammingRankingMAP:
    """Ground truth for ``n_queries`` random queries of ``data``, and the MAP of any hashing.

    Examples
    --------
    >>> import numpy as np
    >>> data = np.random.default_rng(0).normal(size=(200, 8))
    >>> task = HammingRankingMAP(data, n_queries=50)
    >>> task.score(SimHash(8, bits=64, seed=0).hash(data)) > task.score(SimHash(8, bits=2).hash(data))
    True
    """

    def __init__(self, data: np.ndarray, n_queries: int = 500, fraction: float = 0.02, seed: int = 0):
        data = np.asarray(data, dtype=np.float64)
        n = data.shape[0]
        if not 1 <= n_queries <= n:
            raise ValueError(f"n_queries must be between 1 and the {n} points, got {n_queries}")
        rng = np.random.default_rng(seed)
        self.queries = rng.choice(n, size=n_queries, replace=False)
        self.tiebreak = rng.permutation(n)  # fixed random order among equal Hamming distances
        sq = (data**2).sum(axis=1)
        d2 = sq[self.queries, None] + sq[None, :] - 2.0 * data[self.queries] @ data.T
        d2[np.arange(n_queries), self.queries] = np.inf  # a query is not its own neighbour
        self.n_relevant = max(1, int(round(fraction * (n - 1))))
        nearest = np.argsort(d2, axis=1, kind="stable")[:, : self.n_relevant]
        self.relevant = np.zeros((n_queries, n), dtype=bool)
        np.put_along_axis(self.relevant, nearest, True, axis=1)
        self.n_points = n

    def score(self, codes: np.ndarray) -> float:
        """MAP of ranking all other points by Hamming distance of their packed ``codes``."""
        if codes.shape[0] != self.n_points:
            raise ValueError(f"need one code per point ({self.n_points}), got {codes.shape[0]}")
        dist = hamming_matrix(codes[self.queries], codes).astype(np.int64)
        dist[np.arange(self.queries.size), self.queries] = np.iinfo(np.int32).max  # rank itself last
        order = np.lexsort((np.broadcast_to(self.tiebreak, dist.shape), dist), axis=-1)
        return float(average_precision(order, self.relevant).mean())


def _flyhash_package(data: np.ndarray, cells: int, fan_in: int, active: int, seed: int) -> np.ndarray | None:
    """Codes from the ``flyhash`` PyPI package (a benchmark peer, optional), or None."""
    try:
        from flyhash import FlyHash as PackageFlyHash
    except ImportError:
        return None
    # same settings and the same centred input; it returns 0/1 tags (n, cells)
    hasher = PackageFlyHash(data.shape[1], cells, density=fan_in, sparsity=active / cells, seed=seed)
    centred = data - data.mean(axis=1, keepdims=True)
    from .._kernels.bits import pack

    return pack(np.atleast_2d(hasher(centred)))


def flyhash_map(
    ks=DEFAULT_K, kenyon_cells: int = 20_000, fan_in: int = 6, n_queries: int = 500,
    seed: int = 0, package: bool = True, data: np.ndarray | None = None,
) -> dict:
    """MAP of FlyHash, SimHash and (when installed) the ``flyhash`` package for each hash length.

    Returns ``{"k": [...], "map": {"flyhash": [...], "simhash": [...], "flyhash_package":
    [...] or None}, "settings": {...}, "notes": [...]}``. SimHash hashes the same centred
    inputs with ``k`` bits; FlyHash keeps ``k`` of ``kenyon_cells`` cells.

    Examples
    --------
    >>> r = flyhash_map(ks=(4,), kenyon_cells=500, n_queries=50, package=False)
    >>> sorted(r["map"]), r["k"]
    (['flyhash', 'flyhash_package', 'simhash'], [4])
    """
    if data is None:
        from sklearn.datasets import load_digits

        data = load_digits().data
    data = np.asarray(data, dtype=np.float64)
    task = HammingRankingMAP(data, n_queries=n_queries, seed=seed)
    centred = data - data.mean(axis=1, keepdims=True)
    ks = [int(k) for k in ks]
    result = {"k": ks, "map": {"flyhash": [], "simhash": [], "flyhash_package": []},
              "settings": {"kenyon_cells": kenyon_cells, "fan_in": fan_in, "n_queries": n_queries,
                           "n_points": int(data.shape[0]), "input_dim": int(data.shape[1]),
                           "relevant_per_query": task.n_relevant, "seed": seed},
              "notes": []}
    wanted = package
    for k in ks:  # the wiring depends on the seed only: the same Kenyon cells for every k
        fly = FlyHash(data.shape[1], kenyon_cells, fan_in, active=k, seed=seed)
        result["map"]["flyhash"].append(task.score(fly.hash(data)))
        result["map"]["simhash"].append(task.score(SimHash(data.shape[1], k, seed=seed).hash(centred)))
        codes = _flyhash_package(data, kenyon_cells, fan_in, k, seed) if package else None
        if codes is None:
            result["map"]["flyhash_package"] = None
            package = False
        else:
            result["map"]["flyhash_package"].append(task.score(codes))
    if result["map"]["flyhash_package"] is None and not wanted:
        result["notes"].append("flyhash package column not requested")
    elif result["map"]["flyhash_package"] is None:
        result["notes"].append("flyhash package column skipped: the `flyhash` package is not importable "
                               "(pip install --no-deps flyhash==1.1.1, part of `make bench-install`)")
    return result


def plot_flyhash_map(result: dict, path: str) -> None:
    """Draw MAP against hash length for each method of :func:`flyhash_map` into ``path``
    (needs matplotlib, the ``plot`` extra)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise RuntimeError("plotting needs matplotlib: pip install 'kanerva[plot]'") from None
    labels = {"flyhash": f"FlyHash ({result['settings']['kenyon_cells']:,} cells, kanerva)",
              "simhash": "SimHash (k bits)", "flyhash_package": "flyhash package (same settings)"}
    fig, ax = plt.subplots(figsize=(5.5, 4))
    for name, values in result["map"].items():
        if values:
            ax.plot(result["k"], values, marker="o", label=labels.get(name, name))
    ax.set_xlabel("hash length k")
    ax.set_ylabel("mean average precision")
    ax.set_title(f"digits, top 2% Euclidean neighbours, {result['settings']['n_queries']} queries")
    ax.set_ylim(0, 1)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    atomic_write(path, lambda f: fig.savefig(f, format="png", dpi=120))
    plt.close(fig)
