"""The benchmark's report never overstates: capped stages give lower bounds, skipped ones none."""

from __future__ import annotations

import importlib.util

import pytest
from conftest import ROOT


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench", ROOT / "benchmarks" / "bench.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def size(gnlc: dict, baseline: dict) -> dict:
    return {
        "factor": 100.0,
        "cities": 42_500,
        "triples": 1_765_969,
        "gnlc": gnlc,
        "baseline": baseline,
    }


MINE = {"load": {"seconds": 19.0}, "validate": {"seconds": 21.0}, "build": {"seconds": 50.0}}


def pipeline_row(bench, report: dict) -> list[str]:
    row = next(
        line for line in bench.table(report).splitlines() if "load + validate + build" in line
    )
    return [cell.strip() for cell in row.strip("|").split("|")]


def test_finished_stages_give_an_exact_ratio(bench) -> None:
    theirs = {
        "load": {"seconds": 360.0},
        "validate": {"seconds": 900.0},
        "build": {"seconds": 720.0},
    }
    cells = pipeline_row(bench, {"cap_seconds": 900.0, "sizes": [size(MINE, theirs)]})
    assert cells[4:7] == ["90.00", "1980.00", "22x"]


def test_a_capped_stage_counts_as_the_cap_and_marks_a_bound(bench) -> None:
    theirs = {"load": {"seconds": 360.0}, "validate": {"capped": True}, "build": {"seconds": 720.0}}
    cells = pipeline_row(bench, {"cap_seconds": 900.0, "sizes": [size(MINE, theirs)]})
    assert cells[4:7] == ["90.00", ">1980.00", ">22x"]


def test_a_skipped_stage_leaves_the_sum_unknown(bench) -> None:
    theirs = {
        "load": {"capped": True},
        "validate": {"capped": True, "skipped": True},
        "build": {"capped": True, "skipped": True},
    }
    cells = pipeline_row(bench, {"cap_seconds": 120.0, "sizes": [size(MINE, theirs)]})
    assert cells[4:7] == ["90.00", "-", "-"]


def test_queries_rows_only_when_queries_ran(bench) -> None:
    theirs = {"load": {"seconds": 1.0}, "validate": {"seconds": 1.0}, "build": {"seconds": 1.0}}
    text = bench.table({"cap_seconds": 120.0, "sizes": [size(MINE, theirs)]})
    assert "query " not in text


def test_cases_without_validate_give_a_report(bench, tmp_path, monkeypatch) -> None:
    """`bench.py --cases load` used to end in KeyError: 'validate' and write nothing."""
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    measured = bench.measure_size(
        0.02, tmp_path, cap=60.0, baseline=False, over=set(), share=0.0, cases=("load",)
    )
    assert measured["gnlc"]["load"]["triples"] > 0
    assert "validate" not in measured["gnlc"] and "equivalence" not in measured
    rendered = bench.table({"cap_seconds": 60.0, "sizes": [measured]})
    assert "| load |" in rendered
