"""Batch perceptron passes in hypervector space, with a line search (exact at finite D).

A pass scores every training example with the real class vectors (through the n-gram x class
table ``T = HV W^T``), sums ``x / |x|`` of the examples whose true class does not beat its best
rival by ``margin`` (+ on the true class, - on the rival: the batch perceptron, Rosenblatt 1958,
as retraining of hypervector class profiles in AdaptHD, Imani et al. 2019, and OnlineHD,
Hernandez-Cano et al. 2021) into a direction ``U`` of unit Frobenius norm, and moves ``W += step * U`` with the
step of a grid (0, 2^-12 .. 4) that minimizes the training hinge loss. A fixed step diverges on
the language corpus (docs/benchmarks/langid.md); the search makes every pass a descent step.
"""

from __future__ import annotations

import numpy as np

from . import _ngram_kernels as K
from .hypervector_features import feature_dim

STEPS = np.concatenate([[0.0], 2.0 ** -np.arange(12, -3, -1)])
"""The line-search grid: 0 (stop) and 2^-12 .. 4."""


def hv_pass(clf, ex) -> bool:
    """One pass on ``clf`` (an :class:`~kanerva.learn.ngram_classifier.NGramClassifier` being
    fitted) over the prepared examples ``ex``; appends the fraction of updated examples to
    ``clf.history_``. False when nothing is left to do (no update, or no step helps)."""
    dim = feature_dim(clf.space_)
    scores, sqnorms = K.score_examples(ex.rows, ex.bounds, clf.table_)
    delta = np.zeros(clf.table_.shape, dtype=np.float64)
    wrong = K.perceptron_delta(ex.rows, ex.bounds, ex.labels, scores, np.sqrt(sqnorms * dim), clf.margin, delta)
    clf.history_.append(wrong / max(int((sqnorms > 0).sum()), 1))
    if wrong == 0:
        return False
    direction_w, direction_t = direction(clf, delta)
    losses, _ = K.line_losses(ex.rows, ex.bounds, ex.labels, clf.table_, direction_t, dim, STEPS, clf.margin)
    step = STEPS[int(np.argmin(losses))]
    if step == 0.0:
        return False
    clf.class_vectors_ = clf.class_vectors_ + step * direction_w
    clf.table_ = (clf.table_ + np.float32(step) * direction_t).astype(np.float32)
    return True


def direction(clf, delta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The summed update ``sum x / |x|`` as class vectors ``U = delta^T HV`` (unit Frobenius
    norm) and as its n-gram x class table ``HV U^T``: two sweeps over the vocabulary."""
    touched = np.flatnonzero(delta.any(axis=1))
    update = np.zeros_like(clf.class_vectors_)
    for part, feats in clf._feature_blocks(touched):
        update += delta[part].T.astype(np.float32) @ feats
    update /= max(np.linalg.norm(update), 1e-300)
    table = np.empty_like(clf.table_)
    w = update.T.astype(np.float32)
    for part, feats in clf._feature_blocks():
        table[part] = feats @ w
    return update, table
