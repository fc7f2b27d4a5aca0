"""Workers killed with articles in flight: an nlp pool child, the whole fetch worker."""

from __future__ import annotations

import os
import signal
import time

from bench.faults.lab import log
from bench.faults.measure import Batch, Outcome, S, wait_for_counts
from bench.faults.scenarios.base import NEWS_HOSTS, Context


def nlp_kill(ctx: Context) -> Outcome:
    """kill -9 of the nlp worker's pool processes while articles are ANALYZING."""
    started = ctx.begin()
    batch = Batch(ctx.site, "nlp-kill", ctx.pages_for("nlp-kill", 20), NEWS_HOSTS, feeds=4)
    batch.trigger()
    # Strike in the middle of real analysis: the models are loaded (one article is done)
    # and two are being analysed.
    counts = wait_for_counts(
        batch, lambda c: c[S.ANALYZED] >= 1 and c[S.ANALYZING] >= 2, 240, "two articles ANALYZING"
    ) or wait_for_counts(batch, lambda c: c[S.ANALYZING] >= 1, 60, "an article ANALYZING")
    outcome = Outcome("nlp-kill")
    children = ctx.workers.children("nlp")
    for pid in children:
        os.kill(pid, signal.SIGKILL)
    outcome.fault = (
        f"kill -9 of {len(children)} nlp pool processes at {time.monotonic() - started:.0f} s "
        f"({batch.describe(counts)})"
    )
    log(outcome.fault)
    return ctx.finish(outcome, [batch], started)


def fetch_kill(ctx: Context) -> Outcome:
    """kill -9 of the whole fetch worker while articles wait for or are in their fetch."""
    started = ctx.begin()
    # The servers think for a second per page, so fetching 20 pages takes a while.
    batch = Batch(
        ctx.site, "fetch-kill", ctx.pages_for("fetch-kill", 20), NEWS_HOSTS, feeds=4, page_delay=1.0
    )
    batch.trigger()
    counts = wait_for_counts(
        batch, lambda c: c[S.DISCOVERED] + c[S.FETCHING] >= 8 and c[S.FETCHING] >= 1, 120,
        "articles DISCOVERED and FETCHING",
    )  # fmt: skip
    outcome = Outcome("fetch-kill")
    ctx.workers.kill_group("fetch")
    killed_at = time.monotonic() - started
    # Per-host fetch slots (ingest/politeness.py) the dead worker still holds: they stay
    # taken until their lease runs out.
    held = _held_slots(ctx)
    time.sleep(2)
    ctx.workers.release("fetch")
    outcome.fault = (
        f"kill -9 of the fetch worker's process group at {killed_at:.0f} s ({batch.describe(counts)}); "
        f"started again 2 s later; the dead worker left {sum(held.values())} host fetch slots taken "
        f"({', '.join(f'{h}: {n}' for h, n in held.items())}), each with a lease of "
        f"{ctx.lab.setting('INGEST_TOTAL_TIMEOUT', 60) * 2 + 30:.0f} s"
    )
    log(outcome.fault)
    return ctx.finish(outcome, [batch], started)


def _held_slots(ctx: Context) -> dict[str, int]:
    from ingest.politeness import SLOTS_PREFIX

    client = ctx.lab.redis.client()
    return {host: client.zcard(SLOTS_PREFIX + host) for host in NEWS_HOSTS}
