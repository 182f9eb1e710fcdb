"""`gnlc query` as a process: the same answers as without the cache whatever the cache holds,
concurrent runs, and the end without the interpreter's shutdown after a local query (cli.main)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import exit_probe

from gnlc.cli import cli

GNLC = Path(sys.executable).with_name("gnlc")


@pytest.fixture
def root(root_copy: Path) -> Path:
    return root_copy


# --- the fast exit: only after a local query, with the output whole ----------------------


def test_a_local_query_ends_without_the_interpreter_shutdown(root: Path, cache_dir: Path) -> None:
    expected = uncached(root, "thai-members", "--format", "csv")
    result = exit_probe(["--root", str(root), "query", "thai-members", "--format", "csv"])
    assert (result.returncode, result.stdout) == (0, expected)
    assert "shutdown ran" not in result.stderr
    failed = exit_probe(["--root", str(root), "query", "members-by-country", "--param", "x=1"])
    assert failed.returncode == 2 and "shutdown ran" not in failed.stderr
    assert failed.stderr.strip().splitlines()[0].startswith("gnlc: unknown parameter 'x'")


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["--version"], 0),
        (["query", "--list"], 0),
        (["query", "no-such-query"], 2),  # refused before anything runs
        (["stats", "--format", "json"], 0),
    ],
)
def test_other_runs_end_with_the_normal_shutdown(
    root: Path, cache_dir: Path, args: list[str], code: int
) -> None:
    """Also when an earlier command in the same process had asked for the fast exit."""
    result = exit_probe(["--root", str(root), *args], flag=True)
    assert result.returncode == code
    assert result.stderr.strip().splitlines()[-1] == "shutdown ran"


# --- the installed command, end to end ----------------------------------------------------


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(GNLC), *args], capture_output=True, text=True, check=False, timeout=300
    )


def uncached(root: Path, *args: str) -> str:
    """Second route: the query in this process with the cache turned off."""
    env = {"GNLC_CACHE": "0"}
    result = CliRunner(env=env).invoke(cli, ["--root", str(root), "query", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_installed_query_answers_as_without_the_cache(root: Path, cache_dir: Path) -> None:
    args = ("thai-members", "--format", "csv")
    expected = uncached(root, *args)
    cold = run("--root", str(root), "query", *args)  # fills the cache
    warm = run("--root", str(root), "query", *args)  # reads it
    assert (cold.returncode, cold.stdout, cold.stderr) == (0, expected, "")
    assert (warm.returncode, warm.stdout, warm.stderr) == (0, expected, "")
    assert len(list(cache_dir.glob("*.nt"))) == 1
    # A large output is written whole before the process ends (os._exit after the flush).
    everything = ("members-by-country", "--param", "country=*", "--format", "json")
    assert run("--root", str(root), "query", *everything).stdout == uncached(root, *everything)


def test_installed_query_sees_an_edit(root: Path, cache_dir: Path) -> None:
    assert "Chiang Mai" in run("--root", str(root), "query", "thai-members").stdout
    member_file = root / "data/members/TH.ttl"
    text = member_file.read_text(encoding="utf-8")
    assert '"Chiang Mai"@en' in text
    member_file.write_text(text.replace('"Chiang Mai"@en', '"Chiang Maj"@en'), encoding="utf-8")
    after = run("--root", str(root), "query", "thai-members", "--format", "csv")
    assert after.returncode == 0
    assert after.stdout == uncached(root, "thai-members", "--format", "csv")
    assert "Chiang Maj" in after.stdout and "Chiang Mai" not in after.stdout


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty", "folder"])
def test_installed_query_survives_a_damaged_entry(root: Path, cache_dir: Path, damage: str) -> None:
    args = ("thai-members", "--format", "csv")
    expected = uncached(root, *args)
    assert run("--root", str(root), "query", *args).returncode == 0
    [entry] = sorted(cache_dir.glob("*.nt"))
    data = entry.read_bytes()
    if damage == "garbage":
        entry.write_bytes(b"\x00\xff not n-triples\n" * 100)
    elif damage == "truncated":
        entry.write_bytes(data[: len(data) // 2])
    elif damage == "empty":
        entry.write_bytes(b"")
    else:
        entry.unlink()
        entry.mkdir()
    result = run("--root", str(root), "query", *args)
    assert (result.returncode, result.stdout, result.stderr) == (0, expected, "")


def test_an_error_exit_is_one_line_and_leaves_no_litter(root: Path, cache_dir: Path) -> None:
    assert run("--root", str(root), "query", "thai-members").returncode == 0
    before = sorted(p.name for p in cache_dir.iterdir())
    result = run("--root", str(root), "query", "no-such-query")
    assert result.returncode == 2 and result.stdout == ""
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("gnlc: unknown query 'no-such-query'")
    bad = run("--root", str(root), "query", "members-by-country", "--param", "country=ZZ")
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1
    assert sorted(p.name for p in cache_dir.iterdir()) == before


def test_two_queries_at_once_both_answer(root: Path, cache_dir: Path) -> None:
    """On a cold cache (both load the sources and write the entry) and on a warm one."""
    args = [str(GNLC), "--root", str(root), "query", "thai-members", "--format", "csv"]
    expected = uncached(root, "thai-members", "--format", "csv")
    for _ in ("cold", "warm"):
        procs = [
            subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)
        ]
        outputs = [proc.communicate(timeout=300) for proc in procs]
        assert [proc.returncode for proc in procs] == [0, 0]
        assert outputs == [(expected, ""), (expected, "")]
        names = sorted(p.name for p in cache_dir.iterdir())
        assert [n for n in names if n.endswith(".nt")] and not [
            n for n in names if n.startswith(".tmp-")
        ]
    assert len(list(cache_dir.glob("*.nt"))) == 1


def test_python_m_gnlc_is_the_same_entry_point(root: Path, cache_dir: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "gnlc", "--root", str(root), "query", "thai-members"],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        env={**os.environ},
    )
    assert result.returncode == 0 and "Chiang Mai" in result.stdout
