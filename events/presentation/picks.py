"""What a merge or relink box shows of each record it offers: a label, a hint that tells
records of the same name apart, and the text a pick puts into the box ("Nr. 123 · Label",
which the server reads back as number 123: events/selectors/choices.py)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from events.models import Entity, Event
from events.selectors.details import type_label

HINT_DESCRIPTION_CHARS = 40


@dataclass(frozen=True)
class Pick:
    pk: int
    label: str
    hint: str
    url: str

    @property
    def value(self) -> str:
        return _("No. %(number)d · %(label)s") % {"number": self.pk, "label": self.label}


def event_pick(event: Event) -> Pick:
    """Title; type, date, place, number of articles and the event's number."""
    parts = [type_label(event.type)]
    parts.append(date_format(event.date, "SHORT_DATE_FORMAT") if event.date else _("date unknown"))
    if event.place_id:
        parts.append(event.place.name)
    count = getattr(event, "article_count", None)
    if count is not None:
        parts.append(ngettext("%(n)d article", "%(n)d articles", count) % {"n": count})
    parts.append(_("no. %(number)d") % {"number": event.pk})
    return Pick(event.pk, event.title, " · ".join(parts), event.get_absolute_url())


def entity_pick(entity: Entity) -> Pick:
    """Name; kind, description, country, how often it is mentioned, provisional, number."""
    parts = [str(entity.get_kind_display())]
    if entity.description:
        description = entity.description
        if len(description) > HINT_DESCRIPTION_CHARS:
            description = description[: HINT_DESCRIPTION_CHARS - 1] + "…"
        parts.append(description)
    if entity.country:
        parts.append(entity.country)
    if entity.mention_count:
        parts.append(
            ngettext("%(n)s mention", "%(n)s mentions", entity.mention_count)
            % {"n": number_format(entity.mention_count, force_grouping=True)}
        )
    if entity.provisional:
        parts.append(_("provisional"))
    parts.append(_("no. %(number)d") % {"number": entity.pk})
    return Pick(entity.pk, entity.name, " · ".join(parts), entity.get_absolute_url())
