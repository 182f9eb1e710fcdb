"""Rendering: Jinja2 templates to HTML, RDF descriptions, and the collected output files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from gnlc.namespaces import NETWORK
from gnlc.site import i18n
from gnlc.site.layout import GENERATED, LANGS, RDF_MEDIA, TEMPLATES
from gnlc.site.routes import SiteRoutes

if TYPE_CHECKING:
    import pyoxigraph

    from gnlc.site.page import MemberRow, Page


class Alternate(NamedTuple):
    """A <link rel=alternate> to another representation of a page (an RDF file)."""

    type: str
    href: str
    title: str


class SiteRenderer(SiteRoutes):
    """Routes plus the template environment and the files written so far (path -> bytes)."""

    def __init__(
        self, root: Path, store: pyoxigraph.Store, release: dict[str, bytes], base_url: str | None
    ) -> None:
        from jinja2 import Environment, FileSystemLoader, StrictUndefined

        super().__init__(root, store, release, base_url)
        self.files: dict[str, bytes] = {}
        self.html_pages: list[str] = []
        self.member_rows: dict[tuple[str, str, str], MemberRow] = {}
        self.env = Environment(
            loader=FileSystemLoader(str(TEMPLATES)),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.env.globals["citation"] = self.citation
        self.inline = self.env.get_template("_inline.html").module

    def add(self, path: str, data: str | bytes) -> None:
        """Add one output file."""
        self.files[path] = data.encode("utf-8") if isinstance(data, str) else data

    def render(self, template: str, page: Page, **context: Any) -> None:
        """Render a template to the page's file (one language version of a page)."""
        file, lang = page.file, page.lang
        other = "th" if lang == "en" else "en"
        alt_file = other + file[len(lang) :]
        context.setdefault("rdf_alternates", [])
        context.setdefault("schema", None)
        html = self.env.get_template(template).render(
            lang=lang,
            other_lang=other,
            t=i18n.strings(lang),
            page=page,
            root=page.href("index.html").removesuffix("index.html") or "./",
            home=page.href(f"{lang}/index.html"),
            nav=[(key, page.href(f"{lang}/{target}")) for key, target in self.nav()],
            switch=page.href(alt_file),
            canonical=self.url(file),
            alternates={code: self.url(code + file[len(lang) :]) for code in LANGS},
            relative_alternates={code: page.href(code + file[len(lang) :]) for code in LANGS},
            base_url=self.public_base,
            network_name=page.name(NETWORK) if NETWORK in self.view.triples else "",
            **context,
        )
        self.add(file, html)
        self.html_pages.append(file)

    def nav(self) -> list[tuple[str, str]]:
        """(label key, file under the language folder) of the main navigation."""
        items = [
            ("home", "index.html"),
            ("members", "members.html"),
            ("countries", "countries.html"),
            ("cohorts", "cohorts.html"),
            ("map", "map.html"),
            ("growth", "growth.html"),
            ("vocabulary", "ontology.html"),
            ("search", "search.html"),
        ]
        return items

    def schema_json(self, data: dict) -> str:
        """schema.org JSON-LD, safe inside a <script> element."""
        from markupsafe import Markup

        text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True)
        return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))

    def describe(self, stem: str, triples: list) -> None:
        """Write stem.ttl, stem.jsonld, stem.nt and stem.rdf holding triples."""
        from gnlc.canonical import canonical_triples
        from gnlc.jsonld import to_jsonld
        from gnlc.paths import CONTEXT_FILE
        from gnlc.turtle import serialize

        triples = canonical_triples(triples)
        self.add(f"{stem}.ttl", serialize(triples, header=f"# {GENERATED}\n"))
        self.add(f"{stem}.jsonld", to_jsonld(triples, self.root / CONTEXT_FILE))
        self.describe_more(stem, triples)

    def describe_more(self, stem: str, triples: list) -> None:
        """Write stem.nt and stem.rdf: every format the release offers, per resource too."""
        from gnlc.export import ntriples, rdfxml_bytes

        self.add(f"{stem}.nt", ntriples(triples, header=GENERATED))
        self.add(f"{stem}.rdf", rdfxml_bytes(triples))

    def sitemap(self) -> str:
        """sitemap.xml of every HTML page, by absolute URL (the sitemap protocol requires it)."""
        from xml.sax.saxutils import escape

        urls = "".join(
            f"  <url><loc>{escape(self.url(page))}</loc></url>\n"
            for page in sorted(self.html_pages)
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<!-- {GENERATED} -->\n"
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{urls}</urlset>\n"
        )

    def not_found_page(self) -> None:
        """404.html: bilingual, self-contained (served at any depth by ErrorDocument)."""
        root = self.root_path()
        html = self.env.get_template("404.html").render(
            en=i18n.strings("en"), th=i18n.strings("th"), root=root
        )
        self.add("404.html", html)

    def rdf_links(self, page: Page, stem: str) -> list[Alternate]:
        """<link rel=alternate> entries for a description's RDF files."""
        return [
            Alternate(media, page.href(f"{stem}.{ext}"), title) for ext, media, title in RDF_MEDIA
        ]
