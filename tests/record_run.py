"""Records the size and duration of a full, passing test run for the README's figures.

Only with GNLC_RECORD_RUN=1, and only when the whole suite ran (no -k, -m or paths) and
passed: then tests/last-full-run.json is rewritten, and `python scripts/readme_figures.py
--write` puts its figures into the README. The recording is a fact about that run, never
asserted on.
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import time
from pathlib import Path

RECORDED_RUN = Path(__file__).resolve().parent / "last-full-run.json"
# The fast loop (-m "not slow", nothing else narrowing it) is recorded beside it.
RECORDED_FAST_RUN = Path(__file__).resolve().parent / "last-fast-run.json"
FAST_LOOP = "not slow"
_STARTED: list[float] = []
_RAN: set[str] = set()


def _worker(config) -> bool:
    """True in a pytest-xdist worker: only the controlling process records the run."""
    return hasattr(config, "workerinput")


def pytest_sessionstart(session) -> None:
    """Note when the run started."""
    _STARTED.append(time.monotonic())


def pytest_runtest_logreport(report) -> None:
    """Count every test that reported (the controller sees the workers' reports too)."""
    _RAN.add(report.nodeid)


def _whole_suite(config, markexpr: str = "") -> bool:
    """No paths, no -k, -m exactly markexpr (none: the whole suite), and tests run, not only
    collected (--co)."""
    if getattr(config.option, "collectonly", False):
        return False
    default = [str(Path(config.rootpath, p)) for p in config.getini("testpaths")]
    given = [str(Path(config.invocation_params.dir, a)) for a in config.invocation_params.args]
    if any("::" in str(a) for a in config.invocation_params.args):
        return False  # a test id (path::name, as test_writers reruns a test alone): one test
    paths = [a for a in given if not Path(a).name.startswith("-") and Path(a).exists()]
    return (
        not config.option.keyword
        and (config.option.markexpr or "").strip() == markexpr
        and (not paths or sorted(paths) == sorted(default))
    )


def pytest_sessionfinish(session, exitstatus) -> None:
    """Write tests/last-full-run.json (or last-fast-run.json for the fast loop) after a
    whole, passing run when asked to."""
    if os.environ.get("GNLC_RECORD_RUN") != "1" or exitstatus != 0 or not _STARTED:
        return
    if _worker(session.config):
        return
    if _whole_suite(session.config):
        target = RECORDED_RUN
    elif _whole_suite(session.config, FAST_LOOP):
        target = RECORDED_FAST_RUN
    else:
        return
    record = {
        "tests": len(_RAN),
        "workers": getattr(session.config.option, "numprocesses", None) or 1,
        "seconds": round(time.monotonic() - _STARTED[0], 1),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "date": datetime.datetime.now(datetime.timezone.utc).date().isoformat(),
    }
    target.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n", encoding="utf-8")
