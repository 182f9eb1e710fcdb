"""The pre-commit hooks, run by pre-commit itself in a throw-away project whose
.pre-commit-config.yaml names this checkout (pre-commit installs gnlc from it into its own
environment, as a user's project would)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import shared

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
PATIENCE = 900  # installing gnlc into pre-commit's environment; a safety net, never asserted on

pytestmark = pytest.mark.slow


def pre_commit() -> str:
    found = shutil.which("pre-commit") or str(Path(sys.executable).parent / "pre-commit")
    assert Path(found).exists(), "pre-commit is a test dependency ([test] extra)"
    return found


def git(*args: str, cwd: Path) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


def snapshot(folder: Path) -> None:
    """A one-commit repository holding this checkout's files as they are now (uncommitted
    edits included, ignored files not), the way `pre-commit try-repo` copies a dirty checkout."""
    listed = git("ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=ROOT)
    for name in sorted(set(listed.split("\0")) - {""}):
        source = ROOT / name
        if source.is_file():  # a tracked file deleted in the checkout is left out
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, folder / name)
    git("init", "-q", cwd=folder)
    git("add", "-A", cwd=folder)
    git("commit", "-qm", "snapshot of the checkout", cwd=folder)


@pytest.fixture(scope="session")
def hooks_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """(repository, commit) of the checkout's snapshot, made once for all workers."""
    repo = shared(tmp_path_factory, "hooks-repo", snapshot)
    return repo, git("rev-parse", "HEAD", cwd=repo).strip()


@pytest.fixture(scope="session")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """pre-commit's cache, one for the run: gnlc is installed once, for every hook test and
    xdist worker (pre-commit locks its store while it installs)."""
    return shared(tmp_path_factory, "pre-commit-home", lambda folder: None)


def project(tmp_path: Path, files: dict[str, bytes], hooks_repo: tuple[Path, str]) -> Path:
    repo = tmp_path / "project"
    repo.mkdir()
    for name, data in files.items():
        (repo / name).write_bytes(data)
    path, rev = hooks_repo
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {path}\n    rev: {rev}\n    hooks:\n"
        "      - id: gnlc-fmt\n      - id: gnlc-validate\n",
        encoding="utf-8",
    )
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run(["git", "-C", str(repo), "add", "-A"], check=True)
    return repo


def run_hook(repo: Path, home: Path, hook: str, *files: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home)}
    env.pop("GNLC_ROOT", None)  # the user's project is not a gnlc checkout
    return subprocess.run(
        [pre_commit(), "run", hook, "--files", *files],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=PATIENCE,
    )


def member_file() -> bytes:
    return (ROOT / "data/members/SX.ttl").read_bytes()


def test_fmt_hook_rewrites_a_non_canonical_file_then_passes(
    tmp_path: Path, home: Path, hooks_repo: tuple[Path, str]
) -> None:
    canonical = member_file()
    head, *blocks = canonical.rstrip(b"\n").split(b"\n\n")  # prefixes, then one block a subject
    shuffled = b"\n\n".join([head, *reversed(blocks)]) + b"\n"  # same graph, blocks reordered
    assert shuffled != canonical
    repo = project(tmp_path, {"city.ttl": shuffled}, hooks_repo)
    first = run_hook(repo, home, "gnlc-fmt", "city.ttl")
    assert first.returncode == 1, first.stdout + first.stderr
    assert "files were modified by this hook" in first.stdout
    assert (repo / "city.ttl").read_bytes() == canonical
    second = run_hook(repo, home, "gnlc-fmt", "city.ttl")
    assert second.returncode == 0, second.stdout + second.stderr


def test_validate_hook_passes_good_data_and_stops_bad_data(
    tmp_path: Path, home: Path, hooks_repo: tuple[Path, str]
) -> None:
    bad = (FIXTURES / "invalid" / "award-no-year.ttl").read_bytes()
    repo = project(tmp_path, {"city.ttl": member_file(), "broken.ttl": bad}, hooks_repo)
    good = run_hook(repo, home, "gnlc-validate", "city.ttl")
    assert good.returncode == 0, good.stdout + good.stderr
    failed = run_hook(repo, home, "gnlc-validate", "broken.ttl")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "broken.ttl" in failed.stdout
    assert "Traceback" not in failed.stdout


def test_the_snapshot_holds_the_checkouts_uncommitted_hooks(
    hooks_repo: tuple[Path, str],
) -> None:
    """The hooks tested are the checkout's as they are now, not its last commit's."""
    path, _ = hooks_repo
    for name in (".pre-commit-hooks.yaml", "pyproject.toml", "src/gnlc/cli.py"):
        assert (path / name).read_bytes() == (ROOT / name).read_bytes(), name
