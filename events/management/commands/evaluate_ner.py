"""`manage.py evaluate_ner FILE`: P/R/F1 per label and micro over PER, LOC, ORG.

`--mode model` (default) scores the German pipeline's NER; `--mode dictionary` the
knowledge base's names alone (the baseline that shows what the model adds); `--mode
combined` the NER's spans plus the names the knowledge base finds where the NER found none;
`--mode portal` the name mentions the portal stores: the knowledge base's second opinion as
linking gives it (a span cut back to the name it knows, "Putins Sieg" -> "Putins"; the kind of
the linked entity instead of the NER's label, "Reuters" is an organisation), what an analyst
sees. The gold tokenisation is kept, so spans compare token by token.
"""

import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from events.analysis.labels import KIND_LABELS
from events.nlp.evaluation import evaluate, format_table, read_germeval


class Command(BaseCommand):
    help = "Score named entities on a GermEval-format TSV file (exact outer spans)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--model", type=Path, default=None, help="another pipeline directory to score")
        parser.add_argument("--mode", choices=["model", "dictionary", "combined", "portal"], default="model")

    def handle(self, *args, file: Path, model: Path | None, mode: str, **options):
        if not file.exists():
            raise CommandError(f"no such file: {file}")
        from spacy.tokens import Doc

        from events.nlp.pipeline import get_nlp, load_pipeline

        nlp = load_pipeline(model) if model else get_nlp()
        kb = None
        if mode != "model":
            from events.kb.loader import get_kb

            kb = get_kb()

        def predict(batch: list[list[str]]) -> list[set]:
            docs = [Doc(nlp.vocab, words=words) for words in batch]
            if mode != "dictionary":
                docs = list(nlp.pipe(docs))
            return [self._spans(doc, kb, mode) for doc in docs]

        started = time.monotonic()
        try:
            sentences = list(read_germeval(file))
        except (ValueError, UnicodeDecodeError) as exc:
            raise CommandError(str(exc)) from exc
        report = evaluate(sentences, predict).report()
        self.stdout.write(
            f"{len(sentences)} sentences from {file}, mode {mode}, {time.monotonic() - started:.1f} s"
        )
        self.stdout.write(format_table(report))
        self.stdout.write(
            json.dumps({"file": str(file), "mode": mode, "sentences": len(sentences), **report})
        )

    @staticmethod
    def _spans(doc, kb, mode: str) -> set:
        if mode == "portal":
            return _portal_spans(doc, kb)
        spans = set() if mode == "dictionary" else {(e.start, e.end, e.label_) for e in doc.ents}
        if kb is None:
            return spans
        from events.analysis.linking import link_doc

        if mode == "dictionary":
            doc.ents = []
        taken = {i for start, end, _ in spans for i in range(start, end)}
        for mention in link_doc(doc, kb):
            if mention.origin != "kb" or mention.kind != "name" or not mention.entity_id:
                continue
            span = doc.char_span(mention.start, mention.end)
            label = KIND_LABELS.get(kb.info(mention.entity_id).kind)
            if span is not None and label and not taken & set(range(span.start, span.end)):
                spans.add((span.start, span.end, label))
        return spans


def _portal_spans(doc, kb) -> set:
    """The labelled token spans of the name mentions linking stores for `doc`.

    Full and partial names count ("Merkel" alone is a PER in GermEval too); adjectives
    ("deutsche") and descriptors ("der Kremlchef") are no names there. A linked mention takes
    its entity's kind; an unknown one keeps the NER's label."""
    from events.analysis.linking import link_doc

    spans = set()
    for mention in link_doc(doc, kb):
        if mention.kind not in ("name", "partial"):
            continue
        span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
        entity = kb.entities.get(mention.entity_id) if mention.entity_id else None
        label = KIND_LABELS.get(entity.kind) if entity else mention.label
        if span is not None and label:
            spans.add((span.start, span.end, label))
    return spans
