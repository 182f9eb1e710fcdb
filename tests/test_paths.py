"""Listing a folder's RDF files: pathlib's order, from strings."""

from __future__ import annotations

from pathlib import Path

from gnlc.paths import rdf_files


def test_rdf_files_in_pathlib_order(tmp_path: Path) -> None:
    """Names where string order and part-by-part order differ ('-' sorts before '/')."""
    names = ["a-b.ttl", "a/b.ttl", "a/a-b.nt", "a.b/c.jsonld", "a/b/c.rdf", "B.ttl", "ab.ttl"]
    for name in names:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("", encoding="utf-8")
    (tmp_path / "folder.ttl").mkdir()  # a folder is not a file
    expected = sorted(tmp_path / name for name in names)  # second route: Path objects sorted
    assert rdf_files(tmp_path) == expected
    assert [str(p) for p in rdf_files(tmp_path)] == [str(p) for p in expected]
    assert rdf_files(tmp_path / "a-b.ttl") == [tmp_path / "a-b.ttl"]


def test_root_in_a_symlink_loop_is_one_line(tmp_path: Path) -> None:
    """--root through a loop of symbolic links: exit 2, one line (was an internal error)."""
    from click.testing import CliRunner

    from gnlc.cli import cli

    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    for args in (["stats"], ["query", "thai-members"], ["validate"]):
        result = CliRunner().invoke(cli, ["--root", str(tmp_path / "a"), *args])
        assert result.exit_code == 2, result.output
        [line] = result.stderr.strip().splitlines()
        assert line == f"gnlc: {tmp_path / 'a'}: not a gnlc root (a loop of symbolic links)"
