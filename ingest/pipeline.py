"""The article pipeline's bookkeeping: the database, not the broker, is the record of
pending work.

An article's status says what it waits for (DISCOVERED, FETCHED, EXTRACTED) or which step
is running (FETCHING, EXTRACTING, ANALYZING). A task claims its step with a conditional
UPDATE; the next step is sent after commit and a lost message is only a delay, because
:func:`sweep` re-sends every stale state. A run that started and never finished (worker
killed, crash) counts as a restart; after ``PIPELINE_MAX_RESTARTS`` the article ends as
FAILED with its reason instead of looping for ever.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass, field
from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from ingest.models import Article
from ingest.retrying import TRANSIENT_ERRORS
from ingest.signals import article_extracted

logger = logging.getLogger(__name__)

S = Article.Status
# A running step and the state it started from (and goes back to when its worker died).
RUNNING = {S.FETCHING: S.DISCOVERED, S.EXTRACTING: S.FETCHED, S.ANALYZING: S.EXTRACTED}
WAITING = (S.DISCOVERED, S.FETCHED, S.EXTRACTED)
# Which queue carries the task a waiting state waits for (portal/celery.py routes by app).
QUEUE_OF = {S.DISCOVERED: "fetch", S.FETCHED: "fetch", S.EXTRACTED: "nlp"}


# --- sending -----------------------------------------------------------------------------


def send(task, *args) -> bool:
    """Send a task; if the broker is unreachable, say so and leave it to the sweep.

    Never raises for a broker problem: the work is already committed, and the article's
    status keeps it pending, so a lost message is a delay, never a lost or FAILED article.
    """
    if task.app.conf.task_always_eager:
        task.apply_async(args)  # runs here: its own errors must surface
        return True
    policy = {"max_retries": 4, "interval_start": 0.5, "interval_step": 1.0, "interval_max": 3.0}
    try:
        task.apply_async(args, retry=True, retry_policy=policy)
        return True
    except Exception as exc:  # kombu/redis raise many kinds; all mean "not sent"
        first = exc
    try:
        # After a broker restart a pooled producer of a threaded worker can be left with a
        # dead channel ("'NoneType' object has no attribute 'client'"): one more try on a
        # connection of its own.
        with task.app.connection_for_write() as connection:
            task.apply_async(args, connection=connection, retry=True, retry_policy=policy)
        return True
    except Exception as exc:
        logger.warning(
            "could not send %s%r (%r, then %r); the sweep re-sends it", task.name, args, first, exc
        )
        return False


def send_on_commit(task, *args) -> None:
    """Send a task once the current transaction commits (at once outside of one)."""
    transaction.on_commit(lambda: send(task, *args))


def announce_extracted(article_id: int) -> None:
    """Tell the next step (analysis, in the events app) that an article waits for it."""
    article_extracted.send(sender=Article, article_id=article_id)


# --- claiming ----------------------------------------------------------------------------


def claim(article_id: int, *, waiting: list[str], running: str, task_id: str | None) -> bool:
    """Move the article from a waiting state to `running`, for this task only.

    A message redelivered after its worker died carries the same task id: that task may take
    its own step over again (counted as a restart), while any other run of it backs off.
    """
    now = timezone.now()
    if Article.objects.filter(pk=article_id, status__in=waiting).update(
        status=running, task_id=task_id or "", updated_at=now
    ):
        return True
    if not task_id:
        return False
    # The same run died before; too often (a page that kills its worker) ends it here.
    mine = Article.objects.filter(pk=article_id, status=running, task_id=task_id)
    return _restart_or_give_up(mine, article_id, running)


def release(article_id: int, *, to: str, error: str = "") -> None:
    """A run gave its step back unfinished (a lost connection): waiting again, not failed.

    If the database itself is away, the row keeps the running state and this task's id: its
    retry takes the step over, or the sweep puts it back later.
    """
    with contextlib.suppress(*TRANSIENT_ERRORS):
        Article.objects.filter(pk=article_id).update(
            status=to, task_id="", error=error[:2000], updated_at=timezone.now()
        )


def run_failed(article_id: int, *, running: str, to: str, error: str) -> None:
    """A run crashed on this article: back to waiting with the error, so the sweep tries it
    again later; after PIPELINE_MAX_RESTARTS such runs it ends as FAILED."""
    rows = Article.objects.filter(pk=article_id, status=running)
    _restart_or_give_up(rows, article_id, running, error=error, status=to, task_id="")


def _restart_or_give_up(rows, article_id: int, running: str, *, error: str = "", **updates) -> bool:
    """Count one more unfinished run of the article's `running` step (and apply `updates`);
    the run that reaches PIPELINE_MAX_RESTARTS ends it as FAILED instead, with its reason
    (`error`, else the stored one). True when the run was counted, not given up."""
    changes = {**updates, "error": error[:2000]} if error else updates
    if rows.filter(restarts__lt=settings.PIPELINE_MAX_RESTARTS - 1).update(
        restarts=F("restarts") + 1, updated_at=timezone.now(), **changes
    ):
        return True
    for restarts, stored_error in rows.values_list("restarts", "error"):
        _give_up(article_id, running, restarts + 1, error or stored_error)
    return False


def step_done(article_id: int) -> None:
    """The article reached the end of the pipeline: its restart count starts over."""
    Article.objects.filter(pk=article_id).exclude(restarts=0).update(restarts=0)


# --- the sweep ---------------------------------------------------------------------------


@dataclass
class SweepResult:
    resent: dict[str, int] = field(default_factory=dict)  # state -> articles re-sent
    restarted: dict[str, int] = field(default_factory=dict)  # running state -> put back
    failed: int = 0  # gave up: too many restarts

    @property
    def total(self) -> int:
        return sum(self.resent.values()) + sum(self.restarted.values()) + self.failed


def stale_cutoffs(now=None) -> tuple:
    now = now or timezone.now()
    return (
        now - timedelta(seconds=settings.PIPELINE_STALE_WAITING_SECONDS),
        now - timedelta(seconds=settings.PIPELINE_STALE_RUNNING_SECONDS),
    )


def stale_filter(now=None) -> Q:
    """Articles whose work is overdue: waiting too long for a task, or running too long."""
    waiting_cutoff, running_cutoff = stale_cutoffs(now)
    return Q(status__in=WAITING, updated_at__lt=waiting_cutoff) | Q(
        status__in=list(RUNNING), updated_at__lt=running_cutoff
    )


def sweep(*, queue_lengths=None, limit: int = 2000) -> SweepResult:
    """Re-send every article whose work is overdue. Safe to run any time, on any machine.

    `queue_lengths(queue) -> int | None` tells how many messages still wait in a queue; a
    waiting article is only re-sent when its queue is drained (or its length is unknown), so
    a long but healthy backlog is not doubled.
    """
    result = SweepResult()
    waiting_cutoff, running_cutoff = stale_cutoffs()
    for running, back_to in RUNNING.items():
        with transaction.atomic():
            rows = list(
                Article.objects.select_for_update(skip_locked=True)
                .filter(status=running, updated_at__lt=running_cutoff)
                .values_list("pk", flat=True)[:limit]
            )
            for pk in rows:
                if not _restart_or_give_up(
                    Article.objects.filter(pk=pk), pk, running, status=back_to, task_id=""
                ):
                    result.failed += 1
                    continue
                _resend_on_commit(pk, back_to)
                result.restarted[running] = result.restarted.get(running, 0) + 1
    for state in WAITING:
        length = queue_lengths(QUEUE_OF[state]) if queue_lengths else None
        if length:
            continue  # the queue still holds work: these are probably in it
        with transaction.atomic():
            ids = list(
                Article.objects.select_for_update(skip_locked=True)
                .filter(status=state, updated_at__lt=waiting_cutoff)
                .values_list("pk", flat=True)[:limit]
            )
            # Touched, so the next sweep waits a whole period before sending them again.
            Article.objects.filter(pk__in=ids).update(updated_at=timezone.now())
            for pk in ids:
                _resend_on_commit(pk, state)
        if ids:
            result.resent[state] = len(ids)
    return result


def _give_up(pk: int, running: str, runs: int, error: str) -> None:
    # Stored errors are in English, like every other error text of the pipeline.
    step = {S.FETCHING: "fetching", S.EXTRACTING: "extracting", S.ANALYZING: "analysing"}[running]
    reason = f"gave up after {runs} unfinished runs while {step}"
    if error:
        reason += f"; last error: {error}"
    Article.objects.filter(pk=pk).update(
        status=S.FAILED, task_id="", error=reason[:2000], updated_at=timezone.now()
    )
    logger.error("article %s: %s", pk, reason)


def _resend_on_commit(pk: int, state: str) -> None:
    from ingest.tasks import extract_article, fetch_article

    if state == S.DISCOVERED:
        send_on_commit(fetch_article, pk)
    elif state == S.FETCHED:
        send_on_commit(extract_article, pk)
    else:
        transaction.on_commit(lambda: announce_extracted(pk))


def stalled_counts(now=None) -> dict[str, int]:
    """How many articles are overdue, by state (for /healthz and the overview)."""
    from django.db.models import Count

    rows = Article.objects.filter(stale_filter(now)).values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}


def broker_queue_length(queue: str, connection=None) -> int | None:
    """Messages waiting in a Celery queue (None: cannot tell). On Redis the queue is a list
    (one per priority step); on an AMQP broker (RabbitMQ) a passive declare reports it."""
    try:
        with connection or current_app.connection_for_read() as conn:
            channel = conn.default_channel
            if conn.transport.driver_type == "redis":
                # Kombu keeps one list per priority step: "nlp", "nlp\x06\x163", ...
                names = [queue] + [f"{queue}\x06\x16{step}" for step in range(1, 10)]
                return sum(channel.client.llen(name) for name in names)
            return channel.queue_declare(queue=queue, passive=True).message_count
    except Exception as exc:  # unreachable, or no such queue yet: re-send as if it were empty
        logger.info("cannot read the length of queue %s: %s", queue, exc)
        return None
