"""Finding SPARQL `SERVICE` calls, which make the engine fetch from other servers."""

from __future__ import annotations

import re

# Oxigraph's parser reads the keyword as any 7 characters equal to SERVICE ignoring ASCII case,
# then optional blanks and comments, SILENT, a variable or IRI, and `{` (ServiceGraphPattern is
# the only rule that reads it). A lexer cannot tell where it is code (`<` opens an IRI or
# compares, and the parser backtracks), so every place the text could be read that way counts:
# a loose superset of the grammar that, unlike a plain substring test, lets `?service ?p ?o`
# and `schema:serviceType` through. Only a string, IRI or comment shaped exactly like a SERVICE
# call is refused without being one.
_GAP = r"(?:\s|#[^\r\n]*)*"
# A prefix never holds a colon (PN_PREFIX): with `[^\s{#<]*:` a run of colons could be split
# between prefix and local part in n ways at each of n places, and a 200 kB comment of colons
# after "SERVICE" took minutes (quadratic backtracking); now the work is linear in the text.
_VAR_OR_IRI = r"(?:[?$][^\s{#]*|<[^>]*>|[^\s{#<:]*:(?:[^\s{#\\]|\\.)*)"
_CALL = re.compile(
    rf"service{_GAP}(?:(?P<silent>silent){_GAP})?{_VAR_OR_IRI}{_GAP}\{{", re.IGNORECASE | re.ASCII
)
_WORD = re.compile("service", re.IGNORECASE | re.ASCII)
# Each place is tried once; past this many the text is refused without trying (bounded work).
MAX_MENTIONS = 50
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def _unescaped(text: str) -> str:
    # SPARQL 1.1 allows \uXXXX anywhere in a query, decoded before parsing (an engine built
    # with that option would read \u0053ERVICE as SERVICE), so the decoded text is checked too.
    def decode(match: re.Match) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code < 0x110000 and not 0xD800 <= code < 0xE000 else match.group(0)

    return _CODEPOINT.sub(decode, text)


def _calls(text: str) -> bool:
    starts = [m.start() for m in _WORD.finditer(text)]
    if len(starts) > MAX_MENTIONS:
        return True
    return any(_CALL.match(text, start) for start in starts)


def uses_service(text: str) -> bool:
    """True when the query may contain a SERVICE call (a federated query)."""
    return _calls(text) or ("\\" in text and _calls(_unescaped(text)))


def without_service(text: str) -> str:
    """The query with each possible SERVICE call read as GRAPH, for checks that evaluate it.

    pyoxigraph has no parse-only call: checking a query's syntax or form means running it on
    an empty store, and a SERVICE call in it would still fetch. GRAPH takes the same operands,
    so the text stays valid exactly when it was; padding keeps line:column places in place.
    """
    out = list(text)
    for start in (m.start() for m in _WORD.finditer(text)):
        call = _CALL.match(text, start)
        if call is None or out[start] != text[start]:
            continue
        out[start : start + 7] = "GRAPH  "
        if call.group("silent") is not None:
            first, last = call.span("silent")
            out[first:last] = " " * (last - first)
    return "".join(out)


def refuse_service(path: object, text: str, what: str) -> None:
    """A rule, check or release query that calls SERVICE is refused before it runs: it would
    fetch from the servers it names while data is validated or built (a pull request adding
    one made CI's `gnlc validate` send requests), and checking its syntax already means
    running it."""
    from gnlc.errors import GnlcError, shown

    if uses_service(text):
        raise GnlcError(
            f"{shown(path)}: a {what} may not use SERVICE: {what}s run on the project's own "
            "graph, and SERVICE would fetch from the servers it names"
        )
