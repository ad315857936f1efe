"""DenseSpace: the shared base of the models whose vectors are dense arrays of numbers.

MAP, HRR and FHRR store a vector as ``dim`` numbers (int8, float32, complex64): permutation is a
rotation and the accumulator a plain (weighted) sum in a wide dtype; only the element type, the
binding, the normalization and the similarity differ (each model's module).
"""

from __future__ import annotations

from abc import abstractmethod

import numpy as np

from .space import _QUIET, Space, as_shift, pairwise


class DenseSpace(Space):
    """Models whose vectors are dense arrays of ``dim`` numbers (MAP, HRR, FHRR): permutation
    is ``np.roll`` and the accumulator is a plain (weighted) sum in a wide dtype.

    Floats are summed in blocks of rows in the storage dtype, and the blocks in ``acc_dtype``:
    about as fast as a float32 sum, with float64 accuracy across blocks. Finiteness of float
    input is checked on the results (a NaN or inf anywhere propagates into them), which costs
    a pass over the output instead of over every input.
    """

    acc_dtype: np.dtype = np.dtype(np.float64)
    block_dtype: np.dtype = np.dtype(np.float32)
    block_rows: int = 256

    def _check_values(self, x, name):
        # every operation refuses NaN and inf: one fast sum screens (NaN and inf propagate into it),
        # the elementwise test runs only when the sum is not finite
        if x.dtype.kind in "fc" and x.size:
            with np.errstate(over="ignore", invalid="ignore"):
                total = np.add.reduce(x.reshape(-1))
            if not np.isfinite(total):
                if not np.isfinite(x).all():
                    raise ValueError(f"{name} contains NaN or infinite values")
                raise ValueError(f"{name} holds values too large for {self!r} (their sum overflows)")

    @_QUIET
    def accumulate(self, xs, weights=None, acc=None):
        xs = self._check_stack(xs, values=False)  # the sum is checked (_finite)
        w = self._check_weights(weights, xs.shape[-2])
        dtype = self.acc_dtype
        if w is None:
            total = np.zeros(xs.shape[:-2] + xs.shape[-1:], dtype=dtype)
            for i in range(0, xs.shape[-2], self.block_rows):
                total += xs[..., i : i + self.block_rows, :].sum(axis=-2, dtype=self.block_dtype)
        else:
            if np.issubdtype(w.dtype, np.floating) and not np.issubdtype(dtype, np.inexact):
                dtype = np.dtype(np.float64)
            total = np.einsum("...nd,n->...d", xs.astype(dtype, copy=False), w.astype(dtype))
        if acc is not None:
            total = total + self._check_acc(acc, total.shape)
        return self._finite(total)

    def permute(self, x, shift=1):
        x = self.check(x)
        return np.roll(x, as_shift(shift), axis=-1)

    @_QUIET
    def similarity(self, a, b):
        a, b = self._check_pair(a, b)
        return pairwise(a, b, lambda x, y: self._finite(self._similarity_matrix(x, y)))

    @abstractmethod
    def _similarity_matrix(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """(n, d) x (m, d) -> (n, m) similarities, float64."""

    def _finite(self, out: np.ndarray) -> np.ndarray:
        if np.issubdtype(out.dtype, np.inexact) and not np.isfinite(out).all():
            raise ValueError("the result is not finite: the input holds NaN or infinite values, or values too large "
                             "for this operation")
        return out


def cosine_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Cosine similarity of real rows; a zero vector is similar to nothing (0)."""
    a = a.astype(np.float32, copy=False)
    b = b.astype(np.float32, copy=False)
    dots = (a @ b.T).astype(np.float64)
    na = np.linalg.norm(a, axis=1).astype(np.float64)
    nb = np.linalg.norm(b, axis=1).astype(np.float64)
    denom = np.outer(na, nb)
    return np.divide(dots, denom, out=np.zeros_like(dots), where=denom > 0)
