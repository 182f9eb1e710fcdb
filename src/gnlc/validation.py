"""Validation: SHACL shapes, then the SPARQL checks in queries/checks/, over the derived graph."""

from __future__ import annotations

import bisect
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from gnlc.errors import GnlcError, shown
from gnlc.findings import FINDING_ORDER, Finding, Report
from gnlc.loading import Loaded, parse_file
from gnlc.namespaces import GNLC, SH
from gnlc.paths import CHECKS_DIR, ONTOLOGY_FILE
from gnlc.queries import read_header

if TYPE_CHECKING:  # pragma: no cover - types only
    import pyoxigraph

ENGINES = ("compiled", "pyshacl")


@dataclass(frozen=True)
class ShaclOptions:
    """How validation runs SHACL. Commands fill it in (from GNLC_SHACL_ENGINE and --debug);
    nothing below reads the environment for it."""

    # "compiled": shapes compiled to SPARQL on Oxigraph (fast; hands shapes it does not
    # implement to pySHACL); "pyshacl": pySHACL, the reference, always.
    engine: str = "compiled"
    # --debug: say in a warning when the compiled engine hands the shapes over to pySHACL (and
    # why), and let pySHACL's own exceptions through with their tracebacks.
    debug: bool = False

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise GnlcError(f"unknown SHACL engine {self.engine!r} (use {' or '.join(ENGINES)})")


@dataclass(frozen=True)
class ShapesRead:
    """The shapes files in an Oxigraph store, and whether it kept every literal as written."""

    store: pyoxigraph.Store
    canonical: bool


def _to_rdflib(store: pyoxigraph.Store):
    import pyoxigraph
    import rdflib

    graph = rdflib.Graph()
    data = store.dump(format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=pyoxigraph.DefaultGraph())
    graph.parse(data=data, format="nt")
    return graph


def _shapes_graph(files: Sequence[Path], warnings: list[str]):
    import pyoxigraph
    import rdflib

    graph = rdflib.Graph()
    for path in files:
        triples = parse_file(Path(path), warnings)
        text = pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.N_TRIPLES)
        graph.parse(data=text, format="nt")
    return graph


def _path_text(graph, node, top: bool = True) -> str:
    """A result path in the compiled engine's notation: SPARQL path syntax, a bare IRI alone."""
    import rdflib
    from rdflib.collection import Collection

    if node is None:
        return ""
    if isinstance(node, rdflib.URIRef):
        return str(node) if top else f"<{node}>"
    sh = rdflib.Namespace(SH)

    def part(n) -> str:
        return _path_text(graph, n, top=False)

    def unary(n) -> str:
        text = part(n)
        return text if isinstance(n, rdflib.URIRef) or text.startswith("(") else f"({text})"

    def group(text: str) -> str:
        return text if top else f"({text})"

    if graph.value(node, rdflib.RDF.first) is not None:
        return group("/".join(part(i) for i in Collection(graph, node)))
    alternatives = graph.value(node, sh.alternativePath)
    if alternatives is not None:
        return group("|".join(part(i) for i in Collection(graph, alternatives)))
    inverse = graph.value(node, sh.inversePath)
    if inverse is not None:
        return "^" + unary(inverse)
    for name, mark in (("zeroOrMorePath", "*"), ("oneOrMorePath", "+"), ("zeroOrOnePath", "?")):
        target = graph.value(node, sh[name])
        if target is not None:
            return unary(target) + mark
    return "(complex path)"


def _messages(values) -> tuple[str, str]:
    from gnlc.compiled_shapes import message_pair

    return message_pair((getattr(value, "language", None), str(value)) for value in values)


def shacl_findings(data_graph, shapes_graph, debug: bool = False) -> list[Finding]:
    """Run pySHACL (no inference: derived links are already materialised) and collect results.

    debug: pySHACL's exceptions propagate as they are (with --debug's traceback)."""
    import pyshacl
    import rdflib

    from gnlc.compiled_shapes import fill

    try:
        _, report, _ = pyshacl.validate(
            data_graph,
            shacl_graph=shapes_graph,
            inference="none",
            allow_warnings=True,
            allow_infos=True,
        )
    except Exception as exc:  # pySHACL signals unusable shapes with many exception types
        if debug:
            raise
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise GnlcError(f"pySHACL cannot validate with these shapes: {first}") from exc
    ns = rdflib.Namespace(SH)
    findings = []
    # Only the report's own results: those under sh:detail explain another result.
    for result in report.objects(None, ns.result):
        severity = str(report.value(result, ns.resultSeverity)).rsplit("#", 1)[-1]
        source_shape = report.value(result, ns.sourceShape)
        # SPARQL-based constraints are named nodes of their own: report those, not the node shape.
        source_constraint = report.value(result, ns.sourceConstraint)
        if isinstance(source_constraint, rdflib.URIRef):
            source_shape = source_constraint
        # Prefer the shape's bilingual messages: pySHACL copies only some of them.
        en, th = _messages(shapes_graph.objects(source_shape, ns.message))
        if not (en and th):
            en2, th2 = _messages(report.objects(result, ns.resultMessage))
            en, th = en or en2, th or th2
        value = report.value(result, ns.value)
        focus = report.value(result, ns.focusNode)
        path = _path_text(report, report.value(result, ns.resultPath))
        bindings = {"this": focus, "path": path, **({"value": value} if value is not None else {})}
        en, th = fill(en, bindings), fill(th, bindings)
        findings.append(
            Finding(
                severity=severity,
                focus=_term_text(focus),
                path=path,
                constraint=_term_text(report.value(result, ns.sourceConstraintComponent)),
                message_en=en,
                message_th=th,
                value=_term_text(value),
                shape=_term_text(source_shape) if isinstance(source_shape, rdflib.URIRef) else "",
            )
        )
    return findings


def check_files(root: Path) -> list[Path]:
    """The SPARQL checks that must return no rows."""
    from gnlc.paths import query_files

    return query_files(root / CHECKS_DIR, "*-violation.rq")


def check_findings(store: pyoxigraph.Store, root: Path) -> list[Finding]:
    """Run each check; every row is a violation whose focus is the row's ?focus (or first value)."""
    import pyoxigraph

    from gnlc.federation import refuse_service
    from gnlc.queries import load_query, sparql_syntax_error

    findings = []
    for path in check_files(root):
        text = load_query(path).text
        refuse_service(path, text, "check")
        header = read_header(text)
        message_en = header.get("message") or header.get("title") or path.stem
        message_th = header.get("message_th", "")
        severity = header.get("severity", "Violation")
        try:
            result = store.query(text)
        except SyntaxError as exc:
            raise sparql_syntax_error(path, exc) from None
        if not isinstance(result, pyoxigraph.QuerySolutions):
            raise GnlcError(f"{shown(path)}: a check must be a SELECT query")
        names = [v.value for v in result.variables]
        for row in result:
            values = {name: row[name] for name in names if row[name] is not None}
            focus = values.get("focus") or next(iter(values.values()), None)
            value = values.get("value")
            findings.append(
                Finding(
                    severity=severity,
                    focus=getattr(focus, "value", str(focus or "")),
                    path=getattr(values.get("path"), "value", ""),
                    constraint=f"check:{path.stem}",
                    message_en=_fill(message_en, values),
                    message_th=_fill(message_th, values),
                    value=getattr(value, "value", "") if value is not None else "",
                )
            )
    return findings


def _fill(message: str, values: dict) -> str:
    """A check's message with each {?name} replaced by the row's value of ?name."""
    for name, term in values.items():
        message = message.replace("{?" + name + "}", getattr(term, "value", str(term)))
    return message


def _redefinition(path: Path, subject: str, predicate: str) -> Finding:
    return Finding(
        severity="Violation",
        focus=subject,
        path=predicate,
        constraint="check:ontology-term-redefined",
        message_en="a data file describes an ontology term; the vocabulary lives only in ontology/",
        message_th="ไฟล์ข้อมูลบรรยายคำศัพท์ของออนโทโลยี คำศัพท์ต้องอยู่ในโฟลเดอร์ ontology/ เท่านั้น",
        file=shown(path),
    )


def _vocabulary_term(triple) -> bool:
    subject = getattr(triple.subject, "value", "")
    return subject.startswith(GNLC) or subject == GNLC.rstrip("#")


def _statement(triple) -> tuple:
    """A vocabulary triple, blank-node objects (OWL lists, restrictions) reduced to a marker."""
    import pyoxigraph

    obj = triple.object
    return (
        triple.subject,
        triple.predicate,
        None if isinstance(obj, pyoxigraph.BlankNode) else obj,
    )


def _first_redefinition(path: Path, vocabulary: set | None) -> tuple[str, str] | None:
    """The first vocabulary triple of a data file that the project's ontology does not state.

    A file that only repeats the ontology (a release dump, which holds ontology and data) is
    not a redefinition; one that adds to a term, or changes it, is.
    """
    for triple in parse_file(path, []):
        if _vocabulary_term(triple) and (
            vocabulary is None or _statement(triple) not in vocabulary
        ):
            return triple.subject.value, triple.predicate.value
    return None


def redefinition_findings(loaded: Loaded, root: Path | None = None) -> list[Finding]:
    """Data files may use the vocabulary but never describe its terms beyond the ontology."""
    vocabulary: set | None = None
    findings = []
    for path in loaded.data_files:
        if path in loaded.scanned and loaded.scanned[path] is None:
            continue  # watched while loading: no triple about an ontology term
        if vocabulary is None and root is not None and (root / ONTOLOGY_FILE).is_file():
            # Read only when a data file mentions vocabulary terms (a release dump does).
            vocabulary = {_statement(t) for t in parse_file(root / ONTOLOGY_FILE, [])}
        hit = _first_redefinition(path, vocabulary)
        if hit is not None:
            findings.append(_redefinition(path, *hit))
    return findings


def vocabulary_check(loaded: Loaded, root: Path, shapes: Sequence[Path] = ()) -> list[Finding]:
    """Closed vocabulary and visible IRIs over every file read but the ontology itself.

    A user's own shapes (`--shapes`) describe their own data model: the namespaces those files
    use join the allowed vocabularies (so a typo in the project's own namespace still fails).
    """
    from gnlc.paths import SHAPES_FILE
    from gnlc.vocabulary import shape_namespaces, vocabulary_findings

    ontology = root / ONTOLOGY_FILE
    if not ontology.is_file():
        return []
    files = [p for p in loaded.files if os.path.abspath(p) != os.path.abspath(ontology)]
    own = [p for p in shapes if os.path.abspath(p) != os.path.abspath(root / SHAPES_FILE)]
    return vocabulary_findings(files, ontology, loaded.store, shape_namespaces(own))


# A character that ends a prefixed name: `;`, `,`, `.` or whitespace (re's \s is str.isspace).
_NAME_END = re.compile(r"[;,.\s]")
# Characters other than "\n" at which str.splitlines() also breaks lines.
_OTHER_LINE_BREAKS = "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_ANY_LINE_BREAK = re.compile("[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def _subjects_written(text: str, prefixes: dict[str, tuple[str, int]]):
    """Each IRI that a line, written as a subject at its start, would name.

    `<IRI>` up to any `>`, or `prefix:local` followed by whitespace, `;`, `,` or `.`; these are
    exactly the lines the per-IRI patterns of earlier versions matched.
    """
    line = text.lstrip()
    if line.startswith("<"):
        end = line.find(">", 1)
        while end != -1:
            yield line[1:end]
            end = line.find(">", end + 1)
        return
    colon = line.find(":")
    if colon <= 0 or line[:colon] not in prefixes:
        return
    namespace, longest = prefixes[line[:colon]]
    rest = line[colon + 1 : colon + 2 + longest]
    for match in _NAME_END.finditer(rest, 1):  # each k >= 1 where rest[k] ends a name
        yield namespace + rest[: match.start()]
    # Canonical Turtle writes a subject alone on its line: the name runs to the end of the line.
    tail = line[colon + 1 :].strip()
    if tail and " " not in tail and "\t" not in tail and ";" not in tail and "," not in tail:
        yield namespace + tail


def _generated(lines: list[str]) -> bool:
    """A generated file says so on its first line (`# generated by ...`)."""
    return bool(lines) and lines[0].lower().startswith("# generated")


def _typed_subjects(path: Path, wanted: set[str]) -> set[str]:
    """The wanted IRIs that path gives an rdf:type."""
    import pyoxigraph

    from gnlc.namespaces import RDF_TYPE

    try:
        triples = parse_file(path, [])
    except GnlcError:  # a file that no longer parses only loses the preference
        return set()
    return {
        t.subject.value
        for t in triples
        if t.predicate.value == RDF_TYPE
        and isinstance(t.subject, pyoxigraph.NamedNode)
        and t.subject.value in wanted
    }


def _subject_lines(prefixes: dict[str, tuple[str, int]], multiline: bool = False) -> re.Pattern:
    """The lines _subjects_written can name a subject on: after any whitespace (as
    str.lstrip() strips it), `<` or one of the prefixes and its colon. multiline: a pattern
    that finds such line starts in a text whose only line break is "\n", with the text
    between `<` and the first `>` as group 1."""
    names = "|".join(re.escape(name) for name in sorted(prefixes) if name)
    if multiline:
        start = r"^[^\S\n]*(?:<([^>\n]*)>"
        return re.compile(start + (rf"|(?:{names}):)" if names else ")"), re.M)
    return re.compile(r"\s*" + (rf"(?:<|(?:{names}):)" if names else "<"))


def _first_line(text: str) -> list[str]:
    """text.splitlines()[:1], without splitting the rest."""
    if not text:
        return []
    end = _ANY_LINE_BREAK.search(text)
    return [text[: end.start()] if end else text]


def _subjects_in(
    text: str, prefixes: dict[str, tuple[str, int]], wanted: set[str], angled: bool = True
):
    """(line number, IRI) for each wanted IRI that _subjects_written names on a line of text
    (lines numbered as text.splitlines() numbers them). angled: some wanted IRI holds a `>`.

    When "\n" is the only line break and no wanted IRI holds a `>`, one regular expression
    over the text finds the lines, and a `<IRI>` line gives only the text up to its first `>`
    (what _subjects_written gives after that holds a `>`, so is never wanted)."""
    # (`in` for each character: some 20 times faster than one character class search.)
    if angled or any(char in text for char in _OTHER_LINE_BREAKS):
        starts = _subject_lines(prefixes).match
        for number, line in enumerate(text.splitlines(), start=1):
            if starts(line) is not None:
                for iri in _subjects_written(line, prefixes):
                    if iri in wanted:
                        yield number, iri
        return
    number, counted = 1, 0
    for match in _subject_lines(prefixes, multiline=True).finditer(text):
        iri = match.group(1)
        if iri is not None and iri not in wanted:
            continue
        start = match.start()
        number += text.count("\n", counted, start)
        counted = start
        if iri is not None:
            yield number, iri
            continue
        end = text.find("\n", start)
        for iri in _subjects_written(text[start : end if end >= 0 else len(text)], prefixes):
            if iri in wanted:
                yield number, iri


class _Place(NamedTuple):
    """Where locate() found an IRI written as a subject."""

    order: int  # the file's place in the list read
    generated: bool  # the file says `# generated` on its first line
    path: Path
    line: int


def _local_lengths(iris: set[str], namespaces: dict[str, str]) -> dict[str, tuple[str, int]]:
    """Per prefix: its namespace and the longest local part of an IRI in it (prefixes whose
    namespace holds none of the IRIs are left out; the namespace itself is not in it)."""
    out = {}
    ordered = sorted(iris)  # the IRIs in a namespace are then one run of the list
    for name, ns in namespaces.items():
        start = bisect.bisect_right(ordered, ns)  # past ns itself
        end = bisect.bisect_left(ordered, ns[:-1] + chr(ord(ns[-1]) + 1))
        if start < end:
            out[name] = (ns, max(map(len, ordered[start:end])) - len(ns))
    return out


def locate(
    findings: list[Finding], files: Sequence[Path], typed: Mapping[Path, set[str]] | None = None
) -> list[Finding]:
    """Fill file and line with where the fix belongs: the file that gives the focus node its
    rdf:type, preferring a hand-edited file over a generated one (`# generated` on its first
    line, e.g. data/geonames/*.ttl), at the line where the node is written as a subject.

    A node written as a subject in one file only is placed there without re-reading it; one
    written in several (a city in data/members/, data/awards.ttl and data/geonames/) is
    placed by its type triple; a node without one goes to its first hand-edited file.

    typed: for files already read while loading, the IRIs each gives an rdf:type
    (Loaded.typed), so they are not parsed again.
    """
    from gnlc.namespaces import PREFIXES

    wanted = {f.focus for f in findings if f.focus and not f.file}
    # IRI -> each (file order, generated, path, first line) where it is written as a subject.
    candidates: dict[str, list[_Place]] = {}
    prefixes = _local_lengths(wanted, PREFIXES)
    angled = any(">" in iri for iri in wanted)
    for order, path in enumerate(files if wanted else ()):
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue
        generated = _generated(_first_line(text))
        here: set[str] = set()
        for number, iri in _subjects_in(text, prefixes, wanted, angled):
            if iri not in here:
                here.add(iri)
                candidates.setdefault(iri, []).append(_Place(order, generated, path, number))
    several = {iri for iri, places in candidates.items() if len(places) > 1}
    known = typed or {}
    typed = {}
    for iri in several:
        for place in candidates[iri]:
            path = place.path
            if path not in typed:
                typed[path] = (
                    known[path] & several if path in known else _typed_subjects(path, several)
                )
    where: dict[str, tuple[str, int]] = {}
    names: dict[Path, str] = {}  # shown() once per file, not once per node (a relpath each)
    for iri, places in candidates.items():
        # A file giving it its rdf:type first, then a hand-edited one, then the earliest read.
        best = min(places, key=lambda p: (iri not in typed.get(p.path, ()), p.generated, p.order))
        path, line = best.path, best.line
        if path not in names:
            names[path] = shown(path)
        where[iri] = (names[path], line)
    out = []
    for f in findings:
        if f.focus in where and not f.file:
            file, line = where[f.focus]
            f = replace(f, file=file, line=line)
        out.append(f)
    return out


def _shapes_store(shapes: Sequence[Path], warnings: list[str]) -> ShapesRead:
    """The shapes in an Oxigraph store, and whether it kept every literal as written.

    Oxigraph stores "1"^^xsd:boolean as "true" and 4.0 as 4; SHACL tells them apart (sh:uniqueLang
    "1" is not true; sh:targetNode 4.0 is not 4), so the compiled engine leaves such shapes to
    pySHACL.
    """
    import pyoxigraph

    store = pyoxigraph.Store()
    written = set()
    for path in shapes:
        triples = parse_file(Path(path), warnings)
        store.extend(pyoxigraph.Quad(t.subject, t.predicate, t.object) for t in triples)
        written |= {t.object for t in triples if isinstance(t.object, pyoxigraph.Literal)}

    def forms(objects) -> set:
        return {(o.value, o.datatype.value, o.language) for o in objects}

    stored = forms(q.object for q in store if isinstance(q.object, pyoxigraph.Literal))
    return ShapesRead(store=store, canonical=forms(written) <= stored)


def refuse_forbidden_sparql(shapes_store, shapes: Sequence[Path]) -> None:
    """Exit 2 on SPARQL that SHACL forbids with pre-bound variables, whatever the engine."""
    from gnlc.compiled_shapes import Refused, forbidden_sparql

    try:
        forbidden_sparql(shapes_store)
    except Refused as exc:
        names = ", ".join(shown(p) for p in shapes[1:]) or shown(shapes[0])
        raise GnlcError(f"{names}: unusable SHACL shapes: {exc}") from exc


def _well_formed(literal) -> bool:
    """rdflib's (pySHACL's) view: is the literal in its datatype's lexical space?"""
    import rdflib

    term = rdflib.Literal(literal.value, datatype=rdflib.URIRef(literal.datatype.value))
    return term.ill_typed is not True


def refuse_rewritten_datatypes(shapes_store, shapes: Sequence[Path], files: Sequence[Path]) -> None:
    """Exit 2 when a shape checks a datatype whose values the store has rewritten.

    Oxigraph keeps "12"^^xsd:int as "12"^^xsd:integer, so sh:datatype xsd:int would call every
    valid value wrong, with either engine (pySHACL reads the same store). Checked only when the
    shapes name such a datatype and the data holds a valid literal of it ("300"^^xsd:byte, also
    stored as xsd:integer, is ill-formed and still fails as it should).
    """
    import pyoxigraph

    from gnlc.compiled_shapes import rewritten_datatypes

    named = rewritten_datatypes(shapes_store)
    if not named:
        return
    probe = pyoxigraph.Store()
    for path in files:
        for t in parse_file(Path(path), []):
            literal = t.object
            if isinstance(literal, pyoxigraph.Literal) and literal.datatype.value in named:
                probe.add(pyoxigraph.Quad(t.subject, t.predicate, literal))
                rewritten = next(iter(probe)).object.datatype.value != literal.datatype.value
                if rewritten and _well_formed(literal):
                    names = ", ".join(shown(p) for p in shapes[1:]) or shown(shapes[0])
                    raise GnlcError(
                        f"{names}: sh:datatype <{literal.datatype.value}> cannot be checked: "
                        f"gnlc's store keeps such values (e.g. {shown(path)}) as "
                        f"<{next(iter(probe)).object.datatype.value}>"
                    )
                probe.clear()


def compiled_findings(
    store: pyoxigraph.Store,
    shapes: Sequence[Path],
    warnings: list[str],
    read: ShapesRead | None = None,
    explain_fallback: bool = False,
) -> list[Finding] | None:
    """SHACL through shapes compiled to SPARQL on Oxigraph; None if a shape is unsupported.

    read: the shapes as _shapes_store gave them, when the caller has them already.
    explain_fallback: add a warning saying which feature made the engine give up.
    """
    import pyoxigraph

    from gnlc.compiled_shapes import (
        SHAPES_GRAPH,
        Refused,
        Unsupported,
        compile_shapes,
        fill,
        run_checks,
        save_analyses,
    )

    read = read or _shapes_store(shapes, warnings)
    shapes_store = read.store
    refuse_forbidden_sparql(shapes_store, shapes)
    try:
        if not read.canonical:
            raise Unsupported("a literal in the shapes that Oxigraph stores in canonical form")
        checks = compile_shapes(shapes_store, data=store, shapes_graph=True)
    except Unsupported as exc:
        if explain_fallback:
            warnings.append(
                f"gnlc: the compiled SHACL engine does not implement {exc}; using pySHACL"
            )
        return None
    except Refused as exc:
        names = ", ".join(shown(p) for p in shapes[1:]) or shown(shapes[0])
        raise GnlcError(f"{names}: unusable SHACL shapes: {exc}") from exc
    graph = pyoxigraph.NamedNode(SHAPES_GRAPH)
    needs_shapes = any("shapesGraph" in c.constants for c in checks)
    if needs_shapes:
        store.extend(pyoxigraph.Quad(q.subject, q.predicate, q.object, graph) for q in shapes_store)
    save_analyses()
    try:
        results = run_checks(store, checks)
    except Unsupported as exc:
        if explain_fallback:
            warnings.append(
                f"gnlc: the compiled SHACL engine does not implement {exc}; using pySHACL"
            )
        return None
    finally:
        if needs_shapes:
            store.remove_graph(graph)
    findings = []
    for result in results:
        check, focus, value = result.check, result.focus, result.value
        en, th = check.message
        bindings = {**check.params, **result.bindings, "path": result.path}
        findings.append(
            Finding(
                severity=check.severity,
                focus=_term_text(focus),
                path=result.path,
                constraint=check.component,
                message_en=fill(en, bindings),
                message_th=fill(th, bindings),
                value=_term_text(value) if value is not None else "",
                shape=check.shape,
            )
        )
    return findings


def _term_text(term) -> str:
    """A term's IRI, label or lexical form, always text ('' for None), for pyoxigraph and rdflib
    terms alike: an rdflib term (pySHACL's report) by str(), since an rdflib Literal's .value
    is its Python value (an int for "1"^^xsd:integer)."""
    if term is None:
        return ""
    if type(term).__module__.startswith("rdflib"):
        return str(term)
    return term.value if hasattr(term, "value") else str(term)


def validate_loaded(
    loaded: Loaded,
    root: Path,
    shapes: Sequence[Path],
    extra_checks: bool = True,
    progress=None,
    locate_findings: bool = True,
    options: ShaclOptions = ShaclOptions(),
) -> Report:
    """SHACL + checks over a loaded graph (derived links already added).

    locate_findings=False leaves file and line empty (a caller that shows no findings when the
    data conforms, like `gnlc build`, locates them only when it must: located()).
    """
    from gnlc.progress import QUIET

    progress = progress or QUIET
    findings = None
    with progress.stage("shapes"):
        read = _shapes_store(shapes, loaded.warnings)
        refuse_rewritten_datatypes(read.store, shapes, loaded.files)
        if options.engine == "compiled":
            findings = compiled_findings(loaded.store, shapes, loaded.warnings, read, options.debug)
        else:
            refuse_forbidden_sparql(read.store, shapes)
        if findings is None:
            data_graph = _to_rdflib(loaded.store)
            shapes_graph = _shapes_graph(shapes, [])  # its warnings were given above
            findings = shacl_findings(data_graph, shapes_graph, options.debug)
    if extra_checks:
        with progress.stage("checks"):
            findings += check_findings(loaded.store, root)
            findings += redefinition_findings(loaded, root)
            findings += vocabulary_check(loaded, root, shapes)
    report = Report(findings=sorted(set(findings), key=FINDING_ORDER), triples=len(loaded.store))
    if not locate_findings:
        return report
    with progress.stage("locate"):
        return located(report, loaded.files, loaded.typed)


def located(
    report: Report, files: Sequence[Path], typed: Mapping[Path, set[str]] | None = None
) -> Report:
    """The report with each finding's file and line filled in, sorted for reading."""
    findings = locate(sorted(set(report.findings), key=FINDING_ORDER), files, typed)
    findings.sort(key=lambda f: (f.severity != "Violation", f.file, f.line, f.focus, f.constraint))
    return Report(findings=findings, triples=report.triples)
