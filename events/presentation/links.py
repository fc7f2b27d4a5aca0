"""Links between the pages about entities: to the event list filtered to them, to the
cross-reference of some of them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from urllib.parse import urlencode

from django.urls import reverse

from events.models import Entity
from events.selectors.entities import country_code


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


def events_url(entities: Sequence[Entity]) -> str:
    """The event list filtered to the events of all these entities."""
    return f"{reverse('events:events')}?{urlencode(event_filter_params(entities))}"


def event_list_link(entities: Sequence[Entity]) -> Callable[[date, date], str]:
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
