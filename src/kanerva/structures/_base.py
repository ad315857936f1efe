"""What every structure shares: a codebook of symbols, a raw accumulator, and the threshold
that separates members of a bundle from strangers.

Every structure keeps the exact raw sum (``space.accumulate``) next to the normalized
hypervector (``space.normalize``), so adding in many steps never loses counts and removing a
term is exact. Queries go through the normalized vector (the hypervector a user would store
or send elsewhere) and end in a cleanup against the codebook.

Two quantities are computed only through the ``Space`` interface, so the same code serves
BSC, MAP, HRR and FHRR:

* :func:`projection`: the coefficient of a vector in a raw sum, ``Re<a(x), acc> / <a(x), a(x)>``
  where ``a(x) = space.accumulate([x])`` is the vector written as an accumulator. Every model's
  accumulator is a linear coordinate array, so this is the dot-product similarity of the notes
  ("similarity = dot product"), scaled so that an item added ``k`` times scores about ``k``;
  an unrelated vector scores about 0 with standard deviation ``sqrt(sum_j k_j**2 / D)``.
* :func:`member_threshold`: half the mean similarity of a bundle's members to the normalized
  bundle, computed from the bundle and its accumulator alone (no list of members is kept).
  For ``n`` equally weighted random items the mean member similarity is about ``c / sqrt(n)``
  (c = sqrt(2/pi) ~ 0.80 for the majority of BSC and MAP, ~0.89 for FHRR, 1 for HRR), while a
  non-member's similarity is about N(0, 1/D); the test is reliable while
  ``c / (2 sqrt(n)) >> 1 / sqrt(D)``, e.g. n up to about 150 at D = 10,000 with a 4-sigma
  margin.
"""

from __future__ import annotations

from collections.abc import Hashable

import numpy as np

from ..encoders import Codebook
from ..vsa import Space


class UnknownSymbolError(KeyError, ValueError):
    """A symbol that is not in the structure's codebook (both a KeyError and a ValueError)."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


def check_codebook(codebook, name: str = "codebook") -> Codebook:
    """``codebook`` if it is a :class:`~kanerva.Codebook`, else a clear TypeError."""
    if not isinstance(codebook, Codebook):
        raise TypeError(
            f"{name} must be a kanerva.Codebook (symbols and their vectors), got {type(codebook).__name__}"
        )
    return codebook


def same_space(*codebooks: Codebook) -> Space:
    """The one space shared by ``codebooks``; a ValueError if they live in different spaces."""
    spaces = {cb.space for cb in codebooks}
    if len(spaces) != 1:
        raise ValueError(
            "codebooks live in different spaces: "
            + ", ".join(sorted(map(repr, spaces)))
            + "; build them over one space (same model, dim and seed)"
        )
    return codebooks[0].space


def encode(codebook: Codebook, item, name: str = "item") -> np.ndarray:
    """The vector of ``item``: a symbol of ``codebook``, or a vector of its space (checked)."""
    if isinstance(item, np.ndarray):
        return codebook.space.check(item, name, batch=False)
    if not isinstance(item, Hashable) or item not in codebook:
        raise UnknownSymbolError(
            f"{name} {item!r} is not a symbol of the codebook "
            f"({len(codebook)} symbols, e.g. {codebook.symbols[:3]!r}) nor a vector of {codebook.space!r}"
        )
    return codebook[item]


def projection(space: Space, acc: np.ndarray, xs: np.ndarray) -> np.ndarray:
    """How many times each vector of ``xs`` ``(..., *shape)`` is in the raw sum ``acc``.

    Examples
    --------
    >>> import kanerva as kv
    >>> s = kv.HRR(10_000, seed=0)
    >>> a, b, c = s.random(3)
    >>> acc = s.accumulate([a, a, a, b])
    >>> [round(float(count)) for count in projection(s, acc, np.stack([a, b, c]))]
    [3, 1, 0]
    """
    xs = np.asarray(xs)
    ax = space.accumulate(np.expand_dims(xs, axis=xs.ndim - len(space.shape)))
    ax = ax.reshape(-1, ax.shape[-1])
    acc = np.asarray(acc).reshape(-1)
    dots = (np.conj(ax) @ acc).real
    norms = np.einsum("nd,nd->n", np.conj(ax), ax).real
    return (dots / norms).reshape(xs.shape[: xs.ndim - len(space.shape)])


def member_threshold(space: Space, acc: np.ndarray, n: float) -> float:
    """Half the mean similarity of the ``n`` members of the sum ``acc`` to its normalization.

    Similarity is linear in each argument, so the members' summed similarity to the bundle
    ``v`` is the similarity of ``v`` to the raw sum, read off with :func:`projection`.

    Examples
    --------
    >>> import kanerva as kv
    >>> s = kv.MAP(10_000, seed=0)
    >>> acc = s.accumulate(s.random(16))
    >>> round(member_threshold(s, acc, 16), 2)   # ~ sqrt(2/pi)/sqrt(16)/2
    0.1
    """
    v = space.normalize(acc)
    as_acc = space.accumulate(v[None])
    own = float(np.vdot(as_acc, as_acc).real)
    total = float(np.vdot(as_acc, np.asarray(acc)).real)
    # sum_i sim(v, x_i) = <v, acc> / <v, v> for dot-product similarities of unit-norm vectors
    return 0.5 * total / own / max(float(n), 1.0)


class Structure:
    """Base of the structures: a codebook, the exact raw sum, and the number of terms.

    Subclasses add terms with :meth:`_add` and read the normalized hypervector with
    :attr:`vector`.
    """

    kind = "structure"

    def __init__(self, codebook: Codebook):
        self.codebook = check_codebook(codebook)
        self.space: Space = self.codebook.space
        self.acc = None
        self.n = 0  # number of terms (sum of weights) in the accumulator

    @property
    def acc(self) -> np.ndarray | None:
        """The exact raw sum of the terms (``space.accumulate``), None while empty."""
        return self._acc

    @acc.setter
    def acc(self, value) -> None:
        self._acc = value
        self._cache: dict = {}  # the vector and threshold, recomputed after every change

    def _add(self, vectors: np.ndarray, weights=None) -> None:
        """Add a batch of term vectors ``(k, *shape)`` to the raw sum."""
        self.acc = self.space.accumulate(vectors, weights=weights, acc=self.acc)
        self.n += int(len(vectors)) if weights is None else float(np.sum(weights))

    @property
    def vector(self) -> np.ndarray:
        """The hypervector: the raw sum normalized back into the space."""
        if self.acc is None:
            raise ValueError(f"the {self.kind} is empty: it has no hypervector yet; add items first")
        if "vector" not in self._cache:
            vector = self.space.normalize(self.acc)
            vector.flags.writeable = False  # cached: edit a copy, not the structure
            self._cache["vector"] = vector
        return self._cache["vector"]

    @property
    def threshold(self) -> float:
        """Similarity above which a vector counts as a member (see the module docstring)."""
        if self.acc is None:
            raise ValueError(f"the {self.kind} is empty: no threshold; add items first")
        if "threshold" not in self._cache:
            self._cache["threshold"] = member_threshold(self.space, self.acc, self.n)
        return self._cache["threshold"]

    def _check_same_space(self, other: "Structure") -> None:
        if not isinstance(other, Structure):
            raise TypeError(f"expected a kanerva structure, got {type(other).__name__}")
        if other.space != self.space:
            raise ValueError(
                f"cannot combine a {self.kind} in {self.space!r} with one in {other.space!r}: "
                "vectors of different models, dimensions or seeds do not mix"
            )

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.space!r}, terms={self.n})"


def bound_scores(space: Space, vector: np.ndarray, left: np.ndarray, rights: np.ndarray) -> np.ndarray:
    """Similarity of ``vector`` to ``bind(left, r)`` for every row ``r`` of ``rights``.

    This reads "which r is bound to ``left`` in ``vector``" without unbinding: for BSC, MAP
    and FHRR it equals ``similarity(unbind(vector, left), rights)`` exactly (binding preserves
    similarity), and for HRR it avoids the noise of the approximate inverse. Cost: one bind
    per candidate.

    Examples
    --------
    >>> import kanerva as kv
    >>> s = kv.HRR(10_000, seed=0)
    >>> k, v, w = s.random(3)
    >>> np.round(bound_scores(s, s.bind(k, v), k, np.stack([v, w])), 1)
    array([1., 0.])
    """
    return np.asarray(space.similarity(space.bind(left, rights), vector))
