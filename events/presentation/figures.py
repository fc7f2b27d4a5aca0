"""What the maps and the charts draw for an event, an entity, a cross-reference or the coverage
by outlet (events/presentation/charts.py draws them)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from itertools import combinations
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from events.models import Entity, Event
from events.presentation import charts
from events.selectors.coverage import OTHERS, UNKNOWN, Coverage, OutletRow, Subject
from events.selectors.entities import country_code
from ingest.models import Outlet
from ingest.models import outlet_label as outlet_choice_label


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


def outlet_marks(outlet: Outlet | OutletRow | None) -> tuple[str, ...]:
    """The marks of an outlet or a table's row: "state" where state-affiliated, "wire" for a wire
    agency."""
    if outlet is None:
        return ()
    return tuple(
        mark for mark, flag in (("state", outlet.state_affiliated), ("wire", outlet.wire_agency)) if flag
    )


def outlet_marks_html(outlet: Outlet | OutletRow | None) -> SafeString:
    """The marks beside an outlet's name, patterned like the chart's (static/css/charts.css)."""
    return format_html_join(
        "",
        ' <span class="outlet-mark mark-{}">{}</span>',
        ((m, charts.mark_label(m)) for m in outlet_marks(outlet)),
    )


def outlet_label(row: OutletRow) -> str:
    """The outlet's name, with its domain where another outlet of the table has the same name;
    "outlet unknown" for the articles without one."""
    if row.outlet_id is None:
        return _("outlet unknown")
    return outlet_choice_label(row.name, row.domain, row.same_name)


def articles_link(subject: Subject) -> Callable[..., str]:
    """A function (outlet id, first day, last day; each may be None) -> the article list of the
    subject's articles of that outlet between those days (kept within the subject's range)."""
    path = reverse("events:articles")

    def link(outlet_id: int | None = None, start: date | None = None, end: date | None = None) -> str:
        params = subject.params
        if outlet_id is not None:
            params["outlet"] = str(outlet_id)
        if start is not None:
            params["date_from"] = max(start, subject.date_from or start).isoformat()
        if end is not None:
            params["date_to"] = min(end, subject.date_to or end).isoformat()
        return f"{path}?{urlencode(params)}"

    return link


def coverage_rows(coverage: Coverage) -> list[dict]:
    """The outlets' table with every cell formatted here, the language's separators and the time
    zone read once: 456 outlets through the template's filters (numbers, dates, marks) and a
    reverse() per link took about 130 ms of CPU, this about 20 ms."""
    zone = timezone.get_current_timezone()
    thousands, decimal = formats.get_format("THOUSAND_SEPARATOR"), formats.get_format("DECIMAL_SEPARATOR")
    link = articles_link(coverage.subject)
    marks: dict[tuple[bool, bool], SafeString] = {}

    def day(moment: datetime | None) -> str:
        return moment.astimezone(zone).strftime("%d.%m.%Y") if moment else "–"

    rows = []
    for row in coverage.rows:
        flags = (row.state_affiliated, row.wire_agency)
        rows.append(
            {
                "outlet_id": row.outlet_id,
                "label": outlet_label(row),
                "marks": marks.setdefault(flags, outlet_marks_html(row)),
                "url": link(row.outlet_id) if row.outlet_id is not None else "",
                "count": f"{row.count:,}".replace(",", thousands),
                "share": f"{row.percent:.1f}".replace(".", decimal),
                "first": day(row.first),
                "last": day(row.last),
            }
        )
    return rows


def coverage_timeline(coverage: Coverage) -> charts.StackedTimeline:
    """The chart of the coverage: the top outlets one by one (most articles at the bottom),
    then the other outlets together, then the articles without an outlet; each outlet's part
    of a bar links to its articles of that day, week or month."""
    rows = {row.outlet_id: row for row in coverage.rows}
    keys: list[int] = list(coverage.top)
    series = [
        charts.Series(outlet_label(rows[pk]), f"s{i % charts.PALETTE}", outlet_marks(rows[pk]))
        for i, pk in enumerate(keys)
    ]
    present = {key for key, _day in coverage.buckets}
    if OTHERS in present:
        keys.append(OTHERS)
        series.append(charts.Series(_("other outlets"), "other"))
    if UNKNOWN in present:
        keys.append(UNKNOWN)
        series.append(charts.Series(_("outlet unknown"), "unknown"))
    index = {key: i for i, key in enumerate(keys)}

    articles = articles_link(coverage.subject)

    def link(i: int, start: date, end: date) -> str:
        return articles(keys[i], start, end) if keys[i] not in (OTHERS, UNKNOWN) else ""

    counts = [(index[key], day, n) for (key, day), n in coverage.buckets.items()]
    return charts.stacked_buckets(counts, series, coverage.unit, link)
