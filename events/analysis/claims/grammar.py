"""German grammar for claims: token predicates (cue, Konjunktiv, capitalised word), noun
phrases and subjects by word order, clause bounds, quote pairs and content spans."""

from __future__ import annotations

import re

from events.analysis.claims.data import ContentSpan, SpanRef, _Ctx
from events.analysis.claims.lexicon import (
    ADVERB_ENDINGS,
    ADVERBIAL_HEADS,
    ADVERBS,
    AUXILIARIES,
    BE_FORMS,
    CLAUSE_OPENERS,
    CONJUNCTIONS,
    CUE_LEMMAS,
    DETERMINERS,
    EMBEDDING_PREPOSITIONS,
    FIELD_PREPOSITIONS,
    FIRST_PERSON_AMBIGUOUS,
    FOCUS,
    FORM_LEMMAS,
    FUNCTION_WORDS,
    GENITIVE_DETERMINERS,
    GUEST_WORDS,
    HALTEN_FORMS,
    KONJUNKTIV,
    MEDIA_HEADS,
    NAME_PARTICLES,
    NOMINATIVE,
    NOT_NOUN_POS,
    NUMBER_WORDS,
    OBLIQUE_DETERMINERS,
    OUTLET_TYPES,
    PARTICLES,
    PRONOUNS,
    QUOTE_CHARS,
    RELATIVES,
    SANCTION_WORDS,
    SEPARABLE,
    SHOW_FORMS,
    SPEECH_OPENERS,
    STANCE_WORDS,
    STRONG_CUES,
    SUBJECT_PARTICLES,
    SUBORDINATORS,
    SUMMONS_PREPOSITIONS,
    TOPIC_PREPOSITIONS,
    TOPIC_VERBS,
    VERDICT_WORDS,
)
from events.analysis.coref import ARTICLES, is_role_compound, is_role_word
from events.analysis.linking import is_time_word


def _low(token) -> str:
    return token.text.lower()


def cue_lemma(token, has_lemma: bool = True) -> str:
    """The lexicon lemma of a token, or its lower-cased lemma/text when not a cue."""
    low = _low(token)
    if low in FORM_LEMMAS:
        return FORM_LEMMAS[low]
    lemma = token.lemma_.lower() if has_lemma and token.lemma_ else low
    return lemma


AGE_NOUN = re.compile(r"^\d+-[A-ZÄÖÜ]\w+$")


def _is_cap_word(ctx: _Ctx, i: int, s: int) -> bool:
    token = ctx.doc[i]
    text = token.text
    if AGE_NOUN.match(text):
        return True  # "der 72-Jährige"
    if not text[:1].isupper() or not any(ch.isalpha() for ch in text):
        return False
    if i == s and _low(token) in FUNCTION_WORDS:
        return False  # "Zudem", "Die" at a sentence start
    if ctx.has_pos and token.pos_ in NOT_NOUN_POS and i not in ctx.mention_at:
        return False  # "Deswegen", "Natürlich" at a sentence start, by the tagger
    return _low(token) not in FUNCTION_WORDS or i in ctx.mention_at


def _is_adjective(ctx: _Ctx, i: int) -> bool:
    token = ctx.doc[i]
    low = _low(token)
    if ctx.has_pos and token.pos_ == "ADJ":
        return True
    return (
        low.isalpha()
        and low == token.text.lower()
        and low.endswith(("e", "en", "er", "es", "em"))
        and low not in FUNCTION_WORDS
        and low not in DETERMINERS
        and low not in AUXILIARIES
        and low not in FORM_LEMMAS
        and len(low) > 3
    )


def _is_konjunktiv(ctx: _Ctx, i: int) -> bool:
    token = ctx.doc[i]
    low = _low(token)
    prev = _low(ctx.doc[i - 1]) if i > 0 else ""
    if low in KONJUNKTIV:
        return not (low in FIRST_PERSON_AMBIGUOUS and prev == "ich")
    if ctx.has_morph and "Sub" in token.morph.get("Mood") and low.isalpha() and low == token.text:
        # a statistical tagger's Mood=Sub counts on verbs only (a weak model tags nouns too)
        return not ctx.has_pos or token.pos_ in ("VERB", "AUX")
    if ctx.has_lemma and token.text.islower() and low.endswith("e") and token.lemma_[:-1] == low:
        # 3rd person Konjunktiv I is the infinitive minus n: "demonstriere", "verfüge"
        return prev not in ("ich", "") and not _is_adjective(ctx, i - 1) and len(low) > 5
    return False


def _is_cue(ctx: _Ctx, i: int) -> bool:
    token = ctx.doc[i]
    low = _low(token)
    if not low.isalpha() or (token.text[:1].isupper() and not (i == 0 or token.is_sent_start)):
        return False  # capitalised inside a sentence: a noun ("der Bericht", "die Sage")
    if i + 1 < len(ctx.doc) and _low(ctx.doc[i + 1]) == "zufolge":
        return False  # "Berichten zufolge"
    if ctx.has_pos and token.pos_ in ("DET", "PRON", "ADP", "NOUN", "PROPN"):
        return False  # "meine Damen und Herren", "Dank der Hilfe": the tagger knows no verb
    lemma = cue_lemma(token, ctx.has_lemma)
    if lemma not in CUE_LEMMAS and not any((lemma, p) in SEPARABLE for p in PARTICLES):
        return False
    # participles used as adjectives: "die genannten Zahlen"
    adjectival = low.endswith(("ten", "tes", "ter", "tem", "ene", "enen")) and i > 0
    return not (adjectival and _low(ctx.doc[i - 1]) in DETERMINERS)


def _span_ref(ctx: _Ctx, a: int, b: int) -> SpanRef:
    """A SpanRef over tokens [a, b), linked to the entity of its head mention."""
    doc = ctx.doc
    if sum(doc[k].text in QUOTE_CHARS for k in range(a, b)) % 2:
        # a quote mark without its partner: „AP“ cut after the opener
        if doc[a].text in QUOTE_CHARS:
            a += 1
        elif doc[b - 1].text in QUOTE_CHARS:
            b -= 1
    entity = None
    best = None
    whose_role: set[int] = set()
    for i in range(a, b):
        mention = ctx.mention_at.get(i)
        if mention is None or mention.kind == "adjective":
            continue
        # a place speaks only as the whole phrase ("Moskau erklärte"), never inside one
        # ("Die Regierung in Seoul"): then it is the place, not the speaker
        head = a + (_low(doc[a]) in DETERMINERS)
        whole = mention.start <= doc[head].idx and mention.end >= doc[b - 1].idx + len(
            doc[b - 1].text.strip("“”«»‘")
        )
        rank = {"PER": 3, "ORG": 2}.get(mention.label, 1 if whole else 0)
        if mention.label in ("ORG", "LOC", "GPE") and _role_of(ctx, a, i, mention):
            rank = 0  # "der Fraktionsvorsitzende der Grünen" is a person, not the party
            whose_role.add(i)
        # of two of one kind the later wins ("des Kremls … Dmitri Peskow"), unless a preposition
        # attaches it to the first: "laut BLRH von der BVOG" is the BLRH's
        before = i - 1 - (i > a + 1 and _low(doc[i - 1]) in DETERMINERS)
        attached = before >= a and _low(doc[before]) in ATTACHING_PREPOSITIONS
        if rank and (best is None or rank > best[0] or (rank == best[0] and not attached)):
            best = (rank, mention)
    span = doc[a:b]
    if best is not None:
        entity = best[1].entity_id
    else:
        # an unlinked "Putin" after a linked "Wladimir Putin"; never an ambiguous "Kim"
        for i in range(b - 1, a - 1, -1):
            ids = ctx.surnames.get(doc[i].text, set()) if i not in whose_role else set()
            if i > 0 and _low(doc[i - 1]) in ARTICLES:
                ids = set()  # "die Sun" is a paper: a person's name takes no article
            if len(ids) == 1:
                entity = next(iter(ids))
                ctx.people.append((span.start_char, entity))
                break
    return SpanRef(span.text, span.start_char, span.end_char, entity)


# A name after these (and an article) belongs to the phrase before it: "BLRH von der BVOG".
ATTACHING_PREPOSITIONS = frozenset({"von", "vom", "bei", "beim", "aus"})


def _two_common_nouns(ctx: _Ctx, a: int, b: int) -> bool:
    """Whether tokens a and b are two nouns that are no names: German joins nouns into one
    word, so two in a row belong to two phrases ("Experten Senfgas")."""
    doc = ctx.doc
    return (
        ctx.has_pos
        and doc[a].pos_ == "NOUN"
        and doc[b].pos_ == "NOUN"
        and a not in ctx.mention_at
        and b not in ctx.mention_at
    )


def _role_of(ctx: _Ctx, a: int, i: int, mention) -> bool:
    """Whether the body or place at i is whose office the phrase names: "der
    Fraktionsvorsitzende der Grünen", "der SPD-Chef", "Liverpools Trainer Jürgen Klopp"."""
    doc = ctx.doc
    span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
    after = doc[span.end] if span is not None and span.end < len(doc) else None
    genitive_before = after is not None and mention.text.endswith("s") and is_role_word(after.text)
    return _role_before(ctx, a, i) or is_role_compound(doc[i].text) or genitive_before


def _role_before(ctx: _Ctx, a: int, i: int) -> bool:
    """Whether a word for a person's office or role ("Fraktionsvorsitzende", "Sprecher")
    stands in doc[a:i], before a name at i: the name is whose role it is."""
    return any(is_role_word(ctx.doc[k].text) and k not in ctx.mention_at for k in range(a, i))


def _np_forward(ctx: _Ctx, i: int, e: int, s: int) -> int | None:
    """End of a noun phrase starting at token i (exclusive), or None.

    [det] adj* (Name|Noun)+ [des/der adj* Noun] with quote marks allowed around names:
    "die nordkoreanischen Medien", "der „Telegraph“", "Russlands Präsident Wladimir Putin".
    """
    end = _np_phrase(ctx, i, e, s)
    if end is None and i < e and _low(ctx.doc[i]) in PRONOUNS:
        return i + 1
    return end


def _np_phrase(ctx: _Ctx, i: int, e: int, s: int) -> int | None:
    doc = ctx.doc
    j = i
    if j < e and _low(doc[j]) in DETERMINERS:
        j += 1
        j = _extended_attribute(ctx, j, e)
    while (
        j < e
        and (_is_adjective(ctx, j) or doc[j].text in QUOTE_CHARS or _low(doc[j]) in NUMBER_WORDS)
        and not _is_cap_word(ctx, j, s)
    ):
        j += 1  # "die fünf konservativen Richter"
    head_start = j
    while j < e and (
        _is_cap_word(ctx, j, s)
        or (doc[j].text in QUOTE_CHARS and j > head_start)
        or (doc[j].text in QUOTE_CHARS and j + 1 < e and _is_cap_word(ctx, j + 1, s))
    ):
        if j > head_start and _two_common_nouns(ctx, j - 1, j):
            break  # "nach Angaben unabhängiger Experten [Senfgas eingesetzt]": the next phrase
        j += 1
        # "Staffan de Mistura", "Ursula von der Leyen" (not "Allendorf der FAZ")
        particles = 2 if j + 2 < e and _low(doc[j]) == "von" and _low(doc[j + 1]) in ("der", "den") else 1
        if (
            j + particles < e
            and _low(doc[j]) in NAME_PARTICLES
            and doc[j + particles].text[:1].isupper()
            and doc[j - 1].pos_ == "PROPN"
        ):
            j += particles
    if j == head_start or not any(_is_cap_word(ctx, k, s) for k in range(head_start, j)):
        return None
    # one genitive attribute: "der Sprecher des Kremls", "ein Bericht der „New York Times“";
    # a name takes none ("sagte Allendorf der FAZ": the paper is told, it is not his)
    named = j - 1 in ctx.mention_at or doc[j - 1].pos_ == "PROPN"
    if j + 1 < e and _low(doc[j]) in GENITIVE_DETERMINERS and not named:
        j = _attribute(ctx, j + 1, e, s) or j
    return j


def _extended_attribute(ctx: _Ctx, j: int, e: int) -> int:
    """Past a phrase inside an attribute: "die [in Klagenfurt tätige] Politologin", "der [seit
    2014 amtierende] Präsident": a preposition, at most three words, then the adjective."""
    if j >= e or _low(ctx.doc[j]) not in EMBEDDING_PREPOSITIONS:
        return j
    for k in range(j + 2, min(e, j + 5)):
        token = ctx.doc[k]
        if token.is_punct:
            return j
        if (
            token.text[:1].islower()
            and _is_adjective(ctx, k)
            and k + 1 < e
            and ctx.doc[k + 1].text[:1].isupper()
        ):
            return k
    return j


def _attribute(ctx: _Ctx, k: int, e: int, s: int) -> int | None:
    """End of the rest of an attribute after its determiner or preposition: adj* Name+."""
    doc = ctx.doc
    while k < e and (_is_adjective(ctx, k) or doc[k].text in QUOTE_CHARS) and not _is_cap_word(ctx, k, s):
        k += 1
    if k >= e or not _is_cap_word(ctx, k, s):
        return None
    while k < e and (_is_cap_word(ctx, k, s) or doc[k].text in QUOTE_CHARS):
        k += 1
    return k


def _subject_before(ctx: _Ctx, clause_start: int, finite: int, s: int) -> tuple[int, int] | None:
    """The subject when it fills the first position of a verb-second clause."""
    i = clause_start
    while i < finite - 1 and _low(ctx.doc[i]) in FOCUS:
        i += 1
    if _low(ctx.doc[i]) in OBLIQUE_DETERMINERS or _low(ctx.doc[i]) in FIELD_PREPOSITIONS:
        return None  # "Im Dezember warnte …", "In ihrer Entscheidung erklärten …": no subject
    end = _np_forward(ctx, i, finite, s)
    while end is not None and end < finite and _low(ctx.doc[end]) in SUBJECT_PARTICLES:
        end += 1  # "Trump seinerseits sprach …": the particle belongs to the first field
    if (
        end is not None
        and end < finite - 1
        and _low(ctx.doc[end]) in ("in", "im", "aus", "von", "vom", "bei", "beim")
    ):
        # a place or group in the subject: "Die Regierung in Seoul bestritt"
        k = end + 1 + (_low(ctx.doc[end + 1]) in DETERMINERS)
        end = _attribute(ctx, k, finite, s) if k < finite else None
    if end is not None and end < finite - 2 and ctx.doc[end].text == "(" and ctx.doc[finite - 1].text == ")":
        end = finite  # "Gunnar Maaß von der Arbeitsgemeinschaft Fernwärme (AGFW) erläuterte"
    if end != finite:
        return None
    if any(_low(ctx.doc[k]).strip("„“") in ADVERBIAL_HEADS for k in range(i, end)):
        return None
    return (i, end)


def _subject_after(ctx: _Ctx, finite: int, e: int, s: int) -> tuple[int, int] | None:
    """The subject right after the finite verb ("sagte Putin", "berichtet der „Telegraph“")."""
    doc = ctx.doc
    i = finite + 1
    while i < e and (_low(doc[i]) in ADVERBS or _low(doc[i]) == "sich"):
        i += 1  # "äußerte sich Jan Korte"
    if i >= e or _low(doc[i]) in OBLIQUE_DETERMINERS:
        return None
    end = _np_forward(ctx, i, e, s)
    if end is None:
        return None
    named = _name_in_apposition(ctx, end, e)
    if named is not None:
        return (i, named)  # "erklärte der Pressesprecher des Außenministeriums, John Kirby."
    return (i, _first_name_end(ctx, i, end))


def _name_in_apposition(ctx: _Ctx, end: int, e: int) -> int | None:
    """Where a person's name ends that follows a role phrase after a comma and closes the
    sentence: "…, erklärte der Pressesprecher des US-Außenministeriums, John Kirby."."""
    doc = ctx.doc
    if end + 1 >= e or doc[end].text != ",":
        return None
    mention = ctx.mention_at.get(end + 1)
    if mention is None or mention.label != "PER" or not _role_before(ctx, end - 3, end):
        return None
    k = end + 1
    while k < e and ctx.mention_at.get(k) is mention:
        k += 1
    return k if k >= e or doc[k].is_punct else None


def _first_name_end(ctx: _Ctx, i: int, end: int) -> int:
    """Where a phrase after the verb ends when two names follow each other: "forderte Kickl
    Van der Bellen auf" has the subject "Kickl" and the object "Van der Bellen"."""
    first = next((ctx.mention_at[k] for k in range(i, end) if k in ctx.mention_at), None)
    if first is None or first.label not in ("PER", "ORG"):
        return end
    k = i
    while k < end and (k not in ctx.mention_at or ctx.mention_at[k] is first):
        k += 1
    later = ctx.mention_at.get(k)
    return k if later is not None and later.label in ("PER", "ORG") and later is not first else end


def _clause_start(ctx: _Ctx, i: int, s: int) -> int:
    k = i
    while k > s and ctx.doc[k - 1].text not in (",", ";", ":", "–", "—", "-"):
        k -= 1  # dashes too: "… - ich betone: alle - …"
    while k < i and _low(ctx.doc[k]) in CONJUNCTIONS:
        k += 1  # "…, und ich glaube": the clause proper starts after the conjunction
    if k + 1 < i and _low(ctx.doc[k]) in FOCUS and _low(ctx.doc[k + 1]) in SUBORDINATORS:
        k += 1  # "auch wenn wir wissen"
    return k


def _content(ctx: _Ctx, a: int, b: int) -> ContentSpan | None:
    doc = ctx.doc
    while b > a and (doc[b - 1].is_punct or doc[b - 1].is_space) and doc[b - 1].text not in QUOTE_CHARS:
        b -= 1
    while a < b and (doc[a].text in (",", ":", "–", "—", "-") or doc[a].is_space):
        a += 1
    if b - a < 1:
        return None
    span = doc[a:b]
    return ContentSpan(span.start_char, span.end_char, span.text)


def _quote_pairs(text: str, a: int, b: int) -> list[tuple[int, int]]:
    """(open, close) character positions of quotes inside text[a:b]."""
    pairs, i = [], a
    while i < b:
        ch = text[i]
        closers = SPEECH_OPENERS.get(ch)
        if closers:
            j = i + 1
            while j < b and text[j] not in closers:
                j += 1
            if j < b:
                pairs.append((i, j))
                i = j + 1
                continue
        i += 1
    return pairs


def _sentence_of(ctx: _Ctx, i: int) -> tuple[int, int]:
    return next(((s, e) for s, e in ctx.sentences if s <= i < e), (i, i + 1))


def _np_backward(ctx: _Ctx, end: int, s: int) -> tuple[int, int] | None:
    """An NP that ends right before token `end` ("Putin: „…“")."""
    for start in range(max(s, end - 6), end):
        if _np_forward(ctx, start, end, s) == end:
            return (start, end)
    return None


def _finite_for(ctx: _Ctx, cue: int, clause_start: int) -> int:
    """The finite verb of the cue's clause: an auxiliary before a participle ("hat ... gesagt")."""
    doc = ctx.doc
    low = _low(doc[cue])
    # a verb at the end of its clause ("hat … dementiert,") is not the finite one
    clause_final = cue + 1 >= len(doc) or doc[cue + 1].is_punct or _low(doc[cue + 1]) in AUXILIARIES
    if clause_final or low.startswith("ge") or "zu" in low[2:6] or cue_lemma(doc[cue], ctx.has_lemma) == low:
        for k in range(cue - 1, clause_start - 1, -1):
            if _low(doc[k]) in AUXILIARIES:
                return k
    return cue


def _find_subject(ctx: _Ctx, cue: int, s: int, limit: int) -> tuple[int, int] | None:
    clause_start = _clause_start(ctx, cue, s)
    finite = _finite_for(ctx, cue, clause_start)
    if _low(ctx.doc[clause_start]) == "wie" and clause_start + 1 < finite:
        end = _np_forward(ctx, clause_start + 1, finite, s)
        if end:
            return (clause_start + 1, end)
    after = _subject_after(ctx, finite, limit, s)
    if clause_start < finite:
        before = _subject_before(ctx, clause_start, finite, s)
        if before and is_time_word(ctx.doc[before[1] - 1].text):
            before = None  # "Anfang März erklärte er": a time in the first field, not who spoke
        # "Deswegen sagen wir": a lone capitalised word in first position is more often an
        # adverb than a subject when a nominative pronoun follows the verb
        lone = before and before[1] - before[0] == 1 and before[0] not in ctx.mention_at
        lone = lone and _low(ctx.doc[before[0]]) not in PRONOUNS
        if lone and after and after[1] - after[0] == 1 and _low(ctx.doc[after[0]]) in NOMINATIVE:
            return after
        # "Gebetsmühlenartig sprechen die Tradwives": an adverb, capitalised as the first word
        if lone and after and _low(ctx.doc[before[0]]).endswith(ADVERB_ENDINGS):
            return after
        if before:
            return before
    return after


def _particle(ctx: _Ctx, cue: int, e: int, lemma: str) -> tuple[str, int | None]:
    """A separable verb's particle later in the clause ("wies die Vorwürfe zurück")."""
    for k in range(cue + 1, e):
        text = ctx.doc[k].text
        if text in (",", ";", ":") or text in QUOTE_CHARS:
            break
        low = text.lower()
        if low in ("und", "oder", "aber", "sondern") and k + 1 < e and ctx.doc[k + 1].pos_ in ("VERB", "AUX"):
            break  # "widersprach und wies … zurück": the particle is the next verb's
        if low in PARTICLES:
            nxt = ctx.doc[k + 1].text if k + 1 < e else "."
            if not nxt[:1].isalnum() or nxt.lower() in ("und", "oder"):
                # "sagte das Treffen ab" is "absagen" (call off), no verb of saying
                return SEPARABLE.get((lemma, low), low + lemma), k
    return lemma, None


def _verb_final(ctx: _Ctx, clause_start: int, cue: int, e: int) -> bool:
    """A subordinate or relative clause whose last verb is the cue."""
    doc = ctx.doc
    opener = _low(doc[clause_start])
    relative = opener in RELATIVES and clause_start > 0 and doc[clause_start - 1].text == ","
    if not (relative or opener in SUBORDINATORS) or opener == "wie" or clause_start >= cue - 1:
        return False
    if _low(doc[clause_start + 1]) in AUXILIARIES:
        return False  # "Da muss ich fragen": verb second, so "da" is an adverb here
    return cue + 1 >= e or doc[cue + 1].is_punct or _low(doc[cue + 1]) in AUXILIARIES


def _subordinate(
    ctx: _Ctx, clause_start: int, cue: int, s: int
) -> tuple[tuple[int, int] | None, tuple[int, int]]:
    """Subject and content of a verb-final clause: the relative pronoun (standing for the
    phrase before the comma) or the phrase after the conjunction; then the middle field."""
    doc = ctx.doc
    if _low(doc[clause_start]) in RELATIVES:
        subject: tuple[int, int] | None = (clause_start, clause_start + 1)
    else:
        end = _np_forward(ctx, clause_start + 1, cue, s)
        subject = (clause_start + 1, end) if end else None
    m = subject[1] if subject else clause_start + 1
    while m < cue and _low(doc[m]) in ADVERBS:
        m += 1
    return subject, (m, cue)


def _next_sentence(ctx: _Ctx, e: int) -> tuple[int, int] | None:
    return next(((a, b) for a, b in ctx.sentences if a >= e), None)


def _stance_word(ctx: _Ctx, i: int, e: int) -> int | None:
    """The stance word after a form of "sein" at i, before the clause it introduces: "bin der
    festen Überzeugung, dass", "ist sicher, dass", "sind uns einig:", and after "zeigt sich":
    "zeigte sich Bilalic überzeugt, dass" (one claim, not a second at "überzeugt");
    None when there is none."""
    low = _low(ctx.doc[i])
    shows = low in SHOW_FORMS and any(_low(ctx.doc[k]) == "sich" for k in range(i + 1, min(e, i + 3)))
    if low not in BE_FORMS and not shows:
        return None
    for k in range(i + 1, min(e, i + 8)):
        low = _low(ctx.doc[k])
        if low in STANCE_WORDS:
            nxt = ctx.doc[k + 1].text.lower() if k + 1 < e else ""
            return k if nxt in (",", ":") or nxt in ("davon", "darin") else None
        if low in (",", ":", ";"):
            return None
    return None


def _opinion_frame(ctx: _Ctx, i: int, s: int, e: int) -> int | None:
    """The "für" of "hält X für Y" / "halte es für richtig, dass …" when i is a form of
    "halten" with "für" later in its clause (not "hielt eine Rede", not "hält sich für")."""
    if _low(ctx.doc[i]) not in HALTEN_FORMS or (ctx.has_pos and ctx.doc[i].pos_ not in ("VERB", "AUX")):
        return None
    for k in range(i + 1, min(e, i + 10)):
        low = _low(ctx.doc[k])
        if low in (",", ";", ":", "sich") or ctx.doc[k].text in QUOTE_CHARS:
            return None
        if low == "für":
            return k if k > i + 1 else None
    # verb-final: "obwohl ich es für falsch hielt"
    start = _clause_start(ctx, i, s)
    return next((k for k in range(max(start, i - 6), i) if _low(ctx.doc[k]) == "für"), None)


def _other_sense(ctx: _Ctx, lemma: str, i: int, s: int, e: int) -> bool:
    """A cue verb used in a sense that is no speech: "zitierte den Botschafter ein / ins
    Ministerium" (a summons), "wurde zu zehn Jahren Haft verurteilt" (a verdict)."""
    doc = ctx.doc
    end = _clause_end(ctx, i, e)
    if lemma == "zitieren":
        words = [_low(doc[k]) for k in range(i + 1, end) if not doc[k].is_punct]
        return bool(words) and (words[-1] == "ein" or any(w in SUMMONS_PREPOSITIONS for w in words))
    if lemma == "drohen":
        # "droht nun zu scheitern" (is about to fail); a threat has "mit" or a comma clause
        k = next((k for k in range(i + 1, end) if _low(doc[k]) == "zu"), None)
        return k is not None and not any(doc[j].text == "," or _low(doc[j]) == "mit" for j in range(i + 1, k))
    if lemma == "aussprechen":
        # "sprach seine Wertschätzung aus", "sprach sich für … aus" say something; "sprachen
        # disqualifizierende Fouls aus", "ein Verbot aussprechen" impose a sanction
        return any(
            _low(doc[k]).startswith(SANCTION_WORDS) or _low(doc[k]).endswith(SANCTION_WORDS)
            for k in range(i + 1, end)
        )
    if lemma == "erklären" and any(_low(doc[k]).endswith("krieg") for k in range(i + 1, end)):
        return True  # "erklärt der Hamas den Krieg": a declaration of war, no statement
    if lemma == "fordern" and _low(doc[i]) == "gefordert":
        # "seien auch die Fächer gefordert" (challenged): a state, not a demand
        start = _clause_start(ctx, i, s)
        return any(_low(doc[k]) in BE_FORMS for k in range(start, i))
    if lemma not in ("erklären", "verurteilen", "darstellen"):
        return False
    words = [_low(doc[k]) for k in range(_clause_start(ctx, i, s), end)]
    if lemma == "darstellen":
        # "stellte die Lage als ernst dar" is speech; "stelle kein Risiko dar" (constitutes) is not
        return "als" not in words
    if lemma == "erklären":
        # "wurde zum Sieger erklärt", "erklärte die Gespräche für beendet": a declaration, when
        # no clause of what was said follows ("erklärte zur Begründung, man …" is speech)
        return end >= e - 1 and ":" not in words and any(w in ("zum", "zur", "für") for w in words)
    # "verurteilen": a verdict names a penalty, or a court and its reason
    court = any("gericht" in w or w.startswith("richter") for w in words)
    return any(VERDICT_WORDS.search(w) for w in words if w != "wegen") or (court and "wegen" in words)


def _preposed_tail(ctx: _Ctx, i: int, s: int, e: int) -> bool:
    """ "Wenn Russland angreife, werde die Nato reagieren, sagte Stoltenberg (am Montag).":
    a cue after a comma whose subject ends the sentence (bar adverbials) reports what stands
    before it, even when the sentence opens with a conjunction, as long as that part holds a
    clause of its own (a second comma, a Konjunktiv or a question), not a bare "Statt … zu"."""
    doc = ctx.doc
    if i <= s + 1 or doc[i - 1].text != "," or not _is_cue(ctx, i):
        return False
    subject = _subject_after(ctx, i, e, s)
    if subject is None or any(
        doc[k].text in (",", ":", ";") or _low(doc[k]) == "dass" for k in range(subject[1], e)
    ):
        return False
    before = range(s, i - 1)
    if ctx.has_pos and not any(doc[k].pos_ in ("VERB", "AUX") for k in before):
        return False  # "Der frühere Repräsentant, Wolfgang Petritsch, begrüßte …": an apposition
    return (
        any(doc[k].text == "," for k in before)
        or any(_is_konjunktiv(ctx, k) for k in before)
        or doc[i - 2].text == "?"
    )


def _clause_end(ctx: _Ctx, i: int, e: int) -> int:
    k = i
    while k < e and ctx.doc[k].text not in (",", ";"):
        k += 1
    return k + 1 if k < e else e


def _content_after(
    ctx: _Ctx, lemma: str, a: int, e: int, clause_end: int, clause_only: bool = False
) -> tuple[tuple[int, int] | None, float]:
    """What was said, right of the cue: a dass/ob clause, a colon, a Konjunktiv clause, an object.

    ``clause_only``: the cue ends a subordinate clause, and what follows is the main clause
    unless a dass/ob clause or a colon comes right after ("wenn wir wissen, dass …")."""
    doc = ctx.doc
    if clause_only:
        return _content_after_subordinate(ctx, a, e)
    while a < e and _low(doc[a]) in ADVERBS:
        a += 1  # "berichtet zudem über …": the adverb belongs to the report, not its content
    k, found = _scan_to_separator(ctx, lemma, a, e)
    if found is not None:
        return found
    if k < e and doc[k].text == ":":
        return _content_after_colon(ctx, k, e)
    if k < e and doc[k].text == ",":
        found = _content_after_comma(ctx, lemma, a, k, e)
        if found is not None:
            return found
    return _object_content(ctx, lemma, a, e, clause_end)


def _content_after_subordinate(ctx: _Ctx, a: int, e: int) -> tuple[tuple[int, int] | None, float]:
    """Content after a cue that ends a subordinate clause: only a dass/ob clause or a colon
    right after it counts, because anything else is the main clause, not what was said."""
    doc = ctx.doc
    while a < e and _low(doc[a]) in AUXILIARIES:
        a += 1
    if a + 1 < e and doc[a].text == "," and _low(doc[a + 1]) in ("dass", "daß", "ob"):
        return (a + 1, e), 0.8
    if a + 1 < e and doc[a].text == ":":
        return (a + 1, e), 0.8
    return None, 0.0


def _scan_to_separator(
    ctx: _Ctx, lemma: str, a: int, e: int
) -> tuple[int, tuple[tuple[int, int] | None, float] | None]:
    """Walk right from a to the first comma, colon, semicolon or quote mark: returns where the
    walk stopped, and the content if a dass/ob or a coordinated cue already decides it there."""
    doc = ctx.doc
    k = a
    while k < e and doc[k].text not in (",", ":", ";") and doc[k].text not in QUOTE_CHARS:
        if _low(doc[k]) in ("dass", "daß", "ob"):
            return k, ((k, e), 0.85)
        if _low(doc[k]) in ("und", "oder") and k + 1 < e and _is_cue(ctx, k + 1):
            # "sprechen von Terror und sagen, dass …": the next verb has its own content
            return k, (((a, k), 0.6) if lemma in STRONG_CUES and k > a else (None, 0.0))
        k += 1
    return k, None


def _content_after_colon(ctx: _Ctx, k: int, e: int) -> tuple[tuple[int, int] | None, float]:
    """Content after the colon at k: the rest of the sentence, or the next sentence when
    nothing but punctuation follows the colon."""
    doc = ctx.doc
    if k + 1 >= e or all(doc[j].is_punct for j in range(k + 1, e)):
        following = _next_sentence(ctx, e)  # "Er hat gesagt:" and the words in the next sentence
        return following, 0.7 if following else 0.0
    return (k + 1, e), 0.85


def _content_after_comma(
    ctx: _Ctx, lemma: str, a: int, k: int, e: int
) -> tuple[tuple[int, int] | None, float] | None:
    """Content after the comma at k: a clause opener, a Konjunktiv clause or a zu-infinitive;
    None when the comma decides nothing, so the caller falls back to the object."""
    doc = ctx.doc
    nxt = _low(doc[k + 1]) if k + 1 < e else ""
    if nxt in CLAUSE_OPENERS:
        return (k + 1, e), 0.85
    if k > a and k + 1 < e and _is_cue(ctx, k + 1):
        return None  # "begrüßte die Initiative, monierte aber, dass …": the next verb's content
    # "…, das die Einheit demonstriere" is a relative clause; "…, die Lage sei ernst" is not
    after = doc[k + 2].text if k + 2 < e else ""
    relative = nxt in ("der", "die", "das", "dem", "den", "welche", "welcher") and k > a
    relative = relative and not (after[:1].isupper() or _is_adjective(ctx, k + 2))
    if relative and lemma in STRONG_CUES:
        return (a, e), 0.7  # an object and its relative clause: "bezeichneten X als Y, das …"
    if any(_is_konjunktiv(ctx, j) for j in range(k + 1, e)):
        return (k + 1, e), 0.8
    if k == a and _main_clause_follows(ctx, k + 1, e):
        return (k + 1, e), 0.7  # "Ich glaube, das ist der falsche Ansatz": no dass, verb second
    if lemma in STRONG_CUES and any(
        _low(doc[j]).startswith("zu") or "zu" in _low(doc[j])[2:5] for j in range(k + 1, min(e, k + 8))
    ):
        return (k + 1, e), 0.6  # "fordern, diesen Antrag abzulehnen"
    return None


def _is_finite(ctx: _Ctx, j: int) -> bool:
    token = ctx.doc[j]
    if _low(token) in AUXILIARIES:
        return True
    # the tagger's VerbForm is unreliable between Fin and Inf ("Sie setzen"), so only a
    # participle is ruled out
    return ctx.has_pos and token.pos_ in ("VERB", "AUX") and "Part" not in token.morph.get("VerbForm")


def _main_clause_follows(ctx: _Ctx, j: int, e: int) -> bool:
    """Whether a verb-second clause starts at j: a first field, then the finite verb with more
    of the clause after it ("…, wir müssen …", "…, die Lage dieses Landes ist ernst"). A
    relative clause ("…, die wir kennen,") has its finite verb last."""
    doc = ctx.doc
    if j >= e or not doc[j].text[:1].isalpha() or _low(doc[j]) in SUBORDINATORS | CLAUSE_OPENERS:
        return False
    stop = next((k for k in range(j, e) if doc[k].text in (",", ";", ":")), e)
    finite = next((k for k in range(j + 1, min(stop, j + 8)) if _is_finite(ctx, k)), None)
    return finite is not None and finite + 1 < stop and not doc[finite + 1].is_punct


def _object_content(
    ctx: _Ctx, lemma: str, a: int, e: int, clause_end: int
) -> tuple[tuple[int, int] | None, float]:
    """The fallback: a strong cue's object up to the clause end ("kritisierte die Sanktionen");
    weak cues ("sagen") need an explicit clause, so they get nothing here."""
    if lemma not in STRONG_CUES:
        return None, 0.0
    end = clause_end if clause_end < e else e
    # "Wir fordern einen höheren Zuschlag, sagte der Minister": the object ends before the
    # attribution that follows it
    end = next((k for k in range(a, end - 1) if ctx.doc[k].text == "," and _is_cue(ctx, k + 1)), end)
    if end - a < 1 or all(ctx.doc[j].is_punct for j in range(a, end)) or _not_said(ctx, lemma, a, end):
        return None, 0.0
    return (a, end), 0.6


def _not_said(ctx: _Ctx, lemma: str, a: int, b: int) -> bool:
    """Whether the object doc[a:b] of a cue is no content: the topic or partner of a talk
    ("sprach über die Lage", "äußerte sich zu den Vorwürfen", "telefonierte mit Putin") or
    the person greeted ("begrüßte den Besucher")."""
    doc = ctx.doc
    if lemma in TOPIC_VERBS:
        k = a
        while k < b and _low(doc[k]) in ("sich", "auch", "nun", "dabei", "erneut", "erstmals", "öffentlich"):
            k += 1
        if k < b and _low(doc[k]) in TOPIC_PREPOSITIONS:
            return True
    if lemma == "begrüßen":
        noun = next((k for k in range(a, b) if doc[k].text[:1].isupper()), None)  # German nouns
        if noun is not None:
            mention = ctx.mention_at.get(noun)
            low = _low(doc[noun])
            return (mention is not None and mention.label == "PER") or low.startswith(GUEST_WORDS)
    return False


def _is_source_like(ctx: _Ctx, subject: tuple[int, int] | None, entity_id: int | None) -> bool:
    """Outlets, agencies and unnamed media report; they do not make the claim themselves."""
    if entity_id is not None and ctx.kb is not None:
        try:
            info = ctx.kb.info(entity_id)
        except KeyError:
            info = None
        if info is not None and info.org_type in OUTLET_TYPES:
            return True
    if subject is None:
        return False
    head = ctx.doc[subject[1] - 1]
    while head.text in QUOTE_CHARS and head.i > subject[0]:
        head = ctx.doc[head.i - 1]
    return _low(head) in MEDIA_HEADS


def _perfect_infinitive(ctx: _Ctx, s: int, e: int) -> bool:
    """Whether the sentence has a perfect infinitive ("verkauft haben", "gewesen sein",
    "getötet worden sein"): the past that a hearsay "soll" reports."""
    doc = ctx.doc
    for k in range(s + 1, e):
        if _low(doc[k]) in ("haben", "sein") and doc[k - 1].text.islower():
            previous = _low(doc[k - 1])
            if previous == "worden" or previous.startswith("ge") or previous.endswith(("t", "en")):
                return True
    return False


def _deontic(ctx: _Ctx, i: int, s: int, e: int) -> bool:
    """Whether "soll" is an order or a plan, not hearsay: questions, speakers talking to each
    other ("Sie sollen …", "wir sollen"), subordinate clauses ("damit …, was … soll")."""
    doc = ctx.doc
    if doc[e - 1].text == "?" or _low(doc[_clause_start(ctx, i, s)]) in SUBORDINATORS | {"damit"}:
        return True
    persons = {"ich", "wir", "du", "ihr", "uns", "mir", "mich", "euch"}
    return any(_low(doc[k]) in persons or (doc[k].text == "Sie" and k != s) for k in range(s, e))


def _sentence_number(ctx: _Ctx, s: int) -> int:
    """Index of the sentence starting at token s."""
    return next(k for k, (a, _) in enumerate(ctx.sentences) if a == s)
