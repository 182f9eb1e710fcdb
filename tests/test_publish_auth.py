"""`gnlc publish` against a store that asks for HTTP Digest credentials (RFC 7616, MD5, qop=auth).

A small stdlib store stands in for Virtuoso's /sparql-graph-crud-auth (tests/test_virtuoso.py
runs the real one): it checks each digest answer itself with hashlib, refuses a nonce count that
does not grow, and, like Virtuoso, answers a request without valid credentials with 401 and
closes the connection without reading the body.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from gnlc.cli import cli

GRAPH = "https://example.org/gnlc-test/graph/release"
USER, PASSWORD = "dba", "Digest-Pa55-word-4242"
REALM = "SPARQL"


def md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()  # RFC 7616: MD5 is the default algorithm


class DigestStore(ThreadingHTTPServer):
    """Records what arrived: (method, whether the credentials were valid, body length)."""

    daemon_threads = False
    block_on_close = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), DigestHandler)
        self.requests: list[tuple[str, bool, int]] = []
        self.counts: dict[str, int] = {}  # last nonce count seen per nonce
        self.stale_once = False  # answer the first valid PUT with a stale nonce
        self.triples = 0  # what the count query answers
        self.body = b""

    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class DigestHandler(BaseHTTPRequestHandler):
    server: DigestStore

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""

    def _valid(self) -> bool:
        header = self.headers.get("Authorization", "")
        if not header.startswith("Digest "):
            return False
        fields = dict(re.findall(r'(\w+)="?([^",]*)"?', header[len("Digest ") :]))
        nonce, count = fields.get("nonce", ""), int(fields.get("nc", "0"), 16)
        if nonce not in self.server.counts or count <= self.server.counts[nonce]:
            return False  # unknown nonce, or a replayed count
        ha1 = md5(f"{USER}:{REALM}:{PASSWORD}")
        ha2 = md5(f"{self.command}:{self.path}")
        expected = md5(f"{ha1}:{nonce}:{fields.get('nc')}:{fields.get('cnonce')}:auth:{ha2}")
        ok = (
            fields.get("username") == USER
            and fields.get("uri") == self.path
            and fields.get("qop") == "auth"
            and fields.get("response") == expected
        )
        if ok:
            self.server.counts[nonce] = count
        return ok

    def _challenge(self, stale: bool = False) -> None:
        nonce = secrets.token_hex(16)
        self.server.counts[nonce] = 0
        self.send_response(401)
        self.send_header(
            "WWW-Authenticate",
            f'Digest realm="{REALM}", nonce="{nonce}", qop="auth", algorithm="MD5", '
            f'stale="{"true" if stale else "false"}"',
        )
        self.send_header("Content-Length", "0")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True

    def _reply(self, status: int, ctype: str = "text/plain", body: bytes = b"") -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self) -> None:
        valid = self._valid()
        self.server.requests.append(("HEAD", valid, 0))
        if valid:
            self._reply(501)  # what Virtuoso answers to an authenticated HEAD
        else:
            self._challenge()

    def do_PUT(self) -> None:
        valid = self._valid()
        if not valid:  # like Virtuoso: refused before the body is read
            self.server.requests.append(("PUT", False, 0))
            self._challenge()
            return
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.requests.append(("PUT", True, len(body)))
        if self.server.stale_once:
            self.server.stale_once = False
            self._challenge(stale=True)
            return
        self.server.body = body
        self.server.triples = sum(
            1 for line in body.decode().splitlines() if line.strip() and not line.startswith("#")
        )
        self._reply(201)

    def do_GET(self) -> None:  # the query endpoint: open to all, as Virtuoso's /sparql
        self.server.requests.append(("GET", False, 0))
        n = {"type": "literal", "value": str(self.server.triples)}
        answer = {"head": {"vars": ["n"]}, "results": {"bindings": [{"n": n}]}}
        self._reply(200, "application/sparql-results+json", json.dumps(answer).encode())


@pytest.fixture
def store() -> Iterator[DigestStore]:
    server = DigestStore()
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


def publish(store: DigestStore, release: Path, password: str = PASSWORD):
    args = ["publish", "--endpoint", store.root + "/sparql", "--store", store.root + "/crud"]
    args += ["--graph", GRAPH, "--data", str(release), "--user", USER]
    env = {"GNLC_PASSWORD": password}
    return CliRunner(env=env).invoke(cli, args, catch_exceptions=False)


def test_digest_credentials_go_with_the_only_body_sent(store: DigestStore, release: Path) -> None:
    result = publish(store, release)
    assert result.exit_code == 0, result.stderr
    puts = [r for r in store.requests if r[0] == "PUT"]
    assert puts == [("PUT", True, (release / "gnlc.nt").stat().st_size)]
    assert store.body == (release / "gnlc.nt").read_bytes()
    assert PASSWORD not in result.stdout + result.stderr


def test_digest_wrong_password_sends_no_body(store: DigestStore, release: Path) -> None:
    result = publish(store, release, password="not-" + PASSWORD)
    lines = result.stderr.strip().splitlines()
    assert result.exit_code == 2
    assert len(lines) == 1 and "HTTP 401" in lines[0], lines
    assert "Traceback" not in result.stderr
    assert [r for r in store.requests if r[0] == "PUT"] == []


def test_digest_stale_nonce_is_answered_again(store: DigestStore, release: Path) -> None:
    store.stale_once = True
    result = publish(store, release)
    assert result.exit_code == 0, result.stderr
    size = (release / "gnlc.nt").stat().st_size
    assert [r for r in store.requests if r[0] == "PUT"] == [("PUT", True, size)] * 2
