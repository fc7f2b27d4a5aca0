"""What the maps and the network chart draw for an event, an entity or a cross-reference
(events/presentation/charts.py draws them)."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

from django.urls import reverse

from events.models import Entity, Event
from events.presentation import charts
from events.selectors.entities import country_code


def event_map(event: Event) -> dict | None:
    """The place as a marker (a country only highlighted: its capital would mislead) and the
    place's country highlighted; None without a place."""
    place = event.place
    if place is None:
        return None
    markers = []
    if place.kind != place.Kind.COUNTRY and place.latitude is not None and place.longitude is not None:
        markers.append(charts.Marker(place.latitude, place.longitude, place.name, place.get_absolute_url()))
    highlight = [place.country] if place.country else []
    if not markers and not highlight:
        return None
    return {"markers": markers, "highlight": highlight}


def entity_map(entity: Entity, places: list[Entity]) -> dict | None:
    """The places of the entity's events as markers (a place entity among them), its country
    highlighted for places and countries; None when there is nothing to show."""
    markers = [charts.Marker(p.latitude, p.longitude, p.name, p.get_absolute_url(), p.n) for p in places]
    is_place = (
        entity.kind == Entity.Kind.PLACE and entity.latitude is not None and entity.longitude is not None
    )
    if is_place and all(p.pk != entity.pk for p in places):
        markers.append(
            charts.Marker(entity.latitude, entity.longitude, entity.name, entity.get_absolute_url(), 1)
        )
    code = country_code(entity) or (entity.country if entity.kind == Entity.Kind.PLACE else "")
    highlight = [code] if code else []
    if not markers and not highlight:
        return None
    return {"markers": markers, "highlight": highlight}


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
