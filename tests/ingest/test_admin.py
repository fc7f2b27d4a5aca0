"""Admins run sources: health columns, fetch now, pause, resume; editors submit URLs."""

from datetime import timedelta

import pytest
from django.utils import timezone

from ingest.models import Article, FetchLog, Source
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
    assert "read timeout after 20 s" in page  # the failing source's error, as a tooltip
    assert '<td class="field-consecutive_failures">3</td>' in page
    assert '<td class="field-articles_24h">1</td>' in page


def test_the_source_page_shows_its_latest_fetches(admin_client, failing_source):
    page = admin_client.get(f"/admin/ingest/source/{failing_source.pk}/change/").content.decode()
    assert "read timeout after 20 s" in page


def action(client, name, source):
    return client.post(
        "/admin/ingest/source/", {"action": name, "_selected_action": [source.pk]}, follow=True
    )


def test_pause_and_resume(admin_client, failing_source):
    action(admin_client, "pause", failing_source)
    failing_source.refresh_from_db()
    assert failing_source.is_paused and "ada" in failing_source.paused_reason

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
