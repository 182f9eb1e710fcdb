"""Canonical Turtle: the repository is canonical, fmt never changes a graph, fmt is idempotent."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT

from gnlc.cli import cli
from gnlc.formatting import canonical_text, source_files

SOURCES = source_files(ROOT)


def test_repository_is_canonical() -> None:
    result = CliRunner().invoke(cli, ["--root", str(ROOT), "fmt", "--check"])
    assert result.exit_code == 0, f"not canonical; run `gnlc fmt`:\n{result.output}"


@pytest.mark.slow
@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_canonical_form_keeps_the_graph_and_is_stable(path: Path, tmp_path: Path) -> None:
    import rdflib
    from helpers import same_graph

    text, _ = canonical_text(path)
    before = rdflib.Graph().parse(path, format="turtle")
    after = rdflib.Graph().parse(data=text, format="turtle")
    assert same_graph(before, after)
    # The second pass reads a copy outside the repository: one beside the source was read, or
    # vanished under, every test running meanwhile that loads or copies data/ (seen with xdist).
    again_path = tmp_path / path.name
    again_path.write_text(text, encoding="utf-8")
    assert canonical_text(again_path)[0] == text


MESSY = """@prefix ex: <https://example.org/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
# about ex:b: moves with it
ex:b skos:prefLabel "B"@en , "บี"@th ; ex:n 3 ; ex:d 4.50 ; a ex:Thing .
ex:a ex:list ( "x" "y" ) ; ex:nested [ ex:p ex:b ; ex:q "q\\"uote\\\\" ] ;
  ex:text "line one\\nline two" ; ex:big "1e3"^^<http://www.w3.org/2001/XMLSchema#double> .
"""


def test_fmt_rewrites_messy_file_without_changing_the_graph(tmp_path: Path) -> None:
    import rdflib
    from rdflib.compare import isomorphic

    path = tmp_path / "messy.ttl"
    path.write_text("# generated header kept\n" + MESSY, encoding="utf-8")
    runner = CliRunner()
    check = runner.invoke(cli, ["--root", str(ROOT), "fmt", "--check", str(path)])
    assert check.exit_code == 1 and "messy.ttl" in check.output
    assert runner.invoke(cli, ["--root", str(ROOT), "fmt", str(path)]).exit_code == 0
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# generated header kept\n")
    lines = text.splitlines()
    assert lines[lines.index("<https://example.org/b>") - 1] == "# about ex:b: moves with it"
    assert isomorphic(
        rdflib.Graph().parse(data=MESSY, format="turtle"),
        rdflib.Graph().parse(path, format="turtle"),
    )
    lines = text.splitlines()
    subjects = [
        line
        for line in lines
        if line and not line[0].isspace() and ":" in line and not line.startswith(("@prefix", "#"))
    ]
    assert subjects == sorted(subjects)
    assert runner.invoke(cli, ["--root", str(ROOT), "fmt", "--check", str(path)]).exit_code == 0


def test_fmt_refuses_the_installed_read_only_copy(monkeypatch, tmp_path: Path) -> None:
    import gnlc.paths

    for name in ("ontology", "data", "shapes", "queries"):
        (tmp_path / name).mkdir()
    monkeypatch.setattr(gnlc.paths, "is_bundled", lambda root: root == tmp_path)
    result = CliRunner().invoke(cli, ["--root", str(tmp_path), "fmt"])
    assert result.exit_code == 2
    assert "read-only" in result.stderr


def test_same_graph_tells_graphs_apart_by_structure_not_labels() -> None:
    """The comparison used above: blank node labels do not count, structure and terms do
    (each expectation by hand)."""
    import rdflib
    from helpers import same_graph

    prefix = "@prefix ex: <https://example.org/> .\n"

    def graph(text: str):
        return rdflib.Graph().parse(data=prefix + text, format="turtle")

    one = graph("ex:a ex:p _:x . _:x ex:q _:y . _:y ex:q ex:b .")
    assert same_graph(one, graph("ex:a ex:p _:m . _:m ex:q _:n . _:n ex:q ex:b ."))
    assert same_graph(one, graph("ex:a ex:p [ ex:q [ ex:q ex:b ] ] ."))
    assert not same_graph(one, graph("ex:a ex:p _:m . _:m ex:q ex:b . _:n ex:q ex:b ."))
    assert not same_graph(graph('ex:a ex:p "1" .'), graph("ex:a ex:p 1 ."))
    assert not same_graph(graph('ex:a ex:p "x"@en .'), graph('ex:a ex:p "x"@th .'))
    string = '"x"^^<http://www.w3.org/2001/XMLSchema#string>'
    assert same_graph(graph('ex:a ex:p "x" .'), graph(f"ex:a ex:p {string} ."))
