"""Closed vocabulary: every class and predicate in the data is the ontology's or an allowed one.

A changed namespace (`http://` for `https://`, an invisible character in a prefix IRI) still
parses, but its triples then say nothing the shapes or queries look at: members silently vanish
from `gnlc stats`. So data files may use only the terms the ontology declares and the terms of
a short list of external vocabularies (those the data uses), and no IRI may hold a character a
reader cannot see (bidi controls, zero-width characters, other format or control characters,
spaces).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from gnlc.errors import shown
from gnlc.findings import Finding
from gnlc.namespaces import BASE, GNLC, PREFIXES, RDF_TYPE, compact_iri

if TYPE_CHECKING:  # pragma: no cover - types only
    import pyoxigraph

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
    terms: set[str] = set()
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


def _known(iri: str, known: set[str], namespaces: Sequence[str] = ()) -> bool:
    if iri in known or any(iri.startswith(ns) for ns in namespaces):
        return True
    rdf = PREFIXES["rdf"]
    return iri.startswith(rdf) and bool(_CONTAINER.fullmatch(iri[len(rdf) :]))


def _nearest(iri: str, known: set[str]) -> str:
    import difflib  # only when a finding needs a suggestion

    match = difflib.get_close_matches(iri, sorted(known), n=1, cutoff=0.8)
    return match[0] if match else ""


def _short(iri: str) -> str:
    compact = compact_iri(iri)
    return compact if compact != iri else f"<{iri}>"


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
            forms = (f"\\u{ord(c):04x}", f"\\u{ord(c):08x}", f"&#x{ord(c):x};", f"&#{ord(c)};")
            if c in text or any(form in lowered for form in forms):
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


_NOT_VOCABULARY = (
    # Ontology statements (a release dump repeats them) are judged by the redefinition check.
    f'(!isIRI(?s) || !(STRSTARTS(STR(?s), "{GNLC}") || STR(?s) = "{GNLC.rstrip("#")}"))'
)
_PREDICATES = f"SELECT DISTINCT ?g ?t WHERE {{ GRAPH ?g {{ ?s ?t ?o }} FILTER{_NOT_VOCABULARY} }}"
_CLASSES = (
    f"SELECT DISTINCT ?g ?t WHERE {{ GRAPH ?g {{ ?s <{RDF_TYPE}> ?t }} "
    f"FILTER(isIRI(?t) && {_NOT_VOCABULARY}) }}"
)
_HIDDEN_IRIS = r"""SELECT DISTINCT ?g ?x ?where WHERE {
  { GRAPH ?g { ?x ?p ?o } BIND("subject" AS ?where) }
  UNION { GRAPH ?g { ?s ?x ?o } BIND("predicate" AS ?where) }
  UNION { GRAPH ?g { ?s ?p ?x } BIND("object" AS ?where) }
  UNION { GRAPH ?g { ?s ?p ?l } FILTER(isLiteral(?l)) BIND(DATATYPE(?l) AS ?x)
          BIND("datatype" AS ?where) }
  FILTER(isIRI(?x) && REGEX(STR(?x), "[\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}\\p{Zs}]"))
}"""
_ROLES = ("subject", "predicate", "object", "datatype")


def _suspicious(text: str) -> bool:
    """True when a text may hide an invisible character in an IRI (or an escape of one)."""
    if "\\u" in text or "\\U" in text or "&#" in text:
        return True
    if text.replace("\n", "").replace("\r", "").replace("\t", "").isprintable():
        # No character is Other or Separator but the ASCII space (str.isprintable's rule, a
        # loop in C), so none is in _HIDDEN: the common case, without a set of characters.
        return False
    return any(unicodedata.category(c) in _HIDDEN for c in set(text) - set(" \t\r\n"))


def _prefixes(path: Path, raw: bytes) -> dict[str, str]:
    import pyoxigraph

    from gnlc.loading import _rdf_format

    parser = pyoxigraph.parse(raw, format=_rdf_format(path))
    for _ in parser:
        pass
    return dict(getattr(parser, "prefixes", None) or {})


def _counts(store: pyoxigraph.Store, query: str) -> dict[str, int]:
    from gnlc.loading import select

    return {row["t"].value: int(row["n"].value) for row in select(store, query)}


_PREDICATE_COUNTS = "SELECT ?t (COUNT(*) AS ?n) WHERE { ?s ?t ?o } GROUP BY ?t"
_CLASS_COUNTS = f"SELECT ?t (COUNT(*) AS ?n) WHERE {{ ?s <{RDF_TYPE}> ?t }} GROUP BY ?t"


def _all_known(graph, ontology: Path, known: set[str], namespaces: Sequence[str] = ()) -> bool:
    """True when every class and predicate of the whole graph is known or the ontology's own.

    A term the ontology uses (vann:, say) is the ontology's own when the graph holds no more
    triples with it than the ontology does: then no data file uses it.
    """
    import pyoxigraph

    from gnlc.loading import parse_file

    mine = pyoxigraph.Store()
    mine.extend(pyoxigraph.Quad(t.subject, t.predicate, t.object) for t in parse_file(ontology, []))
    for query in (_PREDICATE_COUNTS, _CLASS_COUNTS):
        own = _counts(mine, query)
        for iri, count in _counts(graph, query).items():
            if not _known(iri, known, namespaces) and count > own.get(iri, 0):
                return False
    return True


def namespace_of(iri: str) -> str:
    """The IRI up to its last '#' or '/' (the vocabulary a term belongs to)."""
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1] if cut > len("https://") else ""


def shape_namespaces(files: Sequence[Path]) -> tuple[str, ...]:
    """The namespaces of every IRI in the given shapes files (a user's own data model), but the
    project's own and the allowed vocabularies' (their terms stay checked one by one)."""
    from gnlc.loading import parse_file

    found = set()
    for path in files:
        for triple in parse_file(Path(path), []):
            for term in (triple.subject, triple.predicate, triple.object):
                if type(term).__name__ == "NamedNode":
                    found.add(namespace_of(term.value))
    closed = {PREFIXES[prefix] for prefix in ALLOWED_TERMS}
    return tuple(sorted(ns for ns in found if ns and ns not in closed and not ns.startswith(BASE)))


def vocabulary_findings(
    files: Sequence[Path], ontology: Path, graph=None, namespaces: Sequence[str] = ()
) -> list[Finding]:
    """Unknown classes and predicates, and IRIs with invisible characters, located in files.

    graph, the store the files were loaded into (with the ontology), lets clean data pass
    with a few queries. Otherwise the files are read into one store, a named graph each, so
    that finding the terms is a few queries rather than a Python loop over every triple.
    """
    import pyoxigraph

    from gnlc.loading import _rdf_format, read_source, select

    known = declared_terms(ontology) | allowed_terms()
    raws = [read_source(path, []) for path in files]
    # Only a text holding an invisible character (or an escape) can hide one in an IRI.
    texts = [raw.decode("utf-8") for raw in raws]
    suspects = [index for index, text in enumerate(texts) if _suspicious(text)]
    if graph is not None and not suspects and _all_known(graph, ontology, known, namespaces):
        return []
    store = pyoxigraph.Store()
    for index, path in enumerate(files):
        graph_name = pyoxigraph.NamedNode(f"urn:gnlc:file:{index}")
        store.load(raws[index], format=_rdf_format(path), to_graph=graph_name)

    def file_of(graph) -> int:
        return int(graph.value.rsplit(":", 1)[1])

    unknown: dict[int, dict[str, str]] = {}
    for query, kind in ((_PREDICATES, "predicate"), (_CLASSES, "class")):
        for row in select(store, query):
            iri = row["t"].value
            if not _known(iri, known, namespaces):
                unknown.setdefault(file_of(row["g"]), {}).setdefault(iri, kind)
    hidden: dict[int, dict[str, str]] = {}
    if suspects:
        graphs = " ".join(f"<urn:gnlc:file:{index}>" for index in suspects)
        query = _HIDDEN_IRIS.replace("WHERE {", f"WHERE {{ VALUES ?g {{ {graphs} }}", 1)
        for row in select(store, query):
            roles = hidden.setdefault(file_of(row["g"]), {})
            iri, where = row["x"].value, row["where"].value
            if iri not in roles or _ROLES.index(where) < _ROLES.index(roles[iri]):
                roles[iri] = where
    findings = []
    for index, path in enumerate(files):
        text = texts[index]
        if not (index in unknown or index in hidden or index in suspects):
            continue
        prefixes = _prefixes(path, raws[index])
        bad_prefixes = {n: ns for n, ns in prefixes.items() if hidden_characters(ns)}
        here = hidden.get(index, {})
        if not (index in unknown or here or bad_prefixes):
            continue
        lines = text.splitlines()
        for iri, kind in sorted(unknown.get(index, {}).items()):
            line = _line_of(lines, _spellings(iri, prefixes))
            findings.append(_unknown_finding(path, line, iri, kind, known))
        for iri, where in sorted(here.items()):
            findings.append(_hidden_finding(path, _hidden_line(lines, iri), iri, where))
        for name, namespace in sorted(bad_prefixes.items()):
            if not any(iri.startswith(namespace) for iri in here):
                line = _line_of(lines, [f"{name}:"]) or _hidden_line(lines, namespace)
                findings.append(_hidden_finding(path, line, namespace, f"prefix {name}:"))
    return findings
