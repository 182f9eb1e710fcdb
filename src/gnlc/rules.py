"""Derived links: the SPARQL CONSTRUCT rules in ontology/rules/, applied to a fixpoint."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, cast

from gnlc.paths import RULES_DIR

if TYPE_CHECKING:  # pragma: no cover - types only
    import pyoxigraph

# The prologue of a query (comments, PREFIX and BASE declarations), then the CONSTRUCT keyword
# and its template's opening brace.
_PROLOGUE = re.compile(
    r"(?:\s+|#[^\n]*\n?|PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>)*", re.IGNORECASE
)
_CONSTRUCT = re.compile(r"CONSTRUCT(?=(?:\s|#[^\n]*\n)*\{)", re.IGNORECASE)


def rule_files(root: Path) -> list[Path]:
    """The rule files, applied in name order."""
    return sorted(p for p in (root / RULES_DIR).glob("*.rq") if p.is_file())


def as_update(rule: str) -> str | None:
    """The rule `CONSTRUCT {T} WHERE {P}` as the update `INSERT {T} WHERE {P}`, else None."""
    prologue = _PROLOGUE.match(rule)
    start = prologue.end() if prologue else 0
    keyword = _CONSTRUCT.match(rule, start)
    if keyword is None:
        return None
    return rule[:start] + "INSERT" + rule[keyword.end() :]


def read_rule(path: Path) -> str:
    """A rule's text, refused with one located line unless it parses as a CONSTRUCT query."""
    import pyoxigraph

    from gnlc.errors import GnlcError
    from gnlc.queries import load_query, sparql_syntax_error

    text = load_query(path).text
    try:
        result = pyoxigraph.Store().query(text)
    except SyntaxError as exc:
        raise sparql_syntax_error(path, exc) from None
    if not isinstance(result, pyoxigraph.QueryTriples):
        raise GnlcError(f"{path}: a rule must be a CONSTRUCT query")
    return text


def materialise(store: pyoxigraph.Store, root: Path) -> int:
    """Add every derived triple to store until nothing new appears; return how many were added."""
    import pyoxigraph

    paths = rule_files(root)
    rules = [read_rule(path) for path in paths]
    # An INSERT runs inside Oxigraph, without a Python object per derived triple; a rule that
    # cannot be rewritten (or whose rewrite the parser refuses) runs as a CONSTRUCT.
    updates: list[str | None] = [as_update(rule) for rule in rules]
    before = len(store)
    while True:
        size = len(store)
        for index, rule in enumerate(rules):
            update = updates[index]
            if update is not None:
                try:
                    store.update(update)
                    continue
                except SyntaxError:
                    updates[index] = None
            derived = cast(pyoxigraph.QueryTriples, store.query(rule))  # read_rule: a CONSTRUCT
            store.extend(pyoxigraph.Quad(t.subject, t.predicate, t.object) for t in derived)
        if len(store) == size:
            return len(store) - before
