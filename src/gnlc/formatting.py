"""`gnlc fmt`: rewrite Turtle sources in canonical form without ever changing their graphs."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from gnlc.errors import GnlcError, located, shown
from gnlc.loading import parse_file, read_source

FORMATTED_DIRS = ("ontology", "data", "shapes")


def source_files(root: Path, paths: Sequence[Path] = ()) -> list[Path]:
    """The Turtle files fmt looks after: ontology/, data/, shapes/, or the given paths.

    A named file must be a regular Turtle (.ttl) file: fmt writes canonical Turtle, and
    writing it over N-Triples, JSON-LD or RDF/XML would leave a file its own name misreads.
    """
    from gnlc.paths import RDF_SUFFIXES, files_under

    targets = [Path(p) for p in paths] or [root / d for d in FORMATTED_DIRS]
    files: list[Path] = []
    for target in targets:
        if not target.exists():
            raise GnlcError(f"{target}: no such file or folder")
        if target.is_dir():
            found = files_under(target, {".ttl"})
        elif not target.is_file():
            raise GnlcError(f"{target}: not a regular file (a pipe, a device or a socket)")
        else:
            found = [target]
        for path in found:
            # fmt writes through a symbolic link: the file it reaches must be Turtle too.
            for name in dict.fromkeys((path, path.resolve())):
                if name.suffix != ".ttl":
                    kind = RDF_SUFFIXES.get(name.suffix)
                    what = f"{kind}, not Turtle" if kind else "not a Turtle (.ttl) file"
                    raise GnlcError(
                        f"{path}: fmt writes canonical Turtle, and {name} is {what}"
                        if name != path
                        else f"{path}: fmt writes canonical Turtle, and this file is {what}"
                    )
        files.extend(found)
    return files


@dataclass
class Comments:
    """Where a file's comments go: the header, before named subjects, or after everything."""

    header: list[str] = field(default_factory=list)
    before: dict[str, list[str]] = field(default_factory=dict)
    footer: list[str] = field(default_factory=list)


class _Unplaceable(Exception):
    def __init__(self, offset: int, message: str) -> None:
        super().__init__(message)
        self.offset = offset


# `@prefix`/`@base`, or SPARQL's PREFIX/BASE (a space follows; `base:x` is a prefixed name).
_DIRECTIVE = re.compile(r"(@prefix|@base)\b|(prefix|base)(?=\s)", re.IGNORECASE)
_SUBJECT_TOKEN = re.compile(r"(?:\\.|[^\s;,\[\]()\"'<#])+")


# A string literal from its opening quote, as the unrolled loops the regex engine runs in C (a
# literal may be megabytes long); an unclosed one runs to the end of the line or text.
_STRINGS = {
    '"""': re.compile(r'"""[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*(?:"""|\Z)', re.DOTALL),
    "'''": re.compile(r"'''[^'\\]*(?:(?:\\.|'(?!''))[^'\\]*)*(?:'''|\Z)", re.DOTALL),
    '"': re.compile(r'"[^"\\\n]*(?:\\.[^"\\\n]*)*(?:"|\n|\Z)', re.DOTALL),
    "'": re.compile(r"'[^'\\\n]*(?:\\.[^'\\\n]*)*(?:'|\n|\Z)", re.DOTALL),
}
_IRI = re.compile(r"<[^>\s]*>")


def _skip_string(text: str, i: int) -> int:
    """The offset just past the string literal starting at i."""
    quote = text[i]
    opening = quote * 3 if text.startswith(quote * 3, i) else quote
    match = _STRINGS[opening].match(text, i)
    return match.end() if match else len(text)  # the patterns match up to the end of the text


def _skip_iri(text: str, i: int) -> int:
    """Past the IRI reference at i, or i + 1 when `<` does not open one."""
    match = _IRI.match(text, i)
    return match.end() if match else i + 1


def _scan(text: str):
    """Yield ("comment", start, end) and ("statement", start, end) in order of the text.

    A light Turtle lexer: strings, IRIs and comments are told apart; a statement ends at a `.`
    outside brackets followed by a space or the end, or (PREFIX/BASE) after its IRI.
    """
    i, n = 0, len(text)
    start = None
    depth = 0
    sparql_directive = False
    while i < n:
        char = text[i]
        if char == "#":
            end = text.find("\n", i)
            end = n if end == -1 else end
            yield "comment", i, end
            i = end
            continue
        if char.isspace():
            i += 1
            continue
        if start is None:
            start = i
            match = _DIRECTIVE.match(text, i)
            sparql_directive = bool(match and match.group(2))
        if char in "\"'":
            i = _skip_string(text, i)
        elif char == "<":
            i = _skip_iri(text, i)
            if sparql_directive and text[i - 1] == ">":
                yield "statement", start, i
                start, sparql_directive = None, False
        elif char in "[(":
            depth += 1
            i += 1
        elif char in "])":
            depth = max(0, depth - 1)
            i += 1
        elif (
            char == "."
            and depth == 0
            and (i + 1 == n or text[i + 1].isspace() or text[i + 1] == "#")
        ):
            i += 1
            yield "statement", start, i
            start = None
        else:
            i += 1
    if start is not None:
        yield "statement", start, n


def _subject_iri(directives: list[str], statement: str) -> str | None:
    """The named subject a statement describes, or None for a blank node."""
    import pyoxigraph

    token = _SUBJECT_TOKEN.match(statement)
    if statement.startswith("<"):
        token_text = statement[: _skip_iri(statement, 0)]
    elif token is None or token.group(0).startswith("_:"):
        return None
    else:
        token_text = token.group(0)
    probe = "\n".join(directives) + f"\n{token_text} <urn:gnlc:fmt> <urn:gnlc:fmt> .\n"
    try:
        quads = list(pyoxigraph.parse(probe.encode("utf-8"), format=pyoxigraph.RdfFormat.TURTLE))
    except (SyntaxError, ValueError):
        return None
    subject = quads[0].subject if len(quads) == 1 else None
    return subject.value if isinstance(subject, pyoxigraph.NamedNode) else None


def _line_start(text: str, offset: int) -> int:
    return text.rfind("\n", 0, offset) + 1


def collect_comments(text: str) -> Comments:
    """Sort a file's comments into header, per-subject and footer, or raise _Unplaceable.

    The header is the comments before the first subject (blank lines before them allowed),
    except those after the last prefix declaration, and a last group that touches the first
    subject of a file without prefixes: those, like every comment block between two
    statements, belong to the subject that follows (written without blank lines between them,
    so that a second run reads them the same way). Comments inside a statement, after a
    statement on its line, or before a prefix declared after a subject have no place in
    canonical form.
    """
    comments = Comments()
    pending: list[tuple[int, str, bool]] = []  # (offset, text, blank line before it)
    directives: list[str] = []
    first = True
    previous_end = 0
    events = list(_scan(text))
    starts = [start for kind, start, _ in events if kind == "statement"]
    seen = 0
    for kind, start, end in events:
        if kind == "comment":
            if seen < len(starts) and starts[seen] < start:
                raise _Unplaceable(start, "comment inside a statement cannot be placed")
            if text[_line_start(text, start) : start].strip():
                raise _Unplaceable(start, "comment after a statement on its line cannot be placed")
            blank = bool(_BLANK_LINE.search(text, previous_end, start))
            pending.append((start, text[start:end].rstrip(), blank))
            previous_end = end
            continue
        seen += 1
        body = text[start:end]
        if _DIRECTIVE.match(body):
            if pending and not first:
                raise _Unplaceable(pending[0][0], _BETWEEN_PREFIXES)
            comments.header += _lines(pending, comments.header)
        elif pending:
            cut = 0
            if first and not directives:
                # Only a last group touching the first subject is that subject's.
                cut = len(pending)
                if not _BLANK_LINE.search(text, previous_end, start):
                    cut -= 1
                    while cut > 0 and not pending[cut][2]:
                        cut -= 1
                comments.header += _lines(pending[:cut], comments.header)
            if cut < len(pending):
                subject = _subject_iri(directives, body)
                if subject is None:
                    raise _Unplaceable(
                        pending[cut][0], "comment before a blank-node subject cannot be placed"
                    )
                comments.before.setdefault(subject, []).extend(c for _, c, _ in pending[cut:])
        if _DIRECTIVE.match(body):
            directives.append(body)
        else:
            first = False
        pending = []
        previous_end = end
    if first:
        comments.header += _lines(pending, comments.header)
    else:
        comments.footer = _lines(pending, [])
    return comments


def _lines(pending: list[tuple[int, str, bool]], before: list[str]) -> list[str]:
    """Comment lines, with one empty line where the file had blank lines between them."""
    out: list[str] = []
    for _, comment, blank in pending:
        if blank and (out or before):
            out.append("")
        out.append(comment)
    return out


_BLANK_LINE = re.compile(r"\n[ \t\r]*\n")
_BETWEEN_PREFIXES = (
    "comment between prefix declarations cannot be placed; move it to the header at the top "
    "of the file or just above a subject"
)


def comment_texts(text: str) -> list[str]:
    """Every comment of a Turtle text, as written (trailing spaces aside)."""
    return [text[s:e].rstrip() for kind, s, e in _scan(text) if kind == "comment"]


def _block_subject(block: str) -> str | None:
    """The IRI a canonical block (as turtle.serialize writes it) describes."""
    from gnlc.namespaces import PREFIXES

    first = block.split("\n", 1)[0]
    if first.startswith("<") and first.endswith(">"):
        return first[1:-1]
    name, colon, local = first.partition(":")
    if colon and name in PREFIXES:
        return PREFIXES[name] + local
    return None


def with_comments(canonical: str, comments: Comments) -> str:
    """Canonical text with the header on top, comments above their subjects, footer below."""
    parts = canonical.rstrip("\n").split("\n\n") if canonical.strip() else []
    placed = set()
    for index, part in enumerate(parts):
        subject = _block_subject(part)
        if subject in comments.before:
            parts[index] = "\n".join(comments.before[subject]) + "\n" + part
            placed.add(subject)
    missing = set(comments.before) - placed
    if missing:
        raise GnlcError(f"comment before <{sorted(missing)[0]}> found no subject block")
    if comments.header:
        parts.insert(0, "\n".join(comments.header))
    if comments.footer:
        parts.append("\n".join(comments.footer))
    return "\n\n".join(parts) + "\n" if parts else ""


def canonical_text(path: Path, warnings: list[str] | None = None) -> tuple[str, list]:
    """(canonical Turtle for the file, its parsed triples), its comments kept in place.

    Refuses (exit 2, at the comment) a file whose comments canonical form cannot place.
    """
    from gnlc.turtle import serialize

    warnings = warnings if warnings is not None else []
    triples = parse_file(path, warnings)
    text = read_source(path, []).decode("utf-8")
    try:
        comments = collect_comments(text)
    except _Unplaceable as exc:
        line = text.count("\n", 0, exc.offset) + 1
        column = exc.offset - _line_start(text, exc.offset) + 1
        raise GnlcError(
            located(path, line, column, f"{exc}; fmt leaves the file as it is")
        ) from None
    try:
        return with_comments(serialize(triples), comments), triples
    except GnlcError as exc:
        raise GnlcError(f"{shown(path)}: {exc.message}; fmt leaves the file as it is") from None


def same_graph(a: list, b: list) -> bool:
    """Graph isomorphism, through canonical blank node labels (gnlc.canonical)."""
    from gnlc.canonical import canonical_blank_nodes

    def canon(triples: list) -> set:
        return canonical_blank_nodes(
            (str(t.subject), str(t.predicate), str(t.object)) for t in triples
        )

    if len(set(a)) != len(set(b)):
        return False
    return canon(a) == canon(b)


def write_atomic(path: Path, data: bytes) -> None:
    """Write beside the target and rename, so a reader never sees half a file.

    A symbolic link is written through: its target changes, the link stays a link.
    """
    path = Path(os.path.realpath(path))
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def format_file(path: Path, check: bool, warnings: list[str]) -> bool:
    """Canonicalise one file; return True if it was (or, with check, would be) changed."""
    import pyoxigraph

    text, triples = canonical_text(path, warnings)
    current = path.read_bytes()
    if current == text.encode("utf-8"):
        return False
    again = [
        q.triple for q in pyoxigraph.parse(text.encode("utf-8"), format=pyoxigraph.RdfFormat.TURTLE)
    ]
    if not same_graph(triples, again):
        raise GnlcError(
            f"{path}: canonical form would change the graph; file left as it was "
            "(please report this as a gnlc bug)"
        )
    if sorted(comment_texts(current.decode("utf-8-sig"))) != sorted(comment_texts(text)):
        raise GnlcError(
            f"{path}: canonical form would lose a comment; file left as it was "
            "(please report this as a gnlc bug)"
        )
    if not check:
        try:
            write_atomic(path, text.encode("utf-8"))
        except OSError as exc:
            raise GnlcError(f"{shown(path)}: cannot write: {exc.strerror or exc}") from None
    return True
