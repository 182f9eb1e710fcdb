"""Queries against any SPARQL 1.1 endpoint through SPARQLWrapper, with clear failures."""

from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

from gnlc import __version__
from gnlc.errors import GnlcError

USER_AGENT = f"gnlc/{__version__} (UNESCO GNLC knowledge graph; +https://w3id.org/gnlc/)"
RETRY_STATUSES = (429, 503)
LONG_QUERY = 1500


def endpoint_urls(endpoint: str, store: str | None = None) -> tuple[str, str]:
    """(query URL, store URL): a bare root means Oxigraph's layout ROOT/query, ROOT/store."""
    parts = urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise GnlcError(f"--endpoint {endpoint!r}: not an http(s) URL")
    root = endpoint.rstrip("/")
    if parts.path in ("", "/"):
        return root + "/query", store or root + "/store"
    if store is None and root.endswith("/query"):
        store = root[: -len("/query")] + "/store"
    return endpoint, store or ""


def _server_message(body: bytes) -> str:
    text = body.decode("utf-8", "replace")
    text = re.sub(r"<[^>]+>", " ", text)
    text = " ".join(text.split())
    return text[:200]


def _http_error(url: str, exc) -> GnlcError:
    code = getattr(exc, "code", None)
    body = b""
    try:
        body = exc.read() if hasattr(exc, "read") else b""
    except Exception:
        body = b""
    message = _server_message(body) or getattr(exc, "reason", "") or str(exc)
    return GnlcError(f"{url}: HTTP {code}: {message}")


def send(url: str, query: str, accept: str, timeout: float, retries: int) -> tuple[bytes, str]:
    """POST or GET the query; return (body, content type). Retries only on 429/503."""
    import socket
    import urllib.error

    from SPARQLWrapper import POST, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    attempt = 0
    while True:
        client = SPARQLWrapper(url, agent=USER_AGENT)
        client.setTimeout(int(max(1, round(timeout))))
        client.setQuery(query)
        client.setOnlyConneg(True)
        client.addCustomHttpHeader("Accept", accept)
        if len(query) > LONG_QUERY:
            client.setMethod(POST)
            client.setRequestMethod("postdirectly")
        try:
            response = client.query().response
            return response.read(), response.headers.get("Content-Type", "")
        except urllib.error.HTTPError as exc:
            if exc.code in RETRY_STATUSES and attempt < retries:
                attempt += 1
                delay = min(8.0, 0.25 * 2**attempt)
                retry_after = exc.headers.get("Retry-After", "") if exc.headers else ""
                if retry_after.isdigit():
                    delay = min(8.0, float(retry_after))
                time.sleep(delay)
                continue
            raise _http_error(url, exc) from None
        except SPARQLWrapperException as exc:
            text = " ".join(str(exc).split())
            match = re.match(r"(\w+): (.*)", text)
            raise GnlcError(f"{url}: {match.group(2) if match else text}"[:300]) from None
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, (TimeoutError, socket.timeout)):
                raise GnlcError(f"{url}: timed out after {timeout:g}s") from None
            if isinstance(reason, ConnectionRefusedError):
                raise GnlcError(f"{url}: connection refused (is the server running?)") from None
            raise GnlcError(f"{url}: cannot connect: {reason}") from None
        except TimeoutError:
            raise GnlcError(f"{url}: timed out after {timeout:g}s") from None
        except ConnectionError as exc:
            raise GnlcError(f"{url}: connection failed: {exc}") from None
        except Exception as exc:
            raise GnlcError(f"{url}: bad response: {type(exc).__name__}: {exc}"[:300]) from None


def query_kind(text: str) -> str:
    """'select', 'ask' or 'construct', found by parsing the query."""
    import pyoxigraph

    result = pyoxigraph.Store().query(text)
    if isinstance(result, pyoxigraph.QueryBoolean):
        return "ask"
    if isinstance(result, pyoxigraph.QueryTriples):
        return "construct"
    return "select"


def run_remote(url: str, text: str, timeout: float = 30.0, retries: int = 2):
    """Run a query remotely and return a pyoxigraph result object like a local run."""
    import pyoxigraph

    kind = query_kind(text)
    if kind == "construct":
        body, ctype = send(url, text, "application/n-triples, text/turtle;q=0.9", timeout, retries)
        fmt = pyoxigraph.RdfFormat.N_TRIPLES
        if "turtle" in ctype:
            fmt = pyoxigraph.RdfFormat.TURTLE
        elif "n-triples" not in ctype and "plain" not in ctype:
            raise GnlcError(f"{url}: response is not RDF (Content-Type {ctype or 'missing'})")
        try:
            triples = [q.triple for q in pyoxigraph.parse(body, format=fmt)]
        except SyntaxError as exc:
            raise GnlcError(f"{url}: malformed RDF in response: {exc}") from None
        store = pyoxigraph.Store()
        store.extend(pyoxigraph.Quad(t.subject, t.predicate, t.object) for t in triples)
        return store.query("CONSTRUCT WHERE { ?s ?p ?o }")
    body, ctype = send(url, text, "application/sparql-results+json", timeout, retries)
    if "json" not in ctype:
        raise GnlcError(
            f"{url}: response is not SPARQL results (Content-Type {ctype or 'missing'})"
        )
    try:
        return pyoxigraph.parse_query_results(body, format=pyoxigraph.QueryResultsFormat.JSON)
    except (SyntaxError, ValueError) as exc:
        raise GnlcError(f"{url}: malformed SPARQL results: {exc}"[:300]) from None
