"""The floor for `gnlc build`: a process that only parses the sources with Oxigraph and writes
them in four syntaxes.

Usage: python benchmarks/floor.py [--update FILE.ru]... OUT_DIR FILE...

No rules, no validation, no sorting, no compaction: Oxigraph's own parsers into one store, then
its own serializers for N-Triples, Turtle, RDF/XML and JSON-LD. What `gnlc build` does on top
(derived links, SHACL, canonical labels and order, compacted JSON-LD, the other release files)
is measured against this. It imports pyoxigraph only, so start-up is Python's and pyoxigraph's.

With --update (SPARQL updates, each run once, in order: the project's rules as INSERTs) the
store holds the same graph as the release before it is written: the floor for writing the
graph `gnlc build` writes, which the derived links make about 2.6 times larger than the sources.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pyoxigraph as ox

FORMATS = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES}
FORMATS |= {".jsonld": ox.RdfFormat.JSON_LD, ".rdf": ox.RdfFormat.RDF_XML}
OUTPUTS = (("gnlc.nt", ".nt"), ("gnlc.ttl", ".ttl"), ("gnlc.rdf", ".rdf"))
OUTPUTS += (("gnlc.jsonld", ".jsonld"),)


def main(argv: list[str]) -> int:
    """Parse every file into one store, run the updates, write the four dumps into OUT_DIR."""
    updates = []
    while argv and argv[0] == "--update":
        updates.append(Path(argv[1]).read_text(encoding="utf-8"))
        argv = argv[2:]
    out = Path(argv[0])
    out.mkdir(parents=True, exist_ok=True)
    store = ox.Store()
    for name in argv[1:]:
        path = Path(name)
        store.bulk_load(path=path, format=FORMATS[path.suffix], to_graph=ox.DefaultGraph())
    for update in updates:
        store.update(update)
    for name, suffix in OUTPUTS:
        store.dump(out / name, format=FORMATS[suffix], from_graph=ox.DefaultGraph())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
