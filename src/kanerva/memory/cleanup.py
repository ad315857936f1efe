"""Cleanup memory: map a noisy hypervector to the nearest item of a codebook.

The item memory of hyperdimensional computing (Kanerva 2009, "Hyperdimensional computing",
Cognitive Computation 1:139, section "Item memory"; Plate 2003, "Holographic reduced
representations", section 3.2 "clean-up memory"): a vector decoded from a composite structure
is noisy, and the nearest stored item restores it. One read is one nearest-neighbour lookup in
the codebook. With ``steps > 1`` the memory iterates x <- normalize(sum_k softmax(beta
sim(x, c))_k c_k) in the space's own algebra (the modern Hopfield update of Ramsauer et al.
2020 written with bundling), which settles on one item or on a stable mixture; a step limit
reached warns with :class:`~kanerva.memory.NotConvergedWarning`.

Examples
--------
>>> import kanerva as kv
>>> s = kv.BSC(2_000, seed=3)
>>> mem = CleanupMemory(kv.Codebook(s, ["a", "b", "c"]))
>>> noisy = s.bundle(mem.codebook.encode(["a", "a", "b", "c", "a"]))
>>> mem.symbols(noisy)
'a'
>>> bool((mem.read(noisy) == mem.codebook["a"]).all())
True
"""

from __future__ import annotations

import numpy as np

from ..encoders import Codebook
from ..vsa import space_from_config
from ._base import AssociativeMemory, ReadInfo, report, step_limit


class CleanupMemory(AssociativeMemory):
    """Nearest-item cleanup over a :class:`kv.Codebook`, optionally iterated.

    Parameters
    ----------
    codebook : kv.Codebook
    beta : float
        Sharpness of the iterated update (weights softmax(beta * similarity)); only used when
        ``steps > 1``.

    Examples
    --------
    >>> import kanerva as kv
    >>> mem = CleanupMemory(kv.Codebook(kv.MAP(1_000, seed=0), ["x", "y"]))
    >>> mem.write(["z"]); len(mem)
    3
    """

    kind = "cleanup-memory"

    def __init__(self, codebook: Codebook, beta: float = 20.0):
        if not isinstance(codebook, Codebook):
            raise TypeError(f"codebook must be a kv.Codebook, got {type(codebook).__name__}")
        if not np.isfinite(beta) or beta < 0:
            raise ValueError(f"beta must be a finite number >= 0, got {beta!r}")
        self.codebook = codebook
        self.beta = float(beta)

    @property
    def _count(self) -> int:
        return len(self.codebook)

    @property
    def space(self):
        return self.codebook.space

    def write(self, keys, values=None) -> None:
        """Add symbols (their keyed vectors join the codebook); auto-associative only."""
        if values is not None:
            raise ValueError("a cleanup memory stores symbols only: write(symbols) takes no values")
        keys = [keys] if isinstance(keys, (str, int)) else list(keys)
        self.codebook = Codebook(self.space, self.codebook.symbols + keys)

    def _nearest(self, x: np.ndarray) -> np.ndarray:
        sims = np.atleast_2d(self.codebook.similarities(x))
        return np.argmax(sims, axis=1)

    def symbols(self, x):
        """The nearest symbol (one vector) or list of symbols (a batch)."""
        return self.codebook.cleanup(x)

    def read(self, cues, steps: int | None = None, return_info: bool = False):
        """Clean up ``cues`` (one vector or a batch): the nearest codebook vectors.

        With ``steps > 1``, iterate the softmax-weighted bundle to a fixed point first and
        return the nearest item to where it settled.

        >>> import kanerva as kv
        >>> s = kv.HRR(1_000, seed=1)
        >>> mem = CleanupMemory(kv.Codebook(s, ["u", "v"]), beta=30.0)
        >>> x = s.bundle(mem.codebook.encode(["u", "u", "v"]))
        >>> mem.symbols(mem.read(x, steps=10))
        'u'
        """
        x = self.space.check(cues, "cues")
        single = x.ndim == len(self.space.shape)
        batch = x.reshape((-1,) + self.space.shape)
        info = ReadInfo(np.ones(len(batch), dtype=bool), np.ones(len(batch), dtype=np.int64))
        if steps is not None and step_limit(steps, 1) > 1:
            batch, info = self._iterate(batch, step_limit(steps, 1))
        out = self.codebook.vectors[self._nearest(batch)]
        out = out[0] if single else out
        return (out, info) if return_info else out

    def _iterate(self, batch: np.ndarray, limit: int) -> tuple[np.ndarray, ReadInfo]:
        info = ReadInfo(np.zeros(len(batch), dtype=bool), np.zeros(len(batch), dtype=np.int64))
        out = batch.copy()
        for q in range(len(out)):
            x = out[q]
            for t in range(limit):
                sims = np.asarray(self.codebook.similarities(x), dtype=np.float64)
                w = np.exp(self.beta * (sims - sims.max()))
                new = self.space.normalize(self.space.accumulate(self.codebook.vectors, weights=w / w.sum()))
                info.steps[q] = t + 1
                if np.allclose(new, x, atol=1e-6):
                    info.converged[q] = True
                    break
                x = new
            out[q] = x
        report(info, "CleanupMemory.read", limit)
        return out, info

    def _state(self):
        symbols = self.codebook.symbols
        return {}, {"space": self.space.config(), "symbols": symbols, "beta": self.beta}

    @classmethod
    def _from_state(cls, arrays, meta):
        return cls(Codebook(space_from_config(meta["space"]), meta["symbols"]), beta=float(meta["beta"]))
