"""Attaching articles to events, incrementally as they arrive.

An article's detected event joins an existing event of the same type when their dates are
close, and they share actors or a place; otherwise it opens a new event. A wire copy (same
near-duplicate group) joins wherever its twin went. Articles an editor placed (pinned)
stay where they are.

Analysing an article again keeps its events: the event of the same type it already belongs
to is updated, not re-created (links to `/events/<id>/`, tags and merges stay). An event
is deleted only when no article reports it and nobody worked on it; a tombstone then
answers for its address.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import (
    ArticleAnalysis,
    Claim,
    Curation,
    Entity,
    Event,
    EventActor,
    EventArticle,
    EventTombstone,
    Tagging,
)
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
    main: bool = False

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
            main=bool(data.get("main", False)),
        )


@dataclass(frozen=True)
class Match:
    score: float
    reason: str  # why the detection belongs to the event, for editors


def match(
    detected: Detected, event: Event, event_actor_ids: set[int], places: dict[int, tuple[str, str]]
) -> Match | None:
    """How well a detection fits an event of the same type, and why; ``None`` where it can
    never be the same happening: one dated and one undated (an undated 2015 text is not this
    year's event), more than the window apart, or two different towns."""
    if (detected.date is None) != (event.date is None):
        return None
    window = WINDOW_DAYS.get(detected.date_precision, 2)
    days = abs((detected.date - event.date).days) if detected.date and event.date else 0
    if days > window:
        return None
    ours = {entity_id for entity_id, _ in detected.actors}
    shared = ours & event_actor_ids
    actors = len(shared) / len(ours | event_actor_ids) if ours | event_actor_ids else 0.0
    reasons = [_("same type")]
    if shared:
        reasons.append(
            _("%(n)d of %(m)d actors shared") % {"n": len(shared), "m": len(ours | event_actor_ids)}
        )
    place = 0.0
    if detected.place_id and event.place_id:
        if detected.place_id == event.place_id:
            place = 1.0
            reasons.append(_("same place"))
        else:
            (kind, country), (other_kind, other_country) = (
                places.get(detected.place_id, ("", "")),
                places.get(event.place_id, ("", "")),
            )
            if kind == other_kind == "place":
                return None  # two different towns: two happenings
            if country and country == other_country:
                place = 0.5
                reasons.append(_("place in the same country"))
    if detected.date and event.date:
        when = max(0.0, 1 - days / (window + 1))
        reasons.append(_("%(days)d days apart") % {"days": days} if days != 1 else _("1 day apart"))
    else:
        when = 0.5
        reasons.append(_("both undated"))
    score = 0.5 * actors + 0.3 * place + 0.2 * when
    return Match(score, ", ".join(reasons) + " (" + _("score %(score).2f") % {"score": score} + ")")


def similarity(
    detected: Detected, event: Event, event_actor_ids: set[int], places: dict[int, tuple[str, str]]
) -> float:
    found = match(detected, event, event_actor_ids, places)
    return found.score if found else 0.0


def place_facts(place_ids) -> dict[int, tuple[str, str]]:
    """Kind and country of places, for `match`."""
    return {
        pk: (kind, country)
        for pk, kind, country in Entity.objects.filter(pk__in=[p for p in place_ids if p]).values_list(
            "pk", "kind", "country"
        )
    }


def candidates(detected: Detected) -> list[Event]:
    qs = Event.objects.active().filter(type=detected.type)
    if detected.date:
        window = timedelta(days=WINDOW_DAYS.get(detected.date_precision, 2))
        qs = qs.filter(date__range=(detected.date - window, detected.date + window))
    else:
        qs = qs.filter(date__isnull=True)
    actor_ids = [entity_id for entity_id, _ in detected.actors]
    qs = qs.filter(Q(event_actors__entity_id__in=actor_ids) | Q(place_id=detected.place_id)).distinct()
    return list(qs.prefetch_related("event_actors")[:50])


@transaction.atomic
def article_cluster(article: Article, detections: list[Detected]) -> list[Event]:
    """Attach the article to one event per detected event; safe to run again.

    Events keep their id through re-analysis: a detection of the same type as an event the
    article already belongs to (an unpinned link) keeps that link and updates the event
    (`_previous_link`, `_update_event`); only links that no detection matches any more are
    removed, and an event left without articles is deleted (with a tombstone) unless
    editors worked on it (`event_touched`), in which case it stays, marked orphaned.
    """
    links = list(EventArticle.objects.filter(article=article).select_related("event"))
    loose = [link for link in links if not link.pinned]
    if len(loose) < len(links):
        # An editor put the article where it belongs: the analysis' own links go.
        _unlink(article, loose)
        return list(Event.objects.filter(event_articles__article=article))
    events: list[Event] = []
    found: dict[int, list[Detected]] = {}  # event id -> this article's detections of it
    for detected in detections:
        link = _previous_link(detected, loose)
        if link is not None:
            loose.remove(link)
            event = link.event
            _update_link(link, detected)
            _update_event(event, article, detected)
        else:
            event, reason = _attach(article, detected)
            EventArticle.objects.get_or_create(
                event=event,
                article=article,
                defaults={
                    "trigger": detected.trigger[:200],
                    "trigger_start": detected.trigger_start,
                    "trigger_end": detected.trigger_end,
                    "confidence": detected.confidence,
                    "main": detected.main,
                    "reason": reason[:300],
                },
            )
            _refine(event, detected)
        if event.pk not in found:
            events.append(event)
        found.setdefault(event.pk, []).append(detected)
    _unlink(article, loose)
    for event in events:
        _sync_actors(event, article, found[event.pk])
    return events


def _previous_link(detected: Detected, links: list[EventArticle]) -> EventArticle | None:
    """The article's earlier link that this detection still describes: the event of the
    same type (an article rarely reports two of a kind); among several, the one with the
    same trigger words, then the most similar."""
    same = [link for link in links if link.event.type == detected.type and not link.event.merged_into_id]
    if len(same) <= 1:
        return same[0] if same else None
    places = place_facts({link.event.place_id for link in same} | {detected.place_id})
    actors: dict[int, set[int]] = {}
    for event_id, entity_id in EventActor.objects.filter(
        event__in=[link.event_id for link in same]
    ).values_list("event_id", "entity_id"):
        actors.setdefault(event_id, set()).add(entity_id)

    def score(link: EventArticle) -> tuple:
        trigger = link.trigger_start is not None and link.trigger_start == detected.trigger_start
        return (trigger, similarity(detected, link.event, actors.get(link.event_id, set()), places))

    return max(same, key=score)


def _update_link(link: EventArticle, detected: Detected) -> None:
    values = {
        "trigger": detected.trigger[:200],
        "trigger_start": detected.trigger_start,
        "trigger_end": detected.trigger_end,
        "confidence": detected.confidence,
        "main": detected.main,
    }
    changed = [name for name, value in values.items() if getattr(link, name) != value]
    for name in changed:
        setattr(link, name, values[name])
    if changed:
        link.save(update_fields=changed)


def _update_event(event: Event, article: Article, detected: Detected) -> None:
    """An event reported by this article alone follows its current detection (date, place,
    title: the analysis may have improved); one that other articles report too only takes
    refinements (`_refine`), so one article cannot pull it away from the others."""
    if EventArticle.objects.filter(event=event).exclude(article=article).exists():
        _refine(event, detected)
        return
    values = {
        "date": detected.date,
        "date_precision": detected.date_precision,
        "place_id": detected.place_id,
        "confidence": detected.confidence,
        "orphaned_at": None,
    }
    if not _title_by_editor(event):
        values["title"] = detected.title[:300]
    changed = [name for name, value in values.items() if getattr(event, name) != value]
    for name in changed:
        setattr(event, name, values[name])
    if changed:
        event.save(update_fields=[*("place" if n == "place_id" else n for n in changed), "last_seen"])


def _title_by_editor(event: Event) -> bool:
    """A split-off event carries the title the editor gave it."""
    return Curation.objects.filter(action=Curation.Action.EVENT_SPLIT, payload__new_id=event.pk).exists()


def _unlink(article: Article, links: list[EventArticle]) -> None:
    """Remove the article's links that no detection matches any more; an event left without
    articles goes (tombstone) or, if editors worked on it, stays marked orphaned."""
    if not links:
        return
    EventArticle.objects.filter(pk__in=[link.pk for link in links]).delete()
    for event in Event.objects.select_for_update().filter(pk__in={link.event_id for link in links}):
        if EventArticle.objects.filter(event=event).exists():
            _sync_actors(event, article, [])  # what only this article said goes with it
        elif event_touched(event, [article.pk]):
            if event.orphaned_at is None:
                event.orphaned_at = timezone.now()
                event.save(update_fields=["orphaned_at", "last_seen"])
        else:
            event_remove(event, reason=EventTombstone.Reason.UNREPORTED)


def event_touched(event: Event, former_article_ids: list[int]) -> bool:
    """Did a user work on the event? Tagged, merged into or from, split, an article pinned,
    named by a curation, or a reviewed or tagged claim in one of its (former) articles."""
    if event.merged_into_id:
        return True
    event_actions = [Curation.Action.EVENT_MERGE, Curation.Action.EVENT_SPLIT]
    named = Q(event=event) | Q(action__in=event_actions) & (
        Q(payload__source_id=event.pk) | Q(payload__new_id=event.pk)
    )
    worked_claims = Claim.objects.filter(article_id__in=former_article_ids).filter(
        Q(reviewed_at__isnull=False) | ~Q(review_status=Claim.Review.UNVERIFIED) | Q(taggings__isnull=False)
    )
    return (
        Tagging.objects.filter(event=event).exists()
        or Event.objects.filter(merged_into=event).exists()
        or EventArticle.objects.filter(event=event, pinned=True).exists()
        or EventActor.objects.filter(event=event, origin=EventActor.Origin.CURATION).exists()
        or Curation.objects.filter(named).exists()
        or worked_claims.exists()
    )


def event_remove(event: Event, *, reason: str) -> EventTombstone:
    """Delete an event, leaving a tombstone so that its address says what became of it.

    Events merged into it go too (their tombstones say into which), so that none of them
    looks like an event of its own again once its pointer is gone."""
    for source in Event.objects.filter(merged_into=event):
        event_remove(source, reason=EventTombstone.Reason.MERGED)
    tombstone, _ = EventTombstone.objects.update_or_create(
        event_id=event.pk,
        defaults={
            "title": event.title[:300],
            "type": event.type,
            "date": event.date,
            "reason": reason,
            "merged_into_id": event.merged_into_id,
        },
    )
    event.delete()
    return tombstone


def _sync_actors(event: Event, article: Article, detections: list[Detected]) -> None:
    """The event's actors from the analysis: the union of the current detections of its
    articles (this article's `detections`, the others' stored analyses), merged entities
    counted as their survivor. Actors an editor's merge or split added (origin CURATION)
    are never removed; analysis actors are removed only when every other article's
    detection is known (an article without a stored analysis only adds)."""
    rows = list(EventActor.objects.filter(event=event))
    wanted = {(entity_id, role) for detected in detections for entity_id, role in detected.actors}
    doubtful = {(a.entity_id, a.role) for a in rows if a.origin == EventActor.Origin.ANALYSIS} - wanted
    complete = True
    if doubtful:
        others = dict(
            EventArticle.objects.filter(event=event)
            .exclude(article=article)
            .values_list("article_id", "trigger_start")
        )
        stored = ArticleAnalysis.objects.filter(article_id__in=others).values_list(
            "article_id", "detected_events"
        )
        seen = 0
        for article_id, detected_events in stored:
            same = [Detected.from_json(d) for d in detected_events if d.get("type") == event.type]
            exact = [d for d in same if d.trigger_start == others[article_id]]
            if not same:
                complete = False
            for detected in exact or same[:1]:
                wanted |= set(detected.actors)
            seen += 1
        complete = complete and seen == len(others)
    survivors = dict(
        Entity.objects.filter(pk__in={entity_id for entity_id, _ in wanted}).values_list(
            "pk", "merged_into_id"
        )
    )
    wanted = {(survivors[e] or e, role) for e, role in wanted if e in survivors}
    have = {(a.entity_id, a.role) for a in rows}
    missing = [EventActor(event=event, entity_id=e, role=role) for e, role in sorted(wanted - have)]
    if missing:
        EventActor.objects.bulk_create(missing, ignore_conflicts=True)
    if complete:
        stale = [
            a.pk
            for a in rows
            if a.origin == EventActor.Origin.ANALYSIS and (a.entity_id, a.role) not in wanted
        ]
        if stale:
            EventActor.objects.filter(pk__in=stale).delete()


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


def _attach(article: Article, detected: Detected) -> tuple[Event, str]:
    """The event this detection joins, and why: a wire twin's, the best match, or a new one."""
    twin = _wire_twin_event(article, detected)
    if twin is not None:
        return twin, _("a copy of the same agency report is already here")
    found = _best_match(detected)
    if found is not None:
        return found
    return _new_event(detected), _("new: no event of this type with shared actors or place nearby in time")


def _best_match(detected: Detected) -> tuple[Event, str] | None:
    found = candidates(detected)
    if not found:
        return None
    places = place_facts({e.place_id for e in found} | {detected.place_id})
    scored = [
        (m, event)
        for event in found
        if (m := match(detected, event, {a.entity_id for a in event.event_actors.all()}, places)) is not None
    ]
    if not scored:
        return None
    best, event = max(scored, key=lambda pair: pair[0].score)
    return (event, best.reason) if best.score >= ATTACH_THRESHOLD else None


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
    if event.orphaned_at:
        # Reported again: no longer an orphan.
        Event.objects.filter(pk=event.pk).update(orphaned_at=None)
        event.orphaned_at = None
