"""The fuzz script on a tiny budget: every mutation class once, validate, fmt and build."""

from __future__ import annotations

import fuzz_data
import pytest

# runs the fuzz script: left out of the fast loop (-m "not slow")
pytestmark = pytest.mark.slow


def test_fuzz_script_small_budget() -> None:
    kinds = list(fuzz_data.MUTATIONS)
    opts = fuzz_data.options(
        [
            "--seed",
            "13",
            "--cases",
            str(len(kinds)),
            # Small nesting and literals keep the run short; the full run goes far deeper.
            "--max-depth",
            "40",
            "--max-literal-mb",
            "0.5",
            "--bound",
            "120",
        ]
    )
    lines: list[str] = []
    cases = fuzz_data.fuzz(opts, log=lines.append)
    assert [c.mutation.kind for c in cases] == kinds
    assert [c.problems for c in cases] == [[]] * len(kinds), "\n".join(lines)
    # The classes that must fail were really applied, and refused by validate and build.
    for case in cases:
        if case.mutation.kind in ("namespace", "invisible", "entity-bomb"):
            assert case.mutation.must_fail, case.mutation
            codes = {r["args"][2]: r["code"] for r in case.runs}
            assert codes["validate"] in (1, 2) and codes["build"] in (1, 2), lines


def test_a_namespace_change_is_a_must_fail_mutation() -> None:
    import random

    text = (
        b"@prefix gnlc: <https://w3id.org/gnlc/ontology#> .\n\n"
        b"<https://w3id.org/gnlc/city/xx-a> a gnlc:LearningCity ; gnlc:country gnlc:x .\n"
    )
    opts = fuzz_data.options([])
    for seed in range(5):
        data, detail, must_fail = fuzz_data.namespace(random.Random(seed), text, opts)
        assert must_fail and data != text
        assert b"<https://w3id.org/gnlc/ontology#>" not in data, detail
