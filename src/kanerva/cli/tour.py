"""`kanerva tour`: a short tour of the algebra."""

from __future__ import annotations

import click

from ..vsa import MODELS
from ._options import SEED

MAX_DIM = 10_000_000  # the tour's codebooks at this size already take a few GB


@click.command()
@click.option("--dim", default=10_000, show_default=True, type=click.IntRange(min=1, max=MAX_DIM),
              help="Dimension of the hypervectors.")
@click.option("--seed", default=7, show_default=True, type=SEED, help="Seed of the keyed random vectors.")
@click.option("--model", "models", multiple=True, type=click.Choice(sorted(MODELS)),
              help="Model(s) to tour (repeatable; default: all of them).")
def tour(dim: int, seed: int, models: tuple[str, ...]) -> None:
    """A short tour of the algebra: analogy, sequence and record queries in every model.

    MBAT and VTB run at the nearest perfect square to --dim, SBC at the nearest whole number of
    blocks.
    """
    from ..apps.tour import run_tour

    for line in run_tour(dim=dim, seed=seed, models=list(models) or list(MODELS)):
        click.echo(line)
