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

import numba
import numpy as np

from ..vsa import Space


# byte value -> the signs of its 8 bits; bit b of byte j is dimension 8j + b (LSB first, as in
# kanerva._kernels.bits)
_SIGNS = (1.0 - 2.0 * ((np.arange(256)[:, None] >> np.arange(8)[None, :]) & 1)).astype(np.float32)


@numba.njit(cache=True, nogil=True)
def _signs(data, lut, out):
    for g in range(data.shape[0]):
        for j in range(data.shape[1]):
            v = data[g, j]
            for b in range(8):
                out[g, 8 * j + b] = lut[v, b]


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
        data = np.ascontiguousarray(vectors, dtype="<u8").view(np.uint8)
        size = data.shape[0] * data.shape[1] * 8
        if buffer is not None and buffer.size >= size:
            out = buffer.reshape(-1)[:size].reshape(data.shape[0], -1)
        else:
            out = np.empty((data.shape[0], data.shape[1] * 8), dtype=np.float32)
        _signs(data, _SIGNS, out)
        return out[:, : space.dim]
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
