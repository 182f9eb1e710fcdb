"""Every named query runs, and returns what a second route (Python over rdflib) computes."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter, defaultdict

import pytest
from click.testing import CliRunner
from conftest import ROOT
from helpers import GNLC, NETWORK, current_members, lang_value

from gnlc import queries
from gnlc.cli import cli

NAMED = [q.name for q in queries.list_queries(ROOT)]
SKOS = "http://www.w3.org/2004/02/skos/core#"
ORG = "http://www.w3.org/ns/org#"
GEO = "http://www.w3.org/2003/01/geo/wgs84_pos#"
DCT = "http://purl.org/dc/terms/"


@pytest.fixture(scope="module")
def store():
    from gnlc.sources import load_graph

    return load_graph(ROOT).store


def rows(store, name: str, **params: str) -> list[tuple]:
    """The query's rows as tuples of lexical values ('' when unbound)."""
    query = queries.resolve(ROOT, name)
    result = queries.run_local(store, query, queries.bindings(query, params))
    names = [v.value for v in result.variables]
    return [tuple("" if r[n] is None else r[n].value for n in names) for r in result]


def u(iri: str):
    import rdflib

    return rdflib.URIRef(iri)


@pytest.mark.parametrize("name", NAMED)
def test_named_query_header_and_order(name: str) -> None:
    query = queries.resolve(ROOT, name)
    assert query.title and query.description
    assert re.search(r"ORDER BY [^\n]+\s*$", query.text.strip(), flags=re.IGNORECASE)
    for param in query.params:
        assert param.description
        # Substitution (SEP-0007) binds projected variables only.
        assert re.search(rf"SELECT[^{{]*\?{param.name}\b", query.text)


@pytest.mark.parametrize("name", NAMED)
def test_named_query_runs_without_arguments(name: str) -> None:
    result = CliRunner().invoke(cli, ["--root", str(ROOT), "query", name, "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0]


def test_query_list_format() -> None:
    result = CliRunner().invoke(cli, ["--root", str(ROOT), "query", "--list"])
    lines = result.output.splitlines()
    assert [line.split("\t")[0] for line in lines] == NAMED
    assert all(len(line.split("\t")) == 3 for line in lines)


def _member_rows(g, country: str | None = None) -> list[tuple]:
    out = []
    for city in current_members(g):
        code = str(g.value(g.value(city, u(GNLC + "country")), u(GNLC + "countryCode")))
        if country and code != country:
            continue
        for m in g.subjects(u(ORG + "member"), city):
            if (m, u(GNLC + "endYear"), None) in g:
                continue
            out.append(
                (
                    code,
                    str(city),
                    lang_value(g, city, u(SKOS + "prefLabel"), "en"),
                    lang_value(g, city, u(SKOS + "prefLabel"), "th") or "",
                    str(start) if (start := g.value(m, u(GNLC + "startYear"))) else "",
                    str(start) if start else str(g.value(m, u(GNLC + "attestedDate")) or "")[:4],
                )
            )
    return sorted(out, key=lambda r: (r[0], r[2]))


def test_members_by_country(store, source_graph) -> None:
    assert rows(store, "members-by-country") == _member_rows(source_graph)
    assert rows(store, "members-by-country", country="TH") == _member_rows(source_graph, "TH")


def test_members_by_cohort_and_growth(store, source_graph) -> None:
    g = source_graph
    per_year: dict[str, set] = defaultdict(set)
    for m in g.subjects(u(ORG + "member"), None):
        cohort = g.value(m, u(GNLC + "cohort"))
        if cohort is not None:
            per_year[str(g.value(cohort, u(GNLC + "year")))].add(g.value(m, u(ORG + "member")))
    got = Counter(r[0] for r in rows(store, "members-by-cohort"))
    assert got == Counter({y: len(c) for y, c in per_year.items() if c})
    for year, new, cumulative, *_ in rows(store, "growth-per-year"):
        assert int(new) == len(per_year.get(year, ()))
        started = {
            g.value(m, u(ORG + "member"))
            for m in g.subjects(u(GNLC + "startYear"), None)
            if str(g.value(m, u(GNLC + "startYear"))) <= year
            and not any(str(e) <= year for e in g.objects(m, u(GNLC + "endYear")))
        }
        assert int(cumulative) == len(started)


def test_countries_ranked(store, source_graph) -> None:
    counts = Counter(
        str(source_graph.value(source_graph.value(c, u(GNLC + "country")), u(GNLC + "countryCode")))
        for c in current_members(source_graph)
    )
    got = [(r[0], int(r[3])) for r in rows(store, "countries-ranked")]
    assert got == sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def test_members_per_region(store, source_graph) -> None:
    def region_name(city) -> str:
        region = source_graph.value(city, u(GNLC + "region"))
        if region is None:
            return "(not recorded)"  # the wording gnlc stats uses
        return lang_value(source_graph, region, u(SKOS + "prefLabel"), "en") or "(not recorded)"

    counts = Counter(region_name(c) for c in current_members(source_graph))
    got = {r[0]: int(r[1]) for r in rows(store, "members-per-region")}
    assert got == dict(counts)


def test_thai_members(store, source_graph) -> None:
    thai = [
        c
        for c in current_members(source_graph)
        if source_graph.value(c, u(GNLC + "country")) == u("https://w3id.org/gnlc/country/TH")
    ]
    got = rows(store, "thai-members")
    assert sorted(r[0] for r in got) == sorted(str(c) for c in thai)
    for row in got:
        assert row[1], f"{row[0]} has no Thai name"


def test_characteristics(store, source_graph) -> None:
    got = rows(store, "characteristics")
    assert [r[1] for r in got] == ["1", "2", "3", "4", "5", "6"]
    for iri, _, en, th in got:
        assert en == lang_value(source_graph, u(iri), u(SKOS + "prefLabel"), "en")
        assert th == lang_value(source_graph, u(iri), u(SKOS + "prefLabel"), "th")


def test_sdgs(store) -> None:
    got = rows(store, "sdgs")
    assert [int(r[0]) for r in got] == list(range(1, 18))
    assert [r[4] for r in got] == [f"http://metadata.un.org/sdg/{n}" for n in range(1, 18)]
    focus = {r[0] for r in got if r[5] == "true"}
    assert focus == {"4", "11"}
    assert all(r[3] for r in got)


@pytest.mark.parametrize("goal", ["4", "11", "17"])
def test_cities_serving_sdg(store, source_graph, goal: str) -> None:
    # Every current member serves every goal of the network: the rule is a property chain.
    expected = sorted(str(c) for c in current_members(source_graph))
    got = rows(store, "cities-serving-sdg", goal=goal)
    assert sorted(r[1] for r in got) == expected
    assert {r[0] for r in got} <= {goal}


def test_award_winners(store, source_graph) -> None:
    expected = set()
    for city, award in source_graph.subject_objects(u(GNLC + "awarded")):
        for source in source_graph.objects(award, u(DCT + "source")):
            expected.add((str(source_graph.value(award, u(GNLC + "year"))), str(city), str(source)))
    assert {(r[0], r[1], r[4]) for r in rows(store, "award-winners")} == expected


def test_members_without_coordinates(store, source_graph) -> None:
    expected = {
        str(c)
        for c in current_members(source_graph)
        if (c, u(GEO + "location"), None) not in source_graph
    }
    assert {r[0] for r in rows(store, "members-without-coordinates")} == expected


def test_membership_dating_lists_every_member_no_source_dates(store, source_graph) -> None:
    members = set(current_members(source_graph))
    expected = set()
    for m, city in source_graph.subject_objects(u(ORG + "member")):
        if city not in members or (m, u(GNLC + "endYear"), None) in source_graph:
            continue
        if (m, u(GNLC + "startYear"), None) in source_graph:
            continue
        date = source_graph.value(m, u(GNLC + "attestedDate"))
        page = source_graph.value(m, u(GNLC + "attestedBy"))
        expected.add((str(city), str(page), "" if date is None else str(date)))
    got = {(r[0], r[2], r[3]) for r in rows(store, "membership-dating")}
    assert got == expected
    assert any(date == "" for _, _, date in got) and any(date for _, _, date in got)


def test_data_gaps_counts(store, source_graph) -> None:
    gaps = Counter(r[2] for r in rows(store, "data-gaps"))
    members = current_members(source_graph)
    thai = sum(1 for c in members if not lang_value(source_graph, c, u(SKOS + "prefLabel"), "th"))
    assert gaps.get("thai-name", 0) == thai
    assert gaps.get("coordinates", 0) == sum(
        1 for c in members if (c, u(GEO + "location"), None) not in source_graph
    )


def test_sources_counts(store, source_graph) -> None:
    counts = Counter(str(o) for _, o in source_graph.subject_objects(u(DCT + "source")))
    per_source = {r[0]: int(r[1]) for r in rows(store, "sources")}
    resources = defaultdict(set)
    for s, o in source_graph.subject_objects(u(DCT + "source")):
        resources[str(o)].add(s)
    assert per_source == {k: len(v) for k, v in resources.items()}
    assert set(per_source) == set(counts)


INJECTIONS = [
    'TH" } DROP ALL #',
    "TH'; DELETE WHERE { ?s ?p ?o } #",
    "TH\n} INSERT DATA { <a> <b> <c> }",
    "{ }",
    '\\" ) ',
    "?country",
]


@pytest.mark.parametrize("value", INJECTIONS)
def test_injection_attempts_match_nothing_and_change_nothing(store, value: str) -> None:
    size = len(store)
    assert rows(store, "members-by-country", country=value) == []
    assert len(store) == size


def test_values_block_binding_for_endpoints() -> None:
    import pyoxigraph

    query = queries.resolve(ROOT, "members-by-country")
    terms = queries.bindings(query, {"country": 'TH" } DROP ALL #'})
    text = queries.with_values(query.text, terms)
    assert 'VALUES ?country { "TH\\" } DROP ALL #" }' in text
    pyoxigraph.Store().query(text)  # still one well-formed query


def test_bad_parameters_exit_2() -> None:
    runner = CliRunner()
    base = ["--root", str(ROOT), "query"]
    assert runner.invoke(cli, [*base, "members-by-cohort", "--param", "year=20x"]).exit_code == 2
    assert runner.invoke(cli, [*base, "members-by-cohort", "--param", "nope=1"]).exit_code == 2
    assert runner.invoke(cli, [*base, "members-by-cohort", "--param", "year"]).exit_code == 2
    result = runner.invoke(cli, [*base, "../../etc/passwd"])
    assert result.exit_code == 2 and "not a query name" in result.stderr
    assert runner.invoke(cli, [*base, "no-such-query"]).exit_code == 2


def test_user_query_file_and_syntax_error(tmp_path) -> None:
    good = tmp_path / "mine.rq"
    good.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o } ORDER BY ?n\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--root", str(ROOT), "query", str(good), "--format", "csv"])
    assert result.exit_code == 0
    count = int(list(csv.reader(io.StringIO(result.output)))[1][0])
    assert count > 0
    bad = tmp_path / "bad.rq"
    bad.write_text("SELECT ?s WHERE {\n  ?s ?p \n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--root", str(ROOT), "query", str(bad)])
    assert result.exit_code == 2
    assert "bad.rq:" in result.stderr and "syntax error" in result.stderr


def test_output_formats(store) -> None:
    runner = CliRunner()
    base = ["--root", str(ROOT), "query", "sdgs"]
    table = runner.invoke(cli, [*base]).output
    assert "(17 rows)" in table
    tsv = runner.invoke(cli, [*base, "--format", "tsv"]).output
    assert tsv.splitlines()[0].split("\t")[0] == "goal"
    sparql_tsv = runner.invoke(cli, [*base, "--format", "sparql-tsv"]).output
    assert sparql_tsv.splitlines()[0].split("\t")[0] == "?goal"
    import json

    body = json.loads(runner.invoke(cli, [*base, "--format", "json"]).output)
    assert len(body["results"]["bindings"]) == 17
    bad = runner.invoke(cli, [*base, "--format", "turtle"])
    assert bad.exit_code == 2


def test_construct_query_formats(tmp_path) -> None:
    import rdflib

    path = tmp_path / "c.rq"
    path.write_text(
        "PREFIX gnlc: <https://w3id.org/gnlc/ontology#>\n"
        "CONSTRUCT { ?s gnlc:focusSDG ?o } WHERE { ?s gnlc:focusSDG ?o }\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    ttl = runner.invoke(cli, ["--root", str(ROOT), "query", str(path)]).output
    nt = runner.invoke(
        cli, ["--root", str(ROOT), "query", str(path), "--format", "ntriples"]
    ).output
    g1 = rdflib.Graph().parse(data=ttl, format="turtle")
    g2 = rdflib.Graph().parse(data=nt, format="nt")
    assert len(g1) == len(g2) == 2
    assert (
        rdflib.URIRef(NETWORK),
        rdflib.URIRef(GNLC + "focusSDG"),
        rdflib.URIRef("https://w3id.org/gnlc/sdg/4"),
    ) in g1


_TSV = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


@pytest.mark.parametrize("fmt", ["table", "tsv"])
@pytest.mark.parametrize("name", ["members-by-country", "membership-dating", "data-gaps"])
def test_rendered_cells_are_the_values_of_their_columns(store, name: str, fmt: str) -> None:
    """Second route: each cell looked up by its variable's name (unbound ones included: most
    members have no Thai name)."""
    from gnlc.results import render, table

    query = queries.resolve(ROOT, name)
    result = queries.run_local(store, query, queries.bindings(query, {}))
    names = [v.value for v in result.variables]
    by_name = [[r[n] for n in names] for r in result]
    if name == "members-by-country":
        assert any(cell is None for row in by_name for cell in row)
    rendered = render(queries.run_local(store, query, queries.bindings(query, {})), fmt)
    if fmt == "table":
        assert rendered == table(names, by_name).encode("utf-8")
    else:
        lines = ["\t".join(names)] + [
            "\t".join("" if c is None else c.value.translate(_TSV) for c in row) for row in by_name
        ]
        assert rendered.decode("utf-8") == "\n".join(lines) + "\n"
