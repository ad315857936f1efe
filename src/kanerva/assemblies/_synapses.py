"""Synapses grown by their presynaptic neuron: the rows of a random graph made when a neuron
first fires.

A neuron that has never fired influences nothing, so its outgoing synapses need not exist yet.
When it first fires, its synapses onto each area are drawn (every neuron of the area with
probability ``p``, Bernoulli gaps) and appended as one row of a growing CSR matrix; weights start
at 1 and are multiplied by ``1 + beta`` by plasticity. Every synapse is drawn exactly once, so
the simulation is the model itself, G(n, p) and all, at the cost of the rows that ever fired.
"""

from __future__ import annotations

import numpy as np


def bernoulli_rows(count: int, n: int, p: float, rng: np.random.Generator, exclude=None) -> list[np.ndarray]:
    """``count`` sorted index sets, each holding every one of ``range(n)`` with probability ``p``
    (geometric gaps); ``exclude[i]`` (optional) is left out of set ``i`` (no autapses).

    Examples
    --------
    >>> rows = bernoulli_rows(200, 10_000, 0.01, np.random.default_rng(0))
    >>> bool(90 < np.mean([len(r) for r in rows]) < 110), all((np.diff(r) > 0).all() for r in rows)
    (True, True)
    """
    width = int(n * p + 6 * np.sqrt(n * p) + 16)
    out = []
    for i in range(count):
        pos = np.cumsum(rng.geometric(p, size=width)) - 1
        while pos[-1] < n:  # rare: the gaps did not reach the end
            pos = np.concatenate([pos, pos[-1] + np.cumsum(rng.geometric(p, size=width))])
        row = pos[pos < n]
        if exclude is not None:
            row = row[row != exclude[i]]
        out.append(row.astype(np.int32))
    return out


class Synapses:
    """The synapses from the fired neurons of one area onto another (or the same) area."""

    def __init__(self, n_source: int, n_target: int):
        self.n_target = n_target
        self.row = np.full(n_source, -1, dtype=np.int64)  # neuron -> its row, -1 if never fired
        self.start = np.zeros(0, dtype=np.int64)
        self.length = np.zeros(0, dtype=np.int64)
        self.targets = np.zeros(0, dtype=np.int32)
        self.weights = np.zeros(0, dtype=np.float32)
        self.size = 0

    def add(self, neurons: np.ndarray, rows: list[np.ndarray]) -> None:
        """Append the outgoing synapses of ``neurons`` (firing for the first time)."""
        if len(neurons) == 0:
            return
        lengths = np.array([len(r) for r in rows], dtype=np.int64)
        total = int(lengths.sum())
        if self.size + total > len(self.targets):
            grow = max(self.size + total, len(self.targets) + len(self.targets) // 2)
            self.targets = np.resize(self.targets, grow)
            self.weights = np.resize(self.weights, grow)
        starts = self.size + np.concatenate([[0], np.cumsum(lengths)[:-1]])
        if total:
            self.targets[self.size:self.size + total] = np.concatenate(rows)
            self.weights[self.size:self.size + total] = 1.0
        self.row[neurons] = len(self.start) + np.arange(len(neurons))
        self.start = np.concatenate([self.start, starts])
        self.length = np.concatenate([self.length, lengths])
        self.size += total

    def edges(self, neurons: np.ndarray) -> np.ndarray:
        """Positions (in ``targets``/``weights``) of the synapses leaving ``neurons``."""
        rows = self.row[neurons]
        if len(rows) == 0:
            return np.zeros(0, dtype=np.int64)
        if rows.min() < 0:
            raise RuntimeError("a firing neuron has no synapses drawn (it never fired before?)")
        starts, lengths = self.start[rows], self.length[rows]
        offsets = np.repeat(starts - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths)
        return np.arange(int(lengths.sum())) + offsets

    def input(self, neurons: np.ndarray) -> np.ndarray:
        """Total synaptic input (n_target,) from ``neurons`` firing."""
        at = self.edges(neurons)
        return np.bincount(self.targets[at], weights=self.weights[at], minlength=self.n_target)

    def strengthen(self, neurons: np.ndarray, firing: np.ndarray, factor: float) -> None:
        """Hebb: multiply by ``factor`` the synapses from ``neurons`` onto the ``firing`` targets."""
        at = self.edges(neurons)
        hit = np.zeros(self.n_target, dtype=bool)
        hit[firing] = True
        at = at[hit[self.targets[at]]]
        self.weights[at] *= np.float32(factor)

    def weight(self, source: int, target: int) -> float:
        """The weight of one synapse (0 if there is none)."""
        r = self.row[source]
        if r < 0:
            return 0.0
        lo = self.start[r]
        row = self.targets[lo:lo + self.length[r]]
        i = np.searchsorted(row, target)
        return float(self.weights[lo + i]) if i < len(row) and row[i] == target else 0.0
