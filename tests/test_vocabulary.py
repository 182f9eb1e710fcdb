"""Closed vocabulary and visible IRIs: a changed namespace or a hidden character fails validate."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT
from helpers import copy_sources

from gnlc.cli import cli
from gnlc.namespaces import PREFIXES
from gnlc.vocabulary import ALLOWED_TERMS


def run(root: Path, *args: str):
    """gnlc in-process, stderr apart."""
    return CliRunner().invoke(cli, ["--root", str(root), *args], catch_exceptions=False)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the repository's sources to damage."""
    copy_sources(tmp_path)
    return tmp_path


@pytest.mark.parametrize(
    "prefix, name",
    [
        ("rdf", "RDF"),
        ("rdfs", "RDFS"),
        ("owl", "OWL"),
        ("dcterms", "DCTERMS"),
        ("skos", "SKOS"),
        ("org", "ORG"),
    ],
)
def test_allowed_term_lists_are_rdflibs_closed_namespaces(prefix: str, name: str) -> None:
    import rdflib.namespace

    namespace = getattr(rdflib.namespace, name)
    assert str(namespace._NS) == PREFIXES[prefix]
    expected = set(namespace.__annotations__) | set(getattr(namespace, "_extras", []))
    assert set(ALLOWED_TERMS[prefix].split()) == expected


def test_geo_terms_are_w3c_basic_geo() -> None:
    import rdflib.namespace

    # rdflib files Basic Geo under https://; the vocabulary's namespace is http://.
    assert PREFIXES["geo"] == "http://www.w3.org/2003/01/geo/wgs84_pos#"
    assert set(ALLOWED_TERMS["geo"].split()) == set(rdflib.namespace.WGS.__annotations__)


def _first_line(path: Path, pattern: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.startswith(("@prefix", "#")) and re.search(pattern, line):
            return number
    raise AssertionError(f"{pattern} not in {path}")


def test_gnlc_namespace_changed_to_http_in_one_member_file_fails(project: Path) -> None:
    path = project / "data/members/TH.ttl"
    text = path.read_text(encoding="utf-8")
    assert "@prefix gnlc: <https://w3id.org/gnlc/ontology#> ." in text
    path.write_text(text.replace("@prefix gnlc: <https://", "@prefix gnlc: <http://"), "utf-8")
    result = run(project, "validate", "--format", "json")
    assert result.exit_code == 1
    found = [
        r
        for r in json.loads(result.stdout)["results"]
        if r["constraint"] == "check:closed-vocabulary"
    ]
    assert found and {r["file"] for r in found} == {str(path)}
    # Every gnlc: term the file uses is reported once, at the first line it is written on.
    used = set(re.findall(r"(?<![\w:])gnlc:([A-Za-z]+)", text.split("\n\n", 1)[1]))
    assert {r["focus"] for r in found} == {f"http://w3id.org/gnlc/ontology#{t}" for t in used}
    for r in found:
        local = r["focus"].rsplit("#", 1)[1]
        assert r["line"] == _first_line(path, rf"gnlc:{local}(?![\w-])")
        assert r["value"] == f"https://w3id.org/gnlc/ontology#{local}"
    text_report = run(project, "validate")
    assert f"{path}:{found[0]['line']}: violation" in text_report.stdout
    assert "nearest known term: gnlc:" in text_report.stdout


def test_zero_width_joiner_in_geo_prefix_fails_at_the_prefix_line(project: Path) -> None:
    path = project / "data/geonames/TH.ttl"
    text = path.read_text(encoding="utf-8")
    geo = "<http://www.w3.org/2003/01/geo/wgs84_pos#>"
    assert geo in text
    path.write_text(text.replace(geo, geo.replace("pos#", "pos\u200d#")), "utf-8")
    prefix_line = 1 + text[: text.index(geo)].count("\n")
    result = run(project, "validate")
    assert result.exit_code == 1
    assert f"{path}:{prefix_line}: violation" in result.stdout
    assert "U+200D ZERO WIDTH JOINER" in result.stdout
    assert "\u200d" not in result.stdout  # shown percent-encoded, never raw
    assert "nearest known term: geo:lat" in result.stdout


def test_build_refuses_a_changed_namespace(project: Path, tmp_path: Path) -> None:
    path = project / "data/members/TH.ttl"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("<https://w3id.org/gnlc/ontology#>", "<http://w3id.org/gnlc/ontology#>"),
        "utf-8",
    )
    result = run(project, "build", "--out", str(tmp_path / "dist"))
    assert result.exit_code == 1
    assert not (tmp_path / "dist").exists()


def test_the_repository_data_uses_only_known_terms() -> None:
    from gnlc.pipeline import validate_sources

    report, _ = validate_sources(ROOT)
    assert not [
        f
        for f in report.findings
        if f.constraint in ("check:closed-vocabulary", "check:invisible-character-in-iri")
    ]


def test_invisible_character_as_an_xml_reference_in_rdf_xml(tmp_path: Path) -> None:
    path = tmp_path / "source.rdf"
    path.write_text(
        '<?xml version="1.0"?>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"\n'
        '         xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">\n'
        '  <rdf:Description rdf:about="https://example.org/a">\n'
        '    <rdfs:seeAlso rdf:resource="https://example.org/b&#x202E;c"/>\n'
        "  </rdf:Description>\n"
        "</rdf:RDF>\n",
        encoding="utf-8",
    )
    result = run(ROOT, "validate", str(path))
    assert result.exit_code == 1
    assert "https://example.org/b%E2%80%AEc" in result.stdout
    assert "U+202E RIGHT-TO-LEFT OVERRIDE" in result.stdout
    assert f"{path}:5: violation" in result.stdout


def test_nearest_term_only_when_close(tmp_path: Path) -> None:
    path = tmp_path / "terms.ttl"
    path.write_text(
        "@prefix ex: <https://example.org/> .\n"
        "@prefix gnlc: <https://w3id.org/gnlc/ontology#> .\n"
        "ex:a ex:p ex:b .\n"
        "ex:c gnlc:startYaer 2020 .\n",
        encoding="utf-8",
    )
    result = run(ROOT, "validate", str(path), "--format", "json")
    assert result.exit_code == 1
    nearest = {
        r["focus"]: (r["line"], r["value"])
        for r in json.loads(result.stdout)["results"]
        if r["constraint"] == "check:closed-vocabulary"
    }
    assert nearest == {
        "https://example.org/p": (3, ""),
        "https://w3id.org/gnlc/ontology#startYaer": (4, "https://w3id.org/gnlc/ontology#startYear"),
    }


def test_a_users_own_shapes_bring_their_own_vocabulary(tmp_path: Path) -> None:
    """With --shapes, the namespaces the user's shapes use are allowed (their own model); the
    project's namespace and the allowed vocabularies stay checked term by term."""
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "@prefix ex: <https://example.org/model#> .\n"
        "ex:ThingShape a sh:NodeShape ; sh:targetClass ex:Thing ;\n"
        "  sh:property [ sh:path ex:name ; sh:minCount 1 ] .\n",
        encoding="utf-8",
    )
    data = tmp_path / "data.ttl"
    data.write_text(
        "@prefix ex: <https://example.org/model#> .\n"
        'ex:a a ex:Thing ; ex:name "A" ; ex:colour "red" .\n',
        encoding="utf-8",
    )
    result = run(ROOT, "validate", str(data), "--shapes", str(shapes), "--format", "json")
    assert result.exit_code == 0, result.output
    # Without the shapes, the same data uses terms of no allowed vocabulary.
    alone = run(ROOT, "validate", str(data), "--format", "json")
    assert alone.exit_code == 1
    assert "check:closed-vocabulary" in alone.output
    # A typo in the project's own namespace is still caught, shapes or not.
    typo = tmp_path / "typo.ttl"
    typo.write_text(
        "@prefix gnlc: <https://w3id.org/gnlc/ontology#> .\n"
        "<https://w3id.org/gnlc/city/xx-a> gnlc:contry <https://w3id.org/gnlc/country/XX> .\n",
        encoding="utf-8",
    )
    mixed = run(ROOT, "validate", str(typo), "--shapes", str(shapes), "--format", "json")
    assert mixed.exit_code == 1
    assert "gnlc:country" in mixed.output or "ontology#country" in mixed.output
