"""LANG/growth.html and the inline growth chart."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gnlc.site import chart, i18n
from gnlc.site.page import Page

if TYPE_CHECKING:
    from markupsafe import Markup

    from gnlc.site.render import SiteRenderer


def chart_svg(site: SiteRenderer, lang: str) -> Markup:
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
    return Markup(chart.growth_svg(site.growth_rows(), labels, lang))


def write(site: SiteRenderer, lang: str) -> None:
    """LANG/growth.html: the growth chart and its table."""
    page = Page(site, lang, f"{lang}/growth.html")
    rows = site.growth_rows()
    cohorts = site.cohorts_by_year()
    unknown = site.year_unknown()
    site.render(
        "growth.html",
        page,
        title=i18n.text("growth", lang),
        chart_svg=chart_svg(site, lang),
        rows=rows,
        cohorts=cohorts,
        total_members=rows[-1].members if rows else 0,
        total_countries=rows[-1].countries if rows else 0,
        undated=unknown.members,
        no_dated_page=unknown.no_dated_page,
    )
