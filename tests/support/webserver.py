"""A small HTTP server on 127.0.0.1 for tests of anything that fetches (the fetcher, feeds,
end-to-end runs from URLs). Tests never reach any other address.

Use the ``web_server`` fixture (``tests/conftest.py``), or ``with WebServer() as server:``::

    server.route("/feed.xml", body=rss, content_type="application/rss+xml", etag='"v1"')
    server.route("/old", status=301, location="/feed.xml")
    server.route("/flaky", replies=[Reply(status=503, retry_after="0"), Reply(body="ok")])
    fetch(server.url("/feed.xml"))
    assert server.hits("/feed.xml") == 1
    assert server.max_concurrent("/slow") <= 2

A route answers by path (the query is ignored for matching, so ``/a?i=1`` and ``/a?i=2`` are
one route and share its counters). A path nobody registered answers 404. Each route holds
:class:`Reply` objects used in turn, the last one repeating.
"""

from __future__ import annotations

import gzip
import socket
import sys
import threading
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import urlsplit

#: Environment variables that would send a client's requests through a proxy.
PROXY_VARIABLES = tuple(
    case(name)
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")
    for case in (str.upper, str.lower)
)


@dataclass(frozen=True)
class Reply:
    """One answer of a route."""

    status: int = 200
    #: The body (str is sent as UTF-8); not sent with 1xx, 204 and 304.
    body: bytes | str = b""
    #: The Content-Type header; None sends none.
    content_type: str | None = "text/html; charset=utf-8"
    #: More headers, sent as given.
    headers: Mapping[str, str] = field(default_factory=dict)
    #: A Location header (a redirect when ``status`` is 3xx; relative is fine).
    location: str | None = None
    #: Sent as an ETag header; a request whose If-None-Match names it gets 304.
    etag: str | None = None
    #: Sent as Last-Modified; a request whose If-Modified-Since equals it gets 304 (without
    #: an ETag, or when the ETag matches too).
    last_modified: str | None = None
    #: A Retry-After header (seconds or an HTTP date).
    retry_after: str | None = None
    #: Seconds before the status line is sent.
    delay_s: float = 0.0
    #: Seconds between pieces of the body (``chunk_bytes`` each): a slowly trickled body.
    chunk_delay_s: float = 0.0
    chunk_bytes: int = 1024
    #: Send Content-Length (else the body ends when the connection closes).
    content_length: bool = True
    #: Claim this Content-Length instead of the real one (with ``content_length``).
    claimed_length: int | None = None
    #: gzip the body and say so (Content-Encoding: gzip).
    gzip: bool = False

    def payload(self) -> bytes:
        data = self.body.encode("utf-8") if isinstance(self.body, str) else self.body
        return gzip.compress(data, compresslevel=6) if self.gzip else data


@dataclass(frozen=True)
class Request:
    """One request the server saw."""

    method: str
    #: The path with its query, as sent.
    target: str
    headers: Mapping[str, str]
    #: The client's port: requests from one port came over one (reused) connection.
    client_port: int


class WebServer:
    """A threaded HTTP/1.1 server on 127.0.0.1, on a port the OS picks; routes, counters and
    the requests seen, for tests to set up and inspect."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._routes: dict[str, list[Reply]] = {}
        self._served: dict[str, int] = defaultdict(int)
        self._requests: dict[str, list[Request]] = defaultdict(list)
        self._active: dict[str, int] = defaultdict(int)
        self._max_active: dict[str, int] = defaultdict(int)
        self._all_active = 0
        self._all_max_active = 0
        self._stopping = threading.Event()
        self._httpd = _Server(("127.0.0.1", 0), _handler_for(self))
        # A short poll: shutdown() waits for the serving loop to look (0.5 s by default).
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    # --- setting up ---

    def route(
        self,
        path: str,
        reply: Reply | None = None,
        *,
        replies: Sequence[Reply] = (),
        **fields: object,
    ) -> None:
        """Answer ``path`` with ``reply``, or ``replies`` in turn (the last repeating), or a
        Reply made of ``fields`` (``status=``, ``body=``, ``etag=``...)."""
        chosen = list(replies) or [reply or Reply(**fields)]  # type: ignore[arg-type]
        with self._lock:
            self._routes[path] = chosen
            self._served[path] = 0

    # --- addresses ---

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def origin(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        """The full URL of ``path`` on this server."""
        return self.origin + path

    # --- inspecting ---

    def hits(self, path: str) -> int:
        """How many requests reached ``path`` (any query)."""
        with self._lock:
            return len(self._requests.get(path, []))

    def requests(self, path: str) -> list[Request]:
        """The requests to ``path``, oldest first."""
        with self._lock:
            return list(self._requests.get(path, []))

    def max_concurrent(self, path: str | None = None) -> int:
        """The most requests to ``path`` (None: to any path) that were in progress at once."""
        with self._lock:
            return self._all_max_active if path is None else self._max_active.get(path, 0)

    # --- running ---

    def __enter__(self) -> WebServer:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stopping.set()  # wakes handlers waiting out a delay
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    # --- used by the handler ---

    def _begin(self, path: str, request: Request) -> Reply | None:
        with self._lock:
            self._requests[path].append(request)
            self._active[path] += 1
            self._max_active[path] = max(self._max_active[path], self._active[path])
            self._all_active += 1
            self._all_max_active = max(self._all_max_active, self._all_active)
            replies = self._routes.get(path)
            if replies is None:
                return None
            index = min(self._served[path], len(replies) - 1)
            self._served[path] += 1
            return replies[index]

    def _end(self, path: str) -> None:
        with self._lock:
            self._active[path] -= 1
            self._all_active -= 1

    def _sleep(self, seconds: float) -> bool:
        """Wait ``seconds``; False when the server is stopping meanwhile."""
        return seconds <= 0 or not self._stopping.wait(seconds)


class _Server(ThreadingHTTPServer):
    #: A handler still sleeping out a delay never holds shutdown up.
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """Quiet about clients that hang up (a fetcher giving up is what many tests test)."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


def closed_port_url(path: str = "/") -> str:
    """A URL on 127.0.0.1 where nothing listens (a port the OS just gave and took back)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}{path}"


def _not_modified(reply: Reply, headers: Mapping[str, str]) -> bool:
    """Whether the request's conditions say the client's copy is current (RFC 9110: an
    If-None-Match present decides alone)."""
    if_none_match = headers.get("if-none-match")
    if if_none_match is not None:
        tags = {tag.strip() for tag in if_none_match.split(",")}
        return reply.etag is not None and (reply.etag in tags or "*" in tags)
    since = headers.get("if-modified-since")
    return since is not None and reply.last_modified is not None and since == reply.last_modified


def _handler_for(server: WebServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, so connection reuse can be tested

        def do_GET(self) -> None:  # http.server calls do_<METHOD>
            self._answer(send_body=True)

        def do_HEAD(self) -> None:
            self._answer(send_body=False)

        def log_message(self, format: str, *args: object) -> None:
            pass  # quiet: tests inspect server.requests() instead

        def _answer(self, send_body: bool) -> None:
            path = urlsplit(self.path).path
            headers = {name.lower(): value for name, value in self.headers.items()}
            reply = server._begin(
                path, Request(self.command, self.path, headers, self.client_address[1])
            )
            try:
                self._send(reply or Reply(status=404, body="not found"), headers, send_body)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the client gave up (a timeout under test)
            finally:
                server._end(path)

        def _send(self, reply: Reply, headers: Mapping[str, str], send_body: bool) -> None:
            if not server._sleep(reply.delay_s):
                self.close_connection = True
                return
            status = 304 if _not_modified(reply, headers) else reply.status
            payload = b"" if status in (204, 304) or status < 200 else reply.payload()
            self.send_response(status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            extra = {
                "Content-Type": reply.content_type if status != 304 else None,
                "Location": reply.location,
                "ETag": reply.etag,
                "Last-Modified": reply.last_modified,
                "Retry-After": reply.retry_after,
                "Content-Encoding": "gzip" if reply.gzip and payload else None,
            }
            for name, value in extra.items():
                if value is not None:
                    self.send_header(name, value)
            if status in (204, 304):
                pass
            elif reply.content_length:
                length = reply.claimed_length if reply.claimed_length is not None else len(payload)
                self.send_header("Content-Length", str(length))
            else:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            if send_body:
                self._write_body(reply, payload)

        def _write_body(self, reply: Reply, payload: bytes) -> None:
            if reply.chunk_delay_s <= 0:
                self.wfile.write(payload)
                return
            for start in range(0, len(payload), reply.chunk_bytes):
                self.wfile.write(payload[start : start + reply.chunk_bytes])
                self.wfile.flush()
                if not server._sleep(reply.chunk_delay_s):
                    self.close_connection = True
                    return

    return Handler
