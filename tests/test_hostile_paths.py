"""Hostile file-system shapes: symbolic-link loops, links out of a revision, files fmt must not
rewrite (found by an attack on the CLI, each a regression test)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT
from helpers import copy_sources

from gnlc.cli import cli


def run(root: Path, *args: str):
    return CliRunner().invoke(cli, ["--root", str(root), *args], catch_exceptions=False)


def one_line_exit_2(result, *fragments: str) -> str:
    assert result.exit_code == 2, result.output
    [line] = result.stderr.strip().splitlines()
    assert all(f in line for f in fragments), line
    return line


@pytest.mark.parametrize("links", [["a"], ["a", "b"]])
def test_a_symbolic_link_loop_under_data_is_refused(tmp_path: Path, links: list[str]) -> None:
    """Regression: two links to '.' made os.walk go round 2^40 paths (validate hung); one link
    read every file again under a/a/a/... (41 times)."""
    folder = tmp_path / "loop"
    folder.mkdir()
    (folder / "awards.ttl").write_bytes((ROOT / "data/awards.ttl").read_bytes())
    for name in links:
        os.symlink(".", folder / name)
    line = one_line_exit_2(run(ROOT, "validate", str(folder)), "already read")
    assert f"{folder}/a" in line or f"{folder}/b" in line


def test_two_links_to_one_folder_are_refused(tmp_path: Path) -> None:
    root = copy_sources(tmp_path / "root")
    os.symlink(root / "data" / "members", root / "data" / "again")
    one_line_exit_2(run(root, "validate"), "data/again", "data/members", "already read")


def test_a_link_to_a_folder_outside_is_still_followed(tmp_path: Path) -> None:
    """Links that lead somewhere new are read as before (the loop guard refuses only returns)."""
    root = copy_sources(tmp_path / "root")
    outside = tmp_path / "elsewhere"
    (root / "data" / "members").rename(outside)
    os.symlink(outside, root / "data" / "members")
    result = run(root, "validate")
    assert result.exit_code == 0, result.output


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


@pytest.mark.parametrize("link", ["loop", "absolute"])
def test_diff_of_a_revision_with_a_hostile_link_is_one_line(tmp_path: Path, link: str) -> None:
    """Regression: a commit with data/a -> . and data/b -> . hung `gnlc diff` (reviewing a pull
    request); one with data/passwd.ttl -> /etc/passwd was an internal error."""
    repo = copy_sources(tmp_path / "repo")
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "sources")
    if link == "loop":
        os.symlink(".", repo / "data" / "a")
        os.symlink(".", repo / "data" / "b")
        expected = "already read"
    else:
        os.symlink("/etc/passwd", repo / "data" / "passwd.ttl")
        expected = "refused entry"
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "hostile")
    line = one_line_exit_2(run(repo, "diff", "HEAD~1", "HEAD"), expected)
    assert "internal error" not in line


@pytest.mark.parametrize(
    ("name", "text", "kind"),
    [
        ("n.nt", '<http://x/a> <http://www.w3.org/2000/01/rdf-schema#label> "x" .\n', "ntriples"),
        (
            "m.jsonld",
            '{"@id": "http://x/a", "http://www.w3.org/2000/01/rdf-schema#label": "x"}\n',
            "jsonld",
        ),
        ("notes.txt", "not RDF\n", "not a Turtle"),
    ],
)
def test_fmt_refuses_a_file_that_is_not_turtle(
    tmp_path: Path, name: str, text: str, kind: str
) -> None:
    """Regression: `gnlc fmt n.nt` wrote Turtle over N-Triples (exit 0), and the file no longer
    parsed as what its name says; JSON-LD and RDF/XML alike."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    for args in (["fmt", str(path)], ["fmt", "--check", str(path)]):
        one_line_exit_2(run(ROOT, *args), str(path), kind)
    assert path.read_text(encoding="utf-8") == text


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_fmt_refuses_a_pipe_instead_of_skipping_it(tmp_path: Path) -> None:
    """Regression: `gnlc fmt --check f.ttl` on a named pipe exited 0 having read nothing."""
    pipe = tmp_path / "f.ttl"
    os.mkfifo(pipe)
    one_line_exit_2(run(ROOT, "fmt", "--check", str(pipe)), str(pipe), "not a regular file")
    folder = tmp_path / "folder"
    folder.mkdir()
    os.mkfifo(folder / "g.ttl")
    one_line_exit_2(run(ROOT, "fmt", "--check", str(folder)), "g.ttl", "not a regular file")


class _Listener:
    """A TCP listener on 127.0.0.1 that records every connection made to it."""

    def __init__(self) -> None:
        import socket
        import threading

        self.socket = socket.create_server(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        self.calls: list[bytes] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            with connection:
                self.calls.append(connection.recv(200))

    def close(self) -> None:
        self.socket.close()


@pytest.mark.parametrize("where", ["rule", "check"])
def test_a_rule_or_check_calling_service_is_refused_and_fetches_nothing(
    tmp_path: Path, where: str
) -> None:
    """Regression: SERVICE in ontology/rules/*.rq or queries/checks/*-violation.rq was run by
    `gnlc validate` (exit 0): the listener received POST /rule-ssrf three times."""
    listener = _Listener()
    try:
        root = copy_sources(tmp_path / "root")
        url = f"http://127.0.0.1:{listener.port}/{where}-ssrf"
        if where == "rule":
            path = root / "ontology/rules/99-evil.rq"
            path.write_text(
                f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}\n"
            )
        else:
            path = root / "queries/checks/zz-violation.rq"
            path.write_text(
                "# title: e\n# message: e\n# message_th: e\n# severity: Warning\n"
                f"SELECT ?focus ?value WHERE {{ SERVICE SILENT <{url}> {{ ?focus ?p ?value }} }}\n"
            )
        for command in ("validate", "build"):
            line = one_line_exit_2(run(root, command), path.name, "may not use SERVICE")
            assert "internal error" not in line
    finally:
        listener.close()
    assert listener.calls == []


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
@pytest.mark.parametrize("kind", ["pipe", "device"])
@pytest.mark.parametrize("role", ["query", "shapes"])
def test_a_pipe_or_device_as_query_or_shapes_file_is_refused(
    tmp_path: Path, kind: str, role: str
) -> None:
    """Regression: `gnlc query f.rq` and `gnlc validate --shapes f.ttl` on a named pipe waited
    for ever; on a link to /dev/zero they grew without bound."""
    path = tmp_path / ("f.rq" if role == "query" else "f.ttl")
    if kind == "pipe":
        os.mkfifo(path)
    else:
        os.symlink("/dev/zero", path)
    args = ["query", str(path)] if role == "query" else ["validate", "--shapes", str(path)]
    one_line_exit_2(run(ROOT, *args), str(path), "not a regular file")


def test_a_source_file_past_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    """Regression: a sparse file of 50 GB was read whole (MemoryError, 'internal error')."""
    from gnlc.paths import MAX_SOURCE_BYTES

    big = tmp_path / "big.ttl"
    with big.open("wb") as handle:
        handle.truncate(MAX_SOURCE_BYTES + 1)  # sparse: takes no room
    one_line_exit_2(run(ROOT, "validate", str(big)), str(big), f"{MAX_SOURCE_BYTES:,} bytes")


def test_build_keeps_a_folder_that_only_happens_to_hold_a_sha256sums(tmp_path: Path) -> None:
    """Regression: any folder holding a file named SHA256SUMS counted as a release and was
    replaced: `build --out ~/Downloads` deleted a thesis and a photos folder beside an Ubuntu
    SHA256SUMS."""
    folder = tmp_path / "downloads"
    (folder / "photos").mkdir(parents=True)
    (folder / "SHA256SUMS").write_text("0" * 64 + "  ubuntu.iso\n")
    (folder / "thesis.docx").write_text("precious")
    (folder / "photos" / "1.jpg").write_text("x")
    before = sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))
    one_line_exit_2(run(ROOT, "build", "--out", str(folder)), str(folder), "no gnlc release")
    assert sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) == before


def test_build_keeps_a_folder_whose_sha256sums_lists_only_its_own_files(tmp_path: Path) -> None:
    """Regression: `sha256sum * > SHA256SUMS` in a downloads folder made it pass for a release
    (every file listed), and build deleted the ISO image and the notes beside it."""
    import hashlib

    folder = tmp_path / "Downloads"
    folder.mkdir()
    (folder / "ubuntu.iso").write_bytes(b"\x00iso" * 1000)
    (folder / "notes.txt").write_text("notes")
    sums = "".join(
        f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.name}\n"
        for p in sorted(folder.iterdir())
    )
    (folder / "SHA256SUMS").write_text(sums)
    before = sorted(p.name for p in folder.iterdir())
    one_line_exit_2(run(ROOT, "build", "--out", str(folder)), str(folder), "no gnlc release")
    assert sorted(p.name for p in folder.iterdir()) == before


def test_build_replaces_an_earlier_release_with_a_file_of_another_version(
    tmp_path: Path, release: Path
) -> None:
    """An earlier release whose SHA256SUMS lists a file this version does not make is still a
    release: replaced, the old file gone."""
    import shutil

    out = tmp_path / "dist"
    shutil.copytree(release, out)
    (out / "gnlc-old.csv").write_text("old")
    sums = out / "SHA256SUMS"
    sums.write_text(sums.read_text() + "0" * 64 + "  gnlc-old.csv\n")
    result = run(ROOT, "build", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert not (out / "gnlc-old.csv").exists() and (out / "gnlc.ttl").is_file()


def test_control_characters_in_file_names_and_values_are_escaped_in_text_reports(
    tmp_path: Path,
) -> None:
    """Regression: a file name holding a newline forged a second `file:line: ...` line of the
    report, and an escape sequence in a name or a literal reached the terminal raw."""
    folder = tmp_path / "data"
    folder.mkdir()
    name = "evil\nfake.ttl:1:1: conforms\x1b]0;PWNED\x07.ttl"
    fixture = (ROOT / "tests/fixtures/invalid/award-no-year.ttl").read_text(encoding="utf-8")
    (folder / name).write_text(fixture, encoding="utf-8")
    result = run(ROOT, "validate", str(folder))
    assert result.exit_code == 1, result.output
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "evil\\x0afake.ttl:1:1: conforms\\x1b]0;PWNED\\x07.ttl:" in result.stdout
    # Every line is a finding or the verdict: none starts with the forged place.
    assert not any(line.startswith("fake.ttl") for line in result.stdout.splitlines())


def test_control_characters_in_error_lines_are_escaped(tmp_path: Path) -> None:
    """Regression: the one-line error for a file that does not parse printed the file's name
    raw, escape sequences included."""
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "bad\x1b]0;X\x07name.ttl").write_text("not turtle at all\n", encoding="utf-8")
    line = one_line_exit_2(run(ROOT, "validate", str(folder)), "bad\\x1b]0;X\\x07name.ttl:1:")
    assert "\x1b" not in line and "\x07" not in line


def test_a_shape_smuggling_service_past_rdflib_is_refused_and_fetches_nothing(
    tmp_path: Path,
) -> None:
    """Regression: rdflib (which checks shapes' SPARQL) decodes \\u escapes first, so a pair of
    "\\u0022" strings read as one long string to it and as two short ones around a live SERVICE
    call to Oxigraph, which runs the query: validate fetched from the named server."""
    listener = _Listener()
    try:
        root = copy_sources(tmp_path / "root")
        url = f"http://127.0.0.1:{listener.port}/shacl-smuggled"
        with (root / "shapes/gnlc.shacl.ttl").open("a", encoding="utf-8") as shapes:
            shapes.write(
                "\n<http://example.org/S> a <http://www.w3.org/ns/shacl#NodeShape> ;\n"
                "  <http://www.w3.org/ns/shacl#targetClass>"
                " <https://w3id.org/gnlc/ontology#Network> ;\n"
                "  <http://www.w3.org/ns/shacl#sparql> [ <http://www.w3.org/ns/shacl#message>"
                ' "x" ;\n    <http://www.w3.org/ns/shacl#select> """SELECT $this WHERE {'
                ' $this a ?t . BIND("\\\\u0022" AS ?a) SERVICE <' + url + "> { ?x ?y ?z }"
                ' BIND("\\\\u0022" AS ?b) }""" ] .\n'
            )
        for command in ("validate", "build"):
            line = one_line_exit_2(run(root, command), "SERVICE")
            assert "internal error" not in line
    finally:
        listener.close()
    assert listener.calls == []


@pytest.mark.parametrize("name", ["members-csv.rq", "void.rq"])
def test_a_release_query_calling_service_is_refused_and_fetches_nothing(
    tmp_path: Path, name: str
) -> None:
    """Regression: the two queries build runs itself (queries/release/) skipped the SERVICE
    check: build fetched from a server named in members-csv.rq or void.rq (exit 0)."""
    listener = _Listener()
    try:
        root = copy_sources(tmp_path / "root")
        path = root / "queries" / "release" / name
        text = path.read_text(encoding="utf-8")
        call = (
            f"  OPTIONAL {{ SERVICE SILENT <http://127.0.0.1:{listener.port}/x> {{ ?a ?b ?c }} }}\n"
        )
        at = text.index("WHERE {") + len("WHERE {\n")
        path.write_text(text[:at] + call + text[at:], encoding="utf-8")
        line = one_line_exit_2(run(root, "build", "--out", str(tmp_path / "dist")), name, "SERVICE")
        assert "internal error" not in line
        os.unlink(path)
        os.mkfifo(path)  # nor is a pipe read in its place (build waited for ever)
        one_line_exit_2(run(root, "build", "--out", str(tmp_path / "dist")), name, "not a regular")
    finally:
        listener.close()
    assert listener.calls == [] and not (tmp_path / "dist").exists()


@pytest.mark.parametrize("named", [True, False])
def test_fmt_refuses_a_turtle_named_link_to_another_syntax(tmp_path: Path, named: bool) -> None:
    """Regression: fmt writes through links, and `view.ttl -> extra.nt` (named, or found in a
    folder) had Turtle written over the N-Triples file."""
    folder = tmp_path / "data"
    folder.mkdir()
    text = '<http://x/a> <http://www.w3.org/2000/01/rdf-schema#label> "x" .\n'
    (folder / "extra.nt").write_text(text, encoding="utf-8")
    os.symlink("extra.nt", folder / "view.ttl")
    target = folder / "view.ttl" if named else folder
    one_line_exit_2(run(ROOT, "fmt", str(target)), "view.ttl", "extra.nt is ntriples")
    assert (folder / "extra.nt").read_text(encoding="utf-8") == text


@pytest.mark.parametrize(
    "head",
    ['"\\u0040graph"', '"@context": {"g": "\\u0040graph"}, "g"'],
    ids=["escaped", "aliased"],
)
def test_a_json_ld_named_graph_behind_an_escaped_key_is_refused(tmp_path: Path, head: str) -> None:
    """Regression: the named-graph check looked for the bytes "@graph"; a key written
    "\\u0040graph" (the same key in JSON), or an alias of it, passed: validate checked nothing
    of the graph, build refused without naming the file."""
    path = tmp_path / "ng.jsonld"
    path.write_text(
        '{"@id": "http://example.org/g1", ' + head + ': [{"@id":'
        ' "https://w3id.org/gnlc/city/xx-bogus",'
        ' "@type": "https://w3id.org/gnlc/ontology#LearningCity"}]}\n',
        encoding="utf-8",
    )
    one_line_exit_2(run(ROOT, "validate", str(path)), "ng.jsonld", "named graph")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
@pytest.mark.parametrize("kind", ["pipe", "device"])
def test_a_json_ld_context_that_is_a_pipe_or_device_is_refused(tmp_path: Path, kind: str) -> None:
    """Regression: ontology/context.jsonld was read whole: a pipe hung build, /dev/zero grew
    it to 8 GB."""
    root = copy_sources(tmp_path / "root")
    context = root / "ontology" / "context.jsonld"
    context.unlink()
    if kind == "pipe":
        os.mkfifo(context)
    else:
        os.symlink("/dev/zero", context)
    line = one_line_exit_2(run(root, "build", "--out", str(tmp_path / "dist")), "context.jsonld")
    assert "not a regular file" in line
    assert not (tmp_path / "dist").exists()


def test_other_outputs_escape_control_characters_too(tmp_path: Path) -> None:
    """Regression (second round): fmt's lines, --format github, `query --list` titles and
    diff's headers printed a name's escape sequence raw, and fmt's a newline too."""
    evil = "x\x1b]0;PWNED\x07\nforged"
    folder = tmp_path / "data"
    folder.mkdir()
    fixture = (ROOT / "tests/fixtures/invalid/award-no-year.ttl").read_text(encoding="utf-8")
    (folder / f"{evil}.ttl").write_text(fixture + "\n\n", encoding="utf-8")  # not canonical
    root = copy_sources(tmp_path / "root")
    (root / "queries" / "zz-evil.rq").write_text(
        f"# title: {evil}\nSELECT * WHERE {{ ?s ?p ?o }} LIMIT 1\n", encoding="utf-8"
    )
    outputs = [
        run(ROOT, "fmt", "--check", str(folder)).stdout,
        run(ROOT, "validate", "--format", "github", str(folder)).stdout,
        run(root, "query", "--list").stdout,
        run(ROOT, "diff", str(folder / f"{evil}.ttl"), str(folder / f"{evil}.ttl")).stdout,
    ]
    for output in outputs:
        assert "\x1b" not in output and "\x07" not in output, output
        assert "\\x1b]0;PWNED\\x07" in output, output
        assert not any(line.startswith("forged") for line in output.splitlines()), output


def test_a_folder_path_too_long_for_the_system_is_one_line(tmp_path: Path) -> None:
    """Regression: 40 nested folders of 200-character names under data/ were an internal error
    (OSError: File name too long) from the loop check's stat."""
    folder = tmp_path / "data"
    folder.mkdir()
    fd = os.open(folder, os.O_RDONLY)
    for _ in range(40):  # each level made relative to the last: the whole path is too long
        os.mkdir("d" * 200, dir_fd=fd)
        inner = os.open("d" * 200, os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = inner
    os.close(fd)
    one_line_exit_2(run(ROOT, "validate", str(folder)), "cannot read this folder")


def test_the_cache_key_does_not_read_a_source_past_the_size_limit(tmp_path: Path) -> None:
    """Regression: `gnlc stats` (and a local query, and the Python API) hashed every source
    whole for the cache key before loading refused a file over the limit: a 3 GB file took
    3 GB of memory. Run with the address space capped just above the limit: the file must be
    refused by its size, not by running out of memory."""
    import resource
    import sys

    from gnlc.paths import MAX_SOURCE_BYTES

    root = copy_sources(tmp_path / "root")
    with (root / "data" / "huge.ttl").open("wb") as handle:
        handle.truncate(MAX_SOURCE_BYTES + (768 << 20))  # sparse: takes no room

    def capped() -> None:  # room for Python and its libraries, not for the file
        cap = MAX_SOURCE_BYTES + (512 << 20)
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    done = subprocess.run(
        [sys.executable, "-m", "gnlc", "--root", str(root), "stats"],
        capture_output=True,
        text=True,
        preexec_fn=capped,
        timeout=300,
        env={**os.environ, "GNLC_CACHE_DIR": str(tmp_path / "cache")},
    )
    assert done.returncode == 2, done.stderr
    [line] = done.stderr.strip().splitlines()
    assert "huge.ttl" in line and f"{MAX_SOURCE_BYTES:,} bytes" in line


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
@pytest.mark.parametrize(
    ("where", "command"),
    [
        ("queries/checks/x-violation.rq", ("validate",)),
        ("ontology/rules/99-x.rq", ("validate",)),
        ("queries/x.rq", ("query", "--list")),
    ],
)
def test_a_pipe_among_rules_checks_or_queries_is_refused_not_skipped(
    tmp_path: Path, where: str, command: tuple[str, ...]
) -> None:
    """Regression: the is_file() filter dropped a pipe named like a check, a rule or a named
    query without a word (validate exit 0, the check never run)."""
    root = copy_sources(tmp_path / "root")
    os.mkfifo(root / where)
    one_line_exit_2(run(root, *command), where.rsplit("/", 1)[1], "not a regular file")


def test_diff_of_a_revision_with_a_huge_file_is_refused_before_archiving(
    tmp_path: Path, monkeypatch
) -> None:
    """Regression: `gnlc diff` held a revision's whole archive in memory before any size check:
    a 2 GB sparse file (3.7 MB in git) took 4.3 GB of memory. Its size is now read from git's
    listing before archiving (the limit is lowered here so that the file can be small; the
    message is the listing's, not the loader's)."""
    import gnlc.paths

    repo = copy_sources(tmp_path / "repo")
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "sources")
    (repo / "data" / "big.ttl").write_text("# big\n" * 400_000, encoding="utf-8")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "big")
    monkeypatch.setattr(gnlc.paths, "MAX_SOURCE_BYTES", 2_000_000)  # the sources: 0.8 MB
    line = one_line_exit_2(run(repo, "diff", "HEAD~1", "HEAD"), "revision", "data/big.ttl")
    assert "2,400,000 bytes; a source file is read only up to 2,000,000 bytes" in line
