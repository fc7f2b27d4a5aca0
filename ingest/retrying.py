"""Which errors mean "a service is away for a moment", and how tasks wait for it.

A PostgreSQL restart, a Redis restart or a network blip raise these; a task that meets one
is retried with growing, jittered delays (5 s, 10 s, 20 s ... at most 5 min) instead of
failing, and the article it holds keeps its state.
"""

from __future__ import annotations

import kombu.exceptions
import redis.exceptions
from django.db import InterfaceError, OperationalError

TRANSIENT_ERRORS = (
    OperationalError,
    InterfaceError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    kombu.exceptions.OperationalError,
    ConnectionError,
)


def retry_options(max_retries: int = 50) -> dict:
    """Celery task options: retry on TRANSIENT_ERRORS with exponential backoff.

    Fifty tries at up to five minutes apart ride out a few hours of outage; after that the
    sweep (ingest/pipeline.py) still finds the article by its state.
    """
    return {
        "autoretry_for": TRANSIENT_ERRORS,
        "retry_backoff": 5,
        "retry_backoff_max": 300,
        "retry_jitter": True,
        "max_retries": max_retries,
    }
