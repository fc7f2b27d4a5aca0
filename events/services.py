"""Writes of the events app: analysing articles into mentions, and editors' curation."""

from __future__ import annotations

import logging
from datetime import date

from django.db import transaction
from django.utils import timezone

from events.kb.index import get_kb
from events.kb.names import name_variants
from events.linking import MentionData, link_doc
from events.models import Entity, Mention, MentionCorrection
from ingest.models import Article

logger = logging.getLogger(__name__)

PROVISIONAL_CONFIDENCE = 0.5


def parse(text: str):
    from ingest.nlp.pipeline import get_nlp

    return get_nlp()(text)


def article_day(article: Article) -> date | None:
    moment = article.published_at or article.fetched_at
    return timezone.localdate(moment) if moment else None


def analyze_text(text: str, day: date | None = None) -> list[MentionData]:
    """Mentions of a text, linked to the knowledge base; nothing is written."""
    return link_doc(parse(text), get_kb(), day)


@transaction.atomic
def article_analyze(article: Article) -> list[Mention]:
    """Replace an article's mentions with a fresh analysis; editors' corrections stay."""
    mentions = analyze_text(article.text, article_day(article))
    for data in mentions:
        if data.entity_id is None and data.new_entity_kind:
            entity = provisional_entity(data.text, data.new_entity_kind)
            data.entity_id, data.confidence = entity.pk, PROVISIONAL_CONFIDENCE
            data.note = "provisional entity, waiting for review"
    rows = apply_corrections(article, mentions)
    Mention.objects.filter(article=article).delete()
    created = Mention.objects.bulk_create(rows)
    Article.objects.filter(pk=article.pk).update(status=Article.Status.ANALYZED, error="")
    return created


def provisional_entity(surface: str, kind: str) -> Entity:
    """The provisional entity for an unknown name, shared by every article that uses it."""
    name = surface.strip().strip("„“\"'»«").strip()
    base = name_variants(name)[0]
    entity, _ = Entity.objects.get_or_create(
        key=f"provisional:{kind}:{base}"[:200],
        defaults={"kind": kind, "name": name[:300], "provisional": True},
    )
    if entity.merged_into_id:
        return entity.merged_into
    return entity


def apply_corrections(article: Article, mentions: list[MentionData]) -> list[Mention]:
    corrections = {(c.start, c.end): c for c in MentionCorrection.objects.filter(article=article)}
    rows = []
    for data in mentions:
        correction = corrections.pop((data.start, data.end), None)
        if correction and correction.wrong:
            continue
        row = Mention(
            article=article, entity_id=data.entity_id, label=data.label, kind=data.kind, start=data.start,
            end=data.end, sentence_index=data.sentence_index, text=data.text[:500], confidence=data.confidence,
            origin=data.origin, note=data.note[:300],
        )  # fmt: skip
        if correction:
            row.entity_id, row.origin, row.confidence, row.note = (
                correction.entity_id,
                "editor",
                1.0,
                "corrected by an editor",
            )
        rows.append(row)
    for correction in corrections.values():
        if not correction.wrong and correction.entity_id:
            # A mention the model missed and an editor added.
            rows.append(
                Mention(article=article, entity_id=correction.entity_id, label=correction.label or "MISC",
                        start=correction.start, end=correction.end, text=correction.text, confidence=1.0,
                        origin="editor", note="added by an editor")
            )  # fmt: skip
    return rows
