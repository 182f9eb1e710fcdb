"""The site build: every page kind and RDF file, written in order into one dict of files.

The package reads in one direction: model.py (the graph read once into records) <- routes.py
(IRI -> file -> URL) <- render.py (templates, RDF files) <- kinds/ (one module per page kind)
and vocabulary.py <- this module; page.py, facts.py and schemaorg.py help the page kinds.

Layout (all paths relative to the site root):
- `index.html` chooses a language; `en/` and `th/` hold the same pages in English and Thai.
- A resource https://w3id.org/gnlc/P has `en/P.html`, `th/P.html`, and its RDF description at
  `P.ttl` and `P.jsonld` (e.g. `city/th-chiang-rai.ttl`); the vocabulary is `ontology.*`, each of
  its terms `en/ontology/Term.html` with `ontology/Term.ttl`.
- Index pages: `LANG/index.html` (home), `members`, `countries`, `cohorts`, `regions`, `awards`,
  `map`, `growth`, `dataset` (`.html`); the release dumps in `dist/`; `.htaccess`, `sitemap.xml`.
"""

from __future__ import annotations

from gnlc.namespaces import GNLC, ONTOLOGY
from gnlc.site import negotiation, vocabulary
from gnlc.site.kinds import (
    awards,
    cohorts,
    countries,
    growth,
    home,
    members,
    organizations,
    regions,
    resource,
    search,
    worldmap,
)
from gnlc.site.layout import ATLAS_LICENCE, LANGS, STATIC, STATIC_FILES
from gnlc.site.render import SiteRenderer


class SiteBuilder(SiteRenderer):
    """Renders every page and RDF file of the site into a dict of path -> bytes."""

    def build(self) -> dict[str, bytes]:
        """Render the whole site."""
        for lang in LANGS:
            home.write(self, lang)
            members.write(self, lang)
            countries.write(self, lang)
            cohorts.write(self, lang)
            regions.write(self, lang)
            awards.write(self, lang)
            worldmap.write(self, lang)
            growth.write(self, lang)
            vocabulary.ontology_pages(self, lang)
            vocabulary.dataset_page(self, lang)
            for iri in self.resources:
                resource.write(self, iri, lang)
        for iri, path in self.resources.items():
            self.describe(path, self.view.description(iri))
        self.describe("ontology", self.view.description(ONTOLOGY))
        for term in self.terms:
            self.describe("ontology/" + term[len(GNLC) :], self.view.description(term))
        vocabulary.dataset_files(self)
        home.write_landing(self)
        for name in STATIC_FILES:
            self.add(f"static/{name}", (STATIC / name).read_bytes())
        self.add(ATLAS_LICENCE, (STATIC / "world-atlas" / "LICENSE").read_bytes())
        for name, data in self.release.items():
            self.add(f"dist/{name}", data)
        organizations.write(self)
        search.write(self)
        self.not_found_page()
        self.type_maps()
        self.add(".htaccess", negotiation.htaccess(self.root_path()))
        if self.base_url:
            self.add("w3id.htaccess", negotiation.w3id_htaccess(self.base_url))
        self.add(".nojekyll", b"")
        self.add("sitemap.xml", self.sitemap())
        return dict(sorted(self.files.items()))

    def type_maps(self) -> None:
        """A type map (and its .asis redirects) for every IRI the site answers."""
        from gnlc.site.negotiation import (
            FOLDERS,
            SINGLES,
            Variant,
            folder_variants,
            layout_variants,
            negotiation_files,
            type_map_path,
        )

        paths = ["", *self.resources.values(), "ontology", "dataset", *self.version_paths()]
        paths += [f"{folder}/" for folder in FOLDERS]
        paths += [folder for folder in FOLDERS if folder not in SINGLES]
        for path in paths:
            folder = path.rstrip("/")
            if folder in FOLDERS and folder not in self.resources.values():
                variants: list[Variant] | None = folder_variants(folder)
            else:
                variants = layout_variants(path)
            if variants is None:
                raise AssertionError(f"no type map rule gives variants for {path!r}")
            missing = [v.file for v in variants if v.file not in self.files]
            if missing:
                raise AssertionError(f"type map for {path!r} names missing files {missing}")
            for name, text in negotiation_files(type_map_path(path), variants).items():
                self.add(name, text)

    # ---- pages -------------------------------------------------------------------------------

    # ---- resource pages ----------------------------------------------------------------------
