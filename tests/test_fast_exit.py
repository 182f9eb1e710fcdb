"""`gnlc build` and `gnlc validate` end without the interpreter's shutdown (cli.main), with
their work whole: the release as an in-process build writes it, the report as an in-process
validate prints it (the second route: click's CliRunner, which never takes the fast exit)."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner
from helpers import exit_probe

from gnlc.cli import cli

FIXTURES = Path(__file__).parent / "fixtures"


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_build_ends_without_the_shutdown_and_its_release_is_whole(
    root_copy: Path, tmp_path: Path
) -> None:
    fast, slow = tmp_path / "fast", tmp_path / "slow"
    result = exit_probe(["--root", str(root_copy), "build", "--out", str(fast)])
    assert result.returncode == 0, result.stderr
    assert "shutdown ran" not in result.stderr
    assert result.stdout.startswith(f"wrote {fast}: ") and result.stdout.endswith("\n")
    expected = CliRunner().invoke(cli, ["--root", str(root_copy), "build", "--out", str(slow)])
    assert expected.exit_code == 0, expected.output
    assert files(fast) == files(slow)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no leftovers


def test_a_refused_build_ends_without_the_shutdown_and_publishes_nothing(
    root_copy: Path, tmp_path: Path
) -> None:
    shutil.copy(FIXTURES / "invalid" / "award-no-year.ttl", root_copy / "data" / "bad.ttl")
    out = tmp_path / "out"
    result = exit_probe(["--root", str(root_copy), "build", "--out", str(out)])
    assert result.returncode == 1, result.stderr
    assert "shutdown ran" not in result.stderr
    assert "build refused" in result.stderr
    assert not out.exists()


def test_validate_ends_without_the_shutdown_and_prints_the_whole_report(root_copy: Path) -> None:
    for extra, code in (([], 0), (["--strict"], 1)):
        args = ["--root", str(root_copy), "validate", "--format", "json", *extra]
        result = exit_probe(args)
        assert result.returncode == code, result.stderr
        assert "shutdown ran" not in result.stderr
        expected = CliRunner().invoke(cli, args)
        assert expected.exit_code == code
        assert result.stdout == expected.stdout
