"""Codebook: symbols <-> hypervectors, and cleanup (nearest symbol) of noisy vectors.

Each symbol's vector is ``space.random(key=symbol)``, so two codebooks over the same space agree
on every shared symbol, in any process, without storing the vectors.

Examples
--------
>>> import kanerva as kv
>>> s = kv.BSC(10_000, seed=7)
>>> cb = kv.Codebook(s, ["usa", "mexico", "dollar", "peso"])
>>> cb.cleanup(cb["peso"])
'peso'
>>> [(sym, round(sim, 2)) for sym, sim in cb.cleanup(cb["usa"], k=1)]
[('usa', 1.0)]
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable

import numpy as np

from ..vsa import Space


class Codebook:
    """A fixed set of symbols and their keyed random vectors in ``space``.

    Parameters
    ----------
    space : Space
    symbols : iterable of str or int
        Distinct symbols; their order fixes the row order of :attr:`vectors`.
    """

    def __init__(self, space: Space, symbols: Iterable[Hashable]):
        if not isinstance(space, Space):
            raise TypeError(f"space must be a kanerva Space (BSC, MAP, HRR, FHRR), got {type(space).__name__}")
        self.space = space
        self.symbols = list(symbols)
        if not self.symbols:
            raise ValueError("a codebook needs at least one symbol")
        self._index = {sym: i for i, sym in enumerate(self.symbols)}
        if len(self._index) != len(self.symbols):
            raise ValueError("codebook symbols must be distinct")
        self.vectors = space.random(key=self.symbols)

    def __len__(self) -> int:
        return len(self.symbols)

    def __contains__(self, symbol) -> bool:
        return symbol in self._index

    def __getitem__(self, symbol) -> np.ndarray:
        return self.vectors[self.index(symbol)]

    def index(self, symbol) -> int:
        try:
            return self._index[symbol]
        except KeyError:
            raise KeyError(f"symbol {symbol!r} is not in the codebook") from None

    def encode(self, symbols: Iterable[Hashable]) -> np.ndarray:
        """Vectors of several symbols, ``(n, *shape)``."""
        return self.vectors[[self.index(s) for s in symbols]]

    def similarities(self, x: np.ndarray) -> np.ndarray:
        """Similarity of ``x`` (one vector or a batch) to every symbol: (len,) or (n, len)."""
        x = self.space.check(x, "query")
        return np.asarray(self.space.similarity(x, self.vectors))

    def cleanup(self, x: np.ndarray, k: int | None = None):
        """The nearest symbol to ``x``; with ``k``, the top ``k`` as (symbol, similarity) pairs.

        A batch of queries ``(n, *shape)`` gives a list with one answer per query.
        """
        x = self.space.check(x, "query")
        single = x.ndim == len(self.space.shape)
        queries = x[None] if single else x.reshape((-1,) + self.space.shape)
        sims, top = self.space.nearest(queries, self.vectors, 1 if k is None else k)
        if k is None:
            answers = [self.symbols[i] for i in top[:, 0]]
        else:
            answers = [[(self.symbols[j], float(v)) for j, v in zip(idx, row)] for idx, row in zip(top, sims)]
        return answers[0] if single else answers
