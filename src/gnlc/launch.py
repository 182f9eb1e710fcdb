"""The `gnlc` command's entry point: a local `gnlc query` starts loading its cached graph first.

A cached `gnlc query` spends about 30 ms of CPU in Oxigraph building its store from the cached
N-Triples and about as much importing click and the command's modules. Oxigraph builds the
store without holding the GIL, so, before click is imported, main() finds the root and the
cache key the way the command will (the same functions: gnlc.paths, gnlc.sources, gnlc.cache)
and starts reading the entry in a thread; the command's derived_store takes that store when its
root is the same, and otherwise ignores it. Only the arguments are guessed here, never the
answer: a guess that does not fit (another root, no cache entry) costs the work, not a result.

After a local query, the process ends with os._exit once its output is flushed: Python's
shutdown (freeing the store and every module) costs about 9 ms of CPU and serves nothing there.
"""

from __future__ import annotations

import os
import sys

# Options of `gnlc query` after which the graph is not loaded locally.
_NOT_LOCAL = ("--list", "--endpoint", "-h", "--help")


def local_query_root(args: list[str]) -> tuple[bool, str | None]:
    """(True, the --root value or None) when args run a local `gnlc query`, else (False, None).

    Global options before the command are --root DIR, --root=DIR and --debug; anything else
    there (--help, --version, an unknown option, another command) is not a local query.
    """
    root = None
    index = 0
    while index < len(args):
        arg = args[index]
        if arg == "--root" and index + 1 < len(args):
            root = args[index + 1]
            index += 2
        elif arg.startswith("--root="):
            root = arg[len("--root=") :]
            index += 1
        elif arg == "--debug":
            index += 1
        elif arg == "query":
            rest = args[index + 1 :]
            local = not any(a in _NOT_LOCAL or a.startswith("--endpoint=") for a in rest)
            return (local, root) if local else (False, None)
        else:
            return False, None
    return False, None


def start_reading(args: list[str]) -> bool:
    """For a local `gnlc query`, start reading root's cache entry in a thread; True if started.

    Nothing is reported here: a root that cannot be found or read is the command's to report.
    """
    local, explicit = local_query_root(args)
    if not local:
        return False
    try:
        from gnlc import cache
        from gnlc.paths import find_root
        from gnlc.sources import derived_inputs

        if cache.cache_dir() is None:
            return False
        root = find_root(explicit)
        key = cache.current_key(root, derived_inputs(root))
        cache.read_soon(root, key)
    except Exception:  # the command meets the same problem and says it properly
        return False
    return True


def main() -> None:
    """Run the `gnlc` command (gnlc.cli), a local query's cached graph loading meanwhile."""
    started = start_reading(sys.argv[1:])
    from gnlc.cli import main as run

    if not started:
        run()
        return
    try:
        run()
    except SystemExit as exc:
        code = exc.code
    else:
        code = 0
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    from contextlib import suppress

    for stream in (sys.stdout, sys.stderr):
        with suppress(OSError, ValueError):  # a closed pipe: Python's own exit ignores it too
            stream.flush()
    os._exit(code or 0)
