"""Shared fixtures: the repository root, an independent rdflib view of the sources, a release."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from helpers import copy_sources
from record_run import (  # noqa: F401 (hooks)
    pytest_runtest_logreport,
    pytest_sessionfinish,
    pytest_sessionstart,
)

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"

MEMORY_TMP = Path("/dev/shm")
MEMORY_TMP_ROOM = 6 << 30  # a full run keeps about 1.5 GB there while it runs


def memory_tmp(mounts: Path = Path("/proc/mounts")) -> Path | None:
    """/dev/shm when it is a tmpfs this user can write with room for a run, else None.

    The suite builds releases, and a release is synced (fsync) before it is swapped in. On a
    journalling disk (ext4, data=ordered) each fsync commits the journal, which first writes out
    the data every other test has written meanwhile (sites of 44 MB): measured on 2 cores, the
    full suite took 240-250 s with its files on disk and 202 s on tmpfs, system time 57-61 s
    against 34 s. On tmpfs fsync costs nothing, and the code still calls it (test_writers spies
    on it). Set TMPDIR yourself to choose another place.
    """
    try:
        lines = mounts.read_text(encoding="utf-8").splitlines()
        tmpfs = any(line.split()[1:3] == [str(MEMORY_TMP), "tmpfs"] for line in lines)
        room = os.statvfs(MEMORY_TMP)
    except (OSError, IndexError):
        return None
    roomy = room.f_bavail * room.f_frsize >= MEMORY_TMP_ROOM
    return MEMORY_TMP if tmpfs and roomy and os.access(MEMORY_TMP, os.W_OK) else None


# Before anything asks for a temporary folder (pytest's tmp_path, the cache below); pytest-xdist
# workers and every subprocess inherit it.
if "TMPDIR" not in os.environ and (_memory := memory_tmp()) is not None:
    os.environ["TMPDIR"] = str(_memory)
    tempfile.tempdir = None  # computed again from TMPDIR


def interruptible_children() -> None:
    """Give the subprocesses the tests start Python's Ctrl-C (KeyboardInterrupt) back.

    A shell starts a background job (`pytest ... &`, nohup, some CI runners) with SIGINT
    ignored, and every process it starts inherits that: the tests that interrupt a `gnlc build`
    or stop a `gnlc serve` with SIGINT then wait for a process that never hears it. A handler set
    here becomes the default disposition in a child, which Python turns into KeyboardInterrupt.
    """
    import contextlib
    import signal

    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        # ValueError: not the main thread, where nothing can be set
        with contextlib.suppress(ValueError):
            signal.signal(signal.SIGINT, signal.default_int_handler)


interruptible_children()
os.environ.setdefault("GNLC_ROOT", str(ROOT))
# The derived-graph cache of `gnlc query` and `gnlc stats` goes to a fresh folder, never the
# user's ~/.cache (subprocesses inherit it); removed when this process ends.
os.environ["GNLC_CACHE_DIR"] = tempfile.mkdtemp(prefix="gnlc-test-cache-")
atexit.register(shutil.rmtree, os.environ["GNLC_CACHE_DIR"], ignore_errors=True)

try:
    from hypothesis import settings

    settings.register_profile("ci", max_examples=25, deadline=None)
    settings.register_profile("dev", max_examples=40, deadline=None)
    settings.load_profile("ci" if os.environ.get("CI") else "dev")
except ImportError:  # hypothesis is a test dependency; its own tests fail loudly without it
    pass


def pytest_report_header(config) -> str:
    return f"temporary files: {tempfile.gettempdir()}"


@pytest.fixture(scope="session")
def root() -> Path:
    """The repository root."""
    return ROOT


@pytest.fixture
def root_copy(tmp_path: Path) -> Path:
    """A copy of the repository's sources (ontology, data, shapes, queries) to edit."""
    return copy_sources(tmp_path / "root")


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch) -> Path:
    """GNLC_CACHE_DIR pointed at an empty folder of the test's own (the cache switched on)."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("GNLC_CACHE_DIR", str(folder))
    monkeypatch.delenv("GNLC_CACHE", raising=False)
    return folder


@pytest.fixture(scope="session")
def source_graph():
    """Second route: rdflib parses the sources and runs the rule files with its own engine."""
    from helpers import rdflib_release_graph

    return rdflib_release_graph(ROOT)


@pytest.fixture(scope="session")
def release(tmp_path_factory) -> Path:
    """A release built once from the repository's data."""
    from helpers import shared

    from gnlc.pipeline import build

    def make(folder: Path) -> None:
        report, release = build(ROOT, folder / "dist")
        assert release is not None, [f.message_en for f in report.violations]

    return shared(tmp_path_factory, "release", make) / "dist"


@pytest.hookimpl(optionalhook=True)  # a pytest-xdist hook; pytest -p no:xdist runs too
def pytest_xdist_auto_num_workers(config) -> int | None:
    """`-n auto`: one worker more than the machine has cores.

    A third of a worker's time goes to waiting, not computing: on Chromium (the browser tests),
    on servers and subprocesses, on a release or site another worker is building (shared()).
    With a worker per core the cores idle meanwhile; one more worker keeps them busy.
    PYTEST_XDIST_AUTO_NUM_WORKERS and `-n logical` keep pytest-xdist's own count.
    """
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS") or config.option.numprocesses == "logical":
        return None
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (cores or 1) + 1


def pytest_configure(config) -> None:
    """Compile gnlc's own modules to bytecode once, before the workers start.

    The tests start `gnlc` in a few hundred subprocesses. An editable install under
    PYTHONDONTWRITEBYTECODE (set on the CI machine) compiles every gnlc module again in each of
    them, about 40 ms of CPU a run; bytecode in src/gnlc/__pycache__ (git-ignored, checked
    against the source by Python on every import) saves that. What any test checks is the same.
    """
    if hasattr(config, "workerinput"):  # a pytest-xdist worker: the controller did it
        return
    import compileall

    package = ROOT / "src" / "gnlc"
    if package.is_dir():
        compileall.compile_dir(str(package), quiet=2)


def pytest_collection_modifyitems(config, items) -> None:
    """Browser and server tests are slow by nature: the fast loop (-m "not slow") skips them."""
    for item in items:
        if item.get_closest_marker("browser") or item.get_closest_marker("server"):
            item.add_marker(pytest.mark.slow)
