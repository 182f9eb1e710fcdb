"""Compacted JSON-LD with the project's context inline, written deterministically.

The compaction is done here (not by a general JSON-LD processor) because the context is ours and
fixed: each value takes the one term whose coercion fits it, else a compact IRI key with a typed
value object. Tests parse the output back and compare graphs with the N-Triples dump.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


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

    def expand(self, value: str) -> str:
        """A compact IRI from the context, expanded."""
        prefix, sep, local = value.partition(":")
        if sep and prefix in self.prefixes:
            return self.prefixes[prefix] + local
        return value

    def compact_iri(self, iri: str) -> str:
        """The shortest prefix:local form, or the IRI itself."""
        best = iri
        for name, ns in self.prefixes.items():
            if iri.startswith(ns) and len(iri) > len(ns):
                candidate = f"{name}:{iri[len(ns) :]}"
                if len(candidate) < len(best) and "/" not in iri[len(ns) :]:
                    best = candidate
        return best

    def key_and_value(self, predicate: str, obj) -> tuple[str, object, bool]:
        """(key, JSON value, is_language_map) for one object of predicate."""
        import pyoxigraph

        is_iri = isinstance(obj, (pyoxigraph.NamedNode, pyoxigraph.BlankNode))
        for term, definition in self.terms.get(predicate, []):
            kind = definition.get("@type")
            container = definition.get("@container")
            if is_iri and kind == "@id" and not container:
                return term, self.node_ref(obj), False
            if is_iri or not definition:
                continue
            if container == "@language" and obj.language:
                return term, (obj.language, obj.value), True
            plain = not container and not obj.language
            if plain and kind and kind != "@id" and self.expand(kind) == obj.datatype.value:
                return term, obj.value, False
            if plain and not kind and obj.datatype.value == _XSD_STRING:
                return term, obj.value, False
        key = self.compact_iri(predicate)
        if is_iri:
            return key, {"@id": self.node_ref(obj)}, False
        if obj.language:
            return key, {"@value": obj.value, "@language": obj.language}, False
        if obj.datatype.value == _XSD_STRING:
            return key, obj.value, False
        return key, {"@value": obj.value, "@type": self.compact_iri(obj.datatype.value)}, False

    def node_ref(self, node) -> str:
        """An @id string for a node."""
        import pyoxigraph

        if isinstance(node, pyoxigraph.BlankNode):
            return f"_:{node.value}"
        compacted = self.compact_iri(node.value)
        relative = node.value[len(self.base) :]
        # Relative to @base, unless the remainder could be read as a compact IRI or scheme.
        under_base = bool(self.base) and node.value.startswith(self.base)
        if (
            compacted == node.value
            and under_base
            and relative
            and ":" not in relative.split("/")[0]
        ):
            return relative
        return compacted


def _sort_key(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def to_jsonld(triples: list, context_path: Path) -> str:
    """The compacted JSON-LD document: context inline, nodes sorted by @id."""
    context = json.loads(context_path.read_text(encoding="utf-8"))
    compactor = Compactor(context)
    nodes: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    langs: dict[str, dict[str, dict[str, list]]] = defaultdict(lambda: defaultdict(dict))
    for t in triples:
        node_id = compactor.node_ref(t.subject)
        if (
            t.predicate.value == _RDF_TYPE
            and hasattr(t.object, "value")
            and not hasattr(t.object, "datatype")
        ):
            import pyoxigraph

            if isinstance(t.object, pyoxigraph.NamedNode):
                iri = t.object.value
                nodes[node_id]["type"].append(
                    compactor.class_terms.get(iri) or compactor.compact_iri(iri)
                )
                continue
        key, value, is_map = compactor.key_and_value(t.predicate.value, t.object)
        if is_map:
            lang, text = value
            langs[node_id][key].setdefault(lang, []).append(text)
            nodes[node_id].setdefault(key, [])
        else:
            nodes[node_id][key].append(value)
    graph = []
    for node_id in sorted(nodes):
        obj: dict[str, object] = {"id": node_id}
        for key in sorted(nodes[node_id], key=lambda k: (k != "type", k)):
            if key in langs[node_id]:
                obj[key] = {
                    lang: (sorted(v) if len(v) > 1 else v[0])
                    for lang, v in sorted(langs[node_id][key].items())
                }
                continue
            values = sorted(nodes[node_id][key], key=_sort_key)
            obj[key] = values[0] if len(values) == 1 else values
        graph.append(obj)
    document = {"@context": context["@context"], "@graph": graph}
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"
