"""The self-organizing map (Kohonen 1982; batch map: Kohonen 2001, *Self-Organizing Maps*, §3.14).

Units sit on a 2-D grid, each with a weight vector in data space. Online training: for every sample
x the best-matching unit c (nearest weight) wins, and every unit j moves toward x by
η(t) h_cj(t) (x − w_j), where h is a Gaussian exp(−d²/2σ²) or a bubble (d ≤ σ) of the grid
distance d between j and c (Kohonen 1982, eq. 5). Batch training replaces the pass over the samples
by w_j = Σ_n h_c(n)j x_n / Σ_n h_c(n)j, once per epoch (the batch map). σ and η decay
exponentially from their start to their end values over training.

Grids: ``"rectangular"`` places unit (r, c) at (c, r); ``"hexagonal"`` shifts odd rows right by
one half and packs rows √3/2 apart, so that every unit's six neighbours sit at distance exactly 1.

Topographic error (Kiviluoto 1996) counts samples whose best and second-best units are not
adjacent. Adjacency, stated: on a hexagonal grid the 6 units at distance 1; on a rectangular grid
the 8 units around (diagonals count, ``diagonal=True``, as in MiniSom) or only the 4 edge
neighbours (``diagonal=False``). The U-matrix (Ultsch 1993) uses the same adjacency.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from .._kernels.learning_rules import som_online
from ._rules_common import check_choice, check_data, check_positive, rate_schedule
from .competitive import squared_distances


def grid_positions(n_rows: int, n_columns: int, topology: str = "rectangular") -> np.ndarray:
    """(x, y) of every unit, row-major, shape (n_rows * n_columns, 2).

    Examples
    --------
    >>> grid_positions(2, 2, "hexagonal").round(3).tolist()
    [[0.0, 0.0], [1.0, 0.0], [0.5, 0.866], [1.5, 0.866]]
    """
    r, c = np.divmod(np.arange(n_rows * n_columns), n_columns)
    if topology == "hexagonal":
        return np.stack([c + 0.5 * (r % 2), r * np.sqrt(3) / 2], axis=1)
    return np.stack([c, r], axis=1).astype(np.float64)


def adjacency(positions: np.ndarray, topology: str, diagonal: bool = True) -> np.ndarray:
    """Boolean (units, units): which pairs of units are grid neighbours (see the module doc)."""
    d = np.sqrt(((positions[:, None, :] - positions[None, :, :]) ** 2).sum(-1))
    limit = np.sqrt(2) if (topology == "rectangular" and diagonal) else 1.0
    return (d > 0) & (d <= limit + 1e-9)


class SelfOrganizingMap(TransformerMixin, BaseEstimator):
    """Kohonen's self-organizing map, rectangular or hexagonal, online or batch.

    Parameters
    ----------
    n_rows, n_columns : int
        Grid size (each >= 1).
    topology : {"rectangular", "hexagonal"}
    neighborhood : {"gaussian", "bubble"}
    sigma, sigma_end : float or None
        Neighbourhood radius (grid units) at the start and the end; ``sigma=None`` is half the
        longer side of the grid.
    learning_rate, learning_rate_end : float
        η at the start and the end (online training only; the batch map has no rate).
    n_epochs : int
        Passes over the data.
    training : {"batch", "online"}
    init : {"pca", "random"}
        "pca" spans the grid over the plane of the first two principal components (±√3 standard
        deviations, the range of a uniform distribution); "random" takes random samples.
    random_state : int, Generator or None

    Attributes
    ----------
    weights_ : ndarray (n_rows, n_columns, n_features)
    positions_ : ndarray (n_rows * n_columns, 2) — grid coordinates of the units, row-major
    quantization_error_, topographic_error_ : float — on the training data, after fitting

    Examples
    --------
    >>> import numpy as np
    >>> X = np.random.default_rng(0).random((500, 2))
    >>> som = SelfOrganizingMap(6, 6, n_epochs=20, random_state=0).fit(X)
    >>> som.weights_.shape, som.quantization_error(X) < 0.1, som.topographic_error(X) < 0.1
    ((6, 6, 2), True, True)
    >>> r, c = som.winner([0.0, 0.0])  # a corner of the square maps to the edge of the grid
    >>> r in (0, 5) or c in (0, 5)
    True
    """

    def __init__(self, n_rows=10, n_columns=10, *, topology="rectangular", neighborhood="gaussian",
                 sigma=None, sigma_end=0.5, learning_rate=0.5, learning_rate_end=0.01, n_epochs=10,
                 training="batch", init="pca", random_state=None):
        self.n_rows = n_rows
        self.n_columns = n_columns
        self.topology = topology
        self.neighborhood = neighborhood
        self.sigma = sigma
        self.sigma_end = sigma_end
        self.learning_rate = learning_rate
        self.learning_rate_end = learning_rate_end
        self.n_epochs = n_epochs
        self.training = training
        self.init = init
        self.random_state = random_state

    # -- checks and set-up ---------------------------------------------------------------------
    def _check_params(self):
        for name in ("n_rows", "n_columns"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"a SOM grid needs at least one unit each way: {name} must be an "
                                 f"integer >= 1, got {value!r}")
        check_choice(self.topology, "topology", ("rectangular", "hexagonal"))
        check_choice(self.neighborhood, "neighborhood", ("gaussian", "bubble"))
        check_choice(self.training, "training", ("batch", "online"))
        check_choice(self.init, "init", ("pca", "random"))
        check_positive(self.n_epochs, "n_epochs", integer=True)
        sigma = max(self.n_rows, self.n_columns) / 2.0 if self.sigma is None else self.sigma
        check_positive(sigma, "sigma")
        check_positive(self.sigma_end, "sigma_end")
        check_positive(self.learning_rate, "learning_rate")
        check_positive(self.learning_rate_end, "learning_rate_end")
        return float(sigma)

    def _initial_weights(self, X, rng):
        n_units = self.n_rows * self.n_columns
        if self.init == "random" or len(X) < 2:
            return X[rng.choice(len(X), n_units, replace=len(X) < n_units)].copy()
        mean = X.mean(axis=0)
        _, s, vt = np.linalg.svd(X - mean, full_matrices=False)
        scale = np.sqrt(3.0) * s / np.sqrt(len(X))
        long_axis = self.n_columns >= self.n_rows  # the first component along the longer side
        a = np.linspace(-1, 1, self.n_columns) if self.n_columns > 1 else np.zeros(1)
        b = np.linspace(-1, 1, self.n_rows) if self.n_rows > 1 else np.zeros(1)
        col, row = np.meshgrid(a, b)
        first, second = (col, row) if long_axis else (row, col)
        W = mean + first.reshape(-1, 1) * scale[0] * vt[0]
        if len(s) > 1:
            W = W + second.reshape(-1, 1) * scale[1] * vt[1]
        return W

    def _neighbourhood(self, grid_d2, sigma):
        if self.neighborhood == "gaussian":
            return np.exp(-grid_d2 / (2.0 * sigma * sigma))
        return (grid_d2 <= sigma * sigma + 1e-12).astype(np.float64)

    # -- training ------------------------------------------------------------------------------
    def fit(self, X, y=None):
        """Train the map on the rows of ``X``."""
        X = check_data(self, X, reset=True)
        sigma0 = self._check_params()
        rng = np.random.default_rng(self.random_state)
        pos = grid_positions(self.n_rows, self.n_columns, self.topology)
        grid_d2 = ((pos[:, None, :] - pos[None, :, :]) ** 2).sum(-1)
        W = self._initial_weights(X, rng)
        if self.training == "batch":
            for sigma in rate_schedule(sigma0, self.sigma_end, self.n_epochs):
                bmu = np.argmin(squared_distances(X, W), axis=1)
                counts = np.bincount(bmu, minlength=len(W)).astype(np.float64)
                sums = np.zeros_like(W)
                np.add.at(sums, bmu, X)
                H = self._neighbourhood(grid_d2, sigma)
                weight = H @ counts
                moved = weight > 0
                W[moved] = (H @ sums)[moved] / weight[moved, None]
        else:
            steps = self.n_epochs * len(X)
            sigmas = rate_schedule(sigma0, self.sigma_end, steps)
            etas = rate_schedule(self.learning_rate, self.learning_rate_end, steps)
            order = np.concatenate([rng.permutation(len(X)) for _ in range(self.n_epochs)])
            W = som_online(X, np.ascontiguousarray(W), grid_d2, order, sigmas, etas, self.neighborhood == "gaussian")
        self.weights_ = W.reshape(self.n_rows, self.n_columns, -1)
        self.positions_ = pos
        self.n_iter_ = self.n_epochs
        self.n_features_out_ = len(W)
        self.quantization_error_ = self.quantization_error(X)
        self.topographic_error_ = self.topographic_error(X)
        return self

    # -- using the map -------------------------------------------------------------------------
    def _codebook(self):
        check_is_fitted(self)
        return self.weights_.reshape(-1, self.weights_.shape[-1])

    def transform(self, X):
        """Euclidean distance from every sample to every unit, shape (n_samples, n_units)."""
        W = self._codebook()
        return np.sqrt(squared_distances(check_data(self, X, reset=False), W))

    def predict(self, X):
        """The best-matching unit of each sample, as a row-major index ``row * n_columns + col``."""
        W = self._codebook()
        return np.argmin(squared_distances(check_data(self, X, reset=False), W), axis=1)

    def winner(self, X):
        """Grid coordinates (row, col) of the best-matching unit: a tuple for one sample,
        an int array (n_samples, 2) for a 2-D array."""
        one = np.ndim(X) == 1
        flat = self.predict(np.atleast_2d(X))
        rc = np.stack(np.divmod(flat, self.weights_.shape[1]), axis=1)
        return (int(rc[0, 0]), int(rc[0, 1])) if one else rc

    def quantization_error(self, X):
        """Mean Euclidean distance from each sample to its best-matching unit's weights."""
        return float(np.mean(np.min(self.transform(X), axis=1)))

    def topographic_error(self, X, diagonal=True):
        """Share of samples whose best and second-best units are not grid neighbours.

        ``diagonal`` (rectangular grids only): whether diagonal units count as neighbours.
        """
        W = self._codebook()
        if len(W) < 2:
            return 0.0
        d = squared_distances(check_data(self, X, reset=False), W)
        best2 = np.argpartition(d, 1, axis=1)[:, :2]
        first = np.where(d[np.arange(len(d)), best2[:, 0]] <= d[np.arange(len(d)), best2[:, 1]],
                         best2[:, 0], best2[:, 1])
        second = best2[:, 0] + best2[:, 1] - first
        adj = adjacency(self.positions_, self.topology, diagonal)
        return float(np.mean(~adj[first, second]))

    def distance_map(self, diagonal=True):
        """The U-matrix: each unit's mean distance to its neighbours' weights, (n_rows, n_columns)."""
        W = self._codebook()
        adj = adjacency(self.positions_, self.topology, diagonal)
        dist = np.sqrt(squared_distances(W, W))
        mean = (dist * adj).sum(1) / np.maximum(adj.sum(1), 1)
        return mean.reshape(self.weights_.shape[:2])

    def score(self, X, y=None):
        """Minus the quantization error (higher is better)."""
        return -self.quantization_error(X)
