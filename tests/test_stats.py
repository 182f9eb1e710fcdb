"""`gnlc stats` figures against a count by a second route (rdflib, Python)."""

from __future__ import annotations

import json
from collections import defaultdict

from click.testing import CliRunner
from conftest import ROOT
from helpers import GNLC, current_members, lang_value

from gnlc.cli import cli

ORG = "http://www.w3.org/ns/org#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
GEO = "http://www.w3.org/2003/01/geo/wgs84_pos#"


def u(iri: str):
    import rdflib

    return rdflib.URIRef(iri)


def test_stats_json_matches_the_data(source_graph) -> None:
    result = CliRunner().invoke(cli, ["--root", str(ROOT), "stats", "--format", "json"])
    assert result.exit_code == 0
    stats = json.loads(result.output)
    g = source_graph
    members = current_members(g)
    assert stats["members"] == len(members)
    assert stats["countries"] == len({g.value(c, u(GNLC + "country")) for c in members})
    per_cohort = defaultdict(set)
    for m, cohort in g.subject_objects(u(GNLC + "cohort")):
        per_cohort[int(g.value(cohort, u(GNLC + "year")))].add(g.value(m, u(ORG + "member")))
    for cohort in stats["cohorts"]:
        assert cohort["recorded_members"] == len(per_cohort.get(cohort["year"], ()))
        if cohort["announced_new_members"] is not None:
            assert cohort["recorded_members"] <= cohort["announced_new_members"]
    # Members no source dates are counted apart, never in a cohort; with them, every member once.
    undated = {
        g.value(m, u(ORG + "member"))
        for m in g.subjects(u(ORG + "member"), None)
        if (m, u(GNLC + "startYear"), None) not in g and (m, u(GNLC + "endYear"), None) not in g
    }
    assert stats["year_unknown"]["members"] == len(undated)
    no_dated_page = {
        g.value(m, u(ORG + "member"))
        for m in g.subjects(u(GNLC + "attestedBy"), None)
        if (m, u(GNLC + "attestedDate"), None) not in g
        and (m, u(GNLC + "startYear"), None) not in g
    }
    assert stats["year_unknown"]["undated"]["members"] == len(no_dated_page) > 0
    assert stats["year_unknown"]["undated"]["countries"] == len(
        {g.value(c, u(GNLC + "country")) for c in no_dated_page}
    )
    assert sum(c["recorded_members"] for c in stats["cohorts"]) + len(undated) == len(members)
    enrichment = stats["enrichment"]
    located = sum(1 for c in members if (c, u(GEO + "location"), None) in g)
    assert enrichment["coordinates"] == located
    assert enrichment["thai_labels"] == sum(
        1 for c in members if lang_value(g, c, u(SKOS + "prefLabel"), "th")
    )
    assert stats["latest_announced"] == {"year": 2025, "members": 425, "countries": 91}


def test_stats_table_shows_coverage() -> None:
    result = CliRunner().invoke(cli, ["--root", str(ROOT), "stats"])
    assert result.exit_code == 0
    assert "current members" in result.output and "425" in result.output
