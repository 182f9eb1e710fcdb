"""examples/: every script and the notebook run, and what they print agrees with rdflib's own
reading of the sources (or the release CSV read with the csv module)."""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from helpers import oxigraph_serving

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
WIKIDATA_FIXTURE = ROOT / "tests/fixtures/wikidata/wikidata.ttl"
PATIENCE = 300  # safety net for subprocesses and servers, never asserted on
UNKNOWN = "year unknown"

pytestmark = pytest.mark.slow


def run(script: str, *args: str, cwd: Path = ROOT) -> str:
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / script), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=PATIENCE,
        env={**os.environ, "MPLBACKEND": "Agg"},
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout


def region_year_counts(graph) -> Counter:
    rows = graph.query(
        """
        PREFIX gnlc: <https://w3id.org/gnlc/ontology#>
        PREFIX org: <http://www.w3.org/ns/org#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?city ?region ?year WHERE {
          ?city gnlc:memberOf ?network ; gnlc:region/skos:prefLabel ?region .
          FILTER (lang(?region) = "en")
          ?m org:member ?city . FILTER NOT EXISTS { ?m gnlc:endYear ?end }
          OPTIONAL { ?m gnlc:startYear ?year }
        }"""
    )
    return Counter((str(r.region), str(r.year) if r.year else UNKNOWN) for r in rows)


def test_members_per_region_and_cohort(source_graph, tmp_path: Path) -> None:
    chart = tmp_path / "chart.png"
    out = run("members_per_region_and_cohort.py", "--chart", str(chart))
    lines = out.splitlines()
    header = lines[0].split()
    years = [h for h in header[1:-1] if h != "year"]
    years = [y if y != "unknown" else UNKNOWN for y in years]
    printed = Counter()
    for line in lines[1:]:
        if line.startswith("wrote"):
            continue
        match = re.match(r"^(.*?)\s{2,}((?:\d+\s+)+\d+)$", line)
        assert match, line
        region, numbers = match.group(1).strip(), [int(n) for n in match.group(2).split()]
        assert sum(numbers[:-1]) == numbers[-1]
        for year, count in zip(years, numbers[:-1], strict=True):
            if count:
                printed[(region, year)] = count
    assert printed == region_year_counts(source_graph)
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_members_map(source_graph, tmp_path: Path) -> None:
    import rdflib

    picture = tmp_path / "map.png"
    out = run("members_map.py", str(picture))
    geo = rdflib.Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
    member_of = rdflib.URIRef("https://w3id.org/gnlc/ontology#memberOf")
    placed = {
        c
        for c in source_graph.subjects(member_of, None)
        if any(
            True
            for p in source_graph.objects(c, geo.location)
            if (p, geo.lat, None) in source_graph
        )
    }
    assert out.startswith(f"{len(placed)} cities plotted")
    assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_read_csv_pandas_keeps_namibia(release: Path) -> None:
    out = run("read_csv_pandas.py", str(release / "gnlc-members.csv"))
    with (release / "gnlc-members.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    countries = {row["country_code"] for row in rows}
    assert "NA" in countries
    assert out.splitlines()[0] == f"{len(rows)} members in {len(countries)} countries"


@pytest.mark.server
def test_query_endpoint_with_sparqlwrapper(release: Path, source_graph, tmp_path: Path) -> None:
    with oxigraph_serving(tmp_path / "store", release / "gnlc.nt") as root:
        out = run("query_endpoint_sparqlwrapper.py", f"{root}/query")
    printed = dict(line.split("\t") for line in out.splitlines())
    expected = Counter(
        str(r.code)
        for r in source_graph.query(
            """PREFIX gnlc: <https://w3id.org/gnlc/ontology#>
            SELECT DISTINCT ?city ?code WHERE {
              ?city gnlc:memberOf ?n ; gnlc:country/gnlc:countryCode ?code }"""
        )
    )
    assert {code: int(n) for code, n in printed.items()} == dict(expected)


@pytest.mark.server
def test_federate_wikidata_against_a_local_stand_in(release: Path, tmp_path: Path) -> None:
    with (release / "gnlc-members.csv").open(newline="", encoding="utf-8") as handle:
        city = next(csv.DictReader(handle))["iri"]
    with oxigraph_serving(tmp_path / "wikidata", WIKIDATA_FIXTURE) as root:
        out = run(
            "federate_wikidata.py", "--link", f"{city}=Q900000101", "--wikidata", f"{root}/query"
        )
    # The made-up fixture gives Q900000101 ("Testington") a population of 12345.
    assert out.splitlines() == [f"{city}\t12345"]


def test_notebook_runs() -> None:
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(EXAMPLES / "notebook.ipynb", as_version=4)
    NotebookClient(
        notebook, timeout=PATIENCE, kernel_name="python3", resources={"metadata": {"path": ROOT}}
    ).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("with no sourced joining year" in o.get("text", "") for o in outputs)
