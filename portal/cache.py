"""Django's cache in the installation's Redis (settings.REDIS_URL), shared by every web worker.

The event list's facet counts (events/selectors/facets.py) are its only user. In each
worker's memory, as before, every gunicorn worker counted the same filters' facets once per
minute for itself (0.3-0.9 s of SQL each time): under load, with four workers and a few dozen
searches in use, most requests missed. In Redis one worker counts and the others reuse it.

Two differences from Django's RedisCache:

- `clear()` deletes this cache's keys (KEY_PREFIX) only: Django's flushes the whole Redis
  database, which also holds Celery's queues.
- A Redis that is down or slow makes `get` miss and `set` do nothing (logged), so the pages
  work on without the cache, as they did before it was in Redis.

The address is read when the cache is first used, so the tests' settings, which move
REDIS_URL to a database of their own after importing portal.settings, apply.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import cached_property
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


class SharedRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        if not self.key_prefix:
            raise ImproperlyConfigured("SharedRedisCache needs a KEY_PREFIX: clear() deletes only its keys")

    @cached_property
    def _cache(self):
        return self._class([settings.REDIS_URL], **self._options)

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except RedisError as error:
            logger.warning("cache unavailable, a miss: %s", error)
            return default

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            super().set(key, value, timeout, version)
        except RedisError as error:
            logger.warning("cache unavailable, nothing kept: %s", error)

    def clear(self):
        client = self._cache.get_client(None, write=True)
        keys = list(client.scan_iter(match=f"{self.key_prefix}:*", count=1000))
        for start in range(0, len(keys), 1000):
            client.delete(*keys[start : start + 1000])
        return True
