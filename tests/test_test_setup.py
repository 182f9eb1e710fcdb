"""The test setup itself: a missing program fails the run in CI and is a skip elsewhere."""

from __future__ import annotations

import pytest
from helpers import program

MISSING = "gnlc-no-such-program-here"


def test_a_missing_program_fails_in_ci(monkeypatch) -> None:
    monkeypatch.setenv("CI", "1")
    with pytest.raises(pytest.fail.Exception, match=f"{MISSING} not found: apt-get install x"):
        program([MISSING], "apt-get install x")


def test_a_missing_program_is_a_skip_outside_ci(monkeypatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install x"):
        program([MISSING], "apt-get install x")


def test_the_environment_variable_names_the_program(monkeypatch, tmp_path) -> None:
    tool = tmp_path / "my-chromium"
    tool.write_text("#!/bin/sh\n", encoding="utf-8")
    tool.chmod(0o755)
    monkeypatch.setenv("GNLC_TEST_TOOL", str(tool))
    assert program(["sh"], "x", "GNLC_TEST_TOOL") == str(tool)
    monkeypatch.setenv("GNLC_TEST_TOOL", str(tmp_path / "absent"))
    monkeypatch.setenv("CI", "1")
    with pytest.raises(pytest.fail.Exception, match="absent not found"):
        program(["sh"], "x", "GNLC_TEST_TOOL")
