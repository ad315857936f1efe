"""`kanerva search` subcommands."""

from __future__ import annotations

import click


@click.group()
def search() -> None:
    """search commands."""
