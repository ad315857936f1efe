"""Modern Hopfield network (continuous states), which is transformer attention.

Ramsauer et al. (2020), "Hopfield networks is all you need", arXiv:2008.02217 (ICLR 2021):
stored patterns X = (x_1 ... x_P), state xi, update (their eq. 3)

    xi <- X softmax(beta X^T xi),

which minimizes E = -lse(beta, X^T xi) + 1/2 xi^T xi and usually converges in one update;
small beta gives metastable averages of many patterns. With separate keys K and values V the
same update, softmax(beta K q) V, is the attention of Vaswani et al. (2017) with
beta = 1/sqrt(d). :func:`attention` is that one function; :class:`ModernHopfield` reads
through it.

Examples
--------
>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> patterns = rng.standard_normal((50, 64))
>>> mem = ModernHopfield(beta=1.0)
>>> mem.write(patterns)
>>> partial = patterns.copy(); partial[:, 32:] = 0          # half of each pattern removed
>>> bool(np.allclose(mem.read(partial), patterns, atol=0.01))
True
"""

from __future__ import annotations

import numpy as np

from ._base import AssociativeMemory, ReadInfo, as_batch, check_pairs, report, step_limit


def softmax_weights(queries: np.ndarray, keys: np.ndarray, beta: float) -> np.ndarray:
    """softmax(beta * queries keys^T) over the keys, computed stably: (n, P).

    >>> softmax_weights(np.array([[1.0, 0.0]]), np.eye(2), beta=0.0).tolist()
    [[0.5, 0.5]]
    """
    scores = beta * (queries @ keys.T)
    scores -= scores.max(axis=1, keepdims=True)
    np.exp(scores, out=scores)
    scores /= scores.sum(axis=1, keepdims=True)
    return scores


def attention(queries, keys, values, beta: float | None = None) -> np.ndarray:
    """softmax(beta Q K^T) V, with beta = 1/sqrt(d) by default (Vaswani et al. 2017).

    Parameters
    ----------
    queries : (n, d) or (d,)
    keys : (P, d)
    values : (P, dv)
    beta : float, optional

    Examples
    --------
    >>> k = np.eye(3); v = np.array([[1.0], [2.0], [3.0]])
    >>> attention(np.array([0.0, 50.0, 0.0]), k, v, beta=1.0).round(6).tolist()
    [2.0]
    """
    keys = np.asarray(keys)
    if keys.ndim != 2:
        raise ValueError(f"keys must have shape (P, d), got {keys.shape}")
    dtype = keys.dtype if keys.dtype in (np.float32, np.float64) else np.float64
    q, single = as_batch(queries, keys.shape[1], "queries", dtype)
    k, _ = as_batch(keys, keys.shape[1], "keys", dtype)
    v = np.asarray(values, dtype=dtype)
    if v.ndim != 2:
        raise ValueError(f"values must have shape (P, dv), got {v.shape}")
    check_pairs(k, v, "attention")
    beta = 1.0 / np.sqrt(k.shape[1]) if beta is None else float(beta)
    out = softmax_weights(q, k, beta) @ v
    return out[0] if single else out


class ModernHopfield(AssociativeMemory):
    """Continuous modern Hopfield memory (see the module docstring).

    Parameters
    ----------
    beta : float
        Inverse temperature; larger separates stored patterns more sharply.

    Attributes
    ----------
    keys_, values_ : ndarray
        Stored patterns (P, d) and, for hetero-association, their values (P, dv); ``values_``
        is ``keys_`` for an auto-associative memory.

    Examples
    --------
    >>> mem = ModernHopfield(beta=8.0)
    >>> mem.write(np.eye(3), values=np.array([[10.0], [20.0], [30.0]]))
    >>> mem.read(np.array([0.1, 0.9, 0.0])).round(3).tolist()
    [19.991]
    """

    kind = "modern-hopfield"

    def __init__(self, beta: float = 1.0):
        if isinstance(beta, bool) or not isinstance(beta, (int, float, np.number)) or not np.isfinite(beta) or beta < 0:
            raise ValueError(f"beta must be a finite number >= 0, got {beta!r}")
        self.beta = float(beta)
        self.keys_ = None
        self.values_ = None
        self._auto = True

    def __repr__(self) -> str:
        return f"ModernHopfield(beta={self.beta}, patterns={len(self)})"

    @property
    def _count(self) -> int:
        return 0 if self.keys_ is None else len(self.keys_)

    @property
    def dim(self) -> int | None:
        """Dimension of the stored patterns (None before the first write)."""
        return None if self.keys_ is None else self.keys_.shape[1]

    def write(self, keys, values=None) -> None:
        """Store real patterns (P, d); with ``values`` (P, dv), key -> value pairs."""
        keys = np.asarray(keys)
        d = keys.shape[-1] if keys.ndim else 0
        # float32 patterns stay float32 (half the memory traffic); anything else becomes float64
        dtype = self.keys_.dtype if self.keys_ is not None else (np.float32 if keys.dtype == np.float32 else np.float64)
        k, _ = as_batch(keys, self.dim or d, "patterns", dtype)
        if values is None:
            if self.keys_ is not None and not self._auto:
                raise ValueError("this memory holds key -> value pairs: write(keys, values) needs values")
            self.keys_ = k if self.keys_ is None else np.concatenate([self.keys_, k])
            self.values_ = self.keys_
            return
        if self.keys_ is not None and self._auto:
            raise ValueError("this memory is auto-associative: write(patterns) takes no values")
        dv = np.shape(values)[-1] if np.ndim(values) else 0
        v, _ = as_batch(values, self.values_.shape[1] if self.values_ is not None else dv, "values", dtype)
        check_pairs(k, v, "ModernHopfield.write")
        self._auto = False
        self.keys_ = k if self.keys_ is None else np.concatenate([self.keys_, k])
        self.values_ = v if self.values_ is None else np.concatenate([self.values_, v])

    def attend(self, cues) -> np.ndarray:
        """Attention weights softmax(beta X^T xi) of each cue over the stored patterns (n, P)."""
        q, _ = self._cues(cues)
        return softmax_weights(q, self.keys_, self.beta)

    def _cues(self, cues):
        if self.keys_ is None:
            raise ValueError("the memory is empty: write patterns before reading")
        return as_batch(cues, self.dim, "cues", self.keys_.dtype)

    def read(self, cues, steps: int | None = None, tol: float = 1e-6, return_info: bool = False):
        """Retrieve from ``cues`` (n, d) or (d,): one update by default.

        With ``steps`` (auto-associative memories only) the update repeats until the state
        moves less than ``tol`` (max abs change) or the limit, which warns with
        :class:`NotConvergedWarning`.

        >>> mem = ModernHopfield(beta=8.0); mem.write(np.array([[1.0, 0.0], [0.0, 1.0]]))
        >>> mem.read([0.6, 0.4], steps=20).round(4).tolist()
        [0.9997, 0.0003]
        """
        q, single = self._cues(cues)
        if steps is None:
            out = softmax_weights(q, self.keys_, self.beta) @ self.values_
            info = ReadInfo(np.ones(len(q), dtype=bool), np.ones(len(q), dtype=np.int64))
        else:
            limit = step_limit(steps, 1)
            if not self._auto:
                raise ValueError("steps > 1 needs an auto-associative memory (values have another meaning)")
            out, info = q.copy(), ReadInfo(np.zeros(len(q), dtype=bool), np.zeros(len(q), dtype=np.int64))
            active = np.arange(len(q))
            for _ in range(limit):
                if not len(active):
                    break
                new = softmax_weights(out[active], self.keys_, self.beta) @ self.keys_
                info.steps[active] += 1
                moved = np.abs(new - out[active]).max(axis=1) > tol
                out[active] = new
                info.converged[active[~moved]] = True
                active = active[moved]
            report(info, "ModernHopfield.read", limit)
        out = out[0] if single else out
        return (out, info) if return_info else out

    def _state(self):
        if self.keys_ is None:
            raise ValueError("nothing to save: the memory is empty")
        arrays = {"keys": self.keys_} if self._auto else {"keys": self.keys_, "values": self.values_}
        return arrays, {"beta": self.beta}

    @classmethod
    def _from_state(cls, arrays, meta):
        mem = cls(beta=float(meta["beta"]))
        mem.write(arrays["keys"], arrays.get("values"))
        return mem
