"""`gnlc query` against hostile input: SERVICE in a user's query, runaway local queries,
endpoints that drip bytes, send answers without end or terminal escape sequences (and
`gnlc publish` against the same endpoints: both speak HTTP through one layer).

Endpoints here are small stdlib servers on 127.0.0.1; SERVICE targets are real listening
sockets that count the connections they receive. Nothing leaves the machine.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import unicodedata
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph
import pytest
from click.testing import CliRunner
from test_serve_guard import SPARQL_JSON, Listener, listener  # noqa: F401 (a fixture)

from gnlc.cli import cli
from gnlc.federation import uses_service, without_service

REPO = Path(__file__).resolve().parents[1]
PATIENCE = 120.0  # a safety net so that a regression cannot hang the suite; never asserted on
CROSS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?n\n"


def gnlc(*args: str, env: dict[str, str] | None = None):
    """Invoke gnlc in-process on the project."""
    runner = CliRunner(env={"GNLC_DEBUG": "", **(env or {})})
    return runner.invoke(cli, ["--root", str(REPO), *args], catch_exceptions=False)


def one_error_line(stderr: str) -> str:
    """The single `gnlc: ...` line on stderr."""
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("gnlc: ") and "Traceback" not in stderr
    return lines[0]


def gnlc_executable() -> str:
    """The installed `gnlc` script (run as a user would, in its own process)."""
    import shutil
    import sys

    found = shutil.which("gnlc") or str(Path(sys.executable).parent / "gnlc")
    assert Path(found).exists(), "gnlc is not installed (pip install -e .)"
    return found


# --- SERVICE in a local query --------------------------------------------------------------


def test_local_query_refuses_service_and_connects_nowhere(
    listener: Listener,  # noqa: F811
    tmp_path: Path,
) -> None:
    query = tmp_path / "federated.rq"
    query.write_text(f"SELECT ?o WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }} ORDER BY ?o")
    result = gnlc("query", str(query))
    assert result.exit_code == 2
    line = one_error_line(result.stderr)
    assert "federated.rq" in line and "SERVICE" in line and "--allow-service" in line
    assert listener.connections == 0
    # Asked for, the same query does reach the listener and prints what it answered.
    allowed = gnlc("query", str(query), "--allow-service", "--format", "csv")
    assert allowed.exit_code == 0, allowed.stderr
    assert allowed.stdout.splitlines() == ["o", "x"]
    assert listener.connections >= 1


def _service_queries(url: str, count: int, seed: int) -> Iterator[str]:
    """Queries mixing SERVICE calls in every spelling the grammar allows with decoys."""
    rng = random.Random(seed)
    left = ["?s ?p ?o", '?s ?p "o"', "?s ?p true", "?s ?p 1", "?s ?p <http://e/o>", ""]
    seps = ["", " ", ".", " .\n", "#c\n", " # {\n"]
    words = ["SERVICE", "service", "SeRvIcE", "?service", '"SERVICE"', "ex:service", "Xservice"]
    gaps = ["", " ", "\n", "#x\n", " # y {\n"]
    silent = ["", "SILENT ", "silent", "SILENT#z\n"]
    names = [f"<{url}>", ":", ":x", "?e", "ex:", "ex:a\\#b"]
    tails = ["", "FILTER(true)", "OPTIONAL{?s ?p ?o}", "FILTER(?o<'b>')"]
    for _ in range(count):
        body = (
            rng.choice(left)
            + rng.choice(seps)
            + rng.choice(words)
            + rng.choice(gaps)
            + rng.choice(silent)
            + rng.choice(names)
            + rng.choice(gaps)
            + "{ ?x ?y ?z }"
            + rng.choice(seps)
            + rng.choice(tails)
        )
        yield (
            f"PREFIX : <{url}> PREFIX ex: <{url}> SELECT * WHERE {{"
            f" VALUES ?e {{ <{url}> }} {body} }}"
        )


def test_service_check_finds_every_call_oxigraph_makes(listener: Listener) -> None:  # noqa: F811
    # A second route: Oxigraph itself runs each query against a real listener; every query that
    # makes it connect must have been flagged. (Decoys that only mention the word may be
    # flagged too; what must never happen is a connection from an unflagged query.)
    e = pyoxigraph.NamedNode
    store = pyoxigraph.Store()
    for obj in (pyoxigraph.Literal("o"), pyoxigraph.Literal(True), pyoxigraph.Literal(1)):
        store.add(pyoxigraph.Quad(e("http://e/s"), e("http://e/p"), obj))
    connected = 0
    for query in _service_queries(listener.url, 600, seed=13):
        before = listener.connections
        # The listener answers, so a SERVICE call returns only after it was counted.
        valid = _runs(store, query)
        if listener.connections > before:
            connected += 1
            assert uses_service(query), query
        # The GRAPH reading used for syntax checks fetches nothing and parses exactly when the
        # query does.
        before = listener.connections
        assert _runs(store, without_service(query)) == valid, query
        assert listener.connections == before, query
    assert connected > 50  # the generator does produce real SERVICE calls


def _runs(store: pyoxigraph.Store, query: str) -> bool:
    """Whether the query parses (other failures, such as a refused call, count as parsed)."""
    try:
        list(store.query(query))
    except SyntaxError:
        return False
    except (OSError, RuntimeError):
        pass
    return True


@pytest.mark.parametrize(
    "text",
    [
        "SELECT ?service WHERE { ?service ?p ?o }",
        "SELECT * WHERE { ?s <http://schema.org/serviceType> ?t }",
        "PREFIX schema: <http://schema.org/> SELECT * WHERE { ?s schema:serviceArea ?a }",
        'SELECT * WHERE { ?s ?p "self-service" }',
        "# the service desk\nSELECT * WHERE { ?s ?p ?o }",
    ],
)
def test_service_check_lets_mentions_through(text: str) -> None:
    assert not uses_service(text)


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
        "SELECT * WHERE { ?s ?p ?o }" + " ?service" * 60,
    ],
)
def test_service_check_refuses_what_it_cannot_rule_out(text: str) -> None:
    # An engine that decodes \\u escapes before parsing reads the first as SERVICE; past 50
    # mentions the text is refused without trying each place (bounded work).
    assert uses_service(text)


def test_endpoint_query_with_service_fetches_nothing_locally(
    listener: Listener,  # noqa: F811
    endpoint: Endpoint,
    tmp_path: Path,
) -> None:
    # With --endpoint the endpoint decides about SERVICE; gnlc's own checks of the query
    # (syntax, form) must not make the call from this machine.
    query = tmp_path / "federated.rq"
    query.write_text(f"SELECT ?v WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?v }} }} ORDER BY ?v")
    result = gnlc("query", str(query), "--endpoint", endpoint.url, "--format", "csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == ["v", "x"]
    assert listener.connections == 0


# --- --timeout for local queries -----------------------------------------------------------


def _group_members(group: int) -> list[int]:
    """Processes still alive in a process group (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[2]) == group and fields[0] != "Z":
            found.append(int(entry.name))
    return found


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")
def test_local_query_stops_at_the_timeout(tmp_path: Path) -> None:
    query = tmp_path / "expensive.rq"
    query.write_text(CROSS, encoding="utf-8")
    process = subprocess.Popen(
        [gnlc_executable(), "--root", str(REPO), "query", str(query), "--timeout", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group: what it leaves behind is findable
        env={k: v for k, v in os.environ.items() if k != "GNLC_DEBUG"},
    )
    try:
        stdout, stderr = process.communicate(timeout=PATIENCE)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert process.returncode == 2, stderr
    assert stdout == ""
    line = one_error_line(stderr)
    assert "expensive.rq" in line and "timed out after 2s" in line and "--timeout" in line
    assert _group_members(process.pid) == []  # the query process was killed, not orphaned


def test_local_query_under_the_timeout_answers(tmp_path: Path) -> None:
    result = gnlc("query", "sdgs", "--format", "csv", "--timeout", "60")
    assert result.exit_code == 0, result.stderr
    assert len(result.stdout.splitlines()) == 18  # the header and the 17 goals


# --- --timeout for endpoints is one deadline ------------------------------------------------

ROWS = {
    "head": {"vars": ["v"]},
    "results": {"bindings": [{"v": {"type": "literal", "value": "x"}}]},
}


# Answers without end (each bounded at FLOOD bytes here, then held open): (status, headers, byte)
FLOOD = 32 * 1024 * 1024
FLOODS = {
    "flood": (200, {"Content-Type": SPARQL_JSON}, b" "),
    "announced": (200, {"Content-Type": SPARQL_JSON, "Content-Length": str(10**12)}, b" "),
    "error-flood": (500, {"Content-Type": "text/plain"}, b"x"),
    "redirect-flood": (307, {"Location": "/flood", "Content-Type": "text/plain"}, b" "),
}


class Endpoint(ThreadingHTTPServer):
    """A stdlib SPARQL endpoint whose behaviour the test sets."""

    daemon_threads = True
    block_on_close = False

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), EndpointHandler)
        self.mode = "json"
        self.payload = json.dumps(ROWS).encode()
        self.gap = 1.0  # seconds between two dripped bytes
        self.stopping = threading.Event()

    @property
    def url(self) -> str:
        """http://127.0.0.1:PORT/sparql"""
        return f"http://127.0.0.1:{self.server_address[1]}/sparql"

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that gives up is expected."""


class EndpointHandler(BaseHTTPRequestHandler):
    server: Endpoint

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""

    def _drip(self, data: bytes) -> None:
        for byte in data:
            if self.server.stopping.wait(self.server.gap):
                return
            self.wfile.write(bytes([byte]))
            self.wfile.flush()

    def _flood(self, status: int, headers: dict[str, str], byte: bytes = b" ") -> None:
        """An answer without end: FLOOD bytes, then the connection held open, never closed."""
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        chunk = byte * 65536
        for _ in range(FLOOD // len(chunk)):
            if self.server.stopping.is_set():
                return
            self.wfile.write(chunk)
        self.server.stopping.wait(PATIENCE)

    def do_GET(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)  # a publish's PUT: the whole release is taken in first
        body = self.server.payload
        mode = "flood" if self.path.startswith("/flood") else self.server.mode
        if mode in FLOODS:
            self._flood(*FLOODS[mode])
            return
        if mode == "bad-status":
            self.wfile.write(b"\x1b]0;PWNED\x07HACK\r\n\r\n")
            self.close_connection = True
            return
        if mode == "bad-reason":
            self.send_response(500, "\x1b]0;PWNED\x07 oops")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if mode == "drip-headers":
            head = (
                f"HTTP/1.1 200 OK\r\nContent-Type: {SPARQL_JSON}\r\n"
                f"Content-Length: {len(body)}\r\n\r\n"
            )
            self._drip(head.encode() + body)
            return
        status = 500 if mode == "error" else 200
        ctype = {
            "error": "text/plain",
            "ntriples": "application/n-triples",
            "bad-type": "\x1b]0;PWNED\x07",
        }.get(mode, SPARQL_JSON)
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        if mode != "json-unannounced":  # else the body ends where the connection does
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if mode == "drip-body":
            self._drip(body)
        else:
            self.wfile.write(body)

    do_POST = do_PUT = do_GET

    def do_HEAD(self) -> None:
        # The size of what a GET would send: no body follows, whatever the number says.
        self.send_response(200)
        self.send_header("Content-Length", str(10**12))
        self.end_headers()


@pytest.fixture
def endpoint() -> Iterator[Endpoint]:
    """The stdlib endpoint, served from a thread; always shut down."""
    server = Endpoint()
    # shutdown() waits for the loop's next poll: 0.5 s by default, idle in every test
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    )
    thread.start()
    try:
        yield server
    finally:
        server.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["drip-headers", "drip-body"])
def test_endpoint_timeout_is_a_deadline_for_the_whole_request(
    endpoint: Endpoint, mode: str, tmp_path: Path
) -> None:
    # One byte a second never leaves a read waiting 2 s; the answer would take minutes.
    endpoint.mode = mode
    query = tmp_path / "q.rq"
    query.write_text("SELECT ?v WHERE { ?s ?p ?v } ORDER BY ?v\n", encoding="utf-8")
    command = [gnlc_executable(), "--root", str(REPO), "query", str(query)]
    command += ["--endpoint", endpoint.url, "--timeout", "2", "--retries", "3"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=PATIENCE, check=False)
    assert result.returncode == 2, result.stdout
    line = one_error_line(result.stderr)
    assert endpoint.url in line and "timed out after 2s" in line


# --- values from an endpoint never steer the terminal --------------------------------------

HOSTILE = {
    "colour": "\x1b[31mred\x1b[0m",
    "title": "\x1b]0;pwned\x07",
    "c1-csi": "a\x9b2Jb",
    "carriage-return": "safe\rEVIL",
    "del-and-nul": "x\x7fy\x00z",
    "bidi": "abc\u202edcba\u202c",
    "isolate": "\u2067right\u2069",
}
SHOWN = {
    "colour": "\\x1b[31mred\\x1b[0m",
    "title": "\\x1b]0;pwned\\x07",
    "c1-csi": "a\\x9b2Jb",
    "carriage-return": "safe\\x0dEVIL",
    "del-and-nul": "x\\x7fy\\x00z",
    "bidi": "abc\\u202edcba\\u202c",
    "isolate": "\\u2067right\\u2069",
}
STEERING = {"Cc", "Cf"}  # controls, and format characters such as the bidi overrides


def _steering(text: str) -> list[str]:
    return [c for c in text if unicodedata.category(c) in STEERING and c != "\n"]


def test_table_output_escapes_control_characters(endpoint: Endpoint, tmp_path: Path) -> None:
    bindings = [
        {"name": {"type": "literal", "value": HOSTILE[k]}, "key": {"type": "literal", "value": k}}
        for k in sorted(HOSTILE)
    ]
    answer = {"head": {"vars": ["key", "name"]}, "results": {"bindings": bindings}}
    endpoint.payload = json.dumps(answer).encode()
    query = tmp_path / "q.rq"
    query.write_text("SELECT ?key ?name WHERE { ?key ?p ?name } ORDER BY ?key\n")
    result = gnlc("query", str(query), "--endpoint", endpoint.url, "--timeout", "30")
    assert result.exit_code == 0, result.stderr
    assert _steering(result.stdout) == []
    rows = result.stdout.splitlines()[2:-1]
    shown = {row.split(None, 1)[0]: row.split(None, 1)[1].rstrip() for row in rows}
    assert shown == {k: SHOWN[k] for k in HOSTILE}
    # The data formats carry the values unchanged.
    raw = gnlc("query", str(query), "--endpoint", endpoint.url, "--format", "json")
    values = {
        b["key"]["value"]: b["name"]["value"] for b in json.loads(raw.stdout)["results"]["bindings"]
    }
    assert values == HOSTILE


def test_endpoint_error_message_escapes_control_characters(
    endpoint: Endpoint, tmp_path: Path
) -> None:
    endpoint.mode = "error"
    endpoint.payload = b"broken \x1b[2J\x1b]0;pwned\x07 store"
    query = tmp_path / "q.rq"
    query.write_text("SELECT ?v WHERE { ?s ?p ?v } ORDER BY ?v\n")
    result = gnlc("query", str(query), "--endpoint", endpoint.url, "--retries", "0")
    assert result.exit_code == 2
    line = one_error_line(result.stderr)
    assert _steering(line) == []
    assert "broken \\x1b[2J\\x1b]0;pwned\\x07 store" in line


@pytest.mark.parametrize("fmt", ["turtle", "ntriples"])
def test_graph_output_escapes_steering_characters(
    endpoint: Endpoint, tmp_path: Path, fmt: str
) -> None:
    # Turtle and N-Triples escape C0 and DEL themselves; C1 and bidi characters become \u
    # escapes, which read back as the same graph.
    endpoint.mode = "ntriples"
    subject, predicate = "http://example.org/s", "http://example.org/p"
    lines = [
        f"<{subject}> <{predicate}> {pyoxigraph.Literal(value)} .\n" for value in HOSTILE.values()
    ]
    endpoint.payload = "".join(lines).encode("utf-8")
    query = tmp_path / "q.rq"
    query.write_text("CONSTRUCT WHERE { ?s ?p ?o }\n")
    result = gnlc("query", str(query), "--endpoint", endpoint.url, "--format", fmt)
    assert result.exit_code == 0, result.stderr
    assert _steering(result.stdout) == []
    kind = pyoxigraph.RdfFormat.TURTLE if fmt == "turtle" else pyoxigraph.RdfFormat.N_TRIPLES
    values = {q.object.value for q in pyoxigraph.parse(result.stdout.encode(), format=kind)}
    assert values == set(HOSTILE.values())


# --- answers without end, publish's deadline, a server's text in errors --------------------

LIMIT = 100_000  # GNLC_MAX_RESPONSE in these tests: far below FLOOD, above any real answer here
GRAPH = "https://example.org/gnlc-test/graph"


def hostile(
    endpoint: Endpoint, command: str, tmp_path: Path, timeout: str, limit: int = LIMIT, *extra: str
) -> subprocess.CompletedProcess:
    """`gnlc query FILE.rq` or `gnlc publish` against the endpoint, in its own process (so that
    a regression cannot hang the suite) with GNLC_MAX_RESPONSE=limit."""
    args = [gnlc_executable(), "--root", str(REPO), command]
    if command == "query":
        query = tmp_path / "q.rq"
        query.write_text("SELECT ?v WHERE { ?s ?p ?v } ORDER BY ?v\n", encoding="utf-8")
        args += [str(query), "--endpoint", endpoint.url, "--retries", "0"]
    else:
        release = tmp_path / "release"  # a release folder needs only gnlc.nt to be published
        release.mkdir()
        (release / "gnlc.nt").write_text(f'<{GRAPH}> <{GRAPH}#p> "o" .\n', encoding="utf-8")
        args += ["--endpoint", endpoint.url, "--store", endpoint.url, "--graph", GRAPH]
        args += ["--data", str(release)]
    env = {k: v for k, v in os.environ.items() if k != "GNLC_DEBUG"}
    env["GNLC_MAX_RESPONSE"] = str(limit)
    env["GNLC_PASSWORD"] = "not-a-secret"
    return subprocess.run(
        [*args, "--timeout", timeout, *extra],
        capture_output=True,
        text=True,
        timeout=PATIENCE,
        env=env,
        check=False,
    )


@pytest.mark.parametrize("command", ["query", "publish"])
@pytest.mark.parametrize("mode", ["flood", "announced", "redirect-flood"])
def test_an_answer_past_the_size_limit_is_refused(
    endpoint: Endpoint, command: str, mode: str, tmp_path: Path
) -> None:
    # Unlimited, an endless answer filled the memory (15.7 GB in a minute for publish); an
    # announced size past the limit is refused before any of it is read; urllib read a
    # redirect's whole body before following it.
    endpoint.mode = mode
    result = hostile(endpoint, command, tmp_path, "30")
    assert result.returncode == 2, result.stdout
    line = one_error_line(result.stderr)
    assert endpoint.url in line
    assert f"answer larger than {LIMIT:,} bytes" in line and "GNLC_MAX_RESPONSE" in line


@pytest.mark.parametrize("command", ["query", "publish"])
def test_an_endless_error_page_still_gives_its_message(
    endpoint: Endpoint, command: str, tmp_path: Path
) -> None:
    endpoint.mode = "error-flood"
    result = hostile(endpoint, command, tmp_path, "30")
    assert result.returncode == 2, result.stdout
    line = one_error_line(result.stderr)
    assert endpoint.url in line and "HTTP 500: xxxxxxxx" in line


@pytest.mark.parametrize("mode", ["json", "json-unannounced"])
def test_an_answer_of_exactly_the_limit_is_read(
    endpoint: Endpoint, mode: str, tmp_path: Path
) -> None:
    endpoint.mode = mode
    endpoint.payload = json.dumps(ROWS).encode().ljust(2000)  # JSON allows trailing spaces
    exact = hostile(endpoint, "query", tmp_path, "30", limit=2000)
    assert exact.returncode == 0, exact.stderr
    over = hostile(endpoint, "query", tmp_path, "30", limit=1999)
    assert over.returncode == 2
    assert "answer larger than 1,999 bytes" in one_error_line(over.stderr)


def test_the_limit_counts_bytes_sent_not_sizes_announced_for_head(
    endpoint: Endpoint, tmp_path: Path
) -> None:
    # publish --user probes the store with HEAD, whose Content-Length is the size of a GET's
    # answer (here past the limit) with no body: nothing to refuse.
    one = {"n": {"type": "literal", "value": "1"}}
    count = {"head": {"vars": ["n"]}, "results": {"bindings": [one]}}
    endpoint.payload = json.dumps(count).encode()
    result = hostile(endpoint, "publish", tmp_path, "30", LIMIT, "--user", "editor")
    assert result.returncode == 0, result.stderr
    assert "published 1 triples" in result.stdout


@pytest.mark.parametrize("mode", ["drip-headers", "drip-body"])
def test_publish_timeout_is_a_deadline_for_the_whole_publish(
    endpoint: Endpoint, mode: str, tmp_path: Path
) -> None:
    # A byte every 0.25 s never leaves one read waiting 1 s: publish used to wait for the
    # whole answer (forever, against a store that drips without end), whatever --timeout said.
    endpoint.mode, endpoint.gap = mode, 0.25
    result = hostile(endpoint, "publish", tmp_path, "1")
    assert result.returncode == 2, result.stdout
    line = one_error_line(result.stderr)
    assert endpoint.url in line and "timed out after 1s" in line


@pytest.mark.parametrize("command", ["query", "publish"])
@pytest.mark.parametrize(
    ("mode", "shown"),
    [
        ("bad-status", "bad HTTP response: \\x1b]0;PWNED\\x07HACK"),
        ("bad-reason", "HTTP 500: \\x1b]0;PWNED\\x07 oops"),
        ("bad-type", "(Content-Type \\x1b]0;PWNED\\x07)"),
    ],
)
def test_a_servers_text_in_an_error_is_escaped(
    endpoint: Endpoint, command: str, mode: str, shown: str, tmp_path: Path
) -> None:
    # A malformed status line, a reason phrase, a Content-Type: all the server's text, which
    # reached the terminal raw (ESC ] 0 ; ... BEL retitles the window).
    endpoint.mode = mode
    result = hostile(endpoint, command, tmp_path, "30")
    assert result.returncode == 2, result.stdout
    line = one_error_line(result.stderr)
    assert _steering(result.stderr.rstrip("\n")) == []
    assert shown in line


def test_a_bad_size_limit_is_one_line(endpoint: Endpoint, tmp_path: Path) -> None:
    result = hostile(endpoint, "query", tmp_path, "30", limit=0)
    assert result.returncode == 2
    assert "GNLC_MAX_RESPONSE='0': not a positive whole number" in one_error_line(result.stderr)


@pytest.mark.slow
def test_parameter_value_lookups_keep_the_timeout(tmp_path: Path) -> None:
    """A query's param-values lookup runs under --timeout too (it ran unbounded before)."""
    query = tmp_path / "lookup.rq"
    query.write_text(
        "# title: t\n# description: d\n# param: country xsd:string *  a country\n"
        "# param-values: country SELECT ?c WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }\n"
        "SELECT ?country WHERE { ?s ?p ?country } LIMIT 1\n",
        encoding="utf-8",
    )
    args = ["--root", str(REPO), "query", str(query), "--param", "country=TH", "--timeout", "1"]
    done = subprocess.run(
        [gnlc_executable(), *args],
        capture_output=True,
        text=True,
        timeout=PATIENCE,
        env={k: v for k, v in os.environ.items() if k != "GNLC_DEBUG"},
    )
    assert done.returncode == 2, done.stderr
    assert "lookup.rq: timed out after 1s (--timeout)" in one_error_line(done.stderr)


def test_a_failed_service_request_is_one_line_not_an_internal_error(tmp_path: Path) -> None:
    import socket

    with socket.socket() as closed:  # a port on 127.0.0.1 that nothing listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    query = tmp_path / "service.rq"
    query.write_text(
        f"SELECT ?x WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?x ?y ?z }} }}\n",
        encoding="utf-8",
    )
    result = gnlc("query", str(query), "--allow-service", "--timeout", "20")
    assert result.exit_code == 2
    line = one_error_line(result.stderr)
    assert "service.rq: a SERVICE request failed:" in line and "internal error" not in line


def test_the_service_detector_is_linear_on_a_run_of_colons() -> None:
    """Regression (ReDoS): after "SERVICE", a run of colons could be split between a prefixed
    name's prefix and local part in n ways at each of n places: 40,000 colons took 48 s, and one
    300 kB request froze `gnlc serve`. Run in a process of its own so that a regression cannot
    hang the suite (the bound is a safety net of minutes, not a measure of speed); the same
    text must still be read as no call, and a real call after it still found."""
    code = (
        "from gnlc.federation import uses_service\n"
        "text = 'SELECT * WHERE { ?s ?p ?o } # SERVICE ' + ':' * 200000\n"
        "print(uses_service(text), uses_service(text + '\\nSERVICE ex:x { }'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True
    )
    assert done.stdout.split() == ["False", "True"]
