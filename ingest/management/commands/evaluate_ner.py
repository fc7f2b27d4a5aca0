"""`manage.py evaluate_ner FILE`: P/R/F1 per label and micro over PER, LOC, ORG."""

import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ingest.nlp.evaluation import evaluate, format_table, read_germeval


class Command(BaseCommand):
    help = "Score the NER of the German pipeline on a GermEval-format TSV file (exact outer spans)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--model", type=Path, default=None, help="another pipeline directory to score")

    def handle(self, *args, file: Path, model: Path | None, **options):
        if not file.exists():
            raise CommandError(f"no such file: {file}")
        import spacy
        from spacy.tokens import Doc

        from ingest.nlp.pipeline import get_nlp

        nlp = spacy.load(model) if model else get_nlp()

        def predict(batch: list[list[str]]) -> list[set]:
            # The gold tokenisation is kept, so spans compare token by token.
            docs = nlp.pipe(Doc(nlp.vocab, words=words) for words in batch)
            return [{(ent.start, ent.end, ent.label_) for ent in doc.ents} for doc in docs]

        started = time.monotonic()
        try:
            sentences = list(read_germeval(file))
        except (ValueError, UnicodeDecodeError) as exc:
            raise CommandError(str(exc)) from exc
        report = evaluate(sentences, predict).report()
        self.stdout.write(f"{len(sentences)} sentences from {file}, {time.monotonic() - started:.1f} s")
        self.stdout.write(format_table(report))
        self.stdout.write(json.dumps({"file": str(file), "sentences": len(sentences), **report}))
