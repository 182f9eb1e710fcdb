"""Work in a forked child stopped at a deadline: answers, errors and deaths come back intact."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from gnlc.errors import GnlcError
from gnlc.isolation import run_within


def test_bytes_come_back_whole() -> None:
    """Larger than a pipe's buffer, with NUL bytes: compared with the same bytes made here."""
    expected = bytes(range(256)) * 40_000  # 10 MB

    assert run_within(60, lambda: bytes(range(256)) * 40_000, "x") == expected
    assert run_within(60, lambda: b"", "x") == b""


def test_an_error_in_the_child_is_raised_again_with_its_exit_code() -> None:
    def work() -> bytes:
        raise GnlcError("q.rq:1:2: bad thing \0 here", 1)

    with pytest.raises(GnlcError) as caught:
        run_within(60, work, "q.rq")
    assert caught.value.message == "q.rq:1:2: bad thing \0 here"
    assert caught.value.exit_code == 1


def test_a_crash_in_the_child_is_a_runtime_error() -> None:
    def work() -> bytes:
        raise ZeroDivisionError("division by zero")

    with pytest.raises(RuntimeError, match="ZeroDivisionError: division by zero"):
        run_within(60, work, "q.rq")


@pytest.mark.parametrize(
    ("die", "status"),
    [(lambda: os._exit(3), 3), (lambda: os.kill(os.getpid(), signal.SIGKILL), -9)],
    ids=["exit", "killed"],
)
def test_a_child_that_dies_without_an_answer_is_reported(die, status: int) -> None:
    def work() -> bytes:
        die()
        return b"never"

    with pytest.raises(GnlcError, match=rf"ended without an answer \(exit status {status}\)"):
        run_within(60, work, "q.rq")


def test_the_child_is_stopped_at_the_deadline() -> None:
    def work() -> bytes:
        time.sleep(120)
        return b"late"

    with pytest.raises(GnlcError, match=r"q\.rq: timed out after 0\.5s"):
        run_within(0.5, work, "q.rq")


def test_running_a_local_query_does_not_import_multiprocessing() -> None:
    code = (
        "import json, sys; import gnlc.isolation, gnlc.commands.query;"
        " print(json.dumps(sorted(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "multiprocessing" not in json.loads(done.stdout)
