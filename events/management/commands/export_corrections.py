"""`manage.py export_corrections --output FILE [--format jsonl|spacy]`: editors' mention
corrections as NER training data (the NLP training can take the .spacy file)."""

import json

from django.core.management.base import BaseCommand

from events.models import MentionCorrection
from events.training import correction_records, to_docbin


class Command(BaseCommand):
    help = "Export editors' mention corrections as JSON Lines or a spaCy DocBin."

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True)
        parser.add_argument("--format", choices=["jsonl", "spacy"], default="jsonl")

    def handle(self, *args, output: str, format: str, **options):
        records = list(correction_records(MentionCorrection.objects.all()))
        if format == "spacy":
            to_docbin(records).to_disk(output)
        else:
            with open(output, "w", encoding="utf-8") as handle:
                for record in records:
                    handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        self.stdout.write(f"{len(records)} corrections written to {output}")
