"""Analysing an article into mentions, claims and detected events, and storing them."""

from __future__ import annotations

import logging
from datetime import date

from django.db import transaction
from django.utils import timezone

from events.analysis.claims import ClaimData
from events.analysis.linking import MentionData
from events.analysis.names import name_variants
from events.analysis.pipeline import Analysis, analyze_text, event_json
from events.kb.loader import get_kb
from events.models import ArticleAnalysis, Claim, Entity, Mention, MentionCorrection
from ingest.models import Article

logger = logging.getLogger(__name__)

PROVISIONAL_CONFIDENCE = 0.5


def article_day(article: Article) -> date | None:
    moment = article.published_at or article.fetched_at
    return timezone.localdate(moment) if moment else None


@transaction.atomic
def article_analyze(article: Article) -> Analysis:
    """Replace an article's mentions and claims with a fresh analysis, and record the events
    it reports for clustering. Editors' corrections and claim reviews stay."""
    from events.tasks import cluster_article

    analysis = analyze_text(article.text, get_kb(), article_day(article))
    if _stale_entities(analysis):
        # The knowledge base in memory names entities that were deleted meanwhile: reload it.
        from events.kb.loader import bump_version

        bump_version()
        analysis = analyze_text(article.text, get_kb(), article_day(article))
    for data in analysis.mentions:
        if data.entity_id is None and data.new_entity_kind:
            entity = provisional_entity(data.provisional_name or data.text, data.new_entity_kind)
            data.entity_id, data.confidence = entity.pk, PROVISIONAL_CONFIDENCE
            data.note = "provisional entity, waiting for review"
    rows = apply_corrections(article, analysis.mentions)
    Mention.objects.filter(article=article).delete()
    Mention.objects.bulk_create(rows)
    store_claims(article, analysis.claims, rows)
    ArticleAnalysis.objects.update_or_create(
        article=article,
        defaults={
            "detected_events": [event_json(e) for e in analysis.events],
            "sentences": analysis.sentences,
        },
    )
    Article.objects.filter(pk=article.pk).update(status=Article.Status.ANALYZED, error="")
    cluster_article.delay_on_commit(article.pk)
    return analysis


def _stale_entities(analysis: Analysis) -> bool:
    ids = {m.entity_id for m in analysis.mentions if m.entity_id}
    ids |= {place for e in analysis.events for place in [e.place_entity_id] if place}
    ids |= {entity_id for e in analysis.events for entity_id, _ in e.actors}
    return Entity.objects.filter(pk__in=ids).count() != len(ids)


def _entity_in(span, mentions: list[Mention]) -> int | None:
    """The entity of a mention inside a claim's speaker or source words ("Die „AP“" -> AP)."""
    if span is None:
        return None
    if span.entity_id:
        return span.entity_id
    inside = [m for m in mentions if m.entity_id and span.start <= m.start and m.end <= span.end]
    return inside[0].entity_id if inside else None


def store_claims(article: Article, claims: list[ClaimData], mentions: list[Mention]) -> None:
    """Replace the article's claims; a claim an editor reviewed keeps its review."""
    reviews = {
        (c.start, c.end): c
        for c in Claim.objects.filter(article=article).exclude(review_status=Claim.Review.UNVERIFIED)
    }
    Claim.objects.filter(article=article).delete()
    rows = []
    for data in claims:
        if data.content is None:
            continue
        reviewed = reviews.get((data.start, data.end))
        speaker, source = data.speaker, data.source
        rows.append(
            Claim(
                article=article, kind=data.kind, evidential=data.evidential, start=data.start, end=data.end,
                sentence_index=data.sentence_index, cue=data.cue[:200], cue_lemma=data.cue_lemma[:100],
                speaker_id=_entity_in(speaker, mentions), speaker_text=speaker.text[:300] if speaker else "",
                speaker_start=speaker.start if speaker else None, speaker_end=speaker.end if speaker else None,
                source_id=_entity_in(source, mentions), source_text=source.text[:300] if source else "",
                source_start=source.start if source else None, source_end=source.end if source else None,
                chain=[{"text": r.text, "start": r.start, "end": r.end, "entity_id": _entity_in(r, mentions)}
                       for r in data.chain],
                content_start=data.content.start, content_end=data.content.end, content=data.content.text,
                confidence=data.confidence,
                review_status=reviewed.review_status if reviewed else Claim.Review.UNVERIFIED,
                reviewed_by_id=reviewed.reviewed_by_id if reviewed else None,
                reviewed_at=reviewed.reviewed_at if reviewed else None,
                review_reason=reviewed.review_reason if reviewed else "",
            )
        )  # fmt: skip
    Claim.objects.bulk_create(rows)


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
