"""Every example in every `--help` and in the README runs as documented (issue 14, item 2).

Examples are parsed out of the help texts (the lines under "Example:"/"Examples:") and out of
the README's ```sh and ```sparql blocks, then run with bash in a copy of the project (the
session's release already in dist/), exactly as written except for these stand-ins, so that
nothing leaves the machine and nothing collides with another run:
- `127.0.0.1:7878` / `localhost:7878` is a real Oxigraph server holding the release in its
  default graph and in <https://w3id.org/gnlc/>; `127.0.0.1:3030/ds/query` and `.../ds/data`
  (Fuseki's layout) are that server's /query and /store;
- `/tmp/` is the test's own temporary folder;
- an example that serves (`gnlc serve`, `python -m http.server`) gets a free port.
- `gnlc site` as such (the README's, and the one before `&&` in `gnlc site --help`) runs once
  per test run, in a project of its own; the examples that serve the site it builds serve that
  project's site/ (see site_built).
A trailing comment says how an example ends; the test holds it to that:
- `# exits N...`: it must exit with N (otherwise 0);
- `# runs until Ctrl-C...`: it must answer HTTP on its port, then stops on Ctrl-C (SIGINT);
- `# not run by the tests: ...`: only for installing packages or running this suite itself.
A ```sparql block is run as the user's own query file and must give rows.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from importlib import import_module
from pathlib import Path
from typing import NamedTuple

import pytest
from conftest import ROOT
from helpers import copy_sources
from test_endpoint import free_port, oxigraph_executable, stop, wait_for

from gnlc.cli import SUMMARIES, cli

pytestmark = pytest.mark.server

GRAPH = "https://w3id.org/gnlc/"
PATIENCE = 180.0  # a safety net against a hung example; never asserted on


class Example(NamedTuple):
    """One runnable example: where it is written, the command, how it must end."""

    where: str
    command: str
    exits: int = 0
    serves: bool = False
    not_run: str = ""
    language: str = "sh"


def _split_comment(line: str) -> tuple[str, str]:
    """(command, trailing comment) — a `#` after whitespace and outside quotes starts it."""
    quote = ""
    for i, char in enumerate(line):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "#" and (i == 0 or line[i - 1].isspace()):
            return line[:i].rstrip(), line[i + 1 :].strip()
    return line.rstrip(), ""


def _examples(lines: list[str], where: str) -> list[Example]:
    """Examples from shell lines: `\\` continuations joined, trailing comments read."""
    out, pending, first = [], "", 0
    for number, raw in enumerate(lines):
        text = raw.strip()
        if not pending:
            first = number
        if text.endswith("\\"):
            pending += text[:-1] + " "
            continue
        text, pending = pending + text, ""
        command, comment = _split_comment(text)
        if not command:
            continue
        exits = re.match(r"exits (\d+)", comment)
        out.append(
            Example(
                where=f"{where}+{first}",
                command=command,
                exits=int(exits.group(1)) if exits else 0,
                serves=comment.startswith("runs until Ctrl-C"),
                not_run=comment.split(":", 1)[1].strip()
                if comment.startswith("not run by the tests")
                else "",
            )
        )
    return out


def help_examples() -> list[Example]:
    """The examples of `gnlc --help` and of every command's --help."""
    texts = {"gnlc --help": cli.help}
    for name in SUMMARIES:
        texts[f"gnlc {name} --help"] = import_module(f"gnlc.commands.{name}").command.help
    out = []
    for where, text in texts.items():
        lines = text.splitlines()
        starts = [i for i, line in enumerate(lines) if line.strip() in ("Example:", "Examples:")]
        assert starts, f"{where} has no example"
        block = []
        for line in lines[starts[0] + 1 :]:
            if not line.strip():
                break
            block.append(line)
        out += _examples(block, where)
    return out


def readme_examples(path: Path = ROOT / "README.md") -> list[Example]:
    """The README's ```sh and ```sparql blocks."""
    out, block, language, start = [], None, "", 0
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith("```"):
            if block is None:
                block, language, start = [], line[3:].strip().split(" ")[0], number
                continue
            if language == "sh":
                out += _examples(block, f"README.md:{start}")
            elif language == "sparql":
                out.append(Example(f"README.md:{start}", "\n".join(block), language="sparql"))
            block = None
        elif block is not None:
            block.append(line)
    return out


HELP = help_examples()
README = readme_examples()


@pytest.fixture(scope="module")
def oxigraph(release: Path, tmp_path_factory: pytest.TempPathFactory):
    """Oxigraph (read-write) holding the release in its default graph and in GRAPH."""
    location = tmp_path_factory.mktemp("examples-oxigraph") / "store"
    for graph in ((), ("--graph", GRAPH)):
        subprocess.run(
            [
                oxigraph_executable(),
                "load",
                "--location",
                str(location),
                "--file",
                str(release / "gnlc.nt"),
                *graph,
            ],
            check=True,
            capture_output=True,
            timeout=PATIENCE,
        )
    port = free_port()
    process = subprocess.Popen(
        [
            oxigraph_executable(),
            "serve",
            "--location",
            str(location),
            "--bind",
            f"127.0.0.1:{port}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        root = f"http://127.0.0.1:{port}"
        wait_for(root, process)
        yield root
    finally:
        stop(process)


def make_project(root: Path, release: Path) -> Path:
    """A copy of the project at root with release in dist/: examples may write there."""
    copy_sources(root, extra=("scripts",))
    shutil.copytree(release, root / "dist")
    # A checkout: two commits (the sources, then one edit), so `gnlc diff HEAD~1` has a history.

    def git(*args: str) -> None:
        subprocess.run(
            ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
            check=True,
            capture_output=True,
        )

    (root / ".gitignore").write_text("dist/\nsite/\n", encoding="utf-8")
    git("init", "-q")
    git("add", "-A")
    git("commit", "-qm", "sources")
    git("tag", "v0.1.0")
    (root / "data/members/SX.ttl").unlink()
    git("commit", "-qam", "one member file less")
    return root


@pytest.fixture(scope="module")
def project(release: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project with the session's release in dist/: examples may write there."""
    return make_project(tmp_path_factory.mktemp("examples") / "gnlc", release)


class Ran(NamedTuple):
    """How a command ended."""

    returncode: int
    stdout: str
    stderr: str


SITE = "gnlc site"


@pytest.fixture(scope="session")
def site_built(release: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Ran]:
    """(project, how `gnlc site` ended in it): run once per test run, whichever worker comes
    first, in a project of its own made as `project` is.

    Three examples start with this same command in the same sources: the README's
    `gnlc site`, the `gnlc site && python -m http.server -d site 8000` of `gnlc site --help`,
    and the README's `python -m http.server -d site 8000` (which serves what the line before
    it built). A site build is the costliest command of the examples, and the same command on
    the same sources gives the same exit code, output and site: each of those examples gets
    this run's, and the serving ones serve this project's site/.
    """
    from helpers import shared

    def make(folder: Path) -> None:
        built = make_project(folder / "gnlc", release)
        done = subprocess.run(
            ["bash", "-o", "pipefail", "-c", SITE],
            cwd=built,
            env=_environment(),
            capture_output=True,
            text=True,
            timeout=PATIENCE,
        )
        for name, text in (
            ("code", str(done.returncode)),
            ("out", done.stdout),
            ("err", done.stderr),
        ):
            (folder / name).write_text(text, encoding="utf-8")

    folder = shared(tmp_path_factory, "examples-site", make)
    code, out, err = (
        (folder / name).read_text(encoding="utf-8") for name in ("code", "out", "err")
    )
    return folder / "gnlc", Ran(int(code), out, err)


def _environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("GNLC_ROOT", "GNLC_DEBUG")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["FUSEKI_PASSWORD"] = "secret"
    return env


def _stand_ins(command: str, oxigraph: str, tmp: Path) -> str:
    for host in ("127.0.0.1", "localhost"):
        command = command.replace(f"http://{host}:3030/ds/query", f"{oxigraph}/query")
        command = command.replace(f"http://{host}:3030/ds/data", f"{oxigraph}/store")
        command = command.replace(f"http://{host}:7878", oxigraph)
    return command.replace("/tmp/", f"{tmp}/")


def _serve(command: str, cwd: Path, env: dict[str, str]) -> None:
    """Start a serving example, wait for it to answer on its port, stop it with Ctrl-C.

    A port found free can be
    taken by another worker's server before the example binds it: the example then dies with
    "Address already in use" and is started again on another port; an answer counts only
    while the example still runs after it (so it was the example's, not a stranger's).
    """
    for _attempt in range(3):
        if _serve_on(free_port(), command, cwd, env):
            return
    pytest.fail(f"{command}: every port tried was taken meanwhile")


def _serve_on(port: int, command: str, cwd: Path, env: dict[str, str]) -> bool:
    """True once the example answers on port; False when another process had the port."""
    import http.client

    if re.search(r"\b8000\b", command):
        command = re.sub(r"\b8000\b", str(port), command)
    elif "gnlc serve" in command:
        command = command.replace("gnlc serve", f"gnlc serve --port {port}", 1)
    url = f"http://127.0.0.1:{port}/"
    if "gnlc serve" in command:
        url += "query?query=ASK%7B%7D"
    process = subprocess.Popen(
        ["bash", "-c", command],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + PATIENCE
        while True:
            if process.poll() is not None:
                error = process.stderr.read().decode()
                if "Address already in use" in error:
                    return False
                raise AssertionError(error[-2000:])
            try:
                with urllib.request.urlopen(url, timeout=10) as response:
                    assert response.status == 200
                time.sleep(0.5)  # a stranger on the port: the example fails to bind meanwhile
                if process.poll() is None:
                    return True
            except (OSError, http.client.HTTPException):
                assert time.monotonic() < deadline, f"{command}: no answer on {url}"
                time.sleep(0.2)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)
            try:
                process.wait(timeout=PATIENCE)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def _uses_site_built(example: Example) -> bool:
    """Whether example starts with `gnlc site` as such, or serves the site that builds."""
    command = example.command
    return (
        command == SITE
        or command.startswith(SITE + " && ")
        or bool(example.serves and re.search(r"http\.server -d site\b", command))
    )


def _site_first(example: Example, site_built: tuple[Path, Ran]) -> tuple[Example, Path]:
    """For an example that _uses_site_built: checks the one run of `gnlc site` it starts with
    (if it does) and gives what remains to run, and the project to run it in."""
    built, ran = site_built
    if example.command.startswith(SITE):
        expected = example.exits if example.command == SITE else 0  # `&&` goes on after 0
        assert ran.returncode == expected, (SITE, ran.stdout[-1500:], ran.stderr[-1500:])
        assert "Traceback" not in ran.stderr
        rest = example.command.removeprefix(SITE).removeprefix(" && ")
        return example._replace(command=rest), built
    return example, built


def _run(
    example: Example,
    project: Path,
    oxigraph: str,
    tmp_path: Path,
    site_built: tuple[Path, Ran] | None,
) -> None:
    env = _environment()
    if site_built is not None:
        example, project = _site_first(example, site_built)
        if not example.command:
            return
    if example.not_run:
        # Only installing packages or running this very suite may stay unrun.
        assert example.command.startswith("python3 -m venv .venv"), example
        return
    if example.language == "sparql":
        path = tmp_path / "example.rq"
        path.write_text(example.command + "\n", encoding="utf-8")
        example = example._replace(command=f"gnlc query {path} --format csv")
        done = subprocess.run(
            ["bash", "-c", example.command], cwd=project, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        assert len(done.stdout.splitlines()) > 1, "the README's query gives no row"
        return
    command = _stand_ins(example.command, oxigraph, tmp_path)
    if example.serves:
        _serve(command, project, env)
        return
    process = subprocess.Popen(
        ["bash", "-o", "pipefail", "-c", command],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # so that a hung example is stopped with all its children
    )
    try:
        stdout, stderr = process.communicate(timeout=PATIENCE)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail(f"{command}: still running after {PATIENCE:g}s (a server needs a marker)")
    assert process.returncode == example.exits, (command, stdout[-1500:], stderr[-1500:])
    assert "Traceback" not in stderr


@pytest.mark.parametrize("example", HELP, ids=[f"{e.where}: {e.command[:50]}" for e in HELP])
def test_help_example(
    example: Example, project: Path, oxigraph: str, tmp_path: Path, request
) -> None:
    _run(example, project, oxigraph, tmp_path, _site_if_needed(example, request))


@pytest.mark.parametrize("example", README, ids=[f"{e.where}: {e.command[:50]}" for e in README])
def test_readme_example(
    example: Example, project: Path, oxigraph: str, tmp_path: Path, request
) -> None:
    _run(example, project, oxigraph, tmp_path, _site_if_needed(example, request))


def _site_if_needed(example: Example, request) -> tuple[Path, Ran] | None:
    """site_built for the examples that use it (the others need not wait for it)."""
    return request.getfixturevalue("site_built") if _uses_site_built(example) else None


def test_examples_are_found() -> None:
    """Parsing finds the examples (a silent parser would pass every test above)."""
    commands = {e.command for e in HELP}
    assert "gnlc query cities-serving-sdg --param goal=11 --format csv" in commands
    assert any(e.exits == 1 for e in HELP)
    assert any(e.serves for e in HELP)
    assert any(e.language == "sparql" for e in README)
    assert sum(1 for e in README if e.language == "sh") >= 8
