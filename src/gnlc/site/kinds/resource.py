"""LANG/PATH.html: the page of one resource (city, country, cohort, concept ...)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from gnlc.namespaces import GNLC, ONTOLOGY, ORG, RDF_TYPE, SKOS
from gnlc.site import facts, i18n, schemaorg
from gnlc.site.layout import DERIVED
from gnlc.site.page import Page

if TYPE_CHECKING:
    from markupsafe import Markup

    from gnlc.site.model import Member
    from gnlc.site.render import SiteRenderer


@dataclass(frozen=True)
class DerivedLinks:
    """A member city's links derived through the network, cited to membership and network."""

    networks: list[str]
    characteristics: list[str]
    sdgs: list[str]
    sources: Markup


def write(site: SiteRenderer, iri: str, lang: str) -> None:
    """LANG/PATH.html for one resource: its facts, sub-nodes, related lists, RDF links."""
    path = site.resources[iri]
    page = Page(site, lang, f"{lang}/{path}.html")
    kind = site.kind(iri)
    skip = DERIVED if kind == "city" else ()
    sections = [facts.section(site, page, iri, "facts", i18n.text("facts", lang), skip)]
    for key in filter(site.shown_subnode, site.view.subnodes.get(iri, [])):
        fragment = key.partition("#")[2]
        sections.append(facts.section(site, page, key, fragment, site.node_title(key, lang)))
    related = related_members(site, iri, kind)
    site.render(
        "resource.html",
        page,
        title=page.plain_name(iri),
        heading=page.name(iri),
        iri=iri,
        type_label=", ".join(site.term_label(t, lang) for t in site.view.types(iri)),
        sections=sections,
        rdf_alternates=site.rdf_links(page, path),
        schema=site.schema_json(schemaorg.resource(site, iri, kind, lang)),
        kind=kind,
        derived=derived_links(site, page, iri) if kind == "city" else None,
        member=next((m for m in site.members if m.iri == iri), None) if kind == "city" else None,
        summary=site.cohort_summary(iri) if kind == "cohort" else None,
        related=page.members_rows(related[0]) if related else None,
        related_title=i18n.text(related[1], lang) if related else "",
        incoming=incoming(site, page, iri, kind),
        concepts=site.sorted_concepts(site.view.subjects(SKOS + "inScheme", iri))
        if kind == "scheme"
        else [],
    )


def related_members(site: SiteRenderer, iri: str, kind: str) -> tuple[list[Member], str] | None:
    """The members a resource's page lists and the key of their heading, or None (no list)."""
    members = site.members
    if kind == "country":
        return [m for m in members if m.country == iri], "members_of_country"
    if kind == "region":
        return [m for m in members if m.region == iri], "members_of_region"
    if kind == "cohort":
        return [m for m in members if m.cohort == iri], "members_of_cohort"
    if kind == "concept":
        return site.linked_members(iri), "linked_members"
    if kind == "award":
        winners = set(site.view.subjects(GNLC + "awarded", iri))
        return [m for m in members if m.iri in winners], "winners"
    return None


def derived_links(site: SiteRenderer, page: Page, city: str) -> DerivedLinks | None:
    """A city's derived links (characteristics, SDGs), cited to membership and network."""
    view = site.view
    networks = view.iris(city, GNLC + "memberOf")
    if not networks:
        return None
    sources = []
    for membership in view.subjects(ORG + "member", city):
        if not view.values(membership, GNLC + "endYear"):
            sources += view.sources(membership)
    for network in networks:
        sources += view.sources(network)
    return DerivedLinks(
        networks=networks,
        characteristics=site.sorted_concepts(view.iris(city, GNLC + "promotesCharacteristic")),
        sdgs=site.sorted_concepts(view.iris(city, GNLC + "supportsSDG")),
        sources=page.cite(sorted(set(sources))),
    )


def incoming(
    site: SiteRenderer, page: Page, iri: str, kind: str
) -> list[tuple[Markup, list[Markup]]]:
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
    for predicate, subject in site.view.incoming.get(iri, []):
        owner = subject.partition("#")[0]
        if predicate in skip or owner == iri or subject.startswith("_:"):
            continue
        if owner not in site.resources and owner != ONTOLOGY:
            continue
        found.setdefault(predicate, set()).add(owner)
    rows = []
    for predicate in sorted(found, key=lambda p: site.term_label(p, "en")):
        subjects = site.sorted_by_name(sorted(found[predicate]), page.lang)
        rows.append((page.term(predicate), [page.link(s) for s in subjects[:200]]))
    return rows
