"""Maps and charts drawn as SVG on the server: no JavaScript, no map tiles, no network.

Pure functions: data in, markup out. The views gather the data, the template tags in
``events/templatetags/charts.py`` put the markup on the page next to a plain table for screen
readers. All text that goes into the markup is escaped here.

Maps: country outlines come from the Natural Earth 1:110m world (TopoJSON of the npm package
world-atlas, ``settings.WORLD_ATLAS``), decoded here and kept in memory. The projection is
equirectangular with its standard parallel in the middle of the view, so a zoomed-in region
keeps its shape; the view is fitted to what the map shows.
"""

from __future__ import annotations

import functools
import gettext as gettext_module
import json
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.utils import dateformat
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

Point = tuple[float, float]  # (longitude, latitude)
LABEL_SIZE = 15  # charts are shown scaled down to about 500-700 pixels: labels stay readable
HALO = 'stroke="#ffffff" stroke-width="3" stroke-linejoin="round" paint-order="stroke"'
Ring = list[Point]
BBox = tuple[float, float, float, float]  # west, south, east, north

# --- TopoJSON -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Country:
    """One country of the atlas: ISO 3166 numeric id ("" for a few disputed areas)."""

    id: str
    name: str
    polygons: tuple[tuple[tuple[Point, ...], ...], ...]  # polygons -> rings (outer first) -> points
    bbox: BBox
    main_bbox: BBox  # of the largest polygon: mainland France, not French Guiana


def decode_arcs(topology: dict) -> list[list[Point]]:
    """The topology's arcs as absolute coordinates.

    A quantized topology (one with a ``transform``) stores each arc as integer steps: the first
    position absolute, every further one relative to the previous (delta encoding).
    """
    transform = topology.get("transform")
    if not transform:
        return [[(float(p[0]), float(p[1])) for p in arc] for arc in topology.get("arcs", [])]
    (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
    arcs = []
    for arc in topology.get("arcs", []):
        x = y = 0
        points = []
        for position in arc:
            x += position[0]
            y += position[1]
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def decode_ring(arcs: Sequence[Sequence[Point]], indices: Sequence[int]) -> Ring:
    """One ring from its arc indices; a negative index ``~i`` means arc i reversed."""
    points: Ring = []
    for index in indices:
        arc = list(arcs[index]) if index >= 0 else list(reversed(arcs[~index]))
        # Consecutive arcs share their end point: keep it once.
        points.extend(arc[1:] if points else arc)
    return points


def decode_polygons(geometry: dict, arcs: Sequence[Sequence[Point]]) -> list[list[Ring]]:
    """Polygons (each a list of rings, the outer ring first) of a Polygon or MultiPolygon."""
    kind = geometry.get("type")
    if kind == "Polygon":
        return [[decode_ring(arcs, ring) for ring in geometry["arcs"]]]
    if kind == "MultiPolygon":
        return [[decode_ring(arcs, ring) for ring in polygon] for polygon in geometry["arcs"]]
    if kind == "GeometryCollection":
        return [p for g in geometry.get("geometries", []) for p in decode_polygons(g, arcs)]
    return []  # points, lines and null geometries outline no country


def _bbox(points: Iterable[Point]) -> BBox:
    xs, ys = zip(*points, strict=True)
    return min(xs), min(ys), max(xs), max(ys)


def _ring_area(ring: Ring) -> float:
    return (
        abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True))) / 2
    )


def unwrap_ring(ring: Ring) -> Ring:
    """The ring without jumps across the antimeridian: after a step of more than 180 degrees
    the following longitudes go on past ±180 (Russia's Chukotka at 190 rather than -170).
    A ring around a pole (Antarctica) is closed along the pole."""
    if not ring:
        return ring
    out = [ring[0]]
    shift = 0.0
    for (lon0, _lat0), (lon1, lat1) in zip(ring, ring[1:], strict=False):
        if lon1 - lon0 > 180:
            shift -= 360
        elif lon0 - lon1 > 180:
            shift += 360
        out.append((lon1 + shift, lat1))
    if abs(out[-1][0] - out[0][0]) > 180:
        pole = -90.0 if sum(lat for _, lat in out) < 0 else 90.0
        out += [(out[-1][0], pole), (out[0][0], pole)]
    return out


def decode_countries(topology: dict, object_name: str = "countries") -> list[Country]:
    """The countries of a world topology, with rings unwrapped at the antimeridian."""
    arcs = decode_arcs(topology)
    countries = []
    for geometry in topology["objects"][object_name].get("geometries", []):
        polygons = [
            [unwrap_ring(ring) for ring in polygon]
            for polygon in decode_polygons(geometry, arcs)
            if polygon and len(polygon[0]) >= 3
        ]
        if not polygons:
            continue
        main = max(polygons, key=lambda p: _ring_area(p[0]))
        countries.append(
            Country(
                id=str(geometry.get("id", "")),
                name=(geometry.get("properties") or {}).get("name", ""),
                polygons=tuple(tuple(tuple(ring) for ring in polygon) for polygon in polygons),
                bbox=_bbox(pt for polygon in polygons for pt in polygon[0]),
                main_bbox=_bbox(main[0]),
            )
        )
    return countries


@functools.lru_cache(maxsize=2)
def _load_world(path: str, mtime: float) -> tuple[Country, ...]:
    return tuple(decode_countries(json.loads(Path(path).read_text(encoding="utf-8"))))


def world_countries(path: Path | str | None = None) -> tuple[Country, ...]:
    """The atlas's countries, decoded once per process (and again if the file changes);
    () when the file is missing or unreadable: maps then show markers on a graticule."""
    path = Path(path or settings.WORLD_ATLAS)
    try:
        return _load_world(str(path), path.stat().st_mtime)
    except (OSError, ValueError, KeyError, TypeError):
        return ()


# Areas the atlas has without a numeric code, by ISO alpha-2 (user-assigned code for Kosovo).
UNNUMBERED = {"XK": "Kosovo"}


def numeric_code(alpha2: str) -> str:
    """ISO 3166 numeric code ("276") for an alpha-2 code ("DE"), "" if unknown."""
    import pycountry

    country = pycountry.countries.get(alpha_2=(alpha2 or "").upper()) if len(alpha2 or "") == 2 else None
    return country.numeric if country else ""


@functools.lru_cache(maxsize=8)
def _iso3166_translation(language: str) -> Callable[[str], str]:
    import pycountry

    try:
        return gettext_module.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language]).gettext
    except OSError:
        return str


def country_name(country: Country) -> str:
    """The country's name in the current language (pycountry's ISO 3166 translations)."""
    import pycountry

    known = pycountry.countries.get(numeric=country.id) if country.id else None
    if known is None:
        return country.name
    name = getattr(known, "common_name", None) or known.name
    return _iso3166_translation((get_language() or "de").split("-")[0])(name)


def alpha2_name(alpha2: str) -> str:
    """The name of a country by ISO alpha-2 code, in the current language; the code if unknown."""
    import pycountry

    known = pycountry.countries.get(alpha_2=alpha2.upper()) if len(alpha2 or "") == 2 else None
    if known is None:
        return alpha2
    name = getattr(known, "common_name", None) or known.name
    return _iso3166_translation((get_language() or "de").split("-")[0])(name)


def _matches(country: Country, alpha2_codes: set[str], numeric_codes: set[str]) -> bool:
    if country.id:
        return country.id in numeric_codes
    return any(UNNUMBERED.get(code) == country.name for code in alpha2_codes)


# --- the map view ---------------------------------------------------------------------------

MAX_LAT = 85.0
MIN_SPAN = 10.0  # degrees of latitude at least: a single city shows its region
PADDING = 0.2  # of the markers' extent, on each side
WORLD_BBOX: BBox = (-180.0, -58.0, 180.0, 84.0)  # Antarctica left out
WORLD_SHIFTS = (0.0, -360.0, 360.0)


@dataclass(frozen=True)
class View:
    """A window onto the map: degrees in, pixels out (equirectangular, standard parallel k)."""

    west: float
    south: float
    east: float
    north: float
    width: int
    height: int
    k: float  # cos of the standard parallel

    @property
    def scale(self) -> float:
        return self.height / (self.north - self.south)

    def x(self, lon: float) -> float:
        return (lon - self.west) * self.k * self.scale

    def y(self, lat: float) -> float:
        return (self.north - lat) * self.scale

    def intersects(self, bbox: BBox, shift: float = 0.0) -> bool:
        west, south, east, north = bbox
        return (
            west + shift <= self.east
            and east + shift >= self.west
            and south <= self.north
            and north >= self.south
        )


def fit_view(bbox: BBox | None, width: int = 800, min_span: float = MIN_SPAN) -> View:
    """The view that shows `bbox` with padding (the world without one), fitted to a width
    and a height between two fifths and two thirds of it."""
    west, south, east, north = bbox or WORLD_BBOX
    if bbox:
        pad_x, pad_y = (east - west) * PADDING, (north - south) * PADDING
        west, east, south, north = west - pad_x, east + pad_x, south - pad_y, north + pad_y
    middle_lat = (south + north) / 2
    k = math.cos(math.radians(max(-60.0, min(60.0, middle_lat))))
    span_lat = max(north - south, min_span)
    span_lon = max(east - west, min_span / k)
    centre_lon, centre_lat = (west + east) / 2, middle_lat
    # Height from the shape of the area, within bounds; then widen the other dimension.
    height = round(width * max(0.4, min(0.65, span_lat / (span_lon * k))))
    if span_lat / (span_lon * k) < height / width:
        span_lat = span_lon * k * height / width
    else:
        span_lon = span_lat * width / height / k
    if span_lat > 2 * MAX_LAT:  # more than the world is tall: a flatter picture instead
        span_lat = 2 * MAX_LAT
        height = round(width * span_lat / (span_lon * k))
    centre_lat = max(-MAX_LAT + span_lat / 2, min(MAX_LAT - span_lat / 2, centre_lat))
    if span_lon <= 360:
        centre_lon = max(-180 + span_lon / 2, min(180 - span_lon / 2, centre_lon))
    return View(
        west=centre_lon - span_lon / 2,
        south=centre_lat - span_lat / 2,
        east=centre_lon + span_lon / 2,
        north=centre_lat + span_lat / 2,
        width=width,
        height=height,
        k=k,
    )


def _num(value: float) -> str:
    """A coordinate with one decimal at most: "12", "12.5", "-3.2"."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else ("0" if text == "-0.0" else text)


def ring_path(ring: Sequence[Point], view: View, min_step: float = 0.5, shift: float = 0.0) -> str:
    """SVG path data of one closed ring (its longitudes moved by `shift`), leaving out points
    closer than `min_step` pixels to the last one kept; "" when too little is left to draw."""
    kept: list[tuple[float, float]] = []
    limit = min_step * min_step
    for lon, lat in ring:
        x, y = view.x(lon + shift), view.y(lat)
        if kept and (x - kept[-1][0]) ** 2 + (y - kept[-1][1]) ** 2 < limit:
            continue
        kept.append((x, y))
    if len(kept) < 3:
        return ""
    first, *rest = kept
    return f"M{_num(first[0])},{_num(first[1])}L" + " ".join(f"{_num(x)},{_num(y)}" for x, y in rest) + "Z"


def _graticule_step(span: float) -> int:
    for step in (1, 2, 5, 10, 15, 30):
        if span / step <= 8:
            return step
    return 30


def _graticule(view: View) -> str:
    step = _graticule_step(min(view.east - view.west, 360))
    parts = []
    lon = math.ceil(view.west / step) * step
    while lon <= view.east:
        if -180 <= lon <= 180:
            parts.append(f"M{_num(view.x(lon))},0V{view.height}")
        lon += step
    lat = math.ceil(view.south / step) * step
    while lat <= view.north:
        parts.append(f"M0,{_num(view.y(lat))}H{view.width}")
        lat += step
    return f'<path class="graticule" d="{"".join(parts)}" fill="none" stroke="#c9d3de" stroke-width="0.5"/>'


@dataclass(frozen=True)
class Marker:
    """A place on the map: its label is the tooltip, its url where a click leads."""

    lat: float
    lon: float
    label: str
    url: str = ""
    count: int = 1


def _svg_open(kind: str, ident: str, width: int, height: int, title: str, desc: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {kind}" id="{escape(ident)}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="{escape(ident)}-title {escape(ident)}-desc">'
        f'<title id="{escape(ident)}-title">{escape(title)}</title><desc id="{escape(ident)}-desc">{escape(desc)}</desc>'
    )


def _svg_close(out: list[str]) -> SafeString:
    """The assembled chart. Every text and attribute value in `out` went through escape();
    numbers are formatted by us: the whole is safe to show as it is."""
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 - assembled from escaped pieces


def _link(url: str, inner: str) -> str:
    return f'<a href="{escape(url)}">{inner}</a>' if url else inner


def map_svg(
    markers: Sequence[Marker] = (),
    highlight: Iterable[str] = (),
    *,
    title: str = "",
    desc: str = "",
    ident: str = "map",
    width: int = 800,
    countries: Sequence[Country] | None = None,
    labels: bool | None = None,
) -> SafeString:
    """A map of the markers (and highlighted countries, by ISO alpha-2), zoomed to them;
    the world when there is nothing to show. Marker labels are written next to the markers
    when there are few of them (`labels` None) or when asked."""
    countries = world_countries() if countries is None else countries
    markers = [m for m in markers if m.lat is not None and m.lon is not None]
    alpha2 = {code.upper() for code in highlight if code}
    numeric = {n for n in (numeric_code(code) for code in alpha2) if n}
    chosen = [c for c in countries if _matches(c, alpha2, numeric)]
    chosen_ids = {id(c) for c in chosen}

    boxes = [c.main_bbox for c in chosen]
    if markers:
        boxes.append(_bbox((m.lon, m.lat) for m in markers))
    bbox = None
    if boxes:
        bbox = (
            min(b[0] for b in boxes),
            min(b[1] for b in boxes),
            max(b[2] for b in boxes),
            max(b[3] for b in boxes),
        )
    view = fit_view(bbox, width)

    out = [_svg_open("map", ident, view.width, view.height, title, desc)]
    out.append(f'<rect class="sea" width="{view.width}" height="{view.height}" fill="#eef3f8"/>')
    if countries:
        for country in countries:
            # Unwrapped rings may reach past ±180: draw them again one world to the side.
            d = "".join(
                ring_path(ring, view, shift=shift)
                for shift in WORLD_SHIFTS
                if view.intersects(country.bbox, shift)
                for polygon in country.polygons
                if view.intersects(_bbox(polygon[0]), shift)
                for ring in polygon
            )
            if not d:
                continue
            lit = id(country) in chosen_ids
            out.append(
                f'<path class="country{" highlight" if lit else ""}" d="{d}" fill-rule="evenodd" '
                f'fill="{"#f6d48b" if lit else "#dfe5ec"}" stroke="#ffffff" stroke-width="0.6">'
                f"<title>{escape(country_name(country))}</title></path>"
            )
    out.append(_graticule(view))
    if not countries:
        out.append(
            f'<text class="map-hint" x="{view.width // 2}" y="24" text-anchor="middle" font-size="13" fill="#5b6577">'
            f"{escape(_('Country outlines are not installed (make setup).'))}</text>"
        )
    most = max((m.count for m in markers), default=1) or 1
    show_labels = len(markers) <= 5 if labels is None else labels
    # Big markers first, so that small ones stay clickable on top of them.
    for marker in sorted(markers, key=lambda m: (-m.count, m.label)):
        x, y = view.x(marker.lon), view.y(marker.lat)
        radius = 6 if most == 1 else 4 + 8 * math.sqrt(marker.count / most)
        tooltip = marker.label if most == 1 else f"{marker.label}: {marker.count}"
        circle = (
            f'<circle class="marker" cx="{_num(x)}" cy="{_num(y)}" r="{_num(radius)}" fill="#b3261e" '
            f'fill-opacity="0.8" stroke="#ffffff" stroke-width="1"><title>{escape(tooltip)}</title></circle>'
        )
        if show_labels:
            circle += (
                f'<text class="marker-label" x="{_num(x + radius + 4)}" y="{_num(y + 5)}" font-size="{LABEL_SIZE}" '
                f'fill="#1d2430" {HALO}>{escape(marker.label)}</text>'
            )
        out.append(_link(marker.url, circle))
    return _svg_close(out)


# --- timeline -------------------------------------------------------------------------------

UNITS = ("day", "week", "month", "year")
MAX_BAR = 48  # pixels: a few buckets make wide slots, not slabs


@dataclass(frozen=True)
class Bucket:
    start: date
    end: date  # inclusive
    count: int
    url: str = ""


@dataclass(frozen=True)
class Timeline:
    unit: str
    buckets: list[Bucket] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(b.count for b in self.buckets)

    @property
    def nonempty(self) -> list[Bucket]:
        return [b for b in self.buckets if b.count]


def bucket_unit(first: date, last: date) -> str:
    """Days for two months, weeks up to about a year, months up to a decade, then years."""
    days = (last - first).days
    if days <= 62:
        return "day"
    if days <= 371:
        return "week"
    if days <= 3660:
        return "month"
    return "year"


def bucket_start(day: date, unit: str) -> date:
    if unit == "week":
        return day - timedelta(days=day.weekday())  # Monday, as German calendars count
    if unit == "month":
        return day.replace(day=1)
    if unit == "year":
        return day.replace(month=1, day=1)
    return day


def bucket_next(start: date, unit: str) -> date:
    if unit == "week":
        return start + timedelta(days=7)
    if unit == "month":
        return date(start.year + start.month // 12, start.month % 12 + 1, 1)
    if unit == "year":
        return date(start.year + 1, 1, 1)
    return start + timedelta(days=1)


def timeline_buckets(
    counts: Iterable[tuple[date | None, int]],
    link: Callable[[date, date], str] | None = None,
    unit: str | None = None,
) -> Timeline:
    """Counts per day, week, month or year (chosen by the span unless given), every bucket
    from the first to the last one, empty ones included; `link(start, end)` makes the url
    of a bucket that has something in it."""
    per_day: dict[date, int] = {}
    for day, n in counts:
        if day is not None:
            per_day[day] = per_day.get(day, 0) + n
    if not per_day:
        return Timeline(unit or "day", [])
    first, last = min(per_day), max(per_day)
    unit = unit if unit in UNITS else bucket_unit(first, last)
    sums: dict[date, int] = {}
    for day, n in per_day.items():
        key = bucket_start(day, unit)
        sums[key] = sums.get(key, 0) + n
    buckets = []
    for start, end in bucket_ranges(first, last, unit):
        count = sums.get(start, 0)
        buckets.append(Bucket(start, end, count, link(start, end) if link and count else ""))
    return Timeline(unit, buckets)


def bucket_ranges(first: date, last: date, unit: str) -> Iterator[tuple[date, date]]:
    """(first day, last day) of every bucket from the one of `first` to the one of `last`."""
    start = bucket_start(first, unit)
    while start <= last:
        following = bucket_next(start, unit)
        yield start, following - timedelta(days=1)
        start = following


def bucket_label(bucket: Bucket | Stack, unit: str) -> str:
    """The bucket in words of the current language: "19.06.2024", "17.06.–23.06.2024", "Juni 2024"."""
    if unit == "week":
        return f"{dateformat.format(bucket.start, 'd.m.')}–{dateformat.format(bucket.end, 'd.m.Y')}"
    if unit == "month":
        return dateformat.format(bucket.start, "F Y")
    if unit == "year":
        return str(bucket.start.year)
    return dateformat.format(bucket.start, "d.m.Y")


def _tick_label(bucket: Bucket | Stack, unit: str, previous: Bucket | Stack | None) -> str:
    if unit == "year":
        return str(bucket.start.year)
    if unit == "month":
        return dateformat.format(bucket.start, "M Y")
    # Days and weeks: the year on the first tick and where it changes.
    if previous is None or previous.start.year != bucket.start.year:
        return dateformat.format(bucket.start, "d.m.Y")
    return dateformat.format(bucket.start, "d.m.")


def timeline_svg(
    timeline: Timeline,
    *,
    title: str = "",
    desc: str = "",
    ident: str = "timeline",
    width: int = 800,
    height: int = 170,
) -> SafeString:
    """Bars per bucket, each a link to what it counts, with a date axis and the maximum."""
    left, right, top, bottom = 34, 12, 10, 26
    plot_w, plot_h = width - left - right, height - top - bottom
    buckets = timeline.buckets
    most = max((b.count for b in buckets), default=0)
    out = [
        _svg_open("timeline", ident, width, height, title, desc),
        _value_axis(left, width - right, top, plot_h, most),
    ]
    n = len(buckets)
    slot = plot_w / n if n else plot_w
    gap = min(2.0, slot * 0.2)
    for i, bucket in enumerate(buckets):
        if not bucket.count:
            continue
        bar_h = max(1.0, plot_h * bucket.count / most)
        bar_w = max(1.0, min(slot - gap, MAX_BAR))
        rect = (
            f'<rect class="bar" x="{_num(left + i * slot + (slot - bar_w) / 2)}" y="{_num(top + plot_h - bar_h)}" '
            f'width="{_num(bar_w)}" height="{_num(bar_h)}" fill="#1f5f8b">'
            f"<title>{escape(bucket_label(bucket, timeline.unit))}: {bucket.count}</title></rect>"
        )
        out.append(_link(bucket.url, rect))
    out.extend(_ticks(buckets, timeline.unit, left, width - right, height - 8))
    return _svg_close(out)


def _value_axis(left: int, right: int, top: int, plot_h: int, most: int) -> str:
    """The axes of a bar plot, with 0 and the highest bar's count and a line at that height."""
    axis = (
        f'<path class="axis" d="M{left},{top}V{top + plot_h}H{right}" fill="none" stroke="#5b6577" '
        'stroke-width="1"/>'
    )
    if not most:
        return axis
    return (
        f'{axis}<text class="axis-label" x="{left - 4}" y="{top + 9}" text-anchor="end" font-size="11" '
        f'fill="#5b6577">{most}</text>'
        f'<text class="axis-label" x="{left - 4}" y="{top + plot_h}" text-anchor="end" font-size="11" '
        'fill="#5b6577">0</text>'
        f'<path class="gridline" d="M{left},{top}H{right}" stroke="#dde2ea" stroke-dasharray="3 3"/>'
    )


def _ticks(buckets: Sequence[Bucket | Stack], unit: str, left: float, right: float, y: float) -> list[str]:
    """Date labels under the bars (at most about eight) of a plot from x `left` to `right`."""
    n = len(buckets)
    slot = (right - left) / n if n else 0
    every = max(1, math.ceil(n / 8))
    out = []
    previous = None
    for i in range(0, n, every):
        bucket = buckets[i]
        x = left + i * slot + slot / 2
        # Near the edges the label grows inwards, so that it is not cut off.
        anchor = "start" if x - left < 30 else "end" if right - x < 30 else "middle"
        out.append(
            f'<text class="tick" x="{_num(x)}" y="{_num(y)}" text-anchor="{anchor}" font-size="11" fill="#5b6577">'
            f"{escape(_tick_label(bucket, unit, previous))}</text>"
        )
        previous = bucket
    return out


# --- stacked timeline: what several series (outlets) add up to, over time -----------------------


def mark_label(mark: str) -> str:
    """A series' mark in words: state-affiliated outlets and wire agencies."""
    return {"state": _("state-affiliated"), "wire": _("wire agency")}.get(mark, mark)


@dataclass(frozen=True)
class Series:
    """One layer of the stacks: its label, its colour (a class of static/css/charts.css: s0 to s7,
    other, unknown) and its marks ("state" hatched, "wire" dotted, drawn over the colour)."""

    label: str
    colour: str
    marks: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        """The label with its marks in words: "RT DE (staatsnah)"."""
        marks = ", ".join(mark_label(mark) for mark in self.marks)
        return f"{self.label} ({marks})" if marks else self.label


@dataclass(frozen=True)
class Stack:
    """One bucket: a count and a url ("" for none) per series, in the order of the series."""

    start: date
    end: date  # inclusive
    counts: tuple[int, ...]
    urls: tuple[str, ...]

    @property
    def count(self) -> int:
        """All the series together: the height of the bar."""
        return sum(self.counts)


@dataclass(frozen=True)
class StackedTimeline:
    unit: str
    series: tuple[Series, ...] = ()
    stacks: tuple[Stack, ...] = ()

    @property
    def total(self) -> int:
        return sum(stack.count for stack in self.stacks)

    @property
    def nonempty(self) -> list[Stack]:
        return [stack for stack in self.stacks if stack.count]


def stacked_buckets(
    counts: Iterable[tuple[int, date, int]],
    series: Sequence[Series],
    unit: str,
    link: Callable[[int, date, date], str] | None = None,
) -> StackedTimeline:
    """Stacks from (series index, day, count) per day, week, month or year: every bucket from
    the first to the last, empty ones included; `link(index, start, end)` makes the url of a
    series' part of a bucket that has something in it."""
    sums: dict[date, list[int]] = {}
    for index, day, n in counts:
        sums.setdefault(bucket_start(day, unit), [0] * len(series))[index] += n
    if not sums:
        return StackedTimeline(unit, tuple(series))
    stacks = []
    for start, end in bucket_ranges(min(sums), max(sums), unit):
        row = tuple(sums.get(start, [0] * len(series)))
        urls = tuple(link(i, start, end) if link and n else "" for i, n in enumerate(row))
        stacks.append(Stack(start, end, row, urls))
    return StackedTimeline(unit, tuple(series), tuple(stacks))


def _patterns(ident: str) -> str:
    """The marks' fills: dark stripes for "state", dark dots for "wire", over any colour."""
    ident = escape(ident)
    return (
        f'<defs><pattern id="{ident}-state" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="2" height="6" fill="#1d2430" fill-opacity="0.55"/></pattern>'
        f'<pattern id="{ident}-wire" width="5" height="5" patternUnits="userSpaceOnUse">'
        '<circle cx="2.5" cy="2.5" r="1.1" fill="#1d2430" fill-opacity="0.7"/></pattern></defs>'
    )


def _layer(series: Series, ident: str, x: float, y: float, w: float, h: float, tip: str) -> str:
    """A series' rectangle (a bar's part, a legend's swatch) with its marks over it; the marks
    let the pointer through to the rectangle and its tooltip."""
    box = f'x="{_num(x)}" y="{_num(y)}" width="{_num(w)}" height="{_num(h)}"'
    out = f'<rect class="layer {escape(series.colour)}" {box}><title>{escape(tip)}</title></rect>'
    for mark in series.marks:
        out += (
            f'<rect class="mark mark-{escape(mark)}" {box} fill="url(#{escape(ident)}-{escape(mark)})" '
            'pointer-events="none"/>'
        )
    return out


PALETTE = 8  # colours s0 to s7 of a stacked chart's series (static/css/charts.css)
LEGEND_COLUMNS = 2
LEGEND_ROW = 20


def stacked_svg(
    timeline: StackedTimeline,
    *,
    title: str = "",
    desc: str = "",
    ident: str = "stacked",
    width: int = 800,
    plot_h: int = 200,
) -> SafeString:
    """Stacked bars per bucket, a part per series (each a link to what it counts), with a date
    axis, the highest total and a legend of the series under it."""
    left, right, top = 40, 12, 10
    series, stacks = timeline.series, timeline.stacks
    legend_top = top + plot_h + 34
    height = legend_top + math.ceil(len(series) / LEGEND_COLUMNS) * LEGEND_ROW + 4
    most = max((stack.count for stack in stacks), default=0)
    out = [_svg_open("stacked", ident, width, height, title, desc), _patterns(ident)]
    out.append(_value_axis(left, width - right, top, plot_h, most))
    slot = (width - left - right) / len(stacks) if stacks else 0
    bar_w = max(1.0, min(slot - min(2.0, slot * 0.2), MAX_BAR))
    for i, stack in enumerate(stacks):
        x = left + i * slot + (slot - bar_w) / 2
        y = float(top + plot_h)
        when = bucket_label(stack, timeline.unit)
        for one, count, url in zip(series, stack.counts, stack.urls, strict=True):
            if not count:
                continue
            h = plot_h * count / most
            y -= h
            out.append(_link(url, _layer(one, ident, x, y, bar_w, h, f"{one.name}, {when}: {count}")))
    out.extend(_ticks(stacks, timeline.unit, left, width - right, top + plot_h + 16))
    column_w = (width - left - right) / LEGEND_COLUMNS
    for k, one in enumerate(series):
        x = left + (k % LEGEND_COLUMNS) * column_w
        y = legend_top + (k // LEGEND_COLUMNS) * LEGEND_ROW
        out.append(
            f'<g class="legend-item">{_layer(one, ident, x, y, 14, 14, one.name)}'
            f'<text class="legend-label" x="{_num(x + 20)}" y="{_num(y + 12)}" font-size="13" fill="#1d2430">'
            f"{escape(_short(one.name, 52))}</text></g>"
        )
    return _svg_close(out)


# --- co-occurrence network ------------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    id: int
    label: str
    count: int
    url: str = ""
    central: bool = False


@dataclass(frozen=True)
class Edge:
    a: int
    b: int
    weight: int


@dataclass(frozen=True)
class Network:
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)


def network_layout(nodes: Sequence[Node], edges: Sequence[Edge]) -> dict[int, tuple[float, float]]:
    """Positions in [-1, 1]²: the chosen (central) entities in the middle, the others around
    them, each on the side of the chosen entity it is most tied to.

    Deterministic: the same nodes and edges give the same picture, whatever their order.
    """
    central = sorted((n for n in nodes if n.central), key=lambda n: n.id)
    outer = [n for n in nodes if not n.central]
    positions, angles = _central_positions(central)
    if not outer:
        return positions
    ties = _ties_to_central(outer, edges, {n.id for n in central})
    strength = {n.id: sum(ties[n.id].values()) or n.count for n in outer}
    strongest = max(strength.values()) or 1
    right, left = _columns(outer, ties, angles, strength, several=len(central) >= 2)
    for side, column in ((1, right), (-1, left)):
        for k, node in enumerate(column):
            y = -0.9 + 1.8 * (k + 0.5) / len(column)
            # With one chosen entity, stronger ties sit closer to it.
            reach = 0.6 + 0.4 * (1 - strength[node.id] / strongest) if len(central) < 2 else 1.0
            positions[node.id] = (round(side * reach * math.sqrt(1 - y * y), 6), round(y, 6))
    return positions


def _central_positions(central: list[Node]) -> tuple[dict[int, tuple[float, float]], dict[int, float]]:
    """One chosen entity in the middle; several on a small circle (with their angles)."""
    positions: dict[int, tuple[float, float]] = {}
    angles: dict[int, float] = {}
    if len(central) == 1:
        positions[central[0].id] = (0.0, 0.0)
        return positions, angles
    for i, node in enumerate(central):
        angles[node.id] = math.pi + 2 * math.pi * i / len(central)
        positions[node.id] = (
            round(0.32 * math.cos(angles[node.id]), 6),
            round(0.32 * math.sin(angles[node.id]), 6),
        )
    return positions, angles


def _ties_to_central(
    outer: list[Node], edges: Sequence[Edge], central_ids: set[int]
) -> dict[int, dict[int, int]]:
    """For each outer node: the weight of its edges to each chosen entity."""
    ties: dict[int, dict[int, int]] = {n.id: {} for n in outer}
    for edge in edges:
        for this, other in ((edge.a, edge.b), (edge.b, edge.a)):
            if this in ties and other in central_ids:
                ties[this][other] = ties[this].get(other, 0) + edge.weight
    return ties


def _columns(outer: list[Node], ties: dict, angles: dict, strength: dict, several: bool) -> tuple[list, list]:
    """Two columns on an ellipse, left and right of the middle, so that the labels run outwards
    without crossing each other: each node on the side of the chosen entities it is tied to
    (with one chosen entity: strongest first, by turns), top to bottom by preferred angle."""
    by_strength = sorted(outer, key=lambda n: (-strength[n.id], n.label, n.id))
    if not several:
        return by_strength[0::2], by_strength[1::2]

    def preferred(node: Node) -> float:
        sx = sum(w * math.cos(angles[c]) for c, w in ties[node.id].items())
        sy = sum(w * math.sin(angles[c]) for c, w in ties[node.id].items())
        return math.atan2(sy, sx) if abs(sx) + abs(sy) > 1e-9 else -math.pi / 2

    wanted = {n.id: preferred(n) for n in outer}
    right = [n for n in by_strength if math.cos(wanted[n.id]) > 1e-9]
    left = [n for n in by_strength if math.cos(wanted[n.id]) <= 1e-9]
    limit = math.ceil(len(outer) / 2) + 3
    while len(right) > limit:  # too lopsided: the most neutral ones go to the other side
        moved = min(right, key=lambda n: (math.cos(wanted[n.id]), n.id))
        right.remove(moved)
        left.append(moved)
    while len(left) > limit:
        moved = max(left, key=lambda n: (math.cos(wanted[n.id]), -n.id))
        left.remove(moved)
        right.append(moved)
    right.sort(key=lambda n: (round(math.sin(wanted[n.id]), 6), -strength[n.id], n.label, n.id))
    left.sort(key=lambda n: (round(math.sin(wanted[n.id]), 6), -strength[n.id], n.label, n.id))
    return right, left


def _short(label: str, limit: int = 22) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


# The network's labels are measured before drawing (SVG text has no size before the browser
# lays it out): an average glyph of the portal's sans-serif at LABEL_SIZE is this wide.
LABEL_CHAR_WIDTH = 0.58 * LABEL_SIZE
NETWORK_PAD = 6  # pixels between the outermost label or circle and the edge
NETWORK_ROW = 44  # pixels per node of the taller column: a label and some air
NETWORK_HEIGHTS = (220, 520)


@dataclass(frozen=True)
class _Extent:
    """How far a node's circle and label reach from its centre: left, right, up, down."""

    left: float
    right: float
    up: float
    down: float


def _node_extents(
    nodes: Sequence[Node], positions: dict[int, tuple[float, float]], radii: dict[int, float]
) -> dict[int, _Extent]:
    extents = {}
    for node in nodes:
        radius, text = radii[node.id], len(_short(node.label)) * LABEL_CHAR_WIDTH
        if node.central:  # the label centred under the circle
            extents[node.id] = _Extent(max(radius, text / 2), max(radius, text / 2), radius, radius + 21)
        elif positions[node.id][0] >= 0:  # the label to the right
            extents[node.id] = _Extent(radius, radius + 4 + text, max(radius, 12), max(radius, 6))
        else:
            extents[node.id] = _Extent(radius + 4 + text, radius, max(radius, 12), max(radius, 6))
    return extents


def _fit_axis(
    coords: list[float], before: list[float], after: list[float], room: float
) -> tuple[float, float]:
    """The scale and offset that spread the layout's coordinates (in [-1, 1]) over `room`
    pixels with everything that sticks out of each node (`before`, `after`) still inside:
    the largest scale that fits, found by bisection (the spread grows with the scale)."""

    def spread(scale: float) -> tuple[float, float]:
        low = min(c * scale - b for c, b in zip(coords, before, strict=True))
        high = max(c * scale + a for c, a in zip(coords, after, strict=True))
        return low, high

    lo, hi = 0.0, room
    if max(coords) - min(coords) > 1e-9:
        for _step in range(40):
            mid = (lo + hi) / 2
            low, high = spread(mid)
            lo, hi = (mid, hi) if high - low <= room else (lo, mid)
    low, high = spread(lo)
    return lo, (room - (high - low)) / 2 - low


def network_svg(
    network: Network,
    *,
    title: str = "",
    desc: str = "",
    ident: str = "network",
    width: int = 800,
    height: int | None = None,
) -> SafeString:
    """Entities as circles sized by their count, ties as lines by their weight; each circle
    links to its entity's page.

    The layout is stretched to fill the drawing, less the room its labels need (measured from
    their length), so that a chart shown at the page's width has no empty margins; the height
    follows the number of nodes per side unless given."""
    nodes, edges = network.nodes, network.edges
    positions = network_layout(nodes, edges)
    most = max((n.count for n in nodes), default=1) or 1
    radii = {node.id: 5 + 11 * math.sqrt(max(node.count, 0) / most) for node in nodes}
    if height is None:
        per_side = max(
            sum(1 for n in nodes if not n.central and positions[n.id][0] >= 0),
            sum(1 for n in nodes if not n.central and positions[n.id][0] < 0),
        )
        height = min(max(NETWORK_ROW * per_side + 40, NETWORK_HEIGHTS[0]), NETWORK_HEIGHTS[1])
    extents = _node_extents(nodes, positions, radii)
    ordered = [node.id for node in nodes]
    scale_x, offset_x = _fit_axis(
        [positions[i][0] for i in ordered],
        [extents[i].left for i in ordered],
        [extents[i].right for i in ordered],
        width - 2 * NETWORK_PAD,
    )
    scale_y, offset_y = _fit_axis(
        [positions[i][1] for i in ordered],
        [extents[i].up for i in ordered],
        [extents[i].down for i in ordered],
        height - 2 * NETWORK_PAD,
    )

    def at(node_id: int) -> tuple[float, float]:
        x, y = positions[node_id]
        return NETWORK_PAD + offset_x + x * scale_x, NETWORK_PAD + offset_y + y * scale_y

    out = [_svg_open("network", ident, width, height, title, desc)]
    heaviest = max((e.weight for e in edges), default=1) or 1
    for edge in sorted(edges, key=lambda e: (e.weight, e.a, e.b)):
        if edge.a not in positions or edge.b not in positions:
            continue
        (x1, y1), (x2, y2) = at(edge.a), at(edge.b)
        out.append(
            f'<line class="edge" x1="{_num(x1)}" y1="{_num(y1)}" x2="{_num(x2)}" y2="{_num(y2)}" stroke="#8aa4bd" '
            f'stroke-opacity="{_num(0.35 + 0.55 * edge.weight / heaviest)}" '
            f'stroke-width="{_num(1 + 5 * edge.weight / heaviest)}"><title>{edge.weight}</title></line>'
        )
    for node in sorted(nodes, key=lambda n: (n.central, n.id)):
        out.append(_link(node.url, _node_svg(node, at(node.id), radii[node.id], positions[node.id][0] >= 0)))
    return _svg_close(out)


def _node_svg(node: Node, centre: tuple[float, float], radius: float, right: bool) -> str:
    x, y = centre
    if node.central:
        label_x, label_y, anchor = x, y + radius + 16, "middle"
    elif right:
        label_x, label_y, anchor = x + radius + 4, y + 5, "start"
    else:
        label_x, label_y, anchor = x - radius - 4, y + 5, "end"
    return (
        f'<circle class="node{" central" if node.central else ""}" cx="{_num(x)}" cy="{_num(y)}" '
        f'r="{_num(radius)}" fill="{"#b3261e" if node.central else "#1f5f8b"}" stroke="#ffffff" '
        f'stroke-width="1.5"><title>{escape(node.label)}: {node.count}</title></circle>'
        f'<text class="node-label" x="{_num(label_x)}" y="{_num(label_y)}" text-anchor="{anchor}" '
        f'font-size="{LABEL_SIZE}" fill="#1d2430" {HALO}>{escape(_short(node.label))}</text>'
    )
