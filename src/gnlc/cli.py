"""The `gnlc` command: one click group; each command lives in gnlc/commands/."""

from __future__ import annotations

import os
import sys

import click

from gnlc import __version__
from gnlc.commands import build, fmt, publish, query, serve, site, stats, validate
from gnlc.errors import UNUSABLE, debugging

EXIT_CODES = """Exit codes: 0 success (data conforms); 1 data does not conform; 2 input unusable
(syntax error, missing path, unknown query or parameter, endpoint failure)."""


@click.group(
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog=EXIT_CODES,
)
@click.option(
    "--root",
    type=click.Path(file_okay=False),
    envvar="GNLC_ROOT",
    help="Project root holding ontology/, data/, shapes/, queries/ (default: found upwards).",
)
@click.option("--debug", is_flag=True, help="Show tracebacks on errors (or set GNLC_DEBUG=1).")
@click.version_option(__version__, prog_name="gnlc")
@click.pass_context
def cli(ctx: click.Context, root: str | None, debug: bool) -> None:
    """Validate, format, build, query and publish the UNESCO Learning Cities knowledge graph.

    \b
    Example:
      gnlc validate && gnlc build && gnlc query members-by-country --param country=TH
    """
    if debug:
        os.environ["GNLC_DEBUG"] = "1"
    ctx.obj = {"root": root}


for _command in (
    validate.command,
    fmt.command,
    build.command,
    query.command,
    stats.command,
    serve.command,
    publish.command,
    site.command,
):
    cli.add_command(_command)


def main() -> None:
    """Entry point: click handles gnlc's own errors; anything else becomes one line, exit 2."""
    if "--debug" in sys.argv[1:]:
        os.environ["GNLC_DEBUG"] = "1"
    try:
        cli.main(prog_name="gnlc")
    except Exception as exc:
        if debugging():
            raise
        click.echo(
            f"gnlc: internal error: {type(exc).__name__}: {exc} (rerun with --debug)", err=True
        )
        sys.exit(UNUSABLE)
