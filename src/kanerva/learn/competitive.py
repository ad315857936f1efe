"""Competitive learning: winner-take-all prototypes (Rumelhart & Zipser 1985; Grossberg 1976).

For each sample the unit whose prototype is nearest wins and only it moves toward the sample,
Δw_winner = ε (x − w_winner) (Rumelhart & Zipser 1985, eq. 1 in its Euclidean form). The
prototypes end near the centres of the clusters the data falls into — online k-means.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClusterMixin, TransformerMixin
from sklearn.cluster import kmeans_plusplus
from sklearn.utils.validation import check_is_fitted

from .._kernels.learning_rules import competitive_online
from ._rules_common import check_choice, check_components, check_data, check_positive, rate_schedule


def squared_distances(X: np.ndarray, W: np.ndarray) -> np.ndarray:
    """‖x − w‖² for every row of X and every prototype, shape (n_samples, n_units), >= 0."""
    d = (X * X).sum(1)[:, None] - 2.0 * X @ W.T + (W * W).sum(1)[None, :]
    return np.maximum(d, 0.0)


class CompetitiveLearning(ClusterMixin, TransformerMixin, BaseEstimator):
    """Winner-take-all competitive learning.

    Parameters
    ----------
    n_clusters : int
        Number of competing units (at most the number of samples).
    learning_rate, learning_rate_end : float
        ε at the first and at the last epoch (exponential decay between).
    n_epochs : int
        Passes over the data, each in a fresh random order.
    init : {"k-means++", "random"}
        Initial prototypes: spread-out samples (Arthur & Vassilvitskii 2007, scikit-learn's
        ``kmeans_plusplus``) or random samples. With random samples two units can start in one
        cluster and one of them never wins elsewhere: the "dead unit" problem of plain
        winner-take-all.
    random_state : int, Generator or None
        Seeds the initial prototypes and the order.

    Attributes
    ----------
    cluster_centers_ : ndarray (n_clusters, n_features)
    labels_ : ndarray (n_samples,) — the winner of every training sample
    win_counts_ : ndarray (n_clusters,) — wins during the last epoch

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X = np.concatenate([rng.normal(0, 0.1, (100, 2)), rng.normal(5, 0.1, (100, 2))])
    >>> cl = CompetitiveLearning(n_clusters=2, random_state=0).fit(X)
    >>> sorted(np.round(cl.cluster_centers_[:, 0]).tolist())
    [0.0, 5.0]
    >>> int(cl.predict([[4.8, 5.1]])[0]) == int(cl.predict([[5.0, 5.0]])[0])
    True
    """

    def __init__(self, n_clusters=8, *, learning_rate=0.1, learning_rate_end=0.01, n_epochs=10,
                 init="k-means++", random_state=None):
        self.n_clusters = n_clusters
        self.init = init
        self.learning_rate = learning_rate
        self.learning_rate_end = learning_rate_end
        self.n_epochs = n_epochs
        self.random_state = random_state

    def fit(self, X, y=None):
        """Move the winners toward the samples, one sample at a time."""
        X = check_data(self, X, reset=True)
        k = check_components(self.n_clusters, len(X), "n_clusters")
        check_positive(self.learning_rate, "learning_rate")
        check_positive(self.learning_rate_end, "learning_rate_end")
        if self.learning_rate > 1 or self.learning_rate_end > 1:
            raise ValueError("learning rates must be <= 1 (a winner would overshoot the sample)")
        check_positive(self.n_epochs, "n_epochs", integer=True)
        check_choice(self.init, "init", ("k-means++", "random"))
        rng = np.random.default_rng(self.random_state)
        if self.init == "random":
            W = X[rng.choice(len(X), k, replace=False)].copy()
        else:
            W, _ = kmeans_plusplus(X, k, random_state=int(rng.integers(2**31 - 1)))
        counts = np.zeros(k, dtype=np.int64)
        for eps in rate_schedule(self.learning_rate, self.learning_rate_end, self.n_epochs):
            counts[:] = 0  # wins during the last epoch are kept
            order = rng.permutation(len(X))
            W = competitive_online(X, np.ascontiguousarray(W), order, np.full(len(X), eps), counts)
        self.cluster_centers_ = W
        self.win_counts_ = counts
        self.labels_ = self.predict(X)
        self.n_iter_ = self.n_epochs
        return self

    def predict(self, X):
        """Index of the winning (nearest) unit for each sample."""
        check_is_fitted(self)
        X = check_data(self, X, reset=False)
        return np.argmin(squared_distances(X, self.cluster_centers_), axis=1)

    def transform(self, X):
        """Euclidean distance of each sample to each unit's prototype."""
        check_is_fitted(self)
        X = check_data(self, X, reset=False)
        return np.sqrt(squared_distances(X, self.cluster_centers_))

    def score(self, X, y=None):
        """Minus the mean squared distance to the winner (higher is better)."""
        return -float(np.mean(np.min(self.transform(X), axis=1) ** 2))
