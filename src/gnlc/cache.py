"""The derived graph kept between runs, so `gnlc query` and `gnlc stats` skip parsing and rules.

An entry is the N-Triples dump of the derived graph, named by a BLAKE2b hash over everything that
shapes it: each input file's path (relative to the root) and bytes, the rule files, gnlc's and
pyoxigraph's versions. Any edit gives a new key, so an entry is never stale; a root keeps only its
newest entry. Entries are written atomically and carry their triple count, which is checked on
reading; a missing, damaged or unwritable cache only costs the full load. Where: GNLC_CACHE_DIR,
else $XDG_CACHE_HOME/gnlc, else ~/.cache/gnlc; GNLC_CACHE=0 turns it off.

Reading every source to hash it costs more than the rest of a cached start-up's file work, so
the key is remembered beside the entries with the files' stat signature (path, size, mtime,
ctime, inode), as git's index does: while no file's signature changed, the key is not computed
again. ctime is the safeguard: an edit that keeps the size and puts the mtime back (touch -r, a
tool that preserves times) still moves ctime, which only the kernel sets. A signature is
trusted only when every file is older than RACY_NS when it is taken, so that a second write in
the same timestamp tick (a coarse clock, a file system with 1 or 2 s times) cannot hide
behind it. What it cannot see: a file system whose ctime does not change on writes (FAT's is the
creation time) or a clock set back; GNLC_CACHE_STAT=0 then makes every run hash the bytes.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING

from gnlc import __version__
from gnlc.paths import MAX_SOURCE_BYTES, read_regular

if TYPE_CHECKING:  # pragma: no cover - types only
    import pyoxigraph

_OFF = ("0", "off", "no", "false")


def cache_dir() -> Path | None:
    """Where entries live, or None when GNLC_CACHE turns the cache off."""
    if os.environ.get("GNLC_CACHE", "").strip().lower() in _OFF:
        return None
    if os.environ.get("GNLC_CACHE_DIR"):
        return Path(os.environ["GNLC_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "gnlc"


def inputs_key(root: Path, files: list[Path]) -> str:
    """BLAKE2b over gnlc's and pyoxigraph's versions and each file's relative path and bytes."""
    import pyoxigraph

    digest = _hasher()(f"gnlc {__version__}\0pyoxigraph {pyoxigraph.__version__}\0".encode())
    top = os.path.abspath(root)
    for path in files:
        # Read as loading reads it (regular, at most MAX_SOURCE_BYTES): a 3 GB file was read
        # whole here before loading refused it.
        data = read_regular(Path(path), MAX_SOURCE_BYTES, "source file")
        name = os.path.relpath(os.path.abspath(path), top)
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


RACY_NS = 2_000_000_000  # files changed this recently are hashed, not trusted by stat


def _signature(root: Path, files: list[Path]) -> str | None:
    """A digest of each file's relative path and stat; None when a file is too fresh to trust."""
    import pyoxigraph

    digest = _hasher()(f"gnlc {__version__}\0pyoxigraph {pyoxigraph.__version__}\0".encode())
    top = os.path.abspath(root)
    inside = top.rstrip(os.sep) + os.sep
    newest = time.time_ns() - RACY_NS
    parts = []
    for path in files:
        info = os.stat(path)
        if info.st_mtime_ns > newest or info.st_ctime_ns > newest:
            return None
        name = os.fspath(path)
        # The files come from the root's own listing: their relative names without relpath.
        name = name[len(inside) :] if name.startswith(inside) else os.path.relpath(name, top)
        parts.append(
            f"{name}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_ctime_ns}\0{info.st_ino}\n"
        )
    digest.update("".join(parts).encode())
    return digest.hexdigest()


def current_key(root: Path, files: list[Path]) -> str:
    """inputs_key(root, files), without reading the files when their stat signature is the one
    recorded with the last key computed for root (see the module's docstring)."""
    folder = cache_dir()
    if folder is None or os.environ.get("GNLC_CACHE_STAT", "").strip().lower() in _OFF:
        return inputs_key(root, files)
    try:
        signature = _signature(root, files)
    except OSError:
        signature = None
    manifest = folder / f"{_root_tag(root)}.stat"
    if signature is not None:
        try:
            with open(manifest, encoding="ascii") as handle:
                recorded, key = handle.read().split()
            if recorded == signature:
                return key
        except (OSError, ValueError):
            pass
    key = inputs_key(root, files)
    if signature is not None:
        _write_atomically(folder, manifest, f"{signature} {key}\n".encode("ascii"))
    return key


def _write_atomically(folder: Path, target: Path, data: bytes) -> None:
    """Write target in one step (a temporary file renamed); an unwritable cache is ignored."""
    import tempfile

    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".tmp-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, target)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError:
        pass


def _hasher():
    """BLAKE2b (256 bits) without importing hashlib, which loads OpenSSL (about 5 ms)."""
    try:
        from _blake2 import blake2b
    except ImportError:  # an interpreter without the built-in module
        from hashlib import blake2b
    return lambda data=b"": blake2b(data, digest_size=32)


def _root_tag(root: Path) -> str:
    return _hasher()(os.path.abspath(root).encode()).hexdigest()[:16]


def read(root: Path, key: str):
    """The cached store for key, or None."""
    import pyoxigraph

    folder = cache_dir()
    if folder is None:
        return None
    prefix = f"{_root_tag(root)}-{key}-"
    try:
        names = [n for n in os.listdir(folder) if n.startswith(prefix) and n.endswith(".nt")]
    except OSError:
        return None
    for name in names:
        try:
            expected = int(name[len(prefix) : -len(".nt")])
            store = pyoxigraph.Store()
            # Our own output: lenient parsing skips re-validating IRIs (a third faster).
            store.load(path=str(folder / name), format=pyoxigraph.RdfFormat.N_TRIPLES, lenient=True)
        except (OSError, ValueError, SyntaxError):
            continue
        if len(store) == expected:
            return store
    return None


def write(root: Path, key: str, store: pyoxigraph.Store) -> Path | None:
    """Store the derived graph under key (atomically), dropping the root's older entries."""
    import tempfile

    import pyoxigraph

    folder = cache_dir()
    if folder is None:
        return None
    tag = _root_tag(root)
    target = folder / f"{tag}-{key}-{len(store)}.nt"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".nt")
        try:
            with os.fdopen(handle, "wb") as out:
                store.dump(
                    out,
                    format=pyoxigraph.RdfFormat.N_TRIPLES,
                    from_graph=pyoxigraph.DefaultGraph(),
                )
            os.replace(temporary, target)
        except BaseException:
            os.unlink(temporary)
            raise
        for name in os.listdir(folder):
            if name.startswith(tag + "-") and name != target.name:
                os.unlink(folder / name)
    except OSError:
        return None
    return target
