"""Sets and multisets as bundles (Kanerva 2009, "Hyperdimensional computing", Cognitive
Computation 1:139-159, section "Sets").

A set is the bundle (normalized sum) of its members: the sum is similar to every member and
to nothing else, so membership is a similarity test. A multiset (bag) adds a member once per
occurrence (or with a weight); its counts are read back from dot-product similarities with the
exact raw sum (:func:`kanerva.structures._base.projection`), with noise of standard deviation
``sqrt(sum_j count_j**2 / D)`` per count.

Membership threshold: half the mean similarity of the members to the set vector, computed
from the vector and its raw sum (:func:`~kanerva.structures._base.member_threshold`). For n
members it is about ``0.4 / sqrt(n)`` (BSC, MAP) to ``0.5 / sqrt(n)`` (HRR), against a
non-member's similarity of N(0, 1/D): at D = 10,000 the test keeps a margin of 4 standard
deviations up to about 150 members.

Examples
--------
>>> import kanerva as kv
>>> cb = kv.Codebook(kv.BSC(10_000, seed=1), ["red", "green", "blue", "cat", "dog"])
>>> colours = Set(cb, ["red", "green", "blue"])
>>> "green" in colours, "cat" in colours
(True, False)
>>> colours.members()
['red', 'green', 'blue']
>>> bag = Multiset(cb, ["cat", "cat", "cat", "dog"])
>>> round(bag.count("cat")), round(bag.count("dog")), round(bag.count("red"))
(3, 1, 0)
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from ._base import Structure, encode, projection


class Set(Structure):
    """A set of symbols (or vectors) as one hypervector, the bundle of its members.

    Parameters
    ----------
    codebook : Codebook
        The symbols the set can hold and report.
    items : iterable, optional
        Initial members: symbols of ``codebook`` or vectors of its space.

    Examples
    --------
    >>> import kanerva as kv
    >>> cb = kv.Codebook(kv.FHRR(10_000, seed=1), list("abcdefgh"))
    >>> s = Set(cb, "abc")
    >>> s.add("d")
    >>> s.members(), "e" in s, len(s)
    (['a', 'b', 'c', 'd'], False, 4)
    """

    kind = "set"

    def __init__(self, codebook, items: Iterable = ()):
        super().__init__(codebook)
        self.update(items)

    def add(self, item) -> None:
        """Add one member (a symbol or a vector)."""
        self._add(encode(self.codebook, item)[None])

    def update(self, items: Iterable) -> None:
        """Add several members."""
        vectors = [encode(self.codebook, item) for item in items]
        if vectors:
            self._add(np.stack(vectors))

    def __len__(self) -> int:
        return int(self.n)

    def similarity(self, item) -> float:
        """Similarity of ``item`` to the set vector."""
        return float(self.space.similarity(self.vector, encode(self.codebook, item)))

    def contains(self, item) -> bool:
        """True if ``item`` is similar enough to the set vector (above :attr:`threshold`).

        An empty set contains nothing.
        """
        vector = encode(self.codebook, item)
        if self.acc is None:
            return False
        return bool(self.space.similarity(self.vector, vector) > self.threshold)

    __contains__ = contains

    def members(self) -> list:
        """The symbols of the codebook above the threshold, in codebook order."""
        if self.acc is None:
            return []
        sims = self.codebook.similarities(self.vector)
        return [sym for sym, sim in zip(self.codebook.symbols, sims) if sim > self.threshold]

    def union(self, other: "Set") -> "Set":
        """The set of the members of both (the sum of the two raw sums: exact)."""
        self._check_same_space(other)
        out = type(self)(self.codebook)
        parts = [a for a in (self.acc, other.acc) if a is not None]
        if parts:
            out.acc = sum(parts[1:], parts[0].copy())
        out.n = self.n + other.n
        return out


class Multiset(Set):
    """A multiset (bag): members with multiplicities, read back as approximate counts.

    ``add(item, count)`` adds the member ``count`` times (any real weight), in the exact raw
    sum, so counts survive any number of updates.

    Examples
    --------
    >>> import kanerva as kv
    >>> cb = kv.Codebook(kv.HRR(10_000, seed=1), ["apple", "pear", "plum", "fig"])
    >>> bag = Multiset(cb)
    >>> bag.add("apple", 5)
    >>> bag.update(["pear", "pear", "apple"])
    >>> [(sym, round(c)) for sym, c in bag.most_common(2)]
    [('apple', 6), ('pear', 2)]
    """

    kind = "multiset"

    def add(self, item, count: float = 1) -> None:
        """Add ``item`` with multiplicity ``count``."""
        if isinstance(count, bool) or not isinstance(count, (int, float, np.integer, np.floating)):
            raise TypeError(f"count must be a number, got {count!r}")
        if not np.isfinite(count):
            raise ValueError(f"count must be finite, got {count!r}")
        weight = np.array([count])
        self._add(encode(self.codebook, item)[None], weights=weight)

    def count(self, item) -> float:
        """Approximate multiplicity of ``item`` (0 for an empty multiset)."""
        vector = encode(self.codebook, item)
        if self.acc is None:
            return 0.0
        return float(np.asarray(self._projection(vector)))

    def counts(self) -> dict:
        """Approximate multiplicity of every symbol of the codebook."""
        if self.acc is None:
            return {sym: 0.0 for sym in self.codebook.symbols}
        values = self._projection(self.codebook.vectors)
        return dict(zip(self.codebook.symbols, map(float, values)))

    def most_common(self, k: int | None = None) -> list[tuple]:
        """(symbol, approximate count) pairs, largest first, counts above one half."""
        ranked = sorted(self.counts().items(), key=lambda kv: -kv[1])
        return [(sym, c) for sym, c in ranked if c > 0.5][:k]

    def _projection(self, xs):
        return projection(self.space, self.acc, xs)
