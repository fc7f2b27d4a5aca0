"""Hosts that misbehave: one that trickles its feeds, one whose pages name another address."""

from __future__ import annotations

import math
import threading
import time

from django.utils import timezone

from bench.faults.lab import log, wait_until
from bench.faults.measure import Batch, Outcome, db
from bench.faults.scenarios.base import CANONICAL_HOST, OTHER_HOST, SLOW_HOST, Context
from ingest.models import FetchLog, Source

SLOW_FEEDS = 10


def _fmt(delays: list[float]) -> str:
    return ", ".join("-" if math.isnan(d) else f"{d:.1f}" for d in delays) + " s"


def _first_fetches(batch: Batch, since, timeout: float = 240) -> list[float]:
    wait_until(
        lambda: not any(math.isnan(d) for d in db(lambda: batch.first_fetch_delays(since), [math.nan])),
        timeout,
        0.2,
        f"the first fetch of every {batch.name} source",
    )
    return batch.first_fetch_delays(since)


def slow_host(ctx: Context) -> Outcome:
    """Ten trickling feeds on one host: how late do three normal sources on another start?"""
    started = ctx.begin()
    pages = ctx.pages_for("slow-host", 12)
    outcome = Outcome("slow-host")

    # Without the slow feeds: how soon does a fetch start when nothing else is going on?
    alone = Batch(ctx.site, "slow-host-alone", pages[:6], [OTHER_HOST], feeds=3)
    since = timezone.now()
    alone.trigger()
    before = _first_fetches(alone, since)
    alone.settle(ctx.deadline)

    # With them: the slow feeds are sent first, so their tasks reach the threads first.
    release = threading.Event()
    slow = Batch(ctx.site, "slow-host-slow", [], [SLOW_HOST], feeds=0)
    for index in range(SLOW_FEEDS):
        url = ctx.site.add_trickling_feed(SLOW_HOST, f"/slow/feed-{index}.xml", [], release=release)
        slow.sources.append(slow.add_source(url, f"slow feed {index}"))
    beside = Batch(ctx.site, "slow-host-beside", pages[6:], [OTHER_HOST], feeds=3)
    slow.trigger()
    time.sleep(1.0)
    since = timezone.now()
    beside.trigger()
    after = _first_fetches(beside, since)
    held = ctx.site.max_in_flight[SLOW_HOST]
    result = ctx.finish(outcome, [alone, beside], started)

    # Let the slow feeds go, so their tasks end and free the threads for what comes next.
    Source.objects.filter(pk__in=[s.pk for s in slow.sources]).update(active=False)
    release.set()
    slow_logs = FetchLog.objects.filter(source__in=slow.sources, article__isnull=True).count()
    result.fault = (
        f"normal sources started {_fmt(before)} after 'fetch now' alone, {_fmt(after)} beside "
        f"{SLOW_FEEDS} feeds trickling 4 bytes/s; the slow host had at most {held} requests in "
        f"flight; {slow_logs} slow-feed fetches ended (timeouts) during the scenario"
    )
    log(result.fault)
    return result


def canonical_feed(ctx: Context) -> Outcome:
    """A feed whose pages declare another rel=canonical address, polled three times."""
    started = ctx.begin()
    pages = ctx.pages_for("canonical-feed", 20)
    batch = Batch(ctx.site, "canonical-feed", pages, [CANONICAL_HOST], feeds=1)
    source = batch.sources[0]
    outcome = Outcome("canonical-feed")
    paths = [f"/canonical-feed/{page.id}.html" for page in pages]
    polls = []
    for poll in range(1, 4):
        logs_before = FetchLog.objects.filter(source=source, article__isnull=True).count()
        batch.trigger()
        wait_until(
            lambda n=logs_before: FetchLog.objects.filter(source=source, article__isnull=True).count() > n,
            120,
            what=f"poll {poll} of the feed",
        )
        batch.settle(ctx.deadline)
        downloads = sum(ctx.site.hits(CANONICAL_HOST, path) for path in paths)
        rows = batch.articles().count()
        polls.append((rows, downloads))
        log(f"  poll {poll}: {rows} articles, {downloads} page downloads")
    result = ctx.finish(outcome, [batch], started)
    redownloaded = sum(1 for path in paths if ctx.site.hits(CANONICAL_HOST, path) > 1)
    result.fault = (
        "3 polls of a feed of 20 pages whose rel=canonical names another address: articles "
        + " / ".join(str(r) for r, _ in polls)
        + ", page downloads "
        + " / ".join(str(d) for _, d in polls)
        + f"; pages downloaded more than once: {redownloaded}"
    )
    if polls[-1][0] != polls[0][0]:
        result.notes.append(f"the article count grew from {polls[0][0]} to {polls[-1][0]}")
    if redownloaded:
        result.notes.append(f"{redownloaded} pages were downloaded again on a later poll")
    log(result.fault)
    return result
