"""`manage.py extract_html FILE...`: one JSON object per file (DESIGN.md contract)."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand

from ingest.decoding import decode_html
from ingest.extraction import ExtractedArticle, extract_document


def _published(article: ExtractedArticle) -> str | None:
    """ISO 8601 in the page's own offset ("2024-11-22T00:30:00+01:00"); a bare date where the
    page gives no time ("2024-11-22"), never a UTC instant of another day."""
    if article.published is None:
        return None
    if article.published_date_only:
        return article.published.date().isoformat()
    return article.published.isoformat()


class Command(BaseCommand):
    help = "Extract title, authors, date, language and main text from saved HTML files (JSON Lines)."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument("--url", default=None, help="the page's address, to resolve relative links")

    def handle(self, *args, files: list[Path], url: str | None, **options):
        failures = 0
        for path in files:
            record = {
                "path": str(path),
                "title": None,
                "authors": [],
                "published": None,
                "language": None,
                "text": "",
            }
            try:
                html, _ = decode_html(path.read_bytes(), None)
                article = extract_document(html, url)
            except OSError as exc:
                record["error"] = f"cannot read file: {exc.strerror}"
                failures += 1
            else:
                record.update(
                    title=article.title or None,
                    authors=article.authors,
                    published=_published(article),
                    language=article.language or None,
                    text=article.text,
                )
                if article.error:
                    record["error"] = article.error
            self.stdout.write(json.dumps(record, ensure_ascii=False))
        if failures:
            self.stderr.write(f"{failures} of {len(files)} files could not be read")
