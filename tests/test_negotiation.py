"""Content negotiation: the Python mirror of Apache's choice (tests/test_apache.py asks Apache)."""

from __future__ import annotations

import pytest

from gnlc.site import negotiation
from gnlc.site.negotiation import target

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
TURTLE = "text/turtle"
JSONLD = "application/ld+json"
BASE_URL = "https://example.org/gnlc-site/"


@pytest.mark.parametrize(
    ("path", "accept", "language", "expected"),
    [
        ("city/th-chiang-rai", BROWSER, "en-GB,en;q=0.9", "en/city/th-chiang-rai.html"),
        ("city/th-chiang-rai", BROWSER, "th-TH,th;q=0.9,en;q=0.8", "th/city/th-chiang-rai.html"),
        ("city/th-chiang-rai", BROWSER, "", "en/city/th-chiang-rai.html"),
        ("city/th-chiang-rai", TURTLE, "", "city/th-chiang-rai.ttl"),
        ("city/th-chiang-rai", "text/turtle;q=1.0", "th", "city/th-chiang-rai.ttl"),
        ("city/th-chiang-rai", "application/x-turtle", "", None),  # 406: obsolete alias
        ("city/th-chiang-rai", JSONLD, "", "city/th-chiang-rai.jsonld"),
        ("city/th-chiang-rai", "application/ld+json;profile=x", "", "city/th-chiang-rai.jsonld"),
        ("city/th-chiang-rai", "", "", "en/city/th-chiang-rai.html"),
        ("/city/th-chiang-rai", TURTLE, "", "city/th-chiang-rai.ttl"),
        ("country/TH", JSONLD, "", "country/TH.jsonld"),
        ("country/TH", BROWSER, "th", "th/country/TH.html"),
        ("region/asia-pacific", BROWSER, "", "en/region/asia-pacific.html"),
        ("cohort/2020", TURTLE, "", "cohort/2020.ttl"),
        ("characteristic/family-community", BROWSER, "", "en/characteristic/family-community.html"),
        ("characteristic", TURTLE, "", "characteristic.ttl"),
        ("sdg/4", BROWSER, "th", "th/sdg/4.html"),
        ("sdg", BROWSER, "", "en/sdg.html"),
        ("award/2021", JSONLD, "", "award/2021.jsonld"),
        ("network", BROWSER, "", "en/network.html"),
        ("organization/uil", TURTLE, "", "organization/uil.ttl"),
        ("dataset", TURTLE, "", "dataset.ttl"),
        ("dataset", BROWSER, "th", "th/dataset.html"),
        ("ontology", BROWSER, "", "en/ontology.html"),
        ("ontology", BROWSER, "th", "th/ontology.html"),
        ("ontology", TURTLE, "", "ontology.ttl"),
        ("ontology", JSONLD, "", "ontology.jsonld"),
        ("ontology/0.1.0", TURTLE, "", "ontology.ttl"),
        ("ontology/Cohort.ttl", BROWSER, "", "ontology/Cohort.ttl"),
        ("city/th-chiang-rai.ttl", BROWSER, "", "city/th-chiang-rai.ttl"),
        ("city/th-chiang-rai.jsonld", TURTLE, "", "city/th-chiang-rai.jsonld"),
        ("dist/gnlc.ttl", BROWSER, "", "dist/gnlc.ttl"),
        ("dist/SHA256SUMS", JSONLD, "", "dist/SHA256SUMS"),
        ("", BROWSER, "", "en/index.html"),
        ("", BROWSER, "th,en", "en/index.html"),  # equal q: LanguagePriority (en, th)
        ("", BROWSER, "th,en;q=0.9", "th/index.html"),
        ("city", BROWSER, "", "en/members.html"),
        ("city/", BROWSER, "th", "th/members.html"),
        ("country/", BROWSER, "", "en/countries.html"),
        ("cohort", BROWSER, "", "en/cohorts.html"),
        ("region", BROWSER, "", "en/regions.html"),
        ("award", BROWSER, "", "en/awards.html"),
    ],
)
def test_target(path: str, accept: str, language: str, expected: str | None) -> None:
    """Each IRI path leads to the page or the RDF file the request asks for."""
    assert target(path, accept, language) == expected


@pytest.mark.parametrize(
    "path",
    [
        "../etc/passwd",
        "city/../../etc",
        "city/a/b",
        "unknown/thing",
        "city/x y",
        "dist/../x",
        "dist/..",
        "dist/.htaccess",
    ],
)
def test_unknown_paths_lead_nowhere(path: str) -> None:
    """Paths outside the layout (including traversal attempts) have no target."""
    assert target(path, BROWSER, "") is None


def test_language_q_values() -> None:
    """Accept-Language q-values decide; an unknown language falls back to English."""
    assert target("network", BROWSER, "en,th;q=0.9") == "en/network.html"
    assert target("network", BROWSER, "en;q=0.5,th") == "th/network.html"
    assert target("network", BROWSER, "th;q=0, en") == "en/network.html"
    assert target("network", BROWSER, "th;q=0") == "en/network.html"
    assert target("network", BROWSER, "TH") == "th/network.html"
    assert target("network", BROWSER, "fr, de;q=0.5") == "en/network.html"


def test_type_q_values() -> None:
    """Accept q-values decide: q=0 excludes a type, the highest q wins, wildcards count less."""
    assert target("sdg/4", "text/turtle;q=0, text/html", "") == "en/sdg/4.html"
    assert target("sdg/4", "text/html;q=0.5, text/turtle", "") == "sdg/4.ttl"
    assert target("sdg/4", "application/rdf+xml, text/turtle;q=0.9", "") == "sdg/4.rdf"
    assert target("sdg/4", "application/n-triples", "") == "sdg/4.nt"
    assert target("sdg/4", "text/turtle, */*", "") == "sdg/4.ttl"  # */* without q: 0.01
    assert target("sdg/4", "text/turtle;q=0.5, */*", "") == "en/sdg/4.html"  # */* now q=1
    assert target("sdg/4", "image/png", "") is None  # 406 Not Acceptable
    assert target("city", "text/turtle", "") is None  # a listing has no RDF


def test_ties_follow_the_map_order() -> None:
    """Equal q: HTML before RDF (languages rank first), then Turtle, JSON-LD, N-Triples, RDF/XML."""
    assert target("sdg/4", "application/ld+json, text/turtle", "") == "sdg/4.ttl"
    assert target("sdg/4", "text/turtle, text/html", "") == "en/sdg/4.html"
    assert target("sdg/4", "application/*", "") == "sdg/4.jsonld"


def test_quality_values_parse_like_apache() -> None:
    """q parsing follows mod_negotiation's atoq (three decimals, odd text counts as 1)."""
    assert negotiation._qvalue("0.5") == 0.5
    assert negotiation._qvalue(".25") == 0.25
    assert negotiation._qvalue("0") == 0.0
    assert negotiation._qvalue("1") == 1.0
    assert negotiation._qvalue("x") == 1.0
    assert negotiation._qvalue("0.1239") == 0.123


def test_type_map_and_redirects() -> None:
    """A type map lists each variant's .asis file; each .asis is a relative 303 to the file."""
    variants = negotiation.resource_variants("city/x")
    files = negotiation.negotiation_files("city/x.var", variants)
    assert sorted(files) == sorted(
        ["city/x.var"] + [f"city/x.{n}.asis" for n in ("en", "th", "ttl", "jsonld", "nt", "rdf")]
    )
    assert "Location: ../en/city/x.html\n" in files["city/x.en.asis"]
    assert "Location: x.ttl\n" in files["city/x.ttl.asis"]
    assert files["city/x.ttl.asis"].startswith("Status: 303 See Other\n")
    root = negotiation.negotiation_files("index.var", negotiation.layout_variants(""))
    assert "Location: dataset.ttl\n" in root["index.ttl.asis"]
    assert negotiation.type_map_path("city/") == "city/index.var"
    assert negotiation.type_map_path("") == "index.var"


def test_htaccess_directives() -> None:
    """The hosting rules: type maps, as-is redirects, language priority, 404 page, plain text."""
    text = negotiation.htaccess("/gnlc/")
    for line in (
        "AddHandler type-map .var",
        "AddHandler send-as-is .asis",
        "LanguagePriority en th",
        "ErrorDocument 404 /gnlc/404.html",
        "  ForceType text/plain;charset=utf-8",
        "AddType application/n-triples .nt",
    ):
        assert line in text.splitlines(), line
    assert text.startswith("# generated by `gnlc site`")
    assert "R=303" not in text  # redirects come from the .asis files only
    w3id = negotiation.w3id_htaccess(BASE_URL)
    assert f"RewriteRule ^(.*)$ {BASE_URL}$1 [R=303,L]" in w3id


def test_media_types() -> None:
    """Target files are served with the media type their clients asked for."""
    assert negotiation.media_type("city/x.ttl") == "text/turtle"
    assert negotiation.media_type("city/x.jsonld") == "application/ld+json"
    assert negotiation.media_type("en/city/x.html") == "text/html"
    assert negotiation.media_type("city/x.rdf") == "application/rdf+xml"
