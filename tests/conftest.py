"""Shared fixtures: personas for each role, and a real Celery worker on real Redis."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection

from tests import factories
from tests.factories import PASSWORD  # noqa: F401  (tests import it from here)

# Django models are imported inside fixtures, so that the tests of pure modules (http,
# feeds, extraction) also run without Django: `pytest -p no:django tests/ingest/test_http.py`.

BASE_DIR = Path(__file__).resolve().parent.parent
SHARED = BASE_DIR.parent / "shared"


@pytest.fixture
def analyst(db):
    from portal.roles import ANALYST

    return factories.user(ANALYST, "anna")


@pytest.fixture
def editor(db):
    from portal.roles import EDITOR

    return factories.user(EDITOR, "erik")


@pytest.fixture
def admin_user(db):
    from portal.roles import ADMIN

    return factories.user(ADMIN, "ada")


@pytest.fixture
def analyst_client(client, analyst):
    """Django's test client, logged in as an analyst."""
    return factories.login(client, analyst)


@pytest.fixture
def editor_client(client, editor):
    """Django's test client, logged in as an editor."""
    return factories.login(client, editor)


@pytest.fixture
def persona(request, db):
    """A client for the persona named by the test's parameter: a role, factories.NO_ROLE (logged
    in, in no group) or None (anonymous)."""
    from django.test import Client

    role = request.param
    client = Client()
    if role is not None:
        factories.login(client, factories.user(role, f"{role}-persona"))
    return client


def database_url_for_subprocesses() -> str:
    """DATABASE_URL of the test database, for processes started by the tests."""
    parts = urlsplit(settings.DATABASE_URL)
    return urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"]))


def wait_for(predicate, timeout: float = 30.0, interval: float = 0.2, message: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {message}")


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker):
    """A real `celery worker` process consuming both queues from the tests' Redis database."""
    from portal.health import redis_client

    with django_db_blocker.unblock():
        database_url = database_url_for_subprocesses()
    redis_client().flushdb()
    proc = start_worker(f"test-{os.getpid()}@localhost", "fetch,nlp", "test-worker.log", database_url)
    try:
        yield proc
    finally:
        stop_process(proc)


def start_worker(
    hostname: str, queues: str, log_name: str, database_url: str, **env: str
) -> subprocess.Popen:
    """Start a `celery worker` (2 threads) on `queues` against the tests' database and Redis,
    logging to .data/`log_name`, and wait for its heartbeat. `env`: more settings (a broker)."""
    from portal.health import HEARTBEAT_PREFIX, redis_client

    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": database_url,
        # Already pointing at the tests' Redis database; tests.settings keeps it there.
        "REDIS_URL": settings.REDIS_URL,
        "PYTHONUNBUFFERED": "1",
        **env,
    }
    path = BASE_DIR / ".data" / log_name
    with path.open("w") as log:
        # Laid out by hand: the argv keeps each option beside its value.
        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "portal", "worker", "-Q", queues,
             "-P", "threads", "-c", "2", "-n", hostname, "--loglevel", "INFO"],
            cwd=BASE_DIR, env=environment, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    wait_for(
        lambda: redis_client().exists(HEARTBEAT_PREFIX + hostname) or proc.poll() is not None,
        timeout=60,
        message=f"the heartbeat of worker {hostname}",
    )
    if proc.poll() is not None:
        raise RuntimeError(f"the worker {hostname} exited; see {path}")
    return proc


def stop_process(proc: subprocess.Popen, timeout: float = 20) -> None:
    """Stop a worker warmly (SIGTERM); kill its process group if it does not stop in time."""
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


@pytest.fixture
def eager_tasks():
    """Run tasks inline: for unit tests of one step (the pipeline has its real-worker test)."""
    from portal.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager = False
    app.conf.task_eager_propagates = False
