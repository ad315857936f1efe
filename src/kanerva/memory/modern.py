"""Modern Hopfield network (continuous states), which is transformer attention.

Ramsauer et al. (2020), "Hopfield networks is all you need", arXiv:2008.02217 (ICLR 2021):
stored patterns X = (x_1 ... x_P), state xi, update (their eq. 3)

    xi <- X softmax(beta X^T xi),

which minimizes E = -lse(beta, X^T xi) + 1/2 xi^T xi and usually converges in one update;
small beta gives metastable averages of many patterns. With separate keys K and values V the
same update, softmax(beta K q) V, is the attention of Vaswani et al. (2017) with
beta = 1/sqrt(d). :func:`attention` is that one function; :class:`ModernHopfield` reads
through it.

With a space (``ModernHopfield(kv.MAP(1_000))``) the patterns are that space's vectors: the
update runs on their real features (``space.to_features``: dot products are ``dim`` times the
similarity) and the state read out is normalized back into the space (for MAP, the sign). With an
int ``dim`` the patterns are real arrays and the state comes back as it is.

Examples
--------
>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> patterns = rng.standard_normal((50, 64))
>>> mem = ModernHopfield(64, beta=1.0)
>>> mem.write(patterns)
>>> partial = patterns.copy(); partial[:, 32:] = 0          # half of each pattern removed
>>> bool(np.allclose(mem.read(partial, steps=1), patterns, atol=0.01))
True
"""

from __future__ import annotations

import numpy as np

from ._base import AssociativeMemory, ReadInfo, as_batch, check_pairs, run_sync


def softmax_weights(queries: np.ndarray, keys: np.ndarray, beta: float) -> np.ndarray:
    """softmax(beta * queries keys^T) over the keys, computed stably: (n, P).

    >>> softmax_weights(np.array([[1.0, 0.0]]), np.eye(2), beta=0.0).tolist()
    [[0.5, 0.5]]
    """
    with np.errstate(over="ignore", invalid="ignore"):
        scores = beta * (queries @ keys.T)
    if not np.isfinite(scores).all():
        raise ValueError("patterns too large: beta times their dot products overflow float "
                         "(scale the patterns down, or lower beta)")
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
    space : kv Space or int
        The patterns: vectors of any space (the dynamics run on their real features, reads are
        normalized back into the space), or real arrays of width ``dim``.
    beta : float
        Inverse temperature; larger separates stored patterns more sharply.

    Attributes
    ----------
    keys_ : ndarray (P, width)
        Stored patterns as real rows (float32 for a space or float32 input, else float64).
    values_ : ndarray (P, dv)
        Their values for hetero-association (real arrays), ``keys_`` for auto-association.

    Examples
    --------
    >>> mem = ModernHopfield(3, beta=8.0)
    >>> mem.write(np.eye(3), values=np.array([[10.0], [20.0], [30.0]]))
    >>> mem.read(np.array([0.1, 0.9, 0.0])).round(3).tolist()
    [19.991]
    """

    kind = "modern-hopfield"
    pattern_kind = "real"
    hetero = True

    def __init__(self, space, beta: float = 1.0):
        super().__init__(space)
        if isinstance(beta, bool) or not isinstance(beta, (int, float, np.number)) or not np.isfinite(beta) or beta < 0:
            raise ValueError(f"beta must be a finite number >= 0, got {beta!r}")
        self.beta = float(beta)
        self.keys_ = None
        self.values_ = None

    def __repr__(self) -> str:
        return f"ModernHopfield({self.patterns!r}, beta={self.beta}, patterns={len(self)})"

    def write(self, keys, values=None) -> None:
        """Store patterns (P, ...) or one; with ``values`` (P, dv) real arrays, key -> value pairs."""
        hetero = self._mode(values)
        dtype = None if self.keys_ is None else self.keys_.dtype
        k, _ = self.patterns.real(keys, "patterns", dtype)
        with np.errstate(over="ignore"):
            self_scores = self.beta * np.einsum("ij,ij->i", k.astype(np.float64), k.astype(np.float64))
        if not np.isfinite(self_scores).all():
            raise ValueError("patterns too large: beta times their squared norms overflows float64")
        if hetero:
            dv = self.values_.shape[1] if self.values_ is not None else (np.shape(values)[-1] if np.ndim(values) else 0)
            v, _ = as_batch(values, dv, "values", k.dtype)
            check_pairs(k, v, "ModernHopfield.write")
            self.values_ = v if self.values_ is None else np.concatenate([self.values_, v])
        self.keys_ = k if self.keys_ is None else np.concatenate([self.keys_, k])
        if not hetero:
            self.values_ = self.keys_
        self._stored(len(k), hetero)

    def attend(self, cues) -> np.ndarray:
        """Attention weights softmax(beta X^T xi) of each cue over the stored patterns (n, P)."""
        self._plan(None)  # refuses an empty memory
        q, _ = self.patterns.real(cues, "cues", self.keys_.dtype)
        return softmax_weights(q, self.keys_, self.beta)

    def read(self, cues, *, steps: int | None = None, tol: float = 1e-6, return_info: bool = False):
        """Retrieve from ``cues`` (one pattern or a batch).

        Auto-association: ``steps=None`` repeats the update xi <- X softmax(beta X^T xi) until
        the state moves less than ``tol`` (max abs change) or ``max_steps``; ``steps=1`` is the
        single update of Ramsauer et al. (attention). Hetero-association: one attention read of
        the values (real arrays, returned as they are).

        >>> mem = ModernHopfield(2, beta=8.0); mem.write(np.array([[1.0, 0.0], [0.0, 1.0]]))
        >>> mem.read([0.6, 0.4]).round(4).tolist()
        [0.9997, 0.0003]
        """
        limit, strict = self._plan(steps)
        q, single = self.patterns.real(cues, "cues", self.keys_.dtype)
        if self._hetero:
            out, info = softmax_weights(q, self.keys_, self.beta) @ self.values_, ReadInfo.direct(len(q), 1)
        else:
            def update(cur, rows):
                new = softmax_weights(cur, self.keys_, self.beta) @ self.keys_
                return new, np.abs(new - cur).max(axis=1) > tol

            state, info = run_sync(q, update, limit)
            self._report(info, limit, strict)
            out = self.patterns.from_real(state)
        out = out[0] if single else out
        return (out, info) if return_info else out

    def _stored_count(self):
        return len(self.keys_) if self.keys_ is not None else 0

    def _state(self):
        if self.keys_ is None:
            return {}, {"beta": self.beta}
        arrays = {"keys": self.keys_} if not self._hetero else {"keys": self.keys_, "values": self.values_}
        return arrays, {"beta": self.beta}

    @classmethod
    def _from_state(cls, space, arrays, meta):
        mem = cls(space, beta=meta["beta"])
        if "keys" in arrays:
            keys = arrays["keys"]
            if keys.dtype not in (np.float32, np.float64) or keys.ndim != 2 or keys.shape[1] != mem.patterns.width \
                    or not np.isfinite(keys).all():
                raise ValueError(f"keys must be finite floats of shape (P, {mem.patterns.width}), got {keys.dtype} {keys.shape}")
            values = arrays.get("values")
            if values is not None and (values.dtype != keys.dtype or values.ndim != 2 or len(values) != len(keys)
                                       or not np.isfinite(values).all()):
                raise ValueError("values must be finite floats, one row per key")
            mem.keys_, mem.values_ = keys, (keys if values is None else values)
        return mem
