"""`gnlc site`: layout, RDF beside every page, Thai and English, links, and a real browser.

Two sites are built once per session: one from a copy of the repository's sources (whatever
data/ holds), one from the reference data plus made-up members (tests/fixtures/site-members/)
that cover a Thai name, a missing Thai name, a missing point and an ended membership. Expected
values are computed with rdflib from the sources, not taken from the site's own code.
"""

from __future__ import annotations

import functools
import html
import http.server
import json
import os
import re
import shutil
import threading
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from helpers import current_members, lang_value, program, rdflib_release_graph, shared

BASE = "https://w3id.org/gnlc/"
GNLC = BASE + "ontology#"
ORG = "http://www.w3.org/ns/org#"
GEO = "http://www.w3.org/2003/01/geo/wgs84_pos#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
FIXTURE_MEMBERS = Path(__file__).resolve().parent / "fixtures" / "site-members"
KINDS = ("city", "country", "region", "cohort", "characteristic", "sdg", "award")


# --- building ---------------------------------------------------------------------------------


def copy_sources(root: Path, target: Path, members: Path | None) -> Path:
    """A root in target: the repository's sources, its data or reference data + members."""
    for name in ("ontology", "shapes", "queries"):
        shutil.copytree(root / name, target / name)
    if members is None:
        shutil.copytree(root / "data", target / "data")
    else:
        shutil.copytree(root / "data" / "reference", target / "data" / "reference")
        shutil.copytree(members, target / "data" / "members")
    return target


def build(root: Path, out: Path, base_url: str | None = None) -> Path:
    """Build the site from root into out, failing the test if the data does not conform."""
    from gnlc.site import build_site

    report, result = build_site(root, out, base_url)
    assert result is not None, [f.message_en for f in report.violations]
    return out


def shared_fixture_root(tmp_path_factory, root: Path) -> Path:
    """Reference data plus the made-up members, made once per test run (shared())."""
    return shared(
        tmp_path_factory, "fixture-root", lambda f: copy_sources(root, f, FIXTURE_MEMBERS)
    )


def shared_fixture_site(tmp_path_factory, root: Path) -> Path:
    """The made-up members' site, built once per test run (shared()); only read, never
    changed (test_apache serves a copy of it)."""
    source = shared_fixture_root(tmp_path_factory, root)
    return shared(tmp_path_factory, "fixture-site", lambda f: build(source, f / "site")) / "site"


@pytest.fixture(scope="session")
def fixture_root(tmp_path_factory, root: Path) -> Path:
    """Reference data plus the made-up members."""
    return shared_fixture_root(tmp_path_factory, root)


@pytest.fixture(scope="session")
def fixture_site(tmp_path_factory, root: Path) -> Path:
    """The site of the made-up members."""
    return shared_fixture_site(tmp_path_factory, root)


@pytest.fixture(scope="session")
def real_root(tmp_path_factory, root: Path) -> Path:
    """A copy of the repository's sources as they are."""
    return shared(tmp_path_factory, "real-root", lambda f: copy_sources(root, f, None))


@pytest.fixture(scope="session")
def real_site(real_root: Path, tmp_path_factory) -> Path:
    """The site of the repository's data."""
    return shared(tmp_path_factory, "real-site", lambda f: build(real_root, f / "site")) / "site"


@pytest.fixture(params=["fixture", "real"])
def any_site(request) -> tuple[Path, Path]:
    """(sources root, site) for each of the two sites."""
    return (
        request.getfixturevalue(f"{request.param}_root"),
        request.getfixturevalue(f"{request.param}_site"),
    )


@functools.lru_cache(maxsize=4)
def graph_of(root: Path):
    """Second route: the sources parsed by rdflib with the rules applied by rdflib."""
    return rdflib_release_graph(root)


def expected_members(root: Path) -> dict:
    """Current members, and those with coordinates, computed with rdflib."""
    import rdflib

    graph = graph_of(root)
    members = current_members(graph)
    located = [
        city
        for city in members
        if any(
            (point, rdflib.URIRef(GEO + "lat"), None) in graph
            and (point, rdflib.URIRef(GEO + "long"), None) in graph
            for point in graph.objects(city, rdflib.URIRef(GEO + "location"))
        )
    ]
    return {"members": members, "located": located}


def dated_members(root: Path) -> list:
    """Current members whose membership has a start year (the growth chart counts only these)."""
    import rdflib

    graph = graph_of(root)
    start = rdflib.URIRef(GNLC + "startYear")
    dated = {
        city
        for membership, city in graph.subject_objects(rdflib.URIRef(ORG + "member"))
        if (membership, start, None) in graph
    }
    return [c for c in expected_members(root)["members"] if c in dated]


def resources(root: Path) -> list[str]:
    """Every IRI under BASE with a description of its own (not hash sub-nodes, not ontology)."""
    import rdflib

    graph = graph_of(root)
    found = set()
    for subject in graph.subjects():
        if isinstance(subject, rdflib.URIRef):
            iri = str(subject)
            if iri.startswith(BASE) and "#" not in iri and not iri.startswith(BASE + "ontology"):
                found.add(iri)
    return sorted(found)


# --- HTML parsing -----------------------------------------------------------------------------


class Page(HTMLParser):
    """Links, ids, lang attributes, <link rel=alternate> and JSON-LD scripts of one page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []  # (tag, url)
        self.ids: set[str] = set()
        self.html_lang = ""
        self.alternates: list[dict] = []
        self.scripts: list[str] = []
        self.classes: list[tuple[str, str]] = []
        self._script: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag == "html":
            self.html_lang = a.get("lang", "")
        if "id" in a:
            self.ids.add(a["id"])
        for attr in ("href", "src"):
            if a.get(attr) is not None:
                self.links.append((tag, a[attr]))
        if tag == "link" and a.get("rel") == "alternate":
            self.alternates.append(a)
        if tag == "script" and a.get("type") == "application/ld+json":
            self._script = []
        if "class" in a:
            self.classes.append((tag, a["class"]))

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.scripts.append("".join(self._script))
            self._script = None


@functools.lru_cache(maxsize=4096)
def parse(path: Path) -> Page:
    """The parsed page at path."""
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def h1(path: Path) -> str:
    """The inner HTML of the page's h1."""
    match = re.search(r"<h1[^>]*>(.*?)</h1>", path.read_text(encoding="utf-8"), re.DOTALL)
    assert match, path
    return match.group(1)


def slug(iri: str) -> str:
    """The path of a resource under BASE."""
    return iri[len(BASE) :]


# --- layout and RDF ---------------------------------------------------------------------------


def test_layout(fixture_site: Path) -> None:
    """The documented files exist, and dist/ holds the release."""
    from gnlc.paths import RELEASE_FILES

    for lang in ("en", "th"):
        for name in ("index", "members", "countries", "cohorts", "regions", "awards", "map"):
            assert (fixture_site / lang / f"{name}.html").is_file(), (lang, name)
        for name in ("growth", "ontology", "dataset", "city/th-testburi", "country/TH"):
            assert (fixture_site / lang / f"{name}.html").is_file(), (lang, name)
        assert (fixture_site / lang / "ontology" / "LearningCity.html").is_file()
    for name in ("index.html", ".htaccess", "sitemap.xml", "static/style.css", "dataset.ttl"):
        assert (fixture_site / name).is_file(), name
    assert sorted(p.name for p in (fixture_site / "dist").iterdir()) == sorted(RELEASE_FILES)
    assert (fixture_site / "static" / "world-atlas-LICENSE.txt").is_file()


@pytest.mark.parametrize("lang", ["en", "th"])
def test_home_and_dataset_pages_list_the_same_downloads(fixture_site: Path, lang: str) -> None:
    """Both download tables name every file of dist/ with its size in bytes (read from the files
    themselves) and its SHA-256, written the same way on both pages (one table, not two)."""
    import hashlib

    row = re.compile(
        r'<tr><td><a href="../dist/([^"]+)" download>[^<]*</a></td><td>[^<]*</td>'
        r'<td class="num" data-bytes="(\d+)">[^<]*</td><td><code class="hash" title="(\w+)">'
    )
    tables = {}
    for name in ("index", "dataset"):
        text = (fixture_site / lang / f"{name}.html").read_text(encoding="utf-8")
        tables[name] = re.search(r'<table class="downloads">.*?</table>', text, re.DOTALL).group(0)
        dist = fixture_site / "dist"
        expected = [
            (f.name, str(f.stat().st_size), hashlib.sha256(f.read_bytes()).hexdigest())
            for f in sorted(dist.iterdir())
        ]
        assert row.findall(tables[name]) == expected, name
    assert tables["index"] == tables["dataset"]


@pytest.mark.slow
def test_every_resource_has_pages_and_rdf(any_site) -> None:
    """Each resource has an English and a Thai page and its Turtle and JSON-LD beside them."""
    root, site = any_site
    missing = []
    for iri in resources(root):
        for file in (f"en/{slug(iri)}.html", f"th/{slug(iri)}.html", f"{slug(iri)}.ttl"):
            if not (site / file).is_file():
                missing.append(file)
        if not (site / f"{slug(iri)}.jsonld").is_file():
            missing.append(f"{slug(iri)}.jsonld")
    assert not missing


def descriptions(graph) -> dict[str, set]:
    """Second route to each resource's description, by value: its triples and its hash
    sub-nodes', from rdflib's graph in one pass, grouped by the subject's IRI without its
    fragment."""
    import rdflib

    out: dict[str, rdflib.Graph] = {}
    for s, p, o in graph:
        if isinstance(s, rdflib.URIRef):
            out.setdefault(str(s).split("#", 1)[0], rdflib.Graph()).add((s, p, o))
    return {iri: by_value(triples) for iri, triples in out.items()}


def by_value(graph) -> set:
    """Triples with literals compared by value (Oxigraph writes 14.0 as the decimal 14)."""
    import rdflib

    out = set()
    for s, p, o in graph:
        if isinstance(o, rdflib.Literal):
            o = ("literal", o.toPython() if o.datatype else str(o), o.datatype, o.language)
        out.add((s, p, o))
    return out


@pytest.mark.slow
def test_rdf_beside_each_page_is_the_description(any_site) -> None:
    """PATH.ttl and PATH.jsonld hold exactly the subject's and its sub-nodes' triples."""
    import rdflib

    root, site = any_site
    expected_of = descriptions(graph_of(root))
    wrong = []
    for iri in resources(root):
        expected = expected_of[iri]
        turtle = rdflib.Graph().parse(site / f"{slug(iri)}.ttl", format="turtle")
        jsonld = rdflib.Graph().parse(site / f"{slug(iri)}.jsonld", format="json-ld")
        if by_value(turtle) != expected or by_value(jsonld) != expected:
            wrong.append(iri)
    assert not wrong


def test_pages_advertise_their_rdf(fixture_site: Path) -> None:
    """<link rel=alternate> names the Turtle and JSON-LD files, and they exist."""
    for lang in ("en", "th"):
        page_path = fixture_site / lang / "city" / "th-testburi.html"
        types = {}
        for alt in parse(page_path).alternates:
            if "type" in alt:
                types[alt["type"]] = (page_path.parent / alt["href"]).resolve()
        assert types["text/turtle"] == (fixture_site / "city" / "th-testburi.ttl").resolve()
        assert types["application/ld+json"] == (fixture_site / "city/th-testburi.jsonld").resolve()


def test_vocabulary_description(fixture_root: Path, fixture_site: Path) -> None:
    """ontology.ttl holds the whole vocabulary, as the repository's ontology file does."""
    import rdflib
    from rdflib.compare import isomorphic

    source = rdflib.Graph().parse(fixture_root / "ontology" / "gnlc.ttl", format="turtle")
    assert isomorphic(rdflib.Graph().parse(fixture_site / "ontology.ttl"), source)
    assert isomorphic(
        rdflib.Graph().parse(fixture_site / "ontology.jsonld", format="json-ld"), source
    )


# --- languages --------------------------------------------------------------------------------


def test_thai_page_shows_thai_name(fixture_site: Path) -> None:
    """A Thai city's Thai page has its sourced Thai name as heading; the English page, English."""
    assert "ทดสอบบุรี" in h1(fixture_site / "th/city/th-testburi.html")
    assert h1(fixture_site / "en/city/th-testburi.html").strip() == "Testburi"
    assert parse(fixture_site / "th/city/th-testburi.html").html_lang == "th"
    assert parse(fixture_site / "en/city/th-testburi.html").html_lang == "en"


def test_missing_thai_name_is_english_marked_en(fixture_site: Path) -> None:
    """Without a sourced Thai name the Thai page shows the English one, marked lang="en"."""
    assert h1(fixture_site / "th/city/kr-testville.html").strip() == (
        '<span lang="en">Testville</span>'
    )


def test_every_member_heading_follows_its_labels(real_root: Path, real_site: Path) -> None:
    """For every real member: the Thai label on the Thai page, else English marked lang="en"."""
    import rdflib

    graph = graph_of(real_root)
    wrong = []
    for city in expected_members(real_root)["members"]:
        thai = lang_value(graph, city, rdflib.URIRef(SKOS + "prefLabel"), "th")
        english = lang_value(graph, city, rdflib.URIRef(SKOS + "prefLabel"), "en")
        heading = h1(real_site / f"th/{slug(str(city))}.html").strip()
        expected = escape_text(thai) if thai else f'<span lang="en">{escape_text(english)}</span>'
        if heading != expected:
            wrong.append(str(city))
    assert not wrong


LANGUAGE_TAG_TITLE = {"en": "language tag", "th": "แท็กภาษา"}


def test_names_in_another_language_carry_their_tag(real_root: Path, real_site: Path) -> None:
    """Regression: Šiauliai's English page read "Šiauliai Šiauliai" (its English name and its
    Lithuanian one, spelt alike). In the facts of every member's page, each name (pref or alt
    label, read by rdflib) in another language than the page's is followed by its tag."""
    import rdflib

    graph = graph_of(real_root)
    checked, missing = set(), []
    for city in expected_members(real_root)["members"]:
        for lang in ("en", "th"):
            text = (real_site / f"{lang}/{slug(str(city))}.html").read_text(encoding="utf-8")
            for predicate in ("prefLabel", "altLabel"):
                for name in graph.objects(city, rdflib.URIRef(SKOS + predicate)):
                    if not name.language or name.language == lang:
                        continue
                    checked.add((slug(str(city)), lang))
                    tagged = (
                        f'<span lang="{name.language}">{escape_text(name)}</span> <small'
                        f' class="lang-tag" title="{LANGUAGE_TAG_TITLE[lang]}">{name.language}'
                        "</small>"
                    )
                    if tagged not in text:
                        missing.append((slug(str(city)), lang, str(name)))
    assert ("city/lt-siauliai", "en") in checked
    assert missing == []


@pytest.mark.slow
def test_language_switch_on_every_page(fixture_site: Path) -> None:
    """Every page under en/ links to its th/ twin (hreflang) and the other way round."""
    for page_path in sorted(fixture_site.glob("*/**/*.html")):
        rel = page_path.relative_to(fixture_site).as_posix()
        lang, rest = rel.split("/", 1)
        other = "th" if lang == "en" else "en"
        parsed = parse(page_path)
        assert parsed.html_lang == lang, rel
        twin = (fixture_site / other / rest).resolve()
        hrefs = [(page_path.parent / h).resolve() for t, h in parsed.links if t == "a"]
        assert twin in hrefs, rel


def test_no_page_title_says_the_same_thing_twice(fixture_site: Path) -> None:
    """Regression: the home page's title read "GNLC knowledge graph · GNLC knowledge graph"
    (the page's title, then the site's name, which were the same)."""
    for page_path in sorted(fixture_site.glob("*/**/*.html")):
        text = page_path.read_text(encoding="utf-8")
        title = html.unescape(re.search(r"<title>(.*?)</title>", text, re.S).group(1))
        parts = [part.strip() for part in title.split(" · ")]
        assert len(parts) == len(set(parts)), (page_path.relative_to(fixture_site), title)


def test_thai_font_stack(fixture_site: Path) -> None:
    """System fonts only, with Thai-capable families; no web fonts or @import."""
    css = (fixture_site / "static" / "style.css").read_text(encoding="utf-8")
    assert '"Noto Sans Thai"' in css and '"Sarabun"' in css and '"Tahoma"' in css
    assert "@font-face" not in css and "@import" not in css and "url(" not in css


# --- facts, sources, schema.org ----------------------------------------------------------------


def test_every_fact_row_cites_a_source(fixture_site: Path) -> None:
    """Each row of each facts table carries a source link (or says none is recorded)."""
    for page_path in sorted(fixture_site.glob("en/**/*.html")):
        text = page_path.read_text(encoding="utf-8")
        for body in re.findall(r'<table class="facts-table">.*?<tbody>(.*?)</tbody>', text, re.S):
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
                assert 'class="cite"' in row or 'class="no-source"' in row, page_path


def test_city_page_links_its_sources(fixture_root: Path, fixture_site: Path) -> None:
    """Every dcterms:source of the city, its membership and its point is linked on its page."""
    import rdflib

    graph = graph_of(fixture_root)
    source = rdflib.URIRef(DCTERMS + "source")
    iri = BASE + "city/th-testburi"
    expected = {
        str(o)
        for s, o in graph.subject_objects(source)
        if str(s) == iri or str(s).startswith(iri + "#")
    }
    hrefs = {h for _, h in parse(fixture_site / "th/city/th-testburi.html").links}
    assert expected and expected <= hrefs


RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
# CURIEs in the facts tables' headers (the site's own prefixes, written out here).
CURIE = {"gnlc": GNLC, "geo": GEO, "skos": SKOS, "rdf": RDF_NS, "dcterms": DCTERMS, "org": ORG}


def fact_rows(page_path: Path) -> dict[str, set[str]]:
    """Property IRI -> the source URLs cited on its row, in the page's first facts table."""
    text = page_path.read_text(encoding="utf-8")
    body = re.search(r'<table class="facts-table">.*?<tbody>(.*?)</tbody>', text, re.S).group(1)
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        head = re.search(r'<th scope="row"><(?:abbr|a)[^>]*title="([^"]+)"', row).group(1)
        cited = re.findall(r'<a class="cite" href="([^"]+)"', row)
        prefix, _, local = head.partition(":")
        if not head.startswith("http"):
            head = CURIE[prefix] + local
        rows[head] = {html.unescape(u) for u in cited}
    return rows


@pytest.mark.parametrize("city", ["th-chiang-mai", "ru-kazan", "cn-beijing", "au-wyndham"])
def test_each_fact_row_cites_the_source_of_that_fact(
    real_root: Path, real_site: Path, city
) -> None:
    """A name cites its label's source, a region its country's, a point GeoNames, an award its
    edition's page; nothing cites a source that does not state the fact (computed by rdflib)."""
    import rdflib

    g = graph_of(real_root)
    iri = rdflib.URIRef(BASE + "city/" + city)
    xl = "http://www.w3.org/2008/05/skos-xl#"

    def objs(s, p):
        return set(g.objects(s, rdflib.URIRef(p)))

    def sources(*nodes):
        return {str(s) for n in nodes for s in objs(n, DCTERMS + "source")}

    rows = fact_rows(real_site / "en" / "city" / f"{city}.html")
    names = objs(iri, xl + "prefLabel")
    assert rows[SKOS + "prefLabel"] == sources(*names)
    assert rows[RDF_NS + "type"] == sources(iri)
    country = next(iter(objs(iri, GNLC + "country")))
    assert rows[GNLC + "country"] == sources(iri)
    region_sources = {str(s) for s in objs(country, GNLC + "regionSource")}
    assert rows.get(GNLC + "region", set()) == region_sources
    points = objs(iri, "http://www.w3.org/2003/01/geo/wgs84_pos#location")
    if points:
        assert (
            rows[GNLC + "geonames"]
            == sources(*points)
            == {str(x) for x in objs(iri, GNLC + "geonames")}
        )
    else:
        assert GNLC + "geonames" not in rows
    awards = objs(iri, GNLC + "awarded")
    if awards:
        assert rows[GNLC + "awarded"] == sources(*awards)
    # The names' own sources are not the city's pile (Thai names, GeoNames, English references).
    for name in names:
        assert sources(name), name


def test_schema_org_place_with_geo(fixture_site: Path) -> None:
    """A city page embeds schema:Place with GeoCoordinates; a country page schema:Country."""
    data = json.loads(parse(fixture_site / "en/city/th-testburi.html").scripts[0])
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Place"
    assert data["geo"] == {"@type": "GeoCoordinates", "latitude": 18.5, "longitude": 99.5}
    assert data["containedInPlace"]["@type"] == "Country"
    country = json.loads(parse(fixture_site / "th/country/TH.html").scripts[0])
    assert country["@type"] == "Country"
    assert country["name"] == "ไทย"
    no_point = json.loads(parse(fixture_site / "en/city/cn-exampleton.html").scripts[0])
    assert "geo" not in no_point


def test_vocabulary_page_documents_every_term(fixture_root: Path, fixture_site: Path) -> None:
    """Every class and property: anchor, both labels, both definitions, domain and range."""
    import rdflib

    graph = rdflib.Graph().parse(fixture_root / "ontology" / "gnlc.ttl", format="turtle")
    terms = {s for s in graph.subjects() if str(s).startswith(GNLC)}
    assert terms
    for lang in ("en", "th"):
        page_path = fixture_site / lang / "ontology.html"
        text = page_path.read_text(encoding="utf-8")
        ids = parse(page_path).ids
        for term in terms:
            local = str(term)[len(GNLC) :]
            assert local in ids, (lang, local)
            assert (fixture_site / lang / "ontology" / f"{local}.html").is_file()
            for other in ("en", "th"):
                label = lang_value(graph, term, rdflib.RDFS.label, other)
                definition = lang_value(graph, term, rdflib.URIRef(SKOS + "definition"), other)
                assert label and escape_text(label) in text, (lang, local, other)
                assert definition and escape_text(definition) in text, (lang, local, other)
            block = text.split(f'id="{local}"', 1)[1].split("</article>", 1)[0]
            for prop in (rdflib.RDFS.domain, rdflib.RDFS.range):
                for value in graph.objects(term, prop):
                    target = str(value)
                    shown = target[len(GNLC) :] if target.startswith(GNLC) else target
                    assert shown in block, (lang, local, prop, target)


def escape_text(text: str) -> str:
    """Text as Jinja2 autoescaping writes it."""
    from markupsafe import escape

    return str(escape(text))


# --- links ------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def links_and_ids(path: Path) -> tuple[tuple[tuple[str, str], ...], frozenset[str]]:
    """(tag, href or src) of every element of a page, and its ids, read by lxml (libxml2's
    HTML parser): the real site's 27 MB of pages take html.parser some 15 s, lxml about one.
    test_lxml_reads_the_links_and_ids_html_parser_reads holds it to Page's reading."""
    import lxml.html

    document = lxml.html.document_fromstring(path.read_text(encoding="utf-8"))
    links, ids = [], set()
    for element in document.iter():
        if not isinstance(element.tag, str):  # comments, processing instructions
            continue
        for attribute in ("href", "src"):
            value = element.get(attribute)
            if value is not None:
                links.append((element.tag, value))
        if element.get("id") is not None:
            ids.add(element.get("id"))
    return tuple(links), frozenset(ids)


def internal_targets(site: Path, page_path: Path):
    """(url, resolved file, fragment) of every link on a page that stays inside the site."""
    for _, url in links_and_ids(page_path)[0]:
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or url.startswith(("data:", "mailto:")):
            continue
        path = unquote(parts.path)
        target = page_path if not path else (page_path.parent / path)
        yield url, target, parts.fragment


@pytest.mark.slow
def test_no_broken_internal_links(any_site) -> None:
    """Every internal href/src of every page points at an existing file (and #id if any)."""
    _, site = any_site
    broken = []
    # 404.html is served at any missing address, so its links are root-relative (test_apache).
    site = site.resolve()
    # The site is plain files (no links), so a normalised path names the file the server sends;
    # the walk is done once, not a stat per link.
    walked = list(site.rglob("*"))
    assert not any(p.is_symlink() for p in walked)
    files = {os.path.normpath(p) for p in walked if p.is_file()}
    pages = sorted(p for p in walked if p.suffix == ".html" and p.name != "404.html")
    assert len(pages) > 20
    inside = str(site) + os.sep
    for page_path in pages:
        for url, target, fragment in internal_targets(site, page_path):
            resolved = os.path.normpath(target)
            if not resolved.startswith(inside):
                broken.append((page_path.relative_to(site).as_posix(), url, "outside the site"))
            elif resolved not in files:
                broken.append((page_path.relative_to(site).as_posix(), url, "missing"))
            elif (
                fragment
                and resolved.endswith(".html")
                and fragment not in links_and_ids(Path(resolved))[1]
            ):
                broken.append((page_path.relative_to(site).as_posix(), url, "no such #id"))
    assert not broken[:20], f"{len(broken)} broken links"


def test_lxml_reads_the_links_and_ids_html_parser_reads(fixture_site: Path) -> None:
    """The link check's fast reading (lxml) finds, on every page of the made-up site (every
    page kind), exactly the links, in order, and the ids that html.parser finds."""
    pages = sorted(fixture_site.rglob("*.html"))
    assert len(pages) > 20
    for page_path in pages:
        links, ids = links_and_ids(page_path)
        assert list(links) == parse(page_path).links, page_path
        assert ids == parse(page_path).ids, page_path


def test_no_external_resources(fixture_site: Path) -> None:
    """Scripts, stylesheets, icons and images load from the site only (outbound <a> are fine)."""
    for page_path in sorted(fixture_site.rglob("*.html")):
        for tag, url in parse(page_path).links:
            if tag == "link" and url.startswith(BASE):
                continue  # rel=canonical and hreflang alternates name pages; nothing loads them
            if tag in ("script", "img", "link", "iframe", "source"):
                assert not urlsplit(url).scheme and not url.startswith("//"), (page_path, url)


def test_sitemap_lists_every_page(fixture_site: Path) -> None:
    """sitemap.xml names every HTML page by absolute URL under the IRI base (the default)."""
    text = (fixture_site / "sitemap.xml").read_text(encoding="utf-8")
    locs = re.findall(r"<loc>(.*?)</loc>", text)
    assert all(loc.startswith(BASE) for loc in locs)
    pages = {p.relative_to(fixture_site).as_posix() for p in fixture_site.rglob("*.html")}
    pages.discard("404.html")  # served for missing addresses, not a page to index
    assert {loc[len(BASE) :] for loc in locs} == pages
    assert all((fixture_site / loc[len(BASE) :]).is_file() for loc in locs)


@pytest.mark.slow
def test_base_url_makes_absolute_links(fixture_root: Path, tmp_path: Path) -> None:
    """--base-url puts absolute URLs into canonical links, sitemap; w3id.htaccess forwards."""
    from gnlc.site.negotiation import htaccess, w3id_htaccess

    base = "https://example.org/gnlc-site/"
    site = build(fixture_root, tmp_path / "site", base)
    page = site / "en" / "city" / "th-testburi.html"
    text = page.read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="{base}en/city/th-testburi.html">' in text
    assert f'hreflang="th" href="{base}th/city/th-testburi.html"' in text
    assert f"<loc>{base}th/index.html</loc>" in (site / "sitemap.xml").read_text(encoding="utf-8")
    assert (site / ".htaccess").read_text(encoding="utf-8") == htaccess("/gnlc-site/")
    assert (site / "w3id.htaccess").read_text(encoding="utf-8") == w3id_htaccess(base)
    assert 'href="../../static/style.css"' in text  # assets stay relative


def schema_objects(data) -> list[dict]:
    """Every JSON object in a schema.org JSON-LD tree."""
    if isinstance(data, dict):
        return [data] + [o for v in data.values() for o in schema_objects(v)]
    if isinstance(data, list):
        return [o for v in data for o in schema_objects(v)]
    return []


def test_default_urls_are_absolute_under_the_iri_base(fixture_site: Path) -> None:
    """Without --base-url, schema.org url/contentUrl values are absolute, under the IRI base,
    and name an existing file of the site; internal page links stay relative."""
    checked = 0
    for page_path in sorted(fixture_site.rglob("*.html")):
        for _, url in parse(page_path).links:
            assert not url.startswith("/") or page_path.name == "404.html", (page_path, url)
        for script in parse(page_path).scripts:
            for node in schema_objects(json.loads(script)):
                for key in ("url", "contentUrl"):
                    if key not in node:
                        continue
                    value = node[key]
                    if not value.startswith(BASE):
                        assert urlsplit(value).scheme in ("http", "https"), (page_path, value)
                        continue  # an outside address (a licence, a repository)
                    assert (fixture_site / value[len(BASE) :]).is_file(), (page_path, key, value)
                    checked += 1
    assert checked > 40


# --- map and chart (static) -------------------------------------------------------------------


@pytest.mark.slow
def test_map_has_one_point_per_located_member(any_site) -> None:
    """The map shows each current member with coordinates once, linked to its page."""
    root, site = any_site
    expected = sorted(slug(str(c)) for c in expected_members(root)["located"])
    for lang in ("en", "th"):
        page_path = site / lang / "map.html"
        text = page_path.read_text(encoding="utf-8")
        keys = sorted(re.findall(r'class="member-point" href="[^"]*" data-city="([^"]+)"', text))
        assert keys == expected, lang
        hrefs = re.findall(r'class="member-point" href="([^"]+)"', text)
        assert all((page_path.parent / h).is_file() for h in hrefs)


def test_the_atlas_english_country_names_are_marked_english(fixture_site: Path) -> None:
    """The basemap's country names are Natural Earth's English ones on the Thai map as well:
    each is marked lang="en" (it inherited the page's "th")."""
    text = (fixture_site / "th" / "map.html").read_text(encoding="utf-8")
    countries = re.findall(r'<path class="country" d="[^"]*">(<title[^>]*>)', text)
    assert len(countries) > 150 and set(countries) == {'<title lang="en">'}


def test_chart_total_is_the_member_count(any_site) -> None:
    """The growth chart's totals count the members with a start year; the rest are stated apart."""
    root, site = any_site
    members = expected_members(root)["members"]
    count = len(dated_members(root))
    text = (site / "en" / "growth.html").read_text(encoding="utf-8")
    assert f'data-total-members="{count}"' in text
    assert f'<td class="num" data-total="members">{count}</td>' in text
    undated = len(members) - count
    assert (f'data-undated-members="{undated}"' in text) == (undated > 0)


# --- the command ------------------------------------------------------------------------------


@pytest.mark.slow
def test_cli_builds_and_reports(fixture_root: Path, tmp_path: Path) -> None:
    """`gnlc site --out DIR` exits 0 and says what it wrote."""
    from click.testing import CliRunner

    from gnlc.cli import cli

    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["--root", str(fixture_root), "site", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "pages" in result.output
    assert (out / "en" / "index.html").is_file()


INVALID_CITY = """
@prefix gnlc: <https://w3id.org/gnlc/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<https://w3id.org/gnlc/city/kr-brokenville> a gnlc:LearningCity ;
    skos:prefLabel "Brokenville"@en ;
    dcterms:source <https://example.org/fake-announcement> .
"""


@pytest.mark.slow
def test_invalid_data_is_refused(fixture_root: Path, tmp_path: Path, root: Path) -> None:
    """Non-conforming data: exit 1, and an existing site is left as it was."""
    from click.testing import CliRunner

    from gnlc.cli import cli

    bad = copy_sources(root, tmp_path / "bad", FIXTURE_MEMBERS)
    (bad / "data" / "members" / "broken.ttl").write_text(INVALID_CITY, encoding="utf-8")
    out = tmp_path / "site"
    first = CliRunner().invoke(cli, ["--root", str(fixture_root), "site", "--out", str(out)])
    assert first.exit_code == 0
    before = sorted(p.relative_to(out) for p in out.rglob("*"))
    result = CliRunner().invoke(cli, ["--root", str(bad), "site", "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before
    assert not list(tmp_path.glob(".site.tmp-*"))


def test_foreign_folder_is_not_replaced(fixture_root: Path, tmp_path: Path) -> None:
    """An --out folder not made by gnlc site is refused (exit 2), never deleted."""
    from click.testing import CliRunner

    from gnlc.cli import cli

    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--root", str(fixture_root), "site", "--out", str(out)])
    assert result.exit_code == 2
    assert (out / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_bad_base_url_is_refused(fixture_root: Path, tmp_path: Path) -> None:
    """A relative --base-url is an unusable input (exit 2)."""
    from click.testing import CliRunner

    from gnlc.cli import cli

    args = ["--root", str(fixture_root), "site", "--out", str(tmp_path / "s"), "--base-url", "x"]
    assert CliRunner().invoke(cli, args).exit_code == 2


@pytest.mark.parametrize(
    "base_url",
    [
        "https://x.org/a\nHeader always set X-Injected pwned\n#",  # a directive of its own
        "https://x.org/a\tb/",
        'https://x.org/"quoted"/',
        "https://x.org/a b/",
        "https://x.org/$1/",  # a back-reference in a RewriteRule target
        "https://x.org/%{HTTP_HOST}/",  # a server variable
        "https://x.org/<script>/",
        "https://bücher.example/",  # non-ASCII: its xn-- form is accepted
        "https://x.org/a%20b/",  # %2 in a RewriteRule target is a RewriteCond back-reference
    ],
)
def test_a_base_url_that_would_need_quoting_is_refused_and_nothing_written(
    fixture_root: Path, tmp_path: Path, base_url: str
) -> None:
    """Regression: a newline in --base-url wrote `Header always set X-Injected pwned` as a line
    of its own into w3id.htaccess (urlsplit drops newlines, so the check passed)."""
    from click.testing import CliRunner

    from gnlc.cli import cli

    out = tmp_path / "s"
    args = ["--root", str(fixture_root), "site", "--out", str(out), "--base-url", base_url]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    [line] = result.stderr.strip().splitlines()
    assert "--base-url" in line
    assert not out.exists()


def test_a_base_url_with_an_xn_host_is_accepted() -> None:
    from gnlc.site import check_base_url

    url = "https://xn--bcher-kva.example/data-sets/gnlc/"
    assert check_base_url(url) == url


@pytest.mark.slow
def test_rebuild_replaces_the_site(fixture_root: Path, tmp_path: Path) -> None:
    """A second build swaps in a complete new folder; stale files disappear."""
    out = build(fixture_root, tmp_path / "site")
    (out / "en" / "stale.html").write_text("old", encoding="utf-8")
    build(fixture_root, out)
    assert not (out / "en" / "stale.html").exists()
    assert (out / "en" / "index.html").is_file()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".site.tmp")) == []


@pytest.mark.slow
def test_same_sources_same_bytes(fixture_root: Path) -> None:
    """Two renders of the same sources are byte-identical."""
    from gnlc.site import render_site
    from gnlc.sources import load_graph

    first = render_site(fixture_root, load_graph(fixture_root).store).files
    second = render_site(fixture_root, load_graph(fixture_root).store).files
    assert first.keys() == second.keys()
    assert [k for k in first if first[k] != second[k]] == []


def test_htaccess_is_the_generated_rules(fixture_site: Path) -> None:
    """site/.htaccess is what gnlc.site.negotiation generates; every type map's files exist."""
    from gnlc.site.negotiation import htaccess, target

    assert (fixture_site / ".htaccess").read_text(encoding="utf-8") == htaccess("/")
    for path in ("city/th-testburi", "country/TH", "cohort/2020", "ontology", "network", ""):
        for accept in ("text/html", "text/turtle", "application/ld+json", "application/rdf+xml"):
            for lang in ("", "th"):
                assert (fixture_site / target(path, accept, lang)).is_file(), (path, accept)
    for var in fixture_site.rglob("*.var"):
        for uri in re.findall(r"^URI: (.*)$", var.read_text(encoding="utf-8"), re.M):
            asis = var.parent / uri
            location = re.search(r"^Location: (.*)$", asis.read_text(encoding="utf-8"), re.M)
            assert (var.parent / location.group(1)).resolve().is_file(), (var, uri)


# --- in a real browser --------------------------------------------------------------------------

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:
        pass


def serve(site: Path):
    """A stdlib HTTP server for site on 127.0.0.1 (free port), in a thread."""
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium (found on PATH, or GNLC_CHROMIUM) driven by playwright."""
    from playwright.sync_api import sync_playwright

    executable = program(
        ["chromium", "chromium-browser"],
        "apt-get install chromium fonts-thai-tlwg",
        "GNLC_CHROMIUM",
    )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def fixture_url(fixture_site: Path):
    """The made-up members' site, served on loopback."""
    server = serve(fixture_site)
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def real_url(real_site: Path):
    """The repository data's site, served on loopback."""
    server = serve(real_site)
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def reading_tab(browser):
    """One tab per worker for the checks that only load a page and read it (layout): no
    clicks, no form input, and the site's scripts keep nothing between pages (no cookies, no
    storage), so loading a page into this tab gives the same document as a fresh tab. A new
    browser context costs Chromium a renderer process (about as much CPU as the checks of a
    page), which over one check per page kind and width was most of the browser tests' time."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    tab = context.new_page()
    yield tab
    context.close()


def test_site_scripts_keep_no_state_and_ignore_the_width(fixture_site: Path) -> None:
    """What reading_tab and the resize in the layout test rely on: no script of the site reads
    the viewport's size or listens for its change (layout follows the width by CSS alone, so a
    page measured after a resize is laid out as a page loaded at that width), and none keeps
    state between pages (cookies, storage)."""
    scripts = {
        p.name: p.read_text(encoding="utf-8") for p in (fixture_site / "static").glob("*.js")
    }
    for page_path in fixture_site.glob("**/*.html"):
        for inline in re.findall(
            r"<script(?![^>]*application/ld\+json)[^>]*>(.*?)</script>",
            page_path.read_text(encoding="utf-8"),
            re.S,
        ):
            scripts[str(page_path.relative_to(fixture_site))] = inline
    assert {"members.js", "search.js"} <= scripts.keys()
    reads = re.compile(
        r"innerWidth|outerWidth|clientWidth|offsetWidth|matchMedia|resize|screen\.|visualViewport"
        r"|getBoundingClientRect|localStorage|sessionStorage|indexedDB|cookie"
    )
    assert {name: reads.findall(text) for name, text in scripts.items() if reads.search(text)} == {}


@pytest.fixture
def page(browser, request):
    """A fresh page that records console errors and every request's host."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.errors = []
    tab.hosts = set()
    tab.on("console", lambda m: tab.errors.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: tab.errors.append(str(e)))
    tab.on("request", lambda r: tab.hosts.add(urlsplit(r.url).hostname or r.url.split(":")[0]))
    yield tab
    context.close()


def shot(tab, name: str) -> None:
    """Save a screenshot to test-artifacts/: what the screen shows, or the whole page with
    GNLC_FULL_SCREENSHOTS=1 (a full page of 381 members costs Chromium about 3 s)."""
    ARTIFACTS.mkdir(exist_ok=True)
    full = os.environ.get("GNLC_FULL_SCREENSHOTS") == "1"
    tab.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full)


def assert_clean(tab) -> None:
    """No console errors, and no request left 127.0.0.1 (data: URLs have no host)."""
    assert tab.errors == []
    assert tab.hosts <= {"127.0.0.1", "data"}, tab.hosts


@pytest.mark.browser
def test_browser_home(page, real_url: str, real_root: Path) -> None:
    """The home page shows the member count, the map, the chart and the downloads."""
    page.goto(real_url + "en/index.html")
    count = len(expected_members(real_root)["members"])
    assert page.locator('[data-count="members"]').inner_text() == str(count)
    assert page.locator("svg.world-map").is_visible()
    assert page.locator("svg.growth-chart").is_visible()
    assert page.locator("table.downloads a", has_text="void.ttl").count() == 1
    assert page.locator('a[href="../dist/void.ttl"]').first.is_visible()
    shot(page, "home-en")
    page.goto(real_url + "th/index.html")
    assert page.locator("html").get_attribute("lang") == "th"
    shot(page, "home-th")
    assert_clean(page)


@pytest.mark.browser
def test_browser_thai_city_page(page, fixture_url: str) -> None:
    """The Thai page of a Thai city shows its Thai name, rendered in a Thai-capable font."""
    page.goto(fixture_url + "th/city/th-testburi.html")
    heading = page.locator("h1")
    assert heading.inner_text() == "ทดสอบบุรี"
    assert heading.is_visible()
    box = heading.bounding_box()
    assert box and box["width"] > 40  # the glyphs take room: not tofu-collapsed or hidden
    family = page.evaluate("getComputedStyle(document.querySelector('h1')).fontFamily")
    assert "Noto Sans Thai" in family
    shot(page, "city-th")
    page.get_by_role("link", name="English").click()
    assert page.locator("h1").inner_text() == "Testburi"
    page.goto(fixture_url + "th/city/kr-testville.html")
    assert page.locator('h1 span[lang="en"]').inner_text() == "Testville"
    assert_clean(page)


@pytest.mark.browser
@pytest.mark.parametrize("which", ["fixture", "real"])
def test_browser_map(page, which: str, request) -> None:
    """The map shows one point per member with coordinates; a point leads to the city page."""
    root = request.getfixturevalue(f"{which}_root")
    expected = len(expected_members(root)["located"])
    page.goto(request.getfixturevalue(f"{which}_url") + "en/map.html")
    points = page.locator("svg.world-map a.member-point")
    assert points.count() == expected
    assert page.locator("#map-table tbody tr").count() == expected
    assert page.locator("#map-table caption").is_visible()
    shot(page, f"map-{which}")
    if expected:
        points.first.focus()
        assert page.evaluate("document.activeElement.getAttribute('class')") == "member-point"
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert "/en/city/" in page.url
    assert_clean(page)


@pytest.mark.browser
def test_browser_chart(page, real_url: str, real_root: Path) -> None:
    """The chart's total equals the current member count computed from the data."""
    count = len(dated_members(real_root))
    page.goto(real_url + "en/growth.html")
    chart = page.locator("svg.growth-chart")
    assert chart.is_visible()
    assert chart.get_attribute("data-total-members") == str(count)
    assert page.locator('#growth-table [data-total="members"]').inner_text() == str(count)
    shot(page, "growth")
    assert_clean(page)


@pytest.mark.browser
def test_browser_members_filter_and_sort(page, fixture_url: str, fixture_root: Path) -> None:
    """Filtering by country shows that country's current members; headers sort the table."""
    import rdflib

    graph = graph_of(fixture_root)
    country = rdflib.URIRef(GNLC + "country")
    thai = [c for c in expected_members(fixture_root)["members"] if
            str(graph.value(c, country)) == BASE + "country/TH"]  # fmt: skip
    page.goto(fixture_url + "en/members.html")
    rows = page.locator("#members-table tbody tr")
    assert page.locator("#member-filters").is_visible()
    from playwright.sync_api import expect

    page.select_option('select[name="country"]', BASE + "country/TH")
    # expect() waits for the page's script to apply the filter; count() alone raced it.
    expect(rows.locator("visible=true")).to_have_count(len(thai))
    page.get_by_role("button", name="Show all").click()
    expect(rows.locator("visible=true")).to_have_count(
        len(expected_members(fixture_root)["members"])
    )
    page.get_by_role("button", name="Name").click()
    page.get_by_role("button", name="Name").click()
    names = rows.locator("td:first-child").all_inner_texts()
    assert names == sorted(names, key=str.casefold, reverse=True)
    shot(page, "members")
    assert_clean(page)


@pytest.mark.browser
def test_browser_members_without_javascript(browser, fixture_url: str, fixture_root: Path) -> None:
    """Without JavaScript the members table is complete and the filter form stays hidden."""
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(fixture_url + "en/members.html")
    rows = tab.locator("#members-table tbody tr")
    assert rows.count() == len(expected_members(fixture_root)["members"])
    assert not tab.locator("#member-filters").is_visible()
    assert tab.get_by_role("link", name="Countries").first.is_visible()
    context.close()


def test_no_row_repeats_its_label_as_its_value(any_site) -> None:
    """A fact row's value is never just its own label again ("Location | Location")."""
    _, site = any_site
    repeated = []
    for page_path in sorted(site.glob("*/city/*.html")):
        text = page_path.read_text(encoding="utf-8")
        for head, value in re.findall(r'<th scope="row">(.*?)</th>\s*<td>(.*?)</td>', text, re.S):
            head_text = re.sub(r"<[^>]+>", "", head).strip()
            if head_text == re.sub(r"<[^>]+>", "", value).strip():
                repeated.append((page_path.relative_to(site).as_posix(), head_text))
    assert repeated == []


VOID_TAGS = {"br", "img", "input", "link", "meta", "hr", "area", "base", "col", "source", "wbr"}


class LangText(HTMLParser):
    """(text, language in effect) of every text chunk in the body (not <title>, scripts, SVG)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str]] = []
        self.chunks: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in VOID_TAGS:
            return
        inherited = self.stack[-1][1] if self.stack else ""
        self.stack.append((tag, dict(attrs).get("lang") or inherited))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        tags = {t for t, _ in self.stack}
        if data.strip() and self.stack and not tags & {"title", "script", "style", "svg"}:
            self.chunks.append((data.strip(), self.stack[-1][1]))


def test_english_only_names_are_marked_english_on_thai_pages(fixture_root, fixture_site) -> None:
    """Region and country names with no Thai label appear on Thai pages inside lang="en"."""
    import rdflib

    graph = graph_of(fixture_root)
    pref = rdflib.URIRef(SKOS + "prefLabel")
    english_only = set()
    for cls in ("Region", "Country"):
        for thing in graph.subjects(rdflib.RDF.type, rdflib.URIRef(GNLC + cls)):
            labels = {lit.language: str(lit) for lit in graph.objects(thing, pref)}
            if "en" in labels and "th" not in labels:
                english_only.add(labels["en"])
    assert english_only  # the five regions at least
    unmarked = set()
    for page_path in sorted((fixture_site / "th").rglob("*.html")):
        parser = LangText()
        parser.feed(page_path.read_text(encoding="utf-8"))
        for text, lang in parser.chunks:
            name = text.split(" (")[0]
            if name in english_only and lang != "en":
                unmarked.add((page_path.relative_to(fixture_site).as_posix(), text))
    assert sorted(unmarked)[:10] == []


def test_concept_pages_list_their_cities(fixture_root: Path, fixture_site: Path) -> None:
    """Each SDG and characteristic page lists the member cities linked to it (rdflib's rules)."""
    import rdflib

    graph = graph_of(fixture_root)
    checked = 0
    for predicate in ("supportsSDG", "promotesCharacteristic"):
        for concept in set(graph.objects(None, rdflib.URIRef(GNLC + predicate))):
            cities = {
                slug(str(c))
                for c in graph.subjects(rdflib.URIRef(GNLC + predicate), concept)
                if (c, rdflib.RDF.type, rdflib.URIRef(GNLC + "LearningCity")) in graph
            }
            for lang in ("en", "th"):
                page_path = fixture_site / lang / f"{slug(str(concept))}.html"
                text = page_path.read_text(encoding="utf-8")
                table = text.split('id="related-table"', 1)[1].split("</table>", 1)[0]
                rows = set(re.findall(r'<tr id="row-city-([^"]+)"', table))
                assert rows == {c.removeprefix("city/") for c in cities}, (concept, lang)
                checked += 1
    assert checked >= 4


CURIE_TEXT = re.compile(r"^[a-z][a-z0-9]*:[A-Za-z0-9_-]+$")


@pytest.mark.parametrize("page_name", ["dataset", "sdg/4", "characteristic/family-community"])
def test_values_are_named_not_curies(fixture_site: Path, page_name: str) -> None:
    """Links in the facts tables of the dataset and concept pages show names, not prefix:local."""
    for lang in ("en", "th"):
        text = (fixture_site / lang / f"{page_name}.html").read_text(encoding="utf-8")
        cells = re.findall(r'<th scope="row">.*?</th>\s*<td>(.*?)</td>', text, re.S)
        assert cells
        shown = [html.unescape(t).strip() for c in cells for t in re.findall(r">([^<]+)</a>", c)]
        assert [t for t in shown if CURIE_TEXT.match(t)] == [], (lang, page_name)


TEST_CITATION = """cff-version: 1.2.0
message: "Cite this made-up dataset as below."
title: "Example learning cities graph"
type: dataset
version: 9.8.7
date-released: 2031-02-03
license: CC-BY-4.0
repository-code: "https://example.org/gnlc-repo"
authors:
  - name: "Example contributors"
  - given-names: Ada
    family-names: Example
identifiers:
  - type: url
    value: "https://example.org/gnlc/"
"""


@pytest.mark.slow
def test_citation_schema_and_repository_links(root: Path, tmp_path: Path) -> None:
    """CITATION.cff gives the how-to-cite block, schema.org creator, the repository and
    report-an-error links; dateModified is void.ttl's dcterms:modified."""
    import rdflib

    source = copy_sources(root, tmp_path / "root", FIXTURE_MEMBERS)
    (source / "CITATION.cff").write_text(TEST_CITATION, encoding="utf-8")
    site = build(source, tmp_path / "site")
    void = rdflib.Graph().parse(site / "dist" / "void.ttl", format="turtle")
    modified = str(void.value(rdflib.URIRef(BASE + "dataset"), rdflib.DCTERMS.modified))
    for lang in ("en", "th"):
        for name in ("index", "dataset"):
            text = (site / lang / f"{name}.html").read_text(encoding="utf-8")
            data = json.loads(parse(site / lang / f"{name}.html").scripts[0])
            assert data["@type"] == "Dataset"
            assert [c["name"] for c in data["creator"]] == ["Example contributors", "Ada Example"]
            assert data["dateModified"] == modified
            assert data["license"] == "https://creativecommons.org/licenses/by/4.0/"
            assert data["version"] == "9.8.7"
            cite = text.split('id="cite"', 1)[1].split("</section>", 1)[0]
            assert "Example contributors, Ada Example (2031). Example learning cities graph" in cite
            assert "(Version 9.8.7) [Data set]. https://example.org/gnlc/" in cite
            assert 'href="https://example.org/gnlc-repo/issues"' in cite
        page = (site / lang / "city" / "th-testburi.html").read_text(encoding="utf-8")
        footer = page.split('<footer class="site-footer">', 1)[1]
        assert 'href="https://example.org/gnlc-repo"' in footer
        assert 'href="https://example.org/gnlc-repo/issues"' in footer


def test_search_index_covers_members_and_terms(fixture_root: Path, fixture_site: Path) -> None:
    """search.json names every member in English and Thai and every vocabulary term."""
    import rdflib

    graph = graph_of(fixture_root)
    entries = json.loads((fixture_site / "search.json").read_text(encoding="utf-8"))
    by_path = {e["p"]: e for e in entries}
    pref = rdflib.URIRef(SKOS + "prefLabel")
    for city in graph.subjects(rdflib.RDF.type, rdflib.URIRef(GNLC + "LearningCity")):
        labels = {lit.language: str(lit) for lit in graph.objects(city, pref)}
        entry = by_path[slug(str(city))]
        assert (entry["en"], entry["th"]) == (labels["en"], labels.get("th", "")), city
    vocabulary = rdflib.Graph().parse(fixture_root / "ontology" / "gnlc.ttl", format="turtle")
    terms = {str(s)[len(GNLC) :] for s in vocabulary.subjects() if str(s).startswith(GNLC)}
    assert {p[len("ontology/") :] for p in by_path if p.startswith("ontology/")} == terms - {""}
    for entry in entries:
        for lang in ("en", "th"):
            assert (fixture_site / lang / f"{entry['p']}.html").is_file(), entry["p"]


@pytest.mark.browser
def test_browser_search_finds_a_city_by_either_name(page, fixture_url: str) -> None:
    """The search box finds a member by its Thai name and by its English name, offline."""
    from playwright.sync_api import expect

    for lang in ("th", "en"):
        page.goto(fixture_url + f"{lang}/search.html")
        box = page.get_by_role("searchbox")
        for query in ("ทดสอบบุรี", "testbur", "Testburi"):
            box.fill(query)
            results = page.locator("#search-results a")
            expect(results.first).to_be_visible()
            hrefs = results.evaluate_all("l => l.map(a => a.href)")
            assert f"{fixture_url}{lang}/city/th-testburi.html" in hrefs, (lang, query)
        box.fill("no such place anywhere")
        expect(page.locator("#search-status")).to_contain_text("0 ")
        shot(page, f"search-{lang}")
    page.goto(fixture_url + "en/index.html")  # the home page's box leads to the results
    page.locator("#home-search-q").fill("ทดสอบ")
    with page.expect_navigation():
        page.locator("form.home-search button").click()
    page.locator("#search-results a", has_text="Testburi").click()
    assert page.url.endswith("/en/city/th-testburi.html")
    assert_clean(page)


# --- on a phone (issue #15 item 4) ------------------------------------------------------------

WIDTHS = (320, 390, 1280)
INDEX_PAGES = (
    "index.html",
    "404.html",
    "en/index.html",
    "th/index.html",
    "en/members.html",
    "th/members.html",
    "en/countries.html",
    "en/regions.html",
    "en/cohorts.html",
    "en/awards.html",
    "en/organizations.html",
    "en/characteristic.html",
    "en/sdg.html",
    "en/map.html",
    "en/growth.html",
    "en/dataset.html",
    "th/dataset.html",
    "en/ontology.html",
    "en/network.html",
    "en/search.html",
)
ENTITY_FOLDERS = (*KINDS, "organization", "ontology")

# Latin words of 3+ letters in ordinary text (IRIs, checksums and code may break anywhere).
MID_WORD_BREAKS = """() => {
  const skip = 'code, pre, .iri, .hash, a.external, .source-list, svg, script, style, [hidden]';
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const broken = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.parentElement || node.parentElement.closest(skip)) continue;
    if (!node.parentElement.getClientRects().length) continue;
    for (const m of node.data.matchAll(/[A-Za-z]{3,}/g)) {
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
      if (lines.size > 1) broken.push(m[0]);
    }
  }
  return broken;
}"""

SMALL_TARGETS = """() => [...document.querySelectorAll('a.cite')]
  .map(a => a.getBoundingClientRect())
  .filter(r => r.width < 24 || r.height < 24)
  .map(r => [r.width, r.height])"""

CHART_LABEL_PX = """() => [...document.querySelectorAll('svg.growth-chart text')]
  .map(t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a)"""


# Every page kind: the index pages, and one entity page per folder in both languages (found in
# the built site: "city/" stands for en/city/<first>.html and th/city/<first>.html).
PAGE_KINDS = (*INDEX_PAGES, *(f"{folder}/" for folder in ENTITY_FOLDERS))


def phone_pages(site: Path, kind: str) -> list[str]:
    """The pages of one page kind (see PAGE_KINDS)."""
    if not kind.endswith("/"):
        return [kind]
    first = sorted((site / "en" / kind).glob("*.html"))[0].name
    return [f"en/{kind}{first}", f"th/{kind}{first}"]


# axe-core's rules read colours, names, roles and structure, which do not change with the width;
# what does (reflow, overflow, target sizes) is measured above at every width. So axe checks
# every page kind on the desktop and, at phone width, the pages a phone user lands on first.
AXE_ON_PHONES = ("en/index.html", "th/index.html", "en/members.html", "/city/")


def axe_at(path: str, width: int) -> bool:
    """Whether axe-core runs on path at width (see AXE_ON_PHONES)."""
    if width == 1280:
        return True
    return width == 390 and any(part in path for part in AXE_ON_PHONES)


def axe_script() -> str:
    """axe-core: the copy bundled with axe-playwright-python (nothing is fetched)."""
    from importlib.resources import files

    return files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def axe_tab(browser):
    """A tab like reading_tab (one per worker, pages only loaded and read) in which every page
    gets axe-core as it loads, by an init script. Chromium compiles the same init script for
    each page at about two thirds of the CPU of a <script> element added to each page."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.add_init_script(axe_script())
    tab = context.new_page()
    yield tab
    context.close()


def axe_violations(tab) -> list[str]:
    """axe-core (in the page by axe_tab's init script) under WCAG 2.2 AA: the ids and first
    targets of every violation."""
    # resultTypes: only violations get every node's selector worked out (what passes and is
    # inapplicable keeps one node each), and only violations come back to Python: the same
    # violations, about a third less of axe's time.
    return tab.evaluate(
        """() => axe.run(document, {runOnly: {type: 'tag', values:
             ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']},
             resultTypes: ['violations']})
           .then(r => r.violations.map(v => `${v.id}: ${JSON.stringify(v.nodes[0].target)}`))"""
    )


@pytest.mark.browser
def test_axe_reports_violations(axe_tab) -> None:
    """The axe check can fail: a page with an image without alt text and grey-on-grey text
    (loaded into the same tab, so with axe injected the same way, as the pages checked)."""
    from urllib.parse import quote

    axe_tab.set_viewport_size({"width": 1280, "height": 800})
    axe_tab.goto(
        "data:text/html;charset=utf-8,"
        + quote(
            '<!doctype html><html lang="en"><head><title>t</title></head><body><main>'
            '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
            '<p style="color:#777;background:#888">faint</p></main></body></html>'
        )
    )
    found = axe_violations(axe_tab)
    assert [v.split(":")[0] for v in found] == ["color-contrast", "image-alt"], found


def layout_problems(tab, path: str, width: int) -> list[str]:
    """What is wrong with the layout of the page in tab at its current width."""
    problems = []
    width_px = tab.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
    assert width_px[1] == width, (path, width_px)
    if width_px[0] > width_px[1]:
        problems.append(f"{path}: {width_px[0]} px wide on a {width_px[1]} px screen")
    if broken := tab.evaluate(MID_WORD_BREAKS):
        problems.append(f"{path}: words broken mid-word: {broken[:5]}")
    if small := tab.evaluate(SMALL_TARGETS):
        problems.append(f"{path}: {len(small)} citation links below 24x24: {small[:3]}")
    if tiny := [px for px in tab.evaluate(CHART_LABEL_PX) if px < 10]:
        problems.append(f"{path}: {len(tiny)} chart labels below 10 px ({min(tiny):.1f})")
    for line in tab.locator("code.hash").evaluate_all(
        "l => l.map(c => [c.textContent, c.title, c.getClientRects().length,"
        " c.getBoundingClientRect().height / parseFloat(getComputedStyle(c).fontSize)])"
    ):
        text, title, boxes, em_high = line
        if not (re.fullmatch(r"[0-9a-f]{64}", text) and title == text):
            problems.append(f"{path}: checksum not whole: {text!r} / {title!r}")
        if boxes != 1 or em_high > 2.5:
            problems.append(f"{path}: checksum on {boxes} boxes, {em_high:.1f} em high")
    return [f"{problem} (at {width} px)" for problem in problems]


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("kind", PAGE_KINDS)
def test_browser_every_page_kind_fits_the_screen(reading_tab, real_url, real_site, kind) -> None:
    """No horizontal scroll, no mid-word breaks, citation targets >= 24x24 px, chart labels
    >= 10 px and checksums on one line at 320, 390 and 1280 px on every page kind of the real
    data's site (screenshots at 390 px go to test-artifacts/). Each page is loaded once at
    320 px and measured again after each widening of the viewport: the site's layout follows
    the width by CSS alone (test_site_scripts_keep_no_state_and_ignore_the_width), and CSS
    lays a resized page out as it lays out a page loaded at that width."""
    tab = reading_tab
    problems = []
    for path in phone_pages(real_site, kind):
        tab.set_viewport_size({"width": WIDTHS[0], "height": 800})
        tab.goto(real_url + path)
        for width in WIDTHS:
            tab.set_viewport_size({"width": width, "height": 800})
            problems += layout_problems(tab, path, width)
            if width == 390:  # desktop views are shot by the tests above (home, map, members...)
                shot(tab, f"width-{width}-{path.replace('/', '-').removesuffix('.html')}")
    assert problems == [], "\n".join(problems)


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("kind", PAGE_KINDS)
def test_browser_every_page_kind_passes_axe(axe_tab, fixture_url, fixture_site, kind) -> None:
    """axe-core clean under WCAG 2.2 AA on every page kind at 1280 px, and on the landing pages
    at 390 px. On the made-up members' site: the same templates as the real site, with lists a
    few rows long (axe takes about 10 s on a page listing all 381 members, and more rows of one
    template add nothing to what it checks). A page checked at both widths is loaded once and
    checked again after the viewport is widened (see the layout test above)."""
    tab = axe_tab
    problems = []
    for path in phone_pages(fixture_site, kind):
        widths = [width for width in (390, 1280) if axe_at(path, width)]
        tab.set_viewport_size({"width": widths[0], "height": 800})
        tab.goto(fixture_url + path)
        for width in widths:
            tab.set_viewport_size({"width": width, "height": 800})
            assert tab.evaluate("innerWidth") == width
            problems += [f"{path} ({width} px): {v}" for v in axe_violations(tab)]
    assert problems == [], "\n".join(problems)


def members_no_source_dates(root: Path) -> tuple[set, set]:
    """(members in no cohort, those of them no dated page names), counted by rdflib from the
    sources: the figures `gnlc stats` shows."""
    import rdflib

    graph = graph_of(root)
    u = rdflib.URIRef
    org_member = u("http://www.w3.org/ns/org#member")
    unknown, undated = set(), set()
    for membership, city in graph.subject_objects(org_member):
        if (membership, u(GNLC + "endYear"), None) in graph:
            continue
        if (membership, u(GNLC + "startYear"), None) not in graph:
            unknown.add(city)
            if (membership, u(GNLC + "attestedDate"), None) not in graph:
                undated.add(city)
    return unknown, undated


def test_cohorts_page_counts_members_no_source_dates(real_root: Path, real_site: Path) -> None:
    """The cohorts page ends with the members in no cohort, and those no dated page names,
    as counted by rdflib from the sources (the same figures as `gnlc stats`)."""
    unknown, undated = members_no_source_dates(real_root)
    assert unknown and undated
    for lang in ("en", "th"):
        text = (real_site / lang / "cohorts.html").read_text(encoding="utf-8")
        found = dict(re.findall(r'<tr class="([a-z-]+)">.*?data-members="(\d+)"', text))
        assert found == {"year-unknown": str(len(unknown)), "no-dated-page": str(len(undated))}


def test_growth_page_counts_members_no_source_dates(real_root: Path, real_site: Path) -> None:
    """Below the chart, the growth page gives the same two figures as the cohorts page: the
    members whose joining year no source gives, and of these those no dated page names."""
    from gnlc.site import i18n

    unknown, undated = members_no_source_dates(real_root)
    assert unknown and undated
    for lang in ("en", "th"):
        text = (real_site / lang / "growth.html").read_text(encoding="utf-8")
        caption = re.search(r"<figcaption>(.*?)</figcaption>", text, re.DOTALL)
        assert caption, lang
        found = dict(re.findall(r'data-(undated|no-dated)-members="(\d+)"', caption.group(1)))
        assert found == {"undated": str(len(unknown)), "no-dated": str(len(undated))}, lang
        assert i18n.text("no_dated_page", lang) in caption.group(1)


def test_member_rows_made_once_per_folder_are_the_rows_made_per_page(
    fixture_root: Path, monkeypatch
) -> None:
    """Members tables reuse a row made for another page of the same folder and language; the
    site is byte for byte the one made with every row made afresh on every page."""
    from gnlc.site import render_site
    from gnlc.site.render import SiteRenderer
    from gnlc.sources import load_graph

    store = load_graph(fixture_root).store
    cached = render_site(fixture_root, store).files

    class Forgetful(dict):
        def get(self, key, default=None):  # never finds a row made before
            return default

    made = SiteRenderer.__init__

    def fresh_rows(self, *args, **kwargs) -> None:
        made(self, *args, **kwargs)
        self.member_rows = Forgetful()

    monkeypatch.setattr(SiteRenderer, "__init__", fresh_rows)
    fresh = render_site(fixture_root, store).files
    assert cached.keys() == fresh.keys()
    assert [name for name in cached if cached[name] != fresh[name]] == []


@pytest.mark.parametrize("name", ["../x.html", "en/../../x.html", "/tmp/x.html", "en//x.html"])
def test_a_file_name_leaving_the_site_folder_is_refused(tmp_path: Path, name: str) -> None:
    """write_tree writes only below the site folder: a name with `..`, an absolute one or one
    that is not in normal form is refused and nothing is published."""
    from gnlc.errors import GnlcError
    from gnlc.site import write_tree

    out = tmp_path / "deep" / "site"
    out.parent.mkdir()
    with pytest.raises(GnlcError, match="outside the site folder"):
        write_tree({"en/index.html": b"ok", name: b"x"}, out)
    assert not out.exists() and sorted(p.name for p in out.parent.iterdir()) == []
    assert not (tmp_path / "x.html").exists()
    write_tree({"en/index.html": b"ok", "en/city/a.html": b"a"}, out)
    assert (out / "en" / "city" / "a.html").read_bytes() == b"a"
