"""An analyst watches a filtered list in a real browser: filter, save it as a watchlist, see
what is new on the overview, open it (the count goes to 0), find its feed."""

import re
from datetime import date

import feedparser
import pytest
from django.utils import timezone

from tests import factories as make
from tests.browser.conftest import log_in, shot

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def summit(db):
    """Putin's and Kim's meetings so far, and a meeting of others."""
    w = make.cast("putin", "kim", "lawrow", "pj", "wonsan")
    outlet = make.outlet("Tagesschau")
    for day, title, place in [
        (date(2024, 6, 19), "Treffen: Putin und Kim in Pjöngjang", w["pj"]),
        (date(2023, 9, 13), "Treffen: Putin und Kim im Kosmodrom", None),
    ]:
        report = make.article(title, f"{title}.", outlet, day)
        event = make.event(title, "meet", day, place, actors=[w["putin"], w["kim"]], articles=[report])
        event.event_articles.update(main=True)
    others = make.article("Lawrow in Wonsan", "Lawrow traf Choe in Wonsan.", outlet, date(2024, 7, 11))
    make.event("Treffen: Lawrow in Wonsan", "meet", date(2024, 7, 11), w["wonsan"], [w["lawrow"]], [others])
    w["outlet"] = outlet
    return w


def test_an_analyst_saves_a_filtered_list_and_sees_what_is_new(page, live_server, analyst, summit):
    from events.models import Watchlist

    putin = summit["putin"]
    log_in(page, live_server, analyst)
    page.goto(f"{live_server.url}/events/")
    # Filter without a page load (htmx): the type, then the actor.
    with page.expect_response(re.compile(r"/events/\?.*type=meet")):
        page.select_option("select[name=type]", "meet")
    page.wait_for_url(re.compile(r"type=meet"))
    with page.expect_response(re.compile(rf"/events/\?.*actor={putin.pk}")):
        page.select_option("select[name=actor]", str(putin.pk))
    page.wait_for_url(re.compile(rf"actor={putin.pk}"))
    assert page.locator("#results .result-row").count() == 2
    # Save the list as it is filtered now.
    page.fill(".watch-save input[name=name]", "Putin trifft")
    shot(page, "watchlist_save")
    page.click("text=Als Beobachtungsliste speichern")
    page.wait_for_url(re.compile(r"/watchlists/\d+/$"))
    watchlist = Watchlist.objects.get(owner=analyst)
    assert (watchlist.name, watchlist.kind, watchlist.query) == (
        "Putin trifft",
        "event",
        f"actor={putin.pk}&type=meet",
    )
    assert "Als Beobachtungsliste „Putin trifft“ gespeichert" in page.locator(".messages").inner_text()

    # A new meeting of Putin's enters Lagebild: the overview counts it.
    report = make.article("Putin empfängt Kim in Moskau", "Putin empfing Kim in Moskau.", summit["outlet"])
    today = timezone.localdate()
    fresh = make.event("Treffen: Putin und Kim in Moskau", "meet", today, actors=[putin, summit["kim"]])
    make.event_article(fresh, report)
    page.goto(f"{live_server.url}/")
    line = page.locator(f"#watchlists li[data-id='{watchlist.pk}']")
    assert line.locator(".watch-count").inner_text() == "1 neu"
    shot(page, "watchlist_overview")

    # Opening it shows the new match and marks it seen.
    line.locator("a").click()
    page.wait_for_url(f"{live_server.url}/watchlists/{watchlist.pk}/")
    new_row = page.locator("#watch-matches tr.watch-new-row")
    assert new_row.count() == 1 and new_row.get_attribute("data-id") == str(fresh.pk)
    assert page.locator("#watch-matches tbody tr").count() == 3
    feed_link = page.locator("a.watch-feed-link")
    feed_url = feed_link.get_attribute("href")
    assert feed_url == f"{live_server.url}/watchlists/feed/{watchlist.feed_token}.atom"
    shot(page, "watchlist_detail")
    page.goto(f"{live_server.url}/")
    assert (
        page.locator(f"#watchlists li[data-id='{watchlist.pk}'] .watch-count").inner_text() == "nichts Neues"
    )

    # A feed reader needs no session: the address is the credential.
    reader = page.context.browser.new_context()
    try:
        answer = reader.request.get(feed_url)
        assert answer.status == 200 and answer.headers["content-type"].startswith("application/atom+xml")
        feed = feedparser.parse(answer.body())
    finally:
        reader.close()
    assert feed.bozo == 0 and feed.entries[0].link == f"{live_server.url}/events/{fresh.pk}/"
