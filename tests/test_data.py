"""Per-record checks on the data, one test per rule, the record's IRI as the test id."""

from __future__ import annotations

from collections import Counter, defaultdict

import pycountry
import pytest
from conftest import ROOT
from helpers import GNLC, cities, current_members, lang_value, rdflib_release_graph, rdflib_sources

# Hand-edited and generated sources as written, and with the rules applied (plain labels,
# regions), both by rdflib: a route independent of gnlc's own loading.
SOURCES = rdflib_sources(ROOT)
GRAPH = rdflib_release_graph(ROOT)
CITIES = cities(GRAPH)
SKOS = "http://www.w3.org/2004/02/skos/core#"
ORG = "http://www.w3.org/ns/org#"
DCT = "http://purl.org/dc/terms/"
TH = "https://w3id.org/gnlc/country/TH"


def u(iri: str):
    import rdflib

    return rdflib.URIRef(iri)


def memberships(city) -> list:
    return list(GRAPH.subjects(u(ORG + "member"), city))


@pytest.mark.parametrize("city", CITIES, ids=str)
def test_city_has_one_english_name_and_a_real_country(city) -> None:
    names = [v for v in GRAPH.objects(city, u(SKOS + "prefLabel")) if v.language == "en"]
    assert len(names) == 1
    country = GRAPH.value(city, u(GNLC + "country"))
    code = str(GRAPH.value(country, u(GNLC + "countryCode")))
    assert pycountry.countries.get(alpha_2=code) is not None
    assert str(city).startswith(f"https://w3id.org/gnlc/city/{code.lower()}-")


def test_country_thai_names_are_cldrs_and_cite_it() -> None:
    """Each country's Thai name is CLDR's Thai territory name (read here through Babel), never an
    inverted ISO form like "อิหร่าน, สาธารณรัฐอิสลาม", and the country cites CLDR."""
    import babel

    territories = babel.Locale("th").territories
    countries = list(GRAPH.subjects(u(GNLC + "countryCode"), None))
    assert countries
    for country in countries:
        code = str(GRAPH.value(country, u(GNLC + "countryCode")))
        thai = lang_value(GRAPH, country, u(SKOS + "prefLabel"), "th")
        assert thai == territories[code], code
        assert "," not in thai
        assert u("https://cldr.unicode.org/") in set(GRAPH.objects(country, u(DCT + "source")))


@pytest.mark.parametrize("city", CITIES, ids=str)
def test_city_membership_is_dated_by_a_cohort_or_an_attestation(city) -> None:
    current = [m for m in memberships(city) if (m, u(GNLC + "endYear"), None) not in GRAPH]
    assert len(current) <= 1
    for m in memberships(city):
        years = list(GRAPH.objects(m, u(GNLC + "startYear")))
        cohorts = list(GRAPH.objects(m, u(GNLC + "cohort")))
        attested = list(GRAPH.objects(m, u(GNLC + "attestedDate")))
        by = list(GRAPH.objects(m, u(GNLC + "attestedBy")))
        assert len(years) == len(cohorts) <= 1
        assert len(attested) <= len(by) <= 1
        assert years or by, f"{m} has neither a start year nor an attesting page"
        if years:
            assert str(GRAPH.value(cohorts[0], u(GNLC + "year"))) == str(years[0])
        if by:
            assert str(by[0]).startswith(("http://", "https://"))
        if attested:
            assert str(attested[0])[:4] >= "2013"
        elif by and not years:
            # Attested by a page that shows no date: the editorial note must say so.
            notes = " ".join(str(n) for n in GRAPH.objects(m, u(SKOS + "editorialNote")))
            assert "shows no date" in notes, m


@pytest.mark.parametrize("city", CITIES, ids=str)
def test_every_name_of_a_city_cites_its_own_source(city) -> None:
    xl = "http://www.w3.org/2008/05/skos-xl#"
    labels = [
        *SOURCES.objects(city, u(xl + "prefLabel")),
        *SOURCES.objects(city, u(xl + "altLabel")),
    ]
    assert labels, f"{city} has no SKOS-XL label"
    for label in labels:
        assert len(list(SOURCES.objects(label, u(xl + "literalForm")))) == 1, label
        assert list(SOURCES.objects(label, u(DCT + "source"))), f"{label} has no source"
    # Names are recorded only as SKOS-XL labels; the plain ones are derived from them.
    assert not list(SOURCES.objects(city, u(SKOS + "prefLabel")))
    assert not list(SOURCES.objects(city, u(SKOS + "altLabel")))


@pytest.mark.parametrize("city", CITIES, ids=str)
def test_city_and_membership_cite_http_sources(city) -> None:
    for node in [city, *memberships(city)]:
        sources = list(GRAPH.objects(node, u(DCT + "source")))
        assert sources, f"{node} has no dcterms:source"
        assert all(str(s).startswith(("http://", "https://")) for s in sources)


THAI = [c for c in CITIES if GRAPH.value(c, u(GNLC + "country")) == u(TH)]


@pytest.mark.parametrize("city", THAI, ids=str)
def test_thai_member_described_in_full(city) -> None:
    assert lang_value(GRAPH, city, u(SKOS + "prefLabel"), "th")
    assert lang_value(GRAPH, city, u(GNLC + "province"), "en")


def test_all_thirteen_thai_members_are_recorded() -> None:
    assert len(THAI) >= 13


def test_names_unique_per_country() -> None:
    seen = Counter()
    for city in CITIES:
        country = GRAPH.value(city, u(GNLC + "country"))
        name = lang_value(GRAPH, city, u(SKOS + "prefLabel"), "en").casefold()
        seen[(country, name)] += 1
    assert [k for k, n in seen.items() if n > 1] == []


def test_no_cohort_holds_more_members_than_announced() -> None:
    recorded: dict = defaultdict(set)
    for m, cohort in GRAPH.subject_objects(u(GNLC + "cohort")):
        recorded[cohort].add(GRAPH.value(m, u(ORG + "member")))
    for cohort, members in recorded.items():
        announced = GRAPH.value(cohort, u(GNLC + "announcedNewMembers"))
        if announced is not None:
            assert len(members) <= int(announced), str(cohort)


def test_every_source_is_an_http_iri() -> None:
    import rdflib

    for _, source in GRAPH.subject_objects(u(DCT + "source")):
        assert isinstance(source, rdflib.URIRef)
        assert str(source).startswith(("http://", "https://")), source


def test_every_city_is_a_current_member_unless_an_end_year_says_otherwise() -> None:
    ended = {GRAPH.value(m, u(ORG + "member")) for m in GRAPH.subjects(u(GNLC + "endYear"), None)}
    assert set(current_members(GRAPH)) | ended == set(CITIES)


def test_the_research_table_and_the_data_name_the_same_cities() -> None:
    """scripts/import/members.csv (research input) names every city in data/ and nothing else:
    each row's English name is an English name (preferred or alternative) of a city, and each
    city is named by a row. data/ stays the source of truth (hand corrections live there)."""
    import csv

    xl = "http://www.w3.org/2008/05/skos-xl#"
    english: dict = defaultdict(set)
    for kind in ("prefLabel", "altLabel"):
        for city, label in GRAPH.subject_objects(u(xl + kind)):
            for form in GRAPH.objects(label, u(xl + "literalForm")):
                if getattr(form, "language", None) == "en":
                    english[str(form)].add(city)
    with (ROOT / "scripts/import/members.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    unmatched = [row["name_en"] for row in rows if row["name_en"] not in english]
    assert not unmatched
    named = set().union(*(english[row["name_en"]] for row in rows))
    assert set(CITIES) <= named
