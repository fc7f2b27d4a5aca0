"""Which record an editor means by what they typed into a merge or relink box, and what the
box suggests while they type.

A box takes a number ("123", "Nr. 123", "#123"), a picked suggestion ("Nr. 123 · Treffen in
Moskau"), or words of the title or name. A number names that record; words name the one
record they match, or the one whose whole title or name they are; anything else is a
`Choice` with the candidates to pick from or the reason nothing was found, in words for the
editor. Nothing here raises for what a person typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Case, DateField, F, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from events.analysis.event_types import load_taxonomy
from events.models import Entity, Event, EventArticle
from events.selectors.entities import SUGGESTIONS, entity_suggestions
from events.selectors.events import DaysApart
from events.selectors.lists import subquery_count

# "123", "Nr. 123", "Nr.123", "No. 123", "#123", "Nr. 123 · Titel …": the number, if the text
# is one or starts with one followed by a separator (never the number in "2024 Gipfel", nor
# the year of "2024-06-19").
_NUMBER = re.compile(r"^\s*(?:(?:nr|no)\.?\s*|#\s*)?(\d{1,9})\s*(?:$|[·–—|:,(]|(?<=\s)-)", re.IGNORECASE)
_DAY = re.compile(r"^(?:(\d{1,2})\.(\d{1,2})\.(\d{4})|(\d{4})-(\d{2})-(\d{2}))$")
_YEAR = re.compile(r"^(19|20)\d\d$")


@dataclass
class Choice:
    """What a box named: `record`, or else `candidates` to pick from (when several match) and
    the `problem` to tell the editor."""

    record: object | None = None
    candidates: list = field(default_factory=list)
    problem: str = ""


def typed_number(text: str) -> int | None:
    """The record number the text is (or starts with, as a picked suggestion does)."""
    found = _NUMBER.match(text or "")
    return int(found.group(1)) if found else None


def _day(word: str) -> date | None:
    found = _DAY.match(word)
    if not found:
        return None
    day, month, year = (
        (found.group(1), found.group(2), found.group(3)) if found.group(1) else found.group(6, 5, 4)
    )
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def _event_condition(query: str) -> Q | None:
    """Every word in the title (or the type's label), a date ("12.03.2024", "2024-03-12") or a
    year ("2024") as the event's; None when the query holds nothing to search for."""
    labels = {type_id: event_type.label.casefold() for type_id, event_type in load_taxonomy().types.items()}
    condition, searched = Q(), False
    words = query.split()
    for word in words:
        day = _day(word)
        if day is not None:
            condition &= Q(date=day)
        elif _YEAR.match(word) and len(words) > 1:
            condition &= Q(date__year=int(word))
        else:
            folded = word.casefold()
            types = [type_id for type_id, label in labels.items() if folded in label]
            condition &= Q(title__icontains=word) | Q(type__in=types)
        searched = True
    return condition if searched else None


def event_suggestions(query: str, source: Event | None = None, limit: int = SUGGESTIONS) -> list[Event]:
    """Active events (not `source`) that the typed text names, best first, each with `rank`
    (0: its whole title, or its number; 1: a title starting with the text; 2: one holding it;
    3: one holding each of its words, in any order, or the type's label). With
    a source, events of its type and near its date come first: the event to merge into is
    usually the same happening, reported a day later.

    One query over the events' table (21,000 events at 100,000 articles: a few milliseconds).
    """
    query = " ".join((query or "").split())
    condition = _event_condition(query)
    number = typed_number(query)
    if condition is None and number is None:
        return []
    matches = condition if condition is not None else Q(pk__in=[])
    exact = Q(title__iexact=query)
    if number is not None:
        matches |= Q(pk=number)
        exact |= Q(pk=number)
    events: QuerySet[Event] = Event.objects.active().filter(matches).select_related("place")
    order: list = ["rank"]
    if source is not None:
        events = events.exclude(pk=source.pk).annotate(
            same_type=Case(
                When(type=source.type, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        order.append("same_type")
        if source.date:
            events = events.annotate(apart=DaysApart(F("date"), Value(source.date, output_field=DateField())))
            order.append(F("apart").asc(nulls_last=True))
    events = events.annotate(
        article_count=subquery_count(EventArticle.objects.filter(event=OuterRef("pk")), "event"),
        rank=Case(
            When(exact, then=Value(0)),
            When(title__istartswith=query, then=Value(1)),
            When(title__icontains=query, then=Value(2)),
            default=Value(3),
            output_field=IntegerField(),
        ),
    )
    return list(events.order_by(*order, F("date").desc(nulls_last=True), "-pk")[:limit])


def resolve_event(text: str, source: Event) -> Choice:
    """The event to merge `source` into, as the editor typed it."""
    text = " ".join((text or "").split())
    if not text:
        return Choice(problem=_("Type the title or the number of the event to merge into."))
    number = typed_number(text)
    if number is not None:
        if number == source.pk:
            return Choice(problem=_("That is this event itself: choose another one."))
        event = Event.objects.filter(pk=number).first()
        if event is None:
            return Choice(problem=_("There is no event no. %(number)d.") % {"number": number})
        if event.merged_into_id:
            return Choice(
                problem=_("Event no. %(number)d was merged into no. %(target)d: choose that one.")
                % {"number": number, "target": event.merged_into_id}
            )
        return Choice(record=event)
    found = event_suggestions(text, source, limit=SUGGESTIONS + 1)
    return _one_of(
        found,
        none=_("No event matches “%(text)s”.") % {"text": text},
        several=_("Several events match “%(text)s”: choose one.") % {"text": text},
    )


def resolve_entity(text: str, exclude: int | None = None) -> Choice:
    """The entity an editor typed (to merge into, to link a mention to); `exclude` is the one
    the box is about, which cannot be its own answer."""
    text = " ".join((text or "").split())
    if not text:
        return Choice(problem=_("Type the name or the number of the actor or place."))
    number = typed_number(text)
    if number is not None:
        if number == exclude:
            return Choice(problem=_("That is this entity itself: choose another one."))
        entity = Entity.objects.select_related("merged_into").filter(pk=number).first()
        if entity is None:
            return Choice(problem=_("There is no actor or place no. %(number)d.") % {"number": number})
        if entity.merged_into_id:
            return Choice(
                problem=_(
                    "%(name)s (no. %(number)d) was merged into %(target)s (no. %(target_no)d): choose that one."
                )
                % {
                    "name": entity.name,
                    "number": number,
                    "target": entity.merged_into.name,
                    "target_no": entity.merged_into_id,
                }
            )
        return Choice(record=entity)
    found = entity_suggestions(text, exclude=[exclude] if exclude else [], limit=SUGGESTIONS + 1)
    return _one_of(
        found,
        none=_("No actor or place matches “%(text)s”.") % {"text": text},
        several=_("Several actors and places match “%(text)s”: choose one.") % {"text": text},
    )


def _one_of(found: list, *, none: str, several: str) -> Choice:
    """The only match, or the only exact one (rank 0) among several; else the candidates."""
    if len(found) == 1:
        return Choice(record=found[0])
    exact = [record for record in found if record.rank == 0]
    if len(exact) == 1:
        return Choice(record=exact[0])
    if not found:
        return Choice(problem=none)
    return Choice(candidates=found[:SUGGESTIONS], problem=several)
