"""Writing query results: a readable table, or the W3C results and RDF formats."""

from __future__ import annotations

import unicodedata

from gnlc import paths
from gnlc.errors import GnlcError
from gnlc.namespaces import compact_iri
from gnlc.terminal import visible, visible_rdf

SELECT_FORMATS = ("table", "csv", "tsv", "json", "sparql-tsv")
GRAPH_FORMATS = ("turtle", "ntriples")
FORMATS = SELECT_FORMATS + GRAPH_FORMATS


def _too_large(what: str) -> GnlcError:
    return GnlcError(
        f"the result has more than {what}, the most gnlc prints at once; narrow the query"
        " (LIMIT, a filter) or run it against an endpoint (gnlc serve)"
    )


def _bounded(rows) -> list:
    """The rows of an iterable, refused past paths.MAX_RESULT_ROWS (read at each use)."""
    from itertools import islice

    limit = paths.MAX_RESULT_ROWS
    out = list(islice(rows, limit + 1))
    if len(out) > limit:
        raise _too_large(f"{limit:,} rows")
    return out


class _Sink:
    """A file-like object for Oxigraph's serializer that refuses to grow past a limit."""

    def __init__(self, limit: int) -> None:
        self.limit, self.size = limit, 0
        self.chunks: list[bytes] = []
        self.overflowed = False

    def flush(self) -> None:
        pass

    def write(self, data) -> int:
        self.size += len(data)
        if self.size > self.limit:
            self.overflowed = True
            raise OSError("result too large")
        self.chunks.append(bytes(data))
        return len(data)


def _serialized(result, kind) -> bytes:
    """Oxigraph's serialization of result, refused past paths.MAX_RESULT_BYTES."""
    limit = paths.MAX_RESULT_BYTES
    sink = _Sink(limit)
    try:
        result.serialize(sink, format=kind)
    except OSError:
        if sink.overflowed:
            raise _too_large(f"{limit:,} bytes") from None
        raise
    return b"".join(sink.chunks)


def display_width(text: str) -> int:
    """Terminal columns a string takes (Thai vowels and tone marks take none)."""
    if text.isascii():
        return len(text)
    width = 0
    for char in text:
        if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def _cell(term, named, blank) -> str:
    # Values may come from any endpoint: escape sequences in them must not reach the terminal.
    if term is None:
        return ""
    kind = type(term)
    if kind is named:
        return visible(compact_iri(term.value))
    if kind is blank:
        return visible(f"_:{term.value}")
    return visible(term.value.replace("\n", " ").replace("\t", " "))


def table(variables: list[str], rows: list[list]) -> str:
    """Aligned columns with a header and a rule."""
    import pyoxigraph

    named, blank = pyoxigraph.NamedNode, pyoxigraph.BlankNode
    variables = [visible(v) for v in variables]
    cells = [[_cell(t, named, blank) for t in row] for row in rows]
    sized = [[(c, display_width(c)) for c in row] for row in cells]
    widths = [display_width(v) for v in variables]
    for row in sized:
        widths = [max(w, n) for w, (_, n) in zip(widths, row, strict=True)]

    def line(values: list[tuple[str, int]]) -> str:
        padded = [v + " " * (w - n) for (v, n), w in zip(values, widths, strict=True)]
        return "  ".join(padded).rstrip()

    out = [
        line([(v, display_width(v)) for v in variables]),
        line([("-" * w, w) for w in widths]),
    ]
    out.extend(line(row) for row in sized)
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"


_TSV_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def plain_tsv(result) -> str:
    """Tab-separated values as a spreadsheet or `cut` expects them: the variable names as the
    header, each cell the term's plain value like the W3C CSV (IRIs whole, literals without
    quotes, language or datatype), with backslash, tab, newline and carriage return escaped as
    \\\\, \\t, \\n, \\r. The W3C SPARQL TSV (`?name` headers, N-Triples terms) is `sparql-tsv`."""
    import pyoxigraph

    blank = pyoxigraph.BlankNode
    variables = [v.value for v in result.variables]

    def cell(term) -> str:
        if term is None:
            return ""
        text = f"_:{term.value}" if type(term) is blank else term.value
        return text.translate(_TSV_ESCAPES)

    lines = ["\t".join(variables)]
    lines.extend("\t".join(map(cell, row)) for row in _bounded(result))
    return "\n".join(lines) + "\n"


def render(result, fmt: str) -> bytes:
    """Bytes for a pyoxigraph query result in the requested format."""
    import pyoxigraph

    if isinstance(result, pyoxigraph.QueryBoolean):
        if fmt == "json":
            return result.serialize(format=pyoxigraph.QueryResultsFormat.JSON) or b""
        return b"true\n" if bool(result) else b"false\n"
    if isinstance(result, pyoxigraph.QueryTriples):
        if fmt not in GRAPH_FORMATS:
            raise GnlcError(f"--format {fmt}: a CONSTRUCT query gives turtle or ntriples")
        triples = sorted(_bounded(result), key=str)
        if fmt == "ntriples":
            lines = sorted({str(t) + " .\n" for t in triples})
            return visible_rdf("".join(lines)).encode("utf-8")
        from gnlc.turtle import serialize

        return visible_rdf(serialize(triples)).encode("utf-8")
    if fmt in GRAPH_FORMATS:
        raise GnlcError(f"--format {fmt}: a SELECT query gives table, csv, tsv, sparql-tsv or json")
    if fmt == "table":
        variables = [v.value for v in result.variables]
        # A solution iterates over its values in the order of the variables (None where
        # unbound): a fifth of the cost of looking each one up by name.
        rows = [list(row) for row in _bounded(result)]
        return table(variables, rows).encode("utf-8")
    if fmt == "tsv":
        return plain_tsv(result).encode("utf-8")
    kind = {"csv": "CSV", "sparql-tsv": "TSV", "json": "JSON"}[fmt]
    return _serialized(result, getattr(pyoxigraph.QueryResultsFormat, kind))
