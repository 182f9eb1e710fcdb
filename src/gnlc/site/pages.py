"""Every page of the site, rendered from the release graph with Jinja2 templates.

Layout (all paths relative to the site root):
- `index.html` chooses a language; `en/` and `th/` hold the same pages in English and Thai.
- A resource https://w3id.org/gnlc/P has `en/P.html`, `th/P.html`, and its RDF description at
  `P.ttl` and `P.jsonld` (e.g. `city/th-chiang-rai.ttl`); the vocabulary is `ontology.*`, each of
  its terms `en/ontology/Term.html` with `ontology/Term.ttl`.
- Index pages: `LANG/index.html` (home), `members`, `countries`, `cohorts`, `regions`, `awards`,
  `map`, `growth`, `dataset` (`.html`); the release dumps in `dist/`; `.htaccess`, `sitemap.xml`.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from gnlc.namespaces import BASE, GNLC, NETWORK, ONTOLOGY, PREFIXES, RDF_TYPE
from gnlc.site import chart, i18n, mapsvg, negotiation, schemaorg, vocabulary
from gnlc.site.layout import (
    ATLAS_LICENCE,
    DATASET,
    DERIVED,
    DIST_BASE,
    FORMAT_NAMES,
    GENERATED,
    GEO,
    HIDDEN,
    INDEX_PAGES,
    LANGS,
    ORG,
    PATH_OK,
    RDF_FIRST,
    RDF_MEDIA,
    RDF_REST,
    RDFS,
    SKOS,
    STATIC,
    STATIC_FILES,
    TEMPLATES,
)
from gnlc.site.page import Member, Page, Row, Section
from gnlc.site.view import Value, View, canonical, short, sort_key

SKOSXL = PREFIXES["skosxl"]
# Names are shown as the plain labels they entail, each citing its own SKOS-XL label's source.
XL_LINKS = (SKOSXL + "prefLabel", SKOSXL + "altLabel")
MATCHES = tuple(SKOS + p for p in ("exactMatch", "closeMatch", "broadMatch", "narrowMatch"))
# The class whose label names each kind of search result.
KIND_CLASSES = {
    "city": GNLC + "LearningCity",
    "country": GNLC + "Country",
    "region": GNLC + "Region",
    "cohort": GNLC + "Cohort",
    "award": GNLC + "LearningCityAward",
    "concept": SKOS + "Concept",
    "scheme": SKOS + "ConceptScheme",
    "network": GNLC + "Network",
    "term": PREFIXES["rdfs"] + "Class",
}


class SiteBuilder:
    """Renders every page and RDF file of the site into a dict of path -> bytes."""

    def __init__(self, root: Path, store, release: dict[str, bytes], base_url: str | None) -> None:
        from jinja2 import Environment, FileSystemLoader, StrictUndefined

        self.root = root
        self.view = View(store)
        self.release = release
        self.base_url = base_url.rstrip("/") + "/" if base_url else None
        # Absolute URLs (canonical links, sitemap, schema.org) need a base even without
        # --base-url: the IRI base, where w3id.org forwards every path to the site's host.
        self.public_base = self.base_url or BASE
        self.files: dict[str, bytes] = {}
        self.html_pages: list[str] = []
        self.env = Environment(
            loader=FileSystemLoader(str(TEMPLATES)),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        from gnlc.site.citation import read_citation

        self.citation = read_citation(root)
        self.env.globals["citation"] = self.citation
        self.resources = self._resources()
        self.terms = sorted(
            s for s in self.view.triples if s.startswith(GNLC) and len(s) > len(GNLC)
        )
        self.members = self._members()
        self.current = [m for m in self.members if m.current]

    # ---- what exists -------------------------------------------------------------------------

    def _resources(self) -> dict[str, str]:
        found = {}
        for key in self.view.triples:
            if not key.startswith(BASE) or "#" in key or key.startswith(ONTOLOGY):
                continue
            path = key[len(BASE) :]
            if PATH_OK.match(path) and path not in INDEX_PAGES and path != "index":
                found[key] = path
        return dict(sorted(found.items()))

    def _members(self) -> list[Member]:
        view = self.view
        members = []
        for city in view.instances(GNLC + "LearningCity"):
            if city not in self.resources:
                continue
            memberships = view.subjects(ORG + "member", city)
            current = [m for m in memberships if not view.values(m, GNLC + "endYear")]
            chosen = sorted(current or memberships, key=lambda m: self._year(m))
            membership = chosen[0] if chosen else None
            country = (view.iris(city, GNLC + "country") or [None])[0]
            region = (view.iris(city, GNLC + "region") or [None])[0]
            if region is None and country:
                region = (view.iris(country, GNLC + "region") or [None])[0]
            member = Member(
                iri=city,
                path=self.resources[city],
                country=country,
                region=region,
                year=self._year(membership) if membership else "",
                cohort=(view.iris(membership, GNLC + "cohort") or [None])[0]
                if membership
                else None,
                current=bool(view.iris(city, GNLC + "memberOf")),
            )
            point = (view.iris(city, GEO + "location") or [None])[0]
            if point:
                lat, long = view.first(point, GEO + "lat"), view.first(point, GEO + "long")
                if lat and long:
                    member.latitude, member.longitude = float(lat.value), float(long.value)
            members.append(member)
        return members

    def _year(self, membership: str) -> str:
        found = self.view.first(membership, GNLC + "startYear")
        return found.value if found else ""

    def file_for(self, iri: str, lang: str) -> str | None:
        """The site file a link to iri should point at, or None when the site has none."""
        if iri in self.resources:
            return f"{lang}/{self.resources[iri]}.html"
        if iri in (ONTOLOGY, ONTOLOGY + "#"):
            return f"{lang}/ontology.html"
        if iri in self.terms:
            return f"{lang}/ontology/{iri[len(GNLC) :]}.html"
        if iri == DATASET:
            return f"{lang}/dataset.html"
        if iri.startswith(DIST_BASE) and iri[len(DIST_BASE) :] in self.release:
            return "dist/" + iri[len(DIST_BASE) :]
        base, hash_, fragment = iri.partition("#")
        if hash_ and base in self.resources:
            return f"{lang}/{self.resources[base]}.html#{fragment}"
        return None

    def term_label(self, iri: str, lang: str) -> str:
        """A property or class label: the vocabulary's own, else the site's, else prefix:local."""
        own = self.view.literal(iri, RDFS + "label", lang) or self.view.literal(
            iri, RDFS + "label", "en"
        )
        if own and iri.startswith(GNLC):
            return own
        if iri in i18n.TERMS:
            english, thai = i18n.TERMS[iri]
            return thai if lang == "th" else english
        return own or short(iri)

    def rdf_list(self, key: str) -> list[Value] | None:
        """The items of an RDF collection starting at blank node key, or None if it is not one."""
        items = []
        seen = set()
        while key != PREFIXES["rdf"] + "nil":
            if key in seen:
                return None
            seen.add(key)
            first, rest = self.view.first(key, RDF_FIRST), self.view.first(key, RDF_REST)
            if first is None or rest is None:
                return None
            items.append(first)
            key = rest.key
        return items

    def kind(self, iri: str) -> str:
        """The kind of resource (city, country, ...) by its class."""
        types = set(self.view.types(iri))
        for cls, kind in (
            (GNLC + "LearningCity", "city"),
            (GNLC + "Country", "country"),
            (GNLC + "Region", "region"),
            (GNLC + "Cohort", "cohort"),
            (GNLC + "LearningCityAward", "award"),
            (GNLC + "Characteristic", "concept"),
            (GNLC + "SDG", "concept"),
            (SKOS + "ConceptScheme", "scheme"),
            (GNLC + "Network", "network"),
        ):
            if cls in types:
                return kind
        return "other"

    # ---- output helpers ----------------------------------------------------------------------

    def url(self, file: str) -> str:
        """Absolute URL of a site file: --base-url, else the IRI base https://w3id.org/gnlc/."""
        return self.public_base + file

    def add(self, path: str, data: str | bytes) -> None:
        """Add one output file."""
        self.files[path] = data.encode("utf-8") if isinstance(data, str) else data

    def render(self, template: str, file: str, lang: str, page: Page, **context) -> None:
        """Render a template to file (one language version of a page)."""
        other = "th" if lang == "en" else "en"
        alt_file = other + file[len(lang) :]
        context.setdefault("rdf_alternates", [])
        context.setdefault("schema", None)
        html = self.env.get_template(template).render(
            lang=lang,
            other_lang=other,
            t=i18n.strings(lang),
            page=page,
            root=page.href("index.html").removesuffix("index.html") or "./",
            home=page.href(f"{lang}/index.html"),
            nav=[(key, page.href(f"{lang}/{target}")) for key, target in self.nav()],
            switch=page.href(alt_file),
            canonical=self.url(file),
            alternates={code: self.url(code + file[len(lang) :]) for code in LANGS},
            relative_alternates={code: page.href(code + file[len(lang) :]) for code in LANGS},
            base_url=self.public_base,
            network_name=page.name(NETWORK) if NETWORK in self.view.triples else "",
            **context,
        )
        self.add(file, html)
        self.html_pages.append(file)

    def nav(self) -> list[tuple[str, str]]:
        """(label key, file under the language folder) of the main navigation."""
        items = [
            ("home", "index.html"),
            ("members", "members.html"),
            ("countries", "countries.html"),
            ("cohorts", "cohorts.html"),
            ("map", "map.html"),
            ("growth", "growth.html"),
            ("vocabulary", "ontology.html"),
            ("search", "search.html"),
        ]
        return items

    def schema_json(self, data: dict) -> str:
        """schema.org JSON-LD, safe inside a <script> element."""
        from markupsafe import Markup

        text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True)
        return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))

    def describe(self, stem: str, triples: list) -> None:
        """Write stem.ttl, stem.jsonld, stem.nt and stem.rdf holding triples."""
        from gnlc.jsonld import to_jsonld
        from gnlc.paths import CONTEXT_FILE
        from gnlc.turtle import serialize

        triples = canonical(triples)
        self.add(f"{stem}.ttl", serialize(triples, header=f"# {GENERATED}\n"))
        self.add(f"{stem}.jsonld", to_jsonld(triples, self.root / CONTEXT_FILE))
        self.describe_more(stem, triples)

    def describe_more(self, stem: str, triples: list) -> None:
        """Write stem.nt and stem.rdf: every format the release offers, per resource too."""
        from gnlc.export import ntriples, rdfxml_bytes

        self.add(f"{stem}.nt", ntriples(triples, header=GENERATED))
        self.add(f"{stem}.rdf", rdfxml_bytes(triples))

    # ---- building ----------------------------------------------------------------------------

    def build(self) -> dict[str, bytes]:
        """Render the whole site."""
        for lang in LANGS:
            self.home(lang)
            self.members_index(lang)
            self.countries_index(lang)
            self.cohorts_index(lang)
            self.regions_index(lang)
            self.awards_index(lang)
            self.map_page(lang)
            self.growth_page(lang)
            vocabulary.ontology_pages(self, lang)
            vocabulary.dataset_page(self, lang)
            for iri in self.resources:
                self.resource_page(iri, lang)
        for iri, path in self.resources.items():
            self.describe(path, self.view.description(iri))
        self.describe("ontology", self.view.description(ONTOLOGY))
        for term in self.terms:
            self.describe("ontology/" + term[len(GNLC) :], self.view.description(term))
        vocabulary.dataset_files(self)
        self.landing()
        for name in STATIC_FILES:
            self.add(f"static/{name}", (STATIC / name).read_bytes())
        self.add(ATLAS_LICENCE, (STATIC / "world-atlas" / "LICENSE").read_bytes())
        for name, data in self.release.items():
            self.add(f"dist/{name}", data)
        self.organizations_index_pages()
        self.search_pages()
        self.not_found_page()
        self.type_maps()
        self.add(".htaccess", negotiation.htaccess(self.root_path()))
        if self.base_url:
            self.add("w3id.htaccess", negotiation.w3id_htaccess(self.base_url))
        self.add(".nojekyll", b"")
        self.add("sitemap.xml", self.sitemap())
        return dict(sorted(self.files.items()))

    def root_path(self) -> str:
        """The URL path of the site's root on its host ('/' unless --base-url says otherwise)."""
        from urllib.parse import urlsplit

        return urlsplit(self.base_url).path if self.base_url else "/"

    def type_maps(self) -> None:
        """A type map (and its .asis redirects) for every IRI the site answers."""
        from gnlc.site.negotiation import (
            FOLDERS,
            SINGLES,
            folder_variants,
            layout_variants,
            negotiation_files,
            type_map_path,
        )

        paths = ["", *self.resources.values(), "ontology", "dataset", *self.version_paths()]
        paths += [f"{folder}/" for folder in FOLDERS]
        paths += [folder for folder in FOLDERS if folder not in SINGLES]
        for path in paths:
            variants = layout_variants(path)
            if path.rstrip("/") in FOLDERS and path.rstrip("/") not in self.resources.values():
                variants = folder_variants(path.rstrip("/"))
            missing = [v.file for v in variants if v.file not in self.files]
            if missing:
                raise AssertionError(f"type map for {path!r} names missing files {missing}")
            for name, text in negotiation_files(type_map_path(path), variants).items():
                self.add(name, text)

    def version_paths(self) -> list[str]:
        """The vocabulary's version IRIs under BASE (ontology/0.1.0), as paths."""
        return sorted(
            iri[len(BASE) :]
            for iri in self.view.iris(ONTOLOGY, PREFIXES["owl"] + "versionIRI")
            if negotiation.VERSION.match(iri[len(BASE) :])
        )

    def not_found_page(self) -> None:
        """404.html: bilingual, self-contained (served at any depth by ErrorDocument)."""
        root = self.root_path()
        html = self.env.get_template("404.html").render(
            en=i18n.strings("en"), th=i18n.strings("th"), root=root
        )
        self.add("404.html", html)

    def search_entries(self) -> list[dict]:
        """search.json: every resource and vocabulary term with its English, Thai, other names."""
        view = self.view
        entries = []
        for iri, path in self.resources.items():
            alt = [v.value for v in view.values(iri, SKOS + "altLabel")]
            alt += [v.value for v in view.values(iri, SKOS + "notation")]
            entries.append(
                {
                    "p": path,
                    "k": self.kind(iri),
                    "en": view.label(iri, "en")[0],
                    "th": view.literal(iri, SKOS + "prefLabel", "th") or "",
                    "alt": sorted(set(alt)),
                }
            )
        for term in self.terms:
            local = term[len(GNLC) :]
            entries.append(
                {
                    "p": f"ontology/{local}",
                    "k": "term",
                    "en": view.literal(term, RDFS + "label", "en") or local,
                    "th": view.literal(term, RDFS + "label", "th") or "",
                    "alt": [local],
                }
            )
        return sorted(entries, key=lambda e: e["p"])

    def search_pages(self) -> None:
        """LANG/search.html (a box and an offline script) and the index they read, search.json."""
        text = json.dumps(self.search_entries(), ensure_ascii=False, sort_keys=True, indent=0)
        self.add("search.json", text + "\n")
        for lang in LANGS:
            file = f"{lang}/search.html"
            page = Page(self, lang, file)
            kinds = {k: self.term_label(c, lang) for k, c in KIND_CLASSES.items()}
            self.render(
                "search.html", file, lang, page, title=i18n.text("search", lang),
                index=page.href("search.json"), kinds=kinds,
            )  # fmt: skip

    def organizations_index_pages(self) -> None:
        """LANG/organizations.html: the organizations the data describes (organization/ IRIs)."""
        for lang in LANGS:
            file = f"{lang}/organizations.html"
            page = Page(self, lang, file)
            found = [i for i, p in self.resources.items() if p.startswith("organization/")]
            self.render(
                "organizations.html", file, lang, page, title=i18n.text("organizations", lang),
                rows=self.sorted_by_name(found, lang),
            )  # fmt: skip

    def sitemap(self) -> str:
        """sitemap.xml of every HTML page, by absolute URL (the sitemap protocol requires it)."""
        from xml.sax.saxutils import escape

        urls = "".join(
            f"  <url><loc>{escape(self.url(page))}</loc></url>\n"
            for page in sorted(self.html_pages)
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<!-- {GENERATED} -->\n"
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{urls}</urlset>\n"
        )

    def landing(self) -> None:
        """index.html at the site root: a bilingual language choice."""
        page = Page(self, "en", "index.html")
        html = self.env.get_template("landing.html").render(
            page=page,
            en=i18n.strings("en"),
            th=i18n.strings("th"),
            name_en=self.view.label(NETWORK, "en")[0],
            name_th=self.view.label(NETWORK, "th"),
            canonical=self.url("index.html"),
        )
        self.add("index.html", html)
        self.html_pages.append("index.html")

    # ---- pages -------------------------------------------------------------------------------

    def downloads(self) -> list[dict]:
        """The release files with format, size and checksum."""
        return [
            {
                "name": name,
                "file": f"dist/{name}",
                "format": FORMAT_NAMES.get(name, ""),
                "size": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
            }
            for name, data in sorted(self.release.items())
        ]

    def counts(self) -> dict[str, int]:
        """Headline figures: current members, their countries, cohorts, members with points."""
        return {
            "members": len(self.current),
            "countries": len({m.country for m in self.current if m.country}),
            "cohorts": len(self.view.instances(GNLC + "Cohort")),
            "mapped": len([m for m in self.current if m.latitude is not None]),
        }

    def home(self, lang: str) -> None:
        """LANG/index.html: overview, map, growth, discovery."""
        file = f"{lang}/index.html"
        page = Page(self, lang, file)
        self.render(
            "home.html",
            file,
            lang,
            page,
            title=i18n.text("site_name", lang),
            counts=self.counts(),
            network=NETWORK if NETWORK in self.view.triples else None,
            map_svg=self.map_svg(page),
            chart_svg=self.chart_svg(lang),
            downloads=self.downloads(),
            schemes=[iri for iri in self.resources if self.kind(iri) == "scheme"],
            regions=self.sorted_by_name(self.view.instances(GNLC + "Region"), lang),
            schema=self.schema_json(schemaorg.dataset(self, lang)),
            void=page.href("dist/void.ttl"),
            dataset=page.href(f"{lang}/dataset.html"),
            dcat_ttl=page.href("dataset.ttl"),
            rdf_alternates=[
                {"type": "text/turtle", "href": page.href("dist/void.ttl"), "title": "VoID"}
            ],
        )

    def sorted_by_name(self, iris: list[str], lang: str) -> list[str]:
        """IRIs sorted by their name in lang."""
        return sorted(iris, key=lambda i: (sort_key(self.view.label(i, lang)[0]), i))

    def members_index(self, lang: str) -> None:
        """LANG/members.html: every current member, filterable and sortable."""
        file = f"{lang}/members.html"
        page = Page(self, lang, file)
        rows = page.members_rows(self.current)
        countries = self.sorted_by_name(list({m.country for m in self.current if m.country}), lang)
        regions = self.sorted_by_name(list({m.region for m in self.current if m.region}), lang)
        years = sorted({m.year for m in self.current if m.year})
        self.render(
            "members.html",
            file,
            lang,
            page,
            title=i18n.text("members", lang),
            rows=rows,
            countries=countries,
            regions=regions,
            years=years,
            code=self.country_code,
        )

    def country_code(self, iri: str | None) -> str:
        """A country's ISO code, or ''."""
        found = self.view.first(iri, GNLC + "countryCode") if iri else None
        return found.value if found else ""

    def countries_index(self, lang: str) -> None:
        """LANG/countries.html: countries with members, counts and first cohort."""
        file = f"{lang}/countries.html"
        page = Page(self, lang, file)
        rows = []
        for country in self.view.instances(GNLC + "Country"):
            members = [m for m in self.current if m.country == country]
            years = sorted(m.year for m in members if m.year)
            regions = sorted({m.region for m in members if m.region})
            rows.append(
                {
                    "iri": country,
                    "code": self.country_code(country),
                    "members": len(members),
                    "first": years[0] if years else "",
                    "regions": regions,
                    "sort": sort_key(page.plain_name(country)),
                }
            )
        rows.sort(key=lambda r: (-r["members"], r["sort"]))
        self.render(
            "countries.html", file, lang, page, title=i18n.text("countries", lang), rows=rows
        )

    def cohorts_index(self, lang: str) -> None:
        """LANG/cohorts.html: cohorts with announced and recorded figures."""
        file = f"{lang}/cohorts.html"
        page = Page(self, lang, file)
        rows = [self.cohort_summary(c) for c in self.view.instances(GNLC + "Cohort")]
        rows.sort(key=lambda r: r["year"])
        self.render("cohorts.html", file, lang, page, title=i18n.text("cohorts", lang), rows=rows)

    def cohort_summary(self, cohort: str) -> dict:
        """Year, announced figures and recorded members of a cohort."""
        view = self.view

        def number(predicate: str) -> str:
            found = view.first(cohort, GNLC + predicate)
            return found.value if found else ""

        members = [m for m in self.members if m.cohort == cohort]
        return {
            "iri": cohort,
            "year": number("year"),
            "announced": number("announced"),
            "new": number("announcedNewMembers"),
            "total": number("announcedTotalMembers"),
            "recorded": len(members),
            "sources": view.sources(cohort),
        }

    def regions_index(self, lang: str) -> None:
        """LANG/regions.html: UNESCO regions with member counts."""
        file = f"{lang}/regions.html"
        page = Page(self, lang, file)
        rows = [
            {"iri": r, "members": len([m for m in self.current if m.region == r])}
            for r in self.sorted_by_name(self.view.instances(GNLC + "Region"), lang)
        ]
        unknown = len([m for m in self.current if not m.region])
        self.render(
            "regions.html", file, lang, page, title=i18n.text("regions", lang), rows=rows,
            unknown=unknown,
        )  # fmt: skip

    def awards_index(self, lang: str) -> None:
        """LANG/awards.html: award editions and their winners."""
        file = f"{lang}/awards.html"
        page = Page(self, lang, file)
        rows = []
        for award in self.view.instances(GNLC + "LearningCityAward"):
            year = self.view.first(award, GNLC + "year")
            winners = self.sorted_by_name(self.view.subjects(GNLC + "awarded", award), lang)
            rows.append({"iri": award, "year": year.value if year else "", "winners": winners})
        rows.sort(key=lambda r: r["year"])
        self.render(
            "awards.html", file, lang, page, title=i18n.text("awards_index", lang), rows=rows
        )

    def map_points(self, page: Page) -> list[mapsvg.MapPoint]:
        """One point per current member with coordinates."""
        points = []
        for member in self.current:
            if member.latitude is None or member.longitude is None:
                continue
            text, lang = self.view.label(member.iri, page.lang)
            points.append(
                mapsvg.MapPoint(
                    member.longitude,
                    member.latitude,
                    page.href(f"{page.lang}/{member.path}.html"),
                    text,
                    lang or page.lang,
                    member.path,
                )
            )
        return sorted(points, key=lambda p: (-p.latitude, p.key))

    def map_svg(self, page: Page):
        """The inline SVG world map for a page."""
        from markupsafe import Markup

        return Markup(
            mapsvg.world_map_svg(
                self.map_points(page),
                i18n.text("map_title", page.lang),
                i18n.text("map_desc", page.lang),
                page.lang,
            )
        )

    def map_page(self, lang: str) -> None:
        """LANG/map.html: the world map and its table."""
        file = f"{lang}/map.html"
        page = Page(self, lang, file)
        mapped = [m for m in self.current if m.latitude is not None]
        missing = [m for m in self.current if m.latitude is None]
        self.render(
            "map.html",
            file,
            lang,
            page,
            title=i18n.text("map", lang),
            map_svg=self.map_svg(page),
            rows=page.members_rows(mapped),
            missing=page.members_rows(missing),
            licence=page.href(ATLAS_LICENCE),
        )

    def growth_rows(self) -> list[chart.GrowthRow]:
        """Growth by cohort year of the current members."""
        return chart.growth((m.year, m.country) for m in self.current if m.year)

    def chart_svg(self, lang: str):
        """The inline SVG growth chart."""
        from markupsafe import Markup

        labels = {
            "title": i18n.text("growth_title", lang),
            "desc": i18n.text("growth_desc", lang),
            "members": i18n.text("total_members", lang),
            "countries": i18n.text("total_countries", lang),
            "total": i18n.text("total", lang),
            "empty": i18n.text("none_yet", lang),
        }
        return Markup(chart.growth_svg(self.growth_rows(), labels, lang))

    def growth_page(self, lang: str) -> None:
        """LANG/growth.html: the growth chart and its table."""
        file = f"{lang}/growth.html"
        page = Page(self, lang, file)
        rows = self.growth_rows()
        cohorts = {self.view.first(c, GNLC + "year").value: c for c in self.cohorts_with_year()}
        self.render(
            "growth.html",
            file,
            lang,
            page,
            title=i18n.text("growth", lang),
            chart_svg=self.chart_svg(lang),
            rows=rows,
            cohorts=cohorts,
            total_members=rows[-1].members if rows else 0,
            total_countries=rows[-1].countries if rows else 0,
            undated=sum(1 for m in self.current if not m.year),
        )

    def cohorts_with_year(self) -> list[str]:
        """Cohorts that have a gnlc:year."""
        return [
            c for c in self.view.instances(GNLC + "Cohort") if self.view.first(c, GNLC + "year")
        ]

    # ---- resource pages ----------------------------------------------------------------------

    def section(self, page: Page, key: str, anchor: str, title, skip=()) -> Section:
        """The facts of one node, each row citing the node's sources."""
        from markupsafe import Markup

        view = self.view
        sources = view.sources(key) or self.fallback_sources(key)
        grouped: dict[str, list[Value]] = {}
        for predicate, value in view.out.get(key, []):
            if predicate in HIDDEN or predicate in skip or predicate in XL_LINKS:
                continue
            grouped.setdefault(predicate, []).append(value)
        order = [RDF_TYPE, SKOS + "prefLabel", SKOS + "altLabel"]
        predicates = sorted(
            grouped,
            key=lambda p: (order.index(p) if p in order else len(order), self.term_label(p, "en")),
        )
        rows = []
        for predicate in predicates:
            values = sorted(grouped[predicate], key=lambda v: (v.lang != page.lang, v.lang))
            row_sources = self.fact_sources(key, predicate, values) or list(sources)
            if predicate == GNLC + "endYear":
                row_sources += view.iris(key, GNLC + "endSource")
            if predicate == RDF_TYPE:
                shown = [page.term(v.value) for v in values]
            elif predicate in MATCHES:
                shown = [self.match_link(page, key, v) for v in values]
            else:
                shown = [page.value(v) for v in values]
            rows.append(Row(page.term(predicate), shown, page.cite(row_sources)))
        return Section(anchor, Markup(title) if isinstance(title, str) else title, rows)

    def match_link(self, page: Page, key: str, value: Value):
        """A link to an equivalent concept elsewhere, named by our own label and its host.

        An exact match names the same concept, so our name for it is right, where the bare
        IRI (unsdg:4) told a reader nothing.
        """
        from urllib.parse import urlsplit

        if value.kind != "iri" or self.file_for(value.value, page.lang):
            return page.value(value)
        host = urlsplit(value.value).netloc
        return page.link(value.value, f"{page.plain_name(key)} ({host})")

    def fact_sources(self, key: str, predicate: str, values: list[Value]) -> list[str]:
        """The sources of one fact row, where the fact has its own; else [] (the node's apply).

        A name cites its SKOS-XL label's source, a region its country's gnlc:regionSource, a
        GeoNames id or point the GeoNames feature, an award the edition's source, an attestation
        the attesting page.
        """
        view = self.view
        if predicate in (SKOS + "prefLabel", SKOS + "altLabel"):
            link = SKOSXL + predicate[len(SKOS) :]
            shown = {(v.value, v.lang) for v in values}
            found: list[str] = []
            for label in view.iris(key, link):
                form = view.first(label, SKOSXL + "literalForm")
                if form is not None and (form.value, form.lang) in shown:
                    found += view.sources(label)
            return sorted(set(found))
        if predicate == GNLC + "region":
            countries = view.iris(key, GNLC + "country")
            return sorted({s for c in countries for s in view.iris(c, GNLC + "regionSource")})
        if predicate in (GNLC + "geonames", GEO + "location"):
            points = view.iris(key, GEO + "location")
            return sorted({s for p in points for s in view.sources(p)})
        if predicate == GNLC + "awarded":
            return sorted({s for v in values for s in view.sources(v.value)})
        if predicate in (GNLC + "attestedBy", GNLC + "attestedDate"):
            return view.iris(key, GNLC + "attestedBy")
        return []

    def shown_subnode(self, key: str) -> bool:
        """Hash sub-nodes get a section, except names with nothing to add to their fact row."""
        if SKOSXL + "Label" in self.view.types(key):
            return bool(self.view.values(key, SKOS + "editorialNote"))
        return True

    def node_title(self, key: str, lang: str) -> str:
        """The heading of a hash sub-node: Membership, Location, else its fragment."""
        types = self.view.types(key)
        if GNLC + "Membership" in types:
            return i18n.text("membership", lang)
        if GEO + "Point" in types:
            return i18n.text("location", lang)
        return key.partition("#")[2]

    def node_link_text(self, key: str, lang: str) -> str:
        """The text of a link to a hash sub-node: a point's coordinates, else its heading.

        The row is already labelled "Location"; repeating the heading as its value said nothing.
        """
        if GEO + "Point" in self.view.types(key):
            lat, long = self.view.first(key, GEO + "lat"), self.view.first(key, GEO + "long")
            if lat and long:
                return f"{lat.value}, {long.value}"
        return self.node_title(key, lang)

    def fallback_sources(self, key: str) -> list[str]:
        """Sources for nodes that carry none: the vocabulary's terms cite the vocabulary."""
        if key.startswith(ONTOLOGY):
            return [ONTOLOGY]
        if key.startswith(DATASET):
            return [DIST_BASE + "void.ttl"]
        return []

    def resource_page(self, iri: str, lang: str) -> None:
        """LANG/PATH.html for one resource: its facts, sub-nodes, related lists, RDF links."""
        path = self.resources[iri]
        file = f"{lang}/{path}.html"
        page = Page(self, lang, file)
        kind = self.kind(iri)
        skip = DERIVED if kind == "city" else ()
        sections = [self.section(page, iri, "facts", i18n.text("facts", lang), skip)]
        for key in filter(self.shown_subnode, self.view.subnodes.get(iri, [])):
            fragment = key.partition("#")[2]
            sections.append(self.section(page, key, fragment, self.node_title(key, lang)))
        context = {"kind": kind, "derived": None, "related": None, "related_title": ""}
        if kind == "city":
            context["derived"] = self.derived_links(page, iri)
            member = next((m for m in self.members if m.iri == iri), None)
            context["member"] = member
        elif kind == "country":
            context["related"] = page.members_rows([m for m in self.members if m.country == iri])
            context["related_title"] = i18n.text("members_of_country", lang)
        elif kind == "region":
            context["related"] = page.members_rows([m for m in self.members if m.region == iri])
            context["related_title"] = i18n.text("members_of_region", lang)
        elif kind == "cohort":
            context["related"] = page.members_rows([m for m in self.members if m.cohort == iri])
            context["related_title"] = i18n.text("members_of_cohort", lang)
            context["summary"] = self.cohort_summary(iri)
        elif kind == "concept":
            context["related"] = page.members_rows(self.linked_members(iri))
            context["related_title"] = i18n.text("linked_members", lang)
        elif kind == "award":
            winners = set(self.view.subjects(GNLC + "awarded", iri))
            context["related"] = page.members_rows([m for m in self.members if m.iri in winners])
            context["related_title"] = i18n.text("winners", lang)
        context["incoming"] = self.incoming(page, iri, kind)
        context["concepts"] = (
            self.sorted_concepts(self.view.subjects(SKOS + "inScheme", iri))
            if kind == "scheme"
            else []
        )
        self.render(
            "resource.html",
            file,
            lang,
            page,
            title=page.plain_name(iri),
            heading=page.name(iri),
            iri=iri,
            type_label=", ".join(self.term_label(t, lang) for t in self.view.types(iri)),
            sections=sections,
            rdf_alternates=self.rdf_links(page, path),
            schema=self.schema_json(schemaorg.resource(self, iri, kind, lang)),
            **context,
        )

    def sorted_concepts(self, concepts: list[str]) -> list[str]:
        """Concepts by numeric notation, then IRI."""

        def key(iri: str) -> tuple:
            notation = self.view.first(iri, SKOS + "notation")
            text = notation.value if notation else ""
            return (int(text) if text.isdigit() else 10**6, text, iri)

        return sorted(concepts, key=key)

    def rdf_links(self, page: Page, stem: str) -> list[dict]:
        """<link rel=alternate> entries for a description's RDF files."""
        return [
            {"type": media, "href": page.href(f"{stem}.{ext}"), "title": title}
            for ext, media, title in RDF_MEDIA
        ]

    def derived_links(self, page: Page, city: str) -> dict | None:
        """A city's derived links (characteristics, SDGs), cited to membership and network."""
        view = self.view
        networks = view.iris(city, GNLC + "memberOf")
        if not networks:
            return None
        sources = []
        for membership in view.subjects(ORG + "member", city):
            if not view.values(membership, GNLC + "endYear"):
                sources += view.sources(membership)
        for network in networks:
            sources += view.sources(network)
        return {
            "networks": networks,
            "characteristics": self.sorted_concepts(
                view.iris(city, GNLC + "promotesCharacteristic")
            ),
            "sdgs": self.sorted_concepts(view.iris(city, GNLC + "supportsSDG")),
            "sources": page.cite(sorted(set(sources))),
        }

    def incoming(self, page: Page, iri: str, kind: str) -> list[tuple]:
        """Links into this resource from other resources not already listed by its kind."""
        listed = {
            "country": {GNLC + "country"},
            "region": {GNLC + "region"},
            "cohort": {GNLC + "cohort"},
            "award": {GNLC + "awarded"},
            "scheme": {SKOS + "inScheme", SKOS + "topConceptOf"},
        }.get(kind, set())
        skip = {RDF_TYPE, *DERIVED, *listed, SKOS + "hasTopConcept"}
        found: dict[str, set[str]] = {}
        for predicate, subject in self.view.incoming.get(iri, []):
            owner = subject.partition("#")[0]
            if predicate in skip or owner == iri or subject.startswith("_:"):
                continue
            if owner not in self.resources and owner != ONTOLOGY:
                continue
            found.setdefault(predicate, set()).add(owner)
        rows = []
        for predicate in sorted(found, key=lambda p: self.term_label(p, "en")):
            subjects = self.sorted_by_name(sorted(found[predicate]), page.lang)
            rows.append((page.term(predicate), [page.link(s) for s in subjects[:200]]))
        return rows

    def linked_members(self, concept: str) -> list[Member]:
        """The member cities linked to a characteristic or an SDG (the derived links)."""
        cities = {
            city
            for predicate in (GNLC + "promotesCharacteristic", GNLC + "supportsSDG")
            for city in self.view.subjects(predicate, concept)
        }
        return [m for m in self.members if m.iri in cities]
