"""Running work in a child process that is killed when its time is up.

Oxigraph cannot cancel a running query from Python, so a local query runs in a forked child
(which shares the already loaded store) and the parent kills it at the deadline.
"""

from __future__ import annotations

import multiprocessing
import traceback
from collections.abc import Callable

from gnlc.errors import GnlcError, debugging


def _child(work: Callable[[], bytes], send) -> None:
    try:
        send.send(("ok", work()))
    except GnlcError as exc:
        send.send(("error", (exc.message, exc.exit_code)))
    except BaseException as exc:
        if debugging():
            traceback.print_exc()
        send.send(("crash", f"{type(exc).__name__}: {exc}"))
    finally:
        send.close()


def run_within(seconds: float, work: Callable[[], bytes], what: str) -> bytes:
    """work() in a child process stopped after `seconds`; its bytes, or its GnlcError again.

    Where processes cannot be forked (Windows), work() runs here, without the time limit.
    """
    if "fork" not in multiprocessing.get_all_start_methods():
        return work()
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(work, send), daemon=True)
    child.start()
    send.close()
    try:
        if not receive.poll(seconds):
            raise GnlcError(f"{what}: timed out after {seconds:g}s (--timeout); query stopped")
        try:
            kind, payload = receive.recv()
        except EOFError:
            child.join()
            raise GnlcError(
                f"{what}: the query process ended without an answer (exit status {child.exitcode})"
            ) from None
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        receive.close()
    if kind == "error":
        raise GnlcError(*payload)
    if kind == "crash":
        raise RuntimeError(f"in the query process: {payload}")
    return payload
