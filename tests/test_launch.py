"""The `gnlc` entry point: a local query's cached graph starts loading before click is imported
(gnlc.launch). Same answers as without it, whatever the cache holds, and concurrent runs work."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT

from gnlc import cache, launch
from gnlc.cli import cli
from gnlc.sources import derived_inputs, derived_store

GNLC = Path(sys.executable).with_name("gnlc")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "root"
    for name in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(ROOT / name, root / name)
    return root


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("GNLC_CACHE_DIR", str(folder))
    monkeypatch.delenv("GNLC_CACHE", raising=False)
    return folder


# --- which arguments are a local query: the guess agrees with click's own parsing -----------


@pytest.mark.parametrize(
    "args",
    [
        ["query", "thai-members"],
        ["--root", "/somewhere", "query", "thai-members"],
        ["--root=/somewhere", "--debug", "query", "members-by-country", "--param", "country=TH"],
        ["--debug", "--root", "/a", "--root", "/b", "query", "x.rq", "--format", "csv"],
    ],
)
def test_a_local_query_is_recognised_with_the_root_click_sees(args: list[str], monkeypatch) -> None:
    monkeypatch.delenv("GNLC_ROOT", raising=False)
    local, root = launch.local_query_root(args)
    assert local
    # Second route: click parses the same arguments into the group's --root and the command.
    ctx = cli.make_context("gnlc", list(args), resilient_parsing=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # click 9 keeps all in ctx.args
        rest = [*ctx.protected_args, *ctx.args]
    assert rest[0] == "query"
    assert root == ctx.params["root"]


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--help"],
        ["--version"],
        ["--root"],
        ["validate"],
        ["stats"],
        ["query", "--list"],
        ["query", "thai-members", "--endpoint", "http://127.0.0.1:7878"],
        ["query", "thai-members", "--endpoint=http://127.0.0.1:7878"],
        ["query", "thai-members", "--help"],
        ["query", "-h"],
        ["--unknown", "query", "thai-members"],
    ],
)
def test_anything_else_starts_nothing(args: list[str]) -> None:
    assert launch.local_query_root(args) == (False, None)
    assert launch.start_reading(args) is False
    assert cache._started == {}


# --- the started read is used for its own root only ----------------------------------------


def test_a_started_read_is_taken_by_its_root_only(
    root: Path, cache_dir: Path, tmp_path: Path
) -> None:
    derived_store(root)  # writes the entry
    [entry] = sorted(cache_dir.glob("*.nt"))
    real = entry.read_text(encoding="utf-8")
    assert '"Chiang Mai"@en' in real
    entry.write_text(real.replace('"Chiang Mai"@en', '"Started Mai"@en'), encoding="utf-8")
    assert launch.start_reading(["--root", str(root), "query", "thai-members"])
    other = tmp_path / "other"
    shutil.copytree(root, other)
    assert len(cache._started) == 1
    # Another root does not take it (and reads its own sources).
    labels = {str(q.object) for q in derived_store(other).quads_for_pattern(None, None, None)}
    assert '"Chiang Mai"@en' in labels and '"Started Mai"@en' not in labels
    assert len(cache._started) == 1
    started = cache._started[root.resolve()]
    started[1].join()
    # The entry is put right after the thread read it: the store used is the one read then.
    entry.write_text(real, encoding="utf-8")
    store = derived_store(root)
    labels = {str(q.object) for q in store.quads_for_pattern(None, None, None)}
    assert '"Started Mai"@en' in labels
    assert cache._started == {}
    # Taken once: the next call reads the (now restored) entry again.
    labels = {str(q.object) for q in derived_store(root).quads_for_pattern(None, None, None)}
    assert '"Chiang Mai"@en' in labels and '"Started Mai"@en' not in labels


def test_a_started_read_uses_the_commands_key(root: Path, cache_dir: Path) -> None:
    assert launch.start_reading(["--root", str(root), "query", "thai-members"])
    key, _, _ = cache._started[root.resolve()]
    assert key == cache.inputs_key(root.resolve(), derived_inputs(root.resolve()))
    derived_store(root.resolve())


def test_no_read_is_started_with_the_cache_off(root: Path, monkeypatch) -> None:
    monkeypatch.setenv("GNLC_CACHE", "0")
    assert launch.start_reading(["--root", str(root), "query", "thai-members"]) is False
    assert cache._started == {}


def test_a_bad_root_starts_nothing_and_the_command_says_why(tmp_path: Path, cache_dir) -> None:
    assert launch.start_reading(["--root", str(tmp_path), "query", "thai-members"]) is False
    result = run("--root", str(tmp_path), "query", "thai-members")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"gnlc: {tmp_path.resolve()}: not a gnlc root (needs ontology, data, shapes, queries/)"
    ]


# --- the installed command, end to end ----------------------------------------------------


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(GNLC), *args], capture_output=True, text=True, check=False, timeout=300
    )


def uncached(root: Path, *args: str) -> str:
    """Second route: the query in this process with the cache turned off (no launcher)."""
    env = {"GNLC_CACHE": "0"}
    result = CliRunner(env=env).invoke(cli, ["--root", str(root), "query", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_installed_query_answers_as_without_the_cache(root: Path, cache_dir: Path) -> None:
    args = ("thai-members", "--format", "csv")
    expected = uncached(root, *args)
    cold = run("--root", str(root), "query", *args)  # fills the cache
    warm = run("--root", str(root), "query", *args)  # reads it (started before click)
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


def test_an_error_while_the_graph_loads_is_one_line_and_leaves_no_litter(
    root: Path, cache_dir: Path
) -> None:
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
