"""A read-only index of the release graph for rendering: triples by subject and by object."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gnlc.namespaces import DCTERMS, RDF_TYPE, RDFS, SKOS, short_iri

if TYPE_CHECKING:  # pragma: no cover - types only
    import pyoxigraph

PREF_LABEL = SKOS + "prefLabel"
RDFS_LABEL = RDFS + "label"
SOURCE = DCTERMS + "source"
_THAI_LEADING_VOWELS = "เแโใไ"


@dataclass(frozen=True)
class Value:
    """One RDF term in plain Python: an IRI, a blank node, or a literal."""

    kind: str  # "iri", "bnode" or "literal"
    value: str
    lang: str = ""
    datatype: str = ""

    @property
    def key(self) -> str:
        """The index key: the IRI, or _:label for a blank node."""
        return "_:" + self.value if self.kind == "bnode" else self.value


def value_of(term: pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.Literal) -> Value:
    """A pyoxigraph term as a Value."""
    import pyoxigraph

    if isinstance(term, pyoxigraph.NamedNode):
        return Value("iri", term.value)
    if isinstance(term, pyoxigraph.BlankNode):
        return Value("bnode", term.value)
    return Value("literal", term.value, term.language or "", term.datatype.value)


def sort_key(text: str) -> str:
    """A collation key good enough for Thai and Latin names (Thai leading vowels moved back)."""
    chars = list(text.casefold())
    i = 0
    while i < len(chars) - 1:
        if chars[i] in _THAI_LEADING_VOWELS:
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
            i += 1
        i += 1
    return "".join(chars)


class View:
    """Triples of a store indexed by subject and object, with label look-ups."""

    def __init__(self, store: pyoxigraph.Store) -> None:
        import pyoxigraph

        self.triples: dict[str, list] = defaultdict(list)
        self.out: dict[str, list[tuple[str, Value]]] = defaultdict(list)
        self.incoming: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for quad in store:
            triple = pyoxigraph.Triple(quad.subject, quad.predicate, quad.object)
            subject = value_of(quad.subject).key
            obj = value_of(quad.object)
            self.triples[subject].append(triple)
            self.out[subject].append((quad.predicate.value, obj))
            if obj.kind != "literal":
                self.incoming[obj.key].append((quad.predicate.value, subject))
        # Each subject's objects by predicate, sorted: values() is asked some 200,000 times.
        self.by_predicate: dict[str, dict[str, list[Value]]] = {}
        for key in self.out:
            self.out[key].sort(key=lambda pv: (pv[0], pv[1].kind, pv[1].lang, pv[1].value))
            grouped: dict[str, list[Value]] = defaultdict(list)
            for predicate, value in self.out[key]:
                grouped[predicate].append(value)
            self.by_predicate[key] = dict(grouped)
        self._labels: dict[tuple[str, str], tuple[str, str]] = {}
        self.subnodes: dict[str, list[str]] = defaultdict(list)
        for key in sorted(self.triples):
            base, hash_, _ = key.partition("#")
            if hash_ and not key.startswith("_:"):
                self.subnodes[base].append(key)

    def values(self, subject: str, predicate: str) -> list[Value]:
        """Objects of subject's predicate, sorted."""
        return list(self.by_predicate.get(subject, {}).get(predicate, ()))

    def iris(self, subject: str, predicate: str) -> list[str]:
        """IRI objects of subject's predicate, sorted."""
        return [v.value for v in self.values(subject, predicate) if v.kind == "iri"]

    def first(self, subject: str, predicate: str) -> Value | None:
        """The first object of subject's predicate, or None."""
        found = self.values(subject, predicate)
        return found[0] if found else None

    def iri(self, subject: str, predicate: str) -> str | None:
        """The first IRI object of subject's predicate, or None."""
        found = self.iris(subject, predicate)
        return found[0] if found else None

    def subjects(self, predicate: str, obj: str) -> list[str]:
        """Subjects that have predicate obj, sorted."""
        return sorted({s for p, s in self.incoming.get(obj, []) if p == predicate})

    def types(self, subject: str) -> list[str]:
        """rdf:type IRIs of subject."""
        return self.iris(subject, RDF_TYPE)

    def instances(self, cls: str) -> list[str]:
        """IRIs typed cls (not blank nodes), sorted."""
        return [s for s in self.subjects(RDF_TYPE, cls) if not s.startswith("_:")]

    def literal(self, subject: str, predicate: str, lang: str) -> str | None:
        """The literal of predicate in language lang, or None."""
        for value in self.values(subject, predicate):
            if value.kind == "literal" and value.lang == lang:
                return value.value
        return None

    def label(self, subject: str, lang: str) -> tuple[str, str]:
        """(text, language) of subject's name in lang, else English, else a short IRI form."""
        known = self._labels.get((subject, lang))
        if known is None:
            known = self._labels[(subject, lang)] = self._label(subject, lang)
        return known

    def _label(self, subject: str, lang: str) -> tuple[str, str]:
        for predicate in (PREF_LABEL, RDFS_LABEL, DCTERMS + "title"):
            for wanted in (lang, "en"):
                found = self.literal(subject, predicate, wanted)
                if found is not None:
                    return found, wanted
        return short_iri(subject), ""

    def sources(self, subject: str) -> list[str]:
        """dcterms:source IRIs of a node."""
        return self.iris(subject, SOURCE)

    def description(self, iri: str) -> list:
        """Triples describing iri: its own, its hash sub-nodes', and blank nodes they reach."""
        keys = [iri, *self.subnodes.get(iri, [])]
        seen = set(keys)
        triples = []
        while keys:
            key = keys.pop()
            for triple in self.triples.get(key, []):
                triples.append(triple)
                obj = value_of(triple.object)
                if obj.kind == "bnode" and obj.key not in seen:
                    seen.add(obj.key)
                    keys.append(obj.key)
        return sorted(triples, key=str)
