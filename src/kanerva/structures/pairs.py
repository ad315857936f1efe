"""Ordered pairs and directed graphs (Kanerva 2009, "Hyperdimensional computing", Cognitive
Computation 1:139-159, sections "Pairs" and "Data structures").

A pair (a, b) is ``rho(a) (x) b``: permuting the first element before binding makes the
pair ordered, ``(a, b) != (b, a)``, and keeps ``(a, a)`` from collapsing to the identity,
which plain XOR binding would do (``a (x) a = 0``). This needs a permutation that does not
commute with binding; every model provides one (HRR uses a random permutation, since a
rotation commutes with circular convolution). Given one element the other is recovered by
unbinding, each factor from its own side: ``b = inverse(rho(a)) (x) P`` and
``a = rho^-1(unbind(P, b))``, which holds also where binding does not commute (MBAT, VTB).

A directed graph is the bundle of its edges, each edge the pair (source, target). The
successors of u are the targets t whose edge ``pair(u, t)`` is in the bundle, found by
scoring every symbol of the codebook
(:func:`~kanerva.structures._base.bound_scores`) against the membership threshold of the
edge set (see :mod:`kanerva.structures.sets`); predecessors likewise. Capacity is that of a
set with as many members as edges.

Examples
--------
>>> import kanerva as kv
>>> cb = kv.Codebook(kv.HRR(10_000, seed=3), ["a", "b", "c", "d"])
>>> p = Pair(cb, "a", "b")
>>> p.second_given("a"), p.first_given("b")
('b', 'a')
>>> g = DirectedGraph(cb, [("a", "b"), ("a", "c"), ("c", "d")])
>>> g.successors("a"), g.predecessors("d"), g.neighbours("c")  # successors first
(['b', 'c'], ['c'], ['d', 'a'])
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from ._base import Structure, bound_scores, check_codebook, encode


def pair(space, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """The vector of the ordered pair (first, second): ``bind(permute(first), second)``.

    Broadcasts over batches like ``space.bind``.

    Examples
    --------
    >>> import kanerva as kv
    >>> s = kv.BSC(10_000, seed=0)
    >>> a, b = s.random(2)
    >>> abs(s.similarity(pair(s, a, b), pair(s, b, a))) < 0.05
    True
    """
    return space.bind(space.permute(first), second)


class Pair:
    """An ordered pair of symbols as one hypervector.

    Parameters
    ----------
    codebook : Codebook
    first, second : symbol or vector

    Examples
    --------
    >>> import kanerva as kv
    >>> cb = kv.Codebook(kv.BSC(10_000, seed=3), ["x", "y"])
    >>> p = Pair(cb, "x", "x")            # not the identity, unlike x XOR x
    >>> p.second_given("x")
    'x'
    """

    def __init__(self, codebook, first, second):
        self.codebook = check_codebook(codebook)
        self.space = codebook.space
        self.vector = pair(self.space, encode(codebook, first, "first"), encode(codebook, second, "second"))

    def second_given(self, first):
        """The second element, given the first."""
        probe = self.space.permute(encode(self.codebook, first, "first"))
        # the left factor comes off on the left: inverse(p) (x) (p (x) b) = b, also where binding
        # does not commute (MBAT, VTB); in the commutative models this is unbind(vector, probe)
        return self.codebook.cleanup(self.space.bind(self.space.inverse(probe), self.vector))

    def first_given(self, second):
        """The first element, given the second."""
        permuted = self.space.unbind(self.vector, encode(self.codebook, second, "second"))
        return self.codebook.cleanup(self.space.permute(permuted, -1))

    def __repr__(self) -> str:
        return f"Pair({self.space!r})"


class DirectedGraph(Structure):
    """A directed graph over the symbols of a codebook: the bundle of its edges.

    Parameters
    ----------
    codebook : Codebook
        The nodes.
    edges : iterable of (source, target), optional

    Examples
    --------
    >>> import kanerva as kv
    >>> cb = kv.Codebook(kv.FHRR(10_000, seed=3), ["home", "work", "gym"])
    >>> g = DirectedGraph(cb, [("home", "work"), ("work", "gym"), ("gym", "home")])
    >>> g.successors("work"), g.has_edge("work", "home"), g.has_edge("gym", "home")
    (['gym'], False, True)
    """

    kind = "graph"

    def __init__(self, codebook, edges: Iterable = ()):
        super().__init__(codebook)
        self.add_edges(edges)

    def add_edge(self, source, target) -> None:
        """Add the edge source -> target."""
        self.add_edges([(source, target)])

    def add_edges(self, edges: Iterable) -> None:
        """Add several (source, target) edges."""
        vectors = []
        for edge in edges:
            if not isinstance(edge, tuple) or len(edge) != 2:
                raise ValueError(f"an edge must be a (source, target) tuple, got {edge!r}")
            source, target = edge
            vectors.append(pair(self.space, encode(self.codebook, source, "source"),
                                encode(self.codebook, target, "target")))
        if vectors:
            self._add(np.stack(vectors))

    def __len__(self) -> int:
        """Number of edges added."""
        return int(self.n)

    def has_edge(self, source, target) -> bool:
        """True if the edge source -> target is in the graph."""
        edge = pair(self.space, encode(self.codebook, source, "source"), encode(self.codebook, target, "target"))
        if self.acc is None:
            return False
        return bool(self.space.similarity(edge, self.vector) > self.threshold)

    def _above(self, scores: np.ndarray) -> list:
        return [sym for sym, score in zip(self.codebook.symbols, scores) if score > self.threshold]

    def successors(self, node) -> list:
        """Targets of the edges leaving ``node``, in codebook order."""
        u = encode(self.codebook, node, "node")
        if self.acc is None:
            return []
        first = self.space.permute(u)
        return self._above(bound_scores(self.space, self.vector, first, self.codebook.vectors))

    def predecessors(self, node) -> list:
        """Sources of the edges entering ``node``, in codebook order."""
        v = encode(self.codebook, node, "node")
        if self.acc is None:
            return []
        return self._above(np.asarray(self.space.similarity(pair(self.space, self.codebook.vectors, v), self.vector)))

    def neighbours(self, node) -> list:
        """Successors and predecessors of ``node`` (each once)."""
        return list(dict.fromkeys(self.successors(node) + self.predecessors(node)))
