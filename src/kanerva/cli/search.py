"""`kanerva search` subcommands."""

from __future__ import annotations

import json

import click

from ._options import SEED, OutputFile, fail


@click.group()
def search() -> None:
    """Similarity search and neural hashing."""


def _ints(text: str) -> list[int]:
    try:
        values = [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise click.BadParameter(f"expected comma-separated integers, got {text!r}") from None
    if not values or min(values) < 1:
        raise click.BadParameter("hash lengths must be positive integers")
    return values


@search.command("flyhash-map")
@click.option("--k", "ks", default="2,4,8,12,16,20,24,28,32", show_default=True, help="Hash lengths, comma-separated.")
@click.option("--cells", default=20_000, show_default=True, help="Kenyon cells of FlyHash.")
@click.option("--fan-in", default=6, show_default=True, help="Inputs summed by each Kenyon cell.")
@click.option("--queries", default=500, show_default=True, help="Random queries (of the 1,797 digits).")
@click.option("--seed", default=0, show_default=True, type=SEED, help="Random seed.")
@click.option("--no-package", is_flag=True, help="Skip the flyhash PyPI package column (slow).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--plot", type=OutputFile(), help="Save the curve as an image (needs matplotlib).")
def flyhash_map_command(ks, cells, fan_in, queries, seed, no_package, as_json, plot) -> None:
    """FlyHash vs SimHash: MAP of the Hamming ranking on sklearn's digits (Dasgupta et al. 2017)."""
    from ..index.evaluate import flyhash_map, plot_flyhash_map

    try:
        result = flyhash_map(_ints(ks), kenyon_cells=cells, fan_in=fan_in, n_queries=queries,
                             seed=seed, package=not no_package)
        if plot:
            plot_flyhash_map(result, plot)
    except (ValueError, RuntimeError, ImportError, OSError) as exc:
        fail(exc)
    if as_json:
        click.echo(json.dumps(result))
        return
    columns = [name for name, values in result["map"].items() if values is not None]
    click.echo("k    " + "".join(f"{name:>18}" for name in columns))
    for i, k in enumerate(result["k"]):
        click.echo(f"{k:<5}" + "".join(f"{result['map'][name][i]:>18.3f}" for name in columns))
    for note in result["notes"]:
        click.echo(f"note: {note}")
    if plot:
        click.echo(f"plot written to {plot}")
