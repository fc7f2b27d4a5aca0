"""What every scenario gets: the lab, the site, its share of the corpus, and how it ends."""

from __future__ import annotations

import time
from dataclasses import dataclass

from bench.faults.lab import Lab, log
from bench.faults.measure import Batch, Outcome
from bench.faults.site import (  # noqa: F401 - the hosts are named from here too
    ALL_HOSTS,
    CANONICAL_HOST,
    NEWS_HOSTS,
    OTHER_HOST,
    SLOW_HOST,
    Page,
    Site,
)

# Pages per scenario: each scenario reads its own slice of the corpus, so no two scenarios
# share a page (a page's rel=canonical would make the second copy a correct DUPLICATE).
SLICE = 24


@dataclass
class Context:
    lab: Lab
    site: Site
    pages: list[Page]
    order: list[str]  # every scenario name, in the registry's order (fixes the slices)
    deadline: float  # seconds a scenario waits for its articles to settle
    _log_offset: int = 0

    def pages_for(self, scenario: str, count: int) -> list[Page]:
        start = self.order.index(scenario) * SLICE
        chunk = self.pages[start : start + min(count, SLICE)]
        if len(chunk) < count:
            raise SystemExit(f"not enough corpus pages for {scenario}")
        return chunk

    @property
    def workers(self):
        return self.lab.workers

    def begin(self) -> float:
        """Mark the start of a scenario (the fetch worker's log is read from here on)."""
        self._log_offset = self.workers.log_size("fetch")
        return time.monotonic()

    def finish(self, outcome: Outcome, batches: list[Batch], started: float) -> Outcome:
        """Wait for every article to settle (or the deadline), then count."""
        for batch in batches:
            remaining = max(5.0, self.deadline - (time.monotonic() - started))
            if not batch.settle(remaining):
                log(f"  {batch.name}: not settled after the deadline ({self.deadline:.0f} s)")
        outcome.wall = time.monotonic() - started
        for batch in batches:
            batch.outcome(outcome)
        outcome.restarts = [r for r in self.workers.restarts if r.at >= started]
        # What the sweep had to re-send (ingest.tasks.sweep_pipeline logs it as a warning).
        sweeps = self.workers.log_lines("fetch", self._log_offset, "sweep: re-sent")
        if sweeps:
            outcome.notes.append(f"the sweep re-sent work {len(sweeps)} times; last: {sweeps[-1]}")
        return outcome
