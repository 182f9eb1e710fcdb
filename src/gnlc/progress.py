"""Per-stage timings on stderr for long work: shown for large inputs on a terminal only.

`gnlc validate` and `gnlc build` print one line per finished stage (`gnlc: parse 4.2 s`) when the
input files are large and stderr is a terminal; in a pipe, a file or CI they stay silent.
GNLC_PROGRESS=1 forces the lines on, GNLC_PROGRESS=0 off.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

# Input size from which the stages are worth reporting (the real data is about 0.2 MB).
LARGE_INPUT_BYTES = 2_000_000


class Progress:
    """Writes `gnlc: STAGE SECONDS s` to a stream as each stage ends, when enabled."""

    def __init__(self, enabled: bool = False, stream=None) -> None:
        self.enabled = enabled
        self.stream = stream

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Time the enclosed work and report it as one line."""
        start = time.perf_counter()
        yield
        if self.enabled:
            stream = self.stream or sys.stderr
            stream.write(f"gnlc: {name} {time.perf_counter() - start:.2f} s\n")
            stream.flush()


def wanted(size: int, stream=None) -> bool:
    """True when work on size input bytes should report its stages on stream (stderr)."""
    forced = os.environ.get("GNLC_PROGRESS", "")
    if forced in ("0", "1"):
        return forced == "1"
    if os.environ.get("CI"):
        return False
    stream = stream or sys.stderr
    try:
        terminal = stream.isatty()
    except (AttributeError, ValueError):
        terminal = False
    return terminal and size >= LARGE_INPUT_BYTES


def for_files(files: Iterable[Path], stream=None) -> Progress:
    """A Progress that reports only if the files are large and stderr is a terminal."""
    size = 0
    for path in files:
        try:
            size += Path(path).stat().st_size
        except OSError:
            continue
    return Progress(wanted(size, stream), stream)


QUIET = Progress()
