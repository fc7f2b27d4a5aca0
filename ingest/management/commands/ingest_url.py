"""`manage.py ingest_url URL [--source ID]`: fetch and extract one article now, in this process."""

import json

from django.core.management.base import BaseCommand, CommandError

from ingest import services
from ingest.models import Article, Source


def source_or_error(source_id: int | None) -> Source | None:
    if source_id is None:
        return None
    try:
        return Source.objects.get(pk=source_id)
    except Source.DoesNotExist as exc:
        raise CommandError(f"no source with id {source_id}") from exc


def article_summary(article: Article) -> str:
    return json.dumps(
        {
            "id": article.pk,
            "status": article.status,
            "url": article.canonical_url,
            "title": article.title,
            "authors": article.authors,
            "published": article.published_at.isoformat() if article.published_at else None,
            "language": article.language,
            "wire_agencies": article.wire_agencies,
            "near_duplicate_group": article.near_duplicate_group,
            "duplicate_of": article.duplicate_of_id,
            "chars": len(article.text),
            "error": article.error or None,
        },
        ensure_ascii=False,
    )


def extract_now(article: Article) -> Article:
    """Extract a fetched article in this process, claiming its state as the task does."""
    if Article.objects.filter(pk=article.pk, status=Article.Status.FETCHED).update(
        status=Article.Status.EXTRACTING
    ):
        article.refresh_from_db()
        services.article_extract(article)
    article.refresh_from_db()
    return article


def finish(command: BaseCommand, article: Article) -> None:
    command.stdout.write(article_summary(article))
    if article.status == Article.Status.FAILED:
        raise CommandError(article.error or "failed")


class Command(BaseCommand):
    help = "Fetch one article URL and extract it synchronously (prints the stored article as JSON)."

    def add_arguments(self, parser):
        parser.add_argument("url")
        parser.add_argument("--source", type=int, default=None, help="id of the source it belongs to")

    def handle(self, *args, url: str, source: int | None, **options):
        try:
            article, _ = services.article_submit_url(url, source=source_or_error(source))
        except services.IngestError as exc:
            raise CommandError(str(exc)) from exc
        # Run the steps here instead of on a worker: claim each state as the tasks do.
        if Article.objects.filter(pk=article.pk, status=Article.Status.DISCOVERED).update(
            status=Article.Status.FETCHING
        ):
            article.refresh_from_db()
            outcome = services.article_fetch(article)
            if outcome.log.error:
                self.stderr.write(f"fetch failed: {outcome.log.error}")
        finish(self, extract_now(article))
