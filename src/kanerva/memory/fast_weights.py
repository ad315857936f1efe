"""Fast weights: a decaying outer-product memory with an inner settling loop.

Ba, Hinton, Mnih, Leibo & Ionescu (2016), "Using fast weights to attend to the recent past",
NeurIPS: the fast weight matrix follows A(t) = lambda A(t-1) + eta h(t) h(t)^T (their eq. 1;
lambda = 0.95, eta = 0.5), and the next hidden state settles in an inner loop
h_{s+1} = f(LN([W h(t) + C x(t)] + A(t) h_s)) (eq. 2) started from h_0 = f(W h(t) + C x(t)).
A A(t) h = eta sum_tau lambda^(t-tau) h(tau) (h(tau) . h): attention to the recent past, with
older items fading.

Here the slow part [W h + C x] is the cue itself (a memory, not a trained RNN), f = tanh, and
LN is layer normalization without gain. ``write(keys, values)`` stores eta v k^T (the
hetero-associative form of the same rule, so a key retrieves its value with ``read(keys,
steps=0)``); ``write(patterns)`` stores eta h h^T and ``read(cues, steps=S)`` runs the inner
loop, which pulls a noisy cue towards the stored pattern it resembles.

Examples
--------
>>> fw, keys, values, acc = retrieval_demo(pairs=10, dim=256, seed=0)
>>> acc
1.0
"""

from __future__ import annotations

import numpy as np

from ._base import AssociativeMemory, as_batch, check_pairs, positive_int


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
    dim : int
        Size of the hidden state (and of keys and values).
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

    def __init__(self, dim: int, decay: float = 0.95, rate: float = 0.5):
        self.dim = positive_int(dim, "dim")
        if not 0.0 < float(decay) <= 1.0:
            raise ValueError(f"decay must be in (0, 1], got {decay!r}")
        if not float(rate) > 0.0 or not np.isfinite(rate):
            raise ValueError(f"rate must be a positive number, got {rate!r}")
        self.decay, self.rate = float(decay), float(rate)
        self.A_ = np.zeros((self.dim, self.dim))
        self._count = 0

    def __repr__(self) -> str:
        return f"FastWeights(dim={self.dim}, decay={self.decay}, rate={self.rate}, items={len(self)})"

    def write(self, keys, values=None) -> None:
        """Apply A <- lambda A + eta v k^T for each row in order (v = k when values is None)."""
        k, _ = as_batch(keys, self.dim, "keys")
        v = k if values is None else as_batch(values, self.dim, "values")[0]
        check_pairs(k, v, "FastWeights.write")
        n = len(k)
        # n sequential updates in one product: item t is scaled by lambda^(n-1-t)
        scale = self.rate * self.decay ** np.arange(n - 1, -1, -1, dtype=np.float64)
        self.A_ = self.decay**n * self.A_ + (v * scale[:, None]).T @ k
        self._count += n

    def read(self, cues, steps: int = 0) -> np.ndarray:
        """``steps=0``: the linear read A k. ``steps=S``: S inner-loop iterations from the cue.

        >>> fw = FastWeights(3, rate=1.0); fw.write(np.eye(3)[:1], np.array([[0.0, 2.0, 0.0]]))
        >>> fw.read(np.array([1.0, 0.0, 0.0])).tolist()
        [0.0, 2.0, 0.0]
        """
        z, single = as_batch(cues, self.dim, "cues")
        if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 0:
            raise ValueError(f"steps must be an integer >= 0, got {steps!r}")
        if steps == 0:
            out = z @ self.A_.T
        else:
            out = np.tanh(z)
            for _ in range(steps):
                out = np.tanh(layer_norm(z + out @ self.A_.T))
        return out[0] if single else out

    def _state(self):
        return {"A": self.A_}, {"dim": self.dim, "decay": self.decay, "rate": self.rate, "count": self._count}

    @classmethod
    def _from_state(cls, arrays, meta):
        fw = cls(int(meta["dim"]), decay=float(meta["decay"]), rate=float(meta["rate"]))
        if arrays["A"].shape != fw.A_.shape:
            raise ValueError(f"A of shape {arrays['A'].shape}, expected {fw.A_.shape}")
        fw.A_ = arrays["A"].astype(np.float64)
        fw._count = int(meta["count"])
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
