"""The site's model: the release graph read once, and the plain records pages are made of.

`SiteModel` holds the graph view, the resources that get pages, the vocabulary's terms and one
`Member` record per learning city; its methods answer questions about the data (labels, kinds,
sources of a fact, figures) and know nothing of files, URLs or HTML.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

from gnlc.namespaces import BASE, GEO, GNLC, ONTOLOGY, ORG, OWL, RDF, RDFS, SKOS, SKOSXL, short_iri
from gnlc.site import chart, i18n, negotiation
from gnlc.site.layout import (
    DATASET,
    DIST_BASE,
    FORMAT_NAMES,
    INDEX_PAGES,
    PATH_OK,
)
from gnlc.site.view import Value, View, sort_key

if TYPE_CHECKING:  # pragma: no cover - types only
    import pyoxigraph

# Names are shown as the plain labels they entail, each citing its own SKOS-XL label's source.
XL_LINKS = (SKOSXL + "prefLabel", SKOSXL + "altLabel")


@dataclass
class Member:
    """A learning city with what the index pages, map and chart need."""

    iri: str
    path: str
    country: str | None
    region: str | None
    year: str
    cohort: str | None
    current: bool
    # The date of the page attesting a membership no source dates ("" if none shows one).
    attested: str = ""
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True)
class CohortSummary:
    """A cohort's year, announced figures (text as the source gives them) and recorded members."""

    iri: str
    year: str
    announced: str
    new: str
    total: str
    recorded: int
    sources: list[str]


@dataclass(frozen=True)
class YearUnknown:
    """Current members whose joining year no source gives, and of these the ones named only by
    pages that show no date (the figures `gnlc stats` shows apart)."""

    members: int
    no_dated_page: int


@dataclass(frozen=True)
class Download:
    """One release file as the download tables list it."""

    name: str
    file: str
    format: str
    size: int
    sha256: str


class SearchEntry(TypedDict):
    """One entry of search.json (short keys: the file is fetched by every search page)."""

    p: str  # the path under the base
    k: str  # the kind (city, country, ... or term)
    en: str
    th: str
    alt: list[str]


class SiteModel:
    """The release graph read once: resources, terms, members, and questions about them."""

    def __init__(self, root: Path, store: pyoxigraph.Store, release: dict[str, bytes]) -> None:
        from gnlc.site.citation import read_citation

        self.root = root
        self.view = View(store)
        self.release = release
        self.citation = read_citation(root)
        self.resources = self._resources()
        self.terms = sorted(
            s for s in self.view.triples if s.startswith(GNLC) and len(s) > len(GNLC)
        )
        self.members = self._members()
        self.current = [m for m in self.members if m.current]

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
            country = view.iri(city, GNLC + "country")
            region = view.iri(city, GNLC + "region")
            if region is None and country:
                region = view.iri(country, GNLC + "region")
            member = Member(
                iri=city,
                path=self.resources[city],
                country=country,
                region=region,
                year=self._year(membership) if membership else "",
                cohort=view.iri(membership, GNLC + "cohort") if membership else None,
                current=bool(view.iris(city, GNLC + "memberOf")),
                attested=self._attested(membership) if membership else "",
            )
            point = view.iri(city, GEO + "location")
            if point:
                lat, long = view.first(point, GEO + "lat"), view.first(point, GEO + "long")
                if lat and long:
                    member.latitude, member.longitude = float(lat.value), float(long.value)
            members.append(member)
        return members

    def _year(self, membership: str) -> str:
        found = self.view.first(membership, GNLC + "startYear")
        return found.value if found else ""

    def _attested(self, membership: str) -> str:
        found = self.view.first(membership, GNLC + "attestedDate")
        return found.value if found else ""

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
        return own or short_iri(iri)

    def rdf_list(self, key: str) -> list[Value] | None:
        """The items of an RDF collection starting at blank node key, or None if it is not one."""
        items = []
        seen = set()
        while key != RDF + "nil":
            if key in seen:
                return None
            seen.add(key)
            first, rest = self.view.first(key, RDF + "first"), self.view.first(key, RDF + "rest")
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

    def version_paths(self) -> list[str]:
        """The vocabulary's version IRIs under BASE (ontology/0.1.0), as paths."""
        return sorted(
            iri[len(BASE) :]
            for iri in self.view.iris(ONTOLOGY, OWL + "versionIRI")
            if negotiation.VERSION.match(iri[len(BASE) :])
        )

    def country_code(self, iri: str | None) -> str:
        """A country's ISO code, or ''."""
        found = self.view.first(iri, GNLC + "countryCode") if iri else None
        return found.value if found else ""

    def downloads(self) -> list[Download]:
        """The release files with format, size and checksum."""
        return [
            Download(
                name=name,
                file=f"dist/{name}",
                format=FORMAT_NAMES.get(name, ""),
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
            )
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

    def search_entries(self) -> list[SearchEntry]:
        """search.json: every resource and vocabulary term with its English, Thai, other names."""
        view = self.view
        entries: list[SearchEntry] = []
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

    def cohort_summary(self, cohort: str) -> CohortSummary:
        """Year, announced figures and recorded members of a cohort."""
        view = self.view

        def number(predicate: str) -> str:
            found = view.first(cohort, GNLC + predicate)
            return found.value if found else ""

        members = [m for m in self.members if m.cohort == cohort]
        return CohortSummary(
            iri=cohort,
            year=number("year"),
            announced=number("announced"),
            new=number("announcedNewMembers"),
            total=number("announcedTotalMembers"),
            recorded=len(members),
            sources=view.sources(cohort),
        )

    def cohorts_by_year(self) -> dict[str, str]:
        """gnlc:year -> cohort, for the cohorts that have a year."""
        found = {}
        for cohort in self.view.instances(GNLC + "Cohort"):
            year = self.view.first(cohort, GNLC + "year")
            if year is not None:
                found[year.value] = cohort
        return found

    def year_unknown(self) -> YearUnknown:
        """The current members in no cohort, and those no dated page names."""
        unknown = [m for m in self.current if not m.year]
        return YearUnknown(len(unknown), sum(1 for m in unknown if not m.attested))

    def growth_rows(self) -> list[chart.GrowthRow]:
        """Growth by cohort year of the current members."""
        return chart.growth((m.year, m.country) for m in self.current if m.year)

    def sorted_by_name(self, iris: list[str], lang: str) -> list[str]:
        """IRIs sorted by their name in lang."""
        return sorted(iris, key=lambda i: (sort_key(self.view.label(i, lang)[0]), i))

    def linked_members(self, concept: str) -> list[Member]:
        """The member cities linked to a characteristic or an SDG (the derived links)."""
        cities = {
            city
            for predicate in (GNLC + "promotesCharacteristic", GNLC + "supportsSDG")
            for city in self.view.subjects(predicate, concept)
        }
        return [m for m in self.members if m.iri in cities]

    def sorted_concepts(self, concepts: list[str]) -> list[str]:
        """Concepts by numeric notation, then IRI."""

        def key(iri: str) -> tuple:
            notation = self.view.first(iri, SKOS + "notation")
            text = notation.value if notation else ""
            return (int(text) if text.isdigit() else 10**6, text, iri)

        return sorted(concepts, key=key)

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

    def fallback_sources(self, key: str) -> list[str]:
        """Sources for nodes that carry none: the vocabulary's terms cite the vocabulary."""
        if key.startswith(ONTOLOGY):
            return [ONTOLOGY]
        if key.startswith(DATASET):
            return [DIST_BASE + "void.ttl"]
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
