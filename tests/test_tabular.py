"""The CSV's descriptions: CSVW metadata (checked by two CSVW processors, and turned back into
RDF that must be in the release graph) and a Frictionless Data Package (frictionless validate)."""

from __future__ import annotations

import csv
import functools
import http.server
import json
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

import pytest

from gnlc.tabular import COLUMNS, CSV_COLUMNS, CSVW_NAME, PACKAGE_NAME

GNLC = "https://w3id.org/gnlc/ontology#"
ORG = "http://www.w3.org/ns/org#"


def test_one_table_of_columns_for_the_csv_and_its_descriptions() -> None:
    assert tuple(c.name for c in COLUMNS) == CSV_COLUMNS


@pytest.fixture(scope="module")
def served(release: Path) -> Iterator[str]:
    """The release folder over HTTP on 127.0.0.1 (csvw_functions reads metadata by URL)."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(release))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    # shutdown() waits for the loop's next poll: 0.5 s by default, idle in every test
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def csvw_graph(served: str):
    """The CSV turned into RDF by csvw_functions (it passes the W3C CSVW RDF tests)."""
    import warnings

    import csvw_functions
    import rdflib

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = csvw_functions.create_annotated_table_group(f"{served}/{CSVW_NAME}", validate=True)
        text = csvw_functions.create_rdf(table, mode="minimal")
    graph = rdflib.Graph()
    graph.parse(data=text, format="nt")
    return graph


@pytest.fixture(scope="module")
def release_graph(release: Path):
    import rdflib

    graph = rdflib.Graph()
    graph.parse(release / "gnlc.nt", format="nt")
    return graph


def test_every_csvw_triple_is_in_the_release_graph(csvw_graph, release_graph) -> None:
    missing = set(csvw_graph) - set(release_graph)
    assert len(csvw_graph) > 0
    assert not missing, sorted(missing)[:5]


def test_csvw_round_trip_gives_the_graphs_membership_triples(csvw_graph, release_graph) -> None:
    import rdflib

    def memberships(graph) -> set:
        member = rdflib.URIRef(ORG + "member")
        current = {
            m
            for m, city in graph.subject_objects(member)
            if (city, rdflib.URIRef(GNLC + "memberOf"), None) in graph
            and (m, rdflib.URIRef(GNLC + "endYear"), None) not in graph
        }
        wanted = {member, rdflib.URIRef(GNLC + "startYear"), rdflib.RDF.type}
        return {(s, p, o) for s, p, o in graph if s in current and p in wanted}

    assert memberships(csvw_graph) == memberships(release_graph)


def test_csvw_gives_one_city_per_csv_row(csvw_graph, release: Path) -> None:
    import rdflib

    with (release / "gnlc-members.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    cities = set(csvw_graph.subjects(rdflib.RDF.type, rdflib.URIRef(GNLC + "LearningCity")))
    assert {str(c) for c in cities} == {row["iri"] for row in rows}


def test_csvw_reads_typed_values_and_the_sources_as_a_list(release: Path) -> None:
    """Second processor (the csvw package): typed cells, the source column as a list."""
    import csvw

    table = csvw.Table.from_file(release / CSVW_NAME)
    rows = {row["iri"].unsplit(): row for row in table.iterdicts()}
    with (release / "gnlc-members.csv").open(newline="", encoding="utf-8") as handle:
        expected = {row["iri"]: row for row in csv.DictReader(handle)}
    assert set(rows) == set(expected)
    for iri, row in rows.items():
        # The csvw package reads anyURI as URIs (IRIs percent-encoded): compare decoded.
        got = [unquote(s.unsplit()) for s in row["source"]]
        assert got == [unquote(s) for s in expected[iri]["source"].split(" ")]
        latitude = expected[iri]["latitude"]
        assert (row["latitude"] is None) == (latitude == "")
        if latitude:
            assert float(row["latitude"]) == float(latitude)


def test_csvw_validate_accepts_the_metadata(release: Path) -> None:
    validate = shutil.which("csvwvalidate") or str(Path(sys.executable).parent / "csvwvalidate")
    result = subprocess.run(
        [validate, str(release / CSVW_NAME)], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0 and result.stdout.strip() == "OK", result.stdout + result.stderr


def test_frictionless_validates_the_data_package(release: Path) -> None:
    import frictionless

    report = frictionless.validate(str(release / PACKAGE_NAME))
    assert report.valid, report.flatten(["type", "message"])[:5]


def test_frictionless_keeps_namibia_as_a_code(release: Path) -> None:
    import frictionless

    package = frictionless.Package(str(release / PACKAGE_NAME))
    rows = package.get_resource("gnlc-members").read_rows()
    codes = {row["country_code"] for row in rows}
    with (release / "gnlc-members.csv").open(newline="", encoding="utf-8") as handle:
        expected = {row["country_code"] for row in csv.DictReader(handle)}
    assert codes == expected
    assert None not in codes


def test_frictionless_hash_and_size_match_the_csv(release: Path) -> None:
    import hashlib

    package = json.loads((release / PACKAGE_NAME).read_text(encoding="utf-8"))
    resource = package["resources"][0]
    data = (release / "gnlc-members.csv").read_bytes()
    assert resource["bytes"] == len(data)
    assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()


def test_void_and_checksums_list_the_descriptions(release: Path) -> None:
    sums = (release / "SHA256SUMS").read_text(encoding="utf-8")
    void = (release / "void.ttl").read_text(encoding="utf-8")
    for name in (CSVW_NAME, PACKAGE_NAME):
        assert f"  {name}\n" in sums
        assert name in void
    assert "application/csvm+json" in void
