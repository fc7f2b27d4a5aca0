"""Maps and charts as SVG: TopoJSON decoding, the view, timelines and networks (no database)."""

import random
import xml.etree.ElementTree as ET
from datetime import date

import pytest
from django.test import override_settings
from django.utils import translation

from events.presentation import charts

SVG = "{http://www.w3.org/2000/svg}"

# Two squares sharing an edge, quantized: arc 0 is the shared edge, arcs 1 and 2 the rest.
# Positions are integer steps (the first absolute, the others deltas); scale and translate
# turn them into degrees.
TINY = {
    "type": "Topology",
    "transform": {"scale": [0.5, 0.25], "translate": [10, 20]},
    "arcs": [
        [[2, 0], [0, 4]],  # (11, 20) -> (11, 21)
        [[2, 4], [-2, 0], [0, -4], [2, 0]],  # (11, 21) -> (10, 21) -> (10, 20) -> (11, 20)
        [[2, 0], [2, 0], [0, 4], [-2, 0]],  # (11, 20) -> (12, 20) -> (12, 21) -> (11, 21)
    ],
    "objects": {
        "countries": {
            "type": "GeometryCollection",
            "geometries": [
                {"type": "Polygon", "arcs": [[0, 1]], "id": "001", "properties": {"name": "West"}},
                # The shared edge the other way round: ~0 == -1.
                {"type": "MultiPolygon", "arcs": [[[2, -1]]], "id": "002", "properties": {"name": "East"}},
                {"type": None, "id": "003"},
            ],
        }
    },
}


def parse(svg: str) -> ET.Element:
    return ET.fromstring(str(svg))  # noqa: S314 - an SVG we rendered


def test_arcs_are_delta_decoded_and_transformed():
    arcs = charts.decode_arcs(TINY)
    assert arcs[0] == [(11.0, 20.0), (11.0, 21.0)]
    assert arcs[1] == [(11.0, 21.0), (10.0, 21.0), (10.0, 20.0), (11.0, 20.0)]


def test_arcs_without_transform_are_absolute():
    assert charts.decode_arcs({"arcs": [[[1.5, 2.5], [3, 4]]]}) == [[(1.5, 2.5), (3.0, 4.0)]]


def test_rings_join_arcs_once_and_reverse_negative_indices():
    arcs = charts.decode_arcs(TINY)
    assert charts.decode_ring(arcs, [0, 1]) == [(11, 20), (11, 21), (10, 21), (10, 20), (11, 20)]
    # ~0 is arc 0 backwards: from (11, 21) down to (11, 20).
    assert charts.decode_ring(arcs, [2, ~0]) == [(11, 20), (12, 20), (12, 21), (11, 21), (11, 20)]


def test_countries_of_a_tiny_topology():
    west, east = charts.decode_countries(TINY)
    assert (west.id, west.name, west.bbox) == ("001", "West", (10, 20, 11, 21))
    assert (east.id, east.name, east.bbox) == ("002", "East", (11, 20, 12, 21))
    assert len(east.polygons) == 1 and len(east.polygons[0]) == 1


def test_a_ring_across_the_antimeridian_is_unwrapped():
    ring = [(179.0, 60.0), (-179.0, 60.0), (-179.0, 61.0), (179.0, 61.0), (179.0, 60.0)]
    assert charts.unwrap_ring(ring) == [(179, 60), (181, 60), (181, 61), (179, 61), (179, 60)]


def test_the_real_atlas():
    countries = charts.world_countries()
    assert len(countries) > 170
    germany = next(c for c in countries if c.id == "276")
    west, south, east, north = germany.bbox
    assert 5 < west < 7 and 14 < east < 16 and 47 < south < 48 and 54 < north < 56
    assert charts.numeric_code("DE") == "276" and charts.numeric_code("de") == "276"
    assert charts.numeric_code("") == "" and charts.numeric_code("ZZ") == ""
    russia = next(c for c in countries if c.id == "643")
    # Unwrapped: one piece from Europe past 180 degrees, no jump across the map (Antarctica is
    # closed along the pole).
    assert 20 < russia.main_bbox[0] < 40 and russia.main_bbox[2] > 180
    for country in countries:
        for polygon in country.polygons:
            for ring in polygon:
                steps = [
                    (a, b) for a, b in zip(ring, ring[1:], strict=False) if abs(a[1]) < 90 or abs(b[1]) < 90
                ]
                assert all(abs(a[0] - b[0]) < 180 for a, b in steps), country.name
    assert charts.world_countries() is countries  # decoded once, then from memory


def test_a_map_of_one_city_shows_its_region_with_the_country_highlighted():
    marker = charts.Marker(39.03, 125.75, "Pjöngjang <Hauptstadt>", "/entities/7/")
    with translation.override("de"):
        svg = charts.map_svg([marker], ["KP"], title="Karte", desc="Pjöngjang", ident="m1")
    root = parse(svg)
    assert root.get("role") == "img" and root.get("aria-labelledby") == "m1-title m1-desc"
    assert root.find(f"{SVG}title").text == "Karte"
    links = root.findall(f".//{SVG}a")
    assert [a.get("href") for a in links] == ["/entities/7/"]
    assert links[0].find(f"{SVG}circle/{SVG}title").text == "Pjöngjang <Hauptstadt>"
    highlighted = [p for p in root.iter(f"{SVG}path") if "highlight" in (p.get("class") or "")]
    assert len(highlighted) == 1
    assert highlighted[0].find(f"{SVG}title").text == "Nordkorea"
    # Zoomed in: the view is the region, not the world, and the marker is inside it.
    _, _, width, height = (float(v) for v in root.get("viewBox").split())
    view = charts.fit_view((124.2, 37.7, 130.7, 43.0))
    assert view.east - view.west < 40
    circle = links[0].find(f"{SVG}circle")
    assert 0 < float(circle.get("cx")) < width and 0 < float(circle.get("cy")) < height
    # Far-away countries are left out of the markup.
    assert len(list(root.iter(f"{SVG}path"))) < 40


def test_a_single_marker_gets_the_minimum_extent():
    view = charts.fit_view((13.4, 52.5, 13.4, 52.5))
    assert view.north - view.south >= charts.MIN_SPAN - 1e-9
    assert view.west < 13.4 < view.east and view.south < 52.5 < view.north


def test_nothing_to_show_is_the_world():
    root = parse(charts.map_svg([], [], title="Welt"))
    view = charts.fit_view(None)
    assert (view.west, view.east) == (-180, 180)
    assert len(list(root.iter(f"{SVG}path"))) > 150
    assert not root.findall(f".//{SVG}a")


def test_markers_without_coordinates_are_skipped_and_sizes_follow_counts():
    markers = [
        charts.Marker(52.5, 13.4, "Berlin", "/b/", 10),
        charts.Marker(55.75, 37.6, "Moskau", "/m/", 1),
        charts.Marker(None, None, "Nirgendwo", "/n/"),
    ]
    root = parse(charts.map_svg(markers, title="t"))
    radii = {a.get("href"): float(a.find(f"{SVG}circle").get("r")) for a in root.iter(f"{SVG}a")}
    assert set(radii) == {"/b/", "/m/"} and radii["/b/"] > radii["/m/"]


@override_settings(WORLD_ATLAS="/nonexistent/countries-110m.json")
def test_without_the_atlas_markers_sit_on_a_graticule_with_a_hint():
    assert charts.world_countries() == ()
    root = parse(charts.map_svg([charts.Marker(52.5, 13.4, "Berlin", "/b/")], ["DE"], title="t"))
    classes = [el.get("class") for el in root.iter()]
    assert "graticule" in classes and "map-hint" in classes and "country" not in classes
    assert [a.get("href") for a in root.iter(f"{SVG}a")] == ["/b/"]


def test_paths_are_compact():
    view = charts.View(0, 0, 10, 10, width=100, height=100, k=1.0)
    ring = [(0, 0), (0.01, 0.01), (5, 0), (5, 5), (5.001, 5.001), (0, 5)]
    assert charts.ring_path(ring, view) == "M0,100L50,100 50,50 0,50Z"
    assert charts.ring_path([(0, 0), (0.01, 0), (0, 0.01)], view) == ""


# --- timeline -------------------------------------------------------------------------------


def test_the_unit_follows_the_span():
    start = date(2024, 1, 1)
    assert charts.bucket_unit(start, date(2024, 2, 1)) == "day"
    assert charts.bucket_unit(start, date(2024, 9, 1)) == "week"
    assert charts.bucket_unit(start, date(2027, 1, 1)) == "month"
    assert charts.bucket_unit(start, date(2040, 1, 1)) == "year"


def test_buckets_are_continuous_with_empty_ones_and_links_only_where_there_is_something():
    counts = [(date(2024, 6, 19), 2), (date(2024, 6, 21), 1), (date(2024, 6, 19), 1), (None, 5)]
    timeline = charts.timeline_buckets(counts, link=lambda a, b: f"/events/?date_from={a}&date_to={b}")
    assert timeline.unit == "day"
    assert [(b.start.day, b.count) for b in timeline.buckets] == [(19, 3), (20, 0), (21, 1)]
    assert timeline.buckets[0].url == "/events/?date_from=2024-06-19&date_to=2024-06-19"
    assert timeline.buckets[1].url == "" and timeline.total == 4


def test_weeks_start_on_monday_and_months_on_the_first():
    weeks = charts.timeline_buckets([(date(2024, 6, 19), 1), (date(2024, 9, 4), 1)])
    assert weeks.unit == "week"
    assert weeks.buckets[0].start == date(2024, 6, 17) and weeks.buckets[0].end == date(2024, 6, 23)
    assert weeks.buckets[-1].start == date(2024, 9, 2)
    months = charts.timeline_buckets([(date(2023, 11, 30), 1), (date(2024, 2, 1), 4)], unit="month")
    assert [(b.start, b.end, b.count) for b in months.buckets] == [
        (date(2023, 11, 1), date(2023, 11, 30), 1),
        (date(2023, 12, 1), date(2023, 12, 31), 0),
        (date(2024, 1, 1), date(2024, 1, 31), 0),
        (date(2024, 2, 1), date(2024, 2, 29), 4),
    ]
    assert charts.timeline_buckets([]).buckets == []


def test_timeline_svg_has_a_linked_bar_per_nonempty_bucket_and_german_dates():
    timeline = charts.timeline_buckets(
        [(date(2024, 6, 19), 3), (date(2024, 6, 25), 1)], link=lambda a, b: f"/events/?date_from={a}"
    )
    with translation.override("de"):
        root = parse(charts.timeline_svg(timeline, title="Zeitleiste", ident="t1"))
    links = root.findall(f".//{SVG}a")
    assert [a.get("href") for a in links] == [
        "/events/?date_from=2024-06-19",
        "/events/?date_from=2024-06-25",
    ]
    assert links[0].find(f"{SVG}rect/{SVG}title").text == "19.06.2024: 3"
    ticks = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "tick"]
    assert ticks[0] == "19.06.2024"
    assert parse(charts.timeline_svg(charts.Timeline("day"))).get("role") == "img"


# --- network --------------------------------------------------------------------------------


def make_network():
    nodes = [
        charts.Node(1, "Putin", 10, "/entities/1/", True),
        charts.Node(2, "Kim", 6, "/entities/2/", True),
    ]
    nodes += [charts.Node(i, f"Akteur {i}", i, f"/entities/{i}/") for i in range(3, 12)]
    edges = [charts.Edge(1, 2, 4)] + [charts.Edge(1 if i % 2 else 2, i, i) for i in range(3, 12)]
    return nodes, edges


def test_network_layout_is_deterministic_whatever_the_order():
    nodes, edges = make_network()
    first = charts.network_layout(nodes, edges)
    shuffled_nodes, shuffled_edges = nodes[:], edges[:]
    random.Random(4).shuffle(shuffled_nodes)
    random.Random(5).shuffle(shuffled_edges)
    assert charts.network_layout(shuffled_nodes, shuffled_edges) == first
    assert all(-1 <= x <= 1 and -1 <= y <= 1 for x, y in first.values())
    # The chosen ones in the middle, each neighbour on the side of the one it is tied to.
    assert first[1][0] < 0 < first[2][0]
    assert first[3][0] < 0 and first[4][0] > 0
    assert len(set(first.values())) == len(nodes)


def test_one_central_node_sits_in_the_middle_with_stronger_ties_closer():
    nodes = [charts.Node(1, "Putin", 10, central=True)] + [charts.Node(i, str(i), i) for i in (2, 3, 4)]
    edges = [charts.Edge(1, 2, 1), charts.Edge(1, 3, 5), charts.Edge(1, 4, 9)]
    layout = charts.network_layout(nodes, edges)
    assert layout[1] == (0.0, 0.0)
    distance = {i: (layout[i][0] ** 2 + layout[i][1] ** 2) ** 0.5 for i in (2, 3, 4)}
    assert distance[4] < distance[3] < distance[2]


def test_network_svg_links_each_node_to_its_page():
    nodes, edges = make_network()
    root = parse(charts.network_svg(charts.Network(nodes, edges), title="Netz <1>", ident="n1"))
    assert root.find(f"{SVG}title").text == "Netz <1>"
    assert {a.get("href") for a in root.iter(f"{SVG}a")} == {n.url for n in nodes}
    assert len(root.findall(f"{SVG}line")) == len(edges)
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert "Putin" in labels and "Akteur 11" in labels


@pytest.mark.parametrize("label", ["Kim & Co", 'Die "Partei"', "<b>x</b>"])
def test_text_is_escaped(label):
    nodes = [charts.Node(1, label, 1, "/e/?a=1&b=2", True)]
    root = parse(charts.network_svg(charts.Network(nodes, []), title=label))
    assert root.find(f"{SVG}title").text == label
    assert root.find(f".//{SVG}a").get("href") == "/e/?a=1&b=2"


@pytest.mark.parametrize("central", [1, 2])
@pytest.mark.parametrize("width", [560, 800])
def test_the_network_fills_its_drawing(central, width):
    """No wide empty margins: the outermost labels (measured by their length) come close to
    both sides, the top and bottom nodes close to the top and bottom, and nothing sticks out."""
    nodes, edges = make_network()
    if central == 1:
        nodes = [charts.Node(1, "Putin", 10, "/entities/1/", True)] + [n for n in nodes if not n.central]
        edges = [charts.Edge(1, n.id, n.count) for n in nodes[1:]]
    root = parse(charts.network_svg(charts.Network(nodes, edges), width=width))
    _x, _y, view_width, view_height = (float(v) for v in root.get("viewBox").split())
    assert view_width == width and 220 <= view_height <= 520
    lefts, rights, tops, bottoms = [], [], [], []
    for circle, text in zip(root.iter(f"{SVG}circle"), root.iter(f"{SVG}text"), strict=True):
        x, y, r = (float(circle.get(k)) for k in ("cx", "cy", "r"))
        label = len(text.text) * charts.LABEL_CHAR_WIDTH
        anchor = text.get("text-anchor")
        tx = float(text.get("x"))
        lefts.append({"start": x - r, "end": tx - label, "middle": min(x - r, tx - label / 2)}[anchor])
        rights.append({"start": tx + label, "end": x + r, "middle": max(x + r, tx + label / 2)}[anchor])
        tops.append(y - r)
        bottoms.append(max(y + r, float(text.get("y"))))
    assert 0 <= min(lefts) <= 12 and view_width - 12 <= max(rights) <= view_width
    assert 0 <= min(tops) <= 20 and view_height - 20 <= max(bottoms) <= view_height


def test_the_network_height_follows_its_nodes():
    few = [charts.Node(1, "Putin", 10, central=True), charts.Node(2, "Kim", 3)]
    many = few + [charts.Node(i, f"Akteur {i}", 2) for i in range(3, 15)]
    heights = [
        float(parse(charts.network_svg(charts.Network(nodes, []))).get("viewBox").split()[3])
        for nodes in (few, many)
    ]
    assert heights[0] < heights[1]
