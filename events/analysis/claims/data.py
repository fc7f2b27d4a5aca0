"""What a claim is made of (spans, the claim itself) and the context every pass reads."""

from __future__ import annotations

from dataclasses import dataclass, field

from events.analysis.claims.lexicon import QUOTE_CHARS
from events.analysis.linking import MentionData
from events.analysis.sentences import doc_text, token_ranges


@dataclass(frozen=True)
class SpanRef:
    text: str
    start: int
    end: int
    entity_id: int | None = None
    # A pronoun or descriptor ("er", "die Ministerin") resolved to what the article named
    # before: how (pronoun, descriptor, quote, sequence) and that mention's span and words.
    via: str = ""
    antecedent: tuple[int, int] | None = None
    antecedent_text: str = ""


@dataclass(frozen=True)
class ContentSpan:
    start: int
    end: int
    text: str


@dataclass
class ClaimData:
    start: int  # the claim's whole extent: cue, speaker, source and content
    end: int
    kind: str  # direct_quote, indirect_speech, report, hearsay, denial
    cue: str
    cue_lemma: str
    speaker: SpanRef | None  # who said it
    source: SpanRef | None  # who reports it: outlet, agency, unnamed media, a person
    chain: list[SpanRef] = field(default_factory=list)  # outermost first
    content: ContentSpan | None = None
    evidential: str = "asserted"  # asserted, reported, hearsay, denied
    confidence: float = 0.5
    cue_start: int = 0
    cue_end: int = 0
    sentence_index: int = 0
    note: str = ""
    # The words the cue is made of when they are apart ("bin … überzeugt", "hält … für",
    # "aus meiner Sicht" -> aus, Sicht), as character spans; empty when the cue is one piece.
    cue_parts: tuple[tuple[int, int], ...] = ()
    mood: str = ""  # "", "question", "hypothetical"
    # The cue is an active verb whose subject the rules did not find ("Ähnlich äußerte sich
    # …"): the sentence names a speaker of its own, so it does not go on with the last one.
    own_subject: bool = False

    def as_contract(self, kb=None) -> dict:
        """The ``analyze_text`` shape: {start, end, kind, cue, speaker, source, content}."""

        def ref(span: SpanRef | None) -> dict | None:
            if span is None:
                return None
            name = kb.info(span.entity_id).name if kb is not None and span.entity_id else None
            return {"text": span.text, "entity_id": span.entity_id, "name": name}

        content = self.content
        return {
            "start": self.start,
            "end": self.end,
            "kind": self.kind,
            "cue": self.cue,
            "speaker": ref(self.speaker),
            "source": ref(self.source),
            "content": {"start": content.start, "end": content.end, "text": content.text}
            if content
            else None,
        }


@dataclass
class _Ctx:
    """What every pass needs: the doc, its annotations and the mentions by token."""

    doc: object
    text: str
    mentions: list[MentionData]
    kb: object
    has_lemma: bool
    has_morph: bool
    has_pos: bool
    sentences: list[tuple[int, int]]
    mention_at: dict[int, MentionData]  # token index -> mention covering it
    # last word of a linked name -> its entities ("Putin" -> Wladimir Putin), for names the
    # linker left alone; and every person reference seen: (char offset, entity id)
    surnames: dict[str, set[int]] = field(default_factory=dict)
    people: list[tuple[int, int | None]] = field(default_factory=list)
    claimed_cues: set[int] = field(default_factory=set)
    quoted: list[tuple[int, int]] = field(default_factory=list)  # char ranges of quoted speech
    cue_words: dict[int, int] = field(default_factory=dict)  # cue token -> its second word
    # An archive that stripped the quotation marks (10kGNAD): quote sentences show only by
    # their first person ("Ich habe recht bekommen.") after a claim of their speaker.
    unquoted: bool = False
    first_person_sentences: int | None = None  # counted when first needed
    # sentence number -> the speakers (and sources) of its claims, in text order
    spoken: dict[int, list[SpanRef]] = field(default_factory=dict)


def quotes_stripped(text: str) -> bool:
    """Whether the body has no quotation marks at all, as in archives that strip them
    (10kGNAD keeps some in the headline only, so in a long text the first 250 characters do
    not count)."""
    body = text[250:] if len(text) > 600 else text
    return not any(ch in QUOTE_CHARS for ch in body)


def _context(doc, mentions: list[MentionData], kb) -> _Ctx:
    mention_at: dict[int, MentionData] = {}
    for mention in mentions:
        span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
        if span is None:
            continue
        for i in range(span.start, span.end):
            mention_at.setdefault(i, mention)
    surnames: dict[str, set[int]] = {}
    for mention in mentions:
        if mention.entity_id and mention.label in ("PER", "ORG") and mention.kind == "name":
            surnames.setdefault(mention.text.split()[-1], set()).add(mention.entity_id)
    return _Ctx(
        surnames=surnames,
        people=[(m.start, m.entity_id) for m in mentions if m.label == "PER"],
        doc=doc,
        text=doc_text(doc),
        unquoted=quotes_stripped(doc_text(doc)),
        mentions=mentions,
        kb=kb,
        has_lemma=doc.has_annotation("LEMMA"),
        has_morph=doc.has_annotation("MORPH"),
        has_pos=doc.has_annotation("POS"),
        sentences=token_ranges(doc),
        mention_at=mention_at,
    )
