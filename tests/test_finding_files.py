"""A finding names the hand-edited file where its fix belongs (issue 14, item 5): the file that
gives the focus node its rdf:type, never a generated file (data/geonames/*.ttl) nor
data/awards.ttl for a city."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from conftest import ROOT
from helpers import copy_sources

from gnlc.cli import cli

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def _findings(root: Path) -> list[dict]:
    result = CliRunner().invoke(cli, ["--root", str(root), "validate", "--format", "json"])
    assert result.exit_code in (0, 1), result.stderr
    return json.loads(result.stdout)["results"]


def _generated(path: Path) -> bool:
    return path.read_text(encoding="utf-8").lower().startswith("# generated")


def _typed_in(root: Path) -> dict[str, set[Path]]:
    """Second route: rdflib reads every file; IRI -> the files giving it an rdf:type."""
    import rdflib

    out: dict[str, set[Path]] = {}
    files = [root / "ontology/gnlc.ttl", *sorted((root / "data").rglob("*.ttl"))]
    for path in files:
        graph = rdflib.Graph().parse(path, format="turtle")
        for subject in graph.subjects(rdflib.RDF.type, None):
            out.setdefault(str(subject), set()).add(path.resolve())
    return out


def test_every_finding_names_the_file_typing_its_focus() -> None:
    findings = _findings(ROOT)
    assert findings, "the data has no findings to place"
    typed = _typed_in(ROOT)
    for f in findings:
        if not f["focus"].startswith("https://"):
            continue
        path = (
            (ROOT / f["file"]).resolve() if not Path(f["file"]).is_absolute() else Path(f["file"])
        )
        holders = typed.get(f["focus"], set())
        assert path in holders, (f["focus"], f["file"], sorted(map(str, holders)))
        hand_edited = {p for p in holders if not _generated(p)}
        if hand_edited:  # a generated file only when nothing hand-edited types the node
            assert path in hand_edited, (f["focus"], f["file"])
        assert "/geonames/" not in f["file"]
        if "/city/" in f["focus"]:
            assert not f["file"].endswith("awards.ttl"), f
        # The line is where the node is written as a subject in that file.
        text = path.read_text(encoding="utf-8").splitlines()[f["line"] - 1]
        local = f["focus"].rsplit("/", 1)[1]
        assert local in text, (f["file"], f["line"], text)


def test_a_deleted_country_is_reported_in_the_members_file(tmp_path: Path) -> None:
    root = tmp_path / "root"
    copy_sources(root)
    members = root / "data/members/RO.ttl"
    lines = members.read_text(encoding="utf-8").splitlines(keepends=True)
    subject = lines.index("city:ro-cugir\n")
    dropped = next(i for i in range(subject, len(lines)) if "gnlc:country country:RO" in lines[i])
    del lines[dropped]
    members.write_text("".join(lines), encoding="utf-8")
    about = [f for f in _findings(root) if f["focus"] == "https://w3id.org/gnlc/city/ro-cugir"]
    violations = [f for f in about if f["severity"] == "Violation"]
    assert violations, about
    for f in about:
        assert (f["file"].endswith("data/members/RO.ttl"), f["line"]) == (True, subject + 1), f
