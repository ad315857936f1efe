"""Fast weights: a decaying outer-product memory with an inner settling loop.

Ba, Hinton, Mnih, Leibo & Ionescu (2016), "Using fast weights to attend to the recent past",
NeurIPS: the fast weight matrix follows A(t) = lambda A(t-1) + eta h(t) h(t)^T (their eq. 1;
lambda = 0.95, eta = 0.5), and the next hidden state settles in an inner loop
h_{s+1} = f(LN([W h(t) + C x(t)] + A(t) h_s)) (eq. 2) started from h_0 = f(W h(t) + C x(t)).
A A(t) h = eta sum_tau lambda^(t-tau) h(tau) (h(tau) . h): attention to the recent past, with
older items fading.

Here the slow part [W h + C x] is the cue itself (a memory, not a trained RNN), f = tanh, and
LN is layer normalization without gain. ``write(keys, values)`` stores eta v k^T (the
hetero-associative form of the same rule: a key retrieves its value by the linear read A k);
``write(patterns)`` stores eta h h^T. ``read(cues)`` is the linear read A k; ``read(cues,
steps=S)`` runs S iterations of the inner loop, which pull a noisy cue towards the stored
pattern it resembles.
With a space, patterns are its vectors (the memory runs on their real features and normalizes
reads back into the space); with an int ``dim``, real arrays.

Examples
--------
>>> fw, keys, values, acc = retrieval_demo(pairs=10, dim=256, seed=0)
>>> acc
1.0
"""

from __future__ import annotations

import numpy as np

from ._base import AssociativeMemory, ReadInfo, check_pairs, run_sync
from ._patterns import Patterns


def layer_norm(x: np.ndarray, eps: float = 1e-5) -> np.ndarray:
    """Zero mean, unit variance along the last axis (no gain, no bias).

    >>> layer_norm(np.array([1.0, 3.0])).round(3).tolist()
    [-1.0, 1.0]
    """
    mu = x.mean(axis=-1, keepdims=True)
    return (x - mu) / np.sqrt(x.var(axis=-1, keepdims=True) + eps)


class FastWeights(AssociativeMemory):
    """The fast-weight memory of Ba et al. (2016) (see the module docstring).

    Parameters
    ----------
    space : kv Space or int
        The patterns (keys and values): vectors of any space, or real arrays of width ``dim``.
    decay : float
        lambda in (0, 1]: how much of A survives each write.
    rate : float
        eta > 0: the fast learning rate.

    Examples
    --------
    >>> fw = FastWeights(4, decay=0.5, rate=1.0)
    >>> fw.write(np.array([1.0, 0, 0, 0])); fw.write(np.array([0, 1.0, 0, 0]))
    >>> fw.A_.diagonal().tolist()            # the older item has decayed
    [0.5, 1.0, 0.0, 0.0]
    """

    kind = "fast-weights"
    pattern_kind = "real"
    hetero = True
    direct_read = True
    settles = False  # the inner loop runs a set number of steps (Ba et al.: one)

    def __init__(self, space, decay: float = 0.95, rate: float = 0.5):
        super().__init__(space)
        self._settings(decay, rate)
        width = self.patterns.width
        self.A_ = np.zeros((width, width))

    def _settings(self, decay, rate) -> None:
        if isinstance(decay, bool) or not isinstance(decay, (int, float, np.number)) or not 0.0 < float(decay) <= 1.0:
            raise ValueError(f"decay must be in (0, 1], got {decay!r}")
        if isinstance(rate, bool) or not isinstance(rate, (int, float, np.number)) or not np.isfinite(rate) \
                or not float(rate) > 0.0:
            raise ValueError(f"rate must be a positive number, got {rate!r}")
        self.decay, self.rate = float(decay), float(rate)

    def __repr__(self) -> str:
        return f"FastWeights({self.patterns!r}, decay={self.decay}, rate={self.rate}, items={len(self)})"

    def write(self, keys, values=None) -> None:
        """Apply A <- lambda A + eta v k^T for each row in order (v = k when values is None)."""
        hetero = self._mode(values)
        k, _ = self.patterns.real(keys, "keys", np.float64)
        v = self.patterns.real(values, "values", np.float64)[0] if hetero else k
        check_pairs(k, v, "FastWeights.write")
        n = len(k)
        # n sequential updates in one product: item t is scaled by lambda^(n-1-t)
        scale = self.rate * self.decay ** np.arange(n - 1, -1, -1, dtype=np.float64)
        with np.errstate(over="ignore", invalid="ignore"):
            a = self.decay**n * self.A_ + (v * scale[:, None]).T @ k
        if not np.isfinite(a).all():
            raise ValueError("patterns too large: the fast weights would overflow float64 (nothing was written)")
        self.A_ = a
        self._stored(n, hetero)

    def read(self, cues, *, steps: int | None = None, tol: float = 1e-6, return_info: bool = False):
        """Read at ``cues`` (one pattern or a batch).

        ``steps=None`` or ``0`` (and any hetero-associative read): the linear read A k, attention
        to the stored items weighted by their similarity to the cue and their recency.
        ``steps=n``: n iterations of the inner loop h <- tanh(LN(z + A h)) from h = tanh(z) (the
        paper uses one; run on, the loop drifts towards the most recent items, so it has no
        fixed point to run to). ``ReadInfo.converged`` says whether the last iteration moved the
        state by less than ``tol`` (max abs change).

        >>> fw = FastWeights(3, rate=1.0); fw.write(np.eye(3)[:1], np.array([[0.0, 2.0, 0.0]]))
        >>> fw.read(np.array([1.0, 0.0, 0.0])).tolist()
        [0.0, 2.0, 0.0]
        """
        limit, strict = self._plan(steps)
        z, single = self.patterns.real(cues, "cues", np.float64)
        if self._hetero or limit == 0:
            with np.errstate(over="ignore", invalid="ignore"):
                out, info = z @ self.A_.T, ReadInfo.direct(len(z), 0)
            if not np.isfinite(out).all():
                raise ValueError("cues too large: the read A k overflows float64")
        else:
            def update(h, rows):
                new = np.tanh(layer_norm(z[rows] + h @ self.A_.T))
                return new, np.abs(new - h).max(axis=1) > tol

            out, info = run_sync(np.tanh(z), update, limit)
            self._report(info, limit, strict)
        out = self.patterns.from_real(out)
        out = out[0] if single else out
        return (out, info) if return_info else out

    def _state(self):
        return {"A": self.A_}, {"decay": self.decay, "rate": self.rate}

    @classmethod
    def _from_state(cls, space, arrays, meta):
        a = arrays["A"]
        width = Patterns(space, cls.__name__, cls.pattern_kind).width  # checked before allocating A
        if a.shape != (width, width) or a.dtype != np.float64 or not np.isfinite(a).all():
            raise ValueError(f"A must be finite float64 of shape ({width}, {width}), got {a.dtype} {a.shape}")
        fw = cls.__new__(cls)
        AssociativeMemory.__init__(fw, space)
        fw._settings(meta["decay"], meta["rate"])
        fw.A_ = a.copy()
        return fw


def retrieval_demo(pairs: int = 20, dim: int = 256, decay: float = 0.95, rate: float = 0.5, seed: int = 0):
    """Store ``pairs`` random key -> value pairs, read every key back, name the nearest value.

    Keys are random unit vectors, values random +-1 vectors. Returns ``(memory, keys, values,
    accuracy)`` where accuracy is the fraction of keys whose read is nearest (cosine) to their
    own value; the oldest pairs fade as lambda^pairs.

    >>> retrieval_demo(pairs=5, dim=64)[3]
    1.0
    """
    rng = np.random.default_rng(seed)
    keys = rng.standard_normal((pairs, dim))
    keys /= np.linalg.norm(keys, axis=1, keepdims=True)
    values = rng.choice([-1.0, 1.0], size=(pairs, dim))
    fw = FastWeights(dim, decay=decay, rate=rate)
    fw.write(keys, values)
    answers = np.argmax(fw.read(keys) @ values.T, axis=1)
    return fw, keys, values, float(np.mean(answers == np.arange(pairs)))
