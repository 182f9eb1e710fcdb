"""Loading the release into a SPARQL 1.1 Graph Store Protocol store, then checking the count."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn
from urllib.parse import quote, urlsplit

from gnlc.errors import GnlcError
from gnlc.remote import (
    RETRY_STATUSES,
    USER_AGENT,
    Deadline,
    fetch,
    parse_results,
    redact,
    split_credentials,
)

NTRIPLES = "application/n-triples"
_IRI = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>\"{}|\\^`]+$")


@dataclass
class Published:
    """What publish did: where, how many triples were sent, how many the endpoint counts."""

    graph: str
    store_url: str
    query_url: str
    expected: int
    found: int


def check_graph_iri(graph: str) -> str:
    """The graph IRI if it is absolute and safe to write between < and >."""
    if not _IRI.match(graph):
        raise GnlcError(f"--graph {graph!r}: not an absolute IRI")
    return graph


def graph_url(store_url: str, graph: str) -> str:
    """STORE?graph=IRI (indirect graph identification, SPARQL 1.1 Graph Store Protocol)."""
    separator = "&" if urlsplit(store_url).query else "?"
    return f"{store_url}{separator}graph={quote(graph, safe='')}"


def challenge(headers) -> str | None:
    """The WWW-Authenticate challenge to answer: Digest when offered, else the first one."""
    offered = [h.strip() for h in (headers.get_all("WWW-Authenticate") or []) if h.strip()]
    digest = [h for h in offered if _scheme(h) == "digest"]
    return (digest or offered or [None])[0]


def _scheme(challenge: str | None) -> str:
    return (challenge or "basic").split(" ", 1)[0].lower()


class Credentials:
    """A user name and password for one exchange: answers Basic or Digest challenges.

    urllib's digest handler computes the answers (and counts the uses of a nonce); it is
    called directly rather than as an opener handler, because a handler answers only after a
    first attempt has sent the whole body.
    """

    def __init__(self, url: str, auth: tuple[str, str]) -> None:
        import urllib.request

        self.auth = auth
        self.offer: str | None = None  # the challenge being answered (None: Basic unasked)
        self.active = False  # whether requests carry an Authorization header yet
        manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        manager.add_password(None, url, auth[0], auth[1])
        self._digest = urllib.request.HTTPDigestAuthHandler(manager)

    def should_answer(self, fresh: str) -> bool:
        """Answer a 401 when nothing was sent, the scheme changed, or the nonce went stale."""
        if not self.active or _scheme(fresh) != _scheme(self.offer):
            return True
        stale = re.search(r'stale\s*=\s*"?true', fresh, re.IGNORECASE)
        return _scheme(fresh) == "digest" and stale is not None

    def take(self, fresh: str) -> None:
        """Answer this challenge from now on."""
        self.offer, self.active = fresh, True

    def header(self, request) -> str:
        """The Authorization header for this request."""
        import base64
        import urllib.error
        import urllib.request

        if _scheme(self.offer) != "digest":
            token = base64.b64encode(f"{self.auth[0]}:{self.auth[1]}".encode()).decode("ascii")
            return f"Basic {token}"
        params = (self.offer or "").partition(" ")[2]
        fields = urllib.request.parse_keqv_list(
            [item for item in urllib.request.parse_http_list(params) if item]
        )
        shown = redact(request.full_url)
        try:
            answer = self._digest.get_authorization(request, fields)
        except (ValueError, KeyError, urllib.error.URLError) as exc:
            detail = getattr(exc, "reason", exc)
            raise GnlcError(f"{shown}: cannot answer the digest challenge: {detail}") from None
        if answer is None:
            raise GnlcError(f"{shown}: cannot answer the digest challenge")
        return f"Digest {answer}"


def exchange(
    method: str,
    url: str,
    body: bytes | None,
    headers: dict[str, str],
    auth: tuple[str, str] | None = None,
    timeout: float = 60.0,
    retries: int = 2,
    deadline: Deadline | None = None,
) -> tuple[int, bytes, str]:
    """One HTTP request, answering the server's Basic or Digest challenge; retries 429/503.

    With credentials, a request with a body is preceded by a HEAD that meets the challenge
    and tries the credentials, so a wrong password is reported as HTTP 401 before megabytes
    go out (a store may close the connection on its 401 before reading the body, as Virtuoso
    does); a store whose HEAD asks for nothing gets Basic credentials with the body. A request
    without a body answers its own 401. All of it ends by `deadline` (else `timeout` seconds
    from now), however slowly the store answers. Returns (status, body, content type).
    """
    if deadline is None:
        with Deadline(timeout) as own:
            return exchange(method, url, body, headers, auth, timeout, retries, own)
    credentials = Credentials(url, auth) if auth else None
    if credentials is not None and body is not None:
        _send("HEAD", url, None, {}, credentials, deadline, retries, probe=True)
        credentials.active = True
    return _send(method, url, body, headers, credentials, deadline, retries)


def _send(
    method: str,
    url: str,
    body: bytes | None,
    headers: dict[str, str],
    credentials: Credentials | None,
    deadline: Deadline,
    retries: int,
    probe: bool = False,
) -> tuple[int, bytes, str]:
    import urllib.error
    import urllib.request

    answered = 0

    def build() -> urllib.request.Request:
        request = urllib.request.Request(url, data=body, method=method, headers=headers)
        request.add_header("User-Agent", USER_AGENT)
        if credentials is not None and credentials.active:
            request.add_header("Authorization", credentials.header(request))
        return request

    def answer(exc: urllib.error.HTTPError) -> bool:
        nonlocal answered
        fresh = challenge(exc.headers) if exc.headers else None
        if credentials is None or not fresh or exc.code != 401 or answered >= 2:
            return False
        if not credentials.should_answer(fresh):
            return False
        answered += 1
        credentials.take(fresh)
        return True

    def unsupported(code: int) -> bool:
        return code not in (401, *RETRY_STATUSES)  # HEAD not allowed or not found: no challenge

    return fetch(build, url, deadline, retries, answer, unsupported if probe else None)


def put_graph(
    store_url: str,
    graph: str,
    body: bytes,
    auth: tuple[str, str] | None = None,
    timeout: float = 60.0,
    retries: int = 2,
    deadline: Deadline | None = None,
) -> int:
    """HTTP PUT the N-Triples into the named graph (replacing it); return the HTTP status."""
    headers = {"Content-Type": NTRIPLES}
    status, _, _ = exchange(
        "PUT", graph_url(store_url, graph), body, headers, auth, timeout, retries, deadline
    )
    return status


def count_graph(
    query_url: str,
    graph: str,
    auth: tuple[str, str] | None = None,
    timeout: float = 60.0,
    retries: int = 2,
    deadline: Deadline | None = None,
) -> int:
    """Triples in the named graph, counted by the query endpoint (SPARQL protocol, GET)."""
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{check_graph_iri(graph)}> {{ ?s ?p ?o }} }}"
    separator = "&" if urlsplit(query_url).query else "?"
    url = f"{query_url}{separator}query={quote(query, safe='')}"
    headers = {"Accept": "application/sparql-results+json"}
    _, body, ctype = exchange("GET", url, None, headers, auth, timeout, retries, deadline)
    rows = list(parse_results(query_url, body, ctype))
    value = rows[0]["n"] if rows else None
    try:
        return int(value.value) if value is not None else _no_number(query_url)
    except ValueError:
        return _no_number(query_url)


def _no_number(query_url: str) -> NoReturn:
    raise GnlcError(f"{redact(query_url)}: the count query gave no number")


def publish(
    release_dir: Path,
    query_url: str,
    store_url: str,
    graph: str,
    auth: tuple[str, str] | None = None,
    timeout: float = 60.0,
    retries: int = 2,
) -> Published:
    """Replace `graph` in the store with the release's gnlc.nt, then count it back.

    `timeout` is one deadline for both steps: the PUT (credential probes and retries included)
    and the count, each answer read to its end."""
    from gnlc.loading import count_triples
    from gnlc.paths import release_dump

    check_graph_iri(graph)
    query_url, query_auth = split_credentials(query_url)
    store_url, store_auth = split_credentials(store_url)
    dump = release_dump(release_dir)
    expected = count_triples(dump)
    body = dump.read_bytes()
    with Deadline(timeout) as deadline:
        put_graph(store_url, graph, body, auth or store_auth, timeout, retries, deadline)
        found = count_graph(query_url, graph, auth or query_auth, timeout, retries, deadline)
    return Published(graph, store_url, query_url, expected, found)
