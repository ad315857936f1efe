"""Holographic reduced representations (Plate 1995, "Holographic reduced representations",
IEEE Trans. Neural Networks 6:623-641).

Vectors have i.i.d. N(0, 1/D) elements (float32). Bind is circular convolution, computed as
``irfft(rfft(a) * rfft(b))``; the approximate inverse is the involution
``a*_j = a_{-j mod D}`` (Plate's eq. for correlation), so ``unbind`` is approximate and its
result is cleaned up against a codebook. Bundle is the sum rescaled to unit norm; similarity is
the cosine. ``power(x, r)`` raises the spectrum to a real power (fractional binding).

Examples
--------
>>> import kanerva as kv
>>> s = kv.HRR(10_000, seed=0)
>>> a, b = s.random(key="a"), s.random(key="b")
>>> 0.6 < s.similarity(s.unbind(s.bind(a, b), b), a) < 0.8
True
"""

from __future__ import annotations

import numpy as np

from . import _keys
from .space import DenseSpace, cosine_matrix


class HRR(DenseSpace):
    """Holographic reduced representations. See the module docstring."""

    name = "hrr"
    dtype = np.dtype(np.float32)

    def _from_hashes(self, hashes):
        u = _keys.uniform01(_keys.stream(hashes, -(-self.dim // 2)))
        # Box-Muller on pairs of uniforms: two normals per pair
        r = np.sqrt(-2.0 * np.log(u[:, 0::2]))
        t = 2.0 * np.pi * u[:, 1::2]
        z = np.empty((len(hashes), 2 * r.shape[1]), dtype=np.float64)
        z[:, 0::2] = r * np.cos(t)
        z[:, 1::2] = r * np.sin(t)
        return (z[:, : self.dim] / np.sqrt(self.dim)).astype(np.float32)

    def _spectrum(self, x):
        return np.fft.rfft(x, axis=-1)

    def _from_spectrum(self, f):
        return np.fft.irfft(f, n=self.dim, axis=-1).astype(np.float32)

    def bind(self, a, b):
        a, b = self._check_pair(a, b)
        return self._finite(self._from_spectrum(self._spectrum(a) * self._spectrum(b)))

    def inverse(self, a):
        a = self.check(a)
        return np.roll(a[..., ::-1], 1, axis=-1)

    def exact_inverse(self, a):
        """The exact inverse by spectral division (unstable where the spectrum is near 0)."""
        f = self._spectrum(self.check(a))
        if np.any(np.abs(f) < 1e-12):
            raise ValueError("vector has (near) zero spectral components: no exact inverse")
        return self._from_spectrum(1.0 / f)

    def identity(self):
        e = np.zeros(self.dim, dtype=np.float32)
        e[0] = 1.0
        return e

    def normalize(self, acc):
        acc = self._finite(np.asarray(acc, dtype=np.float64))
        norm = np.linalg.norm(acc, axis=-1, keepdims=True)
        out = np.divide(acc, norm, out=np.zeros_like(acc), where=norm > 0)
        return out.astype(np.float32)

    def power(self, x, r):
        f = self._spectrum(self.check(x))
        return self._finite(self._from_spectrum(np.abs(f) ** r * np.exp(1j * r * np.angle(f))))

    def _similarity_matrix(self, a, b):
        return cosine_matrix(a, b)
