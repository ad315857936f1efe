"""A short tour of the algebra, printed by `kanerva tour` (and `make demo`)."""

from __future__ import annotations

from collections.abc import Iterator

from ..vsa import MODELS
from .analogy import dollar_of_mexico


def run_tour(dim: int = 10_000, seed: int = 7, models: list[str] | None = None) -> Iterator[str]:
    """Lines describing each query and its answer, for each model."""
    for name in models or list(MODELS):
        space = MODELS[name](dim, seed=seed)
        symbol, sim = dollar_of_mexico(space)
        yield f"{name.upper():5s} what is the dollar of Mexico?  -> {symbol} (similarity {sim:.3f})"
