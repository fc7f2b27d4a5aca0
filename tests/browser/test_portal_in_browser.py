"""An analyst's day, an editor's and an admin's, in a real browser, on data that the real
pipeline made from the reference case (../shared/seed) and a second report of the visit."""

import json
import re
from io import StringIO

import pytest
from django.core.management import call_command

from tests.browser.conftest import log_in, shot
from tests.conftest import SHARED

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

SEED = SHARED / "seed" / "putin-kim-pjoengjang.txt"
# A second report of the same visit, written for this test.
SECOND = (
    "Kim Jong Un empfängt Putin mit militärischen Ehren. Pjöngjang – Der nordkoreanische Machthaber "
    "Kim Jong Un hat den russischen Präsidenten Wladimir Putin am Mittwoch in Pjöngjang mit militärischen "
    "Ehren empfangen. Beide unterzeichneten ein Abkommen über eine umfassende strategische Partnerschaft. "
    "Putin sagte, die Vereinbarung sehe gegenseitigen Beistand im Falle einer Aggression vor. "
    "Ein Sprecher des US-Außenministeriums sagte, die Zusammenarbeit sei eine Bedrohung für die Region."
)


@pytest.fixture
def reference(kb, tmp_path):
    """The seed article and the second report through import_corpus: extraction of nothing
    (plain texts), then the real analysis and clustering, in this process."""
    from events.models import Claim, Entity, Event

    if not SEED.exists():
        pytest.skip("../shared/seed is not on this machine")
    texts = tmp_path / "texts.jsonl"
    texts.write_text(json.dumps({"id": "browser-0001", "category": "International", "text": SECOND}) + "\n")
    call_command(
        "import_corpus", html="", text=str(texts), seed=str(SEED), stdout=StringIO(), stderr=StringIO()
    )
    putin = Entity.objects.get(name="Wladimir Putin")
    claim = (
        Claim.objects.filter(content__contains="Sanktionen zu überwinden").select_related("article").first()
    )
    event = (
        Event.objects.active().filter(event_articles__article=claim.article).order_by("-confidence").first()
    )
    return {"putin": putin, "kim": Entity.objects.get(name="Kim Jong Un"), "claim": claim, "event": event}


@pytest.fixture
def tag(db):
    from events.models import Tag

    return Tag.objects.create(name="Gipfeltreffen", slug="gipfeltreffen")


def test_an_analyst_searches_and_filters(page, live_server, analyst, reference):
    log_in(page, live_server, analyst)
    shot(page, "dashboard")
    assert page.locator("#latest-events a").count() >= 1
    page.goto(f"{live_server.url}/events/")
    # Typing searches (htmx swaps the results and keeps the query in the address bar).
    with page.expect_response(re.compile(r"/events/\?.*q=Sanktionen")):
        page.fill("input[name=q]", "Sanktionen")
    page.wait_for_url(re.compile(r"q=Sanktionen"))
    results = page.locator("#results")
    assert results.locator(f"a[href='/events/{reference['event'].pk}/']").count() == 1
    assert results.locator("mark").first.inner_text().lower().startswith("sanktion")
    # A filter narrows the list; the URL keeps both.
    with page.expect_response(re.compile(r"type=")):
        page.select_option("select[name=type]", reference["event"].type)
    page.wait_for_url(re.compile(r"q=Sanktionen.*type=|type=.*q=Sanktionen"))
    shot(page, "event-list-search")
    # The URL is the state: reloading shows the same filtered list.
    page.reload()
    assert page.locator("input[name=q]").input_value() == "Sanktionen"
    assert page.locator(f"#results a[href='/events/{reference['event'].pk}/']").count() == 1


def test_an_analyst_follows_a_claim_to_its_sentence(page, live_server, analyst, reference):
    claim, event = reference["claim"], reference["event"]
    log_in(page, live_server, analyst)
    page.goto(f"{live_server.url}/events/{event.pk}/")
    assert page.locator("svg").count() >= 1  # the place on a map, the reports on a timeline
    shot(page, "event-detail")
    page.click(f"a[href='{claim.get_absolute_url()}']")
    page.wait_for_url(re.compile(rf"/articles/{claim.article_id}/\?claim={claim.pk}"))
    focus = page.locator(".focus").first
    assert "Sanktionen zu überwinden" in focus.inner_text()
    # Highlighted and scrolled into view.
    in_view = focus.evaluate(
        "el => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight; }"
    )
    assert in_view
    assert page.locator(f"#claim-{claim.pk}").count() == 1
    shot(page, "article-claim-in-focus")


def test_an_analyst_reads_an_actor_and_compares_two(page, live_server, analyst, reference):
    putin, kim = reference["putin"], reference["kim"]
    log_in(page, live_server, analyst)
    page.goto(f"{live_server.url}/entities/{putin.pk}/")
    assert "Wladimir Putin" in page.locator("h1").inner_text()
    shot(page, "entity-putin")
    page.goto(f"{live_server.url}/crossref/?entity={putin.pk}&entity={kim.pk}")
    assert page.locator("svg").count() >= 1
    shot(page, "crossref-putin-kim")
    page.goto(f"{live_server.url}/claims/?review=unverified")
    assert page.locator(f"a[href='{reference['claim'].get_absolute_url()}']").count() >= 1
    shot(page, "claims")


def test_an_editor_tags_an_event(page, live_server, editor, reference, tag):
    from events.models import Tagging

    event = reference["event"]
    log_in(page, live_server, editor)
    page.goto(f"{live_server.url}/events/{event.pk}/")
    box = page.locator(".tag-box").first
    box.locator("select[name=tag]").select_option(str(tag.pk))
    box.locator("form.tag-add button").click()
    page.wait_for_url(f"{live_server.url}/events/{event.pk}/")
    assert page.locator(f".tag-box a[href='/tags/{tag.slug}/']").count() == 1
    tagging = Tagging.objects.get(tag=tag, event=event)
    assert tagging.user == editor
    # The tag page lists it.
    page.click(f".tag-box a[href='/tags/{tag.slug}/']")
    assert page.locator(f"a[href='/events/{event.pk}/']").count() >= 1
    shot(page, "tag-page")


def test_an_editor_tags_a_filtered_list_in_bulk(page, live_server, editor, reference, tag):
    from events.models import Event, Tagging

    log_in(page, live_server, editor)
    page.goto(f"{live_server.url}/events/?actor={reference['putin'].pk}")
    matching = Event.objects.active().filter(actors=reference["putin"]).distinct().count()
    bar = page.locator("#bulk-tag")
    bar.locator("select[name=tag]").select_option(str(tag.pk))
    bar.locator("input[name=all]").check()
    bar.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/events/\?actor="))
    assert Tagging.objects.filter(tag=tag, event__isnull=False).count() == matching


def test_an_analyst_is_refused_curation(page, live_server, analyst, reference, tag):
    event = reference["event"]
    log_in(page, live_server, analyst)
    page.goto(f"{live_server.url}/events/{event.pk}/")
    assert page.locator(".tag-box form.tag-add").count() == 0
    assert page.locator("#bulk-tag").count() == 0
    # Even a hand-made request is refused.
    response = page.request.post(
        f"{live_server.url}/tags/apply/",
        form={"tag": str(tag.pk), "kind": "event", "ids": str(event.pk), "action": "add"},
        headers={"X-CSRFToken": page.context.cookies()[0]["value"] if page.context.cookies() else ""},
    )
    assert response.status == 403
    response = page.goto(f"{live_server.url}/entities/{reference['putin'].pk}/split/")
    assert response.status == 403


def test_an_admin_adds_a_source(page, live_server, admin_user):
    from ingest.models import Outlet, Source

    outlet = Outlet.objects.create(name="Tagesschau", domain="tagesschau.de")
    log_in(page, live_server, admin_user)
    page.click("nav >> text=Verwaltung")
    page.click("a[href='/admin/ingest/source/add/']")
    page.select_option("#id_outlet", str(outlet.pk))
    page.fill("#id_name", "Tagesschau Ausland")
    page.fill("#id_url", "https://www.tagesschau.de/ausland/index~rss2.xml")
    page.select_option("#id_kind", "feed")
    page.click("input[name=_save]")
    page.wait_for_url(f"{live_server.url}/admin/ingest/source/")
    assert Source.objects.filter(name="Tagesschau Ausland", outlet=outlet).exists()
    assert "Tagesschau Ausland" in page.locator("#result_list").inner_text()
    shot(page, "admin-sources")
