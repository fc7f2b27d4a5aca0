"""Editors' corrections as NER training data (JSON Lines, or spaCy's DocBin)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from events.models import MentionCorrection

_SENTENCE_END = re.compile(r"(?<=[.!?“\"])\s+(?=[A-ZÄÖÜ„\"])|\n+")


def sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """Character bounds of the sentence holding [start, end) (a plain splitter is enough here)."""
    left = 0
    for match in _SENTENCE_END.finditer(text, 0, start):
        left = match.end()
    match = _SENTENCE_END.search(text, end)
    right = match.start() if match else len(text)
    return left, right


def correction_records(corrections: Iterable[MentionCorrection]) -> Iterator[dict]:
    for correction in corrections.select_related("article", "entity", "user").order_by("article_id", "start"):
        text = correction.article.text
        left, right = sentence_around(text, correction.start, correction.end)
        yield {
            "article_id": correction.article_id,
            "sentence": text[left:right],
            "start": correction.start - left,
            "end": correction.end - left,
            "text": correction.text,
            # A span marked wrong is "no entity here": a negative example.
            "label": None if correction.wrong else (correction.label or correction.entity.label),
            "entity": correction.entity.name if correction.entity else None,
            "entity_id": correction.entity_id,
            "editor": correction.user.get_username() if correction.user else None,
            "created_at": correction.created_at.isoformat(),
        }


def to_docbin(records: Iterable[dict]):
    """One spaCy Doc per corrected sentence; wrong spans become explicit "O" tokens."""
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("de")
    docs: dict[str, tuple] = {}
    for record in records:
        docs.setdefault(record["sentence"], (nlp.make_doc(record["sentence"]), [], []))
        doc, positive, negative = docs[record["sentence"]]
        span = doc.char_span(
            record["start"], record["end"], label=record["label"] or "", alignment_mode="expand"
        )
        if span is not None:
            (positive if record["label"] else negative).append(span)
    bin_ = DocBin(store_user_data=False)
    for doc, positive, negative in docs.values():
        try:
            doc.set_ents(positive, outside=negative, default="missing")
        except ValueError:
            continue  # overlapping corrections in one sentence: skip rather than guess
        bin_.add(doc)
    return bin_
