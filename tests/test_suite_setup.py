"""Where the suite keeps its temporary files: /dev/shm only when it is a writable tmpfs with
room for a run (conftest.memory_tmp), and the choice reaches pytest's folders."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from conftest import MEMORY_TMP, memory_tmp


def _mounts(tmp_path: Path, line: str) -> Path:
    path = tmp_path / "mounts"
    path.write_text(f"sysfs /sys sysfs rw 0 0\n{line}\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "line",
    [
        "/dev/vda /dev/shm ext4 rw,relatime 0 0",  # a disk mounted there: fsync is not free
        "tmpfs /run/shm tmpfs rw 0 0",  # a tmpfs, elsewhere
        "",  # no /dev/shm at all
    ],
)
def test_no_tmpfs_at_dev_shm_keeps_the_default(tmp_path: Path, line: str) -> None:
    assert memory_tmp(_mounts(tmp_path, line)) is None


def test_an_unreadable_mount_table_keeps_the_default(tmp_path: Path) -> None:
    assert memory_tmp(tmp_path / "no-such-file") is None


def test_a_tmpfs_at_dev_shm_is_used_only_with_room(tmp_path: Path, monkeypatch) -> None:
    if not MEMORY_TMP.is_dir() or not os.access(MEMORY_TMP, os.W_OK):
        pytest.skip("this machine has no writable /dev/shm")
    import conftest

    mounts = _mounts(tmp_path, "tmpfs /dev/shm tmpfs rw,nosuid,nodev 0 0")
    room = os.statvfs(MEMORY_TMP)
    free = room.f_bavail * room.f_frsize
    assert memory_tmp(mounts) == (MEMORY_TMP if free >= conftest.MEMORY_TMP_ROOM else None)
    monkeypatch.setattr(conftest, "MEMORY_TMP_ROOM", free + (1 << 40))  # more than it has
    assert memory_tmp(mounts) is None


def test_the_choice_reaches_pytest_and_subprocesses(tmp_path: Path) -> None:
    """tmp_path and a subprocess's temporary folder lie in the folder TMPDIR names (set by
    conftest or by the user)."""
    where = Path(os.environ.get("TMPDIR", tempfile.gettempdir())).resolve()
    assert tmp_path.resolve().is_relative_to(where)
    assert Path(tempfile.gettempdir()).resolve() == where
    child = subprocess.run(
        [sys.executable, "-c", "import tempfile; print(tempfile.gettempdir())"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(child.stdout.strip()).resolve() == where


def test_children_hear_ctrl_c_when_the_suite_was_started_with_it_ignored() -> None:
    """Started in the background, the suite inherits SIGINT ignored; the gnlc processes the
    tests interrupt with SIGINT must not (they waited for ever: a full run hung at
    test_interrupted_build_cleans_up_at_once[SIGINT-*] and a serve test)."""
    import signal

    from conftest import interruptible_children

    probe = "import signal; print(signal.getsignal(signal.SIGINT) is signal.default_int_handler)"
    before = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        ignored = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
        interruptible_children()
        heard = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    finally:
        signal.signal(signal.SIGINT, before)
    assert ignored.stdout.strip() == "False"  # the case being mended: inherited, ignored
    assert heard.stdout.strip() == "True"
