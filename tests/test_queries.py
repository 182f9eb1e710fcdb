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
        if not year:
            continue  # the year-unknown row: test_growth_per_year_year_unknown_row
        assert int(new) == len(per_year.get(year, ()))
        started = {
            g.value(m, u(ORG + "member"))
            for m in g.subjects(u(GNLC + "startYear"), None)
            if str(g.value(m, u(GNLC + "startYear"))) <= year
            and not any(str(e) <= year for e in g.objects(m, u(GNLC + "endYear")))
        }
        assert int(cumulative) == len(started)


def _memberships(g) -> list[tuple]:
    """(membership, city) of every current membership, walked in rdflib."""
    return [
        (m, city)
        for m, city in g.subject_objects(u(ORG + "member"))
        if (m, u(GNLC + "endYear"), None) not in g
    ]


def _year_unknown(g) -> set:
    """Current members whose current membership has no cohort (no source gives the year)."""
    return {city for m, city in _memberships(g) if (m, u(GNLC + "cohort"), None) not in g}


def _no_dated_page(g) -> set:
    """Of those, the members attested only by pages that show no date."""
    return {
        city
        for m, city in _memberships(g)
        if (m, u(GNLC + "startYear"), None) not in g
        and (m, u(GNLC + "attestedBy"), None) in g
        and (m, u(GNLC + "attestedDate"), None) not in g
    }


def _country(g, city) -> str:
    return str(g.value(g.value(city, u(GNLC + "country")), u(GNLC + "countryCode")))


def _import_table() -> list[dict]:
    """scripts/import/members.csv, the table data/members/ is imported from (a third route)."""
    with (ROOT / "scripts/import/members.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_cohort_coverage_has_a_year_unknown_row(store, source_graph) -> None:
    """Cohort rows, then one row with no year: the current members in no cohort; the recorded
    members of all rows add up to every current member (plus ended memberships, kept in their
    cohort's row as UNESCO's announced figures keep them)."""
    g = source_graph
    got = rows(store, "cohort-coverage")
    unknown = [r for r in got if not r[0]]
    assert len(unknown) == 1 and got[-1] == unknown[0], "one year-unknown row, last"
    _, announced, members, announced_members, countries, announced_countries = unknown[0]
    expected = _year_unknown(g)
    assert expected, "the data records members whose joining year no source gives"
    assert int(members) == len(expected)
    assert int(countries) == len({_country(g, c) for c in expected})
    assert announced == announced_members == announced_countries == ""
    table = _import_table()
    assert int(members) == sum(1 for row in table if not row["cohort_year"])
    per_year: dict[str, set] = defaultdict(set)
    for m, city in g.subject_objects(u(ORG + "member")):
        cohort = g.value(m, u(GNLC + "cohort"))
        if cohort is not None:
            per_year[str(g.value(cohort, u(GNLC + "year")))].add(city)
    assert {r[0]: int(r[2]) for r in got if r[0]} == {y: len(c) for y, c in per_year.items()}
    ended_with_cohort = {
        m for m in g.subjects(u(GNLC + "endYear"), None) if (m, u(GNLC + "cohort"), None) in g
    }
    total = sum(int(r[2]) for r in got)
    assert total == len(current_members(g)) + len(ended_with_cohort)
    assert total == len(table) + len(ended_with_cohort)


def test_growth_per_year_year_unknown_row(store, source_graph) -> None:
    """Years' cumulative counts hold dated members only; the year-unknown row adds the rest,
    and its cumulative figure is every current member."""
    g = source_graph
    got = rows(store, "growth-per-year")
    unknown = [r for r in got if not r[0]]
    assert len(unknown) == 1 and got[-1] == unknown[0], "one year-unknown row, last"
    _, new, cumulative, new_announced, total_announced = unknown[0]
    assert int(new) == len(_year_unknown(g)) > 0
    assert int(cumulative) == len(current_members(g)) == len(_import_table())
    assert new_announced == total_announced == ""
    dated = {city for m, city in _memberships(g) if (m, u(GNLC + "startYear"), None) in g}
    # The last year's cumulative figure counts the dated members only; with the
    # year-unknown row it reaches the total.
    assert int(got[-2][2]) == len(dated)
    assert int(got[-2][2]) + int(new) == int(cumulative)


@pytest.mark.parametrize("name", ["cohort-coverage", "growth-per-year", "data-gaps"])
def test_coverage_queries_give_the_same_rows_on_rdflib(store, source_graph, name: str) -> None:
    """rdflib's own SPARQL engine, over the graph it built, gives the same rows in the same
    order (Virtuoso: tests/test_virtuoso.py)."""
    text = queries.resolve(ROOT, name).text
    expected = [tuple("" if v is None else str(v) for v in row) for row in source_graph.query(text)]
    assert rows(store, name) == expected


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


def test_data_gaps_lists_every_gap(store, source_graph) -> None:
    """Each gap's members, as rdflib finds them walking the triples."""
    g = source_graph
    members = current_members(g)

    def lacking(predicate: str) -> set:
        return {c for c in members if (c, u(predicate), None) not in g}

    expected = {
        "thai-name": {c for c in members if not lang_value(g, c, u(SKOS + "prefLabel"), "th")},
        "region": lacking(GNLC + "region"),
        "coordinates": lacking(GEO + "location"),
        "geonames": lacking(GNLC + "geonames"),
        "province": lacking(GNLC + "province"),
        "joining-year": _year_unknown(g),
        "attestation-date": _no_dated_page(g),
    }
    got = rows(store, "data-gaps")
    assert len(got) == len(set(got)), "no row twice"
    found: dict[str, set] = defaultdict(set)
    for city, country, gap in got:
        assert country == _country(g, u(city))
        found[gap].add(u(city))
    assert set(found) <= set(expected)
    assert {gap: found.get(gap, set()) for gap in expected} == expected
    assert expected["joining-year"] and expected["attestation-date"]
    table = _import_table()
    assert len(found["joining-year"]) == sum(1 for row in table if not row["cohort_year"])
    assert len(found["attestation-date"]) == sum(
        1 for row in table if not row["cohort_year"] and not row["attested_date"]
    )


def test_data_gaps_attestation_date_is_what_the_shape_warns_about(store, source_graph) -> None:
    """The "attestation-date" gap names the members whose membership the warning shape
    membership-attestation-undated reports, no more, no fewer."""
    from gnlc.pipeline import validate_sources

    report, _ = validate_sources(ROOT)
    shape = "https://w3id.org/gnlc/shapes#membership-attestation-undated"
    warned = {
        source_graph.value(u(f.focus), u(ORG + "member"))
        for f in report.warnings
        if f.shape == shape
    }
    assert warned and None not in warned
    got = {u(r[0]) for r in rows(store, "data-gaps") if r[2] == "attestation-date"}
    assert got == warned


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
