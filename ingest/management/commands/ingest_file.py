"""`manage.py ingest_file FILE --url URL [--source ID]`: store a saved page as an article."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ingest import services
from ingest.management.commands.ingest_url import article_summary, source_or_error
from ingest.models import Article


class Command(BaseCommand):
    help = "Ingest a saved HTML page as the article at URL, and extract it now."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--url", required=True, help="the page's original address")
        parser.add_argument("--source", type=int, default=None)

    def handle(self, *args, file: Path, url: str, source: int | None, **options):
        try:
            body = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror}") from exc
        article = services.article_store_file(body=body, url=url, source=source_or_error(source))
        Article.objects.filter(pk=article.pk, status=Article.Status.FETCHED).update(
            status=Article.Status.EXTRACTING
        )
        article.refresh_from_db()
        services.article_extract(article)
        article.refresh_from_db()
        self.stdout.write(article_summary(article))
        if article.status == Article.Status.FAILED:
            raise CommandError(article.error or "failed")
