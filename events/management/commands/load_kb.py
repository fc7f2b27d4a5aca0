"""`manage.py load_kb [--force]`: seed the knowledge base of actors and places."""

import time

from django.core.management.base import BaseCommand

from events.kb import seed
from events.kb.loader import bump_version
from events.models import SeedLoad


class Command(BaseCommand):
    help = "Load countries, places and actors into the knowledge base (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="load even if the inputs did not change")

    def handle(self, *args, force: bool, **options):
        started = time.monotonic()
        digest = seed.inputs_digest()
        last = SeedLoad.objects.first()
        if last and last.digest == digest and not force:
            self.stdout.write(f"knowledge base up to date ({seed.summary_json(last.counts)})")
            return
        self.stdout.write("reading countries, places and actors ...")
        entities = seed.all_seed_entities()

        def progress(message: str) -> None:
            self.stdout.write(f"  {message}", ending="\r")
            self.stdout.flush()

        counts = seed.load(entities, progress)
        self.stdout.write("")
        SeedLoad.objects.create(digest=digest, counts=counts)
        bump_version()
        self.stdout.write(self.style.MIGRATE_HEADING("Knowledge base"))
        for name in ("country", "place", "person", "organization", "entities", "aliases"):
            self.stdout.write(f"  {name:13} {counts[name]:>8,}")
        self.stdout.write(f"  {'time':13} {time.monotonic() - started:>7.1f}s")
