"""`gnlc query`: run a named query (or your own .rq) locally or against an endpoint."""

from __future__ import annotations

import sys

import click

from gnlc.commands.common import remote_options, root_of
from gnlc.errors import GnlcError
from gnlc.results import FORMATS


@click.command("query")
@click.argument("name", required=False)
@click.option(
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="Bind a declared parameter (repeatable).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default=None,
    help="table (default for SELECT), csv, tsv, json; turtle or ntriples for CONSTRUCT.",
)
@click.option("--endpoint", metavar="URL", help="Run against a SPARQL endpoint instead of locally.")
@remote_options(
    default_timeout=30.0,
    timeout_help="Seconds for the whole query. Locally the query is stopped then (exit 2);"
    " with --endpoint it bounds the whole request: every attempt, the waits between"
    " --retries and reading the answer.",
)
@click.option(
    "--allow-service",
    is_flag=True,
    help="Let a local query run SERVICE calls, which fetch from the servers it names"
    " (refused by default).",
)
@click.option("--list", "list_", is_flag=True, help="List named queries: name, title, params.")
@click.pass_context
def command(
    ctx: click.Context,
    name: str | None,
    params: tuple[str, ...],
    fmt: str | None,
    endpoint: str | None,
    timeout: float,
    retries: int,
    allow_service: bool,
    list_: bool,
) -> None:
    """Run a named query from queries/ or a FILE.rq.

    \b
    Examples:
      gnlc query --list
      gnlc query members-by-country --param country=TH
      gnlc query cities-serving-sdg --param sdg=11 --format csv
      gnlc query growth-per-year --endpoint http://127.0.0.1:7878
    """
    from gnlc import queries

    root = root_of(ctx)
    if list_:
        for q in queries.list_queries(root):
            declared = " ".join(f"{p.name}={p.default}" for p in q.params)
            click.echo(f"{q.name}\t{q.title}\t{declared}")
        return
    if not name:
        raise GnlcError("give a query NAME or FILE.rq (see gnlc query --list)")
    query = queries.resolve(root, name)
    terms = queries.bindings(query, queries.parse_params(params))
    queries.check_syntax(query)
    from gnlc.results import render

    if endpoint:
        from gnlc.remote import endpoint_urls, run_remote

        url, _ = endpoint_urls(endpoint)
        result = run_remote(url, queries.with_values(query.text, terms), timeout, retries)
        output = render(result, fmt or _default_format(result))
    else:
        from gnlc.errors import shown
        from gnlc.federation import uses_service
        from gnlc.isolation import run_within
        from gnlc.sources import derived_store

        if not allow_service and uses_service(query.text):
            raise GnlcError(
                f"{shown(query.path)}: the query uses SERVICE, which fetches from the servers it"
                " names; pass --allow-service to run it"
            )
        store = derived_store(root)

        def work() -> bytes:
            result = queries.run_local(store, query, terms)
            return render(result, fmt or _default_format(result))

        output = run_within(timeout, work, shown(query.path))
    sys.stdout.buffer.write(output)
    sys.stdout.flush()


def _default_format(result) -> str:
    import pyoxigraph

    return "turtle" if isinstance(result, pyoxigraph.QueryTriples) else "table"
