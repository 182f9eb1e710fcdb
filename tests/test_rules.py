"""The rules loop: the same fixpoint as rdflib's engine, however many passes the rules need."""

from __future__ import annotations

from pathlib import Path

import pytest

from gnlc.rules import as_ask, materialise

EX = "PREFIX ex: <https://example.org/>\n"

# Rule sets (file name -> text) whose fixpoint needs more than one pass, and data for them.
CHAIN = {
    "20-supports.rq": EX
    + "CONSTRUCT { ?a ex:supports ?g } WHERE { ?a ex:memberOf ?b . ?b ex:supports ?g }",
}
CHAIN_DATA = """
@prefix ex: <https://example.org/> .
ex:a ex:memberOf ex:b . ex:b ex:memberOf ex:c . ex:c ex:memberOf ex:d .
ex:d ex:supports ex:goal1 , ex:goal2 .
"""
# A later rule feeds an earlier one, so only a second pass sees its output.
BACKWARDS = {
    "10-q.rq": EX + "CONSTRUCT { ?x ex:q ?y } WHERE { ?x ex:p ?y }",
    "20-p.rq": EX + "CONSTRUCT { ?x ex:p ?y . ?y ex:seen true } WHERE { ?x ex:r ?y }",
    "30-note.rq": EX
    + '# a comment with a } brace\nCONSTRUCT { ?x ex:note "a } # { \\" }" } # {\n'
    + "WHERE { ?x ex:q ?y } ORDER BY ?x LIMIT 100",
}
BACKWARDS_DATA = """
@prefix ex: <https://example.org/> .
ex:one ex:r ex:two . ex:two ex:r ex:three .
"""


def rdflib_fixpoint(rules: dict[str, str], data: str):
    """Second route: rdflib's SPARQL engine, every rule in every pass until nothing changes."""
    import rdflib

    graph = rdflib.Graph().parse(data=data, format="turtle")
    while True:
        size = len(graph)
        for name in sorted(rules):
            for triple in graph.query(rules[name]):
                graph.add(triple)
        if len(graph) == size:
            return graph


@pytest.mark.parametrize(
    ("rules", "data"), [(CHAIN, CHAIN_DATA), (BACKWARDS, BACKWARDS_DATA)], ids=["chain", "back"]
)
def test_fixpoint_equals_rdflib(tmp_path: Path, rules: dict[str, str], data: str) -> None:
    import pyoxigraph
    import rdflib

    folder = tmp_path / "ontology" / "rules"
    folder.mkdir(parents=True)
    for name, text in rules.items():
        (folder / name).write_text(text, encoding="utf-8")
    store = pyoxigraph.Store()
    store.load(data.encode(), format=pyoxigraph.RdfFormat.TURTLE)
    before = len(store)
    added = materialise(store, tmp_path)
    mine = rdflib.Graph().parse(
        data=store.dump(
            format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=pyoxigraph.DefaultGraph()
        ),
        format="nt",
    )
    expected = rdflib_fixpoint(rules, data)
    assert set(mine) == set(expected)
    assert added == len(expected) - before > 0


def test_ask_is_refused_for_blank_node_templates() -> None:
    """A template with blank nodes adds fresh nodes on every pass: no ASK can say it is done."""
    assert as_ask(EX + "CONSTRUCT { ?x ex:p [ ex:q 1 ] } WHERE { ?x ex:r ?y }") is None
    assert as_ask(EX + "CONSTRUCT { ?x ex:p _:b } WHERE { ?x ex:r ?y }") is None
    assert as_ask(EX + "SELECT * WHERE { ?x ex:r ?y }") is None


def test_ask_answers_whether_the_rule_would_add() -> None:
    import pyoxigraph

    rule = BACKWARDS["30-note.rq"]
    store = pyoxigraph.Store()
    store.load(
        b'<https://example.org/s> <https://example.org/q> "1" .', pyoxigraph.RdfFormat.N_TRIPLES
    )
    assert bool(store.query(as_ask(rule))) is True
    store.update(EX + 'INSERT DATA { ex:s ex:note "a } # { \\" }" }')
    assert bool(store.query(as_ask(rule))) is False
