"""Independent computations for tests: rdflib instead of pyoxigraph, Python instead of SPARQL."""

from __future__ import annotations

import os
import shutil
import weakref
from contextlib import contextmanager
from pathlib import Path

GNLC = "https://w3id.org/gnlc/ontology#"
NETWORK = "https://w3id.org/gnlc/network"


def copy_sources(target: Path, extra: tuple[str, ...] = ()) -> Path:
    """target holding a copy of the repository's source folders (gnlc.paths.SOURCE_DIRS, then
    extra ones), to edit or damage; returns target."""
    from gnlc.paths import SOURCE_DIRS

    root = Path(__file__).resolve().parents[1]
    for name in (*SOURCE_DIRS, *extra):
        shutil.copytree(root / name, target / name)
    return target


def load_script(root: Path, name: str):
    """A maintenance script under scripts/ as a module (scripts/ is not a package)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, root / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_benchmark(root: Path, name: str):
    """A module under benchmarks/ (not part of the package) as a module."""
    import importlib.util
    import sys

    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, root / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


def rdflib_sources(root: Path):
    """ontology/ + data/ parsed by rdflib (not pyoxigraph)."""
    import rdflib

    graph = rdflib.Graph()
    graph.parse(root / "ontology/gnlc.ttl", format="turtle")
    for path in sorted((root / "data").rglob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


_RELEASE_GRAPHS: dict[str, object] = {}


def rdflib_release_graph(root: Path):
    """Sources plus the rules applied with rdflib's SPARQL engine until nothing changes.

    Computed once per process for the same sources (several tests read the repository's data
    through copies of it), so the graph is shared: read it, never change it.
    """
    import hashlib

    digest = hashlib.sha256()
    files = [root / "ontology/gnlc.ttl", *sorted((root / "data").rglob("*.ttl"))]
    for path in [*files, *sorted((root / "ontology/rules").glob("*.rq"))]:
        data = path.read_bytes()
        digest.update(f"{path.relative_to(root).as_posix()}\0{len(data)}\0".encode())
        digest.update(data)
    key = digest.hexdigest()
    if key not in _RELEASE_GRAPHS:
        _RELEASE_GRAPHS[key] = _rules_applied(root)
    return _RELEASE_GRAPHS[key]


def _rules_applied(root: Path):
    graph = rdflib_sources(root)
    rules = [p.read_text(encoding="utf-8") for p in sorted((root / "ontology/rules").glob("*.rq"))]
    while True:
        size = len(graph)
        for rule in rules:
            for triple in graph.query(rule):
                graph.add(triple)
        if len(graph) == size:
            return graph


def lang_value(graph, subject, predicate, lang: str) -> str | None:
    """The literal of predicate in lang, or None."""
    for value in graph.objects(subject, predicate):
        if getattr(value, "language", None) == lang:
            return str(value)
    return None


def current_members(graph) -> list:
    """Cities with a membership that has no end year, found by walking triples."""
    import rdflib

    org_member = rdflib.URIRef("http://www.w3.org/ns/org#member")
    end = rdflib.URIRef(GNLC + "endYear")
    members = set()
    for membership, city in graph.subject_objects(org_member):
        if (membership, end, None) not in graph:
            members.add(city)
    return sorted(members, key=str)


def cities(graph) -> list:
    """Every gnlc:LearningCity in the graph, sorted."""
    import rdflib

    return sorted(graph.subjects(rdflib.RDF.type, rdflib.URIRef(GNLC + "LearningCity")), key=str)


PATIENCE = 300.0  # a safety net for servers started by tests, never asserted on


@contextmanager
def oxigraph_serving(location: Path, data: Path):
    """A read-only Oxigraph server on a free loopback port holding data (loaded first into a
    new store at location); yields its root URL (ROOT/query answers SPARQL), stopped after."""
    import subprocess
    import time
    import urllib.request

    from gnlc.server import find_oxigraph, free_port

    oxigraph = find_oxigraph()
    subprocess.run(
        [oxigraph, "load", "--location", str(location), "--file", str(data)],
        check=True,
        capture_output=True,
        timeout=PATIENCE,
    )
    port = free_port()
    process = subprocess.Popen(
        [oxigraph, "serve-read-only", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    root = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + PATIENCE
        while True:
            assert process.poll() is None, "oxigraph exited"
            try:
                urllib.request.urlopen(f"{root}/query?query=ASK%7B%7D", timeout=5).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "oxigraph did not answer"
                time.sleep(0.05)
        yield root
    finally:
        process.terminate()
        process.wait(timeout=PATIENCE)


def program(names: list[str], install: str, env: str | None = None) -> str:
    """The path of the first of names found (env, when set, names it instead).

    A program the tests need is part of the test setup: in CI (CI set) its absence fails the
    test, since .ci/run installs it; elsewhere the test is skipped, saying what to install.
    """
    import pytest

    given = os.environ.get(env) if env else None
    for name in [given] if given else names:
        found = shutil.which(name)
        if found:
            return found
    wanted = given or " or ".join(names)
    message = f"{wanted} not found: {install} (.ci/run installs it)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def shared(tmp_path_factory, name: str, make) -> Path:
    """A folder made once per test run, even when pytest-xdist runs several workers.

    make(folder) fills the folder. Workers share the run's base temporary folder; the first to
    take the lock makes it, the others wait and reuse it (a marker file says it is complete, so
    a half-made folder is never handed out). Without xdist this is make() in a fresh folder.
    """
    from filelock import FileLock

    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent
    folder, done = base / f"shared-{name}", base / f"shared-{name}.done"
    with FileLock(str(base / f"shared-{name}.lock")):
        if not done.exists():
            if folder.exists():
                shutil.rmtree(folder)
            folder.mkdir()
            make(folder)
            done.touch()
    return folder


XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def canonical_form(triples) -> set[str]:
    """pyoxigraph triples (or quads) as a set of lines, their blank nodes labelled by Oxigraph's
    RDFC-1.0 (W3C's canonical labelling): two graphs are isomorphic when these are equal."""
    import pyoxigraph as ox

    dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return {str(quad) for quad in dataset}


def same_graph(a, b) -> bool:
    """Two rdflib graphs compared as graphs (canonical_form of each).

    rdflib's isomorphic() takes 3 s on the shapes file (1,033 triples, most of them about blank
    nodes); this takes 20 ms. The graphs themselves are still read by rdflib."""
    import pyoxigraph as ox
    import rdflib

    def term(node):
        if isinstance(node, rdflib.BNode):
            return ox.BlankNode(str(node))
        if isinstance(node, rdflib.URIRef):
            return ox.NamedNode(str(node))
        if node.language:
            return ox.Literal(str(node), language=node.language)
        return ox.Literal(str(node), datatype=ox.NamedNode(str(node.datatype or XSD_STRING)))

    def triples(graph):
        return (ox.Triple(term(s), term(p), term(o)) for s, p, o in graph)

    return canonical_form(triples(a)) == canonical_form(triples(b))


_PREPARED_QUERIES: dict = {}


def _prologue_in_order(query: str) -> str:
    """The query with its leading PREFIX lines sorted: pySHACL writes a shapes graph's
    sh:prefixes in the order it meets them, which changes from one reading of the shapes to the
    next, and the order of prefix declarations does not change what a query means."""
    lines = query.split("\n")
    head = 0
    while head < len(lines) and lines[head].startswith("PREFIX "):
        head += 1
    return "\n".join(sorted(lines[:head]) + lines[head:])


@contextmanager
def rdflib_prepared_queries():
    """rdflib parses each SPARQL query once while this is active.

    pySHACL hands rdflib the same SPARQL-based constraint query for every focus node, and rdflib
    parses it again each time (pyparsing: three quarters of a pySHACL run on our fixtures). A
    query parsed once and evaluated many times is what rdflib's prepareQuery is for, so the
    answers are rdflib's own; only the repeated parsing goes. The parsed queries are kept for
    the whole test run (a query, its base and its namespaces give the same algebra every time):
    each fixture's pySHACL run asks the same ones.
    """
    from rdflib.plugins.sparql import processor

    original = processor.SPARQLProcessor.query
    prepared = _PREPARED_QUERIES

    def query(self, query, initBindings=None, initNs=None, base=None, DEBUG=False):
        if isinstance(query, str):
            key = (_prologue_in_order(query), base, tuple(sorted((initNs or {}).items())))
            if key not in prepared:
                prepared[key] = processor.translateQuery(processor.parseQuery(query), base, initNs)
            query = prepared[key]
        return original(self, query, initBindings, initNs, base, DEBUG)

    processor.SPARQLProcessor.query = query
    try:
        yield
    finally:
        processor.SPARQLProcessor.query = original


_IN_LISTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


@contextmanager
def pyshacl_in_lists_read_once():
    """pySHACL reads each sh:in list once per shapes graph while this is active.

    pySHACL builds a shape's constraint components again every time it evaluates the shape
    (for every node a sh:node or sh:property reaches), and each sh:in component walks its RDF
    list again: the 249 country codes, item by item, were half of a pySHACL run on one fixture.
    The list is read by pySHACL itself the first time and its values reused for the same list
    node of the same (unchanged) shapes graph, so the answers stay pySHACL's own.
    """
    from pyshacl.constraints.core import other_constraints

    component = other_constraints.InConstraintComponent
    original = component.__init__
    read = _IN_LISTS

    def init(self, shape) -> None:
        nodes = list(shape.objects(other_constraints.SH_in))
        known = read.setdefault(shape.sg.graph, {})
        if len(nodes) == 1 and nodes[0] in known:
            super(component, self).__init__(shape)
            self.in_list, self.in_vals = nodes[0], set(known[nodes[0]])
            return
        original(self, shape)
        known[self.in_list] = frozenset(self.in_vals)

    component.__init__ = init
    try:
        yield
    finally:
        component.__init__ = original


_SHAPES_GRAPHS: dict = {}


@contextmanager
def shapes_graph_read_once():
    """gnlc's pySHACL route reads the (unchanged) shapes files into rdflib once while this is
    active, instead of once per validation: the engine comparison validates 75 fixtures
    against the same shapes, and the graph is kept for the whole run. pySHACL's first run adds
    two axioms of its own to the graph (owl:Class and owl:DatatypeProperty as subclasses of
    their RDFS counterparts), as it does to every fresh one; that it changes nothing after
    that is checked at each reuse."""
    from gnlc import validation

    original = validation._shapes_graph
    read = _SHAPES_GRAPHS

    def shapes_graph(files, warnings):
        key = tuple((str(p), Path(p).stat().st_mtime_ns, Path(p).stat().st_size) for p in files)
        if key not in read:
            read[key] = [original(files, warnings), None]
            return read[key][0]
        graph, size = read[key]
        if size is None:  # pySHACL's first run adds two OWL axioms of its own to the graph
            read[key][1] = len(graph)
        assert len(graph) == read[key][1], "pySHACL changed the shapes graph again"
        return graph

    validation._shapes_graph = shapes_graph
    try:
        yield
    finally:
        validation._shapes_graph = original


def exit_probe(args: list[str], flag: bool = False):
    """gnlc's main() with args in a fresh interpreter that registered an atexit handler first
    (it prints "shutdown ran" to stderr when the interpreter's shutdown runs); flag: an earlier
    command in the process had asked for the end without the shutdown."""
    import subprocess
    import sys

    code = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('shutdown ran', file=sys.stderr))\n"
        "from gnlc import isolation\n"
        f"isolation.exit_at_once = {flag}\n"
        f"sys.argv = ['gnlc', *{args!r}]\n"
        "from gnlc.cli import main\n"
        "main()\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=300
    )
