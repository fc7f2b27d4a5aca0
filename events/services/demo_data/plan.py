"""What to generate, decided by the seed alone: stories of several articles each.

A story is one template article, its entities partly swapped, reported by a few to dozens of
articles (outlets, days, lengths) that share one set of events: that is how 20,000 events
come to have 100,000 articles. Story `s` draws from its own `random.Random(f"{seed}:{s}")`
and the story sizes from one stream, so article `n` of a seed is the same whatever N is
asked for: a larger N only adds articles.
"""

from __future__ import annotations

import itertools
import math
import random
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from events.services.demo_data.templates import EntityPools, Template

# A fixed range, so that a seed's dates do not depend on the day it runs.
FIRST_DAY, LAST_DAY = date(2019, 1, 1), date(2026, 11, 30)
# More recent years are denser (more sources, more coverage); weekends are quieter.
YEARLY_GROWTH = 1.25
WEEKDAY_WEIGHTS = (1.0, 1.0, 1.0, 1.0, 0.95, 0.55, 0.45)
HOUR_WEIGHTS = {6: 3, 7: 5, 8: 6, 9: 6, 10: 6, 11: 6, 12: 5, 13: 5, 14: 5, 15: 5, 16: 5, 17: 5, 18: 4, 19: 3,
                20: 3, 21: 2, 22: 1}  # fmt: skip
# Events per article in the demo archive (the load benchmark's 20,000 for 100,000).
EVENTS_PER_ARTICLE = 0.2
SINGLE_ARTICLE_SHARE = 0.35  # stories only one outlet reports
SIZE_TAIL = 1.8  # Pareto shape of the larger stories' sizes: a few run to dozens
MAX_STORY = 200
SWAP_SHARE = 0.5  # of a template's swappable entities, how many a story replaces
ENTITY_ZIPF = 1.05  # heavy tail: the top person is swapped in tens of thousands of times
OUTLET_ZIPF = 0.9
WIRE_COPY_SHARE = 0.35  # later articles that print the whole agency text
COPY_DAYS = (0, 0, 0, 1, 1, 2, 3)  # days after the story's first report
CLOSING_LINES = ("Mit Material von dpa.", "Mit Material von dpa und AFP.", "(dpa/Reuters)", "(AFP)",
                 "Quelle: {outlet}", "Dieser Text erschien zuerst bei {outlet}.", "Mitarbeit: {author}")  # fmt: skip
FIRST_NAMES = ("Anna", "Jonas", "Lea", "Felix", "Marie", "Paul", "Sophie", "Lukas", "Julia", "Max", "Laura",
               "David", "Hannah", "Tobias", "Sarah", "Florian", "Katrin", "Stefan", "Miriam", "Jan")  # fmt: skip
LAST_NAMES = ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz",
              "Hoffmann", "Koch", "Richter", "Klein", "Wolf", "Neumann", "Schwarz", "Braun", "Krüger",
              "Hofmann", "Hartmann", "Lange", "Werner", "Krause", "Lehmann")  # fmt: skip


def zipf_cumulative(n: int, exponent: float) -> list[float]:
    return list(itertools.accumulate(1 / (rank**exponent) for rank in range(1, n + 1)))


def days_cumulative() -> list[float]:
    days = (LAST_DAY - FIRST_DAY).days + 1
    weights = (
        YEARLY_GROWTH ** (i / 365.25) * WEEKDAY_WEIGHTS[(FIRST_DAY + timedelta(days=i)).weekday()]
        for i in range(days)
    )
    return list(itertools.accumulate(weights))


@dataclass
class Copy:
    """One article of a story."""

    number: int  # n of urn:lagebild:demo:<seed>:<n>
    outlet: int  # index into the outlet list
    published: datetime
    sentences: int | None  # None: the whole text
    wire: bool  # prints the whole text as the first report does (a near-duplicate)
    closing: str
    author: str


@dataclass
class Story:
    index: int
    template: Template
    swapped: dict[int, int]
    day: date
    copies: list[Copy]


class Planner:
    def __init__(self, seed: int, templates: list[Template], pools: EntityPools, outlets: int) -> None:
        self.seed, self.templates, self.pools, self.outlets = seed, templates, pools, outlets
        self.days = days_cumulative()
        self.outlet_weights = zipf_cumulative(outlets, OUTLET_ZIPF)
        self.entity_weights = {
            group: zipf_cumulative(len(ids), ENTITY_ZIPF) for group, ids in pools.ranked.items()
        }
        detections = sum(len(t.detections) for t in templates) / max(1, len(templates))
        self.mean_size = max(1.0, detections / EVENTS_PER_ARTICLE)

    def stories(self, articles: int) -> Iterator[tuple[int, int, int]]:
        """(story index, first article number, size) until `articles` are covered; the last
        story may reach beyond (its later articles belong to a larger N)."""
        sizes = random.Random(f"{self.seed}:sizes")
        first = 0
        for index in itertools.count():
            if first >= articles:
                return
            size = self._size(sizes)
            yield index, first, size
            first += size

    def _size(self, rng: random.Random) -> int:
        if rng.random() < SINGLE_ARTICLE_SHARE:
            return 1
        # Larger stories are 2 + X articles, X Pareto-tailed with the mean that makes the
        # average story mean_size long (E[paretovariate - 1] = 1 / (shape - 1)).
        extra = (self.mean_size - SINGLE_ARTICLE_SHARE) / (1 - SINGLE_ARTICLE_SHARE) - 2
        scale = max(0.0, extra) * (SIZE_TAIL - 1)
        return min(MAX_STORY, 2 + round(scale * (rng.paretovariate(SIZE_TAIL) - 1)))

    def story(self, index: int, first: int, size: int) -> Story:
        rng = random.Random(f"{self.seed}:{index}")
        template = self.templates[rng.randrange(len(self.templates))]
        day = self._day(rng)
        swapped = self._swaps(rng, template)
        copies = [self._copy(rng, first + i, day, i == 0, len(template.sentences)) for i in range(size)]
        return Story(index=index, template=template, swapped=swapped, day=day, copies=copies)

    def _day(self, rng: random.Random) -> date:
        point = rng.random() * self.days[-1]
        return FIRST_DAY + timedelta(days=min(bisect_right(self.days, point), len(self.days) - 1))

    def _swaps(self, rng: random.Random, template: Template) -> dict[int, int]:
        present = {m["entity_id"] for m in template.mentions}
        swapped: dict[int, int] = {}
        for old in template.swappable(self.pools.kinds):
            group = self.pools.group_of(old)
            ranked = self.pools.ranked.get(group, [])
            if rng.random() >= SWAP_SHARE or len(ranked) < 2:
                continue
            for _attempt in range(5):
                new = rng.choices(ranked, cum_weights=self.entity_weights[group])[0]
                if new not in present and new not in swapped.values():
                    swapped[old] = new
                    break
        return swapped

    def _copy(self, rng: random.Random, number: int, day: date, first: bool, sentences: int) -> Copy:
        later = timedelta(days=0 if first else rng.choice(COPY_DAYS))
        hour = rng.choices(list(HOUR_WEIGHTS), weights=list(HOUR_WEIGHTS.values()))[0]
        moment = datetime.combine(min(day + later, LAST_DAY), time(hour, rng.randrange(60)))
        wire = first or rng.random() < WIRE_COPY_SHARE or sentences <= 3
        keep = None if wire else rng.randint(max(3, math.ceil(sentences * 0.4)), sentences - 1)
        author = "" if wire and not first else f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        return Copy(
            number=number,
            outlet=rng.choices(range(self.outlets), cum_weights=self.outlet_weights)[0],
            published=timezone.make_aware(moment),
            sentences=keep,
            wire=wire,
            closing=rng.choice(CLOSING_LINES),
            author=author,
        )
