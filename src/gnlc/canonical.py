"""The release graph as sorted N-Triples with RDFC-1.0 blank node labels, read by subject.

`gnlc.nt` is every triple's N-Triples text, sorted, with blank nodes relabelled by RDFC-1.0.
Here that text comes from Oxigraph's own dump (one Rust call) instead of a Python object per
triple: only the few triples with a blank node go through canonicalisation (the labels depend on
those alone), and the dump is kept as one bytes object, indexed by subject, that the Turtle and
JSON-LD writers read one subject at a time.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterator

# Triples that need more than the dump: a blank node (relabelled) or a triple term (fallback).
_SPECIAL = """CONSTRUCT { ?s ?p ?o } WHERE {
  ?s ?p ?o FILTER (isBlank(?s) || isBlank(?o) || isTRIPLE(?s) || isTRIPLE(?o))
}"""


def _blank_object(line: str) -> bool:
    return line.split(" ", 2)[2].startswith("_:")


class CanonicalGraph:
    """A store's default graph as canonical N-Triples lines grouped by subject.

    A mapping subject -> [(predicate, object)], terms as N-Triples text (what the writers in
    gnlc.turtle and gnlc.jsonld take), plus `refs` (blank node -> uses as an object), `count`
    (triples) and `ntriples()` (the sorted text in chunks).
    """

    def __init__(self, dump: bytes, spans: dict, extra: dict, count: int, blank: bool) -> None:
        self.dump = dump
        self.spans = spans
        self.extra = extra
        self.count = count
        self.blank = blank
        self.refs: dict[str, int] = {}
        for lines in extra.values():
            for line in lines:
                obj = line.split(" ", 2)[2][:-2]
                if obj.startswith("_:"):
                    self.refs[obj] = self.refs.get(obj, 0) + 1

    @classmethod
    def from_store(cls, store) -> CanonicalGraph | None:
        """The graph of store, or None if it has named graphs or triple terms (not handled)."""
        import pyoxigraph

        if next(iter(store.named_graphs()), None) is not None:
            return None
        special = list(store.query(_SPECIAL))
        triple = pyoxigraph.Triple
        if any(isinstance(t.subject, triple) or isinstance(t.object, triple) for t in special):
            return None
        # Through a file: dumping to bytes would hold the text twice while it is copied.
        with tempfile.TemporaryFile() as scratch:
            store.dump(
                scratch,
                format=pyoxigraph.RdfFormat.N_TRIPLES,
                from_graph=pyoxigraph.DefaultGraph(),
            )
            scratch.seek(0)
            dump = scratch.read()
        spans: dict[str, list[tuple[int, int]]] = {}
        lines = left_out = position = start = 0
        prefix = b""
        subject: str | None = None
        for line in io.BytesIO(dump):
            # Oxigraph dumps a subject's triples together; a subject seen twice gets two spans.
            if not prefix or not line.startswith(prefix):
                if subject is not None:
                    spans.setdefault(subject, []).append((start, position))
                cut = line.index(b" ")
                prefix, start = line[: cut + 1], position
                # Blank node subjects come from the canonicalised copy instead.
                subject = None if line.startswith(b"_:") else line[:cut].decode()
            position += len(line)
            lines += 1
            if subject is None or (special and b"_:" in line and _blank_object(line.decode())):
                left_out += 1
        if subject is not None:
            spans.setdefault(subject, []).append((start, position))
        extra: dict[str, list[str]] = {}
        if special:
            dataset = pyoxigraph.Dataset(
                pyoxigraph.Quad(t.subject, t.predicate, t.object) for t in special
            )
            dataset.canonicalize(pyoxigraph.CanonicalizationAlgorithm.RDFC_1_0)
            for quad in dataset:
                text = f"{pyoxigraph.Triple(quad.subject, quad.predicate, quad.object)} ."
                extra.setdefault(str(quad.subject), []).append(text)
        count = lines - left_out + sum(len(v) for v in extra.values())
        return cls(dump, spans, extra, count, bool(special))

    def lines(self, subject: str) -> list[str]:
        """The N-Triples lines (each ending in ' .') whose subject is subject."""
        out = []
        for start, end in self.spans.get(subject, ()):
            for line in self.dump[start:end].decode().split("\n")[:-1]:
                if not (self.blank and "_:" in line and _blank_object(line)):
                    out.append(line)
        out.extend(self.extra.get(subject, ()))
        return out

    def __getitem__(self, subject: str) -> list[tuple[str, str]]:
        if subject not in self:
            raise KeyError(subject)
        pairs = []
        for line in self.lines(subject):
            _, predicate, rest = line.split(" ", 2)
            pairs.append((predicate, rest[:-2]))
        return pairs

    def get(self, subject: str, default=None):
        """The subject's (predicate, object) pairs, or default."""
        try:
            return self[subject]
        except KeyError:
            return default

    def __contains__(self, subject: object) -> bool:
        return subject in self.spans or subject in self.extra

    def __iter__(self) -> Iterator[str]:
        yield from self.spans
        yield from (s for s in self.extra if s not in self.spans)

    def __len__(self) -> int:
        return len(self.spans) + sum(1 for s in self.extra if s not in self.spans)

    def ntriples(self) -> Iterator[bytes]:
        """The sorted N-Triples text (lines as str(triple) + ' .'), in chunks."""
        # Lines of different subjects compare as their subjects followed by a space do.
        for subject in sorted(self, key=lambda s: s + " "):
            # str order is code point order, the order of the UTF-8 bytes.
            yield ("\n".join(sorted(self.lines(subject))) + "\n").encode()
