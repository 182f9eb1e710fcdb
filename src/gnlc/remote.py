"""Queries against any SPARQL 1.1 endpoint through SPARQLWrapper, with clear failures."""

from __future__ import annotations

import re
import time
from urllib.parse import urlsplit, urlunsplit

from gnlc import __version__
from gnlc.errors import GnlcError

USER_AGENT = f"gnlc/{__version__} (UNESCO GNLC knowledge graph; +https://w3id.org/gnlc/)"
RETRY_STATUSES = (429, 503)
REDIRECT_STATUSES = (301, 302, 303, 307, 308)
LONG_QUERY = 1500
MAX_DELAY = 8.0
# SPARQLWrapper turns these statuses into its own exceptions and keeps only their text.
_WRAPPER_STATUSES = {
    "QueryBadFormed": 400,
    "Unauthorized": 401,
    "EndPointNotFound": 404,
    "URITooLong": 414,
    "EndPointInternalError": 500,
}


def redact(url: str) -> str:
    """The URL without user name and password, for messages."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


def split_credentials(url: str) -> tuple[str, tuple[str, str] | None]:
    """(URL without userinfo, (user, password) from the URL or None)."""
    from urllib.parse import unquote

    parts = urlsplit(url)
    if parts.username is None:
        return url, None
    return redact(url), (unquote(parts.username), unquote(parts.password or ""))


def endpoint_urls(endpoint: str, store: str | None = None) -> tuple[str, str]:
    """(query URL, store URL): a bare root means Oxigraph's layout ROOT/query, ROOT/store."""
    parts = urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise GnlcError(f"--endpoint {redact(endpoint)!r}: not an http(s) URL")
    root = endpoint.rstrip("/")
    if parts.path in ("", "/") and not parts.query:
        return root + "/query", store or root + "/store"
    if store is None and parts.path.rstrip("/").endswith("/query") and not parts.query:
        store = root[: -len("/query")] + "/store"
    return endpoint, store or ""


def server_message(body: bytes) -> str:
    """A short one-line text from an error body: plain text as is, HTML without its markup."""
    text = body.decode("utf-8", "replace")
    title = re.search(r"<title[^>]*>(.*?)</title>", text, flags=re.IGNORECASE | re.DOTALL)
    text = re.sub(r"<(script|style|head)\b.*?</\1\s*>", " ", text, flags=re.IGNORECASE | re.DOTALL)
    text = re.sub(r"<[^>]+>", " ", text)
    text = " ".join(text.split())
    if not text and title:
        text = " ".join(title.group(1).split())
    return text[:200]


def retry_delay(attempt: int, retry_after: str | None) -> float:
    """Seconds to wait before retry number `attempt` (1-based): Retry-After, else doubling."""
    if retry_after and retry_after.strip().isdigit():
        return min(MAX_DELAY, float(retry_after.strip()))
    return min(MAX_DELAY, 0.25 * 2**attempt)


def http_error(url: str, code: int | None, body: bytes, reason: str = "") -> GnlcError:
    """`URL: HTTP code: the server's message` (credentials left out)."""
    if code in REDIRECT_STATUSES:
        return GnlcError(f"{redact(url)}: HTTP {code}: too many redirects (a redirect loop?)")
    message = server_message(body) or " ".join(reason.split()) or "no message"
    return GnlcError(f"{redact(url)}: HTTP {code}: {message}"[:300])


def _wrapper_error(url: str, exc: Exception) -> GnlcError:
    """A SPARQLWrapper exception as the HTTP status and the server's own message."""
    import ast

    text = str(exc)
    code = _WRAPPER_STATUSES.get(type(exc).__name__)
    body = b""
    if "Response:\n" in text:
        raw = text.split("Response:\n", 1)[1]
        try:
            value = ast.literal_eval(raw)
        except (ValueError, SyntaxError):
            value = raw
        body = value if isinstance(value, bytes) else str(value).encode("utf-8")
    if code is not None:
        return http_error(url, code, body, type(exc).__name__)
    message = " ".join(text.split())
    return GnlcError(f"{redact(url)}: {message}"[:300])


def _is_timeout(exc: BaseException | None) -> bool:
    import socket

    return isinstance(exc, (TimeoutError, socket.timeout))


def network_error(url: str, exc: BaseException, timeout: float) -> GnlcError:
    """One line for a failure below HTTP: refused, timed out, cut off, unreachable."""
    import http.client
    import urllib.error

    shown = redact(url)
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if _is_timeout(reason):
        return GnlcError(f"{shown}: timed out after {timeout:g}s")
    if isinstance(reason, ConnectionRefusedError):
        return GnlcError(f"{shown}: connection refused (is the server running?)")
    if isinstance(reason, http.client.IncompleteRead):
        return GnlcError(
            f"{shown}: response cut off after {len(reason.partial)} bytes"
            f" ({reason.expected} more expected)"
        )
    if isinstance(reason, http.client.RemoteDisconnected):
        return GnlcError(f"{shown}: the server closed the connection without a response")
    if isinstance(reason, http.client.HTTPException):
        detail = str(reason) or type(reason).__name__
        return GnlcError(f"{shown}: bad HTTP response: {detail}"[:300])
    if isinstance(reason, ConnectionError):
        return GnlcError(f"{shown}: connection failed: {reason}"[:300])
    if isinstance(exc, urllib.error.URLError):
        return GnlcError(f"{shown}: cannot connect: {reason}"[:300])
    return GnlcError(f"{shown}: network error: {reason}"[:300])


def send(
    url: str,
    query: str,
    accept: str,
    timeout: float,
    retries: int,
    auth: tuple[str, str] | None = None,
) -> tuple[bytes, str]:
    """POST or GET the query; return (body, content type). Retries only on 429/503."""
    import http.client
    import urllib.error

    from SPARQLWrapper import BASIC, POST, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    url, from_url = split_credentials(url)
    auth = auth or from_url
    attempt = 0
    while True:
        client = SPARQLWrapper(url, agent=USER_AGENT)
        client.setTimeout(max(1, int(timeout)))
        # setTimeout keeps whole seconds only; urllib takes any float.
        client.timeout = timeout
        client.setQuery(query)
        client.setOnlyConneg(True)
        client.addCustomHttpHeader("Accept", accept)
        if auth:
            client.setHTTPAuth(BASIC)
            client.setCredentials(auth[0], auth[1])
        if len(query) > LONG_QUERY:
            client.setMethod(POST)
            client.setRequestMethod("postdirectly")
        try:
            response = client.query().response
            body = response.read()
            return body, response.headers.get("Content-Type", "")
        except urllib.error.HTTPError as exc:
            if exc.code in RETRY_STATUSES and attempt < retries:
                attempt += 1
                retry_after = exc.headers.get("Retry-After") if exc.headers else None
                time.sleep(retry_delay(attempt, retry_after))
                continue
            try:
                body = exc.read()
            except (OSError, http.client.HTTPException):
                body = b""
            raise http_error(url, exc.code, body, str(exc.reason or "")) from None
        except SPARQLWrapperException as exc:
            raise _wrapper_error(url, exc) from None
        except (OSError, http.client.HTTPException) as exc:
            raise network_error(url, exc, timeout) from None


def query_kind(text: str) -> str:
    """'select', 'ask' or 'construct', found by parsing the query."""
    import pyoxigraph

    result = pyoxigraph.Store().query(text)
    if isinstance(result, pyoxigraph.QueryBoolean):
        return "ask"
    if isinstance(result, pyoxigraph.QueryTriples):
        return "construct"
    return "select"


def _not_results(url: str, ctype: str, body: bytes, what: str) -> GnlcError:
    snippet = server_message(body[:2000])
    tail = f": {snippet[:80]}" if snippet else ""
    return GnlcError(
        f"{redact(url)}: response is not {what} (Content-Type {ctype or 'missing'}){tail}"
    )


def parse_results(url: str, body: bytes, ctype: str):
    """SPARQL JSON results from a response, or one clear error."""
    import pyoxigraph

    if "json" not in ctype.lower():
        raise _not_results(url, ctype, body, "SPARQL results")
    fmt = pyoxigraph.QueryResultsFormat.JSON
    try:
        result = pyoxigraph.parse_query_results(body, format=fmt)
        if isinstance(result, pyoxigraph.QuerySolutions):
            # Rows are parsed lazily: read them all here, so that a truncated body or an
            # unknown term type is this one error, not a failure halfway through the output.
            for _ in result:
                pass
            result = pyoxigraph.parse_query_results(body, format=fmt)
        return result
    except (SyntaxError, ValueError) as exc:
        detail = " ".join(str(exc).split())
        raise GnlcError(f"{redact(url)}: malformed SPARQL results: {detail}"[:300]) from None


def run_remote(
    url: str,
    text: str,
    timeout: float = 30.0,
    retries: int = 2,
    auth: tuple[str, str] | None = None,
):
    """Run a query remotely and return a pyoxigraph result object like a local run."""
    import pyoxigraph

    kind = query_kind(text)
    if kind == "construct":
        body, ctype = send(
            url, text, "application/n-triples, text/turtle;q=0.9", timeout, retries, auth
        )
        fmt = pyoxigraph.RdfFormat.N_TRIPLES
        if "turtle" in ctype:
            fmt = pyoxigraph.RdfFormat.TURTLE
        elif "n-triples" not in ctype and "plain" not in ctype:
            raise _not_results(url, ctype, body, "RDF")
        try:
            triples = [q.triple for q in pyoxigraph.parse(body, format=fmt)]
        except SyntaxError as exc:
            raise GnlcError(f"{redact(url)}: malformed RDF in response: {exc}"[:300]) from None
        store = pyoxigraph.Store()
        store.extend(pyoxigraph.Quad(t.subject, t.predicate, t.object) for t in triples)
        return store.query("CONSTRUCT WHERE { ?s ?p ?o }")
    body, ctype = send(url, text, "application/sparql-results+json", timeout, retries, auth)
    return parse_results(url, body, ctype)
