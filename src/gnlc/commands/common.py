"""Helpers the command modules share."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import click

from gnlc.paths import find_root

if TYPE_CHECKING:  # pragma: no cover - types only
    from gnlc.findings import Report
    from gnlc.validation import ShaclOptions


def root_of(ctx: click.Context) -> Path:
    """The project root for this invocation."""
    return find_root(_chosen_root(ctx))


def _chosen_root(ctx: click.Context) -> str | None:
    return ctx.find_root().obj.get("root") if ctx.find_root().obj else None


def default_output(ctx: click.Context, root: Path, name: str) -> Path:
    """A command's default output folder (paths.output_dir), knowing whether the user chose
    the root (--root or GNLC_ROOT)."""
    from gnlc.paths import output_dir

    chosen = bool(_chosen_root(ctx) or os.environ.get("GNLC_ROOT"))
    return output_dir(root, name, chosen=chosen)


class Seconds(click.FloatRange):
    """A time limit in seconds: a finite number from 0.1 s to a day (NaN and infinity would
    pass a plain range and reach the clock calls)."""

    def __init__(self) -> None:
        super().__init__(min=0.1, max=86400.0)

    def convert(self, value, param, ctx):
        import math

        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a number of seconds", param, ctx)
        return number


def shacl_options() -> ShaclOptions:
    """How validation runs SHACL for this command: GNLC_SHACL_ENGINE (compiled, the default, or
    pyshacl) and --debug (GNLC_DEBUG), read here and handed down."""
    from gnlc.errors import debugging
    from gnlc.validation import ShaclOptions

    engine = os.environ.get("GNLC_SHACL_ENGINE", "").strip() or "compiled"
    return ShaclOptions(engine=engine, debug=debugging())


def _stdout_fd() -> int | None:
    """Standard output's file descriptor (its buffers flushed), or None when it is not a file
    (click's CliRunner, a StringIO)."""
    import io
    import sys

    try:
        sys.stdout.flush()
        return sys.stdout.fileno()
    except (AttributeError, ValueError, io.UnsupportedOperation):
        return None


def write_stdout(data: bytes) -> None:
    """Write data to standard output to its last byte; a failure to write is one line, exit 2.

    sys.stdout.buffer.write (and click.echo) cannot be trusted with that: under
    PYTHONUNBUFFERED=1 (or -u) the buffer is the raw file, whose write may take only a part
    and report it only in its return value; on a pipe another program left non-blocking it
    takes what fits (the rest was dropped, exit 0) or raises BlockingIOError. Here every part
    is written, waiting while the pipe is full. A closed pipe (`| head`) is left to click, as
    before: exit 1, no message.
    """
    import errno
    import select
    import sys

    from gnlc.errors import GnlcError

    fd = _stdout_fd()
    if fd is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    view = memoryview(data)
    try:
        while view:
            try:
                view = view[os.write(fd, view) :]
            except BlockingIOError:
                select.select([], [fd], [])
    except OSError as exc:
        if exc.errno == errno.EPIPE:
            raise
        raise GnlcError(
            f"standard output: cannot write: {exc.strerror or type(exc).__name__}"
        ) from None


def echo_out(text: str, nl: bool = True) -> None:
    """click.echo(text) to standard output, written to its last character (write_stdout)."""
    import sys

    if _stdout_fd() is None:
        click.echo(text, nl=nl)
        return
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    write_stdout((text + "\n" if nl else text).encode(encoding))


def warn(lines: list[str]) -> None:
    """Print warnings to stderr, one a line."""
    from gnlc.terminal import visible

    for line in lines:
        click.echo(visible(line), err=True)


def refuse(report: Report, what: str) -> None:
    """On stderr: the findings that refused the data, then `gnlc: WHAT` (what was not done)."""
    from gnlc.reporting import render_report
    from gnlc.terminal import visible

    click.echo(render_report(report, "text"), err=True, nl=False)
    click.echo(f"gnlc: {visible(what)}", err=True)


def warn_gaps(report: Report) -> None:
    """After a build that went ahead: how many warnings (gaps) validation found, if any."""
    if report.warnings:
        warn([f"gnlc: {len(report.warnings)} warning(s) (gaps); see gnlc validate"])


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
            type=Seconds(),
            default=default_timeout,
            show_default=True,
            help=timeout_help,
        )(function)

    return decorate


def build_into(ctx: click.Context, out: Path, verb: str) -> Path | None:
    """Validate and build the release into out (a temporary folder); None if nonconforming."""
    from gnlc.pipeline import build

    root = root_of(ctx)
    click.echo(f"building the release from {root} into a temporary folder", err=True)
    report, release = build(root, out, options=shacl_options())
    if release is None:
        refuse(report, f"{verb} refused: data does not conform (see gnlc validate)")
        return None
    return out
