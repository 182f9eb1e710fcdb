"""`gnlc fmt`: rewrite Turtle sources in canonical form without ever changing their graphs."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from gnlc.errors import GnlcError
from gnlc.loading import parse_file, read_source

FORMATTED_DIRS = ("ontology", "data", "shapes")


def source_files(root: Path, paths: Sequence[Path] = ()) -> list[Path]:
    """The Turtle files fmt looks after: ontology/, data/, shapes/, or the given paths."""
    targets = [Path(p) for p in paths] or [root / d for d in FORMATTED_DIRS]
    files: list[Path] = []
    for target in targets:
        if not target.exists():
            raise GnlcError(f"{target}: no such file or folder")
        files.extend([target] if target.is_file() else sorted(target.rglob("*.ttl")))
    return files


def leading_comments(text: str) -> str:
    """The comment block at the top of a file, which canonical form keeps (e.g. 'generated')."""
    kept = []
    for line in text.splitlines():
        if line.startswith("#"):
            kept.append(line.rstrip())
        else:
            break
    return "\n".join(kept) + "\n" if kept else ""


def canonical_text(path: Path, warnings: list[str] | None = None) -> tuple[str, list]:
    """(canonical Turtle for the file, its parsed triples)."""
    from gnlc.turtle import serialize

    warnings = warnings if warnings is not None else []
    triples = parse_file(path, warnings)
    header = leading_comments(read_source(path, []).decode("utf-8"))
    return serialize(triples, header=header), triples


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
    """Write beside the target and rename, so a reader never sees half a file."""
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
    if not check:
        write_atomic(path, text.encode("utf-8"))
    return True
