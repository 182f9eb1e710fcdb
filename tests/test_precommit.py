"""The pre-commit hooks, run by pre-commit itself on a throw-away repository (it installs gnlc
from this checkout into its own environment, as a user's project would)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
PATIENCE = 900  # installing gnlc into pre-commit's environment; a safety net, never asserted on

pytestmark = pytest.mark.slow


def pre_commit() -> str:
    found = shutil.which("pre-commit") or str(Path(sys.executable).parent / "pre-commit")
    assert Path(found).exists(), "pre-commit is a test dependency ([test] extra)"
    return found


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """pre-commit's cache for this module: gnlc is installed once, for both hooks."""
    return tmp_path_factory.mktemp("pre-commit-home")


def project(tmp_path: Path, files: dict[str, bytes]) -> Path:
    repo = tmp_path / "project"
    repo.mkdir()
    for name, data in files.items():
        (repo / name).write_bytes(data)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run(["git", "-C", str(repo), "add", "-A"], check=True)
    return repo


def try_hook(repo: Path, home: Path, hook: str, *files: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home)}
    env.pop("GNLC_ROOT", None)  # the user's project is not a gnlc checkout
    return subprocess.run(
        [pre_commit(), "try-repo", str(ROOT), hook, "--files", *files],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=PATIENCE,
    )


def member_file() -> bytes:
    return (ROOT / "data/members/SX.ttl").read_bytes()


def test_fmt_hook_rewrites_a_non_canonical_file_then_passes(tmp_path: Path, home: Path) -> None:
    canonical = member_file()
    head, *blocks = canonical.rstrip(b"\n").split(b"\n\n")  # prefixes, then one block a subject
    shuffled = b"\n\n".join([head, *reversed(blocks)]) + b"\n"  # same graph, blocks reordered
    assert shuffled != canonical
    repo = project(tmp_path, {"city.ttl": shuffled})
    first = try_hook(repo, home, "gnlc-fmt", "city.ttl")
    assert first.returncode == 1, first.stdout + first.stderr
    assert "files were modified by this hook" in first.stdout
    assert (repo / "city.ttl").read_bytes() == canonical
    second = try_hook(repo, home, "gnlc-fmt", "city.ttl")
    assert second.returncode == 0, second.stdout + second.stderr


def test_validate_hook_passes_good_data_and_stops_bad_data(tmp_path: Path, home: Path) -> None:
    bad = (FIXTURES / "invalid" / "award-no-year.ttl").read_bytes()
    repo = project(tmp_path, {"city.ttl": member_file(), "broken.ttl": bad})
    good = try_hook(repo, home, "gnlc-validate", "city.ttl")
    assert good.returncode == 0, good.stdout + good.stderr
    failed = try_hook(repo, home, "gnlc-validate", "broken.ttl")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "broken.ttl" in failed.stdout
    assert "Traceback" not in failed.stdout
