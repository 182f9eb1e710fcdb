"""Helpers the command modules share."""

from __future__ import annotations

from pathlib import Path

import click

from gnlc.paths import find_root


def root_of(ctx: click.Context) -> Path:
    """The project root for this invocation."""
    return find_root(ctx.find_root().obj.get("root") if ctx.find_root().obj else None)


def warn(lines: list[str]) -> None:
    """Print warnings to stderr, one a line."""
    for line in lines:
        click.echo(line, err=True)
