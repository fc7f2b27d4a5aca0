import pytest
from django.test import override_settings

from portal import health

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def fresh_redis_client():
    health.redis_client.cache_clear()
    yield
    health.redis_client.cache_clear()


def test_it_is_green_with_database_redis_and_worker(client, celery_worker_process):
    health.record_beat()  # what beat's heartbeat task does every 30 s
    response = client.get("/healthz")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] and body["redis"]["ok"] and body["celery"]["ok"]
    assert body["pipeline"] == {"ok": True, "stalled": {}, "stalled_total": 0}
    assert {"fetch", "nlp"} <= {q for w in body["celery"]["workers"] for q in w["queues"]}


def test_it_needs_no_login(client):
    response = client.get("/healthz")
    assert response.status_code in (200, 503)
    assert response["Content-Type"] == "application/json"


def test_it_is_503_when_redis_is_down(client, tmp_path):
    with override_settings(REDIS_URL=f"unix://{tmp_path}/nothing-here.sock?db=0"):
        health.redis_client.cache_clear()
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["redis"]["ok"] is False and body["redis"]["error"]
    assert body["database"]["ok"] is True


def test_it_is_503_when_no_worker_serves_a_queue(client):
    # A queue no worker consumes, as if the workers for it had stopped.
    with override_settings(CELERY_REQUIRED_QUEUES=["fetch", "archive"]):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert "archive" in response.json()["celery"]["missing_queues"]


def test_it_is_503_when_the_database_is_down(client, tmp_path):
    from django.db import connection

    saved = dict(connection.settings_dict)
    connection.close()
    # A socket directory where no server listens: connecting fails for real.
    connection.settings_dict.update(HOST=str(tmp_path), PORT="")
    try:
        response = client.get("/healthz")
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)
    assert response.status_code == 503
    body = response.json()
    assert body["database"]["ok"] is False and "connection" in body["database"]["error"]


def test_a_beat_that_stopped_ticking_fails_the_check(client, settings):
    """Without beat nothing is fetched and nothing lost is sent again: not healthy."""
    import time

    health.record_beat()
    health.redis_client().set(health.BEAT_KEY, str(time.time() - 10 * 60))
    body = client.get("/healthz").json()
    assert body["status"] == "fail"
    assert body["celery"]["beat"]["ok"] is False
    assert "beat stopped" in body["celery"]["beat"]["error"]


def test_stalled_work_fails_the_check_and_shows_on_the_overview(client, settings):
    from datetime import timedelta

    from django.utils import timezone

    from ingest.models import Article
    from tests import factories

    health.record_beat()
    stuck = Article.objects.create(
        url="https://example.org/a", canonical_url="https://example.org/a", status=Article.Status.ANALYZING
    )
    Article.objects.filter(pk=stuck.pk).update(updated_at=timezone.now() - timedelta(hours=2))
    body = client.get("/healthz").json()
    assert body["status"] == "fail"
    assert body["pipeline"] == {"ok": False, "stalled": {"analyzing": 1}, "stalled_total": 1}

    factories.login(client, factories.user("analyst", "stalled-analyst"))
    page = client.get("/").content.decode()
    assert "1 hängt fest" in page or "1 stalled" in page
