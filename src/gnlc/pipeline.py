"""The pipeline, in one place: load (with derived links) → validate → on refusal, locate each
finding in its file → write. `gnlc validate`, `gnlc build`, `gnlc serve`/`publish` (through
`build`), `gnlc site` (through `validated`) and the Python API call these; the stages are the
modules below this one (ARCHITECTURE.md)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:  # pragma: no cover - types only
    import pyoxigraph

    from gnlc.export import Release, Written
    from gnlc.findings import Report
    from gnlc.loading import Loaded
    from gnlc.progress import Progress
    from gnlc.validation import ShaclOptions

T = TypeVar("T")


def validate_sources(
    root: Path,
    inputs: Sequence[Path] = (),
    shapes: Sequence[Path] = (),
    options: ShaclOptions | None = None,
) -> tuple[Report, list[str]]:
    """Load, derive, validate: the whole `gnlc validate` pipeline as a function.

    options: how SHACL runs (default: the compiled engine, no debugging output)."""
    from gnlc.progress import for_files
    from gnlc.sources import graph_files, load_graph, shapes_files
    from gnlc.validation import ShaclOptions, validate_loaded

    progress = for_files([p for group in graph_files(root, inputs) for p in group])
    loaded = load_graph(root, inputs, progress=progress)
    chosen = shapes_files(root, shapes)
    options = options or ShaclOptions()
    report = validate_loaded(loaded, root, chosen, progress=progress, options=options)
    return report, loaded.warnings


def _loaded(root: Path) -> tuple[Progress, Loaded]:
    """The project's graph with its derived links, and the progress lines for its size."""
    from gnlc.export import pause_for_tests
    from gnlc.progress import for_files
    from gnlc.sources import graph_files, load_graph

    progress = for_files([p for group in graph_files(root) for p in group])
    loaded = load_graph(root, progress=progress)
    pause_for_tests("loaded")
    return progress, loaded


def _verdict(
    root: Path, loaded: Loaded, shapes: Sequence[Path], options: ShaclOptions | None, progress
) -> Report:
    """The report on loaded, its findings not yet located (only a refusal needs their lines)."""
    from gnlc.sources import shapes_files
    from gnlc.validation import ShaclOptions, validate_loaded

    return validate_loaded(
        loaded,
        root,
        shapes_files(root, shapes),
        progress=progress,
        locate_findings=False,
        options=options or ShaclOptions(),
    )


def validated(
    root: Path,
    write: Callable[[pyoxigraph.Store, Progress], T],
    shapes: Sequence[Path] = (),
    options: ShaclOptions | None = None,
) -> tuple[Report, T | None]:
    """Load and derive the project's graph and validate it; only if the data conforms, hand the
    store to write (which writes the output) and return what it returns.

    Returns the report (its findings located in their files when the data is refused) and
    write's result, or None when write was not called."""
    from gnlc.validation import located

    progress, loaded = _loaded(root)
    report = _verdict(root, loaded, shapes, options, progress)
    if not report.conforms():
        return located(report, loaded.files, loaded.typed), None
    return report, write(loaded.store, progress)


def build(
    root: Path, out: Path, shapes: Sequence[Path] = (), options: ShaclOptions | None = None
) -> tuple[Report, Release[Written] | None]:
    """Validate, and only if the data conforms, write the release to out (atomically).

    The release is written into a temporary folder while validation runs (export.write_validated)
    and swapped in only when the data conforms. Returns the report (its findings located in
    their files when the data is refused) and the release written, or None when nothing was
    written."""
    from gnlc.atomic import refuse_unswappable, resolved
    from gnlc.export import refuse_non_folder, write_validated
    from gnlc.validation import located

    # Refused before the work, and again under the lock just before the swap.
    refuse_unswappable(resolved(out))
    refuse_non_folder(out)
    progress, loaded = _loaded(root)
    report, release = write_validated(
        root,
        loaded.store,
        out,
        lambda: _verdict(root, loaded, shapes, options, progress),
        progress,
    )
    if release is None:
        return located(report, loaded.files, loaded.typed), None
    return report, release
