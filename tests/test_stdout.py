"""What gnlc prints reaches standard output to its last byte, whatever stdout is: a pipe left
non-blocking by another program, an unbuffered interpreter (PYTHONUNBUFFERED=1, set in many
container images), a full device (an error, never a silent exit 0). `gnlc query` and
`gnlc validate --format json` print far more than a pipe holds."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

GNLC = Path(sys.executable).with_name("gnlc")

# Every triple of the release graph without a blank node (their labels change from run to
# run): an answer of megabytes, far more than a pipe holds.
EVERY_TRIPLE = (
    "SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER (!isBlank(?s) && !isBlank(?o)) } ORDER BY ?s ?p ?o\n"
)


@pytest.fixture
def big_query(tmp_path: Path) -> Path:
    path = tmp_path / "every-triple.rq"
    path.write_text(EVERY_TRIPLE, encoding="utf-8")
    return path


def _env(unbuffered: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    if unbuffered:
        env["PYTHONUNBUFFERED"] = "1"
    return {**env, "GNLC_ROOT": str(ROOT)}


def _to_file(args: list[str], tmp_path: Path, env: dict[str, str]) -> bytes:
    target = tmp_path / "answer.out"
    with open(target, "wb") as handle:
        subprocess.run(args, stdout=handle, env=env, check=True, timeout=300)
    return target.read_bytes()


@pytest.mark.parametrize("unbuffered", [False, True], ids=["buffered", "PYTHONUNBUFFERED"])
@pytest.mark.parametrize("command", ["query-csv", "query-json", "validate-json"])
def test_a_non_blocking_pipe_gets_the_whole_answer(
    tmp_path: Path, big_query: Path, unbuffered: bool, command: str
) -> None:
    name, fmt = command.split("-")
    args = [str(GNLC), name, *([str(big_query)] if name == "query" else []), "--format", fmt]
    env = _env(unbuffered)
    expected = _to_file(args, tmp_path, env)  # a regular file takes every write whole
    assert len(expected) > 4 * 65536  # more than a pipe holds (64 KiB on Linux)
    receive, send = os.pipe()
    flags = fcntl.fcntl(send, fcntl.F_GETFL)
    fcntl.fcntl(send, fcntl.F_SETFL, flags | os.O_NONBLOCK)  # as a parent program may leave it
    proc = subprocess.Popen(args, stdout=send, stderr=subprocess.PIPE, env=env)
    os.close(send)
    chunks = []
    with os.fdopen(receive, "rb") as reader:
        while chunk := reader.read(1 << 16):
            chunks.append(chunk)
    stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=300) == 0, stderr
    assert b"".join(chunks) == expected


@pytest.mark.parametrize("unbuffered", [False, True], ids=["buffered", "PYTHONUNBUFFERED"])
def test_a_full_device_is_an_error_of_one_line(big_query: Path, unbuffered: bool) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    # megabytes, less than a buffer, and the list of queries
    cases = ([str(big_query), "--format", "csv"], ["thai-members", "--format", "csv"], ["--list"])
    for args in cases:
        with open("/dev/full", "wb") as full:
            result = subprocess.run(
                [str(GNLC), "query", *args],
                stdout=full,
                stderr=subprocess.PIPE,
                env=_env(unbuffered),
                text=True,
                check=False,
                timeout=300,
            )
        assert result.returncode == 2
        [line] = result.stderr.strip().splitlines()
        assert "No space left on device" in line and "internal error" not in line


def test_build_and_fmt_report_a_full_device_in_one_line(tmp_path: Path, root_copy: Path) -> None:
    """`gnlc build` and `gnlc fmt` print their one line through the same writer: on a full
    device that is one line naming the cause, exit 2 (it was an 'internal error')."""
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    root = root_copy
    ttl = root / "data" / "members" / "TH.ttl"
    ttl.write_text(ttl.read_text(encoding="utf-8") + "\n\n\n", encoding="utf-8")  # not canonical
    cases = (
        ["--root", str(root), "build", "--out", str(tmp_path / "dist")],
        ["--root", str(root), "fmt"],
    )
    for args in cases:
        with open("/dev/full", "wb") as full:
            result = subprocess.run(
                [str(GNLC), *args],
                stdout=full,
                stderr=subprocess.PIPE,
                text=True,
                check=False,
                timeout=300,
            )
        assert result.returncode == 2, (args, result.stderr)
        lines = result.stderr.strip().splitlines()  # build first counts its warnings
        assert "internal error" not in result.stderr and "Traceback" not in result.stderr
        assert lines[-1] == "gnlc: standard output: cannot write: No space left on device"
