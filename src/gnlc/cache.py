"""The derived graph kept between runs, so `gnlc query` and `gnlc stats` skip parsing and rules.

An entry is the N-Triples dump of the derived graph, named by a BLAKE2b hash over everything that
shapes it: each input file's path (relative to the root) and bytes, the rule files, gnlc's and
pyoxigraph's versions. Any edit gives a new key, so an entry is never stale; a root keeps only its
newest entry. Entries are written atomically and carry their triple count, which is checked on
reading; a missing, damaged or unwritable cache only costs the full load. Where: GNLC_CACHE_DIR,
else $XDG_CACHE_HOME/gnlc, else ~/.cache/gnlc; GNLC_CACHE=0 turns it off.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from gnlc import __version__

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
        with open(path, "rb") as handle:
            data = handle.read()
        name = os.path.relpath(os.path.abspath(path), top)
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


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
