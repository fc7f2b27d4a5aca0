"""Analyse again the articles an older model analysed (events/services/reanalysis.py).

    manage.py reanalyze_outdated [--batch N] [--wait] [--wait-timeout SECONDS]

Starts the background task (batches on the nlp queue, newest articles first, only while that
queue is short); with --wait it then shows a progress line until none are left or nothing has
moved for --wait-timeout seconds, and a summary. With Celery in eager mode everything runs
here. Running it again is safe: articles already analysed by the installed model are skipped.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from events.nlp.version import installed_model
from events.selectors.model_versions import analyses_by_model, outdated_count
from events.services.reanalysis import RUNNING, UNREACHABLE, reanalysis_start

POLL_SECONDS = 5.0


class Command(BaseCommand):
    help = "Analyse again, in the background, the articles an older model analysed."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=100, help="articles per batch (default 100)")
        parser.add_argument("--wait", action="store_true", help="show progress until all are done")
        parser.add_argument(
            "--wait-timeout",
            type=float,
            default=600.0,
            help="with --wait: give up after this many idle seconds",
        )

    def handle(self, *args, **options):
        if options["batch"] < 1:
            raise CommandError("--batch muss mindestens 1 sein.")
        self.stdout.write(f"installed model: {installed_model().identity}")
        before = outdated_count()
        self.stdout.write(f"outdated analysed articles: {before}")
        state = reanalysis_start(options["batch"]).state
        if state == UNREACHABLE:
            raise CommandError("Die Task-Warteschlange ist nicht erreichbar; später erneut versuchen.")
        if state == RUNNING:
            self.stdout.write("a re-analysis is already running; following its progress")
        left = self._wait(before, options["wait_timeout"]) if options["wait"] else outdated_count()
        self._summary(before, left, options["wait"])

    def _wait(self, before: int, timeout: float) -> int:
        left, last_change = outdated_count(), time.monotonic()
        while left and time.monotonic() - last_change < timeout:
            time.sleep(POLL_SECONDS)
            now = outdated_count()
            if now != left:
                left, last_change = now, time.monotonic()
            self.stdout.write(f"  {before - left}/{before} re-analysed, {left} left")
        return left

    def _summary(self, before: int, left: int, waited: bool) -> None:
        self.stdout.write("analyses by model:")
        for row in analyses_by_model():
            name = row["model_version"] or "(not recorded)"
            mark = "  <- installed" if row["installed"] else ""
            self.stdout.write(f"  {row['count']:>8}  {name}{mark}")
        if not before:
            self.stdout.write("nothing to do: every analysed article is from the installed model")
        elif not waited:
            self.stdout.write(f"started; {left} left (the workers go on in the background)")
        elif left:
            self.stdout.write(self.style.WARNING(f"{before - left} re-analysed, {left} still outdated"))
        else:
            self.stdout.write(self.style.SUCCESS(f"done: {before} re-analysed"))
