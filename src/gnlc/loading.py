"""Reading RDF files into an Oxigraph store, with errors a person can act on."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from gnlc.errors import GnlcError, located
from gnlc.paths import RDF_SUFFIXES, rdf_files

_BOM = b"\xef\xbb\xbf"
_FORMATS = {"turtle": "TURTLE", "ntriples": "N_TRIPLES", "jsonld": "JSON_LD", "rdfxml": "RDF_XML"}
_POSITION = re.compile(
    r"^Parser error (?:at line (\d+),? (?:between columns|column) (\d+)"
    r"|between line (\d+) column (\d+))"
)


@dataclass
class Loaded:
    """A store plus what was read into it, and the warnings met on the way."""

    store: object
    files: list[Path] = field(default_factory=list)
    data_files: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def new_store() -> object:
    """An empty in-memory Oxigraph store."""
    import pyoxigraph

    return pyoxigraph.Store()


def read_source(path: Path, warnings: list[str]) -> bytes:
    """The bytes of an RDF file: UTF-8, BOM stripped with a warning, no binary."""
    try:
        raw = path.read_bytes()
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


def parse_file(path: Path, warnings: list[str]) -> list:
    """All triples of one RDF file (format by extension), or a GnlcError saying where it broke."""
    import pyoxigraph

    kind = RDF_SUFFIXES.get(path.suffix)
    if kind is None:
        raise GnlcError(f"{path}: unknown RDF file extension (use {', '.join(RDF_SUFFIXES)})")
    raw = read_source(path, warnings)
    fmt = getattr(pyoxigraph.RdfFormat, _FORMATS[kind])
    try:
        return [q.triple for q in pyoxigraph.parse(raw, format=fmt, rename_blank_nodes=True)]
    except SyntaxError as exc:
        raise GnlcError(_syntax_message(path, exc)) from None
    except (ValueError, OSError) as exc:
        raise GnlcError(located(path, None, None, str(exc))) from None


def expand_inputs(paths: Iterable[Path]) -> list[Path]:
    """Files named by paths (folders searched), refusing missing paths and folders without RDF."""
    files: list[Path] = []
    for path in paths:
        found = rdf_files(Path(path))
        if not found:
            raise GnlcError(f"{path}: folder holds no RDF files ({', '.join(RDF_SUFFIXES)})")
        files.extend(found)
    return files


def load_files(files: Iterable[Path], loaded: Loaded | None = None) -> Loaded:
    """Parse every file into one store (the default graph)."""
    import pyoxigraph

    loaded = loaded or Loaded(store=new_store())
    for path in files:
        triples = parse_file(path, loaded.warnings)
        loaded.store.extend(pyoxigraph.Quad(t.subject, t.predicate, t.object) for t in triples)
        loaded.files.append(path)
    return loaded
