"""LANG/awards.html: award editions and their winners."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gnlc.namespaces import GNLC
from gnlc.site import i18n
from gnlc.site.page import Page

if TYPE_CHECKING:
    from gnlc.site.render import SiteRenderer


def write(site: SiteRenderer, lang: str) -> None:
    """LANG/awards.html: award editions and their winners."""
    page = Page(site, lang, f"{lang}/awards.html")
    rows = []
    for award in site.view.instances(GNLC + "LearningCityAward"):
        year = site.view.first(award, GNLC + "year")
        winners = site.sorted_by_name(site.view.subjects(GNLC + "awarded", award), lang)
        rows.append({"iri": award, "year": year.value if year else "", "winners": winners})
    rows.sort(key=lambda r: r["year"])
    site.render("awards.html", page, title=i18n.text("awards_index", lang), rows=rows)
