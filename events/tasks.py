"""NLP-queue tasks: analyse an article (mentions now; claims and events build on them)."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from events.models import ArticleAnalysis
from events.services.analysis import article_analyze
from ingest import pipeline
from ingest.models import Article
from ingest.retrying import TRANSIENT_ERRORS, retry_options

logger = logging.getLogger(__name__)


@shared_task(bind=True, ignore_result=True, soft_time_limit=300, time_limit=360, **retry_options())
def analyze_article(self, article_id: int) -> None:
    if not pipeline.claim(
        article_id,
        waiting=[Article.Status.EXTRACTED, Article.Status.ANALYZED],
        running=Article.Status.ANALYZING,
        task_id=self.request.id,
    ):
        if not Article.objects.filter(pk=article_id).exists():
            logger.info("article %s is gone, skipping", article_id)
        return
    article = Article.objects.get(pk=article_id)
    try:
        article_analyze(article)
    except TRANSIENT_ERRORS:
        # The database or broker went away: retried with backoff, the article stays pending.
        pipeline.release(article_id, to=Article.Status.EXTRACTED, error="connection lost, retrying")
        raise
    except Exception as exc:
        # The text stays; the article goes back to EXTRACTED with the error, for another try
        # (a few, then FAILED with this reason).
        logger.exception("analysis of article %s failed", article_id)
        pipeline.run_failed(
            article_id,
            running=Article.Status.ANALYZING,
            to=Article.Status.EXTRACTED,
            error=f"analysis failed: {type(exc).__name__}: {exc}",
        )
    else:
        pipeline.step_done(article_id)


# While one of these steps runs, a relink waits: the run may have read the knowledge base
# from before the curation, and a second analysis cannot claim the article now.
BUSY = (Article.Status.FETCHING, Article.Status.EXTRACTING, Article.Status.ANALYZING)
RELINK_WAIT_SECONDS = 30


@shared_task(
    bind=True, ignore_result=True, soft_time_limit=30, time_limit=60, **retry_options(max_retries=20)
)
def relink_article(self, article_id: int) -> None:
    """After a curation: analyse one affected article again (editors' corrections stay).

    One task per article (curation fans out); safe to re-run: the analysis updates the
    article's records in place. It only sends the article's analysis task, so the heavy
    work keeps the analysis task's claim, retries and time limits.
    """
    status = Article.objects.filter(pk=article_id).values_list("status", flat=True).first()
    if status is None:
        logger.info("article %s is gone, skipping its relink", article_id)
        return
    if status in BUSY:
        if self.request.retries >= self.max_retries:
            # Stuck in a step for this long: the sweep restarts that step, with the curated
            # knowledge base.
            logger.warning("article %s stayed busy (%s); its relink is left to the sweep", article_id, status)
            return
        raise self.retry(countdown=RELINK_WAIT_SECONDS)
    if status not in (Article.Status.EXTRACTED, Article.Status.ANALYZED):
        # Not analysed yet (it will be, with the curated knowledge base), or never will be
        # (failed, duplicate).
        return
    pipeline.send(analyze_article, article_id)


@shared_task(ignore_result=True)
def relink_articles(article_ids: list[int]) -> None:
    """Messages of the batched relink queued before an upgrade: one relink per article."""
    for article_id in article_ids:
        pipeline.send(relink_article, article_id)


@shared_task(ignore_result=True, soft_time_limit=120, time_limit=150, **retry_options())
def cluster_article(article_id: int) -> None:
    """Attach the article to events (an existing one, or a new one) from what analysis found."""
    from events.services.clustering import Detected, article_cluster

    try:
        analysis = ArticleAnalysis.objects.select_related("article").get(article_id=article_id)
    except ArticleAnalysis.DoesNotExist:
        logger.info("article %s has no analysis (gone or not analysed), skipping", article_id)
        return
    article = analysis.article
    if article.status != Article.Status.ANALYZED:
        return
    with transaction.atomic():
        article_cluster(article, [Detected.from_json(d) for d in analysis.detected_events])
        # Only if no newer analysis replaced these detections meanwhile (it sends its own).
        ArticleAnalysis.objects.filter(pk=analysis.pk, analyzed_at=analysis.analyzed_at).update(
            clustered_at=timezone.now()
        )


@shared_task(ignore_result=True, **retry_options())
def sweep_clustering(limit: int = 2000) -> int:
    """Run by beat: analysed articles whose clustering message was lost are clustered.

    Like the ingest sweep, it waits until the clustering is overdue and the nlp queue is
    drained, so a long but healthy backlog is not doubled.
    """
    cutoff = timezone.now() - timedelta(seconds=settings.PIPELINE_STALE_WAITING_SECONDS)
    if pipeline.broker_queue_length("nlp"):
        return 0
    ids = list(
        ArticleAnalysis.objects.filter(
            clustered_at__isnull=True, analyzed_at__lt=cutoff, article__status=Article.Status.ANALYZED
        ).values_list("article_id", flat=True)[:limit]
    )
    for article_id in ids:
        pipeline.send(cluster_article, article_id)
    if ids:
        logger.warning("re-sent the clustering of %d articles", len(ids))
    return len(ids)


@shared_task(ignore_result=True, soft_time_limit=300, time_limit=360)
def refresh_entity_counts() -> int:
    """Run by beat (hourly): entities' stored counts counted again from scratch, for rows
    written round the services (an admin deleting an article). The services keep them current
    otherwise, so this normally changes nothing; a count that an analysis changed while this
    ran may miss that analysis until the next run."""
    from events.services.entity_counts import entity_counts_refresh

    changed = entity_counts_refresh()
    if changed:
        logger.warning("corrected the stored counts of %d entities", changed)
    return changed


@shared_task(ignore_result=True, **retry_options())
def send_watchlist_digests() -> int:
    """Run by beat every few minutes: sends the task of each watchlist whose e-mail digest is
    due ("immediately" ones on every run, daily and weekly ones a period after their last)."""
    from events.services.watchlists import due_digests

    ids = due_digests()
    for watchlist_id in ids:
        pipeline.send(send_watchlist_digest, watchlist_id)
    return len(ids)


@shared_task(ignore_result=True, soft_time_limit=120, time_limit=150, **retry_options(max_retries=5))
def send_watchlist_digest(watchlist_id: int) -> int:
    """Mail one watchlist's new matches to its owner, if due; safe to re-run and to run twice
    at once (events/services/watchlists.py). A mail server that fails leaves the digest due:
    the next beat run tries again."""
    from events.services.watchlists import digest_send

    try:
        return digest_send(watchlist_id)
    except TRANSIENT_ERRORS:
        raise  # the database went away: retried with backoff
    except Exception:
        logger.exception("the digest of watchlist %s was not sent; the next run tries again", watchlist_id)
        return 0


@shared_task(ignore_result=True, **retry_options())
def reanalyze_outdated(batch: int, below_id: int | None = None) -> int:
    """Send the next batch of articles an older model analysed to be analysed again, then
    look again later, until none are left (events/services/reanalysis.py)."""
    from events.services.reanalysis import reanalysis_finished, reanalysis_send_batch

    result = reanalysis_send_batch(batch=batch, below_id=below_id)
    if result.waiting and reanalyze_outdated.app.conf.task_always_eager:
        # Nothing here would drain the queue: looking again at once would never end.
        logger.info("re-analysis waits for a long nlp queue; not rescheduled in eager mode")
        reanalysis_finished()
    elif result.waiting or result.below_id is not None:
        reanalyze_outdated.apply_async((batch, result.below_id), countdown=settings.REANALYSIS_PAUSE_SECONDS)
    else:
        logger.info("re-analysis of older models' articles done")
        reanalysis_finished()
    return result.sent


# Hours, not minutes: a run trains for a few minutes on one core, longer on a busy machine.
@shared_task(ignore_result=True, soft_time_limit=3 * 3600, time_limit=3 * 3600 + 300)
def retrain_model(steps: int | None = None) -> str:
    """Retrain the model from editors' corrections; install it if it is not worse
    (events/services/retraining.py). Safe to send twice: a second run while one is under
    way does nothing, and a later one learns from the same corrections again."""
    from events.services.retraining import CorpusMissing, RetrainingBusy, retraining_run

    def progress(step: int, loss: float) -> None:
        # The worker's log is its progress bar.
        if step % 20 == 0:
            logger.info("retraining: step %d, loss %.1f", step, loss)

    try:
        outcome = retraining_run(steps=steps, progress=progress)
    except RetrainingBusy:
        logger.info("a retraining run is under way; this one does nothing")
        return "busy"
    except CorpusMissing as exc:
        logger.warning("no retraining: %s", exc)
        return "no corpus"
    logger.info("retraining %s: %s", outcome.status, outcome.reason.replace("\n", "; "))
    if outcome.status == "installed":
        from events.services.reanalysis import reanalysis_start

        # The stored articles follow the new model in the background (batches that wait
        # for new articles), as the page's button would start it; nobody has to remember.
        reanalysis_start()
    return outcome.status
