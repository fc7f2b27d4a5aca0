"""Claims: who said what, attributed to whom, as character spans of the German text.

Input is a spaCy ``Doc`` (any pipeline: lemmas, morphology and POS are used when the doc has
them, lexical rules otherwise; the project's pipeline has no dependency parser) and the
mentions of :func:`events.analysis.linking.link_doc` (or unlinked NER mentions with
``entity_id`` None). Passes:

1. direct quotes („…“, "…", »…«, ‚…‘), over the whole text since a quote may span
   sentences: three words or more that stand as speech (after a colon, at a sentence start,
   or followed by ", sagte X" / ", so X"); short quoted names and titles („AP“,
   „Unbesiegbare“) and quoted phrases inside a sentence are not speech;
2. per sentence, speech verbs (a hand list plus the verbs SpkAtt's train split marks as
   cues, separable ones joined: "wies … zurück"), and "sein" with a stance ("ist der
   Überzeugung, dass"): the subject by German word order (before the finite verb, right
   after it, after the conjunction of a verb-final clause, a relative pronoun standing for
   the phrase before it); the content from a dass/ob clause, a colon (or the next sentence
   after a final colon), a comma clause in Konjunktiv, the clause before ", berichtet der
   X", or, for verbs of saying only, the object;
   "hält X für Y" is an opinion; a cue after a comma whose subject ends the sentence reports
   what stands before it ("Wenn …, werde …, sagte X"), a parenthesis (", glaube ich,") the
   whole sentence, a name before an apposition ("X, selbst Flüchtling, sagt") speaks. Cue
   verbs in another sense give nothing: "zitierte den Botschafter ein" (a summons), "zu zehn
   Jahren Haft verurteilt" (a verdict), "zum Sieger erklärt" (a declaration), "Die Zahlen
   zeigen" (no speaker), nor does a cue in a zu-infinitive ("als Erfolg darzustellen");
3. report markers: laut X, X zufolge, nach Angaben/Ansicht/Worten … von X, aus Sicht X,
   nach seinen Worten, nach eigenen Angaben, nach Polizeiangaben, unter Berufung auf X (a
   reporter or an originator added to a claim of the same sentence, else their own claim,
   whose holder is the speaker unless an outlet or agency passes it on);
4. hearsay: soll/sollen (with a perfect infinitive or right after a report), angeblich,
   Berichten zufolge, heißt es;
5. "…, so X." and a sentence "So X." after a quote attribute what stands before them;
   Konjunktiv sentences without a cue continue the claim of the sentence before;
6. nested attributions become one claim with a chain ("Die AP berichtet, Putin habe gesagt"
   -> source AP, speaker Putin, chain [AP, Putin]);
7. a content of three words or fewer stays only as a sentence („Niemals!“), a clause ("er
   sei bereit") or a named object ("kritisierte die Sanktionen"); questions and claims that
   open with a condition get the mood "question" or "hypothetical".

Speakers and sources link to the entity of the mention they contain (persons and
organisations; places only as the whole phrase, "Moskau erklärte"); "er"/"sie" go to the
first person of the closest earlier sentence that names one, at lower confidence. Outlets,
agencies (knowledge-base ``org_type``) and media words ("die nordkoreanischen Medien") are
sources, not speakers.

Split by what each part does: ``lexicon`` (cue words, verb lists), ``grammar`` (clause,
Konjunktiv and span helpers), ``passes`` (the passes above), ``data`` (the dataclasses);
this module is the entry. Pure: no database writes; ``kb`` may be None (then outlets are
recognised by words only).
"""

from __future__ import annotations

import re

from events.analysis.claims.data import ClaimData, ContentSpan, SpanRef, _context
from events.analysis.claims.lexicon import KONJUNKTIV
from events.analysis.claims.passes import (
    _attach_markers,
    _continuation,
    _hearsay,
    _nest,
    _quotes,
    _so_attribution,
    _speech_verbs,
)
from events.analysis.linking import MentionData
from events.analysis.sentences import doc_text

__all__ = ["ClaimData", "ContentSpan", "SpanRef", "extract_claims"]


def extract_claims(doc, mentions: list[MentionData], kb=None, fragments: bool = False) -> list[ClaimData]:
    """Every claim of the doc, in text order. ``mentions`` may be unlinked; ``kb`` may be None.
    ``fragments``: keep claims whose content is a fragment ("das", "worden"), as SpkAtt counts
    them; the product never does (bench/spkatt_eval.py reports both)."""
    ctx = _context(doc, mentions, kb)
    claims: list[ClaimData] = []
    quotes = _quotes(ctx)  # first: a quote may span sentences, and its cue is no other claim's
    for index, (s, e) in enumerate(ctx.sentences):
        a, b = doc[s].idx, doc[e - 1].idx + len(doc[e - 1].text)
        found = [q for q in quotes if a <= q.cue_start < b] + _speech_verbs(ctx, s, e)
        found = _attach_markers(ctx, s, e, found)
        found += _hearsay(ctx, s, e, found, claims)
        if not found:
            found = _so_attribution(ctx, s, e, claims)
        if not found:
            found = _continuation(ctx, s, e, claims)
        for claim in found:
            claim.sentence_index = index
        said_by = [c.speaker or c.source for c in found if c.speaker is not None or c.source is not None]
        if said_by:
            ctx.spoken[index] = said_by
        claims.extend(_nest(found))
    claims.sort(key=lambda c: (c.start, c.cue_start))
    claims = _without_inner_speech(claims)
    _speakers_from_context(claims, doc_text(doc), mentions, ctx.unquoted)
    claims = [c for c in _without_repeated_headlines(claims) if fragments or _says_enough(c)]
    for claim in claims:
        claim.mood = _mood(claim)
    return claims


def _without_inner_speech(claims: list[ClaimData]) -> list[ClaimData]:
    """A cue inside another claim's content with no speaker of its own is part of what was
    said ("Man kann nicht … und dann sagen, man wird sie zurückbekommen, sagte X"), not a
    second claim."""
    return [
        c
        for c in claims
        if c.speaker is not None
        or c.source is not None
        or not any(
            o is not c and o.content is not None and o.content.start <= c.cue_start < o.content.end
            for o in claims
            if o.speaker is not None or o.source is not None
        )
    ]


def _says_enough(claim: ClaimData) -> bool:
    """A content of three words or fewer is kept when it is a complete quote („Niemals!“), a
    clause ("er sei bereit") or names what was spoken of ("kritisierte die Sanktionen"); a
    fragment without a noun ("das nicht", "worden", "und warum jetzt") is no claim."""
    if claim.content is None:
        return False
    text = claim.content.text.strip().strip("„“”\"»«‚‘’'").strip()
    words = WORD.findall(text)
    if len(words) > 3:
        return True
    if text[:1].isupper() and text[-1:] in ".!?…":
        return True  # a sentence of its own: „Niemals!“
    if len(words) > 1 and any(w.casefold() in KONJUNKTIV for w in words):
        return True  # a clause of its own: "er sei bereit"
    if ZU_INFINITIVE.search(text):
        return True  # what was demanded: "sich zu distanzieren", "abzulehnen"
    # a noun names what was spoken of ("kritisierte die Sanktionen", "warnte vor Krieg")
    return any(w[:1].isupper() for w in words[1:]) or (len(words) > 1 and words[0][:1].isupper())


WORD = re.compile(r"\w[\w'-]*")
ZU_INFINITIVE = re.compile(
    r"\bzu (?!(?:den|dem|der|einen|einem|ihren|seinen|unseren)\b)[a-zäöü]+e?n\b|\b[a-zäöü]{2,}zu[a-zäöü]{2,}e?n\b"
)
QUESTION_WORDS = frozenset(
    {"ob", "wie", "warum", "weshalb", "wieso", "wann", "wo", "wer", "was", "welche", "welcher", "welches"}
)
CONDITIONALS = frozenset(
    {"wenn", "falls", "sofern", "sollte", "sollten", "würde", "würden", "hätte", "hätten", "wäre", "wären"}
)


def _mood(claim: ClaimData) -> str:
    """ "question" for a question ("Wie könne man …?", "fragte, ob …"), "hypothetical" for
    what is said under a condition that opens it ("Wenn Russland angreife, werde …",
    "Sollte …"); "" for a statement. A condition inside ("…, wenn eine Leitung ausfällt") is
    part of a statement."""
    content = claim.content.text.strip().strip('„“”"»«') if claim.content else ""
    first = WORD.match(content)
    opener = first.group(0).casefold() if first else ""
    if content.endswith("?") or (claim.cue_lemma == "fragen" and opener in QUESTION_WORDS):
        return "question"
    if opener in CONDITIONALS:
        return "hypothetical"
    return ""


def _words(text: str) -> set[str]:
    return {w.strip(".,;:!?„“\"'»«()").casefold() for w in text.split() if len(w) > 2}


def _without_repeated_headlines(claims: list[ClaimData]) -> list[ClaimData]:
    """A headline or teaser (the first two sentences) that repeats a claim of the body is that
    claim, not a second one: it goes, the body's claim (with its speaker) stays."""
    kept = []
    for claim in claims:
        words = _words(claim.content.text) if claim.content else set()
        repeated = (
            claim.sentence_index <= 1
            and len(words) >= 3
            and any(
                other.sentence_index >= 2
                and other.content is not None
                and len(words & _words(other.content.text)) >= 0.7 * len(words)
                for other in claims
            )
        )
        if not repeated:
            kept.append(claim)
    return kept


FIRST_PERSON = frozenset({"ich", "wir"})


def _speakers_from_context(
    claims: list[ClaimData], text: str, mentions: list[MentionData], unquoted: bool
) -> None:
    """Speakers the sentence does not name: "ich"/"wir" inside a quote are the quote's
    speaker, in an interview's answer the person whose name opens it ("Glawischnig: …"); a quote or Konjunktiv sentence without a speaker of its own goes on with the
    speaker of the claim just before (at most two sentences back)."""
    for claim in claims:
        if claim.speaker is not None and claim.speaker.text.casefold() in FIRST_PERSON:
            outer = next(
                (
                    o
                    for o in claims
                    if o is not claim
                    and o.speaker is not None
                    and o.content is not None
                    and o.content.start <= claim.cue_start < o.content.end
                ),
                None,
            )
            if outer is not None:
                claim.speaker = _inherited(claim.speaker, outer.speaker, "quote")
            elif (answerer := _interview_answerer(text, mentions, claim.cue_start)) is not None:
                claim.speaker = _inherited(claim.speaker, answerer, "interview")
            elif unquoted and (speaker := _last_speaker(claims, claim)) is not None:
                # A text without quotation marks (an archive that stripped them): "Ich glaube,
                # dass …" after "…, so der Verhandler" is his quote going on, not the author.
                claim.speaker = _inherited(claim.speaker, speaker, "sequence")
    previous = None
    for claim in claims:
        if (
            claim.speaker is None
            and claim.source is None
            and not claim.own_subject
            and claim.kind in ("direct_quote", "indirect_speech")
            and previous is not None
            and 0 < claim.sentence_index - previous.sentence_index <= 2
        ):
            claim.speaker = _inherited(None, previous.speaker, "sequence")
            claim.note = claim.note or "continues the speaker of the claim before"
        if claim.speaker is not None:
            previous = claim


def _last_speaker(claims: list[ClaimData], claim: ClaimData) -> SpanRef | None:
    """The speaker of the latest claim before this one (at most two sentences back) that
    names or resolves one, not another "ich"."""
    before = [
        c
        for c in claims
        if c.cue_start < claim.cue_start
        and c.speaker is not None
        and (c.speaker.entity_id is not None or c.speaker.text.casefold() not in FIRST_PERSON)
        and 0 <= claim.sentence_index - c.sentence_index <= 2
    ]
    return before[-1].speaker if before else None


# An interview answer: a paragraph (or sentence) opening with a name and a colon.
ANSWER = re.compile(r"(?:^|\n|[.?!] )([A-ZÄÖÜ][\w\-]+(?: [A-ZÄÖÜ][\w\-]+)?): ")


def _interview_answerer(text: str, mentions: list[MentionData], at: int) -> SpanRef | None:
    """The person whose name and colon open the answer that position `at` stands in, if
    that name is a person the article names: "STANDARD: …? Glawischnig: Ich glaube …"."""
    openers = [m for m in ANSWER.finditer(text, 0, at)]
    if not openers:
        return None
    last = openers[-1]
    start, end = last.span(1)
    person = next((m for m in mentions if m.label == "PER" and start <= m.start and m.end <= end), None)
    if person is None:
        return None
    return SpanRef(person.text, person.start, person.end, person.entity_id)


def _inherited(own: SpanRef | None, speaker: SpanRef, via: str) -> SpanRef:
    """The speaker another claim named, as this claim's: its own words (or none) kept."""
    text, start, end = (own.text, own.start, own.end) if own is not None else ("", 0, 0)
    antecedent = speaker.antecedent or (speaker.start, speaker.end)
    return SpanRef(
        text, start, end, speaker.entity_id, via, antecedent, speaker.antecedent_text or speaker.text
    )
