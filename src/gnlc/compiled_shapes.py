"""SHACL Core shapes compiled to SPARQL and run by Oxigraph: the fast validation engine.

pySHACL is the reference. This compiler implements a part of SHACL exactly: targets (including
implicit class targets), every kind of property path, the value, cardinality, string, range,
pair and list constraints, nested sh:property, sh:closed, and SPARQL-based constraints with
pre-bound $this, $currentShape and $shapesGraph. Anything else (sh:node, sh:and/or/not/xone in
general, SPARQL-based targets and constraint components, ...) raises `Unsupported`, and
validation hands the whole shapes graph to pySHACL, so results never depend on the engine.
SPARQL that SHACL forbids with pre-bound variables (MINUS, VALUES, SERVICE, a subquery that
drops $this, `AS ?this`) raises `Refused`: the shapes themselves are unusable.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import cast

import pyoxigraph as ox

from gnlc.federation import uses_service
from gnlc.namespaces import OWL, RDF, RDFS, SH, XSD, XSD_INTEGERS

SHAPES_GRAPH = "urn:gnlc:shapes-graph"


def _source_tag() -> str:
    """This module's bytes, hashed: a cached query analysis is only reused by the same code."""
    from gnlc.cache import _hasher

    with open(__file__, "rb") as handle:
        return _hasher()(handle.read()).hexdigest()


_SOURCE_TAG = _source_tag()

# sh: properties that only describe a shape (no validation meaning), and those this compiler
# validates; any other sh: property on a shape makes it unsupported.
_DESCRIPTIVE = {
    "name",
    "description",
    "order",
    "group",
    "defaultValue",
    "message",
    "severity",
    "deactivated",
    "targetClass",
    "targetNode",
    "targetSubjectsOf",
    "targetObjectsOf",
    "path",
    "declare",
    "prefixes",
    "property",
    "sparql",
    "select",  # read only through sh:sparql (a shape may be its own SPARQL constraint)
    "ignoredProperties",
}
_CONSTRAINTS = {
    "class",
    "datatype",
    "nodeKind",
    "minCount",
    "maxCount",
    "minExclusive",
    "minInclusive",
    "maxExclusive",
    "maxInclusive",
    "minLength",
    "maxLength",
    "pattern",
    "flags",
    "languageIn",
    "uniqueLang",
    "equals",
    "disjoint",
    "lessThan",
    "lessThanOrEquals",
    "in",
    "hasValue",
    "closed",
    "or",
    "qualifiedValueShape",
    "qualifiedMinCount",
}
_NODE_KINDS = {
    SH + "IRI": "isIRI(?v)",
    SH + "BlankNode": "isBlank(?v)",
    SH + "Literal": "isLiteral(?v)",
    SH + "BlankNodeOrIRI": "(isBlank(?v) || isIRI(?v))",
    SH + "BlankNodeOrLiteral": "(isBlank(?v) || isLiteral(?v))",
    SH + "IRIOrLiteral": "(isIRI(?v) || isLiteral(?v))",
}
# Parameters SHACL allows once per shape (shacl-shacl: sh:maxCount 1); pySHACL refuses more.
_SINGLE = (
    "datatype",
    "nodeKind",
    "minCount",
    "maxCount",
    "minExclusive",
    "minInclusive",
    "maxExclusive",
    "maxInclusive",
    "minLength",
    "maxLength",
    "flags",
    "languageIn",
    "uniqueLang",
    "in",
    "closed",
    "qualifiedMinCount",
    "path",
    "severity",
    "deactivated",
)
_TYPE = f"<{RDF}type>"
_REGEX_PROBE = ox.Store()  # empty: only asked whether Oxigraph accepts a regular expression
_PATH_KINDS = ("alternativePath", "inversePath", "zeroOrMorePath", "oneOrMorePath", "zeroOrOnePath")
_INSTANCE = f"<{RDF}type>/<{RDFS}subClassOf>*"
# Pre-bound variables of SPARQL-based constraints (SHACL 5.3.1).
_PREBOUND: tuple[str, ...] = ("this", "currentShape", "shapesGraph")


class Unsupported(Exception):
    """The shapes use a SHACL feature the compiler does not implement exactly."""


class Refused(Exception):
    """The shapes are unusable: SPARQL that SHACL does not allow, a malformed query."""


def message_pair(pairs) -> tuple[str, str]:
    """(English, Thai) message from (language, text) pairs: the first of each; an untagged
    message counts as English."""
    en = th = ""
    for lang, text in pairs:
        if lang == "th" and not th:
            th = text
        elif lang in ("en", None) and not en:
            en = text
    return en, th


@dataclass
class Check:
    """One constraint as a query; each row (?this, ?v) is one validation result."""

    query: str
    component: str
    shape: str
    severity: str
    messages: list = field(default_factory=list)
    path: str = ""
    params: dict = field(default_factory=dict)
    # datatype: keeps only rows whose value is not a well-formed literal of that datatype.
    keep: Callable | None = None
    # SPARQL-based constraints: the focus nodes' query, the constants put in for $currentShape
    # and $shapesGraph, and whether one run with ?this free gives every focus node's rows.
    sparql: bool = False
    focus_query: str = ""
    constants: dict = field(default_factory=dict)
    batch: bool = True
    # For a batch query: the query joined with its focus nodes (_joined), which gives exactly
    # the focus nodes' rows; "" when Oxigraph does not take the joined text.
    joined: str = ""
    # Core constraints read pairs first (_Context.pairs_first): only rows whose ?this is a
    # solution of this query are results; "" keeps every row.
    in_focus: str = ""
    # (English, Thai) message templates, from messages.
    message: tuple[str, str] = field(init=False)

    def __post_init__(self) -> None:
        pairs = ((getattr(m, "language", None) or None, m.value) for m in self.messages)
        self.message = message_pair(pairs)


@dataclass
class Result:
    """One validation result of one check."""

    check: Check
    focus: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
    value: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None
    path: str
    bindings: dict


# --- reading the shapes graph ------------------------------------------------------------


# While compile_shapes reads a shapes store: that store and its default graph's objects by
# (subject, predicate IRI), in the store's order. Reading the shapes asks for one subject's
# values of one predicate thousands of times (6,000 for the project's shapes, 2,500 distinct),
# a store lookup each; one pass over the shapes graph answers them all. Per thread.
_INDEX = threading.local()


def _indexed(store: ox.Store) -> dict:
    index: dict = {}
    for quad in store.quads_for_pattern(None, None, None, ox.DefaultGraph()):
        key = (quad.subject, quad.predicate.value)
        found = index.get(key)
        if found is None:
            index[key] = [quad.object]
        else:
            found.append(quad.object)
    return index


def _objects(store: ox.Store, subject, predicate: str) -> list:
    held = getattr(_INDEX, "held", None)
    if held is not None and held[0] is store:
        return list(held[1].get((subject, predicate), ()))
    return [
        q.object
        for q in store.quads_for_pattern(subject, ox.NamedNode(predicate), None, ox.DefaultGraph())
    ]


def _one(store: ox.Store, subject, predicate: str):
    values = _objects(store, subject, predicate)
    if len(values) > 1:
        raise Unsupported(f"several values of sh:{predicate.rsplit('#', 1)[-1]}")
    return values[0] if values else None


def _list(store: ox.Store, head) -> list:
    items, seen = [], set()
    while not (isinstance(head, ox.NamedNode) and head.value == RDF + "nil"):
        if head is None or head in seen:
            raise Unsupported("malformed RDF list")
        seen.add(head)
        first = _objects(store, head, RDF + "first")
        if len(first) != 1:
            raise Unsupported("malformed RDF list")
        items.append(first[0])
        head = _one(store, head, RDF + "rest")
    return items


def _true(term) -> bool:
    """SHACL names the literal true; "1"^^xsd:boolean does not switch a constraint on."""
    return (
        isinstance(term, ox.Literal)
        and term.value == "true"
        and term.datatype.value == XSD + "boolean"
    )


def _name(node) -> str:
    return node.value if isinstance(node, ox.NamedNode) else ""


def _severity(store: ox.Store, shape) -> str:
    value = _one(store, shape, SH + "severity")
    if value is None:
        return "Violation"
    if not isinstance(value, ox.NamedNode):
        raise Unsupported("sh:severity that is not an IRI")
    return value.value[len(SH) :] if value.value.startswith(SH) else value.value


def _int(term, what: str) -> int:
    if not isinstance(term, ox.Literal) or term.datatype.value != XSD + "integer":
        raise Unsupported(f"sh:{what} that is not an xsd:integer")
    try:
        return int(term.value)
    except ValueError as exc:
        raise Unsupported(f"ill-formed sh:{what}") from exc


# --- paths ---------------------------------------------------------------------------------


def path_text(store: ox.Store, node, top: bool = True, depth: int = 0) -> str:
    """A SHACL path as SPARQL property path syntax (a bare IRI for a plain predicate)."""
    if depth > 50:
        raise Unsupported("path nested too deeply")
    if isinstance(node, ox.NamedNode):
        return node.value if top else f"<{node.value}>"
    if not isinstance(node, ox.BlankNode):
        raise Unsupported("a path that is not an IRI or a blank node")

    def part(n) -> str:
        return path_text(store, n, top=False, depth=depth + 1)

    def unary(n) -> str:
        text = part(n)
        return text if isinstance(n, ox.NamedNode) or text.startswith("(") else f"({text})"

    def group(text: str) -> str:
        return text if top else f"({text})"

    predicates = {q.predicate.value for q in store.quads_for_pattern(node, None, None)}
    if RDF + "first" in predicates:
        items = _list(store, node)
        if len(items) < 2:
            raise Unsupported("a sequence path of fewer than two members")
        return group("/".join(part(i) for i in items))
    kinds = predicates & {
        SH + k
        for k in (
            "alternativePath",
            "inversePath",
            "zeroOrMorePath",
            "oneOrMorePath",
            "zeroOrOnePath",
        )
    }
    if len(kinds) != 1 or len(predicates) != 1:
        raise Unsupported("a path node that is not exactly one SHACL path")
    kind = kinds.pop()
    target = _one(store, node, kind)
    if kind == SH + "alternativePath":
        items = _list(store, target)
        if len(items) < 2:
            raise Unsupported("an alternative path of fewer than two members")
        return group("|".join(part(i) for i in items))
    if kind == SH + "inversePath":
        return "^" + unary(target)
    mark = {"zeroOrMorePath": "*", "oneOrMorePath": "+", "zeroOrOnePath": "?"}
    return unary(target) + mark[kind[len(SH) :]]


def _nullable(store: ox.Store, node) -> bool:
    """Whether the path reaches its start node by a zero-length match."""
    if isinstance(node, ox.NamedNode):
        return False
    if next(iter(_objects(store, node, RDF + "first")), None) is not None:
        return all(_nullable(store, n) for n in _list(store, node))
    for kind in ("zeroOrMorePath", "zeroOrOnePath"):
        if _objects(store, node, SH + kind):
            return True
    alternatives = _one(store, node, SH + "alternativePath")
    if alternatives is not None:
        return any(_nullable(store, n) for n in _list(store, alternatives))
    for kind in ("inversePath", "oneOrMorePath"):
        inner = _one(store, node, SH + kind)
        if inner is not None:
            return _nullable(store, inner)
    return False


def _sparql_path(store: ox.Store, node) -> str:
    text = path_text(store, node, top=False)
    return f"({text})" if not text.startswith(("<", "(")) else text


# --- datatypes -----------------------------------------------------------------------------


# Datatypes whose valid literals Oxigraph stores under another datatype ("1"^^xsd:int becomes
# "1"^^xsd:integer): a store cannot say which values had them.
REWRITTEN = {
    **{iri: XSD + "integer" for iri in XSD_INTEGERS - {XSD + "integer"}},
    XSD + "dateTimeStamp": XSD + "dateTime",
}


def rewritten_datatypes(store: ox.Store) -> set[str]:
    """The datatypes named by sh:datatype in the shapes that Oxigraph stores as another one."""
    named = {
        q.object.value
        for q in store.quads_for_pattern(None, ox.NamedNode(SH + "datatype"), None)
        if isinstance(q.object, ox.NamedNode)
    }
    return named & REWRITTEN.keys()


# XSD datatypes Oxigraph casts to: a cast of the lexical form fails exactly when it is ill-formed.
_CASTABLE = {
    XSD + name
    for name in (
        "integer",
        "decimal",
        "boolean",
        "double",
        "float",
        "date",
        "time",
        "dateTime",
        "duration",
    )
}
# Lexical forms rdflib does not check, so pySHACL, the reference, accepts any: the compiled
# engine does the same, so that results never depend on the engine (the project's shapes add
# sh:pattern where the form matters).
_UNCHECKED = {XSD + name for name in ("gYear", "gYearMonth", "gMonthDay", "gMonth", "gDay")}


def _datatype_test(datatype: str) -> str | None:
    """SPARQL: ?v is a well-formed literal of datatype; None if only rdflib can tell (xsd:int)."""
    base = f"isLiteral(?v) && datatype(?v) = <{datatype}>"
    if datatype in _CASTABLE:
        return (
            f"({base} && COALESCE(sameTerm(datatype(<{datatype}>(STR(?v))), <{datatype}>), false))"
        )
    if datatype.startswith(XSD) and datatype not in _UNCHECKED and datatype != XSD + "string":
        return None
    return f"({base})"


def _rdflib_well_formed(datatype: str) -> Callable:
    """rdflib's judgement (pySHACL's) of a literal of an XSD datatype Oxigraph does not cast."""

    def valid(value) -> bool:
        import rdflib

        if not isinstance(value, ox.Literal) or value.datatype.value != datatype:
            return False
        term = rdflib.Literal(value.value, datatype=rdflib.URIRef(datatype))
        return term.ill_typed is not True

    return valid


# --- constraints on value nodes -----------------------------------------------------------


@dataclass
class _Context:
    """Where a shape's constraints apply: its focus nodes and, for property shapes, the path."""

    store: ox.Store
    shape: ox.NamedNode | ox.BlankNode
    focus: str  # a SPARQL group binding ?this to each focus node, once
    path: str  # SPARQL path, "" for a node shape
    path_text: str
    severity: str
    messages: list
    leaves: frozenset
    # The path can match zero steps: the focus node is then one of its own values. Said
    # explicitly, because Oxigraph finds zero-length matches only for nodes in the data.
    nullable: bool = False
    # Read the path's pairs in one pass (a subquery, which Oxigraph joins with the focus nodes
    # by hashing) instead of looking the path up from each focus node in turn: the same
    # solutions, faster when the pairs are not many more than the focus nodes
    # (_SCAN_PAIRS_PER_NODE).
    scan: bool = False
    # With scan, when the focus nodes are one class's instances: a test on values (or a
    # maxCount, a uniqueLang) reads the path's pairs alone, and the few rows that fail are
    # kept when their ?this is a focus node (Check.in_focus, one set per class) - no join of
    # every pair with every focus node at all. (An EXISTS on the rows left costs Oxigraph
    # more than the join.)
    pairs_first: bool = False
    # The path's pairs per focus node (_Compiler.pairs_per_node), inf when not counted.
    pairs_per_node: float = float("inf")

    @property
    def in_focus(self) -> str:
        """The focus query whose nodes a pairs-first check's rows are kept for."""
        return f"SELECT DISTINCT ?this WHERE {{ {self.focus} }}"

    def failing(self, component: str, test: str, minus: str = "", **extra) -> Check:
        """A check with a row for each (?this, ?v), ?v a value node of the focus node ?this,
        such that the filter expression test holds (and, with minus, a pattern binding ?v,
        such that ?v is not among its solutions)."""
        unless = f"MINUS {{ {minus} }}" if minus else ""
        if not self.pairs_first:
            query = f"SELECT DISTINCT ?this ?v WHERE {{ {self.values} {unless} FILTER ({test}) }}"
            return self.check(component, query, **extra)
        pairs = f"?this {self.path} ?v . {unless}"
        query = f"SELECT DISTINCT ?this ?v WHERE {{ {pairs} FILTER ({test}) }}"
        return self.check(component, query, in_focus=self.in_focus, **extra)

    def _step(self, filter_: str = "") -> str:
        """A pattern binding ?v to each value node of ?this (?this bound or not)."""
        triple = f"?this {self.path} ?v . {filter_}"
        return f"{{ SELECT ?this ?v WHERE {{ {triple} }} }}" if self.scan else triple

    @property
    def values(self) -> str:
        """A pattern binding ?v to each value node of ?this."""
        if not self.path:
            return f"{self.focus} BIND (?this AS ?v)"
        if self.nullable:
            return f"{{ {self.focus} BIND (?this AS ?v) }} UNION {{ {self.focus} {self._step()} }}"
        return f"{self.focus} {self._step()}"

    def counted(self, filter_: str = "") -> str:
        """A pattern giving each focus node once with no ?v, and once per value node ?v."""
        optional = f"{self.focus} OPTIONAL {{ {self._step(filter_)} }}"
        if self.nullable:
            return f"{{ {self.focus} BIND (?this AS ?v) {filter_} }} UNION {{ {optional} }}"
        return optional

    def reaches(self, value: str) -> str:
        """A filter expression: the term `value` is a value node of ?this."""
        if not self.path:
            return f"sameTerm(?this, {value})"
        test = f"EXISTS {{ ?this {self.path} {value} }}"
        return f"(sameTerm(?this, {value}) || {test})" if self.nullable else test

    def check(self, component: str, query: str, **extra) -> Check:
        return Check(
            query=query,
            component=SH + component,
            shape=_name(self.shape),
            severity=self.severity,
            messages=self.messages,
            path=self.path_text,
            **extra,
        )


def _instance_of(var: str, cls, leaves: frozenset) -> str:
    """`var` is a SHACL instance of cls (a plain type lookup when cls has no subclass)."""
    if str(cls) in leaves:
        return f"{var} {_TYPE} {cls}"
    return f"{var} {_INSTANCE} {cls}"


def _value_checks(ctx: _Context) -> list[Check]:
    store, shape = ctx.store, ctx.shape
    out: list[Check] = []

    def add(component: str, condition: str, params: dict | None = None, **extra) -> None:
        out.append(ctx.failing(component, condition, params=params or {}, **extra))

    for datatype in _objects(store, shape, SH + "datatype"):
        if not isinstance(datatype, ox.NamedNode) or datatype.value in (
            RDFS + "Literal",
            RDFS + "Datatype",
        ):
            raise Unsupported("sh:datatype rdfs:Literal / rdfs:Datatype")
        test = _datatype_test(datatype.value)
        condition, keep = f"!{test}" if test else "true", None
        if test is None:
            valid = _rdflib_well_formed(datatype.value)

            def keep(value, ok=valid) -> bool:
                return not ok(value)

        add("DatatypeConstraintComponent", condition, {"datatype": datatype}, keep=keep)
    for kind in _objects(store, shape, SH + "nodeKind"):
        if kind.value not in _NODE_KINDS:
            raise Unsupported("unknown sh:nodeKind")
        add("NodeKindConstraintComponent", f"!{_NODE_KINDS[kind.value]}", {"nodeKind": kind})
    for cls in _objects(store, shape, SH + "class"):
        if not isinstance(cls, ox.NamedNode):
            raise Unsupported("sh:class that is not an IRI")
        instance = _instance_of("?v", cls, ctx.leaves)
        component, params = "ClassConstraintComponent", {"class": cls}
        if ctx.scan:
            # The same as NOT EXISTS (?v is always bound), as one anti-join by hashing instead
            # of a lookup per value.
            minus = f"SELECT ?v WHERE {{ {instance} }}"
            out.append(ctx.failing(component, "true", minus=minus, params=params))
        else:
            out.append(ctx.failing(component, f"NOT EXISTS {{ {instance} }}", params=params))
    for name, op in (
        ("minExclusive", ">"),
        ("minInclusive", ">="),
        ("maxExclusive", "<"),
        ("maxInclusive", "<="),
    ):
        for bound in _objects(store, shape, SH + name):
            if not isinstance(bound, ox.Literal):
                raise Unsupported(f"sh:{name} that is not a literal")
            add(
                f"{name[0].upper()}{name[1:]}ConstraintComponent",
                f"!COALESCE(?v {op} {bound}, false)",
                {name: bound},
            )
    for name, op in (("minLength", ">="), ("maxLength", "<=")):
        for bound in _objects(store, shape, SH + name):
            limit = _int(bound, name)
            add(
                f"{name[0].upper()}{name[1:]}ConstraintComponent",
                f"isBlank(?v) || !COALESCE(STRLEN(STR(?v)) {op} {limit}, false)",
                {name: bound},
            )
    patterns = _objects(store, shape, SH + "pattern")
    flags = _one(store, shape, SH + "flags")
    for pattern in patterns:
        if not isinstance(pattern, ox.Literal) or (
            flags is not None and not isinstance(flags, ox.Literal)
        ):
            raise Unsupported("sh:pattern or sh:flags that is not a literal")
        args = _string(pattern.value) + (f", {_string(flags.value)}" if flags is not None else "")
        probe = _REGEX_PROBE.query(f"SELECT (REGEX('', {args}) AS ?ok) WHERE {{}}")
        if not isinstance(probe, ox.QuerySolutions) or next(iter(probe))["ok"] is None:
            raise Unsupported("a regular expression Oxigraph does not accept")
        add(
            "PatternConstraintComponent",
            f"isBlank(?v) || !COALESCE(REGEX(STR(?v), {args}), false)",
            {"pattern": pattern, "flags": flags} if flags else {"pattern": pattern},
        )
    for languages in _objects(store, shape, SH + "languageIn"):
        tags = _list(store, languages)
        if not all(isinstance(t, ox.Literal) for t in tags):
            raise Unsupported("sh:languageIn with a non-literal")
        test = " || ".join(f"langMatches(lang(?v), {_string(t.value)})" for t in tags) or "false"
        add("LanguageInConstraintComponent", f"!isLiteral(?v) || !({test})")
    for allowed in _objects(store, shape, SH + "in"):
        items = _list(store, allowed)
        if any(isinstance(t, ox.BlankNode) for t in items):
            raise Unsupported("sh:in with a blank node")
        terms = " ".join(str(t) for t in items)
        test = f"NOT EXISTS {{ VALUES ?allowed {{ {terms} }} FILTER (sameTerm(?v, ?allowed)) }}"
        out.append(ctx.failing("InConstraintComponent", test))
    for alternatives in _objects(store, shape, SH + "or"):
        out.append(_or_of_datatypes(ctx, alternatives))
    out += _pair_checks(ctx)
    return out


def _string(text: str) -> str:
    return str(ox.Literal(text))


def _or_of_datatypes(ctx: _Context, alternatives) -> Check:
    """sh:or over shapes that each hold one sh:datatype: the one form compiled."""
    store = ctx.store
    tests = []
    for member in _list(store, alternatives):
        quads = list(store.quads_for_pattern(member, None, None))
        if (
            not isinstance(member, ox.BlankNode)
            or len(quads) != 1
            or quads[0].predicate.value != SH + "datatype"
            or not isinstance(quads[0].object, ox.NamedNode)
            or quads[0].object.value in (RDFS + "Literal", RDFS + "Datatype")
        ):
            raise Unsupported("sh:or other than a list of sh:datatype")
        tests.append(quads[0].object.value)
    sparql = [test for test in map(_datatype_test, tests) if test]
    if len(sparql) < len(tests):
        raise Unsupported("sh:or of a datatype only rdflib can check")
    either = " || ".join(sparql)
    return ctx.failing("OrConstraintComponent", f"!({either})")


def _pair_checks(ctx: _Context) -> list[Check]:
    store, shape = ctx.store, ctx.shape
    out = []
    for name in ("equals", "disjoint", "lessThan", "lessThanOrEquals"):
        if not all(isinstance(o, ox.NamedNode) for o in _objects(store, shape, SH + name)):
            raise Unsupported(f"sh:{name} that is not an IRI")
    for other in _objects(store, shape, SH + "equals"):
        query = (
            f"SELECT DISTINCT ?this ?v WHERE {{ {{ {ctx.values} FILTER NOT EXISTS "
            f"{{ ?this {other} ?v }} }} UNION {{ {ctx.focus} ?this {other} ?v "
            f"FILTER (!{ctx.reaches('?v')}) }} }}"
        )
        out.append(ctx.check("EqualsConstraintComponent", query, params={"equals": other}))
    for other in _objects(store, shape, SH + "disjoint"):
        query = f"SELECT DISTINCT ?this ?v WHERE {{ {ctx.values} ?this {other} ?v . }}"
        out.append(ctx.check("DisjointConstraintComponent", query, params={"disjoint": other}))
    for name, op in (("lessThan", "<"), ("lessThanOrEquals", "<=")):
        for other in _objects(store, shape, SH + name):
            if not ctx.path:
                raise Unsupported(f"sh:{name} on a node shape")
            query = (
                f"SELECT DISTINCT ?this ?v WHERE {{ {ctx.values} ?this {other} ?w . "
                f"FILTER (!COALESCE(?v {op} ?w, false)) }}"
            )
            component = f"{name[0].upper()}{name[1:]}ConstraintComponent"
            out.append(ctx.check(component, query, params={name: other}))
    return out


def _count_checks(ctx: _Context) -> list[Check]:
    store, shape = ctx.store, ctx.shape
    out = []

    def grouped(component: str, op: str, limit: int, filter_: str = "", params=None) -> None:
        having = f"COUNT(DISTINCT ?v) {op} {limit}"
        query = f"SELECT ?this WHERE {{ {ctx.counted(filter_)} }} GROUP BY ?this HAVING ({having})"
        in_focus = ""
        if op == "<" and limit == 1 and not ctx.nullable:
            # No value (passing filter_): the focus nodes minus those with one, by hashing
            # when the pairs are not more than the focus nodes, else by a lookup from each
            # that stops at its first value (both cheaper than counting every value).
            if ctx.pairs_first and ctx.pairs_per_node <= 1:
                query = f"SELECT ?this WHERE {{ {ctx.focus} MINUS {{ {ctx._step(filter_)} }} }}"
            else:
                test = f"?this {ctx.path} ?v . {filter_}"
                query = f"SELECT ?this WHERE {{ {ctx.focus} FILTER NOT EXISTS {{ {test} }} }}"
        elif ctx.pairs_first and op == ">" and not filter_:
            # Too many values: a node without any is never one, so count the pairs alone.
            query = f"SELECT ?this WHERE {{ ?this {ctx.path} ?v }} GROUP BY ?this HAVING ({having})"
            in_focus = ctx.in_focus
        out.append(ctx.check(component, query, params=params or {}, in_focus=in_focus))

    for name, op in (("minCount", "<"), ("maxCount", ">")):
        for bound in _objects(store, shape, SH + name):
            grouped(
                f"{name[0].upper()}{name[1:]}ConstraintComponent",
                op,
                _int(bound, name),
                params={name: bound},
            )
    qualified = _objects(store, shape, SH + "qualifiedValueShape")
    if qualified:
        if len(qualified) != 1 or _objects(store, shape, SH + "qualifiedMaxCount"):
            raise Unsupported("sh:qualifiedMaxCount or several qualified shapes")
        if _true(_one(store, shape, SH + "qualifiedValueShapesDisjoint")):
            raise Unsupported("sh:qualifiedValueShapesDisjoint")
        quads = list(store.quads_for_pattern(qualified[0], None, None))
        if (
            not isinstance(qualified[0], ox.BlankNode)
            or len(quads) != 1
            or quads[0].predicate.value != SH + "languageIn"
        ):
            raise Unsupported("sh:qualifiedValueShape other than sh:languageIn")
        tags = _list(store, quads[0].object)
        if not all(isinstance(t, ox.Literal) for t in tags):
            raise Unsupported("sh:languageIn with a non-literal")
        test = " || ".join(f"langMatches(lang(?v), {_string(t.value)})" for t in tags) or "false"
        least = _one(store, shape, SH + "qualifiedMinCount")
        if least is None:
            raise Unsupported("sh:qualifiedValueShape without sh:qualifiedMinCount")
        grouped(
            "QualifiedMinCountConstraintComponent",
            "<",
            _int(least, "qualifiedMinCount"),
            f"FILTER ({test})",
        )
    elif _objects(store, shape, SH + "qualifiedMinCount"):
        raise Unsupported("sh:qualifiedMinCount without sh:qualifiedValueShape")
    for unique in _objects(store, shape, SH + "uniqueLang"):
        if not isinstance(unique, ox.Literal) or unique.datatype.value != XSD + "boolean":
            raise Unsupported("sh:uniqueLang that is not a boolean")
        if _true(unique):
            query = (
                f'SELECT ?this WHERE {{ {ctx.values} FILTER (lang(?v) != "") }} '
                "GROUP BY ?this (LCASE(lang(?v))) HAVING (COUNT(DISTINCT ?v) > 1)"
            )
            in_focus = ""
            if ctx.pairs_first:
                query = (
                    f'SELECT ?this WHERE {{ ?this {ctx.path} ?v FILTER (lang(?v) != "") }} '
                    "GROUP BY ?this (LCASE(lang(?v))) HAVING (COUNT(DISTINCT ?v) > 1)"
                )
                in_focus = ctx.in_focus
            out.append(ctx.check("UniqueLangConstraintComponent", query, in_focus=in_focus))
    return out


def _has_value_checks(ctx: _Context) -> list[Check]:
    out = []
    for value in _objects(ctx.store, ctx.shape, SH + "hasValue"):
        if isinstance(value, ox.BlankNode):
            raise Unsupported("sh:hasValue with a blank node")
        query = f"SELECT ?this WHERE {{ {ctx.focus} FILTER (!{ctx.reaches(str(value))}) }}"
        out.append(ctx.check("HasValueConstraintComponent", query, params={"hasValue": value}))
    return out


def _closed_checks(ctx: _Context) -> list[Check]:
    """sh:closed on a node shape: one result per triple whose predicate is not allowed."""
    store, shape = ctx.store, ctx.shape
    closed = _one(store, shape, SH + "closed")
    if closed is None or not _true(closed):
        return []
    allowed = []
    for prop in _objects(store, shape, SH + "property"):
        path = _one(store, prop, SH + "path")
        if isinstance(path, ox.NamedNode):
            allowed.append(path)
    for ignored in _objects(store, shape, SH + "ignoredProperties"):
        allowed += _list(store, ignored)
    if not all(isinstance(a, ox.NamedNode) for a in allowed):
        raise Unsupported("sh:ignoredProperties with a non-IRI")
    terms = ", ".join(str(a) for a in allowed)
    test = f"FILTER (?p NOT IN ({terms}))" if terms else ""
    # ?p becomes the result's path and ?v (the object) its value.
    query = f"SELECT DISTINCT ?this ?v ?p WHERE {{ {ctx.focus} ?this ?p ?v {test} }}"
    return [ctx.check("ClosedConstraintComponent", query)]


# --- SPARQL-based constraints ---------------------------------------------------------------


def _prefixes(store: ox.Store, constraint) -> str:
    """PREFIX lines from sh:prefixes, following owl:imports as SHACL says."""
    lines, seen = set(), set()
    todo = list(_objects(store, constraint, SH + "prefixes"))
    while todo:
        source = todo.pop()
        if source in seen:
            continue
        seen.add(source)
        todo += _objects(store, source, OWL + "imports")
        for declaration in _objects(store, source, SH + "declare"):
            prefix = _one(store, declaration, SH + "prefix")
            namespace = _one(store, declaration, SH + "namespace")
            if prefix is None or namespace is None:
                raise Refused("sh:declare without sh:prefix and sh:namespace")
            lines.add(f"PREFIX {prefix.value}: <{namespace.value}>")
    names = [line.split()[1] for line in lines]
    if len(names) != len(set(names)):
        raise Refused("one prefix declared for two namespaces")
    return "\n".join(sorted(lines))


_REFUSED = {
    "Minus": "MINUS",
    "MinusGraphPattern": "MINUS",
    "values": "VALUES",
    "InlineData": "VALUES",
    "InlineDataOneVar": "VALUES",
    "InlineDataFull": "VALUES",
    "ServiceGraphPattern": "SERVICE",
}


def _walk(node):
    """Every rdflib CompValue (algebra or parse tree) under node."""
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            yield item
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, set)):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())


def _mentions(node, var) -> bool:
    from rdflib.term import Variable

    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, Variable):
            if item == var:
                return True
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, set)):
            stack.extend(item)
    return False


def _top_project(algebra):
    node = algebra.p
    while node.name in ("Slice", "Distinct", "Reduced", "OrderBy"):
        node = node.p
    return node


def parse_sparql(text: str, prebound: tuple[str, ...]):
    """The rdflib algebra of a SHACL SPARQL query, refusing what SHACL forbids with pre-binding."""
    from rdflib.plugins.sparql import prepareQuery

    try:
        query = prepareQuery(text)
    except Exception as exc:  # rdflib raises plain Exceptions for unknown prefixes
        raise Refused(f"cannot parse the SPARQL query: {str(exc).splitlines()[0]}") from exc
    algebra = query.algebra
    for node in _walk(algebra):
        if node.name in _REFUSED:
            raise Refused(f"{_REFUSED[node.name]} is not allowed in a SHACL SPARQL query")
        if node.name in ("Extend", "Bind") and str(dict.get(node, "var")) in prebound:
            raise Refused(f"`AS ?{node.get('var')}` reassigns a pre-bound variable")
        if node.name == "SubSelect":
            raise Unsupported("a subquery inside EXISTS")
    if dict.get(algebra, "valuesClause") is not None:
        raise Refused("VALUES is not allowed in a SHACL SPARQL query")
    _subselect_scope_ok(text)
    top = _top_project(algebra)
    for node in _walk(algebra.p):
        if node is top or node.name != "Project":
            continue
        if "this" in prebound and "this" not in {str(v) for v in node.PV}:
            raise Refused("a subquery must return $this")
    return algebra


def forbidden_sparql(store: ox.Store) -> None:
    """Refused if any SPARQL query of the shapes graph breaks SHACL's pre-binding rules."""
    validators = set()
    for name in ("validator", "nodeValidator", "propertyValidator"):
        validators |= {
            q.object for q in store.quads_for_pattern(None, ox.NamedNode(SH + name), None)
        }
    for kind in ("select", "ask"):
        for quad in store.quads_for_pattern(None, ox.NamedNode(SH + kind), None):
            if not isinstance(quad.object, ox.Literal):
                raise Refused(f"sh:{kind} that is not a string")
            prebound = _PREBOUND
            if kind == "ask" or quad.subject in validators:
                prebound = (*_PREBOUND, "value")
            text = quad.object.value.replace("$PATH", "<urn:gnlc:path>")
            # The text as Oxigraph will run it, before rdflib's reading below: rdflib decodes
            # \u escapes first, so "\u0022" pairs could hide a live SERVICE call from it.
            if uses_service(text):
                raise Refused(f"sh:{kind} with SERVICE, which would fetch from other servers")
            analyse(_prefixes(store, quad.subject) + "\n" + text, prebound)


_TOKENS = re.compile(
    r'''(?P<skip>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\''''
    r"""|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|<[^<>"{}|^`\\\s]*>|\#[^\n]*)"""
    r"|(?P<bound>(?<![\w:])(?i:bound)\s*\(\s*[?$][A-Za-z0-9_]+\s*\))"
    r"|(?P<var>[?$][A-Za-z0-9_\u00b7-\uffff]+)"
    r"|(?P<keyword>(?<![\w:])(?i:select|where)(?![\w:-]))"
    r"|(?P<punct>[(){}])"
)


def substitute(query: str, values: dict[str, str]) -> str:
    """The query with each variable in values replaced by a SPARQL term, as SHACL pre-binds.

    Strings, IRIs and comments are left alone; a variable listed in a SELECT clause stays (it
    is then unbound, and the caller knows its value).
    """
    out, last = [], 0
    in_select, depth = False, 0
    for match in _TOKENS.finditer(query):
        kind, text = match.lastgroup, match.group()
        if kind == "keyword":
            in_select, depth = text.lower() == "select", 0
        elif kind == "punct":
            if in_select and text == "{":
                in_select = False
            elif text == "(":
                depth += 1
            elif text == ")":
                depth -= 1
        elif kind == "bound" and re.split(r"[?$]", text[:-1])[-1].strip() in values:
            # bound() of a pre-bound variable is true; SPARQL does not allow bound(<term>).
            out.append(query[last : match.start()])
            out.append("(true)")
            last = match.end()
        elif kind == "var" and text[1:] in values and not (in_select and depth == 0):
            out.append(query[last : match.start()])
            out.append(values[text[1:]])
            last = match.end()
    out.append(query[last:])
    return "".join(out)


def _subselect_scope_ok(text: str) -> None:
    """Refused if a `SELECT *` subquery does not bind $this in its own scope."""
    from rdflib.plugins.sparql.parser import parseQuery

    for node in _walk(list(parseQuery(text))):
        star = node.name == "SubSelect" and not dict.get(node, "projection")
        if star and not _in_scope(dict.get(node, "where"), "this"):
            raise Refused("a subquery must return $this")


def _in_scope(tree, name: str) -> bool:
    """Whether a parse tree binds ?name outside FILTERs (in a triple, BIND or subquery)."""
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [tree]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            if item.name == "Filter":
                continue
            if item.name == "TriplesBlock" and _mentions(item.get("triples"), _var(name)):
                return True
            if item.name == "Bind" and str(dict.get(item, "var")) == name:
                return True
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
    return False


def _var(name: str):
    from rdflib.term import Variable

    return Variable(name)


_ANALYSES: dict | None = None
_NEW_ANALYSES: dict = {}


def analyse(text: str, prebound: tuple[str, ...]) -> dict:
    """What compiling a SHACL SPARQL query needs to know: refused?, variables, batch or per node.

    rdflib's SPARQL parser takes some 10 ms a query; the answers are kept between runs in
    gnlc's cache folder, named by a hash of this module, the query and its pre-bound variables.
    Raises Refused or Unsupported as parse_sparql does.
    """
    key = _analysis_key(text, prebound)
    known = _analyses().get(key)
    if known is None:
        try:
            algebra = parse_sparql(text, prebound)
            known = {
                "variables": sorted({str(v) for v in _variables(algebra)}),
                "projected": sorted(str(v) for v in _top_project(algebra).PV),
                "batch": _batchable(algebra),
            }
        except Refused as exc:
            known = {"refused": str(exc)}
        except Unsupported as exc:
            known = {"unsupported": str(exc)}
        _analyses()[key] = _NEW_ANALYSES[key] = known
    if "refused" in known:
        raise Refused(known["refused"])
    if "unsupported" in known:
        raise Unsupported(known["unsupported"])
    return known


def _analysis_key(text: str, prebound: tuple[str, ...]) -> str:
    from gnlc.cache import _hasher

    digest = _hasher()(_SOURCE_TAG.encode())
    digest.update(f"{','.join(prebound)}\0{text}".encode())
    return digest.hexdigest()


def _analysis_file():
    from gnlc.cache import cache_dir

    folder = cache_dir()
    return folder / "sparql-analyses.json" if folder is not None else None


def _analyses() -> dict:
    global _ANALYSES
    if _ANALYSES is None:
        _ANALYSES = {}
        path = _analysis_file()
        try:
            if path is not None and path.is_file():
                loaded = json.loads(path.read_text(encoding="utf-8"))
                _ANALYSES = loaded if isinstance(loaded, dict) else {}
        except (OSError, ValueError):
            _ANALYSES = {}
    return _ANALYSES


def save_analyses() -> None:
    """Keep this run's new query analyses for the next run (a failure only costs time)."""
    path = _analysis_file()
    if path is None or not _NEW_ANALYSES:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        temporary.write_text(json.dumps(_analyses()), encoding="utf-8")
        os.replace(temporary, path)
        _NEW_ANALYSES.clear()
    except OSError:
        pass


class _Unsafe(Exception):
    pass


def _binds(node, var) -> bool:
    """True if var is bound in every solution of node; _Unsafe if its uses depend on where.

    Evaluating the query once with ?this free and keeping each focus node's rows gives the
    pre-bound answer exactly when every part that mentions ?this binds it itself, in order.
    """
    if not _mentions(node, var):
        return False
    name = node.name
    if name == "BGP":
        return any(var in triple for triple in node.triples)
    if name == "Join":
        left, right = _binds(node.p1, var), _binds(node.p2, var)
        for side, bound in ((node.p1, left), (node.p2, right)):
            if _mentions(side, var) and not bound:
                raise _Unsafe
        return True
    if name == "LeftJoin":
        left = _binds(node.p1, var)
        if not left:
            raise _Unsafe
        if _mentions(node.p2, var) and not _binds(node.p2, var):
            raise _Unsafe
        return True
    if name in ("Filter", "Extend"):
        inner = _binds(node.p, var)
        if not inner:
            raise _Unsafe
        return True
    if name == "Union":
        if not (_binds(node.p1, var) and _binds(node.p2, var)):
            raise _Unsafe
        return True
    if name in ("Project", "Distinct", "Reduced", "ToMultiSet", "OrderBy"):
        if name == "Project" and var not in node.PV:
            raise _Unsafe
        if not _binds(node.p, var):
            raise _Unsafe
        return True
    raise _Unsafe


def _batchable(algebra) -> bool:
    from rdflib.term import Variable

    if Variable("this") not in _top_project(algebra).PV:
        return False  # rows would not say their focus node: one run per focus node
    try:
        return _binds(algebra.p, Variable("this"))
    except _Unsafe:
        return False


def _sparql_checks(ctx: _Context, shapes_graph: bool) -> list[Check]:
    store, shape = ctx.store, ctx.shape
    out = []
    for constraint in _objects(store, shape, SH + "sparql"):
        if _true(_one(store, constraint, SH + "deactivated")):
            continue
        own = [] if constraint == shape else store.quads_for_pattern(constraint, None, None)
        for quad in own:
            p = quad.predicate.value
            if p.startswith(SH) and p[len(SH) :] not in (
                "select",
                "message",
                "prefixes",
                "deactivated",
                "severity",
                "name",
                "description",
            ):
                raise Unsupported(f"sh:{p[len(SH) :]} on a SPARQL constraint")
        if constraint != shape and _objects(store, constraint, SH + "severity"):
            raise Unsupported("sh:severity on a SPARQL constraint")
        select = _one(store, constraint, SH + "select")
        if not isinstance(select, ox.Literal):
            raise Unsupported("sh:sparql without one sh:select")
        body = select.value
        if ctx.path:
            body = body.replace("$PATH", ctx.path)
        query = _prefixes(store, constraint) + "\n" + body
        facts = analyse(query, _PREBOUND)
        used = facts["variables"]
        if "failure" in facts["projected"]:
            raise Unsupported("?failure in a SPARQL constraint")
        constants = {}
        if "currentShape" in used:
            if not isinstance(ctx.shape, ox.NamedNode):
                raise Unsupported("$currentShape of a blank-node shape")
            constants["currentShape"] = str(ctx.shape)
        if "shapesGraph" in used:
            if not shapes_graph:
                raise Unsupported("$shapesGraph without the shapes graph in the store")
            constants["shapesGraph"] = f"<{SHAPES_GRAPH}>"
        query = substitute(query, constants)
        focus_query = f"SELECT DISTINCT ?this WHERE {{ {ctx.focus} }}"
        messages = _objects(store, constraint, SH + "message")
        out.append(
            Check(
                query=query,
                component=SH + "SPARQLConstraintComponent",
                shape=_name(constraint) or _name(shape),
                severity=ctx.severity,
                messages=messages,
                path=ctx.path_text,
                sparql=True,
                focus_query=focus_query,
                params={"currentShape": ctx.shape},
                constants=constants,
                batch=facts["batch"],
                joined=_joined(query, focus_query) if facts["batch"] else "",
            )
        )
    return out


def _joined(query: str, focus_query: str) -> str:
    """A batch query (one whose every solution binds ?this, see _batchable) as a subquery
    joined with the focus nodes: the rows of the focus nodes, each once as in the query, found
    by Oxigraph instead of reading every row into Python and dropping the others."""
    from gnlc.queries import PROLOGUE

    end = PROLOGUE.match(query)
    start = end.end() if end else 0
    joined = f"{query[:start]}SELECT * WHERE {{ {{ {focus_query} }} {{ {query[start:]}\n}} }}"
    try:
        _REGEX_PROBE.query(joined)  # an empty store: only whether Oxigraph reads it
    except SyntaxError:
        return ""
    return joined


def _variables(node):
    from rdflib.term import Variable

    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, Variable):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, set)):
            stack.extend(item)


# --- shapes and targets ---------------------------------------------------------------------


def _instances(store: ox.Store, cls: str) -> set:
    """SHACL instances of cls in the shapes graph."""
    query = f"SELECT DISTINCT ?s WHERE {{ ?s {_INSTANCE} <{cls}> }}"
    return {row["s"] for row in cast(ox.QuerySolutions, store.query(query))}  # a SELECT


_AT_A_DISTANCE = {
    "parameter",
    "validator",
    "nodeValidator",
    "propertyValidator",
    "target",
    "entailment",
}


def _check_graph(store: ox.Store) -> None:
    """Features that act on shapes from elsewhere in the shapes graph (custom components...)."""
    for name in _AT_A_DISTANCE:
        if next(iter(store.quads_for_pattern(None, ox.NamedNode(SH + name), None)), None):
            raise Unsupported(f"sh:{name}")
    for kind in ("ConstraintComponent", "SPARQLTarget", "SPARQLTargetType", "JSTarget"):
        if _instances(store, SH + kind):
            raise Unsupported(f"sh:{kind}")


def _target_focus(store: ox.Store, shape, leaves: frozenset, implicit: bool) -> str | None:
    """A SPARQL group binding ?this once to each target of shape; None if it has none."""
    parts = []
    classes = _objects(store, shape, SH + "targetClass")
    if implicit:
        classes.append(shape)
    for cls in classes:
        if not isinstance(cls, ox.NamedNode):
            raise Unsupported("a class target that is not an IRI")
        parts.append(_instance_of("?this", cls, leaves))
    nodes = _objects(store, shape, SH + "targetNode")
    if any(isinstance(n, ox.BlankNode) for n in nodes):
        raise Unsupported("sh:targetNode with a blank node")
    if nodes:
        parts.append(f"VALUES ?this {{ {' '.join(str(n) for n in nodes)} }}")
    for name in ("targetSubjectsOf", "targetObjectsOf"):
        if not all(isinstance(p, ox.NamedNode) for p in _objects(store, shape, SH + name)):
            raise Unsupported(f"sh:{name} that is not an IRI")
    for p in _objects(store, shape, SH + "targetSubjectsOf"):
        parts.append(f"?this {p} ?target_o")
    for p in _objects(store, shape, SH + "targetObjectsOf"):
        parts.append(f"?target_s {p} ?this")
    if not parts:
        return None
    if len(parts) == 1 and len(classes) == 1 and str(classes[0]) in leaves:
        # One class without subclasses: its instances, each once (the store has no duplicates).
        return f"{{ {parts[0]} }}"
    union = " UNION ".join(f"{{ {p} }}" for p in parts)
    return f"{{ SELECT DISTINCT ?this WHERE {{ {union} }} }}"


def _leaf_classes(data, classes) -> frozenset:
    """The classes (as SPARQL terms) that nothing in data declares a subclass of."""
    if data is None:
        return frozenset()
    leaves = set()
    for cls in {str(c) for c in classes if isinstance(c, ox.NamedNode)}:
        if not data.query(f"ASK {{ ?sub <{RDFS}subClassOf> {cls} }}"):
            leaves.add(cls)
    return frozenset(leaves)


# _Context.scan: read a path's pairs in one pass when there are at most this many per focus
# node (run_checks on the synthetic data at x10, CPU seconds: 1: 0.45, 2: 0.38, 4: 0.34,
# 8: 0.36, always: 0.52).
_SCAN_PAIRS_PER_NODE = 4


@dataclass(frozen=True)
class _Compiler:
    """What compiling every shape shares: the shapes graph, the data's classes without
    subclasses (as SPARQL terms), and whether the shapes are also in the data store."""

    store: ox.Store
    leaves: frozenset
    shapes_graph: bool
    data: ox.Store | None = None
    counts: dict = field(default_factory=dict)  # (pattern, limit) -> its count on data

    def _count(self, pattern: str, limit: int | None = None) -> int:
        """The solutions of pattern in the data, counted up to limit."""
        key = (pattern, limit)
        if key not in self.counts:
            if limit is not None:
                pattern = f"SELECT * WHERE {{ {pattern} }} LIMIT {limit}"
            query = f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}"
            rows = cast(ox.QuerySolutions, cast(ox.Store, self.data).query(query))
            self.counts[key] = int(next(iter(rows))["n"].value)
        return self.counts[key]

    def pairs_per_node(self, path: str, focus: str) -> float | None:
        """The pairs of path (a plain predicate, or its inverse) in the data per focus node,
        counted up to _SCAN_PAIRS_PER_NODE of them (None: not such a path, or no data)."""
        predicate = re.fullmatch(r"\(?\^?(<[^<>]*>)\)?", path)
        if self.data is None or predicate is None:
            return None
        nodes = self._count(focus)
        most = _SCAN_PAIRS_PER_NODE * nodes
        pairs = self._count(f"?s {predicate.group(1)} ?o", limit=most + 1)
        return pairs / max(nodes, 1)

    def shape_checks(self, shape, focus: str, depth: int = 0, targets: bool = True) -> list[Check]:
        """Every check of one shape, applied to the focus nodes that `focus` binds to ?this.

        targets: focus binds the targets of a shape (not the values of an enclosing path)."""
        store = self.store
        if depth > 20:
            raise Unsupported("sh:property nested too deeply (or a cycle)")
        if _true(_one(store, shape, SH + "deactivated")):
            return []
        for quad in store.quads_for_pattern(shape, None, None):
            p = quad.predicate.value
            if p.startswith(SH) and p[len(SH) :] not in _DESCRIPTIVE | _CONSTRAINTS:
                raise Unsupported(f"sh:{p[len(SH) :]}")
        for name in _SINGLE:
            if len(_objects(store, shape, SH + name)) > 1:
                raise Unsupported(f"several values of sh:{name} on one shape")
        path_node = _one(store, shape, SH + "path")
        ctx = _Context(
            store=store,
            shape=shape,
            focus=focus,
            path=_sparql_path(store, path_node) if path_node is not None else "",
            path_text=path_text(store, path_node) if path_node is not None else "",
            severity=_severity(store, shape),
            messages=_objects(store, shape, SH + "message"),
            leaves=self.leaves,
            nullable=path_node is not None and _nullable(store, path_node),
        )
        ratio = self.pairs_per_node(ctx.path, focus) if targets and ctx.path else None
        # Read the path's pairs in one pass (_Context.scan) when the data holds at most
        # _SCAN_PAIRS_PER_NODE of them per focus node: a lookup from each focus node costs
        # some 3-4 times a pair read in a scan.
        ctx.scan = ratio is not None and ratio <= _SCAN_PAIRS_PER_NODE
        ctx.pairs_per_node = ratio if ratio is not None else float("inf")
        # One class's instances (_target_focus's plain form), not a union of targets.
        ctx.pairs_first = ctx.scan and focus.startswith("{ ?this ") and not ctx.nullable
        checks = (
            _value_checks(ctx) + _has_value_checks(ctx) + _sparql_checks(ctx, self.shapes_graph)
        )
        if ctx.path:
            checks += _count_checks(ctx)
        else:
            for name in ("minCount", "maxCount", "uniqueLang", "qualifiedValueShape"):
                if _objects(store, shape, SH + name):
                    raise Unsupported(f"sh:{name} on a node shape")
            checks += _closed_checks(ctx)
        if ctx.path and _objects(store, shape, SH + "closed"):
            raise Unsupported("sh:closed on a property shape")
        for prop in _objects(store, shape, SH + "property"):
            if _one(store, prop, SH + "path") is None:
                raise Unsupported("sh:property without sh:path")
            inner = focus
            if ctx.path:
                # The value nodes of this property shape are the focus nodes of the nested one.
                inner = (
                    f"{{ SELECT DISTINCT ?this WHERE {{ "
                    f"{{ SELECT DISTINCT ?v WHERE {{ {ctx.values} }} }} "
                    "BIND (?v AS ?this) } }"
                )
            checks += self.shape_checks(prop, inner, depth + 1, targets and not ctx.path)
        return checks


def compile_shapes(store: ox.Store, data=None, shapes_graph: bool = False) -> list[Check]:
    """Every constraint of every shape that has targets, as a Check.

    Given the data store, class tests drop `rdfs:subClassOf*` for classes without subclasses
    there (the same answers, without a path search per node). shapes_graph: the shapes are
    also in the data store's graph SHAPES_GRAPH, so $shapesGraph can be bound.
    """
    _INDEX.held = (store, _indexed(store))
    try:
        return _compile_shapes(store, data, shapes_graph)
    finally:
        _INDEX.held = None


def _compile_shapes(store: ox.Store, data, shapes_graph: bool) -> list[Check]:
    _check_graph(store)
    node_shapes = _instances(store, SH + "NodeShape")
    property_shapes = _instances(store, SH + "PropertyShape")
    classes = _instances(store, RDFS + "Class")
    targeted = set()
    for target in ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf"):
        targeted |= {
            q.subject for q in store.quads_for_pattern(None, ox.NamedNode(SH + target), None)
        }
    implicit = (node_shapes | property_shapes) & classes
    leaves = _leaf_classes(
        data,
        [q.object for q in store.quads_for_pattern(None, ox.NamedNode(SH + "targetClass"), None)]
        + [q.object for q in store.quads_for_pattern(None, ox.NamedNode(SH + "class"), None)]
        + list(implicit),
    )
    compiler = _Compiler(store=store, leaves=leaves, shapes_graph=shapes_graph, data=data)
    checks: list[Check] = []
    for shape in sorted(targeted | implicit, key=str):
        if isinstance(shape, ox.Literal):
            raise Unsupported("a literal used as a shape")
        focus = _target_focus(store, shape, leaves, shape in implicit)
        if focus is not None:
            checks += compiler.shape_checks(shape, focus)
    return checks


# --- running --------------------------------------------------------------------------------


def run_checks(data, checks: list[Check]) -> list[Result]:
    """Every result of every check on the data store."""
    results = []
    focus_cache: dict[str, set] = {}
    # A pairs-first query does not name its focus nodes, so shapes of several classes that
    # share a property shape (dcterms:source, say) ask the same one: asked once per run.
    shared: dict[str, list[tuple]] = {}
    for check in checks:
        if check.sparql:
            results += _run_sparql(data, check, focus_cache)
            continue
        if check.in_focus:
            if check.query not in shared:
                shared[check.query] = list(_rows(data, check.query))
            rows = shared[check.query]
            if rows:  # the focus nodes are read only when a row must be told apart
                focus = _focus_nodes(data, check.in_focus, focus_cache)
                rows = [row for row in rows if row[0] in focus]
        else:
            rows = _rows(data, check.query)
        for this, value, predicate in rows:
            if check.keep is not None and not check.keep(value):
                continue
            path = predicate.value if predicate is not None else check.path
            bindings = {"this": this}
            if value is not None:
                bindings["value"] = value
            results.append(
                Result(check=check, focus=this, value=value, path=path, bindings=bindings)
            )
    return results


def _rows(data, query: str):
    """(?this, ?v or None, ?p or None) for each row of a core constraint's query."""
    rows = data.query(query)
    names = {v.value for v in rows.variables}
    value, predicate = "v" in names, "p" in names
    for row in rows:
        yield row["this"], row["v"] if value else None, row["p"] if predicate else None


def _focus_nodes(data, query: str, cache: dict) -> set:
    """The ?this of each row of a focus query, asked once per run."""
    if query not in cache:
        cache[query] = {r["this"] for r in data.query(query)}
    return cache[query]


def _run_sparql(data, check: Check, focus_cache: dict) -> list[Result]:
    focus = set() if check.joined else _focus_nodes(data, check.focus_query, focus_cache)
    if check.joined:
        solutions = _solutions(data, check.joined)
    elif check.batch:
        solutions = _solutions(data, check.query, wanted=set(focus))
    else:
        solutions = []
        for node in focus:
            if isinstance(node, ox.BlankNode):
                raise Unsupported("pre-binding $this to a blank node in this query")
            for s in _solutions(data, substitute(check.query, {"this": str(node)})):
                s["this"] = node
                solutions.append(s)
    results = []
    for s in solutions:
        this = s["this"]
        value = s.get("value", this)
        path = s.get("path")
        shown = path.value if isinstance(path, ox.NamedNode) else check.path
        bindings = {**s, "value": value}
        results.append(Result(check=check, focus=this, value=value, path=shown, bindings=bindings))
    return results


def _solutions(data, query: str, wanted: set | None = None) -> list[dict]:
    """Each row as a dict of its bound variables; with wanted, only rows whose ?this is in it
    (skipped before a dict is made for them)."""
    rows = data.query(query)
    names = [v.value for v in rows.variables]
    if wanted is not None:
        if "this" not in names:
            return []
        return [
            {n: row[n] for n in names if row[n] is not None}
            for row in rows
            if row["this"] in wanted
        ]
    return [{n: row[n] for n in names if row[n] is not None} for row in rows]


def fill(template: str, bindings: dict) -> str:
    """A message with each {$name} / {?name} replaced by the lexical form of that binding."""
    if "{$" not in template and "{?" not in template:
        return template  # most messages name no binding
    for name, term in bindings.items():
        # pyoxigraph terms give their lexical form as .value; rdflib's str() does.
        text = (
            term.value if isinstance(term, (ox.NamedNode, ox.BlankNode, ox.Literal)) else str(term)
        )
        template = template.replace("{$" + name + "}", text).replace("{?" + name + "}", text)
    return template
