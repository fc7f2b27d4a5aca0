"""The per-host delay is shared through Redis, so every worker on every machine obeys it."""

import uuid

import pytest

from ingest.politeness import reserve_host
from ingest.tasks import fetch_article


def test_a_host_gets_one_slot_per_delay():
    host = f"{uuid.uuid4().hex}.example"
    assert reserve_host(host, delay=5) == 0.0
    wait = reserve_host(host, delay=5)
    assert 4 < wait <= 5
    assert reserve_host(f"other-{host}", delay=5) == 0.0


def test_no_delay_means_no_wait():
    host = f"{uuid.uuid4().hex}.example"
    assert reserve_host(host, delay=0) == 0.0
    assert reserve_host(host, delay=0) == 0.0


@pytest.mark.django_db
def test_a_throttled_fetch_is_retried_without_claiming_the_article(settings, eager_tasks):
    from celery.exceptions import Retry

    from ingest.models import Article

    settings.INGEST_HOST_DELAY = 30
    host = f"{uuid.uuid4().hex}.example"
    reserve_host(host)
    article = Article.objects.create(url=f"https://{host}/a", canonical_url=f"https://{host}/a")
    with pytest.raises(Retry):
        fetch_article.apply(args=[article.pk], throw=True)
    article.refresh_from_db()
    assert article.status == Article.Status.DISCOVERED


def test_a_host_has_a_limited_number_of_fetch_slots(settings):
    from ingest.politeness import HostBusy, host_slot

    settings.INGEST_HOST_CONCURRENCY = 2
    host = f"{uuid.uuid4().hex}.example"
    with host_slot(host, "a"), host_slot(host, "b"):
        with pytest.raises(HostBusy) as busy, host_slot(host, "c"):
            pass
        assert busy.value.retry_in > 0
        with host_slot(f"other-{host}", "d"):
            pass  # another host is not held up
    with host_slot(host, "c"):
        pass  # released on exit


def test_a_dead_holders_slot_expires(settings):
    """A worker killed while fetching cannot hold its slot for ever: the lease runs out."""
    from ingest.politeness import SLOTS_PREFIX, _redis, host_slot

    settings.INGEST_HOST_CONCURRENCY = 1
    host = f"{uuid.uuid4().hex}.example"
    _redis().zadd(SLOTS_PREFIX + host, {"killed-worker": 1.0})  # a lease that ended long ago
    with host_slot(host, "next"):
        pass


@pytest.mark.django_db
def test_a_busy_host_frees_the_thread_and_retries_the_fetch_later(settings, eager_tasks):
    from celery.exceptions import Retry

    from ingest.models import Article
    from ingest.politeness import host_slot

    settings.INGEST_HOST_DELAY = 0
    settings.INGEST_HOST_CONCURRENCY = 1
    host = f"{uuid.uuid4().hex}.example"
    article = Article.objects.create(url=f"https://{host}/a", canonical_url=f"https://{host}/a")
    with host_slot(host, "slow-feed"), pytest.raises(Retry):
        fetch_article.apply(args=[article.pk], throw=True)
    article.refresh_from_db()
    assert article.status == Article.Status.DISCOVERED


def test_slots_of_a_killed_worker_are_freed_when_its_successor_starts(settings):
    """A killed worker's slots would block its hosts until the leases end; the next worker on
    the machine frees them (slots of live processes stay)."""
    import os
    import socket
    import subprocess
    import sys
    import time

    from ingest.politeness import SLOTS_PREFIX, _redis, release_dead_holders
    from ingest.tasks import free_slots_of_killed_workers

    settings.INGEST_HOST_CONCURRENCY = 1
    host = f"{uuid.uuid4().hex}.example"
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    machine = socket.gethostname()
    lease = time.time() + 600
    _redis().zadd(SLOTS_PREFIX + host, {f"{machine}:{gone.pid}:fetch:1": lease})
    _redis().zadd(SLOTS_PREFIX + f"live-{host}", {f"{machine}:{os.getpid()}:fetch:2": lease})

    free_slots_of_killed_workers()  # what the worker_ready signal runs

    assert _redis().zcard(SLOTS_PREFIX + host) == 0
    assert _redis().zcard(SLOTS_PREFIX + f"live-{host}") == 1
    assert release_dead_holders() == 0
