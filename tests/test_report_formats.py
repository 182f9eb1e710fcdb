"""Every report format carries every finding, input errors included; text summaries name their
resources (issue 14, item 6)."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner
from conftest import ROOT

from gnlc.cli import cli
from gnlc.namespaces import compact_iri as compact
from gnlc.reporting import LISTED

BROKEN = "@prefix ex: <https://example.org/> .\nex:a ex:b ex:c ;\n  ex:d .\n"


def validate(*args: str):
    return CliRunner().invoke(cli, ["--root", str(ROOT), "validate", *args])


@pytest.fixture
def broken(tmp_path):
    path = tmp_path / "broken.ttl"
    path.write_text(BROKEN, encoding="utf-8")
    return path


def _stderr_place(result) -> tuple[str, int, int]:
    line = result.stderr.strip().splitlines()[-1]
    match = re.match(r"^gnlc: (.+):(\d+):(\d+): ", line)
    assert match, line
    return match.group(1), int(match.group(2)), int(match.group(3))


def test_text_reports_the_syntax_error_on_stderr(broken) -> None:
    result = validate(str(broken))
    assert result.exit_code == 2
    file, line, _ = _stderr_place(result)
    assert file.endswith("broken.ttl") and line == 3


def test_json_reports_the_syntax_error(broken) -> None:
    result = validate(str(broken), "--format", "json")
    assert result.exit_code == 2
    body = json.loads(result.stdout)
    assert body["conforms"] is False
    [finding] = body["results"]
    file, line, column = _stderr_place(result)
    assert finding["severity"] == "Error"
    assert (finding["file"], finding["line"], finding["column"]) == (file, line, column)
    assert finding["message_en"] and finding["message_en"] in result.stderr


def test_github_annotates_the_syntax_error(broken) -> None:
    result = validate(str(broken), "--format", "github")
    assert result.exit_code == 2
    [annotation] = result.stdout.strip().splitlines()
    _, line, column = _stderr_place(result)
    assert annotation.startswith("::error file=")
    assert f",line={line},col={column}," in annotation
    assert "broken.ttl" in annotation


def test_turtle_reports_the_syntax_error(broken) -> None:
    import rdflib

    result = validate(str(broken), "--format", "turtle")
    assert result.exit_code == 2
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    graph = rdflib.Graph().parse(data=result.stdout, format="turtle")
    [report] = graph.subjects(rdflib.RDF.type, sh.ValidationReport)
    assert graph.value(report, sh.conforms).toPython() is False
    [finding] = graph.objects(report, sh.result)
    message = str(graph.value(finding, sh.resultMessage))
    assert "broken.ttl:3:" in message


@pytest.mark.parametrize("fmt", ["json", "github", "turtle"])
def test_missing_path_is_reported_in_machine_formats(tmp_path, fmt: str) -> None:
    result = validate(str(tmp_path / "nowhere.ttl"), "--format", fmt)
    assert result.exit_code == 2
    assert "nowhere.ttl" in result.stdout


def test_text_summary_lines_name_their_resources() -> None:
    text = validate()
    findings = json.loads(validate("--format", "json").stdout)["results"]
    per_message: dict[str, set[str]] = {}
    for f in findings:
        if f["severity"] != "Violation":
            per_message.setdefault(f["message_en"], set()).add(compact(f["focus"]))
    assert per_message, "the data has no warnings to summarise"
    for message, names in per_message.items():
        [line] = [x for x in text.stdout.splitlines() if f": {message}: " in x]
        assert line.startswith(f"warning: {len(names)} resource(s): ")
        listed = line.split(f": {message}: ", 1)[1].split(" and ", 1)[0].split(", ")
        assert set(listed) <= names
        assert len(listed) == min(len(names), LISTED)
