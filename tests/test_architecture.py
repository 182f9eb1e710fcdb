"""The package's structure, checked from its source: names defined once (issue 16 item 2) and
imports that point one way (ARCHITECTURE.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from gnlc import namespaces, paths
from gnlc.namespaces import PREFIXES, compact_iri

SRC = Path(__file__).resolve().parents[1] / "src" / "gnlc"
# site/ is its own package, being split in its own issue; its labels table keys on full IRIs.
NAMED_ONCE_SCOPE = sorted(
    p for p in SRC.rglob("*.py") if "site" not in p.relative_to(SRC).parts[:1]
)
# Names whose one definition lives in namespaces.py or paths.py.
HOME = {
    **{n: "namespaces.py" for n in ("DATASET", "DIST_BASE", "NETWORK", "XSD_INTEGERS", "PREFIXES")},
    **{n: "paths.py" for n in ("RELEASE", "RELEASE_FILES", "FORMAT_NAMES")},
}


def _module(path: Path) -> str:
    return path.relative_to(SRC).as_posix()


def _strings(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node


@pytest.mark.parametrize("path", NAMED_ONCE_SCOPE, ids=_module)
def test_no_namespace_is_retyped(path: Path) -> None:
    if _module(path) == "namespaces.py":
        return
    tree = ast.parse(path.read_text(encoding="utf-8"))
    retyped = [
        f"{_module(path)}:{node.lineno}: {ns}"
        for node in _strings(tree)
        for ns in PREFIXES.values()
        if ns in node.value
    ]
    assert not retyped, "use gnlc.namespaces instead of:\n" + "\n".join(retyped)


@pytest.mark.parametrize("path", sorted(SRC.rglob("*.py")), ids=_module)
def test_shared_names_defined_once(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    redefined = [
        f"{_module(path)}:{node.lineno}: {target.id} (defined in {HOME[target.id]})"
        for node in tree.body
        if isinstance(node, ast.Assign) and not isinstance(node.value, ast.Name)
        for target in node.targets
        if isinstance(target, ast.Name) and target.id in HOME and HOME[target.id] != _module(path)
    ]
    assert not redefined


def test_release_table_drives_the_release_lists() -> None:
    names = [f.name for f in paths.RELEASE]
    assert len(set(names)) == len(names)
    assert list(paths.RELEASE_FILES) == names
    assert set(paths.MEDIA_TYPES) == set(paths.FORMAT_NAMES) == set(names)
    assert all("/" in f.media_type and f.label for f in paths.RELEASE)


def test_build_help_lists_every_release_file() -> None:
    from click.testing import CliRunner

    from gnlc.cli import cli

    text = " ".join(CliRunner().invoke(cli, ["build", "--help"]).output.split())
    for name in paths.RELEASE_FILES:
        # click wraps at '-'; compare with the wrapping undone.
        assert name in text.replace("- ", "-"), name


@pytest.mark.parametrize("name", sorted(PREFIXES))
def test_compact_iri_round_trips(name: str) -> None:
    iri = PREFIXES[name] + "Some_local-name1"
    short = compact_iri(iri)
    prefix, local = short.split(":", 1)
    assert PREFIXES[prefix] + local == iri
    assert len(short) <= len(f"{name}:Some_local-name1")


def test_compact_iri_leaves_unsafe_locals_alone() -> None:
    for local in ("", "a/b", "a.b", "a b", "%20"):
        assert compact_iri(namespaces.GNLC + local) == namespaces.GNLC + local
    assert compact_iri("https://example.org/x") == "https://example.org/x"
    assert compact_iri("https://example.org/x", {"ex": "https://example.org/"}) == "ex:x"


def test_one_list_of_integer_datatypes() -> None:
    import rdflib.term

    # A second route: rdflib's own table of XSD datatypes with integer values.
    integer_like = {
        str(dt) for dt, conv in rdflib.term.XSDToPython.items() if dt is not None and conv is int
    }
    assert integer_like == namespaces.XSD_INTEGERS
