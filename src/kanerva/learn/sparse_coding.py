"""Sparse coding of natural images (Olshausen & Field 1996, Nature 381) and its whitening filter.

Olshausen & Field learn a dictionary D whose atoms, combined sparsely, reconstruct image patches:
they minimise E = ½‖x − a D‖² + λ Σ S(aᵢ) (eq. 2-4; S the log cost log(1 + (a/σ)²) or ``|a|``)
alternately over the codes a (inference, :func:`~kanerva.learn.sparse_encode`: ISTA, FISTA or
LCA) and over D, then renormalise every atom. On whitened natural-image patches the atoms come
out localized, oriented and bandpass, like simple-cell receptive fields.

The dictionary step here is block-coordinate descent on running sufficient statistics
(Mairal, Bach, Ponce & Sapiro 2009, Algorithm 2), A = Σ aᵀa and B = Σ aᵀx with a forgetting factor
((t − 1)/t)³, which needs no step size; ``dictionary_update="gradient"`` is Olshausen & Field's
gradient step ΔD = η aᵀ(x − aD)/n. After each step every atom is rescaled to unit length.

Homeostasis (``homeostasis > 0``): each atom's threshold λᵢ = λ gᵢ follows its usage (the running
share of patches where aᵢ ≠ 0): gᵢ ← gᵢ (usageᵢ / mean usage)^rate, clipped to [0.1, 10], so that
atoms that fire too often are held back and silent atoms get a chance (Olshausen & Field keep
the variance of each coefficient at a target by a similar gain rule).

:func:`whiten_images` applies the filter R(f) = f · exp(−(f/f₀)⁴) in the Fourier domain
(Olshausen & Field 1997, Vision Research 37, §4: whitening times a low-pass that removes the
corners of the spectrum), f₀ = 200 cycles/picture for 512-pixel images, i.e. 0.39 of the side.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from ._rules_common import check_choice, check_components, check_data, check_positive, minibatches
from .sparse_inference import METHODS, sparse_encode, sparse_objective


def whiten_images(images, f0=None):
    """Olshausen–Field whitening: multiply each image's spectrum by f · exp(−(f/f₀)⁴).

    Parameters
    ----------
    images : array (n, height, width) or (height, width), any real dtype
    f0 : float or None
        Cut-off in cycles per picture; None is 0.39 × the shorter side (200 for 512 pixels).

    Returns
    -------
    ndarray of float64, same shape: zero mean, unit variance per image.

    Examples
    --------
    >>> import numpy as np
    >>> img = np.random.default_rng(0).random((2, 32, 32)).cumsum(axis=1)  # a 1/f-ish image
    >>> w = whiten_images(img)
    >>> w.shape, bool(np.allclose(w.std(axis=(1, 2)), 1.0))
    ((2, 32, 32), True)
    """
    x = np.asarray(images, dtype=np.float64)
    single = x.ndim == 2
    if single:
        x = x[None]
    if x.ndim != 3 or min(x.shape[1:]) < 4:
        raise ValueError(f"whiten_images takes images (n, height, width), each at least 4 x 4; got {np.shape(images)}")
    if not np.all(np.isfinite(x)):
        raise ValueError("whiten_images: the images contain NaN or infinity")
    h, w = x.shape[1:]
    f0 = 0.390625 * min(h, w) if f0 is None else check_positive(f0, "f0")
    fy = np.fft.fftfreq(h)[:, None] * h
    fx = np.fft.fftfreq(w)[None, :] * w
    f = np.sqrt(fx**2 + fy**2)
    filt = f * np.exp(-((f / f0) ** 4))
    out = np.real(np.fft.ifft2(np.fft.fft2(x - x.mean(axis=(1, 2), keepdims=True)) * filt))
    out -= out.mean(axis=(1, 2), keepdims=True)
    out /= np.maximum(out.std(axis=(1, 2), keepdims=True), 1e-12)
    return out[0] if single else out


def image_patches(images, patch_size, n_patches, random_state=None):
    """``n_patches`` square patches at random places of random images, flattened, float64.

    Examples
    --------
    >>> import numpy as np
    >>> image_patches(np.zeros((3, 20, 20)), 8, 5, random_state=0).shape
    (5, 64)
    """
    x = np.asarray(images, dtype=np.float64)
    if x.ndim == 2:
        x = x[None]
    p = int(patch_size)
    if x.ndim != 3 or p < 1 or p > min(x.shape[1:]):
        raise ValueError(f"patch_size={patch_size!r} must fit inside images of shape {x.shape[1:]}")
    rng = np.random.default_rng(random_state)
    which = rng.integers(0, len(x), n_patches)
    rows = rng.integers(0, x.shape[1] - p + 1, n_patches)
    cols = rng.integers(0, x.shape[2] - p + 1, n_patches)
    idx = np.arange(p)
    return x[which[:, None, None], (rows[:, None] + idx)[:, :, None], (cols[:, None] + idx)[:, None, :]].reshape(n_patches, -1)


class SparseCoding(TransformerMixin, BaseEstimator):
    """Dictionary learning with a sparseness cost (Olshausen & Field 1996).

    Parameters
    ----------
    n_components : int
        Number of atoms (may exceed the dimension: an overcomplete dictionary).
    alpha : float
        λ, the weight of the sparseness cost.
    sparsity : {"l1", "log"}
        ``|a|`` or Olshausen & Field's log(1 + (a/σ)²).
    sigma : float
        σ of the log cost.
    inference : {"fista", "ista", "lca", "cd"}
        The method of :func:`~kanerva.learn.sparse_encode` ("lca" and "cd" need ``sparsity="l1"``).
    max_inference_iter : int
        Iterations (sweeps for "cd") of the inference per batch (warm-started codes are not kept between batches).
    inference_tol : float
    dictionary_update : {"bcd", "gradient"}
    learning_rate : float
        η of the "gradient" update.
    homeostasis : float
        Rate of the usage-equalising threshold adaptation; 0 turns it off.
    n_epochs, batch_size : int
    random_state : int, Generator or None

    Attributes
    ----------
    components_ : ndarray (n_components, n_features) — unit-norm atoms
    thresholds_ : ndarray (n_components,) — λ per atom (all λ without homeostasis)
    usage_ : ndarray (n_components,) — running share of samples where each atom is active
    objective_history_ : ndarray (n_epochs,) — mean E per sample over each epoch's batches

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> atoms = np.eye(8)[:4]
    >>> X = (rng.random((400, 4)) < 0.3) * rng.normal(0, 2, (400, 4)) @ atoms
    >>> sc = SparseCoding(n_components=4, alpha=0.05, dictionary_update="gradient", learning_rate=0.5,
    ...                   batch_size=32, n_epochs=30, random_state=0).fit(X)
    >>> np.round(np.sort(np.abs(sc.components_).max(axis=1)), 2).tolist()  # the generating atoms
    [1.0, 1.0, 1.0, 1.0]
    >>> sc.transform(X[:2]).shape
    (2, 4)
    """

    def __init__(self, n_components=64, *, alpha=0.1, sparsity="l1", sigma=1.0, inference="fista",
                 max_inference_iter=200, inference_tol=1e-4, dictionary_update="bcd", learning_rate=0.1,
                 homeostasis=0.0, n_epochs=10, batch_size=256, random_state=None):
        self.n_components = n_components
        self.alpha = alpha
        self.sparsity = sparsity
        self.sigma = sigma
        self.inference = inference
        self.max_inference_iter = max_inference_iter
        self.inference_tol = inference_tol
        self.dictionary_update = dictionary_update
        self.learning_rate = learning_rate
        self.homeostasis = homeostasis
        self.n_epochs = n_epochs
        self.batch_size = batch_size
        self.random_state = random_state

    def _check_params(self):
        if isinstance(self.n_components, bool) or not isinstance(self.n_components, (int, np.integer)) \
                or self.n_components < 1:
            raise ValueError(f"n_components must be an integer >= 1, got {self.n_components!r}")
        check_positive(self.alpha, "alpha", allow_zero=True)
        check_positive(self.sigma, "sigma")
        check_choice(self.sparsity, "sparsity", ("l1", "log"))
        check_choice(self.inference, "inference", METHODS)
        check_choice(self.dictionary_update, "dictionary_update", ("bcd", "gradient"))
        if self.inference in ("lca", "cd") and self.sparsity != "l1":
            raise ValueError(f"inference={self.inference!r} needs sparsity='l1' (the soft threshold)")
        check_positive(self.learning_rate, "learning_rate")
        check_positive(self.homeostasis, "homeostasis", allow_zero=True)
        for name in ("max_inference_iter", "n_epochs", "batch_size"):
            check_positive(getattr(self, name), name, integer=True)
        check_positive(self.inference_tol, "inference_tol")

    def _encode(self, X, D, lam):
        return sparse_encode(X, D, lam, method=self.inference, sparsity=self.sparsity, sigma=self.sigma,
                             max_iter=self.max_inference_iter, tol=self.inference_tol)

    def fit(self, X, y=None):
        """Learn the dictionary from the rows of ``X`` (patches, flattened)."""
        X = check_data(self, X, reset=True)
        self._check_params()
        rng = np.random.default_rng(self.random_state)
        k, d = self.n_components, X.shape[1]
        D = rng.normal(size=(k, d))
        D /= np.linalg.norm(D, axis=1, keepdims=True)
        gain = np.ones(k)
        usage = np.full(k, np.nan)
        A, B = np.zeros((k, k)), np.zeros((k, d))
        history, t = [], 0
        for _ in range(self.n_epochs):
            total = 0.0
            for idx in minibatches(len(X), self.batch_size, rng):
                Xb = X[idx]
                lam = self.alpha * gain
                a = self._encode(Xb, D, lam)
                total += sparse_objective(Xb, a, D, lam, self.sparsity, self.sigma).sum()
                t += 1
                if self.dictionary_update == "bcd":
                    beta = ((t - 1) / t) ** 3
                    A = beta * A + a.T @ a / len(Xb)
                    B = beta * B + a.T @ Xb / len(Xb)
                    for j in range(k):
                        if A[j, j] > 1e-12:
                            D[j] += (B[j] - A[j] @ D) / A[j, j]
                            D[j] /= max(np.linalg.norm(D[j]), 1.0)  # onto the unit ball (Mairal et al.)
                else:
                    D += self.learning_rate * a.T @ (Xb - a @ D) / len(Xb)
                norms = np.linalg.norm(D, axis=1, keepdims=True)
                dead = norms[:, 0] < 1e-12
                D[dead] = rng.normal(size=(int(dead.sum()), d))  # a vanished atom restarts at random
                D /= np.linalg.norm(D, axis=1, keepdims=True)
                active = (a != 0).mean(axis=0)
                usage = active if np.isnan(usage).any() else 0.95 * usage + 0.05 * active
                if self.homeostasis > 0:
                    mean = max(usage.mean(), 1e-12)
                    gain = np.clip(gain * ((usage + 1e-3 * mean) / mean) ** self.homeostasis, 0.1, 10.0)
            history.append(total / len(X))
        self.components_ = D
        self.thresholds_ = self.alpha * gain
        self.usage_ = usage
        self.objective_history_ = np.array(history)
        self.n_iter_ = self.n_epochs
        self.n_features_out_ = k
        return self

    def transform(self, X):
        """Sparse codes of the rows of ``X``, shape (n_samples, n_components)."""
        check_is_fitted(self)
        X = check_data(self, X, reset=False)
        return self._encode(X, self.components_, self.thresholds_)

    def objective(self, X):
        """Mean E = ½‖x − aD‖² + λ Σ S(aᵢ) over the rows of ``X``, with their inferred codes."""
        a = self.transform(X)
        X = check_data(self, X, reset=False)
        return float(sparse_objective(X, a, self.components_, self.thresholds_, self.sparsity, self.sigma).mean())

    def score(self, X, y=None):
        """Minus :meth:`objective` (higher is better)."""
        return -self.objective(X)
