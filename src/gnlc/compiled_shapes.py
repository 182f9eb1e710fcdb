"""SHACL Core shapes compiled to SPARQL and run by Oxigraph: the fast validation engine.

pySHACL is the reference: the tests run every invalid fixture through both engines and require
the same results. Shapes using a feature this compiler does not know raise `Unsupported`, and
validation falls back to pySHACL for them, so a user's own shapes always work.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"

# Parameters this compiler understands, per shape; anything else with the sh: namespace is
# unsupported (the fallback keeps results correct).
_KNOWN = {
    "path",
    "minCount",
    "maxCount",
    "datatype",
    "nodeKind",
    "pattern",
    "class",
    "in",
    "minInclusive",
    "maxInclusive",
    "uniqueLang",
    "hasValue",
    "qualifiedValueShape",
    "qualifiedMinCount",
    "or",
    "message",
    "severity",
    "property",
    "sparql",
    "targetClass",
    "name",
    "description",
    "order",
    "group",
    "declare",
    "prefixes",
    "deactivated",
}
_CASTS = {XSD + "integer", XSD + "decimal", XSD + "boolean", XSD + "date"}
_NODE_KINDS = {
    SH + "IRI": "isIRI(?v)",
    SH + "BlankNode": "isBlank(?v)",
    SH + "Literal": "isLiteral(?v)",
    SH + "BlankNodeOrIRI": "(isBlank(?v) || isIRI(?v))",
    SH + "BlankNodeOrLiteral": "(isBlank(?v) || isLiteral(?v))",
    SH + "IRIOrLiteral": "(isIRI(?v) || isLiteral(?v))",
}


class Unsupported(Exception):
    """The shapes use a SHACL feature the compiler does not handle."""


@dataclass
class Check:
    """One constraint as a query that returns (?this, ?v[, ?path]) rows, one per result."""

    query: str
    component: str
    shape: str
    severity: str
    messages: list = field(default_factory=list)
    path: str = ""
    focus_shape: str = ""
    sparql_rows: bool = False


def _term(node) -> str:
    return str(node)


def _list(store, head) -> list:
    import pyoxigraph as ox

    items = []
    while head is not None and not (isinstance(head, ox.NamedNode) and head.value == RDF + "nil"):
        items.append(_one(store, head, RDF + "first"))
        head = _one(store, head, RDF + "rest")
    return items


def _objects(store, subject, predicate: str) -> list:
    import pyoxigraph as ox

    return [q.object for q in store.quads_for_pattern(subject, ox.NamedNode(predicate), None)]


def _one(store, subject, predicate: str):
    values = _objects(store, subject, predicate)
    return values[0] if values else None


def _instance_of(var: str, cls, leaves: frozenset) -> str:
    """`var` is an instance of cls: a plain type lookup when cls has no subclass in the data."""
    if str(cls) in leaves:
        return f"{var} <{RDF}type> {cls}"
    return f"{var} <{RDF}type>/<{RDFS}subClassOf>* {cls}"


def _leaf_classes(data, classes) -> frozenset:
    """The classes (as SPARQL terms) that nothing in data declares a subclass of."""
    if data is None:
        return frozenset()
    leaves = set()
    for cls in {str(c) for c in classes}:
        if not data.query(f"ASK {{ ?sub <{RDFS}subClassOf> {cls} }}"):
            leaves.add(cls)
    return frozenset(leaves)


def _check_known(store, shape) -> None:
    import pyoxigraph as ox

    for quad in store.quads_for_pattern(shape, None, None):
        p = quad.predicate.value
        if p.startswith(SH) and p[len(SH) :] not in _KNOWN:
            raise Unsupported(f"sh:{p[len(SH) :]}")
        if p == SH + "deactivated" and quad.object == ox.Literal(
            "true", datatype=ox.NamedNode(XSD + "boolean")
        ):
            raise Unsupported("sh:deactivated")


def _path(store, shape) -> tuple[str, str]:
    """(SPARQL path, path text for reports)."""
    import pyoxigraph as ox

    path = _one(store, shape, SH + "path")
    if isinstance(path, ox.NamedNode):
        return str(path), path.value
    inverse = _one(store, path, SH + "inversePath") if path is not None else None
    if isinstance(inverse, ox.NamedNode):
        return f"^{inverse}", f"^{inverse.value}"
    raise Unsupported("complex sh:path")


def _severity(store, shape) -> str:
    value = _one(store, shape, SH + "severity")
    return value.value[len(SH) :] if value is not None else "Violation"


def _messages(store, shape) -> list:
    return _objects(store, shape, SH + "message")


def _value_checks(
    store,
    shape,
    focus: str,
    path: str,
    path_text: str,
    severity: str,
    messages: list,
    shape_iri: str,
    focus_shape: str,
    leaves: frozenset = frozenset(),
) -> list[Check]:
    """Constraints on the values reached from ?this (by path, or ?this itself)."""
    values = f"{focus} ?this {path} ?v ." if path else f"{focus} BIND (?this AS ?v)"
    out: list[Check] = []

    def add(component: str, condition: str, body: str | None = None) -> None:
        where = body if body is not None else f"{values} FILTER ({condition})"
        out.append(
            Check(
                f"SELECT DISTINCT ?this ?v WHERE {{ {where} }}",
                SH + component,
                shape_iri,
                severity,
                messages,
                path_text,
                focus_shape,
            )
        )

    datatype = _one(store, shape, SH + "datatype")
    if datatype is not None:
        condition = f"!isLiteral(?v) || datatype(?v) != {datatype}"
        if datatype.value in _CASTS:
            condition += f" || !COALESCE(datatype({datatype}(STR(?v))) = {datatype}, false)"
        add("DatatypeConstraintComponent", condition)
    kind = _one(store, shape, SH + "nodeKind")
    if kind is not None:
        add("NodeKindConstraintComponent", f"!{_NODE_KINDS[kind.value]}")
    for pattern in _objects(store, shape, SH + "pattern"):
        if _one(store, shape, SH + "flags") is not None:
            raise Unsupported("sh:flags")
        escaped = pattern.value.replace("\\", "\\\\").replace('"', '\\"')
        add("PatternConstraintComponent", f'isBlank(?v) || !REGEX(STR(?v), "{escaped}")')
    for cls in _objects(store, shape, SH + "class"):
        add(
            "ClassConstraintComponent",
            "true",
            f"{values} FILTER NOT EXISTS {{ {_instance_of('?v', cls, leaves)} }}",
        )
    allowed = _one(store, shape, SH + "in")
    if allowed is not None:
        items = " ".join(_term(t) for t in _list(store, allowed))
        add(
            "InConstraintComponent",
            "true",
            f"{values} FILTER NOT EXISTS "
            f"{{ VALUES ?allowed {{ {items} }} FILTER (sameTerm(?v, ?allowed)) }}",
        )
    for name, op in (("minInclusive", ">="), ("maxInclusive", "<=")):
        bound = _one(store, shape, SH + name)
        if bound is not None:
            add(
                f"{name[0].upper()}{name[1:]}ConstraintComponent",
                f"!COALESCE(?v {op} {_term(bound)}, false)",
            )
    alternatives = _one(store, shape, SH + "or")
    if alternatives is not None:
        types = []
        for member in _list(store, alternatives):
            quads = list(store.quads_for_pattern(member, None, None))
            if len(quads) != 1 or quads[0].predicate.value != SH + "datatype":
                raise Unsupported("sh:or other than a list of sh:datatype")
            types.append(_term(quads[0].object))
        add("OrConstraintComponent", f"!isLiteral(?v) || !(datatype(?v) IN ({', '.join(types)}))")
    return out


def _count_checks(
    store,
    shape,
    focus: str,
    path: str,
    path_text: str,
    severity: str,
    messages: list,
    shape_iri: str,
    focus_shape: str,
) -> list[Check]:
    out = []

    def emit(component: str, query: str) -> None:
        check = Check(query, SH + component, shape_iri, severity, messages, path_text, focus_shape)
        out.append(check)

    def add(component: str, having: str, filter_: str = "") -> None:
        emit(
            component,
            f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ ?this {path} ?v {filter_} }} }} "
            f"GROUP BY ?this HAVING ({having})",
        )

    minimum = _one(store, shape, SH + "minCount")
    if minimum is not None:
        add("MinCountConstraintComponent", f"COUNT(DISTINCT ?v) < {minimum.value}")
    maximum = _one(store, shape, SH + "maxCount")
    if maximum is not None:
        add("MaxCountConstraintComponent", f"COUNT(DISTINCT ?v) > {maximum.value}")
    qualified = _one(store, shape, SH + "qualifiedValueShape")
    if qualified is not None:
        quads = list(store.quads_for_pattern(qualified, None, None))
        if len(quads) != 1 or quads[0].predicate.value != SH + "languageIn":
            raise Unsupported("sh:qualifiedValueShape other than sh:languageIn")
        if _one(store, shape, SH + "qualifiedMaxCount") is not None:
            raise Unsupported("sh:qualifiedMaxCount")
        langs = [t.value for t in _list(store, quads[0].object)]
        test = " || ".join(f'langMatches(lang(?v), "{lang}")' for lang in langs)
        least = _one(store, shape, SH + "qualifiedMinCount")
        if least is not None:
            add(
                "QualifiedMinCountConstraintComponent",
                f"COUNT(DISTINCT ?v) < {least.value}",
                f"FILTER ({test})",
            )
    unique_lang = _one(store, shape, SH + "uniqueLang")
    if unique_lang is not None and unique_lang.value == "true":
        emit(
            "UniqueLangConstraintComponent",
            f'SELECT ?this WHERE {{ {focus} ?this {path} ?v FILTER (lang(?v) != "") }} '
            "GROUP BY ?this (lang(?v)) HAVING (COUNT(DISTINCT ?v) > 1)",
        )
    has_value = _one(store, shape, SH + "hasValue")
    if has_value is not None:
        emit(
            "HasValueConstraintComponent",
            f"SELECT ?this WHERE {{ {focus} FILTER NOT EXISTS "
            f"{{ ?this {path or '<' + SH + 'none>'} {_term(has_value)} }} }}",
        )
    return out


def _prefixes(store, constraint) -> str:
    lines = []
    for source in _objects(store, constraint, SH + "prefixes"):
        for declaration in _objects(store, source, SH + "declare"):
            prefix = _one(store, declaration, SH + "prefix")
            namespace = _one(store, declaration, SH + "namespace")
            lines.append(f"PREFIX {prefix.value}: <{namespace.value}>")
    return "\n".join(sorted(set(lines)))


def compile_shapes(store, data=None) -> list[Check]:
    """Every constraint of every node shape with sh:targetClass, as a Check.

    Given the data store, class tests drop `rdfs:subClassOf*` for classes without subclasses
    there (the same answers, without a path search per node).
    """
    import pyoxigraph as ox

    checks: list[Check] = []
    leaves = _leaf_classes(
        data,
        [q.object for q in store.quads_for_pattern(None, ox.NamedNode(SH + "targetClass"), None)]
        + [q.object for q in store.quads_for_pattern(None, ox.NamedNode(SH + "class"), None)],
    )
    node_shapes = {
        q.subject
        for q in store.quads_for_pattern(
            None, ox.NamedNode(RDF + "type"), ox.NamedNode(SH + "NodeShape")
        )
    }
    targeted = {
        q.subject for q in store.quads_for_pattern(None, ox.NamedNode(SH + "targetClass"), None)
    }
    for shape in sorted(node_shapes | targeted, key=str):
        for p in (
            "targetNode",
            "targetSubjectsOf",
            "targetObjectsOf",
            "target",
            "not",
            "and",
            "xone",
            "node",
            "closed",
            "equals",
            "disjoint",
            "lessThan",
        ):
            if _objects(store, shape, SH + p):
                raise Unsupported(f"sh:{p}")
        _check_known(store, shape)
        classes = _objects(store, shape, SH + "targetClass")
        if not classes:
            continue
        if len(classes) == 1 and str(classes[0]) in leaves:
            # One class without subclasses: its instances, each once (the store has no duplicates).
            focus = f"{{ {_instance_of('?this', classes[0], leaves)} }}"
        else:
            union = " UNION ".join(f"{{ {_instance_of('?this', c, leaves)} }}" for c in classes)
            focus = f"{{ SELECT DISTINCT ?this WHERE {{ {union} }} }}"
        name = shape.value if isinstance(shape, ox.NamedNode) else ""
        severity = _severity(store, shape)
        messages = _messages(store, shape)
        checks += _value_checks(store, shape, focus, "", "", severity, messages, name, name, leaves)
        for prop in _objects(store, shape, SH + "property"):
            _check_known(store, prop)
            path, path_text = _path(store, prop)
            prop_name = prop.value if isinstance(prop, ox.NamedNode) else name
            args = (
                focus,
                path,
                path_text,
                _severity(store, prop),
                _messages(store, prop),
                prop_name,
                name,
            )
            checks += _value_checks(store, prop, *args, leaves)
            checks += _count_checks(store, prop, *args)
        for constraint in _objects(store, shape, SH + "sparql"):
            select = _one(store, constraint, SH + "select")
            if select is None:
                raise Unsupported("sh:sparql without sh:select")
            body = select.value.replace("$this", "?this")
            query = _prefixes(store, constraint) + "\n" + body
            checks.append(
                Check(
                    query,
                    SH + "SPARQLConstraintComponent",
                    constraint.value if isinstance(constraint, ox.NamedNode) else name,
                    severity,
                    _messages(store, constraint),
                    "",
                    name,
                    True,
                )
            )
            checks[-1].focus_query = f"SELECT ?this WHERE {focus}"
    return checks


def run_checks(data, checks: list[Check]) -> list[tuple]:
    """(check, focus, value, path) for every result of every check on the data store."""
    results = []
    focus_cache: dict[str, set] = {}
    for check in checks:
        rows = data.query(check.query)
        if check.sparql_rows:
            focus = focus_cache.get(check.focus_query)
            if focus is None:
                focus = {r["this"] for r in data.query(check.focus_query)}
                focus_cache[check.focus_query] = focus
            for row in rows:
                this = row["this"]
                if this in focus:
                    # SHACL: without a ?value binding, a node shape's result value is $this.
                    value = _get(row, "value")
                    results.append(
                        (check, this, this if value is None else value, _get(row, "path"))
                    )
            continue
        names = {v.value for v in rows.variables}
        for row in rows:
            value = row["v"] if "v" in names else None
            results.append((check, row["this"], value, None))
    return results


def _get(row, name: str):
    try:
        return row[name]
    except (KeyError, IndexError):
        return None
