"""Content negotiation in a real Apache (Debian's apache2) serving a built site with its .htaccess.

Every request follows redirects and counts them (more than apache.MAX_REDIRECTS is a loop and
fails). Expectations come from the site's layout and the headers, by gnlc.site.negotiation's
mirror of Apache's algorithm, and are checked against what Apache really answers.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin

import helpers
import pytest
from apache import APACHE, apache, get

from gnlc.site import i18n, negotiation
from gnlc.site.negotiation import target

pytestmark = pytest.mark.server

FIXTURE_MEMBERS = Path(__file__).resolve().parent / "fixtures" / "site-members"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
SUBFOLDER = "https://example.org/gnlc-site/"


def _need_apache() -> None:
    helpers.program([str(APACHE)], "apt-get install apache2")


@pytest.fixture(scope="module")
def site(tmp_path_factory, root: Path) -> Path:
    """The made-up members' site: test_site's, built once per test run for every worker."""
    from test_site import shared_fixture_site

    return shared_fixture_site(tmp_path_factory, root)


@pytest.fixture(scope="module")
def server(site: Path):
    """Apache serving the site at the server's root."""
    _need_apache()
    with apache(site) as running:
        yield running


def resource_paths(site: Path) -> list[str]:
    """Every IRI path the site has a type map for, found by listing its files."""
    found = []
    for var in sorted(site.rglob("*.var")):
        rel = var.relative_to(site).as_posix().removesuffix(".var")
        found.append("" if rel == "index" else rel.removesuffix("index"))
    return found


UNKNOWN = [
    ("city/th-nowhere", "text/turtle"),
    ("city/th-nowhere", BROWSER),
    ("city/th-nowhere.ttl", None),
    ("city/th-testburi.xml", None),
    ("dist/nothing.ttl", None),
    ("dist/nothing", "text/turtle"),
    ("City/th-testburi", "text/turtle"),
    ("city/TH-Testburi", "text/turtle"),
    ("city/TH-Testburi", BROWSER),
    ("CITY/", BROWSER),
    ("en/city/th-nowhere.html", BROWSER),
    ("nothing/here/at/all", None),
    ("city/th-testburi/", "text/turtle"),
    ("city/th-testburi/more", BROWSER),
    ("sdg/4/", BROWSER),
]


@pytest.mark.parametrize(("path", "accept"), UNKNOWN)
def test_unknown_is_a_404_without_redirects(server, path: str, accept: str | None) -> None:
    """Unknown resources, missing files and wrong-case IRIs: 404 at once, the bilingual page."""
    response = get(server.url + path, accept)
    assert (response.status, response.redirects) == (404, [])
    text = response.body.decode("utf-8")
    assert i18n.text("not_found", "en") in text and i18n.text("not_found", "th") in text


ACCEPTS = [
    None,
    BROWSER,
    "text/html",
    "text/turtle",
    "application/ld+json",
    "application/n-triples",
    "application/rdf+xml",
    "text/turtle;q=0, text/html",
    "text/html;q=0.5, text/turtle",
    "text/html;q=0.4, application/ld+json;q=0.6, text/turtle;q=0.5",
    "application/rdf+xml, text/turtle;q=0.9",
    "*/*",
    "text/*",
    "application/*",
    "text/turtle, application/ld+json",
]
LANGUAGES = [None, "th", "th,en", "th;q=0, en", "en;q=0.5, th", "th-TH,th;q=0.9,en;q=0.8", "fr"]
LANGUAGES += ["*", "th-TH"]


def test_apache_agrees_with_the_mirror(server, site: Path) -> None:
    """For every kind of IRI, header set and language, Apache ends where target() says."""
    paths = resource_paths(site)
    kinds: dict[str, str] = {}
    for path in paths:  # one IRI of each kind and shape: city, city/, city/x; the root
        kinds.setdefault(f"{path.split('/')[0]} {path.count('/')} {path.endswith('/')}", path)
    assert {"city", "city/", "sdg", "sdg/", "organization/", "ontology", ""} <= set(kinds.values())
    assert {"ontology/0.1.0", "dataset", "network"} <= set(kinds.values())
    mismatches = []
    for path in sorted(kinds.values()):
        for accept in ACCEPTS:
            for language in LANGUAGES:
                expected = target(path, accept, language)
                response = get(server.url + path, accept, language)
                got = response.url[len(server.url) :] if response.status == 200 else None
                if got != expected or (expected is None and response.status != 406):
                    mismatches.append((path, accept, language, expected, response.status, got))
                elif expected is not None:
                    assert len(response.redirects) == 1, (path, accept, language)
    assert mismatches == []


@pytest.mark.parametrize(
    ("accept", "language", "expected"),
    [
        ("text/turtle;q=0, text/html", None, "en/city/th-testburi.html"),
        ("text/html;q=0.5, text/turtle", None, "city/th-testburi.ttl"),
        (BROWSER, "th;q=0, en", "en/city/th-testburi.html"),
        (BROWSER, "en;q=0.5, th", "th/city/th-testburi.html"),
        (BROWSER, "th-TH,th;q=0.9,en;q=0.8", "th/city/th-testburi.html"),
        ("application/rdf+xml", None, "city/th-testburi.rdf"),
        ("application/n-triples", None, "city/th-testburi.nt"),
        ("application/ld+json;q=0.9, text/turtle;q=0.8", None, "city/th-testburi.jsonld"),
        (None, None, "en/city/th-testburi.html"),
    ],
)
def test_q_values_are_honoured(server, accept, language, expected: str) -> None:
    """Quality values decide, in Apache: q=0 excludes, the higher q wins (written out by hand)."""
    response = get(server.url + "city/th-testburi", accept, language)
    assert response.status == 200
    assert response.url == server.url + expected
    assert len(response.redirects) == 1 and response.redirects[0][0] == 303


def test_every_resource_in_every_format(server, site: Path) -> None:
    """Each IRI with a type map serves each of the release's RDF formats with its media type."""
    import rdflib

    formats = {"ttl": "turtle", "jsonld": "json-ld", "nt": "nt", "rdf": "xml"}
    folders = set(negotiation.FOLDERS)  # listings have pages only; sdg/ is the scheme again
    paths = [p for p in resource_paths(site) if p.split("/")[0] not in folders or "/" in p[:-1]]
    assert len(paths) > 40
    for number, path in enumerate(paths):
        for ext, media, _ in negotiation.RDF_FORMATS:
            response = get(server.url + path, media)
            assert response.status == 200, (path, media)
            assert response.headers["content-type"].split(";")[0] == media, (path, media)
            assert response.url.rsplit(".", 1)[1] == ext
            if number % 10 == 0:  # parse a sample: the file is the description of the IRI
                graph = rdflib.Graph().parse(data=response.body, format=formats[ext])
                assert len(graph) > 0, (path, ext)


@pytest.mark.parametrize("folder", sorted(negotiation.FOLDERS))
def test_every_class_folder_has_an_index(server, folder: str) -> None:
    """city/, sdg/, organization/... (with or without the slash) lead to a listing page."""
    for path in (folder + "/", folder):
        for language, lang in ((None, "en"), ("th", "th")):
            response = get(server.url + path, BROWSER, language)
            assert response.status == 200, path
            assert response.url == f"{server.url}{lang}/{negotiation.FOLDERS[folder]}.html"


def test_root_answers_turtle_with_the_dataset(server, site: Path) -> None:
    """The root IRI gives the dataset description to an RDF client, the home page to a browser."""
    response = get(server.url, "text/turtle")
    assert response.url == server.url + "dataset.ttl"
    assert response.body == (site / "dataset.ttl").read_bytes()
    assert get(server.url, BROWSER, "th").url == server.url + "th/index.html"


def test_checksums_are_plain_text(server) -> None:
    """dist/SHA256SUMS is served as text/plain, so a browser shows it."""
    response = get(server.url + "dist/SHA256SUMS")
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/plain")


def test_site_in_a_subfolder(site: Path, tmp_path: Path, root: Path) -> None:
    """Built with --base-url for a subfolder: negotiation works there, 404 shows its page."""
    from test_site import build, copy_sources

    _need_apache()
    source = copy_sources(root, tmp_path / "root", FIXTURE_MEMBERS)
    built = build(source, tmp_path / "site", SUBFOLDER)
    with apache(built, "/gnlc-site/") as running:
        response = get(running.url + "country/TH", "text/turtle")
        assert response.url == running.url + "country/TH.ttl"
        missing = get(running.url + "country/XX", "text/turtle")
        assert missing.status == 404 and "ไม่พบหน้านี้" in missing.body.decode("utf-8")
        links = re.findall(r'href="([^"]+)"', missing.body.decode("utf-8"))
        assert links and all(get(urljoin(missing.url, link)).status == 200 for link in links)
    assert negotiation.w3id_htaccess(SUBFOLDER) == (built / "w3id.htaccess").read_text("utf-8")
