"""`manage.py reprocess [--since DATE]`: run extraction again from the stored HTML."""

import time
from collections import Counter

from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_date

from ingest import services
from ingest.models import Article


class Command(BaseCommand):
    help = "Re-run extraction (and later steps) for stored articles, from their raw HTML."

    def add_arguments(self, parser):
        parser.add_argument("--since", help="only articles fetched on or after this date (YYYY-MM-DD)")
        parser.add_argument("--limit", type=int, default=None)

    def handle(self, *args, since: str | None, limit: int | None, **options):
        qs = Article.objects.exclude(raw_html__isnull=True).exclude(
            status__in=[Article.Status.FETCHING, Article.Status.EXTRACTING]
        )
        if since:
            day = parse_date(since)
            if day is None:
                raise CommandError(f"--since wants a date like 2026-05-01, not {since!r}")
            qs = qs.filter(fetched_at__date__gte=day)
        ids = list(qs.order_by("pk").values_list("pk", flat=True)[:limit])
        started = time.monotonic()
        before = dict(Article.objects.filter(pk__in=ids).values_list("pk", "content_hash"))
        outcomes: Counter[str] = Counter()
        changed = 0
        for n, pk in enumerate(ids, 1):
            # The same claim as the extract task, so a running worker and this never collide.
            if (
                not Article.objects.filter(pk=pk)
                .exclude(status__in=[Article.Status.FETCHING, Article.Status.EXTRACTING])
                .update(status=Article.Status.EXTRACTING)
            ):
                outcomes["skipped (busy)"] += 1
                continue
            article = services.article_extract(Article.objects.select_related("source", "outlet").get(pk=pk))
            outcomes[article.status] += 1
            changed += article.content_hash != before.get(pk)
            if n % 25 == 0 or n == len(ids):
                self.stdout.write(f"  {n}/{len(ids)} articles", ending="\r")
        self.stdout.write("")
        elapsed = time.monotonic() - started
        self.stdout.write(self.style.MIGRATE_HEADING("Reprocessing summary"))
        self.stdout.write(f"  articles      {len(ids)}")
        for status, count in sorted(outcomes.items()):
            self.stdout.write(f"  {status:13} {count}")
        self.stdout.write(f"  text changed  {changed}")
        self.stdout.write(f"  time          {elapsed:.1f} s")
