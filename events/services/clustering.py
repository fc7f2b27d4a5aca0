"""Attaching articles to events, incrementally as they arrive.

An article's detected event joins an existing event of the same type when their dates are
close, and they share actors or a place; otherwise it opens a new event. A wire copy (same
near-duplicate group) joins wherever its twin went. Articles an editor placed (pinned)
stay where they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Count, Q

from events.models import Entity, Event, EventActor, EventArticle
from ingest.models import Article

WINDOW_DAYS = {"day": 2, "week": 7, "month": 31, "year": 366}
ATTACH_THRESHOLD = 0.55


@dataclass
class Detected:
    type: str
    title: str
    date: date | None
    date_precision: str
    place_id: int | None
    actors: list[tuple[int, str]]  # (entity id, role)
    trigger: str
    trigger_start: int | None
    trigger_end: int | None
    confidence: float

    @classmethod
    def from_json(cls, data: dict) -> Detected:
        return cls(
            type=data["type"],
            title=data.get("title", ""),
            date=date.fromisoformat(data["date"]) if data.get("date") else None,
            date_precision=data.get("date_precision") or "day",
            place_id=data.get("place_id"),
            actors=[(a[0], a[1]) for a in data.get("actors", [])],
            trigger=data.get("trigger", ""),
            trigger_start=data.get("trigger_start"),
            trigger_end=data.get("trigger_end"),
            confidence=data.get("confidence", 0.0),
        )


def similarity(
    detected: Detected, event: Event, event_actor_ids: set[int], place_country: dict[int, str]
) -> float:
    ours = {entity_id for entity_id, _ in detected.actors}
    actors = len(ours & event_actor_ids) / len(ours | event_actor_ids) if ours | event_actor_ids else 0.0
    if detected.place_id and detected.place_id == event.place_id:
        place = 1.0
    elif (
        detected.place_id
        and event.place_id
        and place_country.get(detected.place_id) == place_country.get(event.place_id)
    ):
        place = 0.5
    else:
        place = 0.0
    window = WINDOW_DAYS.get(detected.date_precision, 2)
    if detected.date and event.date:
        days = abs((detected.date - event.date).days)
        when = max(0.0, 1 - days / (window + 1))
    else:
        when = 0.5
    return 0.5 * actors + 0.3 * place + 0.2 * when


def candidates(detected: Detected) -> list[Event]:
    qs = Event.objects.active().filter(type=detected.type)
    if detected.date:
        window = timedelta(days=WINDOW_DAYS.get(detected.date_precision, 2))
        qs = qs.filter(Q(date__range=(detected.date - window, detected.date + window)) | Q(date__isnull=True))
    actor_ids = [entity_id for entity_id, _ in detected.actors]
    qs = qs.filter(Q(event_actors__entity_id__in=actor_ids) | Q(place_id=detected.place_id)).distinct()
    return list(qs.prefetch_related("event_actors")[:50])


@transaction.atomic
def article_cluster(article: Article, detections: list[Detected]) -> list[Event]:
    """Attach the article to one event per detected event; safe to run again."""
    # Forget where this article went last time (unless an editor put it there).
    previous = list(
        EventArticle.objects.filter(article=article, pinned=False).values_list("event_id", flat=True)
    )
    EventArticle.objects.filter(article=article, pinned=False).delete()
    Event.objects.filter(pk__in=previous).annotate(n=Count("event_articles")).filter(n=0).delete()
    if EventArticle.objects.filter(article=article, pinned=True).exists():
        return list(Event.objects.filter(event_articles__article=article))
    events = []
    for detected in detections:
        event = _wire_twin_event(article, detected) or _best_match(detected) or _new_event(detected)
        EventArticle.objects.get_or_create(
            event=event,
            article=article,
            defaults={
                "trigger": detected.trigger[:200],
                "trigger_start": detected.trigger_start,
                "trigger_end": detected.trigger_end,
                "confidence": detected.confidence,
            },
        )
        for entity_id, role in detected.actors:
            EventActor.objects.get_or_create(event=event, entity_id=entity_id, role=role)
        _refine(event, detected)
        events.append(event)
    return events


def _wire_twin_event(article: Article, detected: Detected) -> Event | None:
    if not article.near_duplicate_group:
        return None
    return (
        Event.objects.active()
        .filter(
            type=detected.type, event_articles__article__near_duplicate_group=article.near_duplicate_group
        )
        .exclude(event_articles__article=article)
        .first()
    )


def _best_match(detected: Detected) -> Event | None:
    found = candidates(detected)
    if not found:
        return None
    place_ids = {e.place_id for e in found if e.place_id} | (
        {detected.place_id} if detected.place_id else set()
    )
    place_country = dict(Entity.objects.filter(pk__in=place_ids).values_list("pk", "country"))
    scored = [
        (similarity(detected, event, {a.entity_id for a in event.event_actors.all()}, place_country), event)
        for event in found
    ]
    score, event = max(scored, key=lambda pair: pair[0])
    return event if score >= ATTACH_THRESHOLD else None


def _new_event(detected: Detected) -> Event:
    return Event.objects.create(
        type=detected.type,
        title=detected.title[:300],
        date=detected.date,
        date_precision=detected.date_precision,
        place_id=detected.place_id,
        confidence=detected.confidence,
    )


def _refine(event: Event, detected: Detected) -> None:
    """A more precise date or a place fills in what the event lacked."""
    changed = []
    precision_rank = ["day", "week", "month", "year"]
    if detected.date and (
        event.date is None
        or precision_rank.index(detected.date_precision)
        < precision_rank.index(event.date_precision or "year")
    ):
        event.date, event.date_precision = detected.date, detected.date_precision
        changed += ["date", "date_precision"]
    if detected.place_id and not event.place_id:
        event.place_id = detected.place_id
        changed.append("place")
    if detected.confidence > event.confidence:
        event.confidence = detected.confidence
        changed.append("confidence")
    if changed:
        event.save(update_fields=[*changed, "last_seen"])
