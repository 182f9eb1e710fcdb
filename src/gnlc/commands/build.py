"""`gnlc build`: validate, then write the release files to dist/ atomically."""

from __future__ import annotations

from pathlib import Path

import click

from gnlc.commands.common import (
    default_output,
    echo_out,
    refuse,
    root_of,
    shacl_options,
    warn_gaps,
)
from gnlc.errors import NONCONFORMING, OK
from gnlc.paths import RELEASE_FILES
from gnlc.terminal import visible

_HELP = f"""Validate, then write the release dumps (nothing is written if the data is invalid).

Writes {", ".join(RELEASE_FILES)}.

\b
Examples:
  gnlc build
  gnlc build --out /tmp/release
"""


@click.command("build", short_help="Validate, then write the release dumps.", help=_HELP)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="Release folder (default: dist/ under the root; ./dist outside a checkout).",
)
@click.pass_context
def command(ctx: click.Context, out: Path | None) -> None:
    from gnlc.isolation import exit_when_done
    from gnlc.pipeline import build

    root = root_of(ctx)
    out = out or default_output(ctx, root, "dist")
    report, release = build(root, out, options=shacl_options())
    exit_when_done()  # the release is in place (or refused): nothing is left for the shutdown
    if release is None:
        refuse(report, f"build refused: data does not conform; {out} left unchanged")
        ctx.exit(NONCONFORMING)
    warn_gaps(report)
    sizes = ", ".join(f"{name} {len(data):,} B" for name, data in release.files.items())
    echo_out(visible(f"wrote {out}: {sizes}"))
    ctx.exit(OK)
