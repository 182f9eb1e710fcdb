"""Closed vocabulary: every class and predicate in the data is the ontology's or an allowed one.

A changed namespace (`http://` for `https://`, an invisible character in a prefix IRI) still
parses, but its triples then say nothing the shapes or queries look at: members silently vanish
from `gnlc stats`. So data files may use only the terms the ontology declares and the terms of
a short list of external vocabularies (those the data uses), and no IRI may hold a character a
reader cannot see (bidi controls, zero-width characters, other format or control characters,
spaces).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from gnlc.errors import shown
from gnlc.namespaces import GNLC, PREFIXES, RDF_TYPE
from gnlc.validation import Finding

# The external vocabularies data files may use, by prefix. Term lists are rdflib's closed
# namespaces (tests/test_vocabulary.py checks they match); geo is W3C Basic Geo (rdflib lists
# its terms under a wrong https:// namespace); skosxl is the whole SKOS-XL vocabulary
# (https://www.w3.org/TR/skos-reference/skos-xl.html), for which rdflib has no list.
ALLOWED_TERMS: dict[str, str] = {
    "rdf": """
        Alt Bag CompoundLiteral HTML JSON List PlainLiteral Property Seq Statement
        XMLLiteral direction first langString language nil object predicate rest subject
        type value
    """,
    "rdfs": """
        Class Container ContainerMembershipProperty Datatype Literal Resource comment domain
        isDefinedBy label member range seeAlso subClassOf subPropertyOf
    """,
    "owl": """
        AllDifferent AllDisjointClasses AllDisjointProperties Annotation AnnotationProperty
        AsymmetricProperty Axiom Class DataRange DatatypeProperty DeprecatedClass
        DeprecatedProperty FunctionalProperty InverseFunctionalProperty IrreflexiveProperty
        NamedIndividual NegativePropertyAssertion Nothing ObjectProperty Ontology
        OntologyProperty ReflexiveProperty Restriction SymmetricProperty Thing
        TransitiveProperty allValuesFrom annotatedProperty annotatedSource annotatedTarget
        assertionProperty backwardCompatibleWith bottomDataProperty bottomObjectProperty
        cardinality complementOf datatypeComplementOf deprecated differentFrom
        disjointUnionOf disjointWith distinctMembers equivalentClass equivalentProperty
        hasKey hasSelf hasValue imports incompatibleWith intersectionOf inverseOf
        maxCardinality maxQualifiedCardinality members minCardinality
        minQualifiedCardinality onClass onDataRange onDatatype onProperties onProperty oneOf
        priorVersion propertyChainAxiom propertyDisjointWith qualifiedCardinality rational
        real sameAs someValuesFrom sourceIndividual targetIndividual targetValue
        topDataProperty topObjectProperty unionOf versionIRI versionInfo withRestrictions
    """,
    "dcterms": """
        Agent AgentClass BibliographicResource Box DCMIType DDC FileFormat Frequency IMT
        ISO3166 ISO639-2 ISO639-3 Jurisdiction LCC LCSH LicenseDocument LinguisticSystem
        Location LocationPeriodOrJurisdiction MESH MediaType MediaTypeOrExtent
        MethodOfAccrual MethodOfInstruction NLM Period PeriodOfTime PhysicalMedium
        PhysicalResource Point Policy ProvenanceStatement RFC1766 RFC3066 RFC4646 RFC5646
        RightsStatement SizeOrDuration Standard TGN UDC URI W3CDTF abstract accessRights
        accrualMethod accrualPeriodicity accrualPolicy alternative audience available
        bibliographicCitation conformsTo contributor coverage created creator date
        dateAccepted dateCopyrighted dateSubmitted description educationLevel extent format
        hasFormat hasPart hasVersion identifier instructionalMethod isFormatOf isPartOf
        isReferencedBy isReplacedBy isRequiredBy isVersionOf issued language license
        mediator medium modified provenance publisher references relation replaces requires
        rights rightsHolder source spatial subject tableOfContents temporal title type valid
    """,
    "skos": """
        Collection Concept ConceptScheme OrderedCollection altLabel broadMatch broader
        broaderTransitive changeNote closeMatch definition editorialNote exactMatch example
        hasTopConcept hiddenLabel historyNote inScheme mappingRelation member memberList
        narrowMatch narrower narrowerTransitive notation note prefLabel related relatedMatch
        scopeNote semanticRelation topConceptOf
    """,
    "org": """
        ChangeEvent FormalOrganization Head Membership Organization
        OrganizationalCollaboration OrganizationalUnit Post Role Site basedAt changedBy
        classification hasMember hasMembership hasPost hasPrimarySite hasRegisteredSite
        hasSite hasSubOrganization hasUnit headOf heldBy holds identifier linkedTo location
        member memberDuring memberOf organization originalOrganization postIn purpose
        remuneration reportsTo resultedFrom resultingOrganization role roleProperty
        siteAddress siteOf subOrganizationOf transitiveSubOrganizationOf unitOf
    """,
    "geo": """
        Point SpatialThing alt lat lat_long location long
    """,
    "skosxl": """
        Label altLabel hiddenLabel labelRelation literalForm prefLabel
    """,
}
ALLOWED = tuple(ALLOWED_TERMS)

# Types that make an ontology subject a declared class or property.
_DECLARING = {
    PREFIXES["owl"] + "Class",
    PREFIXES["rdfs"] + "Class",
    PREFIXES["owl"] + "ObjectProperty",
    PREFIXES["owl"] + "DatatypeProperty",
    PREFIXES["owl"] + "AnnotationProperty",
    PREFIXES["rdf"] + "Property",
}
# Characters nobody sees: Unicode categories Cc, Cf (bidi controls, zero-width joiners...),
# Zl, Zp and the spaces (Zs).
_HIDDEN = {"Cc", "Cf", "Zl", "Zp", "Zs"}
_PLAIN = re.compile(r"[\x21-\x7e]*")
_CONTAINER = re.compile(r"_[1-9][0-9]*")


def allowed_terms() -> set[str]:
    """Every IRI of the allowed external vocabularies."""
    terms = set()
    for prefix, names in ALLOWED_TERMS.items():
        terms.update(PREFIXES[prefix] + name for name in names.split())
    return terms


def declared_terms(ontology: Path) -> set[str]:
    """The classes and properties the ontology declares."""
    from gnlc.loading import parse_file

    return {
        t.subject.value
        for t in parse_file(ontology, [])
        if t.predicate.value == RDF_TYPE and t.object.value in _DECLARING
    }


def hidden_characters(iri: str) -> list[str]:
    """The invisible characters in an IRI (as U+XXXX NAME), in order."""
    if _PLAIN.fullmatch(iri):
        return []
    return [
        f"U+{ord(c):04X} {unicodedata.name(c, 'unnamed')}"
        for c in iri
        if unicodedata.category(c) in _HIDDEN
    ]


def visible(iri: str) -> str:
    """The IRI with its invisible characters percent-encoded, safe to print."""
    return "".join(
        "".join(f"%{b:02X}" for b in c.encode("utf-8")) if unicodedata.category(c) in _HIDDEN else c
        for c in iri
    )


def _known(iri: str, known: set[str]) -> bool:
    if iri in known:
        return True
    rdf = PREFIXES["rdf"]
    return iri.startswith(rdf) and bool(_CONTAINER.fullmatch(iri[len(rdf) :]))


def _nearest(iri: str, known: set[str]) -> str:
    match = difflib.get_close_matches(iri, sorted(known), n=1, cutoff=0.6)
    return match[0] if match else ""


def _short(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return f"<{iri}>"


def _line_of(lines: list[str], needles: Sequence[str]) -> int:
    """The first line (1-based) holding one of the needles as a whole name, else 0."""
    patterns = [re.compile(r"(?<![\w:-])" + re.escape(n) + r"(?![\w-])") for n in needles if n]
    for number, text in enumerate(lines, start=1):
        if text.lstrip().startswith("#"):
            continue
        if any(p.search(text) for p in patterns):
            return number
    return 0


def _spellings(iri: str, prefixes: dict[str, str]) -> list[str]:
    """How a file may write an IRI: in full, or with one of its prefixes."""
    out = [f"<{iri}>", iri]
    for name, namespace in prefixes.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            out.insert(0, f"{name}:{iri[len(namespace) :]}")
    return out


def _hidden_line(lines: list[str], iri: str) -> int:
    """The first line holding one of the IRI's invisible characters (or its \\u escape)."""
    wanted = [c for c in iri if unicodedata.category(c) in _HIDDEN]
    for number, text in enumerate(lines, start=1):
        lowered = text.lower()
        for c in wanted:
            if c in text or f"\\u{ord(c):04x}" in lowered or f"\\u{ord(c):08x}" in lowered:
                return number
    return 0


def _unknown_finding(path: Path, line: int, iri: str, kind: str, known: set[str]) -> Finding:
    nearest = _nearest(iri, known)
    hint = f"; nearest known term: {_short(nearest)} <{nearest}>" if nearest else ""
    hint_th = f" คำที่ใกล้เคียงที่สุด: {_short(nearest)}" if nearest else ""
    kind_th = "คลาส" if kind == "class" else "พรีดิเคต"
    return Finding(
        severity="Violation",
        focus=visible(iri),
        path=RDF_TYPE if kind == "class" else "",
        constraint="check:closed-vocabulary",
        message_en=f"unknown {kind}: not declared in the ontology nor in an allowed vocabulary "
        f"({', '.join(ALLOWED)}){hint}",
        message_th=f"ไม่รู้จัก{kind_th}นี้ ไม่ได้ประกาศไว้ในออนโทโลยีหรือในคำศัพท์ภายนอกที่อนุญาต{hint_th}",
        file=shown(path),
        line=line,
        value=nearest,
    )


def _hidden_finding(path: Path, line: int, iri: str, where: str) -> Finding:
    chars = ", ".join(dict.fromkeys(hidden_characters(iri)))
    return Finding(
        severity="Violation",
        focus=visible(iri),
        path="",
        constraint="check:invisible-character-in-iri",
        message_en=f"{where} IRI holds an invisible character ({chars}), shown percent-encoded",
        message_th=f"IRI ({where}) มีอักขระที่มองไม่เห็น ({chars}) แสดงในรูปเข้ารหัสเปอร์เซ็นต์",
        file=shown(path),
        line=line,
        value=chars,
    )


def _file_terms(path: Path):
    """(prefixes, {term: kind}, [(iri, where)]) of one data file, ontology statements aside."""
    import pyoxigraph

    from gnlc.loading import _rdf_format, read_source

    parser = pyoxigraph.parse(read_source(path, []), format=_rdf_format(path))
    terms: dict[str, str] = {}
    hidden: dict[str, str] = {}
    bare = GNLC.rstrip("#")
    for quad in parser:
        subject, predicate, obj = quad.subject, quad.predicate, quad.object
        for term, where in ((subject, "subject"), (predicate, "predicate"), (obj, "object")):
            if type(term) is pyoxigraph.NamedNode and hidden_characters(term.value):
                hidden.setdefault(term.value, where)
            datatype = getattr(term, "datatype", None)
            if datatype is not None and hidden_characters(datatype.value):
                hidden.setdefault(datatype.value, "datatype")
        value = getattr(subject, "value", "")
        if type(subject) is pyoxigraph.NamedNode and (value.startswith(GNLC) or value == bare):
            continue  # an ontology statement: the redefinition check judges those
        terms.setdefault(predicate.value, "predicate")
        if predicate.value == RDF_TYPE and type(obj) is pyoxigraph.NamedNode:
            terms.setdefault(obj.value, "class")
    prefixes = dict(getattr(parser, "prefixes", None) or {})
    return prefixes, terms, hidden


def vocabulary_findings(files: Sequence[Path], ontology: Path) -> list[Finding]:
    """Unknown classes and predicates, and IRIs with invisible characters, located in files."""
    known = declared_terms(ontology) | allowed_terms()
    findings = []
    for path in files:
        prefixes, terms, hidden = _file_terms(path)
        unknown = {iri: kind for iri, kind in terms.items() if not _known(iri, known)}
        bad_prefixes = {n: ns for n, ns in prefixes.items() if hidden_characters(ns)}
        if not (unknown or hidden or bad_prefixes):
            continue
        lines = path.read_text(encoding="utf-8-sig", errors="replace").splitlines()
        for iri, kind in unknown.items():
            line = _line_of(lines, _spellings(iri, prefixes))
            findings.append(_unknown_finding(path, line, iri, kind, known))
        for iri, where in hidden.items():
            findings.append(_hidden_finding(path, _hidden_line(lines, iri), iri, where))
        for name, namespace in bad_prefixes.items():
            if not any(iri.startswith(namespace) for iri in hidden):
                line = _line_of(lines, [f"{name}:"]) or _hidden_line(lines, namespace)
                findings.append(_hidden_finding(path, line, namespace, f"prefix {name}:"))
    return findings
