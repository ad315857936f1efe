"""Option types shared by the subcommands: checked when the command line is parsed, so a bad
value is a usage error that names the option, before any work is done."""

from __future__ import annotations

import os

import click

SEED = click.IntRange(min=0)
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
        return path
