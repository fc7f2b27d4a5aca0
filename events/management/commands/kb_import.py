"""`manage.py kb_import FILE`: load a kb_export file (idempotent, by key)."""

import tomllib
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from events.services import knowledge


class Command(BaseCommand):
    help = "Load editors' entities and aliases from FILE (written by kb_export); run load_kb first."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        if not file.exists():
            raise CommandError(f"{file}: no such file")
        try:
            counts = knowledge.import_file(file)
        except (tomllib.TOMLDecodeError, ValueError, KeyError) as error:
            # Nothing was loaded: the import runs in one transaction.
            raise CommandError(f"{file}: {error}; nothing was imported") from error
        self.stdout.write(
            "imported {file}: {created} created, {updated} updated, {unchanged} unchanged entities; "
            "{added} aliases added, {present} already present".format(
                file=file,
                added=counts["aliases added"],
                present=counts["aliases present"],
                **{k: counts[k] for k in ("created", "updated", "unchanged")},
            )
        )
