"""`gnlc stats`: counts, coverage against UNESCO's announced figures, enrichment."""

from __future__ import annotations

import json

import click

from gnlc.commands.common import echo_out, root_of


@click.command("stats", short_help="Counts, coverage and enrichment figures.")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.pass_context
def command(ctx: click.Context, fmt: str) -> None:
    """Counts per class, members per cohort, country and region, coverage and enrichment.

    \b
    Examples:
      gnlc stats
      gnlc stats --format json | jq .cohorts
    """
    from gnlc.sources import derived_store
    from gnlc.statistics import collect, render_table

    stats = collect(derived_store(root_of(ctx)))
    if fmt == "json":
        echo_out(json.dumps(stats, ensure_ascii=False, indent=2))
    else:
        echo_out(render_table(stats), nl=False)
