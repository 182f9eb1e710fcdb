"""Facts tables: one node's properties, values and the sources of each fact."""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

from gnlc.namespaces import GNLC, RDF_TYPE, SKOS
from gnlc.site.layout import HIDDEN
from gnlc.site.model import XL_LINKS
from gnlc.site.page import Page, Row, Section
from gnlc.site.view import Value

if TYPE_CHECKING:
    from markupsafe import Markup

    from gnlc.site.render import SiteRenderer

MATCHES = tuple(SKOS + p for p in ("exactMatch", "closeMatch", "broadMatch", "narrowMatch"))


def section(
    site: SiteRenderer,
    page: Page,
    key: str,
    anchor: str,
    title: str | Markup,
    skip: Collection[str] = (),
) -> Section:
    """The facts of one node, each row citing the node's sources."""
    from markupsafe import Markup

    view = site.view
    sources = view.sources(key) or site.fallback_sources(key)
    grouped: dict[str, list[Value]] = {}
    for predicate, value in view.out.get(key, []):
        if predicate in HIDDEN or predicate in skip or predicate in XL_LINKS:
            continue
        grouped.setdefault(predicate, []).append(value)
    order = [RDF_TYPE, SKOS + "prefLabel", SKOS + "altLabel"]
    predicates = sorted(
        grouped,
        key=lambda p: (order.index(p) if p in order else len(order), site.term_label(p, "en")),
    )
    rows = []
    for predicate in predicates:
        values = sorted(grouped[predicate], key=lambda v: (v.lang != page.lang, v.lang))
        row_sources = site.fact_sources(key, predicate, values) or list(sources)
        if predicate == GNLC + "endYear":
            row_sources += view.iris(key, GNLC + "endSource")
        if predicate == RDF_TYPE:
            shown = [page.term(v.value) for v in values]
        elif predicate in MATCHES:
            shown = [match_link(site, page, key, v) for v in values]
        else:
            shown = [page.value(v) for v in values]
        rows.append(Row(page.term(predicate), shown, page.cite(row_sources)))
    return Section(anchor, Markup(title) if isinstance(title, str) else title, rows)


def match_link(site: SiteRenderer, page: Page, key: str, value: Value) -> Markup:
    """A link to an equivalent concept elsewhere, named by our own label and its host.

    An exact match names the same concept, so our name for it is right, where the bare
    IRI (unsdg:4) told a reader nothing.
    """
    from urllib.parse import urlsplit

    if value.kind != "iri" or site.file_for(value.value, page.lang):
        return page.value(value)
    host = urlsplit(value.value).netloc
    return page.link(value.value, f"{page.plain_name(key)} ({host})")
