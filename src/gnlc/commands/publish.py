"""`gnlc publish`: replace a named graph in a Graph Store Protocol store, then verify it."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import click

from gnlc.commands.common import build_into, echo_out, remote_options
from gnlc.errors import NONCONFORMING, OK, GnlcError

PASSWORD_ENV = "GNLC_PASSWORD"


@click.command("publish", short_help="Load the release into a triple store.")
@click.option(
    "--endpoint",
    required=True,
    metavar="URL",
    help="SPARQL query URL, or a bare root meaning ROOT/query and ROOT/store (Oxigraph).",
)
@click.option("--graph", required=True, metavar="IRI", help="Named graph to replace.")
@click.option(
    "--store",
    metavar="URL",
    default=None,
    help="Graph Store Protocol URL (default: ROOT/store for a bare root or a .../query URL).",
)
@click.option(
    "--user",
    metavar="NAME",
    default=None,
    help="User name for HTTP Basic or Digest auth (the store's challenge picks).",
)
@click.option(
    "--password-env",
    metavar="VAR",
    default=None,
    help=f"Environment variable holding the password (default with --user: {PASSWORD_ENV}).",
)
@click.option(
    "--data",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    metavar="RELEASE_DIR",
    help="Publish this release (a gnlc build output) instead of building one.",
)
@remote_options(
    default_timeout=60.0,
    timeout_help="Seconds for the whole publish: the upload and the count check, every retry"
    " and every answer read to its end.",
)
@click.pass_context
def command(
    ctx: click.Context,
    endpoint: str,
    graph: str,
    store: str | None,
    user: str | None,
    password_env: str | None,
    data: Path | None,
    timeout: float,
    retries: int,
) -> None:
    """Load the release into a triple store (replacing GRAPH), then check the triple count.

    The release is built into a temporary folder unless --data names one. The graph is sent
    with an HTTP PUT (SPARQL 1.1 Graph Store Protocol), so a re-run leaves no duplicates; the
    command then counts the graph through the query endpoint and exits 2 if the count differs
    from gnlc.nt's. The password is read from the environment, never from the command line,
    and is never printed.

    \b
    Examples:
      gnlc publish --endpoint http://127.0.0.1:7878 --graph https://w3id.org/gnlc/
      GNLC_PASSWORD=secret gnlc publish --endpoint http://127.0.0.1:3030/ds/query \\
        --store http://127.0.0.1:3030/ds/data --graph https://w3id.org/gnlc/ --user admin
    """
    from gnlc.publishing import check_graph_iri, publish
    from gnlc.remote import endpoint_urls, redact

    check_graph_iri(graph)
    query_url, store_url = endpoint_urls(endpoint, store)
    if not store_url:
        raise GnlcError(f"--endpoint {redact(endpoint)}: not a bare root; give --store URL")
    auth = _credentials(user, password_env)
    workdir = None
    try:
        if data is None:
            workdir = Path(tempfile.mkdtemp(prefix="gnlc-publish-"))
            data = build_into(ctx, workdir / "release", "publish")
            if data is None:
                ctx.exit(NONCONFORMING)
        result = publish(data, query_url, store_url, graph, auth, timeout, retries)
    finally:
        if workdir is not None:
            shutil.rmtree(workdir, ignore_errors=True)
    if result.found != result.expected:
        raise GnlcError(
            f"count mismatch: <{graph}> at {redact(result.query_url)} holds {result.found:,}"
            f" triples, gnlc.nt has {result.expected:,}"
        )
    echo_out(
        f"published {result.expected:,} triples to <{graph}> at {redact(result.store_url)};"
        f" verified through {redact(result.query_url)}"
    )
    ctx.exit(OK)


def _credentials(user: str | None, password_env: str | None) -> tuple[str, str] | None:
    if user is None:
        if password_env is not None:
            raise GnlcError("--password-env needs --user NAME")
        return None
    variable = password_env or PASSWORD_ENV
    password = os.environ.get(variable)
    if not password:
        raise GnlcError(
            f"--user {user}: no password in ${variable} (set it, or name another variable"
            " with --password-env)"
        )
    return user, password
