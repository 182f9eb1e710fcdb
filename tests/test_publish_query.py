"""Publish, then query: the data sits in a named graph (issue 14, item 3).

A real Oxigraph server on 127.0.0.1 (started by test_endpoint's fixture); `gnlc publish --graph
G` then `gnlc query NAME --endpoint ROOT --graph G` must give the local query's rows, and a
query that finds nothing in the default graph says where the data may be.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from test_endpoint import gnlc_root, oxigraph_store, release, run  # noqa: F401 (fixtures)

GRAPH = "https://example.org/gnlc-synthetic/graph/published"


def csv_rows(result) -> list[list[str]]:
    assert result.exit_code == 0, result.stderr
    return list(csv.reader(io.StringIO(result.stdout)))


@pytest.fixture
def published(oxigraph_store: str, release: Path) -> str:  # noqa: F811
    result = run("publish", "--endpoint", oxigraph_store, "--graph", GRAPH, "--data", str(release))
    assert result.exit_code == 0, result.stderr
    return oxigraph_store


@pytest.mark.server
@pytest.mark.parametrize(
    "args",
    [
        ["thai-members"],
        ["members-by-country", "--param", "country=th"],
        ["cities-serving-sdg", "--param", "goal=4"],
        ["award-winners", "--param", "year=*"],
    ],
)
def test_query_the_published_graph(published: str, gnlc_root: Path, args: list[str]) -> None:  # noqa: F811
    local = csv_rows(run("--root", str(gnlc_root), "query", *args, "--format", "csv"))
    remote = csv_rows(
        run(
            "--root",
            str(gnlc_root),
            "query",
            *args,
            "--format",
            "csv",
            "--endpoint",
            published,
            "--graph",
            GRAPH,
        )
    )
    assert remote == local
    assert len(local) > 1 or args[0] == "award-winners"


@pytest.mark.server
def test_empty_default_graph_gives_a_hint(published: str, gnlc_root: Path) -> None:  # noqa: F811
    result = run("--root", str(gnlc_root), "query", "thai-members", "--endpoint", published)
    assert result.exit_code == 0, result.stderr
    assert "(0 rows)" in result.stdout
    assert "--graph" in result.stderr and "--union-default-graph" in result.stderr
    # With the graph, no hint.
    result = run(
        "--root", str(gnlc_root), "query", "sdgs", "--endpoint", published, "--graph", GRAPH
    )
    assert result.exit_code == 0 and not result.stderr.strip()


@pytest.mark.server
def test_an_empty_named_graph_hints_at_the_graph_not_at_adding_it(
    published: str,
    gnlc_root: Path,  # noqa: F811
) -> None:
    """Regression: with --graph already given, the hint said to add --graph IRI."""
    other = GRAPH + "-not-published"
    result = run(
        "--root", str(gnlc_root), "query", "thai-members", "--endpoint", published, "--graph", other
    )
    assert result.exit_code == 0, result.stderr
    assert "(0 rows)" in result.stdout
    [hint] = result.stderr.strip().splitlines()
    assert other in hint and "Check the graph IRI" in hint and "add --graph" not in hint


def test_graph_needs_an_endpoint() -> None:
    result = run("query", "sdgs", "--graph", GRAPH)
    assert result.exit_code == 2
    assert "--graph needs --endpoint" in result.stderr
