"""The rows of one batch of stories, written with COPY in one transaction.

Every table the pipeline fills for an analysed article is filled here the way the pipeline
leaves it: the article (status analysed, its full-text index built by the ingest layer's own
expression), its ArticleAnalysis (sentences, detected events, clustered), mentions, claims,
the story's events with actors and article links (trigger, `main`, the clustering's reason),
and the demo editor's tags and reviews.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import Claim, Curation, Event, EventArticle
from events.services.clustering import Detected, match
from events.services.demo_data import editing
from events.services.demo_data.copying import Json, TextArray, allocate_ids, copy_rows
from events.services.demo_data.plan import Copy, Story
from events.services.demo_data.templates import CLAIM_COLUMNS, DEMO_URL_PREFIX, MENTION_COLUMNS, EntityPools
from events.services.demo_data.variation import Variant, cut, substitute, with_closing_line
from ingest.dedup import content_hash
from ingest.models import Article
from ingest.services import articles_index

ARTICLE_COLUMNS = (
    "id", "url", "canonical_url", "known_urls", "status", "error", "attempts", "task_id", "restarts", "title",
    "authors", "description", "published_at", "fetched_at", "language", "text", "raw_content_type",
    "content_hash", "simhash_bands", "near_duplicate_group", "wire_agencies", "created_at", "updated_at",
    "outlet_id",
)  # fmt: skip
EVENT_COLUMNS = (
    "id",
    "type",
    "title",
    "date",
    "date_precision",
    "place_id",
    "confidence",
    "first_seen",
    "last_seen",
)
LINK_COLUMNS = ("event_id", "article_id", "trigger", "trigger_start", "trigger_end", "confidence", "main", "reason", "pinned", "added_at")  # fmt: skip
REVIEW_COLUMNS = ("review_status", "reviewed_by_id", "reviewed_at", "review_reason")
AGENCIES = {"dpa": "dpa", "AFP": "afp", "Reuters": "reuters"}
# A detected date further than this from the template's own date is not "the story's day
# plus a few", but a date the text names (an anniversary, an election): kept as it is.
RELATIVE_DATE_LIMIT = timedelta(days=31)


def demo_url(seed: int, number: int) -> str:
    return f"{DEMO_URL_PREFIX}{seed}:{number}"


@dataclass
class Context:
    seed: int
    pools: EntityPools
    outlets: list[int]
    outlet_names: dict[int, str]
    editor_id: int
    tag_ids: list[int]


@dataclass
class Batch:
    """The rows of a few stories, table by table, ready for COPY."""

    context: Context
    stories: list[tuple[Story, list[Copy]]] = field(default_factory=list)
    rows: dict[str, list[tuple]] = field(default_factory=lambda: {name: [] for name in TABLES})

    def add(self, story: Story, copies: list[Copy]) -> None:
        self.stories.append((story, copies))

    @property
    def size(self) -> int:
        return sum(len(copies) for _story, copies in self.stories)

    def write(self, cursor) -> Counter:
        """Build every row (ids drawn first: a cut copy has fewer claims than drawn, which only
        leaves gaps in the sequence) and COPY them; returns rows per table."""
        ids = Ids(
            articles=iter(allocate_ids(cursor, Article._meta.db_table, self.size)),
            events=iter(allocate_ids(cursor, Event._meta.db_table, sum(len(s.template.detections) for s, _ in self.stories))),
            claims=iter(allocate_ids(cursor, Claim._meta.db_table, sum(len(s.template.claims) * len(c) for s, c in self.stories))),
        )  # fmt: skip
        for story, copies in self.stories:
            _StoryRows(self, story, copies).build(ids)
        written = Counter()
        for name, (table, columns) in TABLES.items():
            written[name] = copy_rows(cursor, table, columns, self.rows[name])
        articles_index([row[0] for row in self.rows["articles"]])
        return written


@dataclass
class Ids:
    articles: Iterator[int]
    events: Iterator[int]
    claims: Iterator[int]


class _StoryRows:
    """The rows of one story's new articles."""

    def __init__(self, batch: Batch, story: Story, copies: list[Copy]) -> None:
        self.rows, self.story, self.copies, self.context = batch.rows, story, copies, batch.context
        self.full = substitute(story.template, story.swapped, self.context.pools.names)
        self.position = {id(d): i for i, d in enumerate(self.full.detections)}
        self.rng = random.Random(f"{self.context.seed}:{story.index}:edits")
        self.first = story.copies[0].number

    def build(self, ids: Ids) -> None:
        earlier = self._earlier_articles()
        events = self._events(earlier, ids)
        group = next((g for _pk, g in earlier.values() if g), None)
        for copy in self.copies:
            article_id = next(ids.articles)
            if copy.number == self.first and any(c.wire for c in self.story.copies[1:]):
                group = article_id  # as the dedup step does: the group is its first article
            variant = self._variant(copy)
            self._article(article_id, copy, variant, group if copy.wire else None)
            self._records(article_id, copy, variant, events, ids)

    def _variant(self, copy: Copy) -> Variant:
        variant = self.full if copy.sentences is None else cut(self.full, copy.sentences)
        outlet = self.context.outlet_names[self.context.outlets[copy.outlet]]
        return with_closing_line(variant, copy.closing.format(outlet=outlet, author=copy.author or "dpa"))

    def _earlier_articles(self) -> dict[str, tuple[int, int | None]]:
        """The story's articles an earlier, smaller run made: url -> (id, near-duplicate group)."""
        new = {c.number for c in self.copies}
        urls = [demo_url(self.context.seed, c.number) for c in self.story.copies if c.number not in new]
        if not urls:
            return {}
        rows = Article.objects.filter(url__in=urls).values_list("url", "pk", "near_duplicate_group")
        return {url: (pk, group) for url, pk, group in rows}

    def _events(self, earlier: dict, ids: Ids) -> list[int]:
        """The event of each detection of the story: an earlier run's, or a new one."""
        found = {}
        if earlier:
            links = EventArticle.objects.filter(article_id__in=[pk for pk, _g in earlier.values()])
            found = {
                (t, start): pk
                for pk, t, start in links.values_list("event_id", "event__type", "trigger_start")
            }
        events = []
        moments = [c.published + FETCH_DELAY for c in self.copies]
        for detected in self.full.detections:
            event_id = found.get((detected["type"], detected["trigger_start"]))
            if event_id is None:
                event_id = next(ids.events)
                self._event(event_id, detected, min(moments), max(moments))
            events.append(event_id)
        return events

    def _event(self, event_id: int, detected: dict, first_seen, last_seen) -> None:
        day, precision = self.event_day(detected)
        self.rows["events"].append((event_id, detected["type"], detected["title"][:300], day, precision,
                                    detected.get("place_id"), detected.get("confidence", 0.0), first_seen, last_seen))  # fmt: skip
        actors = {(entity, role) for entity, role in detected.get("actors", []) if entity}
        self.rows["actors"] += [(event_id, entity, role, "analysis") for entity, role in sorted(actors)]
        if self.rng.random() < editing.EVENT_TAG_SHARE:
            self.rows["taggings"].append(
                (self._tag(), event_id, None, None, self.context.editor_id, last_seen)
            )

    def event_day(self, detected: dict) -> tuple[date, str]:
        """The template's detected date moved to the story's day, as far from it as it was
        from the template's own; undated detections get the story's day."""
        precision = detected.get("date_precision") or "day"
        template_day, named = self.story.template.published, detected.get("date")
        if not named:
            return self.story.day, "day"
        named = date.fromisoformat(named)
        if template_day and abs(named - template_day) <= RELATIVE_DATE_LIMIT:
            return self.story.day + (named - template_day), precision
        return (named, precision) if template_day else (self.story.day, "day")

    def _tag(self) -> int:
        return self.rng.choice(self.context.tag_ids)

    def _article(self, article_id: int, copy: Copy, variant: Variant, group: int | None) -> None:
        url = demo_url(self.context.seed, copy.number)
        fetched = copy.published + FETCH_DELAY
        agencies = sorted({code for word, code in AGENCIES.items() if word in copy.closing})
        self.rows["articles"].append((
            article_id, url, url, TextArray([url]), Article.Status.ANALYZED, "", 1, "", 0, variant.title,
            TextArray([copy.author] if copy.author else []), variant.description, copy.published, fetched, "de",
            variant.text, "", content_hash(variant.text), TextArray([]), group, TextArray(agencies), fetched,
            timezone.now(), self.context.outlets[copy.outlet],
        ))  # fmt: skip
        if self.rng.random() < editing.ARTICLE_TAG_SHARE:
            self.rows["taggings"].append(
                (self._tag(), None, article_id, None, self.context.editor_id, fetched)
            )

    def _records(self, article_id: int, copy: Copy, variant: Variant, events: list[int], ids: Ids) -> None:
        fetched = copy.published + FETCH_DELAY
        self.rows["mentions"] += [(article_id, *(m[c] for c in MENTION_COLUMNS)) for m in variant.mentions]
        for c in variant.claims:
            values = {**c, "chain": Json(c["chain"])}
            claim = (next(ids.claims), article_id, *(values[name] for name in CLAIM_COLUMNS))
            self.rows["claims"].append((*claim, *self._review(claim, fetched)))
            if self.rng.random() < editing.CLAIM_TAG_SHARE:
                self.rows["taggings"].append(
                    (self._tag(), None, None, claim[0], self.context.editor_id, fetched)
                )
        detections = []
        for detected in variant.detections:
            event_id = events[self.position[id(detected)]]
            day, precision = self.event_day(detected)
            detections.append({**detected, "date": day.isoformat(), "date_precision": precision})
            self.rows["links"].append((event_id, article_id, detected["trigger"][:200], detected["trigger_start"],
                                       detected["trigger_end"], detected.get("confidence", 0.0), bool(detected.get("main")),
                                       self._reason(copy, detections[-1])[:300], False, fetched))  # fmt: skip
        self.rows["analyses"].append(
            (article_id, Json(detections), Json(variant.sentences), fetched, fetched, fetched)
        )

    def _reason(self, copy: Copy, detected: dict) -> str:
        """Why the clustering put the article there, in its own words."""
        if copy.number == self.first:
            return _("new: no event of this type with shared actors or place nearby in time")
        if copy.wire:
            return _("a copy of the same agency report is already here")
        found = Detected.from_json(detected)
        event = Event(
            type=found.type, date=found.date, date_precision=found.date_precision, place_id=found.place_id
        )
        actors = {entity for entity, _role in found.actors}
        fit = match(found, event, actors, self.context.pools.facts)
        return fit.reason if fit else _("same type")

    def _review(self, claim: tuple, fetched) -> tuple:
        """Review status, reviewer, time and reason of a claim; a Curation row per review."""
        if self.rng.random() >= editing.REVIEW_SHARE:
            return Claim.Review.UNVERIFIED, None, None, ""
        confirmed = self.rng.random() < editing.CONFIRMED_SHARE
        status = Claim.Review.CONFIRMED if confirmed else Claim.Review.DISPUTED
        reason = self.rng.choice(editing.REVIEW_REASONS[status])
        when = fetched + timedelta(hours=self.rng.randint(2, 72))
        payload = {"claim_id": claim[0], "article_id": claim[1], "status": str(status), "reason": reason,
                   "demo_seed": self.context.seed}  # fmt: skip
        self.rows["curations"].append(
            (self.context.editor_id, Curation.Action.CLAIM_REVIEW, Json(payload), when)
        )
        return status, self.context.editor_id, when, reason


FETCH_DELAY = timedelta(minutes=7)
TABLES = {
    "articles": ("ingest_article", ARTICLE_COLUMNS),
    "analyses": ("events_articleanalysis", ("article_id", "detected_events", "sentences", "analyzed_at", "first_analyzed_at", "clustered_at")),
    "mentions": ("events_mention", ("article_id", *MENTION_COLUMNS)),
    "claims": ("events_claim", ("id", "article_id", *CLAIM_COLUMNS, *REVIEW_COLUMNS)),
    "events": ("events_event", EVENT_COLUMNS),
    "actors": ("events_eventactor", ("event_id", "entity_id", "role", "origin")),
    "links": ("events_eventarticle", LINK_COLUMNS),
    "taggings": ("events_tagging", ("tag_id", "event_id", "article_id", "claim_id", "user_id", "created_at")),
    "curations": ("events_curation", ("user_id", "action", "payload", "created_at")),
}  # fmt: skip
