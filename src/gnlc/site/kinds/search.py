"""LANG/search.html and search.json: offline search over members and terms."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from gnlc.namespaces import GNLC, RDFS, SKOS
from gnlc.site import i18n
from gnlc.site.layout import LANGS
from gnlc.site.page import Page

if TYPE_CHECKING:
    from gnlc.site.render import SiteRenderer

# The class whose label names each kind of search result.
KIND_CLASSES = {
    "city": GNLC + "LearningCity",
    "country": GNLC + "Country",
    "region": GNLC + "Region",
    "cohort": GNLC + "Cohort",
    "award": GNLC + "LearningCityAward",
    "concept": SKOS + "Concept",
    "scheme": SKOS + "ConceptScheme",
    "network": GNLC + "Network",
    "term": RDFS + "Class",
}


def write(site: SiteRenderer) -> None:
    """LANG/search.html (a box and an offline script) and the index they read, search.json."""
    text = json.dumps(site.search_entries(), ensure_ascii=False, sort_keys=True, indent=0)
    site.add("search.json", text + "\n")
    for lang in LANGS:
        page = Page(site, lang, f"{lang}/search.html")
        kinds = {k: site.term_label(c, lang) for k, c in KIND_CLASSES.items()}
        site.render("search.html", page, title=i18n.text("search", lang),
            index=page.href("search.json"), kinds=kinds,
        )  # fmt: skip
