"""Running work that is stopped when its time is up.

Oxigraph cannot cancel a running query from Python. In a process that goes on afterwards (the
Python API), a local query runs in a forked child (which shares the already loaded store) and
the parent kills it at the deadline; a bare os.fork and a pipe do it: the multiprocessing
package costs about 10 ms to import. A command that exits right after its query (`gnlc query`)
runs it in a thread instead and lets the exit end it: Oxigraph releases the GIL while it
evaluates, so the deadline is kept, without the fork's cost (8 ms of CPU for copied pages).
"""

from __future__ import annotations

import os
from collections.abc import Callable

from gnlc.errors import GnlcError, debugging

# Set by run_then_exit and exit_when_done: the command ends the process right after its work, so
# cli.main may end it with os._exit once the output is flushed (and a timed-out query's thread
# ends with it). cli.main clears it before each command.
exit_at_once = False


def exit_when_done() -> None:
    """Let cli.main end the process without the interpreter's shutdown once this command exits.

    For a command whose work is done, written and synced when it exits (`gnlc build` after the
    swap, `gnlc validate` after its report): the shutdown would only free the loaded store and
    every module one by one. Only cli.main acts on it; a command invoked otherwise (CliRunner,
    the Python API) ends as ever.
    """
    global exit_at_once
    exit_at_once = True


def _outcome(work: Callable[[], bytes]) -> bytes:
    """work()'s bytes after b"ok\\0LENGTH\\0", or its failure, in the child."""
    try:
        data = work()
        return b"ok\0%d\0" % len(data) + data
    except GnlcError as exc:
        return f"error\0{exc.exit_code}\0{exc.message}".encode()
    except BaseException as exc:
        if debugging():
            import traceback

            traceback.print_exc()
        return f"crash\0{type(exc).__name__}: {exc}".encode("utf-8", "replace")


def _child(work: Callable[[], bytes], send: int) -> None:
    """Run work and write its outcome to send; never returns."""
    try:
        data = memoryview(_outcome(work))
        while data:
            data = data[os.write(send, data) :]
    finally:
        try:
            import sys

            sys.stderr.flush()
        finally:
            os._exit(0)


def run_within(seconds: float, work: Callable[[], bytes], what: str) -> bytes:
    """work() in a child process stopped after `seconds`; its bytes, or its GnlcError again.

    Where processes cannot be forked (Windows), work() runs here, without the time limit.
    """
    if not hasattr(os, "fork"):
        return work()
    import select
    import time

    deadline = time.monotonic() + seconds
    receive, send = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(receive)
        _child(work, send)
    os.close(send)
    chunks: list[bytes] = []
    done = False
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([receive], [], [], left)[0]:
                raise GnlcError(f"{what}: timed out after {seconds:g}s (--timeout); query stopped")
            chunk = os.read(receive, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
        done = True
    finally:
        if not done:
            import signal  # only here: importing it builds its enums (about 1 ms)

            os.kill(pid, signal.SIGKILL)
        status = os.waitpid(pid, 0)[1]
        os.close(receive)
    kind, _, payload = b"".join(chunks).partition(b"\0")
    if kind == b"ok":
        length, _, data = payload.partition(b"\0")
        if length.isdigit() and int(length) == len(data):
            return data
    if kind == b"error":
        code, _, message = payload.partition(b"\0")
        raise GnlcError(message.decode("utf-8", "replace"), int(code))
    if kind == b"crash":
        raise RuntimeError(f"in the query process: {payload.decode('utf-8', 'replace')}")
    raise GnlcError(
        f"{what}: the query process ended without an answer"
        f" (exit status {os.waitstatus_to_exitcode(status)})"
    )


def run_then_exit(seconds: float, work: Callable[[], bytes], what: str) -> bytes:
    """work() in a thread of this process; its bytes, or its exception raised here again.

    At the deadline this raises GnlcError while work may still be running: only for a command
    that exits at once after it (the exit ends the thread; it is a daemon thread).
    """
    import threading

    global exit_at_once
    exit_at_once = True

    outcome: list = []

    def target() -> None:
        try:
            outcome.append((True, work()))
        except BaseException as exc:
            _clear_frames(exc)
            outcome.append((False, exc))

    thread = threading.Thread(target=target, name="gnlc-query", daemon=True)
    thread.start()
    thread.join(seconds)
    if not outcome:
        raise GnlcError(f"{what}: timed out after {seconds:g}s (--timeout); query stopped")
    ok, value = outcome[0]
    if ok:
        return value
    raise value


def _clear_frames(exc: BaseException) -> None:
    """Drop the locals of the frames exc (and the exceptions it chains) went through, on the
    thread that raised it: pyoxigraph's query results may only be freed on the thread that made
    them, and the exception is raised again on another one. The traceback keeps its lines."""
    import traceback

    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        traceback.clear_frames(current.__traceback__)
        current = current.__cause__ or current.__context__
