"""Compacted JSON-LD with the project's context inline, written deterministically.

The compaction is done here (not by a general JSON-LD processor) because the context is ours and
fixed: each value takes the one term whose coercion fits it, else a compact IRI key with a typed
value object. Tests parse the output back and compare graphs with the N-Triples dump.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from gnlc.namespaces import LOCAL_NAME, RDF_TYPE, XSD
from gnlc.turtle import is_iri, literal_parts, unescape_string

_encode = json.encoder.encode_basestring

_XSD_STRING = XSD + "string"
# A relative path of plain segments (no dot segments, empty segments, colon, percent sign or
# query), perhaps with a plain fragment: against a base ending in '/' (without query or
# fragment) it resolves to base + path by RFC 3986 and by urljoin alike, so resolves_to need
# not parse it.
_PLAIN_PATH = re.compile(
    r"[A-Za-z0-9_~-][A-Za-z0-9_~.-]*(?:/[A-Za-z0-9_~-][A-Za-z0-9_~.-]*)*/?(?:#[A-Za-z0-9_~.-]*)?"
)
_RDF_TYPE = RDF_TYPE


class Compactor:
    """Chooses keys and value forms from a JSON-LD context."""

    def __init__(self, context: dict) -> None:
        ctx = context["@context"]
        self.base = ctx.get("@base", "")
        self.prefixes = {
            k: v
            for k, v in ctx.items()
            if not k.startswith("@") and isinstance(v, str) and v.endswith(("/", "#"))
        }
        self.terms: dict[str, list[tuple[str, dict]]] = defaultdict(list)
        self.class_terms: dict[str, str] = {}
        for key, value in ctx.items():
            if key.startswith("@") or key in self.prefixes:
                continue
            if isinstance(value, str):
                if value.startswith("@"):
                    continue
                iri = self.expand(value)
                self.class_terms[iri] = key
                self.terms[iri].append((key, {"@id": value}))
            else:
                self.terms[self.expand(value["@id"])].append((key, value))
        # A base that plain relative paths resolve against by appending them.
        self.plain_base = (
            self.base.endswith("/")
            and "?" not in self.base
            and "#" not in self.base
            and resolves_to(self.base, "a/b", self.base + "a/b")
        )
        self._by_namespace: dict[str, str] = {}
        for name, ns in sorted(self.prefixes.items(), key=lambda item: (len(item[0]), item[0])):
            self._by_namespace.setdefault(ns, name)
        self._compacted: dict[str, str] = {}
        self._refs: dict[str, str] = {}
        self._recipes: dict[tuple, tuple] = {}
        self.shared: dict[tuple[str, str], tuple[str, object]] = {}

    def expand(self, value: str) -> str:
        """A compact IRI from the context, expanded."""
        prefix, sep, local = value.partition(":")
        if sep and prefix in self.prefixes:
            return self.prefixes[prefix] + local
        return value

    def compact_iri(self, iri: str) -> str:
        """The shortest prefix:local form, or the IRI itself."""
        known = self._compacted.get(iri)
        if known is None:
            known = self._compacted[iri] = self._compact_iri(iri)
        return known

    def _compact_iri(self, iri: str) -> str:
        # Every namespace here ends in '/' or '#' and a local name holds neither, so the one
        # namespace that can fit is the IRI up to its last '/' or '#': one lookup gives
        # compact_iri's answer (the shortest name of that namespace, the first in name order).
        end = max(iri.rfind("/"), iri.rfind("#")) + 1
        name = self._by_namespace.get(iri[:end]) if end else None
        if name is not None and LOCAL_NAME.fullmatch(iri, end):
            return f"{name}:{iri[end:]}"
        return iri

    def key_and_value(self, predicate: str, obj: str) -> tuple[str, object, bool]:
        """(key, JSON value, is_language_map) for one object (N-Triples text) of predicate."""
        is_node = obj[0] == "_" or is_iri(obj)
        # The choice depends only on the predicate and the object's kind, language and datatype.
        if is_node:
            lexical, language, signature = "", None, (predicate, True, False, "")
        else:
            lexical, language, datatype = literal_parts(obj)
            signature = (predicate, False, bool(language), datatype)
        recipe = self._recipes.get(signature)
        if recipe is None:
            recipe = self._recipes[signature] = self._recipe(*signature)
        form, key = recipe[0], recipe[1]
        if form == "ref":
            return key, self.node_ref(obj), False
        if form == "id":
            return key, {"@id": self.node_ref(obj)}, False
        value = unescape_string(lexical)
        if form == "map":
            return key, (language, value), True
        if form == "plain":
            return key, value, False
        if form == "lang":
            return key, {"@value": value, "@language": language}, False
        return key, {"@value": value, "@type": recipe[2]}, False

    def _recipe(self, predicate: str, is_iri: bool, tagged: bool, datatype: str) -> tuple:
        for term, definition in self.terms.get(predicate, []):
            kind = definition.get("@type")
            container = definition.get("@container")
            if is_iri and kind == "@id" and not container:
                return ("ref", term)
            if is_iri or not definition:
                continue
            if container == "@language" and tagged:
                return ("map", term)
            plain = not container and not tagged
            if plain and kind and kind != "@id" and self.expand(kind) == datatype:
                return ("plain", term)
            if plain and not kind and datatype == _XSD_STRING:
                return ("plain", term)
        key = self.compact_iri(predicate)
        if is_iri:
            return ("id", key)
        if tagged:
            return ("lang", key)
        if datatype == _XSD_STRING:
            return ("plain", key)
        return ("typed", key, self.compact_iri(datatype))

    def node_ref(self, node: str) -> str:
        """An @id string for a node (its N-Triples text)."""
        if node.startswith("_:"):
            return node
        known = self._refs.get(node)
        if known is None:
            known = self._refs[node] = self._iri_ref(node[1:-1])
        return known

    def _iri_ref(self, value: str) -> str:
        compacted = self.compact_iri(value)
        relative = value[len(self.base) :]
        # Relative to @base, unless the remainder could be read as a compact IRI or scheme, or
        # resolving it against @base would not give the IRI back (`//x`, `../x`, `a//b`).
        under_base = bool(self.base) and value.startswith(self.base)
        if (
            compacted == value
            and under_base
            and relative
            and ":" not in relative.split("/")[0]
            and (
                (self.plain_base and _PLAIN_PATH.fullmatch(relative) is not None)
                or resolves_to(self.base, relative, value)
            )
        ):
            return relative
        return compacted


def resolves_to(base: str, relative: str, iri: str) -> bool:
    """True when both RFC 3986 resolution (Oxigraph, as JSON-LD processors resolve) and
    Python's urljoin (as rdflib resolves; it drops empty segments) turn relative into iri."""
    from urllib.parse import urljoin

    import pyoxigraph

    if urljoin(base, relative) != iri:
        return False
    if any(char in relative for char in '<>"{}|^`\\ '):
        return False
    document = f"<{relative}> <{relative}> <{relative}> .".encode()
    try:
        (quad,) = pyoxigraph.parse(document, format=pyoxigraph.RdfFormat.TURTLE, base_iri=base)
    except (SyntaxError, ValueError):
        return False
    return quad.subject.value == iri


def _sort_key(value: object) -> str:
    if type(value) is str:
        known = _STRING_KEYS.get(value)
        if known is None:
            if len(_STRING_KEYS) > 100_000:
                _STRING_KEYS.clear()
            known = _STRING_KEYS[value] = json.dumps(value, ensure_ascii=False)
        return known
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


_STRING_KEYS: dict[str, str] = {}


def _node(compactor: Compactor, pairs) -> dict[str, object]:
    """One node object (without its id) from its (predicate, object) pairs, as N-Triples text."""
    values: dict[str, list] = defaultdict(list)
    langs: dict[str, dict[str, list]] = defaultdict(dict)
    # Nodes repeat across subjects (types, countries, SDGs): their (key, value) is reused.
    shared = compactor.shared
    for predicate, obj in pairs:
        known = shared.get((predicate, obj)) if obj[0] == "<" else None
        if known is not None:
            values[known[0]].append(known[1])
            continue
        iri = predicate[1:-1]
        if iri == _RDF_TYPE and is_iri(obj):
            value = obj[1:-1]
            key, value = "type", compactor.class_terms.get(value) or compactor.compact_iri(value)
            is_map = False
        else:
            key, value, is_map = compactor.key_and_value(iri, obj)
        if obj[0] == "<" and not is_map:
            if len(shared) > 200_000:
                shared.clear()
            shared[(predicate, obj)] = (key, value)
        if is_map:
            lang, text = value
            langs[key].setdefault(lang, []).append(text)
            values.setdefault(key, [])
        else:
            values[key].append(value)
    out: dict[str, object] = {}
    for key in sorted(values, key=lambda k: (k != "type", k)):
        if key in langs:
            out[key] = {
                lang: (sorted(v) if len(v) > 1 else v[0]) for lang, v in sorted(langs[key].items())
            }
            continue
        found = values[key]
        if len(found) == 1:
            out[key] = found[0]
        else:
            out[key] = sorted(found, key=_sort_key)
    return out


def _dumps(value: object, level: int) -> str:
    """json.dumps(value, ensure_ascii=False, indent=1) at an indent level, with the C encoder."""
    if isinstance(value, str):
        return _encode(value)
    if isinstance(value, dict):
        if not value:
            return "{}"
        inner = "\n" + " " * (level + 1)
        items = (
            f"{_encode(k)}: {_encode(v) if type(v) is str else _dumps(v, level + 1)}"
            for k, v in value.items()
        )
        return "{" + inner + ("," + inner).join(items) + "\n" + " " * level + "}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        inner = "\n" + " " * (level + 1)
        items = (_encode(v) if type(v) is str else _dumps(v, level + 1) for v in value)
        return "[" + inner + ("," + inner).join(items) + "\n" + " " * level + "]"
    return json.dumps(value, ensure_ascii=False, indent=1).replace("\n", "\n" + " " * level)


def to_jsonld(triples: list, context_path: Path) -> str:
    """The compacted JSON-LD document: context inline, nodes sorted by @id."""
    by_subject: dict = defaultdict(list)
    for t in triples:
        by_subject[str(t.subject)].append((str(t.predicate), str(t.object)))
    return "".join(_document(by_subject, context_path))


def to_jsonld_chunks(by_subject, context_path: Path) -> Iterator[bytes]:
    """to_jsonld() for triples grouped by subject as N-Triples text (any mapping subject ->
    [(predicate, object)], such as a CanonicalGraph), as UTF-8 chunks, one node at a time."""
    return (part.encode() for part in _document(by_subject, context_path))


def _document(by_subject, context_path: Path) -> Iterator[str]:
    from gnlc.paths import read_context

    context = json.loads(read_context(context_path).decode("utf-8"))
    compactor = Compactor(context)
    # Subjects that compact to the same @id make one node, their triples in subject order.
    ids: dict[str, list] = defaultdict(list)
    for subject in by_subject:
        ids[compactor.node_ref(subject)].append(subject)
    head = "{\n " + _encode("@context") + ": " + _dumps(context["@context"], 1) + ",\n "
    head += _encode("@graph") + ": "
    if not ids:
        yield head + "[]\n}\n"
        return
    separator = "[\n  "
    for node_id in sorted(ids):
        pairs = [pair for subject in ids[node_id] for pair in by_subject[subject]]
        node = {"id": node_id, **_node(compactor, pairs)}
        yield (head if separator == "[\n  " else "") + separator + _dumps(node, 2)
        separator = ",\n  "
    yield "\n ]\n}\n"
