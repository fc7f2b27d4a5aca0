"""What the dashboard shows: the latest events, who was most active lately, and ingestion in
one line. Reads only; a fixed number of queries whatever the size of the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, F, Max, OuterRef, Q
from django.utils import timezone

from events.models import Claim, Entity, Event, EventArticle, Mention
from events.selectors.lists import subquery_count
from events.selectors.watchlists import watchlists_of
from ingest.models import Article, Source
from ingest.pipeline import stale_filter

ACTOR_KINDS = (Entity.Kind.PERSON, Entity.Kind.ORGANIZATION, Entity.Kind.COUNTRY)
WEEK = timedelta(days=7)


@dataclass
class Ingestion:
    sources_active: int
    sources_failing: int
    sources_paused: int
    articles_24h: int
    analysed_24h: int
    failed_24h: int
    pending: int
    # Pending articles whose work is overdue (ingest/pipeline.py): "in progress" is not true
    # of them until the sweep has sent them again.
    stalled: int
    last_fetch_at: datetime | None
    newest_article_at: datetime | None

    @property
    def ok(self) -> bool:
        return self.sources_failing == 0 and self.failed_24h == 0 and self.stalled == 0


def ingestion(now: datetime | None = None) -> Ingestion:
    now = now or timezone.now()
    day = now - timedelta(hours=24)
    sources = Source.objects.aggregate(
        n_active=Count("pk", filter=Q(active=True, paused_reason="")),
        n_failing=Count("pk", filter=Q(active=True, paused_reason="", consecutive_failures__gt=0)),
        n_paused=Count("pk", filter=~Q(paused_reason="")),
        last_fetch=Max("last_fetch_at"),
    )
    in_progress = [
        Article.Status.DISCOVERED,
        Article.Status.FETCHING,
        Article.Status.FETCHED,
        Article.Status.EXTRACTING,
        Article.Status.EXTRACTED,
        Article.Status.ANALYZING,
    ]
    articles = Article.objects.aggregate(
        new=Count("pk", filter=Q(created_at__gte=day)),
        analysed=Count("pk", filter=Q(created_at__gte=day, status=Article.Status.ANALYZED)),
        failed=Count("pk", filter=Q(created_at__gte=day, status=Article.Status.FAILED)),
        pending=Count("pk", filter=Q(status__in=in_progress)),
        stalled=Count("pk", filter=stale_filter(now)),
        newest=Max("published_at"),
    )
    return Ingestion(
        sources_active=sources["n_active"],
        sources_failing=sources["n_failing"],
        sources_paused=sources["n_paused"],
        articles_24h=articles["new"],
        analysed_24h=articles["analysed"],
        failed_24h=articles["failed"],
        pending=articles["pending"],
        stalled=articles["stalled"],
        last_fetch_at=sources["last_fetch"],
        newest_article_at=articles["newest"],
    )


def latest_events(limit: int = 10, main_only: bool = True) -> list[Event]:
    """The newest events, by the day they happened: by default only the main events of their
    articles, so that what the headlines report is not crowded out by what they mention."""
    # Newest happenings first; undated ones (an archive without dates) after them.
    newest_first = (F("date").desc(nulls_last=True), "-last_seen", "-id")
    events = Event.objects.active()
    if main_only:
        events = events.main_events()
    # The `limit` newest are chosen first (from event_newest_idx) and only they are counted:
    # grouping every event's articles and outlets before the LIMIT took 0.2 s at 20,000 events.
    chosen = events.order_by(*newest_first).values("pk")[:limit]
    links = EventArticle.objects.filter(event=OuterRef("pk"))
    return list(
        Event.objects.filter(pk__in=chosen)
        .select_related("place")
        .annotate(
            article_count=subquery_count(links, "event"),
            outlet_count=subquery_count(links, "event", "article__outlet", distinct=True),
        )
        .order_by(*newest_first)
    )


@dataclass
class ActiveActors:
    since: datetime
    until: datetime
    # True when nothing was published in the last seven days and the window is the newest
    # week that has articles (a portal loaded with an archive still shows something).
    shifted: bool
    actors: list[Entity]


def most_active_actors(now: datetime | None = None, limit: int = 12) -> ActiveActors:
    """Actors named in the most articles of the week (people, organisations, countries),
    confirmed ones only: provisional entities wait for an editor."""
    now = now or timezone.now()
    until, shifted = now, False
    if not Article.objects.filter(published_at__gt=now - WEEK, published_at__lte=now).exists():
        newest = Article.objects.filter(published_at__lte=now).aggregate(newest=Max("published_at"))["newest"]
        if newest is not None:
            until, shifted = newest, True
    since = until - WEEK
    in_week = Mention.objects.filter(
        article__published_at__gt=since,
        article__published_at__lte=until,
        entity__kind__in=ACTOR_KINDS,
        entity__merged_into__isnull=True,
        # An unknown name ("Donnerstag" once) counts only after an editor confirmed it.
        entity__provisional=False,
    )
    rows = list(
        in_week.values("entity_id")
        .annotate(articles=Count("article_id", distinct=True), mentions=Count("pk"))
        .order_by("-articles", "-mentions")[:limit]
    )
    entities = Entity.objects.in_bulk([row["entity_id"] for row in rows])
    actors = []
    for row in rows:
        entity = entities[row["entity_id"]]
        entity.week_articles, entity.week_mentions = row["articles"], row["mentions"]
        actors.append(entity)
    return ActiveActors(since=since, until=until, shifted=shifted, actors=actors)


def review_counts() -> dict:
    """What waits for editors."""
    claims = Claim.objects.aggregate(unverified=Count("pk", filter=Q(review_status=Claim.Review.UNVERIFIED)))
    return {
        "claims_unverified": claims["unverified"],
        "entities_provisional": Entity.objects.provisional().count(),
    }


def watchlists(user) -> list:
    """The user's watchlists, each with its number of new matches since it was last opened
    (capped; one query per watchlist: events.selectors.watchlists)."""
    return watchlists_of(user)
