"""Option types and errors shared by the subcommands.

Options are checked when the command line is parsed, so a bad value is a usage error that names
the option, before any work is done. A failure the library reports becomes a :class:`CommandError`
with a ``kind`` (``"usage"``, ``"file"``, ``"input"``, ``"dependency"``), which ``--json`` mode
prints as ``{"error": ..., "kind": ...}`` on stderr (see :mod:`kanerva.cli.main`).
"""

from __future__ import annotations

import os
import stat

import click

from ..io import ModelFileError


class CommandError(click.ClickException):
    """A failure to report to the user (no traceback), with what kind of failure it is."""

    def __init__(self, message: str, kind: str = "input"):
        super().__init__(message)
        self.kind = kind


def fail(exc: BaseException) -> None:
    """Raise ``exc`` as a :class:`CommandError` of the matching kind."""
    if isinstance(exc, (ModelFileError, OSError)):
        kind = "file"
    elif isinstance(exc, ImportError):
        kind = "dependency"
    else:
        kind = "input"
    raise CommandError(str(exc), kind) from None

SEED = click.IntRange(min=0, max=2**63 - 1)
"""A seed for numpy's generators, which take non-negative integers only."""


class OutputFile(click.Path):
    """A file the command will write: its directory must exist and be writable."""

    def __init__(self):
        super().__init__(dir_okay=False)

    def convert(self, value, param, ctx):
        path = super().convert(value, param, ctx)
        directory = os.path.dirname(os.path.abspath(os.fsdecode(path)))
        if not os.path.isdir(directory):
            self.fail(f"cannot write {path}: directory {directory} does not exist", param, ctx)
        if not os.access(directory, os.W_OK):
            self.fail(f"cannot write {path}: directory {directory} is not writable", param, ctx)
        try:
            mode = os.stat(os.fsdecode(path)).st_mode  # follows a link: what would be replaced
        except OSError:
            return path
        if not stat.S_ISREG(mode):
            self.fail(f"cannot write {path}: it is not a regular file (a pipe, a device or a socket)", param, ctx)
        return path
