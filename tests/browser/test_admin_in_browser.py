"""The admin's source list in a real browser at 1366 x 768: German, the reason of each source's
last failure in plain words, and nothing wider than the screen.

The sources fail for real: the fetch task runs on each, against a private address the SSRF
guard refuses before anything is sent, and against the tests' local HTTP server.
"""

import pytest

from tests.browser.conftest import log_in, shot
from tests.ingest.httpserver import LocalServer

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

SCREEN = {"width": 1366, "height": 768}
HEADERS = ["Quelle", "Medium", "Zustand", "Abrufe", "Letzter Fehler", "Artikel (24 h)"]


@pytest.fixture
def sources(db):
    """Four sources, each fetched once by the real fetch task."""
    from ingest.models import Outlet, Source
    from ingest.tasks import fetch_source

    zdf = Outlet.objects.create(name="ZDF", domain="zdf.de")
    Outlet.objects.create(name="ZDF", domain="zdfheute.de")
    local = Outlet.objects.create(name="Landeszeitung für Nordrhein-Westfalen", domain="127.0.0.1")
    with LocalServer() as server:
        server.add("/rss/gone.xml", status=404, body=b"weg")
        server.add(
            "/politik/", body=b"<!doctype html><html><body>Politik</body></html>", content_type="text/html"
        )
        made = {
            "intranet": Source.objects.create(
                outlet=zdf, name="ZDF Intranet", url="http://10.20.30.40/lagebild/nachrichten/feed.xml"
            ),
            "gone": Source.objects.create(
                outlet=local, name="Landespolitik", url=server.url("/rss/gone.xml")
            ),
            "html": Source.objects.create(
                outlet=local,
                name="Politik (Seite statt Feed)",
                url=server.url("/politik/?ressort=landespolitik&format=rss&utm_source=lagebild&seite=1"),
            ),
        }
        for source in made.values():
            fetch_source.apply(args=[source.pk])
    made["quiet"] = Source.objects.create(
        outlet=zdf, name="ZDFheute Sitemap", url="https://www.zdf.de/sitemap-news.xml", kind="sitemap"
    )
    for source in made.values():
        source.refresh_from_db()
    return made


def test_the_source_list_is_german_and_fits_the_screen(browser, live_server, admin_user, sources):
    assert sources["intranet"].last_error == "address 10.20.30.40 is private (SSRF guard)"
    context = browser.new_context(viewport=SCREEN, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, live_server, admin_user)
    page.goto(f"{live_server.url}/admin/ingest/source/")

    headers = page.locator("#result_list thead th:not(.action-checkbox-column)").all_text_contents()
    assert [h.strip() for h in headers] == HEADERS
    row = page.locator("#result_list tbody tr", has_text="ZDF Intranet")
    reason = row.locator("td.field-last_failure").inner_text()
    assert reason.startswith("Adresse zeigt auf ein internes Netz (10.20.30.40, privates Netz)")
    assert "aus Sicherheitsgründen gesperrt" in reason
    assert "SSRF guard" not in reason and "error" not in row.inner_text()
    gone = page.locator("#result_list tbody tr", has_text="Landespolitik")
    assert (
        "Server antwortet mit 404 – Seite nicht gefunden"
        in gone.locator("td.field-last_failure").inner_text()
    )
    html = page.locator("#result_list tbody tr", has_text="Seite statt Feed")
    assert "HTML-Seite, keinen Feed" in html.locator("td.field-last_failure").inner_text()
    assert "Fehler" in row.locator("td.field-fetches").inner_text()  # the outcome, in German
    # The outlet filter tells the two ZDF apart.
    filters = page.locator("#changelist-filter").inner_text()
    assert "ZDF (zdf.de)" in filters and "ZDF (zdfheute.de)" in filters

    # Nothing wider than the screen: neither the page nor the table inside its scroll box.
    widths = page.evaluate(
        """() => {
            const box = document.querySelector('#changelist-form .results');
            const columns = [...document.querySelectorAll('#result_list thead th')];
            return {page: document.scrollingElement.scrollWidth, box: box.clientWidth,
                    table: document.querySelector('#result_list').scrollWidth,
                    columns: columns.map(th => [th.className, th.offsetWidth])};
        }"""
    )
    shot(page, "admin_sources")
    assert widths["page"] <= SCREEN["width"], widths
    assert widths["table"] <= widths["box"], widths
    context.close()
