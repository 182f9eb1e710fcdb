"""The release writers: one sorted canonical pass feeds all four dumps, the slow ones written by
child processes, with the same bytes as the in-memory route; graphs the release cannot say
are refused; the JSON-LD writer's shortcut for plain relative IRIs never disagrees with the
full check."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ROOT
from hypothesis import given
from hypothesis import strategies as st

from gnlc.errors import GnlcError
from gnlc.paths import RELEASE_FILES

E = "https://example.org/"


def _store(triples):
    import pyoxigraph as ox

    store = ox.Store()
    store.extend(ox.Quad(s, p, o) for s, p, o in triples)
    return store


def alone(request) -> bool:
    """True when this process runs one thread, as the forking writers need; otherwise (a
    pytest-xdist worker, a server thread left by another test) the test is run again in a
    pytest process of its own, which must pass, and False is returned."""
    import os
    import subprocess
    import sys
    import threading

    if threading.active_count() == 1:
        return True
    assert not os.environ.get("GNLC_TEST_ALONE"), "threads running in a process of its own"
    pytest_args = ["-q", "-p", "no:cacheprovider", "-p", "no:xdist", request.node.nodeid]
    done = subprocess.run(
        [sys.executable, "-m", "pytest", *pytest_args],
        cwd=ROOT,
        env={**os.environ, "GNLC_TEST_ALONE": "1"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    return False


def test_folder_release_equals_memory_release(tmp_path: Path, request) -> None:
    """The folder route (JSON-LD and RDF/XML by child processes) and the in-memory route (all
    in this process, one after the other) give the same bytes for every file."""
    import threading

    from gnlc.export import make_release, write_rendered
    from gnlc.sources import load_graph

    if not alone(request):
        return
    assert threading.active_count() == 1  # else the folder route forks nothing
    store = load_graph(ROOT).store
    written = write_rendered(ROOT, store, tmp_path / "dist")
    in_memory = make_release(ROOT, store)
    assert list(written.files) == list(in_memory.files) == list(RELEASE_FILES)
    for name in RELEASE_FILES:
        assert (tmp_path / "dist" / name).read_bytes() == in_memory.files[name], name
    # Each Written names the published file (not the temporary folder it was written into).
    for name, entry in written.files.items():
        assert entry.path == (tmp_path / "dist").resolve() / name
        assert entry.path.stat().st_size == len(entry)


def test_canonical_lines_match_the_general_route() -> None:
    """The one-pass graph (Oxigraph's dump, blank node lines relabelled, sorted once) holds the
    lines the general route gives (a Python object per triple, canonical_triples)."""
    import pyoxigraph as ox

    from gnlc.canonical import CanonicalGraph, canonical_triples

    b1, b2 = ox.BlankNode(), ox.BlankNode()
    p, q = ox.NamedNode(E + "p"), ox.NamedNode(E + "q")
    triples = [
        (ox.NamedNode(E + "a"), p, b1),
        (b1, q, ox.Literal("x _: y")),
        (b1, p, b2),
        (b2, q, ox.Literal("ไทย", language="th")),
        (ox.NamedNode(E + "a!"), p, ox.Literal("1", datatype=ox.NamedNode(E + "t"))),
        (ox.NamedNode(E + "a-b"), q, ox.NamedNode(E + "a")),
        (ox.NamedNode(E + "a"), q, ox.Literal('say "_:b0" <<x>>')),
    ]
    store = _store(triples)
    graph = CanonicalGraph.from_store(store)
    expected = sorted(f"{t} ." for t in canonical_triples(store))
    assert graph.lines == expected
    assert b"".join(graph.ntriples()).decode() == "".join(f"{line}\n" for line in expected)
    for subject in graph:
        assert graph[subject] == [
            (line.split(" ", 2)[1], line.split(" ", 2)[2][:-2])
            for line in expected
            if line.split(" ", 1)[0] == subject
        ]
    # Blank node objects: how often each is used, and by which subjects (the Turtle writer's
    # nesting), counted again from the lines.
    objects = [(line.split(" ", 1)[0], line.split(" ", 2)[2][:-2]) for line in expected]
    blanks = [(s, o) for s, o in objects if o.startswith("_:")]
    assert graph.refs == {o: sum(1 for _, x in blanks if x == o) for _, o in blanks}
    assert graph.holders == {s for s, _ in blanks}


def test_a_graph_with_named_graphs_is_refused() -> None:
    import pyoxigraph as ox

    from gnlc.export import make_release

    store = ox.Store()
    node = ox.NamedNode(E + "a")
    store.add(ox.Quad(node, node, node, ox.NamedNode(E + "g")))
    with pytest.raises(GnlcError, match="named graphs"):
        make_release(ROOT, store)


def test_a_graph_with_triple_terms_is_refused() -> None:
    import pyoxigraph as ox

    from gnlc.export import make_release

    node = ox.NamedNode(E + "a")
    store = _store([(node, node, ox.Triple(node, node, node))])
    with pytest.raises(GnlcError, match="triple terms"):
        make_release(ROOT, store)


def _fails_with(exc: BaseException):
    def make():
        raise exc
        yield b""  # a generator, as the writers are

    return make


@pytest.mark.parametrize(
    ("exc", "kind", "text"),
    [
        (GnlcError("bad graph"), GnlcError, "bad graph"),
        (OSError(28, "No space left on device", "x.rdf"), OSError, "No space left"),
        (ValueError("a bug"), RuntimeError, "ValueError: a bug"),
    ],
)
def test_a_failing_child_writer_raises_in_the_parent(
    tmp_path: Path, exc, kind, text, request
) -> None:
    """A writer that fails in its child process fails the build with the same kind of error
    (an OSError becomes the one-line 'cannot write' message upstream), never silently."""
    from gnlc.export import _Folder

    if not alone(request):
        return

    sink = _Folder(tmp_path)
    children = sink.start({"gnlc.rdf": _fails_with(exc), "gnlc.jsonld": lambda: [b"{}\n"]})
    with pytest.raises(kind, match=text):
        sink.collect(children)
    assert all(not child.running() for child in children.values())


def test_child_writers_report_size_and_digest(tmp_path: Path) -> None:
    import hashlib

    from gnlc.export import _Folder

    sink = _Folder(tmp_path)
    chunks = [b"a" * 70_000, "ไทย\n".encode()]
    sink.collect(sink.start({"gnlc.jsonld": lambda: iter(chunks)}))
    data = b"".join(chunks)
    assert (tmp_path / "gnlc.jsonld").read_bytes() == data
    assert sink.digests["gnlc.jsonld"] == (len(data), hashlib.sha256(data).hexdigest())
    assert len(sink.files["gnlc.jsonld"]) == len(data)


BASE = "https://w3id.org/gnlc/"
SEGMENT = st.text(alphabet="aZ09-_.~%:?#/@!$&'()*+,;= ", max_size=6)


@given(st.lists(SEGMENT, min_size=1, max_size=4).map("/".join))
def test_plain_relative_paths_shortcut_agrees_with_the_full_check(relative: str) -> None:
    """Where the JSON-LD writer skips resolves_to (a plain relative path), the full check
    (RFC 3986 by Oxigraph and Python's urljoin) says the same."""
    from gnlc.jsonld import _PLAIN_PATH, resolves_to

    if _PLAIN_PATH.fullmatch(relative):
        assert resolves_to(BASE, relative, BASE + relative)


@pytest.mark.parametrize(
    "relative",
    ["city/th-chiang-rai", "city/x#membership", "sdg/4", "a/b/", "x.y/z~1", "network"],
)
def test_plain_relative_paths_take_the_shortcut(relative: str) -> None:
    from gnlc.jsonld import _PLAIN_PATH, resolves_to

    assert _PLAIN_PATH.fullmatch(relative)
    assert resolves_to(BASE, relative, BASE + relative)


@pytest.mark.parametrize("relative", ["./x", "../x", "a//b", "a/./b", "x:y", "%41", "a?q", ""])
def test_other_relative_paths_get_the_full_check(relative: str) -> None:
    from gnlc.jsonld import _PLAIN_PATH

    assert _PLAIN_PATH.fullmatch(relative) is None


NAMESPACES = {"a": E, "b": E + "x/", "c": E + "x#", "d": E + "x/", "ab": E + "y/"}


@given(
    st.sampled_from(["", *NAMESPACES.values(), E + "x", "urn:"]),
    st.text(alphabet="aZ0_-./#:% ", max_size=8),
)
def test_turtle_names_by_namespace_lookup_match_the_scan(namespace: str, local: str) -> None:
    """The Turtle writer's one-lookup prefixed names equal those of the scan over prefixes
    (longest namespace first) that it replaces when every namespace ends in '/' or '#'."""
    from gnlc.turtle import _Writer

    fast = _Writer({}, {}, NAMESPACES)
    slow = _Writer({}, {}, NAMESPACES)
    slow.by_namespace = None
    assert fast.by_namespace is not None
    iri = namespace + local
    assert fast._name(iri) == slow._name(iri)


def test_no_child_process_while_other_threads_run(tmp_path: Path) -> None:
    """With another thread running (a notebook kernel, a server), nothing is forked: the files
    are written in this process, with the same bytes."""
    import threading

    from gnlc.export import _Folder

    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        sink = _Folder(tmp_path)
        children = sink.start({"gnlc.jsonld": lambda: [b"{}\n"], "gnlc.rdf": lambda: [b"<x/>"]})
        sink.collect(children)
    finally:
        stop.set()
        thread.join()
    assert children == {}
    assert (tmp_path / "gnlc.jsonld").read_bytes() == b"{}\n"
    assert (tmp_path / "gnlc.rdf").read_bytes() == b"<x/>"


def test_output_before_the_writer_processes_is_not_repeated(tmp_path: Path) -> None:
    """A script that printed before building (stdout to a file, so block-buffered) finds its
    line once: the writer processes do not flush a copy of it (multiprocessing flushes the
    streams before it forks; a bare os.fork would not)."""
    import subprocess
    import sys

    code = (
        "import pathlib, sys\n"
        "from gnlc.export import write_rendered\n"
        "from gnlc.sources import load_graph\n"
        f"root = pathlib.Path({str(ROOT)!r})\n"
        "store = load_graph(root).store\n"
        "print('before the build')\n"
        f"write_rendered(root, store, pathlib.Path({str(tmp_path / 'dist')!r}))\n"
    )
    out = tmp_path / "out.txt"
    with out.open("w") as handle:
        subprocess.run([sys.executable, "-c", code], stdout=handle, check=True, timeout=600)
    assert out.read_text().count("before the build") == 1


def _refusal(triples: int = 0):
    from gnlc.findings import Finding, Report

    finding = Finding("Violation", E + "city", "", "sh:MinCountConstraintComponent", "x", "x")
    return Report(findings=[finding], triples=triples)


def _temporaries(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if ".tmp-" in p.name or ".old-" in p.name]


def _wait_for(path: Path) -> bool:
    """True once path exists (the writer got that far); a generous limit only as a safety net."""
    import time

    limit = time.monotonic() + 300
    while not path.exists():
        if time.monotonic() > limit:
            return False
        time.sleep(0.01)
    return True


def test_a_refused_verdict_while_writing_publishes_nothing(tmp_path: Path, request) -> None:
    """The release is written while the verdict is reached; when the verdict refuses, the
    writer has already written files (seen by the verdict), yet no out folder appears and no
    temporary folder is left."""
    from gnlc.export import write_validated
    from gnlc.sources import load_graph

    if not alone(request):
        return
    store = load_graph(ROOT).store
    out = tmp_path / "dist"
    seen = []

    def verdict():
        [tmp] = [p for p in tmp_path.iterdir() if ".tmp-" in p.name]
        seen.append(_wait_for(tmp / "gnlc.nt"))
        return _refusal(len(store))

    report, release = write_validated(ROOT, store, out, verdict)
    assert seen == [True]  # the writer ran before the verdict was in
    assert release is None and not report.conforms()
    assert not out.exists()
    assert _temporaries(tmp_path) == []


def test_a_refused_verdict_leaves_the_previous_release(tmp_path: Path, release: Path) -> None:
    from gnlc.export import write_validated
    from gnlc.sources import load_graph

    out = tmp_path / "dist"
    shutil.copytree(release, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    store = load_graph(ROOT).store
    report, written = write_validated(ROOT, store, out, lambda: _refusal(len(store)))
    assert written is None and not report.conforms()
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert _temporaries(tmp_path) == []


def test_an_accepted_verdict_publishes_the_same_release(tmp_path: Path, release: Path) -> None:
    from gnlc.export import write_validated
    from gnlc.findings import Report
    from gnlc.sources import load_graph

    store = load_graph(ROOT).store
    out = tmp_path / "dist"
    report, written = write_validated(ROOT, store, out, lambda: Report([], len(store)))
    assert report.conforms() and written is not None and list(written.files) == list(RELEASE_FILES)
    for name in RELEASE_FILES:
        assert (out / name).read_bytes() == (release / name).read_bytes(), name
        assert len(written.files[name]) == (out / name).stat().st_size
    assert _temporaries(tmp_path) == []


def test_a_writer_killed_midway_publishes_nothing(
    tmp_path: Path, release: Path, request, monkeypatch
) -> None:
    """The writer process dies (killed) after its first file: the build fails with one error
    naming it, the previous release stays, and the temporary folder is removed."""
    import os
    import signal

    from gnlc import export
    from gnlc.findings import Report
    from gnlc.sources import load_graph

    if not alone(request):
        return
    real_add = export._Folder.add

    def add_then_die(self, name, chunks):
        real_add(self, name, chunks)
        os.kill(os.getpid(), signal.SIGKILL)

    monkeypatch.setattr(export._Folder, "add", add_then_die)
    out = tmp_path / "dist"
    shutil.copytree(release, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    store = load_graph(ROOT).store
    from gnlc.errors import GnlcError

    with pytest.raises(GnlcError, match=r"release writer.*killed by SIGKILL") as failed:
        export.write_validated(ROOT, store, out, lambda: Report([], len(store)))
    assert failed.value.exit_code == 2
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert _temporaries(tmp_path) == []


JSONLD_PREFIXES = {
    "a": E,
    "b": E + "x/",
    "c": E + "x#",
    "bb": E + "x/",
    "ab": E + "y/",
    "z": "urn:",
}


@given(
    st.sampled_from(["", "urn:", "urn:q/", *JSONLD_PREFIXES.values(), E + "x"]),
    st.text(alphabet="aZ0_-./#:% ", max_size=8),
)
def test_jsonld_compaction_by_namespace_lookup_matches_compact_iri(namespace, local) -> None:
    """The JSON-LD writer's one-lookup compaction gives namespaces.compact_iri's answer (the
    shortest prefix:local form, else the IRI) for namespaces ending in '/' or '#'."""
    from gnlc.jsonld import Compactor
    from gnlc.namespaces import compact_iri

    compactor = Compactor({"@context": {**JSONLD_PREFIXES, "@base": E}})
    iri = namespace + local
    assert compactor.compact_iri(iri) == compact_iri(iri, compactor.prefixes)


def test_a_refusal_leaves_no_new_parent_folder(tmp_path: Path) -> None:
    """When out's parent folder does not exist yet, the verdict comes first (a temporary folder
    beside out would have to create it): a refusal leaves the file system as it was."""
    from gnlc.export import write_validated
    from gnlc.sources import load_graph

    store = load_graph(ROOT).store
    out = tmp_path / "new" / "dist"
    report, written = write_validated(ROOT, store, out, lambda: _refusal(len(store)))
    assert written is None and not report.conforms()
    assert list(tmp_path.iterdir()) == []


def test_with_other_threads_the_verdict_comes_first(tmp_path: Path) -> None:
    """With another thread running nothing is forked: the verdict runs before anything is
    written (no temporary folder yet), and a refusal writes nothing."""
    import threading

    from gnlc.export import write_validated
    from gnlc.sources import load_graph

    store = load_graph(ROOT).store
    out = tmp_path / "dist"
    seen = []

    def verdict():
        seen.append(_temporaries(tmp_path))
        return _refusal(len(store))

    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        report, written = write_validated(ROOT, store, out, verdict)
    finally:
        stop.set()
        thread.join()
    assert seen == [[]]
    assert written is None and not report.conforms()
    assert list(tmp_path.iterdir()) == []


def test_every_release_file_and_the_folder_are_on_disk_before_the_swap(
    tmp_path: Path, monkeypatch
) -> None:
    """Renaming the folder in is atomic, but without fsync a crash just after it could leave a
    release of empty files: every file written and the folder itself are synced before the
    swap (the spy sees each one's inode, and the swap after them)."""
    import os
    import threading

    import gnlc.atomic
    from gnlc.export import write_rendered
    from gnlc.sources import load_graph

    events: list = []
    real_fsync, real_swap = os.fsync, gnlc.atomic.swap_in

    def fsync(fd: int) -> None:
        info = os.fstat(fd)
        events.append((info.st_dev, info.st_ino))
        real_fsync(fd)

    def swap_in(*args, **kwargs):
        events.append("swap")
        return real_swap(*args, **kwargs)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(gnlc.atomic, "swap_in", swap_in)
    store = load_graph(ROOT).store
    stop = threading.Event()  # another thread: everything is written in this process
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        write_rendered(ROOT, store, tmp_path / "dist")
    finally:
        stop.set()
        thread.join()
    synced = set(events[: events.index("swap")])
    out = tmp_path / "dist"
    wanted = {(p.stat().st_dev, p.stat().st_ino): p.name for p in [out, *out.iterdir()]}
    assert sorted(RELEASE_FILES) == sorted(p.name for p in out.iterdir())
    assert [name for key, name in wanted.items() if key not in synced] == []
