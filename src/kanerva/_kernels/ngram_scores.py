"""Kernels of the n-gram classifier: examples, scores through the n-gram x class table, perceptron.

Used by :mod:`kanerva.learn.ngram_classifier` (Rosenblatt's perceptron on hypervector class
profiles, as retraining in AdaptHD, Imani et al. 2019, and OnlineHD, Hernandez-Cano et al.
2021). An example is a run ``rows[bounds[e]:bounds[e + 1]]`` of vocabulary rows (int32, -1 for an
n-gram outside the vocabulary); the table ``T`` (V x C) holds each n-gram's score per class. Plain
loops over int arrays (numpy has no fused gather-and-sum); the sums of table rows are the 8-lane
vector loops of :mod:`kanerva._kernels.rowsum`, bitwise equal to the scalar loops.

API
---
``group_examples(offsets, target)``
    Boundaries of sentence-sized examples (about ``target`` n-grams) over a code stream whose
    texts start at ``offsets``: short texts joined, long ones cut.
``example_sqnorms(rows, bounds, n_rows)``
    The squared norm of each example's count vector (float64).
``score_examples(rows, bounds, table) -> (scores, sqnorms)``
    Each example's summed table rows (n, C) float64 and its squared count norm.
``perceptron_delta(rows, bounds, labels, scores, norms, margin, delta) -> mistakes``
    Adds to ``delta`` (V x C float64) ``x / |x|`` (+ true class, - best rival) of every example
    whose margin is below ``margin``.
``line_losses(rows, bounds, labels, table, direction, dim, etas, margin) -> (losses, errors)``
    Hinge loss and error count of the examples for ``table + eta * direction``, every eta.
``online_pass(rows, bounds, labels, order, table, scale, step, margin, sqnorms=None) -> updates``
    One online perceptron pass on ``table`` in place, in the limit of orthogonal n-gram vectors.
``best_classes(rows, bounds, table)``
    The argmax class of each example (first on ties), -1 for an example with no known row.

Each function's docstring has the details and an example.
"""

from __future__ import annotations

import numba
import numpy as np

from .rowsum import float_table, prefetch_rows, sum_rows
from .simd import prefetch_span as _prefetch_span


@numba.njit(cache=True, nogil=True)
def _group(offsets, target, starts):
    # short texts are joined until an example holds ``target`` n-grams; long ones are cut
    s = offsets[0]
    starts[0] = s
    k = 1
    for t in range(offsets.size - 1):
        b = offsets[t + 1]
        while b - s >= 2 * target:
            s += target
            starts[k] = s
            k += 1
        if b - s >= target:
            s = b
            starts[k] = s
            k += 1
    if s != offsets[offsets.size - 1]:
        starts[k] = offsets[offsets.size - 1]
        k += 1
    return k


def group_examples(offsets: np.ndarray, target: int) -> np.ndarray:
    """Boundaries of sentence-sized examples (about ``target`` n-grams each) over a code stream
    whose texts start at ``offsets``: consecutive texts are joined, long texts cut.

    Examples
    --------
    >>> group_examples(np.array([0, 3, 5, 30]), 10).tolist()
    [0, 10, 20, 30]
    >>> group_examples(np.array([0, 3, 5, 9]), 4).tolist()
    [0, 5, 9]
    """
    starts = np.empty(offsets.size + 2 * int(offsets[-1] // max(target, 1)) + 2, dtype=np.int64)
    k = _group(np.ascontiguousarray(offsets, dtype=np.int64), int(target), starts)
    return starts[:k]


@numba.njit(cache=True, nogil=True)
def _sqnorms(rows, bounds, seen, count, out):
    for e in range(bounds.size - 1):
        total = 0.0
        for j in range(bounds[e], bounds[e + 1]):
            r = rows[j]
            if r >= 0:
                # |k|^2 grows by 2k + 1 when a row seen k times in this example comes again
                if seen[r] != e:
                    seen[r] = e
                    count[r] = 0
                total += 2.0 * count[r] + 1.0
                count[r] += 1
        out[e] = total


def example_sqnorms(rows: np.ndarray, bounds: np.ndarray, n_rows: int) -> np.ndarray:
    """Squared norm of each example's count vector over ``n_rows`` vocabulary rows (-1 skipped).

    >>> example_sqnorms(np.array([0, 0, 1, -1]), np.array([0, 3, 4]), 2).tolist()
    [5.0, 0.0]
    """
    out = np.zeros(bounds.size - 1, dtype=np.float64)
    _sqnorms(rows, np.ascontiguousarray(bounds, dtype=np.int64), np.full(n_rows, -1, dtype=np.int64),
             np.zeros(n_rows, dtype=np.int64), out)
    return out


@numba.njit(cache=True, nogil=True)
def _score(rows, bounds, table, scores):
    for e in range(bounds.size - 1):
        sum_rows(rows, bounds[e], bounds[e + 1], table, scores[e])


def score_examples(rows: np.ndarray, bounds: np.ndarray, table: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per example: the sum of the table rows of its n-grams (n, classes) and the squared norm of
    its count vector. Rows -1 (n-grams outside the vocabulary) are skipped.

    Examples
    --------
    >>> s, q = score_examples(np.array([0, 1, 0, -1]), np.array([0, 2, 4]), np.eye(2, dtype=np.float32))
    >>> s.tolist(), q.tolist()
    ([[1.0, 1.0], [1.0, 0.0]], [2.0, 1.0])
    >>> score_examples(np.array([3, 3, 3]), np.array([0, 3]), np.ones((4, 1), np.float32))[1].tolist()
    [9.0]
    """
    bounds = np.ascontiguousarray(bounds, dtype=np.int64)
    table = float_table(table)
    scores = np.zeros((bounds.size - 1, table.shape[1]), dtype=np.float64)
    _score(rows, bounds, table, scores)
    return scores, example_sqnorms(rows, bounds, table.shape[0])


@numba.njit(cache=True, nogil=True, inline="always")
def _rival(scores, y):
    # the best class other than y, and its score (-1 and -inf when there is none)
    rival, best = -1, -np.inf
    for c in range(scores.size):
        if c != y and scores[c] > best:
            best = scores[c]
            rival = c
    return rival, best


@numba.njit(cache=True, nogil=True, inline="always")
def _move_rows(table, rows, lo, hi, y, rival, w):
    # the perceptron step on an example's rows: +w to the true class, -w to the rival
    for j in range(lo, hi):
        r = rows[j]
        if r >= 0:
            table[r, y] += w
            table[r, rival] -= w


@numba.njit(cache=True, nogil=True)
def _mistakes(rows, bounds, labels, scores, norms, margin, delta):
    wrong = 0
    for e in range(bounds.size - 1):
        if norms[e] == 0.0:
            continue
        y = labels[e]
        rival, best = _rival(scores[e], y)
        if rival < 0 or (scores[e, y] - best) / norms[e] >= margin:
            continue
        wrong += 1
        _move_rows(delta, rows, bounds[e], bounds[e + 1], y, rival, 1.0 / norms[e])
    return wrong


def perceptron_delta(rows, bounds, labels, scores, norms, margin: float, delta: np.ndarray) -> int:
    """Add to ``delta`` (vocabulary x classes) the count vector of every example whose true class
    does not beat its best rival by ``margin`` (scores divided by ``norms``), normalized to unit
    length: +1 on the true class, -1 on the rival. Returns the number of such examples.
    """
    return int(_mistakes(rows, bounds, labels, scores, norms, float(margin), delta))


@numba.njit(cache=True, nogil=True)
def _line(rows, bounds, labels, table, direction, sqnorms, dim, etas, margin, losses, errors):
    n_classes = table.shape[1]
    base = np.zeros(n_classes)
    slope = np.zeros(n_classes)
    for e in range(bounds.size - 1):
        if sqnorms[e] == 0.0:
            continue
        base[:] = 0.0
        slope[:] = 0.0
        for j in range(bounds[e], bounds[e + 1]):
            r = rows[j]
            if r >= 0:
                for c in range(n_classes):
                    base[c] += table[r, c]
                    slope[c] += direction[r, c]
        norm = np.sqrt(sqnorms[e] * dim)
        y = labels[e]
        for t in range(etas.size):
            best = -np.inf
            for c in range(n_classes):
                if c != y:
                    best = max(best, base[c] + etas[t] * slope[c])
            m = (base[y] + etas[t] * slope[y] - best) / norm
            if m < margin:
                losses[t] += margin - m
            if m <= 0.0:
                errors[t] += 1


def line_losses(rows, bounds, labels, table, direction, dim: int, etas, margin: float):
    """Hinge loss ``sum max(0, margin - (s_y - max_other s) / |x|)`` and error count of the
    examples for the tables ``table + eta * direction``, for every step ``eta`` in ``etas``.

    Examples
    --------
    >>> t = np.array([[1.0, 0.0]], np.float32); d = np.array([[-1.0, 1.0]], np.float32)
    >>> loss, err = line_losses(np.array([0]), np.array([0, 1]), np.array([0]), t, d, 1, np.array([0.0, 1.0]), 0.0)
    >>> loss.tolist(), err.tolist()
    ([0.0, 1.0], [0, 1])
    """
    losses = np.zeros(len(etas), dtype=np.float64)
    errors = np.zeros(len(etas), dtype=np.int64)
    bounds = np.ascontiguousarray(bounds, dtype=np.int64)
    _line(rows, bounds, np.ascontiguousarray(labels, dtype=np.int64), table, direction,
          example_sqnorms(rows, bounds, table.shape[0]), float(dim), np.asarray(etas, dtype=np.float64),
          float(margin), losses, errors)
    return losses, errors


@numba.njit(cache=True, nogil=True)
def _online(rows, bounds, labels, order, table, sqnorms, scale, step, margin, scores):
    wrong = 0
    for i in range(order.size):
        e = order[i]
        # software prefetch, the random order defeats the hardware's: the table rows of the next
        # example, the row numbers of the one after, the bounds, norm and label further ahead
        if i + 1 < order.size:
            f = order[i + 1]
            prefetch_rows(rows, bounds[f], bounds[f + 1], table)
        if i + 2 < order.size:
            f = order[i + 2]
            _prefetch_span(rows, bounds[f], bounds[f + 1])
        if i + 4 < order.size:
            f = order[i + 4]
            _prefetch_span(bounds, f, f + 2)
            _prefetch_span(sqnorms, f, f + 1)
            _prefetch_span(labels, f, f + 1)
        sq = sqnorms[e]
        if sq == 0.0:
            continue
        sum_rows(rows, bounds[e], bounds[e + 1], table, scores)
        norm = np.sqrt(sq) * scale
        y = labels[e]
        rival, best = _rival(scores, y)
        if (scores[y] - best) / norm >= margin:
            continue
        wrong += 1
        _move_rows(table, rows, bounds[e], bounds[e + 1], y, rival, step * scale / np.sqrt(sq))
    return wrong


def online_pass(rows, bounds, labels, order, table, scale: float, step: float, margin: float,
                sqnorms: np.ndarray | None = None) -> int:
    """One pass of the online perceptron on the table ``T`` in place, in the limit where n-gram
    vectors are orthogonal (``HV(g) . HV(h) = D [g = h]``, ``scale = sqrt(D)``): an example whose
    true class does not beat its best rival by ``margin`` (cosine units) adds ``step * x / |x|``
    to the true class and subtracts it from the rival. Examples are visited in ``order``.
    ``sqnorms`` (from :func:`example_sqnorms`; made here when not given) do not change between
    passes. Returns the number of updates.

    Examples
    --------
    >>> t = np.zeros((2, 2))
    >>> online_pass(np.array([0, 1]), np.array([0, 1, 2]), np.array([0, 1]), np.array([0, 1]), t, 1.0, 1.0, 0.1)
    2
    >>> t.tolist()
    [[1.0, -1.0], [-1.0, 1.0]]
    """
    if not (isinstance(table, np.ndarray) and table.ndim == 2 and table.flags.c_contiguous
            and table.flags.writeable and table.dtype.kind == "f"):
        raise ValueError("table must be a writeable C-contiguous 2-d float array (updated in place)")
    rows = np.ascontiguousarray(rows)
    bounds = np.ascontiguousarray(bounds, dtype=np.int64)
    sqnorms = example_sqnorms(rows, bounds, table.shape[0]) if sqnorms is None else sqnorms
    sqnorms = np.ascontiguousarray(sqnorms, dtype=np.float64)
    scores = np.zeros(table.shape[1], dtype=np.float64)
    return int(_online(rows, bounds, np.ascontiguousarray(labels, dtype=np.int64),
                       np.ascontiguousarray(order, dtype=np.int64), table, sqnorms, float(scale), float(step),
                       float(margin), scores))


@numba.njit(cache=True, nogil=True)
def _best(rows, bounds, table, out):
    n_classes = table.shape[1]
    scores = np.zeros(n_classes, dtype=np.float32)
    for e in range(bounds.size - 1):
        known = False
        for i in range(bounds[e], bounds[e + 1]):
            if rows[i] >= 0:
                known = True
                break
        if not known:
            out[e] = -1
            continue
        sum_rows(rows, bounds[e], bounds[e + 1], table, scores)
        best = 0
        for c in range(1, n_classes):
            if scores[c] > scores[best]:
                best = c
        out[e] = best


def best_classes(rows: np.ndarray, bounds: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Index of the best class of each example: the argmax of its summed table rows (first on
    ties); -1 for an example with no known row (nothing to rank the classes by).

    >>> best_classes(np.array([0, 1, 1, -1]), np.array([0, 1, 3, 4]), np.array([[1, 0], [0, 1]], np.float32)).tolist()
    [0, 1, -1]
    """
    out = np.empty(bounds.size - 1, dtype=np.int64)
    _best(rows, np.ascontiguousarray(bounds, dtype=np.int64), float_table(table), out)
    return out
