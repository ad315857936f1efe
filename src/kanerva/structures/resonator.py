"""Resonator networks: factorize a bound product of codebook vectors (Frady, Kent, Olshausen &
Sommer 2020, "Resonator networks, 1: an efficient solution for factoring high-dimensional,
distributed representations of data structures", Neural Computation 32:2311-2331; Kent, Frady,
Sommer & Olshausen 2020, "Resonator networks, 2", Neural Computation 32:2332-2388).

Given ``s = x (x) y (x) z`` with each factor drawn from its own codebook (X, Y, Z), a codebook
search would test every one of the ``M = |X| |Y| |Z|`` combinations. A resonator keeps one
estimate per factor, each a superposition of its whole codebook at first, and updates them in
turn (Frady et al. eq. 3)::

    x(t+1) = g( X X^H  unbind(s, y(t) (x) z(t)) )
    y(t+1) = g( Y Y^H  unbind(s, x(t+1) (x) z(t)) ) ...

where ``X X^H u`` weighs every codevector by its similarity to the unbound estimate (the
"outer product" weights; ``weights="ols"`` uses the projection ``X (X^H X)^-1 X^H`` instead) and
``g`` is the space's normalization (``sign`` for MAP, majority for BSC, unit phasors for FHRR,
unit norm for HRR). Each update is one heteroassociative Hopfield step, so the estimates settle
on the factors while the search space is far beyond what any one codebook search could take:
Kent et al. measure the operational capacity (the largest M solved with 99% accuracy) growing
about quadratically with the dimension, and far above that of alternating least squares
(``benchmarks/structures_resonator.py`` reproduces the comparison).

Everything goes through the :class:`~kanerva.vsa.Space` interface: codevectors and estimates
are written as raw accumulators (``space.accumulate``), in which a weighted superposition is a
matrix product, and the result is normalized back into the space; so one class serves every
model. With HRR, whose unbinding is approximate, the network still works but needs more
dimensions.

Examples
--------
>>> import kanerva as kv
>>> s = kv.MAP(1_000, seed=0)
>>> colours = kv.Codebook(s, ["red", "green", "blue", "black", "white"])
>>> shapes = kv.Codebook(s, ["circle", "square", "triangle", "star"])
>>> places = kv.Codebook(s, ["left", "right", "top", "bottom", "centre", "corner"])
>>> scene = s.bind(s.bind(colours["blue"], shapes["star"]), places["corner"])
>>> Resonator([colours, shapes, places]).factorize(scene)
('blue', 'star', 'corner')
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .._checks import positive_int
from ._base import check_codebook, same_space


@dataclass(frozen=True)
class FactorizeInfo:
    """How a factorization ended, per composite.

    Attributes
    ----------
    converged : ndarray of bool, (n,)
        True where the estimates stopped changing (a fixed point) within the steps taken.
    steps : ndarray of int, (n,)
        Iterations taken (one iteration updates every factor once) until the fixed point, or
        the limit.
    similarity : ndarray of float, (n,)
        Cosine of the composite and the bound product of the decoded factors, up to sign (1 when
        the factorization explains it exactly; a sign or phase shared between factors, as in
        ``x (x) y = (-x) (x) (-y)``, cannot be told from the composite).

    Examples
    --------
    >>> FactorizeInfo(np.array([True]), np.array([4]), np.array([1.0])).all_converged
    True
    """

    converged: np.ndarray
    steps: np.ndarray
    similarity: np.ndarray

    @property
    def all_converged(self) -> bool:
        return bool(self.converged.all())


class Resonator:
    """Factorize bound products of codevectors, one codebook per factor.

    Parameters
    ----------
    codebooks : sequence of Codebook
        One per factor (at least two), all over the same space.
    weights : {"outer", "ols"}
        ``"outer"``: each codevector weighted by its similarity to the unbound estimate
        (Frady et al.'s outer-product resonator); ``"ols"``: by the least-squares coefficients,
        ``(X^H X)^-1 X^H u`` (Kent et al.'s OLS variant: exact projection onto the span).
    max_steps : int
        Iterations at most (each updates every factor once).

    Examples
    --------
    >>> import kanerva as kv
    >>> s = kv.BSC(2_000, seed=1)
    >>> letters = kv.Codebook(s, list("abcdefgh"))
    >>> digits = kv.Codebook(s, list("0123456789"))
    >>> net = Resonator([letters, digits], weights="ols")
    >>> pairs = s.bind(letters.encode(["c", "h"]), digits.encode(["7", "0"]))
    >>> net.factorize(pairs)
    [('c', '7'), ('h', '0')]
    """

    def __init__(self, codebooks: Sequence, weights: str = "outer", max_steps: int = 200):
        if isinstance(codebooks, (str, bytes)) or not isinstance(codebooks, Sequence):
            raise TypeError(f"codebooks must be a sequence of kanerva.Codebook, got {type(codebooks).__name__}")
        self.codebooks = [check_codebook(cb, f"codebook {i}") for i, cb in enumerate(codebooks)]
        if len(self.codebooks) < 2:
            raise ValueError(f"a resonator factorizes a product of at least 2 factors, got {len(self.codebooks)} codebook(s)")
        self.space = same_space(*self.codebooks)
        if weights not in ("outer", "ols"):
            raise ValueError(f"weights must be 'outer' or 'ols', got {weights!r}")
        self.weights = weights
        self.max_steps = positive_int(max_steps, "max_steps")
        # each codebook as raw accumulators (M, dim): superpositions are then matrix products
        self._acc = [self._as_acc(cb.vectors) for cb in self.codebooks]
        self._acc_h = [a.conj().T for a in self._acc]  # (dim, M): projections u -> X^H u
        self._gram_inv = None
        if weights == "ols":
            self._gram_inv = [np.linalg.pinv(ah.T @ a.T) for a, ah in zip(self._acc, self._acc_h)]

    @property
    def search_space(self) -> int:
        """The number of factor combinations, ``M = prod |codebook|``."""
        return int(np.prod([len(cb) for cb in self.codebooks], dtype=np.float64))

    def _as_acc(self, vectors: np.ndarray) -> np.ndarray:
        acc = self.space.accumulate(vectors[:, None])
        return acc.astype(np.complex128 if np.iscomplexobj(acc) else np.float64)

    def factorize(self, composite: np.ndarray, *, steps: int | None = None, return_info: bool = False):
        """The factors of ``composite``: a tuple of symbols (one composite) or a list of tuples.

        Parameters
        ----------
        composite : ndarray
            One vector of the space, or a batch ``(n, *shape)``.
        steps : int, optional
            Iterations to run (stopping early at a fixed point); default ``max_steps``.
        return_info : bool
            Also return a :class:`FactorizeInfo`.
        """
        s = self.space.check(composite, "composite")
        single = s.ndim == len(self.space.shape)
        s = s[None] if single else s.reshape((-1,) + self.space.shape)
        limit = self.max_steps if steps is None else positive_int(steps, "steps")
        indices, info = self._run(s, limit)
        answers = [tuple(cb.symbols[i] for cb, i in zip(self.codebooks, row)) for row in indices]
        if single:
            answers = answers[0]
        return (answers, info) if return_info else answers

    def factor_indices(self, composite: np.ndarray, *, steps: int | None = None) -> tuple[np.ndarray, FactorizeInfo]:
        """Codebook rows ``(n, n_factors)`` of the decoded factors of a batch, and the info."""
        s = self.space.check(composite, "composite", batch=True)
        return self._run(s, self.max_steps if steps is None else positive_int(steps, "steps"))

    def trace(self, composite: np.ndarray, *, steps: int | None = None) -> list[list[np.ndarray]]:
        """The estimates of one composite after every iteration: ``trace[t][f]`` is the estimate
        of factor f after iteration t + 1 (to watch the network settle).

        Examples
        --------
        >>> import kanerva as kv
        >>> s = kv.MAP(500, seed=0)
        >>> a, b = kv.Codebook(s, list("abcd")), kv.Codebook(s, list("wxyz"))
        >>> path = Resonator([a, b]).trace(s.bind(a["c"], b["x"]))
        >>> len(path[-1]), round(abs(s.similarity(path[-1][0], a["c"])), 2)
        (2, 1.0)
        """
        s = self.space.check(composite, "composite", batch=False)[None]
        record: list = []
        self._run(s, self.max_steps if steps is None else positive_int(steps, "steps"), record)
        return [[est[0].copy() for est in it] for it in record]

    def _run(self, s: np.ndarray, limit: int, record: list | None = None) -> tuple[np.ndarray, FactorizeInfo]:
        space, n = self.space, s.shape[0]
        estimates = [np.broadcast_to(space.normalize(a.sum(axis=0)), s.shape).copy() for a in self._acc]
        converged = np.zeros(n, dtype=bool)
        steps = np.full(n, limit, dtype=np.int64)
        active = np.arange(n)  # a composite at a fixed point stays there: it leaves the loop
        for t in range(1, limit + 1):
            current = [est[active] for est in estimates]
            changed = np.zeros(len(active), dtype=bool)
            for f in range(len(self.codebooks)):
                new = space.normalize(self._superpose(f, self._unbind_others(s[active], current, f)))
                changed |= _moved(self._as_acc(new), self._as_acc(current[f]))
                current[f] = new
            for f in range(len(self.codebooks)):
                estimates[f][active] = current[f]
            if record is not None:
                record.append([est.copy() for est in estimates])
            done = active[~changed]
            converged[done], steps[done] = True, t
            active = active[changed]
            if len(active) == 0:
                break
        indices = np.stack([self._decode(f, estimates[f]) for f in range(len(self.codebooks))], axis=1)
        product = self.codebooks[0].vectors[indices[:, 0]]
        for f in range(1, len(self.codebooks)):
            product = space.bind(product, self.codebooks[f].vectors[indices[:, f]])
        a, b = self._as_acc(product), self._as_acc(s)
        dots = np.abs(np.einsum("nd,nd->n", a.conj(), b))
        similarity = np.minimum(dots / np.maximum(np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1), 1e-300), 1.0)
        return indices, FactorizeInfo(converged, steps, similarity)

    def _unbind_others(self, s, estimates, f):
        others = None
        for g, est in enumerate(estimates):
            if g != f:
                others = est if others is None else self.space.bind(others, est)
        return self.space.unbind(s, others)

    def _superpose(self, f: int, u: np.ndarray) -> np.ndarray:
        """The raw sum of codebook f weighted by the projections of ``u`` (n, *shape)."""
        coeff = self._as_acc(u) @ self._acc_h[f]           # (n, M): <x_i, u> for every codevector
        if self._gram_inv is not None:
            coeff = coeff @ self._gram_inv[f].T
        acc = coeff @ self._acc[f]
        return acc.real if not np.iscomplexobj(self._acc[f]) else acc

    def _decode(self, f: int, estimate: np.ndarray) -> np.ndarray:
        # |score|: factors are found up to a sign (phase) shared by the others, x (x) y = (-x) (x) (-y)
        return np.argmax(np.abs(self._as_acc(estimate) @ self._acc_h[f]), axis=1)

    def __repr__(self) -> str:
        sizes = " x ".join(str(len(cb)) for cb in self.codebooks)
        return f"Resonator({self.space!r}, codebooks {sizes}, weights={self.weights!r})"


def _moved(new: np.ndarray, old: np.ndarray) -> np.ndarray:
    """Per row (accumulator rows): did the estimate move? Up to a global sign or phase, which the
    other factors absorb; exactly for integer codes, to 1e-6 in cosine for real and complex
    ones (their fixed points are reached only to rounding)."""
    cos = np.abs(np.einsum("nd,nd->n", new.conj(), old))
    cos /= np.maximum(np.linalg.norm(new, axis=1) * np.linalg.norm(old, axis=1), 1e-300)
    return cos < 1.0 - (1e-6 if np.iscomplexobj(new) or new.dtype.kind == "f" else 1e-12)
