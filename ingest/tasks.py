"""Celery tasks of the ingestion path: each takes an id, claims its row, calls a service.

Every task is safe to run twice: the state claim (a conditional UPDATE) lets exactly one
run do the work, and a row that is gone is logged and skipped.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from ingest import services
from ingest.http import host_key
from ingest.models import Article, Source
from ingest.politeness import reserve_host

logger = logging.getLogger(__name__)


def _row_or_none(queryset, pk: int, kind: str):
    """The row, or None when it is gone (deleted since the task was queued): log and skip."""
    try:
        return queryset.get(pk=pk)
    except queryset.model.DoesNotExist:
        logger.info("%s %s is gone, skipping", kind, pk)
        return None


@shared_task(ignore_result=True)
def dispatch_due_sources() -> int:
    """Run by beat every minute: send every due source to the fetch queue."""
    claimed = services.sources_claim_due()
    for source_id in claimed:
        fetch_source.delay(source_id)
    return len(claimed)


@shared_task(bind=True, ignore_result=True, max_retries=None, soft_time_limit=600, time_limit=660)
def fetch_source(self, source_id: int) -> None:
    source = _row_or_none(Source.objects.select_related("outlet"), source_id, "source")
    if source is None:
        return
    if not source.active or source.is_paused:
        logger.info("source %s is inactive or paused, skipping", source_id)
        return
    wait = reserve_host(host_key(source.url))
    if wait:
        # Another request to this host went out moments ago: come back when it is our turn.
        raise self.retry(countdown=wait)
    outcome = services.source_fetch(source)
    logger.info(
        "source %s: %s, %d new articles", source_id, outcome.log.outcome, len(outcome.new_article_ids)
    )


@shared_task(bind=True, ignore_result=True, max_retries=None)
def fetch_article(self, article_id: int) -> None:
    article = _row_or_none(Article.objects.select_related("source"), article_id, "article")
    if article is None:
        return
    if article.status != Article.Status.DISCOVERED:
        return  # fetched already, or another worker has it
    wait = reserve_host(host_key(article.url))
    if wait:
        raise self.retry(countdown=wait)
    claimed = Article.objects.filter(pk=article_id, status=Article.Status.DISCOVERED).update(
        status=Article.Status.FETCHING, updated_at=timezone.now()
    )
    if claimed != 1:
        return  # another worker got there first
    article.status = Article.Status.FETCHING
    outcome = services.article_fetch(article)
    if outcome.retry:
        # Transient failure (timeout, 5xx, 429): try again later, later each time.
        delay = max(outcome.retry_after or 0, 60 * 2**article.attempts)
        raise self.retry(countdown=delay)


@shared_task(ignore_result=True, soft_time_limit=120, time_limit=150)
def extract_article(article_id: int) -> None:
    claimed = Article.objects.filter(pk=article_id, status=Article.Status.FETCHED).update(
        status=Article.Status.EXTRACTING, updated_at=timezone.now()
    )
    if claimed != 1:
        if not Article.objects.filter(pk=article_id).exists():
            logger.info("article %s is gone, skipping", article_id)
        return
    article = Article.objects.select_related("source", "outlet").get(pk=article_id)
    try:
        services.article_extract(article)
    except Exception as exc:
        # A crash must not leave the article stuck in EXTRACTING; the raw HTML stays for
        # `manage.py reprocess` once the bug is fixed.
        logger.exception("extraction of article %s crashed", article_id)
        Article.objects.filter(pk=article_id).update(
            status=Article.Status.FAILED, error=f"extraction crashed: {type(exc).__name__}: {exc}"[:2000]
        )


@shared_task(ignore_result=True)
def requeue_stalled(minutes: int = 30) -> int:
    """Run by beat: put articles whose worker died mid-step back in line."""
    stalled = services.articles_requeue_stalled(older_than=timedelta(minutes=minutes))
    if stalled:
        logger.warning("requeued %d stalled articles", stalled)
    return stalled
