"""The pipeline, in one place: load (with derived links) → validate → on refusal, locate each
finding in its file → write. `gnlc validate`, `gnlc build`, `gnlc serve`/`publish` (through
`build`) and the Python API call these; the stages are the modules below this one
(ARCHITECTURE.md)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover - types only
    from gnlc.export import Release, Written
    from gnlc.findings import Report
    from gnlc.validation import ShaclOptions


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


def build(
    root: Path, out: Path, shapes: Sequence[Path] = (), options: ShaclOptions | None = None
) -> tuple[Report, Release[Written] | None]:
    """Validate, and only if the data conforms, write the release to out (atomically).

    Returns the report (its findings located in their files when the data is refused) and the
    release written, or None when nothing was written."""
    from gnlc.atomic import refuse_unswappable
    from gnlc.export import pause_for_tests, refuse_non_folder, write_rendered
    from gnlc.progress import for_files
    from gnlc.sources import graph_files, load_graph, shapes_files
    from gnlc.validation import ShaclOptions, located, validate_loaded

    # Refused before the work, and again under the lock just before the swap.
    refuse_unswappable(out.resolve())
    refuse_non_folder(out)
    progress = for_files([p for group in graph_files(root) for p in group])
    loaded = load_graph(root, progress=progress)
    pause_for_tests("loaded")
    chosen = shapes_files(root, shapes)
    options = options or ShaclOptions()
    report = validate_loaded(
        loaded, root, chosen, progress=progress, locate_findings=False, options=options
    )
    if not report.conforms():
        return located(report, loaded.files, loaded.typed), None
    return report, write_rendered(root, loaded.store, out, progress)
