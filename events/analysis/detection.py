"""Events inside one article: what happened (type), when, where, and who took part.

Input: a parsed ``Doc`` (sentences if the pipeline has them), the article's linked mentions
(``events.analysis.linking.link_doc``), the knowledge base and the publication date. Steps:

1. Every sentence is searched for trigger words (``events.event_types.classify``). Words
   late in the article count a little less: news put the main event in the lead.
2. Triggers of one type are one event: an article usually reports one main event and
   mentions others in passing. The type whose triggers have the most support is the main
   event; another type is kept as a secondary event only with a strong trigger of its own
   and enough support overall, and with lower confidence.
3. For each event, from the sentences with its triggers: the date (a day or week named
   there, else the publication date), the place (the most specific place named as a
   location, "in Pjöngjang" over "in Nordkorea"), the actors and their roles.

Pure: no database writes; ``kb`` only answers ``info(entity_id)``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from events.analysis.dates import DateMention, find_dates
from events.analysis.event_types import EventType, Taxonomy, classify, load_taxonomy, token_keys
from events.analysis.kb import KnowledgeBase
from events.analysis.sentences import token_ranges

LEAD_SENTENCES = 4  # title and lead paragraph
LATE_FACTOR = 0.85  # triggers after the lead weigh a little less
MIN_PRIMARY_TRIGGER = 0.5  # the main event needs one trigger at least this strong ...
MIN_PRIMARY_SUPPORT = 0.6  # ... or this much support in all
MIN_SECONDARY_TRIGGER = 0.6  # a secondary event needs a strong trigger of its own ...
MIN_SECONDARY_SUPPORT = 0.75  # ... and this much support from two triggers or more ...
MIN_SECONDARY_SINGLE = 0.9  # ... or one trigger this strong (a word in passing is no event)
SECONDARY_FACTOR = 0.8  # secondary events are less certain than the article's main one
WEAK_TRIGGER = 0.5  # below this a trigger is a background mention
MAX_CONFIDENCE = 0.99  # a lexicon never makes an event certain
MAX_ACTORS = 4
ROLE_WINDOW = 4  # tokens before a mention searched for prepositions
LOCATIVE = frozenset({"in", "im", "nach"})
# "Munition für den Krieg in der Ukraine": the place of the war, not of the delivery.
WAR_SCENE = frozenset({"krieg", "kriegs", "krieges", "konflikt", "konflikts", "front", "kämpfe", "kämpfen"})
AGENT_CUES = frozenset({"von", "vom", "durch", "seitens"})
TARGET_CUES = frozenset({"gegen", "auf", "an", "für", "gegenüber"})
PASSIVE_KEYS = frozenset({"werden", "wurde", "wurden", "wird"})
ACTOR_KINDS = frozenset({"person", "organization"})
PLACE_KINDS = frozenset({"place", "country"})
# Outlets and agencies report events ("laut AP", "berichtet der Telegraph"); they are not actors.
REPORTER_ORG_TYPES = frozenset({"media", "agency", "state_media"})
ARTICLES = frozenset({"der", "die", "das", "dem", "den", "des"})
PLACE_NOUNS = frozenset({"hauptstadt", "stadt", "hafenstadt", "grenzstadt", "metropole", "region", "provinz"})
CLAUSE_BREAKS = frozenset({",", ";", ":", "–", "-", "dass", "weil", "nachdem", "obwohl", "während"})


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
        }


@dataclass(frozen=True)
class _Hit:
    type_id: str
    weight: float
    sentence: int
    start: int  # token indexes
    end: int


@dataclass(frozen=True)
class _Placed:
    """A linked mention located in the doc: its tokens and the words just before it."""

    entity_id: int
    start: int  # token indexes
    end: int
    cues: frozenset[str]
    kind: str  # the mention's kind: name, partial, adjective, descriptor


class _Evidence(NamedTuple):
    """What the place and the actors of one event are read from (one argument, not six)."""

    event_type: EventType
    hits: list[_Hit]
    doc: object
    sentences: list
    placed: dict[int, list[_Placed]]
    kb: KnowledgeBase


def detect_events(
    doc, mentions, kb: KnowledgeBase, published: date | None = None, taxonomy: Taxonomy | None = None
) -> list[EventData]:
    """The article's events, main event first."""
    taxonomy = taxonomy or load_taxonomy()
    # The sentences that number the mentions (events.analysis.sentences), so index k is the same words.
    sentences = [doc[s:e] for s, e in token_ranges(doc)] or [doc[:]]
    hits = _find_hits(sentences, taxonomy)
    if not hits:
        return []
    by_type: dict[str, list[_Hit]] = defaultdict(list)
    for hit in hits:
        by_type[hit.type_id].append(hit)
    ranked = sorted(by_type.items(), key=lambda item: _rank_key(item[1]))
    placed = _place_mentions(doc, mentions, kb, sentences)
    dates = find_dates(doc, published)

    events: list[EventData] = []
    for rank, (type_id, type_hits) in enumerate(ranked):
        support, strongest = _support(type_hits), max(h.weight for h in type_hits)
        if rank == 0:
            if strongest < MIN_PRIMARY_TRIGGER and support < MIN_PRIMARY_SUPPORT:
                return []
            confidence = min(support, MAX_CONFIDENCE)
        else:
            if not _secondary_supported(type_hits):
                continue
            confidence = min(support * SECONDARY_FACTOR, events[0].confidence - 0.01)
        event = _build_event(
            taxonomy.types[type_id], type_hits, doc, sentences, placed, dates, kb, published, confidence
        )
        events.append(event)
    # "Zusammenarbeit" with nobody and nowhere says nothing an analyst could use: an event
    # needs an actor or a place (a fifth of the corpus' events were only a type name).
    return [event for event in events if event.actors or event.place_entity_id is not None]


def _find_hits(sentences, taxonomy: Taxonomy) -> list[_Hit]:
    hits = []
    for index, sentence in enumerate(sentences):
        factor = 1.0 if index < LEAD_SENTENCES else LATE_FACTOR
        for type_id, confidence, span in classify(sentence, taxonomy):
            if type_id != "other":
                hits.append(_Hit(type_id, round(confidence * factor, 3), index, span.start, span.end))
    return hits


def _rank_key(hits: list[_Hit]) -> tuple:
    """Strong triggers decide the main event; background words ("Krieg") only break ties,
    however often an article repeats them."""
    strong = [h for h in hits if h.weight >= WEAK_TRIGGER]
    return (-_support(strong), -_support(hits), hits[0].start)


def _secondary_supported(hits: list[_Hit]) -> bool:
    strongest = max(h.weight for h in hits)
    if strongest >= MIN_SECONDARY_SINGLE:
        return True
    return len(hits) >= 2 and strongest >= MIN_SECONDARY_TRIGGER and _support(hits) >= MIN_SECONDARY_SUPPORT


def _support(hits: list[_Hit]) -> float:
    """Noisy-or of the trigger weights: many weak mentions add up, but never to certainty."""
    doubt = 1.0
    for hit in hits:
        doubt *= 1.0 - hit.weight
    return round(1.0 - doubt, 3)


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
        by_sentence[mention.sentence_index].append(
            _Placed(mention.entity_id, span.start, span.end, cues, mention.kind)
        )
    return by_sentence


def _locative_names(doc, sentence, known: list[_Placed], kb: KnowledgeBase) -> list[_Placed]:
    """Places after "in"/"nach" that linking missed.

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
            candidates, _ = kb.lookup(doc[j:end].text)
            places = [c.entity_id for c in candidates if c.entity_id in kb.entities]
            places = [e for e in places if kb.info(e).kind in PLACE_KINDS]
            if places:
                best = max(places, key=lambda e: kb.info(e).population)
                found.append(_Placed(best, j, end, frozenset({token.text.lower()}), "name"))
                break
    return found


def _build_event(
    event_type: EventType,
    hits: list[_Hit],
    doc,
    sentences,
    placed: dict[int, list[_Placed]],
    dates: list[DateMention],
    kb: KnowledgeBase,
    published: date | None,
    confidence: float,
) -> EventData:
    strongest = max(hits, key=lambda h: (h.weight, -h.start))
    sentence_indexes = sorted({h.sentence for h in hits})
    evidence = _Evidence(event_type, hits, doc, sentences, placed, kb)
    place_id = _event_place(evidence)
    if event_type.directed:
        actors = _directed_actors(evidence)
    else:
        actors = _symmetric_actors(event_type, hits, sentences, placed, kb, place_id)
    if place_id in {entity_id for entity_id, _ in actors}:
        place_id = None  # "Militärhilfe: Nordkorea an Russland in Nordkorea" says nothing more
    day, precision = _event_date(hits, sentences, dates, published)
    trigger_span = doc[strongest.start : strongest.end]
    return EventData(
        type=event_type.id,
        title=_title(event_type, actors, place_id, kb),
        date=day,
        date_precision=precision,
        place_entity_id=place_id,
        actors=actors,
        trigger=(trigger_span.start_char, trigger_span.end_char, trigger_span.text),
        confidence=round(confidence, 2),
        sentence_indexes=sentence_indexes,
    )


def _sentence_weights(hits: list[_Hit]) -> dict[int, float]:
    weights: dict[int, float] = {}
    for hit in hits:
        weights[hit.sentence] = max(weights.get(hit.sentence, 0.0), hit.weight)
    return weights


# --- date


def _event_date(
    hits: list[_Hit], sentences, dates: list[DateMention], published: date | None
) -> tuple[date | None, str | None]:
    """A day or week named with the strongest triggers; else the publication date.

    Month and year mentions in trigger sentences are usually background ("seit Februar
    2022"), so they count only when there is no publication date.
    """
    weights = _sentence_weights(hits)
    ordered = sorted(weights, key=lambda s: (-weights[s], s))
    coarse: tuple[date, str] | None = None
    for index in ordered:
        sentence = sentences[index]
        for mention in dates:
            if mention.date is None or not sentence.start_char <= mention.start < sentence.end_char:
                continue
            if mention.precision in ("day", "week"):
                return mention.date, mention.precision
            coarse = coarse or (mention.date, mention.precision)
    if published is not None:
        return published, "day"
    return coarse if coarse else (None, None)


# --- place


def _event_place(evidence: _Evidence) -> int | None:
    """The most specific place named as the event's location in its sentences.

    Only names after a locative preposition ("in", "nach") count: "Waffen von Pjöngjang"
    or "Sanktionen gegen Russland" do not say where something happened. Attacks also
    happen in the city they are aimed at ("Luftangriff auf Kiew", "griff Kiew an").
    """
    event_type, hits, doc, sentences, placed, kb = evidence
    weights = _sentence_weights(hits)
    attack = event_type.id == "attack"
    found: dict[int, float] = defaultdict(float)
    located: set[int] = set()  # named after "in"/"nach"
    for sentence, weight in weights.items():
        items = placed.get(sentence, [])
        for item in items + _locative_names(doc, sentences[sentence], items, kb):
            info = kb.info(item.entity_id)
            if info.kind not in PLACE_KINDS or item.kind == "adjective":
                continue
            if item.cues & LOCATIVE:
                if item.cues & WAR_SCENE and event_type.id != "attack":
                    continue
                found[item.entity_id] += weight
                located.add(item.entity_id)
            elif attack and info.kind == "place":
                found[item.entity_id] += weight / 2
    if not found:
        return None
    countries = {kb.info(e).country for e in located if kb.info(e).kind == "country"}

    def rank(entity_id: int) -> tuple:
        info = kb.info(entity_id)
        is_place = info.kind == "place"
        in_country = is_place and info.country in countries
        return (is_place, entity_id in located, in_country, found[entity_id], info.population)

    return max(found, key=rank)


# --- actors


def _symmetric_actors(
    event_type: EventType,
    hits: list[_Hit],
    sentences,
    placed: dict[int, list[_Placed]],
    kb: KnowledgeBase,
    place_id: int | None,
) -> list[tuple[int, str]]:
    """People and organisations named with the triggers; roles where the sentence shows them.

    Kept: those named in two or more trigger sentences, else the two named most. Countries
    stand in only when no person or organisation is named.
    """
    weights = _sentence_weights(hits)
    items = {s: placed.get(s, []) for s in weights}
    chosen = _rank_named(items, weights, kb, ACTOR_KINDS) or _rank_named(
        {s: [i for i in v if not i.cues & LOCATIVE] for s, v in items.items()}, weights, kb, {"country"}
    )
    votes: dict[int, Counter] = {entity_id: Counter() for entity_id in chosen}
    for sentence in weights:
        _meet_role_votes(event_type, sentences[sentence], items[sentence], votes)
    _home_country_votes(votes, place_id, kb)
    actors = []
    for entity_id in chosen:
        source, target = votes[entity_id]["source"], votes[entity_id]["target"]
        role = "source" if source > target else "target" if target > source else "participant"
        actors.append((entity_id, role))
    order = {"source": 0, "target": 1, "participant": 2}
    return sorted(actors, key=lambda a: order[a[1]])


def _rank_named(
    items: dict[int, list[_Placed]], weights: dict[int, float], kb: KnowledgeBase, kinds
) -> list[int]:
    sentences_of: dict[int, set[int]] = defaultdict(set)
    weight_of: dict[int, float] = defaultdict(float)
    for sentence, entries in items.items():
        for item in entries:
            if kb.info(item.entity_id).kind in kinds and not _is_reporter(kb, item.entity_id):
                sentences_of[item.entity_id].add(sentence)
                weight_of[item.entity_id] += weights[sentence]
    ranked = sorted(sentences_of, key=lambda e: (-len(sentences_of[e]), -weight_of[e]))
    chosen = [e for e in ranked if len(sentences_of[e]) >= 2] or ranked[:2]
    if len(chosen) < 2:
        chosen = ranked[:2]
    return chosen[:MAX_ACTORS]


def _meet_role_votes(
    event_type: EventType, sentence, items: list[_Placed], votes: dict[int, Counter]
) -> None:
    """Visitor ("source") and host ("target") from the words of one sentence.

    "Putin ist in Nordkorea eingetroffen": who arrives is the visitor. "Er wurde von Kim
    empfangen" / "Kim empfing Putin": who receives is the host, the agent of a passive
    ("von Kim") or the first name of an active sentence.
    """
    keys = [token_keys(t) for t in sentence]
    all_keys = frozenset().union(*keys) if keys else frozenset()
    people = [i for i in items if i.entity_id in votes]
    if not people:
        return
    if all_keys & event_type.host_lemmas:
        if all_keys & PASSIVE_KEYS:
            for item in people:
                votes[item.entity_id]["target" if item.cues & AGENT_CUES else "source"] += 1
        else:
            first = people[0].entity_id
            for item in people:
                votes[item.entity_id]["target" if item.entity_id == first else "source"] += 1
    elif all_keys & event_type.visitor_lemmas:
        for item in people:
            votes[item.entity_id]["target" if item.cues & AGENT_CUES else "source"] += 1


def _home_country_votes(votes: dict[int, Counter], place_id: int | None, kb: KnowledgeBase) -> None:
    """At a meeting, whoever is at home is the host; whoever comes from abroad, the visitor."""
    if place_id is None:
        return
    country = kb.info(place_id).country
    homes = {entity_id: kb.info(entity_id).country for entity_id in votes}
    if not country or not any(c == country for c in homes.values()):
        return
    for entity_id, home in homes.items():
        if home:
            votes[entity_id]["target" if home == country else "source"] += 1


def _directed_actors(evidence: _Evidence) -> list[tuple[int, str]]:
    """Who acts (source) on whom (target), by prepositions and word order.

    Only names in the clause of a trigger count (else the whole sentence): "Die AP berichtet
    über eine Absprache, dass Pjöngjang Moskau mit Munition versorgt". There, "von/durch X"
    makes X the source, "gegen/auf/an/für X" the target; otherwise the first name is the
    source and the next one the target (German clauses mostly put the subject first).
    Cities stand for their governments ("Pjöngjang liefert Munition an Moskau"); names
    after "in"/"nach" are places, not actors. Votes over all sentences decide.
    """
    event_type, hits, doc, sentences, placed, kb = evidence
    weights = _sentence_weights(hits)
    countries: dict[str, int] | None = None  # built only when a city stands for its country
    votes: dict[int, Counter] = defaultdict(Counter)  # entity -> role -> summed weights
    for sentence in sorted(weights):
        roles_here: list[tuple[int, str | None]] = []
        for item in _in_trigger_clauses(doc, sentences[sentence], hits, placed.get(sentence, [])):
            info = kb.info(item.entity_id)
            if (item.cues & LOCATIVE and info.kind in PLACE_KINDS) or _is_reporter(kb, item.entity_id):
                continue
            if item.cues & event_type.not_actors:
                continue
            entity_id = item.entity_id
            if info.kind == "place":
                countries = countries if countries is not None else _country_entities(kb)
                entity_id = countries.get(info.country)
                if entity_id is None:
                    continue
            cue = "source" if item.cues & AGENT_CUES else "target" if item.cues & TARGET_CUES else None
            roles_here.append((entity_id, cue))
        has_source = any(role == "source" for _, role in roles_here)
        voted: set[int] = set()  # one vote per sentence: "Russlands Präsident Wladimir Putin"
        for entity_id, role in roles_here:
            if role is None:
                role = "target" if has_source else "source"
                has_source = True
            if entity_id not in voted:
                votes[entity_id][role] += weights[sentence]  # stronger trigger sentences weigh more
                voted.add(entity_id)
    return _pick_directed(votes)


def _in_trigger_clauses(doc, sentence, hits: list[_Hit], items: list[_Placed]) -> list[_Placed]:
    bounds = [
        _clause(doc, sentence, h.start, h.end) for h in hits if sentence.start <= h.start < sentence.end
    ]
    inside = [item for item in items if any(lo <= item.start < hi for lo, hi in bounds)]
    return inside or items


def _clause(doc, sentence, start: int, end: int) -> tuple[int, int]:
    """Token range of the clause around a trigger: between commas, dashes and "dass"."""
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


def _is_reporter(kb: KnowledgeBase, entity_id: int) -> bool:
    return kb.info(entity_id).org_type in REPORTER_ORG_TYPES


def _pick_directed(votes: dict[int, Counter]) -> list[tuple[int, str]]:
    if not votes:
        return []
    actors: list[tuple[int, str]] = []
    for role in ("source", "target"):
        scored = [(v[role], entity_id) for entity_id, v in votes.items() if v[role] > 0]
        taken = {a for a, _ in actors}
        scored = [(n, e) for n, e in scored if e not in taken and n >= votes[e][_other(role)]]
        if scored:
            top = max(n for n, _ in scored)
            actors.extend((e, role) for n, e in scored if n == top)
    return actors[:MAX_ACTORS]


def _other(role: str) -> str:
    return "target" if role == "source" else "source"


def _country_entities(kb: KnowledgeBase) -> dict[str, int]:
    return {info.country: entity_id for entity_id, info in kb.entities.items() if info.kind == "country"}


# --- title


def _title(event_type: EventType, actors: list[tuple[int, str]], place_id: int | None, kb) -> str:
    """ "Treffen: Wladimir Putin und Kim Jong Un in Pjöngjang", "Sanktionen: EU gegen Russland"."""
    names = {role: [kb.info(e).name for e, r in actors if r == role] for role in ("source", "target")}
    others = [kb.info(e).name for e, r in actors if r == "participant"]
    if event_type.directed and names["source"] and names["target"]:
        who = f"{_join(names['source'])} {event_type.joiner} {_join(names['target'])}"
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
