"""`manage.py ingest_file FILE --url URL [--source ID]`: store a saved page as an article."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ingest import services
from ingest.management.commands.ingest_url import extract_now, finish, source_or_error


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
        finish(self, extract_now(article))
