"""Event types and their German trigger words: which sentence reports which kind of event.

The taxonomy lives in ``events/data/event_taxonomy.toml`` (PLOVER roots, mapped to CAMEO);
this module loads it and finds triggers in one sentence. It works on any spaCy ``Doc``:
lemmas are used where the pipeline set them, and every token also gets keys from its
lower-cased text with simple German suffix stripping, because the project's lookup
lemmatizer leaves many compounds and inflected nouns as they are ("Waffenlieferungen").

    from events.analysis.event_types import classify
    for type_id, confidence, span in classify(sentence):
        ...

Pure: no Django, no database.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

TAXONOMY_PATH = Path(__file__).resolve().parent.parent / "data" / "event_taxonomy.toml"

# Endings stripped from nouns: plural and genitive ("Angriffe", "Sanktionen", "Treffens").
NOUN_SUFFIXES = ("en", "es", "n", "s", "e")
# Endings stripped from verbs before adding "-en": "besucht", "drohte", "protestierten".
VERB_SUFFIXES = ("test", "tet", "ten", "te", "st", "et", "en", "t", "e")
# Separable prefixes before the participle "ge": "angegriffen", "festgenommen".
SEPARABLE_PREFIXES = ("zurück", "fest", "ein", "auf", "aus", "vor", "mit", "an", "ab", "zu")
NEGATIONS = frozenset({"nicht", "kein", "keine", "keinen", "keinem", "keiner", "keines", "nie", "niemals"})
# Intentions, plans and hearsay: the sentence reports what may happen, not what did.
MODAL_KEYS = frozenset({"wollen", "sollen", "möchten", "planen", "erwägen", "beabsichtigen"})
MODAL_FORMS = frozenset({"will", "soll", "könnte", "könnten", "würde", "würden", "möchte", "möchten"})
NEGATION_FACTOR = 0.3
MODAL_FACTOR = 0.6
MIN_STEM = 3  # shorter stems make too many false keys ("ab" + "en")


@dataclass(frozen=True)
class Pattern:
    """Lemmas in order, each within ``window`` tokens of the previous one, in one sentence."""

    lemmas: tuple[str, ...]
    window: int
    weight: float


@dataclass(frozen=True)
class EventType:
    id: str
    label: str
    plover: tuple[str, ...]
    cameo: tuple[str, ...]
    roles: str  # symmetric or directed
    joiner: str
    description: str
    lemmas: dict[str, float]
    heads: dict[str, float]
    exclude: frozenset[str]
    patterns: tuple[Pattern, ...]
    blockers: dict[str, frozenset[str]] = field(default_factory=dict)
    visitor_lemmas: frozenset[str] = frozenset()
    host_lemmas: frozenset[str] = frozenset()
    not_actors: frozenset[str] = frozenset()

    @property
    def directed(self) -> bool:
        return self.roles == "directed"


@dataclass(frozen=True)
class Taxonomy:
    types: dict[str, EventType]
    forms: dict[str, str]
    basis: str


@dataclass(frozen=True)
class _Hit:
    type_id: str
    weight: float
    start: int  # index into the sentence's tokens
    end: int
    exact: bool  # a whole lemma, not a compound head: wins over heads on the same token
    keys: frozenset[str]  # the trigger token's keys, for blockers
    positions: tuple[int, ...] = ()  # a pattern's matched tokens


@functools.cache
def load_taxonomy(path: Path = TAXONOMY_PATH) -> Taxonomy:
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    types = {}
    for type_id, row in data["types"].items():
        types[type_id] = EventType(
            id=type_id,
            label=row["label"],
            plover=tuple(row.get("plover", [])),
            cameo=tuple(row.get("cameo", [])),
            roles=row.get("roles", "symmetric"),
            joiner=row.get("joiner", "und"),
            description=row.get("description", ""),
            lemmas=dict(row.get("lemmas", {})),
            heads=dict(row.get("heads", {})),
            exclude=frozenset(row.get("exclude", [])),
            patterns=tuple(
                Pattern(tuple(p["lemmas"]), int(p.get("window", 4)), float(p["weight"]))
                for p in row.get("patterns", [])
            ),
            blockers={k: frozenset(v) for k, v in row.get("blockers", {}).items()},
            visitor_lemmas=frozenset(row.get("visitor_lemmas", [])),
            host_lemmas=frozenset(row.get("host_lemmas", [])),
            not_actors=frozenset(row.get("not_actors", [])),
        )
    return Taxonomy(types, dict(data.get("forms", {})), data.get("basis", "PLOVER"))


def event_type(type_id: str) -> EventType:
    return load_taxonomy().types[type_id]


@functools.lru_cache(maxsize=65536)
def word_keys(text: str, lemma: str = "") -> frozenset[str]:
    """Every form a word may be looked up under: lemma, text, stripped stems, verb infinitives.

    Over-generating is cheap here: a key only matters if the lexicon has it. Cached: news
    repeat their words, and role cues look at the same sentences again.
    """
    word = text.lower().strip("„“”\"'»«‚‘")
    keys = {word}
    if lemma:
        keys.add(lemma.lower())
    forms = load_taxonomy().forms
    for part in {word, word.rsplit("-", 1)[-1]}:  # "US-Sanktionen" also as "Sanktionen"
        keys.add(part)
        if part in forms:
            keys.add(forms[part])
        for suffix in NOUN_SUFFIXES:
            if part.endswith(suffix) and len(part) - len(suffix) >= MIN_STEM:
                keys.add(part[: -len(suffix)])
        for suffix in VERB_SUFFIXES:
            stem = part[: -len(suffix)]
            if part.endswith(suffix) and len(stem) >= MIN_STEM:
                keys.add(stem + "en")
                if stem.endswith(("el", "er")):  # "verhandelt" -> verhandeln
                    keys.add(stem + "n")
        keys.update(_participle_infinitives(part))
    return frozenset(keys)


def _participle_infinitives(word: str) -> set[str]:
    """ "gedroht" -> drohen, "abgelehnt" -> ablehnen (weak verbs; strong ones are in forms)."""
    found = set()
    if word.endswith("t") and len(word) > 5:
        if word.startswith("ge"):
            found.add(word[2:-1] + "en")
        for prefix in SEPARABLE_PREFIXES:
            if word.startswith(prefix + "ge") and len(word) > len(prefix) + 4:
                found.add(prefix + word[len(prefix) + 2 : -1] + "en")
    return found


def token_keys(token) -> frozenset[str]:
    has_lemma = token.doc.has_annotation("LEMMA")
    return word_keys(token.text, token.lemma_ if has_lemma else "")


def classify(tokens, taxonomy: Taxonomy | None = None) -> list[tuple[str, float, object]]:
    """Triggers in one sentence: (type id, confidence, trigger span), in text order.

    ``tokens`` is a sentence ``Span`` (or any run of tokens of one doc). A multiword
    pattern ("Sanktionen ... verhängen") replaces single-word hits on its words; one token
    triggers one type at most (whole lemmas before compound heads, then the higher weight).
    Confidence is the lexicon weight, lowered for negation and for intentions/hearsay.
    """
    tokens = list(tokens)
    if not tokens:
        return []
    modal = any(token_keys(t) & MODAL_KEYS or t.text.lower() in MODAL_FORMS for t in tokens)
    results = []
    for type_id, weight, span in find_triggers(tokens, taxonomy):
        start, end = span.start - tokens[0].i, span.end - tokens[0].i
        if _negated(tokens, start, end):
            weight *= NEGATION_FACTOR
        if modal:
            weight *= MODAL_FACTOR
        results.append((type_id, round(weight, 3), span))
    return results


def find_triggers(tokens, taxonomy: Taxonomy | None = None) -> list[tuple[str, float, object]]:
    """Triggers in one sentence with their lexicon weights, in text order.

    Like ``classify`` but without lowering the weight for negation or intentions: the event
    detector judges those by the trigger's own clause, not by the whole sentence.
    """
    taxonomy = taxonomy or load_taxonomy()
    tokens = list(tokens)
    if not tokens:
        return []
    doc = tokens[0].doc
    keys = [token_keys(t) for t in tokens]
    sentence_keys = frozenset().union(*keys)
    hits = _pattern_hits(keys, taxonomy)
    covered = {i for hit in hits for i in hit.positions}
    for i, token_key_set in enumerate(keys):
        if i in covered:
            continue
        best = _best_single(token_key_set, i, taxonomy)
        if best:
            hits.append(best)
    results = []
    for hit in sorted(hits, key=lambda h: h.start):
        if _blocked(taxonomy.types[hit.type_id], hit.keys, sentence_keys):
            continue
        span = doc[tokens[hit.start].i : tokens[hit.end - 1].i + 1]
        results.append((hit.type_id, hit.weight, span))
    return results


def _blocked(event: EventType, trigger_keys: frozenset[str], sentence_keys: frozenset[str]) -> bool:
    """A blocker word, or a compound ending in one ("Luftangriff"), anywhere in the sentence."""
    blockers = frozenset().union(*(event.blockers.get(k, frozenset()) for k in trigger_keys))
    return any(key.endswith(blocker) for key in sentence_keys for blocker in blockers)


class _SentenceIndex:
    """Which tokens of one sentence match a pattern element, worked out once per element.

    A sentence is tried against some 200 patterns, most starting with one of a few dozen
    words, so asking each pattern "does token i match?" repeats the same test thousands of
    times per sentence.
    """

    def __init__(self, keys: Sequence[frozenset[str]]) -> None:
        self.size = len(keys)
        self._by_key: dict[str, list[int]] = {}
        for i, token_keys_ in enumerate(keys):
            for key in token_keys_:
                self._by_key.setdefault(key, []).append(i)
        self._positions: dict[str, list[int]] = {}

    def positions(self, element: str) -> list[int]:
        """The indexes of the tokens matching ``element`` ("*head": any key ending in head), ascending."""
        found = self._positions.get(element)
        if found is None:
            if element.startswith("*"):
                head = element[1:]
                found = sorted({i for key, hits in self._by_key.items() if key.endswith(head) for i in hits})
            else:
                found = self._by_key.get(element, [])
            self._positions[element] = found
        return found


@dataclass
class _Derived:
    """What a taxonomy yields for matching, worked out once: its patterns, strongest first,
    and the best single-word hit per set of keys (a token's keys repeat across sentences and
    articles: "sagte", "Angriff", "und")."""

    taxonomy: Taxonomy
    patterns: list[tuple[float, str, Pattern]]
    singles: dict[frozenset[str], tuple[str, float, bool] | None] = field(default_factory=dict)


_DERIVED: dict[int, _Derived] = {}
_SINGLE_CACHE_SIZE = 200_000


def _derived(taxonomy: Taxonomy) -> _Derived:
    found = _DERIVED.get(id(taxonomy))
    if found is None or found.taxonomy is not taxonomy:  # an id reused by a new taxonomy
        candidates = [
            (pattern.weight, event.id, pattern)
            for event in taxonomy.types.values()
            for pattern in event.patterns
        ]
        found = _DERIVED[id(taxonomy)] = _Derived(taxonomy, sorted(candidates, key=lambda c: -c[0]))
    return found


def _best_single(keys: frozenset[str], index: int, taxonomy: Taxonomy) -> _Hit | None:
    memo = _derived(taxonomy).singles
    if keys not in memo:
        if len(memo) >= _SINGLE_CACHE_SIZE:
            memo.clear()
        best: _Hit | None = None
        for event in taxonomy.types.values():
            hit = _single_hit(event, keys, index)
            if hit and (best is None or (hit.exact, hit.weight) > (best.exact, best.weight)):
                best = hit
        memo[keys] = None if best is None else (best.type_id, best.weight, best.exact)
    found = memo[keys]
    if found is None:
        return None
    type_id, weight, exact = found
    return _Hit(type_id, weight, index, index + 1, exact, keys)


def _single_hit(event: EventType, keys: frozenset[str], index: int) -> _Hit | None:
    exact = [event.lemmas[k] for k in keys if k in event.lemmas]
    if exact:
        return _Hit(event.id, max(exact), index, index + 1, True, keys)
    if keys & event.exclude:
        return None
    heads = [
        weight
        for head, weight in event.heads.items()
        for k in keys
        if k.endswith(head) and len(k) - len(head) >= MIN_STEM
    ]
    if heads:
        return _Hit(event.id, max(heads), index, index + 1, False, keys)
    return None


def _pattern_hits(keys: Sequence[frozenset[str]], taxonomy: Taxonomy) -> list[_Hit]:
    """Pattern matches, greedy left to right; a token is used by one pattern at most."""
    hits: list[_Hit] = []
    used: set[int] = set()
    index = _SentenceIndex(keys)
    for weight, type_id, pattern in _derived(taxonomy).patterns:
        for start in index.positions(pattern.lemmas[0]):
            if start in used:
                continue
            positions = _match_rest(index, start, pattern, used)
            if positions:
                used.update(positions)
                hits.append(
                    _Hit(
                        type_id, weight, positions[0], positions[-1] + 1, True, frozenset(), tuple(positions)
                    )
                )
    return hits


def _match_rest(index: _SentenceIndex, start: int, pattern: Pattern, used: set[int]) -> list[int] | None:
    """The positions of the pattern's other elements, each the first free match within the window."""
    positions = [start]
    for element in pattern.lemmas[1:]:
        last = positions[-1]
        limit = min(index.size, last + 1 + pattern.window)
        found = next((j for j in index.positions(element) if last < j < limit and j not in used), None)
        if found is None:
            return None
        positions.append(found)
    return positions


def _negated(tokens, start: int, end: int) -> bool:
    window = tokens[max(0, start - 3) : start] + tokens[end : end + 3]
    return any(t.text.lower() in NEGATIONS for t in window)
