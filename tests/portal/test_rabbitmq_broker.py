"""RabbitMQ as the broker (README, "Scaling out"): a real task through a real RabbitMQ to a
real worker, and the sweep's queue length read from it. Redis stays (fetch slots, heartbeats).

Needs a RabbitMQ at TEST_AMQP_URL (default guest@127.0.0.1:5672); skipped where none runs.
Each run uses a queue of its own, so parallel runs on one RabbitMQ do not take each other's
messages.
"""

import os
import socket
import uuid
from urllib.parse import urlsplit

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone
from kombu import Connection

from ingest.pipeline import broker_queue_length
from portal.tasks import clear_expired_sessions
from tests.conftest import database_url_for_subprocesses, start_worker, stop_process, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

AMQP_URL = os.getenv("TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672//")


def rabbitmq_reachable() -> bool:
    parts = urlsplit(AMQP_URL)
    try:
        with socket.create_connection((parts.hostname, parts.port or 5672), timeout=1):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not rabbitmq_reachable(), reason=f"no RabbitMQ at {AMQP_URL}")
def test_a_worker_on_rabbitmq_runs_the_task_and_the_queue_length_is_read_there():
    from datetime import timedelta

    queue = f"lagebild-test-{uuid.uuid4().hex[:10]}"
    key = "rabbit" * 6
    Session.objects.create(session_key=key, session_data="x", expire_date=timezone.now() - timedelta(days=1))
    with Connection(AMQP_URL) as connection:
        clear_expired_sessions.apply_async(queue=queue, connection=connection)
    try:
        with Connection(AMQP_URL) as connection:
            assert broker_queue_length(queue, connection) == 1
        worker = start_worker(
            f"rabbit-{os.getpid()}@localhost",
            queue,
            "test-rabbitmq-worker.log",
            database_url_for_subprocesses(),
            CELERY_BROKER_URL=AMQP_URL,
        )
        try:
            wait_for(
                lambda: not Session.objects.filter(session_key=key).exists(),
                timeout=60,
                message="the worker on RabbitMQ (.data/test-rabbitmq-worker.log)",
            )
        finally:
            stop_process(worker)
        with Connection(AMQP_URL) as connection:
            assert broker_queue_length(queue, connection) == 0
    finally:
        with Connection(AMQP_URL) as connection:
            connection.default_channel.queue_delete(queue)
