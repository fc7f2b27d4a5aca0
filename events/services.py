"""Writes of the events app: analysing articles into mentions, and editors' curation."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone

from events.claims import ClaimData, extract_claims
from events.detection import EventData, detect_events
from events.kb.index import get_kb
from events.kb.names import name_variants, normalize
from events.linking import MentionData, link_doc
from events.models import (
    TAGGING_TARGETS,
    Alias,
    ArticleAnalysis,
    Claim,
    Curation,
    Entity,
    Event,
    EventActor,
    EventArticle,
    Mention,
    MentionCorrection,
    Tag,
    Tagging,
)
from events.sentences import char_spans, token_ranges
from ingest.models import Article

logger = logging.getLogger(__name__)

PROVISIONAL_CONFIDENCE = 0.5


def parse(text: str):
    from ingest.nlp.pipeline import get_nlp

    return get_nlp()(text)


def article_day(article: Article) -> date | None:
    moment = article.published_at or article.fetched_at
    return timezone.localdate(moment) if moment else None


@dataclass
class Analysis:
    mentions: list[MentionData]
    claims: list[ClaimData]
    events: list[EventData]
    # [start, end] of each sentence, in the order of Mention.sentence_index.
    sentences: list[list[int]] = field(default_factory=list)


def analyze_text(text: str, day: date | None = None) -> Analysis:
    """Mentions, claims and events of a text, linked to the knowledge base; nothing is written."""
    doc = parse(text)
    kb = get_kb()
    mentions = link_doc(doc, kb, day)
    return Analysis(
        mentions,
        extract_claims(doc, mentions, kb),
        detect_events(doc, mentions, kb, day),
        char_spans(doc, token_ranges(doc)),
    )


@transaction.atomic
def article_analyze(article: Article) -> Analysis:
    """Replace an article's mentions and claims with a fresh analysis, and record the events
    it reports for clustering. Editors' corrections and claim reviews stay."""
    from events.tasks import cluster_article

    analysis = analyze_text(article.text, article_day(article))
    if _stale_entities(analysis):
        # The knowledge base in memory names entities that were deleted meanwhile: reload it.
        from events.kb.index import bump_version

        bump_version()
        analysis = analyze_text(article.text, article_day(article))
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


def event_json(event: EventData) -> dict:
    start, end, text = event.trigger
    return {
        "type": event.type, "title": event.title, "date": event.date.isoformat() if event.date else None,
        "date_precision": event.date_precision or "day", "place_id": event.place_entity_id,
        "actors": [list(actor) for actor in event.actors], "trigger": text, "trigger_start": start,
        "trigger_end": end, "confidence": event.confidence,
    }  # fmt: skip


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


# --- curation ------------------------------------------------------------------------------


def _affected_articles(*entities: Entity) -> list[int]:
    return list(
        Mention.objects.filter(entity__in=entities).values_list("article_id", flat=True).distinct()[:5000]
    )


def _relink_later(article_ids) -> None:
    """Re-link the articles in the background, once the curation is committed."""
    from events.tasks import relink_articles

    ids = sorted(set(article_ids))
    for n in range(0, len(ids), 100):
        relink_articles.delay_on_commit(ids[n : n + 100])


def _curated(user, action: str, entity: Entity | None, **payload) -> Curation:
    from events.kb.index import bump_version

    transaction.on_commit(bump_version)  # every worker reloads the knowledge base
    return Curation.objects.create(user=user, action=action, entity=entity, payload=payload)


@transaction.atomic
def entity_merge(*, source: Entity, target: Entity, user) -> Entity:
    """Merge `source` into `target`: one actor counted once. The source stays, pointing to
    the target, so its key (and links to it) keep working and the merge can be traced."""
    if source.pk == target.pk:
        raise ValueError("an entity cannot be merged into itself")
    if target.merged_into_id:
        raise ValueError(f"{target} was itself merged into {target.merged_into}")
    affected = _affected_articles(source, target)
    names = {source.name, *source.aliases.values_list("text", flat=True)}
    for text in names:
        alias_add(entity=target, text=text, kind=Alias.Kind.NAME, user=None, record=False)
    Mention.objects.filter(entity=source).update(entity=target)
    MentionCorrection.objects.filter(entity=source).update(entity=target)
    _move_taggings("entity", source.pk, target.pk)
    Entity.objects.filter(merged_into=source).update(merged_into=target)
    source.merged_into = target
    source.save(update_fields=["merged_into", "updated_at"])
    if target.provisional and not source.provisional:
        target.provisional = False
        target.save(update_fields=["provisional", "updated_at"])
    _curated(user, Curation.Action.MERGE, target, source_id=source.pk, source_name=source.name)
    _relink_later(affected)
    return target


@transaction.atomic
def entity_split(*, entity: Entity, name: str, alias_ids: list[int], mention_ids: list[int], user) -> Entity:
    """Split off a new entity with the chosen aliases; the chosen mentions now mean it."""
    new = Entity.objects.create(
        key=f"editor:{entity.kind}:{normalize(name)}:{timezone.now():%Y%m%d%H%M%S}"[:200],
        kind=entity.kind, name=name, country=entity.country,
    )  # fmt: skip
    moved = list(Alias.objects.filter(entity=entity, pk__in=alias_ids))
    for alias in moved:
        alias_add(entity=new, text=alias.text, kind=alias.kind, user=None, record=False)
    Alias.objects.filter(pk__in=[a.pk for a in moved]).delete()
    alias_add(entity=new, text=name, kind=Alias.Kind.NAME, user=None, record=False)
    for mention in Mention.objects.filter(entity=entity, pk__in=mention_ids).select_related("article"):
        _correct(mention, entity=new, wrong=False, user=user)
    _curated(user, Curation.Action.SPLIT, entity, new_id=new.pk, new_name=name, aliases=[a.text for a in moved],
             mentions=mention_ids)  # fmt: skip
    _relink_later(_affected_articles(entity, new))
    return new


def alias_add(
    *, entity: Entity, text: str, kind: str = Alias.Kind.NAME, user=None, record: bool = True
) -> Alias:
    text = text.strip()
    if not text:
        raise ValueError("an alias needs a text")
    alias, _ = Alias.objects.get_or_create(
        entity=entity, normalized=normalize(text)[:300], kind=kind, valid_from=None,
        defaults={"text": text[:300], "origin": Alias.Origin.EDITOR},
    )  # fmt: skip
    if record:
        _curated(user, Curation.Action.ALIAS_ADD, entity, text=text, kind=kind)
        # Articles that use the new name may now link it.
        ids = Article.objects.filter(status=Article.Status.ANALYZED, text__icontains=text).values_list(
            "pk", flat=True
        )
        _relink_later(list(ids[:5000]))
    return alias


@transaction.atomic
def alias_remove(*, alias: Alias, user) -> None:
    entity = alias.entity
    _curated(user, Curation.Action.ALIAS_REMOVE, entity, text=alias.text, kind=alias.kind)
    alias.delete()
    _relink_later(_affected_articles(entity))


def _correct(mention: Mention, *, entity: Entity | None, wrong: bool, user) -> MentionCorrection:
    correction, _ = MentionCorrection.objects.update_or_create(
        article=mention.article, start=mention.start, end=mention.end,
        defaults={"text": mention.text, "label": mention.label, "entity": entity, "wrong": wrong, "user": user},
    )  # fmt: skip
    if wrong:
        mention.delete()
    else:
        mention.entity, mention.origin, mention.confidence = entity, Mention.Origin.EDITOR, 1.0
        mention.note = "corrected by an editor"
        mention.save(update_fields=["entity", "origin", "confidence", "note"])
    return correction


@transaction.atomic
def mention_mark_wrong(*, mention: Mention, user) -> None:
    _curated(user, Curation.Action.MENTION_WRONG, mention.entity, article_id=mention.article_id,
             start=mention.start, end=mention.end, text=mention.text)  # fmt: skip
    _correct(mention, entity=None, wrong=True, user=user)


@transaction.atomic
def mention_relink(*, mention: Mention, entity: Entity, user) -> None:
    _curated(user, Curation.Action.MENTION_RELINK, entity, article_id=mention.article_id, start=mention.start,
             end=mention.end, text=mention.text, previous=mention.entity_id)  # fmt: skip
    _correct(mention, entity=entity, wrong=False, user=user)


@transaction.atomic
def entity_confirm(*, entity: Entity, user) -> None:
    """A provisional entity is real: it leaves the review queue."""
    Entity.objects.filter(pk=entity.pk).update(provisional=False)
    _curated(user, Curation.Action.CONFIRM, entity, name=entity.name)


# --- events and claims: editors' decisions -------------------------------------------------


@transaction.atomic
def event_merge(*, source: Event, target: Event, user) -> Event:
    """Two events are one happening: move articles and actors, keep the source as a pointer."""
    if source.pk == target.pk:
        raise ValueError("an event cannot be merged into itself")
    for link in EventArticle.objects.filter(event=source):
        EventArticle.objects.get_or_create(
            event=target, article_id=link.article_id,
            defaults={"trigger": link.trigger, "trigger_start": link.trigger_start, "trigger_end": link.trigger_end,
                      "confidence": link.confidence, "pinned": True},
        )  # fmt: skip
    EventArticle.objects.filter(
        event=target, article_id__in=source.event_articles.values("article_id")
    ).update(pinned=True)
    for actor in EventActor.objects.filter(event=source):
        EventActor.objects.get_or_create(event=target, entity_id=actor.entity_id, role=actor.role)
    EventArticle.objects.filter(event=source).delete()
    _move_taggings("event", source.pk, target.pk)
    source.merged_into = target
    source.save(update_fields=["merged_into"])
    Curation.objects.create(user=user, action=Curation.Action.EVENT_MERGE, event=target,
                            payload={"source_id": source.pk, "source_title": source.title})  # fmt: skip
    return target


@transaction.atomic
def event_split(*, event: Event, article_ids: list[int], title: str, user) -> Event:
    """Some of an event's articles report another happening: they get an event of their own."""
    new = Event.objects.create(type=event.type, title=title or event.title, date=event.date,
                               date_precision=event.date_precision, place=event.place, confidence=event.confidence)  # fmt: skip
    moved = EventArticle.objects.filter(event=event, article_id__in=article_ids)
    moved_ids = list(moved.values_list("article_id", flat=True))
    moved.update(event=new, pinned=True)
    for actor in EventActor.objects.filter(event=event):
        EventActor.objects.get_or_create(event=new, entity_id=actor.entity_id, role=actor.role)
    Curation.objects.create(user=user, action=Curation.Action.EVENT_SPLIT, event=event,
                            payload={"new_id": new.pk, "articles": moved_ids, "title": new.title})  # fmt: skip
    return new


@transaction.atomic
def claim_review(*, claim: Claim, status: str, reason: str, user) -> Claim:
    if status not in Claim.Review.values:
        raise ValueError(f"unknown review status {status!r}")
    claim.review_status, claim.review_reason = status, reason
    claim.reviewed_by, claim.reviewed_at = user, timezone.now()
    claim.save(update_fields=["review_status", "review_reason", "reviewed_by", "reviewed_at"])
    Curation.objects.create(user=user, action=Curation.Action.CLAIM_REVIEW, payload={
        "claim_id": claim.pk, "article_id": claim.article_id, "status": status, "reason": reason})  # fmt: skip
    return claim


# --- tags ------------------------------------------------------------------------------------


def _move_taggings(kind: str, source_id: int, target_id: int) -> None:
    """A merged record's tags go to the record it was merged into (each tag once)."""
    already = Tagging.objects.filter(**{kind: target_id}).values("tag_id")
    Tagging.objects.filter(**{kind: source_id}).exclude(tag_id__in=already).update(**{kind: target_id})
    Tagging.objects.filter(**{kind: source_id}).delete()


def _check_kind(kind: str) -> None:
    if kind not in TAGGING_TARGETS:
        raise ValueError(f"cannot tag {kind!r}; choose one of {', '.join(TAGGING_TARGETS)}")


@transaction.atomic
def tags_apply(*, tag: Tag, kind: str, ids, user) -> int:
    """Put `tag` on the records of `kind` with these ids; returns how many were newly tagged.

    Safe to repeat: a record that carries the tag already keeps its first tagging (who, when).
    """
    _check_kind(kind)
    ids = set(ids)
    already = set(
        Tagging.objects.filter(tag=tag, **{f"{kind}_id__in": ids}).values_list(f"{kind}_id", flat=True)
    )
    new = [Tagging(tag=tag, user=user, **{f"{kind}_id": pk}) for pk in sorted(ids - already)]
    Tagging.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


@transaction.atomic
def tags_remove(*, tag: Tag, kind: str, ids, user) -> int:
    """Take `tag` off these records; returns how many carried it."""
    _check_kind(kind)
    removed, _ = Tagging.objects.filter(tag=tag, **{f"{kind}_id__in": set(ids)}).delete()
    return removed


# --- after bulk loads ------------------------------------------------------------------------

# The tables the list pages and their facets join.
BROWSED_TABLES = (
    "ingest_outlet", "ingest_article", "events_entity", "events_mention", "events_claim", "events_event",
    "events_eventactor", "events_eventarticle", "events_tag", "events_tagging",
)  # fmt: skip


def refresh_statistics() -> None:
    """ANALYZE the browsed tables. Autovacuum does it in time; right after a bulk load the
    planner would otherwise see empty tables and nest loops over the facets' subqueries."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(BROWSED_TABLES)}")
