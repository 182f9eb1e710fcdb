"""Per-record checks on the data, one test per rule, the record's IRI as the test id."""

from __future__ import annotations

import functools
from collections import Counter, defaultdict

import pycountry
import pytest
from conftest import ROOT
from helpers import GNLC, cities, current_members, lang_value, rdflib_release_graph, rdflib_sources

# Hand-edited and generated sources as written, and with the rules applied (plain labels,
# regions), both by rdflib: a route independent of gnlc's own loading. Parsed when a test first
# needs them, not at collection (every xdist worker collects every module).


@functools.cache
def sources():
    return rdflib_sources(ROOT)


@functools.cache
def graph():
    return rdflib_release_graph(ROOT)


def _listed_cities() -> tuple[list, list]:
    """(every city, the Thai ones) for the test ids, read at collection with pyoxigraph's
    parser (rdflib's takes seconds); test_the_test_ids_are_rdflibs_cities checks both lists
    against rdflib's graph."""
    import pyoxigraph
    import rdflib

    paths = [ROOT / "ontology/gnlc.ttl", *sorted((ROOT / "data").rglob("*.ttl"))]
    typed, country = set(), {}
    for path in paths:
        for t in pyoxigraph.parse(path=path, format=pyoxigraph.RdfFormat.TURTLE):
            if t.predicate.value == RDF_TYPE and t.object.value == GNLC + "LearningCity":
                typed.add(t.subject.value)
            elif t.predicate.value == GNLC + "country":
                country[t.subject.value] = t.object.value
    listed = [rdflib.URIRef(c) for c in sorted(typed)]
    return listed, [c for c in listed if country.get(str(c)) == TH]


RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
TH = "https://w3id.org/gnlc/country/TH"
CITIES, THAI = _listed_cities()
SKOS = "http://www.w3.org/2004/02/skos/core#"
ORG = "http://www.w3.org/ns/org#"
DCT = "http://purl.org/dc/terms/"


def u(iri: str):
    import rdflib

    return rdflib.URIRef(iri)


def memberships(city) -> list:
    return list(graph().subjects(u(ORG + "member"), city))


@pytest.mark.parametrize("city", CITIES, ids=str)
def test_city_has_one_english_name_and_a_real_country(city) -> None:
    names = [v for v in graph().objects(city, u(SKOS + "prefLabel")) if v.language == "en"]
    assert len(names) == 1
    country = graph().value(city, u(GNLC + "country"))
    code = str(graph().value(country, u(GNLC + "countryCode")))
    assert pycountry.countries.get(alpha_2=code) is not None
    assert str(city).startswith(f"https://w3id.org/gnlc/city/{code.lower()}-")


def test_country_thai_names_are_cldrs_and_cite_it() -> None:
    """Each country's Thai name is CLDR's Thai territory name (read here through Babel), never an
    inverted ISO form like "อิหร่าน, สาธารณรัฐอิสลาม", and the country cites CLDR."""
    import babel

    territories = babel.Locale("th").territories
    countries = list(graph().subjects(u(GNLC + "countryCode"), None))
    assert countries
    for country in countries:
        code = str(graph().value(country, u(GNLC + "countryCode")))
        thai = lang_value(graph(), country, u(SKOS + "prefLabel"), "th")
        assert thai == territories[code], code
        assert "," not in thai
        assert u("https://cldr.unicode.org/") in set(graph().objects(country, u(DCT + "source")))


@pytest.mark.parametrize("city", CITIES, ids=str)
def test_city_membership_is_dated_by_a_cohort_or_an_attestation(city) -> None:
    current = [m for m in memberships(city) if (m, u(GNLC + "endYear"), None) not in graph()]
    assert len(current) <= 1
    for m in memberships(city):
        years = list(graph().objects(m, u(GNLC + "startYear")))
        cohorts = list(graph().objects(m, u(GNLC + "cohort")))
        attested = list(graph().objects(m, u(GNLC + "attestedDate")))
        by = list(graph().objects(m, u(GNLC + "attestedBy")))
        assert len(years) == len(cohorts) <= 1
        assert len(attested) <= len(by) <= 1
        assert years or by, f"{m} has neither a start year nor an attesting page"
        if years:
            assert str(graph().value(cohorts[0], u(GNLC + "year"))) == str(years[0])
        if by:
            assert str(by[0]).startswith(("http://", "https://"))
        if attested:
            assert str(attested[0])[:4] >= "2013"
        elif by and not years:
            # Attested by a page that shows no date: the editorial note must say so.
            notes = " ".join(str(n) for n in graph().objects(m, u(SKOS + "editorialNote")))
            assert "shows no date" in notes, m


@pytest.mark.parametrize("city", CITIES, ids=str)
def test_every_name_of_a_city_cites_its_own_source(city) -> None:
    xl = "http://www.w3.org/2008/05/skos-xl#"
    labels = [
        *sources().objects(city, u(xl + "prefLabel")),
        *sources().objects(city, u(xl + "altLabel")),
    ]
    assert labels, f"{city} has no SKOS-XL label"
    for label in labels:
        assert len(list(sources().objects(label, u(xl + "literalForm")))) == 1, label
        assert list(sources().objects(label, u(DCT + "source"))), f"{label} has no source"
    # Names are recorded only as SKOS-XL labels; the plain ones are derived from them.
    assert not list(sources().objects(city, u(SKOS + "prefLabel")))
    assert not list(sources().objects(city, u(SKOS + "altLabel")))


@pytest.mark.parametrize("city", CITIES, ids=str)
def test_city_and_membership_cite_http_sources(city) -> None:
    for node in [city, *memberships(city)]:
        sources = list(graph().objects(node, u(DCT + "source")))
        assert sources, f"{node} has no dcterms:source"
        assert all(str(s).startswith(("http://", "https://")) for s in sources)


@pytest.mark.parametrize("city", THAI, ids=str)
def test_thai_member_described_in_full(city) -> None:
    assert lang_value(graph(), city, u(SKOS + "prefLabel"), "th")
    assert lang_value(graph(), city, u(GNLC + "province"), "en")


def rdflib_thai_cities() -> list:
    return [c for c in cities(graph()) if graph().value(c, u(GNLC + "country")) == u(TH)]


def test_the_test_ids_are_rdflibs_cities() -> None:
    """The cities the tests above are parametrized over are the ones rdflib finds."""
    assert cities(graph()) == CITIES
    assert rdflib_thai_cities() == THAI


def test_all_thirteen_thai_members_are_recorded() -> None:
    assert len(rdflib_thai_cities()) >= 13


def test_names_unique_per_country() -> None:
    seen = Counter()
    for city in cities(graph()):
        country = graph().value(city, u(GNLC + "country"))
        name = lang_value(graph(), city, u(SKOS + "prefLabel"), "en").casefold()
        seen[(country, name)] += 1
    assert [k for k, n in seen.items() if n > 1] == []


def test_no_cohort_holds_more_members_than_announced() -> None:
    recorded: dict = defaultdict(set)
    for m, cohort in graph().subject_objects(u(GNLC + "cohort")):
        recorded[cohort].add(graph().value(m, u(ORG + "member")))
    for cohort, members in recorded.items():
        announced = graph().value(cohort, u(GNLC + "announcedNewMembers"))
        if announced is not None:
            assert len(members) <= int(announced), str(cohort)


def test_every_source_is_an_http_iri() -> None:
    import rdflib

    for _, source in graph().subject_objects(u(DCT + "source")):
        assert isinstance(source, rdflib.URIRef)
        assert str(source).startswith(("http://", "https://")), source


def test_every_city_is_a_current_member_unless_an_end_year_says_otherwise() -> None:
    ended = {
        graph().value(m, u(ORG + "member")) for m in graph().subjects(u(GNLC + "endYear"), None)
    }
    assert set(current_members(graph())) | ended == set(cities(graph()))


def test_the_research_table_and_the_data_name_the_same_cities() -> None:
    """scripts/import/members.csv (research input) names every city in data/ and nothing else:
    each row's English name is an English name (preferred or alternative) of a city, and each
    city is named by a row. data/ stays the source of truth (hand corrections live there)."""
    import csv

    xl = "http://www.w3.org/2008/05/skos-xl#"
    english: dict = defaultdict(set)
    for kind in ("prefLabel", "altLabel"):
        for city, label in graph().subject_objects(u(xl + kind)):
            for form in graph().objects(label, u(xl + "literalForm")):
                if getattr(form, "language", None) == "en":
                    english[str(form)].add(city)
    with (ROOT / "scripts/import/members.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    unmatched = [row["name_en"] for row in rows if row["name_en"] not in english]
    assert not unmatched
    named = set().union(*(english[row["name_en"]] for row in rows))
    assert set(cities(graph())) <= named
