"""Derived links: the SPARQL CONSTRUCT rules in ontology/rules/, applied to a fixpoint."""

from __future__ import annotations

from pathlib import Path

from gnlc.paths import RULES_DIR


def rule_files(root: Path) -> list[Path]:
    """The rule files, applied in name order."""
    return sorted((root / RULES_DIR).glob("*.rq"))


def materialise(store, root: Path) -> int:
    """Add every derived triple to store until nothing new appears; return how many were added."""
    import pyoxigraph

    rules = [path.read_text(encoding="utf-8") for path in rule_files(root)]
    before = len(store)
    while True:
        size = len(store)
        for rule in rules:
            derived = list(store.query(rule))
            store.extend(pyoxigraph.Quad(t.subject, t.predicate, t.object) for t in derived)
        if len(store) == size:
            return len(store) - before
