"""Being a well-behaved crawler across many worker processes and machines.

The minimum delay per host lives in Redis (SET NX with an expiry), so two workers on two
machines never hit one host back to back. So does the number of requests in flight per
host (:func:`host_slot`): a slow server that trickles its bytes can hold a few fetch
threads, never all of them. robots.txt is cached per process by
:func:`ingest.http.fetch` (its shared :class:`ingest.http.RobotsCache`).
"""

from __future__ import annotations

import contextlib
import os
import socket
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

import redis
from django.conf import settings

from ingest.http import FetchConfig

THROTTLE_PREFIX = "lagebild:host:"
SLOTS_PREFIX = "lagebild:hostslots:"

# Take a slot if fewer than ARGV[1] unexpired ones are held: one sorted set per host, each
# member a holder, its score the moment its lease ends (a killed worker's slot expires).
TAKE_SLOT = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], ARGV[2], ARGV[4])
  redis.call('EXPIRE', KEYS[1], ARGV[5])
  return 1
end
return 0
"""


class HostBusy(Exception):
    """Every fetch slot of the host is taken: try again in `retry_in` seconds."""

    def __init__(self, host: str, retry_in: float):
        super().__init__(f"{host}: all {settings.INGEST_HOST_CONCURRENCY} fetch slots busy")
        self.retry_in = retry_in


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


@contextmanager
def host_slot(host: str, holder: str | None = None) -> Iterator[None]:
    """Hold one of the host's INGEST_HOST_CONCURRENCY fetch slots, or raise HostBusy."""
    limit = settings.INGEST_HOST_CONCURRENCY
    if limit <= 0 or not host:
        yield
        return
    key = SLOTS_PREFIX + host.lower()
    # Named by machine and process, so a restarted worker can free what its killed
    # predecessor held (release_dead_holders) instead of waiting for the leases to end.
    member = f"{socket.gethostname()}:{os.getpid()}:{holder or 'run'}:{uuid.uuid4().hex[:8]}"
    # A lease longer than any fetch may take (total timeout plus robots.txt and margin).
    lease = settings.INGEST_TOTAL_TIMEOUT * 2 + 30
    now = time.time()
    taken = _redis().eval(TAKE_SLOT, 1, key, limit, now + lease, now, member, int(lease) + 60)
    if not taken:
        raise HostBusy(host, retry_in=min(30.0, max(2.0, settings.INGEST_TOTAL_TIMEOUT / 4)))
    try:
        yield
    finally:
        # If Redis is away, the lease runs out on its own.
        with contextlib.suppress(redis.RedisError):
            _redis().zrem(key, member)


def release_dead_holders() -> int:
    """Free the fetch slots held by processes of this machine that no longer run (a worker
    killed mid-fetch); run when a worker starts. Returns how many were freed."""
    machine = socket.gethostname()
    freed = 0
    client = _redis()
    for key in client.scan_iter(match=SLOTS_PREFIX + "*", count=200):
        for raw in client.zrange(key, 0, -1):
            member = raw.decode()
            host, _, rest = member.partition(":")
            pid = rest.partition(":")[0]
            if host == machine and pid.isdigit() and not _process_alive(int(pid)):
                freed += client.zrem(key, raw)
    return freed


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, owned by someone else
    return True


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
