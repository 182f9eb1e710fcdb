"""Hostile or broken inputs: one line naming the file or URL and what is wrong, exit 2."""

from __future__ import annotations

import contextlib
import fcntl
import http.server
import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT

from gnlc.cli import cli

PATIENCE = 60


def run(*args: str, root: Path = ROOT):
    """gnlc in-process; internal errors are not caught, so they fail the test."""
    return CliRunner().invoke(cli, ["--root", str(root), *args], catch_exceptions=False)


def one_line(result, *needles: str) -> str:
    """The single stderr line of a refusal (exit 2), holding each needle."""
    assert result.exit_code == 2, (result.exit_code, result.output)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert line.startswith("gnlc: ") and "internal error" not in line, line
    for needle in needles:
        assert needle in line, (needle, line)
    return line


@pytest.fixture
def project(root_copy: Path) -> Path:
    """A copy of the repository's sources."""
    return root_copy


# --- files -----------------------------------------------------------------------------------


def test_literal_over_the_parser_buffer_is_located(tmp_path: Path) -> None:
    from gnlc.loading import TOKEN_LIMIT

    path = tmp_path / "big.ttl"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("@prefix ex: <https://example.org/> .\n\n")
        handle.write('ex:a ex:p "' + "x" * (TOKEN_LIMIT + 4 * 1024 * 1024) + '" .\n')
    one_line(run("validate", str(path)), f"{path}:3: ", "longer than 16 MiB")
    one_line(run("fmt", "--check", str(path)), f"{path}:3: ", "longer than 16 MiB")


def _mount_tmpfs(where: Path, options: str) -> None:
    where.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)], check=False)
    if done.returncode != 0:
        reason = "mounting a tmpfs needs root (CAP_SYS_ADMIN)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)


@contextlib.contextmanager
def tmpfs(where: Path, options: str) -> Iterator[Path]:
    """A small tmpfs mounted at where for the block (root only; skipped elsewhere)."""
    _mount_tmpfs(where, options)
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def test_build_out_on_a_read_only_file_system(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        with tmpfs(tmp_path / "ro", "ro,size=1m") as ro:
            out = ro / "dist"
            one_line(run("build", "--out", str(out)), str(out), "Read-only file system")
    else:
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o555)
        try:
            out = ro / "dist"
            one_line(run("build", "--out", str(out)), str(out), "Permission denied")
        finally:
            ro.chmod(0o755)


@pytest.mark.slow
def test_build_out_on_a_full_disk_leaves_nothing(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "full", "size=256k") as full:
        out = full / "dist"
        one_line(run("build", "--out", str(out)), str(out), "No space left on device")
        assert list(full.iterdir()) == []  # no half-written temporary folder


def test_fmt_on_a_read_only_file_system(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "ro", "size=1m") as ro:
        path = ro / "messy.ttl"
        text = "@prefix ex: <https://example.org/> .\nex:b ex:p 2 .\nex:a ex:p 1 .\n"
        path.write_text(text, encoding="utf-8")
        subprocess.run(["mount", "-o", "remount,ro", str(ro)], check=True)
        one_line(run("fmt", str(path)), str(path), "Read-only file system")
        assert path.read_text(encoding="utf-8") == text


def test_build_out_on_a_mount_point_is_refused_before_the_work() -> None:
    assert os.path.ismount("/proc")
    one_line(run("build", "--out", "/proc"), "/proc", "mount point")


def test_build_out_on_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "release"
    path.write_text("not a folder\n", encoding="utf-8")
    one_line(run("build", "--out", str(path)), str(path), "not a folder")
    assert path.read_text(encoding="utf-8") == "not a folder\n"


def test_build_out_on_a_folder_that_is_not_a_release(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine\n", encoding="utf-8")
    one_line(run("build", "--out", str(tmp_path)), str(tmp_path), "no gnlc release")
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine\n"


# --- queries ---------------------------------------------------------------------------------


def test_a_folder_named_like_a_query_file(tmp_path: Path) -> None:
    folder = tmp_path / "x.rq"
    folder.mkdir()
    one_line(run("query", str(folder)), str(folder), "is a folder")


@pytest.mark.slow
def test_a_folder_named_like_a_query_inside_the_project(project: Path) -> None:
    for folder in ("queries/x.rq", "queries/checks/x-violation.rq", "ontology/rules/x.rq"):
        (project / folder).mkdir()
    listed = run("query", "--list", root=project)
    assert listed.exit_code == 0 and "\tx\t" not in listed.stdout
    one_line(run("query", "x", root=project), "unknown query 'x'")
    assert run("validate", root=project).exit_code == 0


@pytest.mark.parametrize("suffix", ["", ".rq"])
def test_a_5000_character_query_name(suffix: str) -> None:
    name = "a" * 5000 + suffix
    line = one_line(run("query", name), f"({len(name)} characters)")
    assert len(line) < 1000


@pytest.mark.parametrize(
    ("folder", "text", "place", "what"),
    [
        ("queries/checks", "SELECT ?focus WHERE { ?focus ?p }\n", ":1:33: ", "syntax error"),
        (
            "ontology/rules",
            "PREFIX x: <http://x/>\nCONSTRUCT { ?s x:p ?o }\nWHERE { ?s x:q }\n",
            ":3:17: ",
            "syntax error",
        ),
        ("ontology/rules", "SELECT * WHERE { ?s ?p ?o }\n", ": ", "must be a CONSTRUCT"),
    ],
    ids=["check", "rule", "rule-not-construct"],
)
def test_a_broken_check_or_rule_names_its_file(
    project: Path, folder: str, text: str, place: str, what: str
) -> None:
    name = "zz-broken-violation.rq" if "checks" in folder else "99-broken.rq"
    path = project / folder / name
    path.write_text(text, encoding="utf-8")
    for command in (["validate"], ["query", "sdgs"]):
        if "checks" in folder and command[0] == "query":
            continue  # checks run in validation only
        line = one_line(run(*command, root=project), f"{path}{place}", what)
        assert len(line) < len(str(path)) + 250


# --- endpoints -------------------------------------------------------------------------------

ROW = {"n": {"type": "literal", "value": "1"}}
GOOD = json.dumps({"head": {"vars": ["n"]}, "results": {"bindings": [ROW, ROW, ROW]}}).encode()
BODIES = {
    # Cut after the first row: the head parses, the rows do not.
    "/truncated-rows": GOOD[: GOOD.index(b"}},") + 3],
    "/unknown-term": json.dumps(
        {"head": {"vars": ["n"]}, "results": {"bindings": [{"n": {"type": "x", "value": "1"}}]}}
    ).encode(),
    "/undeclared-variable": json.dumps(
        {"head": {"vars": ["n"]}, "results": {"bindings": [{"m": ROW["n"]}]}}
    ).encode(),
}


class Liar(http.server.BaseHTTPRequestHandler):
    """Answers with broken SPARQL JSON, or redirects to itself forever."""

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == "/loop":
            self.send_response(302)
            self.send_header("Location", "/loop")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = BODIES[path]
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET


@pytest.fixture
def liar() -> Iterator[str]:
    """The liar's root URL on 127.0.0.1; shut down after the test."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Liar)
    # shutdown() waits for the loop's next poll: 0.5 s by default, idle in every test
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.mark.parametrize("path", [*BODIES, "/loop"])
def test_broken_endpoint_answers_are_one_line(liar: str, path: str) -> None:
    url = liar + path
    result = run("query", "sdgs", "--endpoint", url, "--timeout", "5", "--retries", "0")
    what = "redirect" if path == "/loop" else "malformed SPARQL results"
    one_line(result, url, what)
    assert result.stdout == ""  # no partial table before the error


# --- --debug ---------------------------------------------------------------------------------


@pytest.mark.parametrize("debug", [False, True])
def test_internal_errors_exit_2_with_or_without_debug(monkeypatch, capsys, debug: bool) -> None:
    import gnlc.pipeline
    from gnlc.cli import main

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(gnlc.pipeline, "validate_sources", broken)
    # main() sets GNLC_DEBUG for --debug; setenv here makes monkeypatch restore it afterwards.
    monkeypatch.setenv("GNLC_DEBUG", "0")
    monkeypatch.setattr(sys, "argv", ["gnlc", *(["--debug"] if debug else []), "validate"])
    with pytest.raises(SystemExit) as exit_:
        main()
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert ("Traceback" in err) == debug
    assert "RuntimeError: a bug" in err


# --- serve -----------------------------------------------------------------------------------


def _serve(release: Path, tmpdir: Path) -> subprocess.Popen:
    """`gnlc serve --data RELEASE --port 0` with TMPDIR=tmpdir, once it prints its endpoint."""
    gnlc = Path(sys.executable).with_name("gnlc")
    process = subprocess.Popen(
        [str(gnlc), "serve", "--port", "0", "--data", str(release)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "TMPDIR": str(tmpdir)},
    )
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    while True:
        line = lines.get(timeout=PATIENCE)
        if line is None:
            pytest.fail(f"gnlc serve exited {process.wait()}")
        if line.startswith("SPARQL endpoint:"):
            return process


def _stop(process: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        process.send_signal(sig)
    try:
        process.wait(timeout=PATIENCE)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.mark.server
def test_serve_removes_folders_of_killed_serves_only(release: Path, tmp_path: Path) -> None:
    killed = _serve(release, tmp_path)
    _stop(killed, signal.SIGKILL)
    left = sorted(tmp_path.glob("gnlc-serve-*"))
    assert len(left) == 1  # what a killed serve leaves behind
    # A folder whose lock is held belongs to a running serve: it stays.
    alive = tmp_path / "gnlc-serve-alive"
    alive.mkdir()
    holder = os.open(alive / ".lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(holder, fcntl.LOCK_EX)
    # A folder without a lock (another program's, or an older gnlc's) is not ours to judge.
    unlocked = tmp_path / "gnlc-serve-unlocked"
    unlocked.mkdir()
    try:
        second = _serve(release, tmp_path)
        try:
            names = {p.name for p in tmp_path.glob("gnlc-serve-*")}
            assert left[0].name not in names
            assert {"gnlc-serve-alive", "gnlc-serve-unlocked"} <= names
            assert len(names) == 3  # the second serve's own folder
        finally:
            _stop(second)
    finally:
        os.close(holder)
    assert {p.name for p in tmp_path.glob("gnlc-serve-*")} == {
        "gnlc-serve-alive",
        "gnlc-serve-unlocked",
    }
    assert re.match(r"gnlc-serve-", left[0].name)
