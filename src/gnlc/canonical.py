"""Canonical blank node labels, and the release graph as sorted N-Triples read by subject.

`gnlc.nt` is every triple's N-Triples text, sorted, with blank nodes given canonical labels by
`canonical_blank_nodes`: isomorphic graphs get the same text. Blank nodes that form trees (each
used as an object at most once, no cycle, only such nodes below: what `[ ]` and `( )` in Turtle
make) are labelled from a hash of their content and of their place under their parent, in time
linear in their number, however deep they nest. The others (shared, in cycles) go through
RDFC-1.0, whose cost grows steeply with their number, with each tree below them stood for by its
hash. For the release the text comes from Oxigraph's own dump (one Rust call) instead of a
Python object per triple: only the few triples with a blank node go through canonicalisation
(the labels depend on those alone), and the lines are sorted once; every writer reads that one
sorted list, a subject at a time (`CanonicalGraph`).
"""

from __future__ import annotations

import bisect
import hashlib
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from gnlc.errors import GnlcError

if TYPE_CHECKING:  # pragma: no cover - types only
    import pyoxigraph

_PLACEHOLDER = "urn:x-gnlc-tree:"


def _digest(*parts: str) -> str:
    """SHA-256 (hex) of the parts, each length-prefixed so that no two lists hash alike."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode()
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


def _tree_label(parent: str, predicate: str, content: str, index: int) -> str:
    return "_:t" + _digest(parent, predicate, content, str(index))[:32]


MAX_ENTANGLED_BLANK_NODES = 200
"""Blank nodes that are shared or in cycles (only `_:` labels make them) go through RDFC-1.0,
whose time grows with about the cube of their number (a 400-node cycle takes ~10 s): more are
refused."""


class _Blank:
    """The blank-node structure of triples: edges, uses, and a content hash for each tree."""

    def __init__(self, triples: set[tuple[str, str, str]]) -> None:
        self.plain: set[tuple[str, str, str]] = set()
        self.edges: dict[str, list[tuple[str, str]]] = defaultdict(list)
        self.refs: dict[str, int] = defaultdict(int)
        parents: dict[str, list[str]] = defaultdict(list)
        for s, p, o in triples:
            blank_object = o.startswith("_:")
            if blank_object:
                self.refs[o] += 1
            if s.startswith("_:"):
                self.edges[s].append((p, o))
                if blank_object:
                    parents[o].append(s)
            elif not blank_object:
                self.plain.add((s, p, o))
        self.nodes = set(self.edges) | set(self.refs)
        edges, refs = self.edges, self.refs
        # Bottom up: a node is a tree once all its blank objects are, if it is used at most once.
        pending = {n: sum(1 for _, o in edges.get(n, ()) if o.startswith("_:")) for n in self.nodes}
        ready = [n for n in self.nodes if pending[n] == 0 and refs.get(n, 0) <= 1]
        self.content: dict[str, str] = {}
        while ready:
            node = ready.pop()
            entries = sorted(
                f"{p} [{self.content[o]}]" if o.startswith("_:") else f"{p} {o}"
                for p, o in edges.get(node, ())
            )
            self.content[node] = _digest(*entries)
            for parent in parents.get(node, ()):
                pending[parent] -= 1
                if pending[parent] == 0 and refs.get(parent, 0) <= 1:
                    ready.append(parent)
        self.entangled = self.nodes - self.content.keys()


def entangled_blank_nodes(triples: Iterable[tuple[str, str, str]]) -> set[str]:
    """The blank nodes (N-Triples text) that are shared, in a cycle, or hold such a node."""
    return _Blank(set(triples)).entangled


def canonical_blank_nodes(triples: Iterable[tuple[str, str, str]]) -> set[tuple[str, str, str]]:
    """The triples (terms as N-Triples text) with canonical blank node labels.

    Isomorphic graphs give the same set. Tree-shaped blank nodes are labelled in linear time,
    without recursion; the rest through RDFC-1.0 (see the module docstring), at most
    MAX_ENTANGLED_BLANK_NODES of them.
    """
    triples = set(triples)
    blank = _Blank(triples)
    out, edges, refs, nodes, content = (
        blank.plain,
        blank.edges,
        blank.refs,
        blank.nodes,
        blank.content,
    )
    if not nodes:
        return out
    if len(blank.entangled) > MAX_ENTANGLED_BLANK_NODES:
        raise GnlcError(
            f"{len(blank.entangled)} blank nodes are shared, in cycles or hold such nodes, "
            f"more than {MAX_ENTANGLED_BLANK_NODES}: give them IRIs"
        )
    sample = {hash_: node for node, hash_ in content.items()}

    def emit(node: str, label: str) -> None:
        stack = [(node, label)]
        while stack:
            node, label = stack.pop()
            seen: dict[tuple[str, str], int] = defaultdict(int)
            for p, o in edges.get(node, ()):
                if o.startswith("_:"):
                    key = (p, content[o])
                    child = _tree_label(label, p, key[1], seen[key])
                    seen[key] += 1
                    out.add((label, p, child))
                    stack.append((o, child))
                else:
                    out.add((label, p, o))

    # Trees under IRI subjects, and trees that are used nowhere (roots of their own).
    seen: dict[tuple[str, str, str], int] = defaultdict(int)
    rest: list[tuple[str, str, str]] = []
    groups: dict[tuple[str, str, str], int] = defaultdict(int)
    for s, p, o in triples:
        if s.startswith("_:"):
            if s in content:
                continue
            if o in content:
                groups[(s, p, content[o])] += 1  # one stand-in for identical siblings
            else:
                rest.append((s, p, o))
        elif o.startswith("_:"):
            if o in content:
                key = (s, p, content[o])
                label = _tree_label(s, p, key[2], seen[key])
                seen[key] += 1
                out.add((s, p, label))
                emit(o, label)
            else:
                rest.append((s, p, o))
    for node in nodes:
        if node in content and refs.get(node, 0) == 0:
            key = ("", "", content[node])
            emit(node, _tree_label("", "", key[2], seen[key]))
            seen[key] += 1
    if not rest and not groups:
        return out
    import pyoxigraph

    lines = [f"{s} {p} {o} .\n" for s, p, o in rest]
    lines += [f"{s} {p} <{_PLACEHOLDER}{h}:{n}> .\n" for (s, p, h), n in groups.items()]
    dataset = pyoxigraph.Dataset(
        pyoxigraph.parse("".join(lines).encode(), format=pyoxigraph.RdfFormat.N_TRIPLES)
    )
    dataset.canonicalize(pyoxigraph.CanonicalizationAlgorithm.RDFC_1_0)
    for quad in dataset:
        s, p, o = str(quad.subject), str(quad.predicate), str(quad.object)
        if o.startswith("<" + _PLACEHOLDER):
            hash_, count = o[len(_PLACEHOLDER) + 1 : -1].split(":")
            for index in range(int(count)):
                label = _tree_label(s, p, hash_, index)
                out.add((s, p, label))
                emit(sample[hash_], label)
        else:
            out.add((s, p, o))
    return out


def canonical_triples(triples: Iterable) -> list:
    """pyoxigraph triples (or the quads of a store's default graph) with canonical blank node
    labels, sorted by their N-Triples text: the one canonicalisation helper of the package."""
    import pyoxigraph

    items = [pyoxigraph.Triple(t.subject, t.predicate, t.object) for t in triples]
    kinds = [type(term) for t in items for term in (t.subject, t.object)]
    if pyoxigraph.Triple in kinds:
        # Triple terms (RDF 1.2) hold blank nodes of their own: RDFC-1.0 relabels those too.
        dataset = pyoxigraph.Dataset(
            pyoxigraph.Quad(t.subject, t.predicate, t.object) for t in items
        )
        dataset.canonicalize(pyoxigraph.CanonicalizationAlgorithm.RDFC_1_0)
        items = [pyoxigraph.Triple(q.subject, q.predicate, q.object) for q in dataset]
        return sorted(set(items), key=str)
    if pyoxigraph.BlankNode not in kinds:
        return sorted(set(items), key=str)
    texts = canonical_blank_nodes((str(t.subject), str(t.predicate), str(t.object)) for t in items)
    lines = sorted(f"{s} {p} {o} .\n" for s, p, o in texts)
    return [
        q.triple
        for q in pyoxigraph.parse("".join(lines).encode(), format=pyoxigraph.RdfFormat.N_TRIPLES)
    ]


def _set_apart(block: bytes, special: list[str]) -> bytes:
    """block (whole N-Triples lines, UTF-8) without its lines holding `_:` or `<<`, which are
    appended to special as text (without their line feed). Searched as bytes: much faster than
    in decoded text, which a single Thai character makes two bytes a character wide."""
    spans = set()
    for mark in (b"_:", b"<<"):
        found = block.find(mark)
        while found >= 0:
            begin = block.rfind(b"\n", 0, found) + 1
            end = block.index(b"\n", found) + 1
            spans.add((begin, end))
            found = block.find(mark, end)
    pieces, start = [], 0
    for begin, end in sorted(spans):
        special.append(block[begin : end - 1].decode())
        pieces.append(block[start:begin])
        start = end
    pieces.append(block[start:])
    return b"".join(pieces)


class CanonicalGraph:
    """A store's default graph as its sorted canonical N-Triples lines, read by subject.

    Made in one pass: Oxigraph dumps the graph (one Rust call), the lines with a blank node are
    replaced by their canonically labelled twins, and all lines are sorted once. Sorted lines
    keep each subject's triples together, so a subject is a slice of the list (`spans`). The
    graph is a mapping subject -> [(predicate, object)], terms as N-Triples text (what the
    writers in gnlc.turtle and gnlc.jsonld take), with `refs` (blank node -> uses as an
    object), `count` (triples), `holders` (subjects with a blank node object) and
    `ntriples()` (the sorted text, `gnlc.nt`, in chunks).
    """

    def __init__(self, lines: list[str], blank: list[str] | None = None) -> None:
        """lines: the canonical N-Triples lines (each ending in ' .'), sorted; blank: those of
        them whose object may be a blank node (every line holding `_:`, or more), if known."""
        self.lines = lines
        self.count = len(lines)
        self.spans: dict[str, tuple[int, int]] = {}
        self.refs: dict[str, int] = {}
        # Subjects with a blank node object: the Turtle writer looks for nesting only there.
        self.holders: set[str] = set()
        start, size = 0, len(lines)
        spans, find, index = self.spans, bisect.bisect_left, str.index
        while start < size:
            line = lines[start]
            subject = line[: index(line, " ")]
            # A subject's lines sort together, before `subject!` ('!' follows ' ' and no subject
            # holds a character below it), so one binary search finds where they end.
            end = find(lines, subject + "!", start)
            spans[subject] = (start, end)
            start = end
        for line in [line for line in lines if "_:" in line] if blank is None else blank:
            obj = line.split(" ", 2)[2][:-2]
            if obj.startswith("_:"):
                self.refs[obj] = self.refs.get(obj, 0) + 1
                self.holders.add(line[: line.index(" ")])

    @classmethod
    def from_store(cls, store: pyoxigraph.Store) -> CanonicalGraph:
        """The default graph of store; a GnlcError if it holds named graphs or triple terms,
        which the release cannot write (the loaders refuse both before this)."""
        import pyoxigraph

        if next(iter(store.named_graphs()), None) is not None:
            raise GnlcError("the graph has named graphs; the release holds one graph only")
        lines: list[str] = []
        special: list[str] = []
        # Through a file, a block at a time: the whole text is never held twice.
        with tempfile.TemporaryFile() as scratch:
            store.dump(
                scratch, format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=pyoxigraph.DefaultGraph()
            )
            scratch.seek(0)
            while block := scratch.read(1 << 22):
                block += scratch.readline()  # up to the end of the line
                # Lines with `_:` or `<<` (a blank node or a triple term, or those characters
                # inside a literal or an IRI) are few: found by searching the block, set apart.
                if b"_:" in block or b"<<" in block:
                    block = _set_apart(block, special)
                lines += block.decode().split("\n")[:-1]
        triples: list[tuple[str, str, str]] = []
        for line in special:
            s, p, o = line.split(" ", 2)
            o = o[:-2]
            if s.startswith("<<") or o.startswith("<<"):
                raise GnlcError(
                    "the graph has RDF 1.2 triple terms, which RDF/XML and JSON-LD cannot write"
                )
            if s.startswith("_:") or o.startswith("_:"):
                triples.append((s, p, o))
            else:
                lines.append(line)  # `_:` or `<<` inside a literal or an IRI
        blank: list[str] = []
        if triples:
            # Lines with a blank node give way to their canonically labelled twins.
            blank = [f"{s} {p} {o} ." for s, p, o in canonical_blank_nodes(triples)]
            lines += blank
        # Code point order is the order of the UTF-8 bytes; whole lines sort as their subjects
        # followed by a space do (no subject holds a space), then as the rest of the line.
        lines.sort()
        return cls(lines, blank)

    def __getitem__(self, subject: str) -> list[tuple[str, str]]:
        start, end = self.spans[subject]
        pairs = []
        for line in self.lines[start:end]:
            _, predicate, rest = line.split(" ", 2)
            pairs.append((predicate, rest[:-2]))
        return pairs

    def get(self, subject: str, default=None):
        """The subject's (predicate, object) pairs, or default."""
        if subject not in self.spans:
            return default
        return self[subject]

    def __contains__(self, subject: object) -> bool:
        return subject in self.spans

    def __iter__(self) -> Iterator[str]:
        return iter(self.spans)

    def __len__(self) -> int:
        return len(self.spans)

    def ntriples(self, header: str = "", block: int = 1 << 16) -> Iterator[bytes]:
        """The sorted N-Triples text (`# header` first, if given), in chunks."""
        if header:
            yield f"# {header}\n".encode()
        lines = self.lines
        for start in range(0, len(lines), block):
            yield ("\n".join(lines[start : start + block]) + "\n").encode()
