"""Who reported it: the articles of a search, of an actor or place, or of an event, counted by
outlet (the page /coverage/, events/views/coverage.py).

The articles are the article list's (`articles_where`), so the count of each outlet is what its
link to that list shows. PostgreSQL does the counting: one query for the outlets (articles,
first and last date), one for the chart (articles per outlet and day, week or month, the
outlets after the first TOP_OUTLETS already summed up); no article is loaded.

Unlike the lists, which ignore a value they cannot read, this page says what is wrong with
it (`SubjectError`): a hand-made link to it that names no actor would otherwise count the
whole archive under the actor's heading.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Case, Count, DateField, F, IntegerField, Max, Min, Q, QuerySet, Value, When
from django.db.models.functions import Trunc
from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import Entity, Event
from events.presentation.charts import bucket_unit
from events.selectors import parameters as read
from events.selectors.events import event_survivor
from events.selectors.lists import articles_where

TOP_OUTLETS = 8  # drawn one by one in the chart; the others are one series, "other outlets"
# Series keys of the chart beside the outlets' ids.
OTHERS = -1
UNKNOWN = 0  # articles without an outlet


class SubjectError(Exception):
    """A parameter the page cannot use; the message says which and how to write it."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


class SubjectMoved(Exception):
    """The actor or event was merged into another one: the page of the survivor (`params`)."""

    def __init__(self, params: dict[str, str]):
        super().__init__(params)
        self.params = params


@dataclass(frozen=True)
class Subject:
    """What the page counts: the articles found by `query`, naming `entity`, reporting `event`,
    published between the dates (all of them together); no search, actor or event is the
    whole archive."""

    query: str = ""
    entity: Entity | None = None
    event: Event | None = None
    date_from: date | None = None
    date_to: date | None = None

    @property
    def params(self) -> dict[str, str]:
        """The article list's parameters for these articles (the same names)."""
        values = {
            "q": self.query,
            "entity": self.entity.pk if self.entity else None,
            "event": self.event.pk if self.event else None,
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
        }
        return {name: str(value) for name, value in values.items() if value}

    @property
    def everything(self) -> bool:
        return not (self.query or self.entity or self.event)


def _last(params, name: str) -> str:
    found = read.values(params, name)
    return found[-1] if found else ""


def _number(params, name: str, message: str) -> int | None:
    value = _last(params, name)
    if not value:
        return None
    if not (value.isascii() and value.isdigit() and len(value) < 10):
        raise SubjectError(message % {"value": value[:40]})
    return int(value)


def _day(params, name: str) -> date | None:
    value = _last(params, name)
    if not value:
        return None
    parsed = read.day({name: value}, name)
    if parsed is None:
        raise SubjectError(
            _("“%(value)s” is not a date: write it as YYYY-MM-DD, e.g. 2024-06-19.") % {"value": value[:40]}
        )
    return parsed


def _entity(params) -> Entity | None:
    pk = _number(
        params, "entity", _("An actor or place is given by its number (entity=12), not by “%(value)s”.")
    )
    if pk is None:
        return None
    entity = Entity.objects.filter(pk=pk).first()
    if entity is None:
        raise SubjectError(_("There is no actor or place no. %(pk)d.") % {"pk": pk}, status=404)
    if entity.merged_into_id:
        raise SubjectMoved({**coverage_params(params), "entity": str(entity.merged_into_id)})
    return entity


def _event(params) -> Event | None:
    pk = _number(params, "event", _("An event is given by its number (event=12), not by “%(value)s”."))
    if pk is None:
        return None
    event = Event.objects.filter(pk=pk).first()
    survivor = event_survivor(event)[0] if event is not None and event.merged_into_id else event
    if survivor is None:
        raise SubjectError(_("There is no event no. %(pk)d (any more).") % {"pk": pk}, status=404)
    if survivor.pk != pk:
        raise SubjectMoved({**coverage_params(params), "event": str(survivor.pk)})
    return survivor


def read_subject(params) -> Subject:
    """The page's parameters: `q` (full text, as the lists read it), `entity` and `event` (ids),
    `date_from` and `date_to` (YYYY-MM-DD). SubjectError for a value that does not parse, an
    id that names nothing or a range that ends before it begins; SubjectMoved for a merged
    actor or event."""
    subject = Subject(
        query=read.text(params, "q"),
        entity=_entity(params),
        event=_event(params),
        date_from=_day(params, "date_from"),
        date_to=_day(params, "date_to"),
    )
    if subject.date_from and subject.date_to and subject.date_from > subject.date_to:
        raise SubjectError(
            _("The range ends (%(end)s) before it begins (%(start)s).")
            % {"start": subject.date_from.strftime("%d.%m.%Y"), "end": subject.date_to.strftime("%d.%m.%Y")}
        )
    return subject


def coverage_params(params) -> dict[str, str]:
    """This page's parameters for a list's filters: its search, actor or place, event and dates,
    read as the list reads them (a value it ignores is left out); {} when the list has no
    search, actor or event."""
    values = {
        "q": read.text(params, "q"),
        "entity": read.one_id(params, "entity"),
        "event": read.one_id(params, "event"),
        "date_from": read.day(params, "date_from"),
        "date_to": read.day(params, "date_to"),
    }
    if not (values["q"] or values["entity"] or values["event"]):
        return {}
    return {name: str(value) for name, value in values.items() if value}


# --- counting -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class OutletRow:
    """One outlet's articles (outlet_id None: the articles without an outlet)."""

    outlet_id: int | None
    name: str
    domain: str
    state_affiliated: bool
    wire_agency: bool
    count: int
    share: float  # of all the articles counted, 0 to 1
    first: datetime | None  # the earliest and latest publication (None: no article has a date)
    last: datetime | None
    same_name: bool = False  # another outlet of the table has this name: show the domain

    @property
    def percent(self) -> float:
        return 100 * self.share


@dataclass(frozen=True)
class Coverage:
    subject: Subject
    total: int = 0
    rows: list[OutletRow] = field(default_factory=list)  # most articles first; no outlet last
    undated: int = 0  # articles without a publication date: in the table, not in the chart
    unit: str = "day"  # of the chart's buckets: day, week, month or year
    top: list[int] = field(default_factory=list)  # the outlets the chart draws one by one
    # (series key, first day of the bucket) -> articles: an outlet's id, OTHERS or UNKNOWN.
    buckets: dict[tuple[int, date], int] = field(default_factory=dict)

    @property
    def outlets(self) -> int:
        return sum(1 for row in self.rows if row.outlet_id is not None)

    @property
    def first(self) -> datetime | None:
        return min((row.first for row in self.rows if row.first), default=None)

    @property
    def last(self) -> datetime | None:
        return max((row.last for row in self.rows if row.last), default=None)


def outlet_coverage(subject: Subject, top: int = TOP_OUTLETS) -> Coverage:
    """The subject's articles by outlet, and by outlet over time: two queries."""
    articles = articles_where(subject.params).order_by()
    rows, undated = _outlet_rows(articles)
    total = sum(row.count for row in rows)
    firsts = [row.first for row in rows if row.first]
    if not firsts:  # nothing found, or nothing with a date: no chart
        return Coverage(subject, total, rows, undated)
    unit = bucket_unit(
        timezone.localtime(min(firsts)).date(),
        timezone.localtime(max(row.last for row in rows if row.last)).date(),
    )
    chosen = [row.outlet_id for row in rows if row.outlet_id is not None and row.first][:top]
    return Coverage(subject, total, rows, undated, unit, chosen, _per_bucket(articles, unit, chosen))


def _outlet_rows(articles: QuerySet) -> tuple[list[OutletRow], int]:
    """Each outlet's articles, first and last date, most articles first (the articles without
    an outlet last); and how many articles have no date."""
    found = list(
        articles.values(
            "outlet_id", "outlet__name", "outlet__domain", "outlet__state_affiliated", "outlet__wire_agency"
        ).annotate(
            n=Count("pk"),
            undated=Count("pk", filter=Q(published_at__isnull=True)),
            first=Min("published_at"),
            last=Max("published_at"),
        )
    )
    total = sum(r["n"] for r in found)
    names = Counter(r["outlet__name"].casefold() for r in found if r["outlet_id"] is not None)
    found.sort(
        key=lambda r: (
            r["outlet_id"] is None,
            -r["n"],
            (r["outlet__name"] or "").casefold(),
            r["outlet_id"] or 0,
        )
    )
    rows = [
        OutletRow(
            outlet_id=r["outlet_id"],
            name=r["outlet__name"] or "",
            domain=r["outlet__domain"] or "",
            state_affiliated=bool(r["outlet__state_affiliated"]),
            wire_agency=bool(r["outlet__wire_agency"]),
            count=r["n"],
            share=r["n"] / total,
            first=r["first"],
            last=r["last"],
            same_name=r["outlet_id"] is not None and names[r["outlet__name"].casefold()] > 1,
        )
        for r in found
    ]
    return rows, sum(r["undated"] for r in found)


def _per_bucket(articles: QuerySet, unit: str, chosen: list[int]) -> dict[tuple[int, date], int]:
    """Dated articles per series and bucket (the bucket's first day, in the portal's time zone):
    the chosen outlets each on their own, the other outlets together, no outlet apart."""
    series = Case(
        *([When(outlet_id__in=chosen, then=F("outlet_id"))] if chosen else []),
        When(outlet_id__isnull=True, then=Value(UNKNOWN)),
        default=Value(OTHERS),
        output_field=IntegerField(),
    )
    rows = (
        articles.filter(published_at__isnull=False)
        .annotate(series=series, start=Trunc("published_at", unit, output_field=DateField()))
        .values("series", "start")
        .annotate(n=Count("pk"))
    )
    return {(r["series"], r["start"]): r["n"] for r in rows}
