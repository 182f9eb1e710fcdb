"""`gnlc build`: the release files, written to a temporary folder and swapped in atomically.

The files are made by `gnlc.dumps` (the graph in four syntaxes), `gnlc.tabular` (the members
CSV and its descriptions) and `gnlc.void` (VoID and DCAT); this module orders them, runs the
slow dumps side by side in child processes when writing to a folder, and swaps the folder in.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Generic, NoReturn, TypeVar

from gnlc import __version__
from gnlc.errors import GnlcError
from gnlc.paths import CONTEXT_FILE, ONTOLOGY_FILE, RELEASE_FILES, SHAPES_FILE, read_context

if TYPE_CHECKING:  # pragma: no cover - types only
    import pyoxigraph

    from gnlc.findings import Report


# gnlc.site writes its per-resource N-Triples and RDF/XML with these two. The writers' modules
# are imported when first used: `gnlc build` imports them in its writer process only, while
# the first process validates.
def ntriples(triples: list, header: str = "") -> str:
    """Sorted N-Triples text, one triple a line (gnlc.dumps.ntriples)."""
    from gnlc.dumps import ntriples as sorted_ntriples

    return sorted_ntriples(triples, header)


def rdfxml_bytes(triples) -> bytes:
    """RDF/XML with the project's prefixes, as UTF-8 bytes (gnlc.dumps.rdfxml_bytes)."""
    from gnlc.dumps import rdfxml_bytes as rdfxml

    return rdfxml(triples)


def pause_for_tests(stage: str) -> None:
    """Stop here when GNLC_TEST_PAUSE_AT names this stage (tests interrupt a build this way)."""
    if os.environ.get("GNLC_TEST_PAUSE_AT") == stage:
        sys.stderr.write(f"gnlc: test pause at {stage}\n")
        sys.stderr.flush()
        os.kill(os.getpid(), signal.SIGSTOP)


class _ReleaseDate:
    """The release's date: that of the last commit (builds of one commit are identical), else
    the ontology's dcterms:modified. git is asked at once and read when needed, so that it runs
    while the caller goes on (the canonical pass)."""

    def __init__(self, root: Path) -> None:
        import subprocess

        self.root = root
        try:
            self.git: subprocess.Popen | None = subprocess.Popen(
                ["git", "-C", str(root), "log", "-1", "--format=%cs"],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
            )
        except OSError:
            self.git = None

    def result(self) -> str:
        import subprocess

        if self.git is not None:
            try:
                out = self.git.communicate(timeout=10)[0].strip()
                if len(out) == 10:
                    return out
            except subprocess.SubprocessError:
                self.git.kill()
                self.git.communicate()
        import re

        text = (self.root / ONTOLOGY_FILE).read_text(encoding="utf-8")
        match = re.search(r'dcterms:modified "(\d{4}-\d{2}-\d{2})"', text)
        return match.group(1) if match else "1970-01-01"


_File = TypeVar("_File", bytes, "Written")


@dataclass
class Release(Generic[_File]):
    """Every release file by name: its bytes (make_release) or where build() wrote it."""

    files: dict[str, _File]


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

    def finish(self) -> None:
        """Nothing to put on disk."""


class Written:
    """A release file already written to disk: its path and size (len() gives the size)."""

    def __init__(self, path: Path, size: int) -> None:
        self.path = path
        self.size = size

    def __len__(self) -> int:
        return self.size


def _write_file(path: Path, chunks) -> tuple[int, str]:
    """Write chunks (bytes, or an iterable of bytes) to path; (size, SHA-256 hex).

    Not synced here: sync_folder syncs the whole folder once every file is written."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "wb") as handle:
        for chunk in [chunks] if isinstance(chunks, bytes) else chunks:
            handle.write(chunk)
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def sync_folder(folder: Path) -> None:
    """Put every file in folder, and the folder itself, on disk (fsync) before it is swapped in,
    so that a crash after the swap cannot leave a release of empty files.

    The files are synced side by side in threads: the file system commits its journal once for
    all of them (12 files: ~10 ms, against ~45 ms one after another)."""
    from concurrent.futures import ThreadPoolExecutor

    def sync(path: str) -> None:
        handle = os.open(path, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)

    paths = [entry.path for entry in os.scandir(folder) if entry.is_file(follow_symlinks=False)]
    if paths:
        with ThreadPoolExecutor(min(16, len(paths))) as pool:
            list(pool.map(sync, paths))  # list(): an OSError is raised here
    sync(str(folder))


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

    def finish(self) -> None:
        """Every file written: put them on disk."""
        sync_folder(self.folder)

    def start(self, makers: dict[str, Callable[[], Iterable[bytes]]]) -> dict[str, _Child]:
        if not can_fork():
            for name, make in makers.items():
                self.add(name, make())
            return {}
        children: dict[str, _Child] = {}
        try:
            for name, make in makers.items():
                children[name] = _Child(_writing(self.folder / name, make), name)
        except BaseException:
            for child in children.values():
                child.stop()
            raise
        return children

    def collect(self, children: dict[str, _Child]) -> None:
        """Wait for each child and record its file (a child's failure is raised here)."""
        try:
            for name, child in children.items():
                size, digest = child.result()
                self.record(name, size, digest)
        finally:
            for child in children.values():
                child.stop()


def _writing(path: Path, make: Callable[[], Iterable[bytes]]) -> Callable[[], tuple[int, str]]:
    """A function writing make()'s bytes to path, for a child process: (size, SHA-256 hex)."""
    return lambda: _write_file(path, make())


def can_fork() -> bool:
    """Whether work may go to forked child processes: not where fork is missing, nor with other
    threads running (a notebook's kernel, a server), whose locks a child could inherit held."""
    import threading

    return hasattr(os, "fork") and threading.active_count() == 1


_SIGNALS = {int(sig) for sig in signal.Signals}


class _Child:
    """work() run by a forked child process, which sends back its value (as JSON) or its error.

    Forking shares the parent's graph and store without copying or pickling them; the child
    dies with the parent (a killed build leaves no writer behind). A bare fork and a pipe: the
    multiprocessing package costs more to import than the whole of a small build's writing."""

    def __init__(self, work: Callable[[], object], what: str) -> None:
        self.what = what
        # Whatever is buffered would be written again by the child: flushed before the fork.
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(AttributeError, ValueError, OSError):
                stream.flush()
        receive, send = os.pipe()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:
            os.close(receive)
            _child_main(work, send, parent)  # never returns
        os.close(send)
        self.pid = pid
        self.receive: int | None = receive
        self.exit: int | None = None

    def result(self):
        """work()'s value (as JSON gives it back), or the child's error raised here."""
        if self.receive is None:
            raise RuntimeError(f"{self.what}: the result was already read")
        chunks = []
        while chunk := os.read(self.receive, 1 << 16):
            chunks.append(chunk)
        self._reap()
        if not chunks and self.exit is not None and self.exit < 0:
            # Killed from outside (the kernel's out-of-memory killer, an operator): not a bug
            # of gnlc, and the caller publishes nothing.
            name = signal.Signals(-self.exit).name if -self.exit in _SIGNALS else -self.exit
            raise GnlcError(
                f"{self.what}: the writer process was killed by {name} (out of memory?)"
            )
        if not chunks:
            raise RuntimeError(
                f"{self.what}: the writer process ended without a result (exit {self.exit})"
            )
        status, *value = json.loads(b"".join(chunks))
        if status == "ok":
            return value[0]
        if status == "gnlc":
            raise GnlcError(value[0], value[1])
        if status == "os":
            raise OSError(*value)
        raise RuntimeError(f"{self.what}: the writer process failed:\n{value[0]}")

    def running(self) -> bool:
        """True while the child process has not ended."""
        if self.exit is None and os.waitpid(self.pid, os.WNOHANG)[0] == self.pid:
            self.exit = -1  # ended, not yet reaped by _reap: its status is of no use here
        return self.exit is None

    def _reap(self) -> None:
        if self.receive is not None:
            os.close(self.receive)
            self.receive = None
        if self.exit is None:
            status = os.waitpid(self.pid, 0)[1]
            self.exit = os.waitstatus_to_exitcode(status)

    def stop(self) -> None:
        """Kill the child if it still runs (the build failed elsewhere), and reap it."""
        if self.exit is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
        self._reap()


def _child_main(work: Callable[[], object], send: int, parent: int) -> NoReturn:
    """Run work in the child, write its outcome to send and end the process."""
    try:
        import gc

        _die_with_parent(parent)
        # Short-lived: no collection walking (and so copying) the objects shared with the parent.
        gc.disable()
        try:
            message = ["ok", work()]
        except GnlcError as exc:
            message = ["gnlc", exc.message, exc.exit_code]
        except OSError as exc:
            filename = None if exc.filename is None else os.fsdecode(exc.filename)
            message = ["os", exc.errno, exc.strerror, filename]
        except BaseException:
            import traceback

            message = ["error", traceback.format_exc()]
        data = memoryview(json.dumps(message).encode())
        while data:
            data = data[os.write(send, data) :]
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(0)


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
    from gnlc.dumps import GENERATED, dump_writers, jsonld_writer
    from gnlc.formatting import canonical_text
    from gnlc.progress import QUIET
    from gnlc.tabular import csvw_metadata, datapackage, members_csv
    from gnlc.void import void_turtle

    progress = progress or QUIET
    dating = _ReleaseDate(root)  # git runs during the canonical pass
    with progress.stage("canonical N-Triples"):
        graph = CanonicalGraph.from_store(store)
    count = graph.count
    # JSON-LD needs neither the date nor gnlc.nt: its writer starts first.
    children = sink.start({"gnlc.jsonld": jsonld_writer(graph, root / CONTEXT_FILE)})
    try:
        date = dating.result()
        header = f"# {GENERATED}\n# version {__version__}, {date}; licence CC BY 4.0\n"
        writers = dump_writers(graph, root / CONTEXT_FILE, header, lambda: sink.reader("gnlc.nt"))
        del writers["gnlc.jsonld"]
        del graph
        with progress.stage("gnlc.nt"):
            sink.add("gnlc.nt", writers.pop("gnlc.nt")())  # first: RDF/XML is read back from it
        children |= sink.start({"gnlc.rdf": writers.pop("gnlc.rdf")})
        for name, make in writers.items():
            with progress.stage(name):
                sink.add(name, make())
        del writers
        sink.add("context.jsonld", read_context(root / CONTEXT_FILE))
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
    sink.finish()


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
    # The files were written into the temporary folder, now renamed to out: name them there.
    folder = out.resolve()
    return Release({name: Written(folder / name, len(f)) for name, f in sink.files.items()})


class _Refused(Exception):
    """The verdict refused the data: the release being written is dropped."""

    def __init__(self, report: Report) -> None:
        super().__init__("refused")
        self.report = report


class _VerdictFailed(Exception):
    """An OSError of the verdict itself, carried past replace_folder (whose OSErrors are the
    output folder's) to be raised again as it was."""

    def __init__(self, error: OSError) -> None:
        super().__init__(str(error))
        self.error = error


def _render_folder(root: Path, store: pyoxigraph.Store, folder: Path, progress) -> list:
    """Every release file written into folder; [name, size, SHA-256 hex] each, in release order."""
    sink = _Folder(folder)
    _render(root, store, sink, progress)
    return [[name, *sink.digests[name]] for name in sink.files]


def write_validated(
    root: Path,
    store: pyoxigraph.Store,
    out: Path,
    verdict: Callable[[], Report],
    progress=None,
) -> tuple[Report, Release[Written] | None]:
    """verdict() (validation), and the release swapped in at out only if its report conforms.

    The files do not depend on the verdict, so a child process writes them into the temporary
    folder beside out while verdict() runs here; a refusal (or any failure) kills the writer and
    removes the folder, so nothing is published. Where no process can be forked (other threads
    running, no fork) or out's parent folder does not exist yet (a refusal must not leave it
    made), verdict() runs first and the release is written after it (write_rendered).
    """
    from gnlc.atomic import replace_folder

    if not can_fork() or not out.resolve().parent.is_dir():
        report = verdict()
        if not report.conforms():
            return report, None
        return report, write_rendered(root, store, out, progress)

    def fill(tmp: Path) -> tuple[Report, list]:
        writer = _Child(lambda: _render_folder(root, store, tmp, progress), "the release writer")
        try:
            try:
                report = verdict()
            except OSError as exc:
                raise _VerdictFailed(exc) from exc
            if not report.conforms():
                raise _Refused(report)
            made = writer.result()
        finally:
            writer.stop()
        pause_for_tests("rendered")
        return report, made

    try:
        report, made = replace_folder(
            out, fill, refuse_non_folder, lambda: pause_for_tests("before-swap")
        )
    except _Refused as refused:
        return refused.report, None
    except _VerdictFailed as failed:
        raise failed.error from None
    folder = out.resolve()
    return report, Release({name: Written(folder / name, size) for name, size, _ in made})


def refuse_non_folder(out: Path) -> None:
    """Refuse to replace (and so delete) anything but an earlier release or an empty folder.

    An earlier release holds a SHA256SUMS that lists gnlc's dumps (gnlc.nt and void.ttl), and
    only files: release files, or files its SHA256SUMS lists (a release of another version). A
    folder that merely holds a file called SHA256SUMS (a downloads folder beside an ISO image,
    even one made by `sha256sum *`) is not one: replacing it would delete everything in it.
    """
    if out.exists() and not out.is_dir():
        raise GnlcError(f"{out}: exists and is not a folder")
    try:
        entries = sorted(out.iterdir()) if out.is_dir() else []
        sums = out / "SHA256SUMS"
        if entries and not sums.is_file():
            raise GnlcError(
                f"{out}: folder is not empty and holds no gnlc release (no SHA256SUMS); "
                "it would be replaced, so choose another --out"
            )
        listed = _listed_in_sums(sums) if entries else set()
        if entries and not {"gnlc.nt", "void.ttl"} <= listed:
            # `sha256sum * > SHA256SUMS` beside downloads makes a SHA256SUMS too; gnlc's lists
            # its own dumps.
            raise GnlcError(
                f"{out}: its SHA256SUMS lists no gnlc.nt and void.ttl, so it is no gnlc release;"
                " the folder would be replaced and its files deleted, so choose another --out"
            )
        known = listed | set(RELEASE_FILES)
        for entry in entries:
            if entry.is_dir() or entry.name not in known:
                raise GnlcError(
                    f"{out}: holds {entry.name!r}, which is no part of a gnlc release; the "
                    "folder would be replaced and it deleted, so choose another --out"
                )
    except OSError as exc:
        raise GnlcError(f"{out}: cannot read the folder: {exc.strerror}") from None


def _listed_in_sums(sums: Path) -> set[str]:
    """The file names a SHA256SUMS file lists (`digest  name` lines)."""
    from gnlc.paths import read_regular

    text = read_regular(sums, 1 << 20, "SHA256SUMS file").decode("utf-8", "replace")
    return {line.split(None, 1)[1].lstrip("*") for line in text.splitlines() if " " in line}
