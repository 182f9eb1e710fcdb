"""One version and one date: the ontology's owl:versionInfo/versionIRI and dcterms:modified are
the source; the package, CITATION.cff and .zenodo.json must say the same."""

from __future__ import annotations

import json
import re
from pathlib import Path

import gnlc

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY = "https://w3id.org/gnlc/ontology"


def ontology_version_and_date() -> tuple[str, str]:
    import rdflib

    graph = rdflib.Graph().parse(ROOT / "ontology/gnlc.ttl", format="turtle")
    subject = rdflib.URIRef(ONTOLOGY)
    owl = rdflib.OWL
    version = str(graph.value(subject, owl.versionInfo))
    assert str(graph.value(subject, owl.versionIRI)) == f"{ONTOLOGY}/{version}"
    date = str(graph.value(subject, rdflib.DCTERMS.modified))
    return version, date


def test_package_version_is_the_ontology_version() -> None:
    version, _ = ontology_version_and_date()
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'^version = "([^"]+)"$', pyproject, re.M).group(1) == version
    assert gnlc.__version__ == version


def test_citation_cff_has_the_ontology_version_and_date() -> None:
    version, date = ontology_version_and_date()
    text = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert re.search(rf"^version: {re.escape(version)}$", text, re.M)
    assert re.search(rf"^date-released: {date}$", text, re.M)


def test_zenodo_metadata_has_the_ontology_version_and_date() -> None:
    version, date = ontology_version_and_date()
    zenodo = json.loads((ROOT / ".zenodo.json").read_text(encoding="utf-8"))
    assert (zenodo["version"], zenodo["publication_date"]) == (version, date)
    assert zenodo["license"] == "cc-by-4.0"


def _header_date(release_ttl: bytes) -> str:
    """The date in a release file's header comment (`# version X, YYYY-MM-DD; licence ...`)."""
    found = re.search(rb"^# version [^,]+, (\d{4}-\d{2}-\d{2}); licence", release_ttl, re.M)
    assert found, release_ttl[:300]
    return found.group(1).decode()


def test_the_release_is_dated_by_the_last_commit(root_copy: Path) -> None:
    """In a git checkout the release carries the date of its last commit (builds of one commit
    are identical): a commit made with a chosen date gives that date, in every dated file."""
    import os
    import subprocess

    from gnlc.export import make_release
    from gnlc.sources import load_graph

    when = "2031-05-17T12:00:00+00:00"
    env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    env |= {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org"}
    env |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "x"]):
        subprocess.run(["git", "-C", str(root_copy), *command], env=env, check=True)
    files = make_release(root_copy, load_graph(root_copy).store).files
    for name in ("gnlc.ttl", "gnlc-ontology.ttl", "gnlc-shapes.ttl"):
        assert _header_date(files[name]) == "2031-05-17", name
    assert json.loads(files["datapackage.json"])["created"].startswith("2031-05-17")


def test_outside_git_the_release_is_dated_by_the_ontology(root_copy: Path, monkeypatch) -> None:
    """Without a git checkout (an unpacked archive), or without git at all, the date is the
    ontology's dcterms:modified (read here with rdflib)."""
    import rdflib

    from gnlc.export import make_release
    from gnlc.sources import load_graph

    graph = rdflib.Graph().parse(root_copy / "ontology" / "gnlc.ttl")
    modified = {str(o) for o in graph.objects(None, rdflib.DCTERMS.modified)}
    assert len(modified) == 1
    store = load_graph(root_copy).store
    assert _header_date(make_release(root_copy, store).files["gnlc.ttl"]) in modified
    monkeypatch.setenv("PATH", str(root_copy))  # no git to run
    assert _header_date(make_release(root_copy, store).files["gnlc.ttl"]) in modified
