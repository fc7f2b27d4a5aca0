"""Celery tasks of the ingestion path: each takes an id, claims its row, calls a service.

Every task is safe to run twice: the state claim (ingest/pipeline.py) lets exactly one
run do the work, and a row that is gone is logged and skipped. A lost database or broker
connection is retried with backoff and never turns an article into FAILED; what is lost
on the way is found again by the sweep.
"""

from __future__ import annotations

import logging

import redis
from celery import shared_task
from celery.signals import worker_ready
from django.utils import timezone

from ingest import pipeline, services
from ingest.http import host_key
from ingest.models import Article, Source
from ingest.politeness import HostBusy, host_slot, release_dead_holders, reserve_host
from ingest.retrying import TRANSIENT_ERRORS, retry_options

logger = logging.getLogger(__name__)


def _row_or_none(queryset, pk: int, kind: str):
    """The row, or None when it is gone (deleted since the task was queued): log and skip."""
    try:
        return queryset.get(pk=pk)
    except queryset.model.DoesNotExist:
        logger.info("%s %s is gone, skipping", kind, pk)
        return None


@shared_task(ignore_result=True, **retry_options())
def dispatch_due_sources() -> int:
    """Run by beat every minute: send every due source to the fetch queue."""
    claimed = services.sources_claim_due()
    for source_id in claimed:
        if not pipeline.send(fetch_source, source_id):
            # Not queued: due again at the next dispatch instead of after its lease.
            Source.objects.filter(pk=source_id).update(next_fetch_at=timezone.now())
    return len(claimed)


@shared_task(bind=True, ignore_result=True, soft_time_limit=600, time_limit=660, **retry_options())
def fetch_source(self, source_id: int) -> None:
    source = _row_or_none(Source.objects.select_related("outlet"), source_id, "source")
    if source is None:
        return
    if not source.active or source.is_paused:
        logger.info("source %s is inactive or paused, skipping", source_id)
        return
    host = host_key(source.url)
    wait = reserve_host(host)
    if wait:
        # Another request to this host went out moments ago: come back when it is our turn.
        raise self.retry(countdown=wait, max_retries=None)
    try:
        with host_slot(host, self.request.id):
            outcome = services.source_fetch(source)
    except HostBusy as busy:
        # Every slot of this host is taken (a slow server): free the thread, come back.
        raise self.retry(countdown=busy.retry_in, max_retries=None) from None
    logger.info(
        "source %s: %s, %d new articles", source_id, outcome.log.outcome, len(outcome.new_article_ids)
    )


@shared_task(bind=True, ignore_result=True, **retry_options())
def fetch_article(self, article_id: int) -> None:
    article = _row_or_none(Article.objects.select_related("source"), article_id, "article")
    if article is None:
        return
    if article.status not in (Article.Status.DISCOVERED, Article.Status.FETCHING):
        return  # fetched already
    host = host_key(article.url)
    wait = reserve_host(host)
    if wait:
        raise self.retry(countdown=wait, max_retries=None)
    try:
        with host_slot(host, self.request.id):
            if not pipeline.claim(
                article_id, waiting=[Article.Status.DISCOVERED], running=Article.Status.FETCHING,
                task_id=self.request.id,
            ):  # fmt: skip
                return  # another worker has it
            article.status = Article.Status.FETCHING
            try:
                outcome = services.article_fetch(article)
            except TRANSIENT_ERRORS:
                pipeline.release(article_id, to=Article.Status.DISCOVERED, error="connection lost, retrying")
                raise
    except HostBusy as busy:
        # Waiting for a slot is progress, not a lost message: the sweep leaves it alone.
        Article.objects.filter(pk=article_id, status=Article.Status.DISCOVERED).update(
            updated_at=timezone.now()
        )
        raise self.retry(countdown=busy.retry_in, max_retries=None) from None
    if outcome.retry:
        # Transient failure (timeout, 5xx, 429): try again later, later each time.
        delay = max(outcome.retry_after or 0, 60 * 2**article.attempts)
        raise self.retry(countdown=delay, max_retries=None)


@shared_task(bind=True, ignore_result=True, soft_time_limit=120, time_limit=150, **retry_options())
def extract_article(self, article_id: int) -> None:
    if not pipeline.claim(
        article_id,
        waiting=[Article.Status.FETCHED],
        running=Article.Status.EXTRACTING,
        task_id=self.request.id,
    ):
        if not Article.objects.filter(pk=article_id).exists():
            logger.info("article %s is gone, skipping", article_id)
        return
    article = Article.objects.select_related("source", "outlet").get(pk=article_id)
    try:
        services.article_extract(article)
    except TRANSIENT_ERRORS:
        # The database or broker went away: the page is fine, try again when they are back.
        pipeline.release(article_id, to=Article.Status.FETCHED, error="connection lost, retrying")
        raise
    except Exception as exc:
        # A crash must not leave the article stuck in EXTRACTING; the raw HTML stays for
        # `manage.py reprocess` once the bug is fixed.
        logger.exception("extraction of article %s crashed", article_id)
        Article.objects.filter(pk=article_id).update(
            status=Article.Status.FAILED, task_id="",
            error=f"extraction crashed: {type(exc).__name__}: {exc}"[:2000],
        )  # fmt: skip


@shared_task(ignore_result=True, **retry_options())
def sweep_pipeline() -> int:
    """Run by beat: re-send every article whose work is overdue (ingest/pipeline.py)."""
    result = pipeline.sweep(queue_lengths=pipeline.broker_queue_length)
    if result.total:
        logger.warning(
            "sweep: re-sent %s, restarted %s, gave up on %d", result.resent, result.restarted, result.failed
        )
    return result.total


@worker_ready.connect
def free_slots_of_killed_workers(**kwargs) -> None:
    """A worker killed mid-fetch held per-host slots until their leases ran out (minutes);
    its successor on this machine frees them at once."""
    try:
        freed = release_dead_holders()
    except redis.RedisError as exc:
        logger.warning("could not check for fetch slots of killed workers: %r", exc)
        return
    if freed:
        logger.warning("freed %d fetch slots held by killed workers", freed)
