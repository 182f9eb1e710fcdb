"""LANG/countries.html: countries with members, counts and first cohort."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from gnlc.namespaces import GNLC
from gnlc.site import i18n
from gnlc.site.page import Page
from gnlc.site.view import sort_key

if TYPE_CHECKING:
    from gnlc.site.render import SiteRenderer


@dataclass(frozen=True)
class CountryRow:
    """A country: its ISO code, current members, the regions they are in, first cohort year."""

    iri: str
    code: str
    members: int
    first: str
    regions: list[str]
    sort: str


def write(site: SiteRenderer, lang: str) -> None:
    """LANG/countries.html: countries with members, counts and first cohort."""
    page = Page(site, lang, f"{lang}/countries.html")
    rows = []
    for country in site.view.instances(GNLC + "Country"):
        members = [m for m in site.current if m.country == country]
        years = sorted(m.year for m in members if m.year)
        regions = sorted({m.region for m in members if m.region})
        rows.append(
            CountryRow(
                iri=country,
                code=site.country_code(country),
                members=len(members),
                first=years[0] if years else "",
                regions=regions,
                sort=sort_key(page.plain_name(country)),
            )
        )
    rows.sort(key=lambda r: (-r.members, r.sort))
    site.render("countries.html", page, title=i18n.text("countries", lang), rows=rows)
