"""The HTTP front of `gnlc serve`: checks each request, then asks a pooled Oxigraph server.

Oxigraph's server runs SERVICE calls (it fetches any URL a query names) and its own
`--timeout-s` does not stop a running `COUNT(*)` over a cross product. So clients never talk
to it: this front reads each request, refuses what `serve` does not offer (SERVICE, updates,
bodies over the size limit), re-sends the query it checked to one of a few Oxigraph servers on
private loopback ports, each answering one request at a time, and kills and replaces a server
whose query runs past the time limit.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import queue
import socket
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import NamedTuple
from urllib.parse import parse_qsl, urlencode, urlsplit

from gnlc import server
from gnlc.errors import GnlcError, debugging
from gnlc.federation import uses_service

MAX_QUERY_BYTES = 1024 * 1024  # a POSTed query or form
MAX_RESPONSE_BYTES = 64 * 1024 * 1024  # an answer is buffered whole, so it can still be refused
MAX_CLIENTS = 64  # requests handled at once; more get 503 at once
# Seconds a client has to send a whole request (line, headers and body); tests shorten it.
CLIENT_IDLE = float(os.environ.get("GNLC_TEST_CLIENT_IDLE") or 60.0)
DRAIN_LIMIT = 16 * 1024 * 1024  # bytes of a refused body read (and dropped) before closing
DRAIN_TIME = 2.0
POOL_SIZE = max(2, min(4, os.cpu_count() or 2))
STATIC = ("/", "/yasgui.min.css", "/yasgui.min.js", "/logo.svg")
GRAPH_PARAMS = ("default-graph-uri", "named-graph-uri", "union-default-graph")
ALLOWED = "GET, HEAD, POST, OPTIONS"
SERVICE_REFUSED = (
    "SERVICE (federated query) is refused: gnlc serve never fetches from other servers on a"
    " client's behalf. (A string, IRI or comment written like a SERVICE call counts too.)"
)


class Backend(NamedTuple):
    """One Oxigraph read-only server on a private loopback port."""

    process: subprocess.Popen
    port: int


class Pool:
    """Oxigraph servers over one store folder; a request takes one for itself alone."""

    def __init__(self, location: Path, binary: str, size: int = POOL_SIZE) -> None:
        self.location = location
        self.binary = binary
        self._idle: queue.Queue[Backend] = queue.Queue()
        self._live: set[Backend] = set()
        self._lock = threading.Lock()
        self._closed = False
        for _ in range(size):
            self._idle.put(self._spawn())
        # Replacements are started by one long-lived thread: a server is told to stop when
        # the thread that started it ends (server.py's parent-death signal), and request
        # threads end after each request.
        self._wanted: queue.Queue[bool] = queue.Queue()
        threading.Thread(target=self._respawn, daemon=True).start()

    def _respawn(self) -> None:
        while self._wanted.get():
            if self._closed:
                continue
            with contextlib.suppress(GnlcError):
                self._idle.put(self._spawn())

    def _spawn(self) -> Backend:
        port = server.free_port("127.0.0.1")
        log = self.location.parent / f"oxigraph-{port}.log"
        process = server.start_server(self.location, "127.0.0.1", port, self.binary, log=log)
        backend = Backend(process, port)
        with self._lock:
            self._live.add(backend)
        server.wait_until_ready(server.root_url("127.0.0.1", port), process, log=log)
        return backend

    def take(self, wait: float) -> Backend | None:
        """An idle server, waiting up to `wait` seconds for one; None if all stay busy."""
        try:
            return self._idle.get(timeout=wait)
        except queue.Empty:
            return None

    def give_back(self, backend: Backend) -> None:
        """Return a server after a complete answer (one that died is replaced)."""
        if backend.process.poll() is None:
            self._idle.put(backend)
        else:
            self.replace(backend)

    def kill(self, backend: Backend) -> None:
        """Stop a server at once (a query past its time limit keeps it busy otherwise)."""
        backend.process.kill()
        backend.process.wait()
        with self._lock:
            self._live.discard(backend)

    def replace(self, backend: Backend) -> None:
        """Kill a server and have a fresh one started in its place."""
        self.kill(backend)
        self._wanted.put(True)

    def close(self) -> None:
        """Stop every server."""
        self._closed = True
        self._wanted.put(False)
        with self._lock:
            live = list(self._live)
        for backend in live:
            server.stop_server(backend.process)


class _Refused(Exception):
    """A request answered with an error status instead of being forwarded."""

    def __init__(self, status: int, message: str, close: bool = False) -> None:
        super().__init__(message)
        self.status = status
        self.close = close


class _TimedOut(Exception):
    """The query ran past the time limit."""


class _TooLarge(Exception):
    """The answer is larger than MAX_RESPONSE_BYTES."""


class Front(ThreadingHTTPServer):
    """The public listener of `gnlc serve`."""

    daemon_threads = True

    pool: Pool
    query_timeout: float = 30.0
    cors: bool = False

    def __init__(self, host: str, port: int) -> None:
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self._slots = threading.BoundedSemaphore(MAX_CLIENTS)
        super().__init__((host.strip("[]"), port), FrontHandler)

    def start(self, pool: Pool, query_timeout: float, cors: bool = False) -> None:
        """Set what the handlers use; call before serve_forever()."""
        self.pool = pool
        self.query_timeout = query_timeout
        self.cors = cors

    def process_request(self, request, client_address) -> None:
        """Handle in a thread while fewer than MAX_CLIENTS are; else answer 503 at once."""
        if not self._slots.acquire(blocking=False):
            with contextlib.suppress(OSError):
                message = b"too many requests at once; retry later\n"
                request.sendall(
                    b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\n"
                    b"Retry-After: 5\r\nConnection: close\r\n"
                    + f"Content-Length: {len(message)}\r\n\r\n".encode()
                    + message
                )
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request, client_address) -> None:
        """The handler thread; frees its slot at the end."""
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def handle_error(self, request, client_address) -> None:
        """A client that hangs up is its own business: a traceback only under --debug."""
        if debugging():
            super().handle_error(request, client_address)


def _essence(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


class FrontHandler(BaseHTTPRequestHandler):
    """Answers one client connection (HTTP/1.1, kept alive)."""

    server: Front
    protocol_version = "HTTP/1.1"
    server_version = "gnlc-serve"
    timeout = CLIENT_IDLE
    _reading: threading.Timer | None = None

    def handle_one_request(self) -> None:
        """Read and answer one request; a client still sending after CLIENT_IDLE is cut off.

        The socket timeout alone bounds each read, so a client sending a byte a minute
        would hold a handler (and one of MAX_CLIENTS) for ever.
        """
        self._reading = threading.Timer(CLIENT_IDLE, self._cut_off)
        self._reading.daemon = True
        self._reading.start()
        try:
            super().handle_one_request()
        finally:
            self._read()

    def handle_expect_100(self) -> bool:
        """Say 413 before a client (curl does this) sends a body over the limit."""
        length = self.headers.get("Content-Length", "")
        if length.isdigit() and int(length) > MAX_QUERY_BYTES:
            self.close_connection = True
            self._reply(413, _too_large(int(length)), "text/plain; charset=utf-8")
            return False
        return super().handle_expect_100()

    def _cut_off(self) -> None:
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def _read(self) -> None:
        """The request is in: stop the clock on the client."""
        if self._reading is not None:
            self._reading.cancel()
            self._reading = None

    def log_message(self, format: str, *args: object) -> None:
        """Quiet, like Oxigraph's server."""

    def version_string(self) -> str:
        """The Server header: no Python version for the world to read."""
        return self.server_version

    # --- the verbs -------------------------------------------------------------------------

    def do_OPTIONS(self) -> None:
        """Allowed methods; with --cors, the answer to a browser's preflight request."""
        self._read()
        headers = {"Allow": ALLOWED}
        if self.server.cors:
            asked = self.headers.get("Access-Control-Request-Headers")
            headers.update(
                {
                    "Access-Control-Allow-Methods": ALLOWED,
                    "Access-Control-Allow-Headers": asked or "Accept, Content-Type",
                    "Access-Control-Max-Age": "600",
                }
            )
        self._reply(204, b"", "", headers)

    def do_GET(self) -> None:
        """The query UI, a query in the URL, the service description, graph reads."""
        self._guarded(self._get)

    def do_HEAD(self) -> None:
        """As GET, without the body."""
        self._guarded(self._get)

    def do_POST(self) -> None:
        """A query POSTed directly or as a form; anything else is refused."""
        self._guarded(self._post)

    def _read_only(self) -> None:
        self._guarded(self._refuse_write)

    do_PUT = do_DELETE = do_PATCH = _read_only

    # --- routing ---------------------------------------------------------------------------

    def _guarded(self, route) -> None:
        if self.command != "POST":
            self._read()
        try:
            route()
        except _Refused as refusal:
            if refusal.close:
                self.close_connection = True
            self._reply(refusal.status, f"{refusal}\n".encode(), "text/plain; charset=utf-8")
            if refusal.close:
                self._drain()

    def _get(self) -> None:
        parts = urlsplit(self.path)
        if parts.path == "/query" and parts.query:
            self._query(None, self._params(parts.query))
        elif parts.path in (*STATIC, "/query") or parts.path.startswith("/store"):
            self._forward(self.command, self.path, b"", None)
        elif parts.path == "/update":
            self._refuse_write()
        else:
            raise _Refused(404, f"{parts.path}: no such page (the endpoint is /query)")

    def _post(self) -> None:
        parts = urlsplit(self.path)
        if parts.path != "/query":
            if parts.path == "/update" or parts.path.startswith("/store"):
                self._refuse_write()
            raise _Refused(404, f"{parts.path}: no such page (the endpoint is /query)", True)
        kind = _essence(self.headers.get("Content-Type"))
        if kind not in ("application/sparql-query", "application/x-www-form-urlencoded"):
            shown = kind or "missing"
            raise _Refused(
                415,
                f"Content-Type {shown}: send application/sparql-query or"
                " application/x-www-form-urlencoded",
                True,
            )
        body = self._body()
        url_params = self._params(parts.query)
        if kind == "application/sparql-query":
            self._query(self._text(body), url_params)
            return
        form = self._params(self._text(body))
        both = sorted({k for k, _ in form} & {k for k, _ in url_params})
        if both:
            raise _Refused(400, f"{both[0]!r} given both in the URL and in the body")
        self._query(None, url_params + form)

    def _refuse_write(self) -> None:
        raise _Refused(403, "gnlc serve is read-only: updates and graph writes are refused", True)

    # --- reading the request ---------------------------------------------------------------

    def _body(self) -> bytes:
        if self.headers.get("Transfer-Encoding"):
            raise _Refused(411, "send the body with a Content-Length (no chunked encoding)", True)
        if _essence(self.headers.get("Content-Encoding")) not in ("", "identity"):
            raise _Refused(415, "compressed request bodies are not accepted", True)
        raw = self.headers.get("Content-Length")
        if raw is None:
            raise _Refused(411, "a POST needs a Content-Length", True)
        try:
            length = int(raw)
        except ValueError:
            raise _Refused(400, f"bad Content-Length {raw!r}", True) from None
        if length < 0:
            raise _Refused(400, f"bad Content-Length {raw!r}", True)
        if length > MAX_QUERY_BYTES:
            raise _Refused(413, _too_large(length).decode().strip(), True)
        body = self.rfile.read(length)
        self._read()
        if len(body) < length:
            self.close_connection = True
            raise _Refused(400, "request body cut off", True)
        return body

    @staticmethod
    def _text(body: bytes) -> str:
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError:
            raise _Refused(400, "the request body is not UTF-8") from None

    @staticmethod
    def _params(text: str) -> list[tuple[str, str]]:
        return parse_qsl(text, keep_blank_values=True)

    def _drain(self) -> None:
        # Closing a socket with unread input resets the connection, and the client may lose
        # the answer it is about to read: read (and drop) some of what it still sends first.
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_WR)
            self.connection.settimeout(0.5)
            end = time.monotonic() + DRAIN_TIME
            dropped = 0
            while dropped < DRAIN_LIMIT and time.monotonic() < end:
                chunk = self.connection.recv(65536)
                if not chunk:
                    break
                dropped += len(chunk)

    # --- answering -------------------------------------------------------------------------

    def _query(self, text: str | None, params: list[tuple[str, str]]) -> None:
        if text is None:
            given = [v for k, v in params if k == "query"]
            if len(given) != 1:
                raise _Refused(400, "give the query parameter exactly once")
            text = given[0]
        if uses_service(text):
            raise _Refused(400, SERVICE_REFUSED)
        graphs = [(k, v) for k, v in params if k in GRAPH_PARAMS]
        path = "/query" + (f"?{urlencode(graphs)}" if graphs else "")
        headers = {"Content-Type": "application/sparql-query; charset=utf-8"}
        self._forward("POST", path, text.encode("utf-8"), headers)

    def _forward(self, method: str, path: str, body: bytes, extra: dict | None) -> None:
        headers = {"Accept": "*/*"}
        for name in ("Accept", "Host"):  # content negotiation; the base IRI Oxigraph uses
            value = self.headers.get(name, "")
            if value and value.isprintable():
                headers[name] = value
        headers.update(extra or {})
        pool, limit = self.server.pool, self.server.query_timeout
        backend = pool.take(limit)
        if backend is None:
            raise _Refused(503, "all query engines are busy; retry later")
        try:
            status, ctype, answer = _exchange(backend, method, path, body, headers, limit)
        except _TimedOut:
            pool.replace(backend)  # killed now: nothing keeps computing once the client is told
            raise _Refused(
                504,
                f"query stopped: it ran past the time limit of {limit:g} s"
                " (gnlc serve --query-timeout)",
            ) from None
        except _TooLarge:
            pool.replace(backend)
            raise _Refused(
                500, f"the answer is larger than {MAX_RESPONSE_BYTES:,} bytes; add a LIMIT"
            ) from None
        except Exception as exc:  # the engine failed; the server is never lost to the pool
            pool.replace(backend)
            raise _Refused(502, f"the query engine failed: {exc}") from None
        pool.give_back(backend)
        self._reply(status, answer, ctype)

    def _reply(self, status: int, body: bytes, ctype: str, headers: dict | None = None) -> None:
        self.send_response(status)
        if ctype:
            self.send_header("Content-Type", ctype)
        if status != 204:  # a 204 has no body, and no Content-Length either
            self.send_header("Content-Length", str(len(body)))
        if self.server.cors:
            self.send_header("Access-Control-Allow-Origin", "*")
        if status == 503:
            self.send_header("Retry-After", "5")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def _too_large(length: int) -> bytes:
    return (
        f"request body of {length:,} bytes is over the limit of {MAX_QUERY_BYTES:,} bytes"
        " for a query\n"
    ).encode()


def _exchange(
    backend: Backend, method: str, path: str, body: bytes, headers: dict, limit: float
) -> tuple[int, str, bytes]:
    """(status, content type, body) from a backend, all within `limit` seconds."""
    deadline = time.monotonic() + limit

    def left() -> float:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise _TimedOut
        return remaining

    connection = http.client.HTTPConnection("127.0.0.1", backend.port, timeout=left())
    try:
        connection.request(method, path, body=body or None, headers=headers)
        sock = connection.sock
        sock.settimeout(left())
        response = connection.getresponse()
        chunks, size = [], 0
        while True:
            sock.settimeout(left())
            chunk = response.read1(65536) if method != "HEAD" else b""
            if not chunk:
                break
            size += len(chunk)
            if size > MAX_RESPONSE_BYTES:
                raise _TooLarge
            chunks.append(chunk)
        return response.status, response.getheader("Content-Type", ""), b"".join(chunks)
    except TimeoutError:
        raise _TimedOut from None
    finally:
        connection.close()
