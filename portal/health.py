"""Health of the services Lagebild depends on, as shown by /healthz and the overview.

Workers publish a heartbeat key with a time-to-live into Redis; a worker whose key has
expired is considered gone. Beat proves itself alive by a periodic task: without it no
source is fetched and nothing lost is found again, so a beat that stopped ticking is a
failure. Work that the sweep should have moved and did not is reported as stalled.
"""

from __future__ import annotations

import contextlib
import json
import time
from functools import cache

import redis
from django.conf import settings
from django.db import connection

HEARTBEAT_PREFIX = "lagebild:heartbeat:worker:"
BEAT_KEY = "lagebild:heartbeat:beat"
# Beat records itself every 30 s; four missed ticks mean it has stopped.
BEAT_MAX_AGE_SECONDS = 120


@cache
def redis_client() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)


def publish_worker_heartbeat(hostname: str, queues: list[str]) -> None:
    payload = json.dumps({"hostname": hostname, "queues": queues, "ts": time.time()})
    redis_client().set(HEARTBEAT_PREFIX + hostname, payload, ex=settings.WORKER_HEARTBEAT_MAX_AGE)


def withdraw_worker_heartbeat(hostname: str) -> None:
    # Shutting down anyway: if Redis is gone, the key expires on its own.
    with contextlib.suppress(redis.RedisError):
        redis_client().delete(HEARTBEAT_PREFIX + hostname)


def record_beat() -> None:
    redis_client().set(BEAT_KEY, str(time.time()), ex=10 * 60)


def check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return {"ok": True}
    except Exception as exc:  # any failure means "down"; the text helps the operator
        return {"ok": False, "error": str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)}


def check_redis() -> dict:
    try:
        redis_client().ping()
        return {"ok": True}
    except redis.RedisError as exc:
        return {"ok": False, "error": str(exc)}


def check_workers(redis_ok: bool) -> dict:
    """Live workers and whether every required queue has at least one of them."""
    if not redis_ok:
        return {
            "ok": False,
            "error": "Redis unreachable",
            "workers": [],
            "missing_queues": settings.CELERY_REQUIRED_QUEUES,
        }
    client = redis_client()
    now = time.time()
    workers = []
    try:
        keys = sorted(client.scan_iter(match=HEARTBEAT_PREFIX + "*", count=100))
        beats = client.mget(keys) if keys else []
        last_beat = client.get(BEAT_KEY)
    except redis.RedisError as exc:
        return {
            "ok": False,
            "error": str(exc),
            "workers": [],
            "missing_queues": settings.CELERY_REQUIRED_QUEUES,
        }
    for raw in beats:
        if raw is None:
            continue  # expired between SCAN and MGET
        data = json.loads(raw)
        age = now - data["ts"]
        if age <= settings.WORKER_HEARTBEAT_MAX_AGE:
            workers.append(
                {"hostname": data["hostname"], "queues": data["queues"], "age_seconds": round(age, 1)}
            )
    served = {queue for worker in workers for queue in worker["queues"]}
    missing = [queue for queue in settings.CELERY_REQUIRED_QUEUES if queue not in served]
    beat_age = round(now - float(last_beat), 1) if last_beat else None
    beat_ok = beat_age is not None and beat_age <= BEAT_MAX_AGE_SECONDS
    beat = {"ok": beat_ok, "last_seen_seconds_ago": beat_age}
    if not beat_ok:
        beat["error"] = "beat has not run yet" if beat_age is None else f"beat stopped {int(beat_age)} s ago"
    return {"ok": not missing and beat_ok, "workers": workers, "missing_queues": missing, "beat": beat}


def check_pipeline(database_ok: bool) -> dict:
    """Articles whose work is overdue even for the sweep (it re-sends stale work every
    PIPELINE_SWEEP_SECONDS): lost messages nobody re-sent, steps nobody restarted."""
    if not database_ok:
        return {"ok": False, "error": "database unreachable", "stalled": {}, "stalled_total": 0}
    from datetime import timedelta

    from django.utils import timezone

    from ingest.pipeline import stalled_counts

    # Two sweeps' grace: work that just became overdue is the sweep's, not yet a problem.
    grace = timedelta(seconds=2 * settings.PIPELINE_SWEEP_SECONDS)
    try:
        stalled = stalled_counts(timezone.now() - grace)
    except Exception as exc:  # the database went away between the checks
        return {"ok": False, "error": str(exc).strip()[:200], "stalled": {}, "stalled_total": 0}
    return {"ok": not stalled, "stalled": stalled, "stalled_total": sum(stalled.values())}


def overall() -> dict:
    database = check_database()
    redis_state = check_redis()
    celery_state = check_workers(redis_state["ok"])
    pipeline_state = check_pipeline(database["ok"])
    ok = database["ok"] and redis_state["ok"] and celery_state["ok"] and pipeline_state["ok"]
    return {
        "status": "ok" if ok else "fail",
        "database": database,
        "redis": redis_state,
        "celery": celery_state,
        "pipeline": pipeline_state,
    }
