"""A small local HTTP server for tests: real sockets on 127.0.0.1, no internet.

    with LocalServer() as server:
        server.add("/feed.xml", body=b"<rss/>", content_type="application/rss+xml")
        server.add_handler("/slow", lambda request: Response(body=drip()))
        fetch(server.url("/feed.xml"), config=...)

Every route is either a fixed `Response` or a handler `(Request) -> Response`. A `Response`
body may be bytes or an iterable of bytes (streamed without Content-Length, so huge bodies
never exist in memory). Handlers that wait must use `server.stopping.wait(seconds)` so that
shutting the server down releases them at once.
"""

from __future__ import annotations

import ssl
import sys
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]  # lower-case names


@dataclass
class Response:
    status: int = 200
    body: bytes | Iterable[bytes] = b""
    content_type: str | None = "text/plain; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[[Request], Response]


class _RequestHandler(BaseHTTPRequestHandler):
    server: _Server
    # Bounds every socket operation of the handler: a test can never hang on the server side.
    timeout = 10

    def setup(self) -> None:
        super().setup()
        owner = self.server.owner
        with owner.lock:
            owner.connections += 1  # one handler per accepted TCP connection
        if owner.keep_alive:
            self.protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        request = Request(
            method="GET",
            path=self.path,
            headers={k.lower(): v for k, v in self.headers.items()},
        )
        owner = self.server.owner
        owner.requests.append(request)
        route = owner.routes.get(self.path.split("?")[0])
        if route is None:
            response = Response(status=404, body=b"not found")
        else:
            response = route(request) if callable(route) else route
        self._send(response)

    def _send(self, response: Response) -> None:
        self.send_response(response.status)
        if response.content_type is not None:
            self.send_header("Content-Type", response.content_type)
        for name, value in response.headers.items():
            self.send_header(name, value)
        streamed = not isinstance(response.body, bytes)
        if not streamed:
            self.send_header("Content-Length", str(len(response.body)))
        elif self.protocol_version == "HTTP/1.1":
            # Without a length, only the closed connection ends the body.
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        try:
            if streamed:
                for chunk in response.body:
                    if self.server.owner.stopping.is_set():
                        break
                    self.wfile.write(chunk)
                    self.wfile.flush()
            else:
                self.wfile.write(response.body)
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            pass  # the client gave up (size cap, timeout): expected in these tests

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep test output clean


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: LocalServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients in these tests hang up on purpose (size caps, timeouts, refused certificates).
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handle_error(request, client_address)


class LocalServer:
    """Threaded HTTP/1.0 server on 127.0.0.1 with an ephemeral port (HTTP/1.1 with keep_alive)."""

    def __init__(self, *, tls: tuple[str, str] | None = None, keep_alive: bool = False) -> None:
        """`tls`: (certificate file, key file) to serve HTTPS instead of HTTP; `keep_alive`:
        speak HTTP/1.1 and keep connections open, so clients can reuse them."""
        self.routes: dict[str, Response | Handler] = {}
        self.requests: list[Request] = []
        self.keep_alive = keep_alive
        self.connections = 0  # TCP connections accepted so far
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.scheme = "https" if tls else "http"
        self._httpd = _Server(("127.0.0.1", 0), _RequestHandler)
        self._httpd.owner = self
        if tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            # Handshake in the handler thread, not in accept(): a stalling client must not block
            # the whole server.
            self._httpd.socket = context.wrap_socket(
                self._httpd.socket, server_side=True, do_handshake_on_connect=False
            )
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05})
        self._thread.daemon = True

    @property
    def host(self) -> str:
        return "127.0.0.1"

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def base_url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def add(
        self,
        path: str,
        *,
        status: int = 200,
        body: bytes | Iterable[bytes] = b"",
        content_type: str | None = "text/plain; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> None:
        self.routes[path] = Response(status, body, content_type, dict(headers or {}))

    def add_handler(self, path: str, handler: Handler) -> None:
        self.routes[path] = handler

    def redirect(self, path: str, location: str, status: int = 302) -> None:
        self.add(path, status=status, headers={"Location": location}, content_type=None)

    def hits(self, path: str) -> int:
        return sum(1 for r in self.requests if r.path.split("?")[0] == path)

    def start(self) -> LocalServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
