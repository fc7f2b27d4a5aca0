"""Reads about which model analysed the articles (the admin's language-model page)."""

from __future__ import annotations

from django.db.models import Count, Max, QuerySet

from events.models import ArticleAnalysis, RetrainingRun
from events.nlp.version import model_version
from ingest.models import Article


def outdated_analyses() -> QuerySet[ArticleAnalysis]:
    """Analyses of finished articles that another model (or no recorded one) produced."""
    return ArticleAnalysis.objects.filter(article__status=Article.Status.ANALYZED).exclude(
        model_version=model_version()
    )


def outdated_count() -> int:
    return outdated_analyses().count()


def analyses_by_model() -> list[dict]:
    """One row per recorded model: how many analyses it made and when it last did, the
    installed model first, then the newest."""
    installed = model_version()
    rows = (
        ArticleAnalysis.objects.values("model_version")
        .annotate(count=Count("pk"), last=Max("analyzed_at"))
        .order_by("-last")
    )
    rows = [{**row, "installed": row["model_version"] == installed} for row in rows]
    return sorted(rows, key=lambda row: not row["installed"])


def recent_retraining_runs(limit: int = 10) -> list[RetrainingRun]:
    """The last retraining runs, newest first (the language-model page)."""
    return list(RetrainingRun.objects.order_by("-started_at")[:limit])
