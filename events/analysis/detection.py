"""Events inside one article: what happened (type), when, where, and who took part.

Input: a parsed ``Doc`` (sentences if the pipeline has them), the article's linked mentions
(``events.analysis.linking.link_doc``), the knowledge base and the publication date. Steps:

1. Every sentence is searched for trigger words (``events.analysis.event_types``). Each
   trigger strong enough to name a happening is read in its own clause: whether the clause
   asserts it (not negated, not "könnte", "soll", "wird … treffen"), when (a date in the
   clause: "2020" or "am Montag"; "damals" with no date is no event), where ("in/bei/nahe X"
   in the clause) and who (the names of the clause, by prepositions and word order).
2. Triggers of one type that share an actor, or name none, report one happening: an
   article about a summit says "Treffen", "Gipfelgespräche" and "empfangen" of the same
   meeting. Two meetings with different people stay two events.
3. The happening that headline and lead report most strongly is the article's main event.

The words these rules read are in ``events.analysis.event_words``; the trigger lexicon is
``events/data/event_taxonomy.toml``. Pure: no database writes; ``kb`` only answers
``info(entity_id)`` and ``lookup(name)``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from events.analysis.dates import DateMention, find_dates
from events.analysis.event_types import (
    MODAL_KEYS,
    NEGATIONS,
    EventType,
    Taxonomy,
    find_triggers,
    load_taxonomy,
    token_keys,
)
from events.analysis.event_words import (
    ACTOR_KINDS,
    ACTORLESS_TYPES,
    AGAINST,
    AGENT_CUES,
    ANY_PREPOSITION,
    APPOINTING_VERBS,
    ARTICLES,
    BE_FORMS,
    CALLED_OFF,
    CHOICE_WORDS,
    CLAUSE_BREAKS,
    COORDINATORS,
    COUNTABLE_TYPES,
    DATELINE,
    DATIVE_PRONOUNS,
    DETERMINER_STEMS,
    DIRECTIONAL,
    DIRECTIONS,
    DOMESTIC_TYPES,
    FUTURE_FORMS,
    GENITIVE,
    GIVER_CUES,
    GIVING_TYPES,
    HABITUAL,
    HABITUAL_PAIRS,
    HYPOTHETICAL,
    INSEPARABLE_PARTICIPLE,
    INSTITUTIONS,
    LIGHT_VERBS,
    LOCATIVE,
    METONYMS,
    MONTHS,
    NOT_PARTICIPLES,
    OBJECT_ARTICLES,
    PARTICIPLE,
    PASSIVE,
    PENDING_KEYS,
    PENDING_PAIRS,
    PHYSICAL_STEMS,
    PLACE_KINDS,
    PLACE_NOUNS,
    PREPOSITIONS,
    QUANTITIES,
    QUOTE_PAIRS,
    RELATIVES,
    REPORTER_ORG_TYPES,
    REPORTING,
    RESULT_WORDS,
    ROLE_PREPS,
    SPEECH_ACTS,
    STANDING,
    STRUCK,
    SUBJECT_ARTICLES,
    TARGET_CUES,
    UNDATED_PAST,
    UNREAL_FORMS,
    VENUES,
    VERBAL_ATTACK_KEYS,
    WAR_SCENE,
    ZU_INFINITIVE,
)
from events.analysis.kb import KnowledgeBase
from events.analysis.sentences import doc_text, token_ranges
from events.analysis.topic import political

LEAD_SENTENCES = 4  # title and lead paragraph: where the main event is reported
MIN_TRIGGER = 0.5  # weaker words ("Krieg", "Sanktionen") are background, no event of their own
STRONG_ACCUSATION = 0.85
MIN_EMBEDDED = 0.8  # a noun in a phrase ("über die Wahl") reports a happening only if it names one
LATE_FACTOR = 0.85  # triggers after the lead are a little less certain
MAX_CONFIDENCE = 0.99  # a lexicon never makes an event certain
MAX_ACTORS = 4
ROLE_WINDOW = 4  # tokens before a mention whose words are its cues
PREP_WINDOW = 6  # tokens before a mention searched for its preposition, over articles and adjectives
NEGATION_REACH = 3  # tokens around a trigger where "nicht"/"kein" negates it


@dataclass
class EventData:
    type: str
    title: str
    date: date | None
    date_precision: str | None
    place_entity_id: int | None
    actors: list[tuple[int, str]]  # (entity id, role: source / target / participant)
    trigger: tuple[int, int, str]  # character offsets and text of the strongest trigger
    confidence: float
    sentence_indexes: list[int] = field(default_factory=list)
    main: bool = False  # the happening the article's headline and lead report

    def as_contract(self, kb: KnowledgeBase) -> dict:
        """The ``events`` item of ``analyze_text`` output: {type, title, date, place, actors}."""
        place = None
        if self.place_entity_id is not None:
            info = kb.info(self.place_entity_id)
            place = {"entity_id": info.id, "name": info.name, "lat": info.latitude, "lon": info.longitude}
        return {
            "type": self.type,
            "title": self.title,
            "date": self.date.isoformat() if self.date else None,
            "date_precision": self.date_precision,
            "place": place,
            "actors": [
                {"entity_id": entity_id, "name": kb.info(entity_id).name, "role": role}
                for entity_id, role in self.actors
            ],
            "confidence": self.confidence,
            "main": self.main,
        }


@dataclass(frozen=True)
class _Placed:
    """A linked mention located in the doc: its tokens and the words just before it."""

    entity_id: int
    start: int  # token indexes
    end: int
    cues: frozenset[str]  # the words just before
    kind: str  # the mention's kind: name, partial, adjective, descriptor
    prep: str = ""  # the preposition the name stands after ("in der Hauptstadt X": "in")
    det: str = ""  # the article just before it ("den", "dem": an object)


@dataclass
class _Mention:
    """One trigger read in its clause: a candidate report of a happening."""

    type: EventType
    weight: float
    sentence: int
    start: int  # token indexes of the trigger
    end: int
    actors: dict[int, str]  # entity id -> role
    places: list[tuple[int, bool]]  # (entity id, named after a locative preposition)
    date: date | None
    precision: str | None
    explicit: bool  # the clause or its sentence names the date (not the publication date)
    countries: frozenset[str] = frozenset()  # country codes of the actors that are countries
    homes: frozenset[str] = frozenset()  # country codes of all actors
    towns: frozenset[int] = frozenset()  # places (not countries) named after "in"/"bei"


@dataclass
class _Article:
    """What every trigger is read against (one argument, not eight)."""

    doc: object
    sentences: list
    placed: dict[int, list[_Placed]]
    dates: list[DateMention]
    kb: KnowledgeBase
    published: date | None
    quoted: set[int]  # token indexes inside quotation marks


def detect_events(
    doc, mentions, kb: KnowledgeBase, published: date | None = None, taxonomy: Taxonomy | None = None
) -> list[EventData]:
    """The article's events, main event first."""
    taxonomy = taxonomy or load_taxonomy()
    if not political(doc_text(doc)):
        return []  # a football report's "Angriff" or a marathon's "Treffen" is no event
    # The sentences that number the mentions (events.analysis.sentences), so index k is the same words.
    sentences = [doc[s:e] for s, e in token_ranges(doc)] or [doc[:]]
    article = _Article(
        doc,
        sentences,
        _place_mentions(doc, mentions, kb, sentences),
        find_dates(doc, published),
        kb,
        published,
        _quoted_tokens(doc),
    )
    found = []
    for index, sentence in enumerate(sentences):
        triggers = [
            (type_id, weight, span)
            for type_id, weight, span in find_triggers(sentence, taxonomy)
            if type_id != "other" and weight >= MIN_TRIGGER
        ]
        # "im Gespräch" is an interview or being considered ("als Minister im Gespräch")
        triggers = [t for t in triggers if not (t[0] == "meet" and _idiom(doc, t[2]))]
        triggers = _without_objects_of_speech_acts(doc, sentence, triggers)
        for type_id, weight, span in triggers:
            # another type's trigger claims its nearest names; one of the same type shares them
            others = [other for kind, _, other in triggers if other.start != span.start and kind != type_id]
            mention = _read_trigger(article, taxonomy, taxonomy.types[type_id], weight, index, span, others)
            if mention is not None:
                found.append(mention)
    groups = _happenings(found)
    dateline = _dateline(article)
    events = [_build_event(article, group, dateline) for group in groups]
    # "Zusammenarbeit" with nobody and nowhere says nothing an analyst could use: an event
    # needs an actor or a place its own words name ("Angriff in Hebron"); a dateline alone
    # would make "Treffen in Wien" of any "der Besuch eines Politikers".
    # The headline's happening is the article's subject even where the lead names nobody
    # ("Bildungsprotest in Budapest"): it needs an actor or some place, the dateline included.
    lead = max(range(len(groups)), key=lambda n: _lead_score(groups[n])) if groups else None
    if lead is not None and not events[lead].actors and events[lead].place_entity_id is None:
        events[lead].place_entity_id = dateline
        events[lead].title = _title(groups[lead][0].type, [], dateline, article.kb)
    kept = [
        (event, group)
        for n, (event, group) in enumerate(zip(events, groups, strict=True))
        if (
            event.actors
            or (event.type in ACTORLESS_TYPES and any(m.places for m in group))
            or (n == lead and event.place_entity_id is not None and _reported_in_lead(article.doc, group))
        )
        and not _untargeted_criticism(event, group)
    ]
    if not kept:
        return []
    main = max(range(len(kept)), key=lambda n: _lead_score(kept[n][1]))
    kept[main][0].main = True
    ordered = [kept[main][0]] + [event for n, (event, _) in enumerate(kept) if n != main]
    for event in ordered[1:]:
        event.confidence = min(event.confidence, round(ordered[0].confidence - 0.01, 2))
    return ordered


# --- one trigger in its clause


def _read_trigger(
    article: _Article, taxonomy: Taxonomy, event_type: EventType, weight: float, index: int, span, others
) -> _Mention | None:
    doc, sentence = article.doc, article.sentences[index]
    if weight < MIN_EMBEDDED and _embedded_noun(doc, span):
        return None  # "für die Zusammenarbeit", "über die Wahl": the topic, not the happening
    lo, hi = _clause(doc, sentence, span.start, span.end)
    if not _asserted(doc, sentence, lo, hi, span, event_type) or _other_sense(
        doc, sentence, lo, hi, span, event_type
    ):
        return None
    when = _clause_date(article, lo, hi, sentence)
    if when is None:
        return None
    day, precision, own = when
    if (
        event_type.id == "attack"
        and _verbal(doc, sentence, span)
        and not _aimed_at_a_place(article, index, span)
        and _names_a_person(article, index, lo, hi)
    ):
        event_type = taxonomy.types["accuse"]
    # A name belongs to the nearest trigger: "bei der Visite geht es um Waffenlieferungen von
    # Pjöngjang": Pjöngjang delivers, it does not visit.
    items = [
        i
        for i in article.placed.get(index, [])
        if not _quoted_only(article, i, span) and all(_distance(i, span) <= _distance(i, o) for o in others)
    ]
    clause_items = [i for i in items if lo <= i.start < hi]
    # The subject may stand in the clause before ("Der Präsident, der …, traf Kim"), but
    # not the speaker of a report about it ("…, sagte ÖVP-Chef Mitterlehner").
    outside = [i for i in items if not _in_report_clause(doc, sentence, i)]
    actors = _clause_actors(article, event_type, clause_items or outside, span, (lo, hi))
    if not actors:
        actors = _relative_antecedent(article, event_type, index, lo, hi)
    places = _clause_places(article, event_type, index, clause_items, lo, hi)
    if not places and not clause_items and not _is_noun(span):
        places = _clause_places(article, event_type, index, outside, sentence.start, sentence.end)
    if not places and event_type.id in SPEECH_ACTS:
        places = _clause_places(article, event_type, index, items, sentence.start, sentence.end)
    factor = 1.0 if index < LEAD_SENTENCES else LATE_FACTOR
    infos = [article.kb.info(e) for e in actors]
    return _Mention(
        event_type,
        round(weight * factor, 3),
        index,
        span.start,
        span.end,
        actors,
        places,
        day,
        precision,
        own,
        countries=frozenset(i.country for i in infos if i.kind == "country" and i.country),
        homes=frozenset(i.country for i in infos if i.country),
        towns=frozenset(e for e, locative in places if locative and article.kb.info(e).kind == "place"),
    )


def _without_objects_of_speech_acts(doc, sentence, triggers: list) -> list:
    """ "Russland fordert Wahlen in Syrien": the elections are what is demanded, not held."""
    acts = [span for kind, _, span in triggers if kind in SPEECH_ACTS and span[0].pos_ in ("VERB", "AUX", "")]
    kept = []
    for kind, weight, span in triggers:
        if kind not in SPEECH_ACTS and span[0].text[:1].isupper():
            bounds = [_clause(doc, sentence, a.start, a.end) for a in acts]
            if any(lo <= span.start < hi for lo, hi in bounds):
                continue
        kept.append((kind, weight, span))
    return kept


def _idiom(doc, span) -> bool:
    """ "im Gespräch" (an interview, or being considered); "trifft den Punkt/Nerv/Ton"."""
    if span.start > 0 and doc[span.start - 1].text.lower() == "im" and span.text.lower() == "gespräch":
        return True
    after = {t.text.lower() for t in doc[span.end : span.end + 4]}
    return span[0].text[:1].islower() and bool(after & STRUCK)


def _determiner_einige(doc, span) -> bool:
    """ "einige Republiken", "einige ihrer Mitglieder": the determiner, not "sich einigen"
    (whose bare forms stand at the clause's end: "wollen sich einigen")."""
    last = doc[span.end - 1]
    following = doc[span.end] if span.end < len(doc) else None
    bare = last.text.lower() in ("einige", "einigen", "einiger", "einiges")
    return bare and following is not None and not following.is_punct


def _other_sense(doc, sentence, lo: int, hi: int, span, event_type: EventType) -> bool:
    """The trigger word in a sense that reports no happening of its type."""
    before = doc[span.start - 1].text.lower() if span.start > 0 else ""
    if any(t.is_punct and t.text not in "-–" for t in span):
        return True  # a pattern across a comma: "… werden, sagte FPÖ-Generalsekretär …"
    if (
        span[-1].pos_ == "ADJ"
        and span[-1].text.islower()
        and span.end < len(doc)
        and doc[span.end].text[:1].isupper()
    ):
        return True  # "den verweigerten Orden", "als Terrororganisation eingestuften JNIM": an attribute
    if before in STANDING:
        return True  # "eine alte Forderung der FPÖ": a standing position
    if (
        event_type.id == "threaten"
        and span[0].text.lower() in ("droht", "drohen", "drohe")
        and "mit" not in {t.text.lower() for t in doc[lo:hi]}
    ):
        return True  # "Bosnien droht die Staatspleite", "was im schlimmsten Fall droht": looming
    if event_type.id == "meet" and _passive_hit(doc, lo, hi, span):
        return True
    if event_type.id == "election" and (
        before in CHOICE_WORDS or (_is_noun(span) and not _has_result(sentence))
    ):
        return True  # "eine andere Wahl haben" is a choice; "die Stichwahl" alone may be to come
    if event_type.id in ("threaten", "meet") and _impersonal(doc, span):
        return True  # "das droht uns auch", "es droht ein Flickenteppich", "dann trifft es auch …"
    if event_type.id == "demand" and before in BE_FORMS:
        return True  # "die Ministerin sei gefordert": challenged, not asked
    if event_type.id in COUNTABLE_TYPES and _is_noun(span) and _counted(doc, span):
        return True  # "mehr als tausend Angriffe auf Flüchtlingsheime": a statistic
    if event_type.id == "election" and span.text.lower() in ("wählen", "wählt") and not _has_result(sentence):
        return True  # "Viele wählen FPÖ": a habit of voters, not a vote
    if event_type.id == "appoint" and "werden" in token_keys(doc[span.start]) and span.end - span.start > 1:
        between = {t.text.lower() for t in doc[span.start + 1 : span.end - 1]} | {
            doc[span.start + 1].text.lower()
        }
        # "wird der Präsident …", "wird gegen den Chef der HDP ermittelt": no office taken
        return bool(between & (ARTICLES | PREPOSITIONS))
    return _determiner_einige(doc, span)  # "und sich einige Republiken abspalteten"


def _counted(doc, span) -> bool:
    before = doc[max(0, span.start - 3) : span.start]
    return any(t.like_num or t.text.lower() in QUANTITIES for t in before)


def _has_result(sentence) -> bool:
    return any(t.text.lower() in RESULT_WORDS for t in sentence)


def _impersonal(doc, span) -> bool:
    before = doc[span.start - 1].text.lower() if span.start > 0 else ""
    after = doc[span.end].text.lower() if span.end < len(doc) else ""
    return before == "es" or after == "es" or after in DATIVE_PRONOUNS


def _in_report_clause(doc, sentence, item: _Placed) -> bool:
    lo, hi = _clause(doc, sentence, item.start, item.end)
    return any(t.text.lower() in REPORTING for t in doc[lo:hi])


def _passive_hit(doc, lo: int, hi: int, span) -> bool:
    """ "wurde drei Mal am Arm getroffen": hit, not met."""
    words = {t.text.lower() for t in doc[lo:hi]}
    return span.text.lower() == "getroffen" and bool(words & PASSIVE) and not words & {"mit", "sich"}


def _distance(item: _Placed, span) -> int:
    if item.end <= span.start:
        return span.start - item.end
    return max(0, item.start - span.end)


def _clause(doc, sentence, start: int, end: int) -> tuple[int, int]:
    """Token range of the clause around a trigger: between commas, dashes and conjunctions."""
    lo = start
    while lo > sentence.start and not _breaks_clause(doc[lo - 1]):
        lo -= 1
    hi = end
    while hi < sentence.end and not _breaks_clause(doc[hi]):
        hi += 1
    return lo, hi


def _breaks_clause(token) -> bool:
    # a line break ends a headline even where the sentence splitter ran on
    return token.text.lower() in CLAUSE_BREAKS or (token.is_space and "\n" in token.text)


def _asserted(doc, sentence, lo: int, hi: int, span, event_type: EventType) -> bool:
    """Whether the clause reports the happening as fact: not negated, not hypothetical,
    not only planned or expected ("Putin will Kim treffen", "ein Treffen ist geplant")."""
    clause_start = lo
    lo, hi = _conjunct(doc, lo, hi, span)
    words = [t.text.lower() for t in doc[lo:hi]]
    near = [
        t.text.lower() for t in doc[max(lo, span.start - NEGATION_REACH) : min(hi, span.end + NEGATION_REACH)]
    ]
    if (NEGATIONS | {"ohne"}) & set(near) or (words and _last_word(doc, lo, hi) == "nicht"):
        return False  # "traf Kim in Pjöngjang nicht"
    keys = frozenset().union(*(token_keys(t) for t in doc[lo:hi])) if hi > lo else frozenset()
    if UNREAL_FORMS & set(words) or keys & MODAL_KEYS or HYPOTHETICAL & set(words):
        return False
    if event_type.id != "threaten" and keys & PENDING_KEYS:
        return False
    if CALLED_OFF & set(words) or _habitual(words):
        return False
    if _zu_infinitive(doc, lo, hi):
        return False  # "um ihre Partnerschaft zu stärken", "versuchte, Kiew anzugreifen": aims
    if lo > sentence.start and doc[lo - 1].text.lower() in HYPOTHETICAL:
        return False  # "wenn Kim Putin trifft"
    # "wird … treffen", "das Treffen wird stattfinden": a future tense in the clause; "wird
    # getroffen" (passive) and "wird gewählt" report the happening.
    passive = any("Pass" in t.morph.get("Voice") for t in doc[lo:hi])  # "wird … empfangen"
    future = _ends_in_infinitive(doc, lo, hi) or _infinitive_before_werden(doc, lo, hi)
    if FUTURE_FORMS & set(words) and not passive and future:
        return False
    if any(verb in words and _last_word(doc, lo, hi) == particle for verb, particle in PENDING_PAIRS):
        return False  # "die Ratifizierung steht noch aus", "sieht … vor"
    # The sentence before the trigger clause may carry the condition ("Sollte Kim …, würde …").
    before = {t.text.lower() for t in doc[sentence.start : clause_start]}
    return not (before & {"sollte", "sollten", "würde", "würden", "könnte", "könnten"})


def _conjunct(doc, lo: int, hi: int, span) -> tuple[int, int]:
    """The part of a clause around the trigger between "und/oder/aber" that join two verbs:
    "würde Strache den Orden anheften und fordert eine Verdoppelung": the "würde" is not
    the demand's."""
    for i in range(span.start - 1, lo, -1):
        if _joins_verbs(doc, i):
            lo = i + 1
            break
    for i in range(span.end, hi - 1):
        if _joins_verbs(doc, i):
            hi = i
            break
    return lo, hi


def _joins_verbs(doc, i: int) -> bool:
    return doc[i].text.lower() in COORDINATORS and i + 1 < len(doc) and doc[i + 1].pos_ in ("VERB", "AUX")


def _habitual(words: list[str]) -> bool:
    """ "Jeden Freitag rufen … zu Protesten auf", "mehrfach gefordert", "seit Wochen
    Angriffe": a habit or a campaign, no single happening."""
    if HABITUAL & set(words):
        return True
    pairs = set(zip(words, words[1:], strict=False))
    return bool(pairs & HABITUAL_PAIRS)


def _infinitive_before_werden(doc, lo: int, hi: int) -> bool:
    """ "…, dass Putin einen Preis fordern wird": the verb-final future of a subordinate clause."""
    for token in doc[lo : hi - 1]:
        word = token.text.lower()
        following = doc[token.i + 1].text.lower()
        infinitive = len(word) > 4 and word.endswith("n") and not PARTICIPLE.match(word)
        if (
            following in FUTURE_FORMS
            and token.text.islower()
            and infinitive
            and token.pos_ in ("VERB", "AUX", "")
        ):
            return True
    return False


def _last_word(doc, lo: int, hi: int) -> str:
    words = [t.text.lower() for t in doc[lo:hi] if not t.is_punct and not t.is_space]
    return words[-1] if words else ""


def _ends_in_infinitive(doc, lo: int, hi: int) -> bool:
    """ "wird Kim am Montag treffen", "das Treffen wird stattfinden": German puts the
    infinitive of a future tense last; "wird getroffen" (passive) and "wird gewählt" report."""
    words = [t for t in doc[lo:hi] if not t.is_punct and not t.is_space]
    if not words:
        return False
    last = words[-1]
    word = last.text.lower()
    if last.pos_ not in ("VERB", "AUX", "") or not last.text.islower():
        return False
    return len(word) > 4 and word.endswith("n") and not PARTICIPLE.match(word)


def _zu_infinitive(doc, lo: int, hi: int) -> bool:
    for token in doc[lo:hi]:
        following = doc[token.i + 1] if token.i + 1 < hi else None
        if token.text.lower() == "zu" and following is not None and following.pos_ in ("VERB", "AUX", ""):
            word = following.text.lower()
            if following.text.islower() and word not in ARTICLES and not word.startswith(DETERMINER_STEMS):
                return True
        if token.pos_ == "VERB" and ZU_INFINITIVE.match(token.text.lower()):
            return True
    return False


def _clause_date(
    article: _Article, lo: int, hi: int, sentence
) -> tuple[date | None, str | None, bool] | None:
    """When the clause's happening took place: a date it names, else the publication date.

    A past year named in the clause ("2014 demonstrierten …") dates the happening then; a
    date after publication means it has not happened yet, and "damals" without a date
    cannot be dated at all: both give no event (``None``).
    """
    doc, published = article.doc, article.published
    start_char, end_char = doc[lo].idx, doc[hi - 1].idx + len(doc[hi - 1].text)
    in_clause = [m for m in article.dates if m.date is not None and start_char <= m.start < end_char]
    in_sentence = [
        m for m in article.dates if m.date is not None and sentence.start_char <= m.start < sentence.end_char
    ]
    for mentions, own in ((in_clause, True), (in_sentence, True)):
        for mention in sorted(mentions, key=lambda m: ("day", "week", "month", "year").index(m.precision)):
            if published is not None and mention.date > published:
                if own:
                    return None  # announced for later
                continue
            if mention.precision in ("day", "week") or published is None:
                return mention.date, mention.precision, own
            if mention.date.year < published.year:  # "2014", "im Jänner 1961": background, dated
                return mention.date, mention.precision, own
    if published is not None:
        if UNDATED_PAST & {t.text.lower() for t in doc[lo:hi]}:
            return None  # "damals": long before the article, but when?
        if _pluperfect(doc, lo, hi):
            return None, None, True  # "hatte … getroffen": before the story, date unknown
        return published, "day", False
    return None, None, False


def _pluperfect(doc, lo: int, hi: int) -> bool:
    words = {t.text.lower() for t in doc[lo:hi]}
    return bool(words & {"hatte", "hatten", "war", "waren"}) and any(_participle(t) for t in doc[lo:hi])


def _verbal(doc, sentence, span) -> bool:
    """An "Angriff"/"attackiert" with no sign of violence in its sentence is a verbal one."""
    if not token_keys(doc[span.start]) & VERBAL_ATTACK_KEYS and not any(
        k.endswith(("angriff", "attacke")) for k in token_keys(doc[span.start])
    ):
        return False
    if any(
        k.startswith(("luft", "raketen", "drohnen", "terror", "bomben")) for k in token_keys(doc[span.start])
    ):
        return False
    return not PHYSICAL_STEMS.search(sentence.text)


def _names_a_person(article: _Article, index: int, lo: int, hi: int) -> bool:
    """A quarrel is between people (or their parties): "Merz attackierte Scholz"."""
    return any(
        lo <= item.start < hi and article.kb.info(item.entity_id).kind == "person"
        for item in article.placed.get(index, [])
    )


def _aimed_at_a_place(article: _Article, index: int, span) -> bool:
    """ "Angriff auf Charkiw": aimed at a town, so physical."""
    return any(
        item.start >= span.end and item.prep == "auf" and article.kb.info(item.entity_id).kind == "place"
        for item in article.placed.get(index, [])
    )


def _quoted_only(article: _Article, item: _Placed, span) -> bool:
    """A name inside quotation marks is no actor of a trigger outside them (and vice versa)."""
    return (item.start in article.quoted) != (span.start in article.quoted)


def _quoted_tokens(doc) -> set[int]:
    text, inside = doc_text(doc), set()
    i = 0
    while i < len(text):
        closers = QUOTE_PAIRS.get(text[i])
        if closers:
            j = i + 1
            while j < len(text) and text[j] not in closers and j - i < 600:
                j += 1
            if j < len(text) and text[j] in closers and j - i > 25:  # "„Telegraph“" is a name, not a quote
                span = doc.char_span(i + 1, j, alignment_mode="expand")
                if span is not None:
                    inside.update(range(span.start, span.end))
                i = j + 1
                continue
        i += 1
    return inside


# --- actors and places of one clause


def _place_mentions(doc, mentions, kb: KnowledgeBase, sentences) -> dict[int, list[_Placed]]:
    """Linked mentions by sentence index, with the words just before them."""
    by_sentence: dict[int, list[_Placed]] = defaultdict(list)
    linked = sorted((m for m in mentions if m.entity_id in kb.entities), key=lambda m: m.start)
    token_spans = [doc.char_span(m.start, m.end, alignment_mode="expand") for m in linked]
    for n, (mention, span) in enumerate(zip(linked, token_spans, strict=True)):
        if span is None:
            continue
        sentence_start = sentences[min(mention.sentence_index, len(sentences) - 1)].start
        previous_end = token_spans[n - 1].end if n and token_spans[n - 1] is not None else 0
        window_start = max(sentence_start, previous_end, span.start - ROLE_WINDOW)
        cues = frozenset(t.text.lower() for t in doc[window_start : span.start])
        prep, det = _preposition(doc, max(sentence_start, span.start - PREP_WINDOW), span.start)
        by_sentence[mention.sentence_index].append(
            _Placed(mention.entity_id, span.start, span.end, cues, mention.kind, prep, det)
        )
    return by_sentence


def _preposition(doc, window_start: int, start: int) -> tuple[str, str]:
    """The preposition a name stands after, over its article and adjectives ("in der
    nordkoreanischen Hauptstadt"), and that article; "" where another word comes between."""
    det = ""
    for i in range(start - 1, window_start - 1, -1):
        word = doc[i].text.lower()
        if word in ANY_PREPOSITION:
            return word, det
        if (
            word in ARTICLES
            or word in PLACE_NOUNS
            or (doc[i].text.islower() and doc[i].pos_ in ("ADJ", "DET", ""))
        ):
            det = det or (word if word in ARTICLES else "")
            continue
        if i == start - 1 and doc[i].text[:1].isupper() and doc[i].pos_ == "NOUN":
            continue  # a title before the name: "von Innenminister Sobotka"
        if det in ("der", "des") and doc[i].text[:1].isupper() and doc[i].pos_ in ("NOUN", ""):
            return GENITIVE, det  # "dem Flughafen der Hauptstadt Beirut": Beirut's airport
        break
    return "", det


def _is_locative(item: _Placed, event_type: EventType) -> bool:
    if item.prep in LOCATIVE:
        return True
    return event_type.id == "meet" and item.prep in DIRECTIONAL


def _clause_actors(
    article: _Article, event_type: EventType, items: list[_Placed], span, clause: tuple[int, int]
) -> dict[int, str]:
    """Who acts (source) on whom (target) in the clause, or who takes part.

    "von/durch X" makes X the source, "gegen/auf/an X" the target; else the first name is
    the source and the next one the target (German clauses mostly put the subject first).
    A genitive right after a noun trigger is its agent ("der Angriff Russlands"). Cities
    stand for their governments ("Pjöngjang liefert Munition"); names after "in"/"bei"
    are places; outlets report, they do not act.
    """
    kb = article.kb
    # "Washington reagiert auf den Angriff auf Charkiw": a noun trigger inside a phrase takes
    # its actors from the words after it; the names before belong to the main verb.
    embedded = _embedded_noun(article.doc, span) or _bare_noun(article.doc, span, items, clause)
    passive = _passive(article.doc, *clause)
    roles: list[tuple[int, str | None]] = []
    kept: list[_Placed] = []
    for item in items:
        if _no_actor(article, event_type, item, span, embedded):
            continue
        entity_id = item.entity_id
        if kb.info(entity_id).kind == "place" and kb.info(entity_id).name in METONYMS:
            entity_id = _named(kb, METONYMS[kb.info(entity_id).name]) or entity_id
        if kb.info(entity_id).kind == "place":
            aimed = (
                item.prep == "gegen"
                or (item.prep == "auf" and event_type.id == "attack")
                or (item.prep in ("an", "für") and event_type.id in GIVING_TYPES)  # "Munition für Moskau"
            )
            if item.prep and not aimed and item.start != span.end + 1:
                continue  # "im Zentrum von Tel Aviv", "auf dem Flughafen Beirut" are no actors
            entity_id = kb.country_entity(kb.info(entity_id).country)
            if entity_id is None:
                continue
        roles.append((entity_id, _cue_role(event_type, item, span, passive)))
        kept.append(item)
    # "Russlands Präsident Wladimir Putin": the person acts, not the country beside him.
    people = [
        (item, kb.info(e).country)
        for (e, _), item in zip(roles, kept, strict=True)
        if kb.info(e).kind == "person"
    ]
    pairs = [
        (role, item)
        for role, item in zip(roles, kept, strict=True)
        if not (
            kb.info(role[0]).kind == "country"
            and any(
                country == kb.info(role[0]).country and 0 <= person.start - item.end <= 3
                for person, country in people
            )
        )
    ]
    roles = [role for role, _ in pairs]
    actors: dict[int, str] = {}
    if not event_type.directed:
        for entity_id, role in roles:
            against = role == "target" and event_type.id == "protest"
            actors.setdefault(entity_id, "target" if against else "participant")
        return _trim(actors)
    return _trim(_directed_roles(article.doc, event_type, pairs, span, clause[0], passive))


def _followed_by(doc, item: _Placed, word: str) -> bool:
    return item.end < len(doc) and doc[item.end].text.lower() == word


def _is_dateline(doc, item: _Placed) -> bool:
    at_start = item.start == 0 or doc[item.start - 1].is_space or doc[item.start - 1].text in ".!?"
    return at_start and item.end < len(doc) and doc[item.end].text in ("–", "—", "-", "/", "(")


def _coordinated(doc, first: _Placed, second: _Placed) -> bool:
    """Two names joined by "und", "sowie", "als auch" or a comma, and nothing else."""
    between = [t.text.lower() for t in doc[first.end : second.start]]
    return 0 < len(between) <= 2 and set(between) <= {"und", "sowie", "als", "auch", ","}


def _directed_roles(doc, event_type: EventType, pairs: list, span, lo: int, passive: bool) -> dict[int, str]:
    """Roles by cue, else by order: the first name acts, the next is acted on."""
    actors: dict[int, str] = {}
    has_source = any(role == "source" for (_, role), _ in pairs)
    # "Raab wurde gewählt", "Durnwalder wurde verurteilt", "X tritt zurück", "Y wird neuer
    # Minister": the one it happens to is the target; the agent, if any, says "von X".
    undergoes = passive or _comes_or_goes(doc, event_type, span)
    # "Das Militär des Landes drohte Südkorea": a subject the text names without a known name
    # stands before the verb, so the name after it is the object.
    fronted = _unnamed_subject_before(doc, span, lo, [item for _, item in pairs])
    previous: tuple[_Placed, str] | None = None
    for (entity_id, role), item in pairs:
        if role is None and previous is not None and _coordinated(doc, previous[0], item):
            role = previous[1]  # "Valls und Cazeneuve verurteilten …": both accuse
        if role is None and undergoes and not item.prep:
            role = "target"
        if role is None and fronted and item.start > span.start:
            role = "target"
        if role is None:
            role = "target" if has_source else "source"
            has_source = True
        actors.setdefault(entity_id, role)
        previous = (item, role)
    return actors


def _unnamed_subject_before(doc, span, lo: int, items: list[_Placed]) -> bool:
    """A verb trigger whose clause opens with an article and a noun that no name covers."""
    if span[0].pos_ not in ("VERB", "AUX"):
        return False
    if span.start - lo < 2 or doc[lo].text.lower() not in SUBJECT_ARTICLES:
        return False
    named = {i for item in items for i in range(item.start, item.end)}
    return doc[lo + 1].text[:1].isupper() and (lo + 1) not in named and doc[lo + 1].pos_ in ("NOUN", "")


def _participle(token) -> bool:
    """ "gewählt", "angegriffen", "ernannt", "verurteilt": a past participle, by its shape
    (and the tagger's verb, where there is one)."""
    word = token.text.lower()
    if word in NOT_PARTICIPLES or token.pos_ not in ("VERB", "AUX", ""):
        return False
    return bool(PARTICIPLE.match(word) or INSEPARABLE_PARTICIPLE.match(word) or word.endswith("iert"))


def _passive(doc, lo: int, hi: int) -> bool:
    """ "wurde gewählt", "wird von Kim empfangen": a form of "werden" and a participle."""
    return bool({t.text.lower() for t in doc[lo:hi]} & PASSIVE) and any(_participle(t) for t in doc[lo:hi])


def _comes_or_goes(doc, event_type: EventType, span) -> bool:
    if event_type.id not in ("appoint", "resign"):
        return False
    # "X ernennt Y", "X entlässt Y": an appointer acts; "X tritt zurück", "X wird neuer …",
    # "Kandidatur von X": the person comes or goes.
    return not any(token_keys(t) & APPOINTING_VERBS for t in doc[span.start : span.end])


def _no_actor(article: _Article, event_type: EventType, item: _Placed, span, embedded: bool) -> bool:
    """Names of the clause that are not the trigger's actors: places where it happened,
    venues ("im Bundestag"), outlets, names outside a noun trigger's own phrase."""
    info = article.kb.info(item.entity_id)
    if _is_dateline(article.doc, item):
        return True  # "Wien – …": where the report was filed
    if item.kind == "adjective":
        # "die nordkoreanischen Medien" are not North Korea; "ein russischer Angriff" is Russia's,
        # and "die iranische Polizei" is Iran's
        return not (_attributive(article.doc, item, span) or _institution_after(article.doc, item))
    if item.prep in VENUES and info.kind == "organization":
        return True  # "im Bundestag", "vor dem UN-Menschenrechtsrat": where, not who
    if item.prep in ("laut", "zufolge") or _followed_by(article.doc, item, "zufolge"):
        return True  # "laut Human Rights Watch": who reports
    giver = event_type.id in GIVING_TYPES and item.prep in GIVER_CUES and info.kind == "country"
    if info.kind in PLACE_KINDS and _is_locative(item, event_type) and not giver:
        return True
    if _is_reporter(article.kb, item.entity_id) or item.prep in event_type.not_actors:
        return True
    if event_type.id in ("appoint", "resign") and info.kind == "organization" and item.start == span.end + 1:
        return article.doc[span.end].text.lower() in ("der", "des")  # "wurde Kommunikationschef der SPÖ"
    if (
        event_type.id in ("appoint", "resign")
        and span.start <= item.start < span.end
        and span.end - span.start > 2
    ):
        return True  # "zur Nachfolgerin des Generaldirektors Spindelegger gewählt": office, body, predecessor
    if (
        embedded
        and event_type.roles == "symmetric"
        and item.start < span.start
        and _with_partner(article.doc, span)
    ):
        return False  # "Xi ging bei einem Treffen mit Erdoğan …": Xi met him
    return embedded and not _attached(article.doc, item, span)


def _institution_after(doc, item: _Placed) -> bool:
    return item.end < len(doc) and doc[item.end].text.lower() in INSTITUTIONS


def _with_partner(doc, span) -> bool:
    return span.end < len(doc) and doc[span.end].text.lower() in ("mit", "zwischen")


def _relative_antecedent(
    article: _Article, event_type: EventType, index: int, lo: int, hi: int
) -> dict[int, str]:
    """ "Trump, der wegen Missbrauchs verurteilt wurde": a relative clause's actor is the name
    before its comma; the subject of a passive clause is its target."""
    doc = article.doc
    if lo == 0 or doc[lo - 1].text != "," or doc[lo].text.lower() not in RELATIVES:
        return {}
    before = [i for i in article.placed.get(index, []) if i.end <= lo - 1 and lo - 1 - i.end <= 1]
    if not before or article.kb.info(before[-1].entity_id).kind not in ACTOR_KINDS:
        return {}
    passive = bool(PASSIVE & {t.text.lower() for t in doc[lo:hi]})
    role = "participant" if not event_type.directed else "target" if passive else "source"
    return {before[-1].entity_id: role}


def _is_noun(span) -> bool:
    return (
        span[0].text[:1].isupper() and span[0].pos_ in ("NOUN", "PROPN", "") and span[0].i > span.sent.start
    )


def _bare_noun(doc, span, items: list[_Placed], clause: tuple[int, int]) -> bool:
    """A noun trigger whose clause's verb is not a light verb of it: "Faeser nannte die
    Kundgebung schwer erträglich" (Faeser did not demonstrate); with "Putin und Kim führten
    Gipfelgespräche" the names before are the actors."""
    if not _is_noun(span) or not items:
        return False
    lo, hi = clause
    verbs = [t for t in doc[lo:hi] if t.pos_ == "VERB" and not (span.start <= t.i < span.end)]
    if not verbs:
        return False  # a headline ("Putin-Besuch in Pjöngjang") or a verbless phrase
    return not any(token_keys(t) & LIGHT_VERBS for t in verbs)


def _embedded_noun(doc, span) -> bool:
    """A noun trigger after a preposition and its article: "auf den Angriff", "nach dem Treffen"."""
    first = doc[span.start]
    if not first.text[:1].isupper() or first.pos_ not in ("NOUN", "PROPN", ""):
        return False
    i = span.start - 1
    while i >= 0 and doc[i].text[:1].islower() and doc[i].text.lower() not in PREPOSITIONS:
        if doc[i].pos_ in ("VERB", "AUX") or span.start - i > 4:
            return False
        i -= 1
    if i < 0 or i == span.start - 1:
        return False
    if any(doc[j].text.lower().startswith(("sein", "ihr")) for j in range(i + 1, span.start)):
        return False  # "bei seinem Besuch in Ägypten": his visit, so the clause's subject visits
    if doc[i].text.lower() in PREPOSITIONS:
        return True
    # "im Vorfeld der Wahl": a genitive attribute of another noun
    return (
        doc[i + 1].text.lower() in ("der", "des")
        and doc[i].text[:1].isupper()
        and doc[i].pos_ in ("NOUN", "")
    )


def _attached(doc, item: _Placed, span) -> bool:
    """Whether a name belongs to a noun trigger's own phrase: an adjective before it
    ("russischen Luftangriff"), a genitive or a phrase with "von/gegen/auf/mit/zwischen"
    right after it ("der Angriff Russlands auf Kiew", "das Treffen mit den Grünen")."""
    if item.kind == "adjective":
        return _attributive(doc, item, span)
    if item.start < span.end:
        return False
    between = [t.text.lower() for t in doc[span.end : item.start]]
    if len(between) > 4 or any(
        t.pos_ in ("VERB", "AUX") or t.text in ",;:" for t in doc[span.end : item.start]
    ):
        return False
    return not between or bool(set(between) & (AGENT_CUES | TARGET_CUES | {"mit", "zwischen", "des", "der"}))


def _attributive(doc, item: _Placed, span) -> bool:
    """ "russischen Luftangriff": an adjective in the trigger's own phrase names its agent."""
    return item.end <= span.start and all(doc[i].pos_ == "ADJ" for i in range(item.end, span.start))


def _cue_role(event_type: EventType, item: _Placed, span, passive: bool) -> str | None:
    if item.kind == "adjective" and _attributive(span.doc, item, span):
        return "source"
    if item.prep == GENITIVE and _head_preposition(span.doc, item) in ROLE_PREPS:
        return "target"  # "gegen den Chef der HDP": the HDP's side is the target
    if event_type.id in GIVING_TYPES and item.prep in GIVER_CUES:
        return "source"
    if event_type.id == "demand" and item.prep in ("von", "vom"):
        return "target"  # "fordert von Scholz": Scholz is asked
    if event_type.id in ("attack", "weapons_test") and item.prep == "aus":
        return "source"  # "Raketen aus dem Gazastreifen auf Israel": from where they came
    if item.prep in AGENT_CUES:
        if item.prep in ("von", "vom") and not (passive or _own_von(span.doc, item, span)):
            return "target"  # "lehnen Pläne von Innenminister Sobotka ab": his plans are rejected
        return "source"
    if event_type.id == "protest":
        return "target" if item.prep in AGAINST else None
    if item.prep in ROLE_PREPS or (not item.prep and item.det in OBJECT_ARTICLES):
        return "target"
    if item.start == span.end and span.end - span.start == 1 and span[0].pos_ == "NOUN":
        return "source"  # "der Angriff Russlands", "die Forderung Merz'"
    return None


def _head_preposition(doc, item: _Placed) -> str:
    """The preposition of the noun a genitive name belongs to ("gegen den Chef der HDP")."""
    i = item.start - 1
    while i > 0 and (doc[i].text.islower() or doc[i].pos_ == "ADJ"):
        i -= 1
    return _preposition(doc, max(0, i - PREP_WINDOW), i)[0] if i > 0 else ""


def _own_von(doc, item: _Placed, span) -> bool:
    """ "Waffenlieferungen von Pjöngjang": the trigger's own "von" names its agent (as a
    passive's does, "wurde von Kim empfangen"); "Pläne von Sobotka" in an active clause names
    the owner of the object."""
    between = doc[span.end : item.start]
    return item.start >= span.end and all(t.text.lower() in ("von", "vom") or t.is_space for t in between)


def _trim(actors: dict[int, str]) -> dict[int, str]:
    return dict(list(actors.items())[:MAX_ACTORS])


def _clause_places(
    article: _Article, event_type: EventType, index: int, items: list[_Placed], lo: int, hi: int
) -> list[tuple[int, bool]]:
    """Places named as where the happening was: after "in/bei/nahe" (attacks also where
    they are aimed: "Luftangriff auf Kiew"); never a war's scene for another type."""
    kb, found = article.kb, []
    known = article.placed.get(index, [])
    extra = [
        i for i in _locative_names(article.doc, article.sentences[index], known, kb) if lo <= i.start < hi
    ]
    for item in items + extra:
        info = kb.info(item.entity_id)
        if info.kind not in PLACE_KINDS or item.kind == "adjective":
            continue
        if article.doc[item.start : item.end].text.lower() in DIRECTIONS | MONTHS:
            continue  # "im Norden des Westjordanlandes", "im Mai": no towns Norden or Mai
        if _is_locative(item, event_type):
            if item.cues & WAR_SCENE and event_type.id != "attack":
                continue
            found.append((item.entity_id, True))
        elif event_type.id == "attack" and info.kind == "place" and item.prep == "auf":
            found.append((item.entity_id, False))
    return found


def _locative_names(doc, sentence, known: list[_Placed], kb: KnowledgeBase) -> list[_Placed]:
    """Places after "in"/"bei" that linking missed.

    A tagger that calls "Pjöngjang" a common noun keeps linking from taking a lone word as a
    place (German capitalises every noun); after a locative preposition ("in der Hauptstadt
    Pjöngjang") a capitalised word the knowledge base knows as a place is one.
    """
    covered = {i for item in known for i in range(item.start, item.end)}
    found = []
    for token in sentence:
        if token.text.lower() not in LOCATIVE:
            continue
        j = token.i + 1
        while j < sentence.end and j - token.i <= 3 and doc[j].text.lower() in ARTICLES | PLACE_NOUNS:
            j += 1
        if j >= sentence.end or j in covered or not doc[j].text[:1].isupper():
            continue
        for end in (j + 2, j + 1):
            if end > sentence.end or any(i in covered for i in range(j, end)):
                continue
            best = _best_place(kb, doc[j:end].text)
            if best is not None:
                word = token.text.lower()
                found.append(_Placed(best, j, end, frozenset({word}), "name", word))
                break
    return found


def _best_place(kb: KnowledgeBase, name: str) -> int | None:
    candidates, _ = kb.lookup(name)
    places = [c.entity_id for c in candidates if c.entity_id in kb.entities]
    places = [e for e in places if kb.info(e).kind in PLACE_KINDS]
    return max(places, key=lambda e: kb.info(e).population) if places else None


def _dateline(article: _Article) -> int | None:
    """The place of a dateline ("Wien – …") in the first sentences, if the KB knows it."""
    for sentence in article.sentences[:3]:
        match = DATELINE.match(sentence.text)
        if match:
            return _best_place(article.kb, match.group(1))
    return None


# --- happenings: triggers of one type about the same thing


def _happenings(mentions: list[_Mention]) -> list[list[_Mention]]:
    """Mentions grouped into happenings: same type, and a shared actor (a country counts as
    shared with its people) or no actor on one side; dates that do not contradict."""
    groups: list[list[_Mention]] = []
    for mention in mentions:
        for group in groups:
            if group[0].type.id == mention.type.id and _same_happening(group, mention):
                group.append(mention)
                break
        else:
            groups.append([mention])
    return groups


def _same_happening(group: list[_Mention], mention: _Mention) -> bool:
    """Whether a mention reports the group's happening. Different towns or dates the clauses
    name make two happenings; so do different people on the same side (two accusers, two
    pairs meeting). A name missing on one side is no difference: "Putin kam an" and "Kim
    empfing ihn" are one visit."""
    if any(m.date != mention.date and (m.explicit or mention.explicit) for m in group):
        return False
    towns = set().union(*(m.towns for m in group))
    if towns and mention.towns and not towns & mention.towns:
        return False
    ours = set(mention.actors)
    theirs = {entity_id for m in group for entity_id in m.actors}
    if ours & theirs:
        return True
    # "Kim" in the headline and "Nordkorea" in the body are one side of one deal.
    homes = set().union(*(m.homes for m in group))
    countries = set().union(*(m.countries for m in group))
    if mention.countries & homes or countries & mention.homes:
        return True
    if not ours or not theirs:
        # "Putin traf Kim. Das Treffen dauerte drei Stunden": a mention without names goes
        # with the happening of the sentence before, not with any of its type in the article.
        return any(abs(m.sentence - mention.sentence) <= 1 for m in group)
    if not mention.type.directed:
        return len(ours) < 2 or len(theirs) < 2
    for role in ("source", "target"):
        mine = {e for e, r in mention.actors.items() if r == role}
        others = {e for m in group for e, r in m.actors.items() if r == role}
        if mine and others:
            return False  # both name this side, and not the same
    return True


def _build_event(article: _Article, group: list[_Mention], dateline: int | None) -> EventData:
    kb = article.kb
    event_type = group[0].type
    strongest = max(group, key=lambda m: (m.weight, -m.start))
    actors = _merged_actors(kb, group)
    place_id = _event_place(kb, group)
    current = all(not m.explicit for m in group)
    if place_id is None and current and dateline is not None and _at_home(kb, dateline, actors):
        place_id = dateline
    if place_id is None and event_type.id in DOMESTIC_TYPES:
        place_id = _home_country(article, actors)
    if place_id in {entity_id for entity_id, _ in actors}:
        place_id = None  # "Militärhilfe: Nordkorea an Russland in Nordkorea" says nothing more
    dated = [m for m in group if m.explicit] or group
    best_date = min(dated, key=lambda m: ("day", "week", "month", "year", None).index(m.precision))
    trigger_span = article.doc[strongest.start : strongest.end]
    return EventData(
        type=event_type.id,
        title=_title(event_type, actors, place_id, kb),
        date=best_date.date,
        date_precision=best_date.precision,
        place_entity_id=place_id,
        actors=actors,
        trigger=(trigger_span.start_char, trigger_span.end_char, trigger_span.text),
        confidence=round(min(_support(group), MAX_CONFIDENCE), 2),
        sentence_indexes=sorted({m.sentence for m in group}),
    )


def _at_home(kb: KnowledgeBase, place_id: int, actors: list[tuple[int, str]]) -> bool:
    """A dateline places an event only where one of its actors is at home: "Wien – Kurz
    fordert …", not "Addis Abeba – Nkurunziza lehnt … ab" (a report from the AU's seat)."""
    country = kb.info(place_id).country
    return bool(country) and any(kb.info(e).country == country for e, _ in actors)


def _home_country(article: _Article, actors: list[tuple[int, str]]) -> int | None:
    """An election, arrest or verdict happens at home: where all its people and parties come
    from, if they share one country (no place at all says less on a map)."""
    homes = {article.kb.info(e).country for e, _ in actors if article.kb.info(e).kind != "country"}
    if len(homes) != 1 or "" in homes or None in homes:
        return None
    return article.kb.country_entity(homes.pop())


def _merged_actors(kb: KnowledgeBase, group: list[_Mention]) -> list[tuple[int, str]]:
    """Each actor once, in the role most of its mentions give it; sources first."""
    votes: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    first_seen: dict[int, int] = {}
    for mention in group:
        for entity_id, role in mention.actors.items():
            votes[entity_id][role] += mention.weight
            first_seen.setdefault(entity_id, len(first_seen))
    weight = {e: sum(v.values()) for e, v in votes.items()}
    # The strongest report's names, and names that two reports give: a name only one passing
    # mention adds ("Obama" in a sentence about Kerry's meeting) is not taken on trust.
    strongest = max(group, key=lambda m: (len(m.actors) > 0, m.weight, -m.start))
    near = {e for m in group if abs(m.sentence - strongest.sentence) <= 1 for e in m.actors}
    counts = {e: sum(1 for m in group if e in m.actors) for e in votes}
    trusted = [e for e in votes if e in near or counts[e] >= 2]
    ranked = sorted(trusted, key=lambda e: (-weight[e], first_seen[e]))[:MAX_ACTORS]
    order = {"source": 0, "target": 1, "participant": 2}
    actors = [(e, max(votes[e], key=lambda r: (votes[e][r], -order[r]))) for e in ranked]
    # "Nordkorea" twice in the body and "Kim" once in the headline, on the same side: one
    # of them says it; the better supported one stays.
    side = {(kb.info(e).country, role): e for e, role in actors if kb.info(e).kind == "country"}
    actors = [
        (e, role)
        for e, role in actors
        if not (
            kb.info(e).kind != "country"
            and (country := side.get((kb.info(e).country, role))) is not None
            and weight[country] >= weight[e]
        )
    ]
    return sorted(actors, key=lambda a: (order[a[1]], first_seen[a[0]]))


def _event_place(kb: KnowledgeBase, group: list[_Mention]) -> int | None:
    """The most specific place named as the event's location, "in Pjöngjang" over "in Nordkorea"."""
    found: dict[int, float] = defaultdict(float)
    located: set[int] = set()
    for mention in group:
        for entity_id, locative in mention.places:
            found[entity_id] += mention.weight if locative else mention.weight / 2
            if locative:
                located.add(entity_id)
    if not found:
        return None
    countries = {kb.info(e).country for e in located if kb.info(e).kind == "country"}

    def rank(entity_id: int) -> tuple:
        info = kb.info(entity_id)
        is_place = info.kind == "place"
        in_country = is_place and info.country in countries
        return (is_place, entity_id in located, in_country, found[entity_id], info.population)

    return max(found, key=rank)


def _reported_in_lead(doc, group: list[_Mention]) -> bool:
    """A verb in headline or lead reports it ("trafen sich"); a noun may name a topic."""
    return any(m.sentence < LEAD_SENTENCES and not _is_noun(doc[m.start : m.end]) for m in group)


def _untargeted_criticism(event: EventData, group: list[_Mention]) -> bool:
    """ "warnte Rostek", "kritisierte die Pläne": criticism of nobody is a statement, not
    an accusation; only a strong word ("vorwerfen", "beschuldigen") says so alone. A threat
    needs someone who threatens ("sonst drohen Slums" is a danger)."""
    if event.type == "threaten":
        return not any(role == "source" for _, role in event.actors)
    if event.type != "accuse" or any(role == "target" for _, role in event.actors):
        return False
    return max(m.weight for m in group) < STRONG_ACCUSATION


def _lead_score(group: list[_Mention]) -> tuple:
    """The main event: the one headline and lead report most strongly; then the best supported."""
    lead = [m for m in group if m.sentence < LEAD_SENTENCES]
    return (_support(lead), _support(group), -group[0].start)


def _support(group: list[_Mention]) -> float:
    """Noisy-or of the trigger weights: many weak mentions add up, but never to certainty."""
    doubt = 1.0
    for mention in group:
        doubt *= 1.0 - mention.weight
    return round(1.0 - doubt, 3)


def _is_reporter(kb: KnowledgeBase, entity_id: int) -> bool:
    return kb.info(entity_id).org_type in REPORTER_ORG_TYPES


def _named(kb: KnowledgeBase, name: str) -> int | None:
    candidates, _ = kb.lookup(name)
    return next((c.entity_id for c in candidates if kb.info(c.entity_id).name == name), None)


# --- title


def _title(event_type: EventType, actors: list[tuple[int, str]], place_id: int | None, kb) -> str:
    """ "Treffen: Wladimir Putin und Kim Jong Un in Pjöngjang", "Sanktionen: EU gegen Russland"."""
    names = {role: [kb.info(e).name for e, r in actors if r == role] for role in ("source", "target")}
    others = [kb.info(e).name for e, r in actors if r == "participant"]
    if event_type.directed and names["source"] and names["target"]:
        who = f"{_join(names['source'])} {event_type.joiner} {_join(names['target'])}"
    elif event_type.id == "protest" and names["target"]:
        who = _join(others) + (" " if others else "") + f"gegen {_join(names['target'])}"
    else:
        who = _join(names["source"] + names["target"] + others)
    title = event_type.label + (f": {who}" if who else "")
    if place_id is not None:
        title += f" in {kb.info(place_id).name}"
    return title


def _join(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " und " + names[-1]
