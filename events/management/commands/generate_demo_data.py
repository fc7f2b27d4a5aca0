"""`manage.py generate_demo_data`: an archive-sized portal from the real analysed articles.

    manage.py generate_demo_data --articles N [--seed S]
    manage.py generate_demo_data --delete [--seed S]

Needs analysed articles to copy (`manage.py import_corpus` first). The work is in
`events.services.demo_data`; this command parses, draws the progress bar and prints the summary.
"""

from __future__ import annotations

import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from events.services.demo_data import NoTemplates, demo_delete, demo_generate

BAR_WIDTH = 30


def format_duration(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 60}:{seconds % 60:02d}"


class ProgressBar:
    """One line, redrawn in place: bar, articles covered, rate, time left."""

    def __init__(self, stream) -> None:
        self.stream, self.started = stream, time.monotonic()
        self.live = getattr(stream, "isatty", lambda: False)()

    def __call__(self, done: int, total: int) -> None:
        elapsed = time.monotonic() - self.started
        rate = done / elapsed if elapsed else 0.0
        left = (total - done) / rate if rate else 0.0
        filled = BAR_WIDTH * done // max(total, 1)
        line = (
            f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done:>9,}/{total:,} articles "
            f"{rate:7,.0f}/s  {format_duration(elapsed)} elapsed, {format_duration(left)} left"
        )
        # On a terminal the line is redrawn; in a log every update is a line of its own.
        self.stream.write(("\r" + line) if self.live else line + "\n")
        if self.live and done >= total:
            self.stream.write("\n")
        self.stream.flush()


class Command(BaseCommand):
    help = "Generate (or delete) demo articles with their analysis, copied and varied from the analysed ones."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, help="how many demo articles the seed should have")
        parser.add_argument("--seed", type=int, default=1, help="which demo data set (default 1)")
        parser.add_argument(
            "--delete", action="store_true", help="remove this seed's demo data, nothing else"
        )
        parser.add_argument("--batch", type=int, default=2000, help="articles per transaction (default 2000)")

    def handle(self, *args, **options):
        if options["delete"]:
            return self.delete(options["seed"])
        if not options["articles"] or options["articles"] < 0:
            raise CommandError("give --articles N (or --delete)")
        try:
            report = demo_generate(
                articles=options["articles"], seed=options["seed"],
                progress=ProgressBar(sys.stderr if self.stderr._out is sys.stderr else self.stderr),
                batch_articles=options["batch"],
            )  # fmt: skip
        except NoTemplates as exc:
            raise CommandError(str(exc)) from exc
        self.summary(report, options["seed"])

    def delete(self, seed: int) -> None:
        started = time.monotonic()
        deleted = demo_delete(seed=seed)
        self.stdout.write(self.style.MIGRATE_HEADING(f"Demo data of seed {seed} deleted"))
        for name, count in deleted.items():
            self.stdout.write(f"  {name:12} {count:>10,}")
        self.stdout.write(f"  time         {time.monotonic() - started:.1f} s")

    def summary(self, report, seed: int) -> None:
        out = self.stdout.write
        out(self.style.MIGRATE_HEADING(f"Demo data, seed {seed}"))
        out(
            f"  articles     {report.articles:,} asked; {report.existing:,} were there, {report.created['articles']:,} made"
        )
        out(f"  templates    {report.templates} analysed articles copied; {report.outlets} outlets")
        rows = sum(report.created.values())
        for name, count in report.created.items():
            per = (
                f" ({count / report.created['articles']:.2f} per article)"
                if report.created["articles"]
                else ""
            )
            out(f"  {name:12} {count:>10,}{per if name != 'articles' else ''}")
        rate = rows / report.seconds if report.seconds else 0.0
        out(
            f"  time         {format_duration(report.seconds)} ({report.seconds:.1f} s), {rows:,} rows, {rate:,.0f} rows/s"
        )
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
            out(f"  database     {cursor.fetchone()[0]}")
