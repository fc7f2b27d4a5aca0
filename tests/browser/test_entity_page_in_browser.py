"""The long pages in a real browser: an actor with 60 events and 80 claims keeps a page of a
few screens whose „alle anzeigen“ links lead to the whole lists; the claims of an event carry
compact review controls; the merge box suggests events while one types.

Screenshots: tests/screenshots/entity_page_long.png, event_page_claims.png, merge_box.png.
"""

from datetime import date, timedelta

import pytest

from tests.browser.conftest import log_in, shot

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

EVENTS, CLAIMS_MADE, CLAIMS_ABOUT, NEIGHBOURS = 60, 80, 30, 14
# At 1280 px this page is 3,400 px tall for an editor (measured with Debian's fonts: header
# and names 520, events with their timeline 760, map and network 550, claims 700, mentions
# 680), and it no longer grows with the data (checked below); before, every event, claim and
# mention added to it (a Putin: 11,000 px and more). The bound leaves 8% for other fonts.
MAX_HEIGHT = 3700


def add_more(putin, n: int) -> None:
    """n more events, claims and mentions of the same actor."""
    from tests import factories as make

    for i in range(n):
        day = date(2023, 1, 1) + timedelta(days=i)
        text = f"Wladimir Putin sagte am Tag {i}, man wolle weiter verhandeln."
        article = make.article(f"Älterer Bericht {i}", text, None, day, indexed=False)
        make.mention(article, putin, "Wladimir Putin")
        make.claim(article, "man wolle weiter verhandeln", putin, cue="sagte")
        make.event(f"Älteres Treffen {i}", "meet", day, actors=[putin], articles=[article])


@pytest.fixture
def long_world(db):
    """Wladimir Putin with 60 events (14 others, three places), 80 claims of his own, 30 about
    him, 80 mentions, 15 names and 20 role descriptors; one event reported by 8 articles."""
    from tests import factories as make

    outlet = make.outlet("Kurier")
    putin = make.entity("Wladimir Putin", country="RU")
    others = [make.entity(f"Akteur Nummer {i}", country="RU") for i in range(NEIGHBOURS)]
    places = [
        make.entity(name, "place", "RU", latitude=lat, longitude=lon)
        for name, lat, lon in (
            ("Moskau", 55.75, 37.62),
            ("Sankt Petersburg", 59.94, 30.31),
            ("Sotschi", 43.6, 39.73),
        )
    ]
    for i in range(15):
        make.alias(putin, f"Putin Schreibweise {i}")
    for i in range(20):
        make.alias(putin, f"Kremlrolle {i}", kind="descriptor")
    summit = make.event("Gipfel in Moskau", "meet", date(2024, 1, 1), places[0], [putin, others[0]])
    for i in range(CLAIMS_MADE):
        day = date(2024, 1, 1) + timedelta(days=i)
        other = others[i % NEIGHBOURS]
        text = (
            f"Wladimir Putin sagte am Tag {i}, man wolle die Zusammenarbeit mit {other.name} vertiefen. "
            f"{other.name} erklärte, Wladimir Putin sei ein Partner."
        )
        article = make.article(f"Bericht {i}: Putin und {other.name}", text, outlet, day, indexed=False)
        make.mention(article, putin, "Wladimir Putin")
        make.claim(article, text[text.index("man wolle") : text.index(" vertiefen.")], putin, cue="sagte")
        if i < CLAIMS_ABOUT:
            about = text.index("Wladimir Putin sei")
            make.mention(article, putin, "Wladimir Putin", start=about)
            make.claim(article, text[about : len(text) - 1], other, cue="erklärte")
        if i < EVENTS - 1:
            make.event(
                f"Treffen von Putin und {other.name} ({i})",
                "meet",
                day,
                places[i % 3],
                [(putin, "source"), (other, "target")]
                + ([(others[(i + 5) % NEIGHBOURS], "participant")] if i % 4 == 0 else []),
                [article],
            )
        if i < 8:
            make.event_article(summit, article)
    return {"putin": putin, "summit": summit}


def test_a_long_entity_page_shows_the_top_and_links_to_everything(page, live_server, editor, long_world):
    putin = long_world["putin"]
    log_in(page, live_server, editor)
    page.goto(f"{live_server.url}/entities/{putin.pk}/")
    height = page.evaluate("document.documentElement.scrollHeight")
    shot(page, "entity_page_long")
    assert height < MAX_HEIGHT, height
    add_more(putin, 40)
    page.reload()
    assert abs(page.evaluate("document.documentElement.scrollHeight") - height) < 40
    # The network uses its card: as wide as the card's content, not a small picture in the middle.
    card = page.locator("#neighbours").bounding_box()
    chart = page.locator("#entity-network").bounding_box()
    assert chart["width"] > 0.85 * card["width"] - 60
    assert page.locator("#entity-network .node-label").count() == 1 + 12
    # Each „alle anzeigen (N)“ leads to the list with all N.
    for section, n in (
        ("#events", EVENTS + 40),
        ("#claims-made", CLAIMS_MADE + 40),
        ("#claims-about", CLAIMS_ABOUT),
    ):
        link = page.locator(f"{section} a.show-all")
        assert link.inner_text() == f"alle anzeigen ({n}) →"
        link.click()
        page.wait_for_load_state()
        assert page.locator(".result-count strong").inner_text() == str(n), section
        page.go_back()
    # The names beyond the first: one click away.
    names = page.locator("#names details.more").first
    assert not names.locator("li").first.is_visible()
    names.locator("summary").click()
    assert names.locator("li").count() == 15 - 6 and names.locator("li").first.is_visible()


def test_claims_have_compact_review_controls_and_a_dispute_needs_a_reason(
    page, live_server, editor, long_world
):
    from events.models import Claim, Tag

    Tag.objects.create(name="Gipfel", slug="gipfel")
    summit = long_world["summit"]
    log_in(page, live_server, editor)
    page.goto(f"{live_server.url}/events/{summit.pk}/")
    claims = page.locator("#claims article.claim-row")
    assert claims.count() == 8 + 8  # each article: Putin's claim and one about him
    # Each claim is a few lines: the controls sit beside the speaker, the forms folded away.
    heights = [claims.nth(i).bounding_box()["height"] for i in range(claims.count())]
    assert max(heights) < 110, heights
    assert page.locator("#claims input[name=reason]:visible").count() == 0
    assert page.locator("#claims select[name=tag]:visible").count() == 0
    shot(page, "event_page_claims")
    first = claims.first
    claim_id = int(first.get_attribute("id").removeprefix("claim-"))
    first.locator("summary.dispute").click()
    box = first.locator("input[name=reason]")
    assert box.is_visible()
    # Without a reason the browser does not even send it (required); the server refuses too
    # (tests/events/test_event_page.py).
    first.locator("button[value=disputed]").click()
    assert box.evaluate("field => field.validity.valueMissing")
    assert page.url == f"{live_server.url}/events/{summit.pk}/"
    assert Claim.objects.get(pk=claim_id).review_status == "unverified"
    box.fill("Zitat aus dem Zusammenhang gerissen")
    first.locator("button[value=disputed]").click()
    page.wait_for_url(f"{live_server.url}/events/{summit.pk}/#claim-{claim_id}")
    claim = Claim.objects.get(pk=claim_id)
    assert (claim.review_status, claim.review_reason) == ("disputed", "Zitat aus dem Zusammenhang gerissen")
    assert "„Zitat aus dem Zusammenhang gerissen“" in page.locator(f"#claim-{claim_id}").inner_text()
    # Confirming is one click.
    second = page.locator("#claims article.claim-row").nth(1)
    second_id = int(second.get_attribute("id").removeprefix("claim-"))
    second.locator("button[value=confirmed]").click()
    page.wait_for_url(f"{live_server.url}/events/{summit.pk}/#claim-{second_id}")
    assert Claim.objects.get(pk=second_id).review_status == "confirmed"


def test_the_merge_box_suggests_events_while_one_types(page, live_server, editor, long_world):
    from events.models import Event

    summit = long_world["summit"]
    target = Event.objects.get(title="Treffen von Putin und Akteur Nummer 3 (17)")
    log_in(page, live_server, editor)
    page.goto(f"{live_server.url}/events/{summit.pk}/")
    box = page.locator("#merge-event")
    box.press_sequentially("Nummer 3 (17", delay=30)
    pick = page.locator(f"#merge-event-picks button[data-id='{target.pk}']")
    pick.wait_for()
    assert "Treffen" in pick.inner_text() and f"Nr. {target.pk}" in pick.inner_text()
    shot(page, "merge_box")
    pick.click()
    assert box.input_value() == f"Nr. {target.pk} · {target.title}"
    assert page.locator("#merge-event-picks li").count() == 0  # the list closes
    page.locator("#merge-event ~ button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/events/{target.pk}/")
    assert page.locator(".messages").inner_text().startswith("In Treffen von Putin und Akteur Nummer 3 (17)")
    summit.refresh_from_db()
    assert summit.merged_into_id == target.pk


def test_without_javascript_the_server_reads_the_box(browser, live_server, editor, long_world):
    """No suggestions without JavaScript: a title that names several events gives a page to
    pick one from, a name that names one entity merges at once."""
    from events.models import Entity, Event

    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    page = context.new_page()
    try:
        log_in(page, live_server, editor)
        summit = long_world["summit"]
        page.goto(f"{live_server.url}/events/{summit.pk}/")
        page.fill("#merge-event", "Akteur Nummer 3 (")
        page.locator("#merge-event ~ button[type=submit]").click()
        page.wait_for_load_state()
        assert (
            page.locator(".pick-problem")
            .inner_text()
            .startswith("Mehrere Ereignisse passen zu „Akteur Nummer 3 (“")
        )
        shot(page, "merge_choose")
        target = Event.objects.get(title="Treffen von Putin und Akteur Nummer 3 (31)")
        page.locator(f"li:has(a[href='/events/{target.pk}/']) button.pick-this").click()
        page.wait_for_url(f"{live_server.url}/events/{target.pk}/")
        summit.refresh_from_db()
        assert summit.merged_into_id == target.pk
        # An entity by its (only) name.
        target = Entity.objects.create(key="t:unikat", kind="person", name="Xaver Unikat")
        typo = Entity.objects.create(key="t:unikatt", kind="person", name="Xaver Unikatt", provisional=True)
        page.goto(f"{live_server.url}/entities/{typo.pk}/")
        page.fill("#merge-target", "xaver unikat")
        page.locator("#merge-target ~ button[type=submit]").click()
        page.wait_for_url(f"{live_server.url}/entities/{target.pk}/")
        typo.refresh_from_db()
        assert typo.merged_into_id == target.pk
    finally:
        context.close()
