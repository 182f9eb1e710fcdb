"""The CLI contract: exit codes 0/1/2, one-line messages with file:line:col, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, ROOT
from helpers import copy_sources

from gnlc.cli import cli

HEADER = """@prefix gnlc: <https://w3id.org/gnlc/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
"""


def run(*args: str, root: Path = ROOT):
    """Invoke gnlc in-process; stderr kept apart from stdout."""
    return CliRunner().invoke(cli, ["--root", str(root), *args], catch_exceptions=False)


def test_version_and_help() -> None:
    from gnlc import __version__

    assert run("--version").output.strip().endswith(__version__)
    for command in ("validate", "fmt", "build", "query", "stats"):
        result = run(command, "--help")
        assert result.exit_code == 0
        assert "Example" in result.output


@pytest.mark.parametrize("width", [60, 80, 100])
def test_lazy_help_is_what_an_eager_group_prints(width: int) -> None:
    """The summaries gnlc --help shows without importing the commands are their own docstrings."""
    import importlib

    import click

    from gnlc import commands

    eager = click.Group(
        cli.name,
        params=cli.params,
        help=cli.help,
        epilog=cli.epilog,
        context_settings=cli.context_settings,
    )
    folder = Path(commands.__file__).parent
    names = sorted(p.stem for p in folder.glob("*.py") if p.stem not in ("__init__", "common"))
    for name in names:
        eager.add_command(importlib.import_module(f"gnlc.commands.{name}").command)
    assert names == cli.list_commands(None)
    lazy = CliRunner().invoke(cli, ["--help"], terminal_width=width).output
    assert lazy == CliRunner().invoke(eager, ["--help"], terminal_width=width).output
    assert "Commands:" in lazy


def test_help_imports_no_command_module() -> None:
    code = "import json, sys; from gnlc.cli import cli; print(json.dumps(sorted(sys.modules)))"
    loaded = json.loads(
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout
    )
    assert "gnlc.cli" in loaded
    heavy = [
        m for m in loaded if m.startswith(("gnlc.commands.", "rdflib", "pyoxigraph", "pyshacl"))
    ]
    assert heavy == []


def test_validate_repository_exits_0() -> None:
    result = run("validate")
    assert result.exit_code == 0, result.output
    assert "conforms" in result.output


def test_validate_invalid_fixture_exits_1_with_file_and_line() -> None:
    fixture = FIXTURES / "invalid/city-no-country.ttl"
    result = run("validate", str(fixture))
    assert result.exit_code == 1
    line = next(
        i
        for i, t in enumerate(fixture.read_text().splitlines(), 1)
        if t.startswith("city:kr-testville")
    )
    assert f"city-no-country.ttl:{line}: violation:" in result.output
    assert "needs exactly one gnlc:country" in result.output


def test_validate_json_fields() -> None:
    result = run("validate", str(FIXTURES / "invalid/city-no-country.ttl"), "--format", "json")
    body = json.loads(result.output)
    assert body["conforms"] is False
    fields = {"severity", "focus", "path", "constraint", "message_en", "message_th", "file", "line"}
    assert all(fields <= set(r) for r in body["results"])
    violation = next(r for r in body["results"] if r["severity"] == "Violation")
    assert violation["message_th"] and violation["message_en"]


def test_validate_github_annotations() -> None:
    result = run("validate", str(FIXTURES / "invalid/city-no-country.ttl"), "--format", "github")
    assert result.exit_code == 1
    assert result.output.startswith("::error file=")
    assert ",line=" in result.output


def test_validate_turtle_report_is_a_shacl_report() -> None:
    import rdflib

    result = run("validate", str(FIXTURES / "invalid/city-no-country.ttl"), "--format", "turtle")
    graph = rdflib.Graph().parse(data=result.output, format="turtle")
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    report = next(graph.subjects(rdflib.RDF.type, sh.ValidationReport))
    assert graph.value(report, sh.conforms).toPython() is False
    assert len(list(graph.objects(report, sh.result))) >= 1


def test_strict_turns_warnings_into_failure() -> None:
    valid = FIXTURES / "valid/kr-testville.ttl"
    assert run("validate", str(valid)).exit_code == 0
    assert run("validate", str(valid), "--strict").exit_code == 1


def test_extra_shapes_apply(tmp_path: Path) -> None:
    shapes = tmp_path / "mine.ttl"
    shapes.write_text(
        """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix gnlc: <https://w3id.org/gnlc/ontology#> .
@prefix geo: <http://www.w3.org/2003/01/geo/wgs84_pos#> .
<https://example.org/shapes#needs-point> a sh:NodeShape ; sh:targetClass gnlc:LearningCity ;
  sh:property [ sh:path geo:location ; sh:minCount 1 ; sh:message "needs a point"@en ] .
""",
        encoding="utf-8",
    )
    fixture = tmp_path / "city.ttl"
    text = (FIXTURES / "valid/kr-testville.ttl").read_text(encoding="utf-8")
    fixture.write_text(
        text.split("<https://w3id.org/gnlc/city/kr-testville#point> a")[0].replace(
            " ;\n    geo:location <https://w3id.org/gnlc/city/kr-testville#point>", ""
        ),
        encoding="utf-8",
    )
    assert run("validate", str(fixture)).exit_code == 0
    result = run("validate", str(fixture), "--shapes", str(shapes))
    assert result.exit_code == 1
    assert "needs a point" in result.output


BAD_INPUTS = {
    # The missing '.' is noticed at the end of the file: line 4, column 1.
    "syntax-error.ttl": (HEADER + '<https://example.org/a> skos:prefLabel "x"@en\n', ":4:1: "),
    "unknown-prefix.ttl": (HEADER + '<https://example.org/a> zz:label "x" .\n', "zz"),
    "bad-iri.ttl": (HEADER + '<https://example.org/a b> skos:prefLabel "x" .\n', "IRI"),
    "relative-iri.ttl": ("<a> <b> <c> .\n", "IRI"),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_unusable_turtle_exits_2_with_place(tmp_path: Path, name: str) -> None:
    text, needle = BAD_INPUTS[name]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = run("validate", str(path))
    assert result.exit_code == 2
    message = result.stderr.strip()
    assert message.startswith("gnlc: ") and name in message and needle in message
    assert "Traceback" not in result.output + result.stderr
    assert len(message.splitlines()) == 1


def test_not_utf8_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "latin1.ttl"
    path.write_bytes(
        HEADER.encode() + '<https://example.org/a> skos:prefLabel "caf\xe9" .\n'.encode("latin-1")
    )
    result = run("validate", str(path))
    assert result.exit_code == 2
    assert "latin1.ttl:3:" in result.stderr and "not valid UTF-8" in result.stderr


def test_binary_file_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "garbage.ttl"
    path.write_bytes(bytes(range(256)) * 4)
    result = run("validate", str(path))
    assert result.exit_code == 2
    assert "binary" in result.stderr


def test_bom_is_stripped_with_warning(tmp_path: Path) -> None:
    path = tmp_path / "bom.ttl"
    path.write_bytes(b"\xef\xbb\xbf" + (FIXTURES / "valid/kr-testville.ttl").read_bytes())
    result = run("validate", str(path))
    assert result.exit_code == 0
    assert "byte order mark" in result.stderr


def test_empty_file_is_zero_triples(tmp_path: Path) -> None:
    """An empty file adds nothing: the same count as a file holding only a prefix, one less
    than a file with one triple (the ontology and reference data are always added)."""
    import json

    def checked(text: str) -> int:
        path = tmp_path / "data.ttl"
        path.write_text(text, encoding="utf-8")
        result = run("validate", str(path), "--format", "json")
        assert result.exit_code == 0, result.stderr
        return json.loads(result.stdout)["triples"]

    empty = checked("")
    assert empty == checked("@prefix ex: <https://example.org/> .\n")
    one = '<https://example.org/a> <http://www.w3.org/2000/01/rdf-schema#comment> "c" .\n'
    assert checked(one) == empty + 1


def test_missing_path_and_empty_folder_exit_2(tmp_path: Path) -> None:
    result = run("validate", str(tmp_path / "nope.ttl"))
    assert result.exit_code == 2 and "no such file" in result.stderr
    (tmp_path / "empty").mkdir()
    result = run("validate", str(tmp_path / "empty"))
    assert result.exit_code == 2 and "no RDF files" in result.stderr


def test_remote_jsonld_context_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "remote.jsonld"
    path.write_text(
        '{"@context": "https://schema.org/", "@id": "https://example.org/a", "name": "x"}',
        encoding="utf-8",
    )
    result = run("validate", str(path))
    assert result.exit_code == 2
    assert "remote JSON-LD @context" in result.stderr


def test_unknown_command_option_exits_2() -> None:
    assert run("validate", "--no-such-option").exit_code == 2


def test_outside_any_root_uses_bundle_or_says_so(tmp_path: Path, monkeypatch) -> None:
    from gnlc.errors import GnlcError
    from gnlc.paths import bundled_root, find_root

    monkeypatch.delenv("GNLC_ROOT", raising=False)
    with pytest.raises(GnlcError):
        find_root(tmp_path / "missing")
    assert find_root(start=ROOT / "data" / "members") == ROOT
    # Outside any checkout: the bundled copy (for this editable install, the checkout itself).
    bundle = bundled_root()
    assert find_root(start=tmp_path) == bundle
    assert all((bundle / name).is_dir() for name in ("ontology", "data", "shapes", "queries"))


def test_installed_command_runs_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is not turtle", encoding="utf-8")
    gnlc = Path(sys.executable).with_name("gnlc")
    result = subprocess.run(
        [str(gnlc), "validate", str(bad)], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    debug = subprocess.run(
        [str(gnlc), "--debug", "validate", str(bad)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert debug.returncode == 2
    assert "Traceback" in debug.stderr


def test_a_pipe_or_device_is_named_for_what_it_is_and_never_read(tmp_path: Path) -> None:
    import os

    pipe = tmp_path / "data.ttl"
    os.mkfifo(pipe)  # reading a pipe nobody writes to would block forever
    for path in (pipe, Path("/dev/null")):
        result = run("validate", str(path))
        assert result.exit_code == 2, result.stderr
        assert result.stderr.strip() == f"gnlc: {path}: not a regular file or folder"


@pytest.mark.parametrize("kind", ["pipe", "broken-link"])
def test_a_data_file_that_is_not_a_regular_file_is_refused_not_skipped(
    tmp_path: Path, kind: str
) -> None:
    import os

    copy_sources(tmp_path)
    member_file = tmp_path / "data" / "members" / "TM.ttl"
    member_file.unlink()
    if kind == "pipe":
        os.mkfifo(member_file)
    else:
        member_file.symlink_to(tmp_path / "nowhere.ttl")
    for command in (["validate"], ["build", "--out", str(tmp_path / "dist")], ["stats"]):
        result = run(*command, root=tmp_path)
        assert result.exit_code == 2, (command, result.output)
        assert result.stderr.strip() == (
            f"gnlc: {member_file}: not a regular file (a broken link, a pipe or a device)"
        )
    assert not (tmp_path / "dist").exists()


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e300"])
def test_a_timeout_that_is_not_a_number_of_seconds_is_a_usage_error(value: str) -> None:
    for command in (["query", "sdgs"], ["serve", "--port", "0"]):
        option = "--timeout" if command[0] == "query" else "--query-timeout"
        result = run(*command, option, value)
        assert result.exit_code == 2, (command, result.output)
        assert f"Invalid value for '{option}'" in result.stderr
        assert "internal error" not in result.stderr
