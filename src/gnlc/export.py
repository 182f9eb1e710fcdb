"""`gnlc build`: the release files, written to a temporary folder and swapped in atomically.

The files are made by `gnlc.dumps` (the graph in four syntaxes), `gnlc.tabular` (the members
CSV and its descriptions) and `gnlc.void` (VoID and DCAT); this module orders them, runs the
slow dumps side by side in child processes when writing to a folder, and swaps the folder in.
"""

from __future__ import annotations

import hashlib
import os
import signal
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Generic, TypeVar

from gnlc import __version__

# Re-exported: gnlc.site writes its per-resource N-Triples and RDF/XML with these.
from gnlc.dumps import ntriples as ntriples
from gnlc.dumps import rdfxml_bytes as rdfxml_bytes
from gnlc.errors import GnlcError
from gnlc.paths import CONTEXT_FILE, ONTOLOGY_FILE, RELEASE_FILES, SHAPES_FILE

if TYPE_CHECKING:  # pragma: no cover - types only
    import pyoxigraph


def pause_for_tests(stage: str) -> None:
    """Stop here when GNLC_TEST_PAUSE_AT names this stage (tests interrupt a build this way)."""
    if os.environ.get("GNLC_TEST_PAUSE_AT") == stage:
        sys.stderr.write(f"gnlc: test pause at {stage}\n")
        sys.stderr.flush()
        os.kill(os.getpid(), signal.SIGSTOP)


def release_date(root: Path) -> str:
    """The date of the last commit (builds of one commit are identical), else the ontology's."""
    import subprocess

    try:
        out = subprocess.run(
            ["git", "-C", str(root), "log", "-1", "--format=%cs"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout.strip()
        if len(out) == 10:
            return out
    except (OSError, subprocess.SubprocessError):
        pass
    import re

    text = (root / ONTOLOGY_FILE).read_text(encoding="utf-8")
    match = re.search(r'dcterms:modified "(\d{4}-\d{2}-\d{2})"', text)
    return match.group(1) if match else "1970-01-01"


_File = TypeVar("_File", bytes, "Written")


@dataclass
class Release(Generic[_File]):
    """Every release file by name: its bytes (make_release) or where build() wrote it."""

    files: dict[str, _File]


# The dumps that take longest: written by child processes while this one goes on.
SIDE_BY_SIDE = ("gnlc.jsonld", "gnlc.rdf")


class _Memory:
    """Collects release files as bytes (make_release); everything is made in this process."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.digests: dict[str, tuple[int, str]] = {}

    def add(self, name: str, chunks) -> None:
        data = chunks if isinstance(chunks, bytes) else b"".join(chunks)
        self.files[name] = data
        self.digests[name] = (len(data), hashlib.sha256(data).hexdigest())

    def reader(self, name: str):
        return self.files[name]

    def start(self, makers: dict[str, Callable[[], Iterable[bytes]]]) -> dict[str, _Child]:
        for name, make in makers.items():
            self.add(name, make())
        return {}

    def collect(self, children: dict[str, _Child]) -> None:
        """Nothing to collect: start() made every file."""


class Written:
    """A release file already written to disk: its path and size (len() gives the size)."""

    def __init__(self, path: Path, size: int) -> None:
        self.path = path
        self.size = size

    def __len__(self) -> int:
        return self.size


def _write_file(path: Path, chunks) -> tuple[int, str]:
    """Write chunks (bytes, or an iterable of bytes) to path, synced; (size, SHA-256 hex)."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "wb") as handle:
        for chunk in [chunks] if isinstance(chunks, bytes) else chunks:
            handle.write(chunk)
            digest.update(chunk)
            size += len(chunk)
        handle.flush()
        os.fsync(handle.fileno())
    return size, digest.hexdigest()


class _Folder:
    """Writes release files into a folder as they are made, so they need not all be in memory;
    start() hands files to child processes that write them side by side."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.files: dict[str, Written] = {}
        self.digests: dict[str, tuple[int, str]] = {}

    def add(self, name: str, chunks) -> None:
        self.record(name, *_write_file(self.folder / name, chunks))

    def record(self, name: str, size: int, digest: str) -> None:
        self.files[name] = Written(self.folder / name, size)
        self.digests[name] = (size, digest)
        pause_for_tests(f"wrote-{name}")

    def reader(self, name: str):
        return open(self.folder / name, "rb")  # the caller closes it

    def start(self, makers: dict[str, Callable[[], Iterable[bytes]]]) -> dict[str, _Child]:
        import threading

        if threading.active_count() > 1:
            # Forking a process with other threads (a notebook's kernel, a server) can leave a
            # lock held in the child: then every file is made here.
            for name, make in makers.items():
                self.add(name, make())
            return {}
        children: dict[str, _Child] = {}
        try:
            for name, make in makers.items():
                children[name] = _Child(make, self.folder / name)
        except BaseException:
            for child in children.values():
                child.stop()
            raise
        return children

    def collect(self, children: dict[str, _Child]) -> None:
        """Wait for each child and record its file (a child's failure is raised here)."""
        try:
            for name, child in children.items():
                self.record(name, *child.result())
        finally:
            for child in children.values():
                child.stop()


class _Child:
    """One release file written by a forked child process, which reports (size, digest).

    Forking shares the parent's graph without copying or pickling it; the child dies with the
    parent (a killed build leaves no writer behind)."""

    def __init__(self, make: Callable[[], Iterable[bytes]], path: Path) -> None:
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self.path = path
        self.receive, send = context.Pipe(duplex=False)
        self.process = context.Process(
            target=_child_main, args=(make, path, send, os.getpid()), daemon=True
        )
        self.process.start()
        send.close()

    def result(self) -> tuple[int, str]:
        """(size, SHA-256 hex) of the file written, or the child's error raised here."""
        try:
            status, *value = self.receive.recv()
        except EOFError:
            self.process.join()
            raise RuntimeError(
                f"{self.path.name}: the writer process ended without a result "
                f"(exit {self.process.exitcode})"
            ) from None
        self.process.join()
        if status == "ok":
            return value[0], value[1]
        if status == "gnlc":
            raise GnlcError(value[0])
        if status == "os":
            raise OSError(*value)
        raise RuntimeError(f"{self.path.name}: the writer process failed:\n{value[0]}")

    def stop(self) -> None:
        """Kill the child if it still runs (the build failed elsewhere)."""
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.receive.close()


def _child_main(make: Callable[[], Iterable[bytes]], path: Path, send, parent: int) -> None:
    import gc
    import traceback

    _die_with_parent(parent)
    # Short-lived: no collection walking (and so copying) the objects shared with the parent.
    gc.disable()
    try:
        send.send(("ok", *_write_file(path, make())))
    except GnlcError as exc:
        send.send(("gnlc", exc.message))
    except OSError as exc:
        send.send(("os", exc.errno, exc.strerror, exc.filename))
    except BaseException:
        send.send(("error", traceback.format_exc()))
    finally:
        send.close()


def _die_with_parent(parent: int) -> None:
    """Ask Linux to kill this process when its parent dies (elsewhere, nothing to do)."""
    try:
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # 1: PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before the request
        os._exit(1)


def _render(root: Path, store: pyoxigraph.Store, sink, progress=None) -> None:
    """Every release file, handed to sink (in RELEASE_FILES order once all are made)."""
    from gnlc.canonical import CanonicalGraph
    from gnlc.dumps import GENERATED, dump_writers
    from gnlc.formatting import canonical_text
    from gnlc.progress import QUIET
    from gnlc.tabular import csvw_metadata, datapackage, members_csv
    from gnlc.void import void_turtle

    progress = progress or QUIET
    date = release_date(root)
    header = f"# {GENERATED}\n# version {__version__}, {date}; licence CC BY 4.0\n"
    with progress.stage("canonical N-Triples"):
        graph = CanonicalGraph.from_store(store)
    count = graph.count
    writers = dump_writers(graph, root / CONTEXT_FILE, header, lambda: sink.reader("gnlc.nt"))
    del graph
    with progress.stage("gnlc.nt"):
        sink.add("gnlc.nt", writers.pop("gnlc.nt")())  # first: RDF/XML is read back from it
    children = sink.start({name: writers.pop(name) for name in SIDE_BY_SIDE})
    try:
        for name, make in writers.items():
            with progress.stage(name):
                sink.add(name, make())
        del writers
        sink.add("context.jsonld", (root / CONTEXT_FILE).read_bytes())
        ontology_text, _ = canonical_text(root / ONTOLOGY_FILE)
        sink.add("gnlc-ontology.ttl", (header + ontology_text).encode("utf-8"))
        shapes_text, _ = canonical_text(root / SHAPES_FILE)
        sink.add("gnlc-shapes.ttl", (header + shapes_text).encode("utf-8"))
        with progress.stage("gnlc-members.csv"):
            table = members_csv(root, store).encode("utf-8")
            sink.add("gnlc-members.csv", table)
            sink.add("gnlc-members.csv-metadata.json", csvw_metadata(date, __version__).encode())
            sink.add("datapackage.json", datapackage(date, __version__, table).encode("utf-8"))
        if children:
            with progress.stage(" and ".join(children)):
                sink.collect(children)
    finally:
        for child in children.values():
            child.stop()
    sink.add("void.ttl", void_turtle(root, dict(sink.digests), store, date, count).encode("utf-8"))
    sums = "".join(f"{digest}  {name}\n" for name, (_, digest) in sorted(sink.digests.items()))
    sink.add("SHA256SUMS", sums.encode("utf-8"))
    check_release_names(sink.digests)
    sink.files = {name: sink.files[name] for name in RELEASE_FILES}


def check_release_names(made: Iterable[str]) -> None:
    """RuntimeError (a bug, not bad input) unless exactly the files of paths.RELEASE were made;
    a real check, not an assert, so that `python -O` keeps it."""
    missing, extra = set(RELEASE_FILES) - set(made), set(made) - set(RELEASE_FILES)
    if missing or extra:
        raise RuntimeError(
            f"release files differ from paths.RELEASE: missing {sorted(missing)}, "
            f"extra {sorted(extra)}"
        )


def make_release(root: Path, store: pyoxigraph.Store) -> Release[bytes]:
    """Every release file's bytes from a validated, derived store."""
    sink = _Memory()
    _render(root, store, sink)
    return Release(sink.files)


def write_rendered(
    root: Path, store: pyoxigraph.Store, out: Path, progress=None
) -> Release[Written]:
    """Render the release straight into a temporary folder beside out, then swap it in.

    Each file is written as soon as it is made, so a large release is never all in memory;
    the Release returned holds Written entries (path and size), not bytes.
    """
    from gnlc.atomic import replace_folder

    def fill(tmp: Path) -> _Folder:
        sink = _Folder(tmp)
        _render(root, store, sink, progress)
        pause_for_tests("rendered")
        return sink

    sink = replace_folder(out, fill, refuse_non_folder, lambda: pause_for_tests("before-swap"))
    return Release(sink.files)


def refuse_non_folder(out: Path) -> None:
    """Refuse to replace (and so delete) anything but an earlier release or an empty folder."""
    if out.exists() and not out.is_dir():
        raise GnlcError(f"{out}: exists and is not a folder")
    try:
        foreign = out.is_dir() and any(out.iterdir()) and not (out / "SHA256SUMS").is_file()
    except OSError as exc:
        raise GnlcError(f"{out}: cannot read the folder: {exc.strerror}") from None
    if foreign:
        raise GnlcError(
            f"{out}: folder is not empty and holds no gnlc release (no SHA256SUMS); "
            "it would be replaced, so choose another --out"
        )
