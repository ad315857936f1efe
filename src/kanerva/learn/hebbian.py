"""Hebbian learning: plain and covariance rules, Oja's rule and Sanger's generalized Hebbian algorithm.

- Hebb (1949): Δw = η y x with y = w·x. It grows without bound: along the top eigenvector of
  E[x xᵀ] the norm multiplies by (1 + ηλ₁) every step. The covariance rule (Sejnowski 1977)
  Δw = η (y − ȳ)(x − x̄) does the same with the covariance matrix. :class:`Hebbian` shows the
  growth (``normalize="none"``) and the explicitly normalised rule (``normalize="l2"``,
  w ← w/‖w‖ after every step) converging to the top eigenvector.
- Oja (1982), J. Math. Biol. 15, eq. (3) with a decay constant α: Δw = η y (x − α y w); w converges
  to the first principal component with ‖w‖ = 1/√α.
- Sanger (1989), Neural Networks 2, eq. (3): ΔW = η (y xᵀ − LT[y yᵀ] W) with y = W x and LT the
  lower triangle: the rows converge to the top-k principal components, in order.

Updates are averaged over mini-batches of ``batch_size`` samples (``batch_size=1`` is the
classic online rule); the rate decays exponentially from ``learning_rate`` to
``learning_rate * learning_rate_decay`` over the epochs.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from ._rules_common import check_choice, check_components, check_data, check_positive, minibatches, rate_schedule


class _HebbianBase(TransformerMixin, BaseEstimator):
    """The loop shared by the rules: validate, initialise, update per mini-batch, record norms."""

    _center = True

    def _init_weights(self, rng, n_components, n_features):
        w = rng.normal(size=(n_components, n_features))
        return 0.1 * w / np.linalg.norm(w, axis=1, keepdims=True)

    def fit(self, X, y=None):
        """Learn the weights from the rows of ``X`` (unsupervised; ``y`` is ignored)."""
        X = check_data(self, X, reset=True)
        n_components = check_components(self._n_components(), X.shape[1])
        for name in ("learning_rate", "learning_rate_decay"):
            check_positive(getattr(self, name), name)
        check_positive(self.n_epochs, "n_epochs", integer=True)
        check_positive(self.batch_size, "batch_size", integer=True)
        rng = np.random.default_rng(self.random_state)
        self.mean_ = X.mean(axis=0) if self._centers() else np.zeros(X.shape[1])
        Xc = X - self.mean_
        W = self._init_weights(rng, n_components, X.shape[1])
        rates = rate_schedule(self.learning_rate, self.learning_rate * self.learning_rate_decay, self.n_epochs)
        history = np.empty((self.n_epochs, n_components))
        with np.errstate(over="ignore", invalid="ignore"):
            for epoch, eta in enumerate(rates):
                for idx in minibatches(len(Xc), self.batch_size, rng):
                    W = self._step(W, Xc[idx], eta)
                history[epoch] = np.linalg.norm(W, axis=1)
                if not np.all(np.isfinite(W)):
                    raise ValueError(
                        f"{type(self).__name__} diverged at epoch {epoch + 1}: the weights overflowed "
                        f"(lower learning_rate={self.learning_rate!r} or scale the data)")
        self.components_ = W
        self.weight_norm_history_ = history
        self.n_iter_ = self.n_epochs
        self.n_features_out_ = n_components
        return self

    def transform(self, X):
        """Project: ``(X - mean_) @ components_.T``, shape (n_samples, n_components)."""
        check_is_fitted(self)
        X = check_data(self, X, reset=False)
        return (X - self.mean_) @ self.components_.T

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self)
        name = type(self).__name__.lower()
        return np.array([f"{name}{i}" for i in range(self.components_.shape[0])], dtype=object)


class Hebbian(_HebbianBase):
    """Plain Hebbian (``rule="hebb"``) or covariance (``rule="covariance"``) learning.

    Parameters
    ----------
    n_components : int
        Number of output units (each learns independently; with ``normalize="l2"`` each converges
        to the top eigenvector of E[x xᵀ] ("hebb") or of the covariance ("covariance")).
    rule : {"hebb", "covariance"}
        "hebb": Δw = η y x on the raw data; "covariance": Δw = η (y − ȳ)(x − x̄).
    normalize : {"l2", "none"}
        "l2" rescales every weight vector to unit length after each update (explicit
        normalisation); "none" is the plain rule, whose norm grows geometrically (see
        ``weight_norm_history_``) until it overflows, which raises a ValueError.
    learning_rate, learning_rate_decay : float
        η at the first epoch, and the factor it has decayed by at the last.
    n_epochs, batch_size : int
    random_state : int, Generator or None

    Attributes
    ----------
    components_ : ndarray (n_components, n_features)
    mean_ : ndarray (n_features,) — zeros for "hebb", the data mean for "covariance"
    weight_norm_history_ : ndarray (n_epochs, n_components) — ‖w‖ after each epoch

    Examples
    --------
    >>> import numpy as np
    >>> X = np.random.default_rng(0).normal(size=(500, 3)) * [3.0, 1.0, 0.5]
    >>> h = Hebbian(rule="covariance", random_state=0).fit(X)
    >>> np.round(np.abs(h.components_[0]), 2).tolist()
    [1.0, 0.0, 0.0]
    >>> grow = Hebbian(normalize="none", n_epochs=5, random_state=0).fit(X)
    >>> bool(np.all(np.diff(grow.weight_norm_history_[:, 0]) > 0))
    True
    """

    def __init__(self, n_components=1, *, rule="hebb", normalize="l2", learning_rate=0.01,
                 learning_rate_decay=0.1, n_epochs=20, batch_size=10, random_state=None):
        self.n_components = n_components
        self.rule = rule
        self.normalize = normalize
        self.learning_rate = learning_rate
        self.learning_rate_decay = learning_rate_decay
        self.n_epochs = n_epochs
        self.batch_size = batch_size
        self.random_state = random_state

    def _n_components(self):
        check_choice(self.rule, "rule", ("hebb", "covariance"))
        check_choice(self.normalize, "normalize", ("l2", "none"))
        return self.n_components

    def _centers(self):
        return self.rule == "covariance"

    def _step(self, W, X, eta):
        Y = X @ W.T
        W = W + eta * (Y.T @ X) / len(X)
        if self.normalize == "l2":
            W = W / np.linalg.norm(W, axis=1, keepdims=True)
        return W


class Oja(_HebbianBase):
    """Oja's rule: one linear unit whose weight converges to the first principal component.

    Δw = η y (x − α y w), y = w·(x − mean). At convergence w is the first principal component
    (up to sign) with ‖w‖ = 1/√α (Oja 1982).

    Parameters
    ----------
    alpha : float
        The decay constant α > 0; the weight norm converges to 1/√α.
    learning_rate, learning_rate_decay, n_epochs, batch_size, random_state :
        As in :class:`Hebbian`.

    Attributes
    ----------
    components_ : ndarray (1, n_features)
    mean_ : ndarray (n_features,)
    weight_norm_history_ : ndarray (n_epochs, 1)

    Examples
    --------
    >>> import numpy as np
    >>> X = np.random.default_rng(0).normal(size=(2000, 3)) * [2.0, 1.0, 0.5]
    >>> oja = Oja(alpha=4.0, random_state=0).fit(X)
    >>> round(float(np.linalg.norm(oja.components_)), 2), round(abs(float(oja.components_[0, 0])) * 2, 2)
    (0.5, 1.0)
    """

    def __init__(self, *, alpha=1.0, learning_rate=0.01, learning_rate_decay=0.1, n_epochs=20,
                 batch_size=10, random_state=None):
        self.alpha = alpha
        self.learning_rate = learning_rate
        self.learning_rate_decay = learning_rate_decay
        self.n_epochs = n_epochs
        self.batch_size = batch_size
        self.random_state = random_state

    def _n_components(self):
        check_positive(self.alpha, "alpha")
        return 1

    def _centers(self):
        return True

    def _step(self, W, X, eta):
        y = X @ W[0]
        return W + eta * (y @ X - self.alpha * (y @ y) * W[0])[None, :] / len(X)


class Sanger(_HebbianBase):
    """Sanger's generalized Hebbian algorithm: the top-k principal components, in order.

    ΔW = η (y xᵀ − LT[y yᵀ] W), y = W (x − mean) (Sanger 1989, eq. 3). Row i converges to the
    i-th principal component (up to sign) with unit norm.

    Parameters
    ----------
    n_components : int
        k, at most the dimension of the data.
    learning_rate, learning_rate_decay, n_epochs, batch_size, random_state :
        As in :class:`Hebbian`.

    Attributes
    ----------
    components_ : ndarray (n_components, n_features)
    mean_ : ndarray (n_features,)
    weight_norm_history_ : ndarray (n_epochs, n_components)

    Examples
    --------
    >>> import numpy as np
    >>> X = np.random.default_rng(0).normal(size=(2000, 4)) * [3.0, 2.0, 1.0, 0.3]
    >>> gha = Sanger(n_components=3, n_epochs=30, random_state=0).fit(X)
    >>> np.round(np.abs(gha.components_), 1).tolist()
    [[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0]]
    """

    def __init__(self, n_components=2, *, learning_rate=0.01, learning_rate_decay=0.1, n_epochs=20,
                 batch_size=10, random_state=None):
        self.n_components = n_components
        self.learning_rate = learning_rate
        self.learning_rate_decay = learning_rate_decay
        self.n_epochs = n_epochs
        self.batch_size = batch_size
        self.random_state = random_state

    def _n_components(self):
        return self.n_components

    def _centers(self):
        return True

    def _step(self, W, X, eta):
        Y = X @ W.T
        return W + eta * (Y.T @ X - np.tril(Y.T @ Y) @ W) / len(X)
