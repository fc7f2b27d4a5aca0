"""The portal in a real browser: Debian's Chromium driven by Playwright against a live server.

Screenshots of the pages land in tests/screenshots/ (git-ignored) for a person to look at.
"""

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parents[1] / "screenshots"

if not Path(CHROMIUM).exists():
    pytest.skip("Debian's chromium is not installed (make test installs it as root)", allow_module_level=True)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread; the tests' own
    # database calls (fixtures, refresh_from_db) are ordinary synchronous ones and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            launched = playwright.chromium.launch(
                executable_path=CHROMIUM,
                args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            yield launched
            launched.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def log_in(page, live_server, user):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(f"{live_server.url}/")


def shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def entities(db):
    from events.models import Entity, Mention
    from ingest.models import Article

    article = Article.objects.create(
        url="https://example.org/a", canonical_url="https://example.org/a", status="analyzed",
        title="Putn in Pjöngjang", text="Wladimir Putn traf Kim Jong Un in Pjöngjang.",
    )  # fmt: skip
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


def test_the_dashboard_shows_system_status(page, live_server, admin_user):
    log_in(page, live_server, admin_user)
    assert page.locator("h2").first.inner_text() == "Systemstatus"
    assert "Datenbank: erreichbar" in page.locator(".status").inner_text()
    shot(page, "dashboard")
