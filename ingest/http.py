"""Polite, guarded HTTP fetching for the ingest pipeline.

`fetch()` never raises for network or HTTP trouble: it returns a `FetchResult` whose `error`
is a short sentence a human can act on and whose `error_kind` a task can branch on.

Guards, in the order a request meets them:
- only http/https URLs; IP literals are checked before anything is sent;
- robots.txt (`RobotsCache`), per scheme+host, cached;
- the SSRF guard inside the connection: the host is resolved once, every address is checked,
  and the socket connects to exactly the checked address, so DNS rebinding between check and
  connect cannot swap in an internal address;
- redirects are followed by hand, each hop goes through all guards again;
- body size is capped while streaming, before and after decompression (compression bombs).

The per-host delay (`HostThrottle`) is not applied here: `fetch()` never sleeps, the caller
(a Celery task) decides whether to wait or to reschedule.
"""

from __future__ import annotations

import enum
import http.client
import ipaddress
import socket
import threading
import time
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError
from urllib3.util.connection import allowed_gai_family

from ingest.decoding import parse_content_type

KB = 1024
MB = 1024 * 1024

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/xml",
        "text/xml",
        "application/feed+json",
        "application/json",
        # Sitemaps (.xml.gz) and badly configured servers: parse_feed() sniffs the body, so these
        # are let through rather than losing real feeds.
        "application/x-gzip",
        "application/gzip",
        "application/octet-stream",
        "text/plain",
        "text/html",
    }
)

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * KB


class ErrorKind(enum.StrEnum):
    TIMEOUT = "timeout"
    TOO_LARGE = "too_large"
    BOMB = "bomb"
    REDIRECT = "redirect"
    SSRF = "ssrf"
    ROBOTS = "robots"
    HTTP_STATUS = "http_status"
    CONTENT_TYPE = "content_type"
    CONNECTION = "connection"
    INVALID_URL = "invalid_url"


@dataclass(frozen=True)
class FetchConfig:
    user_agent: str = "LagebildBot/0.1 (+https://lagebild.example/bot)"
    connect_timeout: float = 5.0
    read_timeout: float = 20.0
    # Wall-clock cap for the whole fetch including redirects; a server that trickles one byte
    # per read_timeout would otherwise hold a worker thread indefinitely.
    total_timeout: float = 60.0
    max_bytes: int = 10 * MB
    max_redirects: int = 5
    # Checked once more than 1 MB came out of the decompressor; real HTML/XML stays far below.
    max_decompressed_ratio: float = 100.0
    # None accepts any type; otherwise bare media types ("text/html") or "type/*".
    allowed_content_types: frozenset[str] | None = None
    # Host names or IP literals, exactly as written in URLs, exempt from the SSRF guard.
    allow_private_hosts: frozenset[str] = frozenset()
    # Per-source headers (e.g. a consent cookie); only sent to the starting URL's origin.
    extra_headers: Mapping[str, str] = field(default_factory=dict)
    respect_robots: bool = True
    # Return the first max_bytes instead of failing (robots.txt, RFC 9309 2.5). Only for
    # uncompressed bodies: a compressed body over the cap is still an error.
    truncate_body: bool = False


@dataclass(frozen=True)
class ConditionalState:
    etag: str | None = None
    last_modified: str | None = None


@dataclass
class FetchResult:
    url: str
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    content_type: str | None = None
    encoding: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    retry_after: float | None = None
    elapsed: float = 0.0
    bytes_read: int = 0
    redirects: list[str] = field(default_factory=list)
    truncated: bool = False  # only with FetchConfig.truncate_body
    error: str | None = None
    error_kind: ErrorKind | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def conditional_state(self) -> ConditionalState:
        """Validators to store and send with the next fetch."""
        return ConditionalState(etag=self.etag, last_modified=self.last_modified)


class _Failure(Exception):
    """Internal: ends a fetch with a given error kind and message."""

    def __init__(self, kind: ErrorKind, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


class AddressBlocked(Exception):
    """Raised inside the connection when the SSRF guard refuses an address.

    Deliberately not an OSError: urllib3 and requests would wrap an OSError into a generic
    connection error and might retry; this one travels up unchanged.
    """


# --- sizes, times, headers -------------------------------------------------------------------


def _size(n: int) -> str:
    if n >= MB and n % MB == 0:
        return f"{n // MB} MB"
    if n >= MB:
        return f"{n / MB:.1f} MB"
    if n >= KB:
        return f"{n // KB} KB"
    return f"{n} bytes"


def _secs(s: float) -> str:
    return f"{s:g} s"


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Retry-After as seconds from now: either delta-seconds or an HTTP-date (RFC 9110 10.2.3)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def content_type_allowed(media_type: str | None, allowed: frozenset[str] | None) -> bool:
    # A missing Content-Type is let through: the parsers sniff the body anyway.
    if allowed is None or media_type is None:
        return True
    major = media_type.split("/")[0]
    return media_type in allowed or f"{major}/*" in allowed


# --- SSRF guard ------------------------------------------------------------------------------
#
# The rule: only public unicast addresses are contacted. Python's `ipaddress` flags differ
# between patch releases and miss ranges (3.11.7 lets 192.0.0.0/24, fec0::/10 and 6to4
# addresses of private IPv4 through), so the ranges are written out here (IANA's special-
# purpose registries, RFC 6890 and successors); the library's flags are only a second net.
#
# - IPv4: every range of _IPV4_REFUSED is refused, 192.0.0.0/24 as a whole.
# - IPv6: an IPv4-mapped address (::ffff:a.b.c.d) is the IPv4 address it maps. A 6to4
#   (2002::/16), Teredo (2001::/32) or NAT64 (64:ff9b::/96) address reaches the IPv4
#   address it embeds, so it is judged by that one (Teredo by its server and its client):
#   refused unless the embedded IPv4 address is public. Everything else must be global
#   unicast (2000::/3) outside the ranges of _IPV6_REFUSED; the deprecated IPv4-compatible
#   ::a.b.c.d and site-local fec0::/10 are refused outright, whatever they embed.
# - Host names: "localhost" and "*.localhost" are loopback by definition (RFC 6761) and
#   refused by name; numeric host names in the legacy IPv4 notations that getaddrinfo()
#   accepts (127.1, 0x7f000001, 2130706433, 0177.0.0.1) are read as the address they
#   stand for. Both are refused before robots.txt or any connection. Every other name is
#   checked after resolution, inside the connection.
# - INGEST_ALLOW_PRIVATE_HOSTS exempts hosts exactly as written in the URL (tests allow
#   127.0.0.1; that does not allow 127.1 or localhost).

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_IPV4_REFUSED: tuple[tuple[ipaddress.IPv4Network, str], ...] = tuple(
    (ipaddress.IPv4Network(net), label)
    for net, label in (
        # Single addresses first: they sit inside larger ranges with a vaguer name.
        ("0.0.0.0/32", "unspecified"),
        ("255.255.255.255/32", "broadcast"),
        ("0.0.0.0/8", "in 'this network' (0.0.0.0/8)"),
        ("10.0.0.0/8", "private"),
        ("100.64.0.0/10", "shared by carrier-grade NAT"),
        ("127.0.0.0/8", "loopback"),
        ("169.254.0.0/16", "link-local"),
        ("172.16.0.0/12", "private"),
        ("192.0.0.0/24", "reserved for IETF protocol assignments"),
        ("192.0.2.0/24", "reserved for documentation"),
        ("192.88.99.0/24", "a deprecated 6to4 relay anycast address"),
        ("192.168.0.0/16", "private"),
        ("198.18.0.0/15", "reserved for benchmarking"),
        ("198.51.100.0/24", "reserved for documentation"),
        ("203.0.113.0/24", "reserved for documentation"),
        ("224.0.0.0/4", "multicast"),
        ("240.0.0.0/4", "reserved"),
    )
)

_IPV6_REFUSED: tuple[tuple[ipaddress.IPv6Network, str], ...] = tuple(
    (ipaddress.IPv6Network(net), label)
    for net, label in (
        ("::/128", "unspecified"),
        ("::1/128", "loopback"),
        ("::/96", "a deprecated IPv4-compatible address"),
        ("64:ff9b:1::/48", "local-use NAT64"),
        ("100::/64", "discard-only"),
        ("2001::/23", "reserved for IETF protocol assignments"),  # Teredo is judged before
        ("2001:db8::/32", "reserved for documentation"),
        ("3fff::/20", "reserved for documentation"),
        ("5f00::/16", "an SRv6 segment identifier"),
        ("fc00::/7", "unique local (private)"),
        ("fe80::/10", "link-local"),
        ("fec0::/10", "deprecated site-local"),
        ("ff00::/8", "multicast"),
    )
)
_IPV6_GLOBAL_UNICAST = ipaddress.IPv6Network("2000::/3")
_SIX_TO_FOUR = ipaddress.IPv6Network("2002::/16")
_TEREDO = ipaddress.IPv6Network("2001::/32")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> tuple[str, tuple[ipaddress.IPv4Address, ...]] | None:
    """The tunnelling or translation scheme of `ip` and the IPv4 addresses it reaches."""
    if ip in _SIX_TO_FOUR:
        return "6to4", (ipaddress.IPv4Address((int(ip) >> 80) & 0xFFFFFFFF),)
    if ip in _TEREDO:
        server = ipaddress.IPv4Address((int(ip) >> 64) & 0xFFFFFFFF)
        client = ipaddress.IPv4Address(~int(ip) & 0xFFFFFFFF)  # stored inverted (RFC 4380)
        return "Teredo", (server, client)
    if ip in _NAT64:
        return "NAT64", (ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF),)
    return None


def _range_label(ip: IPAddress) -> str | None:
    """What the tables (then the library) say this address is, or None if public."""
    table = _IPV4_REFUSED if isinstance(ip, ipaddress.IPv4Address) else _IPV6_REFUSED
    for network, label in table:
        if ip in network:
            return label
    if isinstance(ip, ipaddress.IPv6Address) and ip not in _IPV6_GLOBAL_UNICAST:
        return "outside the global unicast range 2000::/3"
    # A second net: whatever a newer Python knows about and the tables do not.
    if ip.is_multicast:
        return "multicast"
    if ip.is_private or ip.is_reserved or not ip.is_global:
        return "not globally routable"
    return None


def address_problem(ip: IPAddress) -> str | None:
    """Why this address must not be contacted, or None if it is a public unicast address."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            scheme, targets = embedded
            for target in targets:
                label = _range_label(target)
                if label:
                    return f"address {ip} embeds {target} ({scheme}), which is {label} (SSRF guard)"
            return None
    label = _range_label(ip)
    return f"address {ip} is {label} (SSRF guard)" if label else None


def _legacy_ipv4_part(text: str) -> int | None:
    """One dot-separated part as inet_aton() reads it: 0x.. hex, 0.. octal, else decimal."""
    try:
        if text[:2].lower() == "0x":
            return int(text[2:] or "0", 16)
        if len(text) > 1 and text[0] == "0":
            return int(text[1:], 8)
        return int(text, 10) if text.isdigit() else None
    except ValueError:
        return None


def host_address(host: str) -> IPAddress | None:
    """The address a URL's host stands for without DNS, or None for a name.

    Besides IP literals, getaddrinfo() takes the legacy IPv4 forms of inet_aton() as
    addresses (127.1, 0x7f000001, 2130706433, 0177.0.0.1): they are read the same way here,
    so the guard sees what the connection would reach.
    """
    name = host.strip("[]").split("%")[0].rstrip(".")
    try:
        return ipaddress.ip_address(name)
    except ValueError:
        pass
    parts = name.split(".")
    if not name.isascii() or len(parts) > 4 or not all(p.isalnum() for p in parts):
        return None
    numbers = [_legacy_ipv4_part(p) for p in parts]
    if any(n is None for n in numbers):
        return None
    *head, last = numbers
    if any(n > 255 for n in head) or last >= 256 ** (5 - len(numbers)):
        return None
    value = sum(n << (8 * (3 - i)) for i, n in enumerate(head)) + last
    return ipaddress.IPv4Address(value)


def bare_host(host: str) -> str:
    """A URL's host as the guard compares it: no brackets, lower case, no final dot."""
    return host.strip("[]").lower().rstrip(".")


def is_loopback_name(host: str) -> bool:
    """localhost and every name under it (RFC 6761 6.3), whatever a resolver would answer."""
    name = bare_host(host)
    return name == "localhost" or name.endswith(".localhost")


def _resolve(host: str, port: int) -> list[tuple[Any, ...]]:
    """getaddrinfo, kept separate so tests can simulate DNS answers (e.g. rebinding)."""
    return socket.getaddrinfo(host, port, allowed_gai_family(), socket.SOCK_STREAM)


@dataclass(frozen=True)
class AddressGuard:
    allow_private_hosts: frozenset[str] = frozenset()

    def is_exempt(self, host: str) -> bool:
        return bare_host(host) in self.allow_private_hosts

    def problem(self, host: str, ip: IPAddress) -> str | None:
        return None if self.is_exempt(host) else address_problem(ip)

    def host_problem(self, host: str) -> str | None:
        """The verdict on a URL's host before any DNS: loopback names and address notations."""
        if self.is_exempt(host):
            return None
        if is_loopback_name(host):
            return f"host {bare_host(host)} is a loopback name (SSRF guard)"
        ip = host_address(host)
        return None if ip is None else address_problem(ip)


def _guarded_socket(conn: HTTPConnection, guard: AddressGuard) -> socket.socket:
    """Replacement for HTTPConnection._new_conn: resolve, check every address, connect to it."""
    host = conn._dns_host.strip("[]")
    try:
        infos = _resolve(host, conn.port)
    except socket.gaierror as e:
        raise NameResolutionError(conn.host, conn, e) from e
    # Refuse if any answer is internal: a name that mixes public and private answers is
    # either misconfigured or an attack, and we would not control which one gets used.
    for info in infos:
        ip = ipaddress.ip_address(info[4][0].split("%")[0])
        problem = guard.problem(conn.host, ip)
        if problem:
            raise AddressBlocked(problem)
    last_error: OSError | None = None
    for family, socktype, proto, _canonname, sockaddr in infos:
        sock = socket.socket(family, socktype, proto)
        try:
            for opt in conn.socket_options or ():
                sock.setsockopt(*opt)
            if conn.timeout is not None:
                sock.settimeout(conn.timeout)
            if conn.source_address:
                sock.bind(conn.source_address)
            sock.connect(sockaddr)
            return sock
        except TimeoutError as e:
            sock.close()
            raise ConnectTimeoutError(conn, f"Connection to {conn.host} timed out.") from e
        except OSError as e:
            sock.close()
            last_error = e
    raise NewConnectionError(conn, f"Failed to establish a new connection: {last_error}") from last_error


class GuardedAdapter(HTTPAdapter):
    """An HTTPAdapter whose connections run through `_guarded_socket`."""

    def __init__(self, guard: AddressGuard) -> None:
        self.guard = guard
        super().__init__(max_retries=0)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        guard = self.guard

        class _Conn(HTTPConnection):
            def _new_conn(self) -> socket.socket:
                return _guarded_socket(self, guard)

        class _TLSConn(HTTPSConnection):
            def _new_conn(self) -> socket.socket:
                return _guarded_socket(self, guard)

        class _Pool(HTTPConnectionPool):
            ConnectionCls = _Conn

        class _TLSPool(HTTPSConnectionPool):
            ConnectionCls = _TLSConn

        self.poolmanager.pool_classes_by_scheme = {"http": _Pool, "https": _TLSPool}

    def proxy_manager_for(self, *args: Any, **kwargs: Any) -> Any:
        # Through a proxy we would only check the proxy's address, not the target's.
        raise AddressBlocked("proxies are not supported by the guarded fetcher")


def make_session(config: FetchConfig) -> requests.Session:
    """A requests session with the SSRF guard mounted; reuse it for connection pooling."""
    session = requests.Session()
    session.trust_env = False  # no proxies or .netrc from the environment
    _mount_guard(session, config)
    return session


def _mount_guard(session: requests.Session, config: FetchConfig) -> None:
    guard = AddressGuard(frozenset(h.lower() for h in config.allow_private_hosts))
    session.trust_env = False  # environment proxies would bypass the guard (see proxy_manager_for)
    for prefix in ("http://", "https://"):
        adapter = session.adapters.get(prefix)
        if not (isinstance(adapter, GuardedAdapter) and adapter.guard == guard):
            session.mount(prefix, GuardedAdapter(guard))


def _check_url(url: str, config: FetchConfig) -> None:
    """Cheap checks before anything is sent: scheme, host, IP literals and loopback names."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as e:
        raise _Failure(ErrorKind.INVALID_URL, f"invalid URL {url!r}: {e}") from e
    if parts.scheme.lower() not in ("http", "https"):
        raise _Failure(ErrorKind.INVALID_URL, f"unsupported URL scheme {parts.scheme!r} (only http/https)")
    host = parts.hostname
    if not host:
        raise _Failure(ErrorKind.INVALID_URL, f"URL has no host: {url!r}")
    if port == 0:
        raise _Failure(ErrorKind.INVALID_URL, f"invalid port in URL {url!r}")
    guard = AddressGuard(frozenset(h.lower() for h in config.allow_private_hosts))
    # Other names are checked after resolution, inside the connection.
    problem = guard.host_problem(host)
    if problem:
        raise _Failure(ErrorKind.SSRF, problem)


def url_problem(url: str, config: FetchConfig) -> str | None:
    """What `fetch` would refuse about `url` before sending anything (no DNS), or None.

    For a quick answer where a user submits a URL; names that resolve to internal
    addresses are only found by the fetch itself.
    """
    try:
        _check_url(url, config)
    except _Failure as failure:
        return failure.message
    return None


def _origin(url: str) -> tuple[str, str, int | None]:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "", "", None  # invalid; _check_url reports it
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    return parts.scheme.lower(), (parts.hostname or "").lower(), port or default


# --- robots.txt ------------------------------------------------------------------------------


@dataclass
class _RobotsEntry:
    expires: float
    parser: RobotFileParser | None  # None together with allow_all/disallow_all
    allow_all: bool = False
    disallow_all: bool = False
    temporary: bool = False  # a failed fetch: retry soon
    # robots.txt's own host is refused by the SSRF guard: so is every page of that host,
    # and the user must read the guard's reason, not "robots.txt disallows".
    host_refused: bool = False
    # robots.txt redirected somewhere unreadable (a refused address, an invalid URL).
    unreadable: bool = False
    reason: str = ""

    def allows(self, url: str, user_agent: str) -> bool:
        if self.allow_all:
            return True
        if self.disallow_all or self.parser is None:
            return False
        return self.parser.can_fetch(user_agent, url)


class RobotsCache:
    """In-memory robots.txt cache per scheme+host (RFC 9309), thread-safe.

    404 and other 4xx: allow all. 401/403: disallow all (stricter than RFC 9309, on purpose: a
    site that locks its robots.txt does not want bots). 429, 5xx, timeouts, connection errors:
    "unreachable", so disallow for now and retry after `failure_ttl`; a previously fetched copy
    keeps being used instead while it is younger than `stale_ttl`.
    """

    def __init__(
        self,
        *,
        ttl: float = 24 * 3600,
        failure_ttl: float = 600,
        stale_ttl: float = 7 * 24 * 3600,
        max_bytes: int = 512 * KB,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl = ttl
        self.failure_ttl = failure_ttl
        self.stale_ttl = stale_ttl
        self.max_bytes = max_bytes  # RFC 9309 asks parsers to read at least 500 KiB
        self._clock = clock
        self._entries: dict[str, _RobotsEntry] = {}
        self._good: dict[str, tuple[float, _RobotsEntry]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def robots_url(url: str) -> str:
        parts = urlsplit(url)
        host_port = parts.netloc.rsplit("@", 1)[-1].lower()  # never user:password@
        return f"{parts.scheme.lower()}://{host_port}/robots.txt"

    def check(self, url: str, *, config: FetchConfig, session: requests.Session | None = None) -> str | None:
        """None if `url` may be fetched, else the reason (for FetchResult.error)."""
        refusal = self.refusal(url, config=config, session=session)
        return None if refusal is None else refusal[1]

    def refusal(
        self, url: str, *, config: FetchConfig, session: requests.Session | None = None
    ) -> tuple[ErrorKind, str] | None:
        """None if `url` may be fetched, else the error kind and reason for FetchResult."""
        entry = self._entry(url, config, session)
        if entry.allows(url, config.user_agent):
            return None
        if entry.host_refused:
            return ErrorKind.SSRF, entry.reason
        parts = urlsplit(url)
        path = parts.path or "/"
        if entry.temporary:
            return ErrorKind.ROBOTS, f"robots.txt unavailable ({entry.reason}), not fetching {path} for now"
        if entry.unreadable:
            return ErrorKind.ROBOTS, f"robots.txt unreadable ({entry.reason}), not fetching {path}"
        return ErrorKind.ROBOTS, f"robots.txt disallows {path}"

    def crawl_delay(self, url: str, user_agent: str) -> float | None:
        """Crawl-delay for an already cached host (feed it to the HostThrottle)."""
        with self._lock:
            entry = self._entries.get(self.robots_url(url))
        if entry is None or entry.parser is None:
            return None
        delay = entry.parser.crawl_delay(user_agent)
        return float(delay) if delay is not None else None

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._good.clear()

    def _entry(self, url: str, config: FetchConfig, session: requests.Session | None) -> _RobotsEntry:
        key = self.robots_url(url)
        now = self._clock()
        with self._lock:
            entry = self._entries.get(key)
        if entry is not None and entry.expires > now:
            return entry
        # Fetched outside the lock: two threads may both fetch once, which is harmless.
        entry = self._load(key, config, session)
        if entry.temporary:
            with self._lock:
                good = self._good.get(key)
            if good is not None and now - good[0] < self.stale_ttl:
                entry = replace(good[1], expires=now + self.failure_ttl)
        with self._lock:
            self._entries[key] = entry
            if not entry.temporary and entry.parser is not None:
                self._good[key] = (now, entry)
        return entry

    def _load(self, robots_url: str, config: FetchConfig, session: requests.Session | None) -> _RobotsEntry:
        robots_config = replace(
            config,
            max_bytes=self.max_bytes,
            allowed_content_types=None,
            respect_robots=False,
            extra_headers={},
            total_timeout=min(config.total_timeout, 30.0),
            truncate_body=True,
        )
        result = fetch(robots_url, config=robots_config, session=session)
        now = self._clock()
        status = result.status
        if result.error_kind == ErrorKind.HTTP_STATUS and status is not None:
            if status in (401, 403):
                return _RobotsEntry(now + self.ttl, None, disallow_all=True, reason=f"HTTP {status}")
            if 400 <= status < 500 and status != 429:
                return _RobotsEntry(now + self.ttl, None, allow_all=True, reason=f"HTTP {status}")
            return _RobotsEntry(now + self.failure_ttl, None, temporary=True, reason=f"HTTP {status}")
        if result.error_kind == ErrorKind.SSRF and not result.redirects:
            # Expires at once: the guard decides afresh each time (its allow-list may differ
            # between callers, DNS answers change), and it decides without a request.
            return _RobotsEntry(now, None, disallow_all=True, host_refused=True, reason=result.error or "")
        if result.error_kind in (ErrorKind.SSRF, ErrorKind.INVALID_URL):
            return _RobotsEntry(
                now + self.ttl, None, disallow_all=True, unreadable=True, reason=result.error or ""
            )
        if result.error_kind == ErrorKind.REDIRECT:
            # RFC 9309 2.3.1.2: after too many redirects robots.txt counts as unavailable.
            return _RobotsEntry(now + self.ttl, None, allow_all=True, reason=result.error or "")
        if result.error is not None:
            return _RobotsEntry(now + self.failure_ttl, None, temporary=True, reason=result.error)
        # An oversized robots.txt arrives truncated to max_bytes; the partial last line is
        # dropped by the parser's line handling at worst (RFC 9309 2.5).
        parser = RobotFileParser()
        parser.parse(result.body.decode("utf-8", errors="replace").splitlines())
        return _RobotsEntry(now + self.ttl, parser)


_default_robots = RobotsCache()


# --- per-host delay --------------------------------------------------------------------------


class HostThrottle:
    """Minimum delay between requests to the same host, in memory and thread-safe.

    Usage: `wait = throttle.wait_time(host)`; if 0, `throttle.mark(host)` and fetch, else wait or
    reschedule. A Redis-backed version can keep the same two methods (SET with PX per host).
    """

    def __init__(
        self,
        min_delay: float = 1.0,
        *,
        per_host: Mapping[str, float] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.min_delay = min_delay
        self.per_host = dict(per_host or {})
        self._clock = clock
        self._last: dict[str, float] = {}
        self._lock = threading.Lock()

    def delay_for(self, host: str) -> float:
        return self.per_host.get(host.lower(), self.min_delay)

    def wait_time(self, host: str) -> float:
        """Seconds to wait before the next request to `host` (0.0: go ahead)."""
        host = host.lower()
        with self._lock:
            last = self._last.get(host)
        if last is None:
            return 0.0
        return max(0.0, last + self.delay_for(host) - self._clock())

    def mark(self, host: str) -> None:
        """Record that a request to `host` starts now."""
        with self._lock:
            self._last[host.lower()] = self._clock()


def host_key(url: str) -> str:
    """The throttle key for a URL: its lower-case host name."""
    return (urlsplit(url).hostname or "").lower()


# --- body reading ----------------------------------------------------------------------------


class _Inflater:
    """Incremental gzip/deflate decoder that refuses to produce more than `limit` bytes."""

    def __init__(self, coding: str, limit: int, ratio: float) -> None:
        self.coding = coding
        self.limit = limit
        self.ratio = ratio
        self.total_in = 0
        self.total_out = 0
        self._first = True
        self._d = self._new()

    def _new(self, raw: bool = False) -> Any:
        if raw:
            return zlib.decompressobj(-zlib.MAX_WBITS)
        # 32 + MAX_WBITS: accept gzip and zlib headers alike.
        return zlib.decompressobj(32 + zlib.MAX_WBITS)

    def feed(self, chunk: bytes) -> bytes:
        self.total_in += len(chunk)
        out = bytearray()
        data = chunk
        while data:
            try:
                piece = self._d.decompress(data, self.limit - self.total_out + 1)
            except zlib.error as e:
                if self._first and self.coding == "deflate":
                    # Some servers send raw deflate without the zlib header.
                    self._first = False
                    self._d = self._new(raw=True)
                    continue
                raise _Failure(ErrorKind.CONNECTION, f"could not decode {self.coding} body: {e}") from e
            self._first = False
            self._count(piece)
            out += piece
            if self._d.eof and self._d.unused_data:
                # Concatenated gzip members (allowed by RFC 1952).
                data = self._d.unused_data
                self._d = self._new()
            else:
                data = b""
        return bytes(out)

    def flush(self) -> bytes:
        piece = self._d.flush()
        self._count(piece)
        return piece

    def _count(self, piece: bytes) -> None:
        self.total_out += len(piece)
        if self.total_out > self.limit:
            raise _Failure(
                ErrorKind.BOMB, f"decompressed size exceeds {_size(self.limit)} (compression bomb?)"
            )
        if self.total_out > MB and self.total_out > self.ratio * max(self.total_in, 1):
            raise _Failure(
                ErrorKind.BOMB,
                f"compression ratio above {self.ratio:g}:1 (compression bomb?)",
            )


def _raw_chunks(resp: requests.Response, config: FetchConfig, deadline: float) -> Iterator[bytes]:
    """Raw (still encoded) body chunks, each as soon as it arrives.

    read1() returns whatever one socket read yields; read()/stream() would block until a full
    chunk is there, so a server trickling bytes could outlast the total time limit.
    """
    sock = getattr(getattr(resp.raw, "_connection", None), "sock", None)
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise _Failure(ErrorKind.TIMEOUT, f"total time limit of {_secs(config.total_timeout)} exceeded")
        if sock is not None:
            # Never block past the wall-clock deadline, whatever the per-read timeout allows.
            sock.settimeout(min(config.read_timeout, remaining))
        try:
            chunk = resp.raw.read1(_CHUNK, decode_content=False)
        except (urllib3.exceptions.ReadTimeoutError, TimeoutError) as e:
            if time.monotonic() >= deadline - 0.01:
                raise _Failure(
                    ErrorKind.TIMEOUT, f"total time limit of {_secs(config.total_timeout)} exceeded"
                ) from e
            raise
        if not chunk:
            return
        yield chunk


def _read_body(resp: requests.Response, config: FetchConfig, deadline: float) -> tuple[bytes, bool]:
    """Stream the body with all caps applied; returns (decoded body, truncated)."""
    coding = resp.headers.get("content-encoding", "").strip().lower()
    if coding in ("", "identity"):
        inflater = None
    elif coding in ("gzip", "x-gzip", "deflate"):
        inflater = _Inflater(
            "deflate" if coding == "deflate" else "gzip", config.max_bytes, config.max_decompressed_ratio
        )
    else:
        raise _Failure(ErrorKind.CONTENT_TYPE, f"content encoding {coding!r} not supported")

    too_large = _Failure(ErrorKind.TOO_LARGE, f"body larger than {_size(config.max_bytes)}, aborted")
    length = resp.headers.get("content-length", "")
    if inflater is None and length.isdigit() and int(length) > config.max_bytes and not config.truncate_body:
        raise too_large

    body = bytearray()
    raw_read = 0
    for chunk in _raw_chunks(resp, config, deadline):
        raw_read += len(chunk)
        if raw_read > config.max_bytes:
            if config.truncate_body and inflater is None:
                body += chunk
                return bytes(body[: config.max_bytes]), True
            raise too_large
        body += inflater.feed(chunk) if inflater else chunk
    if inflater is not None:
        body += inflater.flush()
    return bytes(body), False


# --- fetch -----------------------------------------------------------------------------------


def _request_headers(
    config: FetchConfig, state: ConditionalState | None, same_origin: bool
) -> dict[str, str]:
    headers = {
        "User-Agent": config.user_agent,
        # Only what we can decode under our own size accounting (no br/zstd).
        "Accept-Encoding": "gzip, deflate",
        "Accept": _accept_header(config.allowed_content_types),
    }
    if same_origin:
        headers.update(config.extra_headers)
    if state is not None:
        if state.etag:
            headers["If-None-Match"] = state.etag
        if state.last_modified:
            headers["If-Modified-Since"] = state.last_modified
    return headers


def _accept_header(allowed: frozenset[str] | None) -> str:
    if not allowed:
        return "*/*"
    return ", ".join(sorted(allowed)) + ", */*;q=0.1"


def _exception_failure(exc: BaseException, config: FetchConfig, url: str) -> _Failure:
    """Map requests/urllib3/socket exceptions to a short message."""
    host = urlsplit(url).hostname or url
    if isinstance(exc, AddressBlocked):
        return _Failure(ErrorKind.SSRF, str(exc))
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return _Failure(ErrorKind.TIMEOUT, f"connect timeout after {_secs(config.connect_timeout)}")
    if isinstance(exc, requests.exceptions.ReadTimeout | urllib3.exceptions.ReadTimeoutError | TimeoutError):
        return _Failure(ErrorKind.TIMEOUT, f"read timeout after {_secs(config.read_timeout)}")
    if isinstance(
        exc,
        requests.exceptions.InvalidURL
        | requests.exceptions.MissingSchema
        | requests.exceptions.InvalidSchema
        | urllib3.exceptions.LocationParseError,
    ):
        return _Failure(ErrorKind.INVALID_URL, f"invalid URL {url!r}")
    if isinstance(exc, requests.exceptions.SSLError):
        return _Failure(ErrorKind.CONNECTION, f"TLS error with {host}")
    causes = _causes(exc)
    if any(isinstance(c, NameResolutionError | socket.gaierror) for c in causes):
        return _Failure(ErrorKind.CONNECTION, f"could not resolve host {host}")
    if any(isinstance(c, ConnectionRefusedError) for c in causes):
        return _Failure(ErrorKind.CONNECTION, f"connection to {host} refused")
    if any(isinstance(c, NewConnectionError) for c in causes):
        return _Failure(ErrorKind.CONNECTION, f"could not connect to {host}")
    if any(isinstance(c, urllib3.exceptions.ReadTimeoutError | TimeoutError) for c in causes):
        return _Failure(ErrorKind.TIMEOUT, f"read timeout after {_secs(config.read_timeout)}")
    if any(isinstance(c, urllib3.exceptions.ProtocolError | http.client.HTTPException) for c in causes):
        return _Failure(ErrorKind.CONNECTION, f"connection to {host} broken while reading")
    return _Failure(ErrorKind.CONNECTION, f"connection error with {host}: {type(exc).__name__}")


def _causes(exc: BaseException) -> list[BaseException]:
    """The exception and everything it wraps (requests -> MaxRetryError -> urllib3 -> socket)."""
    chain: list[BaseException] = []
    todo: list[BaseException] = [exc]
    while todo:
        current = todo.pop()
        if any(current is seen for seen in chain):
            continue
        chain.append(current)
        for nxt in (getattr(current, "reason", None), current.__cause__, current.__context__):
            if isinstance(nxt, BaseException):
                todo.append(nxt)
        todo.extend(a for a in current.args if isinstance(a, BaseException))
    return chain


_NETWORK_ERRORS = (
    requests.exceptions.RequestException,
    urllib3.exceptions.HTTPError,
    OSError,  # includes socket timeouts and resets
    AddressBlocked,
)


def fetch(
    url: str,
    *,
    config: FetchConfig,
    state: ConditionalState | None = None,
    session: requests.Session | None = None,
    robots: RobotsCache | None = None,
) -> FetchResult:
    """GET `url` politely and safely. Never raises for network or HTTP problems."""
    started = time.monotonic()
    own_session = session is None
    if session is None:
        session = make_session(config)
    else:
        _mount_guard(session, config)
    result = FetchResult(url=url)
    try:
        _fetch_into(result, url, config, state, session, robots or _default_robots, started)
    except _Failure as failure:
        result.error, result.error_kind = failure.message, failure.kind
        result.body = b""
    finally:
        result.elapsed = time.monotonic() - started
        if own_session:
            session.close()
    return result


def _fetch_into(
    result: FetchResult,
    url: str,
    config: FetchConfig,
    state: ConditionalState | None,
    session: requests.Session,
    robots: RobotsCache,
    started: float,
) -> None:
    deadline = started + config.total_timeout
    start_origin = _origin(url)
    seen: set[str] = set()
    current = url
    for hop in range(config.max_redirects + 1):
        result.url = current
        seen.add(current)
        _check_url(current, config)
        if config.respect_robots:
            refusal = robots.refusal(current, config=config, session=session)
            if refusal:
                raise _Failure(*refusal)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise _Failure(ErrorKind.TIMEOUT, f"total time limit of {_secs(config.total_timeout)} exceeded")
        if not isinstance(session.get_adapter(current), GuardedAdapter):
            # A caller's session may carry a more specific mount that would bypass the guard.
            raise _Failure(ErrorKind.SSRF, f"session has an unguarded adapter for {current}")
        headers = _request_headers(config, state, same_origin=_origin(current) == start_origin)
        timeout = (min(config.connect_timeout, remaining), min(config.read_timeout, remaining))
        try:
            resp = session.get(current, headers=headers, stream=True, allow_redirects=False, timeout=timeout)
        except _NETWORK_ERRORS as exc:
            raise _exception_failure(exc, config, current) from exc
        with resp:
            location = resp.headers.get("location")
            if resp.status_code in REDIRECT_STATUSES and location:
                result.redirects.append(current)
                nxt = urljoin(current, location.strip())
                if nxt in seen:
                    raise _Failure(ErrorKind.REDIRECT, f"redirect loop ({current} -> {nxt})")
                if hop == config.max_redirects:
                    raise _Failure(
                        ErrorKind.REDIRECT, f"too many redirects (more than {config.max_redirects})"
                    )
                current = nxt
                continue
            try:
                _complete(result, resp, config, state, deadline)
            except _NETWORK_ERRORS as exc:
                raise _exception_failure(exc, config, current) from exc
            return


def _complete(
    result: FetchResult,
    resp: requests.Response,
    config: FetchConfig,
    state: ConditionalState | None,
    deadline: float,
) -> None:
    result.status = resp.status_code
    result.headers = {k.lower(): v for k, v in resp.headers.items()}
    result.content_type, charset = parse_content_type(result.headers.get("content-type"))
    result.encoding = charset.lower() if charset else None
    result.etag = result.headers.get("etag")
    result.last_modified = result.headers.get("last-modified")
    if resp.status_code in (429, 503):
        result.retry_after = parse_retry_after(result.headers.get("retry-after"))

    if resp.status_code == 304:
        result.not_modified = True
        # A 304 may omit validators; keep the ones that produced it.
        if state is not None:
            result.etag = result.etag or state.etag
            result.last_modified = result.last_modified or state.last_modified
        return
    if resp.status_code >= 400:
        reason = f" {resp.reason[:60]}" if resp.reason else ""  # the server's text: keep it short
        raise _Failure(ErrorKind.HTTP_STATUS, f"HTTP {resp.status_code}{reason}")
    if resp.status_code in REDIRECT_STATUSES:
        raise _Failure(ErrorKind.REDIRECT, f"HTTP {resp.status_code} redirect without Location header")
    if not content_type_allowed(result.content_type, config.allowed_content_types):
        raise _Failure(ErrorKind.CONTENT_TYPE, f"content type {result.content_type} not accepted")
    try:
        result.body, result.truncated = _read_body(resp, config, deadline)
    finally:
        # Bytes taken off the wire (before decompression), also when aborted.
        result.bytes_read = resp.raw.tell()
