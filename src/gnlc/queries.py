"""Named SPARQL queries: headers, parameters bound as RDF terms, local and remote runs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

from gnlc.errors import GnlcError
from gnlc.namespaces import PREFIXES, XSD
from gnlc.paths import QUERIES_DIR

NAME = re.compile(r"^[a-z0-9-]+$")
_HEADER = re.compile(r"^#\s*([a-z_]+):\s?(.*)$")
UNBOUND = "*"
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


def read_header(text: str) -> dict[str, str]:
    """The `# key: value` lines at the top of a query (first occurrence of each key)."""
    header: dict[str, str] = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        match = _HEADER.match(line)
        if match and match.group(1) != "param":
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


def load_query(path: Path, name: str | None = None) -> NamedQuery:
    """Read a query file and its header."""
    try:
        text = path.read_text(encoding="utf-8")
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
    )


def _name(path: object, limit: int = 120) -> str:
    """A path or name for a one-line message, shortened in the middle when very long."""
    text = str(path)
    if len(text) <= limit:
        return text
    return f"{text[: limit // 2]}…{text[-limit // 2 :]} ({len(text)} characters)"


def list_queries(root: Path) -> list[NamedQuery]:
    """Every named query under queries/ (not the checks), sorted by name."""
    return [load_query(p) for p in sorted((root / QUERIES_DIR).glob("*.rq")) if p.is_file()]


def resolve(root: Path, name_or_file: str) -> NamedQuery:
    """A name under queries/, or the user's own FILE.rq; nothing else is looked up."""
    if name_or_file.endswith(".rq"):
        return load_query(Path(name_or_file))
    if not NAME.match(name_or_file):
        raise GnlcError(f"{_name(name_or_file)!r}: not a query name (a-z, digits, hyphens)")
    path = root / QUERIES_DIR / f"{name_or_file}.rq"
    if len(path.name) > MAX_NAME or not path.is_file():
        names = ", ".join(q.name for q in list_queries(root))
        raise GnlcError(f"unknown query {_name(name_or_file)!r}; known: {names}")
    return load_query(path, name_or_file)


def make_term(param: Param, value: str):
    """The RDF term for a parameter value, checked against its declared datatype."""
    import pyoxigraph

    kind = param.datatype
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
            raise GnlcError(f"--param {param.name}: {value!r} is not a valid {kind}")
        return pyoxigraph.Literal(value, datatype=pyoxigraph.NamedNode(XSD + kind[4:]))
    raise GnlcError(f"{param.name}: unknown parameter datatype {kind!r} in the query header")


def bindings(query: NamedQuery, given: dict[str, str]) -> dict[str, object]:
    """Parameter name -> RDF term, from --param values over header defaults."""
    declared = {p.name: p for p in query.params}
    unknown = sorted(set(given) - set(declared))
    if unknown:
        known = ", ".join(declared) or "none"
        raise GnlcError(f"unknown parameter {unknown[0]!r} for {query.name} (declared: {known})")
    out = {}
    for param in query.params:
        value = given.get(param.name, param.default)
        if value == UNBOUND and param.name not in given:
            continue
        out[param.name] = make_term(param, value)
    return out


def parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    """NAME=VALUE pairs from the command line."""
    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise GnlcError(f"--param {pair!r}: expected NAME=VALUE")
        out[name.strip()] = value
    return out


def check_syntax(query: NamedQuery) -> None:
    """Parse the query so that a broken file reports the parser's line and column."""
    import pyoxigraph

    try:
        pyoxigraph.Store().query(query.text)
    except SyntaxError as exc:
        raise sparql_syntax_error(query.path, exc) from None


def sparql_syntax_error(path: Path, exc: SyntaxError) -> GnlcError:
    """`path:line:col: SPARQL syntax error: ...` on one line, the parser's long lists cut."""
    text = " ".join(str(exc).split())
    match = re.match(r"^error at (\d+):(\d+): ?", text)
    place = f"{path}:{match.group(1)}:{match.group(2)}" if match else str(path)
    detail = text[match.end() :] if match else text
    if len(detail) > 160:
        detail = detail[:157] + "..."
    return GnlcError(f"{place}: SPARQL syntax error: {detail}")


def run_local(store, query: NamedQuery, terms: dict[str, object]):
    """Run on an in-memory store, parameters substituted as terms (SEP-0007)."""
    import pyoxigraph

    check_syntax(query)
    substitutions = {pyoxigraph.Variable(k): v for k, v in terms.items()}
    try:
        return store.query(query.text, substitutions=substitutions)
    except RuntimeError as exc:
        raise GnlcError(f"{query.path}: {exc} (a parameter must be a projected variable)") from None


def with_values(text: str, terms: dict[str, object]) -> str:
    """The query with a VALUES block binding each parameter, inside the outermost WHERE."""
    if not terms:
        return text
    block = " ".join(f"VALUES ?{name} {{ {term} }}" for name, term in sorted(terms.items()))
    body = _strip_comments(text)
    match = re.search(r"\bWHERE\s*\{", body, flags=re.IGNORECASE)
    if not match:
        match = re.search(r"\{", body)
    if not match:
        raise GnlcError("cannot bind parameters: the query has no WHERE clause")
    return body[: match.end()] + " " + block + " " + body[match.end() :]


def _strip_comments(text: str) -> str:
    # Comments could hide a `WHERE {`; strings may contain '#', so only drop comment lines.
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


_LONGEST_FIRST = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))
_LOCAL = re.compile(r"[A-Za-z0-9_-]*")


def compact(iri: str) -> str:
    """A prefixed name for display, when a project prefix fits."""
    for name, ns in _LONGEST_FIRST:
        if iri.startswith(ns) and _LOCAL.fullmatch(iri, len(ns)):
            return f"{name}:{iri[len(ns) :]}"
    return iri
