"""Hypervectors as real feature rows, so that a dot product is ``dim * similarity``.

Learning rules that add and score vectors (centroids, perceptron passes) run as dense matrix
products on these rows: BSC bit b -> +1/-1 (``1 - 2b``, the MAP image of BSC), MAP as is, HRR
scaled by ``sqrt(dim)``, FHRR as ``[cos, sin]`` (``Re(a . conj(b)) = a_re . b_re + a_im . b_im``).

Examples
--------
>>> import kanerva as kv
>>> s = kv.FHRR(64, seed=0)
>>> a, b = s.random(2)
>>> f = real_features(s, np.stack([a, b]))
>>> bool(np.isclose(f[0] @ f[1], s.dim * s.similarity(a, b), atol=1e-3))
True
"""

from __future__ import annotations

import numpy as np

from .._kernels.projection import bipolar_rows
from ..vsa import Space


def feature_dim(space: Space) -> int:
    """Length of a feature row of ``space``.

    >>> import kanerva as kv
    >>> feature_dim(kv.FHRR(10)), feature_dim(kv.BSC(10))
    (20, 10)
    """
    return 2 * space.dim if space.name == "fhrr" else space.dim


def real_features(space: Space, vectors: np.ndarray, buffer: np.ndarray | None = None) -> np.ndarray:
    """(n, feature_dim) float32 rows of a batch of vectors of ``space``. For BSC, ``buffer`` (a
    float32 array of at least n * 64 * words entries) is reused instead of allocating."""
    if space.name == "bsc":
        size = vectors.shape[0] * space.dim
        out = buffer.reshape(-1)[:size].reshape(vectors.shape[0], -1) if buffer is not None and buffer.size >= size else None
        return bipolar_rows(vectors, space.dim, out=out)
    if space.name == "map":
        return vectors.astype(np.float32)
    if space.name == "hrr":
        return (vectors * np.float32(np.sqrt(space.dim))).astype(np.float32)
    if space.name == "fhrr":
        return np.concatenate([vectors.real, vectors.imag], axis=-1).astype(np.float32)
    raise TypeError(f"no real features for a {type(space).__name__} space")


def from_real_features(space: Space, rows: np.ndarray) -> np.ndarray:
    """Raw accumulators of ``space`` (what :meth:`Space.normalize` takes) from real rows.

    >>> import kanerva as kv
    >>> s = kv.BSC(100, seed=1)
    >>> v = s.random(key="x")
    >>> bool((s.normalize(from_real_features(s, real_features(s, v[None]))[0]) == v).all())
    True
    """
    rows = np.asarray(rows, dtype=np.float64)
    if space.name == "fhrr":
        return rows[..., : space.dim] + 1j * rows[..., space.dim :]
    if space.name == "hrr":
        return rows / np.sqrt(space.dim)
    return rows
