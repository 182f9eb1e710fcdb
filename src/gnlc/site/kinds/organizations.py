"""LANG/organizations.html: the organizations the data describes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gnlc.site import i18n
from gnlc.site.layout import LANGS
from gnlc.site.page import Page

if TYPE_CHECKING:
    from gnlc.site.render import SiteRenderer


def write(site: SiteRenderer) -> None:
    """LANG/organizations.html: the organizations the data describes (organization/ IRIs)."""
    for lang in LANGS:
        page = Page(site, lang, f"{lang}/organizations.html")
        found = [i for i, p in site.resources.items() if p.startswith("organization/")]
        site.render("organizations.html", page, title=i18n.text("organizations", lang),
            rows=site.sorted_by_name(found, lang),
        )  # fmt: skip
