"""Sequences as permuted sums (Kanerva 2009, "Hyperdimensional computing", Cognitive
Computation 1:139-159, section "Sequences").

The item at position i is rotated i times: ``S = x_0 + rho(x_1) + rho^2(x_2) + ...``, so the
same item at different positions gives dissimilar terms, and the item at position i is
recovered by undoing the rotation, ``rho^-i(S)``, and cleaning up. "What follows X" finds the
position of X (the rotation that makes X most similar to the sequence) and reads the next
one. Appending adds ``rho^n(x)`` to the exact raw sum, so a sequence grows without
re-encoding and without losing counts. Capacity is that of a set with ``len(seq)`` members
(see :mod:`kanerva.structures.sets`).

Examples
--------
>>> import kanerva as kv
>>> cb = kv.Codebook(kv.MAP(10_000, seed=2), ["one", "two", "three", "four", "five"])
>>> seq = Sequence(cb, ["one", "two", "three"])
>>> seq.append("four")
>>> seq[2], seq[-1], seq.follows("two"), seq.follows("four")
('three', 'four', 'three', None)
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from ._base import Structure, encode


class Sequence(Structure):
    """An ordered sequence of symbols as one hypervector (a permuted sum).

    Parameters
    ----------
    codebook : Codebook
        The symbols the sequence can hold and report.
    items : iterable, optional
        Initial items: symbols of ``codebook`` or vectors of its space.

    Examples
    --------
    >>> import kanerva as kv
    >>> cb = kv.Codebook(kv.BSC(10_000, seed=2), list("abcde"))
    >>> seq = Sequence(cb, "abcab")
    >>> seq.items(), seq.position("c"), seq.follows("c")
    (['a', 'b', 'c', 'a', 'b'], 2, 'a')
    """

    kind = "sequence"

    def __init__(self, codebook, items: Iterable = ()):
        super().__init__(codebook)
        self.extend(items)

    def __len__(self) -> int:
        return int(self.n)

    def append(self, item) -> None:
        """Add ``item`` at the end (position ``len(self)``)."""
        self._add(self.space.permute(encode(self.codebook, item), len(self))[None])

    def extend(self, items: Iterable) -> None:
        """Append several items."""
        start = len(self)
        vectors = [self.space.permute(encode(self.codebook, x), start + i) for i, x in enumerate(items)]
        if vectors:
            self._add(np.stack(vectors))

    def _index(self, i) -> int:
        if isinstance(i, bool) or not isinstance(i, (int, np.integer)):
            raise TypeError(f"a position must be an integer, got {i!r}")
        n = len(self)
        if not -n <= i < n:
            raise IndexError(f"position {int(i)} is out of range for a sequence of length {n}")
        return int(i) % n

    def at(self, i: int) -> np.ndarray:
        """The (noisy) vector at position ``i``: ``rho^-i`` of the sequence."""
        i = self._index(i)
        return self.space.permute(self.vector, -i)

    def __getitem__(self, i: int):
        """The symbol at position ``i`` (negative positions count from the end)."""
        return self.codebook.cleanup(self.at(i))

    def items(self) -> list:
        """All items, decoded in order."""
        if self.acc is None:
            return []
        v = self.vector
        return self.codebook.cleanup(np.stack([self.space.permute(v, -i) for i in range(len(self))]))

    def positions_scores(self, item) -> np.ndarray:
        """Similarity of ``item`` to the sequence at each position, (len,)."""
        x = encode(self.codebook, item)
        if self.acc is None:
            raise ValueError("the sequence is empty: no positions to score")
        shifted = np.stack([self.space.permute(x, i) for i in range(len(self))])
        return np.asarray(self.space.similarity(shifted, self.vector)).reshape(len(self))

    def position(self, item) -> int:
        """The position of ``item`` (the most similar one if it occurs several times).

        Raises ValueError if ``item`` is not in the sequence (below :attr:`threshold` at
        every position).
        """
        scores = self.positions_scores(item)
        best = int(np.argmax(scores))
        if scores[best] <= self.threshold:
            raise ValueError(
                f"{item if not isinstance(item, np.ndarray) else 'the vector'!r} is not in the "
                f"sequence (best similarity {scores[best]:.3f} at position {best}, threshold {self.threshold:.3f})"
            )
        return best

    def follows(self, item):
        """The symbol that follows ``item``, or None if ``item`` is the last one.

        Raises ValueError if ``item`` is not in the sequence.
        """
        i = self.position(item)
        return self[i + 1] if i + 1 < len(self) else None
