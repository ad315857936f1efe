"""`kanerva memory` subcommands."""

from __future__ import annotations

import click


@click.group()
def memory() -> None:
    """memory commands."""
