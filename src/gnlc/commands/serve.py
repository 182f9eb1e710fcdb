"""`gnlc serve`: the release as a read-only SPARQL endpoint (Oxigraph) on this machine."""

from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path

import click

from gnlc.commands.common import root_of, warn
from gnlc.errors import NONCONFORMING, OK, GnlcError

LOOPBACK = ("127.0.0.1", "localhost", "::1")


class _Stop(Exception):
    """Raised by the SIGTERM/SIGHUP handler to leave the serving loop."""


def _raise_stop(signum: int, frame: object) -> None:
    raise _Stop(signum)


@click.command("serve")
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
@click.pass_context
def command(ctx: click.Context, host: str, port: int, data: Path | None) -> None:
    """Serve the knowledge graph read-only over SPARQL 1.1 (Oxigraph), with a query UI.

    Without --data the release is built into a temporary folder (dist/ is never touched).
    Queries over GET and POST; results as JSON, XML, CSV, TSV; CONSTRUCT as Turtle, N-Triples,
    JSON-LD. Updates are refused. Ctrl-C stops the server and removes the temporary files.

    \b
    Examples:
      gnlc serve
      gnlc serve --port 8000 --data dist/
      gnlc query members-by-country --endpoint http://127.0.0.1:7878
    """
    from gnlc import server

    binary = server.find_oxigraph()
    if port == 0:
        port = server.free_port(host)
    _check_port(host, port)
    if host not in LOOPBACK:
        warn([f"gnlc: binding {host}: other machines on your network can query this server"])
    workdir, lock = server.work_folder()
    process = None
    stops = [signal.SIGTERM] + ([signal.SIGHUP] if hasattr(signal, "SIGHUP") else [])
    previous = {sig: signal.getsignal(sig) for sig in stops}
    try:
        for sig in previous:
            signal.signal(sig, _raise_stop)
        release = data if data is not None else build_into(ctx, workdir / "release", "serve")
        if release is None:
            ctx.exit(NONCONFORMING)
        triples = server.load_release(release, workdir / "store", binary)
        log = workdir / "oxigraph.log"
        process = server.start_server(workdir / "store", host, port, binary, log=log)
        root = server.root_url(host, port)
        server.wait_until_ready(root, process, log=log)
        source = "a fresh build" if data is None else str(data)
        click.echo(f"serving {triples:,} triples read-only from {source}")
        click.echo(f"SPARQL endpoint: {root}/query")
        click.echo(f"query UI:        {root}/")
        click.echo("press Ctrl-C to stop")
        process.wait()
        detail = server.log_tail(log) or f"exit status {process.returncode}"
        raise GnlcError(f"the oxigraph server stopped unexpectedly: {detail}")
    except (KeyboardInterrupt, _Stop):
        click.echo("stopping", err=True)
    finally:
        if process is not None:
            server.stop_server(process)
        shutil.rmtree(workdir, ignore_errors=True)
        os.close(lock)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    ctx.exit(OK)


def _check_port(host: str, port: int) -> None:
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise GnlcError(f"cannot listen on {host}:{port}: {reason} (try --port)") from None


def build_into(ctx: click.Context, out: Path, verb: str) -> Path | None:
    """Validate and build the release into out (a temporary folder); None if nonconforming."""
    from gnlc.export import build
    from gnlc.reporting import render_report

    root = root_of(ctx)
    click.echo(f"building the release from {root} into a temporary folder", err=True)
    report, release = build(root, out)
    if release is None:
        click.echo(render_report(report, "text"), err=True, nl=False)
        click.echo(f"gnlc: {verb} refused: data does not conform (see gnlc validate)", err=True)
        return None
    return out
