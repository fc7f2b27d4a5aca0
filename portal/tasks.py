"""Housekeeping tasks run by beat."""

from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone

from portal import login_throttle
from portal.health import record_beat


@shared_task(ignore_result=True)
def beat_heartbeat() -> None:
    record_beat()


@shared_task(ignore_result=True)
def clear_expired_sessions() -> int:
    """Delete expired sessions; returns how many (Django never deletes them by itself)."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


@shared_task(ignore_result=True)
def prune_login_attempts() -> int:
    """Keep the login attempts table small (LOGIN_ATTEMPTS_KEEP_DAYS)."""
    return login_throttle.prune_login_attempts()
