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
