"""Coverage by outlet in a real browser: from an event to the outlets that reported it, the chart
and the table with their marks, and from a bar and a row down to the articles they count."""

from __future__ import annotations

import random
import re
from datetime import date, timedelta

import pytest

from tests import factories as make
from tests.browser.conftest import log_in, shot

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

TEXT = (
    "Wladimir Putin ist in Pjöngjang mit Kim Jong Un zusammengetroffen. Beide unterzeichneten ein "
    "Abkommen über eine umfassende strategische Partnerschaft."
)
# name, domain, state-affiliated, wire agency, articles
OUTLETS = [
    ("Tagesschau", "tagesschau.de", False, False, 24),
    ("dpa", "dpa.com", False, True, 21),
    ("RT DE", "rtde.example", True, False, 17),
    ("Der Spiegel", "spiegel.de", False, False, 14),
    ("AFP", "afp.com", False, True, 11),
    ("Sputnik", "snanews.de", True, False, 9),
    ("Süddeutsche Zeitung", "sueddeutsche.de", False, False, 7),
    ("Reuters", "reuters.com", False, True, 6),
    ("taz", "taz.de", False, False, 4),
    ("Kurier", "kurier.at", False, False, 3),
    ("Kurier", "kurier.de", False, False, 2),
]
FIRST_DAY = date(2024, 6, 12)
DAYS = 21


@pytest.fixture
def summit(db):
    """The Pjöngjang summit reported by eleven outlets (two of them state media, three wire
    agencies, two called "Kurier") and four pages without an outlet, over three weeks."""
    from ingest.models import Outlet

    w = make.cast("putin", "kim", "pj")
    chance = random.Random(2024)
    articles = []
    for name, domain, state, wire, count in OUTLETS:
        outlet = Outlet.objects.create(
            name=name, domain=domain, country="DE", state_affiliated=state, wire_agency=wire
        )
        for i in range(count):
            # Most reports in the first days, a tail after.
            day = FIRST_DAY + timedelta(min(DAYS - 1, int(chance.expovariate(0.35))))
            articles.append(make.article(f"{name}: Putin bei Kim ({i + 1})", TEXT, outlet, day))
    articles += [make.article(f"Ohne Medium {i}", TEXT, None, FIRST_DAY + timedelta(i)) for i in range(4)]
    for article in articles:
        make.mention(article, w["putin"], "Wladimir Putin")
    w["event"] = make.event(
        "Treffen: Putin und Kim in Pjöngjang",
        "meet",
        FIRST_DAY,
        place=w["pj"],
        actors=[(w["putin"], "source"), (w["kim"], "target")],
        articles=articles,
    )
    w["total"] = len(articles)
    return w


def result_rows(page) -> int:
    return page.locator("#results tr.result-row").count()


def test_an_analyst_sees_who_reported_an_event(page, live_server, analyst, summit):
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    log_in(page, live_server, analyst)
    event = summit["event"]
    page.goto(f"{live_server.url}/events/{event.pk}/")
    page.click(".event-coverage a")
    page.wait_for_url(f"{live_server.url}/coverage/?event={event.pk}")
    assert "Treffen: Putin und Kim in Pjöngjang" in page.locator("h1").inner_text()
    assert f"{summit['total']} Artikel" in page.locator(".coverage-total").inner_text()
    chart = page.locator("svg.chart.stacked")
    assert chart.is_visible() and chart.get_attribute("role") == "img"
    # The chart: the eight outlets with most articles by name, the rest together, then no outlet.
    legend = chart.locator(".legend-label").all_text_contents()
    assert legend[:3] == ["Tagesschau", "dpa (Nachrichtenagentur)", "RT DE (staatsnah)"]
    assert legend[-2:] == ["andere Medien", "Medium unbekannt"] and len(legend) == 10
    # Colours come from the stylesheet (no inline style under the CSP): the layers are not black.
    fill = chart.locator("rect.layer.s0").first.evaluate("el => getComputedStyle(el).fill")
    assert fill == "rgb(78, 121, 167)"
    assert chart.locator("rect.mark-state").count() > 2 and chart.locator("rect.mark-wire").count() > 3

    # The table: a row per outlet, twins told apart by their domain, marks with their legend.
    rows = page.locator("#coverage-outlets tbody tr")
    assert rows.count() == len(OUTLETS) + 1
    first = rows.nth(0).inner_text()
    assert "Tagesschau" in first and "24" in first and "19,7 %" in first  # of 122
    assert "staatsnah" in rows.nth(2).inner_text() and "Nachrichtenagentur" in rows.nth(1).inner_text()
    names = page.locator("#coverage-outlets tbody th").all_inner_texts()
    assert "Kurier (kurier.at)" in names and "Kurier (kurier.de)" in names
    assert names[-1] == "Medium unbekannt"
    assert page.locator(".marks-legend").is_visible()
    shot(page, "coverage_by_outlet")

    # A row leads to that outlet's articles of this event.
    rows.nth(2).locator("a").click()
    page.wait_for_url(re.compile(r"/articles/\?event=\d+&outlet=\d+"))
    assert result_rows(page) == 17
    page.go_back()
    # A part of a bar leads to that outlet's articles of that day.
    part = chart.locator("a").first
    count = int(re.search(r": (\d+)$", part.locator("rect.layer title").text_content()).group(1))
    part.click()
    page.wait_for_url(re.compile(r"/articles/\?event=\d+&outlet=\d+&date_from=2024-06-\d\d&date_to="))
    assert result_rows(page) == count
    assert not [p for p in problems if "Content Security Policy" in p], problems


def test_an_analyst_starts_from_a_search_and_mistypes_an_address(page, live_server, analyst, summit):
    log_in(page, live_server, analyst)
    page.goto(f"{live_server.url}/articles/?q=Partnerschaft")
    page.click(".coverage-link a")
    page.wait_for_url(f"{live_server.url}/coverage/?q=Partnerschaft")
    assert page.locator("h1").inner_text() == "Wer berichtete über „Partnerschaft“"
    # The form narrows the dates.
    page.fill("input[name=date_from]", "2024-06-12")
    page.fill("input[name=date_to]", "2024-06-12")
    page.click(".coverage-form button.primary")
    page.wait_for_url(re.compile(r"date_from=2024-06-12&date_to=2024-06-12"))
    shown = int(page.locator(".coverage-total strong").first.inner_text())
    assert 0 < shown < summit["total"]
    response = page.goto(f"{live_server.url}/coverage/?entity=Putin")
    assert response.status == 400
    assert "nicht mit „Putin“" in page.locator(".coverage-error").inner_text()
