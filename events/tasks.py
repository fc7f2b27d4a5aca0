"""NLP-queue tasks: analyse an article (mentions now; claims and events build on them)."""

from __future__ import annotations

import logging

from celery import shared_task
from django.utils import timezone

from events.services.analysis import article_analyze
from ingest.models import Article

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True, soft_time_limit=300, time_limit=360)
def analyze_article(article_id: int) -> None:
    claimed = Article.objects.filter(
        pk=article_id, status__in=[Article.Status.EXTRACTED, Article.Status.ANALYZED]
    ).update(status=Article.Status.ANALYZING, updated_at=timezone.now())
    if claimed != 1:
        if not Article.objects.filter(pk=article_id).exists():
            logger.info("article %s is gone, skipping", article_id)
        return
    article = Article.objects.get(pk=article_id)
    try:
        article_analyze(article)
    except Exception as exc:
        # The text stays; the article goes back to EXTRACTED with the error, ready to re-run.
        logger.exception("analysis of article %s failed", article_id)
        Article.objects.filter(pk=article_id).update(
            status=Article.Status.EXTRACTED, error=f"analysis failed: {type(exc).__name__}: {exc}"[:2000]
        )


@shared_task(ignore_result=True, soft_time_limit=900, time_limit=960)
def relink_articles(article_ids: list[int]) -> None:
    """After a curation: analyse the affected articles again (editors' corrections stay)."""
    for article_id in article_ids:
        analyze_article(article_id)


@shared_task(ignore_result=True, soft_time_limit=120, time_limit=150)
def cluster_article(article_id: int) -> None:
    """Attach the article to events (an existing one, or a new one) from what analysis found."""
    from events.models import ArticleAnalysis
    from events.services.clustering import Detected, article_cluster

    try:
        analysis = ArticleAnalysis.objects.select_related("article").get(article_id=article_id)
    except ArticleAnalysis.DoesNotExist:
        logger.info("article %s has no analysis (gone or not analysed), skipping", article_id)
        return
    article = analysis.article
    if article.status != Article.Status.ANALYZED:
        return
    article_cluster(article, [Detected.from_json(d) for d in analysis.detected_events])
