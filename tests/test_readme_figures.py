"""The README's figures are computed, never typed (issue 14, item 11).

scripts/readme_figures.py rewrites the README's marked blocks from `gnlc stats --format json`
and the last recorded full test run; here the README must equal what it would write, and the
rewriting itself is checked on a copy.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from conftest import ROOT
from helpers import current_members, load_script

figures = load_script(ROOT, "readme_figures")


def test_readme_figures_match_the_data(capsys) -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "<!-- figures:start -->" in text, "README.md has no figures block yet"
    code = figures.check_or_write(ROOT / "README.md", write=False)
    assert code == 0, capsys.readouterr().err


def test_the_block_states_the_member_count_of_the_data(source_graph) -> None:
    """A second route for the headline figure: members counted by rdflib."""
    block = figures.render(figures.stats_json(ROOT))
    count = len(current_members(source_graph))
    assert f"**{count} member cities in " in block


def test_check_and_write_on_a_copy(tmp_path: Path, capsys) -> None:
    readme = tmp_path / "README.md"
    computed = figures.render(figures.stats_json(ROOT))
    stale = re.sub(r"\*\*[0-9]+ member cities", "**1 member cities", computed)
    assert stale != computed
    before, after = "# Title\n\nHand-written text 1,350.\n\n", "\nMore hand-written text.\n"
    # The tests block too: once a full run is recorded, the script fills it as well.
    tests = "<!-- tests:start -->\nstale\n<!-- tests:end -->\n"
    tests += "<!-- fast:start -->\nstale\n<!-- fast:end -->\n"
    readme.write_text(
        before + "<!-- figures:start -->\n" + stale + "<!-- figures:end -->\n" + tests + after,
        encoding="utf-8",
    )
    assert figures.check_or_write(readme, write=False) == 1
    assert "figures differ" in capsys.readouterr().err
    assert figures.check_or_write(readme, write=True) == 0
    assert figures.check_or_write(readme, write=False) == 0
    text = readme.read_text(encoding="utf-8")
    assert text.startswith(before) and text.endswith(after) and computed in text


def test_missing_block_is_an_error(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# no blocks\n", encoding="utf-8")
    assert figures.check_or_write(readme, write=False) == 2


def test_tests_sentence_comes_from_the_recorded_run() -> None:
    run = {"tests": 1467, "seconds": 290.0, "cpus": 2, "python": "3.11.7", "date": "2026-12-01"}
    assert figures.render_tests(run).startswith("1,467 tests, 4.8 minutes on 2 cores (one process)")
    run["workers"] = 2
    assert figures.render_tests(run).startswith(
        "1,467 tests, 4.8 minutes on 2 cores (2 pytest-xdist workers)"
    )
    recorded = ROOT / "tests" / "last-full-run.json"
    if recorded.is_file():  # written by GNLC_RECORD_RUN=1 python -m pytest
        assert set(json.loads(recorded.read_text(encoding="utf-8"))) <= set(run)


def test_fast_loop_sentence_comes_from_its_recorded_run() -> None:
    run = {"tests": 2484, "seconds": 52.97, "cpus": 2, "python": "3.11.7", "date": "2026-12-01"}
    assert figures.render_fast({**run, "workers": 2}) == (
        "2,484 tests in 53 s on 2 cores (2 pytest-xdist workers) in the last recorded fast loop"
        " (2026-12-01)\n"
    )


def test_only_a_whole_run_is_recorded() -> None:
    """tests/record_run.py records a run only when no paths, -k or -m narrowed it."""
    from types import SimpleNamespace

    import record_run

    def config(*args: str, keyword: str = "", markexpr: str = "", collectonly: bool = False):
        return SimpleNamespace(
            option=SimpleNamespace(keyword=keyword, markexpr=markexpr, collectonly=collectonly),
            invocation_params=SimpleNamespace(args=args, dir=str(ROOT)),
            rootpath=str(ROOT),
            getini=lambda name: ["tests"],
        )

    assert record_run._whole_suite(config())
    assert record_run._whole_suite(config("-q"))
    assert record_run._whole_suite(config("tests"))
    assert not record_run._whole_suite(config("tests/test_ux.py"))
    # A test id (test_writers reruns a test alone so): one test, never the whole suite.
    assert not record_run._whole_suite(config("tests/test_ux.py::test_help_is_fast"))
    assert not record_run._whole_suite(config(keyword="query"))
    assert not record_run._whole_suite(config(markexpr="not server"))
    # The fast loop is recorded on its own: -m "not slow" and nothing else.
    assert record_run._whole_suite(config("-q", markexpr="not slow"), record_run.FAST_LOOP)
    assert not record_run._whole_suite(config(markexpr="not slow"))
    assert not record_run._whole_suite(
        config("tests/test_ux.py", markexpr="not slow"), record_run.FAST_LOOP
    )
    assert not record_run._whole_suite(config(), record_run.FAST_LOOP)
    # Regression: `--co` collects without running, and was recorded as 0 tests in 0.7 s.
    assert not record_run._whole_suite(config(collectonly=True))
    assert not record_run._whole_suite(
        config("-q", markexpr="not slow", collectonly=True), record_run.FAST_LOOP
    )
