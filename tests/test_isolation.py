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


# --- in a thread, for a command that exits right after (gnlc query) ----------------------


def test_thread_bytes_errors_and_crashes_come_back() -> None:
    from gnlc.isolation import run_then_exit

    assert run_then_exit(60, lambda: bytes(range(256)) * 4, "x") == bytes(range(256)) * 4

    def fails() -> bytes:
        raise GnlcError("q.rq:1:2: bad thing", 1)

    with pytest.raises(GnlcError) as caught:
        run_then_exit(60, fails, "q.rq")
    assert (caught.value.message, caught.value.exit_code) == ("q.rq:1:2: bad thing", 1)
    with pytest.raises(ZeroDivisionError):
        run_then_exit(60, lambda: bytes(1 // 0), "q.rq")


def test_thread_deadline_is_kept_while_oxigraph_evaluates() -> None:
    """Oxigraph releases the GIL while it evaluates: the caller gets control at the deadline."""
    import threading

    import pyoxigraph

    from gnlc.isolation import run_then_exit

    store = pyoxigraph.Store()
    p = pyoxigraph.NamedNode("https://example.org/p")
    store.extend(
        pyoxigraph.Quad(pyoxigraph.NamedNode(f"https://example.org/s{i}"), p, pyoxigraph.Literal(i))
        for i in range(700)
    )
    # Half a million rows to sort before the first comes out: seconds, ten times the deadline.
    text = (
        "SELECT ?a ?b WHERE { ?a <https://example.org/p> ?x . ?b <https://example.org/p> ?y }"
        " ORDER BY DESC(CONCAT(STR(?x), STR(?y))) LIMIT 1"
    )
    finished = threading.Event()

    def work() -> bytes:
        rows = list(store.query(text))
        finished.set()
        return repr(rows).encode()

    with pytest.raises(GnlcError, match=r"q\.rq: timed out after 0\.2s"):
        run_then_exit(0.2, work, "q.rq")
    assert not finished.is_set()  # the deadline came first, not the answer


def test_results_of_a_failed_thread_query_are_freed_on_its_thread() -> None:
    """A query that fails in the thread after Oxigraph made its results: the exception comes
    back to this thread without them (pyoxigraph frees them only on the thread that made them,
    and complains otherwise)."""
    import gc
    import sys

    import pyoxigraph as ox

    from gnlc.isolation import run_then_exit

    def fails() -> bytes:
        store = ox.Store()
        store.add(
            ox.Quad(
                ox.NamedNode("https://example.org/a"),
                ox.NamedNode("https://example.org/p"),
                ox.Literal("x"),
            )
        )
        solutions = store.query("SELECT * WHERE { ?s ?p ?o }")
        raise GnlcError(f"q.rq: failed with {len(list(solutions.variables))} variables", 2)

    unraisable = []
    hook, sys.unraisablehook = sys.unraisablehook, unraisable.append
    try:
        with pytest.raises(GnlcError, match="failed with 3 variables"):
            run_then_exit(60, fails, "q.rq")
        gc.collect()
    finally:
        sys.unraisablehook = hook
    assert [str(u.exc_value) for u in unraisable] == []
