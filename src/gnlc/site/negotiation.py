"""Content negotiation for https://w3id.org/gnlc/...: Apache's own algorithm, and its Python mirror.

Every IRI the site answers has a type map (`P.var`, Apache's mod_negotiation) listing its variants:
the English and Thai pages and the RDF files (Turtle, JSON-LD, N-Triples, RDF/XML). Apache picks
one by the Accept and Accept-Language headers, q-values included, and each variant is a tiny
`.asis` file that answers 303 See Other to the chosen file (a city is not a document; HTML pages
also need their own URL for their relative links). An IRI without a type map, a missing file or a
wrong-case IRI is a plain 404 with the site's bilingual 404 page; nothing redirects to itself.

`choose()` is the mirror of mod_negotiation's selection (its Apache-specific tie rules included):
the tests compare it with a real Apache. Ties are broken as Apache does: the type's q-value, then
the language's, then LanguagePriority (en, th), then the first variant in the map (HTML, Turtle,
JSON-LD, N-Triples, RDF/XML), since every variant declares the same length.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

TURTLE = "text/turtle"
JSONLD = "application/ld+json"
NTRIPLES = "application/n-triples"
RDFXML = "application/rdf+xml"
HTML = "text/html"
LANGUAGES = ("en", "th")
# The RDF formats the release offers, each written per resource: (extension, media type, name).
RDF_FORMATS = (
    ("ttl", TURTLE, "Turtle"),
    ("jsonld", JSONLD, "JSON-LD"),
    ("nt", NTRIPLES, "N-Triples"),
    ("rdf", RDFXML, "RDF/XML"),
)
MEDIA_TYPES = {ext: media for ext, media, _ in RDF_FORMATS} | {"html": HTML}

# Resource kinds whose IRIs are BASE + kind + "/" + slug, and single-segment resources.
KINDS = ("city", "country", "region", "cohort", "characteristic", "sdg", "award", "organization")
SINGLES = ("network", "dataset", "characteristic", "sdg", "ontology")
RESOURCE = re.compile(r"^(?:(?:" + "|".join(KINDS) + r")/[A-Za-z0-9-]+|" + "|".join(SINGLES) + ")$")
VERSION = re.compile(r"^ontology/[0-9][0-9.]*$")
# A class folder (city/, sdg/...) leads to the page listing its members: an index page, or the
# concept scheme's own page (which lists its concepts).
FOLDERS = {
    "city": "members",
    "country": "countries",
    "cohort": "cohorts",
    "region": "regions",
    "award": "awards",
    "organization": "organizations",
    "characteristic": "characteristic",
    "sdg": "sdg",
}
# Every variant declares this length, so that Apache's last tie rule is the order in the map.
DECLARED_LENGTH = 1


@dataclass(frozen=True)
class Variant:
    """One representation of an IRI: the site file, its media type, its language if any."""

    file: str
    media: str
    lang: str | None = None

    @property
    def name(self) -> str:
        """A short name, used for the variant's .asis file: the language or the extension."""
        return self.lang or self.file.rsplit(".", 1)[1]


def pages(stem: str) -> list[Variant]:
    """The English and Thai HTML pages of stem (en/STEM.html, th/STEM.html)."""
    return [Variant(f"{lang}/{stem}.html", HTML, lang) for lang in LANGUAGES]


def rdf_files(stem: str) -> list[Variant]:
    """The RDF files of stem in every format."""
    return [Variant(f"{stem}.{ext}", media) for ext, media, _ in RDF_FORMATS]


def resource_variants(stem: str, rdf_stem: str | None = None) -> list[Variant]:
    """A described resource: its two pages, then its RDF (HTML first: Apache's last tie rule)."""
    return pages(stem) + rdf_files(rdf_stem or stem)


def folder_variants(folder: str) -> list[Variant]:
    """A class folder: the listing page; a concept scheme's folder is the scheme itself."""
    page = FOLDERS[folder]
    return resource_variants(page) if page == folder else pages(page)


def layout_variants(path: str) -> list[Variant] | None:
    """The variants the site's layout gives to BASE + path, or None (no such IRI shape).

    The site writes a type map for each existing resource only; this is the rule they follow.
    """
    path = path.lstrip("/")
    if path == "":
        return pages("index") + rdf_files("dataset")
    if VERSION.match(path):
        return resource_variants("ontology")
    if RESOURCE.match(path):
        return resource_variants(path)
    folder = path.rstrip("/")
    if folder in FOLDERS and (path.endswith("/") or folder not in SINGLES):
        return folder_variants(folder)
    return None


def type_map_path(path: str) -> str:
    """The .var file that answers BASE + path (the rewrite rule in .htaccess does the same)."""
    path = path.lstrip("/")
    return (path + "index" if path == "" or path.endswith("/") else path) + ".var"


# ---- the selection (mod_negotiation's algorithm, for the headers our variants can meet) ------


@dataclass(frozen=True)
class _Range:
    name: str
    quality: float
    explicit_q: bool


def _qvalue(text: str) -> float:
    """mod_negotiation's atoq(): at most three decimals; anything not 0... is 1."""
    text = text.strip()
    if not text or (text[0] != "." and text[0] != "0"):
        return 1.0
    rest = text[1:] if text[0] == "0" else text
    if not rest.startswith("."):
        return 0.0
    digits = ""
    for char in rest[1:4]:
        if not char.isdigit():
            break
        digits += char
    if len(digits) == 3 and digits[2] == "0":
        digits = digits[:2]
    return int((digits + "000")[:3]) / 1000 if digits else 0.0


def _ranges(header: str | None) -> list[_Range] | None:
    """The items of an Accept-like header (None when the header is absent)."""
    if header is None:
        return None
    found = []
    for item in header.split(","):
        name, *params = item.split(";")
        name = name.strip().lower()
        if not name:
            continue
        quality, explicit = 1.0, False
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() in ("q", "qs") and _:
                quality, explicit = _qvalue(value.strip().strip('"')), True
        found.append(_Range(name, quality, explicit))
    return found


def _type_quality(media: str, accepts: list[_Range]) -> float:
    """The q of the most specific Accept range matching media (wildcards fiddled as Apache does)."""
    any_q = any(r.quality < 1.0 for r in accepts)
    best_stars, quality = 0, 0.0
    for item in accepts:
        if item.name in ("*", "*/*"):
            stars = 1
        elif item.name.endswith("/*") and media.startswith(item.name[:-1]):
            stars = 2
        elif item.name == media:
            stars = 3
        else:
            continue
        if stars <= best_stars:
            continue
        best_stars = stars
        quality = {1: 0.01, 2: 0.02}.get(stars, item.quality) if not any_q else item.quality
    return quality


def _language_quality(variant: Variant, languages: list[_Range] | None, has_lang: bool) -> float:
    """mod_negotiation's set_language_quality with ForceLanguagePriority Prefer Fallback."""
    if variant.lang is None:
        return 0.0001 if has_lang else 1.0
    if languages is None:
        return 1.0
    best: _Range | None = None
    star: _Range | None = None
    fiddle = 0.0
    longest = 0
    for item in languages:
        if item.name == "*":
            star = star or item
            continue
        matches = variant.lang == item.name or variant.lang.startswith(item.name + "-")
        if matches and len(item.name) > longest:
            longest, best = len(item.name), item
        if best is None and "-" in item.name and variant.lang.startswith(item.name.split("-")[0]):
            fiddle = 0.001
    if star is not None and best is None:
        best = star
    quality = best.quality if best else fiddle
    return quality or 0.0001  # Fallback: a language in LanguagePriority is never unacceptable


def choose(variants: list[Variant], accept: str | None, language: str | None) -> Variant | None:
    """The variant Apache's type-map negotiation serves, or None (406 Not Acceptable)."""
    accepts = _ranges(accept) if accept is not None else [_Range("*/*", 1.0, False)]
    languages = _ranges(language)
    has_lang = any(v.lang for v in variants)
    best: Variant | None = None
    best_key: tuple = ()
    for variant in variants:
        type_q = _type_quality(variant.media, accepts or [])
        lang_q = _language_quality(variant, languages, has_lang)
        if type_q <= 0 or lang_q <= 0:
            continue
        index = LANGUAGES.index(variant.lang) if variant.lang in LANGUAGES else len(LANGUAGES)
        key = (type_q, lang_q, -index)
        if best is None or key > best_key:
            best, best_key = variant, key
    return best


def target(path: str, accept: str | None = "", accept_language: str | None = "") -> str | None:
    """The site file (relative to the site root) a request for BASE + path ends at, or None.

    Empty headers count as absent. A path to a file of the site (`city/x.ttl`, `dist/...`) is
    that file; None means 404 (no such IRI shape) or 406 (no variant acceptable).
    """
    path = path.lstrip("/")
    variants = layout_variants(path)
    if variants is None:
        return path if _is_file_path(path) else None
    chosen = choose(variants, accept or None, accept_language or None)
    return chosen.file if chosen else None


def _is_file_path(path: str) -> bool:
    """A path that can only name a file of the site (served as it is, or 404)."""
    return bool(re.match(r"^(?:[A-Za-z0-9-]+/)*[A-Za-z0-9_-][A-Za-z0-9._-]*\.[A-Za-z0-9]+$", path)
                or re.match(r"^dist/[A-Za-z0-9_-][A-Za-z0-9._-]*$", path))  # fmt: skip


def media_type(file: str) -> str:
    """The media type a target file is served with."""
    return MEDIA_TYPES.get(file.rsplit(".", 1)[-1], "application/octet-stream")


# ---- the files Apache reads --------------------------------------------------------------


def type_map(var_file: str, variants: list[Variant]) -> str:
    """The type map at var_file: one record per variant, each pointing at its .asis file."""
    stem = posixpath.basename(var_file).removesuffix(".var")
    records = []
    for variant in variants:
        lines = [f"URI: {stem}.{variant.name}.asis", f"Content-Type: {variant.media}"]
        if variant.lang:
            lines.append(f"Content-Language: {variant.lang}")
        lines.append(f"Content-Length: {DECLARED_LENGTH}")
        records.append("\n".join(lines) + "\n")
    return "# generated by `gnlc site`; do not edit\n\n" + "\n".join(records)


def asis(var_file: str, variant: Variant) -> str:
    """A 303 See Other to the variant's file, relative to the request (the type map's folder)."""
    location = relative(variant.file, posixpath.dirname(var_file))
    return (
        "Status: 303 See Other\n"
        f"Location: {location}\n"
        f"Content-Type: {variant.media}\n"
        f"Vary: Accept, Accept-Language\n\n"
    )


def negotiation_files(var_file: str, variants: list[Variant]) -> dict[str, str]:
    """The type map and the .asis files of one IRI, by site path."""
    folder = posixpath.dirname(var_file)
    stem = var_file.removesuffix(".var")
    files = {var_file: type_map(var_file, variants)}
    for variant in variants:
        files[f"{stem}.{variant.name}.asis"] = asis(var_file, variant)
    assert all(f.startswith(folder) for f in files)
    return files


def relative(path: str, start: str) -> str:
    """posixpath.relpath for site paths (no '..', no leading '/'), without touching the disk."""
    parts = path.split("/")
    base = start.split("/") if start else []
    common = 0
    while common < len(base) and common < len(parts) - 1 and parts[common] == base[common]:
        common += 1
    return "/".join([".."] * (len(base) - common) + parts[common:])


def htaccess(root_path: str = "/") -> str:
    """Apache rules for hosting the site (type maps, 404 page); root_path is its URL path."""
    return (
        "\n".join(
            [
                "# generated by `gnlc site`; do not edit",
                "# Content negotiation for https://w3id.org/gnlc/ by Apache's mod_negotiation:",
                "# each IRI has a type map (P.var) whose variants (.asis files) answer 303 See",
                "# Other to the page or RDF file that Accept and Accept-Language prefer",
                "# (q-values included). Needs mod_rewrite, mod_negotiation, mod_asis, mod_mime.",
                "Options -MultiViews -Indexes",
                "AddHandler type-map .var",
                "AddHandler send-as-is .asis",
                "LanguagePriority en th",
                "ForceLanguagePriority Prefer Fallback",
                "AddType text/turtle;charset=utf-8 .ttl",
                "AddType application/ld+json .jsonld",
                "AddType application/n-triples .nt",
                "AddType application/rdf+xml .rdf",
                "AddType text/csv;charset=utf-8 .csv",
                "AddDefaultCharset utf-8",
                '<Files "SHA256SUMS">',
                "  ForceType text/plain;charset=utf-8",
                "</Files>",
                f"ErrorDocument 404 {root_path}404.html",
                "RewriteEngine on",
                "# /city and /sdg are folders too: negotiate them rather than add a slash first.",
                "DirectorySlash Off",
                "RewriteOptions AllowNoSlash",
                "# An IRI with a type map is negotiated; anything else is a file, or a 404.",
                "RewriteCond %{REQUEST_FILENAME}.var -f",
                "RewriteRule ^(.*[^/])$ $1.var [END]",
                "# A folder (the root, city/, sdg/...) with a type map is negotiated too.",
                "RewriteCond %{REQUEST_FILENAME}index.var -f",
                "RewriteRule ^(.*/)?$ $1index.var [END]",
            ]
        )
        + "\n"
    )


def w3id_htaccess(base_url: str) -> str:
    """Rules for w3id.org/gnlc/.htaccess: every path 303 to the host, which negotiates."""
    return (
        "\n".join(
            [
                "# generated by `gnlc site --base-url`; do not edit",
                f"# w3id.org/gnlc/ forwards every request to {base_url}, where the site's own",
                "# .htaccess negotiates (Accept and Accept-Language reach the host unchanged).",
                "RewriteEngine on",
                f"RewriteRule ^(.*)$ {base_url}$1 [R=303,L]",
            ]
        )
        + "\n"
    )
