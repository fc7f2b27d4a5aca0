"""Editors' corrections as NER training data: the JSON Lines / DocBin export, and the whole
sentences `manage.py retrain` learns from (events/services/retraining.py)."""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from events.models import Curation, Mention, MentionCorrection
from ingest.models import Article

_SENTENCE_END = re.compile(r"(?<=[.!?“\"])\s+(?=[A-ZÄÖÜ„\"])|\n+")

# Mentions that are names; adjectives ("russische") and role descriptors ("der Präsident")
# are mentions too but no NER entities, so the model is told nothing about their tokens.
NAME_KINDS = {Mention.Kind.NAME, Mention.Kind.PARTIAL}
# Sentences taken from one confirmed entity's mentions, at most: a frequent name must not
# outweigh every other correction.
CONFIRMED_SENTENCES_PER_ENTITY = 20
# About one article in five goes to the held-out slice (see is_heldout).
HELDOUT_MODULUS = 5


def sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """Character bounds of the sentence holding [start, end) (a plain splitter is enough here)."""
    left = 0
    for match in _SENTENCE_END.finditer(text, 0, start):
        left = match.end()
    match = _SENTENCE_END.search(text, end)
    right = match.start() if match else len(text)
    return left, right


def correction_label(correction: MentionCorrection) -> str | None:
    """The label the span should have: None for "no entity here". A relinked span takes its
    new entity's label: the stored label of older corrections is the mention's old one."""
    if correction.wrong:
        return None
    if correction.entity is not None:
        return correction.entity.label
    return correction.label or None


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
            "label": correction_label(correction),
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


# --- whole sentences for retraining ------------------------------------------------------------


@dataclass
class TrainingExample:
    """One sentence: its entities (start, end, label), spans that are explicitly no entity,
    and spans the model is told nothing about; offsets are relative to `text`."""

    article_id: int
    text: str
    entities: list[tuple[int, int, str]] = field(default_factory=list)
    outside: list[tuple[int, int]] = field(default_factory=list)
    unknown: list[tuple[int, int]] = field(default_factory=list)
    corrected: int = 0  # corrected spans in it
    confirmed: int = 0  # mentions of confirmed entities in it


def is_heldout(article_id: int) -> bool:
    """Whether the article's sentences are held out for evaluation: a hash of its id, so the
    split is the same on every run and an article is never on both sides (its sentences
    share names and wording, which would flatter the evaluation)."""
    digest = hashlib.sha256(f"article:{article_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % HELDOUT_MODULUS == 0


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def training_examples() -> list[TrainingExample]:
    """One example per sentence with corrections or mentions of confirmed entities, in
    article and sentence order.

    Corrected spans win; the sentence's other stored mentions (the analysis the editor saw
    and left standing) are positives too, and every other token is "no entity": an editor
    read the sentence, so an unmarked name there would have been corrected. Leaving those
    tokens unknown instead would teach the corrected spans only, and the model would drift
    towards tagging more of every sentence.
    """
    # (article_id, left, right) -> {span: label or None}, built from the corrections first.
    sentences: dict[tuple[int, int, int], dict[tuple[int, int], str | None]] = defaultdict(dict)
    confirmed_counts: dict[tuple[int, int, int], int] = defaultdict(int)
    texts: dict[int, str] = {}

    # Each article's text is read once, not once per correction or mention in it.
    corrections = list(MentionCorrection.objects.select_related("entity").order_by("article_id", "start"))
    _read_texts(texts, {c.article_id for c in corrections})
    for correction in corrections:
        text = texts[correction.article_id]
        if text[correction.start : correction.end] != correction.text:
            continue  # the article's text changed since: the offsets no longer point at the span
        left, right = sentence_around(text, correction.start, correction.end)
        sentences[(correction.article_id, left, right)][(correction.start, correction.end)] = (
            correction_label(correction)
        )

    confirmed_ids = set(
        Curation.objects.filter(action=Curation.Action.CONFIRM, entity__isnull=False).values_list(
            "entity_id", flat=True
        )
    )
    for entity_id in sorted(confirmed_ids):
        mentions = list(
            Mention.objects.filter(entity_id=entity_id, kind__in=NAME_KINDS).order_by("article_id", "start")[
                :CONFIRMED_SENTENCES_PER_ENTITY
            ]
        )
        _read_texts(texts, {m.article_id for m in mentions})
        for mention in mentions:
            text = texts[mention.article_id]
            left, right = sentence_around(text, mention.start, mention.end)
            confirmed_counts[(mention.article_id, left, right)] += 1
            sentences.setdefault((mention.article_id, left, right), {})  # the sentence is an example

    mentions_by_article: dict[int, list[Mention]] = defaultdict(list)
    for mention in Mention.objects.filter(article_id__in={key[0] for key in sentences}).order_by(
        "article_id", "start"
    ):
        mentions_by_article[mention.article_id].append(mention)

    examples = []
    for key in sorted(sentences):
        article_id, left, right = key
        example = _sentence_example(
            texts[article_id], left, right, sentences[key], mentions_by_article[article_id], article_id
        )
        example.confirmed = confirmed_counts[key]
        examples.append(example)
    return examples


def _read_texts(texts: dict[int, str], article_ids: set[int]) -> None:
    """Add the texts of the articles not read yet."""
    missing = article_ids - texts.keys()
    if missing:
        texts.update(Article.objects.filter(pk__in=missing).values_list("pk", "text"))


def _sentence_example(text, left, right, corrected, mentions, article_id) -> TrainingExample:
    example = TrainingExample(article_id=article_id, text=text[left:right], corrected=len(corrected))
    taken: list[tuple[int, int]] = []
    for (start, end), label in sorted(corrected.items()):
        if any(_overlaps((start, end), span) for span in taken):
            continue  # corrections overlapping each other: keep the first
        taken.append((start, end))
        if label:
            example.entities.append((start - left, end - left, label))
        else:
            example.outside.append((start - left, end - left))
    for mention in mentions:
        span = (mention.start, mention.end)
        if mention.start < left or mention.end > right or any(_overlaps(span, other) for other in taken):
            continue
        taken.append(span)
        if mention.kind in NAME_KINDS:
            example.entities.append((mention.start - left, mention.end - left, mention.label))
        else:
            example.unknown.append((mention.start - left, mention.end - left))
    example.entities.sort()
    return example


def split_examples(examples: list[TrainingExample]) -> tuple[list[TrainingExample], list[TrainingExample]]:
    """(train, held out), by article."""
    train = [e for e in examples if not is_heldout(e.article_id)]
    heldout = [e for e in examples if is_heldout(e.article_id)]
    return train, heldout
