"""Fourier holographic reduced representations (Plate 2003, "Holographic Reduced
Representation: Distributed representation for cognitive structures", ch. 4).

Vectors are unit phasors ``exp(i theta)`` with theta uniform on (-pi, pi] (complex64). Bind is
the elementwise product, the inverse is the complex conjugate (exact), bundle is the sum with
every element set back to unit modulus, similarity is ``Re(a . conj(b)) / D``. Fractional
binding ``power(x, r) = exp(i r theta)`` encodes a real value r so that the similarity of
``x**r`` and ``x**s`` is a smooth kernel (sinc) of ``r - s`` (Komer et al. 2019).

Examples
--------
>>> import kanerva as kv
>>> s = kv.FHRR(10_000, seed=0)
>>> x = s.random(key="x")
>>> round(s.similarity(s.power(x, 1.5), s.bind(x, s.power(x, 0.5))), 6)
1.0
"""

from __future__ import annotations

import numpy as np

from . import keys as _keys
from .dense import DenseSpace
from .space import _QUIET


class FHRR(DenseSpace):
    """Fourier HRR, unit phasors. See the module docstring."""

    name = "fhrr"
    dtype = np.dtype(np.complex64)
    acc_dtype = np.dtype(np.complex128)
    block_dtype = np.dtype(np.complex64)

    def _from_hashes(self, hashes):
        u = _keys.uniform01(_keys.stream(hashes, -(-self.dim // 2)))[:, : self.dim]
        return np.exp(1j * (2.0 * np.pi * u - np.pi)).astype(np.complex64)

    @_QUIET
    def bind(self, a, b):
        a, b = self._check_pair(a, b, values=False)  # the product is checked
        return self._finite(a * b)

    def inverse(self, a):
        return np.conj(self.check(a))

    def identity(self):
        return np.ones(self.dim, dtype=np.complex64)

    @_QUIET
    def normalize(self, acc):
        acc = self._accumulator(acc).astype(np.complex128, copy=False)
        mag = np.abs(acc)
        unit = np.divide(acc, mag, out=np.zeros_like(acc), where=mag > 0)
        return np.where(mag > 0, unit, self.tiebreak(acc)).astype(np.complex64)

    @_QUIET
    def power(self, x, r):
        x = self.check(x)
        return self._finite(np.exp(1j * float(r) * np.angle(x)).astype(np.complex64))

    @property
    def feature_dim(self):
        return 2 * self.dim  # [cos, sin]: Re(a . conj(b)) = a_re . b_re + a_im . b_im

    def _fill_features(self, rows, out):
        out[:, : self.dim] = rows.real
        out[:, self.dim :] = rows.imag

    def _from_features(self, rows):
        return rows[..., : self.dim] + 1j * rows[..., self.dim :]

    def _similarity_matrix(self, a, b):
        # Re(a . conj(b)) = a_re . b_re + a_im . b_im: one real product of (re, im) rows, half
        # the flops of the complex product whose imaginary part would be thrown away
        ra = a.view(np.float32).reshape(a.shape[0], -1)
        rb = b.view(np.float32).reshape(b.shape[0], -1)
        return (ra @ rb.T).astype(np.float64) / self.dim
