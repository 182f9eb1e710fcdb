"""Where gnlc finds its sources, and the names of the folders and release files."""

from __future__ import annotations

import os
from collections.abc import Collection
from pathlib import Path
from typing import NamedTuple

from gnlc.errors import GnlcError

SOURCE_DIRS = ("ontology", "data", "shapes", "queries")
ONTOLOGY_FILE = Path("ontology/gnlc.ttl")
CONTEXT_FILE = Path("ontology/context.jsonld")
RULES_DIR = Path("ontology/rules")
SHAPES_FILE = Path("shapes/gnlc.shacl.ttl")
REFERENCE_DIR = Path("data/reference")
QUERIES_DIR = Path("queries")
CHECKS_DIR = Path("queries/checks")
MEMBERS_CSV_QUERY = Path("queries/release/members-csv.rq")  # read by tabular, not a named query
VOID_QUERY = Path("queries/release/void.rq")  # run by void, not a named query
RDF_SUFFIXES = {".ttl": "turtle", ".nt": "ntriples", ".jsonld": "jsonld", ".rdf": "rdfxml"}


class ReleaseFile(NamedTuple):
    """One file of the release: its name, media type and a short label for people."""

    name: str
    media_type: str
    label: str


MEMBERS_CSV = "gnlc-members.csv"
MEMBERS_CSVW = MEMBERS_CSV + "-metadata.json"
DATAPACKAGE = "datapackage.json"

# The release: this one table drives build, export (VoID), the site's download list and docs.
RELEASE: tuple[ReleaseFile, ...] = (
    ReleaseFile("gnlc.ttl", "text/turtle", "Turtle"),
    ReleaseFile("gnlc.nt", "application/n-triples", "N-Triples"),
    ReleaseFile("gnlc.jsonld", "application/ld+json", "JSON-LD"),
    ReleaseFile("gnlc.rdf", "application/rdf+xml", "RDF/XML"),
    ReleaseFile("context.jsonld", "application/ld+json", "JSON-LD context"),
    ReleaseFile("gnlc-ontology.ttl", "text/turtle", "Turtle (vocabulary)"),
    ReleaseFile("gnlc-shapes.ttl", "text/turtle", "Turtle (SHACL shapes)"),
    ReleaseFile(MEMBERS_CSV, "text/csv", "CSV"),
    ReleaseFile(MEMBERS_CSVW, "application/csvm+json", "CSVW metadata"),
    ReleaseFile(DATAPACKAGE, "application/json", "Frictionless Data Package"),
    ReleaseFile("void.ttl", "text/turtle", "Turtle (VoID, DCAT)"),
    ReleaseFile("SHA256SUMS", "text/plain", "sha256sum"),
)
RELEASE_FILES = tuple(f.name for f in RELEASE)
RELEASE_GRAPH_FILES = RELEASE_FILES[:4]  # the whole graph, in four syntaxes
RELEASE_DUMP = "gnlc.nt"  # the one a server or publish loads
MEDIA_TYPES = {f.name: f.media_type for f in RELEASE}
FORMAT_NAMES = {f.name: f.label for f in RELEASE}


def rule_files(root: Path) -> list[Path]:
    """The rule files, applied in name order."""
    return query_files(root / RULES_DIR, "*.rq")


def query_files(folder: Path, pattern: str) -> list[Path]:
    """The files in folder matching pattern, sorted. A pipe, a device or a broken link of that
    name is refused, not skipped: skipping it drops a rule or check without a word. A folder
    of that name holds no query and is passed over (tests/test_located_errors.py)."""
    found = [path for path in sorted(folder.glob(pattern)) if not path.is_dir()]
    for path in found:
        if not path.is_file():
            raise GnlcError(f"{path}: not a regular file (a pipe, a device or a broken link)")
    return found


def _is_root(path: Path) -> bool:
    return all((path / name).is_dir() for name in SOURCE_DIRS)


def bundled_root() -> Path:
    """The read-only copy of the sources shipped inside a wheel (or, for an editable install,
    the checkout the package lives in)."""
    here = Path(__file__).resolve().parent
    bundle = here / "_bundle"
    if bundle.is_dir():
        return bundle
    checkout = here.parents[1]
    return checkout if _is_root(checkout) else bundle


def find_root(explicit: str | os.PathLike | None = None, start: Path | None = None) -> Path:
    """The project root: --root, else GNLC_ROOT, else the nearest parent, else the bundle."""
    chosen = explicit or os.environ.get("GNLC_ROOT")
    if chosen:
        try:
            root = Path(chosen).resolve()
        except (RuntimeError, OSError):  # a loop of symbolic links (RuntimeError before 3.13)
            raise GnlcError(f"{chosen}: not a gnlc root (a loop of symbolic links)") from None
        if not _is_root(root):
            raise GnlcError(f"{root}: not a gnlc root (needs {', '.join(SOURCE_DIRS)}/)")
        return root
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if _is_root(candidate):
            return candidate
    bundle = bundled_root()
    if _is_root(bundle):
        return bundle
    raise GnlcError("no gnlc root found here or above; use --root DIR")


def is_bundled(root: Path) -> bool:
    """True when root is the wheel's own read-only copy."""
    return root.resolve() == (Path(__file__).resolve().parent / "_bundle").resolve()


def output_dir(root: Path, name: str, chosen: bool = True) -> Path:
    """Where a command writes by default: name/ under the root being worked in, but under the
    working folder outside a checkout.

    Outside a checkout (no --root or GNLC_ROOT, chosen=False, and the working folder not
    inside root) root is find_root()'s fallback: an installed wheel's read-only copy (never
    written inside site-packages) or, for an editable install, the checkout the package lives
    in, which is not the user's to fill from another folder.
    """
    if is_bundled(root):
        return Path(name)
    if not chosen and not Path.cwd().resolve().is_relative_to(root.resolve()):
        return Path(name)
    return root / name


# The largest file gnlc reads: an RDF source (a release of 1.8 M triples is about 270 MB of
# N-Triples) and a SPARQL query file. Larger ones are refused before they are read.
MAX_SOURCE_BYTES = 1 << 30
MAX_QUERY_BYTES = 1 << 20
MAX_CONTEXT_BYTES = 1 << 20  # ontology/context.jsonld (4 kB)
# A query's result is made whole before it is printed (so that an error never leaves half an
# answer): its size is bounded, or a query could fill the memory within its --timeout (a cross
# join of the graph with itself reached 5 GB in 30 s, and Oxigraph aborts the process when an
# allocation fails). Rows (or triples) for what gnlc writes itself, bytes for what Oxigraph
# writes.
MAX_RESULT_ROWS = 1_000_000
MAX_RESULT_BYTES = 1 << 30


def read_context(path: Path) -> bytes:
    """The JSON-LD context file's bytes, read like every source (regular, bounded)."""
    try:
        return read_regular(path, MAX_CONTEXT_BYTES, "JSON-LD context")
    except OSError as exc:
        raise GnlcError(f"{path}: cannot read: {exc.strerror}") from None


def read_regular(path: Path, limit: int, what: str) -> bytes:
    """The bytes of the regular file at path (links followed), refused beyond limit bytes.

    A pipe would block the reader and a device (/dev/zero) never ends: both are refused without
    reading, the pipe opened without blocking. A file past the limit (a sparse file of 50 GB)
    is refused by its size instead of exhausting memory. OSError for what cannot be opened.
    """
    import errno
    import stat

    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(descriptor, "rb") as handle:
        info = os.fstat(descriptor)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(errno.EISDIR, "is a folder", str(path))
        if not stat.S_ISREG(info.st_mode):
            raise GnlcError(f"{path}: not a regular file (a pipe, a device or a socket)")
        if info.st_size > limit:
            raise GnlcError(
                f"{path}: {info.st_size:,} bytes; a {what} is read only up to {limit:,} bytes"
            )
        data = handle.read(limit + 1)
    if len(data) > limit:  # grew while being read
        raise GnlcError(f"{path}: over {limit:,} bytes; a {what} is read only up to that")
    return data


def rdf_files(path: Path) -> list[Path]:
    """RDF files at path (a file, or a folder searched recursively), sorted."""
    if not path.exists():
        raise GnlcError(f"{path}: no such file or folder")
    if path.is_file():
        return [path]
    if not path.is_dir():  # a device, a pipe, a socket: never read (a pipe could block)
        raise GnlcError(f"{path}: not a regular file or folder")
    return files_under(path, RDF_SUFFIXES)


def files_under(path: Path, suffixes: Collection[str]) -> list[Path]:
    """The files with one of suffixes in the folder path and its subfolders, sorted.

    Symbolic links to folders are followed, but a folder reached a second time (a link back
    to a folder above it, or two links to one folder) is refused: os.walk would go round a
    loop for ever (two links to '.' make 2^40 paths) and read the same files under new names.
    A pipe, a device, a broken link named like a wanted file or a folder that cannot be read is
    refused, never skipped: skipping it would drop its data without a word.
    """
    seen = {_folder_key(str(path)): str(path)}
    found = []
    for folder, subfolders, names in os.walk(path, followlinks=True, onerror=_unreadable):
        for name in subfolders:
            child = os.path.join(folder, name)
            key = _folder_key(child)
            if key in seen:
                raise GnlcError(
                    f"{child}: the same folder as {seen[key]}, already read (a symbolic link "
                    "loops back or leads to a folder read elsewhere); remove the link"
                )
            seen[key] = child
        found += [os.path.join(folder, n) for n in names if os.path.splitext(n)[1] in suffixes]
    for name in found:
        if not os.path.isfile(name):
            raise GnlcError(f"{name}: not a regular file (a broken link, a pipe or a device)")
    if os.name == "nt":  # Windows paths compare without case: let pathlib order them
        return sorted(Path(p) for p in found)
    # Path order (part by part) from the strings, which all start with path: a start-up cost
    # of every command (about 2 ms for data/ with Path objects sorted).
    found.sort(key=lambda p: p.split(os.sep))
    return [Path(p) for p in found]


def _unreadable(exc: OSError) -> None:
    raise GnlcError(f"{exc.filename}: cannot read this folder ({exc.strerror})")


def _folder_key(folder: str) -> tuple[int, int]:
    """What identifies a folder whatever the path that reaches it: device and inode."""
    try:
        info = os.stat(folder)
    except OSError as exc:  # a path too long for the system, a link gone meanwhile
        raise GnlcError(f"{folder}: cannot read this folder ({exc.strerror})") from None
    return info.st_dev, info.st_ino


def data_files(root: Path) -> list[Path]:
    """All hand-edited and generated data files under data/."""
    return rdf_files(root / "data")


def reference_files(root: Path) -> list[Path]:
    """The reference data always loaded: network, characteristics, SDGs, regions, cohorts..."""
    return rdf_files(root / REFERENCE_DIR)


def release_dump(release_dir: Path) -> Path:
    """The N-Triples dump of a release folder, or a clear error."""
    if not release_dir.is_dir():
        raise GnlcError(f"{release_dir}: no such release folder")
    dump = release_dir / RELEASE_DUMP
    if not dump.is_file():
        raise GnlcError(f"{release_dir}: not a release folder (no {RELEASE_DUMP}; run gnlc build)")
    return dump
