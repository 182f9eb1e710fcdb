"""Replacing an output folder in one step: readers see the old folder or the new, never a mix.

The new content is written into a temporary folder beside the target (same file system), then
swapped in under a lock on the parent folder: with Linux renameat2(RENAME_EXCHANGE) in one
system call, elsewhere with two renames. Temporary folders carry the writer's process id, so
those left by a killed writer are found and removed by the next one.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from gnlc.errors import GnlcError, shown


def exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2 RENAME_EXCHANGE); False if unsupported."""
    import ctypes

    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return result == 0


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_temporaries(out: Path) -> None:
    """Delete temporary folders left beside out by writers that were killed."""
    for leftover in out.parent.glob(f".{out.name}.*-*"):
        parts = leftover.name[len(out.name) + 2 :].split("-")
        ours = len(parts) >= 2 and parts[0] in ("tmp", "old") and parts[1].isdigit()
        if ours and leftover.is_dir() and not _alive(int(parts[1])):
            shutil.rmtree(leftover, ignore_errors=True)


def temporary_beside(out: Path) -> Path:
    """A new temporary folder beside out (stale ones of killed writers removed first)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(out)
    return Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-{os.getpid()}-", dir=out.parent))


def swap_in(tmp: Path, out: Path, check: Callable[[Path], None] | None = None) -> Path | None:
    """Make tmp the folder at out; return what is left to delete (the old folder), if any.

    check(out) runs under the lock, just before the swap, and may raise to refuse it.
    """
    import fcntl

    tmp.chmod(0o755)
    # Lock the parent folder itself, so no lock file is left behind.
    lock = os.open(out.parent, os.O_RDONLY)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if check is not None:
            check(out)
        if out.exists() and exchange(tmp, out):
            return tmp  # tmp now holds the previous folder
        if out.exists():
            old = out.parent / f".{out.name}.old-{os.getpid()}-0"
            os.rename(out, old)
            os.rename(tmp, out)
            return old
        os.rename(tmp, out)
        return None
    finally:
        os.close(lock)


def resolved(out: Path) -> Path:
    """out as an absolute path without symbolic links; a link loop is one line, exit 2.

    (Path.resolve raises RuntimeError for a loop before Python 3.13, OSError after.)"""
    try:
        return out.resolve()
    except (RuntimeError, OSError) as exc:
        reason = getattr(exc, "strerror", None) or "symbolic link loop"
        raise GnlcError(f"{shown(out)}: cannot use as the output folder: {reason}") from None


def refuse_unswappable(out: Path) -> None:
    """Refuse an out that cannot be swapped by renaming: a mount point, the file-system root."""
    if out.parent == out or os.path.ismount(out):
        raise GnlcError(
            f"{shown(out)}: is a mount point; the output folder is replaced by renaming, "
            "so give a folder inside it"
        )


def cannot_write(out: Path, exc: OSError) -> str:
    """One line: the output folder, the system's reason and the file it was writing."""
    reason = exc.strerror or type(exc).__name__
    where = f" ({shown(exc.filename)})" if exc.filename and str(exc.filename) != str(out) else ""
    return f"{shown(out)}: cannot write the output folder: {reason}{where}"


class _Terminated(BaseException):
    """SIGTERM or SIGHUP arrived while a folder was being replaced: unwinds like Ctrl-C, so
    the temporary folder is removed and the writers are stopped by the code that made them."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


@contextmanager
def _cleaned_up_on_sigterm() -> Iterator[None]:
    """Within this block SIGTERM and SIGHUP (a closed terminal) unwind, running the finally
    clauses; then the process ends by that signal as it would have at once (same status).

    Python's default for them is to die on the spot, leaving the temporary folder for the
    next build to find. Only in the main thread (the only one that may set handlers) and only
    for a signal nobody chose a handler for (`gnlc serve`, nohup and a host program keep
    theirs).
    """
    import signal
    import threading

    wanted = [signal.SIGTERM] + ([signal.SIGHUP] if hasattr(signal, "SIGHUP") else [])
    if threading.current_thread() is not threading.main_thread():
        wanted = []
    ours = [sig for sig in wanted if signal.getsignal(sig) is signal.SIG_DFL]

    def unwind(signum: int, frame: object) -> None:
        for sig in ours:  # a second signal must not cut the cleanup short
            signal.signal(sig, signal.SIG_IGN)
        raise _Terminated(signum)

    for sig in ours:
        signal.signal(sig, unwind)
    try:
        yield
    except _Terminated as stopped:
        signal.signal(stopped.signum, signal.SIG_DFL)
        os.kill(os.getpid(), stopped.signum)
        raise  # not reached: the signal ends the process
    finally:
        for sig in ours:
            signal.signal(sig, signal.SIG_DFL)


def replace_folder(
    out: Path,
    fill: Callable[[Path], object],
    check: Callable[[Path], None] | None = None,
    before_swap: Callable[[], None] | None = None,
):
    """fill(tmp) writes the new content; then it replaces out in one step. Returns fill's value.

    On any failure (or a refusal by check) out is left as it was and tmp is removed; a
    failure of the file system (read-only, full, no such place) is one line naming out.
    """
    out = resolved(out)
    refuse_unswappable(out)
    tmp: Path | None = None
    with _cleaned_up_on_sigterm():
        try:
            tmp = temporary_beside(out)
            value = fill(tmp)
            if before_swap is not None:
                before_swap()
            tmp = swap_in(tmp, out, check)
        except OSError as exc:
            raise GnlcError(cannot_write(out, exc)) from None
        finally:
            if tmp is not None and tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)
    return value
