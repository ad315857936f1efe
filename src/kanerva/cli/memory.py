"""`kanerva memory` subcommands."""

from __future__ import annotations

import json

import click

from ._options import SEED, OutputFile, fail


@click.group()
def memory() -> None:
    """Associative memories: Hopfield, dense/modern Hopfield, SDM, fast weights."""


@memory.command()
@click.argument("which", type=click.Choice(["hopfield", "dam", "modern", "sdm"]))
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--plot", "plot_path", type=OutputFile(), help="Also draw the curves to this PNG.")
@click.option("--seed", default=0, show_default=True, type=SEED, help="Random seed.")
def capacity(which: str, as_json: bool, plot_path: str | None, seed: int) -> None:
    """Measure a memory's capacity curve (small defaults; benchmarks/ runs larger ones).

    \b
    hopfield  fixed points and recall vs load P/N (hebb, storkey, pinv)
    dam       capacity vs N for F = x^2, x^3, x^4 and exp
    modern    retrieval of sklearn digits from 25%-removed cues vs beta
    sdm       SDM signal-to-noise and recall vs items and radius
    """
    from tqdm import tqdm

    from ..memory.capacity import EXPERIMENTS, format_table

    with tqdm(desc=f"{which} capacity", unit="point", leave=False) as bar:
        result = EXPERIMENTS[which](seed=seed, progress=bar)
    if plot_path:
        from ..memory.plots import plot

        try:
            plot(result, plot_path)
        except (ImportError, OSError) as exc:
            fail(exc)
    click.echo(json.dumps(result, indent=1) if as_json else format_table(result))
