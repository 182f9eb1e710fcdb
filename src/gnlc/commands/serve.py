"""`gnlc serve`: the release as a read-only SPARQL endpoint (Oxigraph) on this machine."""

from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path

import click

from gnlc.commands.common import Seconds, build_into, echo_out, warn
from gnlc.errors import NONCONFORMING, OK, GnlcError

LOOPBACK = ("127.0.0.1", "localhost", "::1")


class _Stop(Exception):
    """Raised by the SIGTERM/SIGHUP handler to leave the serving loop."""


def _raise_stop(signum: int, frame: object) -> None:
    raise _Stop(signum)


@click.command("serve", short_help="Serve a read-only SPARQL endpoint.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=7878,
    show_default=True,
    help="TCP port (0 picks a free one).",
)
@click.option(
    "--data",
    "data",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    metavar="RELEASE_DIR",
    help="Serve this release (a gnlc build output) instead of building one.",
)
@click.option(
    "--cors",
    is_flag=True,
    help="Allow web pages on other sites to query (CORS headers; OPTIONS preflight answered).",
)
@click.option(
    "--query-timeout",
    type=Seconds(),
    default=30.0,
    show_default=True,
    metavar="S",
    help="Seconds a query may run; past that it is stopped and answered 504.",
)
@click.pass_context
def command(
    ctx: click.Context,
    host: str,
    port: int,
    data: Path | None,
    cors: bool,
    query_timeout: float,
) -> None:
    """Serve the knowledge graph read-only over SPARQL 1.1 (Oxigraph), with a query UI.

    Without --data the release is built into a temporary folder (dist/ is never touched).
    Queries over GET and POST; results as JSON, XML, CSV, TSV; CONSTRUCT as Turtle, N-Triples,
    JSON-LD. Updates are refused. The server never fetches anything for a client: a query with
    SERVICE is answered 400. Limits: a query runs at most --query-timeout seconds (then 504);
    a POSTed query is at most 1 MiB (else 413); an answer at most 64 MiB. Ctrl-C stops the
    server and removes the temporary files.

    \b
    Examples:
      gnlc serve                                                     # runs until Ctrl-C
      gnlc serve --port 8000 --data dist/ --cors --query-timeout 10  # runs until Ctrl-C
      gnlc query members-by-country --endpoint http://127.0.0.1:7878
    """
    from gnlc import gateway, server

    binary = server.find_oxigraph()
    if port == 0:
        port = server.free_port(host)
    front = _listen(host, port)
    if host not in LOOPBACK:
        warn([f"gnlc: binding {host}: other machines on your network can query this server"])
    workdir, lock = server.work_folder()
    pool = None
    stops = [signal.SIGTERM] + ([signal.SIGHUP] if hasattr(signal, "SIGHUP") else [])
    previous = {sig: signal.getsignal(sig) for sig in stops}
    try:
        for sig in previous:
            signal.signal(sig, _raise_stop)
        release = data if data is not None else build_into(ctx, workdir / "release", "serve")
        if release is None:
            ctx.exit(NONCONFORMING)
        triples = server.load_release(release, workdir / "store", binary)
        pool = gateway.Pool(workdir / "store", binary)
        front.start(pool, query_timeout, cors)
        root = server.root_url(host, port)
        source = "a fresh build" if data is None else str(data)
        echo_out(f"serving {triples:,} triples read-only from {source}")
        echo_out(f"SPARQL endpoint: {root}/query")
        echo_out(f"query UI:        {root}/")
        echo_out("press Ctrl-C to stop")
        front.serve_forever()
    except (KeyboardInterrupt, _Stop):
        click.echo("stopping", err=True)
    finally:
        front.server_close()
        if pool is not None:
            pool.close()
        shutil.rmtree(workdir, ignore_errors=True)
        os.close(lock)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    ctx.exit(OK)


def _listen(host: str, port: int):
    """The front's listening socket, bound before the build so that a busy port fails fast."""
    from gnlc.gateway import Front

    try:
        return Front(host, port)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise GnlcError(f"cannot listen on {host}:{port}: {reason} (try --port)") from None
