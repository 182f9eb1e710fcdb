"""Content negotiation: the mapping function, and the .htaccess rules read back independently."""

from __future__ import annotations

import re

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
        ("city/th-chiang-rai", "application/x-turtle", "", "city/th-chiang-rai.ttl"),
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
        ("", BROWSER, "th,en", "th/index.html"),
        ("city", BROWSER, "", "en/members.html"),
        ("city/", BROWSER, "th", "th/members.html"),
        ("country/", BROWSER, "", "en/countries.html"),
        ("cohort", BROWSER, "", "en/cohorts.html"),
        ("region", BROWSER, "", "en/regions.html"),
        ("award", BROWSER, "", "en/awards.html"),
    ],
)
def test_target(path: str, accept: str, language: str, expected: str) -> None:
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


def test_accept_language_only_primary_thai() -> None:
    """Thai is chosen only when it is the first language asked for (mod_rewrite cannot do q)."""
    assert target("network", BROWSER, "en,th;q=0.9") == "en/network.html"
    assert target("network", BROWSER, "TH") == "th/network.html"


def test_turtle_wins_over_jsonld_when_both_accepted() -> None:
    """With both RDF types accepted, the first rule (Turtle) wins, as it does in Apache."""
    assert target("sdg/4", "application/ld+json, text/turtle", "") == "sdg/4.ttl"


def test_media_types() -> None:
    """Target files are served with the media type their clients asked for."""
    assert negotiation.media_type("city/x.ttl") == "text/turtle"
    assert negotiation.media_type("city/x.jsonld") == "application/ld+json"
    assert negotiation.media_type("en/city/x.html") == "text/html"


# --- the generated .htaccess, read back by a small mod_rewrite interpreter -------------------


def _parse_htaccess(text: str) -> list[tuple[list[tuple[str, str]], str, str, str]]:
    """(conditions, pattern, substitution, flags) of each RewriteRule after the first real rule."""
    rules = []
    conditions: list[tuple[str, str]] = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("RewriteCond"):
            _, variable, pattern, *_flags = line.split()
            conditions.append((variable, pattern))
        elif line.startswith("RewriteRule"):
            _, pattern, substitution, flags = line.split()
            rules.append((conditions, pattern, substitution, flags))
            conditions = []
    return rules


def _apache(
    text: str, path: str, accept: str, language: str, base_path: str, exists: bool = False
) -> str | None:
    """Where mod_rewrite would redirect (or SERVED), for the subset of features the file uses."""
    headers = {"%{HTTP_ACCEPT}": accept, "%{HTTP:Accept-Language}": language}
    env: dict[str, str] = {}
    for conditions, pattern, substitution, flags in _parse_htaccess(text):
        match = re.search(pattern, path)
        if not match:
            continue
        flags = flags.strip("[]").split(",")
        ok = True
        for variable, regex in conditions:
            if variable == "%{REQUEST_URI}::$1":
                continue  # the base-folder trick, evaluated below
            if variable == "%{REQUEST_FILENAME}":
                ok = ok and regex == "-f" and exists
                continue
            if not re.search(regex, headers[variable], re.IGNORECASE):
                ok = False
        if not ok:
            continue
        if substitution == "-" and "L" in flags:
            return "SERVED"
        if substitution == "-":
            env["GNLC_BASE"] = base_path  # what the REQUEST_URI condition captures
            continue
        assert "R=303" in flags and "L" in flags
        result = substitution
        for number, group in enumerate(match.groups(), 1):
            result = result.replace(f"${number}", group or "")
        return result.replace("%{ENV:GNLC_BASE}", env.get("GNLC_BASE", ""))
    return None


PATHS = [
    "",
    "city",
    "city/",
    "city/th-chiang-rai",
    "city/th-chiang-rai.ttl",
    "country/TH",
    "cohort/2020",
    "characteristic",
    "characteristic/workplace",
    "sdg/17",
    "network",
    "dataset",
    "organization/uil",
    "ontology",
    "ontology/0.1.0",
    "ontology/Cohort.jsonld",
    "dist/gnlc.nt",
    "award",
    "nothing/here/at/all",
]
ACCEPTS = ["", BROWSER, TURTLE, JSONLD, "application/rdf+xml", "text/turtle;q=0.5, */*;q=0.1"]
LANGUAGE_HEADERS = ["", "th", "th-TH,en;q=0.5", "en-US", "fr"]


def test_htaccess_with_base_url_matches_target() -> None:
    """With --base-url, every request is redirected (303) to base URL + target()."""
    text = negotiation.htaccess(BASE_URL)
    for path in PATHS:
        for accept in ACCEPTS:
            for language in LANGUAGE_HEADERS:
                expected = target(path, accept, language)
                got = _apache(text, path, accept, language, "/ignored/")
                assert got == (BASE_URL + expected if expected else None), (path, accept, language)


def test_htaccess_without_base_url_is_relative_to_its_folder() -> None:
    """Without --base-url, targets are relative to the folder the .htaccess sits in."""
    text = negotiation.htaccess(None)
    for path in PATHS:
        for accept in ACCEPTS[:4]:
            expected = target(path, accept, "")
            got = _apache(text, path, accept, "", "/mirror/gnlc/")
            assert got == ("/mirror/gnlc/" + expected if expected else None), (path, accept)


def test_htaccess_without_base_url_serves_existing_files() -> None:
    """Hosting the site itself: a file that exists is served, never redirected to itself."""
    text = negotiation.htaccess(None)
    for path in ("dist/gnlc.ttl", "city/th-chiang-rai.ttl", "en/index.html", "ontology.ttl"):
        assert _apache(text, path, TURTLE, "", "/gnlc/", exists=True) == "SERVED"
    with_base = negotiation.htaccess(BASE_URL)
    assert (
        _apache(with_base, "dist/gnlc.ttl", "", "", "/", exists=True) == BASE_URL + "dist/gnlc.ttl"
    )


def test_htaccess_declares_media_types_and_vary() -> None:
    """The RDF files are served with their media types, and caches vary on the headers."""
    text = negotiation.htaccess(BASE_URL)
    assert "AddType text/turtle;charset=utf-8 .ttl" in text
    assert "AddType application/ld+json .jsonld" in text
    assert 'Header always append Vary "Accept, Accept-Language"' in text
    assert text.startswith("# generated by `gnlc site`")
