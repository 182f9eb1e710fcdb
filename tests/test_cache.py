"""The derived-graph cache: same graph as a fresh load, never stale, harmless when broken."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from gnlc import cache
from gnlc.cli import cli

CITY = "https://w3id.org/gnlc/city/th-chiang-mai"


@pytest.fixture
def root(root_copy: Path) -> Path:
    return root_copy


def thai_members(root: Path) -> str:
    result = CliRunner().invoke(
        cli,
        ["--root", str(root), "query", "thai-members", "--format", "csv"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    return result.output


def entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.nt"))


@pytest.mark.slow
def test_cached_graph_is_the_derived_graph(root: Path, cache_dir: Path, source_graph) -> None:
    """Second route: rdflib parses the sources and runs the rules itself."""
    import rdflib
    from rdflib.compare import to_isomorphic

    from gnlc.sources import derived_store

    derived_store(root)  # writes the entry
    assert len(entries(cache_dir)) == 1
    cached = rdflib.Graph().parse(entries(cache_dir)[0], format="nt")
    assert to_isomorphic(cached) == to_isomorphic(source_graph)
    again = derived_store(root)  # reads it
    assert len(again) == len(source_graph)


def test_a_hit_reads_the_entry_and_an_edit_misses(root: Path, cache_dir: Path) -> None:
    first = thai_members(root)
    [entry] = entries(cache_dir)
    # Prove the second run reads the entry: change a label in the entry only.
    text = entry.read_text(encoding="utf-8")
    assert '"Chiang Mai"@en' in text
    entry.write_text(text.replace('"Chiang Mai"@en', '"Cached Mai"@en'), encoding="utf-8")
    assert "Cached Mai" in thai_members(root)
    # Any edit to a source gives a new key: the real data again, and one entry per root.
    member_file = root / "data/members/TH.ttl"
    member_file.write_text(member_file.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert thai_members(root) == first
    assert len(entries(cache_dir)) == 1 and entries(cache_dir)[0].name != entry.name


def test_an_edit_to_a_rule_misses(root: Path, cache_dir: Path) -> None:
    thai_members(root)
    [entry] = entries(cache_dir)
    rule = sorted((root / "ontology/rules").glob("*.rq"))[0]
    rule.write_text(rule.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    thai_members(root)
    assert [e.name for e in entries(cache_dir)] != [entry.name]


def test_truncated_entry_is_ignored(root: Path, cache_dir: Path) -> None:
    first = thai_members(root)
    [entry] = entries(cache_dir)
    lines = entry.read_text(encoding="utf-8").splitlines(keepends=True)
    entry.write_text("".join(line for line in lines if CITY not in line), encoding="utf-8")
    assert thai_members(root) == first


def test_garbage_entry_is_ignored(root: Path, cache_dir: Path) -> None:
    first = thai_members(root)
    [entry] = entries(cache_dir)
    entry.write_bytes(b"\x00\xff not n-triples\n")
    assert thai_members(root) == first


def test_unwritable_cache_costs_only_time(root: Path, tmp_path: Path, monkeypatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("GNLC_CACHE_DIR", str(blocker / "cache"))
    assert "Chiang Mai" in thai_members(root)


def test_cache_can_be_turned_off(root: Path, cache_dir: Path, monkeypatch) -> None:
    monkeypatch.setenv("GNLC_CACHE", "0")
    assert "Chiang Mai" in thai_members(root)
    assert not cache_dir.exists()


def test_key_covers_path_and_bytes(root: Path) -> None:
    one = root / "data/members/TH.ttl"
    key = cache.inputs_key(root, [one])
    assert cache.inputs_key(root, [one]) == key
    renamed = root / "data/members/TH-renamed.ttl"
    shutil.copy(one, renamed)
    assert cache.inputs_key(root, [renamed]) != key
    one.write_bytes(one.read_bytes() + b" ")
    assert cache.inputs_key(root, [one]) != key


def _age(root: Path, seconds: float = 3600) -> None:
    """Put every file's mtime in the past (ctime stays now: the kernel sets it)."""
    import os
    import time

    past = time.time_ns() - int(seconds * 1e9)
    for path in root.rglob("*"):
        if path.is_file():
            os.utime(path, ns=(past, past))


def _count_hashing(monkeypatch) -> list:
    calls: list = []
    real = cache.inputs_key

    def counted(root, files):
        calls.append(root)
        return real(root, files)

    monkeypatch.setattr(cache, "inputs_key", counted)
    return calls


def test_unchanged_stat_skips_hashing(root: Path, cache_dir: Path, monkeypatch) -> None:
    """Once the files are older than the racy window, a run reads no source to find its key."""
    monkeypatch.setattr(cache, "RACY_NS", 0)  # the copies' ctime is now: trust it at once
    calls = _count_hashing(monkeypatch)
    first = thai_members(root)
    assert len(calls) == 1 and (cache_dir / f"{cache._root_tag(root)}.stat").is_file()
    assert thai_members(root) == first
    assert len(calls) == 1  # the second run took the key from the stat signature


def test_fresh_files_are_hashed_every_time(root: Path, cache_dir: Path, monkeypatch) -> None:
    """A file changed within the racy window is not trusted by its stat: no signature kept."""
    calls = _count_hashing(monkeypatch)
    # The copies were just written; a window of a year keeps them inside it however slowly a
    # loaded machine gets here (with the real 2 s window this depended on timing).
    monkeypatch.setattr(cache, "RACY_NS", 365 * 24 * 3600 * 10**9)
    thai_members(root)
    thai_members(root)
    assert len(calls) == 2
    assert not (cache_dir / f"{cache._root_tag(root)}.stat").exists()


def test_same_size_and_mtime_edit_is_seen(root: Path, cache_dir: Path, monkeypatch) -> None:
    """An edit that keeps a file's size and mtime (touch -r) still misses the cache: ctime moved."""
    import os

    import rdflib

    monkeypatch.setattr(cache, "RACY_NS", 0)
    _age(root)
    before = thai_members(root)
    assert "Chiang Mai" in before
    member_file = root / "data/members/TH.ttl"
    info = member_file.stat()
    text = member_file.read_text(encoding="utf-8")
    assert '"Chiang Mai"@en' in text
    edited = text.replace('"Chiang Mai"@en', '"Chiang Maj"@en')
    member_file.write_text(edited, encoding="utf-8")
    os.utime(member_file, ns=(info.st_atime_ns, info.st_mtime_ns))
    after_info = member_file.stat()
    assert (after_info.st_size, after_info.st_mtime_ns) == (info.st_size, info.st_mtime_ns)
    # Second route: the edited file itself, parsed by rdflib, names the city "Chiang Maj".
    graph = rdflib.Graph().parse(member_file, format="turtle")
    assert rdflib.Literal("Chiang Maj", lang="en") in set(graph.objects())
    after = thai_members(root)
    assert "Chiang Maj" in after and "Chiang Mai" not in after


def test_stat_signature_can_be_turned_off(root: Path, cache_dir: Path, monkeypatch) -> None:
    monkeypatch.setattr(cache, "RACY_NS", 0)
    monkeypatch.setenv("GNLC_CACHE_STAT", "0")
    calls = _count_hashing(monkeypatch)
    thai_members(root)
    thai_members(root)
    assert len(calls) == 2
