"""LANG/awards.html: award editions and their winners."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from gnlc.namespaces import GNLC
from gnlc.site import i18n
from gnlc.site.page import Page

if TYPE_CHECKING:
    from gnlc.site.render import SiteRenderer


@dataclass(frozen=True)
class AwardRow:
    """An award edition: its year (as the data gives it, or '') and its winners by name."""

    iri: str
    year: str
    winners: list[str]


def write(site: SiteRenderer, lang: str) -> None:
    """LANG/awards.html: award editions and their winners."""
    page = Page(site, lang, f"{lang}/awards.html")
    rows = []
    for award in site.view.instances(GNLC + "LearningCityAward"):
        year = site.view.first(award, GNLC + "year")
        winners = site.sorted_by_name(site.view.subjects(GNLC + "awarded", award), lang)
        rows.append(AwardRow(award, year.value if year else "", winners))
    rows.sort(key=lambda r: r.year)
    site.render("awards.html", page, title=i18n.text("awards_index", lang), rows=rows)
