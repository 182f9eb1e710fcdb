"""void.ttl: VoID and DCAT for the release, describing every file but itself and SHA256SUMS.

The description is queries/release/void.rq, a CONSTRUCT run on the release graph (for the class
partitions) with the dataset's figures and one row per file filled into its VALUES blocks.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, cast

from gnlc import __version__
from gnlc.dumps import GENERATED
from gnlc.errors import GnlcError
from gnlc.namespaces import BASE, DATASET, DIST_BASE, PREFIXES, XSD
from gnlc.paths import MEDIA_TYPES, RELEASE_GRAPH_FILES, VOID_QUERY

if TYPE_CHECKING:  # pragma: no cover - types only
    import pyoxigraph

SPDX = "http://spdx.org/rdf/terms#"
# Prefixes of void.ttl: the project's, and those of the files and class partitions.
VOID_PREFIXES = {**PREFIXES, "spdx": SPDX, "dist": DIST_BASE, "gnlcdataset": DATASET + "#"}


def fill_values(query: str, variables: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """The query with its empty `VALUES (?a ?b) { }` block for variables given rows of terms
    (pyoxigraph terms, or None for UNDEF)."""
    head = "VALUES (" + " ".join(f"?{name}" for name in variables) + ")"
    pattern = re.compile(re.escape(head) + r"\s*\{\s*\}")
    if len(pattern.findall(query)) != 1:
        raise GnlcError(f"{VOID_QUERY}: needs exactly one empty block {head} {{ }}")
    body = " ".join(
        "(" + " ".join("UNDEF" if term is None else str(term) for term in row) + ")" for row in rows
    )
    return pattern.sub(lambda _: f"{head} {{ {body} }}", query)


def void_turtle(
    root: Path,
    files: dict[str, tuple[int, str]],
    store: pyoxigraph.Store,
    date: str,
    graph_triples: int,
) -> str:
    """VoID + DCAT for the files given by name with their (size, SHA-256 hex digest)."""
    import pyoxigraph as ox

    from gnlc.queries import release_query
    from gnlc.turtle import serialize

    def typed(value: object, datatype: str) -> ox.Literal:
        return ox.Literal(str(value), datatype=ox.NamedNode(XSD + datatype))

    query = release_query(root / VOID_QUERY)
    dataset = [typed(date, "date"), ox.Literal(__version__), ox.Literal(BASE)]
    dataset.append(typed(graph_triples, "integer"))
    query = fill_values(query, ("modified", "version", "uriSpace", "triples"), [dataset])
    rows = []
    for name in sorted(files):
        size, digest = files[name]
        file = ox.NamedNode(DIST_BASE + name)
        dump = file if name in RELEASE_GRAPH_FILES else None
        media = ox.Literal(MEDIA_TYPES[name])
        rows.append(
            (
                file,
                ox.Literal(name),
                media,
                typed(size, "integer"),
                typed(digest, "hexBinary"),
                dump,
            )
        )
    query = fill_values(query, ("file", "name", "media", "size", "sha256", "dump"), rows)
    triples = cast(
        "pyoxigraph.QueryTriples", store.query(query, base_iri=DATASET, prefixes=PREFIXES)
    )
    return serialize(triples, prefixes=VOID_PREFIXES, header=f"# {GENERATED}\n")
