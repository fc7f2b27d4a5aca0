"""Workers outlive their Redis: real workers on an embedded Redis that is killed and restarted.

The Redis here is the embedded one in a temporary data directory, so the test can kill -9 it
without touching the Redis the rest of the suite (or anybody else) uses.
"""

import os
import subprocess
import sys
import time

import pytest
import redis
from django.conf import settings

from portal import embedded
from portal.health import BEAT_KEY, HEARTBEAT_PREFIX
from portal.settings import celery_broker_url
from tests.conftest import BASE_DIR, stop_process, wait_for

pytestmark = pytest.mark.slow

DB = settings.TEST_REDIS_DB


@pytest.fixture
def start_worker(own_redis, tmp_path):
    """Starts `celery worker` processes against the test's own Redis; stops them afterwards."""
    started = []

    def start(name: str, *pool_args: str) -> subprocess.Popen:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "REDIS_URL": embedded.redis_url(),  # tests.settings moves it to TEST_REDIS_DB
            # The suite's database server: without it the worker would start an embedded
            # PostgreSQL in this test's data directory and leave it running.
            "DATABASE_URL": settings.DATABASE_URL,
            "PYTHONUNBUFFERED": "1",
        }
        log = open(tmp_path / f"{name}.log", "w")  # noqa: SIM115 (closed below)
        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "portal", "worker", "-Q", "fetch", *pool_args,
             "-n", f"{name}@localhost", "--loglevel", "INFO"],
            cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        started.append((proc, log))
        return proc

    yield start
    for proc, log in started:
        stop_process(proc)
        log.close()


def client() -> redis.Redis:
    return redis.Redis(unix_socket_path=str(embedded.redis_socket()), db=DB, socket_timeout=5)


def heartbeat_seen(name: str) -> bool:
    try:
        return bool(client().exists(HEARTBEAT_PREFIX + f"{name}@localhost"))
    except redis.ConnectionError:
        return False


def assert_runs_a_task(proc: subprocess.Popen) -> None:
    """A task sent now through this Redis is run by the worker (it writes the beat key)."""
    from portal.celery import app
    from portal.tasks import beat_heartbeat

    client().delete(BEAT_KEY)
    broker = celery_broker_url(f"unix://{embedded.redis_socket()}?db={DB}")
    with app.connection_for_write(broker) as connection:
        beat_heartbeat.apply_async(connection=connection)
    wait_for(lambda: client().exists(BEAT_KEY) or proc.poll() is not None, timeout=60, message="the task")
    assert proc.poll() is None, "the worker exited"


def test_a_worker_started_before_redis_waits_for_it(own_redis, start_worker):
    worker = start_worker("early", "-P", "threads", "-c", "2")
    # Long enough for the worker to start up and meet the missing Redis; it used to die
    # here with "Unrecoverable error" from its heartbeat.
    time.sleep(8)
    assert worker.poll() is None

    own_redis.start_redis()

    wait_for(lambda: heartbeat_seen("early") or worker.poll() is not None, timeout=60, message="heartbeat")
    assert_runs_a_task(worker)


@pytest.mark.parametrize(
    "pool", [["-P", "threads", "-c", "4"], ["-P", "prefork", "-c", "1"]], ids=["threads", "prefork"]
)
def test_a_worker_outlives_a_hard_kill_of_redis(own_redis, start_worker, pool):
    own_redis.start_redis()
    worker = start_worker("survivor", *pool)
    wait_for(lambda: heartbeat_seen("survivor") or worker.poll() is not None, timeout=60, message="heartbeat")
    assert_runs_a_task(worker)

    own_redis.kill_redis()
    time.sleep(10)  # down for a while: the worker retries, its heartbeat fails meanwhile
    assert worker.poll() is None
    own_redis.start_redis()

    assert_runs_a_task(worker)
