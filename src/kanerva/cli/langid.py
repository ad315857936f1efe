"""`kanerva langid` subcommands."""

from __future__ import annotations

import click


@click.group()
def langid() -> None:
    """langid commands."""
