"""The `kanerva` command: parse, call the library, print. No logic lives here.

Errors never show a traceback: a usage error or a failure the library reports is printed on
stderr with a non-zero exit (2 for usage, 1 otherwise). With ``--json`` anywhere on the command
line, the error is one JSON object on stderr, ``{"error": message, "kind": kind}``, kind being
``"usage"``, ``"file"``, ``"input"``, ``"dependency"`` or ``"internal"`` (a bug: please report it),
so that scripts can rely on it.
"""

from __future__ import annotations

import json
import sys
import traceback

import click

from .. import __version__
from ._options import CommandError


class _Main(click.Group):
    """The top-level group: reports every error as text, or as JSON in --json mode."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        argv = list(sys.argv[1:] if args is None else args)
        as_json = "--json" in argv
        try:
            return super().main(argv, prog_name, complete_var, standalone_mode=False, **extra)
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)
        except click.exceptions.Abort:
            _report("aborted", "usage", as_json, 1)
        except click.ClickException as exc:
            kind = exc.kind if isinstance(exc, CommandError) else "usage"
            if as_json:
                _report(exc.format_message(), kind, True, exc.exit_code)
            exc.show()
            sys.exit(exc.exit_code)
        except Exception as exc:  # a bug: in --json mode still one JSON object, with the traceback
            if not as_json:
                raise
            _report(f"{type(exc).__name__}: {exc}", "internal", True, 1, traceback.format_exc())


def _report(message: str, kind: str, as_json: bool, code: int, trace: str | None = None) -> None:
    if as_json:
        payload = {"error": message, "kind": kind, **({"traceback": trace} if trace else {})}
        click.echo(json.dumps(payload, ensure_ascii=False), err=True)
    else:
        click.echo(f"Error: {message}", err=True)
    sys.exit(code)


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kanerva")
def main() -> None:
    """kanerva: brain-inspired distributed memory.

    Hypervector algebra (BSC, MAP, HRR, FHRR), language identification from letter n-grams,
    associative memories, neural hashing and search, continual learning with replay, and memory
    inside neural networks (the Kanerva Machine family and fast weights; needs torch).
    """


def _register() -> None:
    from .continual import continual
    from .langid import langid
    from .machine import fastweights, machine
    from .memory import memory
    from .search import search
    from .tour import tour

    for command in (tour, langid, memory, search, continual, machine, fastweights):
        main.add_command(command)


_register()
