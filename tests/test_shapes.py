"""One invalid fixture per constraint: each must report exactly the expected violations."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT
from helpers import pyshacl_in_lists_read_once, rdflib_prepared_queries, shapes_graph_read_once

from gnlc.pipeline import validate_sources
from gnlc.validation import ShaclOptions

INVALID = sorted((FIXTURES / "invalid").glob("*.ttl"))
SHAPES = "https://w3id.org/gnlc/shapes#"


def expectations(path: Path) -> set[tuple[str, str, str]]:
    """The `# expect: SHAPE-OR-CHECK COMPONENT FOCUS` lines of a fixture."""
    out = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^# expect: (\S+) (\S+) (\S+)$", line)
        if match:
            out.add(match.groups())
    return out


def observed(findings) -> set[tuple[str, str, str]]:
    """The same triple of facts for each violation found."""
    out = set()
    for f in findings:
        source = f.shape or f.constraint
        component = f.constraint if f.shape else "-"
        focus = f.focus if f.focus.startswith("http") else "_:blank"
        out.add((source, component, focus))
    return out


@pytest.fixture(params=["compiled"])
def engine(request) -> ShaclOptions:
    """The default engine; pySHACL, the reference, is compared with it result by result below."""
    return ShaclOptions(engine=request.param)


@pytest.mark.parametrize("fixture", INVALID, ids=lambda p: p.stem)
def test_invalid_fixture_reports_exactly_its_violations(
    fixture: Path, engine: ShaclOptions
) -> None:
    expected = expectations(fixture)
    assert expected, f"{fixture.name} declares no '# expect:' line"
    report, _ = validate_sources(ROOT, [fixture], options=engine)
    assert observed(report.violations) == expected
    assert not report.conforms()


def test_valid_fixture_conforms_with_only_the_thai_name_warning(engine: ShaclOptions) -> None:
    report, _ = validate_sources(ROOT, [FIXTURES / "valid/kr-testville.ttl"], options=engine)
    assert report.violations == []
    assert {(f.shape, f.focus) for f in report.warnings} == {
        (SHAPES + "thai-label-wanted", "https://w3id.org/gnlc/city/kr-testville")
    }


def _named_constraints() -> set[str]:
    import rdflib

    graph = rdflib.Graph().parse(ROOT / "shapes/gnlc.shacl.ttl")
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    names = set()
    for kind in (sh.PropertyShape, sh.SPARQLConstraint):
        names |= {str(s) for s in graph.subjects(rdflib.RDF.type, kind)}
    # Node shapes that carry constraints of their own (a pattern on the focus IRI, a node kind).
    for shape in graph.subjects(rdflib.RDF.type, sh.NodeShape):
        if (shape, sh.pattern, None) in graph or (shape, sh.nodeKind, None) in graph:
            names.add(str(shape))
    return names


def _checks() -> set[str]:
    return {f"check:{p.stem}" for p in (ROOT / "queries/checks").glob("*-violation.rq")}


def test_every_constraint_and_check_has_an_invalid_fixture() -> None:
    covered = {e[0] for path in INVALID for e in expectations(path)}
    warning_only = {
        SHAPES + "thai-label-wanted",
        SHAPES + "country-region-wanted",
        "check:award-winner-member-violation",
        SHAPES + "membership-attestation-undated",
    }
    missing = (_named_constraints() | _checks()) - covered - warning_only
    assert not missing, f"constraints without an invalid fixture: {sorted(missing)}"


@pytest.mark.slow
@pytest.mark.parametrize(
    "fixture", [*INVALID, FIXTURES / "valid/kr-testville.ttl"], ids=lambda p: p.stem
)
def test_both_engines_agree_on_every_result_of_the_fixture(fixture: Path) -> None:
    def results(name: str) -> set:
        report, _ = validate_sources(ROOT, [fixture], options=ShaclOptions(engine=name))
        return {
            (f.severity, f.shape, f.constraint, f.focus, f.path)
            for f in report.findings
            if f.focus.startswith("http")
        }

    with rdflib_prepared_queries(), pyshacl_in_lists_read_once(), shapes_graph_read_once():
        reference = results("pyshacl")
    assert results("compiled") == reference


def test_award_before_membership_is_a_warning() -> None:
    report, _ = validate_sources(ROOT, [FIXTURES / "warning/award-before-membership.ttl"])
    assert report.violations == []
    assert ("check:award-winner-member-violation", "https://w3id.org/gnlc/city/kr-testville") in {
        (f.constraint, f.focus) for f in report.warnings
    }
    assert not report.conforms(strict=True)


def test_a_membership_no_dated_page_attests_is_a_counted_gap_not_an_error(tmp_path) -> None:
    fixture = FIXTURES / "warning/membership-attestation-undated.ttl"
    report, _ = validate_sources(ROOT, [fixture])
    assert report.violations == []
    membership = "https://w3id.org/gnlc/city/kr-testville#membership"
    assert (SHAPES + "membership-attestation-undated", membership) in {
        (f.shape or f.constraint, f.focus) for f in report.warnings
    }
    # Without the attesting page the same membership is a violation: a member needs a source
    # that names it as one.
    unattested = tmp_path / "unattested.ttl"
    unattested.write_text(
        fixture.read_text(encoding="utf-8").replace(
            "gnlc:attestedBy <https://example.org/fake-profile> ;", ""
        ),
        encoding="utf-8",
    )
    report, _ = validate_sources(ROOT, [unattested])
    assert (SHAPES + "membership-dated", membership) in {
        (f.shape or f.constraint, f.focus) for f in report.violations
    }


def test_duplicate_name_message_names_the_other_city() -> None:
    report, _ = validate_sources(ROOT, [FIXTURES / "invalid/city-duplicate-name.ttl"])
    messages = {
        f.focus: (f.message_en, f.message_th)
        for f in report.violations
        if f.constraint == "check:city-unique-name-violation"
    }
    one, two = (
        "https://w3id.org/gnlc/city/kr-testville",
        "https://w3id.org/gnlc/city/kr-testville-2",
    )
    assert messages[one][0].endswith(": " + two) and messages[one][1].endswith(": " + two)
    assert messages[two][0].endswith(": " + one) and "{?other}" not in messages[two][1]
