"""The package's structure, checked from its source: names defined once (issue 16 item 2) and
imports that point one way (ARCHITECTURE.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gnlc import namespaces, paths
from gnlc.namespaces import PREFIXES, compact_iri, expand_curie, short_iri

SRC = Path(__file__).resolve().parents[1] / "src" / "gnlc"
NAMED_ONCE_SCOPE = sorted(SRC.rglob("*.py"))
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


def _compact_by_trying_every_prefix(iri: str) -> str:
    """Second route for compact_iri: every project prefix tried, the shortest form kept."""
    import re

    best = iri
    for name, ns in sorted(PREFIXES.items()):
        local = iri[len(ns) :]
        plain = iri.startswith(ns) and re.fullmatch(r"[A-Za-z0-9_-]+", local)
        if plain and len(f"{name}:{local}") < len(best):
            best = f"{name}:{local}"
    return best


_LOCAL_ALPHABET = "aZ09_-./#:%~ é"


@settings(max_examples=400)  # a pure function: cheap even in CI's small profile
@given(
    namespace=st.sampled_from([*sorted(set(PREFIXES.values())), "https://example.org/", ""]),
    cut=st.one_of(st.just(0), st.integers(min_value=1, max_value=12)),
    local=st.text(alphabet=_LOCAL_ALPHABET, max_size=12),
)
def test_compact_iri_equals_trying_every_prefix(namespace: str, cut: int, local: str) -> None:
    """Namespaces cut short or run on (an IRI that ends inside another namespace), locals with
    and without characters a local name may not have, empty locals."""
    iri = namespace[: max(len(namespace) - cut, 0)] + local
    assert compact_iri(iri) == _compact_by_trying_every_prefix(iri)


def test_compact_iri_equals_trying_every_prefix_on_the_data() -> None:
    from gnlc.sources import derived_store

    store = derived_store(Path(__file__).resolve().parents[1])
    iris = {t.value for q in store for t in (q.subject, q.predicate, q.object)}
    iris = {i for i in iris if isinstance(i, str) and ":" in i}
    assert len(iris) > 1000
    for iri in sorted(iris):
        assert compact_iri(iri) == _compact_by_trying_every_prefix(iri), iri


@pytest.mark.parametrize("name", sorted(PREFIXES))
def test_expand_curie_inverts_compact_iri(name: str) -> None:
    iri = PREFIXES[name] + "Some_local-name1"
    assert expand_curie(compact_iri(iri)) == iri
    assert expand_curie(f"{name}:x") == PREFIXES[name] + "x"


def test_short_iri_shows_names_people_read() -> None:
    """The site's display form, built on compact_iri (one compactor, not a second one)."""
    base, gnlc = namespaces.BASE, namespaces.GNLC
    assert short_iri(namespaces.ONTOLOGY) == "gnlc"
    assert short_iri(gnlc + "LearningCity") == "gnlc:LearningCity"
    assert short_iri(PREFIXES["skos"] + "prefLabel") == "skos:prefLabel"
    # A hash sub-node of a compacted resource keeps its fragment; Turtle could not.
    assert short_iri(base + "city/th-chiang-rai#membership") == "city:th-chiang-rai#membership"
    assert (
        compact_iri(base + "city/th-chiang-rai#membership")
        == base + "city/th-chiang-rai#membership"
    )
    # Under the base without a prefix: the path; elsewhere: the IRI itself.
    assert short_iri(base + "dist/gnlc.ttl") == "dist/gnlc.ttl"
    assert short_iri("https://example.org/a#b") == "https://example.org/a#b"


def test_site_labels_cover_only_known_prefixes() -> None:
    from gnlc.site import i18n

    assert all(compact_iri(iri) != iri for iri in i18n.TERMS)


def test_one_list_of_integer_datatypes() -> None:
    import rdflib.term

    # A second route: rdflib's own table of XSD datatypes with integer values.
    integer_like = {
        str(dt) for dt, conv in rdflib.term.XSDToPython.items() if dt is not None and conv is int
    }
    assert integer_like == namespaces.XSD_INTEGERS


# --- layers: which module may import which (ARCHITECTURE.md) -------------------------------

ARCHITECTURE = SRC.parents[1] / "ARCHITECTURE.md"


def _ranks() -> list[list[str]]:
    """The lines of the layers block: module names (relative to gnlc), lowest rank first."""
    text = ARCHITECTURE.read_text(encoding="utf-8")
    block = text.split("<!-- layers: start -->", 1)[1].split("<!-- layers: end -->", 1)[0]
    lines = [line.split("#", 1)[0].split() for line in block.splitlines()]
    return [line for line in lines if line and not line[0].startswith("```")]


def _all_modules() -> list[str]:
    out = []
    for path in sorted(SRC.rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out.append(".".join(parts) or "gnlc")
    return out


def _unit(module: str) -> str:
    """The table entry a module belongs to."""
    if module == "site" or module.startswith("site."):
        return "site"
    if (module == "commands" or module.startswith("commands.")) and module != "commands.common":
        return "commands.*"
    return module


def _rank_of() -> dict[str, int]:
    return {name: rank for rank, line in enumerate(_ranks()) for name in line}


def _imports(path: Path, modules: set[str]) -> list[tuple[int, str]]:
    """(line, module) for every import of a project module, wherever it is in the file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [f"{node.module}.{a.name}" for a in node.names] + [node.module]
        else:
            continue
        for name in names:
            if name == "gnlc.__version__":
                found.append((node.lineno, "__version__"))
            elif name.startswith("gnlc."):
                relative = name[len("gnlc.") :]
                if relative in modules:
                    found.append((node.lineno, relative))
            elif name == "gnlc" and isinstance(node, ast.Import):
                found.append((node.lineno, "gnlc"))
    # `from gnlc import x` also yields the bare package: drop it when a submodule was named.
    named = {line for line, module in found if module != "gnlc"}
    return [(line, m) for line, m in found if not (m == "gnlc" and line in named)]


def test_every_module_has_a_rank() -> None:
    ranks = _rank_of()
    missing = sorted({_unit(m) for m in _all_modules()} - set(ranks))
    assert not missing, f"give these modules a line in ARCHITECTURE.md: {missing}"
    unknown = sorted(set(ranks) - {_unit(m) for m in _all_modules()} - {"__version__"})
    assert not unknown, f"ARCHITECTURE.md names modules that do not exist: {unknown}"


@pytest.mark.parametrize("module", _all_modules())
def test_imports_point_down(module: str) -> None:
    ranks = _rank_of()
    modules = set(_all_modules())
    unit = _unit(module)
    path = SRC / (module.replace(".", "/") + ".py")
    if not path.is_file():
        path = SRC / module.replace(".", "/") / "__init__.py"
    if module == "gnlc":
        path = SRC / "__init__.py"
    upward = [
        f"{path.relative_to(SRC.parents[1])}:{line}: {module} imports {imported}"
        for line, imported in _imports(path, modules)
        if not (unit == "site" == _unit(imported))  # site's inner imports are its own business
        and ranks[_unit(imported)] >= ranks[unit]
    ]
    assert not upward, "imports of the same or a higher line (ARCHITECTURE.md):\n" + "\n".join(
        upward
    )


def test_layer_check_catches_an_upward_import(tmp_path: Path) -> None:
    """The check itself: an import of a later line is reported (a planted example)."""
    planted = tmp_path / "planted.py"
    planted.write_text("def f():\n    from gnlc.pipeline import build\n", encoding="utf-8")
    found = _imports(planted, set(_all_modules()))
    assert found == [(2, "pipeline")]
    assert _rank_of()["pipeline"] > _rank_of()["validation"]


# The steps of the pipeline that only gnlc.pipeline may run in sequence (load -> validate ->
# locate): a second caller would be a second copy of the pipeline.
PIPELINE_STEPS = {"gnlc.validation.validate_loaded", "gnlc.validation.located"}


def test_only_the_pipeline_runs_the_pipeline() -> None:
    callers = []
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                for alias in node.names:
                    if f"{node.module}.{alias.name}" in PIPELINE_STEPS:
                        callers.append(f"{_module(path)}:{node.lineno}: {alias.name}")
    assert callers and all(c.startswith("pipeline.py:") for c in callers), "\n".join(callers)
