"""Installed outside a checkout, outputs go to the working folder (issue 14, item 4).

The wheel's layout is rebuilt in a temporary folder: the package with its read-only copy of the
sources in gnlc/_bundle/ (as pyproject's force-include puts them), run from another folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from helpers import copy_sources

import gnlc


def _installed(tmp_path: Path) -> Path:
    """A site-packages-like folder holding gnlc with its _bundle, as the wheel installs it."""
    site = tmp_path / "site-packages"
    package = site / "gnlc"
    shutil.copytree(Path(gnlc.__file__).parent, package, ignore=shutil.ignore_patterns("_bundle"))
    copy_sources(package / "_bundle")
    return site


def _run(site: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("GNLC_ROOT", "PYTHONPATH")}
    env["PYTHONPATH"] = str(site)
    return subprocess.run(
        [sys.executable, "-m", "gnlc", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_build_outside_a_checkout_writes_to_the_working_folder(tmp_path: Path) -> None:
    site = _installed(tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    where = _run(site, work, "query", "--list")
    assert where.returncode == 0, where.stderr  # the bundle is found from an unrelated folder
    done = _run(site, work, "build")
    assert done.returncode == 0, done.stderr
    assert (work / "dist" / "gnlc.ttl").is_file()
    assert (work / "dist" / "SHA256SUMS").is_file()
    bundle = site / "gnlc" / "_bundle"
    assert sorted(p.name for p in bundle.iterdir()) == ["data", "ontology", "queries", "shapes"]
    assert not list(site.rglob("dist"))


def _editable(tmp_path: Path) -> tuple[Path, Path]:
    """A checkout with the package in src/gnlc (no _bundle), as an editable install runs it:
    the package finds the checkout it lives in when the working folder is not in one."""
    checkout = copy_sources(tmp_path / "checkout")
    package = checkout / "src" / "gnlc"
    shutil.copytree(Path(gnlc.__file__).parent, package, ignore=shutil.ignore_patterns("_bundle"))
    return checkout, checkout / "src"


def test_an_editable_install_built_from_elsewhere_writes_to_the_working_folder(
    tmp_path: Path,
) -> None:
    """Regression: `gnlc build` run from another folder wrote into the checkout's dist/ (the
    README says outside a checkout it writes ./dist); with --root the root's own dist/."""
    checkout, src = _editable(tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    done = _run(src, work, "build")
    assert done.returncode == 0, done.stderr
    assert (work / "dist" / "gnlc.ttl").is_file()
    assert not (checkout / "dist").exists()
    chosen = _run(src, work, "--root", str(checkout), "build")
    assert chosen.returncode == 0, chosen.stderr
    assert (checkout / "dist" / "gnlc.ttl").is_file()
    inside = checkout / "data"
    (checkout / "dist" / "gnlc.ttl").unlink()
    again = _run(src, inside, "build")  # working inside the checkout: its own dist/
    assert again.returncode == 0, again.stderr
    assert (checkout / "dist" / "gnlc.ttl").is_file() and not (inside / "dist").exists()
