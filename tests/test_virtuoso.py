"""`gnlc publish` and `gnlc query --endpoint` against Virtuoso Open Source, a production store.

The tests start Debian's `virtuoso-t` on 127.0.0.1 (free ports, a throw-away database folder,
a generated virtuoso.ini) and stop it at the end. Publishing goes to Virtuoso's authenticated
Graph Store endpoint, which asks for HTTP Digest credentials; queries go to /sparql, whose
default graph is the union of all graphs (so the named queries see the published graph
without a FROM clause). Without `virtuoso-t` the tests fail in CI and are skipped elsewhere.
"""

from __future__ import annotations

import csv
import io
import json
import re
import secrets
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import helpers
import pytest
from click.testing import CliRunner

from gnlc.cli import cli

pytestmark = [pytest.mark.server, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[1]
GRAPH = "https://example.org/gnlc-test/graph/release"
XSD = "http://www.w3.org/2001/XMLSchema#"
PASSWORD_VARIABLE = "GNLC_TEST_VIRTUOSO_PASSWORD"
# A safety net so that a broken server cannot hang the suite; never asserted on.
PATIENCE = 300.0

INI = """\
[Database]
DatabaseFile       = {db}/virtuoso.db
ErrorLogFile       = {db}/virtuoso.log
LockFile           = {db}/virtuoso.lck
TransactionFile    = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = {db}/virtuoso-temp.db
TransactionFile    = {db}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort           = 127.0.0.1:{sql_port}
DisableUnixSocket    = 1
DisableTcpSocket     = 0
MaxClientConnections = 8
CheckpointInterval   = 60
CaseMode             = 2
DirsAllowed          = .
NumberOfBuffers      = 10000
MaxDirtyBuffers      = 6000

[HTTPServer]
ServerPort           = 127.0.0.1:{http_port}
ServerRoot           = {db}
MaxClientConnections = 4
ServerThreads        = 4
Charset              = UTF-8

[SPARQL]
ResultSetMaxRows      = 1000000
MaxQueryExecutionTime = 300
"""


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def installed(program: str) -> str:
    """A Virtuoso program from the virtuoso-opensource package; fails in CI, skips elsewhere."""
    return helpers.program([program], "apt-get install virtuoso-opensource")


def run(*args: str, env: dict[str, str] | None = None):
    """Invoke gnlc in-process on the repository."""
    return CliRunner(env=env).invoke(cli, ["--root", str(REPO), *args], catch_exceptions=False)


def http(url: str, **headers: str) -> tuple[int, bytes]:
    """(status, body) of a plain GET, with no gnlc code involved."""
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=PATIENCE) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@dataclass
class Virtuoso:
    """A running virtuoso-t: its SPARQL URL, its Graph Store URL (digest), the dba password."""

    sparql: str
    store: str
    password: str
    log: Path

    def count(self, graph: str) -> int:
        """Triples in `graph`, asked over plain HTTP for CSV."""
        query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        status, body = http(f"{self.sparql}?query={quote(query)}", Accept="text/csv")
        assert status == 200, body
        return int(list(csv.reader(io.StringIO(body.decode("utf-8"))))[1][0])


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=PATIENCE)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    """virtuoso-t on free loopback ports with a fresh database; dba gets a random password."""
    server, isql = installed("virtuoso-t"), installed("isql-vt")
    db = tmp_path_factory.mktemp("virtuoso")
    sql_port, http_port = free_port(), free_port()
    ini = db / "virtuoso.ini"
    ini.write_text(INI.format(db=db, sql_port=sql_port, http_port=http_port), encoding="utf-8")
    log = db / "virtuoso.log"
    with (db / "stdout.log").open("wb") as output:
        process = subprocess.Popen(
            [server, "+foreground", "+configfile", str(ini)],
            cwd=db,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        root = f"http://127.0.0.1:{http_port}"
        _wait(f"{root}/sparql?query={quote('ASK {}')}", process, db)
        # A fresh database's dba password is "dba"; the tests use their own.
        password = secrets.token_hex(12)
        changed = subprocess.run(
            [isql, f"127.0.0.1:{sql_port}", "dba", "dba", f'EXEC=set password "dba" "{password}";'],
            capture_output=True,
            text=True,
            timeout=PATIENCE,
            check=False,
        )
        assert changed.returncode == 0, changed.stdout + changed.stderr
        yield Virtuoso(f"{root}/sparql", f"{root}/sparql-graph-crud-auth", password, log)
    finally:
        _stop(process)


def _wait(url: str, process: subprocess.Popen, db: Path) -> None:
    """Poll until Virtuoso answers a query; fail with its log if it exits first."""
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        if process.poll() is not None:
            text = (db / "stdout.log").read_text(encoding="utf-8", errors="replace")
            pytest.fail(f"virtuoso-t exited with {process.returncode}:\n{text[-3000:]}")
        try:
            if http(url)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail(f"no answer from {url}")


def publish(server: Virtuoso, release: Path, password: str, graph: str = GRAPH):
    """`gnlc publish` to Virtuoso's digest-protected Graph Store endpoint, as dba."""
    return run(
        "publish",
        "--endpoint",
        server.sparql,
        "--store",
        server.store,
        "--graph",
        graph,
        "--data",
        str(release),
        "--user",
        "dba",
        "--password-env",
        PASSWORD_VARIABLE,
        env={PASSWORD_VARIABLE: password},
    )


def release_triples(release: Path) -> int:
    """Distinct triples in gnlc.nt, counted by rdflib (not by gnlc's own counter)."""
    import rdflib

    return len(rdflib.Graph().parse(release / "gnlc.nt", format="nt"))


@pytest.fixture(scope="module")
def published(virtuoso: Virtuoso, release: Path) -> Virtuoso:
    """The repository's release, published once into GRAPH."""
    result = publish(virtuoso, release, virtuoso.password)
    assert result.exit_code == 0, result.stderr
    return virtuoso


# --- publish ----------------------------------------------------------------------------------


def test_publish_with_digest_auth_and_count_check(published: Virtuoso, release: Path) -> None:
    expected = release_triples(release)
    assert expected > 1000
    assert published.count(GRAPH) == expected


def test_publish_again_replaces_the_graph(published: Virtuoso, release: Path) -> None:
    result = publish(published, release, published.password)
    assert result.exit_code == 0, result.stderr
    assert f"published {release_triples(release):,} triples" in result.stdout
    assert published.password not in result.stdout + result.stderr
    assert published.count(GRAPH) == release_triples(release)


def test_publish_wrong_password_is_refused_before_the_body(
    published: Virtuoso, release: Path
) -> None:
    before = published.count(GRAPH)
    result = publish(published, release, "dba")  # the default password, changed by the fixture
    lines = result.stderr.strip().splitlines()
    assert result.exit_code == 2, result.stdout
    assert len(lines) == 1 and "HTTP 401" in lines[0], lines
    assert "Traceback" not in result.stderr
    assert published.count(GRAPH) == before


def test_graph_store_statuses(virtuoso: Virtuoso) -> None:
    """What the README's table says: PUT creates with 201, replaces with 200."""
    from gnlc.publishing import put_graph

    graph = "https://example.org/gnlc-test/graph/statuses"
    auth = ("dba", virtuoso.password)
    one = b'<https://example.org/s> <https://example.org/p> "one"@en .\n'
    two = b'<https://example.org/s> <https://example.org/p> "two"@en .\n'
    assert put_graph(virtuoso.store, graph, one, auth) == 201
    assert put_graph(virtuoso.store, graph, one + two, auth) == 200
    assert virtuoso.count(graph) == 2
    assert put_graph(virtuoso.store, graph, two, auth) == 200
    assert virtuoso.count(graph) == 1


# --- every named query gives the same rows on Virtuoso as locally -----------------------------


def named_queries() -> list[str]:
    """Names from `gnlc query --list` on the project."""
    result = run("query", "--list")
    assert result.exit_code == 0, result.stderr
    return [line.split("\t", 1)[0] for line in result.stdout.splitlines() if line]


def term_key(term: dict | None) -> tuple | None:
    """An RDF term from SPARQL JSON results, literals compared by value.

    Engines may write one value with different lexical forms ("1"^^xsd:boolean is true,
    "2.50" and "2.5" are one xsd:decimal): a typed literal is (datatype, value) when rdflib maps
    its lexical form to a value, else its lexical form; language tags are case-insensitive.
    """
    import rdflib

    if term is None:
        return None
    if term["type"] == "uri":
        return ("iri", term["value"])
    if term["type"] == "bnode":
        return ("bnode",)
    if "xml:lang" in term:
        return ("lang", term["value"], term["xml:lang"].lower())
    datatype = term.get("datatype", XSD + "string")
    literal = rdflib.Literal(term["value"], datatype=rdflib.URIRef(datatype))
    if literal.value is not None and not literal.ill_typed:
        return ("typed", datatype, literal.value)
    return ("typed", datatype, term["value"])


def order_conditions(text: str) -> list[str]:
    """The expressions after the query's final ORDER BY, ASC/DESC removed."""
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    tail = re.split(r"\bORDER\s+BY\b", body, flags=re.IGNORECASE)[-1].strip()
    assert not re.search(r"\b(LIMIT|OFFSET)\b", tail, re.IGNORECASE), tail
    conditions, depth, current = [], 0, ""
    for char in tail + " ":
        depth += (char == "(") - (char == ")")
        if char.isspace() and depth == 0:
            if current:
                conditions.append(current)
            current = ""
        else:
            current += char
    return [re.sub(r"^(ASC|DESC)\((.*)\)$", r"\2", c, flags=re.IGNORECASE) for c in conditions]


def sort_keys(query_text: str, output: str) -> list[tuple]:
    """Each row's ORDER BY values, evaluated by pyoxigraph on the row (a second engine run)."""
    import pyoxigraph

    data = json.loads(output)
    variables = data["head"]["vars"]
    conditions = order_conditions(query_text)
    used = set(re.findall(r"\?(\w+)", " ".join(conditions)))
    assert used <= set(variables), f"ORDER BY uses unprojected {used - set(variables)}"
    rows = pyoxigraph.parse_query_results(
        output.encode("utf-8"), format=pyoxigraph.QueryResultsFormat.JSON
    )
    table = []
    for index, row in enumerate(rows):
        cells = [str(row[v]) if row[v] is not None else "UNDEF" for v in variables]
        table.append(f"({index} {' '.join(cells)})")
    prefixes = "\n".join(re.findall(r"^\s*PREFIX[^\n]*", query_text, re.MULTILINE | re.IGNORECASE))
    keys = " ".join(f"({c} AS ?key_{i})" for i, c in enumerate(conditions))
    names = " ".join(f"?{v}" for v in variables)
    store = pyoxigraph.Store()
    values = f"VALUES (?row_ {names}) {{ {' '.join(table)} }}"
    result = store.query(f"{prefixes}\nSELECT ?row_ {keys} WHERE {{ {values} }} ORDER BY ?row_")
    out = []
    for solution in result:
        key = []
        for i in range(len(conditions)):
            term = solution[f"key_{i}"]
            key.append(None if term is None else str(term))
        out.append(tuple(key))
    return out


def rows_of(output: str) -> tuple[list[str], list[tuple]]:
    """(variables, rows as tuples of term keys in result order)."""
    data = json.loads(output)
    variables = data["head"]["vars"]
    rows = [tuple(term_key(b.get(v)) for v in variables) for b in data["results"]["bindings"]]
    return variables, rows


def test_term_key_compares_values() -> None:
    boolean = XSD + "boolean"
    decimal = XSD + "decimal"
    assert term_key({"type": "literal", "value": "1", "datatype": boolean}) == term_key(
        {"type": "literal", "value": "true", "datatype": boolean}
    )
    assert term_key({"type": "literal", "value": "0", "datatype": boolean}) != term_key(
        {"type": "literal", "value": "true", "datatype": boolean}
    )
    assert term_key({"type": "literal", "value": "2.50", "datatype": decimal}) == term_key(
        {"type": "typed-literal", "value": "2.5", "datatype": decimal}
    )
    # Same digits, different datatype: different terms.
    assert term_key({"type": "literal", "value": "1", "datatype": XSD + "integer"}) != term_key(
        {"type": "literal", "value": "1", "datatype": boolean}
    )
    assert term_key({"type": "literal", "value": "x"}) == term_key(
        {"type": "literal", "value": "x", "datatype": XSD + "string"}
    )
    assert term_key({"type": "literal", "value": "x", "xml:lang": "en"}) != term_key(
        {"type": "literal", "value": "x"}
    )


def test_order_conditions() -> None:
    text = "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n# ORDER BY ?not_this\n"
    text += "SELECT ?a ?b WHERE { ?a ?p ?b }\nORDER BY DESC(?a) xsd:integer(?b) STR(?a)\n"
    assert order_conditions(text) == ["?a", "xsd:integer(?b)", "STR(?a)"]


def test_long_query_is_answered_by_virtuoso(published: Virtuoso, tmp_path: Path) -> None:
    """A query too long for a GET URL is still answered (Virtuoso never answers a POST whose
    body is the bare query, application/sparql-query: openlink/virtuoso-opensource#842)."""
    from gnlc.remote import LONG_QUERY

    members = [f"<https://example.org/gnlc-test/nothing/{i}>" for i in range(40)]
    query = tmp_path / "long.rq"
    query.write_text(
        "SELECT (COUNT(DISTINCT ?city) AS ?n) WHERE {\n"
        "  ?city <https://w3id.org/gnlc/ontology#memberOf> <https://w3id.org/gnlc/network> .\n"
        f"  FILTER (?city NOT IN ({', '.join(members)}))\n}}\nORDER BY ?n\n",
        encoding="utf-8",
    )
    assert len(query.read_text(encoding="utf-8")) > LONG_QUERY
    local = run("query", str(query), "--format", "csv")
    remote = run("query", str(query), "--format", "csv", "--endpoint", published.sparql)
    assert local.exit_code == 0, local.stderr
    assert remote.exit_code == 0, remote.stderr
    assert remote.stdout == local.stdout
    assert int(local.stdout.splitlines()[1]) > 300


@pytest.mark.parametrize("name", named_queries())
def test_named_query_same_rows_on_virtuoso(name: str, published: Virtuoso) -> None:
    from gnlc.queries import resolve

    local = run("query", name, "--format", "json")
    remote = run("query", name, "--format", "json", "--endpoint", published.sparql)
    assert local.exit_code == 0, local.stderr
    assert remote.exit_code == 0, remote.stderr
    local_vars, local_rows = rows_of(local.stdout)
    remote_vars, remote_rows = rows_of(remote.stdout)
    assert remote_vars == local_vars
    assert Counter(remote_rows) == Counter(local_rows)
    # Same order up to ties: the rows' ORDER BY values come in the same sequence.
    text = resolve(REPO, name).text
    assert sort_keys(text, remote.stdout) == sort_keys(text, local.stdout)


def test_sort_keys_tell_a_wrong_order_from_a_tie() -> None:
    text = "SELECT ?a ?b WHERE { ?a ?p ?b } ORDER BY DESC(?a)\n"

    def results(*pairs: tuple[str, str]) -> str:
        rows = [
            {
                "a": {"type": "uri", "value": f"https://example.org/{a}"},
                "b": {"type": "literal", "value": b},
            }
            for a, b in pairs
        ]
        return json.dumps({"head": {"vars": ["a", "b"]}, "results": {"bindings": rows}})

    keys = sort_keys(text, results(("2", "x"), ("1", "y"), ("1", "z")))
    one, two = ("<https://example.org/1>",), ("<https://example.org/2>",)
    assert keys == [two, one, one]
    assert sort_keys(text, results(("2", "x"), ("1", "z"), ("1", "y"))) == keys  # a tie
    assert sort_keys(text, results(("1", "y"), ("2", "x"), ("1", "z"))) != keys  # wrong order
