"""`gnlc validate`: SHACL shapes and SPARQL checks over the data, with derived links."""

from __future__ import annotations

from pathlib import Path

import click

from gnlc.commands.common import echo_out, root_of, shacl_options, warn
from gnlc.errors import NONCONFORMING, OK


@click.command("validate", short_help="Check the data against shapes and checks.")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--shapes",
    "shapes",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Extra SHACL shapes file (repeatable); the project's shapes always apply.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "turtle", "github"]),
    default="text",
    show_default=True,
    help="Report format; github prints workflow annotations.",
)
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too.")
@click.pass_context
def command(
    ctx: click.Context, paths: tuple[Path, ...], shapes: tuple[Path, ...], fmt: str, strict: bool
) -> None:
    """Check that the data conforms to the shapes and checks.

    With no PATH, checks ontology/ + data/. PATHs (files or folders) replace data/; the
    ontology, reference data and shapes are always added, so one member file can be checked
    alone.

    \b
    Examples:
      gnlc validate
      gnlc validate data/members/TH.ttl --format json
      gnlc validate dist/gnlc.ttl --strict   # exits 1: --strict fails on data-gap warnings
    """
    from gnlc.errors import GnlcError
    from gnlc.isolation import exit_when_done
    from gnlc.pipeline import validate_sources
    from gnlc.reporting import render_error, render_report

    root = root_of(ctx)
    try:
        report, warnings = validate_sources(root, paths, shapes, shacl_options())
    except GnlcError as exc:
        # The machine formats report it too (CI annotations, JSON consumers); exit 2 as ever.
        echo_out(render_error(exc.message, fmt), nl=False)
        raise
    exit_when_done()  # only the report is left to write
    warn(warnings)
    echo_out(render_report(report, fmt, strict), nl=False)
    ctx.exit(OK if report.conforms(strict) else NONCONFORMING)
