"""The Python API (gnlc.load, query, members, validate, build), checked against rdflib's own
reading of the sources, the release CSV and a real Oxigraph server."""

from __future__ import annotations

import csv
import doctest
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from helpers import copy_sources, oxigraph_serving

import gnlc
from gnlc import api
from gnlc.errors import GnlcError

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
GNLC = "https://w3id.org/gnlc/ontology#"
NETWORK = "https://w3id.org/gnlc/network"
PATIENCE = 120.0  # a safety net for the server start, never asserted on


def rdflib_members(graph) -> dict[str, tuple[str, str | None]]:
    """Second route: member IRI -> (country code, start year) by rdflib's SPARQL engine."""
    rows = graph.query(
        """
        PREFIX gnlc: <https://w3id.org/gnlc/ontology#>
        PREFIX org: <http://www.w3.org/ns/org#>
        SELECT ?city ?code ?year WHERE {
          ?city gnlc:memberOf ?network ; gnlc:country/gnlc:countryCode ?code .
          ?m org:member ?city .
          FILTER NOT EXISTS { ?m gnlc:endYear ?end }
          OPTIONAL { ?m gnlc:startYear ?year }
        }"""
    )
    return {str(r.city): (str(r.code), None if r.year is None else str(r.year)) for r in rows}


def test_import_gnlc_loads_no_rdf_library() -> None:
    code = (
        "import sys, gnlc; "
        "print(sorted(m for m in ('rdflib', 'pyoxigraph', 'pyshacl') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_api_names_are_listed_and_unknown_names_fail() -> None:
    for name in ("load", "query", "members", "validate", "build", "to_rdflib", "Rows", "Member"):
        assert name in dir(gnlc) and callable(getattr(gnlc, name))
    with pytest.raises(AttributeError):
        gnlc.no_such_function  # noqa: B018


def test_load_holds_the_release_graph(source_graph) -> None:
    store = gnlc.load(ROOT)
    assert len(store) == len(source_graph)


@pytest.mark.slow
def test_to_rdflib_is_the_same_graph(source_graph) -> None:
    from rdflib.compare import isomorphic

    assert isomorphic(gnlc.to_rdflib(gnlc.load(ROOT)), source_graph)


def test_members_match_rdflib_and_the_release_csv(source_graph, release: Path) -> None:
    records = gnlc.members(ROOT)
    expected = rdflib_members(source_graph)
    assert {m.iri for m in records} == set(expected)
    assert [m.iri for m in records] == sorted(m.iri for m in records)
    for m in records:
        code, year = expected[m.iri]
        assert m.country_code == code
        assert m.cohort_year == (None if year is None else int(year))
    with (release / "gnlc-members.csv").open(newline="", encoding="utf-8") as handle:
        csv_rows = {row["iri"]: row for row in csv.DictReader(handle)}
    assert set(csv_rows) == {m.iri for m in records}
    for m in records:
        row = csv_rows[m.iri]
        assert (m.name_en or "") == row["name_en"]
        assert (m.name_th or "") == row["name_th"]
        assert m.latitude == (float(row["latitude"]) if row["latitude"] else None)
        assert m.geonames_id == (row["geonames_id"] or None)
        assert " ".join(m.sources) == row["source"]


def test_members_with_unknown_year_have_none_not_a_guess(source_graph) -> None:
    undated = {iri for iri, (_, year) in rdflib_members(source_graph).items() if year is None}
    assert undated, "the data records members whose year no source gives"
    by_iri = {m.iri: m for m in gnlc.members(ROOT)}
    import rdflib

    org_member = rdflib.URIRef("http://www.w3.org/ns/org#member")
    dated = {
        str(source_graph.value(m, org_member))
        for m in source_graph.subjects(rdflib.URIRef(GNLC + "attestedDate"), None)
    }
    assert undated - dated, "the data records members no dated page names"
    for iri in undated:
        assert by_iri[iri].cohort_year is None
        # The year of the attesting page where it shows one; None where no page gives a date.
        assert (by_iri[iri].attested_year is not None) == (iri in dated)


def test_query_with_a_parameter_matches_rdflib(source_graph) -> None:
    rows = gnlc.query("members-by-country", ROOT, country="TH")
    thai = {iri for iri, (code, _) in rdflib_members(source_graph).items() if code == "TH"}
    assert {row["city"] for row in rows} == thai
    assert rows.variables[0] == "country"
    assert all(set(row) == set(rows.variables) for row in rows)


def test_query_parameters_are_normalised_as_on_the_command_line() -> None:
    lower = gnlc.query("members-by-country", ROOT, country="th")
    assert lower == gnlc.query("members-by-country", ROOT, country="TH") and len(lower) > 0


def test_query_returns_typed_values() -> None:
    rows = gnlc.query("growth-per-year", ROOT)
    assert all(isinstance(row["new_recorded"], int) for row in rows)
    assert sum(row["new_recorded"] for row in rows) == max(r["cumulative_recorded"] for r in rows)


def test_query_own_file_and_ask_and_construct(tmp_path: Path) -> None:
    ask = tmp_path / "ask.rq"
    ask.write_text(f"ASK {{ ?c <{GNLC}memberOf> <{NETWORK}> }}\n", encoding="utf-8")
    assert gnlc.query(str(ask), ROOT) is True
    construct = tmp_path / "construct.rq"
    construct.write_text(
        f"CONSTRUCT {{ ?c a <{GNLC}LearningCity> }} WHERE {{ ?c <{GNLC}memberOf> <{NETWORK}> }}\n",
        encoding="utf-8",
    )
    graph = gnlc.query(str(construct), ROOT)
    assert len(graph) == len(gnlc.members(ROOT))


def test_timed_local_queries_give_the_same_results(tmp_path: Path) -> None:
    assert gnlc.query("members-by-country", ROOT, country="TH", timeout=60) == gnlc.query(
        "members-by-country", ROOT, country="TH"
    )
    ask = tmp_path / "ask.rq"
    ask.write_text(f"ASK {{ ?c <{GNLC}memberOf> <{NETWORK}> }}\n", encoding="utf-8")
    assert gnlc.query(str(ask), ROOT, timeout=60) is True
    construct = tmp_path / "construct.rq"
    construct.write_text(
        f"CONSTRUCT {{ ?c a <{GNLC}LearningCity> }} WHERE {{ ?c <{GNLC}memberOf> <{NETWORK}> }}\n",
        encoding="utf-8",
    )
    assert len(gnlc.query(str(construct), ROOT, timeout=60)) == len(gnlc.members(ROOT))


@pytest.mark.slow
def test_a_local_query_past_its_timeout_is_stopped(tmp_path: Path) -> None:
    expensive = tmp_path / "cross.rq"
    expensive.write_text(
        "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }\n", encoding="utf-8"
    )
    with pytest.raises(GnlcError, match="timed out"):
        gnlc.query(str(expensive), ROOT, timeout=1)


def test_service_is_refused_unless_allowed(tmp_path: Path) -> None:
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.5)
    port = listener.getsockname()[1]
    federated = tmp_path / "federated.rq"
    federated.write_text(
        f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}\n",
        encoding="utf-8",
    )
    try:
        with pytest.raises(GnlcError, match="SERVICE"):
            gnlc.query(str(federated), ROOT)
        with pytest.raises(TimeoutError):
            listener.accept()  # nobody connected
    finally:
        listener.close()


@pytest.mark.parametrize(
    ("name", "params", "fragment"),
    [
        ("no-such-query", {}, "unknown query"),
        ("../../etc/passwd", {}, "not a query name"),
        ("members-by-country", {"nation": "TH"}, "unknown parameter"),
        ("members-by-cohort", {"year": "twenty"}, "not a valid"),
        ("members-by-country", {"country": "XX"}, "XX"),
        ("cities-serving-sdg", {"goal": "18"}, "1..17"),
    ],
)
def test_query_refuses_bad_input_with_the_cli_messages(name, params, fragment) -> None:
    with pytest.raises(GnlcError, match=fragment):
        gnlc.query(name, ROOT, **params)


@pytest.mark.parametrize(
    ("literal", "expected"),
    [
        ('"7"^^<http://www.w3.org/2001/XMLSchema#integer>', 7),
        ('"2.50"^^<http://www.w3.org/2001/XMLSchema#decimal>', Decimal("2.50")),
        ('"1.5E0"^^<http://www.w3.org/2001/XMLSchema#double>', 1.5),
        ('"true"^^<http://www.w3.org/2001/XMLSchema#boolean>', True),
        ('"0"^^<http://www.w3.org/2001/XMLSchema#boolean>', False),
        ('"2020"^^<http://www.w3.org/2001/XMLSchema#gYear>', 2020),
        ('"2019-07"^^<http://www.w3.org/2001/XMLSchema#gYearMonth>', "2019-07"),
        ('"เชียงใหม่"@th', "เชียงใหม่"),
        ('"x7"^^<http://www.w3.org/2001/XMLSchema#integer>', "x7"),
    ],
)
def test_python_value(literal: str, expected) -> None:
    import datetime

    import pyoxigraph

    store = pyoxigraph.Store()
    term = next(iter(store.query(f"SELECT ?v WHERE {{ BIND({literal} AS ?v) }}")))["v"]
    value = api.python_value(term)
    assert value == expected and type(value) is type(expected)
    date = pyoxigraph.Literal("2024-02-14", datatype=pyoxigraph.NamedNode(api.XSD + "date"))
    assert api.python_value(date) == datetime.date(2024, 2, 14)
    assert api.python_value(pyoxigraph.NamedNode(NETWORK)) == NETWORK
    assert api.python_value(None) is None


@pytest.mark.slow
def test_rows_to_pandas_keeps_codes_and_columns() -> None:
    pandas = pytest.importorskip("pandas", reason="pandas is a test dependency ([test] extra)")
    rows = gnlc.query("members-by-country", ROOT)
    frame = rows.to_pandas()
    assert list(frame.columns) == rows.variables
    assert len(frame) == len(rows)
    assert frame["country"].isna().sum() == 0  # Namibia's "NA" stays a code
    assert isinstance(frame, pandas.DataFrame)


@pytest.mark.slow
def test_validate_reports_a_fixture_violation() -> None:
    assert gnlc.validate(root=ROOT).conforms()
    report = gnlc.validate([FIXTURES / "invalid" / "award-no-year.ttl"], root=ROOT)
    assert not report.conforms()
    assert all(f.file for f in report.violations)


@pytest.mark.slow
def test_build_writes_only_when_valid(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    assert gnlc.build(out, ROOT).conforms()
    assert (out / "gnlc.ttl").is_file()
    broken = tmp_path / "root"
    copy_sources(broken)
    shutil.copy(FIXTURES / "invalid" / "award-no-year.ttl", broken / "data" / "zz-broken.ttl")
    out2 = tmp_path / "dist2"
    assert not gnlc.build(out2, broken).conforms()
    assert not out2.exists()


def test_doctests_of_the_api_module() -> None:
    failed, attempted = doctest.testmod(api, optionflags=doctest.ELLIPSIS)
    assert attempted >= 5 and failed == 0


@pytest.mark.slow
def test_readme_python_examples_run() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.S)
    examples = [b for b in blocks if ">>>" in b]
    assert examples, "the README shows the Python API with >>> examples"
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    globs: dict = {}
    for index, block in enumerate(examples):
        runner.run(parser.get_doctest(block, globs, f"README[{index}]", "README.md", 0))
    assert runner.failures == 0, f"{runner.failures} README example(s) failed"


@pytest.mark.server
def test_query_against_an_endpoint_gives_the_local_rows(tmp_path: Path, release: Path) -> None:
    with oxigraph_serving(tmp_path / "store", release / "gnlc.nt") as root:
        remote = gnlc.query("members-by-country", ROOT, endpoint=root, country="TH")
    local = gnlc.query("members-by-country", ROOT, country="TH")
    assert list(remote) == list(local) and len(local) > 0
