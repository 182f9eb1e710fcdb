"""`gnlc query`: run a named query (or your own .rq) locally or against an endpoint."""

from __future__ import annotations

import click

from gnlc.commands.common import echo_out, remote_options, root_of, write_stdout
from gnlc.errors import GnlcError
from gnlc.results import FORMATS


@click.command("query", short_help="Run a named query or your own FILE.rq.")
@click.argument("name", required=False)
@click.option(
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="Bind a declared parameter (repeatable: one value for each NAME).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default=None,
    help="table (default for SELECT), csv, tsv (plain), json, sparql-tsv (W3C SPARQL TSV); "
    "turtle or ntriples for CONSTRUCT.",
)
@click.option("--endpoint", metavar="URL", help="Run against a SPARQL endpoint instead of locally.")
@click.option(
    "--graph",
    "graphs",
    multiple=True,
    metavar="IRI",
    help="With --endpoint: query this named graph as the default graph (sent as "
    "default-graph-uri; repeatable), e.g. the --graph given to gnlc publish.",
)
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
    graphs: tuple[str, ...],
    timeout: float,
    retries: int,
    allow_service: bool,
    list_: bool,
) -> None:
    """Run a named query from queries/ or a FILE.rq.

    A parameter value is checked against its type (goal: 1-17) and, for country and year,
    against the data (`th` is read as TH); a value that cannot match exits 2 and says what
    fits; `*` means "all". Your own FILE.rq may use the project's prefixes (gnlc, city,
    country, region, cohort, sdg, skos, skosxl, dcterms, org, geo, xsd, rdfs, ...) without
    declaring them; updates are not run.

    \b
    Examples:
      gnlc query --list
      gnlc query members-by-country --param country=TH
      gnlc query cities-serving-sdg --param goal=11 --format csv
      gnlc query growth-per-year --endpoint http://127.0.0.1:7878
      gnlc query thai-members --endpoint http://127.0.0.1:7878 --graph https://w3id.org/gnlc/
    """
    from gnlc import queries
    from gnlc.terminal import visible

    root = root_of(ctx)
    if list_:
        lines = []
        for q in queries.list_queries(root):
            declared = " ".join(f"{p.name}={p.default}" for p in q.params)
            lines.append("\t".join(map(visible, (q.name, q.title, declared))) + "\n")
        echo_out("".join(lines), nl=False)
        return
    if not name:
        raise GnlcError("give a query NAME or FILE.rq (see gnlc query --list)")
    if graphs and not endpoint:
        raise GnlcError(
            "--graph needs --endpoint (locally, the whole release is the default graph)"
        )
    query = queries.resolve(root, name)
    queries.check_syntax(query)
    given = queries.parse_params(params)
    from gnlc.results import render

    result, chosen = None, fmt
    if endpoint:
        from gnlc.remote import endpoint_urls, run_remote

        url, _ = endpoint_urls(endpoint)

        def remote(text: str):
            return run_remote(url, text, timeout, retries, graphs=graphs)

        def known(text: str) -> list:
            return [row[0] for row in remote(text)]

        terms = queries.bindings(query, given, known)
        result = remote(queries.with_values(queries.prepared_text(query), terms))
        chosen = fmt or _default_format(result)
        output = render(result, chosen)
    else:
        from gnlc.errors import shown
        from gnlc.federation import uses_service
        from gnlc.isolation import run_then_exit
        from gnlc.sources import derived_store

        if not allow_service and uses_service(query.text):
            raise GnlcError(
                f"{shown(query.path)}: the query uses SERVICE, which fetches from the servers it"
                " names; pass --allow-service to run it"
            )
        store = derived_store(root)

        def known(text: str) -> list:
            return [row[0] for row in store.query(text)]

        def work() -> bytes:
            # The parameter checks query the store too: they run under the same deadline.
            terms = queries.bindings(query, given, known)
            try:
                local = queries.run_local(store, query, terms)
                return render(local, fmt or _default_format(local))
            except OSError as exc:  # Oxigraph's HTTP client, for SERVICE (--allow-service)
                detail = " ".join(str(exc).split())
                raise GnlcError(
                    f"{shown(query.path)}: a SERVICE request failed: {detail}"
                ) from None

        output = run_then_exit(timeout, work, shown(query.path))
    write_stdout(output)
    if endpoint and _empty_select(result, chosen, output):
        click.echo(_empty_hint(graphs), err=True)


def _empty_hint(graphs: tuple[str, ...]) -> str:
    """What to try when an endpoint answered no row: where the data may be instead."""
    if graphs:
        return (
            f"gnlc: hint: 0 rows from graph(s) {', '.join(graphs)}. Check the graph IRI (the "
            "--graph given to gnlc publish); a store that holds the data in its default graph "
            "(gnlc serve does) answers without --graph."
        )
    return (
        "gnlc: hint: 0 rows from the endpoint's default graph. If the data was loaded into a "
        "named graph (gnlc publish --graph IRI), add --graph IRI, or serve the store with its "
        "default graph as the union of all graphs (Oxigraph: serve --union-default-graph)."
    )


def _default_format(result) -> str:
    import pyoxigraph

    return "turtle" if isinstance(result, pyoxigraph.QueryTriples) else "table"


def _empty_select(result, fmt: str | None, output: bytes) -> bool:
    """True when a SELECT gave no row (judged on the rendered output: the rows are consumed)."""
    import pyoxigraph

    if not isinstance(result, pyoxigraph.QuerySolutions):
        return False
    if fmt == "table":
        return output.rstrip().endswith(b"(0 rows)")
    if fmt == "json":
        import json

        return not json.loads(output).get("results", {}).get("bindings")
    return len(output.strip().splitlines()) <= 1  # csv / tsv: the header only
