"""schema.org JSON-LD embedded in pages, so search engines understand what a page is about."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gnlc.namespaces import DCTERMS, GNLC, ORG, SKOS
from gnlc.site import i18n
from gnlc.site.layout import DATASET

if TYPE_CHECKING:
    from gnlc.site.render import SiteRenderer


def resource(site: SiteRenderer, iri: str, kind: str, lang: str) -> dict:
    """schema.org JSON-LD for a resource page."""
    view = site.view
    name = view.label(iri, lang)[0]
    other = "th" if lang == "en" else "en"
    data: dict = {
        "@context": "https://schema.org",
        "@id": iri,
        "name": name,
        "url": site.url(f"{lang}/{site.resources[iri]}.html"),
    }
    alternate = view.literal(iri, SKOS + "prefLabel", other)
    if alternate and alternate != name:
        data["alternateName"] = alternate
    definition = view.literal(iri, SKOS + "definition", lang) or view.literal(
        iri, SKOS + "definition", "en"
    )
    if definition:
        data["description"] = definition
    if kind == "city":
        data["@type"] = "Place"
        member = next((m for m in site.members if m.iri == iri), None)
        if member and member.latitude is not None:
            data["geo"] = {
                "@type": "GeoCoordinates",
                "latitude": member.latitude,
                "longitude": member.longitude,
            }
        if member and member.country:
            data["containedInPlace"] = {
                "@type": "Country",
                "@id": member.country,
                "name": view.label(member.country, lang)[0],
            }
        geonames = view.iris(iri, GNLC + "geonames")
        if geonames:
            data["sameAs"] = geonames
    elif kind == "country":
        data["@type"] = "Country"
        code = site.country_code(iri)
        if code:
            data["identifier"] = code
    elif kind == "region":
        data["@type"] = "Place"
    elif kind == "concept":
        data["@type"] = "DefinedTerm"
        notation = view.first(iri, SKOS + "notation")
        if notation:
            data["termCode"] = notation.value
        schemes = view.iris(iri, SKOS + "inScheme")
        if schemes:
            data["inDefinedTermSet"] = schemes[0]
    elif kind == "scheme":
        data["@type"] = "DefinedTermSet"
    elif kind == "network" or ORG + "Organization" in view.types(iri):
        data["@type"] = "Organization"
    else:
        data["@type"] = "Thing"
    return data


def dataset(site: SiteRenderer, lang: str) -> dict:
    """schema.org Dataset with its downloads, creator, version and dates."""
    data = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "@id": DATASET,
        "name": i18n.text("site_name", lang),
        "description": i18n.text("site_tagline", lang),
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "inLanguage": ["en", "th"],
        "url": site.url(f"{lang}/index.html"),
        "distribution": [
            {
                "@type": "DataDownload",
                "name": name,
                "contentUrl": site.url(f"dist/{name}"),
                "contentSize": f"{len(blob)} B",
            }
            for name, blob in sorted(site.release.items())
        ],
    }
    modified = release_modified(site)
    if modified:
        data["dateModified"] = modified
    citation = site.citation
    if citation:
        data["creator"] = [{"@type": "Organization", "name": a} for a in citation.authors]
        data["version"] = citation.version
        if citation.date:
            data["datePublished"] = citation.date
        data["citation"] = citation.text()
    return data


def release_modified(site: SiteRenderer) -> str:
    """dcterms:modified of the release, as void.ttl states it (the last commit's date)."""
    import pyoxigraph

    quads = pyoxigraph.parse(site.release["void.ttl"], format=pyoxigraph.RdfFormat.TURTLE)
    modified = DCTERMS + "modified"
    found = sorted(q.object.value for q in quads if q.subject.value == DATASET
                   and q.predicate.value == modified)  # fmt: skip
    return found[0] if found else ""
