"""``{% load charts %}``: maps, timelines and networks drawn as SVG on the server, each with a
plain table behind a <details> for screen readers and for copying the numbers.

    {% map_chart markers highlight=codes title=t ident="event-map" %}
    {% timeline_chart timeline title=t ident="entity-timeline" %}
    {% network_chart network title=t ident="entity-network" %}
    {% stacked_chart stacked title=t ident="coverage-chart" %}

The data come from ``events.presentation.charts`` (Marker, Timeline, Network, StackedTimeline);
`ident` keeps the ids of several charts on one page apart.
"""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from events.presentation import charts

register = template.Library()

DESC_NAMES = 10  # places named in a map's description


def map_description(markers: list[charts.Marker], highlight: list[str]) -> str:
    """What the map shows, in words, for screen readers."""
    parts = []
    if markers:
        names = ", ".join(m.label for m in markers[:DESC_NAMES]) + (" …" if len(markers) > DESC_NAMES else "")
        parts.append(
            ngettext("%(n)d place: %(names)s", "%(n)d places: %(names)s", len(markers))
            % {"n": len(markers), "names": names}
        )
    if highlight:
        parts.append(_("highlighted: %s") % ", ".join(charts.alpha2_name(code) for code in highlight))
    return "; ".join(parts) or _("World map")


def timeline_description(timeline: charts.Timeline | charts.StackedTimeline) -> str:
    filled = timeline.nonempty
    if not filled:
        return _("Nothing to show.")
    peak = max(filled, key=lambda b: b.count)
    return _("%(total)d in all, from %(first)s to %(last)s; most (%(most)d): %(when)s") % {
        "total": timeline.total,
        "first": charts.bucket_label(filled[0], timeline.unit),
        "last": charts.bucket_label(filled[-1], timeline.unit),
        "most": peak.count,
        "when": charts.bucket_label(peak, timeline.unit),
    }


def stacked_description(timeline: charts.StackedTimeline) -> str:
    """The totals as for a timeline, and the series from the bottom of the stacks up."""
    if not timeline.nonempty:
        return timeline_description(timeline)
    layers = _("from bottom to top: %s") % ", ".join(series.name for series in timeline.series)
    return f"{timeline_description(timeline)}; {layers}"


def network_description(network: charts.Network, labels: dict) -> str:
    if not network.edges:
        return ngettext(
            "%(n)d actor or place, no ties", "%(n)d actors or places, no ties", len(network.nodes)
        ) % {"n": len(network.nodes)}
    strongest = max(network.edges, key=lambda e: e.weight)
    return _("%(n)d actors or places, %(m)d ties; strongest: %(a)s and %(b)s (%(w)d)") % {
        "n": len(network.nodes),
        "m": len(network.edges),
        "a": labels[strongest.a].label if strongest.a in labels else "?",
        "b": labels[strongest.b].label if strongest.b in labels else "?",
        "w": strongest.weight,
    }


@register.inclusion_tag("events/charts/map.html")
def map_chart(markers=(), highlight=(), title: str = "", desc: str = "", ident: str = "map") -> dict:
    if isinstance(highlight, str):
        highlight = [highlight] if highlight else []
    markers = list(markers or [])
    desc = desc or map_description(markers, list(highlight))
    return {
        "svg": charts.map_svg(markers, highlight, title=title, desc=desc, ident=ident),
        "markers": markers,
        "title": title,
        "ident": ident,
        "installed": bool(charts.world_countries()),
    }


@register.inclusion_tag("events/charts/timeline.html")
def timeline_chart(
    timeline: charts.Timeline, title: str = "", desc: str = "", ident: str = "timeline"
) -> dict:
    desc = desc or timeline_description(timeline)
    return {
        "svg": charts.timeline_svg(timeline, title=title, desc=desc, ident=ident),
        "rows": [{"bucket": b, "label": charts.bucket_label(b, timeline.unit)} for b in timeline.nonempty],
        "unit": timeline.unit,
        "title": title,
        "ident": ident,
    }


@register.inclusion_tag("events/charts/network.html")
def network_chart(
    network: charts.Network, title: str = "", desc: str = "", ident: str = "network", width: int = 800
) -> dict:
    """`width`: of the drawing, in the units its labels are sized in; about the width it is
    shown at (a half-width card: 560), so that the labels come out at their size."""
    labels = {node.id: node for node in network.nodes}
    desc = desc or network_description(network, labels)
    return {
        "svg": charts.network_svg(network, title=title, desc=desc, ident=ident, width=int(width)),
        "nodes": sorted(network.nodes, key=lambda n: (not n.central, -n.count, n.label)),
        "edges": [
            {"a": labels[e.a], "b": labels[e.b], "weight": e.weight}
            for e in sorted(network.edges, key=lambda e: -e.weight)
            if e.a in labels and e.b in labels
        ],
        "title": title,
        "ident": ident,
    }


@register.inclusion_tag("events/charts/stacked.html")
def stacked_chart(
    timeline: charts.StackedTimeline, title: str = "", desc: str = "", ident: str = "stacked"
) -> dict:
    desc = desc or stacked_description(timeline)
    return {
        "svg": charts.stacked_svg(timeline, title=title, desc=desc, ident=ident),
        "series": timeline.series,
        "rows": [
            {
                "label": charts.bucket_label(stack, timeline.unit),
                "cells": list(zip(stack.counts, stack.urls, strict=True)),
                "total": stack.count,
            }
            for stack in timeline.nonempty
        ],
        "unit": timeline.unit,
        "title": title,
        "ident": ident,
    }
