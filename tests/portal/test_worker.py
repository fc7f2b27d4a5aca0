"""A real task through real Redis to a real Celery worker, seen in the database."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from portal.tasks import clear_expired_sessions
from tests.conftest import wait_for

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_it_runs_a_task_on_a_real_worker(celery_worker_process):
    now = timezone.now()
    Session.objects.create(session_key="expired" * 4, session_data="x", expire_date=now - timedelta(days=1))
    Session.objects.create(session_key="current" * 4, session_data="x", expire_date=now + timedelta(days=1))

    clear_expired_sessions.delay()

    wait_for(lambda: not Session.objects.filter(session_key="expired" * 4).exists(), message="the worker")
    assert Session.objects.filter(session_key="current" * 4).exists()


def test_beat_heartbeat_task_is_seen_by_healthz(celery_worker_process, client):
    from portal.health import BEAT_KEY, redis_client
    from portal.tasks import beat_heartbeat

    def beat_age():
        return client.get("/healthz").json()["celery"]["beat"]["last_seen_seconds_ago"]

    redis_client().delete(BEAT_KEY)
    assert beat_age() is None  # no beat seen yet: what follows is the task's doing
    beat_heartbeat.delay()
    wait_for(lambda: beat_age() is not None, message="beat heartbeat")
    assert 0 <= beat_age() < 60
