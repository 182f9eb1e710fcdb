"""The home page (LANG/index.html) and the bilingual language choice (index.html)."""

from __future__ import annotations

from gnlc.namespaces import GNLC, NETWORK
from gnlc.site import i18n, schemaorg
from gnlc.site.kinds import growth, worldmap
from gnlc.site.page import Page
from gnlc.site.render import Alternate, SiteRenderer


def write(site: SiteRenderer, lang: str) -> None:
    """LANG/index.html: overview, map, growth, discovery."""
    page = Page(site, lang, f"{lang}/index.html")
    site.render(
        "home.html",
        page,
        title=i18n.text("site_name", lang),
        counts=site.counts(),
        network=NETWORK if NETWORK in site.view.triples else None,
        map_svg=worldmap.map_svg(site, page),
        chart_svg=growth.chart_svg(site, lang),
        downloads=site.downloads(),
        schemes=[iri for iri in site.resources if site.kind(iri) == "scheme"],
        regions=site.sorted_by_name(site.view.instances(GNLC + "Region"), lang),
        schema=site.schema_json(schemaorg.dataset(site, lang)),
        void=page.href("dist/void.ttl"),
        dataset=page.href(f"{lang}/dataset.html"),
        dcat_ttl=page.href("dataset.ttl"),
        rdf_alternates=[Alternate("text/turtle", page.href("dist/void.ttl"), "VoID")],
    )


def write_landing(site: SiteRenderer) -> None:
    """index.html at the site root: a bilingual language choice."""
    page = Page(site, "en", "index.html")
    html = site.env.get_template("landing.html").render(
        page=page,
        en=i18n.strings("en"),
        th=i18n.strings("th"),
        name_en=site.view.label(NETWORK, "en")[0],
        name_th=site.view.label(NETWORK, "th"),
        canonical=site.url("index.html"),
    )
    site.add("index.html", html)
    site.html_pages.append("index.html")
