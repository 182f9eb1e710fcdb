"""Progress lines: per-stage timings for large inputs on a terminal, silent otherwise."""

from __future__ import annotations

import io

from gnlc.progress import LARGE_INPUT_BYTES, Progress, wanted


class Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def test_a_stage_writes_one_line_when_enabled() -> None:
    stream = io.StringIO()
    with Progress(True, stream).stage("parse"):
        pass
    assert stream.getvalue().startswith("gnlc: parse ")
    assert stream.getvalue().endswith(" s\n")
    assert stream.getvalue().count("\n") == 1


def test_a_disabled_progress_writes_nothing() -> None:
    stream = io.StringIO()
    with Progress(False, stream).stage("parse"):
        pass
    assert stream.getvalue() == ""


def test_only_large_input_on_a_terminal_outside_ci_reports(monkeypatch) -> None:
    monkeypatch.delenv("GNLC_PROGRESS", raising=False)
    monkeypatch.delenv("CI", raising=False)
    assert wanted(LARGE_INPUT_BYTES, Terminal())
    assert not wanted(LARGE_INPUT_BYTES - 1, Terminal())
    assert not wanted(LARGE_INPUT_BYTES, io.StringIO())  # a pipe or a file
    monkeypatch.setenv("CI", "true")
    assert not wanted(LARGE_INPUT_BYTES, Terminal())


def test_the_environment_forces_it_on_or_off(monkeypatch) -> None:
    monkeypatch.setenv("GNLC_PROGRESS", "1")
    assert wanted(0, io.StringIO())
    monkeypatch.setenv("GNLC_PROGRESS", "0")
    assert not wanted(LARGE_INPUT_BYTES, Terminal())
