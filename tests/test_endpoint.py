"""The SPARQL endpoint: `gnlc serve`, `gnlc publish`, remote failures, the Wikidata linker.

Server tests start the real `oxigraph` binary on 127.0.0.1 (they fail, not skip, without it);
remote failure modes use a small stdlib HTTP test double. Nothing leaves the machine.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from click.testing import CliRunner

from gnlc import __version__
from gnlc.cli import cli

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
WIKIDATA = FIXTURES / "wikidata"
SYNTHETIC = "https://example.org/gnlc-synthetic/"
GRAPH = "https://example.org/gnlc-synthetic/graph/release"
SOURCE_DIRS = ("ontology", "shapes", "queries", "data")
# A safety net so that a broken server cannot hang the suite; never asserted on.
PATIENCE = 120.0


def gnlc_executable() -> str:
    """The installed `gnlc` script (end-to-end tests run it as a user would)."""
    found = shutil.which("gnlc") or str(Path(sys.executable).parent / "gnlc")
    assert Path(found).exists(), "gnlc is not installed (pip install -e .)"
    return found


def oxigraph_executable() -> str:
    """The `oxigraph` server binary: a missing one fails the test, it is not skipped."""
    found = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    assert Path(found).exists(), "the oxigraph server is missing: pip install oxigraph"
    return found


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run(*args: str, env: dict[str, str] | None = None):
    """Invoke gnlc in-process."""
    return CliRunner(env=env).invoke(cli, list(args), catch_exceptions=False)


def one_error_line(result, *fragments: str) -> str:
    """Assert exit 2 and exactly one `gnlc: ...` line on stderr holding every fragment."""
    lines = result.stderr.strip().splitlines()
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr)
    assert len(lines) == 1, lines
    assert lines[0].startswith("gnlc: "), lines
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    return lines[0]


def http(url: str, data: bytes | None = None, method: str | None = None, **headers: str):
    """(status, content type, body) of a raw request, with no gnlc code involved."""
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=PATIENCE) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type", ""), exc.read()


def sparql_count(root: str, query: str) -> int:
    """A COUNT query's single number, asked over plain HTTP for CSV."""
    url = f"{root}/query?query={quote(query)}"
    status, _, body = http(url, Accept="text/csv")
    assert status == 200, body
    rows = list(csv.reader(io.StringIO(body.decode("utf-8"))))
    return int(rows[1][0])


@pytest.fixture(autouse=True)
def _no_debug(monkeypatch: pytest.MonkeyPatch) -> None:
    """Error output is checked line by line: no tracebacks from a GNLC_DEBUG left set."""
    monkeypatch.delenv("GNLC_DEBUG", raising=False)


# --- a valid project root, copied so that data edits elsewhere cannot disturb a run ----------


def _supplement_sdgs() -> str:
    lines = [
        "@prefix gnlc: <https://w3id.org/gnlc/ontology#> .",
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .",
        "@prefix dcterms: <http://purl.org/dc/terms/> .",
        "<https://w3id.org/gnlc/sdg> a skos:ConceptScheme ;",
        f'  skos:prefLabel "Synthetic test goals"@en ; dcterms:source <{SYNTHETIC}sdgs> .',
    ]
    for n in range(1, 18):
        lines.append(
            f'<https://w3id.org/gnlc/sdg/{n}> a gnlc:SDG ; skos:notation "{n}" ;'
            f" skos:inScheme <https://w3id.org/gnlc/sdg> ;"
            f" skos:exactMatch <http://metadata.un.org/sdg/{n}> ;"
            f' skos:prefLabel "Synthetic test goal {n}"@en , "เป้าหมายทดสอบ {n}"@th ;'
            f" dcterms:source <{SYNTHETIC}sdgs> ."
        )
    return "\n".join(lines) + "\n"


def _supplement_members(has_country: bool, has_cohort: bool) -> str:
    """Three obviously fake member cities (AQ, cohort 2099), one of them no longer a member."""
    out = [
        "@prefix gnlc: <https://w3id.org/gnlc/ontology#> .",
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .",
        "@prefix dcterms: <http://purl.org/dc/terms/> .",
        "@prefix org: <http://www.w3.org/ns/org#> .",
        "@prefix geo: <http://www.w3.org/2003/01/geo/wgs84_pos#> .",
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .",
        "@prefix city: <https://w3id.org/gnlc/city/> .",
    ]
    if not has_country:
        out.append(
            '<https://w3id.org/gnlc/country/AQ> a gnlc:Country ; gnlc:countryCode "AQ" ;'
            f' skos:prefLabel "Synthetic test country"@en ; dcterms:source <{SYNTHETIC}c> .'
        )
    if not has_cohort:
        out.append(
            '<https://w3id.org/gnlc/cohort/2099> a gnlc:Cohort ; gnlc:year "2099"^^xsd:gYear ;'
            f' skos:prefLabel "Synthetic test cohort"@en ; dcterms:source <{SYNTHETIC}y> .'
        )
    cities = [
        ("alpha", "Synthetic Alpha", '"เมืองทดสอบอัลฟา"@th', True, False),
        ("beta", "Synthetic Beta", "", False, False),
        ("gamma", "Synthetic Gamma", "", False, True),
    ]
    for slug, name, thai, point, ended in cities:
        iri = f"city:aq-synthetic-{slug}"
        labels = f'"{name}"@en' + (f" , {thai}" if thai else "")
        out.append(
            f"{iri} a gnlc:LearningCity ; skos:prefLabel {labels} ;"
            f" gnlc:country <https://w3id.org/gnlc/country/AQ> ;"
            f" dcterms:source <{SYNTHETIC}{slug}>"
            + (
                f" ; geo:location <https://w3id.org/gnlc/city/aq-synthetic-{slug}#point>"
                if point
                else ""
            )
            + " ."
        )
        end = (
            f' ; gnlc:endYear "2099"^^xsd:gYear ; gnlc:endSource <{SYNTHETIC}end>' if ended else ""
        )
        out.append(
            f"<https://w3id.org/gnlc/city/aq-synthetic-{slug}#membership> a gnlc:Membership ;"
            f" org:member {iri} ; org:organization <https://w3id.org/gnlc/network> ;"
            f' gnlc:cohort <https://w3id.org/gnlc/cohort/2099> ; gnlc:startYear "2099"^^xsd:gYear'
            f" ; dcterms:source <{SYNTHETIC}{slug}>{end} ."
        )
        if point:
            out.append(
                f"<https://w3id.org/gnlc/city/aq-synthetic-{slug}#point> a geo:Point ;"
                ' geo:lat "-75.25"^^xsd:decimal ; geo:long "-0.07"^^xsd:decimal ;'
                " dcterms:source <https://sws.geonames.org/1/> ."
            )
    return "\n".join(out) + "\n"


def _ask(root: Path, query: str) -> bool:
    from gnlc.sources import load_graph

    return bool(load_graph(root, derive=False).store.query(query))


def _complete(root: Path) -> None:
    """Add the synthetic SDGs / members a half-filled data/ still lacks (only what is missing)."""
    gnlc = "PREFIX gnlc: <https://w3id.org/gnlc/ontology#> "
    if not _ask(root, gnlc + "ASK { ?s a gnlc:SDG }"):
        (root / "data" / "zz-test-sdgs.ttl").write_text(_supplement_sdgs(), encoding="utf-8")
    if not _ask(root, gnlc + "ASK { ?s a gnlc:LearningCity }"):
        country = _ask(root, "ASK { <https://w3id.org/gnlc/country/AQ> ?p ?o }")
        cohort = _ask(root, "ASK { <https://w3id.org/gnlc/cohort/2099> ?p ?o }")
        text = _supplement_members(country, cohort)
        (root / "data" / "zz-test-members.ttl").write_text(text, encoding="utf-8")


@pytest.fixture(scope="session")
def gnlc_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project's sources that validates, with members to query.

    The real data/ is used when it validates; while it is being filled in, the copy gets
    synthetic SDGs and members (example.org sources, fake names) where they are missing, and as
    a last resort only data/reference/ is kept.
    """
    attempts = []
    for keep_all in (True, False):
        root = tmp_path_factory.mktemp("root-full" if keep_all else "root-reference")
        for name in SOURCE_DIRS:
            if name == "data" and not keep_all:
                shutil.copytree(REPO / "data" / "reference", root / "data" / "reference")
            else:
                shutil.copytree(REPO / name, root / name)
        _complete(root)
        result = run("--root", str(root), "validate")
        if result.exit_code == 0:
            return root
        attempts.append(result.stdout + result.stderr)
    pytest.fail("no valid root for the endpoint tests:\n" + "\n".join(attempts)[:3000])


@pytest.fixture(scope="session")
def release(gnlc_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The release built from the valid root."""
    out = tmp_path_factory.mktemp("release") / "dist"
    result = run("--root", str(gnlc_root), "build", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    return out


# --- oxigraph and gnlc serve as real processes ---------------------------------------------


def wait_for(root: str, process: subprocess.Popen) -> None:
    """Poll until the server answers a query; fail if the process dies first."""
    import time

    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        assert process.poll() is None, f"server exited with {process.returncode}"
        try:
            status, _, _ = http(f"{root}/query?query={quote('ASK {}')}")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.05)
    pytest.fail(f"no answer from {root}")


def stop(process: subprocess.Popen) -> None:
    """Terminate a process and reap it, killing it if it will not stop."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=PATIENCE)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def oxigraph_store(tmp_path: Path) -> Iterator[str]:
    """`oxigraph serve` (read-write) on a free loopback port and a temporary location."""
    port = free_port()
    process = subprocess.Popen(
        [
            oxigraph_executable(),
            "serve",
            "--location",
            str(tmp_path / "oxigraph"),
            "--bind",
            f"127.0.0.1:{port}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        root = f"http://127.0.0.1:{port}"
        wait_for(root, process)
        yield root
    finally:
        stop(process)


@pytest.fixture(scope="module")
def wikidata_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A read-only oxigraph holding the made-up Wikidata-shaped fixture; yields its query URL."""
    location = tmp_path_factory.mktemp("wikidata") / "store"
    loaded = subprocess.run(
        [
            oxigraph_executable(),
            "load",
            "--location",
            str(location),
            "--file",
            str(WIKIDATA / "wikidata.ttl"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert loaded.returncode == 0, loaded.stderr
    port = free_port()
    process = subprocess.Popen(
        [
            oxigraph_executable(),
            "serve-read-only",
            "--location",
            str(location),
            "--bind",
            f"127.0.0.1:{port}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        root = f"http://127.0.0.1:{port}"
        wait_for(root, process)
        yield root + "/query"
    finally:
        stop(process)


class GnlcServe:
    """A running `gnlc serve` subprocess with its printed endpoint and its stdout lines."""

    def __init__(self, args: list[str], tmpdir: Path) -> None:
        self.tmpdir = tmpdir
        env = {**os.environ, "TMPDIR": str(tmpdir)}
        self.process = subprocess.Popen(
            [gnlc_executable(), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.stderr = ""
        threading.Thread(target=self._read, daemon=True).start()
        self.endpoint = self._endpoint()
        self.root = self.endpoint[: -len("/query")]

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def _endpoint(self) -> str:
        while True:
            try:
                line = self.lines.get(timeout=PATIENCE)
            except queue.Empty:
                stop(self.process)
                pytest.fail("gnlc serve printed no endpoint")
            if line is None:
                self.process.wait()
                _, self.stderr = self.process.communicate()
                pytest.fail(f"gnlc serve exited {self.process.returncode}: {self.stderr}")
            match = re.match(r"SPARQL endpoint: (http://\S+/query)$", line.strip())
            if match:
                return match.group(1)

    def interrupt(self, sig: int) -> int:
        """Send a signal, wait for the exit, return the status (and keep stderr)."""
        self.process.send_signal(sig)
        try:
            self.process.wait(timeout=PATIENCE)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        assert self.process.stderr is not None
        self.stderr = self.process.stderr.read()
        return int(self.process.returncode)

    def leftovers(self) -> list[str]:
        """Temporary folders gnlc serve left behind."""
        return sorted(p.name for p in self.tmpdir.glob("gnlc-*"))


@pytest.fixture(scope="module")
def served(release: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[GnlcServe]:
    """`gnlc serve --data RELEASE` on a free port, stopped at the end of the module."""
    tmpdir = tmp_path_factory.mktemp("serve-tmp")
    server = GnlcServe(["serve", "--port", str(free_port()), "--data", str(release)], tmpdir)
    try:
        yield server
    finally:
        stop(server.process)


# --- serve -> query -------------------------------------------------------------------------


def named_queries() -> list[str]:
    """Names from `gnlc query --list` on the project."""
    result = run("--root", str(REPO), "query", "--list")
    assert result.exit_code == 0, result.stderr
    return [line.split("\t", 1)[0] for line in result.stdout.splitlines() if line]


def _bindings(output: str) -> tuple[list[str], list[str]]:
    """(variables, rows as canonical JSON, sorted), blank node labels replaced."""
    data = json.loads(output)
    rows = []
    for binding in data["results"]["bindings"]:
        for term in binding.values():
            if term["type"] == "bnode":
                term["value"] = "_"
        rows.append(json.dumps(binding, sort_keys=True, ensure_ascii=False))
    return data["head"]["vars"], sorted(rows)


@pytest.mark.server
@pytest.mark.parametrize("name", named_queries())
def test_named_query_same_rows_locally_and_over_http(
    name: str, gnlc_root: Path, served: GnlcServe
) -> None:
    local = run("--root", str(gnlc_root), "query", name, "--format", "json")
    remote = run(
        "--root", str(gnlc_root), "query", name, "--format", "json", "--endpoint", served.root
    )
    assert local.exit_code == 0, local.stderr
    assert remote.exit_code == 0, remote.stderr
    assert _bindings(remote.stdout) == _bindings(local.stdout)


@pytest.mark.server
def test_endpoint_has_members_to_compare(served: GnlcServe, release: Path) -> None:
    # The row comparisons above mean something only if the release has members.
    with (release / "gnlc-members.csv").open(encoding="utf-8") as handle:
        members = list(csv.DictReader(handle))
    assert members
    count = sparql_count(
        served.root,
        "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE "
        "{ ?c <https://w3id.org/gnlc/ontology#memberOf> <https://w3id.org/gnlc/network> }",
    )
    assert count == len(members)


@pytest.mark.server
def test_parameter_bound_over_http_matches_local(gnlc_root: Path, served: GnlcServe) -> None:
    every = run("--root", str(gnlc_root), "query", "members-by-cohort", "--format", "csv")
    year = list(csv.reader(io.StringIO(every.stdout)))[-1][0]  # a cohort year of this root
    args = ["--root", str(gnlc_root), "query", "members-by-cohort", "--param", f"year={year}"]
    local = run(*args, "--format", "csv")
    remote = run(*args, "--format", "csv", "--endpoint", served.endpoint)
    assert local.exit_code == remote.exit_code == 0, remote.stderr
    assert sorted(csv.reader(io.StringIO(remote.stdout))) == sorted(
        csv.reader(io.StringIO(local.stdout))
    )
    assert len(local.stdout.splitlines()) > 1
    # A year that is no cohort's is refused by the endpoint's own data, as locally.
    missing = ["--root", str(gnlc_root), "query", "members-by-cohort", "--param", "year=1899"]
    one_error_line(run(*missing, "--endpoint", served.endpoint), "not in the data")


def _labels_construct(tmp_path: Path, gnlc_root: Path) -> list[str]:
    """The arguments of `gnlc query` for a CONSTRUCT of every preferred label, as N-Triples."""
    construct = tmp_path / "labels.rq"
    construct.write_text(
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
        "CONSTRUCT { ?s skos:prefLabel ?l } WHERE { ?s skos:prefLabel ?l } ORDER BY ?s\n",
        encoding="utf-8",
    )
    return ["--root", str(gnlc_root), "query", str(construct), "--format", "ntriples"]


@pytest.mark.server
def test_a_remote_construct_answer_past_the_bound_is_refused(
    tmp_path: Path, gnlc_root: Path, served: GnlcServe, monkeypatch
) -> None:
    """Regression: a remote CONSTRUCT answer was made into Python triples whole before any
    bound (21 MB of blank-node Turtle: 5.8 GB); it is read lazily and stops one triple past the
    bound (lowered here to keep the test small), with one line. At the bound it is read whole."""
    import gnlc.paths

    args = _labels_construct(tmp_path, gnlc_root)
    whole = run(*args, "--endpoint", served.endpoint)
    assert whole.exit_code == 0, whole.stderr
    count = len(whole.stdout.splitlines())
    monkeypatch.setattr(gnlc.paths, "MAX_RESULT_ROWS", count)
    assert run(*args, "--endpoint", served.endpoint).stdout == whole.stdout
    monkeypatch.setattr(gnlc.paths, "MAX_RESULT_ROWS", count - 1)
    one_error_line(run(*args, "--endpoint", served.endpoint), f"more than {count - 1:,} triples")


@pytest.mark.server
def test_construct_and_long_post_query(tmp_path: Path, gnlc_root: Path, served: GnlcServe) -> None:
    import rdflib
    from rdflib.compare import isomorphic

    args = _labels_construct(tmp_path, gnlc_root)
    local, remote = run(*args), run(*args, "--endpoint", served.endpoint)
    assert local.exit_code == remote.exit_code == 0, remote.stderr
    graphs = [rdflib.Graph().parse(data=r.stdout, format="nt") for r in (local, remote)]
    assert len(graphs[0]) > 0
    assert isomorphic(*graphs)

    # Longer than remote.LONG_QUERY: sent by POST; the VALUES list changes nothing.
    filler = " ".join(f"<{SYNTHETIC}filler/{i}>" for i in range(60))
    long_query = tmp_path / "long.rq"
    long_query.write_text(
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o . "
        f"FILTER (?s NOT IN ({', '.join(filler.split())})) }} ORDER BY ?n\n",
        encoding="utf-8",
    )
    assert len(long_query.read_text(encoding="utf-8")) > 1500
    args = ["--root", str(gnlc_root), "query", str(long_query), "--format", "csv"]
    assert run(*args, "--endpoint", served.endpoint).stdout == run(*args).stdout


@pytest.mark.server
@pytest.mark.parametrize(
    ("accept", "kind"),
    [
        ("application/sparql-results+json", "json"),
        ("application/sparql-results+xml", "xml"),
        ("text/csv", "csv"),
        ("text/tab-separated-values", "tab-separated"),
    ],
)
def test_serve_speaks_the_results_formats(served: GnlcServe, accept: str, kind: str) -> None:
    query = "SELECT ?s WHERE { ?s a ?c } LIMIT 3"
    for method in ("GET", "POST"):
        if method == "GET":
            status, ctype, _ = http(f"{served.endpoint}?query={quote(query)}", Accept=accept)
        else:
            status, ctype, _ = http(
                served.endpoint,
                data=query.encode("utf-8"),
                method="POST",
                Accept=accept,
                **{"Content-Type": "application/sparql-query"},
            )
        assert status == 200
        assert kind in ctype


@pytest.mark.server
@pytest.mark.parametrize("accept", ["text/turtle", "application/n-triples", "application/ld+json"])
def test_serve_constructs_in_rdf_formats(served: GnlcServe, accept: str) -> None:
    query = "CONSTRUCT WHERE { ?s a ?c } LIMIT 3"
    status, ctype, body = http(f"{served.endpoint}?query={quote(query)}", Accept=accept)
    assert status == 200
    assert accept in ctype
    assert body


@pytest.mark.server
def test_serve_has_a_query_ui(served: GnlcServe) -> None:
    status, ctype, body = http(served.root + "/", Accept="text/html")
    assert status == 200
    assert "html" in ctype
    assert b"<html" in body.lower()


@pytest.mark.server
def test_serve_refuses_updates(served: GnlcServe) -> None:
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    before = sparql_count(served.root, count)
    junk = f"<{SYNTHETIC}s> <{SYNTHETIC}p> <{SYNTHETIC}o>"
    status, _, _ = http(
        served.root + "/update",
        data=f"INSERT DATA {{ {junk} }}".encode(),
        method="POST",
        **{"Content-Type": "application/sparql-update"},
    )
    assert status in (403, 405)
    status, _, _ = http(
        served.root + "/update",
        data=f"update={quote('DELETE WHERE { ?s ?p ?o }')}".encode(),
        method="POST",
        **{"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status in (403, 405)
    status, _, _ = http(
        served.root + "/store?default",
        data=f"{junk} .\n".encode(),
        method="PUT",
        **{"Content-Type": "application/n-triples"},
    )
    assert status in (403, 405)
    assert sparql_count(served.root, count) == before


@pytest.mark.server
def test_serve_builds_into_a_temporary_folder_and_cleans_up(
    gnlc_root: Path, tmp_path: Path
) -> None:
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    server = GnlcServe(["--root", str(gnlc_root), "serve", "--port", "0"], tmpdir)
    try:
        assert server.root.startswith("http://127.0.0.1:")
        assert server.leftovers()  # the build and the store live in TMPDIR while serving
        assert sparql_count(server.root, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") > 0
        assert not (gnlc_root / "dist").exists()
        assert server.interrupt(signal.SIGINT) == 0  # Ctrl-C
    finally:
        stop(server.process)
    assert server.leftovers() == []
    assert "Traceback" not in server.stderr


@pytest.mark.server
def test_serve_stops_cleanly_on_sigterm(release: Path, tmp_path: Path) -> None:
    server = GnlcServe(["serve", "--port", str(free_port()), "--data", str(release)], tmp_path)
    try:
        assert server.interrupt(signal.SIGTERM) == 0
    finally:
        stop(server.process)
    assert server.leftovers() == []
    with pytest.raises(OSError):
        http(server.endpoint + "?query=" + quote("ASK {}"))


@pytest.mark.server
def test_serve_port_in_use(release: Path, served: GnlcServe) -> None:
    port = urlsplit(served.root).port
    result = run("serve", "--port", str(port), "--data", str(release))
    one_error_line(result, f"127.0.0.1:{port}", "--port")


def test_serve_needs_a_release_folder(tmp_path: Path) -> None:
    result = run("serve", "--port", str(free_port()), "--data", str(tmp_path))
    one_error_line(result, "not a release folder", "gnlc.nt")
    result = run("serve", "--port", str(free_port()), "--data", str(tmp_path / "missing"))
    one_error_line(result, "no such release folder")


def test_serve_without_oxigraph_says_how_to_install(
    release: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("gnlc.server.shutil.which", lambda name: None)
    monkeypatch.setattr("gnlc.server.sys.executable", str(tmp_path / "python"))
    result = run("serve", "--port", str(free_port()), "--data", str(release))
    one_error_line(result, "oxigraph server is not installed", "pip install 'gnlc[server]'")


# --- publish -------------------------------------------------------------------------------


def _release_graph(release: Path):
    import rdflib

    return rdflib.Graph().parse(release / "gnlc.nt", format="nt")


def _stored_graph(root: str, graph: str):
    import rdflib

    status, _, body = http(
        f"{root}/store?graph={quote(graph, safe='')}", Accept="application/n-triples"
    )
    assert status == 200, body
    return rdflib.Graph().parse(data=body.decode("utf-8"), format="nt")


@pytest.mark.server
def test_publish_then_verify(oxigraph_store: str, release: Path) -> None:
    result = run("publish", "--endpoint", oxigraph_store, "--graph", GRAPH, "--data", str(release))
    assert result.exit_code == 0, result.stderr
    expected = len(_release_graph(release))  # counted by rdflib, not by gnlc
    assert f"published {expected:,} triples" in result.stdout
    count = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}"
    assert sparql_count(oxigraph_store, count) == expected


@pytest.mark.server
def test_publish_twice_leaves_no_duplicates(oxigraph_store: str, release: Path) -> None:
    from rdflib.compare import isomorphic

    other = f"<{SYNTHETIC}keep> <{SYNTHETIC}p> <{SYNTHETIC}o> .\n".encode()
    status, _, _ = http(
        f"{oxigraph_store}/store?graph={quote(SYNTHETIC + 'other', safe='')}",
        data=other,
        method="PUT",
        **{"Content-Type": "application/n-triples"},
    )
    assert status in (201, 204)
    stale = f"<{SYNTHETIC}stale> <{SYNTHETIC}p> <{SYNTHETIC}o> .\n".encode()
    status, _, _ = http(
        f"{oxigraph_store}/store?graph={quote(GRAPH, safe='')}",
        data=stale,
        method="PUT",
        **{"Content-Type": "application/n-triples"},
    )
    assert status in (201, 204)
    for _ in range(2):
        result = run(
            "publish",
            "--endpoint",
            oxigraph_store + "/query",
            "--graph",
            GRAPH,
            "--data",
            str(release),
        )
        assert result.exit_code == 0, result.stderr
    stored = _stored_graph(oxigraph_store, GRAPH)
    assert len(stored) == len(_release_graph(release))
    assert isomorphic(stored, _release_graph(release))  # the stale triple is gone
    assert len(_stored_graph(oxigraph_store, SYNTHETIC + "other")) == 1  # other graphs stay


@pytest.mark.server
def test_publish_builds_when_given_no_release(oxigraph_store: str, gnlc_root: Path) -> None:
    result = run(
        "--root", str(gnlc_root), "publish", "--endpoint", oxigraph_store, "--graph", GRAPH
    )
    assert result.exit_code == 0, result.stderr
    assert not (gnlc_root / "dist").exists()


@pytest.mark.server
def test_publish_to_read_only_serve_fails(served: GnlcServe, release: Path) -> None:
    result = run("publish", "--endpoint", served.root, "--graph", GRAPH, "--data", str(release))
    one_error_line(result, "/store", "HTTP 403")


def test_publish_needs_a_store_for_other_layouts(release: Path) -> None:
    result = run(
        "publish",
        "--endpoint",
        "http://127.0.0.1:1/sparql",
        "--graph",
        GRAPH,
        "--data",
        str(release),
    )
    one_error_line(result, "--store")


@pytest.mark.parametrize("graph", ["not an iri", "relative/path", "<https://x>", 'a:b"c'])
def test_publish_rejects_bad_graph_iris(release: Path, graph: str) -> None:
    result = run(
        "publish", "--endpoint", "http://127.0.0.1:1", "--graph", graph, "--data", str(release)
    )
    one_error_line(result, "--graph", "not an absolute IRI")


def test_publish_user_without_password(release: Path) -> None:
    env = {"GNLC_PASSWORD": "", "GNLC_TEST_SECRET": ""}
    args = ["publish", "--endpoint", "http://127.0.0.1:1", "--graph", GRAPH]
    result = run(*args, "--data", str(release), "--user", "editor", env=env)
    one_error_line(result, "$GNLC_PASSWORD")
    result = run(
        *args,
        "--data",
        str(release),
        "--user",
        "editor",
        "--password-env",
        "GNLC_TEST_SECRET",
        env=env,
    )
    one_error_line(result, "$GNLC_TEST_SECRET")
    result = run(*args, "--data", str(release), "--password-env", "GNLC_TEST_SECRET", env=env)
    one_error_line(result, "--password-env needs --user")


# --- a test double for remote failures -----------------------------------------------------

PASSWORD = "s3cret-Pa55-word-7331"
GOOD_JSON = json.dumps(
    {"head": {"vars": ["n"]}, "results": {"bindings": [{"n": {"type": "literal", "value": "7"}}]}}
).encode()


class Double(ThreadingHTTPServer):
    """A loopback HTTP server whose behaviour is picked by the request path."""

    # server_close() waits for handler threads, so none writes into the next test's output.
    daemon_threads = False
    block_on_close = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), DoubleHandler)
        self.seen: list[tuple[str, str, dict[str, str], bytes]] = []
        self.release = threading.Event()
        self.count = 0  # what /store's count query answers

    @property
    def root(self) -> str:
        """http://127.0.0.1:PORT"""
        return f"http://127.0.0.1:{self.server_address[1]}"

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that hung up (a timeout test) is expected: no traceback."""

    def hits(self, path: str) -> int:
        """Requests seen on a path."""
        return sum(1 for _, p, _, _ in self.seen if p == path)


class DoubleHandler(BaseHTTPRequestHandler):
    server: Double

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""

    def _send(self, status: int, ctype: str, body: bytes, **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        path = urlsplit(self.path).path
        self.server.seen.append((self.command, path, dict(self.headers), body))
        behave = getattr(self, "route_" + path.strip("/").replace("-", "_").replace("/", "_"), None)
        if behave is None:
            self._send(404, "text/plain", b"no such route")
        else:
            behave(body)

    do_GET = do_POST = do_PUT = _handle

    def route_ok(self, body: bytes) -> None:
        self._send(200, "application/sparql-results+json", GOOD_JSON)

    def route_error500(self, body: bytes) -> None:
        self._send(500, "text/plain", b"Internal error: the test store fell over")

    def route_error502_html(self, body: bytes) -> None:
        page = (
            b"<html><head><title>502 Bad Gateway</title><style>h1{color:red}</style></head>"
            b"<body><h1>Bad Gateway</h1><p>upstream sparql is down</p></body></html>"
        )
        self._send(502, "text/html", page)

    def route_html(self, body: bytes) -> None:
        page = b"<!doctype html><html><head><title>Sign in</title></head>"
        page += b"<body>Please sign in</body></html>"
        self._send(200, "text/html; charset=utf-8", page)

    def route_plain(self, body: bytes) -> None:
        self._send(200, "text/plain", b"n\n7\n")

    def route_truncated(self, body: bytes) -> None:
        self._send(200, "application/sparql-results+json", GOOD_JSON[: len(GOOD_JSON) // 2])

    def route_cut(self, body: bytes) -> None:
        # Announces the whole body, sends half, then closes the connection.
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(GOOD_JSON)))
        self.end_headers()
        self.wfile.write(GOOD_JSON[: len(GOOD_JSON) // 2])
        self.wfile.flush()
        self.close_connection = True

    def route_slow(self, body: bytes) -> None:
        self.server.release.wait(PATIENCE)
        self._send(200, "application/sparql-results+json", GOOD_JSON)

    def route_busy(self, body: bytes) -> None:
        self._send(503, "text/plain", b"try later", Retry_After="0")

    def route_throttled(self, body: bytes) -> None:
        self._send(429, "text/plain", b"slow down", Retry_After="0")

    def route_flaky(self, body: bytes) -> None:
        if self.server.hits("/flaky") == 1:
            self._send(503, "text/plain", b"warming up", Retry_After="0")
        else:
            self.route_ok(body)

    def route_bad_request(self, body: bytes) -> None:
        self._send(400, "text/plain", b"Parser error: unexpected token")

    def route_auth_query(self, body: bytes) -> None:
        if not self._authorized():
            return
        answer = {
            "head": {"vars": ["n"]},
            "results": {
                "bindings": [
                    {
                        "n": {
                            "type": "literal",
                            "datatype": "http://www.w3.org/2001/XMLSchema#integer",
                            "value": str(self.server.count),
                        }
                    }
                ]
            },
        }
        self._send(200, "application/sparql-results+json", json.dumps(answer).encode())

    def route_auth_store(self, body: bytes) -> None:
        if not self._authorized():
            return
        graph = parse_qs(urlsplit(self.path).query).get("graph", [""])[0]
        ok = self.command == "PUT" and graph == GRAPH
        ok = ok and self.headers.get("Content-Type") == "application/n-triples"
        self._send(204 if ok else 400, "text/plain", b"" if ok else b"bad request")

    def _authorized(self) -> bool:
        token = base64.b64encode(f"editor:{PASSWORD}".encode()).decode()
        if self.headers.get("Authorization") == f"Basic {token}":
            return True
        self._send(401, "text/plain", b"wrong user name or password", WWW_Authenticate="Basic")
        return False


@pytest.fixture
def double() -> Iterator[Double]:
    """The test double, serving from a thread; always shut down."""
    server = Double()
    # shutdown() waits for the loop's next poll: 0.5 s by default, idle in every test
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    )
    thread.start()
    try:
        yield server
    finally:
        server.release.set()
        server.shutdown()
        server.server_close()
        thread.join()


def remote(root: Path, url: str, *extra: str):
    """`gnlc query sdgs --endpoint URL` with a short timeout."""
    return run("--root", str(root), "query", "sdgs", "--endpoint", url, "--timeout", "2", *extra)


def test_remote_connection_refused(gnlc_root: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/query"
    one_error_line(remote(gnlc_root, url), url, "connection refused")


def test_remote_http_500_shows_the_server_message(gnlc_root: Path, double: Double) -> None:
    result = remote(gnlc_root, double.root + "/error500")
    one_error_line(result, "HTTP 500", "Internal error: the test store fell over")
    assert double.hits("/error500") == 1  # 500 is not retried


def test_remote_html_error_page_is_reduced_to_text(gnlc_root: Path, double: Double) -> None:
    line = one_error_line(remote(gnlc_root, double.root + "/error502-html"), "HTTP 502")
    assert "Bad Gateway" in line and "upstream sparql is down" in line
    assert "<" not in line.split("HTTP 502", 1)[1]
    assert "color:red" not in line


def test_remote_html_page_instead_of_results(gnlc_root: Path, double: Double) -> None:
    result = remote(gnlc_root, double.root + "/html")
    one_error_line(result, "not SPARQL results", "text/html", "Please sign in")


def test_remote_wrong_content_type(gnlc_root: Path, double: Double) -> None:
    one_error_line(remote(gnlc_root, double.root + "/plain"), "not SPARQL results", "text/plain")


def test_remote_truncated_json(gnlc_root: Path, double: Double) -> None:
    one_error_line(remote(gnlc_root, double.root + "/truncated"), "malformed SPARQL results")


def test_remote_connection_cut_mid_body(gnlc_root: Path, double: Double) -> None:
    one_error_line(remote(gnlc_root, double.root + "/cut"), "cut off")


def test_remote_timeout(gnlc_root: Path, double: Double) -> None:
    result = run(
        "--root",
        str(gnlc_root),
        "query",
        "sdgs",
        "--endpoint",
        double.root + "/slow",
        "--timeout",
        "0.5",
    )
    one_error_line(result, "timed out after 0.5s")


@pytest.mark.parametrize(("path", "status"), [("/busy", "503"), ("/throttled", "429")])
def test_remote_retries_429_and_503_then_gives_up(
    gnlc_root: Path, double: Double, path: str, status: str
) -> None:
    result = remote(gnlc_root, double.root + path, "--retries", "3")
    one_error_line(result, f"HTTP {status}")
    assert double.hits(path) == 4


def test_remote_retry_succeeds(gnlc_root: Path, double: Double) -> None:
    result = run(
        "--root",
        str(gnlc_root),
        "query",
        "--endpoint",
        double.root + "/flaky",
        "--format",
        "csv",
        str(_count_query(gnlc_root)),
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == ["n", "7"]
    assert double.hits("/flaky") == 2


def _count_query(root: Path) -> Path:
    path = root.parent / "count.rq"
    path.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o } ORDER BY ?n\n", encoding="utf-8")
    return path


def test_remote_other_errors_are_not_retried(gnlc_root: Path, double: Double) -> None:
    result = remote(gnlc_root, double.root + "/bad-request", "--retries", "3")
    one_error_line(result, "HTTP 400", "Parser error: unexpected token")
    assert double.hits("/bad-request") == 1


def test_remote_sends_user_agent(gnlc_root: Path, double: Double) -> None:
    result = run(
        "--root",
        str(gnlc_root),
        "query",
        "--endpoint",
        double.root + "/ok",
        str(_count_query(gnlc_root)),
    )
    assert result.exit_code == 0, result.stderr
    headers = double.seen[-1][2]
    assert headers["User-Agent"].startswith(f"gnlc/{__version__} ")


def test_remote_credentials_in_url_are_not_shown(gnlc_root: Path) -> None:
    url = f"http://editor:{PASSWORD}@127.0.0.1:{free_port()}/query"
    line = one_error_line(remote(gnlc_root, url), "connection refused")
    assert PASSWORD not in line and "editor" not in line


def test_publish_with_credentials(release: Path, double: Double) -> None:
    double.count = len(_release_graph(release))
    env = {"GNLC_TEST_SECRET": PASSWORD, "GNLC_DEBUG": "1"}
    result = run(
        "publish",
        "--endpoint",
        double.root + "/auth-query",
        "--store",
        double.root + "/auth-store",
        "--graph",
        GRAPH,
        "--data",
        str(release),
        "--user",
        "editor",
        "--password-env",
        "GNLC_TEST_SECRET",
        env=env,
    )
    assert result.exit_code == 0, result.stderr
    assert PASSWORD not in result.stdout + result.stderr
    puts = [s for s in double.seen if s[0] == "PUT"]
    assert len(puts) == 1
    assert puts[0][3] == (release / "gnlc.nt").read_bytes()
    assert puts[0][2]["User-Agent"].startswith(f"gnlc/{__version__} ")


def test_publish_wrong_password(release: Path, double: Double) -> None:
    env = {"GNLC_PASSWORD": "not-" + PASSWORD}
    result = run(
        "publish",
        "--endpoint",
        double.root + "/auth-query",
        "--store",
        double.root + "/auth-store",
        "--graph",
        GRAPH,
        "--data",
        str(release),
        "--user",
        "editor",
        env=env,
    )
    line = one_error_line(result, "HTTP 401", "wrong user name or password")
    assert PASSWORD not in line


def test_publish_credentials_in_url_are_not_shown(release: Path, double: Double) -> None:
    root = double.root.replace("http://", f"http://editor:{PASSWORD}@")
    double.count = 1  # a wrong count, so that publish fails and prints the endpoint
    result = run(
        "publish",
        "--endpoint",
        root + "/auth-query",
        "--store",
        root + "/auth-store",
        "--graph",
        GRAPH,
        "--data",
        str(release),
    )
    line = one_error_line(result, "count mismatch", "holds 1 triples")
    assert PASSWORD not in line and "editor" not in line


def test_publish_count_mismatch_exits_2(release: Path, double: Double) -> None:
    double.count = len(_release_graph(release)) - 1
    env = {"GNLC_PASSWORD": PASSWORD}
    result = run(
        "publish",
        "--endpoint",
        double.root + "/auth-query",
        "--store",
        double.root + "/auth-store",
        "--graph",
        GRAPH,
        "--data",
        str(release),
        "--user",
        "editor",
        env=env,
    )
    one_error_line(result, "count mismatch", f"gnlc.nt has {double.count + 1:,}")


def test_publish_store_down(release: Path) -> None:
    root = f"http://127.0.0.1:{free_port()}"
    result = run("publish", "--endpoint", root, "--graph", GRAPH, "--data", str(release))
    one_error_line(result, root + "/store", "connection refused")


# --- Wikidata links (offline, against the made-up fixture) ---------------------------------

EXPECTED_LINKS = [
    ("https://w3id.org/gnlc/city/xx-dummy-city", "Q900000106", "Dummy", "0.8"),
    ("https://w3id.org/gnlc/city/xx-mockford", "Q900000105", "Mockford-on-Sea", "0.8"),
    ("https://w3id.org/gnlc/city/zz-frenchton", "", "", "0"),
    ("https://w3id.org/gnlc/city/zz-nowhere-vale", "", "", "0"),
    ("https://w3id.org/gnlc/city/zz-quote-town", "Q900000110", 'Quote" } Town', "1"),
    ("https://w3id.org/gnlc/city/zz-sampleburg", "Q900000102", "Sampleburg", "1"),
    ("https://w3id.org/gnlc/city/zz-testington", "Q900000101", "Testington", "1"),
    ("https://w3id.org/gnlc/city/zz-twinham", "Q900000107", "Twinham", "0.7"),
    ("https://w3id.org/gnlc/city/zz-twinham", "Q900000108", "Twinham", "0.7"),
]


def link_wikidata(*args: str) -> subprocess.CompletedProcess:
    """Run scripts/link_wikidata.py as a user would."""
    return subprocess.run(
        [sys.executable, str(REPO / "scripts" / "link_wikidata.py"), "--pause", "0", *args],
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.server
@pytest.mark.parametrize("batch", ["1", "3", "25"])
def test_wikidata_candidates(wikidata_endpoint: str, tmp_path: Path, batch: str) -> None:
    out = tmp_path / "review.csv"
    result = link_wikidata(
        "--endpoint",
        wikidata_endpoint,
        "--members",
        str(WIKIDATA / "members.csv"),
        "--out",
        str(out),
        "--batch",
        batch,
    )
    assert result.returncode == 0, result.stderr
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["city", "qid", "label", "score", "reason"]
    assert [(r["city"], r["qid"], r["label"], r["score"]) for r in rows] == EXPECTED_LINKS
    reasons = {r["qid"]: r["reason"] for r in rows}
    assert "alias" in reasons["Q900000105"]
    assert "name variant" in reasons["Q900000106"]
    assert "one of 2 candidates" in reasons["Q900000107"]
    assert "Q900000103" not in reasons  # a river, not a settlement
    assert "Q900000104" not in reasons  # another country


@pytest.mark.server
def test_wikidata_reads_cities_from_the_graph(
    wikidata_endpoint: str, gnlc_root: Path, release: Path, tmp_path: Path
) -> None:
    out = tmp_path / "review.csv"
    result = link_wikidata(
        "--endpoint", wikidata_endpoint, "--root", str(gnlc_root), "--out", str(out)
    )
    assert result.returncode == 0, result.stderr
    with out.open(encoding="utf-8", newline="") as handle:
        cities = {row["city"] for row in csv.DictReader(handle)}
    with (release / "gnlc-members.csv").open(encoding="utf-8", newline="") as handle:
        members = {row["iri"] for row in csv.DictReader(handle)}
    assert members <= cities  # every current member was looked up


def test_wikidata_never_writes_into_data(gnlc_root: Path) -> None:
    out = gnlc_root / "data" / "wikidata-review.csv"
    result = link_wikidata(
        "--endpoint", "http://127.0.0.1:1/query", "--root", str(gnlc_root), "--out", str(out)
    )
    assert result.returncode == 2
    assert "write the review file elsewhere" in result.stderr
    assert not out.exists()


def test_wikidata_endpoint_down(tmp_path: Path) -> None:
    result = link_wikidata(
        "--endpoint",
        f"http://127.0.0.1:{free_port()}/query",
        "--members",
        str(WIKIDATA / "members.csv"),
        "--out",
        str(tmp_path / "review.csv"),
    )
    assert result.returncode == 2
    assert "connection refused" in result.stderr
    assert not (tmp_path / "review.csv").exists()


def test_federated_example_is_not_a_named_query() -> None:
    from gnlc.queries import check_syntax, list_queries, load_query

    example = load_query(REPO / "queries" / "examples" / "wikidata-federated.rq")
    assert example.title and example.description
    assert "SERVICE <https://query.wikidata.org/sparql>" in example.text
    check_syntax(example)
    assert "wikidata-federated" not in {q.name for q in list_queries(REPO)}


@pytest.mark.server
def test_federated_example_runs_locally_with_allow_service(
    gnlc_root: Path, release: Path, wikidata_endpoint: str, tmp_path: Path
) -> None:
    # A copy of the root with one reviewed-looking link, and SERVICE aimed at the fixture.
    root = tmp_path / "root"
    shutil.copytree(gnlc_root, root)
    with (release / "gnlc-members.csv").open(encoding="utf-8", newline="") as handle:
        city = next(csv.DictReader(handle))["iri"]
    (root / "data" / "zz-test-link.ttl").write_text(
        f"<{city}> <http://www.w3.org/2002/07/owl#sameAs>"
        " <http://www.wikidata.org/entity/Q900000101> .\n",
        encoding="utf-8",
    )
    text = (REPO / "queries" / "examples" / "wikidata-federated.rq").read_text(encoding="utf-8")
    query = tmp_path / "federated.rq"
    query.write_text(text.replace("https://query.wikidata.org/sparql", wikidata_endpoint))
    refused = run("--root", str(root), "query", str(query), "--format", "json")
    one_error_line(refused, "SERVICE", "--allow-service")
    result = run("--root", str(root), "query", str(query), "--format", "json", "--allow-service")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)["results"]["bindings"]
    assert [(r["city"]["value"], r["population"]["value"]) for r in rows] == [(city, "12345")]
    assert rows[0]["website"]["value"] == SYNTHETIC + "testington"


@pytest.mark.server
def test_federated_example_is_refused_by_serve(served: GnlcServe, wikidata_endpoint: str) -> None:
    text = (REPO / "queries" / "examples" / "wikidata-federated.rq").read_text(encoding="utf-8")
    text = text.replace("https://query.wikidata.org/sparql", wikidata_endpoint)
    status, _, body = http(
        f"{served.endpoint}?query={quote(text)}", Accept="application/sparql-results+json"
    )
    assert status == 400, body
    assert b"SERVICE" in body


# --- redirects: the query arrives whole, credentials stay with their origin ----------------


class _Redirector(BaseHTTPRequestHandler):
    """Answers every request with server.code to server.target (+ the request's query
    string), recording method, path and Authorization header of what it received."""

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.server.seen.append((self.command, self.path, self.headers.get("Authorization"), body))
        if self.server.code is None:  # the end of the road: records, answers 404
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        query = self.path.partition("?")[2]
        self.send_response(self.server.code)
        self.send_header("Location", self.server.target + ("?" + query if query else ""))
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST = do_PUT = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def redirector() -> Iterator[callable]:
    """start(code, target) -> the URL of a server that redirects every request to target."""
    servers = []

    def start(code: int | None, target: str = "") -> ThreadingHTTPServer:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Redirector)
        server.code, server.target, server.seen = code, target, []
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.mark.server
@pytest.mark.parametrize("code", [301, 302, 303, 307, 308])
@pytest.mark.parametrize("name", ["thai-members", "growth-per-year"])  # GET, and POST (long)
def test_a_redirected_endpoint_gets_the_whole_query(
    served: GnlcServe, gnlc_root: Path, redirector, code: int, name: str
) -> None:
    """An endpoint that moved (http to https, a new path) answers the query it was sent: a
    long query's form POST is sent again (307, 308) or turned into the GET with the same query
    (301-303), and both give what a local run gives."""
    from gnlc.queries import NamedQuery, resolve
    from gnlc.remote import LONG_QUERY

    query: NamedQuery = resolve(gnlc_root, name)
    assert (len(query.text) > LONG_QUERY) == (name == "growth-per-year")
    server = redirector(code, served.endpoint)
    moved = f"http://127.0.0.1:{server.server_address[1]}/sparql"
    args = ["--root", str(gnlc_root), "query", name, "--format", "csv"]
    remote = run(*args, "--endpoint", moved)
    assert remote.exit_code == 0, remote.stderr
    assert remote.stdout == run(*args).stdout
    assert [method for method, *_ in server.seen] == ["POST" if name != "thai-members" else "GET"]


@pytest.mark.server
@pytest.mark.parametrize("code", [302, 307])
def test_credentials_do_not_follow_a_redirect_to_another_origin(
    gnlc_root: Path, redirector, code: int
) -> None:
    """user:password in --endpoint are for that host: a redirect to another origin (here
    another port) must not carry the Authorization header there."""
    elsewhere = redirector(None)
    there = f"http://localhost:{elsewhere.server_address[1]}/collect"
    first = redirector(code, there)
    endpoint = f"http://alice:secret@127.0.0.1:{first.server_address[1]}/sparql"
    for name in ("thai-members", "growth-per-year"):
        result = run("--root", str(gnlc_root), "query", name, "--endpoint", endpoint)
        assert result.exit_code == 2
    assert [auth for _, _, auth, _ in first.seen] == [
        "Basic " + base64.b64encode(b"alice:secret").decode()
    ] * 2
    assert len(elsewhere.seen) == 2 and [auth for _, _, auth, _ in elsewhere.seen] == [None] * 2


def _publish_through(redirector, code: int, store: str, release: Path):
    """(the redirecting server, the result of `gnlc publish` to it): it answers every request
    with code and the store's Graph Store URL."""
    server = redirector(code, f"{store}/store")
    moved = f"http://127.0.0.1:{server.server_address[1]}/store"
    result = run(
        "publish", "--endpoint", store, "--store", moved, "--graph", GRAPH, "--data", str(release)
    )
    return server, result


@pytest.mark.server
@pytest.mark.parametrize("code", [301, 302, 303])
def test_publish_to_a_store_that_moved_for_good_says_where(
    oxigraph_store: str, release: Path, redirector, code: int
) -> None:
    """Regression: a PUT answered by 301, 302 or 303 (which would turn it into a GET without
    the data) was reported as "too many redirects (a redirect loop?)"; it names the new place."""
    _, result = _publish_through(redirector, code, oxigraph_store, release)
    assert result.exit_code == 2, result.output
    [line] = result.stderr.strip().splitlines()
    assert f"HTTP {code}: the store moved to {oxigraph_store}/store" in line
    assert "redirect loop" not in line


@pytest.mark.server
@pytest.mark.parametrize("code", [307, 308])
def test_publish_to_a_store_that_moved(
    oxigraph_store: str, release: Path, redirector, code: int
) -> None:
    """A store answering 307/308 gets the PUT again, body and all, at its new place."""
    server, result = _publish_through(redirector, code, oxigraph_store, release)
    assert result.exit_code == 0, result.stderr
    assert [method for method, *_ in server.seen] == ["PUT"]
    count = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}"
    assert sparql_count(oxigraph_store, count) == len(_release_graph(release))
