"""Analysing an article into mentions, claims and detected events, and storing them."""

from __future__ import annotations

import logging
from collections import Counter
from datetime import date

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from events.analysis.claims import ClaimData
from events.analysis.coref import ARTICLES, is_role_compound, is_role_word
from events.analysis.linking import MentionData
from events.analysis.names import name_variants
from events.analysis.pipeline import Analysis, analyze_text, event_json
from events.kb.loader import get_kb
from events.models import ArticleAnalysis, Claim, Entity, Mention, MentionCorrection
from events.nlp.version import analysing_model_version
from events.services.entity_counts import counts_follow
from ingest.models import Article
from ingest.pipeline import send_on_commit

logger = logging.getLogger(__name__)

PROVISIONAL_CONFIDENCE = 0.5


def article_day(article: Article) -> date | None:
    moment = article.published_at or article.fetched_at
    return timezone.localdate(moment) if moment else None


# How often an analysis starts over when the article's text changed while it ran.
ANALYSIS_ATTEMPTS = 3
# Steps that rewrite the text: while one runs, this analysis gives way (it sends a new one).
REWRITING = (Article.Status.FETCHING, Article.Status.EXTRACTING)


class TextChanged(RuntimeError):
    """The article's text kept changing under the analysis."""


def article_analyze(article: Article) -> Analysis | None:
    """Analyse the article and update its mentions and claims in place (same ids where the
    span is unchanged), and record the events it reports for clustering. Editors'
    corrections, claim reviews and claim tags stay.

    The NLP runs outside any transaction; its results are written in one short transaction
    that first locks the article row and checks that the text is still the one analysed.
    If it changed meanwhile the analysis starts over; if a re-extraction is running now, this
    run gives way and returns None (the extraction sends a fresh analysis when it is done).
    """
    for _attempt in range(ANALYSIS_ATTEMPTS):
        text = article.text
        analysis, kb_version = _analyze(text, article_day(article))
        with transaction.atomic():
            current = Article.objects.select_for_update().filter(pk=article.pk).first()
            if current is None:
                logger.info("article %s was deleted during its analysis", article.pk)
                return None
            if current.status in REWRITING:
                logger.info("article %s is being extracted again; its analysis gives way", article.pk)
                return None
            if current.text != text:
                article = current
                continue
            _store(current, analysis, kb_version)
            return analysis
    raise TextChanged(f"the text of article {article.pk} changed during {ANALYSIS_ATTEMPTS} analyses")


def _analyze(text: str, day: date | None) -> tuple[Analysis, str]:
    """The analysis and the version of the knowledge base that produced it."""
    kb = get_kb()
    analysis = analyze_text(text, kb, day)
    if _stale_entities(analysis):
        # The knowledge base in memory names entities that were deleted meanwhile: reload it.
        from events.kb.loader import bump_version

        bump_version()
        kb = get_kb()
        analysis = analyze_text(text, kb, day)
    return analysis, str(kb.version)


def _store(article: Article, analysis: Analysis, kb_version: str = "") -> None:
    """Write one analysis of the article (inside the caller's transaction); `kb_version` is
    the knowledge base's version the analysis read, "" when the caller does not know it."""
    from events.tasks import cluster_article

    for data in analysis.mentions:
        if data.entity_id is None and data.new_entity_kind:
            entity = provisional_entity(data.provisional_name or data.text, data.new_entity_kind)
            data.entity_id, data.confidence = entity.pk, PROVISIONAL_CONFIDENCE
            data.note = "provisional entity, waiting for review"
        elif data.entity_id is None and data.held_kind:
            # held back (named once, or outside politics): no new entity, but one an earlier
            # article filed under this name takes the mention
            existing, _name = provisional_filing(data.provisional_name or data.text, data.held_kind)
            if existing is not None:
                existing = existing.merged_into or existing
                data.entity_id, data.confidence = existing.pk, PROVISIONAL_CONFIDENCE
                data.note = "provisional entity filed by an earlier article"
    with counts_follow([article.pk]):
        rows = store_mentions(article, apply_corrections(article, analysis.mentions))
        store_claims(article, analysis.claims, rows)
    ArticleAnalysis.objects.update_or_create(
        article=article,
        defaults={
            "detected_events": [event_json(e) for e in analysis.events],
            "sentences": analysis.sentences,
            "clustered_at": None,
            "model_version": analysing_model_version(),
            "kb_version": kb_version,
        },
    )
    Article.objects.filter(pk=article.pk).update(status=Article.Status.ANALYZED, error="")
    send_on_commit(cluster_article, article.pk)


def _stale_entities(analysis: Analysis) -> bool:
    ids = {m.entity_id for m in analysis.mentions if m.entity_id}
    ids |= {place for e in analysis.events for place in [e.place_entity_id] if place}
    ids |= {entity_id for e in analysis.events for entity_id, _ in e.actors}
    return Entity.objects.filter(pk__in=ids).count() != len(ids)


# --- mentions: matched by span and surface text ------------------------------------------

MENTION_FIELDS = ["entity_id", "label", "kind", "sentence_index", "confidence", "origin", "note"]


def store_mentions(article: Article, rows: list[Mention]) -> list[Mention]:
    """Make the article's mentions these `rows`, keeping the id of every mention whose span
    and words are unchanged (updated in place); new ones are inserted, vanished ones deleted.
    Returns the rows, each with its id."""
    old: dict[tuple, list[Mention]] = {}
    for mention in Mention.objects.filter(article=article).order_by("pk"):
        old.setdefault((mention.start, mention.end, mention.text), []).append(mention)
    changed, new = [], []
    for row in rows:
        same = old.get((row.start, row.end, row.text))
        if not same:
            new.append(row)
            continue
        previous = same.pop(0)
        row.pk = previous.pk
        if any(getattr(row, f) != getattr(previous, f) for f in MENTION_FIELDS):
            changed.append(row)
    gone = [m.pk for rest in old.values() for m in rest]
    if gone:
        Mention.objects.filter(pk__in=gone).delete()
    if changed:
        Mention.objects.bulk_update(changed, MENTION_FIELDS)
    if new:
        Mention.objects.bulk_create(new)
    return rows


# --- claims: matched by span, content offsets and content --------------------------------


def _entity_in(span, mentions: list[Mention]) -> int | None:
    """The entity of a mention inside a claim's speaker or source words ("Die „AP“" -> AP)."""
    if span is None:
        return None
    if span.entity_id:
        return span.entity_id
    # A pronoun or descriptor resolved to a name the knowledge base did not know: the entity
    # that name was filed under (a provisional one).
    start, end = span.antecedent or (span.start, span.end)
    inside = [
        m for m in mentions if m.entity_id and start <= m.start and m.end <= end and m.kind != "adjective"
    ]
    # A person or organisation inside the words speaks; a place only as the whole phrase
    # ("Moskau erklärte"), never inside one: "der Verband der Feuerwehren NRW" is not the
    # state, "der niederländische Historiker" not the Netherlands.
    speakers = [m for m in inside if m.label == "PER" or (m.label == "ORG" and not _whose_role(span, m))]
    if speakers:
        return max(speakers, key=lambda m: m.label == "PER").entity_id
    words = ((span.antecedent_text if span.antecedent else "") or span.text).split()
    if words and words[0].casefold() in ARTICLES:
        words = words[1:]
    whole = [m for m in inside if m.end - m.start >= len(" ".join(words))]
    if whole:
        return whole[0].entity_id
    return _named_in_full(span.text, mentions)


def _whose_role(span, mention: Mention) -> bool:
    """Whether the organisation in the speaker's words is whose office it is: a word of
    office before it ("der Fraktionsvorsitzende der Grünen") or joined to it ("der SPD-Chef")."""
    if span.antecedent:
        return False
    offset = max(0, mention.start - span.start)
    before, rest = span.text[:offset].split(), span.text[offset:].split()
    return any(is_role_word(w) for w in before) or (bool(rest) and is_role_compound(rest[0]))


def _named_in_full(words: str, mentions: list[Mention]) -> int | None:
    """A speaker named by one word the article also gives in full ("Lybke" after "Judy Lybke",
    "Liat" after "Liat Atzili", "Xi" after "Xi Jinping"): the entity of that person or
    organisation, when one fits, or when one of several is named most often ("Liat Atzili"
    three times beside one "Liat Beinin Atzilis"). Runs after the filing, so provisional people
    count."""
    if not words[:1].isupper() or " " in words or len(words) < 3:
        return None
    fits = Counter(
        m.entity_id
        for m in mentions
        if m.entity_id
        and m.label in ("PER", "ORG")
        and words in (m.text.split()[0], m.text.split()[-1])
        and " " in m.text
    )
    ranked = fits.most_common(2)
    if len(ranked) == 1 or (len(ranked) == 2 and ranked[0][1] > ranked[1][1]):
        return ranked[0][0]
    return None


# What an analysis decides about a claim; review, tags and lost_at belong to the editors.
CLAIM_FIELDS = [
    "kind", "evidential", "start", "end", "sentence_index", "cue", "cue_lemma",
    "speaker_id", "speaker_text", "speaker_start", "speaker_end", "speaker_via", "mood",
    "source_id", "source_text", "source_start", "source_end",
    "chain", "content_start", "content_end", "content", "confidence", "lost_at",
]  # fmt: skip


def _claim_row(article: Article, data: ClaimData, mentions: list[Mention]) -> Claim:
    speaker, source = data.speaker, data.source
    return Claim(
        article=article, kind=data.kind, evidential=data.evidential, start=data.start, end=data.end,
        sentence_index=data.sentence_index, cue=data.cue[:200], cue_lemma=data.cue_lemma[:100],
        speaker_id=_entity_in(speaker, mentions), speaker_text=speaker.text[:300] if speaker else "",
        speaker_start=speaker.start if speaker else None, speaker_end=speaker.end if speaker else None,
        speaker_via=speaker.via if speaker else "", mood=data.mood,
        source_id=_entity_in(source, mentions), source_text=source.text[:300] if source else "",
        source_start=source.start if source else None, source_end=source.end if source else None,
        chain=[{"text": r.text, "start": r.start, "end": r.end, "entity_id": _entity_in(r, mentions)}
               for r in data.chain],
        content_start=data.content.start, content_end=data.content.end, content=data.content.text,
        confidence=data.confidence,
    )  # fmt: skip


def _match_claims(old: list[Claim], new: list[Claim]) -> list[tuple[Claim, Claim]]:
    """Pair stored claims with fresh detections, most certain first: the same spans and
    words; the same words elsewhere (the text moved), nearest first; the same claim span
    with a refined content span. Each row is paired at most once."""
    passes = [
        lambda c: (c.start, c.end, c.content_start, c.content_end, c.content),
        lambda c: c.content,
        lambda c: (c.start, c.end),
    ]
    pairs: list[tuple[Claim, Claim]] = []
    left_old, left_new = list(old), list(new)
    for key in passes:
        waiting: dict = {}
        for claim in left_old:
            waiting.setdefault(key(claim), []).append(claim)
        unpaired = []
        for fresh in left_new:
            same = waiting.get(key(fresh))
            if not same:
                unpaired.append(fresh)
                continue
            nearest = min(same, key=lambda c: abs(c.content_start - fresh.content_start))
            same.remove(nearest)
            pairs.append((nearest, fresh))
        paired = {id(stored) for stored, _ in pairs}
        left_old = [c for c in left_old if id(c) not in paired]
        left_new = unpaired
    return pairs


def store_claims(article: Article, claims: list[ClaimData], mentions: list[Mention]) -> None:
    """Make the article's claims the detected ones, keeping ids: a stored claim that a fresh
    detection matches (see `_match_claims`) is updated in place and keeps its review and tags;
    a new detection is inserted. A stored claim that nothing matches is deleted, unless an
    editor reviewed or tagged it: then it stays with ``lost_at`` set (shown marked)."""
    fresh = [_claim_row(article, data, mentions) for data in claims if data.content is not None]
    stored = list(Claim.objects.filter(article=article).annotate(tag_count=Count("taggings")).order_by("pk"))
    pairs = _match_claims(stored, fresh)
    changed = []
    for previous, row in pairs:
        row.pk, row.lost_at = previous.pk, None
        if any(getattr(row, f) != getattr(previous, f) for f in CLAIM_FIELDS):
            changed.append(row)
    paired = {previous.pk for previous, _ in pairs}
    now = timezone.now()
    gone = []
    for claim in stored:
        if claim.pk in paired:
            continue
        if _claim_touched(claim):
            moved = _relocate(claim, article.text)
            if claim.lost_at is None or moved:
                claim.lost_at = claim.lost_at or now
                changed.append(claim)
        else:
            gone.append(claim.pk)
    if gone:
        Claim.objects.filter(pk__in=gone).delete()
    if changed:
        Claim.objects.bulk_update(changed, CLAIM_FIELDS)
    matched = {id(row) for _, row in pairs}
    new = [row for row in fresh if id(row) not in matched]
    if new:
        Claim.objects.bulk_create(new)


def _claim_touched(claim: Claim) -> bool:
    return (
        claim.review_status != Claim.Review.UNVERIFIED
        or claim.reviewed_at is not None
        or getattr(claim, "tag_count", 0) > 0
    )


def _relocate(claim: Claim, text: str) -> bool:
    """A kept claim whose words moved (the text changed): shift its offsets to where its
    content now stands, if it still does (once). Returns whether anything moved."""
    if text[claim.content_start : claim.content_end] == claim.content:
        return False
    at = text.find(claim.content)
    if at < 0:
        return False
    shift = at - claim.content_start

    def moved(offset):
        return None if offset is None else max(0, offset + shift)

    claim.start, claim.end = moved(claim.start), moved(claim.end)
    claim.content_start, claim.content_end = at, at + len(claim.content)
    claim.speaker_start, claim.speaker_end = moved(claim.speaker_start), moved(claim.speaker_end)
    claim.source_start, claim.source_end = moved(claim.source_start), moved(claim.source_end)
    claim.chain = [{**r, "start": moved(r.get("start")), "end": moved(r.get("end"))} for r in claim.chain]
    return True


def provisional_name(surface: str) -> str:
    """The name a provisional entity made from this surface form carries."""
    return surface.strip().strip("„“\"'»«").strip()[:300]


def _provisional_key(kind: str, base: str) -> str:
    return f"provisional:{kind}:{base}"[:200]


def find_provisional(surface: str, kind: str) -> Entity | None:
    """The provisional entity an unknown name already has, under any of its forms: "Putins"
    finds the one made from "Putin", "Kim Jong Un" the one made from "Kim Jong Uns" before
    the nominative was seen. Reads only."""
    variants = name_variants(provisional_name(surface))
    keys = [_provisional_key(kind, v) for v in variants]
    if " " in variants[0] or len(variants[0]) >= 4:  # "Jen" is not the nominative of "Jens"
        keys.append(_provisional_key(kind, variants[0] + "s"))
    found = {e.key: e for e in Entity.objects.filter(key__in=keys).select_related("merged_into")}
    for key in keys:
        if key in found:
            entity = found[key]
            return entity.merged_into if entity.merged_into_id else entity
    return None


def provisional_filing(surface: str, kind: str) -> tuple[Entity | None, str]:
    """Where an unknown name would be filed: the existing provisional entity (or None for a
    new one) and the name that entity carries then. Reads only."""
    name = provisional_name(surface)
    existing = find_provisional(name, kind)
    if existing is None:
        return None, name
    if existing.provisional and existing.key == _provisional_key(kind, name_variants(name)[0] + "s"):
        # Filed under a genitive ("Kim Jong Uns") before the name itself was seen: from now
        # on it is called by the name.
        return existing, name
    return existing, existing.name


def provisional_entity(surface: str, kind: str) -> Entity:
    """The provisional entity for an unknown name, shared by every article that uses it and
    by its inflected forms."""
    existing, name = provisional_filing(surface, kind)
    if existing is not None:
        if existing.name != name:
            # Its key stays: other rows and the review history refer to the entity.
            Entity.objects.filter(pk=existing.pk).update(name=name)
            existing.name = name
        return existing
    entity, _ = Entity.objects.get_or_create(
        key=_provisional_key(kind, name_variants(name)[0]),
        defaults={"kind": kind, "name": name, "provisional": True},
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
