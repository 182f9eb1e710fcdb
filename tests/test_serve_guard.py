"""`gnlc serve` against hostile clients: SERVICE (SSRF), runaway queries, huge bodies; CORS.

Every test talks to a real `gnlc serve` (the installed command, real Oxigraph servers behind
it) on 127.0.0.1. The SERVICE targets are real listening sockets in the test, which count the
connections they receive.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from test_endpoint import (  # the same valid root, release and serve runner as the endpoint tests
    PATIENCE,
    GnlcServe,
    free_port,
    gnlc_root,  # noqa: F401 (a fixture `release` needs)
    http,
    release,  # noqa: F401 (a fixture)
    sparql_count,
    stop,
)

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
# Three copies of every triple side by side: far more rows than any time limit lets through.
CROSS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
FORM = "application/x-www-form-urlencoded"
SPARQL_JSON = "application/sparql-results+json"
ONE_ROW = json.dumps(
    {"head": {"vars": ["o"]}, "results": {"bindings": [{"o": {"type": "literal", "value": "x"}}]}}
).encode()


class Listener(ThreadingHTTPServer):
    """A SPARQL-looking server on 127.0.0.1 that counts every connection it accepts."""

    daemon_threads = True
    block_on_close = False

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), ListenerHandler)
        self.connections = 0
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        """http://127.0.0.1:PORT/sparql"""
        return f"http://127.0.0.1:{self.server_address[1]}/sparql"

    def get_request(self):
        """Accept, and count, one connection."""
        accepted = super().get_request()
        with self._lock:
            self.connections += 1
        return accepted

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that hangs up is fine."""


class ListenerHandler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self.send_response(200)
        self.send_header("Content-Type", SPARQL_JSON)
        self.send_header("Content-Length", str(len(ONE_ROW)))
        self.end_headers()
        self.wfile.write(ONE_ROW)

    do_GET = do_POST = _answer


@pytest.fixture
def listener() -> Iterator[Listener]:
    """A counting listener, served from a thread; always shut down."""
    server = Listener()
    # shutdown() waits for the loop's next poll: 0.5 s by default, idle in every test
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    )
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="module")
def guarded(release: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[GnlcServe]:  # noqa: F811
    """`gnlc serve --cors --query-timeout 2` on the release."""
    tmpdir = tmp_path_factory.mktemp("guarded")
    args = ["serve", "--port", str(free_port()), "--data", str(release)]
    server = GnlcServe([*args, "--cors", "--query-timeout", "2"], tmpdir)
    try:
        yield server
    finally:
        stop(server.process)


def ask(server: GnlcServe, query: str, how: str = "form", **headers: str):
    """(status, content type, body) of a query sent the way `how` names."""
    headers.setdefault("Accept", SPARQL_JSON)
    if how == "get":
        return http(f"{server.endpoint}?query={quote(query)}", **headers)
    if how == "direct":
        headers["Content-Type"] = "application/sparql-query"
        return http(server.endpoint, data=query.encode(), method="POST", **headers)
    headers["Content-Type"] = FORM
    data = urlencode({"query": query}).encode()
    return http(server.endpoint, data=data, method="POST", **headers)


# --- SERVICE: serve never fetches on a client's behalf ------------------------------------

SERVICE_QUERIES = {
    "plain": "SELECT * WHERE { SERVICE <URL> { ?s ?p ?o } }",
    "lower-case-silent": "select * where { service silent <URL> { ?s ?p ?o } }",
    "no-spaces": "SELECT * WHERE{?x ?y ?z .SERVICE<URL>{?s ?p ?o}}",
    "comment-inside": "SELECT * WHERE { SERVICE # a comment\n <URL> # another\n { ?s ?p ?o } }",
    "prefixed-name": "PREFIX remote: <URL> SELECT * WHERE { SERVICE remote: { ?s ?p ?o } }",
    "variable": "SELECT * WHERE { VALUES ?e { <URL> } SERVICE ?e { ?s ?p ?o } }",
    "after-optional": "SELECT * WHERE { OPTIONAL { ?a ?b ?c } SERVICE <URL> { ?s ?p ?o } }",
    # `<` compares here, but a lexer taking `<'b>` for an IRI would then see a string
    # swallowing the SERVICE call up to the next quote.
    "less-than-then-quote": (
        "SELECT * WHERE { BIND('a' AS ?a) FILTER(?a<'b>')SERVICE<URL>{?s ?p ?o} FILTER('c'='c') }"
    ),
    # The object `true`, then SERVICE and the IRI `:`, glued: the parser backtracks into
    # that reading (a lexer would see one prefixed name `trueSERVICE:`).
    "glued-to-a-literal": "PREFIX : <URL> SELECT * WHERE { ?k ?p trueSERVICE:{?s ?p ?o} }",
}


@pytest.mark.server
@pytest.mark.parametrize("how", ["get", "form", "direct"])
@pytest.mark.parametrize("name", sorted(SERVICE_QUERIES))
def test_serve_refuses_service_and_connects_nowhere(
    guarded: GnlcServe, listener: Listener, name: str, how: str
) -> None:
    query = SERVICE_QUERIES[name].replace("URL", listener.url)
    status, ctype, body = ask(guarded, query, how)
    assert status == 400, body
    assert ctype.startswith("text/plain")
    assert b"SERVICE" in body and b"never fetches" in body
    assert listener.connections == 0


@pytest.mark.server
def test_serve_answers_queries_that_only_mention_service(guarded: GnlcServe) -> None:
    # A variable, a prefixed name and a string holding the word are not SERVICE calls.
    query = (
        "PREFIX schema: <http://schema.org/> SELECT (COUNT(*) AS ?service) WHERE {"
        ' ?s ?p ?o OPTIONAL { ?s schema:serviceType ?t } FILTER(?o != "self-service") }'
    )
    status, _, body = ask(guarded, query, "form", Accept="text/csv")
    assert status == 200, body
    assert body.decode().splitlines()[0] == "service"


# --- time and size limits ------------------------------------------------------------------


def oxigraph_children(pid: int) -> set[int]:
    """Process ids of the oxigraph servers whose parent is `pid` (read from /proc)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        parent = int(stat[stat.rindex(")") + 2 :].split()[1])
        if parent == pid and name == "oxigraph":
            found.add(int(entry.name))
    return found


@pytest.mark.server
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")
def test_serve_stops_a_query_past_its_time_limit(guarded: GnlcServe) -> None:
    before = oxigraph_children(guarded.process.pid)
    assert len(before) >= 2
    status, ctype, body = ask(guarded, CROSS, "form", Accept="text/csv")
    assert status == 504, body
    assert ctype.startswith("text/plain")
    assert b"time limit of 2 s" in body and b"--query-timeout" in body
    # The server that ran it was killed (it no longer exists), not left computing.
    gone = before - oxigraph_children(guarded.process.pid)
    assert len(gone) == 1
    assert not any(Path(f"/proc/{pid}").exists() for pid in gone)
    # A fresh server takes its place and stays up; every server answers the next queries.
    deadline = time.monotonic() + PATIENCE
    while len(oxigraph_children(guarded.process.pid)) < len(before):
        assert time.monotonic() < deadline, "no replacement server started"
        time.sleep(0.05)
    after = oxigraph_children(guarded.process.pid)
    for _ in range(2 * len(after) + 1):
        assert sparql_count(guarded.root, COUNT) > 0
    assert oxigraph_children(guarded.process.pid) == after


@pytest.mark.server
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")
def test_serve_keeps_its_query_servers_when_clients_give_up(guarded: GnlcServe) -> None:
    # Clients that hang up before the time limit: their queries are still stopped, and every
    # query server killed for them is replaced (the answer to a gone client cannot be sent).
    before = oxigraph_children(guarded.process.pid)
    port = int(guarded.root.rsplit(":", 1)[1])
    body = urlencode({"query": CROSS}).encode()
    for _ in range(len(before) + 1):
        with socket.create_connection(("127.0.0.1", port), timeout=PATIENCE) as sock:
            sock.sendall(
                f"POST /query HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {FORM}\r\n"
                f"Content-Length: {len(body)}\r\n\r\n".encode()
                + body
            )
            time.sleep(0.2)  # let the query start, then hang up
    deadline = time.monotonic() + PATIENCE
    for _ in range(2 * len(before) + 1):
        assert count_when_free(guarded.root, deadline) > 0
    while len(oxigraph_children(guarded.process.pid)) != len(before):
        assert time.monotonic() < deadline, "query servers were lost"
        time.sleep(0.05)


def count_when_free(root: str, deadline: float) -> int:
    """A COUNT answered once a query server is free: while killed servers are being replaced
    (slow on a loaded machine) the front may answer 503 with Retry-After, as documented; a
    client that honours it must get its answer before the deadline, never another error."""
    url = f"{root}/query?query={quote(COUNT)}"
    while True:
        status, _, body = http(url, Accept="text/csv")
        if status != 503:
            assert status == 200, body
            return int(body.decode("utf-8").splitlines()[1])
        assert time.monotonic() < deadline, "no query server came back"
        time.sleep(0.2)


def _raw_post(port: int, length: int, first: bytes) -> bytes:
    """The status line of a POST announcing `length` body bytes: `first`, then `+` (a space
    in a form) up to `length`. The answer is read while the body is still being sent, as a
    server that refuses early answers before the body is in."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=PATIENCE)
    head = (
        f"POST /query HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {FORM}\r\n"
        f"Accept: text/csv\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n"
    ).encode()

    def send() -> None:
        try:
            sock.sendall(head + first)
            sent = len(first)
            while sent < length:
                chunk = b"+" * min(1 << 16, length - sent)
                sock.sendall(chunk)
                sent += len(chunk)
        except OSError:
            pass  # the server closed the connection after answering

    sender = threading.Thread(target=send, daemon=True)
    sender.start()
    answer = b""
    try:
        while b"\r\n" not in answer:
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
    except OSError:
        pass
    finally:
        sock.close()
        sender.join(PATIENCE)
    return answer.split(b"\r\n", 1)[0]


@pytest.mark.server
def test_serve_refuses_a_64_mb_body(guarded: GnlcServe) -> None:
    port = int(guarded.root.rsplit(":", 1)[1])
    first = b"query=" + quote(COUNT).encode()
    assert _raw_post(port, 64 * 1024 * 1024, first).startswith(b"HTTP/1.1 413 ")
    # A client that waits for `100 Continue` is refused before it sends the body.
    with socket.create_connection(("127.0.0.1", port), timeout=PATIENCE) as sock:
        sock.sendall(
            f"POST /query HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {FORM}\r\n"
            f"Content-Length: {64 * 1024 * 1024}\r\nExpect: 100-continue\r\n\r\n".encode()
        )
        assert sock.recv(65536).startswith(b"HTTP/1.1 413 ")
    # The same query padded to just under the documented 1 MiB is answered.
    assert _raw_post(port, 1024 * 1024 - 1, first).startswith(b"HTTP/1.1 200 ")


@pytest.mark.server
def test_serve_cuts_off_a_client_that_sends_a_request_slowly(
    release: Path,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Each byte arrives well within any per-read timeout; the whole request never would.
    monkeypatch.setenv("GNLC_TEST_CLIENT_IDLE", "2")
    server = GnlcServe(["serve", "--port", str(free_port()), "--data", str(release)], tmp_path)
    try:
        port = int(server.root.rsplit(":", 1)[1])
        header = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"x" * 200 + b"\r\n\r\n"
        sent = 0
        with socket.create_connection(("127.0.0.1", port), timeout=PATIENCE) as sock:
            try:
                for byte in header:
                    sock.sendall(bytes([byte]))
                    sent += 1
                    time.sleep(0.05)
                    sock.setblocking(False)
                    try:
                        if sock.recv(1) == b"":
                            break  # the server closed the connection
                    except BlockingIOError:
                        pass
                    finally:
                        sock.setblocking(True)
                        sock.settimeout(PATIENCE)
            except OSError:
                pass  # reset by the server
        assert sent < len(header)
        assert sparql_count(server.root, COUNT) > 0  # other clients are still served
    finally:
        server.interrupt(signal.SIGTERM)


@pytest.mark.server
def test_serve_refuses_updates_before_the_engine_sees_them(
    guarded: GnlcServe, listener: Listener
) -> None:
    update = f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"
    status, _, body = http(
        guarded.root + "/update",
        data=update.encode(),
        method="POST",
        **{"Content-Type": "application/sparql-update"},
    )
    assert status == 403, body
    assert listener.connections == 0


# --- CORS ----------------------------------------------------------------------------------


@pytest.mark.server
def test_serve_cors_answers_a_preflight_and_marks_answers(guarded: GnlcServe) -> None:
    origin = "https://notebook.example.org"
    status, headers = preflight(guarded.endpoint, origin)
    assert 200 <= status < 300
    assert headers["access-control-allow-origin"] in ("*", origin)
    assert "POST" in headers["access-control-allow-methods"]
    assert "content-type" in headers["access-control-allow-headers"].lower()
    assert cross_origin_query(guarded.endpoint, origin)["access-control-allow-origin"] in (
        "*",
        origin,
    )


@pytest.mark.server
def test_serve_without_cors_sends_no_cors_headers(release: Path, tmp_path: Path) -> None:  # noqa: F811
    server = GnlcServe(["serve", "--port", str(free_port()), "--data", str(release)], tmp_path)
    try:
        origin = "https://notebook.example.org"
        assert "access-control-allow-origin" not in preflight(server.endpoint, origin)[1]
        assert "access-control-allow-origin" not in cross_origin_query(server.endpoint, origin)
    finally:
        server.interrupt(signal.SIGTERM)


def preflight(url: str, origin: str) -> tuple[int, dict[str, str]]:
    """Status and lower-cased headers of a browser's preflight for a POST with a Content-Type."""
    request = urllib.request.Request(
        url,
        method="OPTIONS",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=PATIENCE) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}


def cross_origin_query(url: str, origin: str) -> dict[str, str]:
    """Lower-cased headers of the answer to a cross-origin query."""
    data = urlencode({"query": COUNT}).encode()
    request = urllib.request.Request(
        url,
        data=data,
        headers={"Origin": origin, "Content-Type": FORM, "Accept": SPARQL_JSON},
    )
    with urllib.request.urlopen(request, timeout=PATIENCE) as response:
        response.read()
        return {k.lower(): v for k, v in response.headers.items()}


def test_os_has_proc_when_in_ci() -> None:
    # The time-limit test reads /proc; CI (Linux) must not skip it silently.
    if os.environ.get("CI"):
        assert Path("/proc/self/stat").exists()
