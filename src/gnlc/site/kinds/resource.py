"""LANG/PATH.html: the page of one resource (city, country, cohort, concept ...)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gnlc.namespaces import GNLC, ONTOLOGY, ORG, RDF_TYPE, SKOS
from gnlc.site import facts, i18n, schemaorg
from gnlc.site.layout import DERIVED
from gnlc.site.page import Page

if TYPE_CHECKING:
    from gnlc.site.render import SiteRenderer


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
    context = {"kind": kind, "derived": None, "related": None, "related_title": ""}
    if kind == "city":
        context["derived"] = derived_links(site, page, iri)
        member = next((m for m in site.members if m.iri == iri), None)
        context["member"] = member
    elif kind == "country":
        context["related"] = page.members_rows([m for m in site.members if m.country == iri])
        context["related_title"] = i18n.text("members_of_country", lang)
    elif kind == "region":
        context["related"] = page.members_rows([m for m in site.members if m.region == iri])
        context["related_title"] = i18n.text("members_of_region", lang)
    elif kind == "cohort":
        context["related"] = page.members_rows([m for m in site.members if m.cohort == iri])
        context["related_title"] = i18n.text("members_of_cohort", lang)
        context["summary"] = site.cohort_summary(iri)
    elif kind == "concept":
        context["related"] = page.members_rows(site.linked_members(iri))
        context["related_title"] = i18n.text("linked_members", lang)
    elif kind == "award":
        winners = set(site.view.subjects(GNLC + "awarded", iri))
        context["related"] = page.members_rows([m for m in site.members if m.iri in winners])
        context["related_title"] = i18n.text("winners", lang)
    context["incoming"] = incoming(site, page, iri, kind)
    context["concepts"] = (
        site.sorted_concepts(site.view.subjects(SKOS + "inScheme", iri)) if kind == "scheme" else []
    )
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
        **context,
    )


def derived_links(site: SiteRenderer, page: Page, city: str) -> dict | None:
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
    return {
        "networks": networks,
        "characteristics": site.sorted_concepts(view.iris(city, GNLC + "promotesCharacteristic")),
        "sdgs": site.sorted_concepts(view.iris(city, GNLC + "supportsSDG")),
        "sources": page.cite(sorted(set(sources))),
    }


def incoming(site: SiteRenderer, page: Page, iri: str, kind: str) -> list[tuple]:
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
