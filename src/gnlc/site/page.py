"""One rendered page: relative links, names in the page's language, values, and citations."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import unquote

from gnlc.namespaces import BASE, SKOS, XSD, short_iri
from gnlc.site import i18n
from gnlc.site.model import Member
from gnlc.site.negotiation import relative
from gnlc.site.view import Value, sort_key

if TYPE_CHECKING:
    from markupsafe import Markup

    from gnlc.site.view import View


@dataclass
class Row:
    """One property of a node: its label, its values and the sources that state them."""

    label: Markup
    values: list[Markup]
    sources: Markup
    note: str = ""


@dataclass
class Section:
    """A node of a description shown as a table (the resource itself or a hash sub-node)."""

    anchor: str
    title: Markup
    rows: list[Row] = field(default_factory=list)


# What a page needs from the site being built. page.py types its `site` argument with it, so
# it never imports the renderer back (render.py imports Page: no import circle); the page kinds,
# vocabulary.py and schemaorg.py, which the renderer does not import, type theirs SiteRenderer.
class Site(Protocol):
    """The model, routes and inline macros of one site build, as far as a Page uses them."""

    view: View
    resources: dict[str, str]
    # The macros of templates/_inline.html (values, links, citations), each returning Markup.
    inline: Any

    # MemberRow by (language, folder of the page, member IRI): a row's links depend on nothing
    # else, and the same members are listed on many pages (every SDG page lists them all).
    member_rows: dict[tuple[str, str, str], MemberRow]

    def file_for(self, iri: str, lang: str) -> str | None:
        """The site file a link to iri points at, or None."""

    def term_label(self, iri: str, lang: str) -> str:
        """A property or class label."""

    def rdf_list(self, key: str) -> list[Value] | None:
        """The items of an RDF collection, or None."""

    def node_link_text(self, key: str, lang: str) -> str:
        """The text of a link to a hash sub-node."""


@dataclass(frozen=True)
class MemberRow:
    """One member city in a members table: links in the page's language, and sort keys."""

    member: Member
    name: Markup
    sort_name: str
    country: Markup | str
    country_name: str
    region: Markup | str
    region_name: str
    cohort: Markup | str


class Page:
    """Link and value rendering for one page (its language and its place in the tree)."""

    def __init__(self, site: Site, lang: str, file: str) -> None:
        self.site, self.lang, self.file = site, lang, file
        self.cited: list[str] = []

    def href(self, target: str) -> str:
        """A relative link from this page to a site file (may carry a #fragment)."""
        path, _, fragment = target.partition("#")
        if path == self.file:
            return "#" + fragment if fragment else posixpath.basename(path)
        return relative(path, posixpath.dirname(self.file)) + ("#" + fragment if fragment else "")

    def name(self, iri: str) -> Markup:
        """The resource's name in this language, marked with its own language if different."""
        from markupsafe import escape

        text, lang = self.site.view.label(iri, self.lang)
        if lang and lang != self.lang:
            return self.site.inline.in_lang(text, lang)
        return escape(text)

    def notation(self, iri: str) -> str:
        """The skos:notation of a concept (an SDG's number), or ''."""
        found = self.site.view.first(iri, SKOS + "notation")
        return found.value if found else ""

    def lang_attr(self, iri: str) -> Markup:
        """' lang="xx"' when the resource's name is in another language than the page, else ''."""
        from markupsafe import Markup

        lang = self.site.view.label(iri, self.lang)[1]
        return Markup(f' lang="{lang}"') if lang and lang != self.lang else Markup("")

    def plain_name(self, iri: str) -> str:
        """The resource's name as plain text."""
        return self.site.view.label(iri, self.lang)[0]

    def link(self, iri: str, text: str | Markup | None = None) -> Markup:
        """A link to the resource's page, or to the IRI itself when it has none."""
        inline = self.site.inline
        target = self.site.file_for(iri, self.lang)
        if target is None:
            if iri.startswith(("http://", "https://")):
                # One of our IRIs without a page here (a dataset example not in this build)
                # is shown whole: its CURIE would look like a name.
                shown = text or (iri if iri.startswith(BASE) else short_iri(iri))
                return inline.external(iri, shown)
            return inline.code(iri)
        if text is None and "#" in iri and iri.partition("#")[0] in self.site.resources:
            text = self.site.node_link_text(iri, self.lang)
        return inline.internal(self.href(target), self.name(iri) if text is None else text)

    def term(self, iri: str) -> Markup:
        """A property or class: its label in this language, linked to its documentation."""
        inline = self.site.inline
        label = self.site.term_label(iri, self.lang)
        if self.lang == "en" and ":" not in label:
            label = label[:1].upper() + label[1:]
        target = self.site.file_for(iri, self.lang)
        if target:
            return inline.internal(self.href(target), label, short_iri(iri))
        return inline.abbr(iri, label)

    def value(self, value: Value) -> Markup:
        """One RDF value as HTML: a link, or a literal marked with its language."""
        from markupsafe import Markup

        inline = self.site.inline
        if value.kind == "iri":
            return self.link(value.value)
        if value.kind == "bnode":
            items = self.site.rdf_list(value.key)
            if items is not None:
                return Markup(" ∘ ").join(self.value(item) for item in items)
            return inline.span("[…]")
        if value.datatype == XSD + "anyURI":
            return self.link(value.value)
        if value.lang and value.lang != self.lang:
            # Tagged: two names can be spelt alike in two languages (Šiauliai in English and
            # in Lithuanian), and a reader sees which is which.
            title = i18n.text("language_tag", self.lang)
            return inline.in_lang_tagged(value.value, value.lang, title)
        return inline.span(value.value)

    def cite(self, sources: list[str]) -> Markup:
        """Numbered links straight to each source (numbers shared with the page's source list)."""
        if not sources:
            return self.site.inline.no_source(i18n.text("no_source", self.lang))
        links = []
        for url in sources:
            if url not in self.cited:
                self.cited.append(url)
            number = self.cited.index(url) + 1
            target = self.site.file_for(url, self.lang)
            href = self.href(target) if target else url
            links.append((href, url, number))
        return self.site.inline.cites(links)

    def source_list(self) -> list[tuple[int, str, str]]:
        """(number, href, text) of every source cited on the page so far."""
        out = []
        for number, url in enumerate(self.cited, 1):
            target = self.site.file_for(url, self.lang)
            out.append((number, self.href(target) if target else url, unquote(url)))
        return out

    def members_rows(self, members: list[Member]) -> list[MemberRow]:
        """Rows for a table of member cities, sorted by name in this language."""
        made = self.site.member_rows
        folder = posixpath.dirname(self.file)
        rows = []
        for member in members:
            key = (self.lang, folder, member.iri)
            row = made.get(key)
            if row is None or row.member != member:
                row = made[key] = self._member_row(member)
            rows.append(row)
        return sorted(rows, key=lambda r: (r.sort_name, r.member.iri))

    def _member_row(self, member: Member) -> MemberRow:
        # Links relative to this page's folder: the same on every page of that folder (a link
        # to this very page is its file name either way, see href).
        return MemberRow(
            member=member,
            name=self.link(member.iri),
            sort_name=sort_key(self.plain_name(member.iri)),
            country=self.link(member.country) if member.country else "",
            country_name=self.plain_name(member.country) if member.country else "",
            region=self.link(member.region) if member.region else "",
            region_name=self.plain_name(member.region) if member.region else "",
            cohort=self.link(member.cohort, member.year) if member.cohort else member.year,
        )
