"""Canonical Turtle: one stable text for one graph, so a diff shows only what changed.

Subjects sorted by IRI, `a` first then predicates by name, objects sorted, one predicate a line,
prefixes declared once (only those used), blank nodes inlined as `[ ]` or `( )` lists.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from gnlc.namespaces import PREFIXES, RDF_TYPE, XSD

_RDF = PREFIXES["rdf"]
_FIRST, _REST, _NIL = _RDF + "first", _RDF + "rest", _RDF + "nil"
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


def escape_string(value: str) -> str:
    """A Turtle/N-Triples short string body, escaping quotes, backslashes and controls."""
    out = []
    for char in value:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return "".join(out)


class _Writer:
    def __init__(self, triples: Iterable, prefixes: dict[str, str]) -> None:
        import pyoxigraph

        self.ox = pyoxigraph
        self.prefixes = sorted(prefixes.items(), key=lambda kv: -len(kv[1]))
        self.used: set[str] = set()
        self.by_subject: dict = defaultdict(list)
        self.refs: dict = defaultdict(int)
        for t in set(triples):
            self.by_subject[t.subject].append((t.predicate, t.object))
            if isinstance(t.object, pyoxigraph.BlankNode):
                self.refs[t.object] += 1
        self.inlined: set = set()
        self.labels: dict = {}

    def iri(self, value: str, predicate: bool = False) -> str:
        if predicate and value == RDF_TYPE:
            return "a"
        for name, ns in self.prefixes:
            if value.startswith(ns):
                local = value[len(ns) :]
                if local == "" or _LOCAL.match(local):
                    self.used.add(name)
                    return f"{name}:{local}"
        return f"<{value}>"

    def literal(self, lit) -> str:
        lex, dt = lit.value, lit.datatype.value
        if lit.language:
            return f'"{escape_string(lex)}"@{lit.language}'
        if dt == XSD + "string":
            return f'"{escape_string(lex)}"'
        if dt == XSD + "integer" and _INTEGER.match(lex):
            return lex
        if dt == XSD + "decimal" and _DECIMAL.match(lex):
            return lex
        if dt == XSD + "boolean" and lex in ("true", "false"):
            return lex
        return f'"{escape_string(lex)}"^^{self.iri(dt)}'

    def is_list(self, node) -> bool:
        seen = set()
        while isinstance(node, self.ox.BlankNode):
            if node in seen or self.refs[node] != 1:
                return False
            seen.add(node)
            pairs = self.by_subject.get(node, [])
            preds = sorted(p.value for p, _ in pairs)
            if preds != [_FIRST, _REST]:
                return False
            node = next(o for p, o in pairs if p.value == _REST)
        return isinstance(node, self.ox.NamedNode) and node.value == _NIL

    def term(self, node, depth: int, path: frozenset) -> str:
        if isinstance(node, self.ox.NamedNode):
            return self.iri(node.value)
        if isinstance(node, self.ox.Literal):
            return self.literal(node)
        if self.refs[node] == 1 and node not in path and node in self.by_subject:
            self.inlined.add(node)
            if self.is_list(node):
                return self.list_items(node, depth, path)
            inner = self.body(node, depth + 1, path | {node})
            if "\n" not in inner and len(inner.strip()) <= 60:
                return "[ " + inner.strip() + " ]"
            return "[\n" + inner + "\n" + INDENT * depth + "]"
        if self.refs[node] == 1 and node not in self.by_subject:
            return "[]"
        return self.labels.setdefault(node, f"_:b{len(self.labels)}")

    def list_items(self, node, depth: int, path: frozenset) -> str:
        items = []
        while isinstance(node, self.ox.BlankNode):
            self.inlined.add(node)
            pairs = dict((p.value, o) for p, o in self.by_subject[node])
            items.append(self.term(pairs[_FIRST], depth + 1, path | {node}))
            node = pairs[_REST]
        if not items:
            return "()"
        if all("\n" not in i for i in items) and sum(len(i) + 1 for i in items) <= 60:
            return "( " + " ".join(items) + " )"
        inner = "".join(INDENT * (depth + 1) + item + "\n" for item in items)
        return "(\n" + inner + INDENT * depth + ")"

    def body(self, subject, depth: int, path: frozenset) -> str:
        grouped: dict[str, list] = defaultdict(list)
        for predicate, obj in self.by_subject[subject]:
            grouped[self.iri(predicate.value, predicate=True)].append(obj)
        names = sorted(grouped, key=lambda n: (n != "a", n))
        pad = INDENT * depth
        lines = []
        for name in names:
            raw = sorted(grouped[name], key=self.order)
            if len(raw) == 1:
                lines.append(f"{pad}{name} {self.term(raw[0], depth, path)}")
            else:
                objects = [self.term(o, depth + 1, path) for o in raw]
                inner = f" ,\n{pad}{INDENT}".join(objects)
                lines.append(f"{pad}{name}\n{pad}{INDENT}{inner}")
        return " ;\n".join(lines)

    def order(self, node) -> tuple:
        """IRIs first (by IRI), then literals by language, datatype and text, then blank nodes."""
        if isinstance(node, self.ox.NamedNode):
            return (0, node.value, "", "")
        if isinstance(node, self.ox.Literal):
            return (1, node.language or "", node.datatype.value, node.value)
        # Blank nodes: order by their rendered content, computed without marking them inlined.
        return (2, self.preview(node), "", "")

    def preview(self, node) -> str:
        pairs = sorted((p.value, str(o)) for p, o in self.by_subject.get(node, []))
        return repr(pairs)

    def write(self, header: str = "") -> str:
        blocks = []
        named = sorted(
            (s for s in self.by_subject if isinstance(s, self.ox.NamedNode)), key=lambda s: s.value
        )
        for subject in named:
            blocks.append(
                self.iri(subject.value) + "\n" + self.body(subject, 1, frozenset()) + " ."
            )
        # Blank-node subjects not inlined elsewhere: sorted by their own text for stability.
        rest = [
            s for s in self.by_subject if isinstance(s, self.ox.BlankNode) and self.refs[s] != 1
        ]
        rendered = []
        for subject in rest:
            text = self.body(subject, 1, frozenset({subject}))
            rendered.append((text, subject))
        for text, subject in sorted(rendered, key=lambda pair: pair[0]):
            if self.refs[subject] == 0:
                blocks.append("[]\n" + text + " .")
            else:
                blocks.append(self.term(subject, 0, frozenset({subject})) + "\n" + text + " .")
        prefix_lines = [
            f"@prefix {name}: <{ns}> ." for name, ns in sorted(self.prefixes) if name in self.used
        ]
        parts = [header.rstrip("\n")] if header else []
        if prefix_lines:
            parts.append("\n".join(prefix_lines))
        parts.extend(blocks)
        return "\n\n".join(parts) + "\n"


def serialize(triples: Iterable, prefixes: dict[str, str] | None = None, header: str = "") -> str:
    """Canonical Turtle text for triples (pyoxigraph terms); header is a comment block."""
    return _Writer(triples, prefixes or PREFIXES).write(header)
