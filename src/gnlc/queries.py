"""Named SPARQL queries: headers, parameters bound as RDF terms, local and remote runs."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from gnlc.errors import GnlcError
from gnlc.namespaces import PREFIXES, XSD
from gnlc.paths import MAX_QUERY_BYTES, QUERIES_DIR, query_files, read_regular

if TYPE_CHECKING:  # pragma: no cover - types only
    from collections.abc import Mapping

    import pyoxigraph

    Term = pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.Literal | pyoxigraph.Triple

NAME = re.compile(r"^[a-z0-9-]+$")
_HEADER = re.compile(r"^#\s*([a-z_-]+):\s?(.*)$")
# The prologue of a query (comments, PREFIX and BASE declarations); matches at least "".
PROLOGUE = re.compile(
    r"(?:\s+|#[^\n]*\n?|PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>)*", re.IGNORECASE
)
UNBOUND = "*"  # as a parameter value: "all" (the parameter stays unbound)
_RANGE = re.compile(r"^(?P<kind>[^\[]+)\[(?P<low>-?[0-9]+)\.\.(?P<high>-?[0-9]+)\]$")
# Keywords an update request starts with (SPARQL 1.1 Update); gnlc only reads. This pattern
# and the three before _undeclared_prefix serve error messages only: they are patterns, not
# compiled ones, so that a query that parses never compiles them (re compiles and caches them
# on first use; compiling all at import cost every `gnlc query` about 1 ms).
_UPDATE = (
    r"^\s*(?:(?:PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*"
    r"(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b"
)
MAX_NAME = 255  # the longest file name most file systems allow
_LEXICAL = {  # compiled on first use (re caches them)
    "xsd:gYear": r"^-?[0-9]{4,}$",
    "xsd:integer": r"^[+-]?[0-9]+$",
    "xsd:decimal": r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$",
    "xsd:date": r"^-?[0-9]{4,}-[0-9]{2}-[0-9]{2}$",
    "xsd:boolean": r"^(true|false|0|1)$",
}


class Param(NamedTuple):
    """One declared parameter: `# param: NAME DATATYPE DEFAULT  description`."""

    name: str
    datatype: str
    default: str
    description: str = ""


class NamedQuery(NamedTuple):
    """A query file with its header."""

    name: str
    path: Path
    text: str
    title: str = ""
    description: str = ""
    params: tuple[Param, ...] = ()
    # Parameter name -> a one-line SELECT whose first column lists the values the data has.
    values: tuple[tuple[str, str], ...] = ()
    own: bool = False  # the user's own FILE.rq: the project's prefixes are predeclared


def read_header(text: str) -> dict[str, str]:
    """The `# key: value` lines at the top of a query (first occurrence of each key)."""
    header: dict[str, str] = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        match = _HEADER.match(line)
        if match and match.group(1) not in ("param", "param-values"):
            header.setdefault(match.group(1), match.group(2).strip())
    return header


def read_params(text: str, where: str = "") -> list[Param]:
    """The declared parameters of a query."""
    params = []
    for line in text.splitlines():
        match = _HEADER.match(line)
        if not (match and match.group(1) == "param"):
            continue
        parts = match.group(2).split(None, 3)
        if len(parts) < 3:
            raise GnlcError(f"{where}: bad param line (want NAME DATATYPE DEFAULT  description)")
        params.append(Param(parts[0], parts[1], parts[2], parts[3] if len(parts) > 3 else ""))
    return params


def read_values(text: str, where: str = "") -> list[tuple[str, str]]:
    """`# param-values: NAME SELECT ...`: the query listing a parameter's allowed values."""
    out = []
    for line in text.splitlines():
        match = _HEADER.match(line)
        if match and match.group(1) == "param-values":
            name, _, select = match.group(2).strip().partition(" ")
            if not select.strip():
                raise GnlcError(f"{where}: bad param-values line (want NAME SELECT ...)")
            out.append((name, select.strip()))
    return out


def load_query(path: Path, name: str | None = None, own: bool = False) -> NamedQuery:
    """Read a query file and its header."""
    try:
        text = read_regular(path, MAX_QUERY_BYTES, "query file").decode("utf-8")
    except FileNotFoundError:
        raise GnlcError(f"{_name(path)}: no such query file") from None
    except IsADirectoryError:
        raise GnlcError(f"{_name(path)}: is a folder, not a query file") from None
    except UnicodeDecodeError:
        raise GnlcError(f"{path}: not valid UTF-8") from None
    except OSError as exc:
        raise GnlcError(f"{_name(path)}: cannot read: {exc.strerror or exc}") from None
    header = read_header(text)
    return NamedQuery(
        name=name or path.stem,
        path=path,
        text=text,
        title=header.get("title", ""),
        description=header.get("description", ""),
        params=tuple(read_params(text, str(path))),
        values=tuple(read_values(text, str(path))),
        own=own,
    )


def _name(path: object, limit: int = 120) -> str:
    """A path or name for a one-line message, shortened in the middle when very long."""
    text = str(path)
    if len(text) <= limit:
        return text
    return f"{text[: limit // 2]}…{text[-limit // 2 :]} ({len(text)} characters)"


def list_queries(root: Path) -> list[NamedQuery]:
    """Every named query under queries/ (not the checks), sorted by name."""
    return [load_query(p) for p in query_files(root / QUERIES_DIR, "*.rq")]


def resolve(root: Path, name_or_file: str) -> NamedQuery:
    """A name under queries/, or the user's own FILE.rq; nothing else is looked up."""
    if name_or_file.endswith(".rq"):
        return load_query(Path(name_or_file), own=True)
    if not NAME.match(name_or_file):
        raise GnlcError(f"{_name(name_or_file)!r}: not a query name (a-z, digits, hyphens)")
    path = root / QUERIES_DIR / f"{name_or_file}.rq"
    if len(path.name) > MAX_NAME or not path.is_file():
        names = ", ".join(q.name for q in list_queries(root))
        raise GnlcError(f"unknown query {_name(name_or_file)!r}; known: {names}")
    return load_query(path, name_or_file)


def _describe(param: Param) -> str:
    return f"; expected: {param.description}" if param.description else ""


def make_term(param: Param, value: str) -> pyoxigraph.NamedNode | pyoxigraph.Literal:
    """The RDF term for a parameter value, checked against its declared datatype (and range)."""
    import pyoxigraph

    kind = param.datatype
    bounds = _RANGE.match(kind)
    if bounds:
        kind = bounds.group("kind")
    if kind == "iri":
        if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>\"{}|\\^`]*$", value):
            raise GnlcError(f"--param {param.name}: {value!r} is not an absolute IRI")
        return pyoxigraph.NamedNode(value)
    if kind in ("xsd:string", "string"):
        return pyoxigraph.Literal(value)
    if kind.startswith("@"):
        return pyoxigraph.Literal(value, language=kind[1:])
    if kind in _LEXICAL:
        if not re.match(_LEXICAL[kind], value):
            raise GnlcError(
                f"--param {param.name}: {value!r} is not a valid {kind}{_describe(param)}"
            )
        if bounds:
            low, high = int(bounds.group("low")), int(bounds.group("high"))
            if not low <= float(value) <= high:
                raise GnlcError(
                    f"--param {param.name}: {value} is outside {low}..{high}{_describe(param)}"
                )
        return pyoxigraph.Literal(value, datatype=pyoxigraph.NamedNode(XSD + kind[4:]))
    raise GnlcError(f"{param.name}: unknown parameter datatype {kind!r} in the query header")


def bindings(
    query: NamedQuery, given: dict[str, str], known_values: Callable[[str], list] | None = None
) -> dict[str, Term]:
    """Parameter name -> RDF term, from --param values over header defaults.

    `*` leaves a parameter unbound ("all"). A parameter with a `# param-values:` query must
    name a value that query returns (matched ignoring case, then written as the data writes
    it); known_values runs such a query (on the local graph or the endpoint) and returns its
    first column's terms. Without known_values, values are only checked against the datatype.
    """
    declared = {p.name: p for p in query.params}
    unknown = sorted(set(given) - set(declared))
    if unknown:
        known = ", ".join(declared) or "none"
        raise GnlcError(f"unknown parameter {unknown[0]!r} for {query.name} (declared: {known})")
    listing = dict(query.values)
    out: dict[str, Term] = {}
    for param in query.params:
        value = given.get(param.name, param.default)
        if value == UNBOUND:
            continue
        if param.name in listing and known_values is not None:
            make_term(param, value)  # the type first: its message is the more precise
            try:
                terms = known_values(predeclared() + listing[param.name])
            except SyntaxError as exc:
                detail = re.sub(r"^error at [0-9]+:[0-9]+:\s*", "", " ".join(str(exc).split()))
                raise GnlcError(
                    f"{query.path}: param-values of {param.name}: SPARQL syntax error: "
                    + _expected(detail)
                ) from None
            value = _one_of(param, value, terms)
        out[param.name] = make_term(param, value)
    return out


def _one_of(param: Param, value: str, terms: list) -> str:
    """The data's own spelling of value among terms, or an error listing the known values."""
    known = sorted({getattr(t, "value", str(t)) for t in terms if t is not None}, key=_natural)
    for candidate in known:
        if candidate.casefold() == value.strip().casefold():
            return candidate
    shown = ", ".join(known[:100]) + (f", ... ({len(known)} in all)" if len(known) > 100 else "")
    raise GnlcError(
        f"--param {param.name}: {value!r} is not in the data{_describe(param)}; "
        f"known: {shown or 'none'}; {UNBOUND} means all"
    )


def _natural(text: str) -> tuple:
    return (0, int(text), "") if text.lstrip("-").isdigit() else (1, 0, text)


def parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    """NAME=VALUE pairs from the command line; a name given twice is refused (the last value
    used to win without a word, so `--param country=TH --param country=KR` answered for KR)."""
    out: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise GnlcError(f"--param {pair!r}: expected NAME=VALUE")
        name = name.strip()
        if name in out:
            raise GnlcError(
                f"--param {name} is given twice ({out[name]!r} and {value!r}): a parameter takes "
                "one value; run the query once for each"
            )
        out[name] = value
    return out


def predeclared() -> str:
    """One line of PREFIX declarations: the project's prefixes, for users' own queries."""
    return " ".join(f"PREFIX {name}: <{ns}>" for name, ns in sorted(PREFIXES.items())) + "\n"


def prepared_text(query: NamedQuery) -> str:
    """The text to run: a user's own query gets the project's prefixes on one line before it
    (its own PREFIX lines still win)."""
    return predeclared() + query.text if query.own else query.text


def check_syntax(query: NamedQuery) -> None:
    """Parse the query; a broken file gets one line: path:line:col: what went wrong."""
    import pyoxigraph

    from gnlc.federation import without_service

    text = prepared_text(query)
    try:
        pyoxigraph.Store().query(without_service(text))
    except SyntaxError as exc:
        raise GnlcError(syntax_message(query, text, str(exc))) from None


def syntax_message(query: NamedQuery, text: str, error: str) -> str:
    """pyoxigraph's parser error as one readable line, placed in the user's own file."""
    update = re.match(_UPDATE, _strip_comments(query.text), re.IGNORECASE)
    if update:
        keyword = update.group(1).upper()
        return f"{query.path}: {keyword} is a SPARQL update; updates are not run (gnlc only reads)"
    error = " ".join(error.split())
    match = re.match(r"^error at (\d+):(\d+):\s*(.*)$", error)
    if not match:
        return f"{query.path}: SPARQL syntax error: {error[:200]}"
    line, column, detail = int(match.group(1)), int(match.group(2)), match.group(3)
    lines = text.splitlines()
    source = lines[line - 1] if 0 < line <= len(lines) else ""
    if query.own:
        line -= 1  # the predeclared prefixes take the first line
    undeclared = _undeclared_prefix(text)
    if undeclared:
        prefix, at_line, at_column = undeclared
        return (
            f"{query.path}:{at_line - query.own}:{at_column}: SPARQL syntax error: prefix "
            f"{prefix + ':'!r} is not declared (add PREFIX {prefix}: <...>)"
        )
    near = source[max(column - 1, 0) :].strip()[:20]
    return f"{query.path}:{line}:{column}: SPARQL syntax error: {_expected(detail)}" + (
        f" near {near!r}" if near else " at the end of the query"
    )


# Strings, IRIs and comments, blanked before looking for prefixed names.
_MASKED = r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>\s]*>|#.*$'
_PREFIXED = r"(?<![\w.:?$-])([A-Za-z][\w.-]*)?:(?=[\w%\\]|\s|$)"
_DECLARED = r"(?i)\bPREFIX\s+([A-Za-z][\w.-]*)?:"


def _undeclared_prefix(text: str) -> tuple[str, int, int] | None:
    """The first prefixed name whose prefix no PREFIX declares: (prefix, line, column)."""
    masked = re.compile(_MASKED)
    declaring, prefixed = re.compile(_DECLARED), re.compile(_PREFIXED)
    lines = [masked.sub(lambda m: " " * len(m.group()), line) for line in text.splitlines()]
    declared = {m.group(1) or "" for line in lines for m in declaring.finditer(line)}
    for number, line in enumerate(lines, start=1):
        line = declaring.sub(lambda m: " " * len(m.group()), line)
        for match in prefixed.finditer(line):
            name = match.group(1) or ""
            if name not in declared:
                return name, number, match.start() + 1
    return None


def _expected(detail: str) -> str:
    """'expected one of ...' without the parser's character classes (Unicode ranges)."""
    if "IRI parsing failed" in detail:
        return "invalid IRI"
    head, sep, options = detail.partition("expected one of ")
    if not sep:
        return detail[:120]
    tokens = re.findall(r'"[^"]*"|\b[A-Z][A-Za-z ]+\b(?![^\[]*\])', options)
    tokens = [t.strip() for t in tokens if t.strip()]
    if not tokens:
        return "unexpected character"
    return f"{head}expected {', '.join(tokens[:8])}"


def sparql_syntax_error(path: Path, exc: SyntaxError) -> GnlcError:
    """`path:line:col: SPARQL syntax error: ...` on one line, the parser's long lists cut."""
    text = " ".join(str(exc).split())
    match = re.match(r"^error at (\d+):(\d+): ?", text)
    place = f"{path}:{match.group(1)}:{match.group(2)}" if match else str(path)
    detail = text[match.end() :] if match else text
    if len(detail) > 160:
        detail = detail[:157] + "..."
    return GnlcError(f"{place}: SPARQL syntax error: {detail}")


def run_local(store: pyoxigraph.Store, query: NamedQuery, terms: Mapping[str, Term]):
    """Run on an in-memory store, parameters substituted as terms (SEP-0007)."""
    import pyoxigraph

    check_syntax(query)
    substitutions = {pyoxigraph.Variable(k): v for k, v in terms.items()}
    try:
        return store.query(prepared_text(query), substitutions=substitutions)
    except RuntimeError as exc:
        raise GnlcError(f"{query.path}: {exc} (a parameter must be a projected variable)") from None


def with_values(text: str, terms: Mapping[str, Term]) -> str:
    """The query with a VALUES block binding each parameter, at the end of the outermost WHERE.

    At the end, so that a BIND earlier in the pattern may compute the parameter's variable
    (a BIND may not assign a variable already bound by a VALUES before it).
    """
    if not terms:
        return text
    block = " ".join(f"VALUES ?{name} {{ {term} }}" for name, term in sorted(terms.items()))
    body = _strip_comments(text)
    if not re.search(r"\bWHERE\s*\{", body, flags=re.IGNORECASE) and "{" not in body:
        raise GnlcError("cannot bind parameters: the query has no WHERE clause")
    end = body.rfind("}")
    return body[:end] + " " + block + "\n" + body[end:]


def _strip_comments(text: str) -> str:
    # Comments could hide a `WHERE {`; strings may contain '#', so only drop comment lines.
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


def release_query(path: Path) -> str:
    """The text of a query the build runs itself (queries/release/): read like any query file
    (a regular file, bounded), and refused if it calls SERVICE."""
    from gnlc.federation import refuse_service

    text = load_query(path).text
    refuse_service(path, text, "release query")
    return text
