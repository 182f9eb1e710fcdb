"""Running work in a child process that is killed when its time is up.

Oxigraph cannot cancel a running query from Python, so a local query runs in a forked child
(which shares the already loaded store) and the parent kills it at the deadline. A bare
os.fork and a pipe do it: the multiprocessing package costs about 10 ms to import, a tenth of
a cached `gnlc query`.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from gnlc.errors import GnlcError, debugging


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
    import signal
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
