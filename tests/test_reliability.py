"""Faults never corrupt: killed and concurrent builds, no network, hostile names round-trip."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT
from helpers import canonical_form, copy_sources
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from gnlc.paths import RELEASE_FILES, RELEASE_GRAPH_FILES

# builds whole releases per example (hypothesis) and kills builds midway:
# left out of the fast loop (-m "not slow")
pytestmark = pytest.mark.slow

GNLC = Path(sys.executable).with_name("gnlc")


def _checksums_hold(out: Path) -> bool:
    for line in (out / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split("  ")
        if hashlib.sha256((out / name).read_bytes()).hexdigest() != digest:
            return False
    return sorted(p.name for p in out.iterdir()) == sorted(RELEASE_FILES)


@pytest.mark.parametrize("stage", ["loaded", "wrote-gnlc.ttl", "before-swap"])
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_build_killed_midway_leaves_previous_release(
    tmp_path: Path, release: Path, stage: str, sig: int
) -> None:
    out = tmp_path / "dist"
    shutil.copytree(release, out)
    (out / "gnlc.ttl").write_bytes((out / "gnlc.ttl").read_bytes())  # the previous release
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    env = {**os.environ, "GNLC_TEST_PAUSE_AT": stage, "GNLC_ROOT": str(ROOT)}
    proc = subprocess.Popen(
        [str(GNLC), "build", "--out", str(out)],
        env=env,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        start_new_session=True,  # a session of its own, where _paused finds it
    )
    line = proc.stderr.readline()
    assert f"test pause at {stage}" in line
    assert len(_paused(proc.pid)) == 1
    proc.send_signal(sig)
    if sig != signal.SIGKILL:
        proc.send_signal(signal.SIGCONT)
    proc.wait(timeout=60)
    assert proc.returncode != 0
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert _checksums_hold(out)
    # The next build cleans what the killed one left and publishes a complete release.
    done = subprocess.run(
        [str(GNLC), "build", "--out", str(out)],
        env={**env, "GNLC_TEST_PAUSE_AT": ""},
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0
    assert _checksums_hold(out)
    assert [p.name for p in tmp_path.iterdir() if ".tmp-" in p.name or ".old-" in p.name] == []


def test_concurrent_builds_never_mix(tmp_path: Path) -> None:
    """Builds of two different sources race for one folder: what is left is one whole release
    (its checksums hold, every file comes from the same build), never a mix."""
    other = tmp_path / "other"
    copy_sources(other)
    members = other / "data/members/SX.ttl"  # a different member graph, still valid
    members.unlink()
    outs = {}
    for root in (ROOT, other):  # each alone first: the two possible results
        outs[root] = tmp_path / f"alone-{len(outs)}"
        subprocess.run(
            [str(GNLC), "--root", str(root), "build", "--out", str(outs[root])],
            check=True,
            capture_output=True,
        )
    assert (outs[ROOT] / "gnlc.nt").read_bytes() != (outs[other] / "gnlc.nt").read_bytes()
    out = tmp_path / "dist"
    procs = [
        subprocess.Popen(
            [str(GNLC), "--root", str(root), "build", "--out", str(out)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for root in (ROOT, other, ROOT, other)
    ]
    assert [p.wait(timeout=300) for p in procs] == [0, 0, 0, 0]
    assert _checksums_hold(out)
    left = {name: (out / name).read_bytes() for name in RELEASE_FILES}
    assert any(
        all(left[name] == (alone / name).read_bytes() for name in RELEASE_FILES)
        for alone in outs.values()
    )


def test_validate_and_build_work_with_the_network_unplugged(tmp_path: Path, monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise OSError("network access attempted during an offline test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    from gnlc.pipeline import build

    report, release = build(ROOT, tmp_path / "dist")
    assert release is not None and report.conforms()


# Characters XML 1.0 allows (no surrogates, no U+FFFE/U+FFFF, no C0 controls but tab/LF/CR).
XML_TEXT = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs",),
        blacklist_characters=[chr(c) for c in range(0x20) if c not in (0x9, 0xA, 0xD)]
        + ["\ufffe", "\uffff"],
    ),
    min_size=1,
    max_size=40,
).filter(lambda s: s.strip() == s and s.strip())

CITY = """@prefix gnlc: <https://w3id.org/gnlc/ontology#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://w3id.org/gnlc/city/kr-fuzz> a gnlc:LearningCity ;
  skos:prefLabel {en} , {th} ;
  gnlc:country <https://w3id.org/gnlc/country/KR> ;
  dcterms:source <https://example.org/fake-announcement> .
<https://w3id.org/gnlc/city/kr-fuzz#membership> a gnlc:Membership ;
  org:member <https://w3id.org/gnlc/city/kr-fuzz> ;
  org:organization <https://w3id.org/gnlc/network> ;
  gnlc:cohort <https://w3id.org/gnlc/cohort/2020> ;
  gnlc:startYear "2020"^^xsd:gYear ;
  dcterms:source <https://example.org/fake-announcement> .
"""


def _literal(text: str, lang: str) -> str:
    from gnlc.turtle import escape_string

    return f'"{escape_string(text)}"@{lang}'


# One release per example is the cost (validation, every dump, four rdflib parses): each
# example carries up to six cities, each in its own country (names are unique per country)
# with its own pair of names, so ten releases check as many names as forty did with one city.
COUNTRIES = ("KR", "TH", "BR", "AR", "AU", "CA")


@settings(
    max_examples=10,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@example(names=[("0", "0\r0")])  # a raw CR in RDF/XML came back as LF
@example(  # XML's own markup, CRLF and a lone CR, tab, quotes, a backslash, astral characters
    names=[
        ("a]]>b", "<x>&amp;</x>"),
        ("a\r\nb", "c\rd"),
        ("a\tb", "\"'\\"),
        ("\U0001f600\U00010000", "\u0e40\u0e0a\u0e35\u0e22\u0e07\u0e43\u0e2b\u0e21\u0e48"),
        ("x\u00a0y\u2028z\u0085w", "x\u200bz\ufeffy"),  # no-break, separators, invisibles
    ]
)
@given(names=st.lists(st.tuples(XML_TEXT, XML_TEXT), min_size=1, max_size=len(COUNTRIES)))
def test_any_xml_name_survives_every_dump_and_the_csv(
    tmp_path_factory, names: list[tuple[str, str]]
) -> None:
    import rdflib

    from gnlc.export import make_release
    from gnlc.sources import load_graph
    from gnlc.validation import validate_loaded

    tmp = tmp_path_factory.mktemp("fuzz")
    members = []
    for code, (name_en, name_th) in zip(COUNTRIES, names, strict=False):
        member = tmp / f"{code.lower()}-fuzz.ttl"
        text = CITY.format(en=_literal(name_en, "en"), th=_literal(name_th, "th"))
        member.write_text(
            text.replace("kr-fuzz", f"{code.lower()}-fuzz").replace("/KR>", f"/{code}>"),
            encoding="utf-8",
        )
        members.append(member)
    loaded = load_graph(ROOT, members)
    assert validate_loaded(loaded, ROOT, [ROOT / "shapes/gnlc.shacl.ttl"]).conforms()
    release = make_release(ROOT, loaded.store)
    expected = {
        f"https://w3id.org/gnlc/city/{code.lower()}-fuzz": pair
        for code, pair in zip(COUNTRIES, names, strict=False)
    }
    label = rdflib.URIRef("http://www.w3.org/2004/02/skos/core#prefLabel")
    formats = {"gnlc.ttl": "turtle", "gnlc.nt": "nt", "gnlc.jsonld": "json-ld", "gnlc.rdf": "xml"}
    for name, fmt in formats.items():
        graph = rdflib.Graph().parse(data=release.files[name], format=fmt)
        for city, (name_en, name_th) in expected.items():
            labels = {(str(v), v.language) for v in graph.objects(rdflib.URIRef(city), label)}
            assert labels == {(name_en, "en"), (name_th, "th")}, (name, city)
    rows = list(
        csv.DictReader(io.StringIO(release.files["gnlc-members.csv"].decode("utf-8"), newline=""))
    )
    by_iri = {r["iri"]: (r["name_en"], r["name_th"]) for r in rows}
    assert {city: by_iri.get(city) for city in expected} == expected


def test_a_huge_literal_survives_every_dump_and_the_csv(tmp_path: Path) -> None:
    """A 4 MB Thai name (with quotes, newlines, backslashes) goes through every output intact.

    Turtle and JSON-LD are read back by rdflib; N-Triples and RDF/XML by Oxigraph, because
    rdflib's parsers of those two take time quadratic in a literal's length (10 s for 1 MB).
    """
    import pyoxigraph
    import rdflib

    from gnlc.export import make_release
    from gnlc.sources import load_graph
    from gnlc.validation import validate_loaded

    unit = 'เมือง "learning" \\ city\n'
    name_th = (unit * (4_000_000 // len(unit.encode("utf-8")))).strip()
    member = tmp_path / "kr-fuzz.ttl"
    member.write_text(
        CITY.format(en=_literal("Huge", "en"), th=_literal(name_th, "th")), encoding="utf-8"
    )
    assert member.stat().st_size > 4_000_000
    loaded = load_graph(ROOT, [member])
    assert validate_loaded(loaded, ROOT, [ROOT / "shapes/gnlc.shacl.ttl"]).conforms()
    release = make_release(ROOT, loaded.store)
    city, label = (
        "https://w3id.org/gnlc/city/kr-fuzz",
        "http://www.w3.org/2004/02/skos/core#prefLabel",
    )
    for name, fmt in {"gnlc.ttl": "turtle", "gnlc.jsonld": "json-ld"}.items():
        graph = rdflib.Graph().parse(data=release.files[name], format=fmt)
        labels = {
            (str(v), v.language) for v in graph.objects(rdflib.URIRef(city), rdflib.URIRef(label))
        }
        assert labels == {("Huge", "en"), (name_th, "th")}, name
    formats = {"gnlc.nt": pyoxigraph.RdfFormat.N_TRIPLES, "gnlc.rdf": pyoxigraph.RdfFormat.RDF_XML}
    for name, fmt in formats.items():
        labels = {
            (q.object.value, q.object.language)
            for q in pyoxigraph.parse(release.files[name], format=fmt)
            if q.subject.value == city and q.predicate.value == label
        }
        assert labels == {("Huge", "en"), (name_th, "th")}, name
    limit = csv.field_size_limit(sys.maxsize)  # Python's reader stops at 128 KB a field
    try:
        rows = csv.DictReader(
            io.StringIO(release.files["gnlc-members.csv"].decode("utf-8"), newline="")
        )
        assert next(r for r in rows if r["iri"] == city)["name_th"] == name_th
    finally:
        csv.field_size_limit(limit)


TERMS = st.one_of(
    st.sampled_from(["https://example.org/a", "https://example.org/b", "https://example.org/c"]),
    XML_TEXT,
)


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["https://example.org/s1", "https://example.org/s2"]),
            st.sampled_from(["https://example.org/p", "https://example.org/q"]),
            TERMS,
        ),
        min_size=1,
        max_size=12,
    )
)
def test_canonical_turtle_is_lossless_and_idempotent(triples) -> None:
    import pyoxigraph as ox

    from gnlc.formatting import same_graph
    from gnlc.turtle import serialize

    graph = [
        ox.Triple(
            ox.NamedNode(s),
            ox.NamedNode(p),
            ox.NamedNode(o)
            if o.startswith("https://example.org/") and o[-1] in "abc" and len(o) == 21
            else ox.Literal(o),
        )
        for s, p, o in triples
    ]
    text = serialize(graph)
    back = [q.triple for q in ox.parse(text.encode(), format=ox.RdfFormat.TURTLE)]
    assert same_graph(graph, back)
    assert serialize(back) == text


def test_control_characters_fail_validation() -> None:
    from gnlc.pipeline import validate_sources

    report, _ = validate_sources(ROOT, [FIXTURES / "invalid/control-character.ttl"])
    assert not report.conforms()


E = "https://example.org/e#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"


def same_triples(a, b) -> bool:
    """Second route for graph isomorphism: Oxigraph's RDFC-1.0 labelling (helpers)."""
    return canonical_form(a) == canonical_form(b)


def _renamed(triples, rnd) -> list:
    """The same graph with other blank node ids, in another order."""
    import pyoxigraph as ox

    names: dict[str, object] = {}

    def rename(term):
        if isinstance(term, ox.BlankNode):
            if term.value not in names:
                names[term.value] = ox.BlankNode(f"r{rnd.randrange(10**9)}x{len(names)}")
            return names[term.value]
        return term

    out = [ox.Triple(rename(t.subject), t.predicate, rename(t.object)) for t in triples]
    rnd.shuffle(out)
    return out


def test_sibling_blank_nodes_are_ordered_by_content_not_by_id() -> None:
    """e:s e:p [e:q [e:v "1"]], [e:q [e:v "2"]] gave two texts depending on the parser's ids."""
    import pyoxigraph as ox

    from gnlc.turtle import serialize

    def graph(inner_one: str, inner_two: str) -> list:
        p, q, v = (ox.NamedNode(E + n) for n in "pqv")
        s = ox.NamedNode(E + "s")
        x1, x2, y1, y2 = (ox.BlankNode(n) for n in ("x1", "x2", inner_one, inner_two))
        return [
            ox.Triple(s, p, x1),
            ox.Triple(s, p, x2),
            ox.Triple(x1, q, y1),
            ox.Triple(x2, q, y2),
            ox.Triple(y1, v, ox.Literal("1")),
            ox.Triple(y2, v, ox.Literal("2")),
        ]

    assert serialize(graph("y1", "y2")) == serialize(graph("y2", "y1"))


def test_fmt_check_is_stable_across_runs_with_sibling_blank_nodes(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from gnlc.cli import cli

    path = tmp_path / "siblings.ttl"
    path.write_text(
        f'@prefix e: <{E}> .\ne:s e:p [ e:q [ e:v "1" ] ], [ e:q [ e:v "2" ] ] .\n',
        encoding="utf-8",
    )
    runner = CliRunner()
    assert runner.invoke(cli, ["fmt", str(path)]).exit_code == 0
    codes = [runner.invoke(cli, ["fmt", "--check", str(path)]).exit_code for _ in range(8)]
    assert codes == [0] * 8


def test_query_turtle_keeps_a_blank_node_cycle(tmp_path: Path) -> None:
    """A cycle of blank nodes used by nothing else was dropped: 1 of 3 triples printed."""
    import pyoxigraph as ox
    from click.testing import CliRunner

    from gnlc.cli import cli

    query = tmp_path / "cycle.rq"
    query.write_text(
        f'PREFIX e: <{E}>\nCONSTRUCT {{ e:s e:p "x" . _:a e:q _:b . _:b e:q _:a }} WHERE {{}}\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["query", str(query), "--format", "turtle"])
    assert result.exit_code == 0, result.output
    back = [q.triple for q in ox.parse(result.stdout.encode(), format=ox.RdfFormat.TURTLE)]
    a, b = ox.BlankNode("a"), ox.BlankNode("b")
    q = ox.NamedNode(E + "q")
    expected = [
        ox.Triple(ox.NamedNode(E + "s"), ox.NamedNode(E + "p"), ox.Literal("x")),
        ox.Triple(a, q, b),
        ox.Triple(b, q, a),
    ]
    assert same_triples(back, expected)


LANG_OR_TYPED = st.one_of(
    st.tuples(XML_TEXT, st.sampled_from(["", "en", "th", "en-GB", "zh-Hant-TW"]), st.just("")),
    st.sampled_from(
        [
            ("1", "", XSD + "integer"),
            ("-01", "", XSD + "integer"),
            ("1.50", "", XSD + "decimal"),
            ("true", "", XSD + "boolean"),
            ("1", "", XSD + "boolean"),
            ("2020-01", "", XSD + "gYearMonth"),
            ("1e3", "", XSD + "double"),
            ("x", "", "https://example.org/e#datatype"),
        ]
    ),
)
NODE = st.one_of(
    st.sampled_from([E + "a", E + "b", E + "c"]).map(lambda v: ("iri", v)),
    st.integers(0, 5).map(lambda i: ("blank", i)),
)
OBJECT = st.one_of(
    NODE,
    LANG_OR_TYPED.map(lambda v: ("literal", v)),
    st.lists(st.one_of(NODE, LANG_OR_TYPED.map(lambda v: ("literal", v))), max_size=4).map(
        lambda items: ("list", items)
    ),
)
PREDICATE = st.sampled_from([E + "p", E + "q", RDF + "type", RDF + "first", RDF + "rest"])


def _graph(edges) -> list:
    """pyoxigraph triples from drawn (subject, predicate, object) descriptions."""
    import pyoxigraph as ox

    cells = iter(range(10**6))

    def node(kind, value):
        return ox.NamedNode(value) if kind == "iri" else ox.BlankNode(f"n{value}")

    def term(kind, value, out):
        if kind == "literal":
            text, language, datatype = value
            if language:
                return ox.Literal(text, language=language)
            return (
                ox.Literal(text, datatype=ox.NamedNode(datatype)) if datatype else ox.Literal(text)
            )
        if kind != "list":
            return node(kind, value)
        head = rest = ox.NamedNode(RDF + "nil")
        for item_kind, item in reversed(value):
            cell = ox.BlankNode(f"cell{next(cells)}")
            out.append(ox.Triple(cell, ox.NamedNode(RDF + "first"), term(item_kind, item, out)))
            out.append(ox.Triple(cell, ox.NamedNode(RDF + "rest"), rest))
            head = rest = cell
        return head

    out: list = []
    for subject, predicate, (kind, value) in edges:
        out.append(ox.Triple(node(*subject), ox.NamedNode(predicate), term(kind, value, out)))
    return list(set(out))


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(NODE, PREDICATE, OBJECT), min_size=1, max_size=14),
    st.randoms(use_true_random=False),
)
def test_canonical_turtle_with_blank_nodes_lists_and_literals(edges, rnd) -> None:
    """Trees, shared nodes, cycles, lists (also broken ones), language tags and datatypes: the
    text reads back as the same graph and is the same bytes for any ids and triple order."""
    import pyoxigraph as ox

    from gnlc.turtle import serialize

    graph = _graph(edges)
    text = serialize(graph)
    back = [q.triple for q in ox.parse(text.encode(), format=ox.RdfFormat.TURTLE)]
    assert len(back) == len(graph)
    assert same_triples(graph, back)
    assert serialize(back) == text
    assert serialize(_renamed(graph, rnd)) == text


SEGMENT = st.sampled_from(
    ["", ".", "..", "x", "a.b", "..x", ".x", "%2e", "%2E%2E", "%41", "%2F", "~u", "a:b", "é", "@"]
)
IRI_SHAPE = st.builds(
    lambda base, segments, query, fragment: (
        base
        + "/".join(segments)
        + ("" if query is None else "?" + query)
        + ("" if fragment is None else "#" + fragment)
    ),
    st.sampled_from(
        [
            "https://w3id.org/gnlc/",
            "https://w3id.org/gnlc",
            "https://w3id.org/",
            "https://w3id.org/gnlc/city/",
            "https://w3id.org/gnlcx/",
            "https://example.org/",
        ]
    ),
    st.lists(SEGMENT, max_size=4),
    st.none() | st.sampled_from(["", "q", "a/../b", "./x", "?", "/", "%20"]),
    st.none() | st.sampled_from(["", "f", "/../x", "?y", "a/./b"]),
)


@settings(suppress_health_check=[HealthCheck.too_slow])
@example(pairs=[("https://w3id.org/gnlc//x", "https://w3id.org/gnlc/a//b")])
@example(pairs=[("https://w3id.org/gnlc/./x", "https://w3id.org/gnlc/../x")])
@example(pairs=[("https://w3id.org/gnlc/?q", "https://w3id.org/gnlc/#f")])
@given(pairs=st.lists(st.tuples(IRI_SHAPE, IRI_SHAPE), min_size=1, max_size=6))
def test_any_iri_shape_survives_every_dump(pairs) -> None:
    """Double slashes, dot segments, queries, fragments, empty segments and percent-encoding
    come back as the same IRIs from all four dumps, read by Oxigraph (RFC 3986) and, for the
    ones that resolve references against a base, by rdflib too (Python's urljoin)."""
    import pyoxigraph as ox
    import rdflib

    from gnlc.export import make_release

    predicate = E + "p"
    store = ox.Store()
    for s, o in pairs:
        store.add(ox.Quad(ox.NamedNode(s), ox.NamedNode(predicate), ox.NamedNode(o)))
    expected = {(s, predicate, o) for s, o in pairs}
    release = make_release(ROOT, store)
    formats = {
        "gnlc.ttl": ox.RdfFormat.TURTLE,
        "gnlc.nt": ox.RdfFormat.N_TRIPLES,
        "gnlc.jsonld": ox.RdfFormat.JSON_LD,
        "gnlc.rdf": ox.RdfFormat.RDF_XML,
    }
    for name, fmt in formats.items():
        back = {
            (q.subject.value, q.predicate.value, q.object.value)
            for q in ox.parse(release.files[name], format=fmt)
        }
        assert back == expected, name
    for name, fmt in {"gnlc.ttl": "turtle", "gnlc.jsonld": "json-ld"}.items():
        graph = rdflib.Graph().parse(data=release.files[name], format=fmt)
        assert {tuple(str(term) for term in triple) for triple in graph} == expected, name


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(NODE, PREDICATE, OBJECT), min_size=1, max_size=10),
    st.randoms(use_true_random=False),
)
def test_blank_nodes_survive_every_dump_byte_for_byte(edges, rnd) -> None:
    """The release route (canonical N-Triples read by subject) keeps every blank node triple in
    all four dumps, and the same graph under other ids gives the same bytes."""
    import pyoxigraph as ox

    from gnlc.export import make_release

    def store_of(triples) -> ox.Store:
        store = ox.Store()
        store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
        return store

    def release(triples) -> dict[str, bytes]:
        files = make_release(ROOT, store_of(triples)).files
        return {name: files[name] for name in RELEASE_GRAPH_FILES}

    # What the store holds (it writes some literals in canonical form: "-01" as "-1").
    graph = [q.triple for q in store_of(_graph(edges))]
    first = release(graph)
    formats = {
        "gnlc.ttl": ox.RdfFormat.TURTLE,
        "gnlc.nt": ox.RdfFormat.N_TRIPLES,
        "gnlc.jsonld": ox.RdfFormat.JSON_LD,
        "gnlc.rdf": ox.RdfFormat.RDF_XML,
    }
    for name, fmt in formats.items():
        back = [q.triple for q in ox.parse(first[name], format=fmt)]
        assert len(back) == len(graph), name
        assert same_triples(back, graph), name
    assert release(_renamed(graph, rnd)) == first


def _session_processes(session: int) -> list[str]:
    """The live (not zombie) processes of a session, as `pid state`, from /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2 :].split()  # after "pid (comm) "
        if int(fields[3]) == session and fields[0] != "Z":
            found.append(f"{stat.parent.name} {fields[0]}")
    return found


def _session_left(session: int) -> list[str]:
    """The session's live processes once they had a minute to end: a process killed with its
    parent (PR_SET_PDEATHSIG) takes a moment to go (a safety net, not a timing assertion)."""
    for _ in range(1200):
        left = _session_processes(session)
        if not left:
            break
        time.sleep(0.05)
    return left


def _paused(session: int) -> list[str]:
    """The session's stopped processes, once one is: a build says it pauses and then stops
    itself, and a SIGCONT sent between the two would be lost (the build would then wait for
    ever). A safety net of a minute, not a timing assertion."""
    for _ in range(1200):
        stopped = [p for p in _session_processes(session) if p.split()[1] == "T"]
        if stopped:
            return stopped
        time.sleep(0.05)
    return []


def _build_pausing_at(stage: str, out: Path) -> subprocess.Popen:
    """`gnlc build --out out` in a session of its own, pausing at stage (GNLC_TEST_PAUSE_AT);
    it says so on its stderr."""
    env = {**os.environ, "GNLC_TEST_PAUSE_AT": stage, "GNLC_ROOT": str(ROOT)}
    return subprocess.Popen(
        [str(GNLC), "build", "--out", str(out)],
        env=env,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads processes from /proc (Linux)")
@pytest.mark.parametrize("stage", ["wrote-gnlc.nt", "wrote-gnlc.ttl", "rendered", "before-swap"])
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_interrupted_build_cleans_up_at_once(
    tmp_path: Path, release: Path, stage: str, sig: int
) -> None:
    """Ctrl-C, a polite kill (SIGTERM: a service manager, `timeout`, a CI runner) or a closed
    terminal (SIGHUP) while the writer fills the temporary folder or just before the swap: the
    previous release stays, and the build itself removes its temporary folder and stops its
    writers before it ends; not the next build."""
    out = tmp_path / "dist"
    shutil.copytree(release, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    proc = _build_pausing_at(stage, out)
    try:
        assert f"test pause at {stage}" in proc.stderr.readline()
        assert len(_paused(proc.pid)) == 1
        proc.send_signal(sig)
        os.killpg(proc.pid, signal.SIGCONT)  # the paused process (the build or its writer)
        proc.wait(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode != 0
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["dist"]  # no .dist.tmp-* left
    assert _session_left(proc.pid) == []


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="finds the writer in /proc (Linux)")
def test_a_killed_writer_is_one_line_and_publishes_nothing(tmp_path: Path, release: Path) -> None:
    """The writer process killed from outside (the out-of-memory killer): exit 2, one line
    naming the signal (not an internal error), the previous release kept, nothing left."""
    out = tmp_path / "dist"
    shutil.copytree(release, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    proc = _build_pausing_at("wrote-gnlc.ttl", out)
    try:
        assert "test pause at wrote-gnlc.ttl" in proc.stderr.readline()
        stopped = _paused(proc.pid)
        assert len(stopped) == 1  # the writer, paused after writing gnlc.ttl
        os.kill(int(stopped[0].split()[0]), signal.SIGKILL)
        proc.wait(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    [line] = proc.stderr.read().strip().splitlines()
    assert proc.returncode == 2
    assert "killed by SIGKILL" in line and "internal error" not in line
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["dist"]
    assert _session_left(proc.pid) == []
