"""The portal in a real browser: Debian's Chromium driven by Playwright against a live server.

Screenshots of the pages land in tests/screenshots/ (git-ignored) for a person to look at.
"""

import pytest

from tests.browser.conftest import log_in, shot

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def entities(db):
    from events.models import Entity, Mention
    from ingest.models import Article

    article = Article.objects.create(
        url="https://example.org/a",
        canonical_url="https://example.org/a",
        status="analyzed",
        title="Putn in Pjöngjang",
        text="Wladimir Putn traf Kim Jong Un in Pjöngjang.",
    )
    putin = Entity.objects.create(key="t:putin", kind="person", name="Wladimir Putin")
    typo = Entity.objects.create(key="t:putn", kind="person", name="Wladimir Putn", provisional=True)
    Mention.objects.create(article=article, entity=typo, label="PER", start=0, end=13, text="Wladimir Putn")
    return putin, typo


def test_the_login_page_is_german_for_an_english_browser(page, live_server):
    page.goto(f"{live_server.url}/")
    assert "/login/" in page.url
    assert page.locator("h1").inner_text() == "Anmelden"
    shot(page, "login")


def test_an_editor_merges_a_provisional_entity(page, live_server, editor, entities):
    putin, typo = entities
    log_in(page, live_server, editor)
    page.click("text=Prüfliste")
    page.click(f"a[href='/entities/{typo.pk}/']")
    assert page.locator("mark.mention").inner_text() == "Wladimir Putn"
    shot(page, "entity-provisional")
    page.fill("#merge-target", str(putin.pk))
    page.click("text=Zusammenführen >> nth=-1")
    page.wait_for_url(f"{live_server.url}/entities/{putin.pk}/")
    assert "Wladimir Putn" in page.locator(".aliases").inner_text()
    assert page.locator(".messages").inner_text().startswith("In Wladimir Putin zusammengeführt")
    shot(page, "entity-merged")
    typo.refresh_from_db()
    assert typo.merged_into_id == putin.pk


def test_an_analyst_sees_no_curation(page, live_server, analyst, entities):
    _, typo = entities
    log_in(page, live_server, analyst)
    page.goto(f"{live_server.url}/entities/{typo.pk}/")
    assert page.locator("#merge-target").count() == 0
    assert page.locator("text=Prüfliste").count() == 0
    response = page.goto(f"{live_server.url}/ingest/submit/")
    assert response.status == 403


def test_the_dashboard_shows_ingestion_and_system_status(page, live_server, admin_user):
    log_in(page, live_server, admin_user)
    health = page.locator("#ingestion")
    assert health.locator("summary").is_visible()
    assert not health.locator(".status").is_visible()  # one line until asked for more
    health.locator("summary").click()
    assert "Datenbank: erreichbar" in health.locator(".status").inner_text()
    shot(page, "dashboard-status")
