"""Holographic reduced representations (Plate 1995, "Holographic reduced representations",
IEEE Trans. Neural Networks 6:623-641).

Vectors have i.i.d. N(0, 1/D) elements (float32). Bind is circular convolution, computed as
``irfft(rfft(a) * rfft(b))``; the approximate inverse is the involution
``a*_j = a_{-j mod D}`` (Plate's eq. for correlation), so ``unbind`` is approximate and its
result is cleaned up against a codebook. Bundle is the sum rescaled to unit norm; similarity is
the cosine. ``power(x, r)`` raises the spectrum to a real power (fractional binding).

Permutation is a fixed random permutation of the dimensions (keyed by the seed), as Plate
uses for ordering: a cyclic shift would commute with circular convolution
(``roll(a) (*) b == roll(a (*) b)``), so permute-then-bind could not tell (a, b) from (b, a)
and n-grams would lose their letter order.

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

from . import keys as _keys
from .dense import DenseSpace, cosine_matrix
from .space import _QUIET, as_shift


class HRR(DenseSpace):
    """Holographic reduced representations. See the module docstring."""

    name = "hrr"
    dtype = np.dtype(np.float32)

    def __init__(self, dim: int, seed: int = 0):
        super().__init__(dim, seed)
        self._perms: dict[int, np.ndarray] = {}

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

    @_QUIET
    def bind(self, a, b):
        a, b = self._check_pair(a, b, values=False)  # the product is checked
        return self._finite(self._from_spectrum(self._spectrum(a) * self._spectrum(b)))

    def inverse(self, a):
        a = self.check(a)
        return np.roll(a[..., ::-1], 1, axis=-1)

    def permute(self, x, shift=1):
        x = self.check(x)
        return x[..., self._permutation(as_shift(shift))]

    def _permutation(self, k: int) -> np.ndarray:
        """Index array of the k-th power of the keyed base permutation (k < 0: inverse)."""
        if k not in self._perms:
            words = _keys.stream(_keys.key_hashes(self.seed, ["kanerva:hrr-permutation"]), self.dim)[0]
            base = np.argsort(words, kind="stable")
            if k < 0:
                inv = np.empty_like(base)
                inv[base] = np.arange(self.dim)
                base = inv
            result, e = np.arange(self.dim), abs(k)
            while e:  # exponentiation by squaring; powers of one permutation commute
                if e & 1:
                    result = result[base]
                base = base[base]
                e >>= 1
            if len(self._perms) > 256:
                self._perms.clear()
            self._perms[k] = result
        return self._perms[k]

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

    @_QUIET
    def normalize(self, acc):
        acc = self._accumulator(acc).astype(np.float64, copy=False)
        norm = np.linalg.norm(acc, axis=-1, keepdims=True)
        out = np.divide(acc, norm, out=np.zeros_like(acc), where=norm > 0)
        return out.astype(np.float32)

    @_QUIET
    def power(self, x, r):
        f = self._spectrum(self.check(x))
        return self._finite(self._from_spectrum(np.abs(f) ** r * np.exp(1j * r * np.angle(f))))

    def _fill_features(self, rows, out):
        np.multiply(rows, np.float32(np.sqrt(self.dim)), out=out)  # unit vectors: dot = dim * cosine

    def _from_features(self, rows):
        return rows / np.sqrt(self.dim)

    def _similarity_matrix(self, a, b):
        return cosine_matrix(a, b)
