"""Sources, articles and what became of them: the bookkeeping of one scenario.

Imported after Django is set up (bench/faults/run.py). The runner reads the same database
as the workers; its queries survive a PostgreSQL restart by reconnecting.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import DatabaseError, connection
from django.db.models import Count, Q
from django.utils import timezone

from bench.faults.lab import Restart, log, wait_until
from bench.faults.site import Page, Site
from ingest import services
from ingest.models import Article, FetchLog, Outlet, Source

S = Article.Status
PENDING = {S.DISCOVERED, S.FETCHING, S.FETCHED, S.EXTRACTING, S.EXTRACTED, S.ANALYZING}
RUNNING = {S.FETCHING, S.EXTRACTING, S.ANALYZING}


def db(query, default=None):
    """Run a query; if the database is away (restarting), drop the connection and say so."""
    try:
        return query()
    except DatabaseError:
        connection.close()
        return default


@dataclass
class Outcome:
    scenario: str
    pages_in: int = 0  # pages the feeds offered: the articles that went in
    rows: int = 0  # article rows made for them
    analysed: int = 0
    failed: Counter = field(default_factory=Counter)  # reason -> articles
    duplicate_status: int = 0  # rows marked DUPLICATE (of another page: correct dedup)
    lost: Counter = field(default_factory=Counter)  # state at the deadline -> articles
    duplicated: int = 0  # extra rows for one page address
    restarts: list[Restart] = field(default_factory=list)
    wall: float = 0.0
    fault: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def n_failed(self) -> int:
        return sum(self.failed.values())

    @property
    def n_lost(self) -> int:
        return sum(self.lost.values())


class Batch:
    """The sources of one scenario and the pages their feeds list."""

    def __init__(self, site: Site, name: str, pages: list[Page], hosts: list[str], *, feeds: int,
                 page_delay: float = 0.0):  # fmt: skip
        self.name = name
        self.outlet = Outlet.objects.create(name=f"Faults {name}", domain=f"{name}.faults.invalid")
        self.page_urls: list[str] = []
        self.sources: list[Source] = []
        per_feed = -(-len(pages) // feeds) if feeds else 0
        for index in range(feeds):
            host = hosts[index % len(hosts)]
            chunk = pages[index * per_feed : (index + 1) * per_feed]
            items = [
                (site.add_page(host, f"/{name}/{page.id}.html", page, delay=page_delay), page.title)
                for page in chunk
            ]
            self.page_urls += [link for link, _ in items]
            url = site.add_feed(host, f"/{name}/feed-{index}.xml", items)
            self.sources.append(self.add_source(url, f"{name} feed {index}"))

    def add_source(self, url: str, name: str) -> Source:
        # Not due: only the scenario sends it (the dispatcher would poll it a second time).
        return Source.objects.create(
            outlet=self.outlet, name=name, url=url, kind=Source.Kind.FEED,
            next_fetch_at=timezone.now() + timedelta(days=1),
        )  # fmt: skip

    def trigger(self, sources: list[Source] | None = None) -> None:
        """'Jetzt abrufen' for each source: one fetch_source task each."""
        for source in sources or self.sources:
            services.source_fetch_now(source)

    def articles(self):
        return Article.objects.filter(source__in=self.sources)

    def counts(self) -> Counter:
        rows = self.articles().values("status").annotate(n=Count("pk"))
        return Counter({row["status"]: row["n"] for row in rows})

    def describe(self, counts: Counter | None = None) -> str:
        counts = counts if counts is not None else db(self.counts, Counter())
        order = list(S.values)
        parts = [f"{status} {counts[status]}" for status in sorted(counts, key=order.index) if counts[status]]
        return ", ".join(parts) or "no articles yet"

    def settled(self) -> bool:
        counts = self.counts()
        return sum(counts.values()) >= len(self.page_urls) and not any(counts[s] for s in PENDING)

    def settle(self, deadline: float) -> bool:
        """Wait until every page has an article and none is pending, printing progress."""
        started = time.monotonic()
        last = ""
        while time.monotonic() - started < deadline:
            if db(self.settled, False):
                return True
            now = self.describe()
            if now != last:
                log(f"  {self.name}: {now}")
                last = now
            time.sleep(2)
        return False

    def outcome(self, outcome: Outcome) -> Outcome:
        """Count what became of every page the feeds offered."""
        outcome.pages_in += len(self.page_urls)
        for status, error in self.articles().values_list("status", "error"):
            outcome.rows += 1
            if status == S.ANALYZED:
                outcome.analysed += 1
            elif status == S.FAILED:
                outcome.failed[error[:160] or "(no reason given)"] += 1
            elif status == S.DUPLICATE:
                outcome.duplicate_status += 1
            else:
                outcome.lost[status] += 1
        for url in self.page_urls:
            found = Article.objects.filter(Q(url=url) | Q(known_urls__contains=[url])).count()
            if found == 0:
                outcome.lost["never discovered"] += 1
            outcome.duplicated += max(0, found - 1)
        return outcome

    def first_fetch_delays(self, since, sources: list[Source] | None = None) -> list[float]:
        """Seconds from `since` until each source's first request started (its FetchLog)."""
        delays = []
        for source in sources or self.sources:
            first = (
                FetchLog.objects.filter(source=source, article__isnull=True)
                .order_by("started_at")
                .values_list("started_at", flat=True)
                .first()
            )
            delays.append((first - since).total_seconds() if first else float("nan"))
        return delays


def wait_for_counts(batch: Batch, predicate, timeout: float, what: str) -> Counter | None:
    """Wait until the batch's status counts satisfy `predicate` (the moment to strike)."""
    return wait_until(
        lambda: (lambda c: c if predicate(c) else None)(db(batch.counts, Counter())),
        timeout,
        interval=0.1,
        what=what,
    )
