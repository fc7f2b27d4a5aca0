"""Login throttling: too many failed passwords per account or per client, and logging in is
refused for a while, even with the right password.

The rule, with the limits from settings (LOGIN_THROTTLE_*):
- an account (the user name as typed, case ignored) is locked once it has had
  LOGIN_THROTTLE_ACCOUNT_LIMIT failures within LOGIN_THROTTLE_WINDOW_SECONDS since its last
  successful login: a user who mistyped and then got in starts afresh;
- a client address is locked once LOGIN_THROTTLE_CLIENT_LIMIT failures came from it within
  the window, whatever the user names; a success does not reset this one, or one known
  account would unlock guessing at all the others;
- a lock ends when enough failures have left the window. Refused attempts do not count, so
  trying on does not prolong it, and the password of a refused attempt is never checked.

Every attempt is a LoginAttempt row in PostgreSQL, so all web processes count the same ones.
Two attempts for the same account or from the same client are serialised with transaction-
level advisory locks: a burst of parallel requests cannot all pass the check before the
first failure is written.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from portal.models import LoginAttempt

# Namespaces (first key) of the advisory locks, so they never collide with other users of
# pg_advisory_xact_lock(int, int).
_ACCOUNT_LOCK, _CLIENT_LOCK = 7431, 7432


@dataclass(frozen=True)
class LoginDecision:
    outcome: LoginAttempt.Outcome
    # Set when refused: the first moment an attempt is let through again.
    retry_at: datetime | None = None

    @property
    def refused(self) -> bool:
        return self.outcome == LoginAttempt.Outcome.REFUSED


def client_address(request: HttpRequest) -> str:
    """The client's IP address: REMOTE_ADDR, or with LOGIN_TRUSTED_PROXIES = n > 0 the n-th
    address from the right of X-Forwarded-For (each trusted proxy appends the address it was
    reached from; anything further left was written by the client and proves nothing)."""
    remote = request.META.get("REMOTE_ADDR", "") or "0.0.0.0"  # noqa: S104 (no address known)
    hops = settings.LOGIN_TRUSTED_PROXIES
    if hops <= 0:
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    if len(forwarded) < hops:
        return remote  # not the chain of proxies the setting describes
    candidate = forwarded[-hops]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def login_attempt(
    *, username: str, address: str, place: str, check_password: Callable[[], bool]
) -> LoginDecision:
    """Run `check_password` unless the account or client is locked; record the attempt."""
    now = timezone.now()
    with transaction.atomic():
        _lock(_ACCOUNT_LOCK, username.upper())
        _lock(_CLIENT_LOCK, address)
        retry_at = _locked_until(username, address, now)
        if retry_at is not None:
            outcome = LoginAttempt.Outcome.REFUSED
        elif check_password():
            outcome = LoginAttempt.Outcome.SUCCEEDED
        else:
            outcome = LoginAttempt.Outcome.FAILED
        LoginAttempt.objects.create(
            username=username[: LoginAttempt._meta.get_field("username").max_length],
            client_address=address,
            outcome=outcome,
            place=place,
            created_at=now,
        )
    return LoginDecision(outcome, retry_at)


def _lock(namespace: int, key: str) -> None:
    # Always account first, then client: no two requests can wait for each other in a cycle.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [namespace, key])


def _locked_until(username: str, address: str, now: datetime) -> datetime | None:
    """When the account or client lock ends, or None if neither is locked."""
    window = timedelta(seconds=settings.LOGIN_THROTTLE_WINDOW_SECONDS)
    failures = LoginAttempt.objects.filter(outcome=LoginAttempt.Outcome.FAILED, created_at__gt=now - window)
    last_success = (
        LoginAttempt.objects.filter(username__iexact=username, outcome=LoginAttempt.Outcome.SUCCEEDED)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    account = failures.filter(username__iexact=username)
    if last_success is not None:
        account = account.filter(created_at__gt=last_success)
    ends = [
        _lock_end(account, settings.LOGIN_THROTTLE_ACCOUNT_LIMIT, window),
        _lock_end(failures.filter(client_address=address), settings.LOGIN_THROTTLE_CLIENT_LIMIT, window),
    ]
    ends = [end for end in ends if end is not None]
    return max(ends) if ends else None


def _lock_end(failures, limit: int, window: timedelta) -> datetime | None:
    """With `limit` or more failures in the window, the moment the limit-th newest leaves it."""
    if limit <= 0:
        return None  # 0 turns this limit off
    times = list(failures.order_by("-created_at").values_list("created_at", flat=True)[:limit])
    return times[-1] + window if len(times) >= limit else None


def prune_login_attempts(*, now: datetime | None = None) -> int:
    """Delete attempts older than LOGIN_ATTEMPTS_KEEP_DAYS; returns how many."""
    now = now or timezone.now()
    keep = timedelta(days=settings.LOGIN_ATTEMPTS_KEEP_DAYS)
    # Never what the throttle still counts, whatever the settings say.
    cutoff = now - max(keep, timedelta(seconds=settings.LOGIN_THROTTLE_WINDOW_SECONDS))
    deleted, _ = LoginAttempt.objects.filter(created_at__lt=cutoff).delete()
    return deleted
