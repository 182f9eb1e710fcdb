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


def remote_options(default_timeout: float, timeout_help: str = "Seconds to wait for the endpoint."):
    """--timeout and --retries, shared by the commands that talk to an endpoint."""

    def decorate(function):
        function = click.option(
            "--retries",
            type=click.IntRange(min=0, max=10),
            default=2,
            show_default=True,
            help="Retries on HTTP 429/503 with backoff.",
        )(function)
        return click.option(
            "--timeout",
            type=click.FloatRange(min=0.1),
            default=default_timeout,
            show_default=True,
            help=timeout_help,
        )(function)

    return decorate
