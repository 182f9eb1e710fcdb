"""Derived links: the SPARQL CONSTRUCT rules in ontology/rules/, applied to a fixpoint."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, cast

from gnlc.federation import refuse_service
from gnlc.paths import rule_files
from gnlc.queries import PROLOGUE as _PROLOGUE

if TYPE_CHECKING:  # pragma: no cover - types only
    import pyoxigraph

# After the prologue (queries.PROLOGUE): the CONSTRUCT keyword and its template's opening brace.
_CONSTRUCT = re.compile(r"CONSTRUCT(?=(?:\s|#[^\n]*\n)*\{)", re.IGNORECASE)


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
    refuse_service(path, text, "rule")
    try:
        result = pyoxigraph.Store().query(text)
    except SyntaxError as exc:
        raise sparql_syntax_error(path, exc) from None
    if not isinstance(result, pyoxigraph.QueryTriples):
        raise GnlcError(f"{path}: a rule must be a CONSTRUCT query")
    return text


def _template_end(rule: str, start: int) -> int | None:
    """The index just past the `}` closing the template whose `{` is the first at or after start.

    Strings, IRIs and comments are skipped, so braces inside them do not count.
    """
    depth = 0
    index = rule.find("{", start)
    while 0 <= index < len(rule):
        char = rule[index]
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return index + 1
        elif char == "#":
            index = rule.find("\n", index)
            if index < 0:
                return None
        elif char in "<\"'":
            quote = ">" if char == "<" else char
            long = char != "<" and rule.startswith(char * 3, index)
            end = rule.find(char * 3, index + 3) if long else index + 1
            end = -1 if end < 0 else end + (2 if long else 0)
            while not long and end < len(rule) and rule[end] != quote:
                end += 2 if rule[end] == "\\" else 1
            if end < 0 or end >= len(rule):
                return None
            index = end
        index += 1
    return None


def as_ask(rule: str) -> str | None:
    """`ASK` whether the rule `CONSTRUCT {T} WHERE {P}` would add a triple, else None if unsure.

    A template with blank nodes always adds (fresh nodes each time), so it gets no such test.
    """
    prologue = _PROLOGUE.match(rule)  # matches at least the empty string
    start = prologue.end() if prologue else 0
    keyword = _CONSTRUCT.match(rule, start)
    if keyword is None:
        return None
    end = _template_end(rule, keyword.end())
    if end is None:
        return None
    template = rule[rule.index("{", keyword.end()) + 1 : end - 1]
    if "[" in template or "_:" in template:
        return None
    pattern = rule[end:]
    return f"{rule[:start]}ASK {{ {{ SELECT * {pattern}\n}} FILTER NOT EXISTS {{ {template}\n}} }}"


def materialise(store: pyoxigraph.Store, root: Path) -> int:
    """Add every derived triple to store until nothing new appears; return how many were added."""
    import pyoxigraph

    paths = rule_files(root)
    rules = [read_rule(path) for path in paths]
    # An INSERT runs inside Oxigraph, without a Python object per derived triple; a rule that
    # cannot be rewritten (or whose rewrite the parser refuses) runs as a CONSTRUCT.
    updates: list[str | None] = [as_update(rule) for rule in rules]
    asks: list[str | None] = [as_ask(rule) for rule in rules]
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
            # read_rule: a CONSTRUCT; read all before adding to the store being queried
            derived = list(cast(pyoxigraph.QueryTriples, store.query(rule)))
            store.extend(pyoxigraph.Quad(t.subject, t.predicate, t.object) for t in derived)
        if len(store) == size or not _would_add(store, asks):
            return len(store) - before


def _would_add(store: pyoxigraph.Store, asks: list[str | None]) -> bool:
    """Whether another pass could add a triple: asking costs about half a pass that adds none."""
    for ask in asks:
        if ask is None:
            return True
        try:
            if store.query(ask):
                return True
        except SyntaxError:
            return True
    return False
