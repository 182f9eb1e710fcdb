"""The faster paths of validation (issue 18, item 2) give exactly what the plain ones give.

- compiled SHACL: a path's pairs read in one pass and joined with the focus nodes by hashing
  (_Context.scan), and sh:class as an anti-join, against the per-node lookups they replace;
- locate: the IRIs each file types, recorded while loading (Loaded.typed), against parsing the
  files again; lines skipped by a regular expression, against reading each one;
- sorting findings by FINDING_ORDER, against Finding's own order.
"""

from __future__ import annotations

import dataclasses
import re

import pytest
from conftest import ROOT
from helpers import load_benchmark
from hypothesis import given
from hypothesis import strategies as st

import gnlc.compiled_shapes as compiled
from gnlc.findings import FINDING_ORDER, Finding
from gnlc.namespaces import PREFIXES
from gnlc.sources import load_graph, shapes_files
from gnlc.validation import (
    _first_line,
    _local_lengths,
    _shapes_store,
    _subject_lines,
    _subjects_in,
    _subjects_written,
    locate,
)

generate = load_benchmark(ROOT, "synthetic").generate


@pytest.fixture(scope="module")
def broken(tmp_path_factory):
    """A synthetic root of 40 made-up members plus the broken records, loaded."""
    root = generate(tmp_path_factory.mktemp("speed") / "root", 40, ROOT, seed=5, errors=True)
    return root, load_graph(root)


def _results(store, checks) -> list[tuple]:
    return sorted(
        (r.check.shape, r.check.component, str(r.focus), str(r.value), r.path)
        for r in compiled.run_checks(store, checks)
    )


def test_scanned_paths_give_the_results_of_per_node_lookups(broken, monkeypatch) -> None:
    root, loaded = broken
    shapes = _shapes_store(shapes_files(root), []).store
    scanned = compiled.compile_shapes(shapes, data=loaded.store, shapes_graph=True)
    monkeypatch.setattr(compiled._Compiler, "pairs_per_node", lambda self, path, focus: None)
    looked_up = compiled.compile_shapes(shapes, data=loaded.store, shapes_graph=True)
    changed = [a for a, b in zip(scanned, looked_up, strict=True) if a.query != b.query]
    # The fast form is really used, for class tests too, and the broken records are found.
    assert len(changed) > 20
    assert any("MINUS" in c.query for c in changed)
    # Tests on values, minCount 1 and maxCount read the pairs first (see _Context.pairs_first).
    firsts = {c.component.rsplit("#")[-1] for c in changed if c.in_focus}
    assert {"MaxCountConstraintComponent", "PatternConstraintComponent"} <= firsts
    found = _results(loaded.store, scanned)
    assert {r[1].rsplit("#")[-1] for r in found} >= {
        "ClassConstraintComponent",
        "MaxCountConstraintComponent",
        "MinCountConstraintComponent",
    }
    assert found == _results(loaded.store, looked_up)


def test_sparql_constraints_joined_with_their_focus_give_the_filtered_rows(
    broken, monkeypatch
) -> None:
    root, loaded = broken
    shapes = _shapes_store(shapes_files(root), []).store
    joined = compiled.compile_shapes(shapes, data=loaded.store, shapes_graph=True)
    assert sum(bool(c.joined) for c in joined) >= 5
    monkeypatch.setattr(compiled, "_joined", lambda query, focus_query: "")
    filtered = compiled.compile_shapes(shapes, data=loaded.store, shapes_graph=True)
    assert not any(c.joined for c in filtered)
    found = _results(loaded.store, [c for c in joined if c.sparql])
    # The broken records break SPARQL constraints too (end before start, year and cohort).
    assert len(found) >= 3
    assert found == _results(loaded.store, [c for c in filtered if c.sparql])


def test_types_recorded_while_loading_place_findings_as_parsing_again(broken) -> None:
    import rdflib

    root, loaded = broken
    # Second route: rdflib reads each data file.
    for path in loaded.data_files:
        graph = rdflib.Graph().parse(path, format="turtle")
        subjects = graph.subjects(rdflib.RDF.type, None)
        assert loaded.typed[path] == {str(s) for s in subjects if isinstance(s, rdflib.URIRef)}
    iris = sorted(set().union(*loaded.typed.values()))
    findings = [Finding("Warning", iri, "", "c", "", "") for iri in iris]
    recorded = locate(findings, loaded.files, loaded.typed)
    assert recorded == locate(findings, loaded.files)
    # Cities are written as subjects in data/members/ and data/geonames/: placed by their type.
    cities = [f for f in recorded if "/city/" in f.focus and "#" not in f.focus]
    assert len(cities) > 20 and all(f"{root}/data/members/" in f.file for f in cities)


_PIECES = [*" \t\u00a0\u2003\x0b<>:;,.ab", "city", "gnlc", "country", "x"]
_LINE = st.lists(st.sampled_from(_PIECES), max_size=12).map("".join)


@given(lines=st.lists(_LINE, max_size=20))
def test_lines_skipped_by_the_pattern_name_no_subject(lines: list[str]) -> None:
    prefixes = {name: (PREFIXES[name], 12) for name in ("city", "country")}
    starts = _subject_lines(prefixes).match
    for line in lines:
        if starts(line) is None:
            assert list(_subjects_written(line, prefixes)) == []


_BREAKS = ["\n", "\n", "\n", "\r\n", "\r", "\x85", "\u2028", "\x1c", "\x0c"]


_WANTED = ["https://w3id.org/gnlc/city/a", "x", "https://w3id.org/gnlc/country/a ;", "a> <b"]


@given(
    pieces=st.lists(st.sampled_from([*_PIECES, *_BREAKS, " city:a ;", "<x> a", "<a> <b>"])),
    plain=st.booleans(),
    wanted=st.sets(st.sampled_from(_WANTED)),
)
def test_subjects_found_are_those_of_a_plain_loop(
    pieces: list[str], plain: bool, wanted: set[str]
) -> None:
    text = "".join(pieces)
    if plain:  # the fast path: "\n" the only line break
        text = re.sub("[\r\x0b\x85\u2028\x1c\x0c]", "", text)
    prefixes = {name: (PREFIXES[name], 12) for name in ("city", "country")}
    lines = text.splitlines()
    expected = [
        (number, iri)
        for number, line in enumerate(lines, start=1)
        for iri in _subjects_written(line, prefixes)
        if iri in wanted
    ]
    angled = any(">" in iri for iri in wanted)
    assert list(_subjects_in(text, prefixes, wanted, angled)) == expected
    assert _first_line(text) == lines[:1]


_TEXT = st.sampled_from(["", "a", "b", "Violation", "Warning", "ก"])


@given(
    st.lists(
        st.builds(
            Finding,
            _TEXT,
            _TEXT,
            _TEXT,
            _TEXT,
            _TEXT,
            _TEXT,
            _TEXT,
            st.integers(0, 3),
            _TEXT,
            _TEXT,
        ),
        max_size=30,
    )
)
def test_the_sort_key_is_the_findings_own_order(findings: list[Finding]) -> None:
    assert [f.name for f in dataclasses.fields(Finding)][:2] == ["severity", "focus"]
    assert sorted(findings, key=FINDING_ORDER) == sorted(findings)


@given(st.text(max_size=40))
def test_the_quick_test_for_hidden_characters_changes_no_verdict(text: str) -> None:
    import unicodedata

    from gnlc.vocabulary import _HIDDEN, _suspicious

    # Second route: the character-by-character definition.
    escaped = "\\u" in text or "\\U" in text or "&#" in text
    hidden = any(unicodedata.category(c) in _HIDDEN for c in set(text) - set(" \t\r\n"))
    assert _suspicious(text) == (escaped or hidden)


_NAMESPACES = [*PREFIXES.values(), "http://other/"]
_TAILS = ["a", "ab", "b/c", "", "#x", "zz", "\U0010ffff"]


@given(st.sets(st.builds(str.__add__, st.sampled_from(_NAMESPACES), st.sampled_from(_TAILS))))
def test_local_lengths_are_those_of_a_plain_loop(iris: set[str]) -> None:
    expected = {}
    for name, ns in PREFIXES.items():
        lengths = [len(iri) - len(ns) for iri in iris if iri.startswith(ns) and iri != ns]
        if lengths:
            expected[name] = (ns, max(lengths))
    assert _local_lengths(iris, PREFIXES) == expected


def test_pairs_first_rows_of_nodes_outside_the_focus_are_dropped(tmp_path) -> None:
    from test_shacl_engine import empty_root

    from gnlc.pipeline import validate_sources

    ex = "http://example.org/ns#"
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        "@prefix ex: <http://example.org/ns#> .\n@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        "ex:S a sh:NodeShape ; sh:targetClass ex:A ; sh:property [ sh:path ex:p ;\n"
        '  sh:datatype xsd:integer ; sh:maxCount 1 ; sh:pattern "^[0-9]+$" ] .\n',
        encoding="utf-8",
    )
    data = tmp_path / "data.ttl"
    # ex:a0..a3 are focus nodes (a1 and a2 break the shape); ex:b0, b1 break it too, but are
    # no ex:A: their rows of the pairs-first queries must go.
    data.write_text(
        "@prefix ex: <http://example.org/ns#> .\n"
        'ex:a0 a ex:A ; ex:p 1 .\nex:a1 a ex:A ; ex:p "x" .\nex:a2 a ex:A ; ex:p 1, 2 .\n'
        'ex:a3 a ex:A .\nex:b0 ex:p "y" .\nex:b1 ex:p 3, 4 .\n',
        encoding="utf-8",
    )
    root = empty_root(tmp_path / "root")
    shapes_store = _shapes_store([shapes], []).store
    loaded = load_graph(root, [data, shapes])
    checks = compiled.compile_shapes(shapes_store, data=loaded.store)
    assert all(c.in_focus for c in checks if not c.component.endswith("MinCount"))
    report, _ = validate_sources(root, [data], [shapes])
    found = {(f.focus, f.constraint.rsplit("#")[-1]) for f in report.findings}
    assert found == {
        (ex + "a1", "DatatypeConstraintComponent"),
        (ex + "a1", "PatternConstraintComponent"),
        (ex + "a2", "MaxCountConstraintComponent"),
    }


# --- the duplicate-name check: joined on (country, key), not on the country alone -----------

_UNIQUE_NAME = ROOT / "queries" / "checks" / "city-unique-name-violation.rq"
_GNLC = "https://w3id.org/gnlc/ontology#"
_LABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"


def _cities_turtle(cities: list[tuple[int, list[int], list[tuple[str, str]]]]) -> bytes:
    """(number, countries, [(name, language)]) per city, as Turtle."""
    lines = []
    for number, countries, labels in cities:
        city = f"<https://w3id.org/gnlc/city/zz-city-{number}>"
        lines.append(f"{city} a <{_GNLC}LearningCity> .")
        lines += [
            f"{city} <{_GNLC}country> <https://w3id.org/gnlc/country/C{c}> ." for c in countries
        ]
        lines += [f'{city} <{_LABEL}> "{name}"@{lang} .' for name, lang in labels]
    return "\n".join(lines).encode()


_city = st.tuples(
    st.lists(st.integers(0, 2), min_size=1, max_size=2, unique=True),
    st.lists(
        st.tuples(
            st.sampled_from(["Twin", "TWIN", "twin", "Other", "Ville", "VILLE"]),
            st.sampled_from(["en", "en", "th"]),
        ),
        min_size=0,
        max_size=3,
        unique=True,
    ),
)


@given(st.lists(_city, max_size=12))
def test_duplicate_name_rows_are_those_a_plain_loop_finds(cities) -> None:
    """Second route: for each English label of a city, every other city of one of its countries
    with an English label equal to it in lower case gives a row (once per such label)."""
    import pyoxigraph

    from gnlc.queries import load_query

    numbered = [(n, countries, labels) for n, (countries, labels) in enumerate(cities)]
    store = pyoxigraph.Store()
    store.load(_cities_turtle(numbered), format=pyoxigraph.RdfFormat.TURTLE)
    rows = sorted(
        tuple(r[v].value for v in ("focus", "other", "path", "value"))
        for r in store.query(load_query(_UNIQUE_NAME).text)
    )
    city = "https://w3id.org/gnlc/city/zz-city-{}".format
    expected = sorted(
        (city(n), city(m), _LABEL, name)
        for n, countries, labels in numbered
        for name, lang in labels
        if lang == "en"
        for m, others, other_labels in numbered
        if m != n
        for country in set(countries) & set(others)
        for other_name, other_lang in other_labels
        if other_lang == "en" and other_name.lower() == name.lower()
    )
    assert rows == expected
    # The check is published for any SPARQL engine: rdflib gives the same rows.
    import rdflib

    graph = rdflib.Graph().parse(data=_cities_turtle(numbered), format="turtle")
    text = load_query(_UNIQUE_NAME).text
    assert sorted(tuple(str(x) for x in row) for row in graph.query(text)) == expected


def test_duplicate_name_check_stays_linear_in_a_countrys_cities() -> None:
    """One duplicate pair among 6,000 cities of one country: the check took 7 s at 2,000 and
    about a minute at 6,000 (every city of the country joined with every other), 0.1 s now.
    Run in a subprocess with a safety bound of 60 s, not a timing."""
    import subprocess
    import sys

    cities = [(n, [0], [("Twin" if n < 2 else f"City {n}", "en")]) for n in range(6000)]
    code = (
        "import sys, pyoxigraph\n"
        "from pathlib import Path\n"
        "from gnlc.queries import load_query\n"
        "store = pyoxigraph.Store()\n"
        "store.load(sys.stdin.buffer.read(), format=pyoxigraph.RdfFormat.TURTLE)\n"
        f"rows = list(store.query(load_query(Path({str(_UNIQUE_NAME)!r})).text))\n"
        "print(len(rows))\n"
    )
    try:
        done = subprocess.run(
            [sys.executable, "-c", code],
            input=_cities_turtle(cities),
            capture_output=True,
            timeout=60,
            check=True,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("the duplicate-name check ran past 60 s on 6,000 cities of one country")
    assert done.stdout.decode().strip() == "2"
