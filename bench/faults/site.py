"""The news sites of a fault run: saved German article pages and RSS feeds over real HTTP.

One small threaded server per loopback address (127.0.0.1, 127.0.0.2, ...): the fetch code
keys politeness (delay, concurrency) by host name, so each address is a separate host to it.
Pages are the real pages of ../shared/corpus/html (with their boilerplate and their own
rel=canonical addresses); feeds list them. A trickling feed sends a few bytes a second.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

from bench.faults.lab import REPO

CORPUS = REPO.parent / "shared" / "corpus"
ROBOTS = b"User-agent: *\nDisallow:\n"

# Loopback addresses are separate hosts to the fetch code (politeness is per host name).
NEWS_HOSTS = ["127.0.0.1", "127.0.1.1", "127.0.1.2", "127.0.1.3"]
SLOW_HOST = "127.0.0.2"
OTHER_HOST = "127.0.0.3"
CANONICAL_HOST = "127.0.0.4"
ALL_HOSTS = [*NEWS_HOSTS, SLOW_HOST, OTHER_HOST, CANONICAL_HOST]


@dataclass(frozen=True)
class Page:
    id: str
    file: Path
    title: str


def corpus_pages() -> list[Page]:
    """The corpus pages in a fixed order, without those that share an address (they are one
    article, and would be counted as duplicates of each other)."""
    manifest = json.loads((CORPUS / "html" / "manifest.json").read_text())
    by_url = Counter(p["url"] for p in manifest["pages"])
    pages = [
        Page(p["id"], CORPUS / p["file"], f"{p.get('publisher') or p['outlet']}: {p['id']}")
        for p in manifest["pages"]
        if by_url[p["url"]] == 1
    ]
    return sorted(pages, key=lambda p: p.id)


@dataclass
class Reply:
    status: int = 200
    body: bytes | Iterable[bytes] = b""
    content_type: str = "text/plain; charset=utf-8"


Route = Reply | Callable[[], Reply]


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    timeout = 120

    def do_GET(self) -> None:
        site = self.server.site
        host = self.server.server_address[0]
        path = self.path.split("?")[0]
        with site.lock:
            site.requests[(host, path)] += 1
            site.in_flight[host] += 1
            site.max_in_flight[host] = max(site.max_in_flight[host], site.in_flight[host])
        try:
            self._answer(site, host, path)
        finally:
            with site.lock:
                site.in_flight[host] -= 1

    def _answer(self, site: Site, host: str, path: str) -> None:
        route = Reply(body=ROBOTS) if path == "/robots.txt" else site.routes.get((host, path))
        if route is None:
            route = Reply(404, b"not found")
        reply = route() if callable(route) else route
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        if isinstance(reply.body, bytes):
            self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        try:
            if isinstance(reply.body, bytes):
                self.wfile.write(reply.body)
            else:
                for chunk in reply.body:
                    self.wfile.write(chunk)
                    self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            pass  # the client gave up (its total timeout): expected for trickling feeds

    def log_message(self, format, *args) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    site: Site

    def handle_error(self, request, client_address) -> None:
        pass  # clients hang up on trickling feeds on purpose


class Site:
    def __init__(self, hosts: list[str]):
        self.routes: dict[tuple[str, str], Route] = {}
        self.requests: Counter[tuple[str, str]] = Counter()
        # Requests being answered per host, and the most at once (how many fetch threads a
        # slow host holds).
        self.in_flight: Counter[str] = Counter()
        self.max_in_flight: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.servers: dict[str, _Server] = {}
        for host in hosts:
            server = _Server((host, 0), _Handler)
            server.site = self
            self.servers[host] = server

    def base(self, host: str) -> str:
        return f"http://{host}:{self.servers[host].server_address[1]}"

    def url(self, host: str, path: str) -> str:
        return self.base(host) + path

    def start(self) -> Site:
        for server in self.servers.values():
            threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        for server in self.servers.values():
            server.shutdown()
            server.server_close()

    def hits(self, host: str, path: str) -> int:
        with self.lock:
            return self.requests[(host, path)]

    # --- content -------------------------------------------------------------------------

    def add_page(self, host: str, path: str, page: Page, *, delay: float = 0.0) -> str:
        """Serve a saved page; `delay` is the server's think time before it answers."""
        body = page.file.read_bytes()

        def reply() -> Reply:
            if delay:
                self.stopping.wait(delay)
            # No charset: the page's own <meta charset> says it, as on the real site.
            return Reply(body=body, content_type="text/html")

        self.routes[(host, path)] = reply
        return self.url(host, path)

    def add_feed(self, host: str, path: str, items: list[tuple[str, str]]) -> str:
        """An RSS 2.0 feed of (link, title); no validators, so every poll gets the full feed."""
        self.routes[(host, path)] = Reply(body=rss(path, items), content_type="application/rss+xml")
        return self.url(host, path)

    def add_trickling_feed(
        self, host: str, path: str, items: list[tuple[str, str]], *, release: threading.Event,
        bytes_per_second: float = 4.0,
    ) -> str:  # fmt: skip
        """A feed that arrives a few bytes a second until `release` is set (then at once)."""
        body = rss(path, items)
        step = 2

        def chunks():
            for start in range(0, len(body), step):
                if not release.is_set() and not self.stopping.is_set():
                    release.wait(step / bytes_per_second)
                yield body[start : start + step]

        self.routes[(host, path)] = lambda: Reply(body=chunks(), content_type="application/rss+xml")
        return self.url(host, path)


def rss(path: str, items: list[tuple[str, str]]) -> bytes:
    now = formatdate(time.time(), usegmt=True)
    entries = "".join(
        f"<item><title>{escape(title)}</title><link>{escape(link)}</link>"
        f"<guid>{escape(link)}</guid><pubDate>{now}</pubDate></item>\n"
        for link, title in items
    )
    # Padding, so a trickling copy takes minutes, as a stalled server would.
    padding = "<!-- " + "." * 2000 + " -->\n"
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>Faults {escape(path)}</title><link>http://example.invalid/</link>"
        f"<description>fault bench</description>\n{padding}{entries}</channel></rss>\n"
    ).encode()
