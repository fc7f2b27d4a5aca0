"""The SSRF guard: which addresses it refuses, in every notation, and the reason users read.

No traffic leaves the machine: the address table is checked on `address_problem` alone, and
everything that goes through `fetch` either never connects (asserted) or talks to the local
test server on 127.0.0.1. DNS answers are simulated by patching `_resolve`.
"""

from __future__ import annotations

import ipaddress
import socket
from io import StringIO

import pytest

from ingest import http as ingest_http
from ingest.http import ErrorKind, FetchConfig, RobotsCache, address_problem, fetch, host_address
from tests.ingest.httpserver import LocalServer

# As the test settings do: the local test server's address, written exactly so.
LOCAL = frozenset({"127.0.0.1"})


def cfg(**overrides: object) -> FetchConfig:
    values: dict[str, object] = {
        "allow_private_hosts": LOCAL,
        "respect_robots": True,  # the path on which the real reason used to get lost
        "connect_timeout": 1.0,
        "read_timeout": 1.0,
        "total_timeout": 5.0,
    }
    values.update(overrides)
    return FetchConfig(**values)  # type: ignore[arg-type]


def refused(address: str, label: str) -> tuple[str, str]:
    return address, f"address {address} is {label} (SSRF guard)"


def embeds(address: str, ipv4: str, scheme: str, label: str) -> tuple[str, str]:
    return address, f"address {address} embeds {ipv4} ({scheme}), which is {label} (SSRF guard)"


# --- the decision on each address -------------------------------------------------------------

DOC = "reserved for documentation"

REFUSED = [
    # IPv4: every special-purpose range, at its edges.
    refused("0.0.0.0", "unspecified"),  # noqa: S104 (an address under test, nothing binds)
    refused("0.1.2.3", "in 'this network' (0.0.0.0/8)"),
    refused("0.255.255.255", "in 'this network' (0.0.0.0/8)"),
    refused("10.0.0.1", "private"),
    refused("10.255.255.255", "private"),
    refused("100.64.0.0", "shared by carrier-grade NAT"),
    refused("100.127.255.255", "shared by carrier-grade NAT"),
    refused("127.0.0.1", "loopback"),
    refused("127.255.255.254", "loopback"),
    refused("169.254.169.254", "link-local"),
    refused("172.16.0.1", "private"),
    refused("172.31.255.255", "private"),
    refused("192.0.0.0", "reserved for IETF protocol assignments"),
    refused("192.0.0.9", "reserved for IETF protocol assignments"),
    refused("192.0.0.170", "reserved for IETF protocol assignments"),
    refused("192.0.0.192", "reserved for IETF protocol assignments"),
    refused("192.0.0.255", "reserved for IETF protocol assignments"),
    refused("192.0.2.1", DOC),
    refused("192.88.99.1", "a deprecated 6to4 relay anycast address"),
    refused("192.168.0.1", "private"),
    refused("198.18.0.1", "reserved for benchmarking"),
    refused("198.19.255.255", "reserved for benchmarking"),
    refused("198.51.100.7", DOC),
    refused("203.0.113.9", DOC),
    refused("224.0.0.1", "multicast"),
    refused("239.255.255.250", "multicast"),
    refused("240.0.0.1", "reserved"),
    refused("254.1.2.3", "reserved"),
    refused("255.255.255.255", "broadcast"),
    # IPv6 ranges refused outright.
    refused("::", "unspecified"),
    refused("::1", "loopback"),
    refused("::7f00:1", "a deprecated IPv4-compatible address"),  # ::127.0.0.1
    refused("::808:808", "a deprecated IPv4-compatible address"),  # even ::8.8.8.8
    refused("64:ff9b:1::a00:1", "local-use NAT64"),
    refused("100::1", "discard-only"),
    refused("2001:2::1", "reserved for IETF protocol assignments"),
    refused("2001:10::1", "reserved for IETF protocol assignments"),
    refused("2001:db8::1", DOC),
    refused("3fff::1", DOC),
    refused("5f00::1", "an SRv6 segment identifier"),
    refused("fc00::1", "unique local (private)"),
    refused("fd12:3456::1", "unique local (private)"),
    refused("fe80::1", "link-local"),
    refused("fec0::1", "deprecated site-local"),
    refused("feff::1", "deprecated site-local"),
    refused("ff02::1", "multicast"),
    refused("4000::1", "outside the global unicast range 2000::/3"),
    refused("::ffff:0:7f00:1", "outside the global unicast range 2000::/3"),  # IPv4-translated
    # IPv4-mapped: the IPv4 address itself.
    ("::ffff:127.0.0.1", "address 127.0.0.1 is loopback (SSRF guard)"),
    ("::ffff:192.0.0.192", "address 192.0.0.192 is reserved for IETF protocol assignments (SSRF guard)"),
    # 6to4 (2002:AABB:CCDD::), judged by the IPv4 address it embeds.
    embeds("2002:7f00:1::1", "127.0.0.1", "6to4", "loopback"),
    embeds("2002:a00:1::", "10.0.0.1", "6to4", "private"),
    embeds("2002:a9fe:a9fe::1", "169.254.169.254", "6to4", "link-local"),
    embeds("2002:c000:c0::1", "192.0.0.192", "6to4", "reserved for IETF protocol assignments"),
    embeds("2002:6440:1::1", "100.64.0.1", "6to4", "shared by carrier-grade NAT"),
    # Teredo (2001:0:SERVER:flags:port:~CLIENT): server and client must both be public.
    embeds("2001:0:4136:e378:8000:63bf:80ff:fffe", "127.0.0.1", "Teredo", "loopback"),
    embeds("2001:0:4136:e378:8000:63bf:f5ff:fffe", "10.0.0.1", "Teredo", "private"),
    embeds("2001:0:7f00:1:8000:63bf:f7f7:f7f7", "127.0.0.1", "Teredo", "loopback"),  # the server
    embeds("2001:0:4136:e378:8000:63bf:3fff:fdd2", "192.0.2.45", "Teredo", DOC),  # RFC 4380's example
    # NAT64 well-known prefix (64:ff9b::a.b.c.d).
    embeds("64:ff9b::7f00:1", "127.0.0.1", "NAT64", "loopback"),
    embeds("64:ff9b::a9fe:a9fe", "169.254.169.254", "NAT64", "link-local"),
    embeds("64:ff9b::c000:c0", "192.0.0.192", "NAT64", "reserved for IETF protocol assignments"),
]

PUBLIC = [
    "1.1.1.1",
    "8.8.8.8",
    "93.184.216.34",
    "100.63.255.255",  # just below carrier-grade NAT
    "100.128.0.0",  # just above
    "172.32.0.1",  # just above 172.16.0.0/12
    "192.0.1.1",  # just above 192.0.0.0/24
    "198.20.0.1",  # just above benchmarking
    "223.255.255.254",
    "2606:4700:4700::1111",
    "2a00:1450:4001:82b::200e",
    "::ffff:8.8.8.8",
    "2002:808:808::1",  # 6to4 of 8.8.8.8
    "64:ff9b::808:808",  # NAT64 of 8.8.8.8
    "2001:0:4136:e378:8000:63bf:f7f7:f7f7",  # Teredo: server 65.54.227.120, client 8.8.8.8
]


@pytest.mark.parametrize(("address", "message"), REFUSED, ids=[a for a, _ in REFUSED])
def test_each_internal_range_is_refused_with_its_name(address: str, message: str) -> None:
    assert address_problem(ipaddress.ip_address(address)) == message


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_pass(address: str) -> None:
    assert address_problem(ipaddress.ip_address(address)) is None


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("127.0.1", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("0X7F.1", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("017700000001", "127.0.0.1"),
        ("0xa.0.0.1", "10.0.0.1"),
        ("167772161", "10.0.0.1"),
        ("127.0.0.1.", "127.0.0.1"),
        ("[::1]", "::1"),
        ("::ffff:127.0.0.1", "::ffff:7f00:1"),
        ("fe80::1%eth0", "fe80::1"),
        # Names, and what inet_aton() would not take either.
        ("example.org", None),
        ("localhost", None),
        ("1.2.3.4.5", None),
        ("256.1.1.1", None),
        ("1.2.65536", None),
        ("4294967296", None),
        ("08.0.0.1", None),
        ("1..1", None),
        ("0x1g", None),
    ],
)
def test_host_address_reads_every_notation_getaddrinfo_takes(host: str, address: str | None) -> None:
    expected = None if address is None else ipaddress.ip_address(address)
    assert host_address(host) == expected


# --- loopback in every notation, through the real fetch ----------------------------------------


LOOPBACK = "address 127.0.0.1 is loopback (SSRF guard)"


@pytest.mark.parametrize(
    ("host", "message"),
    [
        ("localhost", "host localhost is a loopback name (SSRF guard)"),
        ("LocalHost.", "host localhost is a loopback name (SSRF guard)"),
        ("foo.localhost", "host foo.localhost is a loopback name (SSRF guard)"),
        ("127.1", LOOPBACK),
        ("127.0.1", LOOPBACK),
        ("0x7f000001", LOOPBACK),
        ("2130706433", LOOPBACK),
        ("0177.0.0.1", LOOPBACK),
        ("127.0.0.2", "address 127.0.0.2 is loopback (SSRF guard)"),
        ("[::1]", "address ::1 is loopback (SSRF guard)"),
        ("[0:0:0:0:0:0:0:1]", "address ::1 is loopback (SSRF guard)"),
        ("[::ffff:127.0.0.1]", LOOPBACK),
        ("[::ffff:7f00:1]", LOOPBACK),
        ("[::127.0.0.1]", "address ::7f00:1 is a deprecated IPv4-compatible address (SSRF guard)"),
        (
            "[2002:7f00:1::1]",
            "address 2002:7f00:1::1 embeds 127.0.0.1 (6to4), which is loopback (SSRF guard)",
        ),
        (
            "[64:ff9b::127.0.0.1]",
            "address 64:ff9b::7f00:1 embeds 127.0.0.1 (NAT64), which is loopback (SSRF guard)",
        ),
        ("0.0.0.0", "address 0.0.0.0 is unspecified (SSRF guard)"),  # noqa: S104
        ("0", "address 0.0.0.0 is unspecified (SSRF guard)"),
    ],
)
def test_loopback_in_every_notation_is_refused_before_any_connection(
    host: str, message: str, server: LocalServer, resolved_hosts: list[str]
) -> None:
    server.add("/robots.txt", body=b"User-agent: *\nAllow: /\n")
    server.add("/x", body=b"secret")
    # The test server really listens on 127.0.0.1:port; 127.0.0.1 itself is allowed.
    result = fetch(f"http://{host}:{server.port}/x", config=cfg(), robots=RobotsCache())
    assert result.error == message
    assert result.error_kind == ErrorKind.SSRF
    assert resolved_hosts == []  # neither robots.txt nor the page was asked for
    assert server.requests == []


def test_the_allowed_host_itself_still_works(server: LocalServer) -> None:
    server.add("/x", body=b"ok")
    result = fetch(server.url("/x"), config=cfg(), robots=RobotsCache())
    assert result.ok, result.error
    assert server.hits("/robots.txt") == 1 and server.hits("/x") == 1


def test_an_allowed_loopback_name_is_fetched(server: LocalServer) -> None:
    """The allow-list exempts a host exactly as written, names included."""
    server.add("/x", body=b"ok")
    config = cfg(allow_private_hosts=frozenset({"localhost"}))
    result = fetch(f"http://localhost:{server.port}/x", config=config, robots=RobotsCache())
    assert result.ok, result.error
    assert result.body == b"ok"


# --- names whose DNS answers are internal ------------------------------------------------------


def answering(monkeypatch: pytest.MonkeyPatch, answers: dict[str, list[str]]) -> None:
    """DNS that gives `answers` for these names and resolves any other name for real."""
    real = ingest_http._resolve

    def resolve(host: str, port: int) -> list:
        if host not in answers:
            return real(host, port)
        return [
            (
                socket.AF_INET6 if ":" in ip else socket.AF_INET,
                socket.SOCK_STREAM,
                6,
                "",
                (ip, port, 0, 0) if ":" in ip else (ip, port),
            )
            for ip in answers[host]
        ]

    monkeypatch.setattr(ingest_http, "_resolve", resolve)


@pytest.fixture
def no_outside_connections(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Fails the test on any connection attempt to anything but the local test server."""
    real_connect = socket.socket.connect
    attempts: list[object] = []

    def connect(self: socket.socket, address: object) -> None:
        if isinstance(address, tuple) and address[0] == "127.0.0.1":
            return real_connect(self, address)
        attempts.append(address)
        raise AssertionError(f"connection attempted to {address}")

    monkeypatch.setattr(socket.socket, "connect", connect)
    return attempts


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (["127.0.0.1"], LOOPBACK),
        (["10.20.30.40"], "address 10.20.30.40 is private (SSRF guard)"),
        (["169.254.169.254"], "address 169.254.169.254 is link-local (SSRF guard)"),
        (["192.0.0.192"], "address 192.0.0.192 is reserved for IETF protocol assignments (SSRF guard)"),
        (["100.100.100.200"], "address 100.100.100.200 is shared by carrier-grade NAT (SSRF guard)"),
        (["::1"], "address ::1 is loopback (SSRF guard)"),
        (["fec0::1"], "address fec0::1 is deprecated site-local (SSRF guard)"),
        (["2002:a00:1::1"], "address 2002:a00:1::1 embeds 10.0.0.1 (6to4), which is private (SSRF guard)"),
        (
            ["64:ff9b::a9fe:a9fe"],
            "address 64:ff9b::a9fe:a9fe embeds 169.254.169.254 (NAT64), which is link-local (SSRF guard)",
        ),
        (["93.184.216.34", "10.0.0.1"], "address 10.0.0.1 is private (SSRF guard)"),
    ],
)
def test_a_name_resolving_internally_is_refused_with_the_guards_reason(
    answer: list[str], message: str, monkeypatch: pytest.MonkeyPatch, no_outside_connections: list[object]
) -> None:
    answering(monkeypatch, {"intranet.example": answer})
    result = fetch("http://intranet.example/x", config=cfg(), robots=RobotsCache())
    # Not "robots.txt disallows /x": robots.txt was refused for the same reason as the page.
    assert result.error == message
    assert result.error_kind == ErrorKind.SSRF
    assert no_outside_connections == []


def test_a_refused_host_is_judged_afresh_each_time(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The refusal is not cached as robots.txt: another allow-list (or DNS answer) decides anew."""
    answering(monkeypatch, {"news.example": ["127.0.0.1"]})
    server.add("/x", body=b"ok")
    robots = RobotsCache()
    url = f"http://news.example:{server.port}/x"
    assert fetch(url, config=cfg(), robots=robots).error_kind == ErrorKind.SSRF
    allowed = fetch(url, config=cfg(allow_private_hosts=frozenset({"news.example"})), robots=robots)
    assert allowed.ok, allowed.error


def test_robots_txt_redirecting_to_an_internal_address_is_reported_as_such(server: LocalServer) -> None:
    server.redirect("/robots.txt", "http://169.254.169.254/latest/meta-data/")
    server.add("/x", body=b"page")
    result = fetch(server.url("/x"), config=cfg(), robots=RobotsCache())
    assert result.error == (
        "robots.txt unreadable (address 169.254.169.254 is link-local (SSRF guard)), not fetching /x"
    )
    assert result.error_kind == ErrorKind.ROBOTS
    assert server.hits("/x") == 0


# --- redirects from the local server to internal addresses -------------------------------------


@pytest.mark.parametrize(
    ("location", "message"),
    [
        ("http://localhost/admin", "host localhost is a loopback name (SSRF guard)"),
        ("http://foo.localhost/", "host foo.localhost is a loopback name (SSRF guard)"),
        ("http://127.1/", LOOPBACK),
        ("http://0x7f000001/", LOOPBACK),
        ("http://[::1]/", "address ::1 is loopback (SSRF guard)"),
        ("http://[::ffff:169.254.169.254]/", "address 169.254.169.254 is link-local (SSRF guard)"),
        ("http://192.0.0.192/", "address 192.0.0.192 is reserved for IETF protocol assignments (SSRF guard)"),
        ("http://[fec0::1]/", "address fec0::1 is deprecated site-local (SSRF guard)"),
        (
            "http://[2002:c0a8:101::1]/",
            "address 2002:c0a8:101::1 embeds 192.168.1.1 (6to4), which is private (SSRF guard)",
        ),
        ("http://intranet.example/", "address 10.1.2.3 is private (SSRF guard)"),
    ],
)
def test_a_redirect_to_an_internal_address_is_refused(
    location: str,
    message: str,
    server: LocalServer,
    monkeypatch: pytest.MonkeyPatch,
    no_outside_connections: list[object],
) -> None:
    answering(monkeypatch, {"intranet.example": ["10.1.2.3"]})
    server.redirect("/go", location)
    result = fetch(server.url("/go"), config=cfg(), robots=RobotsCache())
    assert result.error == message
    assert result.error_kind == ErrorKind.SSRF
    assert result.redirects == [server.url("/go")]
    assert no_outside_connections == []


# --- where users read the reason ---------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://localhost/x", "host localhost is a loopback name (SSRF guard)"),
        ("http://foo.localhost/x", "host foo.localhost is a loopback name (SSRF guard)"),
        ("http://127.1/x", LOOPBACK),
        ("http://0x7f000001/x", LOOPBACK),
        ("http://2130706433/x", LOOPBACK),
        ("http://[::1]/x", "address ::1 is loopback (SSRF guard)"),
        ("http://[::ffff:127.0.0.1]/x", LOOPBACK),
    ],
)
def test_ingest_url_prints_the_guards_reason(url: str, message: str) -> None:
    from django.core.management import CommandError, call_command

    from ingest.models import Article

    with pytest.raises(CommandError) as caught:
        call_command("ingest_url", url, stdout=StringIO(), stderr=StringIO())
    assert str(caught.value) == message
    assert Article.objects.count() == 0


@pytest.mark.django_db
def test_ingest_url_reports_a_name_that_resolves_internally(
    monkeypatch: pytest.MonkeyPatch, no_outside_connections: list[object]
) -> None:
    from django.core.management import CommandError, call_command

    answering(monkeypatch, {"intranet.example": ["10.9.8.7"]})
    err = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("ingest_url", "http://intranet.example/x", stdout=StringIO(), stderr=err)
    assert str(caught.value) == "address 10.9.8.7 is private (SSRF guard)"
    assert err.getvalue().strip() == "fetch failed: address 10.9.8.7 is private (SSRF guard)"


def test_an_editor_submitting_a_loopback_url_reads_why(client, editor) -> None:
    from ingest.models import Article
    from tests.factories import login

    login(client, editor)
    response = client.post("/ingest/submit/", {"url": "http://localhost/x"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Adresse zeigt auf diesen Rechner selbst (localhost) – aus Sicherheitsgründen gesperrt" in page
    assert "robots.txt" not in page
    assert Article.objects.count() == 0


def test_a_sources_last_error_names_the_guard(
    make_source, admin_user, client, monkeypatch: pytest.MonkeyPatch, no_outside_connections: list[object]
) -> None:
    from ingest import services
    from tests.factories import login

    answering(monkeypatch, {"intranet.example": ["192.168.0.10"]})
    source = make_source("http://intranet.example/feed.xml")
    services.source_fetch(source)
    source.refresh_from_db()
    assert source.last_error == "address 192.168.0.10 is private (SSRF guard)"
    login(client, admin_user)
    page = client.get("/admin/ingest/source/").content.decode()
    # In plain German words, with the guard's own English on hover.
    assert (
        "Adresse zeigt auf ein internes Netz (192.168.0.10, privates Netz) – aus Sicherheitsgründen gesperrt"
        in page
    )
    assert 'title="address 192.168.0.10 is private (SSRF guard)"' in page
    assert "robots.txt" not in page
