"""The compiled SHACL engine on users' shapes: one fixture per constraint component, both engines.

Each fixture in tests/fixtures/shacl/ holds shapes and data (example.org IRIs) and says, worked
out by hand from the SHACL specification, which results it must give (`# expect: FOCUS
COMPONENT PATH VALUE`, `-` for none) and which engine runs it (`# engine: compiled` or `pyshacl`,
the fallback). The same expectations are checked against pySHACL, the reference, so a fixture
whose expectation were wrong would fail there too.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, ROOT

from gnlc.cli import cli
from gnlc.errors import GnlcError
from gnlc.pipeline import validate_sources
from gnlc.validation import ShaclOptions

SHACL = FIXTURES / "shacl"
CASES = sorted(SHACL.glob("*.ttl"))
EX = "http://example.org/ns#"
SH = "http://www.w3.org/ns/shacl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
FALLBACK = "using pySHACL"


def empty_root(where: Path) -> Path:
    """A gnlc root with no ontology, reference data, shapes or checks of its own."""
    for folder in ("ontology", "data/reference", "shapes", "queries/checks"):
        (where / folder).mkdir(parents=True, exist_ok=True)
    (where / "ontology/gnlc.ttl").write_text("", encoding="utf-8")
    (where / "shapes/gnlc.shacl.ttl").write_text("", encoding="utf-8")
    return where


@pytest.fixture(scope="module")
def bare(tmp_path_factory) -> Path:
    """An empty root, so a report holds only what the fixture's shapes find."""
    return empty_root(tmp_path_factory.mktemp("bare-root"))


def header(path: Path, key: str) -> list[str]:
    """The values of the `# key: ...` lines of a fixture."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [m.group(1) for line in lines if (m := re.match(rf"^# {key}: (.+)$", line))]


def expected(path: Path) -> set[tuple[str, str, str, str]]:
    """(focus, component IRI, path, value) per `# expect:` line, ex: written out."""
    out = set()
    for line in header(path, "expect"):
        if line == "none":
            continue
        focus, component, result_path, value = (
            "" if part == "-" else part.replace("ex:", EX) for part in line.split(" ")
        )
        out.add((focus, f"{SH}{component}ConstraintComponent", result_path, value))
    return out


def data_of(path: Path) -> Path:
    """The data file: the fixture itself unless a `# data:` line names another."""
    named = header(path, "data")
    return path.parent / named[0] if named else path


def run(path: Path, root: Path, engine: str) -> tuple[set, bool]:
    """(results as expected() writes them, whether validation fell back to pySHACL)."""
    options = ShaclOptions(engine=engine, debug=True)
    report, warnings = validate_sources(root, [data_of(path)], [path], options)
    results = {(f.focus, f.constraint, f.path, f.value) for f in report.findings}
    assert report.conforms(strict=True) == (not results)
    return results, any(FALLBACK in w for w in warnings)


@pytest.mark.parametrize("fixture", CASES, ids=lambda p: p.stem)
def test_compiled_engine_gives_exactly_the_expected_results(fixture: Path, bare: Path) -> None:
    assert header(fixture, "expect"), f"{fixture.name} declares no '# expect:' line"
    results, fell_back = run(fixture, bare, "compiled")
    assert results == expected(fixture)
    assert fell_back == (header(fixture, "engine") == ["pyshacl"])


@pytest.mark.parametrize(
    "fixture", [c for c in CASES if c.stem != "sparql-shapes-graph"], ids=lambda p: p.stem
)
def test_pyshacl_the_reference_agrees_with_each_expectation(fixture: Path, bare: Path) -> None:
    results, _ = run(fixture, bare, "pyshacl")
    assert results == expected(fixture)


def test_pyshacl_cannot_bind_shapes_graph_and_says_so_in_one_line(bare: Path) -> None:
    # pySHACL raises NotImplementedError for $shapesGraph: the compiled engine is the one that
    # implements it (test above); the reference engine ends in a clean error, not a traceback.
    fixture = SHACL / "sparql-shapes-graph.ttl"
    with pytest.raises(GnlcError, match="pySHACL cannot validate"):
        validate_sources(bare, [data_of(fixture)], [fixture], ShaclOptions(engine="pyshacl"))


def test_messages_fill_every_template_variable(bare: Path) -> None:
    fixture = SHACL / "sparql-prebound.ttl"
    report, _ = validate_sources(bare, [fixture], [fixture])
    messages = {f.focus: f.message_en for f in report.findings}
    assert messages == {
        EX + "bad": f"{EX}bad is bad",
        EX + "b": f"5 is over the limit of {EX}T",
    }


def test_core_messages_fill_parameters_and_value(tmp_path: Path, bare: Path) -> None:
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        "@prefix ex: <http://example.org/ns#> .\n@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path ex:n ;\n"
        "  sh:maxInclusive 3 ;\n"
        '  sh:message "{$this}: {$value} is over {$maxInclusive} ({$path})" ] .\n'
        "ex:a ex:n 7 .\n",
        encoding="utf-8",
    )
    report, _ = validate_sources(bare, [shapes], [shapes])
    assert [f.message_en for f in report.findings] == [f"{EX}a: 7 is over 3 ({EX}n)"]


def _cli(args: list[str]):
    return CliRunner().invoke(cli, args, catch_exceptions=False)


def test_debug_names_the_fallback_and_plain_runs_do_not(bare: Path, monkeypatch) -> None:
    monkeypatch.setenv("GNLC_DEBUG", "0")  # restored after the test, though --debug sets it
    monkeypatch.setenv("GNLC_SHACL_ENGINE", "compiled")
    fixture = str(SHACL / "fallback-node.ttl")
    args = ["validate", fixture, "--shapes", fixture]
    plain = _cli(["--root", str(bare), *args])
    assert plain.exit_code == 1 and FALLBACK not in plain.stderr
    debug = _cli(["--root", str(bare), "--debug", *args])
    assert debug.exit_code == 1
    assert "does not implement sh:node; using pySHACL" in debug.stderr


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("$this ?p ?o . MINUS { $this ?p 1 }", "MINUS"),
        ("$this ?p ?o . VALUES ?o { 1 }", "VALUES"),
        ("$this ?p ?o . SERVICE <http://example.org/sparql> { ?a ?b ?c }", "SERVICE"),
        ("BIND (1 AS $this)", "AS ?this"),
        ("$this ?p ?o . { SELECT ?o WHERE { ?s ?p ?o } }", "subquery must return $this"),
    ],
)
@pytest.mark.parametrize("engine", ["compiled", "pyshacl"])
def test_sparql_that_shacl_forbids_is_refused_in_one_line(
    body: str, reason: str, engine: str, tmp_path: Path, bare: Path, monkeypatch
) -> None:
    monkeypatch.setenv("GNLC_DEBUG", "0")  # restored after the test, though --debug sets it
    monkeypatch.setenv("GNLC_SHACL_ENGINE", engine)
    shapes = tmp_path / "forbidden.ttl"
    shapes.write_text(
        "@prefix ex: <http://example.org/ns#> .\n@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:sparql [ sh:select "
        f'"SELECT $this WHERE {{ {body} }}" ] .\nex:a ex:p 1 .\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        cli, ["--root", str(bare), "validate", str(shapes), "--shapes", str(shapes)]
    )
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "unusable SHACL shapes" in lines[0] and reason in lines[0]


def test_project_shapes_stay_on_the_compiled_engine_with_a_users_shapes() -> None:
    # The fast path: the project's own shapes, plus a user's supported shapes, never fall back.
    member = FIXTURES / "valid/kr-testville.ttl"
    shapes = [SHACL / "paths.ttl"]
    report, warnings = validate_sources(ROOT, [member, *shapes], shapes, ShaclOptions(debug=True))
    assert not [w for w in warnings if FALLBACK in w]
    ours = {(f.focus, f.constraint, f.path, f.value) for f in report.findings if EX in f.focus}
    assert ours == expected(SHACL / "paths.ttl")


def test_a_damaged_query_analysis_cache_only_costs_time(tmp_path: Path, bare: Path, monkeypatch):
    # SPARQL analyses are kept between runs; a damaged file is ignored and then rewritten.
    import gnlc.compiled_shapes as compiled

    monkeypatch.setenv("GNLC_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(compiled, "_ANALYSES", None)
    (tmp_path / "sparql-analyses.json").write_text("{not json", encoding="utf-8")
    fixture = SHACL / "sparql-prebound.ttl"
    results, _ = run(fixture, bare, "compiled")
    assert results == expected(fixture)
    import json

    kept = json.loads((tmp_path / "sparql-analyses.json").read_text(encoding="utf-8"))
    assert len(kept) == 2 and all("batch" in v for v in kept.values())
    monkeypatch.setattr(compiled, "_ANALYSES", None)  # a new run reads them back
    assert run(fixture, bare, "compiled")[0] == expected(fixture)


@pytest.mark.parametrize("engine", ["compiled", "pyshacl"])
def test_a_datatype_the_store_rewrites_is_refused_not_misreported(
    engine: str, tmp_path: Path, bare: Path
) -> None:
    # Oxigraph keeps "12"^^xsd:int as xsd:integer: sh:datatype xsd:int cannot be checked, so
    # gnlc says so (exit 2) rather than calling a valid value wrong.
    options = ShaclOptions(engine=engine)
    shapes = tmp_path / "int.ttl"
    shapes.write_text(
        "@prefix ex: <http://example.org/ns#> .\n@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        "ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path ex:n ; "
        "sh:datatype xsd:int ] .\n",
        encoding="utf-8",
    )
    data = tmp_path / "data.ttl"
    data.write_text(
        f'@prefix ex: <{EX}> .\nex:a ex:n "12"^^<{XSD}int> .\n',
        encoding="utf-8",
    )
    with pytest.raises(GnlcError, match=r"sh:datatype .*int> cannot be checked"):
        validate_sources(bare, [data], [shapes], options)
    # An ill-formed xsd:int keeps its datatype in the store: that is checked as usual.
    data.write_text(
        f'@prefix ex: <{EX}> .\nex:a ex:n "x"^^<{XSD}int> .\n',
        encoding="utf-8",
    )
    report, _ = validate_sources(bare, [data], [shapes], options)
    assert [(f.focus, f.value) for f in report.findings] == [(EX + "a", "x")]


def test_a_literal_focus_node_from_pyshacl_is_text() -> None:
    """pySHACL reports rdflib terms; a literal focus ("1"^^xsd:integer) must reach the report as
    its lexical form, not as the Python int rdflib's .value gives (found by the differential
    test: locating such a finding crashed)."""
    import rdflib

    from gnlc.validation import _term_text

    assert _term_text(rdflib.Literal(1)) == "1"
    assert _term_text(rdflib.Literal("x", lang="th")) == "x"
    assert _term_text(rdflib.URIRef("https://example.org/a")) == "https://example.org/a"
    assert _term_text(None) == ""


def test_the_engine_is_chosen_by_the_command_not_read_inside_validation(
    bare: Path, monkeypatch
) -> None:
    # pySHACL cannot bind $shapesGraph, the compiled engine can: which one ran shows.
    monkeypatch.setenv("GNLC_DEBUG", "0")
    monkeypatch.setenv("GNLC_SHACL_ENGINE", "pyshacl")
    fixture = SHACL / "sparql-shapes-graph.ttl"
    # The Python pipeline takes its options as arguments: the variable does not reach it.
    report, _ = validate_sources(bare, [data_of(fixture)], [fixture])
    assert {(f.focus, f.value) for f in report.findings} == {(EX + "b", "5")}
    # The command reads the variable and hands it down.
    args = ["--root", str(bare), "validate", str(data_of(fixture)), "--shapes", str(fixture)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2 and "pySHACL cannot validate" in result.stderr
    monkeypatch.setenv("GNLC_SHACL_ENGINE", "compiled")
    assert CliRunner().invoke(cli, args).exit_code == 1


def test_an_unknown_engine_is_refused_in_one_line(bare: Path, monkeypatch) -> None:
    monkeypatch.setenv("GNLC_DEBUG", "0")
    monkeypatch.setenv("GNLC_SHACL_ENGINE", "fast")
    fixture = SHACL / "sparql-shapes-graph.ttl"
    args = ["--root", str(bare), "validate", str(data_of(fixture)), "--shapes", str(fixture)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "gnlc: unknown SHACL engine 'fast' (use compiled or pyshacl)"
    ]


def test_validation_reads_no_environment_variable() -> None:
    # Configuration comes in as ShaclOptions from the command (commands/common.shacl_options).
    import gnlc.compiled_shapes
    import gnlc.validation

    for module in (gnlc.validation, gnlc.compiled_shapes):
        text = Path(module.__file__).read_text(encoding="utf-8")
        assert not re.search(r"\benviron\b|\bgetenv\b|\bdebugging\(", text), module.__name__


def _compiled(shapes: Path, data: Path):
    """The checks compile_shapes makes (as comparable fields), and those made by reading the
    shapes store through its own lookups, without the one-pass index; or None if unsupported."""
    import pyoxigraph as ox

    from gnlc.compiled_shapes import Unsupported, _compile_shapes, compile_shapes

    def read(path: Path) -> ox.Store:
        store = ox.Store()
        store.load(path=path, format=ox.RdfFormat.TURTLE)
        return store

    shapes_store, data_store = read(shapes), read(data)

    def fields(checks) -> list:
        names = ("query", "component", "shape", "severity", "messages", "path", "params")
        names += ("sparql", "focus_query", "constants", "batch", "joined", "in_focus")
        return [(*(getattr(c, n) for n in names), c.keep is None) for c in checks]

    try:
        indexed = fields(compile_shapes(shapes_store, data=data_store, shapes_graph=True))
    except Unsupported:
        return None
    return indexed, fields(_compile_shapes(shapes_store, data_store, True))


@pytest.mark.parametrize(
    "shapes", [ROOT / "shapes" / "gnlc.shacl.ttl", *CASES], ids=lambda p: p.stem
)
def test_shapes_read_through_the_index_compile_to_the_same_checks(shapes: Path) -> None:
    """compile_shapes reads the shapes graph through a one-pass index (subject, predicate) ->
    objects; the checks are the same as reading the store pattern by pattern."""
    data = ROOT / "data" / "members" / "TH.ttl" if shapes.parent.name == "shapes" else shapes
    got = _compiled(shapes, data_of(data) if data == shapes else data)
    if got is None:  # the fixtures that fall back to pySHACL: nothing compiled either way
        assert header(shapes, "engine") == ["pyshacl"]
        return
    assert got[0] == got[1]
    assert got[0] or header(shapes, "expect") == ["none"]  # only a shape that checks nothing


def test_the_shapes_index_keeps_each_lookups_objects_in_store_order() -> None:
    """For every (subject, predicate) of the project's shapes, the index lists exactly what
    the store's own pattern lookup gives, in the same order."""
    import pyoxigraph as ox

    from gnlc.compiled_shapes import _indexed

    store = ox.Store()
    store.load(path=ROOT / "shapes" / "gnlc.shacl.ttl", format=ox.RdfFormat.TURTLE)
    index = _indexed(store)
    pairs = {(q.subject, q.predicate.value) for q in store}
    assert set(index) == pairs and len(pairs) > 500
    for subject, predicate in pairs:
        direct = store.quads_for_pattern(subject, ox.NamedNode(predicate), None, ox.DefaultGraph())
        assert index[(subject, predicate)] == [q.object for q in direct]
