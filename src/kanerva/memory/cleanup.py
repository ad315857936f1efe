"""Cleanup memory: map a noisy hypervector to the nearest stored item.

The item memory of hyperdimensional computing (Kanerva 2009, "Hyperdimensional computing",
Cognitive Computation 1:139, section "Item memory"; Plate 2003, "Holographic reduced
representations", section 3.2 "clean-up memory"): a vector decoded from a composite structure
is noisy, and the nearest stored item restores it. With ``beta`` the memory first settles the cue
by iterating x <- normalize(sum_k softmax(beta sim(x, c))_k c_k) in the space's own algebra (the
modern Hopfield update of Ramsauer et al. 2020 written as a weighted bundle), which settles on
one item or on a stable mixture, and then returns the nearest item to where it settled. Without
``beta`` (the limit beta -> infinity) the update is the nearest item itself.

Items may carry labels: :meth:`CleanupMemory.from_codebook` stores a codebook's vectors under
its symbols, and :meth:`CleanupMemory.symbols` names the nearest item.

Examples
--------
>>> import kanerva as kv
>>> s = kv.BSC(2_000, seed=3)
>>> mem = CleanupMemory.from_codebook(kv.Codebook(s, ["a", "b", "c"]))
>>> noisy = s.bundle(s.random(key=["a", "a", "b", "c", "a"]))
>>> mem.symbols(noisy)
'a'
>>> bool((mem.read(noisy) == s.random(key="a")).all())
True
"""

from __future__ import annotations

import numpy as np

from ..encoders import Codebook
from ..vsa import Space
from ._base import AssociativeMemory, ReadInfo, run_sync


class CleanupMemory(AssociativeMemory):
    """Nearest-item cleanup over stored vectors of a space, optionally settled first.

    Parameters
    ----------
    space : kv Space
        The space of the items (any model).
    beta : float, optional
        Sharpness of the settling update (weights softmax(beta * similarity)); None (the
        default) settles in one step on the nearest item.

    Attributes
    ----------
    items_ : ndarray of shape ``(n, *space.shape)``
        The stored items.
    labels_ : list
        Their labels (None for an item written without one).

    Examples
    --------
    >>> import kanerva as kv
    >>> s = kv.MAP(1_000, seed=0)
    >>> mem = CleanupMemory(s)
    >>> mem.write(s.random(key=["x", "y"])); len(mem)
    2
    """

    kind = "cleanup-memory"
    pattern_kind = "real"
    direct_read = True

    def __init__(self, space, beta: float | None = None):
        if not isinstance(space, Space):
            raise TypeError(f"CleanupMemory stores vectors of a kv Space (BSC, MAP, HRR, FHRR), got {space!r}")
        super().__init__(space)
        if beta is not None and (isinstance(beta, bool) or not isinstance(beta, (int, float, np.number))
                                 or not np.isfinite(beta) or beta < 0):
            raise ValueError(f"beta must be None or a finite number >= 0, got {beta!r}")
        self.beta = None if beta is None else float(beta)
        self.items_ = np.zeros((0,) + tuple(space.shape), dtype=space.dtype)
        self.labels_: list = []
        self._features = None  # items as real rows, made at the first settling read

    @classmethod
    def from_codebook(cls, codebook: Codebook, beta: float | None = None) -> CleanupMemory:
        """A memory holding a codebook's vectors, labelled with its symbols.

        >>> import kanerva as kv
        >>> mem = CleanupMemory.from_codebook(kv.Codebook(kv.HRR(500), ["u", "v"]))
        >>> mem.labels_
        ['u', 'v']
        """
        if not isinstance(codebook, Codebook):
            raise TypeError(f"codebook must be a kv.Codebook, got {type(codebook).__name__}")
        mem = cls(codebook.space, beta=beta)
        mem.write(codebook.vectors)
        mem.labels_ = list(codebook.symbols)
        return mem

    def __repr__(self) -> str:
        return f"CleanupMemory({self.space!r}, beta={self.beta}, items={len(self)})"

    def write(self, keys, values=None) -> None:
        """Add items (one vector or a batch of the space); auto-associative only."""
        self._mode(values)
        x, _ = self.patterns.vectors(keys, "items")
        self.items_ = np.concatenate([self.items_, x])
        self.labels_ += [None] * len(x)
        self._features = None
        self._stored(len(x), False)

    def _nearest(self, batch: np.ndarray) -> np.ndarray:
        return self.space.nearest(batch, self.items_, 1)[1][:, 0]

    def symbols(self, x):
        """The label of the nearest item (one vector), or a list of labels (a batch)."""
        self._plan(None)  # refuses an empty memory
        batch, single = self.patterns.vectors(x, "query")
        labels = [self.labels_[i] for i in self._nearest(batch)]
        return labels[0] if single else labels

    def read(self, cues, *, steps: int | None = None, return_info: bool = False):
        """The nearest items to ``cues`` (one vector or a batch), after settling.

        ``steps=0`` skips the settling (the plain nearest item); with ``beta`` set, ``steps=None``
        settles each cue to a fixed point first (at most ``max_steps`` updates), ``steps=n`` runs
        n updates.

        >>> import kanerva as kv
        >>> s = kv.HRR(1_000, seed=1)
        >>> mem = CleanupMemory.from_codebook(kv.Codebook(s, ["u", "v"]), beta=30.0)
        >>> x = s.bundle(s.random(key=["u", "u", "v"]))
        >>> mem.symbols(mem.read(x, steps=10))
        'u'
        """
        limit, strict = self._plan(steps)
        batch, single = self.patterns.vectors(cues, "cues")
        if limit == 0:
            info = ReadInfo.direct(len(batch), 0)
        elif self.beta is None:  # the update is the nearest item, which is a fixed point of it
            info = ReadInfo.direct(len(batch), 1)
        else:
            batch, info = self._settle(batch, limit)
            self._report(info, limit, strict)
        out = self.items_[self._nearest(batch)]
        out = out[0] if single else out
        return (out, info) if return_info else out

    def _settle(self, batch: np.ndarray, limit: int) -> tuple[np.ndarray, ReadInfo]:
        if self._features is None:
            self._features = self.space.to_features(self.items_).astype(np.float64)
        items = self._features

        def update(x, rows):
            sims = np.asarray(self.space.similarity(x, self.items_), dtype=np.float64).reshape(len(x), -1)
            w = np.exp(self.beta * (sims - sims.max(axis=1, keepdims=True)))
            w /= w.sum(axis=1, keepdims=True)
            new = self.space.normalize(self.space.from_features(w @ items))
            change = np.abs(self.space.to_features(new) - self.space.to_features(x)).max(axis=1)
            return new, change > 1e-6

        return run_sync(batch, update, limit)

    def _stored_count(self):
        return len(self.items_)

    def _state(self):
        labels = self.labels_
        if not all(label is None or isinstance(label, (str, int)) for label in labels):
            raise ValueError("only str, int or None labels can be saved")
        return {"items": self.items_}, {"beta": self.beta, "labels": [
            int(x) if isinstance(x, (int, np.integer)) and not isinstance(x, bool) else x for x in labels]}

    @classmethod
    def _from_state(cls, space, arrays, meta):
        mem = cls(space, beta=meta["beta"])
        items, labels = arrays["items"], meta["labels"]
        if not isinstance(labels, list) or len(labels) != len(items):
            raise ValueError("labels must be a list with one entry per item")
        if len(items):
            mem.write(items)  # checked against the space
        mem.labels_ = labels
        return mem
