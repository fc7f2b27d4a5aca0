"""One text through the whole analysis: mentions, claims, detected events and sentences.

Pure: no Django, nothing is written. The caller brings the knowledge base (in the portal
`events.kb.loader.get_kb()`, in tests a small hand-built one) and, if it wants another
pipeline than the committed German one, the spaCy `nlp` object.

    analysis = analyze_text(text, kb, date(2024, 6, 19))
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from events.analysis.claims import ClaimData, extract_claims
from events.analysis.coref import pronoun_mentions
from events.analysis.detection import EventData, detect_events
from events.analysis.kb import KnowledgeBase
from events.analysis.linking import MentionData, file_speakers, link_doc
from events.analysis.sentences import char_spans, token_ranges


def parse(text: str, nlp=None):
    """The spaCy Doc of a text, by the committed German pipeline unless `nlp` is given."""
    if nlp is None:
        from events.nlp.pipeline import get_nlp

        nlp = get_nlp()
    return nlp(text)


@dataclass
class Analysis:
    mentions: list[MentionData]
    claims: list[ClaimData]
    events: list[EventData]
    # [start, end] of each sentence, in the order of Mention.sentence_index.
    sentences: list[list[int]] = field(default_factory=list)


def analyze_doc(doc, kb: KnowledgeBase, day: date | None = None) -> Analysis:
    """Mentions, claims and events of a parsed text, linked to the knowledge base."""
    mentions = link_doc(doc, kb, day)
    claims = extract_claims(doc, mentions, kb)
    file_speakers(mentions, speaker_spans(claims))
    # Events take their actors from pronouns too, resolved as the claims' speakers are.
    sentences = token_ranges(doc)
    references = pronoun_mentions(doc, mentions, kb, sentences)
    with_references = sorted([*mentions, *references], key=lambda m: m.start)
    return Analysis(
        mentions,
        claims,
        detect_events(doc, with_references, kb, day),
        char_spans(doc, sentences),
    )


def speaker_spans(claims: list[ClaimData]) -> list[tuple[int, int]]:
    """The character spans of the claims' speakers and sources, or of what they stand for."""
    spans = []
    for claim in claims:
        for ref in (claim.speaker, claim.source):
            if ref is not None:
                spans.append(ref.antecedent or (ref.start, ref.end))
    return spans


def analyze_text(text: str, kb: KnowledgeBase, day: date | None = None, nlp=None) -> Analysis:
    """Mentions, claims and events of a text, linked to the knowledge base."""
    return analyze_doc(parse(text, nlp), kb, day)


def event_json(event: EventData) -> dict:
    """A detected event as stored for clustering (ArticleAnalysis.detected_events)."""
    start, end, text = event.trigger
    return {
        "type": event.type,
        "title": event.title,
        "date": event.date.isoformat() if event.date else None,
        "date_precision": event.date_precision or "day",
        "place_id": event.place_entity_id,
        "actors": [list(actor) for actor in event.actors],
        "trigger": text,
        "trigger_start": start,
        "trigger_end": end,
        "confidence": event.confidence,
        "main": event.main,
    }
