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

import json

from gnlc.namespaces import GNLC, NETWORK, ONTOLOGY, PREFIXES, RDF_TYPE
from gnlc.site import chart, i18n, mapsvg, negotiation, schemaorg, vocabulary
from gnlc.site.layout import (
    ATLAS_LICENCE,
    DERIVED,
    HIDDEN,
    LANGS,
    ORG,
    SKOS,
    STATIC,
    STATIC_FILES,
)
from gnlc.site.model import XL_LINKS
from gnlc.site.page import Page, Row, Section
from gnlc.site.render import SiteRenderer
from gnlc.site.view import Value, sort_key

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


class SiteBuilder(SiteRenderer):
    """Renders every page and RDF file of the site into a dict of path -> bytes."""

    # ---- what exists -------------------------------------------------------------------------

    # ---- output helpers ----------------------------------------------------------------------

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
