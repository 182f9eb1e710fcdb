"""LANG/regions.html: UNESCO regions with member counts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gnlc.namespaces import GNLC
from gnlc.site import i18n
from gnlc.site.page import Page

if TYPE_CHECKING:
    from gnlc.site.render import SiteRenderer


def write(site: SiteRenderer, lang: str) -> None:
    """LANG/regions.html: UNESCO regions with member counts."""
    page = Page(site, lang, f"{lang}/regions.html")
    rows = [
        {"iri": r, "members": len([m for m in site.current if m.region == r])}
        for r in site.sorted_by_name(site.view.instances(GNLC + "Region"), lang)
    ]
    unknown = len([m for m in site.current if not m.region])
    site.render("regions.html", page, title=i18n.text("regions", lang), rows=rows,
        unknown=unknown,
    )  # fmt: skip
