"""Running the release in Oxigraph's read-only SPARQL server (the `oxigraph` PyPI package)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from gnlc.errors import GnlcError
from gnlc.loading import count_triples
from gnlc.paths import release_dump

INSTALL_HINT = "install it with: pip install 'gnlc[server]' (or pip install oxigraph)"
STOP_GRACE = 10.0


def find_oxigraph() -> str:
    """Path of the `oxigraph` server binary: on PATH, else beside this Python's scripts."""
    found = shutil.which("oxigraph")
    if found:
        return found
    beside = Path(sys.executable).parent / ("oxigraph.exe" if os.name == "nt" else "oxigraph")
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    raise GnlcError(f"the oxigraph server is not installed; {INSTALL_HINT}")


def _failure(what: str, result: subprocess.CompletedProcess) -> GnlcError:
    lines = [line for line in (result.stderr or "").splitlines() if line.strip()]
    detail = lines[-1].strip() if lines else f"exit status {result.returncode}"
    return GnlcError(f"{what}: {detail}")


def load_release(release_dir: Path, location: Path, oxigraph: str | None = None) -> int:
    """Load the release's gnlc.nt into an Oxigraph store folder; return its triple count."""
    dump = release_dump(release_dir)
    binary = oxigraph or find_oxigraph()
    location.mkdir(parents=True, exist_ok=True)
    command = [binary, "load", "--location", str(location), "--file", str(dump)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise _failure(f"oxigraph load {dump}", result)
    return count_triples(dump)


def bind_address(host: str, port: int) -> str:
    """HOST:PORT as oxigraph --bind wants it (IPv6 hosts in brackets)."""
    return f"[{host}]:{port}" if ":" in host and not host.startswith("[") else f"{host}:{port}"


def root_url(host: str, port: int) -> str:
    """http://HOST:PORT for a bound address (a wildcard host shown as loopback)."""
    shown = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)
    return f"http://{bind_address(shown, port)}"


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now."""
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _die_with_parent() -> None:
    # Linux: the server receives SIGTERM if gnlc itself is killed, so no server is left behind.
    import contextlib
    import ctypes
    import signal

    pr_set_pdeathsig = 1
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def _spawn(command: list[str], output) -> subprocess.Popen:
    return subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=output,
        stderr=output,
        # Its own session: Ctrl-C reaches gnlc only, which then stops the server in order.
        start_new_session=True,
        preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
    )


def start_server(
    location: Path,
    host: str = "127.0.0.1",
    port: int = 7878,
    oxigraph: str | None = None,
    read_only: bool = True,
    log: Path | None = None,
) -> subprocess.Popen:
    """Start `oxigraph serve-read-only` (or `serve`) on a store folder; return the process."""
    binary = oxigraph or find_oxigraph()
    mode = "serve-read-only" if read_only else "serve"
    command = [binary, mode, "--location", str(location), "--bind", bind_address(host, port)]
    try:
        if log is None:
            return _spawn(command, subprocess.DEVNULL)
        with open(log, "wb") as output:
            return _spawn(command, output)
    except OSError as exc:
        raise GnlcError(f"cannot start {binary}: {exc.strerror or exc}") from None


def log_tail(log: Path | None) -> str:
    """The last non-empty line of the server's log, or ''."""
    if not log or not log.is_file():
        return ""
    lines = [ln for ln in log.read_text("utf-8", "replace").splitlines() if ln.strip()]
    return lines[-1].strip() if lines else ""


def wait_until_ready(
    url: str, process: subprocess.Popen, timeout: float = 30.0, log: Path | None = None
) -> None:
    """Poll ROOT/query with an ASK until the server answers; fail if it exits or never does."""
    import urllib.error
    import urllib.request
    from urllib.parse import quote

    from gnlc.remote import USER_AGENT

    probe = f"{url}/query?query={quote('ASK {}')}"
    request = urllib.request.Request(
        probe, headers={"Accept": "application/sparql-results+json", "User-Agent": USER_AGENT}
    )
    deadline = time.monotonic() + timeout
    delay = 0.02
    while True:
        if process.poll() is not None:
            detail = log_tail(log) or f"exit status {process.returncode}"
            raise GnlcError(f"the oxigraph server stopped at start: {detail}")
        try:
            with urllib.request.urlopen(request, timeout=2) as response:
                if response.status == 200:
                    return
        except urllib.error.HTTPError as exc:
            exc.close()
        except (urllib.error.URLError, OSError):
            pass
        if time.monotonic() > deadline:
            raise GnlcError(f"the oxigraph server did not answer at {url} within {timeout:g}s")
        time.sleep(delay)
        delay = min(0.25, delay * 2)


def stop_server(process: subprocess.Popen, grace: float = STOP_GRACE) -> int:
    """Stop the server: SIGTERM, then SIGKILL after a grace period; return its exit status."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return int(process.returncode)


WORK_PREFIX = "gnlc-serve-"
_LOCK = ".lock"


def work_folder() -> tuple[Path, int]:
    """(a new temporary folder for serve, the descriptor of the lock held while it is in use).

    Folders of serve processes that died without cleaning up (killed) are removed first: a
    folder is stale when nobody holds its lock, which the system releases when a process
    dies, whatever its process id or namespace.
    """
    import fcntl
    import tempfile

    base = Path(tempfile.gettempdir())
    for old in base.glob(WORK_PREFIX + "*"):
        remove_if_stale(old)
    folder = Path(tempfile.mkdtemp(prefix=WORK_PREFIX))
    lock = os.open(folder / _LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(lock, fcntl.LOCK_EX)
    return folder, lock


def remove_if_stale(folder: Path) -> bool:
    """Remove a serve folder whose lock nobody holds; True if it was removed."""
    import fcntl

    try:
        if folder.is_symlink() or not folder.is_dir() or folder.stat().st_uid != os.getuid():
            return False
        lock = os.open(folder / _LOCK, os.O_RDWR)
    except OSError:
        return False  # no lock file: not ours to judge (or just being made)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False  # held: that serve is running
    finally:
        os.close(lock)
    shutil.rmtree(folder, ignore_errors=True)
    return True
