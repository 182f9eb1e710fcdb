"""The `gnlc` command: one click group; each command lives in gnlc/commands/."""

from __future__ import annotations

import os
import sys
from importlib import import_module

import click

from gnlc import __version__
from gnlc.errors import UNUSABLE, debugging

EXIT_CODES = """Exit codes: 0 success (data conforms); 1 data does not conform; 2 input unusable
(syntax error, missing path, unknown query or parameter, endpoint failure)."""

# Command name -> its short help (a whole sentence that fits `gnlc --help` at 60 columns, so
# click never cuts it). A command's module (gnlc/commands/<name>.py) is imported only when that
# command runs, so `gnlc --help` costs little more than `import click`; tests/test_cli.py checks
# that `gnlc --help` is what an eagerly built group would print.
SUMMARIES = {
    "build": "Validate, then write the release dumps.",
    "diff": "Show what changed between two states.",
    "fmt": "Rewrite Turtle files in canonical form.",
    "publish": "Load the release into a triple store.",
    "query": "Run a named query or your own FILE.rq.",
    "serve": "Serve a read-only SPARQL endpoint.",
    "site": "Validate, then build the static site.",
    "stats": "Counts, coverage and enrichment figures.",
    "validate": "Check the data against shapes and checks.",
}


class LazyGroup(click.Group):
    """A click group that imports a command's module only when the command is looked up."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(SUMMARIES)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in SUMMARIES:
            return None
        return import_module(f"gnlc.commands.{name}").command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """click's own listing, from the summaries instead of the imported commands."""
        limit = formatter.width - 6 - max(len(name) for name in SUMMARIES)
        rows = [
            (name, click.Command(name, short_help=SUMMARIES[name]).get_short_help_str(limit))
            for name in self.list_commands(ctx)
        ]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(
    cls=LazyGroup,
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


def main() -> None:
    """Entry point: click handles gnlc's own errors; anything else becomes one line, exit 2.

    After a command that ends the process at once (a local `gnlc query`: isolation.exit_at_once),
    the process ends with os._exit once stdout and stderr are flushed: Python's shutdown, which
    frees the loaded store and every module one by one, costs about 9 ms of CPU and serves
    nothing there (no atexit work is registered on that path).
    """
    # Imported only when already loaded: a command that did not load it (`--help`) did not ask.
    if "gnlc.isolation" in sys.modules:  # an earlier run in this process (tests) may have asked
        from gnlc import isolation

        isolation.exit_at_once = False
    try:
        _run()
    except SystemExit as exc:
        if "gnlc.isolation" in sys.modules:
            from gnlc import isolation

            if isolation.exit_at_once:
                _exit_now(exc.code)
        raise


def _run() -> None:
    if "--debug" in sys.argv[1:]:
        os.environ["GNLC_DEBUG"] = "1"
    try:
        cli.main(prog_name="gnlc")
    except MemoryError:
        # Not a bug of gnlc but a limit of the machine (or of ulimit): say so, without the
        # traceback's "internal error".
        click.echo(
            "gnlc: out of memory: the input (or a query's result) is larger than this machine"
            " lets the process hold; raise the limit or give smaller input",
            err=True,
        )
        sys.exit(UNUSABLE)
    except Exception as exc:
        if debugging():
            import traceback

            traceback.print_exc()
            sys.exit(UNUSABLE)
        click.echo(
            f"gnlc: internal error: {type(exc).__name__}: {exc} (rerun with --debug)", err=True
        )
        sys.exit(UNUSABLE)


def _exit_now(code: object) -> None:
    """End the process as sys.exit(code) would, without the interpreter's shutdown."""
    from contextlib import suppress

    if code is not None and not isinstance(code, int):
        click.echo(str(code), err=True)
        code = 1
    for stream in (sys.stdout, sys.stderr):
        with suppress(OSError, ValueError):  # a closed pipe: Python's own exit ignores it too
            stream.flush()
    os._exit(code or 0)
