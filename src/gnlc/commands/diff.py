"""`gnlc diff`: what changed between two releases or revisions (members, facts, sources)."""

from __future__ import annotations

import json

import click

from gnlc.commands.common import echo_out, root_of


@click.command("diff", short_help="Show what changed between two states.")
@click.argument("old")
@click.argument("new", required=False)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    help="markdown gives a changelog entry.",
)
@click.pass_context
def command(ctx: click.Context, old: str, new: str | None, fmt: str) -> None:
    """Show what changed between two states: members added and removed, facts changed, sources.

    OLD and NEW are each a release folder (its gnlc.nt), an RDF file, a gnlc root, or a git
    revision of the project (its sources at that commit, derived links included). Without NEW,
    the current sources. Exit 0 whether or not anything changed.

    \b
    Examples:
      gnlc diff HEAD~1
      gnlc diff HEAD~1 HEAD --format markdown   # or a release's tag, once tagged
      gnlc diff dist/ --format json
    """
    from gnlc.diffing import compare, load_state, render_markdown, render_text

    root = root_of(ctx)
    old_store, old_name = load_state(old, root)
    new_store, new_name = load_state(new, root) if new else load_state(str(root), root)
    diff = compare(old_store, new_store, old_name, new_name if new else "current sources")
    if fmt == "json":
        echo_out(json.dumps(diff.as_dict(), ensure_ascii=False, indent=2))
    elif fmt == "markdown":
        echo_out(_shown(render_markdown(diff)), nl=False)
    else:
        echo_out(_shown(render_text(diff)), nl=False)


def _shown(text: str) -> str:
    """Each line with its control characters escaped (file names, values from the data)."""
    from gnlc.terminal import visible

    return "".join(visible(line) + "\n" for line in text.splitlines())
