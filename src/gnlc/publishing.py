"""Loading the release into a SPARQL 1.1 Graph Store Protocol store, then checking the count."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

from gnlc.errors import GnlcError
from gnlc.remote import (
    RETRY_STATUSES,
    USER_AGENT,
    http_error,
    network_error,
    parse_results,
    redact,
    retry_delay,
    send,
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


def _authorization(auth: tuple[str, str] | None) -> dict[str, str]:
    import base64

    if not auth:
        return {}
    token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode("ascii")
    return {"Authorization": f"Basic {token}"}


def put_graph(
    store_url: str,
    graph: str,
    body: bytes,
    auth: tuple[str, str] | None = None,
    timeout: float = 60.0,
    retries: int = 2,
) -> int:
    """HTTP PUT the N-Triples into the named graph (replacing it); return the HTTP status."""
    import http.client
    import urllib.error
    import urllib.request

    url = graph_url(store_url, graph)
    headers = {"Content-Type": NTRIPLES, "User-Agent": USER_AGENT, **_authorization(auth)}
    attempt = 0
    while True:
        request = urllib.request.Request(url, data=body, headers=headers, method="PUT")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                response.read()
                return int(response.status)
        except urllib.error.HTTPError as exc:
            if exc.code in RETRY_STATUSES and attempt < retries:
                attempt += 1
                time.sleep(retry_delay(attempt, exc.headers.get("Retry-After")))
                continue
            try:
                message = exc.read()
            except (OSError, http.client.HTTPException):
                message = b""
            raise http_error(url, exc.code, message, str(exc.reason or "")) from None
        except (OSError, http.client.HTTPException) as exc:
            raise network_error(url, exc, timeout) from None


def count_graph(
    query_url: str,
    graph: str,
    auth: tuple[str, str] | None = None,
    timeout: float = 60.0,
    retries: int = 2,
) -> int:
    """Triples in the named graph, counted by the query endpoint."""
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{check_graph_iri(graph)}> {{ ?s ?p ?o }} }}"
    body, ctype = send(query_url, query, "application/sparql-results+json", timeout, retries, auth)
    rows = list(parse_results(query_url, body, ctype))
    value = rows[0]["n"] if rows else None
    try:
        return int(value.value)
    except (AttributeError, ValueError):
        raise GnlcError(f"{redact(query_url)}: the count query gave no number") from None


def publish(
    release_dir: Path,
    query_url: str,
    store_url: str,
    graph: str,
    auth: tuple[str, str] | None = None,
    timeout: float = 60.0,
    retries: int = 2,
) -> Published:
    """Replace `graph` in the store with the release's gnlc.nt, then count it back."""
    from gnlc.server import count_triples, release_dump

    check_graph_iri(graph)
    query_url, query_auth = split_credentials(query_url)
    store_url, store_auth = split_credentials(store_url)
    dump = release_dump(release_dir)
    expected = count_triples(dump)
    put_graph(store_url, graph, dump.read_bytes(), auth or store_auth, timeout, retries)
    found = count_graph(query_url, graph, auth or query_auth, timeout, retries)
    return Published(graph, store_url, query_url, expected, found)
