"""The `kanerva` command: parse, call the library, print. No logic lives here."""

from __future__ import annotations

import click

from .. import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kanerva")
def main() -> None:
    """kanerva: brain-inspired distributed memory.

    Hypervector algebra (BSC, MAP, HRR, FHRR), language identification from letter n-grams,
    associative memories, neural hashing and search, and memory inside neural networks
    (the Kanerva Machine family and fast weights; needs torch).
    """


def _register() -> None:
    from .langid import langid
    from .machine import fastweights, machine
    from .memory import memory
    from .search import search
    from .tour import tour

    for command in (tour, langid, memory, search, machine, fastweights):
        main.add_command(command)


_register()
