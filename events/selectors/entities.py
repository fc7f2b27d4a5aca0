"""Reads about chosen actors and places: the events they share, who else is around them,
what each said about the other, and which entities a typed name means.

They serve the cross-reference page and the entity page (an entity is a cross-reference of
one). Each is one query, whatever the number of events, so the pages stay flat.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from datetime import date
from functools import reduce
from itertools import combinations

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber

from events.analysis.names import normalize
from events.models import Alias, Claim, Entity, Event, EventActor

NEIGHBOURS = 12
CLAIMS_PER_PAIR = 10
SUGGESTIONS = 10
MAP_PLACES = 200


def country_code(entity: Entity) -> str:
    """The ISO alpha-2 code of a country entity, "" for anything else."""
    if entity.kind != Entity.Kind.COUNTRY:
        return ""
    code = (entity.iso_code or entity.country or "").upper()
    return code if len(code) == 2 else ""


def involvement(entity: Entity, event_ref: str = "pk") -> Q:
    """Events the entity is part of: as an actor, as the place, or (a country) as the country
    of the place. `event_ref` is the path to the event from the queried model: "pk" when
    querying Event, "event" when querying EventActor.

    Uncorrelated IN subqueries: PostgreSQL hashes each once, however many rows it checks.
    """
    prefix = "" if event_ref == "pk" else f"{event_ref}__"
    ref = "pk" if event_ref == "pk" else f"{event_ref}_id"
    condition = Q(**{f"{ref}__in": EventActor.objects.filter(entity_id=entity.pk).values("event_id")}) | Q(
        **{f"{prefix}place_id": entity.pk}
    )
    code = country_code(entity)
    if code:
        condition |= Q(**{f"{prefix}place_id__in": Entity.objects.filter(country=code).values("pk")})
    return condition


def events_of(entities: Sequence[Entity]) -> QuerySet[Event]:
    """Active events that every one of the entities is part of."""
    events = Event.objects.active()
    for entity in entities:
        events = events.filter(involvement(entity))
    return events


def event_counts_by_date(events: QuerySet[Event]) -> list[tuple[date | None, int]]:
    return list(events.order_by().values("date").annotate(n=Count("pk")).values_list("date", "n"))


def neighbours(chosen: Sequence[Entity], limit: int = NEIGHBOURS) -> list[dict]:
    """Actors seen in events with the chosen entities, those tied to most of them first, then
    by the number of shared events: [{"entity_id", "entity__name", "entity__kind", "total",
    "common", "per": {chosen id: events shared}}]."""
    if not chosen:
        return []
    conditions = {entity.pk: involvement(entity, "event") for entity in chosen}
    per_chosen = {
        f"n_{pk}": Count("event_id", filter=condition, distinct=True) for pk, condition in conditions.items()
    }
    common = reduce(
        operator.add,
        (Case(When(**{f"n_{pk}__gt": 0}, then=Value(1)), default=Value(0)) for pk in conditions),
    )
    rows = (
        EventActor.objects.filter(event__merged_into__isnull=True)
        .filter(reduce(operator.or_, conditions.values()))
        .exclude(entity_id__in=list(conditions))
        .values("entity_id", "entity__name", "entity__kind")
        .annotate(**per_chosen, total=Count("event_id", distinct=True))
        .annotate(common=common)
        .order_by("-common", "-total", "entity__name", "entity_id")[:limit]
    )
    return [{**row, "per": {pk: row[f"n_{pk}"] for pk in conditions}} for row in rows]


def pair_counts(chosen: Sequence[Entity]) -> dict[tuple[int, int], int]:
    """Events shared by each pair of the chosen entities, and each one's own total under
    (id, id). One query: one conditional count per pair."""
    if not chosen:
        return {}
    conditions = {entity.pk: involvement(entity) for entity in chosen}
    aggregates = {f"e_{pk}": Count("pk", filter=condition) for pk, condition in conditions.items()}
    for a, b in combinations(conditions, 2):
        aggregates[f"p_{a}_{b}"] = Count("pk", filter=conditions[a] & conditions[b])
    result = Event.objects.active().filter(reduce(operator.or_, conditions.values())).aggregate(**aggregates)
    counts = {(pk, pk): result[f"e_{pk}"] for pk in conditions}
    for a, b in combinations(conditions, 2):
        counts[(a, b)] = counts[(b, a)] = result[f"p_{a}_{b}"]
    return counts


def claims_between(
    chosen: Sequence[Entity], per_pair: int = CLAIMS_PER_PAIR
) -> dict[tuple[int, int], list[Claim]]:
    """For each ordered pair (A, B) of the chosen entities, the claims with speaker A whose
    content mentions B (a mention of B inside the content's offsets), newest first."""
    ids = [entity.pk for entity in chosen]
    if len(ids) < 2:
        return {}
    claims = (
        Claim.objects.filter(
            speaker_id__in=ids,
            article__mentions__entity_id__in=ids,
            article__mentions__start__gte=F("content_start"),
            article__mentions__end__lte=F("content_end"),
        )
        .annotate(about_id=F("article__mentions__entity_id"))
        # A claim mentions B twice: two rows, so take twice the rows and keep each claim once.
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("speaker_id"), F("about_id")],
                order_by=[F("article__published_at").desc(nulls_last=True), F("pk").desc()],
            )
        )
        .filter(rank__lte=2 * per_pair)
        .select_related("article", "article__outlet", "speaker")
        .order_by("speaker_id", "about_id", "rank")
    )
    pairs: dict[tuple[int, int], list[Claim]] = {}
    seen = set()
    for claim in claims:
        key = (claim.speaker_id, claim.about_id)
        if claim.about_id == claim.speaker_id or (key, claim.pk) in seen:
            continue
        seen.add((key, claim.pk))
        bucket = pairs.setdefault(key, [])
        if len(bucket) < per_pair:
            bucket.append(claim)
    return pairs


def resolve_entities(values: Sequence[str]) -> tuple[list[Entity], list[str]]:
    """The entities named by ids or names, in the order given, each once, merged ones replaced
    by their survivor; and the values that named nothing. One query.

    A name matches an entity's name (any case) or one of its aliases (normalized); among
    several, confirmed before provisional, actors before places, big places before small.
    """
    values = [v.strip() for v in values if v and v.strip()]
    if not values:
        return [], []
    ids = [int(v) for v in values if v.isdigit()]
    names = [v for v in values if not v.isdigit()]
    normalized = [normalize(name) for name in names]
    condition = Q(pk__in=ids)
    for name in names:
        condition |= Q(name__iexact=name)
    if names:
        condition |= Q(Exists(Alias.objects.filter(entity=OuterRef("pk"), normalized__in=normalized)))
    found = list(
        Entity.objects.filter(condition)
        .select_related("merged_into")
        .annotate(
            matched=ArrayAgg(
                "aliases__normalized", filter=Q(aliases__normalized__in=normalized), distinct=True
            ),
            kind_rank=Case(When(kind=Entity.Kind.PLACE, then=Value(1)), default=Value(0)),
        )
        .order_by("provisional", "kind_rank", F("population").desc(nulls_last=True), "pk")
    )
    by_id = {e.pk: e for e in found}
    chosen: list[Entity] = []
    unknown: list[str] = []
    for value in values:
        if value.isdigit():
            entity = by_id.get(int(value))
        else:
            folded, key = value.casefold(), normalize(value)
            entity = next((e for e in found if e.name.casefold() == folded), None) or next(
                (e for e in found if key in (e.matched or [])), None
            )
        if entity is not None and entity.merged_into_id:
            entity = entity.merged_into
        if entity is None:
            unknown.append(value)
        elif all(e.pk != entity.pk for e in chosen):
            chosen.append(entity)
    return chosen, unknown


def entity_suggestions(query: str, exclude: Sequence[int] = (), limit: int = SUGGESTIONS) -> list[Entity]:
    """Active entities that the typed text names, best first, each with `rank`: 0 its exact
    name or alias, 1 a name or name alias that starts with it (or one of the name's words
    does), 2 a name that contains it elsewhere or a role descriptor that starts with it; an id
    typed as a number is rank 0. Within a rank the most mentioned come first (the Putin, not
    a village of the same name), then confirmed, actors before places, big places first.

    One query that reads the entity table once (52,000 rows: about 50 ms) and the aliases
    through their index on `normalized` (prefixes only: there is no trigram index, and a
    substring search over 140,000 aliases took twice as long as all the rest).
    """
    query = " ".join(query.split())
    key = normalize(query)
    if not key:
        return []
    aliases = Alias.objects.filter(normalized__startswith=key)
    exact = Q(name__iexact=query) | Q(pk__in=Alias.objects.filter(normalized=key).values("entity_id"))
    starts = (
        Q(name__istartswith=query)
        | Q(name__icontains=f" {query}")
        | Q(pk__in=aliases.exclude(kind=Alias.Kind.DESCRIPTOR).values("entity_id"))
    )
    matches = Q(name__icontains=query) | Q(pk__in=aliases.values("entity_id"))
    number = int(query) if query.isascii() and query.isdigit() and len(query) < 10 else None
    if number is not None:
        exact |= Q(pk=number)
        matches |= Q(pk=number)
    return list(
        Entity.objects.active()
        .filter(matches)
        .exclude(pk__in=list(exclude))
        .annotate(
            rank=Case(
                When(exact, then=Value(0)),
                When(starts, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            ),
            kind_rank=Case(When(kind=Entity.Kind.PLACE, then=Value(1)), default=Value(0)),
        )
        .order_by(
            "rank",
            "-mention_count",
            "provisional",
            "kind_rank",
            F("population").desc(nulls_last=True),
            "name",
            "pk",
        )[:limit]
    )


def places_of(events: QuerySet[Event], limit: int = MAP_PLACES) -> list[Entity]:
    """The places (not countries: a country's coordinates are its capital's) of the events
    that have coordinates, each with `n`, its number of events, most first."""
    return list(
        Entity.objects.filter(events_here__in=events, latitude__isnull=False, longitude__isnull=False)
        .exclude(kind=Entity.Kind.COUNTRY)
        .annotate(n=Count("events_here", distinct=True))
        .order_by("-n", "name")[:limit]
    )


def events_with_role(events: QuerySet[Event], entity: Entity) -> QuerySet[Event]:
    """The events, newest first, each with the entity's `role` in it (None where it is only
    the place or the place's country)."""
    return (
        events.select_related("place")
        .annotate(
            role=Subquery(EventActor.objects.filter(event=OuterRef("pk"), entity=entity).values("role")[:1])
        )
        .order_by(F("date").desc(nulls_last=True), "-pk")
    )
