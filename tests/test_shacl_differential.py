"""Differential test: the compiled SHACL engine and pySHACL on generated shapes and data.

Hypothesis draws small data graphs (example.org nodes, literals of several kinds, types and a
subclass) and shapes from the SHACL features the compiler implements (every target and path
kind, the value, count, range, string, list and pair constraints, nested property shapes).
Both engines must agree on conforms and on every result (severity, focus node, path,
constraint component, value, shape).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from test_shacl_engine import empty_root

from gnlc.pipeline import validate_sources
from gnlc.validation import ShaclOptions

PREFIXES = """@prefix ex: <http://example.org/ns#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
NODES = ["ex:n0", "ex:n1", "ex:n2", "ex:n3"]
PREDICATES = ["ex:p", "ex:q", "ex:r"]
# No booleans or xsd:gYear: pySHACL compares Python values, so it finds true < 2 (and no
# violation for "2020"^^xsd:gYear < 2) where SPARQL, which SHACL follows, finds them
# incomparable: a violation. The compiled engine follows SPARQL.
LITERALS = ["1", "2", "-3", "2.5", '"a"', '"bb"', '"ccc"@en', '"dd"@en', '"e"@fr']
LITERALS += ['"x"^^xsd:integer']
PATHS = [
    "ex:p",
    "[ sh:inversePath ex:p ]",
    "( ex:p ex:q )",
    "[ sh:alternativePath ( ex:p ex:q ) ]",
    "[ sh:zeroOrMorePath ex:p ]",
    "[ sh:oneOrMorePath ex:p ]",
    "[ sh:zeroOrOnePath ex:q ]",
    "( [ sh:inversePath ex:p ] [ sh:zeroOrMorePath ex:q ] )",
]
VALUE_CONSTRAINTS = [
    "sh:class ex:A",
    "sh:datatype xsd:integer",
    "sh:datatype xsd:string",
    "sh:datatype rdf:langString",
    "sh:nodeKind sh:IRI",
    "sh:nodeKind sh:BlankNodeOrLiteral",
    "sh:minInclusive 1",
    "sh:maxExclusive 2",
    "sh:minExclusive -3",
    "sh:maxInclusive 2.5",
    "sh:minLength 2",
    "sh:maxLength 1",
    'sh:pattern "^[a-c]"',
    'sh:pattern "B" ; sh:flags "i"',
    'sh:languageIn ( "en" )',
    'sh:in ( 1 "a" ex:n1 )',
    "sh:hasValue ex:n1",
]
PROPERTY_CONSTRAINTS = [
    *VALUE_CONSTRAINTS,
    "sh:minCount 1",
    "sh:maxCount 1",
    "sh:uniqueLang true",
    "sh:equals ex:r",
    "sh:disjoint ex:r",
    # No sh:lessThan: pySHACL finds no violation for IRIs, which SPARQL cannot compare (SHACL
    # says: a violation). tests/fixtures/shacl/lessthan.ttl and the W3C suite cover it.
    'sh:qualifiedValueShape [ sh:languageIn ( "en" ) ] ; sh:qualifiedMinCount 1',
]
TARGETS = [
    "sh:targetClass ex:A",
    "sh:targetNode ex:n0",
    "sh:targetNode ex:n1 , ex:n2",
    "sh:targetSubjectsOf ex:p",
    "sh:targetObjectsOf ex:q",
]


def _parameter(constraint: str) -> str:
    """The constraint's parameter: each at most once per shape (SHACL allows one value)."""
    return constraint.split()[0]


triple = st.tuples(
    st.sampled_from(NODES), st.sampled_from(PREDICATES), st.sampled_from(NODES + LITERALS)
)
typing = st.tuples(st.sampled_from(NODES), st.sampled_from(["ex:A", "ex:B"]))


@st.composite
def data(draw) -> str:
    lines = [f"{s} {p} {o} ." for s, p, o in draw(st.lists(triple, max_size=14))]
    lines += [f"{s} a {c} ." for s, c in draw(st.lists(typing, max_size=4))]
    if draw(st.booleans()):
        lines.append("ex:B rdfs:subClassOf ex:A .")
    return "\n".join(lines)


@st.composite
def property_shape(draw, depth: int = 0) -> str:
    parts = [f"sh:path {draw(st.sampled_from(PATHS))}"]
    parts += draw(
        st.lists(
            st.sampled_from(PROPERTY_CONSTRAINTS), min_size=1, max_size=2, unique_by=_parameter
        )
    )
    if depth == 0 and draw(st.integers(0, 4)) == 0:
        parts.append(f"sh:property {draw(property_shape(depth=1))}")
    return "[ " + " ; ".join(parts) + " ]"


@st.composite
def shapes(draw) -> str:
    out = []
    for i in range(draw(st.integers(1, 2))):
        implicit = draw(st.integers(0, 4)) == 0
        name = "ex:A" if implicit and i == 0 else f"ex:S{i}"
        parts = [f"{name} a sh:NodeShape" + (" , rdfs:Class" if name == "ex:A" else "")]
        if name != "ex:A" or draw(st.booleans()):
            parts.append(draw(st.sampled_from(TARGETS)))
        parts += draw(st.lists(st.sampled_from(VALUE_CONSTRAINTS), max_size=1))
        parts += [f"sh:property {draw(property_shape())}" for _ in range(draw(st.integers(0, 2)))]
        if draw(st.integers(0, 5)) == 0:
            parts.append("sh:closed true ; sh:ignoredProperties ( rdf:type )")
        if draw(st.integers(0, 5)) == 0:
            parts.append('sh:severity sh:Warning ; sh:message "S {$this} {$value}"')
        out.append(" ;\n  ".join(parts) + " .")
    return "\n".join(out)


def _report(root: Path, data_file: Path, shapes_file: Path, engine: str):
    options = ShaclOptions(engine=engine, debug=True)
    report, warnings = validate_sources(root, [data_file], [shapes_file], options)
    found = {(f.severity, f.focus, f.path, f.constraint, f.value, f.shape) for f in report.findings}
    return report.conforms(strict=True), found, warnings


@pytest.fixture(scope="module")
def bare(tmp_path_factory) -> Path:
    """An empty gnlc root, so reports hold only the generated shapes' results."""
    return empty_root(tmp_path_factory.mktemp("differential-root"))


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=data(), shapes_text=shapes())
# Found by this test: a literal focus node from pySHACL reached locate() as a Python int.
@example(
    data="ex:n0 ex:q 1 .",
    shapes_text="ex:S0 a sh:NodeShape ;\n  sh:targetObjectsOf ex:q ;\n  sh:class ex:A ;\n"
    "  sh:closed true ; sh:ignoredProperties ( rdf:type ) ;\n"
    '  sh:severity sh:Warning ; sh:message "S {$this} {$value}" .',
)
def test_compiled_engine_agrees_with_pyshacl(data, shapes_text, bare, tmp_path):
    data_file, shapes_file = tmp_path / "data.ttl", tmp_path / "shapes.ttl"
    data_file.write_text(PREFIXES + data, encoding="utf-8")
    shapes_file.write_text(PREFIXES + shapes_text, encoding="utf-8")
    compiled = _report(bare, data_file, shapes_file, "compiled")
    # Every generated feature is compiled: a fallback would compare pySHACL with itself.
    assert not [w for w in compiled[2] if "using pySHACL" in w], compiled[2]
    reference = _report(bare, data_file, shapes_file, "pyshacl")
    assert compiled[0] == reference[0]
    assert compiled[1] == reference[1]
