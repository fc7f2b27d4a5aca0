"""Being a well-behaved crawler across many worker processes and machines.

The minimum delay per host lives in Redis (SET NX with an expiry), so two workers on two
machines never hit one host back to back. robots.txt is cached per process by
:func:`ingest.http.fetch` (its shared :class:`ingest.http.RobotsCache`).
"""

from __future__ import annotations

from functools import cache

import redis
from django.conf import settings

from ingest.http import FetchConfig

THROTTLE_PREFIX = "lagebild:host:"


@cache
def _redis() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=5, socket_connect_timeout=5)


def reserve_host(host: str, delay: float | None = None) -> float:
    """Take the host's next request slot: 0.0 means go now, else seconds to wait first."""
    delay = settings.INGEST_HOST_DELAY if delay is None else delay
    if delay <= 0 or not host:
        return 0.0
    key = THROTTLE_PREFIX + host.lower()
    if _redis().set(key, "1", nx=True, px=int(delay * 1000)):
        return 0.0
    remaining_ms = _redis().pttl(key)
    return max(remaining_ms, 50) / 1000.0


def fetch_config(
    *, user_agent: str = "", cookie: str = "", accept: frozenset[str] | None = None
) -> FetchConfig:
    headers = {"Cookie": cookie} if cookie else {}
    return FetchConfig(
        user_agent=user_agent or settings.INGEST_USER_AGENT,
        connect_timeout=settings.INGEST_CONNECT_TIMEOUT,
        read_timeout=settings.INGEST_READ_TIMEOUT,
        total_timeout=settings.INGEST_TOTAL_TIMEOUT,
        max_bytes=settings.INGEST_MAX_BYTES,
        max_redirects=settings.INGEST_MAX_REDIRECTS,
        allowed_content_types=accept,
        allow_private_hosts=frozenset(settings.INGEST_ALLOW_PRIVATE_HOSTS),
        extra_headers=headers,
        respect_robots=settings.INGEST_RESPECT_ROBOTS,
    )
