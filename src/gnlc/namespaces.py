"""Every namespace and base IRI of the project, named once."""

from __future__ import annotations

import re
from collections.abc import Mapping

BASE = "https://w3id.org/gnlc/"
ONTOLOGY = "https://w3id.org/gnlc/ontology"
GNLC = ONTOLOGY + "#"
NETWORK = BASE + "network"

# Prefixes used when writing Turtle and compacting JSON-LD; order is irrelevant (output is sorted).
PREFIXES: dict[str, str] = {
    "gnlc": GNLC,
    "city": BASE + "city/",
    "country": BASE + "country/",
    "region": BASE + "region/",
    "cohort": BASE + "cohort/",
    "sdg": BASE + "sdg/",
    "characteristic": BASE + "characteristic/",
    "award": BASE + "award/",
    "gnlcorg": BASE + "organization/",
    "shape": BASE + "shapes#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "geo": "http://www.w3.org/2003/01/geo/wgs84_pos#",
    "org": "http://www.w3.org/ns/org#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "prov": "http://www.w3.org/ns/prov#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "schema": "https://schema.org/",
    "sh": "http://www.w3.org/ns/shacl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "skosxl": "http://www.w3.org/2008/05/skos-xl#",
    "unsdg": "http://metadata.un.org/sdg/",
    "vann": "http://purl.org/vocab/vann/",
    "void": "http://rdfs.org/ns/void#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}

RDF_TYPE = PREFIXES["rdf"] + "type"
XSD = PREFIXES["xsd"]
DCTERMS = PREFIXES["dcterms"]
SKOS = PREFIXES["skos"]
SKOSXL = PREFIXES["skosxl"]
SH = PREFIXES["sh"]
RDF = PREFIXES["rdf"]
RDFS = PREFIXES["rdfs"]
OWL = PREFIXES["owl"]
GEO = PREFIXES["geo"]
ORG = PREFIXES["org"]
VOID = PREFIXES["void"]

# The release's own IRIs: the dataset (VoID, DCAT) and the folder its files are served from.
DATASET = BASE + "dataset"
DIST_BASE = BASE + "dist/"

# xsd:integer and the XSD datatypes derived from it (XML Schema 1.1 Part 2, section 3.4).
XSD_INTEGERS = frozenset(
    XSD + name
    for name in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    )
)

# The local part of a compact IRI: reads the same in Turtle, SPARQL and JSON-LD.
LOCAL_NAME = re.compile(r"[A-Za-z0-9_-]+")
_LOCAL_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"


_SORTED_PREFIXES = tuple(sorted(PREFIXES.items()))


def _by_head(ordered: tuple[tuple[str, str], ...]) -> dict[str, list[tuple[str, str]]]:
    """Prefixes grouped by their namespace without its trailing local-name characters."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for name, ns in ordered:
        groups.setdefault(ns.rstrip(_LOCAL_CHARS), []).append((name, ns))
    return groups


# A namespace that can compact an IRI ends inside the IRI's trailing run of local-name
# characters (the local part is made of them, and is not empty), so both lose the same tail to
# rstrip: only that group of the project's prefixes needs trying (tests/test_architecture.py
# compares this with trying every prefix).
_PREFIXES_BY_HEAD = _by_head(_SORTED_PREFIXES)


def compact_iri(iri: str, prefixes: Mapping[str, str] = PREFIXES) -> str:
    """The shortest prefix:local form of iri whose local part is a plain name (letters, digits,
    '_', '-'; so it reads the same in Turtle, SPARQL and JSON-LD), else the IRI itself."""
    best = iri
    if prefixes is PREFIXES:  # a query's table compacts every IRI it shows
        ordered = _PREFIXES_BY_HEAD.get(iri.rstrip(_LOCAL_CHARS), ())
    else:
        ordered = sorted(prefixes.items())
    for name, ns in ordered:
        if iri.startswith(ns) and LOCAL_NAME.fullmatch(iri, len(ns)):
            candidate = f"{name}:{iri[len(ns) :]}"
            if len(candidate) < len(best):
                best = candidate
    return best


def sparql_prefixes(*names: str) -> str:
    """PREFIX lines for the named project prefixes (for SPARQL written in the code)."""
    return "".join(f"PREFIX {name}: <{PREFIXES[name]}>\n" for name in names)


def short_iri(iri: str) -> str:
    """An IRI as the site shows it to people: `gnlc` for the vocabulary, else compact_iri's
    prefix:local, with a hash sub-node's fragment after it (`city:th-chiang-rai#membership`),
    else the path under BASE, else the IRI itself."""
    if iri == ONTOLOGY:
        return "gnlc"
    compact = compact_iri(iri)
    if compact != iri:
        return compact
    node, hash_, fragment = iri.partition("#")
    if hash_ and LOCAL_NAME.fullmatch(fragment) and compact_iri(node) != node:
        return f"{compact_iri(node)}#{fragment}"
    return iri[len(BASE) :] if iri.startswith(BASE) else iri


def expand_curie(curie: str) -> str:
    """The IRI a prefix:local name of the project's prefixes stands for."""
    prefix, _, local = curie.partition(":")
    return PREFIXES[prefix] + local
