"""`gnlc diff` between two git revisions and two release folders, checked against rdflib's own
reading of both states (the sources with the rules applied by rdflib's SPARQL engine)."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import copy_sources, current_members, rdflib_release_graph

from gnlc.cli import cli

# builds releases of git revisions: left out of the fast loop (-m "not slow")
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
SOURCE_PREDICATES = (
    "http://purl.org/dc/terms/source",
    "https://w3id.org/gnlc/ontology#attestedBy",
    "https://w3id.org/gnlc/ontology#regionSource",
)
NEW_SOURCE = "https://example.org/a-new-page-about-chiang-mai"


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True
    ).stdout


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A repository with two commits: the real sources, then an edit that drops Sint Maarten's
    member file, moves a cohort year and cites one more page; plus both states' rdflib graphs."""
    repo = tmp_path_factory.mktemp("repo")
    copy_sources(repo)
    git(repo, "init", "-q")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@example.org", "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "one")
    old_graph = rdflib_release_graph(repo)

    (repo / "data/members/SX.ttl").unlink()
    thai = repo / "data/members/TH.ttl"
    text = thai.read_text(encoding="utf-8")
    block = re.search(r"<https://w3id.org/gnlc/city/th-chiang-mai#membership>.*?\.\n", text, re.S)
    assert block and 'gnlc:startYear "2020"^^xsd:gYear' in block.group(0)
    edited = block.group(0).replace('"2020"^^xsd:gYear', '"2022"^^xsd:gYear')
    edited = edited.replace("cohort:2020", "cohort:2022")
    edited = edited.replace("dcterms:source ", f"dcterms:source <{NEW_SOURCE}>, ", 1)
    thai.write_text(text.replace(block.group(0), edited), encoding="utf-8")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qam", "two")
    return {"repo": repo, "old": old_graph, "new": rdflib_release_graph(repo)}


def expected(old, new) -> dict:
    """Members, changed (subject, predicate) pairs and sources, by rdflib set operations."""
    from rdflib.compare import to_canonical_graph

    old, new = to_canonical_graph(old), to_canonical_graph(new)  # blank nodes named by content
    old_members = {str(c) for c in current_members(old)}
    new_members = {str(c) for c in current_members(new)}
    before, after = set(old), set(new)
    both = set(old.subjects()) & set(new.subjects())
    changed = {(str(s), str(p)) for s, p, _ in (before ^ after) if s in both}

    def sources(graph) -> set[str]:
        return {str(o) for p in SOURCE_PREDICATES for o in graph.objects(None, _ref(p))}

    return {
        "added": new_members - old_members,
        "removed": old_members - new_members,
        "changed": changed,
        "sources_added": sources(new) - sources(old),
        "sources_removed": sources(old) - sources(new),
        "triples_added": len(after - before),
        "triples_removed": len(before - after),
    }


def _ref(iri: str):
    import rdflib

    return rdflib.URIRef(iri)


def test_diff_between_two_revisions_matches_rdflib(history: dict) -> None:
    result = run("--root", str(history["repo"]), "diff", "HEAD~1", "HEAD", "--format", "json")
    assert result.exit_code == 0, result.stderr
    diff = json.loads(result.stdout)
    want = expected(history["old"], history["new"])
    assert {m["iri"] for m in diff["members_added"]} == want["added"] == set()
    assert {m["iri"] for m in diff["members_removed"]} == want["removed"]
    assert len(want["removed"]) == 1  # Sint Maarten's one member
    assert {(c["subject"], c["predicate"]) for c in diff["changes"]} == want["changed"]
    assert set(diff["sources_added"]) == want["sources_added"] == {NEW_SOURCE}
    assert set(diff["sources_removed"]) == want["sources_removed"]
    assert diff["triples_added"] == want["triples_added"]
    assert diff["triples_removed"] == want["triples_removed"]
    assert diff["old_members"] - diff["new_members"] == len(want["removed"])
    year = [c for c in diff["changes"] if c["predicate"].endswith("#startYear")]
    assert [(c["removed"], c["added"]) for c in year] == [
        (
            ['"2020"^^<http://www.w3.org/2001/XMLSchema#gYear>'],
            ['"2022"^^<http://www.w3.org/2001/XMLSchema#gYear>'],
        )
    ]


def test_diff_of_a_state_with_itself_is_empty(history: dict) -> None:
    result = run("--root", str(history["repo"]), "diff", "HEAD", str(history["repo"]))
    assert result.exit_code == 0, result.stderr
    assert "(+0 -0)" in result.stdout
    assert "facts changed on resources in both: 0" in result.stdout


def test_diff_markdown_is_a_changelog_entry(history: dict) -> None:
    result = run("--root", str(history["repo"]), "diff", "HEAD~1", "--format", "markdown")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("### Data changes")
    removed = expected(history["old"], history["new"])["removed"]
    for iri in removed:
        assert any(f"(<{iri}>)" in line for line in lines)
    assert "#### Changed facts" in lines


def test_diff_between_release_folders(history: dict, tmp_path: Path) -> None:
    repo = history["repo"]
    new_out = tmp_path / "new"
    assert run("--root", str(repo), "build", "--out", str(new_out)).exit_code == 0
    git(repo, "checkout", "-q", "HEAD~1")
    try:
        old_out = tmp_path / "old"
        assert run("--root", str(repo), "build", "--out", str(old_out)).exit_code == 0
    finally:
        git(repo, "checkout", "-q", "-")
    folders = run("--root", str(repo), "diff", str(old_out), str(new_out), "--format", "json")
    revisions = run("--root", str(repo), "diff", "HEAD~1", "HEAD", "--format", "json")
    a, b = json.loads(folders.stdout), json.loads(revisions.stdout)
    for key in ("members_added", "members_removed", "changes", "sources_added", "triples_added"):
        assert a[key] == b[key], key


@pytest.mark.parametrize(
    "spec",
    ["no-such-revision", "--output=/tmp/x", "-p", "HEAD~999", "a b", "x" * 5000],
)
def test_diff_refuses_what_is_neither_a_state_nor_a_revision(history: dict, spec: str) -> None:
    result = run("--root", str(history["repo"]), "diff", "--", spec, "HEAD")
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "not a git revision" in lines[0], lines
    assert "Traceback" not in result.stderr


def test_diff_refuses_a_folder_that_is_no_state(tmp_path: Path) -> None:
    result = run("--root", str(ROOT), "diff", str(tmp_path), "HEAD")
    assert result.exit_code == 2
    assert "not a release folder" in result.stderr
