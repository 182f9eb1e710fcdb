"""The fuzz script on a tiny budget: every mutation class once, validate, fmt and build."""

from __future__ import annotations

import fuzz_data
import pytest

# runs the fuzz script: left out of the fast loop (-m "not slow")
pytestmark = pytest.mark.slow


@pytest.mark.parametrize("kind", list(fuzz_data.MUTATIONS))
def test_fuzz_script_small_budget(kind: str) -> None:
    """One case of each mutation kind, each its own test (so that workers share them out): case
    i of a run with as many cases as kinds is of the i-th kind."""
    index = list(fuzz_data.MUTATIONS).index(kind)
    opts = fuzz_data.options(
        [
            "--seed",
            "13",
            "--cases",
            str(len(fuzz_data.MUTATIONS)),
            "--only",
            str(index),
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
    [case] = fuzz_data.fuzz(opts, log=lines.append)
    assert (case.index, case.mutation.kind) == (index, kind)
    assert case.problems == [], "\n".join(lines)
    # The classes that must fail were really applied, and refused by validate and build.
    if kind in ("namespace", "invisible", "entity-bomb"):
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
