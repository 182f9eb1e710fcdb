"""Reading RDF files into an Oxigraph store, with errors a person can act on."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from gnlc.errors import GnlcError, located
from gnlc.paths import MAX_SOURCE_BYTES, RDF_SUFFIXES, rdf_files, read_regular

if TYPE_CHECKING:  # pragma: no cover - types only
    import pyoxigraph

_BOM = b"\xef\xbb\xbf"
_FORMATS = {"turtle": "TURTLE", "ntriples": "N_TRIPLES", "jsonld": "JSON_LD", "rdfxml": "RDF_XML"}
_POSITION = re.compile(
    r"^Parser error (?:at line (\d+),? (?:between columns|column) (\d+)"
    r"|between line (\d+) column (\d+))"
)


@dataclass
class Loaded:
    """A store plus what was read into it, and the warnings met on the way."""

    store: pyoxigraph.Store
    files: list[Path] = field(default_factory=list)
    data_files: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # For each file read with scan=True: the first (subject, predicate) whose subject is in the
    # given namespace, or None; lets validation skip re-reading the data files.
    scanned: dict[Path, tuple[str, str] | None] = field(default_factory=dict)
    # For the same files: the IRIs each gives an rdf:type (where validation places a finding).
    typed: dict[Path, set[str]] = field(default_factory=dict)


def select(store: pyoxigraph.Store, query: str) -> pyoxigraph.QuerySolutions:
    """The rows of a SELECT query (GnlcError if the query is an ASK or a CONSTRUCT)."""
    import pyoxigraph

    result = store.query(query)
    if not isinstance(result, pyoxigraph.QuerySolutions):
        raise GnlcError("expected a SELECT query")
    return result


def count_triples(dump: Path) -> int:
    """Distinct triples in an N-Triples file (what a store holds after loading it)."""
    import pyoxigraph

    try:
        return len(
            {q.triple for q in pyoxigraph.parse(path=dump, format=pyoxigraph.RdfFormat.N_TRIPLES)}
        )
    except SyntaxError as exc:
        raise GnlcError(f"{dump}: {exc}") from None


def new_store() -> pyoxigraph.Store:
    """An empty in-memory Oxigraph store."""
    import pyoxigraph

    return pyoxigraph.Store()


def read_source(path: Path, warnings: list[str]) -> bytes:
    """The bytes of an RDF file: UTF-8, BOM stripped with a warning, no binary."""
    try:
        raw = read_regular(path, MAX_SOURCE_BYTES, "source file")
    except IsADirectoryError:
        raise GnlcError(f"{path}: is a folder, not a file") from None
    except OSError as exc:
        raise GnlcError(f"{path}: cannot read: {exc.strerror}") from None
    if raw.startswith(_BOM):
        warnings.append(f"{path}:1:1: warning: UTF-8 byte order mark removed")
        raw = raw[len(_BOM) :]
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise GnlcError(
            located(path, line, None, "binary content (NUL byte), not an RDF text file")
        )
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise GnlcError(located(path, line, column, "not valid UTF-8")) from None
    return raw


def _syntax_message(path: Path, exc: SyntaxError) -> str:
    text = str(exc.msg if getattr(exc, "msg", None) else exc)
    line, column = getattr(exc, "lineno", None), getattr(exc, "offset", None)
    match = _POSITION.match(text)
    if match:
        text = text.split(": ", 1)[1] if ": " in text else text
        line = line or int(match.group(1) or match.group(3))
        column = column or int(match.group(2) or match.group(4))
    text = re.sub(r" \(line \d+\)$", "", text)
    if "LoadDocumentCallback" in text or "remote context" in text:
        text = "remote JSON-LD @context is not fetched; embed the context in the file"
    return located(path, line, column, text)


class _Refused(Exception):
    """A DOCTYPE met while checking an RDF/XML file (at a byte offset)."""

    def __init__(self, offset: int) -> None:
        super().__init__(offset)
        self.offset = offset


_DTD_MESSAGE = (
    "DOCTYPE (DTD) in RDF/XML is refused: its entities can expand without bound; "
    "write the values out in full"
)
_DTD_MARK = re.compile(rb"<!\s*(?:doctype|entity)", re.IGNORECASE)


def _place(raw: bytes, offset: int) -> tuple[int, int]:
    """(line, column) of a byte offset, both from 1."""
    line_start = raw.rfind(b"\n", 0, offset) + 1
    column = len(raw[line_start:offset].decode("utf-8", "replace")) + 1
    return raw.count(b"\n", 0, offset) + 1, column


def refuse_dtd(path: Path, raw: bytes) -> None:
    """Refuse RDF/XML that has a DOCTYPE (entity bombs) or is not well-formed XML.

    Expat reads the whole file first, with no handler that could expand or fetch an entity,
    and stops at a DOCTYPE. The RDF/XML parser underneath honours a DOCTYPE anywhere (even
    after the root element, or spelt in lower case), so a file expat finds not well-formed is
    refused too: a well-formed document has a DOCTYPE only where expat reports it.
    """
    import xml.parsers.expat
    from xml.parsers.expat import errors

    parser = xml.parsers.expat.ParserCreate()

    def doctype(*_args) -> None:
        # Reported after the name; the declaration starts at the last "<!" before it.
        raise _Refused(raw.rfind(b"<!", 0, parser.CurrentByteIndex + 1))

    parser.StartDoctypeDeclHandler = doctype
    try:
        parser.Parse(raw, True)
    except _Refused as refused:
        place = _place(raw, max(refused.offset, 0))
        raise GnlcError(located(path, *place, _DTD_MESSAGE)) from None
    except xml.parsers.expat.ExpatError as exc:
        if exc.code == errors.codes[errors.XML_ERROR_NO_ELEMENTS] and not raw.strip():
            return  # an empty file is zero triples
        line_start = sum(len(x) for x in raw.splitlines(keepends=True)[: exc.lineno - 1])
        text = raw[line_start:].decode("utf-8", "replace")
        offset = line_start + len(text[: exc.offset].encode())
        if _DTD_MARK.search(raw, max(offset - 2, 0), offset + 16):
            message = _DTD_MESSAGE
        else:
            message = f"not well-formed XML: {xml.parsers.expat.ErrorString(exc.code)}"
        raise GnlcError(located(path, exc.lineno, exc.offset + 1, message)) from None


MAX_JSON_DEPTH = 256
"""JSON-LD input may nest objects and arrays this deep; the parser underneath would overflow
its stack (a crash, not an error) a few thousand levels down."""
# A string runs to its closing quote or to the end (so an unclosed one is one match, not a
# scan from every later quote), else a bracket.
_JSON_TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*(?:"|\\?\Z)|[\[\]{}]', re.DOTALL)


def refuse_deep_json(path: Path, raw: bytes) -> None:
    """Refuse JSON nested deeper than MAX_JSON_DEPTH, at the bracket that goes past it."""
    depth = 0
    for token in _JSON_TOKEN.finditer(raw):
        char = raw[token.start()]
        if char in b"[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                place = _place(raw, token.start())
                message = f"JSON nested more than {MAX_JSON_DEPTH} levels deep is refused"
                raise GnlcError(located(path, *place, message))
        elif char in b"]}":
            depth -= 1


def _check_syntax(path: Path, raw: bytes) -> None:
    """Refuse what would make the parser underneath expand without bound or crash."""
    kind = RDF_SUFFIXES[path.suffix]
    if kind == "rdfxml":
        refuse_dtd(path, raw)
    elif kind == "jsonld":
        refuse_deep_json(path, raw)


_LABEL = re.compile(
    rb"_:([A-Za-z0-9_\x80-\xff][A-Za-z0-9_.\-\x80-\xff]*)|nodeID\s*=\s*[\"']([^\"']+)"
)


def refuse_entangled(path: Path, raw: bytes, fmt) -> None:
    """Refuse a file with more blank nodes shared or in cycles than canonical labelling takes
    (see gnlc.canonical.MAX_ENTANGLED_BLANK_NODES), at the first label of one of them.

    Only a labelled blank node (`_:x`, rdf:nodeID) can be shared or in a cycle, so files
    without labels are not read again.
    """
    if b"_:" not in raw and b"nodeID" not in raw:
        return
    import pyoxigraph

    from gnlc.canonical import MAX_ENTANGLED_BLANK_NODES, entangled_blank_nodes

    quads = pyoxigraph.parse(raw, format=fmt)
    found = entangled_blank_nodes((str(q.subject), str(q.predicate), str(q.object)) for q in quads)
    if len(found) <= MAX_ENTANGLED_BLANK_NODES:
        return
    message = (
        f"{len(found)} blank nodes are shared, in cycles or hold such nodes, more than "
        f"{MAX_ENTANGLED_BLANK_NODES}: give them IRIs"
    )
    for match in _LABEL.finditer(raw):
        label = (match.group(1) or match.group(2)).rstrip(b".").decode("utf-8", "replace")
        if "_:" + label in found:
            raise GnlcError(located(path, *_place(raw, match.start()), message))
    raise GnlcError(located(path, None, None, message))


def _rdf_format(path: Path):
    import pyoxigraph

    kind = RDF_SUFFIXES.get(path.suffix)
    if kind is None:
        raise GnlcError(f"{path}: unknown RDF file extension (use {', '.join(RDF_SUFFIXES)})")
    return getattr(pyoxigraph.RdfFormat, _FORMATS[kind])


# Oxigraph's parsers hold one token (a literal, an IRI) in a buffer of at most 16 MiB.
TOKEN_LIMIT = 16 * 1024 * 1024


def _too_large(path: Path, raw: bytes, exc: MemoryError) -> GnlcError:
    """A token over the parser's buffer limit, at the first line longer than the limit."""
    line = 0
    start = 0
    for number, end in enumerate(_line_ends(raw), start=1):
        if end - start > TOKEN_LIMIT:
            line = number
            break
        start = end + 1
    return GnlcError(
        located(
            path,
            line or None,
            None,
            f"a literal or IRI longer than {TOKEN_LIMIT // (1024 * 1024)} MiB cannot be read "
            f"({exc})",
        )
    )


def _line_ends(raw: bytes):
    start = 0
    while True:
        end = raw.find(b"\n", start)
        if end == -1:
            yield len(raw)
            return
        yield end
        start = end + 1


def parse_file(path: Path, warnings: list[str]) -> list:
    """All triples of one RDF file (format by extension), or a GnlcError saying where it broke."""
    import pyoxigraph

    fmt, raw = _read_checked(path, warnings)
    with _parsing(path, raw, fmt):
        triples = [q.triple for q in pyoxigraph.parse(raw, format=fmt, rename_blank_nodes=True)]
    return triples


def _read_checked(path: Path, warnings: list[str]) -> tuple[pyoxigraph.RdfFormat, bytes]:
    """The file's RDF format and bytes, refused early when its text cannot be RDF."""
    fmt = _rdf_format(path)
    raw = read_source(path, warnings)
    _check_syntax(path, raw)
    return fmt, raw


@contextmanager
def _parsing(path: Path, raw: bytes, fmt: pyoxigraph.RdfFormat) -> Iterator[None]:
    """Around a parse of raw: the parser's errors become GnlcErrors located in path; after a
    parse that succeeds, what parses but must not load (entangled blank nodes, triple terms)."""
    try:
        yield
    except SyntaxError as exc:
        raise GnlcError(_syntax_message(path, exc)) from None
    except MemoryError as exc:
        raise _too_large(path, raw, exc) from None
    except (ValueError, OSError) as exc:
        raise GnlcError(located(path, None, None, str(exc))) from None
    refuse_entangled(path, raw, fmt)
    refuse_triple_terms(path, raw, fmt)
    refuse_named_graphs(path, raw, fmt)


# Text that may carry an RDF 1.2 triple term (Turtle/N-Triples `<<`, RDF/XML parseType Triple).
_TRIPLE_TERM_MARKS = (b"<<", b"Triple")


def refuse_triple_terms(path: Path, raw: bytes, fmt) -> None:
    """RDF 1.2 triple terms (`<<( s p o )>>`) are refused: RDF/XML and JSON-LD 1.1 cannot write
    them, and the release must say the same graph in all four syntaxes. Only a text holding a
    mark of one is parsed again."""
    import pyoxigraph

    if not any(mark in raw for mark in _TRIPLE_TERM_MARKS):
        return
    for quad in pyoxigraph.parse(raw, format=fmt):
        triple = quad.triple
        if isinstance(triple.subject, pyoxigraph.Triple) or isinstance(
            triple.object, pyoxigraph.Triple
        ):
            text = raw.decode("utf-8", "replace")
            at = text.find("<<")
            line = text.count("\n", 0, at) + 1 if at >= 0 else None
            column = at - text.rfind("\n", 0, at) if at >= 0 else None
            raise GnlcError(
                located(
                    path,
                    line,
                    column,
                    "RDF 1.2 triple terms are not supported (the release is also written as "
                    "RDF/XML and JSON-LD, which cannot hold them)",
                )
            )


def refuse_named_graphs(path: Path, raw: bytes, fmt) -> None:
    """A JSON-LD file's named graphs (`@graph` inside a node with an `@id`) are refused: the
    project's data is one graph, validation reads the default graph only, and the release
    holds one graph. Before, `validate` passed such content unchecked and `build` refused it
    without naming the file. Every JSON-LD file is parsed again for this (a key can be written
    "\\u0040graph", or aliased in the context), which the data's few JSON-LD files afford."""
    import pyoxigraph

    if fmt != pyoxigraph.RdfFormat.JSON_LD:
        return
    for quad in pyoxigraph.parse(raw, format=fmt):
        if not isinstance(quad.graph_name, pyoxigraph.DefaultGraph):
            name = getattr(quad.graph_name, "value", str(quad.graph_name))
            raise GnlcError(
                located(
                    path,
                    None,
                    None,
                    f"holds a named graph ({name}): gnlc's data is one graph; put the nodes "
                    "in the top-level @graph (without an @id around them)",
                )
            )


def expand_inputs(paths: Iterable[Path]) -> list[Path]:
    """Files named by paths (folders searched), refusing missing paths and folders without RDF."""
    files: list[Path] = []
    for path in paths:
        found = rdf_files(Path(path))
        if not found:
            raise GnlcError(f"{path}: folder holds no RDF files ({', '.join(RDF_SUFFIXES)})")
        files.extend(found)
    return files


def _first_in_namespace(quads, namespace: str, found: list, typed: set[str]):
    """Yield quads unchanged, keeping the first whose subject IRI is in namespace, and adding
    to typed each IRI given an rdf:type."""
    import pyoxigraph

    from gnlc.namespaces import RDF_TYPE

    named = pyoxigraph.NamedNode
    type_node = named(RDF_TYPE)
    bare = namespace.rstrip("#")
    for quad in quads:
        predicate = quad.predicate
        if not found:
            subject = quad.subject
            if type(subject) is named:
                value = subject.value
                if value.startswith(namespace) or value == bare:
                    found.append((value, predicate.value))
        if predicate == type_node:
            subject = quad.subject
            if type(subject) is named:
                typed.add(subject.value)
        yield quad


def load_files(
    files: Iterable[Path],
    loaded: Loaded | None = None,
    scan: Collection[Path] = (),
    namespace: str = "",
) -> Loaded:
    """Parse every file into one store (the default graph).

    Files in scan are also watched for subjects in namespace (recorded in loaded.scanned) and
    for the IRIs they give a type (loaded.typed); the others are parsed straight into the
    store, which is faster.
    """
    import pyoxigraph

    loaded = loaded or Loaded(store=new_store())
    watched = set(scan)
    for path in files:
        fmt, raw = _read_checked(path, loaded.warnings)
        with _parsing(path, raw, fmt):
            if path in watched:
                found: list = []
                typed: set[str] = set()
                quads = pyoxigraph.parse(raw, format=fmt, rename_blank_nodes=True)
                loaded.store.extend(_first_in_namespace(quads, namespace, found, typed))
                loaded.scanned[path] = found[0] if found else None
                loaded.typed[path] = typed
            else:
                # Store.load gives blank nodes fresh names, like parse(rename_blank_nodes=True).
                loaded.store.load(raw, format=fmt)
        loaded.files.append(path)
    return loaded
