"""The broker and the database go away with work in flight: Redis (graceful and hard) and
PostgreSQL restarts."""

from __future__ import annotations

import time

from bench.faults.lab import log, wait_until
from bench.faults.measure import RUNNING, Batch, Outcome, S, wait_for_counts
from bench.faults.scenarios.base import NEWS_HOSTS, Context


def _nlp_queued(ctx: Context) -> int:
    """Messages waiting in the nlp queue (kombu keeps one list per priority step)."""
    client = ctx.lab.redis.client()
    return sum(client.llen(name) for name in ["nlp"] + [f"nlp\x06\x16{step}" for step in range(1, 10)])


def _wait_nlp_queue(ctx: Context) -> int:
    """Wait until analysis lags behind: three analyze/cluster messages wait in Redis."""
    queued = wait_until(
        lambda: max(0, _nlp_queued(ctx) - 2) and _nlp_queued(ctx), 240, 0.1, "3 nlp tasks queued"
    )
    return queued or _nlp_queued(ctx)


def _redis_outage(ctx: Context, name: str, strike, describe) -> Outcome:
    """20 articles through the pipeline; once nlp tasks wait in Redis, `strike(lab)` takes
    Redis away and back; `describe(at, back_after, queued, state)` says what happened."""
    started = ctx.begin()
    batch = Batch(ctx.site, name, ctx.pages_for(name, 20), NEWS_HOSTS, feeds=4)
    batch.trigger()
    queued = _wait_nlp_queue(ctx)
    state = batch.describe()
    outcome = Outcome(name)
    at = time.monotonic() - started
    strike(ctx.lab)
    outcome.fault = describe(at, time.monotonic() - started - at, queued, state)
    log(outcome.fault)
    return ctx.finish(outcome, [batch], started)


def redis_restart(ctx: Context) -> Outcome:
    """SHUTDOWN (graceful: the append-only file is written) and start again, nlp tasks queued."""

    def strike(lab) -> None:
        lab.redis.shutdown()
        lab.redis.start()

    return _redis_outage(
        ctx,
        "redis-restart",
        strike,
        lambda at, back, queued, state: (
            f"Redis SHUTDOWN and start at {at:.0f} s, back after {back:.1f} s, "
            f"with {queued} nlp tasks queued ({state})"
        ),
    )


def redis_kill(ctx: Context) -> Outcome:
    """kill -9 of Redis with nlp tasks queued; started again 5 s later from its AOF."""

    def strike(lab) -> None:
        lab.redis.kill()
        time.sleep(5)
        lab.redis.start()

    return _redis_outage(
        ctx,
        "redis-kill",
        strike,
        lambda at, back, queued, state: (
            f"kill -9 of Redis at {at:.0f} s with {queued} nlp tasks queued ({state}); started 5 s later"
        ),
    )


def postgres_restart(ctx: Context) -> Outcome:
    """pg_ctl restart -m fast while articles are being fetched, extracted and analysed."""
    started = ctx.begin()
    # The servers think for a second per page, so fetching overlaps analysis.
    pages = ctx.pages_for("postgres-restart", 20)
    batch = Batch(ctx.site, "postgres-restart", pages, NEWS_HOSTS, feeds=4, page_delay=1.0)
    batch.trigger()
    # Strike with articles at every stage: waiting for a fetch, fetching, being analysed.
    counts = wait_for_counts(
        batch,
        lambda c: c[S.ANALYZING] >= 1 and c[S.DISCOVERED] + c[S.FETCHING] >= 3,
        240,
        "articles fetched and analysed at once",
    ) or wait_for_counts(batch, lambda c: sum(c[s] for s in RUNNING) >= 2, 60, "articles in flight")
    outcome = Outcome("postgres-restart")
    at = time.monotonic() - started
    ctx.lab.pg.restart()
    outcome.fault = (
        f"pg_ctl restart -m fast at {at:.0f} s, took {time.monotonic() - started - at:.1f} s "
        f"({batch.describe(counts)})"
    )
    log(outcome.fault)
    return ctx.finish(outcome, [batch], started)
