"""The knowledge base in memory: every alias of every active entity, for fast lookups.

Pure: no Django. `events.kb.loader` fills it from the database (once per worker process,
again when the knowledge base version changes); tests build small ones by hand.
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from events.analysis.labels import KIND_LABELS
from events.analysis.names import adjective_forms, fold, name_variants, normalize, strip_article

MAX_ALIAS_TOKENS = 6
# A town spelt like a country's genitive ("Perus") is taken for the genitive unless it is a
# city of this many people.
GENITIVE_TOWN = 1_000_000
# Of this many people with one surname at most, a surname alone means the one of most offices.
MAX_NAMESAKES = 4
# The fewest letters of a first word `KnowledgeBase.may_name` judges by.
MIN_STEM = 3


@dataclass(frozen=True)
class Candidate:
    entity_id: int
    alias_kind: str
    valid_from: date | None = None
    valid_to: date | None = None

    def valid_on(self, day: date | None) -> bool:
        if day is None:
            return self.valid_to is None  # without a date, only current roles count
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day < self.valid_to
        )


@dataclass(frozen=True)
class EntityInfo:
    id: int
    kind: str
    name: str
    country: str = ""
    latitude: float | None = None
    longitude: float | None = None
    population: int = 0
    org_type: str = ""
    provisional: bool = False
    offices: int = 0  # roles the knowledge base records for a person

    @property
    def label(self) -> str:
        return KIND_LABELS.get(self.kind, "MISC")


@dataclass
class KnowledgeBase:
    entities: dict[int, EntityInfo] = field(default_factory=dict)
    names: dict[str, list[Candidate]] = field(default_factory=lambda: defaultdict(list))
    folded: dict[str, list[Candidate]] = field(default_factory=lambda: defaultdict(list))
    # Names by their letters alone, for surfaces with a hyphen or space the name has not
    # ("Süd-Sudan", "Saudi Arabien" -> "suedsudan", "saudiarabien").
    joined: dict[str, list[Candidate]] = field(default_factory=lambda: defaultdict(list))
    adjectives: dict[str, list[Candidate]] = field(default_factory=lambda: defaultdict(list))
    descriptors: dict[str, list[Candidate]] = field(default_factory=lambda: defaultdict(list))
    # Abbreviations match in their exact letters only: "UN", "AU", never "Au" or "un".
    abbreviations: dict[str, list[Candidate]] = field(default_factory=lambda: defaultdict(list))
    # Aliases that are also ordinary words ("Welt", "Union", "AP"): only with context.
    context_names: dict[str, list[tuple[Candidate, str]]] = field(default_factory=lambda: defaultdict(list))
    # For partial names ("Kim", "Putin"): the tokens of each person's names, and the
    # people by the last word of their name ("putin" -> Putin; "kim" -> many).
    person_tokens: dict[int, set[str]] = field(default_factory=dict)
    surnames: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    # People the news name by an office ("der türkische Präsident"): of several people with
    # one surname, the one who holds such an office is the one a surname alone means.
    office_holders: Counter = field(default_factory=Counter)  # entity -> its descriptors
    version: int = 0
    _first_names: frozenset[str] | None = None
    _countries_by_code: dict[str, int] | None = None
    _role_words: dict[int, frozenset[str]] | None = None
    _openings: list[str] | None = None  # every name's letters, sorted (may_name)

    def add(
        self, entity_id: int, text: str, kind: str, valid_from=None, valid_to=None, needs_context=False
    ) -> None:
        candidate = Candidate(entity_id, kind, valid_from, valid_to)
        self._openings = None
        if needs_context:
            self.context_names[normalize(text)].append((candidate, text))
            return
        if kind == "abbreviation":
            _append(self.abbreviations[text.strip()], candidate)
            return
        if kind in ("adjective", "demonym"):
            forms = adjective_forms(text) if kind == "adjective" else [normalize(text)]
            for form in forms:
                _append(self.adjectives[form], candidate)
            return
        key = normalize(text)
        if kind == "descriptor":
            _append(self.descriptors[key], candidate)
            self.office_holders[entity_id] += 1
            return
        _append(self.names[key], candidate)
        _append(self.folded[fold(text)], candidate)
        _append(self.joined[_joined(text)], candidate)
        info = self.entities.get(entity_id)
        if info and info.kind == "person":
            words = [t for t in key.replace("-", " ").split() if len(t) > 1]
            self.person_tokens.setdefault(entity_id, set()).update(words)
            if len(words) > 1:
                self.surnames[words[-1]].add(entity_id)
                self.surnames[fold(words[-1])].add(entity_id)  # "Erdogan" for "Erdoğan"
                last = key.split()[-1]
                if "-" in last:
                    self.surnames[last].add(entity_id)  # "Mikl-Leitner" whole

    def person_by_surname(self, surface: str) -> int | None:
        """The one person in the knowledge base whose name ends in this word ("Putins"), or in
        these words ("Van der Bellens"); of several, the one office holder among them."""
        found = self.people_by_surname(surface)
        if len(found) == 1:
            return next(iter(found))
        if not found or len(found) > MAX_NAMESAKES:
            return None  # "Müller", "Schmidt": too common a surname to tell by offices
        # "Erdogan": the president, not the writer Aslı Erdoğan; "Trump": the president, named
        # by more offices than Melania Trump, the First Lady; "Hofer": the politician of several
        # offices, not the pollster or the newsreader. (A person the article names in full
        # has been found before this.)
        ranked = sorted(
            (((self.office_holders[e], self.entities[e].offices), e) for e in found), reverse=True
        )
        if ranked[0][0] > (0, 1) and ranked[0][0] > ranked[1][0]:
            return ranked[0][1]
        return None

    def people_by_surname(self, surface: str) -> set[int]:
        """The people in the knowledge base whose names end in this word or these words."""
        for variant in name_variants(surface):
            *particles, last = variant.split() or [""]
            found = self.surnames.get(last, set())
            if found and particles:
                found = {e for e in found if normalize(self.entities[e].name).endswith(" " + variant)}
            if found:
                return set(found)
        return set()

    def may_name(self, surface: str) -> bool:
        """False where `lookup` is sure to find nothing: no name, abbreviation or ambiguous
        alias begins with the letters this surface's first word begins with.

        Linking tries every span of up to six words at every capitalised token, and almost
        all of them are no name; a binary search here spares them the inflection variants.
        The variants `lookup` tries change at most the last two letters of a word ("Putins",
        "Europäischen"), so the first word is compared without those.
        """
        if self._openings is None:
            self._openings = sorted(
                {
                    _letters(key)
                    for index in (
                        self.names,
                        self.folded,
                        self.joined,
                        self.abbreviations,
                        self.context_names,
                    )
                    for key in index
                }
            )
        for text in dict.fromkeys((surface, strip_article(surface))):
            first = normalize(text).split(" ")[0]
            stem = _letters(first)[:-2]
            if len(stem) < MIN_STEM or first.endswith("'") or first.endswith("'s"):
                return True  # too short to tell
            at = bisect.bisect_left(self._openings, stem)
            if at < len(self._openings) and self._openings[at].startswith(stem):
                return True
        return False

    def lookup(self, surface: str, context: bool = False) -> tuple[list[Candidate], bool]:
        """Candidates for a name as it stands in the text, and whether it was inflected.

        Ambiguous aliases count when the caller has context (the NER marked a name, or the
        word stands in quotes), or when the text has them in their exact capitalisation
        and they are written in capitals ("AP", "IS").
        """
        bare = surface.strip().strip("„“\"'»«()")
        if bare in self.abbreviations:
            return list(self.abbreviations[bare]), False
        found, inflected = self._lookup_names(surface)
        if found and not self.provisional_only(found):
            if context and not inflected:
                # With context an ambiguous alias of the seed data competes too: "Washington"
                # the capital (an ambiguous alias: also a state, a president) beside the towns
                # of that name.
                entries = self.context_names.get(normalize(surface), [])
                found += [
                    c
                    for c, text in entries
                    if c not in found and not self.provisional_only([c]) and _as_written(text, surface)
                ]
            return found, inflected
        variants = name_variants(surface)
        # The name as written first: „Die Republikaner“ (the German party) is an alias of its
        # own, not "Republikaner" (the American one) with an article.
        written = normalize(surface)
        for variant in [written, *variants] if written not in variants else variants:
            entries = self.context_names.get(variant, [])
            exact = [c for c, text in entries if text.isupper() and text in surface]
            usable = [c for c, text in entries if _as_written(text, surface)] if context else exact
            if usable:
                return usable, variant not in (written, variants[0])
        # Only a provisional entity has this name (or nothing does).
        return found, inflected

    def _genitive_country(self, surface: str, found, variants: list[str]) -> list[Candidate]:
        """ "Perus", "Kubas": the genitive of a country, not a town abroad of that spelling
        (Perus near São Paulo), unless the town is a city the news would name (GENITIVE_TOWN)."""
        if not surface.endswith("s") or any(
            self.entities[c.entity_id].kind != "place"
            or self.entities[c.entity_id].population >= GENITIVE_TOWN
            for c in found
            if c.entity_id in self.entities
        ):
            return []
        stem = normalize(surface[:-1])
        return self._countries(stem) if stem in variants else []

    def _countries(self, name: str) -> list[Candidate]:
        return [
            c
            for c in self.names.get(name, [])
            if c.entity_id in self.entities and self.entities[c.entity_id].kind == "country"
        ]

    def provisional_only(self, candidates: list[Candidate]) -> bool:
        """Editors have not confirmed any of these: provisional entities made from unknown names.

        A provisional entity made from an inflected form ("Putins", when it was once not
        recognised) must not shadow the known entity that the form inflects.
        """
        return all(
            c.entity_id not in self.entities or self.entities[c.entity_id].provisional for c in candidates
        )

    def _lookup_names(self, surface: str) -> tuple[list[Candidate], bool]:
        # Spellings without diacritics ("Pjoengjang", "Erdogan") find the entity too; a word
        # written with an umlaut is not folded ("Länder" is not the town of Lander).
        may_fold = not any(ch in surface for ch in "äöüÄÖÜß")
        provisional: tuple[list[Candidate], bool] = ([], False)
        variants = name_variants(surface)
        for n, variant in enumerate(variants):
            found = self.names.get(variant) or (self.folded.get(fold(variant)) if may_fold else None)
            if found and not self.provisional_only(found):
                if n == 0 and (country := self._genitive_country(surface, found, variants)):
                    return country, True
                return list(found), n > 0
            if found and not provisional[0]:
                provisional = (list(found), n > 0)
        # "in den Niederlanden": the dative of a country named in the plural.
        if surface.endswith("n") and (country := self._countries(normalize(surface[:-1]))):
            return country, True
        if not provisional[0]:
            # "Süd-Sudan", "Saudi Arabien": the name with its hyphen or space moved or dropped.
            parts = surface.replace("-", " ").split()
            if (
                len(parts) > 1
                and all(p[:1].isupper() for p in parts)
                and (found := self.joined.get(_joined(surface)))
            ):
                return list(found), False
        return provisional

    def first_names(self) -> frozenset[str]:
        """The first words of the names of the people in the knowledge base ("Heinz", "Olaf")."""
        if self._first_names is None:
            self._first_names = frozenset(
                info.name.split()[0]
                for info in self.entities.values()
                if info.kind == "person" and not info.provisional and len(info.name.split()) > 1
            )
        return self._first_names

    def country_entity(self, code: str) -> int | None:
        """The entity of the country with this ISO code ("RU" -> Russland), if the knowledge
        base has it: a town stands for its country's government, a person for their home."""
        if self._countries_by_code is None:
            self._countries_by_code = {
                info.country: entity_id for entity_id, info in self.entities.items() if info.kind == "country"
            }
        return self._countries_by_code.get(code)

    def role_words(self, entity_id: int) -> frozenset[str]:
        """The words of the offices a person is named by ("bayerischer Wirtschaftsminister",
        "Freie-Wähler-Chef" -> bayerischer, wirtschaftsminister, freie, wähler, chef), any
        term: a descriptor resolves only to someone the article names nearby."""
        if self._role_words is None:
            words: dict[int, set[str]] = defaultdict(set)
            for key, candidates in self.descriptors.items():
                for candidate in candidates:
                    words[candidate.entity_id].update(key.replace("-", " ").split())
            self._role_words = {entity_id: frozenset(found) for entity_id, found in words.items()}
        return self._role_words.get(entity_id, frozenset())

    def info(self, entity_id: int) -> EntityInfo:
        return self.entities[entity_id]

    def any_of_kind(self, candidates: Iterable[Candidate], kind: str) -> bool:
        """Whether any of the candidates is an entity of this kind ("person", "place", ...)."""
        return any(
            c.entity_id in self.entities and self.entities[c.entity_id].kind == kind for c in candidates
        )


def _as_written(alias: str, surface: str) -> bool:
    """An ambiguous alias in capitals matches only in capitals, context or not: "BUND" (the
    environmental group) is not "Bund" (the federation)."""
    return not (alias.isupper() and len(alias) > 1) or alias in surface


def _letters(text: str) -> str:
    """The letters and digits of a text, without diacritics: "Saudi-Arabien" -> "saudiarabien"."""
    return "".join(ch for ch in fold(text) if ch.isalnum())


def _joined(text: str) -> str:
    return fold(text).replace("-", "").replace(" ", "")


def _append(bucket: list[Candidate], candidate: Candidate) -> None:
    if candidate not in bucket:
        bucket.append(candidate)


def build_index(entities: Iterable[EntityInfo], aliases: Iterable[tuple]) -> KnowledgeBase:
    """The index of these entities and aliases: (entity_id, text, kind, valid_from, valid_to,
    needs_context) rows. An entity's own name counts as an alias where no alias has it."""
    kb = KnowledgeBase()
    for info in entities:
        kb.entities[info.id] = info
    for entity_id, text, kind, valid_from, valid_to, needs_context in aliases:
        kb.add(entity_id, text, kind, valid_from, valid_to, needs_context)
    for info in kb.entities.values():
        if not kb.names.get(normalize(info.name)) and not kb.context_names.get(normalize(info.name)):
            kb.add(info.id, info.name, "name")
    return kb
