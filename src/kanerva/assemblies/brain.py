"""Brain areas with random connectivity, k-cap and Hebbian plasticity (Papadimitriou, Vempala,
Mitropolsky, Collins & Maass 2020, "Brain computation by assemblies of neurons", PNAS
117:14464-14472).

The model: a brain has areas of ``n`` excitatory neurons and stimuli of ``k`` neurons. Every
ordered pair of distinct neurons (within an area: G(n, p); between areas: a random bipartite
graph) is a synapse with probability ``p``, and so is every (stimulus neuron, area neuron) pair;
weights start at 1. In a round, each area that receives input sums, for each of its neurons,
the weights of the synapses from the neurons that fired in the previous round (its own, other
areas', stimuli), and the ``k`` neurons with the largest sum fire (the k-cap, which models
inhibition; ties broken at random). Plasticity is Hebbian: the weight of a synapse i -> j is
multiplied by ``1 + beta`` when i fired in the previous round and j fires now.

Simulated exactly, and cheaply: a neuron's outgoing synapses are drawn when it first fires
(:mod:`._synapses`), since until then they influence nothing; stimuli keep one vector of
synapse counts per area. A round costs about ``k p n`` additions per source and a selection
over ``n`` neurons, whatever the support. The reference code (``dmitropolsky/assemblies``)
instead redraws the inputs of the never-fired neurons every round from a normal approximation
of the binomial, which forgets that a neuron that narrowly lost keeps its synapses; its
supports come out larger (``benchmarks/structures_assemblies.py`` shows both).

Examples
--------
>>> brain = Brain(p=0.05, seed=0)
>>> brain.add_stimulus("s", k=30)
>>> brain.add_area("A", n=3_000, k=30, beta=0.1)
>>> brain.fire({"A": ["s"]})
>>> for _ in range(15):
...     brain.fire({"A": ["s", "A"]})
>>> a = brain.area("A")
>>> len(a.winners), a.support < 300, a.support_history[-1] == a.support_history[-4]
(30, True, True)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from .._checks import positive_int
from ._synapses import Synapses, bernoulli_rows


@dataclass
class Stimulus:
    """``k`` neurons that fire together whenever the stimulus is presented."""

    name: str
    k: int


@dataclass
class Area:
    """A brain area: ``n`` neurons of which ``k`` fire at a time.

    Attributes
    ----------
    winners : ndarray of int64
        The neurons (0..n-1) that fired in the last round, sorted.
    ever_fired : ndarray of bool (n,)
    support_history : list of int
        The support (neurons that have ever fired) after every round in which the area fired.
    """

    name: str
    n: int
    k: int
    beta: float
    winners: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    ever_fired: np.ndarray | None = None
    support_history: list = field(default_factory=list)

    @property
    def support(self) -> int:
        """Neurons that have ever fired."""
        return int(self.ever_fired.sum())


class Brain:
    """Areas, stimuli, their random synapses, and synchronous firing rounds.

    Parameters
    ----------
    p : float
        Synapse probability (0 < p < 1).
    seed : int, optional
        Seeds the connectivity and the tie-breaking.
    ties : {"random", "kept"}
        How the k-cap breaks ties: uniformly at random (the model), or in favour of neurons that
        have fired before, then at random (what the reference code's ``heapq.nlargest`` does).
    """

    def __init__(self, p: float = 0.01, seed: int | None = None, ties: str = "random"):
        if isinstance(p, bool) or not isinstance(p, (float, int)) or not 0 < p < 1:
            raise ValueError(f"p must be a probability in (0, 1), got {p!r}")
        if ties not in ("random", "kept"):
            raise ValueError(f"ties must be 'random' or 'kept', got {ties!r}")
        self.p = float(p)
        self.ties = ties
        self.rng = np.random.default_rng(seed)
        self.areas: dict[str, Area] = {}
        self.stimuli: dict[str, Stimulus] = {}
        self._synapses: dict[tuple[str, str], Synapses] = {}   # (source area, target area)
        self._stim: dict[tuple[str, str], np.ndarray] = {}     # (stimulus, target area) -> (n,)
        self._beta: dict[tuple[str, str], float] = {}          # (source, target) -> plasticity
        self.rounds = 0

    # ---- building ------------------------------------------------------------------------

    def add_stimulus(self, name: str, k: int) -> None:
        """A stimulus of ``k`` neurons (fires as a whole)."""
        self._new_name(name)
        self.stimuli[name] = Stimulus(name, positive_int(k, "k"))
        for area in self.areas.values():
            self._stim[name, area.name] = self.rng.binomial(k, self.p, size=area.n).astype(np.float32)
            self._beta[name, area.name] = area.beta

    def add_area(self, name: str, n: int, k: int, beta: float = 0.05) -> None:
        """An area of ``n`` neurons with a cap of ``k``; ``beta`` is the plasticity of synapses into it."""
        self._new_name(name)
        n, k = positive_int(n, "n"), positive_int(k, "k")
        if k > n:
            raise ValueError(f"k ({k}) cannot exceed the {n} neurons of area {name!r}")
        beta = _check_beta(beta)
        area = Area(name, n, k, beta, ever_fired=np.zeros(n, dtype=bool))
        self.areas[name] = area
        for other in self.areas.values():
            self._synapses[other.name, name] = Synapses(other.n, n)
            self._beta[other.name, name] = beta
            if other is not area:
                self._synapses[name, other.name] = Synapses(n, other.n)
                self._beta[name, other.name] = other.beta
                fired = np.flatnonzero(other.ever_fired)  # their synapses onto the new area
                self._synapses[other.name, name].add(fired, bernoulli_rows(len(fired), n, self.p, self.rng))
        for stim in self.stimuli.values():
            self._stim[stim.name, name] = self.rng.binomial(stim.k, self.p, size=n).astype(np.float32)
            self._beta[stim.name, name] = beta

    def set_beta(self, source: str, target: str, beta: float) -> None:
        """Plasticity of the synapses from ``source`` (area or stimulus) into area ``target``."""
        self._target(target)
        if source not in self.areas and source not in self.stimuli:
            raise KeyError(f"no area or stimulus named {source!r}")
        self._beta[source, target] = _check_beta(beta)

    def area(self, name: str) -> Area:
        """The area called ``name``."""
        return self._target(name)

    def set_winners(self, area: str, neurons) -> None:
        """Make ``neurons`` (neurons of ``area`` that have fired before) its firing set."""
        a = self._target(area)
        neurons = np.unique(np.asarray(neurons, dtype=np.int64))
        if neurons.size and (neurons.min() < 0 or neurons.max() >= a.n or not a.ever_fired[neurons].all()):
            raise ValueError(f"winners must be neurons of {area!r} (0..{a.n - 1}) that have fired before")
        a.winners = neurons

    def weight(self, source: str, i: int, target: str, j: int) -> float:
        """The weight of the synapse from neuron ``i`` of ``source`` to neuron ``j`` of ``target``
        (0 if there is none; only known once ``i`` has fired)."""
        return self._synapses[self._target(source).name, self._target(target).name].weight(i, j)

    # ---- a round -----------------------------------------------------------------------------

    def fire(self, inputs: Mapping[str, Sequence[str]], plasticity: bool = True) -> None:
        """One synchronous round: each target area in ``inputs`` sums the input of its listed
        sources (stimuli, and areas whose neurons fired in the previous round) and fires its k-cap.

        ``inputs`` maps a target area to its sources, e.g. ``{"A": ["stim", "A"], "B": ["A"]}``.
        """
        if not isinstance(inputs, Mapping) or not inputs:
            raise ValueError("inputs must be a non-empty mapping {target area: [sources]}")
        plan = []
        for target, sources in inputs.items():
            area = self._target(target)
            if isinstance(sources, str) or not isinstance(sources, Sequence) or not sources:
                raise ValueError(f"the sources of {target!r} must be a non-empty list of names, got {sources!r}")
            for s in sources:
                if s in self.areas:
                    if len(self.areas[s].winners) == 0:
                        raise ValueError(f"area {s!r} has no assembly to fire (it has not fired yet)")
                elif s not in self.stimuli:
                    raise KeyError(f"no area or stimulus named {s!r}")
            plan.append((area, list(dict.fromkeys(sources))))
        previous = {name: a.winners for name, a in self.areas.items()}
        new = {area.name: self._cap(area, sources, previous) for area, sources in plan}
        if plasticity:
            for area, sources in plan:
                for s in sources:
                    factor = 1.0 + self._beta[s, area.name]
                    if s in self.stimuli:
                        self._stim[s, area.name][new[area.name]] *= np.float32(factor)
                    else:
                        self._synapses[s, area.name].strengthen(previous[s], new[area.name], factor)
        for area, _ in plan:
            first = new[area.name][~area.ever_fired[new[area.name]]]
            area.winners = new[area.name]
            area.ever_fired[area.winners] = True
            self._grow(area, first)
            area.support_history.append(area.support)
        self.rounds += 1

    def _cap(self, area: Area, sources: list[str], previous: dict) -> np.ndarray:
        total = np.zeros(area.n, dtype=np.float64)
        for s in sources:
            if s in self.stimuli:
                total += self._stim[s, area.name]
            else:
                total += self._synapses[s, area.name].input(previous[s])
        return k_cap(total, area.k, self.rng, prefer=area.ever_fired if self.ties == "kept" else None)

    def _grow(self, area: Area, neurons: np.ndarray) -> None:
        """Draw the outgoing synapses of ``neurons``, which fired for the first time."""
        if len(neurons) == 0:
            return
        for other in self.areas.values():
            exclude = neurons if other is area else None
            self._synapses[area.name, other.name].add(neurons, bernoulli_rows(len(neurons), other.n, self.p,
                                                                               self.rng, exclude))

    # ---- helpers --------------------------------------------------------------------------------

    def _target(self, name: str) -> Area:
        if name not in self.areas:
            known = sorted(self.areas) or "none"
            raise KeyError(f"no area named {name!r} (areas: {known})")
        return self.areas[name]

    def _new_name(self, name: str) -> None:
        if not isinstance(name, str) or not name:
            raise ValueError(f"a name must be a non-empty string, got {name!r}")
        if name in self.areas or name in self.stimuli:
            raise ValueError(f"the name {name!r} is already taken")

    def __repr__(self) -> str:
        areas = ", ".join(f"{a.name}(n={a.n}, k={a.k}, support={a.support})" for a in self.areas.values())
        return f"Brain(p={self.p}, areas=[{areas}], stimuli={sorted(self.stimuli)})"


def k_cap(values: np.ndarray, k: int, rng: np.random.Generator, prefer: np.ndarray | None = None) -> np.ndarray:
    """The ``k`` largest of ``values`` (sorted indices); ties at the cap broken at random, or in
    favour of the ``prefer`` entries first.

    Examples
    --------
    >>> k_cap(np.array([5.0, 1.0, 5.0, 7.0]), 2, np.random.default_rng(0)).tolist() in ([0, 3], [2, 3])
    True
    >>> k_cap(np.array([5.0, 5.0, 5.0]), 1, np.random.default_rng(0), prefer=np.array([0, 0, 1], bool)).tolist()
    [2]
    """
    if k >= len(values):
        return np.arange(len(values))
    threshold = np.partition(values, len(values) - k)[len(values) - k]
    above = np.flatnonzero(values > threshold)
    tied = np.flatnonzero(values == threshold)
    need = k - len(above)
    if prefer is not None:
        first, rest = tied[prefer[tied]], tied[~prefer[tied]]
        if len(first) >= need:
            tied = first
        else:
            need -= len(first)
            above = np.concatenate([above, first])
            tied = rest
    return np.sort(np.concatenate([above, rng.choice(tied, size=need, replace=False)]))


def _check_beta(beta) -> float:
    if isinstance(beta, bool) or not isinstance(beta, (float, int)) or not 0 <= beta < np.inf:
        raise ValueError(f"beta must be a finite number >= 0, got {beta!r}")
    return float(beta)
