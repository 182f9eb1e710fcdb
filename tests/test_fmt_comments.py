"""fmt keeps comments (header, before a subject, at the end) or refuses, located; follows links."""

from __future__ import annotations

import random
import re
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT

from gnlc.cli import cli

PREFIXES = """@prefix ex: <https://example.org/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
"""


def fmt(*args: str):
    """gnlc fmt in-process, stderr apart."""
    return CliRunner().invoke(cli, ["--root", str(ROOT), "fmt", *args], catch_exceptions=False)


def graph(path_or_text):
    """rdflib's reading of a Turtle file or text: the second route for comparing graphs."""
    import rdflib

    if isinstance(path_or_text, Path):
        return rdflib.Graph().parse(path_or_text, format="turtle")
    return rdflib.Graph().parse(data=path_or_text, format="turtle")


def comment_lines(text: str) -> list[str]:
    """Lines that are whole comments (what the tests below insert)."""
    return [line.strip() for line in text.splitlines() if line.strip().startswith("#")]


def test_geonames_header_survives_leading_blank_lines(tmp_path: Path) -> None:
    from rdflib.compare import isomorphic

    source = ROOT / "data/geonames/TH.ttl"
    original = source.read_text(encoding="utf-8")
    header = [line for line in original.splitlines()[:5] if line.startswith("#")]
    assert any("CC BY 4.0" in line for line in header)
    path = tmp_path / "TH.ttl"
    path.write_text("\n\n" + original, encoding="utf-8")
    result = fmt(str(path))
    assert result.exit_code == 0, result.output
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[: len(header)] == header
    assert text == original  # the canonical file again
    assert isomorphic(graph(path), graph(source))


def _subjects_and_comments(seed: int):
    """A shuffled file of 30 subjects with 128 placeable comments, and where each should go."""
    rng = random.Random(seed)
    subjects = [f"s{i:02d}" for i in range(30)]
    rng.shuffle(subjects)
    words = ["note", "ดูเพิ่ม", "see <x> #2", 'a "quote"', "ex:s00 ."]
    texts = iter(f"# c{n:03d} {rng.choice(words)}" for n in range(128))
    header = [next(texts) for _ in range(6)]
    footer = [next(texts) for _ in range(4)]
    before: dict[str, list[str]] = {s: [] for s in subjects}
    for text in texts:
        before[rng.choice(subjects)].append(text)
    parts = ["", header[0], header[1], "", *header[2:], "", PREFIXES]
    for subject in subjects:
        for comment in before[subject]:
            parts += [comment] if rng.random() < 0.7 else ["", "   " + comment]
        label = rng.choice(['"x # y"@en', '"ไทย"@th', "<https://example.org/a#b>"])
        parts.append(f"ex:{subject} skos:prefLabel {label} ;\n    ex:n {rng.randint(0, 9)} .")
    parts += ["", *footer]
    return "\n".join(parts) + "\n", header, before, footer


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_128_comments_in_placeable_positions_all_survive(tmp_path: Path, seed: int) -> None:
    from rdflib.compare import isomorphic

    text, header, before, footer = _subjects_and_comments(seed)
    assert len(comment_lines(text)) == 128
    path = tmp_path / "many.ttl"
    path.write_text(text, encoding="utf-8")
    result = fmt(str(path))
    assert result.exit_code == 0, result.output
    out = path.read_text(encoding="utf-8")
    assert Counter(comment_lines(out)) == Counter(comment_lines(text))
    lines = out.splitlines()
    assert [line for line in lines[: len(header) + 1] if line] == header
    assert [line for line in lines[-len(footer) - 1 :] if line] == footer
    for subject, comments in before.items():
        at = lines.index(f"<https://example.org/{subject}>")
        assert lines[at - len(comments) : at] == [c.strip() for c in comments]
    assert isomorphic(graph(path), graph(text))
    assert fmt("--check", str(path)).exit_code == 0  # idempotent


UNPLACEABLE = {
    "after a semicolon": "ex:a ex:p 1 ;\n    # here\n    ex:q 2 .\n",
    "inside a blank node": "ex:a ex:p [\n  # here\n  ex:q 2 ] .\n",
    "inside a list": "ex:a ex:p ( 1\n # here\n 2 ) .\n",
    "end of a statement line": "ex:a ex:p 1 . # here\n",
    "end of a predicate line": "ex:a ex:p 1 ; # here\n    ex:q 2 .\n",
    "before a blank-node subject": "ex:a ex:p 1 .\n# here\n[] ex:q 2 .\n",
    "before a late prefix": "ex:a ex:p 1 .\n# here\n@prefix ex2: <https://example.org/2/> .\n",
}


@pytest.mark.parametrize("body", UNPLACEABLE.values(), ids=UNPLACEABLE.keys())
def test_unplaceable_comment_is_refused_where_it_is(tmp_path: Path, body: str) -> None:
    text = PREFIXES + body
    path = tmp_path / "odd.ttl"
    path.write_bytes(text.encode("utf-8"))
    offset = text.index("# here")
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    for args in (["--check", str(path)], [str(path)]):
        result = fmt(*args)
        assert result.exit_code == 2
        assert re.fullmatch(rf"gnlc: \S*odd\.ttl:{line}:{column}: comment .*\n", result.stderr)
        assert "Traceback" not in result.output
    assert path.read_bytes() == text.encode("utf-8")


@pytest.mark.parametrize("seed", range(6))
def test_128_comments_anywhere_in_a_real_file_survive_or_are_refused(
    tmp_path: Path, seed: int
) -> None:
    from rdflib.compare import isomorphic

    source = ROOT / "data/members/TH.ttl"
    rng = random.Random(seed)
    lines = source.read_text(encoding="utf-8").splitlines()
    # Odd seeds insert only at the starts of subject blocks; even seeds at any line.
    starts = [i for i, line in enumerate(lines) if line and not line[0].isspace()]
    starts = [i for i in starts if not lines[i].startswith(("@prefix", "#"))]
    places = range(len(lines) + 1) if seed % 2 == 0 else starts
    for n, at in enumerate(sorted(rng.choices(places, k=128), reverse=True)):
        lines.insert(at, f"# inserted {n}")
    text = "\n".join(lines) + "\n"
    path = tmp_path / "TH.ttl"
    path.write_text(text, encoding="utf-8")
    result = fmt(str(path))
    assert result.exit_code in (0, 2), result.output
    if result.exit_code == 2:
        assert re.fullmatch(r"gnlc: \S*TH\.ttl:\d+:\d+: comment [^\n]*\n", result.stderr)
        assert path.read_text(encoding="utf-8") == text
    else:
        assert Counter(comment_lines(path.read_text(encoding="utf-8"))) == Counter(
            comment_lines(text)
        )
        assert isomorphic(graph(path), graph(source))
        assert fmt("--check", str(path)).exit_code == 0
    if seed % 2 == 1:
        assert result.exit_code == 0  # block starts are always placeable


def test_fmt_writes_through_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "real" / "data.ttl"
    real.parent.mkdir()
    text = PREFIXES + "# about b\nex:b ex:p 2 .\nex:a ex:p 1 .\n"
    real.write_text(text, encoding="utf-8")
    link = tmp_path / "link.ttl"
    link.symlink_to(real)
    assert fmt(str(link)).exit_code == 0
    assert link.is_symlink() and link.resolve() == real.resolve()
    out = real.read_text(encoding="utf-8")
    assert out != text and "# about b\n<https://example.org/b>" in out
    assert fmt("--check", str(link)).exit_code == 0
    assert not list(real.parent.glob(".*.tmp")) and not list(tmp_path.glob(".*.tmp"))


def test_fmt_refusal_leaves_other_files_formatted(tmp_path: Path) -> None:
    good = tmp_path / "a.ttl"
    good.write_text(PREFIXES + "ex:b ex:p 2 .\nex:a ex:p 1 .\n", encoding="utf-8")
    bad = tmp_path / "b.ttl"
    bad.write_text(PREFIXES + "ex:a ex:p 1 ; # here\n ex:q 2 .\n", encoding="utf-8")
    result = fmt(str(tmp_path))
    assert result.exit_code == 2
    assert "b.ttl:3:15:" in result.stderr
    assert "reformatted" in result.stdout and "a.ttl" in result.stdout
    assert fmt("--check", str(good)).exit_code == 0


def test_hashes_inside_strings_and_iris_are_not_comments(tmp_path: Path) -> None:
    from rdflib.compare import isomorphic

    body = (
        'ex:a ex:p """one # two ""\n# three \\" x""" ;\n'
        "    ex:q '''it's # x''' , 'a \\' # b' , \"c \\\" # d\" ;\n"
        "    ex:r <https://example.org/x#y> .\n"
    )
    text = "# header\n\n" + PREFIXES + body
    path = tmp_path / "strings.ttl"
    path.write_text(text, encoding="utf-8")
    result = fmt(str(path))
    assert result.exit_code == 0, result.output
    out = path.read_text(encoding="utf-8")
    assert out.startswith("# header\n\n")
    assert comment_lines(out.replace("# three", "")) == ["# header"]
    assert isomorphic(graph(path), graph(text))
    assert fmt("--check", str(path)).exit_code == 0


def test_sparql_style_prefixes_and_prefixes_named_like_keywords(tmp_path: Path) -> None:
    from rdflib.compare import isomorphic

    text = (
        "# header\n"
        "PREFIX base: <https://example.org/base/>\n"
        "prefix prefix: <https://example.org/prefix/>\n"
        "@prefix ex: <https://example.org/> .\n"
        "# about base:b\n"
        "base:b ex:p prefix:x .\n"
        "# about prefix:a\n"
        "prefix:a ex:p base:y .\n"
    )
    path = tmp_path / "keywords.ttl"
    path.write_text(text, encoding="utf-8")
    result = fmt(str(path))
    assert result.exit_code == 0, result.output
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "# header"
    assert lines[lines.index("<https://example.org/base/b>") - 1] == "# about base:b"
    assert lines[lines.index("<https://example.org/prefix/a>") - 1] == "# about prefix:a"
    assert isomorphic(graph(path), graph(text))
    assert fmt("--check", str(path)).exit_code == 0
