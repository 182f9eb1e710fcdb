"""The release: every file present, every dump the same graph, checksums right, deterministic."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, ROOT
from helpers import GNLC, NETWORK, copy_sources, current_members, lang_value

from gnlc.cli import cli
from gnlc.paths import RELEASE_FILES, RELEASE_GRAPH_FILES
from gnlc.tabular import CSV_COLUMNS

PARSE_FORMATS = {"gnlc.ttl": "turtle", "gnlc.nt": "nt", "gnlc.jsonld": "json-ld", "gnlc.rdf": "xml"}


def test_release_has_exactly_the_contract_files(release: Path) -> None:
    assert sorted(p.name for p in release.iterdir()) == sorted(RELEASE_FILES)


@pytest.mark.slow
@pytest.mark.parametrize("name", RELEASE_GRAPH_FILES)
def test_every_dump_is_the_release_graph(release: Path, source_graph, name: str) -> None:
    import rdflib
    from rdflib.compare import isomorphic

    graph = rdflib.Graph().parse(release / name, format=PARSE_FORMATS[name])
    assert len(graph) == len(source_graph)
    assert isomorphic(graph, source_graph)


def test_jsonld_embeds_its_context_and_uses_short_keys(release: Path) -> None:
    document = json.loads((release / "gnlc.jsonld").read_text(encoding="utf-8"))
    context = json.loads((ROOT / "ontology/context.jsonld").read_text(encoding="utf-8"))
    assert document["@context"] == context["@context"]
    network = next(n for n in document["@graph"] if n["id"] == "network")
    assert network["prefLabel"]["en"] == "UNESCO Global Network of Learning Cities"
    assert (release / "context.jsonld").read_bytes() == (
        ROOT / "ontology/context.jsonld"
    ).read_bytes()


def test_sha256sums_and_void_describe_every_other_file(release: Path) -> None:
    import rdflib

    sums = {}
    for line in (release / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split("  ")
        sums[name] = digest
    others = set(RELEASE_FILES) - {"SHA256SUMS"}
    assert set(sums) == others
    for name, digest in sums.items():
        assert hashlib.sha256((release / name).read_bytes()).hexdigest() == digest
    void = rdflib.Graph().parse(release / "void.ttl")
    dcat = rdflib.Namespace("http://www.w3.org/ns/dcat#")
    spdx = rdflib.Namespace("http://spdx.org/rdf/terms#")
    described = {}
    for dist in void.subjects(rdflib.RDF.type, dcat.Distribution):
        name = str(dist).rsplit("/", 1)[-1]
        checksum = void.value(dist, spdx.checksum)
        described[name] = (
            int(void.value(dist, dcat.byteSize)),
            str(void.value(checksum, spdx.checksumValue)),
        )
    assert set(described) == others - {"void.ttl"}
    for name, (size, digest) in described.items():
        data = (release / name).read_bytes()
        assert size == len(data) and digest == hashlib.sha256(data).hexdigest()
    triples = void.value(
        rdflib.URIRef("https://w3id.org/gnlc/dataset"),
        rdflib.URIRef("http://rdfs.org/ns/void#triples"),
    )
    nt_lines = [
        x for x in (release / "gnlc.nt").read_text().splitlines() if x and not x.startswith("#")
    ]
    assert int(triples) == len(nt_lines)


def test_generated_comment_only_where_comments_exist(release: Path) -> None:
    for name in ("gnlc.ttl", "gnlc.nt", "gnlc.rdf", "gnlc-ontology.ttl", "gnlc-shapes.ttl"):
        assert (
            "do not edit"
            in (release / name).read_text(encoding="utf-8").split("\n", 3)[1]
            + (release / name).read_text(encoding="utf-8").split("\n", 1)[0]
        )
    for name in ("gnlc.jsonld", "gnlc-members.csv", "context.jsonld"):
        assert "do not edit" not in (release / name).read_text(encoding="utf-8")


def test_members_csv_rows_match_the_data(release: Path, source_graph) -> None:
    import rdflib

    raw = (release / "gnlc-members.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
    assert tuple(rows[0]) == CSV_COLUMNS
    body = rows[1:]
    expected = []
    skos = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")
    g = rdflib.Namespace(GNLC)
    for city in current_members(source_graph):
        country = source_graph.value(city, g.country)
        region = source_graph.value(city, g.region)
        point = source_graph.value(
            city, rdflib.URIRef("http://www.w3.org/2003/01/geo/wgs84_pos#location")
        )
        geo = rdflib.Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
        geonames = source_graph.value(city, g.geonames)
        memberships = [
            m
            for m in source_graph.subjects(rdflib.URIRef("http://www.w3.org/ns/org#member"), city)
            if (m, g.endYear, None) not in source_graph
        ]
        sources = sorted(
            {
                str(s)
                for m in memberships
                for s in source_graph.objects(m, rdflib.URIRef("http://purl.org/dc/terms/source"))
            }
        )
        start = source_graph.value(memberships[0], g.startYear)
        attested = source_graph.value(memberships[0], g.attestedDate)
        expected.append(
            [
                str(city),
                lang_value(source_graph, city, skos.prefLabel, "en") or "",
                lang_value(source_graph, city, skos.prefLabel, "th") or "",
                str(source_graph.value(country, g.countryCode)) if country else "",
                lang_value(source_graph, region, skos.prefLabel, "en") or "" if region else "",
                str(start) if start else "",
                str(start) if start else str(attested or "")[:4],
                str(source_graph.value(point, geo.lat)) if point else "",
                str(source_graph.value(point, geo.long)) if point else "",
                str(geonames).rstrip("/").rsplit("/", 1)[-1] if geonames else "",
                " ".join(sources),
            ]
        )
    assert body == sorted(expected)
    assert len(body) == len({r[0] for r in body})
    assert all(str(NETWORK) not in r[0] for r in body)


@pytest.mark.slow
def test_two_builds_are_byte_identical(tmp_path: Path, release: Path) -> None:
    from gnlc.pipeline import build

    _, again = build(ROOT, tmp_path / "again")
    assert again is not None
    for name in RELEASE_FILES:
        assert (tmp_path / "again" / name).read_bytes() == (release / name).read_bytes(), name


@pytest.mark.slow
@pytest.mark.parametrize("seed", ["1", "4242"])
def test_builds_are_identical_across_processes_and_hash_seeds(
    tmp_path: Path, release: Path, seed: str
) -> None:
    """Another process with another PYTHONHASHSEED (set ordering, dict hashing) writes the same
    bytes as the session's in-process build."""
    import os
    import subprocess
    import sys

    out = tmp_path / "seeded"
    gnlc = Path(sys.executable).with_name("gnlc")
    subprocess.run(
        [str(gnlc), "--root", str(ROOT), "build", "--out", str(out)],
        env={**os.environ, "PYTHONHASHSEED": seed},
        check=True,
        capture_output=True,
    )
    for name in RELEASE_FILES:
        assert (out / name).read_bytes() == (release / name).read_bytes(), name


def _copy_root(tmp_path: Path) -> Path:
    root = tmp_path / "root"
    copy_sources(root)
    return root


def test_invalid_data_builds_nothing(tmp_path: Path) -> None:
    root = _copy_root(tmp_path)
    shutil.copy(FIXTURES / "invalid/city-no-country.ttl", root / "data/members/ZZ-broken.ttl")
    out = tmp_path / "dist"
    result = CliRunner().invoke(cli, ["--root", str(root), "build", "--out", str(out)])
    assert result.exit_code == 1
    assert "build refused" in result.stderr
    # The refusal names the file and line of the offending city (located only when refusing).
    assert re.search(r"data/members/ZZ-broken\.ttl:\d+: violation: ", result.stderr)
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".dist")] in (
        [],
        [".dist.lock"],
    )


def test_invalid_data_leaves_previous_release_intact(tmp_path: Path, release: Path) -> None:
    root = _copy_root(tmp_path)
    out = tmp_path / "dist"
    shutil.copytree(release, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    shutil.copy(FIXTURES / "invalid/point-latitude-123.ttl", root / "data/members/ZZ.ttl")
    result = CliRunner().invoke(cli, ["--root", str(root), "build", "--out", str(out)])
    assert result.exit_code == 1
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


@pytest.mark.slow
@pytest.mark.parametrize("name", ["gnlc.ttl", "gnlc.nt", "gnlc.jsonld", "gnlc.rdf"])
def test_the_release_dump_validates(release: Path, name: str) -> None:
    """Regression: `gnlc validate dist/gnlc.ttl` (the README's own example) exited 1 because a
    dump holds the ontology; repeating the ontology is not redefining it."""
    from click.testing import CliRunner

    from gnlc.cli import cli

    result = CliRunner().invoke(cli, ["--root", str(ROOT), "validate", str(release / name)])
    assert result.exit_code == 0, result.output
    assert "describes an ontology term" not in result.output


def test_a_data_file_adding_to_a_term_is_still_refused(tmp_path: Path) -> None:
    """Only the ontology's own statements may be repeated in data; one more is a redefinition."""
    from click.testing import CliRunner

    from gnlc.cli import cli

    ontology = (ROOT / "ontology/gnlc.ttl").read_text(encoding="utf-8")
    same = tmp_path / "same.ttl"
    same.write_text(ontology, encoding="utf-8")
    more = tmp_path / "more.ttl"
    more.write_text(ontology + '\ngnlc:LearningCity rdfs:comment "a city"@en .\n', encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(cli, ["--root", str(ROOT), "validate", str(same)]).exit_code == 0
    result = runner.invoke(cli, ["--root", str(ROOT), "validate", str(more)])
    assert result.exit_code == 1 and "describes an ontology term" in result.output


def test_release_names_are_checked_even_under_python_O(tmp_path: Path) -> None:
    """The rendered files must be exactly paths.RELEASE: a real check, which `python -O` keeps
    (it was an assert, which -O strips)."""
    import subprocess
    import sys

    code = (
        "import pyoxigraph, pathlib, gnlc.export as e\n"
        "e.RELEASE_FILES = (*e.RELEASE_FILES, 'not-made.txt')\n"
        f"e.make_release(pathlib.Path({str(ROOT)!r}), pyoxigraph.Store())\n"
    )
    done = subprocess.run(
        [sys.executable, "-O", "-c", code], capture_output=True, text=True, timeout=600
    )
    assert done.returncode != 0
    assert "missing ['not-made.txt']" in done.stderr


def test_a_check_that_is_not_a_select_exits_2(tmp_path: Path) -> None:
    """A queries/checks file must be a SELECT; an ASK is refused with one line, exit 2."""
    root = tmp_path / "root"
    copy_sources(root)
    (root / "queries/checks/zz-ask-violation.rq").write_text("ASK { ?s ?p ?o }\n")
    result = CliRunner().invoke(cli, ["--root", str(root), "validate"])
    assert result.exit_code == 2, result.output
    assert "zz-ask-violation.rq: a check must be a SELECT query" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("command", ["build", "site"])
@pytest.mark.parametrize("below", ["", "/inside"])
def test_out_in_a_symlink_loop_is_one_line(tmp_path: Path, command: str, below: str) -> None:
    """--out through a loop of symbolic links: exit 2 and one line naming it (Path.resolve's
    RuntimeError was reported as an internal error), and nothing is made."""
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    out = f"{tmp_path / 'a'}{below}"
    result = CliRunner().invoke(cli, ["--root", str(ROOT), command, "--out", out])
    assert result.exit_code == 2, result.output
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("gnlc: ") and "internal error" not in line
    assert "symbolic link loop" in line and out.removeprefix(str(tmp_path)) in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "b"]
