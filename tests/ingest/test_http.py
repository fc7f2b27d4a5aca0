"""ingest.http against a real local HTTP server (127.0.0.1 only; nothing leaves the machine)."""

from __future__ import annotations

import gzip
import shutil
import socket
import subprocess
import threading
import time
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
import requests

from ingest import http as ingest_http
from ingest.http import (
    FEED_TYPES,
    ConditionalState,
    ErrorKind,
    FetchConfig,
    HostThrottle,
    RobotsCache,
    fetch,
    make_session,
    parse_retry_after,
)
from tests.ingest.httpserver import LocalServer, Request, Response

MB = 1024 * 1024
LOCAL = frozenset({"127.0.0.1"})


def cfg(**overrides: object) -> FetchConfig:
    """Short timeouts keep every test well under 2 s."""
    values: dict[str, object] = {
        "allow_private_hosts": LOCAL,
        "respect_robots": False,
        "connect_timeout": 1.0,
        "read_timeout": 1.0,
        "total_timeout": 5.0,
    }
    values.update(overrides)
    return FetchConfig(**values)  # type: ignore[arg-type]


# --- success, headers, validators ------------------------------------------------------------


def test_it_fetches_body_and_reports_metadata(server: LocalServer) -> None:
    server.add(
        "/feed.xml",
        body=b"<rss/>",
        content_type='application/rss+xml; charset="UTF-8"',
        headers={"ETag": '"v1"', "Last-Modified": "Tue, 31 Mar 2015 17:20:19 GMT", "X-Test": "yes"},
    )
    result = fetch(server.url("/feed.xml"), config=cfg(allowed_content_types=FEED_TYPES))

    assert result.ok, result.error
    assert result.error_kind is None
    assert result.status == 200
    assert result.body == b"<rss/>"
    assert result.content_type == "application/rss+xml"
    assert result.encoding == "utf-8"
    assert result.etag == '"v1"'
    assert result.last_modified == "Tue, 31 Mar 2015 17:20:19 GMT"
    assert result.headers["x-test"] == "yes"  # lower-case keys
    assert result.bytes_read == 6
    assert result.redirects == []
    assert 0 < result.elapsed < 2
    sent = server.requests[0].headers
    assert sent["user-agent"].startswith("LagebildBot/")
    assert sent["accept-encoding"] == "gzip, deflate"
    assert "application/rss+xml" in sent["accept"]


def test_it_sends_conditional_headers_and_reports_304(server: LocalServer) -> None:
    etag, modified = '"abc"', "Wed, 01 Jan 2025 10:00:00 GMT"

    def handler(request: Request) -> Response:
        if request.headers.get("if-none-match") == etag:
            return Response(status=304, content_type=None)
        return Response(body=b"<rss/>", headers={"ETag": etag, "Last-Modified": modified})

    server.add_handler("/feed", handler)
    first = fetch(server.url("/feed"), config=cfg())
    assert first.ok and not first.not_modified
    assert first.conditional_state == ConditionalState(etag=etag, last_modified=modified)

    second = fetch(server.url("/feed"), config=cfg(), state=first.conditional_state)
    assert second.ok
    assert second.status == 304
    assert second.not_modified
    assert second.body == b""
    # The 304 carried no validators: the ones that produced it are kept for the next fetch.
    assert second.conditional_state == first.conditional_state
    sent = server.requests[1].headers
    assert sent["if-none-match"] == etag
    assert sent["if-modified-since"] == modified


@pytest.mark.parametrize(
    ("status", "message"),
    [(404, "HTTP 404 Not Found"), (410, "HTTP 410 Gone"), (500, "HTTP 500 Internal Server Error")],
)
def test_it_reports_http_errors(server: LocalServer, status: int, message: str) -> None:
    server.add("/x", status=status, body=b"error page")
    result = fetch(server.url("/x"), config=cfg())
    assert result.error == message
    assert result.error_kind == ErrorKind.HTTP_STATUS
    assert result.status == status
    assert result.body == b""
    assert result.retry_after is None


def test_it_reports_retry_after_seconds_on_429(server: LocalServer) -> None:
    server.add("/x", status=429, headers={"Retry-After": "120"})
    started = time.monotonic()
    result = fetch(server.url("/x"), config=cfg())
    assert result.error_kind == ErrorKind.HTTP_STATUS
    assert result.status == 429
    assert result.error == "HTTP 429 Too Many Requests"
    assert result.retry_after == 120.0
    assert time.monotonic() - started < 1  # reported, not slept


def test_it_reports_retry_after_http_date_on_503(server: LocalServer) -> None:
    when = datetime.now(UTC) + timedelta(seconds=300)
    server.add("/x", status=503, headers={"Retry-After": format_datetime(when, usegmt=True)})
    result = fetch(server.url("/x"), config=cfg())
    assert result.status == 503
    assert result.retry_after is not None and 290 <= result.retry_after <= 301


def test_parse_retry_after_variants() -> None:
    now = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    assert parse_retry_after("0") == 0.0
    assert parse_retry_after(" 30 ") == 30.0
    assert parse_retry_after("Thu, 01 Jan 2026 12:01:00 GMT", now=now) == 60.0
    assert parse_retry_after("Thu, 01 Jan 2026 11:00:00 GMT", now=now) == 0.0  # past: no wait
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


# --- redirects -------------------------------------------------------------------------------


def test_it_follows_redirects_by_hand(server: LocalServer) -> None:
    server.redirect("/old", "/middle", status=301)
    server.redirect("/middle", server.url("/new"), status=307)
    server.add("/new", body=b"here")
    result = fetch(server.url("/old"), config=cfg())
    assert result.ok
    assert result.body == b"here"
    assert result.url == server.url("/new")
    assert result.redirects == [server.url("/old"), server.url("/middle")]


def test_it_detects_a_redirect_loop(server: LocalServer) -> None:
    server.redirect("/a", "/b")
    server.redirect("/b", "/a")
    result = fetch(server.url("/a"), config=cfg())
    assert result.error_kind == ErrorKind.REDIRECT
    assert result.error is not None and result.error.startswith("redirect loop")
    assert server.hits("/a") == 1 and server.hits("/b") == 1


def test_it_stops_after_max_redirects(server: LocalServer) -> None:
    for i in range(10):
        server.redirect(f"/r{i}", f"/r{i + 1}")
    result = fetch(server.url("/r0"), config=cfg(max_redirects=3))
    assert result.error == "too many redirects (more than 3)"
    assert result.error_kind == ErrorKind.REDIRECT
    assert len(server.requests) == 4


def test_extra_headers_are_not_sent_to_another_origin(server: LocalServer) -> None:
    with LocalServer() as other:
        other.add("/landing", body=b"ok")
        server.redirect("/go", other.url("/landing"))
        server.add("/self", body=b"ok")
        config = cfg(extra_headers={"Cookie": "consent=yes"})
        assert fetch(server.url("/self"), config=config).ok
        assert fetch(server.url("/go"), config=config).ok
        assert server.requests[0].headers.get("cookie") == "consent=yes"
        assert server.requests[1].headers.get("cookie") == "consent=yes"
        assert "cookie" not in other.requests[0].headers


# --- SSRF guard ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://10.0.0.1/", "address 10.0.0.1 is private (SSRF guard)"),
        ("http://192.168.1.1/admin", "address 192.168.1.1 is private (SSRF guard)"),
        ("http://169.254.169.254/latest/meta-data/", "address 169.254.169.254 is link-local (SSRF guard)"),
        ("http://127.0.0.2:8080/", "address 127.0.0.2 is loopback (SSRF guard)"),
        ("http://[::1]/", "address ::1 is loopback (SSRF guard)"),
        ("http://0.0.0.0/", "address 0.0.0.0 is unspecified (SSRF guard)"),
        ("http://224.0.0.1/", "address 224.0.0.1 is multicast (SSRF guard)"),
        ("http://[::ffff:10.0.0.1]/", "address 10.0.0.1 is private (SSRF guard)"),
        ("http://100.64.0.1/", "address 100.64.0.1 is shared by carrier-grade NAT (SSRF guard)"),
        ("http://240.0.0.1/", "address 240.0.0.1 is reserved (SSRF guard)"),
    ],
)
def test_it_refuses_internal_ip_literals_without_connecting(
    url: str, message: str, resolved_hosts: list[str]
) -> None:
    result = fetch(url, config=cfg(allow_private_hosts=frozenset()))
    assert result.error == message
    assert result.error_kind == ErrorKind.SSRF
    assert result.status is None
    assert resolved_hosts == []  # no connection was even attempted


def test_it_refuses_a_redirect_to_the_metadata_address(
    server: LocalServer, resolved_hosts: list[str]
) -> None:
    server.redirect("/innocent", "http://169.254.169.254/latest/meta-data/iam/")
    result = fetch(server.url("/innocent"), config=cfg())
    assert result.error == "address 169.254.169.254 is link-local (SSRF guard)"
    assert result.error_kind == ErrorKind.SSRF
    assert result.redirects == [server.url("/innocent")]
    assert resolved_hosts == ["127.0.0.1"]  # only the allowed local server was contacted


def test_the_loopback_server_itself_is_refused_unless_allowed(server: LocalServer) -> None:
    server.add("/x", body=b"secret")
    result = fetch(server.url("/x"), config=cfg(allow_private_hosts=frozenset()))
    assert result.error_kind == ErrorKind.SSRF
    assert server.requests == []


def loopback_name(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """DNS that answers 127.0.0.1 for `name` and resolves everything else for real."""
    real = ingest_http._resolve

    def resolve(host: str, port: int) -> list:
        if host == name:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]
        return real(host, port)

    monkeypatch.setattr(ingest_http, "_resolve", resolve)


def test_names_are_checked_after_resolution_at_connect_time(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A name is only known to be internal once resolved: the check inside the connection
    # catches it, and the local server (really on 127.0.0.1) never sees the request.
    loopback_name(monkeypatch, "inside.example")
    server.add("/x", body=b"secret")
    result = fetch(f"http://inside.example:{server.port}/x", config=cfg())
    assert result.error == "address 127.0.0.1 is loopback (SSRF guard)"
    assert result.error_kind == ErrorKind.SSRF
    assert server.requests == []


def test_https_connections_are_guarded_too(server: LocalServer, monkeypatch: pytest.MonkeyPatch) -> None:
    loopback_name(monkeypatch, "inside.example")
    result = fetch(f"https://inside.example:{server.port}/x", config=cfg())
    assert result.error == "address 127.0.0.1 is loopback (SSRF guard)"
    assert server.requests == []


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """A throwaway self-signed certificate for 127.0.0.1 (needs the openssl command)."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl command not available to create a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = str(folder / "cert.pem"), str(folder / "key.pem")
    # Laid out by hand: the argv keeps each option beside its value.
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True, timeout=10,
    )  # fmt: skip
    return cert, key


def test_https_through_the_pinned_connection(tls_files: tuple[str, str]) -> None:
    cert, _key = tls_files
    with LocalServer(tls=tls_files) as tls_server:
        tls_server.add("/feed", body=b"<rss/>")
        # Untrusted certificate: refused, so verification is on.
        untrusted = fetch(tls_server.url("/feed"), config=cfg())
        assert untrusted.error == "TLS error with 127.0.0.1"
        assert untrusted.error_kind == ErrorKind.CONNECTION

        session = make_session(cfg())
        session.verify = cert
        try:
            trusted = fetch(tls_server.url("/feed"), config=cfg(), session=session)
        finally:
            session.close()
        assert trusted.ok, trusted.error
        assert trusted.body == b"<rss/>"


def test_https_verifies_the_host_name_not_the_pinned_address(
    tls_files: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    cert, _key = tls_files
    with LocalServer(tls=tls_files) as tls_server:
        tls_server.add("/feed", body=b"<rss/>")
        answer = [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", tls_server.port))]
        monkeypatch.setattr(ingest_http, "_resolve", lambda host, port: answer)
        config = cfg(allow_private_hosts=frozenset({"news.example"}))
        session = make_session(config)
        session.verify = cert
        try:
            result = fetch(f"https://news.example:{tls_server.port}/feed", config=config, session=session)
        finally:
            session.close()
        # The certificate is for 127.0.0.1, the URL names news.example: must fail.
        assert result.error == "TLS error with news.example"
        assert tls_server.requests == []


def test_a_session_with_an_unguarded_mount_is_refused(server: LocalServer) -> None:
    session = make_session(cfg())
    session.mount(server.base_url, requests.adapters.HTTPAdapter())
    try:
        result = fetch(server.url("/x"), config=cfg(), session=session)
    finally:
        session.close()
    assert result.error_kind == ErrorKind.SSRF
    assert result.error == f"session has an unguarded adapter for {server.url('/x')}"
    assert server.requests == []


def test_a_name_resolving_to_a_private_address_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    connected: list[object] = []
    monkeypatch.setattr(
        ingest_http,
        "_resolve",
        lambda host, port: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.1.2.3", port))],
    )
    monkeypatch.setattr(socket.socket, "connect", lambda self, addr: connected.append(addr))
    result = fetch("http://intranet.example/", config=cfg())
    assert result.error == "address 10.1.2.3 is private (SSRF guard)"
    assert connected == []


def test_a_name_with_any_internal_answer_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    answers = [
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", 80)),
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", 80)),
    ]
    monkeypatch.setattr(ingest_http, "_resolve", lambda host, port: answers)
    monkeypatch.setattr(socket.socket, "connect", lambda self, addr: pytest.fail(f"connected to {addr}"))
    result = fetch("http://mixed.example/", config=cfg())
    assert result.error == "address 127.0.0.1 is loopback (SSRF guard)"


def test_the_connection_uses_the_checked_address(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DNS rebinding: a second lookup would answer differently; there is no second lookup."""
    server.add("/x", body=b"ok")
    answers = iter(
        [
            [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", server.port))],
            [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.1", server.port))],
        ]
    )
    monkeypatch.setattr(ingest_http, "_resolve", lambda host, port: next(answers))
    config = cfg(allow_private_hosts=frozenset({"news.example"}))
    result = fetch(f"http://news.example:{server.port}/x", config=config)
    assert result.ok, result.error
    assert result.body == b"ok"
    assert server.requests[0].headers["host"] == f"news.example:{server.port}"
    assert next(answers)[0][4][0] == "10.0.0.1"  # the rebinding answer was never requested


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.org/feed",
        "file:///etc/passwd",
        "gopher://x/",
        "http://",
        "not a url",
        "",
        "http://x:99999/",
    ],
)
def test_it_refuses_invalid_urls(url: str) -> None:
    result = fetch(url, config=cfg())
    assert result.error_kind == ErrorKind.INVALID_URL
    assert result.error


def test_a_plain_session_gets_the_guard_mounted(server: LocalServer) -> None:
    server.add("/x", body=b"ok")
    session = requests.Session()
    try:
        assert fetch(f"http://2130706433:{server.port}/x", config=cfg(), session=session).error_kind == "ssrf"
        assert fetch(server.url("/x"), config=cfg(), session=session).body == b"ok"
    finally:
        session.close()


def test_a_shared_session_is_reused() -> None:
    with LocalServer(keep_alive=True) as server:
        server.add("/x", body=b"ok")
        session = make_session(cfg())
        try:
            bodies = [fetch(server.url("/x"), config=cfg(), session=session).body for _ in range(3)]
        finally:
            session.close()
        assert bodies == [b"ok"] * 3
        assert server.connections == 1  # one TCP connection carried all three requests
        # Without a shared session every fetch opens its own connection (the counter counts).
        assert [fetch(server.url("/x"), config=cfg()).body for _ in range(2)] == [b"ok"] * 2
        assert server.connections == 3


# --- size caps and compression bombs ---------------------------------------------------------


def _endless(chunk_size: int = 64 * 1024, total: int = 50 * MB) -> Iterator[bytes]:
    chunk = b"x" * chunk_size
    for _ in range(total // chunk_size):
        yield chunk


def test_a_50_mb_body_is_aborted_at_the_cap(server: LocalServer) -> None:
    server.add_handler("/big", lambda request: Response(body=_endless(), content_type="application/xml"))
    started = time.monotonic()
    result = fetch(server.url("/big"), config=cfg())
    assert result.error == "body larger than 10 MB, aborted"
    assert result.error_kind == ErrorKind.TOO_LARGE
    assert result.body == b""
    assert 10 * MB < result.bytes_read <= 10 * MB + 128 * 1024
    assert time.monotonic() - started < 2


def test_a_declared_oversize_body_is_not_read(server: LocalServer) -> None:
    server.add_handler(
        "/big",
        lambda request: Response(body=_endless(total=MB), headers={"Content-Length": str(50 * MB)}),
    )
    result = fetch(server.url("/big"), config=cfg())
    assert result.error_kind == ErrorKind.TOO_LARGE
    assert result.bytes_read == 0


def _gzip_bomb() -> bytes:
    # One ~10 KB gzip member of 10 MB zeros, repeated: ~1 MB on the wire, 1 GB decompressed.
    member = gzip.compress(b"\0" * (10 * MB), compresslevel=9)
    return member * 100


def test_a_gzip_bomb_is_aborted_once_decompressed_size_exceeds_the_cap(server: LocalServer) -> None:
    bomb = _gzip_bomb()
    server.add("/bomb", body=bomb, content_type="application/xml", headers={"Content-Encoding": "gzip"})
    started = time.monotonic()
    result = fetch(server.url("/bomb"), config=cfg())
    # With default settings the ratio guard fires first, after about 1 MB of output.
    assert result.error == "compression ratio above 100:1 (compression bomb?)"
    assert result.error_kind == ErrorKind.BOMB
    assert result.body == b""
    assert result.bytes_read < 100 * 1024  # stopped after the first member or two
    assert time.monotonic() - started < 2

    no_ratio = fetch(server.url("/bomb"), config=cfg(max_decompressed_ratio=float("inf")))
    assert no_ratio.error == "decompressed size exceeds 10 MB (compression bomb?)"
    assert no_ratio.error_kind == ErrorKind.BOMB
    assert no_ratio.bytes_read < 100 * 1024


def test_a_single_small_gzip_that_expands_past_the_cap(server: LocalServer) -> None:
    small = gzip.compress(b"\0" * (2 * MB))
    assert len(small) < 10 * 1024
    server.add("/bomb", body=small, headers={"Content-Encoding": "gzip"})
    result = fetch(server.url("/bomb"), config=cfg(max_bytes=MB))
    assert result.error == "decompressed size exceeds 1 MB (compression bomb?)"


def test_the_compression_ratio_guard(server: LocalServer) -> None:
    server.add("/z", body=gzip.compress(b"\0" * (5 * MB)), headers={"Content-Encoding": "gzip"})
    result = fetch(server.url("/z"), config=cfg(max_bytes=100 * MB, max_decompressed_ratio=50))
    assert result.error == "compression ratio above 50:1 (compression bomb?)"
    assert result.error_kind == ErrorKind.BOMB


@pytest.mark.parametrize(
    ("coding", "compress"),
    [
        ("gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", lambda data: zlib.compress(data)[2:-4]),  # raw deflate, as some servers send
    ],
)
def test_compressed_bodies_are_decoded(server: LocalServer, coding: str, compress) -> None:
    text = "<rss><channel><title>Nachrichten für Köln</title></channel></rss>".encode() * 100
    server.add("/feed", body=compress(text), headers={"Content-Encoding": coding})
    result = fetch(server.url("/feed"), config=cfg())
    assert result.ok, result.error
    assert result.body == text
    assert result.bytes_read < len(text)


def test_an_unsupported_content_encoding_is_reported(server: LocalServer) -> None:
    server.add("/feed", body=b"\x00\x01", headers={"Content-Encoding": "br"})
    result = fetch(server.url("/feed"), config=cfg())
    assert result.error == "content encoding 'br' not supported"


# --- content types ---------------------------------------------------------------------------


def test_a_content_type_outside_the_allowed_set_is_refused_unread(server: LocalServer) -> None:
    server.add("/img", body=b"\x89PNG\r\n\x1a\n" + b"\0" * 5000, content_type="image/png")
    result = fetch(server.url("/img"), config=cfg(allowed_content_types=FEED_TYPES))
    assert result.error == "content type image/png not accepted"
    assert result.error_kind == ErrorKind.CONTENT_TYPE
    assert result.status == 200
    assert result.body == b""


def test_wildcard_content_types(server: LocalServer) -> None:
    server.add("/t", body=b"hi", content_type="text/csv")
    assert fetch(server.url("/t"), config=cfg(allowed_content_types=frozenset({"text/*"}))).ok


# --- timeouts and broken connections ---------------------------------------------------------


def test_a_server_that_hangs_before_answering_hits_the_read_timeout(server: LocalServer) -> None:
    def hang(request: Request) -> Response:
        server.stopping.wait(5)
        return Response(body=b"late")

    server.add_handler("/hang", hang)
    started = time.monotonic()
    result = fetch(server.url("/hang"), config=cfg(read_timeout=0.5))
    assert result.error == "read timeout after 0.5 s"
    assert result.error_kind == ErrorKind.TIMEOUT
    assert time.monotonic() - started < 1.5


def test_a_server_that_hangs_mid_body_hits_the_read_timeout(server: LocalServer) -> None:
    def stall() -> Iterator[bytes]:
        yield b"<rss>" * 100
        server.stopping.wait(5)
        yield b"</rss>"

    server.add_handler("/stall", lambda request: Response(body=stall()))
    started = time.monotonic()
    result = fetch(server.url("/stall"), config=cfg(read_timeout=0.5))
    assert result.error == "read timeout after 0.5 s"
    assert result.error_kind == ErrorKind.TIMEOUT
    assert result.bytes_read == 500
    assert time.monotonic() - started < 1.5


def test_a_trickling_server_hits_the_total_time_limit(server: LocalServer) -> None:
    def trickle() -> Iterator[bytes]:
        for _ in range(50):
            yield b"x"
            if server.stopping.wait(0.1):
                return

    server.add_handler("/slow", lambda request: Response(body=trickle()))
    started = time.monotonic()
    result = fetch(server.url("/slow"), config=cfg(read_timeout=1.0, total_timeout=0.8))
    assert result.error == "total time limit of 0.8 s exceeded"
    assert result.error_kind == ErrorKind.TIMEOUT
    assert time.monotonic() - started < 1.5


def test_a_refused_connection_is_reported() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = fetch(f"http://127.0.0.1:{port}/", config=cfg())
    assert result.error == "connection to 127.0.0.1 refused"
    assert result.error_kind == ErrorKind.CONNECTION


def test_an_unresolvable_host_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(host: str, port: int) -> list:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(ingest_http, "_resolve", fail)
    result = fetch("http://does-not-exist.example/", config=cfg())
    assert result.error == "could not resolve host does-not-exist.example"
    assert result.error_kind == ErrorKind.CONNECTION


def test_a_connect_timeout_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    def slow_connect(self: socket.socket, address: object) -> None:
        raise TimeoutError("timed out")

    monkeypatch.setattr(socket.socket, "connect", slow_connect)
    result = fetch("http://127.0.0.1:9/", config=cfg())
    assert result.error == "connect timeout after 1 s"
    assert result.error_kind == ErrorKind.TIMEOUT


def test_a_redirect_without_location(server: LocalServer) -> None:
    server.add("/r", status=302)
    result = fetch(server.url("/r"), config=cfg())
    assert result.error == "HTTP 302 redirect without Location header"
    assert result.error_kind == ErrorKind.REDIRECT


def test_a_connection_cut_mid_body_is_reported(server: LocalServer) -> None:
    server.add_handler(
        "/cut", lambda request: Response(body=iter([b"abc"]), headers={"Content-Length": "1000"})
    )
    result = fetch(server.url("/cut"), config=cfg())
    assert result.error == "connection to 127.0.0.1 broken while reading"
    assert result.error_kind == ErrorKind.CONNECTION


# --- robots.txt ------------------------------------------------------------------------------


def robots_cfg(**overrides: object) -> FetchConfig:
    return cfg(respect_robots=True, **overrides)


def test_robots_disallow_is_respected_and_cached(server: LocalServer) -> None:
    server.add("/robots.txt", body=b"User-agent: *\nDisallow: /private/\n")
    server.add("/public", body=b"ok")
    server.add("/private/page", body=b"secret")
    robots = RobotsCache()
    denied = fetch(server.url("/private/page"), config=robots_cfg(), robots=robots)
    allowed = fetch(server.url("/public"), config=robots_cfg(), robots=robots)
    assert denied.error == "robots.txt disallows /private/page"
    assert denied.error_kind == ErrorKind.ROBOTS
    assert allowed.ok
    assert server.hits("/robots.txt") == 1
    assert server.hits("/private/page") == 0
    assert server.requests[0].headers["user-agent"].startswith("LagebildBot/")


def test_robots_rules_for_our_user_agent(server: LocalServer) -> None:
    server.add(
        "/robots.txt", body=b"User-agent: OtherBot\nDisallow:\n\nUser-agent: LagebildBot\nDisallow: /\n"
    )
    result = fetch(server.url("/news"), config=robots_cfg(), robots=RobotsCache())
    assert result.error == "robots.txt disallows /news"


@pytest.mark.parametrize(
    ("status", "allowed"),
    [(404, True), (410, True), (401, False), (403, False), (429, False), (500, False), (503, False)],
)
def test_robots_status_handling(server: LocalServer, status: int, allowed: bool) -> None:
    server.add("/robots.txt", status=status)
    server.add("/news", body=b"ok")
    result = fetch(server.url("/news"), config=robots_cfg(), robots=RobotsCache())
    assert result.ok is allowed, result.error
    if not allowed:
        assert result.error_kind == ErrorKind.ROBOTS
    if status >= 429:
        assert result.error == f"robots.txt unavailable (HTTP {status}), not fetching /news for now"


def test_an_unreachable_robots_txt_disallows_for_now(server: LocalServer) -> None:
    def hang(request: Request) -> Response:
        server.stopping.wait(5)
        return Response(body=b"")

    server.add_handler("/robots.txt", hang)
    result = fetch(server.url("/news"), config=robots_cfg(read_timeout=0.3), robots=RobotsCache())
    assert result.error == "robots.txt unavailable (read timeout after 0.3 s), not fetching /news for now"


def test_robots_cache_expires_and_keeps_a_good_copy_on_failure(server: LocalServer) -> None:
    now = [1000.0]
    robots = RobotsCache(ttl=100, failure_ttl=10, clock=lambda: now[0])
    server.add("/robots.txt", body=b"User-agent: *\nDisallow: /private/\n")
    config = robots_cfg()
    assert robots.check(server.url("/private/x"), config=config) == "robots.txt disallows /private/x"
    assert robots.check(server.url("/ok"), config=config) is None
    assert server.hits("/robots.txt") == 1

    now[0] += 101  # expired; the server now fails: the last good copy stays in force
    server.add("/robots.txt", status=503)
    assert robots.check(server.url("/ok"), config=config) is None
    assert robots.check(server.url("/private/x"), config=config) == "robots.txt disallows /private/x"
    assert server.hits("/robots.txt") == 2

    now[0] += 11  # failure entry expired: asks again
    server.add("/robots.txt", body=b"User-agent: *\nDisallow:\n")
    assert robots.check(server.url("/private/x"), config=config) is None
    assert server.hits("/robots.txt") == 3


def test_an_oversized_robots_txt_is_truncated_and_parsed(server: LocalServer) -> None:
    rules = b"User-agent: *\nDisallow: /private/\n" + b"# padding\n" * 70_000  # ~700 KB
    server.add("/robots.txt", body=rules)
    server.add("/ok", body=b"ok")
    robots = RobotsCache()
    assert fetch(server.url("/private/x"), config=robots_cfg(), robots=robots).error_kind == ErrorKind.ROBOTS
    assert fetch(server.url("/ok"), config=robots_cfg(), robots=robots).ok


def test_truncate_body_returns_the_first_max_bytes(server: LocalServer) -> None:
    server.add_handler("/big", lambda request: Response(body=_endless(total=2 * MB)))
    result = fetch(server.url("/big"), config=cfg(max_bytes=100_000, truncate_body=True))
    assert result.ok and result.truncated
    assert len(result.body) == 100_000


def test_robots_crawl_delay(server: LocalServer) -> None:
    server.add("/robots.txt", body=b"User-agent: *\nCrawl-delay: 7\nDisallow:\n")
    robots = RobotsCache()
    assert robots.check(server.url("/"), config=robots_cfg()) is None
    assert robots.crawl_delay(server.url("/"), cfg().user_agent) == 7.0


def test_robots_is_checked_again_after_a_redirect(server: LocalServer) -> None:
    with LocalServer() as other:
        other.add("/robots.txt", body=b"User-agent: *\nDisallow: /\n")
        other.add("/article", body=b"ok")
        server.redirect("/go", other.url("/article"))
        result = fetch(server.url("/go"), config=robots_cfg(), robots=RobotsCache())
        assert result.error == "robots.txt disallows /article"
        assert other.hits("/article") == 0


# --- per-host delay --------------------------------------------------------------------------


def test_host_throttle_enforces_a_minimum_delay() -> None:
    now = [0.0]
    throttle = HostThrottle(2.0, per_host={"slow.example": 10.0}, clock=lambda: now[0])
    assert throttle.wait_time("a.example") == 0.0
    throttle.mark("a.example")
    assert throttle.wait_time("A.example") == 2.0
    assert throttle.wait_time("b.example") == 0.0
    now[0] = 1.5
    assert throttle.wait_time("a.example") == pytest.approx(0.5)
    now[0] = 2.0
    assert throttle.wait_time("a.example") == 0.0
    throttle.mark("slow.example")
    assert throttle.wait_time("slow.example") == 10.0


def test_host_throttle_is_thread_safe() -> None:
    throttle = HostThrottle(60.0)
    hosts = [f"h{i}.example" for i in range(20)]

    def work() -> None:
        for _ in range(200):
            for host in hosts:
                throttle.mark(host)
                throttle.wait_time(host)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=5)
    assert all(55 < throttle.wait_time(host) <= 60 for host in hosts)
