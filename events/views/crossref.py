"""Cross-reference: what chosen actors and places share over time, who else is around them,
and what each said about the other.

The selectors here also serve the entity page (an entity is a cross-reference of one). Each is
one query, whatever the number of events, so the pages stay flat.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from datetime import date
from functools import reduce
from itertools import combinations
from urllib.parse import urlencode

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
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from events.kb.names import normalize
from events.models import Alias, Claim, Entity, Event, EventActor
from events.presentation import charts

MAX_ENTITIES = 8
NEIGHBOURS = 12
CLAIMS_PER_PAIR = 10
SHARED_LISTED = 50
SUGGESTIONS = 10

# --- selectors ------------------------------------------------------------------------------


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


# --- links ----------------------------------------------------------------------------------


def event_filter_params(entities: Sequence[Entity]) -> list[tuple[str, str]]:
    """The event list's filter for events of all these entities (actor, place, country)."""
    params: list[tuple[str, str]] = []
    for entity in entities:
        code = country_code(entity)
        if code:
            params.append(("country", code))
        elif entity.kind == Entity.Kind.PLACE:
            params.append(("place", str(entity.pk)))
        else:
            params.append(("actor", str(entity.pk)))
    # The list takes one place and one country: the first of each.
    kept, single = [], set()
    for name, value in params:
        if name in ("place", "country"):
            if name in single:
                continue
            single.add(name)
        kept.append((name, value))
    return kept


def event_list_link(entities: Sequence[Entity]):
    """A function (start, end) -> url of the event list filtered to the entities and dates."""
    base = reverse("events:events")
    params = event_filter_params(entities)

    def link(start: date, end: date) -> str:
        return (
            f"{base}?{urlencode([*params, ('date_from', start.isoformat()), ('date_to', end.isoformat())])}"
        )

    return link


def crossref_url(ids: Sequence[int]) -> str:
    return (
        f"{reverse('events:crossref')}?{urlencode([('entity', pk) for pk in ids])}"
        if ids
        else reverse("events:crossref")
    )


def network_of(
    chosen: Sequence[Entity], near: list[dict], counts: dict[tuple[int, int], int]
) -> charts.Network:
    """The chosen entities in the middle, their neighbours around them, ties by shared events."""
    nodes = [
        charts.Node(e.pk, e.name, counts.get((e.pk, e.pk), 0), e.get_absolute_url(), central=True)
        for e in chosen
    ]
    nodes += [
        charts.Node(
            row["entity_id"],
            row["entity__name"],
            row["total"],
            reverse("events:entity", args=[row["entity_id"]]),
        )
        for row in near
    ]
    edges = [charts.Edge(a.pk, b.pk, counts.get((a.pk, b.pk), 0)) for a, b in combinations(chosen, 2)]
    edges += [charts.Edge(pk, row["entity_id"], n) for row in near for pk, n in row["per"].items()]
    return charts.Network(nodes, [e for e in edges if e.weight > 0])


# --- the pages ------------------------------------------------------------------------------


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


@require_GET
def crossref(request: HttpRequest) -> HttpResponse:
    # `entity`: the chosen ones (ids, or names typed into a link); `add`: the picker's box.
    values = request.GET.getlist("entity") + request.GET.getlist("add")
    chosen, unknown = resolve_entities(values)
    too_many = len(chosen) > MAX_ENTITIES
    chosen = chosen[:MAX_ENTITIES]
    ids = [e.pk for e in chosen]
    context: dict = {
        "chosen": [{"entity": e, "remove_url": crossref_url([i for i in ids if i != e.pk])} for e in chosen],
        "unknown": unknown,
        "too_many": too_many,
        "max_entities": MAX_ENTITIES,
    }
    if len(chosen) == 1:
        # One entity: who to compare it with, by the events they share.
        context["proposals"] = [
            {**row, "url": crossref_url([*ids, row["entity_id"]])} for row in neighbours(chosen, limit=8)
        ]
    if len(chosen) >= 2:
        shared = events_of(chosen)
        by_date = event_counts_by_date(shared)
        timeline = charts.timeline_buckets(by_date, link=event_list_link(chosen))
        counts = pair_counts(chosen)
        near = neighbours(chosen)
        said = claims_between(chosen)
        names = {e.pk: e for e in chosen}
        context.update(
            timeline=timeline,
            shared_total=sum(n for _day, n in by_date),
            shared_events=shared.select_related("place").order_by("-date", "-pk")[:SHARED_LISTED],
            shared_list_url=f"{reverse('events:events')}?{urlencode(event_filter_params(chosen))}",
            pairs=[
                {"a": a, "b": b, "count": counts.get((a.pk, b.pk), 0), "url": crossref_url([a.pk, b.pk])}
                for a, b in combinations(chosen, 2)
            ],
            totals=[{"entity": e, "count": counts.get((e.pk, e.pk), 0)} for e in chosen],
            network=network_of(chosen, near, counts),
            said=[
                {"speaker": names[a], "about": names[b], "claims": said.get((a, b), [])}
                for a in ids
                for b in ids
                if a != b
            ],
        )
    return render(request, "events/crossref.html", context)


@require_GET
def crossref_suggest(request: HttpRequest) -> HttpResponse:
    """Entities whose name or alias contains the typed text (`add`, or `q`), as links that
    add them to the chosen ones (`entity`): an HTML fragment for the picker (htmx)."""
    query = (request.GET.get("add") or request.GET.get("q") or "").strip()
    chosen_ids = [int(v) for v in request.GET.getlist("entity") if v.strip().isdigit()]
    suggestions = []
    if len(query) >= 2 or query.isdigit():
        matches = Q(name__icontains=query) | Q(
            Exists(Alias.objects.filter(entity=OuterRef("pk"), text__icontains=query))
        )
        if query.isdigit():
            matches |= Q(pk=int(query))
        entities = (
            Entity.objects.active()
            .filter(matches)
            .exclude(pk__in=chosen_ids)
            .annotate(
                rank=Case(
                    When(name__iexact=query, then=Value(0)),
                    When(name__istartswith=query, then=Value(1)),
                    default=Value(2),
                    output_field=IntegerField(),
                ),
                kind_rank=Case(When(kind=Entity.Kind.PLACE, then=Value(1)), default=Value(0)),
            )
            .order_by("rank", "provisional", "kind_rank", F("population").desc(nulls_last=True), "name", "pk")
        )[:SUGGESTIONS]
        suggestions = [{"entity": e, "url": crossref_url([*chosen_ids, e.pk])} for e in entities]
    return render(request, "events/crossref_suggest.html", {"suggestions": suggestions, "query": query})
