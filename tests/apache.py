"""A real Apache httpd (Debian's apache2) serving a built site on 127.0.0.1, for the tests.

The configuration is minimal and generated here: the modules the site's .htaccess needs, the
site as DocumentRoot with AllowOverride All, so what is tested is the generated .htaccess.
"""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

APACHE = Path("/usr/sbin/apache2")
MODULES = Path("/usr/lib/apache2/modules")
NEEDED = (
    ("mpm_event_module", "mod_mpm_event.so"),
    ("authz_core_module", "mod_authz_core.so"),
    ("dir_module", "mod_dir.so"),
    ("mime_module", "mod_mime.so"),
    ("rewrite_module", "mod_rewrite.so"),
    ("negotiation_module", "mod_negotiation.so"),
    ("headers_module", "mod_headers.so"),
    ("asis_module", "mod_asis.so"),
)
MAX_REDIRECTS = 10


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def config(folder: Path, docroot: Path, port: int) -> str:
    """httpd.conf serving docroot on port, with .htaccess files in charge."""
    modules = "\n".join(f"LoadModule {name} {MODULES / so}" for name, so in NEEDED)
    user = "User nobody\nGroup nogroup\n" if os.geteuid() == 0 else ""
    return f"""ServerRoot "{folder}"
ServerName 127.0.0.1
Listen 127.0.0.1:{port}
PidFile "{folder}/httpd.pid"
DefaultRuntimeDir "{folder}"
ErrorLog "{folder}/error.log"
LogLevel warn
{user}{modules}
TypesConfig /etc/mime.types
DocumentRoot "{docroot}"
<Directory "{docroot}">
  AllowOverride All
  Require all granted
</Directory>
"""


@dataclass
class Apache:
    """A running server: its root URL and its error log."""

    url: str
    log: Path
    hops: list = field(default_factory=list)


@contextmanager
def apache(site: Path, prefix: str = "/"):
    """Serve a copy of site with Debian's apache2 on a free loopback port; stop it afterwards."""
    assert APACHE.is_file(), f"{APACHE} missing: apt-get install apache2"
    folder = Path(tempfile.mkdtemp(prefix="gnlc-apache-"))
    try:
        folder.chmod(0o755)  # the server's user (nobody when the tests run as root) reads it
        docroot = folder / "htdocs"
        docroot.mkdir()
        shutil.copytree(site, docroot / prefix.strip("/") if prefix != "/" else docroot,
                        dirs_exist_ok=True)  # fmt: skip
        port = free_port()
        conf = folder / "httpd.conf"
        conf.write_text(config(folder, docroot, port), encoding="utf-8")
        process = subprocess.Popen(
            [str(APACHE), "-f", str(conf), "-DFOREGROUND"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            for _ in range(200):  # a safety net, not a timing assertion
                if process.poll() is not None:
                    raise AssertionError("apache2 did not start: " + process.stderr.read().decode())
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.05)
            yield Apache(f"http://127.0.0.1:{port}{prefix}", folder / "error.log")
        finally:
            process.terminate()
            process.wait(timeout=60)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@dataclass
class Response:
    """The final response after following redirects, and the URLs that led to it."""

    status: int
    url: str
    headers: dict
    body: bytes
    redirects: list


def get(url: str, accept: str | None = None, language: str | None = None) -> Response:
    """GET url following redirects (at most MAX_REDIRECTS; more is a loop and fails)."""
    headers = {}
    if accept is not None:
        headers["Accept"] = accept
    if language is not None:
        headers["Accept-Language"] = language
    redirects: list[tuple[int, str]] = []
    while True:
        parts = urlsplit(url)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        try:
            connection.request("GET", parts.path + ("?" + parts.query if parts.query else ""),
                               headers=headers)  # fmt: skip
            response = connection.getresponse()
            body = response.read()
            found = {k.lower(): v for k, v in response.getheaders()}
        finally:
            connection.close()
        if response.status in (301, 302, 303, 307, 308):
            url = urljoin(url, found["location"])
            redirects.append((response.status, url))
            assert len(redirects) <= MAX_REDIRECTS, f"redirect loop: {redirects[:4]}"
            continue
        return Response(response.status, url, found, body, redirects)
