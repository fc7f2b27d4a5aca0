"""The extraction passes: direct quotes, speech verbs, report markers, hearsay, continuation,
and the nesting of attributions (see the package docstring for what each finds)."""

from __future__ import annotations

from dataclasses import replace

from events.analysis.claims.data import ClaimData, ContentSpan, SpanRef, _Ctx
from events.analysis.claims.grammar import (
    _clause_end,
    _clause_start,
    _content,
    _content_after,
    _deontic,
    _find_subject,
    _finite_for,
    _is_adjective,
    _is_cue,
    _is_finite,
    _is_konjunktiv,
    _is_source_like,
    _low,
    _not_said,
    _np_backward,
    _np_forward,
    _opinion_frame,
    _other_sense,
    _particle,
    _perfect_infinitive,
    _preposed_tail,
    _quote_pairs,
    _role_before,
    _sentence_number,
    _sentence_of,
    _span_ref,
    _stance_word,
    _subject_after,
    _subordinate,
    _verb_final,
    cue_lemma,
)
from events.analysis.claims.lexicon import (
    ADVERBS,
    CLAUSE_ONLY_CUES,
    COGNITION_VERBS,
    CUE_LEMMAS,
    DENIAL_VERBS,
    DETERMINERS,
    EVIDENTIAL,
    FIRST_PERSON_WORDS,
    FOCUS,
    HEARSAY_HEADS,
    HEARSAY_WORDS,
    MANNER_WORDS,
    MARKER_NOUNS,
    MARKER_POSSESSIVES,
    MEDIA_HEADS,
    OPINION_FRAME,
    PASSIVE_AUXILIARIES,
    PRONOUNS,
    QUOTE_CHARS,
    RELATIVE_PREPOSITIONS,
    RELATIVES,
    REPORT_VERBS,
    STRONG_CUES,
    SUBORDINATORS,
    THIRD_PERSON,
)
from events.analysis.coref import (
    ORGANISATION_HEADS,
    PERSON_WORDS,
    gender_of,
    is_role_compound,
    resolve_descriptor,
    resolve_pronoun,
)

# Prepositions of place and occasion: a verb-final cue's middle field starting with one says
# where it was said ("hat in einem Interview gesagt"), not what.
LOCATIVES = frozenset({"in", "im", "am", "an", "auf", "bei", "beim", "während", "nach", "gegenüber"})

# The lemma a marker claim is filed under; noun markers ("nach Ansicht") by their words.
MARKER_LEMMAS = {"laut": "laut", "zufolge": "zufolge", "unter": "unter Berufung auf"}

# Demonstratives that stand for a person like a pronoun: the pronoun they stand in for.
DEMONSTRATIVES = {"der": "er", "die": "sie"}


def _quotes(ctx: _Ctx) -> list[ClaimData]:
    doc, text = ctx.doc, ctx.text
    claims = []
    for open_pos, close_pos in _quote_pairs(text, 0, len(text)):
        inner = text[open_pos + 1 : close_pos].strip()
        if len(inner.split()) < 3:
            continue  # names, titles and catchwords: „AP“, „Unbesiegbare“
        span = doc.char_span(open_pos, close_pos + 1, alignment_mode="expand")
        if span is None:
            continue
        q0, q1 = span.start, span.end
        s, _ = _sentence_of(ctx, q0)
        before = text[doc[s].idx : open_pos].rstrip()
        standalone = not before or before.endswith((":", ",", "–", "—", "-")) or inner[-1:] in ".!?"
        claim = _quote_speaker_after(ctx, q0, q1, s)
        if claim is None and standalone:
            claim = _quote_speaker_before(ctx, close_pos, q0, q1, s, before)
        if claim is not None:
            claim.content = ContentSpan(open_pos + 1, close_pos, text[open_pos + 1 : close_pos])
            ctx.quoted.append((open_pos, close_pos))
            claims.append(claim)
    return claims


def _quote_speaker_after(ctx: _Ctx, q0: int, q1: int, s: int) -> ClaimData | None:
    """The speaker after the quote: „…“, sagte X / „…“, so X (a splitter may start a sentence
    at the comma). Tried first, since a cue right after the quote is the surest attribution."""
    doc = ctx.doc
    k = q1
    if k < len(doc) and doc[k].text == ",":
        k += 1
    if k < len(doc) and (_is_cue(ctx, k) or _low(doc[k]) == "so"):
        e = _sentence_of(ctx, k)[1]
        subject = _subject_after(ctx, k, e, s)
        if subject or _is_cue(ctx, k):
            return _make(ctx, "direct_quote", k, subject, (q0, q1), 0.9 if subject else 0.6)
    return None


def _quote_speaker_before(
    ctx: _Ctx, close_pos: int, q0: int, q1: int, s: int, before: str
) -> ClaimData | None:
    """The speaker before a standalone quote: X sagte: „…“ / Putin: „…“, or nobody named when
    the quote is a sentence of its own."""
    doc, text = ctx.doc, ctx.text
    cue = next((i for i in range(q0 - 1, s - 1, -1) if _is_cue(ctx, i) and i not in ctx.claimed_cues), None)
    after = text[close_pos + 1 : doc[_sentence_of(ctx, q1 - 1)[1] - 1].idx + 1].strip()
    if cue is not None:
        subject = _find_subject(ctx, cue, s, q0)
        return _make(ctx, "direct_quote", cue, subject, (q0, q1), 0.85 if subject else 0.5)
    if before.endswith(":"):
        colon = q0 - 1
        while colon > s and doc[colon].text != ":":
            colon -= 1
        subject = _np_backward(ctx, colon, s)
        if subject is not None and not _speaker_like(ctx, subject, places=True):
            # "Seine Schlussfolgerung: „…“": not a speaker, but "seine" says whose it is
            owner = _low(doc[subject[0]])
            pronoun = "er" if owner.startswith("sein") else "sie" if owner.startswith("ihr") else None
            if pronoun is None:
                return _make(ctx, "direct_quote", colon, None, (q0, q1), 0.4)
            ref, confidence = _resolve_pronoun(
                ctx, subject[0], _span_ref(ctx, *subject), 0.75, as_pronoun=pronoun
            )
            claim = _make(ctx, "direct_quote", colon, None, (q0, q1), confidence)
            if claim is not None and (ref.entity_id is not None or ref.via):
                claim.speaker = ref
            return claim
        return _make(ctx, "direct_quote", colon, subject, (q0, q1), 0.75 if subject else 0.4)
    if not before and not after.strip(".!? "):
        return _make(ctx, "direct_quote", q0, None, (q0, q1), 0.3)  # who said it: unknown
    return None


def _speech_verbs(ctx: _Ctx, s: int, e: int) -> list[ClaimData]:
    doc = ctx.doc
    claims = []
    last_subject: tuple[int, int] | None = None
    for i in range(s, e):
        if i in ctx.claimed_cues or any(a < doc[i].idx < b for a, b in ctx.quoted):
            continue  # a verb inside a quote belongs to the quoted words
        cue = _speech_cue(ctx, i, s, e)
        if cue is None:
            continue
        lemma, particle = cue
        if _other_sense(ctx, lemma, i, s, e) or _zu_infinitive(ctx, i, lemma):
            continue
        subject, content_range, confidence, wie = _attribution(ctx, i, s, e, lemma, particle)
        if content_range is None or content_range[1] <= content_range[0]:
            continue
        if subject is None and _low(doc[i - 1]) in ("und", "oder", ","):
            # "Sie sprechen von Terror und sagen, dass …": one subject for both verbs
            subject = last_subject or _coordinated_subject(ctx, i, s)
        if _no_speech(ctx, lemma, i, s, e, subject, content_range):
            continue
        last_subject = subject
        kind = "denial" if lemma in DENIAL_VERBS else "indirect_speech"
        claim = _make(ctx, kind, i, subject, content_range, confidence, lemma=lemma, wie=wie)
        if claim is not None:
            claims.append(claim)
    return claims


def _no_speech(
    ctx: _Ctx, lemma: str, i: int, s: int, e: int, subject: tuple[int, int] | None, content: tuple[int, int]
) -> bool:
    """Whether a cue with its subject and content found is still no claim."""
    if lemma == "zeigen" and not _speaker_like(ctx, subject):
        return True  # "Die Zahlen zeigen, dass …" is evidence, not speech
    if lemma == "drohen" and not _speaker_like(ctx, subject, places=True):
        return True  # "dem Konzern droht ein Bußgeld": a risk, not a threat someone made
    if subject is None and not _has_clause(ctx, *content) and not _passive_going_on(ctx, i, s):
        return True  # nobody and no statement: "… wurden gewarnt", "sich informieren"
    if _polite_imperative(ctx, i, s, e) or _manner_of_speaking(ctx, i):
        return True  # "Fragen Sie mich nicht, …"; "Vereinfacht gesagt, …" is the writer's manner
    if subject is not None and subject[1] - subject[0] == 1 and _low(ctx.doc[subject[0]]) == "man":
        return True  # "Man kann nicht sagen, dass …", "findet man": nobody in particular
    # "wird erwartet" (awaited), "wurde gefragt": a view of nobody named
    return lemma in COGNITION_VERBS | CLAUSE_ONLY_CUES and _generic(ctx, subject, i)


def _zu_infinitive(ctx: _Ctx, i: int, lemma: str) -> bool:
    """ "darzustellen", "zu sagen": a cue inside another clause ("versucht, das Projekt als
    Erfolg darzustellen"), whose speaker and content belong to that clause, not a claim."""
    doc = ctx.doc
    low = _low(doc[i])
    return (
        (low != lemma and low.replace("zu", "", 1) == lemma)
        or (low == lemma and i > 0 and _low(doc[i - 1]) == "zu")
        # "um darüber berichten zu können": the cue hangs on a modal's zu-infinitive
        or (
            low == lemma
            and i + 2 < len(doc)
            and _low(doc[i + 1]) == "zu"
            and doc[i + 2].pos_ in ("VERB", "AUX")
        )
    )


def _speech_cue(ctx: _Ctx, i: int, s: int, e: int) -> tuple[str, int | None] | None:
    """Lemma and separable particle of the speech cue at i, or None when i is no cue.
    A stance ("ist überzeugt, dass …") counts as the cue "sein" with no particle."""
    stance = _stance_word(ctx, i, e)
    if stance is not None:
        ctx.claimed_cues.add(stance)  # "ist überzeugt, dass …": one claim, not a second at "überzeugt"
        ctx.cue_words[i] = stance
        return "sein", None
    frame = _opinion_frame(ctx, i, s, e)
    if frame is not None:
        ctx.cue_words[i] = frame
        return OPINION_FRAME, None
    if _is_cue(ctx, i):
        lemma, particle = _particle(ctx, i, e, cue_lemma(ctx.doc[i], ctx.has_lemma))
        return (lemma, particle) if lemma in CUE_LEMMAS else None
    return None


def _attribution(
    ctx: _Ctx, i: int, s: int, e: int, lemma: str, particle: int | None
) -> tuple[tuple[int, int] | None, tuple[int, int] | None, float, bool]:
    """Subject, content range, confidence and the wie flag for the cue at i in sentence s..e.
    Where the cue stands in its clause decides where its speaker and its content are."""
    doc = ctx.doc
    clause_start = _clause_start(ctx, i, s)
    finite = _finite_for(ctx, i, clause_start)
    clause_end = particle if particle is not None else e
    wie = _low(doc[clause_start]) == "wie" and clause_start > s
    preposed = (
        finite == i
        and clause_start > s
        and doc[clause_start - 1].text == ","
        and clause_start == i
        and _low(doc[s]) not in SUBORDINATORS  # "Statt … zu bekennen, fordern sie …"
    ) or (finite == i and clause_start == i and _preposed_tail(ctx, i, s, e))
    if preposed and ctx.has_pos and not any(doc[k].pos_ in ("VERB", "AUX") for k in range(s, i)):
        preposed = False  # nothing was said before the cue: an apposition ("X, Name, begrüßte")
    if preposed and doc[i - 1].text == "," and _subject_after(ctx, i, e, s) is None:
        preposed = False  # "bekennt er sich zu Europa, warnt aber vor …": one subject, two verbs
    if wie or (_low(doc[clause_start]) == "wie" and clause_start == s):
        # "…, wie die AP berichtet" / "Wie Frau Weisgerber erwähnt hat, ist …" / "Wie der
        # Direktor des Großhandels, Pascal Clément, erklärte, …" (the name in the apposition)
        subject = _named_between(ctx, clause_start + 1, i) or _find_subject(ctx, i, s, e)
        end = _clause_end(ctx, i, e)
        return subject, ((s, clause_start) if clause_start > s else (end, e)), 0.8, wie
    if (
        clause_start == i > s
        and _low(doc[s]) == "wie"
        and not any(_is_finite(ctx, k) for k in range(s + 1, i))
    ):
        # "Wie der Direktor des Großhandels, Pascal Clément, erklärte, habe …": the commas of
        # the apposition cut the wie-clause, whose content follows it
        subject = _named_between(ctx, s + 1, i)
        if subject is None and (end := _np_forward(ctx, s + 1, i, s)) is not None:
            subject = (s + 1, end)
        return subject, (_clause_end(ctx, i, e), e), 0.8, wie
    parenthesis = _parenthesis(ctx, i, s, e)
    if parenthesis is not None:
        # "Das ist, glaube ich, eine gute Nachricht": the whole sentence is what is believed
        return parenthesis, (s, e), 0.7, wie
    apposition = _apposition_subject(ctx, i, s)
    if apposition is not None:
        # "Innocent Kamansi, selbst Flüchtling, sagt, …": the name before the apposition
        content_range, confidence = _content_after(ctx, lemma, i + 1, e, e if particle is None else particle)
        return apposition, content_range, confidence, wie
    if preposed:
        # "Beide Länder wollen …, berichtet der „Telegraph“."
        subject = _subject_after(ctx, i, e, s)
        if subject is not None and subject[1] + 1 < e and doc[subject[1]].text == ":":
            return subject, (subject[1] + 1, e), 0.85, wie  # "Auf die Frage, ob …, sagte Kurz: …"
        return subject, (s, clause_start - 1), 0.8, wie
    if _verb_final(ctx, clause_start, i, e):
        subject, content_range, confidence = _verb_final_attribution(ctx, lemma, clause_start, i, s, e)
    else:
        subject, content_range, confidence = _main_clause_attribution(ctx, lemma, finite, i, s, e, clause_end)
    return subject, content_range, confidence, wie


def _apposition_subject(ctx: _Ctx, i: int, s: int) -> tuple[int, int] | None:
    """The subject of "Name, apposition, cue": a phrase opening the sentence (after "auch",
    "selbst"), a comma, at most six words without a verb or a relative clause ("Der
    Städtetag, der zur Anhörung geladen ist, befürwortet"), a comma right before the cue."""
    doc = ctx.doc
    while s < i and _low(doc[s]) in FOCUS:
        s += 1
    if i - s < 4 or doc[i - 1].text != ",":
        return None
    comma = next((k for k in range(s + 1, i - 1) if doc[k].text == ","), None)
    if comma is None:
        return None
    end = _np_forward(ctx, s, comma, s)
    if end is not None and end < comma and _low(doc[end]) in ("in", "aus", "von", "bei", "für"):
        end = _np_forward(ctx, end + 1, comma, s)  # "Der Hohe Repräsentant in Bosnien-Herzegowina"
    if (
        end is not None
        and end < comma
        and all(
            doc[k].text[:1].isupper() or doc[k].text in ("und", "(", ")", "&") or k in ctx.mention_at
            for k in range(end, comma)
        )
    ):
        # a name with "und" or an abbreviation in brackets ends the phrase: "Der Präsident des
        # Deutschen Fußballbundes (DFB), …", "Der Vorsitzende der Partei Recht und Gerechtigkeit (PiS), …"
        end = comma
    if end != comma:
        return None
    middle = range(comma + 1, i - 1)
    if any(doc[k].text in (",", ":", ";") for k in middle):
        return None
    relative = _low(doc[comma + 1]) in RELATIVES or (
        _low(doc[comma + 1]) in RELATIVE_PREPOSITIONS and _low(doc[comma + 2]) in RELATIVES
    )
    if relative:
        if i - 1 - comma > 16 or not _is_finite(ctx, i - 2):
            return None  # a relative clause ends in its finite verb
    elif i - 1 - comma > 7 or any(_is_finite(ctx, k) for k in middle):
        return None
    opener_names = any(
        (m := ctx.mention_at.get(k)) is not None and m.label == "PER" for k in range(s, comma)
    )  # an organisation there is whose role it is: "Der Präsident des DFB, Reinhard Grindel"
    if not relative and not opener_names and _person_named(ctx, comma + 1, i - 1):
        return (comma + 1, i - 1)  # "Der frühere Repräsentant, Wolfgang Petritsch, begrüßte": the name
    return (s, comma) if _speaker_like(ctx, _up_to_role(ctx, (s, comma))) else None


def _named_between(ctx: _Ctx, a: int, b: int) -> tuple[int, int] | None:
    """A person's name set off by commas between a and b: "der Direktor …, Pascal Clément, "."""
    for k in range(a, b - 1):
        if ctx.doc[k].text != ",":
            continue
        close = next((j for j in range(k + 1, b) if ctx.doc[j].text == ","), None)
        if close is not None and close > k + 1 and _person_named(ctx, k + 1, close):
            return (k + 1, close)
    return None


def _person_named(ctx: _Ctx, a: int, b: int) -> bool:
    """Whether doc[a:b] is a person's name (the NER's), bar a title or two before it."""
    mention = ctx.mention_at.get(b - 1)
    return mention is not None and mention.label == "PER" and b - a <= 5


def _coordinated_subject(ctx: _Ctx, i: int, s: int) -> tuple[int, int] | None:
    """The subject of the verb a cue after "und" is coordinated with: "Der Städtetag, der …,
    befürwortet die Änderung und verweist darauf, dass …" (the nearest finite verb before)."""
    verb = next((k for k in range(i - 2, s - 1, -1) if _is_finite(ctx, k)), None)
    if verb is None:
        return None
    subject = _apposition_subject(ctx, verb, s) or _find_subject(ctx, verb, s, i - 1)
    return subject if _speaker_like(ctx, subject) else None


def _parenthesis(ctx: _Ctx, i: int, s: int, e: int) -> tuple[int, int] | None:
    """The subject of a cue in a parenthesis ", glaube ich," / ", so fürchte ich,": the cue
    after a comma (and "so"), its subject, then a comma again; None otherwise."""
    doc = ctx.doc
    k = i - 1 - (_low(doc[i - 1]) == "so" if i > s else 0)
    if k <= s or doc[k].text != ",":
        return None
    subject = _subject_after(ctx, i, e, s)
    if subject is None or subject[1] >= e - 1 or doc[subject[1]].text != ",":
        return None
    if ctx.has_pos and not any(doc[j].pos_ in ("VERB", "AUX") for j in range(s, k)):
        return None  # "X, Name, begrüßte die Initiative, …": an apposition, then the verb
    return subject


def _so_attribution(ctx: _Ctx, s: int, e: int, earlier: list[ClaimData]) -> list[ClaimData]:
    """ "Die Lage sei ernst, so Putin." and a sentence "So Merz am Montag." after a quote: "so"
    with a name and nothing but adverbials after it attributes what stands before it."""
    doc = ctx.doc
    for k in range(s, e):
        if _low(doc[k]) != "so" or k in ctx.claimed_cues or not (k == s or doc[k - 1].text == ","):
            continue
        end = _np_forward(ctx, k + 1, e, s)
        if end is None or not (_names_inside(ctx, k + 1, end) or _low(doc[k + 1]) in DETERMINERS):
            continue
        if any(
            doc[j].text in (",", ":", ";") or (ctx.has_pos and doc[j].pos_ in ("VERB", "AUX"))
            for j in range(end, e)
        ):
            continue  # "so Putin, der …", "So sagte Merz …": another construction
        if k > s:
            claim = _make(ctx, "indirect_speech", k, (k + 1, end), (s, k), 0.8)
            return [claim] if claim is not None else []
        previous = [c for c in earlier if c.sentence_index == _sentence_number(ctx, s) - 1]
        if previous and previous[-1].speaker is None and previous[-1].source is None:
            # the quote before it had no speaker: "„…“ So Merz." names it
            previous[-1].speaker = _span_ref(ctx, k + 1, end)
            ctx.claimed_cues.add(k)
            return []
        before = _previous_sentence(ctx, s)
        if before is not None:
            claim = _make(ctx, "indirect_speech", k, (k + 1, end), before, 0.7)
            return [claim] if claim is not None else []
    return []


def _previous_sentence(ctx: _Ctx, s: int) -> tuple[int, int] | None:
    return next(((a, b) for a, b in reversed(ctx.sentences) if b <= s), None)


def _verb_final_attribution(
    ctx: _Ctx, lemma: str, clause_start: int, i: int, s: int, e: int
) -> tuple[tuple[int, int] | None, tuple[int, int] | None, float]:
    """A cue at the end of a subordinate clause: "…, der den Abzug der Truppen fordert" /
    "wenn wir von Lösungen sprechen" / "auch wenn wir wissen, dass …"."""
    subject, middle = _subordinate(ctx, clause_start, i, s)
    participle = _low(ctx.doc[i]) != lemma  # "sagen werden" is a future, "gesagt werden" passive
    if participle and i + 1 < e and _low(ctx.doc[i + 1]) in PASSIVE_AUXILIARIES:
        subject = None  # "die Sektoren, die genannt worden sind": the relative is what was said
    content_range, confidence = _content_after(ctx, lemma, i + 1, e, e, clause_only=True)
    if (
        content_range is None
        and lemma in STRONG_CUES
        and middle[0] < middle[1]
        and not _not_said(ctx, lemma, *middle)
    ):
        content_range, confidence = middle, 0.6
    return subject, content_range, confidence


def _main_clause_attribution(
    ctx: _Ctx, lemma: str, finite: int, i: int, s: int, e: int, clause_end: int
) -> tuple[tuple[int, int] | None, tuple[int, int] | None, float]:
    """A cue in a main clause: content right of it (after an inverted subject), else, for a
    verb-final cue, what stands between the finite verb and the cue."""
    doc = ctx.doc
    subject = _find_subject(ctx, i, s, e)
    after = max(i + 1, subject[1] if subject and subject[0] > i else i + 1)
    content_range, confidence = _content_after(ctx, lemma, after, e, clause_end)
    if content_range is None and subject is not None and _low(doc[finite]) in PASSIVE_AUXILIARIES:
        # "wird lückenlose Transparenz zugesichert": the passive's subject is what was said
        participle = _low(doc[i]) != cue_lemma(doc[i], ctx.has_lemma)
        if participle and finite < subject[0] < i:
            return None, subject, 0.5
    if content_range is None and finite != i and lemma in STRONG_CUES:
        # verb-final cue: what was said stands between finite verb and cue
        # ("hat von einer Schicksalsfrage gesprochen", "hat die Sanktionen kritisiert")
        m = subject[1] if subject and subject[0] > finite else finite + 1
        while m < i and _low(doc[m]) in ADVERBS:
            m += 1
        content_range, confidence = ((m, i), 0.5) if m < i else (None, 0.0)
        if m < i and (_low(doc[m]) in LOCATIVES or _not_said(ctx, lemma, m, i)):
            content_range, confidence = None, 0.0  # "hat in einem Interview gesagt": where, not what
    return subject, content_range, confidence


def _speaker_like(ctx: _Ctx, subject: tuple[int, int] | None, places: bool = False) -> bool:
    """Whether a subject can speak: a person or organisation named, a personal pronoun, or a
    word for a person or body ("die Ministerin", "das Ministerium"); with ``places``, also a
    country or capital standing for its government ("Moskau droht mit Vergeltung")."""
    if subject is None:
        return False
    if subject[1] - subject[0] == 1 and _low(ctx.doc[subject[0]]) in PRONOUNS:
        return True
    head = _low(ctx.doc[subject[1] - 1]).removesuffix("s")  # genitive: "des Ministers"
    if head.endswith(PERSON_WORDS) or any(head.endswith(word) for word in ORGANISATION_HEADS):
        return True
    labels = ("PER", "ORG", "LOC", "GPE") if places else ("PER", "ORG")
    return any((m := ctx.mention_at.get(k)) is not None and m.label in labels for k in range(*subject))


def _passive_going_on(ctx: _Ctx, i: int, s: int) -> bool:
    """ "…, sagte Lockl. Was die Spenden betrifft, wird lückenlose Transparenz zugesichert.": a
    passive cue right after someone's claim is that speaker's statement going on."""
    token = ctx.doc[i]
    # "gesagt", "zugesichert", "angekündigt": the "ge" after a particle
    participle = "Part" in token.morph.get("VerbForm") or (
        _low(token) != cue_lemma(token, ctx.has_lemma) and "ge" in _low(token)[:6]
    )
    # a main clause: "wird … zugesichert." with the auxiliary before, not "dass … genannt werden soll"
    main = i + 1 >= len(ctx.doc) or ctx.doc[i + 1].is_punct
    auxiliary = any(_low(ctx.doc[k]) in PASSIVE_AUXILIARIES for k in range(s, i))
    return participle and main and auxiliary and (_sentence_number(ctx, s) - 1) in ctx.spoken


def _manner_of_speaking(ctx: _Ctx, i: int) -> bool:
    """ "Vereinfacht gesagt, …", "ehrlich gesagt", "vorsichtig ausgedrückt": a participle after a
    manner word, the writer's own way of putting it, not a report of speech."""
    doc = ctx.doc
    return i > 0 and _low(doc[i - 1]) in MANNER_WORDS and _low(doc[i]) != cue_lemma(doc[i], ctx.has_lemma)


def _generic(ctx: _Ctx, subject: tuple[int, int] | None, i: int) -> bool:
    """A cognition verb in the passive without its holder ("wird erwartet", "wurde gefragt"):
    a view of nobody in particular."""
    doc = ctx.doc
    if subject is not None:
        return False
    participle = ctx.has_pos and "Part" in doc[i].morph.get("VerbForm")
    return participle or (i > 0 and _low(doc[i - 1]) in ("wird", "wurde", "werden", "wurden"))


def _has_clause(ctx: _Ctx, a: int, b: int) -> bool:
    """Whether doc[a:b] states something: a verb of its own or a zu-infinitive, not only an
    object ("die Abschaffung der Demokratie", "ob ihr Gerät geeignet ist" has one)."""
    doc = ctx.doc
    if not doc.has_annotation("POS"):
        return True  # without a tagger nothing tells an object from a clause
    return any(doc[k].pos_ in ("VERB", "AUX") for k in range(a, b))


def _polite_imperative(ctx: _Ctx, i: int, s: int, e: int) -> bool:
    """ "Fragen Sie mich nicht", "Glauben Sie mir": a verb opening its sentence before the
    polite "Sie", in a sentence that asks nothing; the speaker addresses the reader."""
    doc = ctx.doc
    first = s + (doc[s].text in QUOTE_CHARS)
    return i == first and i + 1 < e and doc[i + 1].text == "Sie" and doc[e - 1].text != "?"


def _make(
    ctx: _Ctx,
    kind: str,
    cue: int,
    subject: tuple[int, int] | None,
    content_range: tuple[int, int],
    confidence: float,
    lemma: str | None = None,
    wie: bool = False,
) -> ClaimData | None:
    doc = ctx.doc
    content = _content(ctx, *content_range)
    if content is None:
        return None
    ref = None
    if subject is not None:
        ref = _span_ref(ctx, *subject)
        pronoun = doc[subject[0]]
        # "er", "sie"; a capitalised "Sie" inside a sentence is the polite "you"
        third = _low(pronoun) in THIRD_PERSON and (pronoun.text != "Sie" or pronoun.is_sent_start)
        if subject[1] - subject[0] == 1 and third:
            ref, confidence = _resolve_pronoun(ctx, subject[0], ref, confidence)
        elif subject[1] - subject[0] == 1 and _low(doc[subject[0]]) in RELATIVES and subject[0] > 1:
            # "Peskow, der die Vorwürfe zurückwies": the pronoun stands for the phrase before
            antecedent = _np_backward(ctx, subject[0] - 1, _sentence_of(ctx, subject[0])[0])
            if antecedent is not None:
                # a descriptor there resolves like one in a subject ("die Ministerin, die …");
                # unresolved, the phrase is the speaker's words, not the bare "die"
                found = _span_ref(ctx, *antecedent)
                if found.entity_id is None and not _names_inside(ctx, *antecedent):
                    found, confidence = _resolve_descriptor(ctx, antecedent, found, confidence)
                ref = (
                    found
                    if found.entity_id is None
                    else replace(found, text=ref.text, start=ref.start, end=ref.end)
                )
                subject = antecedent
            elif _low(doc[subject[0]]) in DEMONSTRATIVES and _verb_follows(doc, subject[0]):
                # "Der sagte …", "Die betonte …": a demonstrative, like "er" / "sie"
                ref, confidence = _resolve_pronoun(ctx, subject[0], ref, confidence)
        elif subject[1] - subject[0] > 1 and ref.entity_id is None and not _person_inside(ctx, *subject):
            ref, confidence = _resolve_descriptor(ctx, _up_to_role(ctx, subject), ref, confidence)
    lemma = lemma or (cue_lemma(doc[cue], ctx.has_lemma) if doc[cue].text.isalpha() else doc[cue].text)
    speaker, source = ref, None
    if ref is not None and (_is_source_like(ctx, subject, ref.entity_id) or lemma in REPORT_VERBS or wie):
        speaker, source = None, ref
        if kind == "indirect_speech":
            kind = "report"
    elif kind == "indirect_speech" and lemma in REPORT_VERBS:
        kind = "report"
    ctx.claimed_cues.add(cue)
    claim = _claim(ctx, kind, cue, lemma, speaker, source, content, confidence)
    token = doc[cue]
    claim.own_subject = (
        subject is None
        and token.pos_ == "VERB"
        and "Part" not in token.morph.get("VerbForm")
        and "Sub" not in token.morph.get("Mood")
    )
    return claim


def _claim(ctx, kind, cue, lemma, speaker, source, content, confidence, note="") -> ClaimData:
    token = ctx.doc[cue]
    edges = [token.idx, token.idx + len(token.text), content.start, content.end]
    for ref in (speaker, source):
        if ref is not None and ref.end > 0:
            edges += [ref.start, ref.end]
    chain = [r for r in (source, speaker) if r is not None]
    second = ctx.cue_words.get(cue)
    parts = (
        ()
        if second is None
        else tuple(sorted((t.idx, t.idx + len(t.text)) for t in (token, ctx.doc[second])))
    )
    return ClaimData(
        cue_parts=parts,
        start=min(edges),
        end=max(edges),
        kind=kind,
        cue=token.text,
        cue_lemma=lemma,
        speaker=speaker,
        source=source,
        chain=chain,
        content=content,
        evidential=EVIDENTIAL[kind] if not (source and speaker) else "reported",
        confidence=round(confidence, 2),
        cue_start=token.idx,
        cue_end=token.idx + len(token.text),
        note=note,
    )


def _resolve_pronoun(
    ctx: _Ctx, i: int, ref: SpanRef, confidence: float, as_pronoun: str | None = None
) -> tuple[SpanRef, float]:
    """er/sie -> the person (or organisation) the article named before, by gender and
    salience (events.analysis.coref). A heuristic, so the claim's confidence drops.
    ``as_pronoun``: the pronoun a demonstrative or possessive at i stands for."""
    stands_for = as_pronoun or DEMONSTRATIVES.get(_low(ctx.doc[i]))
    word = stands_for or _low(ctx.doc[i])
    found = _speaker_before(ctx, i, word)
    if found is not None:
        return found, confidence - 0.15
    found = resolve_pronoun(ctx.doc, ctx.mentions, ctx.kb, ctx.sentences, i, stands_for)
    if found is None:
        speaker = _unnamed_speaker_before(ctx, i, word)
        if speaker is not None:
            # "…, sagte ein Behördensprecher. Er kündigte … an": the unnamed speaker goes on;
            # like an unresolved relative pronoun, the words that name them are the speaker's
            return replace(speaker, via="pronoun", antecedent=(speaker.start, speaker.end)), confidence - 0.2
        return ref, confidence - 0.3
    return _resolved(ref, found), confidence - 0.15


def _speaker_before(ctx: _Ctx, i: int, pronoun: str) -> SpanRef | None:
    """ "…, meint auch Claudio Couto, Politologe … . Mit Lula … wird der Prozess beschleunigt,
    sagt er.": "er" goes on with the named speaker of the sentence before when the gender
    fits, before any other person of the sentence (the issue: prefer the speakers)."""
    if pronoun not in ("er", "sie"):
        return None
    doc = ctx.doc
    if pronoun == "sie" and any(
        0 <= k < len(doc) and doc[k].pos_ in ("VERB", "AUX") and _low(doc[k]).endswith("en")
        for k in (i - 1, i + 1)
    ):
        return None  # "sagten sie": a plural
    speakers = ctx.spoken.get(_sentence_number(ctx, _sentence_of(ctx, i)[0]) - 1, [])
    wanted = "m" if pronoun == "er" else "f"
    for speaker in reversed(speakers):
        mention = next(
            (
                m
                for m in ctx.mentions
                if m.entity_id and m.entity_id == speaker.entity_id and m.label == "PER"
            ),
            None,
        )
        if mention is not None and gender_of(mention, doc) == wanted:
            return SpanRef(doc[i].text, doc[i].idx, doc[i].idx + len(doc[i].text), speaker.entity_id, "pronoun",
                           (mention.start, mention.end), mention.text)  # fmt: skip
    return None


MASCULINE_ARTICLES = frozenset({"der", "ein", "dieser", "jener"})
FEMININE_ARTICLES = frozenset({"die", "eine", "diese", "jene"})


def _unnamed_speaker_before(ctx: _Ctx, i: int, pronoun: str) -> SpanRef | None:
    """The speaker of the sentence before when the article did not name them but called them
    by a role of the pronoun's gender ("ein Behördensprecher" for "er", "die Sprecherin" for
    "sie"): the issue's "prefer the speakers of the previous sentences"."""
    speakers = ctx.spoken.get(_sentence_number(ctx, _sentence_of(ctx, i)[0]) - 1, [])
    if not speakers or pronoun not in ("er", "sie"):
        return None
    last = speakers[-1]
    words = last.text.split()
    if (
        last.entity_id is not None
        or len(words) < 2
        or not words[-1].casefold().endswith(PERSON_WORDS + ("mann", "frau"))
    ):
        return None
    articles = MASCULINE_ARTICLES if pronoun == "er" else FEMININE_ARTICLES
    return last if words[0].casefold() in articles else None


def _resolve_descriptor(ctx: _Ctx, subject: tuple[int, int], ref: SpanRef, confidence: float):
    """ "die Ministerin", "das Ministerium" -> whom the article introduced with that word."""
    found = resolve_descriptor(ctx.doc, ctx.mentions, ctx.kb, ctx.sentences, *subject)
    if found is None:
        return ref, confidence
    return _resolved(ref, found), confidence - 0.1


def _resolved(ref: SpanRef, found) -> SpanRef:
    return SpanRef(
        ref.text, ref.start, ref.end, found.entity_id, found.via, (found.start, found.end), found.text
    )


def _verb_follows(doc, i: int) -> bool:
    """ "Der sagte": a demonstrative stands alone before its verb (not "der Öffentlichkeit")."""
    return i + 1 < len(doc) and doc[i + 1].pos_ in ("VERB", "AUX")


def _person_inside(ctx: _Ctx, a: int, b: int) -> bool:
    """Whether a person's name stands in tokens a..b, or a name that is not whose role it is
    ("der Fraktionsvorsitzende der Grünen" holds the party, but names no one)."""
    for i in range(a, b):
        mention = ctx.mention_at.get(i)
        if mention is None or mention.kind == "adjective":
            continue
        if mention.label == "PER" or not (_role_before(ctx, a, i) or is_role_compound(ctx.doc[i].text)):
            return True
    return False


def _up_to_role(ctx: _Ctx, subject: tuple[int, int]) -> tuple[int, int]:
    """The phrase up to its word of office: "der Fraktionsvorsitzende [der Grünen]"."""
    a, b = subject
    for k in range(a + 1, b):
        if _low(ctx.doc[k]).endswith(PERSON_WORDS) and k + 1 < b and _low(ctx.doc[k + 1]) in DETERMINERS:
            return (a, k + 1)
    return subject


def _names_inside(ctx: _Ctx, a: int, b: int) -> bool:
    """Whether a name (not an adjective) stands in tokens a..b."""
    return any(
        ctx.mention_at.get(i) is not None and ctx.mention_at[i].kind != "adjective" for i in range(a, b)
    )


def _markers(ctx: _Ctx, s: int, e: int) -> list[tuple[int, int, tuple[int, int], bool]]:
    """(cue token, cue end, source NP, hearsay?) for laut X / X zufolge / nach Angaben X / unter Berufung auf X."""
    doc = ctx.doc
    found = []
    for i in range(s, e):
        low = _low(doc[i])
        if low == "laut" and i + 1 < e:
            end = _np_forward(ctx, i + 1, e, s)
            if end:
                found.append((i, i + 1, (i + 1, end), False))
        elif low == "zufolge" and i > s:
            np = _np_backward(ctx, i, s)
            if np:
                head = _low(doc[np[1] - 1])
                bare = np[1] - np[0] == 1 and head in HEARSAY_HEADS
                found.append((i, i + 1, np, bare))
        elif low in MARKER_NOUNS and i + 1 < e:
            marker = _noun_marker(ctx, i, s, e)
            if marker:
                found.append(marker)
        elif (
            low == "berufung"
            and i > s
            and _low(doc[i - 1]) == "unter"
            and i + 2 < e
            and _low(doc[i + 1]) == "auf"
        ):
            end = _np_forward(ctx, i + 2, e, s)
            if end:
                found.append((i - 1, i + 2, (i + 2, end), False))
    return found


def _noun_marker(ctx: _Ctx, i: int, s: int, e: int) -> tuple[int, int, tuple[int, int], bool] | None:
    """ "nach Ansicht des Ministers", "nach Angaben von X", "nach seinen Worten", "aus Sicht
    der Regierung", "nach Polizeiangaben": the cue runs from the preposition to the noun; the
    holder is the phrase after it, the possessive before the noun, or the compound's first
    part. Without a holder ("nach bisherigen Erkenntnissen") the claim has no source."""
    doc = ctx.doc
    nouns = MARKER_NOUNS[_low(doc[i])]
    k = i + 1
    possessive = k if _low(doc[k]) in MARKER_POSSESSIVES else None
    while k < e and _low(doc[k]) not in nouns and k - i <= 3 and doc[k].text[:1].islower():
        # "nach den bisherigen Erkenntnissen": determiners, possessives, adjectives
        if not (
            _low(doc[k]) in MARKER_POSSESSIVES or _low(doc[k]) in ("den", "der") or _is_adjective(ctx, k)
        ):
            break
        k += 1
    head = _low(doc[k]) if k < e else ""
    compound = _low(doc[i]) == "nach" and _compound_holder(doc[k].text if k < e else "") is not None
    if head not in nouns and not compound:
        return None
    if compound:
        return i, k + 1, (k, k + 1), False  # the holder is the compound's first part (_marker_holder)
    if possessive is not None:
        return i, k + 1, (possessive, possessive + 1), False
    j = k + 1 + (k + 1 < e and _low(doc[k + 1]) == "von")
    end = _np_forward(ctx, j, e, s) if j < e else None
    if end:
        return i, k + 1, (j, end), False
    return i, k + 1, (k, k + 1), True


def _compound_holder(word: str) -> str | None:
    """The holder a compound marker noun names: "Polizeiangaben" -> "Polizei", "UNO-Angaben"
    -> "UNO"; None for "Angaben" itself and other words."""
    if not word.casefold().endswith("angaben") or len(word) <= len("angaben") + 2:
        return None
    return word[: -len("angaben")].rstrip("-")


def _marker_holder(ctx: _Ctx, np: tuple[int, int], s: int, e: int) -> SpanRef:
    """The marker's holder as a reference: a possessive resolved like the pronoun it stands
    for ("nach seinen Worten" -> er -> the person named before), "eigenen" as the sentence's
    subject ("Die Polizei nahm nach eigenen Angaben …")."""
    ref = _span_ref(ctx, *np)
    low = _low(ctx.doc[np[0]])
    holder = _compound_holder(ctx.doc[np[0]].text) if np[1] - np[0] == 1 else None
    if holder is not None:
        # "nach Polizeiangaben": the police, in the compound's own characters
        return SpanRef(holder, ref.start, ref.start + len(holder))
    if np[1] - np[0] != 1 or low not in MARKER_POSSESSIVES:
        return ref
    pronoun = MARKER_POSSESSIVES[low]
    if pronoun in THIRD_PERSON:
        return _resolve_pronoun(ctx, np[0], ref, 0.0, pronoun)[0]
    if not pronoun:
        # "eigenen": whoever acts in the sentence, the first name or body before the marker
        # ("Zwei Millionen Euro hat die FPÖ nach eigenen Angaben …" -> die FPÖ)
        for k in range(s, np[0]):
            end = _np_forward(ctx, k, np[0], s)
            if end and (k == s or not ctx.doc[k - 1].text[:1].isupper()) and _speaker_like(ctx, (k, end)):
                return _span_ref(ctx, k, end)
        return ref
    return SpanRef(pronoun, ref.start, ref.end)  # "ich"/"wir": the quote's speaker, later


def _holder_speaks(ctx: _Ctx, np: tuple[int, int], ref: SpanRef) -> bool:
    """Whether a marker's holder is the speaker ("laut Polizei", "nach Ansicht des Ministers",
    "nach seinen Worten") rather than a source passing it on ("laut AP", "laut Medienberichten"):
    a person, a body the knowledge base knows as no outlet, or a word for a person or body."""
    if _is_source_like(ctx, np, ref.entity_id):
        return False
    if ref.via or any((m := ctx.mention_at.get(k)) is not None and m.label == "PER" for k in range(*np)):
        return True
    if ctx.kb is not None and ref.entity_id is not None:
        return True  # known, and not an outlet (checked above)
    return _speaker_like(ctx, np) and not any(ctx.mention_at.get(k) is not None for k in range(*np))


def _attach_markers(ctx: _Ctx, s: int, e: int, claims: list[ClaimData]) -> list[ClaimData]:
    for cue, cue_end, np, bare in _markers(ctx, s, e):
        ref = _marker_holder(ctx, np, s, e)
        host = next((c for c in claims if (c.source is None) != (c.speaker is None)), None)
        possessive = np[1] - np[0] == 1 and _low(ctx.doc[np[0]]) in MARKER_POSSESSIVES
        if host is not None and possessive:
            continue  # "Aus meiner Sicht …, sagte Scholz": the speaker's own view, one claim
        if host is not None and not bare:
            if host.source is None:
                # "Putin sagte laut AP, …": one claim, AP reports what Putin said
                host.source = ref
            else:
                # "Unter Berufung auf Diplomaten meldet die Zeitung …": the diplomats said it
                host.speaker = ref
            host.chain = [host.source, host.speaker]
            host.evidential = "reported"
            host.start, host.end = min(host.start, ref.start), max(host.end, ref.end)
            continue
        if any(c.start <= ctx.doc[cue].idx < c.end for c in claims):
            continue
        # content: the sentence without the marker phrase when it opens or closes it
        lo, hi = min(cue, np[0]), max(cue_end, np[1])
        a, b = (hi, e) if lo == s else (s, lo) if hi >= e - 1 else (s, e)
        content = _content(ctx, a, b)
        if content is None:
            continue
        token = ctx.doc[cue]
        surface = ctx.doc[cue:cue_end].text
        lemma = MARKER_LEMMAS.get(_low(token)) or f"{_low(token)} {_low(ctx.doc[cue_end - 1])}"
        kind = "hearsay" if bare else "report"
        # "laut Polizei", "nach Ansicht des Ministers": the holder said it; an outlet or
        # agency ("laut AP") only passes it on
        compound = np[1] - np[0] == 1 and _compound_holder(ctx.doc[np[0]].text) is not None
        speaks = (
            possessive
            or (compound and ref.text.casefold() not in MEDIA_HEADS)
            or _holder_speaks(ctx, np, ref)
        )
        speaker, source = (None, None) if bare else (ref, None) if speaks else (None, ref)
        claim = _claim(ctx, kind, cue, lemma, speaker, source, content, 0.5 if bare else 0.8)
        claim.cue, claim.cue_end = surface, ctx.doc[cue_end - 1].idx + len(ctx.doc[cue_end - 1].text)
        if cue_end - cue > 2:  # "aus meiner Sicht": the preposition and the noun
            last = ctx.doc[cue_end - 1]
            claim.cue_parts = (
                (token.idx, token.idx + len(token.text)),
                (last.idx, last.idx + len(last.text)),
            )
        if bare:
            claim.start = min(claim.start, ref.start)
        ctx.claimed_cues.add(cue)
        claims.append(claim)
    return claims


def _hearsay(ctx: _Ctx, s: int, e: int, found: list[ClaimData], earlier: list[ClaimData]) -> list[ClaimData]:
    doc = ctx.doc
    for i in range(s, e):
        low = _low(doc[i])
        is_heisst = low in ("heißt", "hieß") and i + 1 < e and _low(doc[i + 1]) == "es"
        # "…, steht in dem Erlass": a document says it, like "heißt es in dem Erlass"
        is_written = low in ("steht", "stand") and i > s + 1 and doc[i - 1].text == ","
        is_written = is_written and i + 1 < e and _low(doc[i + 1]) in ("in", "im")
        if low not in ("soll", "sollen") and low not in HEARSAY_WORDS and not (is_heisst or is_written):
            continue
        if any(c.content and c.content.start <= doc[i].idx < c.content.end for c in found + earlier):
            continue  # inside someone's statement: "Putin sagte, Russland soll …"
        index = _sentence_number(ctx, s)
        before = [c for c in earlier if c.sentence_index == index - 1]
        perfect = _perfect_infinitive(ctx, s, e)
        if low in ("soll", "sollen") and (_deontic(ctx, i, s, e) or not (perfect or before)):
            # a plain "soll" is mostly a plan ("Das Gesetz soll … gelten"): hearsay only with
            # a perfect infinitive ("soll … verkauft haben") or right after a report
            continue
        tail = (is_heisst or is_written) and i > s + 1 and doc[i - 1].text == ","
        colon = (
            next((k for k in range(i + 2, min(e, i + 12)) if doc[k].text == ":"), None) if is_heisst else None
        )
        if colon is not None and colon + 1 < e:
            content = _content(ctx, colon + 1, e)  # "In einer Mitteilung hieß es: Der Minister …"
        elif tail:
            content = _content(ctx, s, i - 1)  # "…, heißt es im Entwurf"
        else:
            content = _content(ctx, s, e)
        if content is None:
            continue
        source, confidence, note = None, 0.7 if perfect or low not in ("soll", "sollen") else 0.5, ""
        reporters = [c.source for c in before if c.source is not None]
        # the preposition after "heißt es" / "steht": "heißt es in dem Entwurf", "steht in dem Erlass"
        document = _document_after(ctx, i + 2 - is_written, e) if is_heisst or is_written else None
        if document is not None:
            source = _span_ref(ctx, *document)  # "heißt es in dem Entwurf", "hieß es in einer Erklärung"
        elif is_written:
            continue
        elif reporters:
            # "Die AP berichtet … . Im Gegenzug soll Russland …": the report goes on, weakly
            source, confidence, note = reporters[-1], 0.45, "source from the sentence before"
        lemma = "sollen" if low in ("soll", "sollen") else "heißen" if is_heisst else "angeblich"
        kind = "hearsay"
        if is_written:
            lemma, kind = "stehen", "report"
        claim = _claim(ctx, kind, i, lemma, None, source, content, confidence, note)
        claim.start, claim.end = content.start, content.end  # an inherited source stays outside
        ctx.claimed_cues.add(i)
        return [claim]
    return []


def _document_after(ctx: _Ctx, k: int, e: int) -> tuple[int, int] | None:
    """The document or body after the preposition at k: "heißt es in dem Entwurf", "hieß es in
    einer Erklärung des Militärs", "hieß es aus Präsidentschaftskreisen", "steht in dem Erlass"."""
    if k + 1 >= e or _low(ctx.doc[k]) not in ("in", "im", "aus", "von", "vom"):
        return None
    end = _np_forward(ctx, k + 1, e, k + 1)
    if end is None and _low(ctx.doc[k]) == "im":
        end = _np_forward(ctx, k + 1, e, k)
    return (k + 1, end) if end is not None else None


def _continuation(ctx: _Ctx, s: int, e: int, earlier: list[ClaimData]) -> list[ClaimData]:
    """A Konjunktiv sentence right after a claim goes on with that claim's attribution:
    "…, berichtet der „Telegraph“. Zudem wolle man Geschlossenheit … signalisieren." """
    index = _sentence_number(ctx, s)
    if any(c.content and c.content.start <= ctx.doc[s].idx < c.content.end for c in earlier):
        return []  # already the content of a claim ("Er sagte:" + this sentence)
    previous = [c for c in earlier if c.sentence_index == index - 1 and (c.speaker or c.source)]
    if not previous and any(c.sentence_index == index - 1 for c in earlier):
        # the sentence before is speech of no one named (a quote sentence going on): the
        # attribution of the one before it goes on too
        previous = [c for c in earlier if c.sentence_index == index - 2 and (c.speaker or c.source)]
    if not previous:
        return []
    verb = next((i for i in range(s, min(e, s + 12)) if _is_konjunktiv(ctx, i)), None)
    last = previous[-1]
    quote = verb is None and _first_person_quote(ctx, s, e, last)
    if quote:
        verb = s  # no cue: the quote sentence itself, as its speaker's words
    if verb is None or ctx.doc[s].text in QUOTE_CHARS:
        return []
    content = _content(ctx, s, e)
    if content is None:
        return []
    kind = "direct_quote" if quote else "indirect_speech" if last.kind == "direct_quote" else last.kind
    if kind == "hearsay":
        return []
    token = ctx.doc[verb]
    claim = _claim(ctx, kind, verb, cue_lemma(token, ctx.has_lemma), last.speaker, last.source, content, 0.45)
    claim.chain = list(last.chain)
    claim.note = "continues the claim of the sentence before"
    # the extent is the sentence: the speaker stands in the sentence before
    claim.start, claim.end = content.start, content.end
    return [claim]


def _first_person_quote(ctx: _Ctx, s: int, e: int, last: ClaimData) -> bool:
    """In a text whose quotation marks were stripped, a sentence in the first person right
    after a person's claim is that person's quote going on ("…, sagt Kurz. Ich habe recht
    bekommen."): news writers do not say "ich" or "wir" in their own voice."""
    if not ctx.unquoted or last.speaker is None or last.kind == "hearsay":
        return False
    if not _in_first_person(ctx, s, e):
        return False
    # A text in the first person throughout (a speech, an op-ed, an interview) is its
    # author's: there "ich" is no quote.
    if ctx.first_person_sentences is None:
        ctx.first_person_sentences = sum(_in_first_person(ctx, a, b) for a, b in ctx.sentences)
    return ctx.first_person_sentences <= max(1, 0.2 * len(ctx.sentences))


def _in_first_person(ctx: _Ctx, s: int, e: int) -> bool:
    return any(_low(ctx.doc[k]) in FIRST_PERSON_WORDS for k in range(s, e))


def _nest(claims: list[ClaimData]) -> list[ClaimData]:
    """'Die AP berichtet, Putin habe gesagt, …' -> one claim: source AP, speaker Putin."""
    dropped = set()
    for inner in claims:
        if inner.speaker is None:
            continue
        for outer in claims:
            if outer is inner or outer.content is None or id(outer) in dropped:
                continue
            if not (outer.content.start <= inner.cue_start < outer.content.end):
                continue
            reporter = outer.source or outer.speaker
            if reporter is None:
                continue
            if inner.start <= outer.content.start + 2:
                dropped.add(id(outer))  # the outer claim says nothing but the inner one
            inner.source = reporter
            inner.chain = list(outer.chain) + [inner.speaker]
            inner.evidential = "reported"
            inner.start, inner.end = min(inner.start, outer.start), max(inner.end, outer.end)
    return [c for c in claims if id(c) not in dropped]
