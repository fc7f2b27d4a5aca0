"""Cross-reference: what chosen actors and places share over time, who else is around them,
and what each said about the other (events/selectors/entities.py reads it)."""

from __future__ import annotations

from itertools import combinations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from events.models import Entity
from events.presentation import charts
from events.presentation.figures import network_of
from events.presentation.links import crossref_url, event_list_link, events_url
from events.selectors.entities import (
    claims_between,
    entity_suggestions,
    event_counts_by_date,
    events_of,
    neighbours,
    pair_counts,
    resolve_entities,
)

MAX_ENTITIES = 8
SHARED_LISTED = 50
PROPOSALS = 8


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
            {**row, "url": crossref_url([*ids, row["entity_id"]])}
            for row in neighbours(chosen, limit=PROPOSALS)
        ]
    if len(chosen) >= 2:
        context.update(_comparison(chosen))
    return render(request, "events/crossref.html", context)


def _comparison(chosen: list[Entity]) -> dict:
    """What two or more chosen entities share: the timeline, the events, the pairs' counts,
    the network around them, and what each said about each other."""
    shared = events_of(chosen)
    by_date = event_counts_by_date(shared)
    counts = pair_counts(chosen)
    near = neighbours(chosen)
    said = claims_between(chosen)
    return {
        "timeline": charts.timeline_buckets(by_date, link=event_list_link(chosen)),
        "shared_total": sum(n for _day, n in by_date),
        "shared_events": shared.select_related("place").order_by("-date", "-pk")[:SHARED_LISTED],
        "shared_list_url": events_url(chosen),
        "pairs": [
            {"a": a, "b": b, "count": counts.get((a.pk, b.pk), 0), "url": crossref_url([a.pk, b.pk])}
            for a, b in combinations(chosen, 2)
        ],
        "totals": [{"entity": e, "count": counts.get((e.pk, e.pk), 0)} for e in chosen],
        "network": network_of(chosen, near, counts),
        "said": [
            {"speaker": a, "about": b, "claims": said.get((a.pk, b.pk), [])}
            for a in chosen
            for b in chosen
            if a.pk != b.pk
        ],
    }


@require_GET
def crossref_suggest(request: HttpRequest) -> HttpResponse:
    """Entities whose name or alias contains the typed text (`add`, or `q`), as links that
    add them to the chosen ones (`entity`): an HTML fragment for the picker (htmx)."""
    query = (request.GET.get("add") or request.GET.get("q") or "").strip()
    chosen_ids = [int(v) for v in request.GET.getlist("entity") if v.strip().isdigit()]
    suggestions = []
    if len(query) >= 2 or query.isdigit():
        suggestions = [
            {"entity": e, "url": crossref_url([*chosen_ids, e.pk])}
            for e in entity_suggestions(query, exclude=chosen_ids)
        ]
    return render(request, "events/crossref_suggest.html", {"suggestions": suggestions, "query": query})
