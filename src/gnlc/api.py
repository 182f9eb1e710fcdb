"""The Python API: the knowledge graph for notebooks and scripts.

The same root discovery and bundled copy as the CLI (``root=None`` means ``--root``'s default),
the same derived graph (ontology + data + derived links, as in the release dumps), the same
named queries and parameter checks. Everything here is also reachable as ``gnlc.<name>``.

>>> import gnlc
>>> store = gnlc.load()
>>> len(store) > 10_000
True
>>> rows = gnlc.query("members-by-country", country="TH")
>>> sorted({row["country"] for row in rows})
['TH']
>>> chiang_mai = next(m for m in gnlc.members() if m.name_en == "Chiang Mai")
>>> chiang_mai.country_code, chiang_mai.cohort_year
('TH', 2020)
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gnlc.namespaces import XSD, XSD_INTEGERS

if TYPE_CHECKING:  # pragma: no cover - types only
    import pyoxigraph
    import rdflib

    from gnlc.findings import Report


def _root(root: str | os.PathLike | None) -> Path:
    from gnlc.paths import find_root

    return find_root(root)


def load(root: str | os.PathLike | None = None) -> pyoxigraph.Store:
    """The release graph (ontology + data + derived links) as an in-memory Oxigraph store.

    Built from the sources of ``root`` (default: the checkout you are in, else the installed
    copy), through the same cache as ``gnlc query``; raises :class:`gnlc.errors.GnlcError` when
    the sources do not parse. Query it with ``store.query(sparql)``.
    """
    from gnlc.sources import derived_store

    return derived_store(_root(root))


def to_rdflib(store: pyoxigraph.Store) -> rdflib.Graph:
    """An rdflib Graph with every triple of ``store``'s default graph."""
    import pyoxigraph
    import rdflib

    graph = rdflib.Graph()
    data = store.dump(format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=pyoxigraph.DefaultGraph())
    graph.parse(data=data, format="nt")
    return graph


def python_value(term: Any) -> Any:
    """A Python value for an RDF term: IRIs and blank nodes as strings, numbers as int, Decimal
    or float, xsd:gYear as int, xsd:boolean as bool, xsd:date as datetime.date, any other
    literal as its text. ``None`` (unbound) stays ``None``."""
    import pyoxigraph

    if term is None:
        return None
    if not isinstance(term, pyoxigraph.Literal):
        return term.value
    datatype = term.datatype.value
    text = term.value
    try:
        if datatype in XSD_INTEGERS:
            return int(text)
        if datatype == XSD + "decimal":
            return Decimal(text)
        if datatype in (XSD + "double", XSD + "float"):
            return float(text)
        if datatype == XSD + "boolean":
            return text in ("true", "1")
        if datatype == XSD + "gYear":
            return int(text)
        if datatype == XSD + "date":
            return datetime.date.fromisoformat(text)
    except ValueError:  # an ill-typed literal stays text rather than failing the whole result
        return text
    return text


class Rows(list):
    """The rows of a SELECT result: a list of dicts (variable -> Python value, see
    :func:`python_value`), in the query's order; ``variables`` keeps the projection order."""

    def __init__(self, variables: Sequence[str], rows: Sequence[dict]) -> None:
        super().__init__(rows)
        self.variables = list(variables)

    def to_pandas(self):
        """A pandas DataFrame of the rows (pandas is optional; install it yourself)."""
        try:
            import pandas
        except ImportError:
            raise ImportError("Rows.to_pandas() needs pandas: pip install pandas") from None
        return pandas.DataFrame(list(self), columns=self.variables)


def query(
    name: str,
    root: str | os.PathLike | None = None,
    *,
    endpoint: str | None = None,
    timeout: float | None = None,
    retries: int = 2,
    allow_service: bool = False,
    **params: Any,
) -> Rows | bool | pyoxigraph.Store:
    """Run a named query (a file name under ``queries/`` without ``.rq``) or your own
    ``FILE.rq``, with its declared parameters as keyword arguments, locally or against a SPARQL
    ``endpoint``. Parameters are checked as on the command line (``gnlc query --list`` shows
    them). A SELECT gives :class:`Rows`, an ASK a bool, a CONSTRUCT a ``pyoxigraph.Store`` of
    the constructed triples.

    ``timeout`` (seconds) is one deadline for an endpoint request, retries included (default
    30); a local query runs without a limit unless ``timeout`` is given, then in a child process
    stopped at the deadline (where processes can be forked). A local query that uses
    ``SERVICE`` (it would fetch from the servers it names) is refused unless
    ``allow_service=True``, as with ``gnlc query --allow-service``."""
    import pyoxigraph

    from gnlc import queries

    root_path = _root(root)
    named = queries.resolve(root_path, str(name))
    queries.check_syntax(named)
    given = {key: str(value) for key, value in params.items()}
    if endpoint:
        from gnlc.remote import endpoint_urls, run_remote

        url, _ = endpoint_urls(endpoint)

        def remote(text: str):
            return run_remote(url, text, 30.0 if timeout is None else timeout, retries)

        terms = queries.bindings(named, given, lambda text: [row[0] for row in remote(text)])
        result = remote(queries.with_values(queries.prepared_text(named), terms))
    else:
        from gnlc.loading import select

        store = load(root_path)
        terms = queries.bindings(named, given, lambda text: [row[0] for row in select(store, text)])
        result = _run_local(store, named, terms, timeout, allow_service)
    if isinstance(result, pyoxigraph.Store):
        return result
    if isinstance(result, pyoxigraph.QueryBoolean):
        return bool(result)
    if isinstance(result, pyoxigraph.QueryTriples):
        graph = pyoxigraph.Store()
        graph.extend(pyoxigraph.Quad(t.subject, t.predicate, t.object) for t in result)
        return graph
    variables = [v.value for v in result.variables]
    rows = [{v: python_value(row[v]) for v in variables} for row in result]
    return Rows(variables, rows)


def _run_local(
    store: pyoxigraph.Store, named, terms: dict, timeout: float | None, allow_service: bool
):
    """The query on the local graph: SERVICE only when allowed, a time limit when given."""
    import pyoxigraph

    from gnlc import queries
    from gnlc.errors import GnlcError, shown
    from gnlc.federation import uses_service

    if not allow_service and uses_service(named.text):
        raise GnlcError(
            f"{shown(named.path)}: the query uses SERVICE, which fetches from the servers it"
            " names; pass allow_service=True to run it"
        )
    if timeout is None:
        return queries.run_local(store, named, terms)
    from gnlc.isolation import run_within

    def work() -> bytes:  # in the child: the result in a standard serialization
        result = queries.run_local(store, named, terms)
        if isinstance(result, pyoxigraph.QueryTriples):
            triples = pyoxigraph.serialize(result, format=pyoxigraph.RdfFormat.N_TRIPLES)
            return b"T" + (triples or b"")
        return b"R" + (result.serialize(format=pyoxigraph.QueryResultsFormat.JSON) or b"")

    data = run_within(timeout, work, shown(named.path))
    if data[:1] == b"T":
        graph = pyoxigraph.Store()
        triples = pyoxigraph.parse(data[1:], format=pyoxigraph.RdfFormat.N_TRIPLES)
        graph.extend(pyoxigraph.Quad(t.subject, t.predicate, t.object) for t in triples)
        return graph
    return pyoxigraph.parse_query_results(data[1:], format=pyoxigraph.QueryResultsFormat.JSON)


@dataclass(frozen=True)
class Member:
    """One current member city, with the columns of ``gnlc-members.csv``."""

    iri: str
    name_en: str | None
    name_th: str | None
    country_code: str | None
    region: str | None
    cohort_year: int | None
    attested_year: int | None
    latitude: float | None
    longitude: float | None
    geonames_id: str | None
    sources: tuple[str, ...]


def members(root: str | os.PathLike | None = None) -> list[Member]:
    """Every current member, sorted by IRI: the records behind ``gnlc-members.csv``
    (same query, typed values; an unknown value is None)."""
    from gnlc.tabular import members_rows

    def number(text: str, kind):
        return kind(text) if text else None

    out = []
    root_path = _root(root)
    for row in members_rows(root_path, load(root_path)):
        out.append(
            Member(
                iri=row["iri"],
                name_en=row["name_en"] or None,
                name_th=row["name_th"] or None,
                country_code=row["country_code"] or None,
                region=row["region"] or None,
                cohort_year=number(row["cohort_year"], int),
                attested_year=number(row["attested_year"], int),
                latitude=number(row["latitude"], float),
                longitude=number(row["longitude"], float),
                geonames_id=row["geonames_id"] or None,
                sources=tuple(row["source"].split()),
            )
        )
    return out


def validate(
    paths: Sequence[str | os.PathLike] = (),
    root: str | os.PathLike | None = None,
    shapes: Sequence[str | os.PathLike] = (),
    engine: str = "compiled",
) -> Report:
    """Validate as ``gnlc validate [PATH...] [--shapes FILE...]`` does: the findings as a
    :class:`gnlc.validation.Report` (``report.conforms()``, ``report.violations``,
    ``report.warnings``, each a Finding with file and line). ``engine="pyshacl"`` validates
    with pySHACL, the reference, instead of the compiled shapes."""
    from gnlc.pipeline import validate_sources
    from gnlc.validation import ShaclOptions

    report, _warnings = validate_sources(
        _root(root),
        [Path(p) for p in paths],
        [Path(p) for p in shapes],
        ShaclOptions(engine=engine),
    )
    return report


def build(out: str | os.PathLike, root: str | os.PathLike | None = None) -> Report:
    """Validate and, only if the data conforms, write the release to ``out`` (atomically), as
    ``gnlc build --out OUT``. Returns the validation report; nothing is written when
    ``report.conforms()`` is False."""
    from gnlc.pipeline import build as build_release

    report, _release = build_release(_root(root), Path(out))
    return report
