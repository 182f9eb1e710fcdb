"""LANG/members.html: every current member, filterable and sortable."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gnlc.site import i18n
from gnlc.site.page import Page

if TYPE_CHECKING:
    from gnlc.site.render import SiteRenderer


def write(site: SiteRenderer, lang: str) -> None:
    """LANG/members.html: every current member, filterable and sortable."""
    page = Page(site, lang, f"{lang}/members.html")
    rows = page.members_rows(site.current)
    countries = site.sorted_by_name(list({m.country for m in site.current if m.country}), lang)
    regions = site.sorted_by_name(list({m.region for m in site.current if m.region}), lang)
    years = sorted({m.year for m in site.current if m.year})
    site.render(
        "members.html",
        page,
        title=i18n.text("members", lang),
        rows=rows,
        countries=countries,
        regions=regions,
        years=years,
        code=site.country_code,
    )
