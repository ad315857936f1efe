"""Exact top-k over one block of stored rows, for each metric, and merging across blocks.

Every metric is turned into "smaller is better" keys here (Hamming distance, or the negated
similarity), so one merge rule serves them all: smallest key first, then the earliest row.
Packed Hamming goes to the shared fused kernel :func:`kanerva._kernels.bits.hamming_topk`; dense
similarities are one BLAS matrix product per block followed by ``argpartition``.

Examples
--------
>>> import numpy as np
>>> q = np.array([[1.0, 0.0]], dtype=np.float32)
>>> db = np.array([[0.0, 1.0], [2.0, 0.0], [1.0, 1.0]], dtype=np.float32)
>>> keys, rows = block_topk("ip", q, db, 2)
>>> (-keys).tolist(), rows.tolist()
([[2.0, 1.0]], [[1, 2]])
"""

from __future__ import annotations

import numpy as np

from .._kernels.bits import hamming_topk, merge_topk

METRICS = ("hamming", "cosine", "ip")
_SCORES_PER_PASS = 1 << 24  # float32 scores held at once: 64 MB


def block_topk(metric: str, queries: np.ndarray, rows: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` best rows of ``rows`` for each query as (keys, row numbers), best first.

    Keys are Hamming distances (int32) or negated similarities (float32); cosine expects
    unit-normalized queries and rows (the index stores them that way).
    """
    k = min(k, rows.shape[0])
    if metric == "hamming":
        return hamming_topk(queries, rows, k)
    step = max(1, _SCORES_PER_PASS // max(1, rows.shape[0]))
    if queries.shape[0] > step:  # bound the (queries x rows) score matrix
        parts = [block_topk(metric, queries[i : i + step], rows, k) for i in range(0, queries.shape[0], step)]
        return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])
    keys = -(queries @ np.asarray(rows).T)
    if k < keys.shape[1]:
        part = np.argpartition(keys, k - 1, axis=1)[:, :k]
        # argpartition breaks ties at the cut arbitrarily: where ties straddle it, sort stably
        kth = np.take_along_axis(keys, part, 1).max(axis=1)
        for r in np.flatnonzero((keys <= kth[:, None]).sum(axis=1) > k):
            part[r] = np.argsort(keys[r], kind="stable")[:k]
    else:
        part = np.broadcast_to(np.arange(keys.shape[1]), keys.shape)
    part_keys = np.take_along_axis(keys, part, 1)
    return merge_topk(part_keys, part.astype(np.int64), k)


def merge_running(
    best: tuple[np.ndarray, np.ndarray] | None, new: tuple[np.ndarray, np.ndarray], offset: int, k: int
) -> tuple[np.ndarray, np.ndarray]:
    """Fold the top-k ``new`` of a block starting at row ``offset`` into the running ``best``."""
    keys, rows = new[0], new[1] + offset
    if best is None:
        return keys, rows
    return merge_topk(np.concatenate([best[0], keys], 1), np.concatenate([best[1], rows], 1), k)
