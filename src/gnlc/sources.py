"""Which files make up the graph, and loading them with derived links."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from gnlc.errors import GnlcError
from gnlc.paths import ONTOLOGY_FILE, SHAPES_FILE, data_files, reference_files, rule_files

if TYPE_CHECKING:
    from gnlc.loading import Loaded


def ontology_files(root: Path) -> list[Path]:
    """The vocabulary files."""
    return [root / ONTOLOGY_FILE]


def graph_files(root: Path, inputs: Sequence[Path] = ()) -> tuple[list[Path], list[Path]]:
    """(always-loaded files, data files): PATHs replace data/, reference data is always added."""
    base = ontology_files(root) + reference_files(root)
    if inputs:
        from gnlc.loading import expand_inputs

        data = expand_inputs(inputs)
    else:
        data = data_files(root)
    # Compared as absolute paths (no file-system calls): both lists come from the same root.
    always = {os.path.abspath(b) for b in base}
    data = [p for p in data if os.path.abspath(p) not in always]
    if not base[0].exists():
        raise GnlcError(f"{base[0]}: ontology file missing")
    return base, data


def load_graph(
    root: Path, inputs: Sequence[Path] = (), derive: bool = True, progress=None
) -> Loaded:
    """Ontology + reference data + data (or the given PATHs), with derived links materialised."""
    from gnlc.loading import load_files
    from gnlc.namespaces import GNLC
    from gnlc.progress import QUIET
    from gnlc.rules import materialise

    progress = progress or QUIET
    base, data = graph_files(root, inputs)
    with progress.stage("parse"):
        # Data files are watched for ontology terms they describe (a validation check).
        loaded = load_files(base + data, scan=data, namespace=GNLC)
    loaded.data_files = data
    if derive:
        with progress.stage("derive"):
            materialise(loaded.store, root)
    return loaded


def derived_store(root: Path):
    """The derived graph of root's own files, from the cache when they are unchanged."""
    from gnlc import cache

    base, data = graph_files(root)
    key = cache.current_key(root, base + data + rule_files(root))
    store = cache.read(root, key)
    if store is None:
        store = load_graph(root).store
        cache.write(root, key, store)
    return store


def shapes_files(root: Path, extra: Sequence[Path] = ()) -> list[Path]:
    """The project's shapes plus any the user adds."""
    return [root / SHAPES_FILE, *[Path(p) for p in extra]]
