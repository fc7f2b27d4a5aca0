"""`manage.py kb_export FILE`: editors' entities and aliases as a TOML data file."""

from pathlib import Path

from django.core.management.base import BaseCommand

from events.services import knowledge


class Command(BaseCommand):
    help = "Write the entities and aliases editors made to FILE (TOML, loaded by kb_import)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        counts = knowledge.export_file(file)
        self.stdout.write(
            f"exported {counts['entities']:,} entities and {counts['aliases']:,} other aliases to {file}"
        )
