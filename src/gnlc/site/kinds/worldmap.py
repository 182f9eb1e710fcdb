"""LANG/map.html and the inline world map of the current members."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gnlc.site import i18n, mapsvg
from gnlc.site.layout import ATLAS_LICENCE
from gnlc.site.page import Page

if TYPE_CHECKING:
    from markupsafe import Markup

    from gnlc.site.render import SiteRenderer


def map_points(site: SiteRenderer, page: Page) -> list[mapsvg.MapPoint]:
    """One point per current member with coordinates."""
    points = []
    for member in site.current:
        if member.latitude is None or member.longitude is None:
            continue
        text, lang = site.view.label(member.iri, page.lang)
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


def map_svg(site: SiteRenderer, page: Page) -> Markup:
    """The inline SVG world map for a page."""
    from markupsafe import Markup

    return Markup(
        mapsvg.world_map_svg(
            map_points(site, page),
            i18n.text("map_title", page.lang),
            i18n.text("map_desc", page.lang),
            page.lang,
        )
    )


def write(site: SiteRenderer, lang: str) -> None:
    """LANG/map.html: the world map and its table."""
    page = Page(site, lang, f"{lang}/map.html")
    mapped = [m for m in site.current if m.latitude is not None]
    missing = [m for m in site.current if m.latitude is None]
    site.render(
        "map.html",
        page,
        title=i18n.text("map", lang),
        map_svg=map_svg(site, page),
        rows=page.members_rows(mapped),
        missing=page.members_rows(missing),
        licence=page.href(ATLAS_LICENCE),
    )
