"""Hostile twins of parser input: entity bombs and deep nesting are refused, never hang."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT
from helpers import copy_sources

from gnlc.cli import cli
from gnlc.errors import GnlcError

RDF_NS = 'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:e="https://example.org/e#"'


def run(*args: str, root: Path = ROOT):
    """Invoke gnlc in-process; stderr kept apart from stdout."""
    return CliRunner().invoke(cli, ["--root", str(root), *args], catch_exceptions=False)


def _bomb(levels: int, doctype: str = "DOCTYPE") -> str:
    """An RDF/XML file whose one literal expands to 10 ** (levels + 1) characters."""
    entities = ['<!ENTITY a0 "xxxxxxxxxx">']
    for i in range(1, levels + 1):
        entities.append(f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">')
    return (
        '<?xml version="1.0"?>\n'
        f"<!{doctype} rdf:RDF [\n" + "\n".join(entities) + "\n]>\n"
        f"<rdf:RDF {RDF_NS}>\n"
        f'  <rdf:Description rdf:about="https://example.org/e#s"><e:p>&a{levels};</e:p>'
        "</rdf:Description>\n</rdf:RDF>\n"
    )


def test_the_bomb_expands_without_the_guard() -> None:
    """Second route: the parser underneath really expands the entities (so refusal matters)."""
    import pyoxigraph

    quads = list(pyoxigraph.parse(_bomb(3).encode(), format=pyoxigraph.RdfFormat.RDF_XML))
    assert len(quads[0].object.value) == 10**4


@pytest.mark.parametrize("doctype", ["DOCTYPE", "doctype"])
def test_rdfxml_entity_bomb_is_refused_at_its_doctype(tmp_path: Path, doctype: str) -> None:
    bomb = tmp_path / "bomb.rdf"
    bomb.write_text(_bomb(4, doctype), encoding="utf-8")  # a 100,000-character literal
    result = run("validate", str(bomb))
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output
    assert re.match(rf"^gnlc: {re.escape(str(bomb))}:2:\d+: .*DOCTYPE", lines[0]), lines[0]


def test_rdfxml_doctype_inside_the_document_is_refused(tmp_path: Path) -> None:
    """The parser underneath also honours a DOCTYPE after the root element starts."""
    from gnlc.loading import load_files, parse_file

    late = tmp_path / "late.rdf"
    late.write_text(
        f'<?xml version="1.0"?>\n<rdf:RDF {RDF_NS}>\n'
        '<!DOCTYPE rdf:RDF [ <!ENTITY a0 "xxxxxxxxxx"> ]>\n'
        '<rdf:Description rdf:about="https://example.org/e#s"><e:p>&a0;</e:p>'
        "</rdf:Description>\n</rdf:RDF>\n",
        encoding="utf-8",
    )
    for read in (lambda: parse_file(late, []), lambda: load_files([late])):
        with pytest.raises(GnlcError) as caught:
            read()
        assert caught.value.message.startswith(f"{late}:3:"), caught.value.message


def test_rdfxml_without_doctype_still_loads(tmp_path: Path) -> None:
    from gnlc.loading import parse_file

    plain = tmp_path / "plain.rdf"
    plain.write_text(
        f'<?xml version="1.0"?>\n<!-- <!DOCTYPE x> in a comment is text -->\n<rdf:RDF {RDF_NS}>\n'
        '<rdf:Description rdf:about="https://example.org/e#s"><e:p>&amp;&#13;</e:p>'
        "</rdf:Description>\n</rdf:RDF>\n",
        encoding="utf-8",
    )
    (triple,) = parse_file(plain, [])
    assert triple.object.value == "&\r"


def test_rdfxml_that_is_not_well_formed_is_refused_with_its_place(tmp_path: Path) -> None:
    """Well-formedness is what makes the DOCTYPE check complete; a '<' in a value breaks it."""
    broken = tmp_path / "broken.rdf"
    broken.write_text(
        f'<?xml version="1.0"?>\n<rdf:RDF {RDF_NS}>\n'
        '<rdf:Description rdf:about="https://example.org/e#s" e:p="<!DOCTYPE"/>\n</rdf:RDF>\n',
        encoding="utf-8",
    )
    result = run("validate", str(broken))
    assert result.exit_code == 2
    assert re.match(rf"^gnlc: {re.escape(str(broken))}:3:\d+: ", result.stderr), result.stderr


# A vocabulary the closed-vocabulary check allows (rdfs:seeAlso links), so the data validates.
X = "http://www.w3.org/2000/01/rdf-schema#"


def _nested_turtle(depth: int) -> str:
    """x:s x:seeAlso [ x:seeAlso [ ... "end" ] ]: depth blank nodes, each inside the one before."""
    return (
        f"@prefix x: <{X}> .\nx:s x:seeAlso "
        + "[ x:seeAlso " * depth
        + '"end"'
        + " ]" * depth
        + " .\n"
    )


def _chain_depth(data: bytes, fmt) -> int:
    """Second route: follow x:seeAlso from x:s through blank nodes to "end"; the number of hops."""
    import pyoxigraph

    objects: dict[str, list] = {}
    for quad in pyoxigraph.parse(data, format=fmt):
        if quad.predicate.value == X + "seeAlso":
            objects.setdefault(str(quad.subject), []).append(quad.object)
    node, hops = f"<{X}s>", 0
    while True:
        (obj,) = objects[node]
        if isinstance(obj, pyoxigraph.Literal):
            assert obj.value == "end"
            return hops
        node, hops = str(obj), hops + 1


def _copy_root(tmp_path: Path) -> Path:

    root = tmp_path / "root"
    copy_sources(root)
    return root


@pytest.mark.slow
@pytest.mark.parametrize("depth", [400, 5000])
def test_deep_blank_node_nesting_formats_validates_and_builds(tmp_path: Path, depth: int) -> None:
    """Every stage is linear in nesting depth: no RecursionError, no minutes of canonicalising."""
    import pyoxigraph

    root = _copy_root(tmp_path)
    nest = root / "data" / "nest.ttl"
    nest.write_text(_nested_turtle(depth), encoding="utf-8")
    turtle = pyoxigraph.RdfFormat.TURTLE

    result = run("validate", str(nest), root=root)
    assert result.exit_code == 0, result.output
    result = run("fmt", str(nest), root=root)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert run("fmt", "--check", str(nest), root=root).exit_code == 0
    assert _chain_depth(nest.read_bytes(), turtle) == depth

    out = tmp_path / "dist"
    result = run("build", "--out", str(out), root=root)
    assert result.exit_code == 0, result.output
    formats = {
        "gnlc.ttl": turtle,
        "gnlc.nt": pyoxigraph.RdfFormat.N_TRIPLES,
        "gnlc.jsonld": pyoxigraph.RdfFormat.JSON_LD,
        "gnlc.rdf": pyoxigraph.RdfFormat.RDF_XML,
    }
    for name, fmt in formats.items():
        assert _chain_depth((out / name).read_bytes(), fmt) == depth, name


@pytest.mark.parametrize("suffix", [".ttl", ".rdf", ".jsonld"])
def test_deep_nesting_in_every_input_syntax_exits_cleanly(tmp_path: Path, suffix: str) -> None:
    """Run as a subprocess: the JSON-LD parser underneath crashes the process past ~4000 levels."""
    import subprocess
    import sys

    depth = 5000
    texts = {
        ".ttl": _nested_turtle(depth),
        ".rdf": '<?xml version="1.0"?>\n<rdf:RDF '
        + f'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:x="{X}"'
        + f'>\n<rdf:Description rdf:about="{X}s">'
        + '<x:seeAlso rdf:parseType="Resource">' * depth
        + "<x:seeAlso>end</x:seeAlso>"
        + "</x:seeAlso>" * depth
        + "</rdf:Description>\n</rdf:RDF>\n",
        ".jsonld": f'{{"@id": "{X}s",\n'
        + f'"{X}seeAlso": {{' * depth
        + '"@value": "end"'
        + "}" * depth
        + "}\n",
    }
    path = tmp_path / f"nest{suffix}"
    path.write_text(texts[suffix], encoding="utf-8")
    gnlc = Path(sys.executable).with_name("gnlc")
    done = subprocess.run(
        [str(gnlc), "--root", str(ROOT), "validate", str(path)],
        capture_output=True,
        text=True,
        timeout=300,  # a safety net only
        check=False,
    )
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
    assert done.returncode == (2 if suffix == ".jsonld" else 0), done.stderr
    if suffix == ".jsonld":
        from gnlc.loading import MAX_JSON_DEPTH

        # Line 1 opens level 1; the brace closing each '"x:seeAlso": {' on line 2 opens one more.
        column = len(f'"{X}seeAlso": {{') * MAX_JSON_DEPTH
        assert done.stderr.strip() == (
            f"gnlc: {path}:2:{column}: JSON nested more than {MAX_JSON_DEPTH} levels deep "
            "is refused"
        )


def _cycle(size: int) -> str:
    """size labelled blank nodes in one cycle (RDFC-1.0 time grows with about size ** 3)."""
    lines = [f"_:n{i} x:seeAlso _:n{(i + 1) % size} .\n" for i in range(size)]
    return f"@prefix x: <{X}> .\n" + "".join(lines)


def test_many_blank_nodes_in_cycles_are_refused_at_their_first_label(tmp_path: Path) -> None:
    from gnlc.canonical import MAX_ENTANGLED_BLANK_NODES

    size = MAX_ENTANGLED_BLANK_NODES + 100
    path = tmp_path / "cycle.ttl"
    path.write_text(_cycle(size), encoding="utf-8")
    for command in ("validate", "fmt"):
        result = run(command, str(path))
        assert result.exit_code == 2, (command, result.output)
        assert result.stderr == (
            f"gnlc: {path}:2:1: {size} blank nodes are shared, in cycles or hold such nodes, "
            f"more than {MAX_ENTANGLED_BLANK_NODES}: give them IRIs\n"
        )


def test_a_blank_node_cycle_under_the_limit_is_formatted_losslessly(tmp_path: Path) -> None:
    import pyoxigraph

    path = tmp_path / "cycle.ttl"
    path.write_text(_cycle(60), encoding="utf-8")
    assert run("fmt", str(path)).exit_code == 0
    assert run("fmt", "--check", str(path)).exit_code == 0
    quads = list(pyoxigraph.parse(path.read_bytes(), format=pyoxigraph.RdfFormat.TURTLE))
    following = {str(q.subject): str(q.object) for q in quads}
    node, seen = next(iter(following)), set()
    while node not in seen:  # second route: one cycle through all 60 nodes
        seen.add(node)
        node = following[node]
    assert len(quads) == len(seen) == 60


def test_other_routes_to_the_writer_refuse_too_many_entangled_blank_nodes() -> None:
    """CONSTRUCT results (say from an endpoint) reach the Turtle writer without a file."""
    import pyoxigraph

    from gnlc.turtle import serialize

    triples = [
        q.triple for q in pyoxigraph.parse(_cycle(300).encode(), format=pyoxigraph.RdfFormat.TURTLE)
    ]
    with pytest.raises(GnlcError, match="300 blank nodes are shared"):
        serialize(triples)


def test_rdf_1_2_triple_terms_are_refused_at_their_place(tmp_path: Path) -> None:
    """A triple term used to pass validate and then come out of build as broken Turtle (its
    blank node split in two); RDF/XML and JSON-LD cannot write one at all."""
    root = _copy_root(tmp_path)
    path = root / "data" / "terms.ttl"
    path.write_text(
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n\n"
        "<https://example.org/s> rdfs:seeAlso\n"
        "    <<( _:b rdfs:seeAlso <https://example.org/c> )>> .\n",
        encoding="utf-8",
    )
    for args in (
        ["validate", str(path)],
        ["fmt", str(path)],
        ["build", "--out", str(tmp_path / "d")],
    ):
        result = run(*args, root=root)
        assert result.exit_code == 2, (args, result.output)
        assert f"{path}:4:5: RDF 1.2 triple terms are not supported" in result.output, result.output
    assert not (tmp_path / "d").exists()


@pytest.mark.parametrize("where", ["input", "data"])
def test_a_json_ld_named_graph_is_refused_naming_its_file(tmp_path: Path, where: str) -> None:
    """Regression: a data file's named graph was counted but never validated (validate exit 0,
    an unknown predicate in it unflagged), and build refused it without naming the file."""
    named = (
        '{"@context": {"ex": "http://example.org/"}, "@id": "http://example.org/g",'
        ' "@graph": [{"@id": "ex:a", "ex:unknownPredicate": "v"}]}\n'
    )
    if where == "input":
        path = tmp_path / "named.jsonld"
        path.write_text(named, encoding="utf-8")
        commands = [("validate", str(path))]
        root = ROOT
    else:
        root = _copy_root(tmp_path)
        path = root / "data" / "named.jsonld"
        path.write_text(named, encoding="utf-8")
        commands = [("validate",), ("build", "--out", str(tmp_path / "dist"))]
    for args in commands:
        result = run(*args, root=root)
        assert result.exit_code == 2, result.output
        [line] = result.stderr.strip().splitlines()
        assert "named.jsonld" in line and "named graph" in line and "example.org/g" in line
    assert not (tmp_path / "dist").exists()
    # The top-level @graph without an @id is the default graph: loaded as before.
    default = tmp_path / "default.jsonld"
    default.write_text(named.replace('"@id": "http://example.org/g",', ""), encoding="utf-8")
    assert "named graph" not in run("validate", str(default)).stderr
