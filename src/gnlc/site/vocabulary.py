"""The vocabulary's pages (one for the ontology, one per term) and the dataset's page and files."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from gnlc.namespaces import DCTERMS, GNLC, ONTOLOGY, OWL, RDFS, SKOS, VOID
from gnlc.site import i18n, schemaorg
from gnlc.site.facts import section
from gnlc.site.layout import DATASET
from gnlc.site.page import Page
from gnlc.site.view import Value, View

if TYPE_CHECKING:
    from markupsafe import Markup

    from gnlc.site.render import SiteRenderer


def ontology_terms(site: SiteRenderer, lang: str) -> dict[str, list[str]]:
    """Classes, object and datatype properties of the vocabulary, by label."""
    groups: dict[str, list[str]] = {"classes": [], "object": [], "datatype": [], "other": []}
    for term in site.terms:
        types = site.view.types(term)
        if OWL + "Class" in types:
            groups["classes"].append(term)
        elif OWL + "ObjectProperty" in types:
            groups["object"].append(term)
        elif OWL + "DatatypeProperty" in types:
            groups["datatype"].append(term)
        else:
            groups["other"].append(term)
    return {k: sorted(v, key=lambda t: t[len(GNLC) :].lower()) for k, v in groups.items()}


@dataclass(frozen=True)
class TermInfo:
    """Everything the vocabulary says about one term, in a page's language and the other one."""

    iri: str
    local: str
    label: str
    other_label: str
    definition: str
    other_definition: str
    other: str  # the other language
    types: list[Markup]
    functional: bool
    domain: list[Markup]
    range: list[Markup]
    subclass_of: list[Markup]
    subproperty_of: list[Markup]
    chains: list[Markup]
    domain_of: list[Markup]
    range_of: list[Markup]
    instances: int | None  # for a class: how many resources it has
    term_page: str
    in_vocabulary: str


def term_info(site: SiteRenderer, page: Page, term: str) -> TermInfo:
    """Everything the vocabulary says about one term, ready for a template."""
    view = site.view
    other = "th" if page.lang == "en" else "en"
    types = view.types(term)
    local = term[len(GNLC) :]

    def links(predicate: str) -> list[Markup]:
        return [page.value(v) for v in view.values(term, predicate)]

    domain_of = [t for t in site.terms if term in view.iris(t, RDFS + "domain")]
    range_of = [t for t in site.terms if term in view.iris(t, RDFS + "range")]
    return TermInfo(
        iri=term,
        local=local,
        label=view.literal(term, RDFS + "label", page.lang) or "",
        other_label=view.literal(term, RDFS + "label", other) or "",
        definition=view.literal(term, SKOS + "definition", page.lang) or "",
        other_definition=view.literal(term, SKOS + "definition", other) or "",
        other=other,
        types=[page.term(t) for t in types],
        functional=OWL + "FunctionalProperty" in types,
        domain=links(RDFS + "domain"),
        range=links(RDFS + "range"),
        subclass_of=links(RDFS + "subClassOf"),
        subproperty_of=links(RDFS + "subPropertyOf"),
        chains=links(OWL + "propertyChainAxiom"),
        domain_of=[page.term(t) for t in domain_of],
        range_of=[page.term(t) for t in range_of],
        instances=len(view.instances(term)) if OWL + "Class" in types else None,
        term_page=page.href(f"{page.lang}/ontology/{local}.html"),
        in_vocabulary=page.href(f"{page.lang}/ontology.html#{local}"),
    )


def ontology_pages(site: SiteRenderer, lang: str) -> None:
    """LANG/ontology.html and one page per vocabulary term."""
    page = Page(site, lang, f"{lang}/ontology.html")
    groups = ontology_terms(site, lang)
    info = {k: [term_info(site, page, t) for t in v] for k, v in groups.items()}
    meta = section(site, page, ONTOLOGY, "about", i18n.text("facts", lang))
    schema = {
        "@context": "https://schema.org",
        "@type": "DefinedTermSet",
        "@id": ONTOLOGY,
        "name": site.view.literal(ONTOLOGY, DCTERMS + "title", lang) or "",
        "url": site.url(page.file),
        "hasDefinedTerm": [
            {"@type": "DefinedTerm", "@id": t, "name": site.term_label(t, lang)} for t in site.terms
        ],
    }
    site.render(
        "ontology.html",
        page,
        title=site.view.literal(ONTOLOGY, DCTERMS + "title", lang) or "gnlc",
        description=site.view.literal(ONTOLOGY, DCTERMS + "description", lang) or "",
        iri=ONTOLOGY,
        groups=info,
        meta=meta,
        rdf_alternates=site.rdf_links(page, "ontology"),
        schema=site.schema_json(schema),
        namespace=GNLC,
    )
    for term in site.terms:
        local = term[len(GNLC) :]
        term_page = Page(site, lang, f"{lang}/ontology/{local}.html")
        info_one = term_info(site, term_page, term)
        site.render(
            "term.html",
            term_page,
            title=info_one.label or local,
            term=info_one,
            section=section(site, term_page, term, "facts", i18n.text("facts", lang)),
            rdf_alternates=site.rdf_links(term_page, f"ontology/{local}"),
            schema=site.schema_json(
                {
                    "@context": "https://schema.org",
                    "@type": "DefinedTerm",
                    "@id": term,
                    "name": info_one.label or local,
                    "description": info_one.definition,
                    "inDefinedTermSet": ONTOLOGY,
                    "url": site.url(term_page.file),
                }
            ),
        )


def void_view(site: SiteRenderer) -> View:
    """The release's void.ttl as a View."""
    import pyoxigraph

    store = pyoxigraph.Store()
    store.load(site.release["void.ttl"], format=pyoxigraph.RdfFormat.TURTLE)
    # The names of the resources void.ttl links to (example resources), so that the dataset
    # page shows names rather than CURIEs; they are not facts of the dataset's own table.
    linked = {q.object.value for q in store if isinstance(q.object, pyoxigraph.NamedNode)}
    names = (SKOS + "prefLabel", RDFS + "label")
    for iri in sorted(linked):
        for triple in site.view.triples.get(iri, []):
            if triple.predicate.value in names:
                store.add(pyoxigraph.Quad(triple.subject, triple.predicate, triple.object))
    return View(store)


def dataset_files(site: SiteRenderer) -> None:
    """dataset.ttl, .jsonld, .nt, .rdf: the VoID and DCAT description of the release."""
    import pyoxigraph

    from gnlc.canonical import canonical_triples
    from gnlc.jsonld import to_jsonld
    from gnlc.paths import CONTEXT_FILE

    triples = canonical_triples(
        pyoxigraph.parse(site.release["void.ttl"], format=pyoxigraph.RdfFormat.TURTLE)
    )
    site.add("dataset.ttl", site.release["void.ttl"])
    site.add("dataset.jsonld", to_jsonld(triples, site.root / CONTEXT_FILE))
    site.describe_more("dataset", triples)


def dataset_page(site: SiteRenderer, lang: str) -> None:
    """LANG/dataset.html: the dataset's VoID/DCAT description and its downloads."""
    page = Page(site, lang, f"{lang}/dataset.html")
    void = void_view(site)
    own, site.view = site.view, void
    try:
        skip = (VOID + "classPartition",)
        facts = section(site, page, DATASET, "facts", i18n.text("facts", lang), skip)
        partitions = [
            (
                page.link(void.iris(p, VOID + "class")[0]) if void.iris(p, VOID + "class") else "",
                (void.first(p, VOID + "entities") or Value("literal", "")).value,
            )
            for p in void.iris(DATASET, VOID + "classPartition")
        ]
    finally:
        site.view = own
    site.render(
        "dataset.html",
        page,
        title=i18n.text("dataset_page", lang),
        facts=facts,
        partitions=partitions,
        downloads=site.downloads(),
        rdf_alternates=site.rdf_links(page, "dataset"),
        schema=site.schema_json(schemaorg.dataset(site, lang)),
        void=page.href("dist/void.ttl"),
    )
