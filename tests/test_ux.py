"""Small paths a user meets first (issue 14, item 9): `python -m gnlc`, whole summaries in
`gnlc --help`, one wording for an unrecorded region, plain TSV beside the W3C SPARQL TSV."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest
from click.testing import CliRunner
from conftest import ROOT

from gnlc.cli import SUMMARIES, cli


def invoke(*args: str, **kwargs):
    return CliRunner().invoke(cli, ["--root", str(ROOT), *args], **kwargs)


def test_python_dash_m_gnlc() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "gnlc", "query", "--list"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "thai-members\t" in done.stdout
    version = subprocess.run(
        [sys.executable, "-m", "gnlc", "--version"], capture_output=True, text=True, timeout=300
    )
    assert version.stdout.startswith("gnlc, version")


@pytest.mark.parametrize("width", [60, 80, 100])
def test_help_shows_whole_command_summaries(width: int) -> None:
    output = CliRunner().invoke(cli, ["--help"], terminal_width=width).output
    section = output.split("Commands:", 1)[1].split("\n\n", 1)[0]
    listed = {}
    for line in section.strip().splitlines():
        name, _, summary = line.strip().partition(" ")
        listed[name] = summary.strip()
    assert listed == SUMMARIES  # whole sentences: nothing cut, no "..."
    assert all(s.endswith(".") and not s.endswith("...") for s in listed.values())


def test_unrecorded_region_has_one_wording() -> None:
    rows = list(
        csv.reader(io.StringIO(invoke("query", "members-per-region", "--format", "csv").stdout))
    )[1:]
    from_query = {region: int(members) for region, members, _ in rows}
    stats = json.loads(invoke("stats", "--format", "json").stdout)
    from_stats = {r["region"]: r["members"] for r in stats["by_region"]}
    assert from_query == from_stats
    assert "" not in from_query


def test_plain_tsv_holds_the_csv_values() -> None:
    as_csv = list(
        csv.reader(io.StringIO(invoke("query", "thai-members", "--format", "csv").stdout))
    )
    tsv = invoke("query", "thai-members", "--format", "tsv").stdout
    as_tsv = [line.split("\t") for line in tsv.splitlines()]
    assert as_tsv == as_csv and not as_tsv[0][0].startswith("?")
    sparql = invoke("query", "thai-members", "--format", "sparql-tsv").stdout
    assert sparql.splitlines()[0].startswith("?city\t")
    assert '"@th' in sparql  # the W3C form keeps the terms


def test_plain_tsv_escapes_tabs_and_newlines(tmp_path) -> None:
    path = tmp_path / "odd.rq"
    path.write_text(
        'SELECT ?x ?y WHERE { BIND ("a\\tb\\nc\\\\d\\re" AS ?x) } ORDER BY ?x\n', encoding="utf-8"
    )
    lines = invoke("query", str(path), "--format", "tsv").stdout.split("\n")
    assert lines[:2] == ["x\ty", "a\\tb\\nc\\\\d\\re\t"]
