"""The site package has no import circle (issue #15 item 8).

Every import counts: at module level, inside functions and under `if TYPE_CHECKING:`, because a
circle that only type checkers follow still ties the modules together for a reader.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = "gnlc.site"
SITE = Path(__file__).resolve().parents[1] / "src" / "gnlc" / "site"


def module_name(path: Path, folder: Path = SITE) -> str:
    """gnlc.site.A.B for SITE/A/B.py; gnlc.site.A for SITE/A/__init__.py."""
    parts = path.relative_to(folder).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join([PACKAGE, *parts])


def site_imports(path: Path, modules: set[str], folder: Path = SITE) -> set[str]:
    """The gnlc.site modules that the module at path imports, read from its syntax tree."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative import: from . import x / from .x import y
                here = module_name(path, folder).split(".")
                if path.name != "__init__.py":
                    here = here[:-1]
                here = here[: len(here) - (node.level - 1)]
                base = ".".join([*here, *filter(None, [base])])
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                found.add(candidate if candidate in modules else base)
    return {name for name in found if name in modules} - {module_name(path, folder)}


def import_graph(folder: Path) -> dict[str, set[str]]:
    """Module -> the site modules it imports, for every .py file in folder and below."""
    paths = sorted(folder.rglob("*.py"))
    modules = {module_name(p, folder) for p in paths}
    return {module_name(p, folder): site_imports(p, modules, folder) for p in paths}


def find_circle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle as [a, b, ..., a], or None (depth-first search with colours)."""
    state: dict[str, str] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = "open"
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == "open":
                return [*stack[stack.index(target) :], target]
            if target not in state and (circle := visit(target)):
                return circle
        stack.pop()
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state and (circle := visit(node)):
            return circle
    return None


def test_no_import_circle_in_the_site_package() -> None:
    """No module of src/gnlc/site/ imports, directly or through others, a module importing it."""
    graph = import_graph(SITE)
    assert len(graph) > 5, graph
    assert find_circle(graph) is None, " -> ".join(find_circle(graph))


@pytest.mark.parametrize(
    ("graph", "circle"),
    [
        ({"a": {"b"}, "b": {"c"}, "c": set()}, None),
        ({"a": {"b"}, "b": {"a"}}, ["a", "b", "a"]),
        ({"a": {"b"}, "b": {"c"}, "c": {"d"}, "d": {"b"}}, ["b", "c", "d", "b"]),
    ],
)
def test_the_circle_finder_finds_circles(graph, circle) -> None:
    """The finder itself: a chain has no circle, a loop of two and of three are found."""
    assert find_circle(graph) == circle


def test_imports_are_read_from_every_place(tmp_path: Path) -> None:
    """Imports inside functions and under TYPE_CHECKING count, relative ones too."""
    (tmp_path / "__init__.py").write_text("")
    (tmp_path / "one.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from gnlc.site.two import X\n"
    )
    (tmp_path / "two.py").write_text("def f():\n    from . import three\n")
    (tmp_path / "three.py").write_text("import gnlc.site.one\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "__init__.py").write_text("")
    four = "from .. import one\nfrom gnlc.site.sub import five\n"
    (tmp_path / "sub" / "four.py").write_text(four)
    (tmp_path / "sub" / "five.py").write_text("")
    graph = import_graph(tmp_path)
    assert graph["gnlc.site.one"] == {"gnlc.site.two"}
    assert graph["gnlc.site.two"] == {"gnlc.site.three"}
    assert graph["gnlc.site.three"] == {"gnlc.site.one"}
    assert graph["gnlc.site.sub.four"] == {"gnlc.site.one", "gnlc.site.sub.five"}
    assert find_circle(graph) == [
        "gnlc.site.one",
        "gnlc.site.two",
        "gnlc.site.three",
        "gnlc.site.one",
    ]
