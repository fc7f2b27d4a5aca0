"""Reads about one event: its articles and claims, who reported it, what is related."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)

from events.models import Claim, Event, EventActor, EventArticle, EventTombstone, Tagging
from ingest.models import Article

RELATED_EVENTS = 10
RELATED_DAYS = 60  # "nearby": within two months either side


def event_survivor(event: Event) -> tuple[Event | None, int | None]:
    """Where a merged event went: the end of its chain of merges, and that event's id.

    The event is None when the chain ends at an id that no longer exists (then the id says
    which one, for its tombstone) or goes round in a circle (then both are None).
    """
    seen = {event.pk}
    target_id = event.merged_into_id
    while target_id is not None:
        if target_id in seen:
            return None, None
        seen.add(target_id)
        target = Event.objects.select_related("place").filter(pk=target_id).first()
        if target is None:
            return None, target_id
        if target.merged_into_id is None:
            return target, target_id
        target_id = target.merged_into_id
    return event, event.pk


def event_tombstone(pk: int) -> EventTombstone | None:
    return EventTombstone.objects.filter(event_id=pk).first()


def reported_by(event: Event) -> dict[str, int]:
    """How many outlets reported it, and how many distinct stories (wire copies count once)."""
    links = Article.objects.filter(event_links__event=event)
    outlets = links.exclude(outlet__isnull=True).values("outlet_id").distinct().count()
    stories = len({group or pk for pk, group in links.values_list("pk", "near_duplicate_group")})
    return {"articles": links.count(), "outlets": outlets, "stories": stories}


def event_articles(event: Event) -> list[EventArticle]:
    """The event's article links with their articles and outlets, oldest first."""
    return list(
        event.event_articles.select_related("article", "article__outlet").order_by(
            F("article__published_at").asc(nulls_last=True), "article_id"
        )
    )


def event_actors(event: Event) -> list[EventActor]:
    """The event's actors with their entities, by role, then name."""
    return list(event.event_actors.select_related("entity").order_by("role", "entity__name"))


def claims_in(article_ids: list[int]) -> QuerySet[Claim]:
    """The claims of these articles, with what the event page shows of each, oldest first."""
    return (
        Claim.objects.filter(article_id__in=article_ids)
        .select_related("speaker", "source", "article", "reviewed_by")
        .prefetch_related(Prefetch("taggings", queryset=Tagging.objects.select_related("tag")))
        .order_by("article__published_at", "start")
    )


class DaysApart(Func):
    """|date - other date| in days (PostgreSQL subtracts dates as whole days)."""

    template = "ABS(%(expressions)s)"
    arg_joiner = " - "
    output_field = IntegerField()


def related_events(event: Event, actor_ids: list[int], limit: int = RELATED_EVENTS) -> list[Event]:
    """Events sharing actors or the place, near in time, by the number of shared actors, then
    the same place, then nearness: one query."""
    if not actor_ids and not event.place_id:
        return []
    condition = Q(Exists(EventActor.objects.filter(event=OuterRef("pk"), entity_id__in=actor_ids)))
    if event.place_id:
        condition |= Q(place_id=event.place_id)
    related = Event.objects.active().exclude(pk=event.pk).filter(condition)
    order = ["-shared", "-same_place"]
    if event.date:
        window = timedelta(days=RELATED_DAYS)
        related = related.filter(date__range=(event.date - window, event.date + window)).annotate(
            apart=DaysApart(F("date"), Value(event.date, output_field=DateField()))
        )
        order.append("apart")
    related = related.annotate(
        shared=Count("event_actors__entity", filter=Q(event_actors__entity_id__in=actor_ids), distinct=True),
        same_place=Case(
            When(place_id=event.place_id, then=Value(1)), default=Value(0), output_field=IntegerField()
        ),
    )
    return list(related.select_related("place").order_by(*order, "-date", "-pk")[:limit])
