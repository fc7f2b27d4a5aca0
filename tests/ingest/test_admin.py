"""Admins run sources: health columns, fetch now, pause, resume; editors submit URLs."""

from datetime import timedelta

import pytest
from django.utils import timezone

from ingest import services
from ingest.models import Article, FetchLog, Outlet, Source
from tests.factories import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, admin_user):
    login(client, admin_user)
    return client


@pytest.fixture
def failing_source(make_source):
    source = make_source(
        "http://127.0.0.1:9/feed.xml",
        last_fetch_at=timezone.now(),
        last_outcome="error",
        last_error="read timeout after 20 s",
        consecutive_failures=3,
        next_fetch_at=timezone.now() + timedelta(hours=2),
    )
    FetchLog.objects.create(source=source, url=source.url, outcome="error", error="read timeout after 20 s")
    Article.objects.create(url="http://127.0.0.1:9/a", canonical_url="http://127.0.0.1:9/a", source=source)
    return source


def test_the_source_list_shows_health(admin_client, failing_source):
    page = admin_client.get("/admin/ingest/source/").content.decode()
    reason = "Server antwortet nicht: keine Daten nach 20 s (Zeitüberschreitung)"
    # The failing source's error in plain German words, the stored English on hover.
    assert f'<span class="reason" title="read timeout after 20 s">{reason}</span>' in page
    assert "fehlerhaft (3×)" in page
    assert '<td class="field-articles_24h">1</td>' in page
    for header in ("Quelle", "Medium", "Zustand", "Abrufe", "Letzter Fehler", "Artikel (24 h)"):
        assert f">{header}</a></div>" in page, header


def test_the_source_page_shows_its_latest_fetches(admin_client, failing_source):
    page = admin_client.get(f"/admin/ingest/source/{failing_source.pk}/change/").content.decode()
    assert "Server antwortet nicht: keine Daten nach 20 s (Zeitüberschreitung)" in page
    for label in ("Beginn", "Ergebnis", "HTTP-Status", "Gelesene Bytes", "Pausiert am", "ETag"):
        assert label in page, label
    assert "Started at" not in page and "Paused at" not in page


def test_the_last_error_stays_after_the_source_recovers(admin_client, failing_source, server):
    from tests.ingest.conftest import rss

    server.add("/feed.xml", body=rss(), content_type="application/rss+xml")
    Source.objects.filter(pk=failing_source.pk).update(url=server.url("/feed.xml"))
    failing_source.refresh_from_db()
    services.source_fetch(failing_source)
    failing_source.refresh_from_db()
    assert failing_source.consecutive_failures == 0 and failing_source.last_error == "read timeout after 20 s"
    page = admin_client.get("/admin/ingest/source/").content.decode()
    assert "● ok" in page.replace("\u00a0", " ")
    assert "Server antwortet nicht: keine Daten nach 20 s (Zeitüberschreitung)" in page


def test_fetch_logs_speak_german(admin_client, failing_source):
    FetchLog.objects.create(
        source=failing_source, url=failing_source.url, outcome="not_modified", status_code=304, error=""
    )
    page = admin_client.get("/admin/ingest/fetchlog/").content.decode()
    assert "unverändert" in page and "not_modified" not in page.replace("?outcome__exact=not_modified", "")
    assert "Server antwortet nicht: keine Daten nach 20 s" in page
    for header in (
        "Beginn",
        "Quelle",
        "URL",
        "Ergebnis",
        "HTTP-Status",
        "Gelesene Bytes",
        "Dauer (ms)",
        "Fehler",
    ):
        assert f">{header}</" in page, header
    assert "Fehlerart" in page  # the filter by kind of error


def action(client, name, source):
    return client.post(
        "/admin/ingest/source/", {"action": name, "_selected_action": [source.pk]}, follow=True
    )


def test_pause_and_resume(admin_client, failing_source):
    action(admin_client, "pause", failing_source)
    failing_source.refresh_from_db()
    assert failing_source.is_paused and failing_source.paused_reason == "paused by ada"
    page = admin_client.get(f"/admin/ingest/source/{failing_source.pk}/change/").content.decode()
    assert "pausiert von ada" in page

    action(admin_client, "resume", failing_source)
    failing_source.refresh_from_db()
    assert not failing_source.is_paused and failing_source.consecutive_failures == 0
    assert failing_source.next_fetch_at <= timezone.now()


def test_fetch_now_queues_the_source(admin_client, failing_source, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        response = action(admin_client, "fetch_now", failing_source)
    assert len(callbacks) == 1
    assert "1 Quelle" in response.content.decode() or "1 source" in response.content.decode()


def test_an_admin_adds_a_source(admin_client, outlet):
    response = admin_client.post(
        "/admin/ingest/source/add/",
        {
            "outlet": outlet.pk,
            "name": "Tagesschau",
            "url": "https://www.tagesschau.de/xml/rss2/",
            "kind": "feed",
            "active": "on",
            "interval_minutes": 15,
            "user_agent": "",
            "cookie": "",
            "fetch_logs-TOTAL_FORMS": 0,
            "fetch_logs-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Source.objects.get().interval_minutes == 15


def test_an_editor_submits_a_url(client, editor, django_capture_on_commit_callbacks):
    login(client, editor)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            "/ingest/submit/", {"url": "https://www.example.org/artikel?utm_source=x"}, follow=True
        )
    article = Article.objects.get()
    assert article.canonical_url == "https://www.example.org/artikel" and article.submitted_by == editor
    assert len(callbacks) == 1
    assert "https://www.example.org/artikel" in response.content.decode()


def test_a_bad_url_is_refused_with_a_message(client, editor):
    login(client, editor)
    response = client.post("/ingest/submit/", {"url": "ftp://example.org/x"})
    assert response.status_code == 200 and Article.objects.count() == 0
    assert 'class="error"' in response.content.decode()


def test_outlet_flags_are_edited_in_the_list_and_the_form(admin_client, outlet):
    page = admin_client.get("/admin/ingest/outlet/").content.decode()
    assert 'name="form-0-state_affiliated"' in page and 'name="form-0-wire_agency"' in page
    response = admin_client.post(
        "/admin/ingest/outlet/",
        {
            "form-TOTAL_FORMS": 1,
            "form-INITIAL_FORMS": 1,
            "form-0-id": outlet.pk,
            "form-0-state_affiliated": "on",
            "_save": "Sichern",
        },
    )
    assert response.status_code == 302
    outlet.refresh_from_db()
    assert outlet.state_affiliated and not outlet.wire_agency
    form = admin_client.get(f"/admin/ingest/outlet/{outlet.pk}/change/").content.decode()
    assert 'name="state_affiliated"' in form and 'name="wire_agency"' in form
    assert "Staatsnah" in form and "Nachrichtenagentur" in form


def test_outlets_of_the_same_name_show_their_domain_in_the_admin(admin_client, make_source):
    Outlet.objects.create(name="ZDF", domain="zdf.de")
    Outlet.objects.create(name="ZDF", domain="zdfheute.de")
    make_source("http://127.0.0.1:9/feed.xml")
    for url in ("/admin/ingest/source/", "/admin/ingest/article/", "/admin/ingest/source/add/"):
        page = admin_client.get(url).content.decode()
        assert "ZDF (zdf.de)" in page and "ZDF (zdfheute.de)" in page, url
        assert "Testkurier (" not in page, url  # a name of its own stays as it is
