"""`gnlc fmt`: canonical Turtle for ontology/, data/ and shapes/."""

from __future__ import annotations

from pathlib import Path

import click

from gnlc.commands.common import echo_out, root_of, warn
from gnlc.errors import NONCONFORMING, OK, UNUSABLE, GnlcError, shown
from gnlc.terminal import visible


@click.command("fmt", short_help="Rewrite Turtle files in canonical form.")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--check", is_flag=True, help="Change nothing; list files not in canonical form.")
@click.pass_context
def command(ctx: click.Context, paths: tuple[Path, ...], check: bool) -> None:
    """Rewrite Turtle files in one canonical form (the graph never changes).

    \b
    Examples:
      gnlc fmt                 # rewrite ontology/, data/, shapes/
      gnlc fmt --check         # CI: exit 1 and list files that differ
    """
    from gnlc.formatting import format_file, source_files
    from gnlc.paths import is_bundled

    root = root_of(ctx)
    if is_bundled(root) and not paths:
        raise GnlcError(
            f"{root}: the installed read-only copy cannot be formatted; "
            "run inside a project checkout",
            UNUSABLE,
        )
    warnings: list[str] = []
    changed, refused = [], 0
    for path in source_files(root, paths):
        # One file's refusal (e.g. a comment fmt cannot place) leaves the others formatted.
        try:
            if format_file(path, check, warnings):
                changed.append(path)
        except GnlcError as exc:
            exc.show()
            refused += 1
    warn(warnings)
    for path in changed:
        echo_out(visible(f"{'would reformat' if check else 'reformatted'} {shown(path)}"))
    if refused:
        ctx.exit(UNUSABLE)
    if check and changed:
        click.echo(f"{len(changed)} file(s) not in canonical form; run: gnlc fmt", err=True)
        ctx.exit(NONCONFORMING)
    ctx.exit(OK)
