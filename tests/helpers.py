"""Independent computations for tests: rdflib instead of pyoxigraph, Python instead of SPARQL."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

GNLC = "https://w3id.org/gnlc/ontology#"
NETWORK = "https://w3id.org/gnlc/network"


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


def rdflib_release_graph(root: Path):
    """Sources plus the rules applied with rdflib's SPARQL engine until nothing changes."""
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
