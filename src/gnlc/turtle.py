"""Canonical Turtle: one stable text for one graph, so a diff shows only what changed.

Subjects sorted by IRI, `a` first then predicates by name, objects sorted, one predicate a line,
prefixes declared once (only those used), blank nodes inlined as `[ ]` or `( )` lists.

The writer works on terms as their N-Triples text (`<iri>`, `_:id`, `"lexical"@lang`,
`"lexical"^^<datatype>`), which is what str() gives for a pyoxigraph term and what a sorted
N-Triples dump holds, so a large release is written without a Python object per term.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator

from gnlc.namespaces import PREFIXES, RDF_TYPE, XSD

_RDF = PREFIXES["rdf"]
_FIRST, _REST, _NIL = _RDF + "first", _RDF + "rest", _RDF + "nil"
_NIL_TERM = f"<{_NIL}>"
_LOCAL = re.compile(r"^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_-])?$")
_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_DECIMAL = re.compile(r"^[+-]?[0-9]*\.[0-9]+$")
_ESCAPES = {
    "\\": "\\\\",
    '"': '\\"',
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\b": "\\b",
    "\f": "\\f",
}
INDENT = "    "
XSD_STRING = XSD + "string"
LANG_STRING = _RDF + "langString"
DIR_LANG_STRING = _RDF + "dirLangString"

_NEEDS_ESCAPE = re.compile(r'[\\"\x00-\x1f\x7f]')
_ESCAPE_TABLE = {
    **{code: f"\\u{code:04X}" for code in (*range(0x20), 0x7F)},
    **{ord(char): text for char, text in _ESCAPES.items()},
}
_UNESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.DOTALL)
_UNESCAPES = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f"}


def escape_string(value: str) -> str:
    """A Turtle/N-Triples short string body, escaping quotes, backslashes and controls."""
    if _NEEDS_ESCAPE.search(value) is None:
        return value
    return value.translate(_ESCAPE_TABLE)


def unescape_string(text: str) -> str:
    """The string an N-Triples string body (as written by escape_string or Oxigraph) stands for."""
    if "\\" not in text:
        return text

    def one(match: re.Match) -> str:
        code = match.group(1) or match.group(2)
        if code:
            return chr(int(code, 16))
        return _UNESCAPES.get(match.group(3), match.group(3))

    return _UNESCAPE.sub(one, text)


def is_iri(term: str) -> bool:
    """True for the text of a named node (not of a triple term)."""
    return term[0] == "<" and not term.startswith("<<")


def literal_parts(term: str) -> tuple[str, str | None, str]:
    """(escaped lexical form, language or None, datatype IRI) of a literal's text."""
    end = term.rindex('"')
    lexical, rest = term[1:end], term[end + 1 :]
    if not rest:
        return lexical, None, XSD_STRING
    if rest[0] == "@":
        language, direction, _ = rest[1:].partition("--")
        return lexical, language, DIR_LANG_STRING if direction else LANG_STRING
    return lexical, None, rest[3:-1]


MAX_INLINE_DEPTH = 16
"""Blank nodes nest as `[ ]` this many levels deep at most; deeper ones get a label of their own."""


def group(triples: Iterable) -> tuple[dict, dict]:
    """(subject -> [(predicate, object)], blank node -> uses as an object), terms as text.

    Blank nodes are given canonical labels first, so the text does not depend on their ids.
    """
    from gnlc.canonical import canonical_blank_nodes

    texts = {(str(t.subject), str(t.predicate), str(t.object)) for t in triples}
    if any(s.startswith("_:") or o.startswith("_:") for s, _, o in texts):
        texts = canonical_blank_nodes(texts)
    by_subject: dict = defaultdict(list)
    refs: dict = defaultdict(int)
    for s, p, o in texts:
        by_subject[s].append((p, o))
        if o.startswith("_:"):
            refs[o] += 1
    return by_subject, refs


class _Writer:
    def __init__(self, by_subject, refs, prefixes: dict[str, str]) -> None:
        self.prefixes = sorted(prefixes.items(), key=lambda kv: -len(kv[1]))
        # When every namespace ends in '/' or '#', a local name (which holds neither) can only
        # follow the namespace that ends at the IRI's last '/' or '#': one lookup finds it.
        self.by_namespace: dict[str, str] | None = None
        if all(ns.endswith(("/", "#")) for _, ns in self.prefixes):
            self.by_namespace = {}
            for name, ns in self.prefixes:
                self.by_namespace.setdefault(ns, name)
        self.used: set[str] = set()
        # Any mapping works (the release passes a lazy one): [] for subjects, get and `in`.
        # Blank node ids must be canonical (as group() and gnlc.canonical give them).
        self.by_subject = by_subject
        self.refs = refs
        self.labels: dict = {}
        self.names: dict[str, tuple[str, str | None]] = {}
        self.predicates: dict[str, str] = {}
        self.objects_written: dict[str, str] = {}
        # Blank nodes written inside their one parent ([ ] or a list's cells), and blank nodes
        # written as blocks of their own; planned before writing, without recursion.
        self.inlined: set[str] = set()
        self.lists: set[str] = set()
        self.roots: list[str] = []
        self.planned: set[str] = set()

    def iri(self, value: str, predicate: bool = False) -> str:
        if predicate and value == RDF_TYPE:
            return "a"
        known = self.names.get(value)
        if known is None:
            known = self.names[value] = self._name(value)
        text, prefix = known
        if prefix is not None:
            self.used.add(prefix)
        return text

    def _name(self, value: str) -> tuple[str, str | None]:
        if self.by_namespace is not None:
            end = max(value.rfind("/"), value.rfind("#")) + 1
            name = self.by_namespace.get(value[:end]) if end else None
            local = value[end:]
            if name is not None and (local == "" or _LOCAL.match(local)):
                return f"{name}:{local}", name
            return f"<{value}>", None
        for name, ns in self.prefixes:
            if value.startswith(ns):
                local = value[len(ns) :]
                if local == "" or _LOCAL.match(local):
                    return f"{name}:{local}", name
        return f"<{value}>", None

    def literal(self, term: str) -> str:
        # The lexical form stays as escaped in the N-Triples text: escape_string would give
        # the same; numbers and booleans never hold an escape.
        suffix = term[term.rindex('"') + 1 :]
        if not suffix or (suffix[0] == "@" and "--" not in suffix):
            return term  # a plain or language-tagged string, already as Turtle writes it
        lex, language, dt = literal_parts(term)
        if language:
            return f'"{lex}"@{language}'
        if dt == XSD_STRING:
            return f'"{lex}"'
        if dt == XSD + "integer" and _INTEGER.match(lex):
            return lex
        if dt == XSD + "decimal" and _DECIMAL.match(lex):
            return lex
        if dt == XSD + "boolean" and lex in ("true", "false"):
            return lex
        return f'"{lex}"^^{self.iri(dt)}'

    def list_cells(self, node: str) -> list[str] | None:
        """The cells of a well-formed list that can be written as ( ), else None."""
        cells: list[str] = []
        seen = set()
        while node.startswith("_:"):
            if node in seen or node in self.planned or node in self.inlined:
                return None
            if self.refs.get(node, 0) != 1:
                return None
            seen.add(node)
            pairs = self.by_subject.get(node, [])
            if sorted(p[1:-1] for p, _ in pairs) != [_FIRST, _REST]:
                return None
            cells.append(node)
            node = next(o for p, o in pairs if p[1:-1] == _REST)
        return cells if node == _NIL_TERM else None

    def plan(self) -> list[str]:
        """Decide which blank nodes are written inline and which as blocks; named subjects."""
        named = sorted(s[1:-1] for s in self.by_subject if is_iri(s))
        blank = [s for s in self.by_subject if s.startswith("_:")]
        planned = self.planned
        # (objects, their depth): objects deeper than MAX_INLINE_DEPTH become blocks.
        holders = getattr(self.by_subject, "holders", None)
        if holders is None:
            holders = {s for s in self.by_subject if any(o[0] == "_" for o in self.objects(s))}
        work = [(self.objects(s), 1) for s in (f"<{v}>" for v in named) if s in holders]
        roots = sorted((s for s in blank if self.refs.get(s, 0) != 1), key=self.block_order)
        # Blank nodes used once but never reached (cycles) start blocks in a stable order.
        later = sorted((s for s in blank if self.refs.get(s, 0) == 1), key=self.block_order)
        for start in [None, *roots, *later]:
            if start is not None:
                if start in self.inlined or start in planned:
                    continue
                planned.add(start)
                self.roots.append(start)
                work.append((self.objects(start), 1))
            while work:
                objects, depth = work.pop()
                for obj in objects:
                    if not (
                        obj.startswith("_:")
                        and self.refs.get(obj, 0) == 1
                        and obj in self.by_subject
                        and obj not in self.inlined
                        and obj not in planned
                    ):
                        continue
                    if depth > MAX_INLINE_DEPTH:
                        planned.add(obj)
                        self.roots.append(obj)
                        work.append((self.objects(obj), 1))
                        continue
                    cells = self.list_cells(obj)
                    if cells is None:
                        self.inlined.add(obj)
                        work.append((self.objects(obj), depth + 1))
                        continue
                    self.inlined.update(cells)
                    self.lists.add(obj)
                    items = [self.first(cell) for cell in cells]
                    work.append((items, depth + 1))  # the items sit one level below the list
        self.roots.sort(key=self.block_order)
        return named

    def objects(self, subject: str) -> list[str]:
        return [o for _, o in self.by_subject.get(subject, ())]

    def first(self, cell: str) -> str:
        return next(o for p, o in self.by_subject[cell] if p[1:-1] == _FIRST)

    def term(self, node: str, depth: int) -> str:
        first = node[0]
        if first == '"':
            return self.literal(node)
        if first == "<" and not node.startswith("<<"):
            # Objects repeat (classes, countries, cohorts): each IRI is written once, then
            # reused (its prefix is already marked used).
            text = self.objects_written.get(node)
            if text is None:
                text = self.objects_written[node] = self.iri(node[1:-1])
            return text
        if node in self.lists:
            return self.list_items(node, depth)
        if node in self.inlined:
            inner = self.body(node, depth + 1)
            if "\n" not in inner and len(inner.strip()) <= 60:
                return "[ " + inner.strip() + " ]"
            return "[\n" + inner + "\n" + INDENT * depth + "]"
        if self.refs.get(node, 0) == 1 and node not in self.by_subject:
            return "[]"
        return self.labels.setdefault(node, f"_:b{len(self.labels)}")

    def list_items(self, node: str, depth: int) -> str:
        items = []
        while node.startswith("_:"):
            pairs = {p[1:-1]: o for p, o in self.by_subject[node]}
            items.append(self.term(pairs[_FIRST], depth + 1))
            node = pairs[_REST]
        if not items:
            return "()"
        if all("\n" not in i for i in items) and sum(len(i) + 1 for i in items) <= 60:
            return "( " + " ".join(items) + " )"
        inner = "".join(INDENT * (depth + 1) + item + "\n" for item in items)
        return "(\n" + inner + INDENT * depth + ")"

    def body(self, subject: str, depth: int) -> str:
        grouped: dict[str, list] = {}
        predicates = self.predicates
        for predicate, obj in self.by_subject[subject]:
            name = predicates.get(predicate)
            if name is None:
                name = predicates[predicate] = self.iri(predicate[1:-1], predicate=True)
            bucket = grouped.get(name)
            if bucket is None:
                grouped[name] = [obj]
            else:
                bucket.append(obj)
        names = sorted(grouped)
        if "a" in grouped:  # `a` first, then by name
            names.remove("a")
            names.insert(0, "a")
        pad = INDENT * depth
        lines = []
        written_iris = self.objects_written
        for name in names:
            raw = grouped[name]
            if len(raw) == 1:
                obj = raw[0]
                text = written_iris.get(obj)
                if text is None:
                    text = self.term(obj, depth)
                lines.append(f"{pad}{name} {text}")
            else:
                # Written in a fixed order (labels are numbered as they are written), then
                # blank nodes sorted by their text.
                ordered = sorted(raw, key=self.order)
                written = [(o, self.term(o, depth + 1)) for o in ordered]
                if any(o[0] == "_" for o in ordered):  # only a blank node's key uses its text
                    written.sort(key=lambda pair: self.order(pair[0], pair[1]))
                objects = [text for _, text in written]
                inner = f" ,\n{pad}{INDENT}".join(objects)
                lines.append(f"{pad}{name}\n{pad}{INDENT}{inner}")
        return " ;\n".join(lines)

    def order(self, node: str, text: str = "") -> tuple:
        """IRIs first (by IRI), then literals by language, datatype and text, then blank nodes
        (by their text once written, else by their canonical id: never by chance)."""
        if node[0] == "<" and not node.startswith("<<"):
            return (0, node[1:-1], "", "")
        if node[0] == '"':
            lex, language, dt = literal_parts(node)
            return (1, language or "", dt, unescape_string(lex))
        return (2, text, node, "")

    def block_order(self, node: str) -> tuple:
        return (self.preview(node), node)

    def preview(self, node: str) -> str:
        return repr(sorted((p[1:-1], o) for p, o in self.by_subject.get(node, [])))

    def blocks(self) -> Iterator[str]:
        """Each subject's block of text, in order (prefixes are known once all are made)."""
        named = self.plan()
        for value in named:
            yield self.iri(value) + "\n" + self.body(f"<{value}>", 1) + " ."
        # Blank nodes not written inside another: used by none, by several, in a cycle, or
        # nested too deep; in a stable order.
        for subject in self.roots:
            text = self.body(subject, 1)
            if self.refs.get(subject, 0) == 0:
                yield "[]\n" + text + " ."
            else:
                yield self.term(subject, 0) + "\n" + text + " ."

    def head(self, header: str) -> list[str]:
        """The header comment and the prefixes used (after all blocks are made)."""
        prefix_lines = [
            f"@prefix {name}: <{ns}> ." for name, ns in sorted(self.prefixes) if name in self.used
        ]
        parts = [header.rstrip("\n")] if header else []
        if prefix_lines:
            parts.append("\n".join(prefix_lines))
        return parts

    def write(self, header: str = "") -> str:
        blocks = list(self.blocks())
        return "\n\n".join(self.head(header) + blocks) + "\n"

    def write_chunks(self, header: str = "") -> list[bytes]:
        """write() as UTF-8 chunks, each block encoded as soon as it is made."""
        blocks = [block.encode() for block in self.blocks()]
        parts = [part.encode() for part in self.head(header)] + blocks
        chunks: list[bytes] = []
        for index, part in enumerate(parts):
            if index:
                chunks.append(b"\n\n")
            chunks.append(part)
        chunks.append(b"\n")
        return chunks


def serialize(triples: Iterable, prefixes: dict[str, str] | None = None, header: str = "") -> str:
    """Canonical Turtle text for triples (pyoxigraph terms); header is a comment block."""
    by_subject, refs = group(triples)
    return _Writer(by_subject, refs, prefixes or PREFIXES).write(header)


def serialize_grouped_chunks(
    by_subject, refs, prefixes: dict[str, str] | None = None, header: str = ""
) -> list[bytes]:
    """serialize() for triples already grouped as group() returns them (a lazy mapping is fine),
    as UTF-8 chunks, without the whole text as one string."""
    return _Writer(by_subject, refs, prefixes or PREFIXES).write_chunks(header)
