"""Batch perceptron passes in hypervector space, with a line search (exact at finite D).

A pass scores every training example with the real class vectors (through the n-gram x class
table ``T = HV W^T``), sums ``x / |x|`` of the examples whose true class does not beat its best
rival by ``margin`` (+ on the true class, - on the rival: the batch perceptron, Rosenblatt 1958,
as retraining of hypervector class profiles in AdaptHD, Imani et al. 2019, and OnlineHD,
Hernandez-Cano et al. 2021) into a direction ``U`` of unit Frobenius norm, and moves ``W += step * U`` with the
step of a grid (0, 2^-12 .. 4) that minimizes the training hinge loss. A fixed step diverges on
the language corpus (docs/benchmarks/langid.md); the search makes every pass a descent step.

The pass is a function of the classifier's state: it returns the new class vectors and table
(:class:`PassResult`) and the classifier applies them; nothing here touches an estimator.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from .._kernels import ngram_scores as K

STEPS = np.concatenate([[0.0], 2.0 ** -np.arange(12, -3, -1)])
"""The line-search grid: 0 (stop) and 2^-12 .. 4."""

FeatureBlocks = Callable[..., Iterator[tuple[np.ndarray, np.ndarray]]]
"""``blocks(rows=None)``: (vocabulary rows, their float32 feature rows) block by block."""


@dataclass(frozen=True)
class PassResult:
    """What a pass found: the fraction of the examples it updated, and the new class vectors and
    n-gram x class table (None when the pass stops: no mistake left, or no step helps)."""

    updated: float
    class_vectors: np.ndarray | None = None
    table: np.ndarray | None = None

    @property
    def moved(self) -> bool:
        return self.table is not None


def hv_pass(table: np.ndarray, class_vectors: np.ndarray, ex, margin: float, feature_dim: int,
            blocks: FeatureBlocks) -> PassResult:
    """One pass over the prepared examples ``ex`` (rows, bounds, labels) from the n-gram x class
    ``table`` (V x C float32) and the ``class_vectors`` (C x feature_dim); ``blocks`` gives the
    vocabulary's feature rows. The inputs are not modified.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> feats = np.eye(2, dtype=np.float32)                      # two orthogonal n-grams, D = 2
    >>> blocks = lambda rows=None: iter([(np.arange(2), feats)])
    >>> ex = SimpleNamespace(rows=np.array([0, 1], np.int32), bounds=np.array([0, 1, 2]), labels=np.array([1, 0]))
    >>> w = np.eye(2)                                            # both examples on the wrong class
    >>> r = hv_pass((feats @ w.T).astype(np.float32), w, ex, 0.1, 2, blocks)
    >>> r.updated, r.moved, bool((r.class_vectors.argmax(axis=1) == [1, 0]).all())
    (1.0, True, True)
    """
    scores, sqnorms = K.score_examples(ex.rows, ex.bounds, table)
    delta = np.zeros(table.shape, dtype=np.float64)
    wrong = K.perceptron_delta(ex.rows, ex.bounds, ex.labels, scores, np.sqrt(sqnorms * feature_dim), margin, delta)
    updated = wrong / max(int((sqnorms > 0).sum()), 1)
    if wrong == 0:
        return PassResult(updated)
    direction_w, direction_t = direction(delta, class_vectors, table, blocks)
    losses, _ = K.line_losses(ex.rows, ex.bounds, ex.labels, table, direction_t, feature_dim, STEPS, margin)
    step = STEPS[int(np.argmin(losses))]
    if step == 0.0:
        return PassResult(updated)
    return PassResult(updated, class_vectors + step * direction_w,
                      (table + np.float32(step) * direction_t).astype(np.float32))


def direction(delta: np.ndarray, class_vectors: np.ndarray, table: np.ndarray,
              blocks: FeatureBlocks) -> tuple[np.ndarray, np.ndarray]:
    """The summed update ``sum x / |x|`` as class vectors ``U = delta^T HV`` (unit Frobenius
    norm) and as its n-gram x class table ``HV U^T``: two sweeps over the vocabulary."""
    touched = np.flatnonzero(delta.any(axis=1))
    update = np.zeros_like(class_vectors)
    for part, feats in blocks(touched):
        update += delta[part].T.astype(np.float32) @ feats
    update /= max(np.linalg.norm(update), 1e-300)
    out = np.empty_like(table)
    w = update.T.astype(np.float32)
    for part, feats in blocks():
        out[part] = feats @ w
    return update, out
