"""Queries against any SPARQL 1.1 endpoint (the SPARQL protocol, urllib), with clear failures;
gnlc's one HTTP layer (`fetch`: retries, one deadline, a size limit), which publish uses too."""

from __future__ import annotations

import contextlib
import functools
import http.client
import os
import re
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from urllib.parse import urlsplit, urlunsplit

from gnlc import __version__
from gnlc.errors import GnlcError
from gnlc.terminal import visible

USER_AGENT = f"gnlc/{__version__} (UNESCO GNLC knowledge graph; +https://w3id.org/gnlc/)"
RETRY_STATUSES = (429, 503)
REDIRECT_STATUSES = (301, 302, 303, 307, 308)
LONG_QUERY = 1500
MAX_DELAY = 8.0
# The most bytes of one HTTP answer gnlc reads into memory (query results, a store's answers):
# 4x the serve front's 64 MiB cap and ~60x the whole release as SPARQL JSON. An endpoint that
# sends an endless body is refused at this size instead of filling the memory.
MAX_RESPONSE = 256 * 1024 * 1024
MAX_RESPONSE_ENV = "GNLC_MAX_RESPONSE"
ERROR_BODY = 64 * 1024  # of an error page, only the start becomes the one-line message
_CHUNK = 1024 * 1024


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
    return visible(text[:200])


def retry_delay(attempt: int, retry_after: str | None) -> float:
    """Seconds to wait before retry number `attempt` (1-based): Retry-After, else doubling."""
    if retry_after and retry_after.strip().isdigit():
        return min(MAX_DELAY, float(retry_after.strip()))
    return min(MAX_DELAY, 0.25 * 2**attempt)


def http_error(url: str, code: int | None, body: bytes, reason: str = "") -> GnlcError:
    """`URL: HTTP code: the server's message` (credentials left out)."""
    if code in REDIRECT_STATUSES:
        return GnlcError(f"{redact(url)}: HTTP {code}: too many redirects (a redirect loop?)")
    message = server_message(body) or visible(" ".join(reason.split())) or "no message"
    return GnlcError(f"{redact(url)}: HTTP {code}: {message}"[:300])


def _is_timeout(exc: object) -> bool:
    return isinstance(exc, (TimeoutError, socket.timeout))


def network_error(url: str, exc: BaseException, timeout: float) -> GnlcError:
    """One line for a failure below HTTP: refused, timed out, cut off, unreachable."""
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
    # A malformed status line or header is the server's text: shown with its controls escaped.
    if isinstance(reason, http.client.HTTPException):
        detail = visible(str(reason).strip()) or type(reason).__name__
        return GnlcError(f"{shown}: bad HTTP response: {detail}"[:300])
    if isinstance(reason, ConnectionError):
        return GnlcError(f"{shown}: connection failed: {visible(str(reason))}"[:300])
    if isinstance(exc, urllib.error.URLError):
        return GnlcError(f"{shown}: cannot connect: {visible(str(reason))}"[:300])
    return GnlcError(f"{shown}: network error: {visible(str(reason))}"[:300])


def response_limit() -> int:
    """The most bytes gnlc reads of one HTTP answer: $GNLC_MAX_RESPONSE, else MAX_RESPONSE."""
    given = os.environ.get(MAX_RESPONSE_ENV, "").strip()
    if not given:
        return MAX_RESPONSE
    if not given.isdigit() or int(given) == 0:
        raise GnlcError(
            f"{MAX_RESPONSE_ENV}={visible(given)!r}: not a positive whole number of bytes"
        )
    return int(given)


def _size(limit: int) -> str:
    mib = 1024 * 1024
    return f"{limit // mib} MiB" if limit % mib == 0 else f"{limit:,} bytes"


def too_large(url: str, limit: int) -> GnlcError:
    """`URL: answer larger than the limit`, saying how to raise it."""
    return GnlcError(
        f"{redact(url)}: answer larger than {_size(limit)}, refused"
        f" (the limit for one HTTP answer; set {MAX_RESPONSE_ENV}=BYTES to change it)"
    )


def read_body(response: http.client.HTTPResponse, url: str, limit: int) -> bytes:
    """The whole answer, refused once it passes `limit` bytes (before any read, if announced)."""
    # http.client's count of the bytes still announced: Content-Length, but 0 for an answer to
    # HEAD or a 204 (whose Content-Length describes another answer), None when not announced.
    expected = response.length
    if expected is not None and expected > limit:
        raise too_large(url, limit)
    chunks: list[bytes] = []
    size = 0
    while True:
        # One byte past the limit is asked for, so that an answer of exactly `limit` passes.
        chunk = response.read(min(_CHUNK, limit + 1 - size))
        if not chunk:
            body = b"".join(chunks)
            if expected is not None and size < expected:
                # read(n) ends quietly where the server hung up; read() said so, and so do we
                raise http.client.IncompleteRead(body, expected - size)
            return body
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            raise too_large(url, limit)


def fetch(
    build: Callable[[], urllib.request.Request],
    url: str,
    deadline: Deadline,
    retries: int,
    answer: Callable[[urllib.error.HTTPError], bool] | None = None,
    returned: Callable[[int], bool] | None = None,
) -> tuple[int, bytes, str]:
    """The one HTTP loop of gnlc (queries and publish): send until answered; (status, body, type).

    `build` makes each attempt's request (a digest answer differs per attempt). Every attempt,
    wait and read ends by `deadline`; an answer is read up to response_limit() bytes; 429 and
    503 are retried `retries` times while the wait (Retry-After honoured) fits in the deadline.
    `answer` may take an HTTP error and ask to send again (a 401 met with credentials); an
    error status for which `returned` is true comes back as (status, b"", "") instead of being
    raised. Any other failure is one GnlcError line naming `url` (credentials left out).
    """
    limit = response_limit()
    attempt = 0
    while True:
        deadline.check(url)
        try:
            with deadline.open(build()) as response:
                body = read_body(response, url, limit)
                deadline.check(url)
                return int(response.status), body, response.headers.get("Content-Type", "")
        except urllib.error.HTTPError as exc:
            if answer is not None and answer(exc):
                exc.close()
                continue
            if returned is not None and returned(exc.code):
                exc.close()
                return exc.code, b"", ""
            retry_after = exc.headers.get("Retry-After") if exc.headers else None
            delay = retry_delay(attempt + 1, retry_after)
            if exc.code in RETRY_STATUSES and attempt < retries and delay < deadline.left():
                attempt += 1
                exc.close()
                time.sleep(delay)
                continue
            try:
                body = exc.read(ERROR_BODY)
            except (OSError, http.client.HTTPException):
                body = b""
            finally:
                exc.close()
            deadline.check(url)
            raise http_error(url, exc.code, body, str(exc.reason or "")) from None
        except (OSError, http.client.HTTPException) as exc:
            deadline.check(url)
            raise network_error(url, exc, deadline.seconds) from None


def send(
    url: str,
    query: str,
    accept: str,
    timeout: float,
    retries: int,
    auth: tuple[str, str] | None = None,
    graphs: tuple[str, ...] = (),
) -> tuple[bytes, str]:
    """POST or GET the query; return (body, content type). Retries only on 429/503.

    `timeout` bounds the whole call: every attempt, the waits between attempts, and each
    answer read to its last byte (a server that sends one byte a second is cut off); an answer
    larger than response_limit() is refused. graphs are sent as `default-graph-uri` (the
    protocol's dataset: their merge is the default graph).
    """
    from urllib.parse import urlencode

    url, from_url = split_credentials(url)
    headers = {"Accept": accept, "User-Agent": USER_AGENT, **basic_auth(auth or from_url)}
    dataset = [("default-graph-uri", graph) for graph in graphs]
    joiner = "&" if urlsplit(url).query else "?"
    if len(query) > LONG_QUERY:
        # The protocol's URL-encoded POST, not a bare-query body (application/sparql-query):
        # Virtuoso never answers the latter (openlink/virtuoso-opensource#842); every
        # SPARQL 1.1 endpoint must accept the former.
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        data = urlencode([("query", query), *dataset]).encode("ascii")
        target = url
    else:
        data, target = None, url + joiner + urlencode([("query", query), *dataset])
    with Deadline(timeout) as deadline:
        build = functools.partial(urllib.request.Request, target, data=data, headers=headers)
        _, body, ctype = fetch(build, url, deadline, retries)
    return body, ctype


def basic_auth(auth: tuple[str, str] | None) -> dict[str, str]:
    """The Authorization header for HTTP Basic credentials, or nothing."""
    import base64

    if not auth:
        return {}
    token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode("ascii")
    return {"Authorization": f"Basic {token}"}


class Deadline:
    """A time limit for a whole HTTP exchange, however slowly the server sends.

    urllib's timeout applies to each socket read, so a server sending a byte a second never
    trips it; here a timer shuts down every socket still open when the time is up.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds
        self.expired = False
        self._sockets: list = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._opener = None

    def __enter__(self) -> Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()

    def left(self) -> float:
        """Seconds until the deadline (0 once past)."""
        return max(0.0, self.end - time.monotonic())

    def check(self, url: str) -> None:
        """Raise the timeout error if the deadline passed (a cut-off read looks like an end)."""
        if self.expired or self.left() <= 0:
            raise GnlcError(f"{redact(url)}: timed out after {self.seconds:g}s")

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def watch(self, sock) -> None:
        """Shut this socket down at the deadline (at once if it has passed)."""
        with self._lock:
            self._sockets.append(sock)
            expired = self.expired
        if expired:
            self._expire()

    def open(self, request):
        """urllib's urlopen, with every connection watched."""
        if self._opener is None:
            self._opener = urllib.request.build_opener(
                _DeadlineHTTPHandler(self), _DeadlineHTTPSHandler(self), Redirects()
            )
        return self._opener.open(request, timeout=max(0.01, self.left()))


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), port


class Redirects(urllib.request.HTTPRedirectHandler):
    """urllib's redirects, made right for SPARQL requests.

    A query sent as a form POST is not lost on the way: after 307 or 308 it is sent again with
    its method and body (RFC 9110; urllib refuses, which read as "a redirect loop"; so is a
    publish's PUT), after
    301, 302 or 303 as a GET with the form as its query string (urllib drops the body, so the
    endpoint got a GET without a query). Credentials go only to the origin they were given
    for: urllib would send the Authorization header to whatever host a redirect names.
    """

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urlsplit(newurl).scheme not in ("http", "https"):
            raise urllib.error.HTTPError(
                req.full_url, code, f"redirect to a non-HTTP URL {newurl!r}", headers, fp
            )
        method = req.get_method()
        if method == "PUT" and code in (301, 302, 303):
            # urllib refuses these for a PUT, which read as "a redirect loop": say what happened.
            raise GnlcError(
                f"{redact(req.full_url)}: HTTP {code}: the store moved to {redact(newurl)}; an"
                f" upload is sent again only after 307 or 308 (after {code} it would become a"
                " GET without the data): give that URL as --store"
            )
        resend = code in (307, 308) and method in ("POST", "PUT")
        if req.data is not None and (resend or (method == "POST" and code in (301, 302, 303))):
            kept = {
                name: value
                for name, value in req.header_items()
                if resend or name.lower() not in ("content-type", "content-length")
            }
            if resend:
                new = urllib.request.Request(
                    newurl, data=req.data, headers=kept, method=method,
                    origin_req_host=req.origin_req_host, unverifiable=True,
                )  # fmt: skip
            else:
                joiner = "&" if urlsplit(newurl).query else "?"
                new = urllib.request.Request(
                    newurl + joiner + req.data.decode("ascii"), headers=kept,
                    origin_req_host=req.origin_req_host, unverifiable=True,
                )  # fmt: skip
        else:
            new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None and _origin(newurl) != _origin(req.full_url):
            new.remove_header("Authorization")
        if new is not None:
            # urllib reads a redirect's whole body before following it, with no limit: an
            # endless one would fill the memory. Closed unread, it reads as empty.
            fp.close()
        return new


class _Watched(http.client.HTTPConnection):
    """Mixed into an http.client connection: a Deadline watches its socket once connected."""

    def __init__(self, *args, deadline: Deadline, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._deadline = deadline

    def connect(self) -> None:
        super().connect()
        self._deadline.watch(self.sock)


class _WatchedHTTP(_Watched, http.client.HTTPConnection):
    pass


class _WatchedHTTPS(_Watched, http.client.HTTPSConnection):
    pass


class _DeadlineHTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, deadline: Deadline) -> None:
        super().__init__()
        self._deadline = deadline

    def http_open(self, req):
        return self.do_open(functools.partial(_WatchedHTTP, deadline=self._deadline), req)


class _DeadlineHTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, deadline: Deadline) -> None:
        super().__init__()
        self._deadline = deadline

    def https_open(self, req):
        connection = functools.partial(_WatchedHTTPS, deadline=self._deadline)
        return self.do_open(connection, req, context=self._context)


def query_kind(text: str) -> str:
    """'select', 'ask' or 'construct', found by parsing the query."""
    import pyoxigraph

    from gnlc.federation import without_service

    result = pyoxigraph.Store().query(without_service(text))
    if isinstance(result, pyoxigraph.QueryBoolean):
        return "ask"
    if isinstance(result, pyoxigraph.QueryTriples):
        return "construct"
    return "select"


def _not_results(url: str, ctype: str, body: bytes, what: str) -> GnlcError:
    snippet = server_message(body[:2000])
    tail = f": {snippet[:80]}" if snippet else ""
    kind = visible(ctype) or "missing"  # the server's header, shown with its controls escaped
    return GnlcError(f"{redact(url)}: response is not {what} (Content-Type {kind}){tail}")


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
    graphs: tuple[str, ...] = (),
):
    """Run a query remotely and return a pyoxigraph result object like a local run."""
    import pyoxigraph

    kind = query_kind(text)
    if kind == "construct":
        body, ctype = send(
            url, text, "application/n-triples, text/turtle;q=0.9", timeout, retries, auth, graphs
        )
        fmt = pyoxigraph.RdfFormat.N_TRIPLES
        if "turtle" in ctype:
            fmt = pyoxigraph.RdfFormat.TURTLE
        elif "n-triples" not in ctype and "plain" not in ctype:
            raise _not_results(url, ctype, body, "RDF")
        from itertools import islice

        from gnlc import paths

        # Read lazily and bounded like a local result: blank-node-heavy Turtle of 21 MB made
        # 5.8 GB of Python triples before any bound applied.
        store = pyoxigraph.Store()
        limit = paths.MAX_RESULT_ROWS
        try:
            quads = iter(pyoxigraph.parse(body, format=fmt))
            store.extend(
                pyoxigraph.Quad(q.subject, q.predicate, q.object) for q in islice(quads, limit)
            )
            more = next(quads, None) is not None
        except SyntaxError as exc:
            raise GnlcError(f"{redact(url)}: malformed RDF in response: {exc}"[:300]) from None
        if more:
            raise GnlcError(
                f"{redact(url)}: the answer holds more than {limit:,} triples, the most"
                " gnlc prints at once; narrow the query (LIMIT, a filter)"
            )
        return store.query("CONSTRUCT WHERE { ?s ?p ?o }")
    body, ctype = send(url, text, "application/sparql-results+json", timeout, retries, auth, graphs)
    return parse_results(url, body, ctype)
