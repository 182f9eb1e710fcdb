"""LANG/cohorts.html: cohorts with announced and recorded figures."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gnlc.namespaces import GNLC
from gnlc.site import i18n
from gnlc.site.page import Page

if TYPE_CHECKING:
    from gnlc.site.render import SiteRenderer


def write(site: SiteRenderer, lang: str) -> None:
    """LANG/cohorts.html: cohorts with announced and recorded figures."""
    page = Page(site, lang, f"{lang}/cohorts.html")
    rows = [site.cohort_summary(c) for c in site.view.instances(GNLC + "Cohort")]
    rows.sort(key=lambda r: r.year)
    unknown = site.year_unknown()
    site.render(
        "cohorts.html",
        page,
        title=i18n.text("cohorts", lang),
        rows=rows,
        year_unknown=unknown.members,
        no_dated_page=unknown.no_dated_page,
    )
