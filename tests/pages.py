"""Reading pages the portal rendered: the tests of several pages look into the same charts."""

from __future__ import annotations

import xml.etree.ElementTree as ET


def svg_of(page: str, kind: str) -> ET.Element:
    """The first chart of `kind` (timeline, network, map) in the page, parsed."""
    start = page.index(f'class="chart {kind}"')
    start = page.rindex("<svg", 0, start)
    return ET.fromstring(page[start : page.index("</svg>", start) + 6])  # noqa: S314 - a page we rendered
