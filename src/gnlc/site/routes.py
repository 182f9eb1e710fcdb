"""Routes: where an IRI's page lives in the site (IRI -> file) and a file's public URL."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from gnlc.namespaces import BASE, GNLC, ONTOLOGY
from gnlc.site.layout import DATASET, DIST_BASE
from gnlc.site.model import SiteModel

if TYPE_CHECKING:  # pragma: no cover - types only
    import pyoxigraph


class SiteRoutes(SiteModel):
    """The model plus the site's file layout and its base URL."""

    def __init__(
        self, root: Path, store: pyoxigraph.Store, release: dict[str, bytes], base_url: str | None
    ) -> None:
        super().__init__(root, store, release)
        self.base_url = base_url.rstrip("/") + "/" if base_url else None
        # Absolute URLs (canonical links, sitemap, schema.org) need a base even without
        # --base-url: the IRI base, where w3id.org forwards every path to the site's host.
        self.public_base = self.base_url or BASE

    def file_for(self, iri: str, lang: str) -> str | None:
        """The site file a link to iri should point at, or None when the site has none."""
        if iri in self.resources:
            return f"{lang}/{self.resources[iri]}.html"
        if iri in (ONTOLOGY, ONTOLOGY + "#"):
            return f"{lang}/ontology.html"
        if iri in self.terms:
            return f"{lang}/ontology/{iri[len(GNLC) :]}.html"
        if iri == DATASET:
            return f"{lang}/dataset.html"
        if iri.startswith(DIST_BASE) and iri[len(DIST_BASE) :] in self.release:
            return "dist/" + iri[len(DIST_BASE) :]
        base, hash_, fragment = iri.partition("#")
        if hash_ and base in self.resources:
            return f"{lang}/{self.resources[base]}.html#{fragment}"
        return None

    def url(self, file: str) -> str:
        """Absolute URL of a site file: --base-url, else the IRI base https://w3id.org/gnlc/."""
        return self.public_base + file

    def root_path(self) -> str:
        """The URL path of the site's root on its host ('/' unless --base-url says otherwise)."""
        from urllib.parse import urlsplit

        return urlsplit(self.base_url).path if self.base_url else "/"
