"""Entity linking: every mention of an article gets its best entity, or a reason why not.

Input is a parsed spaCy ``Doc`` (entities from the statistical NER, sentences, POS where
the pipeline has them) and the in-memory knowledge base. Three passes:

1. NER spans are looked up with German inflection ("Putins" -> Putin, "des Kremls" ->
   Kreml); several candidates are decided by the NER label, what the article names
   elsewhere, the countries it names, and population.
2. The knowledge base finds what the NER missed: names, role descriptors valid on the
   article's date ("der Kremlchef" -> Putin) and country adjectives ("russische" ->
   Russland, kept as their own MISC mention, not a LOC span).
3. Partial names ("Kim") go to the person the article named in full before, unless the
   article names another person with that name nearby, which makes it ambiguous.

Pure: no database writes. Unknown names come back unlinked with ``new_entity_kind`` set,
and the caller decides whether to create provisional entities.
"""

from __future__ import annotations

import functools
import importlib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from events.analysis.kb import MAX_ALIAS_TOKENS, Candidate, KnowledgeBase
from events.analysis.names import ARTICLES, name_variants, normalize
from events.analysis.sentences import doc_text, sentence_of_token, token_ranges
from events.analysis.topic import political


@functools.cache
def _stop_words(language: str = "de") -> frozenset[str]:
    # Imported on first use: importing spaCy takes a second and much memory, and every
    # Django process (the fetch workers too) loads this module through events.tasks.
    return frozenset(importlib.import_module(f"spacy.lang.{language}.stop_words").STOP_WORDS)


# English words that open a clause and never a name ("If Trump …", "When Biden …"); not the
# stop words that are first names too ("Will", "May", "Mark").
ENGLISH_FUNCTION_WORDS = frozenset(
    {
        "if", "when", "while", "because", "although", "though", "the", "and", "but", "or", "of",
        "on", "at", "to", "for", "with", "by", "from", "as", "is", "are", "was", "were", "it",
        "this", "that", "these", "those", "there", "their", "they", "we", "you", "he", "she",
        "his", "her", "its", "our", "your", "not", "no", "so", "than", "then", "what", "which",
        "who", "whom", "how", "why", "where", "every",
    }
)  # fmt: skip
LABEL_KINDS = {"PER": {"person"}, "LOC": {"country", "place"}, "ORG": {"organization"}, "MISC": set()}
# Words that name a time, never a place ("Mitte Mai"), even where a town bears the name.
TIME_WORDS = frozenset(
    [
        "januar",
        "februar",
        "märz",
        "april",
        "mai",
        "juni",
        "juli",
        "august",
        "september",
        "oktober",
        "november",
        "dezember",
        "montag",
        "dienstag",
        "mittwoch",
        "donnerstag",
        "freitag",
        "samstag",
        "sonnabend",
        "sonntag",
        "mitte",
        "anfang",
        "ende",
    ]
)
OTHER_TERM = ("früher", "ehemalig", "einstig", "damalig", "vormalig", "künftig", "designiert", "neu")
# Places this large are names even where a tagger calls the word a common noun.
BIG_PLACE = 100_000
HOME_COUNTRIES = frozenset({"DE", "AT", "CH", "LI"})
# Words that put a place name in context: "in Wolfsburg", "nahe Kramatorsk". A town of
# fewer than BIG_PLACE people links only after one of them or with its country named.
PLACE_PREPOSITIONS = frozenset(
    {"in", "im", "ins", "aus", "nach", "bei", "beim", "von", "vom", "vor", "nahe", "am", "an",
     "um", "bis", "durch", "gegen", "zwischen", "unweit", "nördlich", "südlich", "östlich",
     "westlich", "nordöstlich", "nordwestlich", "südöstlich", "südwestlich", "ab", "über"}
)  # fmt: skip
# Type words of subdivisions, part of the name where one stands before it: "im Kanton Zug"
# is the canton, "Oblast Lwiw" the oblast, not the city.
PLACE_TYPE_WORDS = frozenset(
    {"land", "bundesland", "kanton", "oblast", "provinz", "region", "bundesstaat", "gouvernement",
     "präfektur", "woiwodschaft", "autonome region", "autonomen region", "landkreis", "kreis",
     "bezirk", "stadtbezirk"}
)  # fmt: skip
QUOTES_OPEN = frozenset({"„", "“", '"', "»", "«", "‚", "'"})
QUOTES_CLOSE = frozenset({"“", "”", '"', "«", "»", "‘", "'"})
KIND_FOR_LABEL = {"PER": "person", "LOC": "place", "ORG": "organization"}
WEEKDAYS = ("montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonnabend", "sonntag")
# Lower-case words inside a person's name ("Ursula von der Leyen", "Mohammed bin Salman").
NAME_PARTICLES = frozenset(
    {"von", "van", "der", "den", "de", "del", "della", "di", "da", "das", "do", "dos", "du", "la", "le",
     "al", "el", "bin", "ibn", "bint", "abu", "zu", "vom", "ter", "ten", "y", "e"}
)  # fmt: skip
# Lower-case words an organisation's or place's name holds ("Alternative für Deutschland",
# "Church of England").
NAME_FUNCTION_POS = frozenset({"ADP", "DET", "CCONJ", "PART"})
NAME_FUNCTION_WORDS = frozenset({"of", "the", "and", "for", "on", "at", "in", "et", "des", "du", "la", "le"})
MAX_NAME_TOKENS = 8
SENTENCE_END = frozenset({".", "!", "?", "…"})
_ADJECTIVE = re.compile(r"isch(e|en|er|es|em)?$")
_URL = re.compile(r"(https?:|www\.|\.(de|com|at|ch|org|net)(/|$))", re.IGNORECASE)


@functools.cache
def _not_names() -> frozenset[str]:
    return frozenset(word.casefold() for word in _word_list("not_names.txt"))


@functools.cache
def _word_list(name: str) -> frozenset[str]:
    """A word list of events/analysis/data (built by `make word-lists`; one word a line)."""
    path = Path(__file__).with_name("data") / name
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def _first_name(word: str, first_names: frozenset[str]) -> bool:
    """A first name of the knowledge base's people (``first_names``) or of the corpora's list."""
    return word in first_names or word in _word_list("first_names.txt")


def _given_name(word: str, first_names: frozenset[str]) -> bool:
    """A first name in the wider sense: the knowledge base's and corpora's (_first_name) or one
    that parents in Berlin gave (given_names.txt, 15,000 names of many languages: "Gisela",
    "Damien", "Arda"). Only the filing of new people uses it; the rules that split and cut
    names keep the narrower lists, which hold no rare names that are also words."""
    head = word.split("-", 1)[0]  # "Marie-Luise"
    return _first_name(word, first_names) or head in _word_list("given_names.txt")


def _common_noun(token) -> bool:
    """A capitalised word German uses as a common noun ("Regierung", "Torwart"), also when
    written in capitals ("SEGREGATION")."""
    text = token.text
    if token.is_upper and len(text) > 4:
        text = text.capitalize()
    if "-" in text:
        text = text.rsplit("-", 1)[1].capitalize()  # "Hamas-Trainingslager": the last part counts
    nouns = _word_list("common_nouns.txt")
    if text in nouns:
        return True
    # The lists hold a role's masculine form: "Spezialistin", "Expertinnen" are nouns too.
    return any(text.endswith(end) and text[: -len(end)] in nouns for end in ("in", "innen"))


# Endings of nouns that name organisations: "Berliner Zeitung", "Wiener Stadtwerke".
ORGANISATION_WORDS = (
    "zeitung", "partei", "verband", "verein", "institut", "universität", "hochschule", "stiftung",
    "gruppe", "bank", "rat", "ministerium", "amt", "kommission", "bund", "union", "club", "klub",
    "gewerkschaft", "agentur", "gesellschaft", "komitee", "zentrum", "akademie", "behörde", "polizei",
    "gericht", "armee", "miliz", "front", "bewegung", "werke", "betriebe", "kammer", "philharmoniker",
    "festspiele", "verkehrsbetriebe", "staatsanwaltschaft", "landtag", "senat", "regierung", "messe",
    "festival", "konferenz", "flughafen", "bahnhof", "hafen", "museum", "theater", "oper", "kirche",
)  # fmt: skip
_VERSION = re.compile(r"^\d+(\.\d+)+$")
ADJECTIVE_SUFFIXES = ("isch", "bar", "lich")


def _not_a_name_form(words: list, label: str, first_names: frozenset[str]) -> bool:
    """Forms no new name has: a version or licence number ("CC BY-SA 4.0"), a long word in
    capitals ("BUCHPRÄSENTATION", a kicker), an adjective ("Kurdisch", "Unschlagbar"), a
    name inflected after an article ("Kommunistischen Partei", "Naturhistorischen Museum"),
    a person or place opening with an adjective ("Endlose Strände")."""
    first, last = words[0], words[-1]
    if any(_VERSION.match(t.text) for t in words):
        return True
    if len(words) > 1 and last.lower_ in NAME_PARTICLES:
        return True  # "Christian von", "Bruno Le": a name cut off after its particle
    if label == "PER" and _title_word(last, "PER"):
        return True  # "Israels Premier", "SPÖ-naher Kommunikationsberater": a role, not a name
    if len(words) == 1 and first.lower_ in _stop_words("en"):
        return True  # "You", "Every" (German function words are cut by _trim_edges; "Lange" is a name)
    if len(words) == 1 and first.is_upper and len(first.text) == 2 and label == "ORG":
        return True  # an unknown two-letter abbreviation ("KK"): too short to tell apart
    if len(words) == 1 and first.is_upper and first.is_alpha and len(first.text) >= 7:
        return True
    if len(words) == 1 and first.lower_.endswith(ADJECTIVE_SUFFIXES) and len(first.text) > 5:
        return True
    adjective = first.pos_ == "ADJ" or bool(_ADJECTIVE.search(first.lower_))
    if adjective and len(words) > 1 and first.lower_.endswith(("en", "em")) and first.text not in first_names:
        return True
    if (
        label == "PER"
        and len(words) == 2
        and first.lower_.endswith(("e", "er", "es", "en"))
        and not _first_name(first.text, first_names)
        and (_common_noun(last) or _compound_of_nouns(last))
    ):
        return True  # "Gefährliche Giftwolke", "Rauer Seegang": an adjective and its noun
    return label in ("PER", "LOC") and first.pos_ == "ADJ" and first.text not in first_names


def _ends_in_common_noun(word: str) -> bool:
    """A common noun, or a compound ending in one ("Geburtenrate", "Ortstafellösung")."""
    nouns = _word_list("common_nouns.txt")
    return word in nouns or any(word[i:].capitalize() in nouns for i in range(1, len(word) - 3))


def _generic_body(token) -> bool:
    """A compound that names a kind of body, not one body: "Gesundheitsamt", "Parlamentsklub",
    "Extremistenmiliz": the organisation's word after a common noun, which the tagger says
    or the noun list and the endings of German nouns show (the tagger calls such compounds
    proper nouns as often as not). "Adani-Gruppe" and "Shomrat" are names, and so are banks and
    papers, whose names are often one such word ("Raiffeisenbank", "Bauernzeitung")."""
    word = token.text
    ending = next((w for w in ORGANISATION_WORDS if word.casefold().endswith(w)), None)
    if ending is None or ending in ("bank", "zeitung") or not word.isalpha() or token.is_upper:
        return False  # also a word with a hyphen: "Sigmund-Freud-Privatuniversität" is a name
    head = word[: -len(ending)]
    if len(head) < 4:
        return False
    # The tagger alone only for a longer first part: "Shomrat" is a kibbutz, not a council.
    return (token.pos_ == "NOUN" and len(head) >= 5) or _noun_head(head)


NOUN_ENDINGS = ("heit", "keit", "ung", "schaft", "tät", "ion", "ment", "ismus", "enz", "anz", "tum", "nis")


def _noun_head(head: str) -> bool:
    """The first part of a compound is a common noun: "Gesundheits", "Parlaments", "Lobby"."""
    nouns = _word_list("common_nouns.txt")
    for link in ("", "s", "es", "n", "en"):
        stem = head.removesuffix(link)
        if stem and (stem.capitalize() in nouns or stem.casefold().endswith(NOUN_ENDINGS)):
            return True
    return False


def _compound_of_nouns(token) -> bool:
    """A long word ending in a common noun, not in an organisation's own word."""
    text = token.text
    return (
        len(text) >= 8
        and text.isalpha()
        and _ends_in_common_noun(text)
        and not token.lower_.endswith(ORGANISATION_WORDS)
    )


# Bodies every place has: after a place's adjective they name no new organisation ("Kiewer
# Regierung", "Brüsseler Flughafen"), unlike a paper or a bank ("Berliner Zeitung").
GENERIC_BODIES = frozenset(
    {
        "regierung", "landtag", "flughafen", "polizei", "staatsanwaltschaft", "gericht", "stadtrat",
        "gemeinderat", "stadtverwaltung", "feuerwehr", "rathaus", "bahnhof", "hafen", "behörde",
        "ministerium", "parlament", "senat", "landesregierung", "stadtregierung", "bürgermeister", "ngo",
    }
)  # fmt: skip


def _ordinary_words(span, label: str, first_names: frozenset[str]) -> bool:
    """Whether an unknown span is ordinary words, not a new name: a person's "name" of common
    nouns without a first name ("Spitzenreiter Arsenal", "Premier"), a place that is a common
    noun ("Karenz"), an organisation of nouns and function words only ("Regierung und
    Landtag", "Gemeinderat seiner Heimatstadt")."""
    words = [t for t in span if not t.is_punct]
    if not words:
        return True
    if _not_a_name_form(words, label, first_names):
        return True
    if label == "PER":
        if _first_name(words[0].text, first_names):
            return False
        return any(_common_noun(t) for t in words if t.text[:1].isupper())
    if (
        label in ("LOC", "ORG")
        and len(words) == 1
        and (_compound_of_nouns(words[0]) or _generic_body(words[0]))
    ):
        return True  # "Krisenzeiten", "Reformstau", "Wirtschaftsservice", "Gesundheitsamt"
    if label == "ORG" and len(words) == 2 and words[0].text.endswith("s") and _generic_body(words[1]):
        return True  # "Hundstorfers Sozialministerium": someone's body of that kind
    if (
        label in ("ORG", "LOC")
        and len(words) >= 2
        and words[-1].lower_ in GENERIC_BODIES
        and words[-2].text.endswith("er")
        and words[-2].text[:1].isupper()
    ):
        return True  # "Kiewer Regierung", "St. Pöltner Landtag": a place's body, not a name
    if label == "LOC":
        return all(_common_noun(t) for t in words if t.text[:1].isupper())
    if (
        label in ("ORG", "LOC")
        and len(words) == 2
        and words[0].text.endswith("er")
        and words[0].text[:1].isupper()
    ):
        # "Berliner Geburtenrate", "Kärntner Ortstafellösung": a place's adjective and a common
        # noun, unless the noun names an organisation ("Berliner Zeitung").
        noun = words[1].text
        if _ends_in_common_noun(noun) and not noun.casefold().endswith(ORGANISATION_WORDS):
            return True
    if label == "ORG" and len(words) > 1:
        function = [t for t in words if t.is_lower]
        nouns = [t for t in words if not t.is_lower]
        return bool(function) and all(_common_noun(t) or t.pos_ == "NOUN" for t in nouns)
    return False


@functools.cache
def _title_words() -> dict[str, tuple[str, ...]]:
    """Endings of role words ("Hochkommissar") and type words ("Terrormiliz") per label."""
    path = Path(__file__).with_name("data") / "title_words.txt"
    lists: dict[str, list[str]] = {"PER": [], "ORG": []}
    label = "PER"
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line in ("# PER", "# ORG"):
            label = line[2:]
        elif line and not line.startswith("#"):
            lists[label].append(line.casefold())
    return {key: tuple(words) for key, words in lists.items()}


def _title_word(token, label: str) -> bool:
    return token.is_title and token.lower_.endswith(_title_words().get(label, ()))


def is_time_word(text: str) -> bool:
    """A weekday, month or word of time, also in compounds ("Donnerstagabend", "Mai")."""
    word = normalize(text)
    return word in TIME_WORDS or word.startswith(WEEKDAYS) or word in TIME_LIKE


TIME_LIKE = frozenset(
    {
        "heute",
        "gestern",
        "morgen",
        "uhr",
        "wochenende",
        "jahr",
        "woche",
        "monat",
        "ramadan",
        "abend",
        "vormittag",
        "nachmittag",
        "mittag",
        "nacht",
        "früh",
    }
)
# Capitalised words that start sentences or headings and happen to be names somewhere.
COMMON_CAPITALISED = frozenset(
    {
        "die",
        "der",
        "das",
        "und",
        "bei",
        "mit",
        "von",
        "zum",
        "zur",
        "auch",
        "aber",
        "nach",
        "laut",
        "wie",
        "was",
        "wer",
    }
)


@dataclass
class MentionData:
    start: int
    end: int
    text: str
    label: str
    kind: str  # name, partial, adjective, descriptor
    entity_id: int | None
    confidence: float
    origin: str  # model, kb
    note: str
    sentence_index: int
    new_entity_kind: str | None = None  # set when the name is unknown: a provisional entity
    # The unknown full name a partial name belongs to ("Lang" -> "Ricarda Lang"), so both
    # end up on one provisional entity.
    provisional_name: str | None = None
    # The kind a new entity would have, held back outside political news until the mention
    # turns out to be a speaker (events.analysis.pipeline).
    held_kind: str | None = None


def link_doc(doc, kb: KnowledgeBase, day: date | None = None) -> list[MentionData]:
    sentence_of = sentence_of_token(doc, token_ranges(doc))
    has_pos = doc.has_annotation("POS")
    taken = [False] * len(doc)
    mentions = _ner_mentions(doc, kb, sentence_of, taken)
    _add_kb_matches(doc, kb, day, has_pos, sentence_of, taken, mentions)
    _link_partial_names(doc, kb, has_pos, sentence_of, taken, mentions)
    _partials_of_unknown_people(mentions)
    _names_after_type_words(doc, kb, sentence_of, taken, mentions)
    _parts_of_longer_unknown_names(doc, mentions, kb, kb.first_names())
    _mark_unknown(doc, mentions, kb.first_names())
    if not political(doc_text(doc)):
        _file_no_new_entities(mentions)
    mentions.sort(key=lambda m: m.start)
    return mentions


def _file_no_new_entities(mentions: list[MentionData]) -> None:
    """Outside political news (sport, products, culture) unknown names stay unlinked
    mentions: no provisional entity for the review queue (see events.analysis.topic)."""
    for mention in mentions:
        if mention.new_entity_kind:
            mention.held_kind, mention.new_entity_kind = mention.new_entity_kind, None
            mention.note = "unknown name in an article outside politics: no new entity"


def file_speakers(mentions: list[MentionData], spans: list[tuple[int, int]]) -> None:
    """Unknown names held back outside political news are filed after all where they speak
    (a claim's speaker or source, or what its pronoun stands for): whoever is quoted is an
    actor an analyst may look up."""
    for mention in mentions:
        if mention.held_kind and any(a <= mention.start and mention.end <= b for a, b in spans):
            mention.new_entity_kind, mention.held_kind = mention.held_kind, None
            mention.note = "unknown name of a speaker"


def _ner_mentions(doc, kb: KnowledgeBase, sentence_of, taken: list[bool]) -> list[MentionData]:
    """1. the statistical NER's spans (a span that runs into the next word, "Kim Jong Un
    Gipfelgespräche", is cut back to the name the knowledge base knows)."""
    mentions: list[MentionData] = []
    for whole in _joined_names(doc, kb):
        ent = _before_dash(doc, _without_edge_punctuation(doc, whole))
        if ent is None:
            continue
        ent = _with_type_word(doc, ent, kb)
        span, candidates, inflected = _trimmed(doc, ent, kb)
        mention = _ner_mention(ent, span, candidates, inflected, kb, mentions, sentence_of)
        if _unknown_or_provisional(mention, kb) and len(ent) == 1:
            fragment = _fragment_of_kb_name(doc, ent, kb, mentions)
            if fragment is not None:
                # "Tel" + "Aviv" cut apart: the whole is the knowledge base's name.
                ent = fragment
                span, candidates, inflected = _trimmed(doc, ent, kb)
                mention = _ner_mention(ent, span, candidates, inflected, kb, mentions, sentence_of)
                taken[ent.start] = True
            elif ent.label_ == "LOC" and _demonym(doc, ent, kb, mention):
                pass  # "die Londoner": the place's inhabitants, linked like an adjective
            elif ent.label_ == "LOC" and ent[0].text.endswith("er") and ent[0].pos_ != "PROPN":
                continue  # an inhabitant noun of a place the knowledge base does not know
        if _unknown_or_provisional(mention, kb):
            # Unknown as marked (or known only from such a span once): what of it can be a
            # new name ("Sebastian Kurz am Donnerstag" -> "Sebastian Kurz"); nothing for
            # "Donnerstag", "Permalink" or a sentence.
            part, genitive = _new_name(doc, ent, kb)
            if part is None and not _surname_alone_kept(ent, kb, mention):
                continue
            part = part or ent
            if (part.start, part.end) != (ent.start, ent.end):
                # The junk cut off is no part of the mention (and no reason to leave it unknown).
                ent = type(ent)(doc, part.start, part.end, label=whole.label_)
                span, candidates, inflected = _trimmed(doc, ent, kb)
                mention = _ner_mention(ent, span, candidates, inflected, kb, mentions, sentence_of)
            if mention.entity_id is None:
                _name_as_it_stands_alone(doc, ent, span, genitive, mention)
        mentions.append(mention)
        for i in range(ent.start, ent.end):
            taken[i] = True
    _same_unknown_name(mentions)
    return mentions


# Strong endings of an adjective before a noun of this gender, as a name is written alone:
# "der Zweite Senat" -> "Zweiter Senat", "ins Kunsthistorische Museum" -> "Kunsthistorisches Museum".
STRONG_ENDINGS = {"Masc": "er", "Fem": "e", "Neut": "es"}
# The gender a word before a weak adjective in "-e" gives away ("der Zweite Senat", "ins
# Kunsthistorische Museum"); before "-en" only "zur" and "den" do ("zur Grünen Jugend").
GENDER_BEFORE_E = {"der": "Masc", "die": "Fem", "das": "Neut", "ins": "Neut", "ans": "Neut", "aufs": "Neut"}
GENDER_BEFORE_EN = {"zur": "Fem", "den": "Masc"}
# Endings of nouns whose gender they tell, for nouns the treebank list lacks.
GENDER_SUFFIXES = (
    ("ung", "Fem"), ("heit", "Fem"), ("keit", "Fem"), ("schaft", "Fem"), ("ion", "Fem"), ("tät", "Fem"),
    ("behörde", "Fem"), ("bank", "Fem"), ("partei", "Fem"), ("agentur", "Fem"), ("kammer", "Fem"),
    ("um", "Neut"), ("ment", "Neut"), ("chen", "Neut"), ("tum", "Neut"), ("theater", "Neut"), ("kreuz", "Neut"),
    ("ismus", "Masc"), ("rat", "Masc"), ("verband", "Masc"), ("bund", "Masc"), ("senat", "Masc"),
)  # fmt: skip


def _noun_gender(word: str) -> str | None:
    """The gender of a noun: from the treebank list, by its last part ("Arzneimittel-Behörde",
    "Landesmuseum"), or by its ending."""
    genders = _noun_genders()
    word = word.rsplit("-", 1)[-1]
    for i in range(len(word) - 3):
        gender = genders.get(word[i:].capitalize())
        if gender:
            return gender
    lowered = word.casefold()
    return next((gender for ending, gender in GENDER_SUFFIXES if lowered.endswith(ending)), None)


@functools.cache
def _noun_genders() -> dict[str, str]:
    return dict(line.split("\t") for line in _word_list("noun_genders.txt"))


def _nominative(doc, span) -> str | None:
    """A new name that opens with adjectives inflected after an article or preposition ("am
    Deutschen Theater Berlin", "laut Rotem Kreuz"), written as it stands alone ("Deutsches
    Theater Berlin", "Rotes Kreuz"); None where it already is, or where its noun's gender is
    not known."""
    k = span.start
    while k < span.end - 1 and doc[k].text[:1].isupper() and doc[k].lower_.endswith(("e", "en", "em")):
        k += 1
    before = doc[span.start - 1] if span.start > 0 else None
    if k == span.start or before is None or before.pos_ not in ("DET", "ADP"):
        return None
    head = doc[k]
    if head.lower_.endswith("s") and before.lower_ in ("des", "eines"):
        return None  # "des Zweiten Senats": the noun is inflected too
    weak_e = doc[span.start].lower_.endswith("e")
    gender = (GENDER_BEFORE_E if weak_e else GENDER_BEFORE_EN).get(before.lower_) or _noun_gender(head.text)
    if gender is None:
        return None
    words = []
    for token in doc[span.start : k]:
        stem = token.text[:-2] if token.lower_.endswith(("en", "em")) else token.text[:-1]
        if len(stem) < 3:
            return None
        words.append(stem + STRONG_ENDINGS[gender])
    name = " ".join([*words, doc[k : span.end].text])
    return name if name != span.text else None


def _name_as_it_stands_alone(doc, ent, span, genitive: bool, mention: MentionData) -> None:
    """The name a new entity files under where the text inflects it."""
    if (genitive or _genitive_before_noun(doc, ent)) and not _own_s(doc, span):
        # "Selenskyjs Berater", "Mao Zedongs Erben": the unknown name is "Selenskyj",
        # "Mao Zedong"; its genitive files under it.
        mention.provisional_name = _genitive_base(span.text)
    elif ent.label_ != "PER" and (nominative := _nominative(doc, span)):
        mention.provisional_name = nominative  # "am Deutschen Theater" -> "Deutsches Theater"


def _surname_alone_kept(ent, kb: KnowledgeBase, mention: MentionData) -> bool:
    """ "SPÖ-Chef Schickhofer" (the tagger calls it a noun): a surname the knowledge base
    knows stays a mention, for the partial names below; never a new name."""
    if ent.label_ != "PER" or len(ent) != 1 or _common_noun(ent[0]) or kb.person_by_surname(ent.text) is None:
        return False
    mention.note = "a surname alone"
    return True


def _new_name(doc, ent, kb: KnowledgeBase):
    """What of an unknown NER span can be a new name, and whether it is a genitive before its
    head noun; (None, False) when nothing of it is (see name_part)."""
    part, genitive = name_part(doc, ent, kb.first_names())
    if part is not None and ent.label_ == "PER":
        part = _one_person(doc, part, kb)
    if part is None or _ordinary_words(part, ent.label_, kb.first_names()):
        return None, False
    return part, genitive


def _one_person(doc, part, kb: KnowledgeBase):
    """One person of a span the NER ran over two: "Trump Machado" (a known surname, then
    another name: the surname is left for the partial-name pass), "Patricia Evangelista Zoë
    Beck" (a second first name after a surname starts the second person)."""
    first_names = kb.first_names()
    head = part[0].text
    if len(part) >= 2 and not _first_name(head, first_names) and _known_surname(head, kb):
        # only where the article uses that surname apart from this pair too ("Donald Trump …
        # lehnt Trump Machado ab"), not for a first name the lists lack ("Will Smith")
        alone = [
            t
            for t in doc
            if t.text == head and t.i != part.start and doc[t.i + 1 : t.i + 2].text != part[1].text
        ]
        if alone:
            return doc[part.start + 1 : part.end]
    for k in range(2, len(part) - 1):
        if _first_name(part[k].text, first_names) and not _first_name(part[k - 1].text, first_names):
            return doc[part.start : part.start + k]
    return part


def _known_surname(word: str, kb: KnowledgeBase) -> bool:
    """Whether the knowledge base knows people (not provisional ones) by this last name."""
    return any(
        any(not kb.info(e).provisional for e in kb.surnames.get(v, ()) if e in kb.entities)
        for v in name_variants(word)
    )


def _own_s(doc, span) -> bool:
    """Whether a final "s" belongs to the name: the article writes the same name elsewhere
    where it is no genitive ("Claudia Brandes sagte", not only "Claudia Brandes Buch")."""
    word = span[-1].text
    for token in doc:
        if token.text == word and token.i != span.end - 1:
            after = doc[token.i + 1] if token.i + 1 < len(doc) else None
            if after is None or after.is_punct or after.is_lower:
                return True
    return False


def _fragment_of_kb_name(doc, ent, kb: KnowledgeBase, mentions: list[MentionData]):
    """The one-word span with the word before it where that is a knowledge-base name ("Tel"
    + "Aviv", "Washington" + "D.C."); a one-word mention of the word before is dropped."""
    start = ent.start - 1
    if start > 0 and doc[start].text == "," and "\n" not in doc[start].whitespace_:
        start -= 1  # "Washington, D.C."
    if (
        start < 0
        or doc[start].is_punct
        or "\n" in doc[start].whitespace_
        or not doc[start].text[:1].isupper()
    ):
        return None
    candidates, _ = kb.lookup(doc[start : ent.end].text)
    known = [
        c.entity_id for c in candidates if c.entity_id in kb.entities and not kb.info(c.entity_id).provisional
    ]
    if not known:
        return None
    before = [m for m in mentions if m.end > doc[start].idx and m.start < ent.start_char]
    if any(m.start != doc[start].idx or m.end != doc[start].idx + len(doc[start].text) for m in before):
        return None  # the word before belongs to a longer name
    for m in before:
        mentions.remove(m)
    # The NER's label belonged to a fragment ("Paulo" as a person): the name's own kind counts.
    return type(ent)(doc, start, ent.end, label=kb.info(known[0]).label)


def _demonym(doc, ent, kb: KnowledgeBase, mention: MentionData) -> bool:
    """ "Londoner", "Berliner" standing alone: the people of a known place, linked to it as
    an adjective-like mention. True if linked."""
    word = ent[0].text
    if len(word) < 6 or not word.endswith("er"):
        return False
    candidates, _ = kb.lookup(word[:-2])
    places = list(
        dict.fromkeys(
            c.entity_id
            for c in candidates
            if c.entity_id in kb.entities
            and kb.info(c.entity_id).kind in ("place", "country")
            and not kb.info(c.entity_id).provisional
        )
    )
    if not places:
        return False
    best = max(places, key=lambda e: kb.info(e).population or 0)
    mention.entity_id, mention.kind, mention.label, mention.confidence = best, "adjective", "MISC", 0.8
    mention.note = f"inhabitants of {kb.info(best).name}"
    return True


def _with_type_word(doc, ent, kb: KnowledgeBase):
    """The span with the type word before it ("Kanton" + "Zug") where the knowledge base
    has that longer name for a place; looked up before the bare name."""
    for width in (2, 1):
        start = ent.start - width
        if start < 0 or any(t.is_punct or t.ent_type_ for t in doc[start : ent.start]):
            continue
        if doc[start : ent.start].text.casefold() not in PLACE_TYPE_WORDS:
            continue
        candidates, _ = kb.lookup(doc[start : ent.end].text)
        if kb.any_of_kind(candidates, "place"):
            return type(ent)(doc, start, ent.end, label=ent.label_)
    return ent


def _ner_mention(ent, span, candidates, inflected, kb, context, sentence_of) -> MentionData:
    mention = MentionData(
        span.start_char,
        span.end_char,
        span.text,
        ent.label_,
        "name",
        None,
        0.0,
        "model",
        "" if (span.start, span.end) == (ent.start, ent.end) else f"span cut from {ent.text!r}",
        sentence_of[ent.start],
    )
    if candidates:
        _decide(mention, candidates, kb, context, inflected, _place_context(span))
    return mention


def _unknown_or_provisional(mention: MentionData, kb: KnowledgeBase) -> bool:
    if mention.entity_id is None:
        return not mention.note  # a note says why it stays unlinked ("a word of time")
    return kb.info(mention.entity_id).provisional


def _genitive_before_noun(doc, ent) -> bool:
    """A person's name in the genitive, right before its head noun ("Liverpools Torwart")."""
    return (
        ent.label_ == "PER"
        and (len(ent) > 1 or ent[0].text not in _word_list("first_names.txt"))  # "Thomas Mann"
        and ent.end < len(doc)
        and (doc[ent.end].pos_ == "NOUN" or _common_noun(doc[ent.end]))
        and _genitive_form(ent[-1].text)
    )


def _genitive_base(text: str) -> str:
    if text.endswith("'s") or text.endswith("’s"):
        return text[:-2]
    return text[:-1] if text.endswith("s") and not text.endswith("ss") else text


def _same_unknown_name(mentions: list[MentionData]) -> None:
    """ "Kim Jong Un ... Kim Jong Uns": an unknown inflected name files under the article's
    own uninflected form of it."""
    unknown = {normalize(m.text): m.text for m in mentions if m.entity_id is None and not m.note}
    for mention in mentions:
        if mention.entity_id is not None or mention.provisional_name or mention.note:
            continue
        for variant in name_variants(mention.text)[1:]:
            if variant in unknown and unknown[variant] != mention.text:
                mention.provisional_name = unknown[variant]
                break


def _joined_names(doc, kb: KnowledgeBase) -> list:
    """The NER's spans, with a person's name it split joined again: "Jo Yong" + "Won" (two
    spans, or a span and the next proper noun it left out) is "Jo Yong Won", where the
    knowledge base does not know the first part and the whole is a plausible name."""
    ents = list(doc.ents)
    joined, i = [], 0
    while i < len(ents):
        ent = ents[i]
        if ent.label_ == "PER" and not kb.lookup(ent.text, context=True)[0]:
            end = ent.end
            nxt = ents[i + 1] if i + 1 < len(ents) else None
            if (
                nxt is not None
                and nxt.label_ == "PER"
                and nxt.start == end
                and len(nxt) == 1  # "Jo Yong" + "Won"; "Pep Guardiola" + "Erling Haaland" are two
                and _joinable(doc, ent.start, nxt.end)
            ):
                end, i = nxt.end, i + 1
            elif doc[end - 1].lower_ in NAME_PARTICLES and len(ent) > 1:
                # "Alexander Van" + "der Bellen": a name the NER cut after a particle.
                end = _after_particles(doc, end, nxt)
            # Not after a genitive: "Jo Yong Boks Schwester" is his sister.
            elif (end < len(doc) and (nxt is None or nxt.start > end) and not _genitive_form(doc[end - 1].text)
                  and _joinable(doc, ent.start, end + 1, _first_name(ent.text, kb.first_names()))
                  and not kb.lookup(doc[end].text)[0]):  # fmt: skip
                end += 1
            if end != ent.end:
                ent = type(ent)(doc, ent.start, end, label="PER")
        nxt = ents[i + 1] if i + 1 < len(ents) else None
        ent = _extended_to_a_known_name(doc, ent, nxt.start if nxt is not None else len(doc), kb)
        ent = _with_words_before(doc, ent, joined, kb)
        ent = _with_first_name_left_out(doc, ent, joined, kb)
        joined.extend(_split_before_a_known_person(doc, ent, kb))
        i += 1
    return joined


def _extended_to_a_known_name(doc, ent, limit: int, kb: KnowledgeBase):
    """ "Direktion Staatsschutz" of "Direktion Staatsschutz und Nachrichtendienst", "Abu Bakr"
    of "Abu Bakr al-Baghdadi", "Europäischen Gerichtshof" of "... für Menschenrechte": a span
    the NER cut short of a longer name the knowledge base knows is that name."""
    for end in range(min(limit, ent.start + MAX_ALIAS_TOKENS), ent.end, -1):
        last = doc[end - 1]
        if last.is_punct or not (last.is_title or last.is_upper or "-" in last.text):
            continue
        found, _ = kb.lookup(doc[ent.start : end].text)
        if found and not kb.provisional_only(found):
            return type(ent)(doc, ent.start, end, label=_label_of(found, kb, ent.label_))
    return ent


def _with_words_before(doc, ent, joined: list, kb: KnowledgeBase):
    """ "unter Marine Le Pen" tagged "Le Pen", "Arbeiterpartei Kurdistans" tagged "Kurdistans",
    "Golf von Mexiko" tagged "Mexiko": the one or two words before belong to the name where
    together they are a name the knowledge base knows."""
    for start in (ent.start - 2, ent.start - 1):
        if start < 0 or not doc[start].is_title or (joined and joined[-1].end > start):
            continue
        if doc[start].lower_ in ARTICLES or doc[start].lower_ in _stop_words():
            continue  # "Der Golf", not "Der"
        if any(t.is_punct or "\n" in t.whitespace_ for t in doc[start : ent.start]):
            continue
        found, _ = kb.lookup(doc[start : ent.end].text)
        if found and not kb.provisional_only(found):
            return type(ent)(doc, start, ent.end, label=_label_of(found, kb, ent.label_))
    return ent


def _with_first_name_left_out(doc, ent, joined: list, kb: KnowledgeBase):
    """ "Iain Duncan Smith" tagged "Duncan Smith", "Czesław Jan Kiszczak" tagged "Jan
    Kiszczak": a proper noun right before an unknown person's name, that is no name the
    knowledge base knows, no common noun and no genitive, is the first of its names."""
    start = ent.start - 1
    if ent.label_ != "PER" or start < 0 or (joined and joined[-1].end > start):
        return ent
    word = doc[start]
    if (
        not word.is_title
        or word.pos_ != "PROPN"
        or "\n" in word.whitespace_
        or word.lower_ in _stop_words()
        or _common_noun(word)
        or _title_word(word, "PER")
        or _genitive_form(word.text)
        or is_time_word(word.text)
        or kb.lookup(word.text, context=True)[0]
        or kb.lookup(ent.text, context=True)[0]
    ):
        return ent
    return type(ent)(doc, start, ent.end, label="PER")


def _label_of(found: list[Candidate], kb: KnowledgeBase, label: str) -> str:
    """The NER label of what the knowledge base found, where all of it is one kind."""
    labels = {kb.info(c.entity_id).label for c in found if c.entity_id in kb.entities}
    return labels.pop() if len(labels) == 1 else label


def _split_before_a_known_person(doc, ent, kb: KnowledgeBase) -> list:
    """ "in der Steiermark Franz Voves" tagged as one name: a known person's full name at its
    end, opening with a first name, is a name of its own; the words before are another."""
    if len(ent) < 2 or kb.lookup(ent.text, context=True)[0]:
        return [ent]
    head = kb.lookup(ent[0].text)[0]
    if len(ent) == 2 and ent[0].is_upper and head and kb.person_by_surname(ent[1].text):
        # "zitierte die Nachrichtenagentur TASR Fico": an agency's letters and a surname.
        return [
            type(ent)(doc, ent.start, ent.start + 1, label="ORG"),
            type(ent)(doc, ent.start + 1, ent.end, label="PER"),
        ]
    agent = _split_at_von(doc, ent, kb)
    if agent:
        return agent
    for k in range(ent.start + 1, ent.end - 1):
        if not _first_name(doc[k].text, kb.first_names()):
            continue
        found, _ = kb.lookup(doc[k : ent.end].text)
        if kb.any_of_kind(found, "person"):
            return [type(ent)(doc, ent.start, k, label=ent.label_), type(ent)(doc, k, ent.end, label="PER")]
    return [ent]


def _split_at_von(doc, ent, kb: KnowledgeBase) -> list:
    """ "wurde Putin von Kim begrüßt" tagged as one name: a known person before "von" is no
    first name of a noble name ("Ursula von der Leyen"), so the two are people of their own
    (the "von" between them is the passive's agent)."""
    if ent.label_ != "PER":
        return []
    for k in range(ent.start + 1, ent.end - 1):
        if doc[k].text not in ("von", "vom") or not doc[k + 1].is_title:
            continue
        left = doc[ent.start : k]
        if len(left) == 1 and _first_name(left.text, kb.first_names()):
            return []
        found, _ = kb.lookup(left.text)
        if kb.any_of_kind(found, "person") or (len(left) == 1 and kb.person_by_surname(left.text)):
            return [type(ent)(doc, ent.start, k, label="PER"), type(ent)(doc, k + 1, ent.end, label="PER")]
    return []


def _after_particles(doc, end: int, nxt) -> int:
    """Where a name cut after a particle ends: past more particles and one capitalised word."""
    limit = nxt.start if nxt is not None else len(doc)
    j = end
    while j < limit and j - end < 2 and doc[j].lower_ in NAME_PARTICLES and doc[j].is_lower:
        j += 1
    if j < limit and doc[j].is_title and not is_time_word(doc[j].text) and not doc[j].is_punct:
        return j + 1
    return end


def _joinable(doc, start: int, end: int, after_first_name: bool = False) -> bool:
    """Whether tokens start..end read as one person's name: few words, each capitalised
    (or a name particle), no time word, no line break or punctuation between them. After a
    first name alone the surname may be a noun too ("Heinz" + "Schaden")."""
    if end - start > 4:
        return False
    for token in doc[start:end]:
        if token.is_punct or token.is_space or "\n" in token.whitespace_ or is_time_word(token.text):
            return False
        if not token.is_title and token.lower_ not in NAME_PARTICLES:
            return False
    last = doc[end - 1]
    tags = ("PROPN", "X", "NOUN") if after_first_name else ("PROPN", "X")
    return last.lower_ not in _stop_words() and last.pos_ in tags and len(last.text) > 1


def _finite_verb(token) -> bool:
    return token.pos_ in ("VERB", "AUX") and "Fin" in token.morph.get("VerbForm") and token.is_lower


def _name_word(token, label: str) -> bool:
    """A word that may stand in a name of this kind."""
    if token.is_punct:
        return token.text in ("-", "&", "'", ".") or token.text in QUOTES_OPEN | QUOTES_CLOSE
    if token.is_alpha and token.is_lower:
        if label == "PER":
            return token.lower_ in NAME_PARTICLES
        return token.lower_ in NAME_PARTICLES | NAME_FUNCTION_WORDS or token.pos_ in NAME_FUNCTION_POS
    return True


def name_part(doc, ent, first_names: frozenset[str] = frozenset()):
    """The part of an unknown NER span that can be a new name, and whether that part is a
    genitive before its head noun ("Putins Autokolonne" -> "Putins", True). ``(None, False)``
    when nothing of it is a name: a weekday or month, a web address or page furniture
    ("Permalink", "Blitzangebot"), a sentence, or a common noun.
    """
    if _no_name(doc, ent.start, ent.end):
        return None, False
    start, end = _trim_edges(
        doc, ent.start, _before_a_direction(doc, ent.start, ent.end), ent.label_, first_names
    )
    if start >= end or not all(_name_word(t, ent.label_) for t in doc[start:end]):
        return None, False  # "English sentence about the government"
    if end - start > 1 and any(
        t.text.endswith("-") and len(t.text) > 1 and (t.i == end - 1 or doc[t.i + 1].lower_ in COORDINATORS)
        for t in doc[start:end]
    ):
        # "Merkel Jagd- und Sportwaffen", "Nord- und Südamerika": coordinated compounds
        return None, False
    if end - start == 1 and doc[start].is_upper and start > 0 and doc[start - 1].like_num:
        return None, False  # "19,0 PPG": a unit after its number
    if any(t.lower_ in INDEFINITE_ARTICLES for t in doc[start:end]):
        return None, False  # "… Mikl-Leitner im Falle einer Kandidatur …": a phrase, not a name
    genitive = _genitive_end(doc, start, end, first_names)
    if genitive:
        return doc[genitive[0] : genitive[1]], genitive[0] == start
    if end - start == 1 and (doc[start].pos_ == "NOUN" or len(doc[start].text.rstrip(".")) < 2):
        return None, False  # a common noun ("Flüchtlingskrise", "Halbinsel") or an initial ("A.")
    if end - start == 1 and ent.label_ == "PER" and start > 0 and doc[start - 1].lower_ in ARTICLES:
        # "der Hacker", "die Pappa": one word after an article is a noun the tagger called a
        # proper noun; a person's surname goes without one in news German.
        return None, False
    return doc[start:end], False


# Endings of role nouns the tagger may call proper nouns ("Kriminologin", "Journalist").
ROLE_ENDINGS = ("in", "er", "ist", "ent", "or", "oge", "ant")
INDEFINITE_ARTICLES = frozenset({"ein", "eine", "einer", "eines", "einem", "einen"})
COORDINATORS = frozenset({"und", "oder", "sowie", "bis", "bzw."})
DIRECTIONS = frozenset(
    {"norden", "süden", "osten", "westen", "nordosten", "nordwesten", "südosten", "südwesten", "zentrum"}
)


def _before_a_direction(doc, start: int, end: int) -> int:
    """Where a name ends that the NER ran on into where it lies: "Kibbuz Shomrat im Norden
    Israels" ends before "im Norden"."""
    for k in range(start + 1, end - 1):
        if doc[k].lower_ in ("im", "in", "am") and doc[k + 1].lower_ in DIRECTIONS:
            return k
    return end


_YEAR = re.compile(r"^(19|20)\d\d([-–](19|20)\d\d)?\.?$")
COMPANY_SUFFIXES = frozenset({"gmbh", "ag", "kg", "se", "ltd", "ltd.", "inc", "inc.", "e.v.", "llc", "plc"})
# Legal forms that end a company's name ("Audi AG"). Not for _imprint: a span that starts with
# "SA" or "NV" is no imprint's tail.
LEGAL_FORMS = COMPANY_SUFFIXES | {
    "kgaa",
    "ohg",
    "eg",
    "e.g.",
    "nv",
    "n.v.",
    "bv",
    "b.v.",
    "s.a.",
    "s.p.a.",
    "corp.",
}


def _imprint(doc, start: int, end: int) -> bool:
    """A copyright or imprint line ("© Lagebild GmbH 2020", "Verlag AG 2021"): page furniture."""
    tokens = doc[start:end]
    if any("©" in t.text or t.lower_ == "(c)" for t in tokens):
        return True
    if tokens[0].lower_.rstrip(".") in COMPANY_SUFFIXES:
        return True  # "GmbH." cut from the line before: the tail of an imprint
    return any(
        _YEAR.match(t.text) and any(p.lower_ in COMPANY_SUFFIXES for p in doc[start : t.i]) for t in tokens
    )


def _no_name(doc, start: int, end: int) -> bool:
    """A span that holds no name at all: a sentence, an address, page furniture."""
    if end - start > MAX_NAME_TOKENS:
        return True  # a name this long is a sentence the NER swallowed
    if _imprint(doc, start, end):
        return True
    if end - start >= 3 and doc[end - 1].text in SENTENCE_END:
        return True
    if end - start == 1 and doc[start].pos_ == "ADJ" and _ADJECTIVE.search(doc[start].lower_):
        return True  # "Iranische" (Medien): an adjective, not an organisation
    if not any(_latin_letter(c) for c in doc[start:end].text):
        return True  # "Видео по теме": a line in another script; German news transliterates names
    return any(
        token.like_url
        or token.like_email
        or _URL.search(token.text)
        or normalize(token.text) in _not_names()
        or _finite_verb(token)
        for token in doc[start:end]
    )


def _latin_letter(char: str) -> bool:
    return char.isalpha() and unicodedata.name(char, "").startswith("LATIN")


def _trim_edges(
    doc, start: int, end: int, label: str, first_names: frozenset[str] = frozenset()
) -> tuple[int, int]:
    """A word of time ends the name ("Sebastian Kurz am Donnerstag" -> "Sebastian Kurz");
    punctuation, articles and other lower-case words at the edges are not the name."""
    for i in range(start, end):
        if is_time_word(doc[i].text):
            end = i
            break

    def edge(token, left: bool) -> bool:
        if not left and token.lower_ in LEGAL_FORMS:
            return False  # "Buhl-Alberti AG" ("ag" is one of spaCy's German stop words)
        if token.is_punct or (left and token.lower_ in ARTICLES):
            return True
        english = token.lower_ in ENGLISH_FUNCTION_WORDS and not _first_name(token.text, first_names)
        if (
            end - start > 1  # "Lange" alone, marked a name, is one
            and (token.lower_ in _stop_words() or english)  # "If Trump"; not "Will Smith"
            and token.lower_ not in NAME_PARTICLES
            and (token.is_upper or token.is_sent_start)
        ):
            # "Wann Pröll", "Jada UND": a function word opening a sentence or in capitals
            # ("Anne Will" keeps hers).
            return True
        return token.is_lower and (not left or token.lower_ not in NAME_PARTICLES)

    while start < end and edge(doc[start], True):
        start += 1
    while end > start and edge(doc[end - 1], False):
        end -= 1
    # A common noun after a person's name: "Guido Steinberg Bezug" (the NER ran on).
    while label == "PER" and end - start > 2 and _common_noun(doc[end - 1]):
        end -= 1
    # A role or type before the name: "Bundesschulsprecher Maximilian Gnesda", "Premier
    # Renzi", "des Bloggers Raif Badawi", "Terrormiliz Islamischer Staat".
    while (
        end - start > 1
        and (doc[start + 1].is_title or doc[start + 1].is_upper)  # "Partei HDP"
        and (
            _title_word(doc[start], label)
            or (label == "PER" and doc[start].pos_ == "NOUN")
            # "Kriminologin Bärbel Bongartz": a word that is no first name before a first name
            or (
                label == "PER"
                and end - start > 2
                and _first_name(doc[start + 1].text, first_names)
                and not _first_name(doc[start].text, first_names)
                and doc[start].text.isalpha()
                # not "Iain Duncan Smith", "Czesław Jan Kiszczak": a first name we do not list
                and (
                    doc[start].pos_ != "PROPN"
                    or _ends_in_common_noun(doc[start].text)
                    or (len(doc[start].text) > 6 and doc[start].lower_.endswith(ROLE_ENDINGS))
                )
            )
            # "Nato-Land Türkei", "Klubobfrau Krismer", "Zweitliga-Spitzenreiter Hamburger SV":
            # a common noun before a name (not an organisation's own word: "Stiftung Warentest").
            or (
                _ends_in_common_noun(doc[start].text)
                # "Wolfgang" is no "Gang", "Roman" no novel.
                and not _first_name(doc[start].text, first_names)
                and (
                    label in ("PER", "LOC")
                    or (not doc[start].lower_.endswith(ORGANISATION_WORDS) and doc[start].pos_ != "PROPN")
                )
            )
        )
    ):
        start += 1
    return start, end


def _genitive_end(
    doc, start: int, end: int, first_names: frozenset[str] = frozenset()
) -> tuple[int, int] | None:
    """A genitive before its head noun: the name is the genitive ("Moskaus Krieg" -> "Moskaus"),
    or the name after the head noun ("Südtirols Alt-Landeshauptmann Luis Durnwalder" -> "Luis
    Durnwalder"). (start, end) of the name, or None."""
    for k in range(end - 2, start - 1, -1):
        token, head = doc[k], doc[k + 1 : end]
        if (
            not _genitive_form(token.text)
            or token.pos_ not in ("PROPN", "X")
            or not all(t.is_title or t.text == "-" for t in head)
        ):
            continue
        # The tagger calls a long compound after a genitive a proper noun too: "Haiders
        # Regierungseintritt", "Raffarins Gesinnungspartnerin" (but "Hans Steinberg" is a name).
        compound_head = (
            len(head) == 1 and _compound_of_nouns(head[0]) and not _first_name(token.text, first_names)
        )
        if any(t.pos_ == "NOUN" for t in head) or "Gen" in token.morph.get("Case") or compound_head:
            nouns = k + 1
            while nouns < end and doc[nouns].pos_ == "NOUN":
                nouns += 1
            if nouns > k + 1 and nouns < end and doc[nouns].pos_ in ("PROPN", "X"):
                return nouns, end  # an apposition names the person the noun describes
            return start, k + 1
    return None


def _genitive_form(word: str) -> bool:
    return (len(word) > 3 and word.endswith("s") and not word.endswith("ss")) or word.endswith(("'s", "’s"))


def _add_kb_matches(
    doc, kb, day, has_pos, sentence_of, taken: list[bool], mentions: list[MentionData]
) -> None:
    """2. what the knowledge base knows and the NER missed."""
    i = 0
    while i < len(doc):
        if taken[i]:
            i += 1
            continue
        found = _kb_match(doc, i, taken, kb, day, has_pos, sentence_of, mentions)
        if found:
            mentions.append(found[0])
            for j in range(i, found[1]):
                taken[j] = True
            i = found[1]
            continue
        found_here = _adjective_mentions(doc[i], kb, sentence_of) or _party_branch(doc[i], kb, sentence_of)
        mentions.extend(found_here)
        taken[i] = bool(found_here)
        i += 1


# Words that say the name after them is an organisation's: "berichtete die Zeitung Danas",
# "der Gruppierung Asow", "die Partei Smer".
NAMING_WORDS = (
    "zeitung", "sender", "agentur", "magazin", "portal", "blatt", "plattform", "partei",
    "miliz", "gruppe", "gruppierung", "bewegung", "organisation", "konzern", "verband",
    "gewerkschaft", "fraktion", "allianz", "bündnis", "netzwerk", "denkfabrik",
)  # fmt: skip


def _names_after_type_words(doc, kb, sentence_of, taken: list[bool], mentions: list[MentionData]) -> None:
    """4. a name right after an organisation's type word that the NER missed: the
    organisation the knowledge base knows by that name (also by an ambiguous one, "Asow"),
    else an unknown organisation ("die Zeitung Danas")."""
    for i in range(1, len(doc)):
        if taken[i] or not doc[i - 1].lower_.endswith(NAMING_WORDS) or not doc[i - 1].is_title:
            continue
        end = _name_after(doc, i, taken)
        if end is None or _first_name(doc[i].text, kb.first_names()):
            continue  # "die Partei Gerhard Schröders": a person's
        span = doc[i:end]
        candidates, _ = kb.lookup(span.text, context=True)
        organisations = [
            c
            for c in candidates
            if c.entity_id in kb.entities and kb.info(c.entity_id).kind == "organization"
        ]
        mention = _new(span, sentence_of, "name")
        mention.label, mention.origin = "ORG", "model"
        if organisations:
            _decide(mention, organisations, kb, mentions, False)
        mentions.append(mention)
        for j in range(i, end):
            taken[j] = True


def _name_after(doc, i: int, taken: list[bool]) -> int | None:
    """The end of a name of one to three words starting at i, or None where the words are
    no name (a verb, a common noun, "Die", a time) or run on into a noun."""
    end = i
    while end < min(len(doc), i + 3) and not taken[end]:
        token = doc[end]
        if not (token.is_title or token.is_upper) or len(token.text) < 2 or token.is_punct:
            break
        if token.lower_ in COMMON_CAPITALISED or token.lower_ in _stop_words() or is_time_word(token.text):
            break
        if _common_noun(token) or token.pos_ not in ("PROPN", "X", "NOUN") or _compound_of_nouns(token):
            break  # "der Gruppe Menschenrechtsverletzungen vorwerfen": the noun's object
        end += 1
    if end == i:
        return None
    following = doc[end] if end < len(doc) else None
    if following is not None and following.is_title and _common_noun(following):
        return None  # "die Partei Neue Mitte": part of a longer name we cannot tell
    return end


def _link_partial_names(
    doc, kb, has_pos, sentence_of, taken: list[bool], mentions: list[MentionData]
) -> None:
    """3. partial names: a person named in full in this article, else the one person in
    the knowledge base with that surname ("Putin", "Selenskyj"; never "Kim")."""
    persons_named = [
        m for m in mentions if m.entity_id and m.kind == "name" and kb.info(m.entity_id).kind == "person"
    ]
    # Surnames of people the article names in full whom the knowledge base does not know:
    # "Florian Hahn ... Hahn" is not Jörg-Uwe Hahn, however unique he is in the knowledge base.
    unknown_surnames = {
        normalize(m.text.split()[-1])
        for m in mentions
        if m.entity_id is None and m.label == "PER" and len(m.text.split()) > 1 and not _surname_alone(m.text)
    }
    for mention in mentions:
        # "Putins Autokolonne" tagged LOC is still Putin: a name the article spelt out wins.
        # A provisional entity of the same word ("Putins", once not recognised) does not stop it.
        unlinked = mention.entity_id is None or kb.info(mention.entity_id).provisional
        single = _surname_alone(mention.text)
        if single and not unlinked and _town_of_a_named_surname(doc, mention, persons_named, kb):
            continue
        if (
            unlinked
            and single
            and (
                _resolve_partial(mention, [p for p in persons_named if p is not mention], kb)
                # A genitive before its head noun ("Putins Autokolonne" tagged LOC) is a surname too.
                or (
                    (
                        mention.label == "PER"
                        or mention.provisional_name
                        or _genitive_of_an_office_holder(mention, kb)
                    )
                    and normalize(mention.text) not in unknown_surnames
                    and _resolve_surname(mention, kb)
                )
            )
        ):
            mention.label = "PER"
    _surname_mentions(doc, kb, has_pos, sentence_of, taken, mentions, persons_named, unknown_surnames)


def _genitive_of_an_office_holder(mention: MentionData, kb: KnowledgeBase) -> bool:
    """ "die Politik Trumps" tagged a place: the genitive of a surname the news know an office
    holder by, where no place or organisation of the knowledge base has the word."""
    if mention.entity_id is not None or not _genitive_form(mention.text):
        return False
    person = kb.person_by_surname(mention.text)
    return person is not None and kb.office_holders[person] > 0


def _surname_alone(text: str) -> bool:
    """One capitalised word, or a surname with its particles ("Van der Bellen", "de Gaulle")."""
    *particles, last = text.split() or [""]
    return last[:1].isupper() and all(p.casefold() in NAME_PARTICLES for p in particles)


def _surname_mentions(
    doc,
    kb,
    has_pos,
    sentence_of,
    taken: list[bool],
    mentions: list[MentionData],
    persons_named,
    unknown_surnames,
) -> None:
    """Surnames alone that the NER did not mark: of a person named in full in this article
    (known or not), or of the one person of that surname in the knowledge base."""
    unknown_people = [
        m for m in mentions if m.entity_id is None and m.label == "PER" and len(m.text.split()) > 1
    ]
    # The surnames of the people the article named in full: "Kurzmann" after "Gerhard
    # Kurzmann" is him even where the tagger calls the word a noun (unless it is one).
    # So are the surnames a person of the knowledge base was named by alone elsewhere in the
    # article ("Schickhofer sagte ..." and "den jungen Schickhofer", tagged a noun).
    surnames_alone = [
        m for m in mentions if m.entity_id and m.kind == "partial" and kb.info(m.entity_id).kind == "person"
    ]
    named_surnames = {
        form
        for m in [*persons_named, *unknown_people, *surnames_alone]
        for form in _surname_forms(normalize(m.text.split()[-1]))
    }  # with their genitives: "Metes"
    for i, token in enumerate(doc):
        if taken[i] or len(token.text) < 3 or not token.text[:1].isupper():
            continue
        proper = not has_pos or token.pos_ in ("PROPN", "X")
        # Not after an article: "die Post" is the mail, whatever Florian Post said; a noun
        # only after a title: "Bürgermeister Schaden".
        surname = (
            normalize(token.text) in named_surnames
            and (not _common_noun(token) or (i > 0 and _title_word(doc[i - 1], "PER")))
            and not (i > 0 and doc[i - 1].lower_ in ARTICLES)
        )
        if token.text.casefold() in COMMON_CAPITALISED or not (proper or surname):
            continue
        if _title_word(token, "PER") and i + 1 < len(doc) and doc[i + 1].is_title:
            continue  # "Fürst Albert": a title before a name, not Susanne Fürst
        if i + 1 < len(doc) and doc[i + 1].text.endswith("-") and len(doc[i + 1].text) > 1:
            continue  # "Merkel Jagd- und Sportwaffen": a firm's name in coordinated compounds
        mention = MentionData(
            token.idx,
            token.idx + len(token.text),
            token.text,
            "PER",
            "partial",
            None,
            0.0,
            "kb",
            "",
            sentence_of[i],
        )
        if (
            _resolve_partial(mention, persons_named, kb)
            # A surname alone that is also a noun ("Hacker", "Kurz") is the noun, unless the
            # article named the person in full (above).
            or (
                normalize(token.text) not in unknown_surnames
                and not _common_noun(token)
                # "einer Großen Koalition": a capitalised adjective before its noun, not the
                # one Grossen of the knowledge base.
                and not (i + 1 < len(doc) and _common_noun(doc[i + 1]))
                and _resolve_surname(mention, kb)
            )
            or surname
            and _partial_of_unknown(mention, unknown_people)
        ):
            mentions.append(mention)
            taken[i] = True


def _town_of_a_named_surname(
    doc, mention: MentionData, persons_named: list[MentionData], kb: KnowledgeBase
) -> bool:
    """ "Clintons E-Mail-Computer" tagged LOC after "Hillary Clinton": a small town, an
    inflected form, or a city named without a preposition ("Raab" after "Susanne Raab", not
    "in Raab") that is the surname of a person the article named in full before is that
    person (relinked here; True if so)."""
    info = kb.info(mention.entity_id)
    if info.kind != "place":
        return False
    span = doc.char_span(mention.start, mention.end)
    after_preposition = (
        span is not None and span.start > 0 and doc[span.start - 1].lower_ in PLACE_PREPOSITIONS
    )
    if not (_small_place(info) or mention.note == "inflected form" or not after_preposition):
        return False
    place = mention.entity_id, mention.note, mention.kind
    before = [p for p in persons_named if p.start < mention.start]
    if before and _resolve_partial(mention, before, kb):
        mention.label = "PER"
        return True
    mention.entity_id, mention.note, mention.kind = place
    return False


def _surname_forms(surname: str) -> tuple[str, str]:
    """A normalised surname and its genitive: "mete", "metes"."""
    return surname, surname + "s"


def _partial_of_unknown(mention: MentionData, unknown_people: list[MentionData]) -> bool:
    """A surname alone after the one unknown person of that surname the article named in full."""
    word = normalize(mention.text)
    owners = {
        m.text
        for m in unknown_people
        if m.start < mention.start and word in _surname_forms(normalize(m.text.split()[-1]))
    }
    if len(owners) != 1:
        return False
    mention.provisional_name = owners.pop()
    mention.new_entity_kind = "person"
    mention.note = f"partial name of {mention.provisional_name}, not in the knowledge base"
    return True


def _mark_unknown(doc, mentions: list[MentionData], first_names: frozenset[str]) -> None:
    """An unlinked name of a kind the knowledge base holds becomes a provisional entity. A
    name the article gives once with nothing that says what it is is held back instead (see
    _one_off): such one-off names were a third of the review queue's junk ("Offene
    Feldschlacht", "Wallet", "Latinos", "User Getz"); it is filed where it speaks
    (file_speakers) and joins a provisional entity an earlier article filed
    (events.services.analysis)."""
    # A short form that joined a longer name (a surname after the full name) names it again.
    named = Counter(normalize(m.provisional_name or m.text) for m in mentions if m.entity_id is None)
    for mention in mentions:
        if mention.entity_id is None and not mention.note:
            if mention.label == "PER" and len(mention.text.split()) == 1 and not mention.provisional_name:
                # A surname (or a nickname) alone names nobody we could tell apart: "Grosso",
                # "Mutti". The person named in full elsewhere in the article has been found above.
                mention.note = "a single name, no full name in the article"
            elif mention.label in KIND_FOR_LABEL and _one_off(doc, mention, named, first_names):
                mention.note = "an unknown name named once: held until it speaks or is known"
                mention.held_kind = _new_kind(mention)
            elif mention.label in KIND_FOR_LABEL:
                mention.note = "unknown name"
                mention.new_entity_kind = _new_kind(mention)
            else:
                mention.note = "no entity for this kind of name"


def _new_kind(mention: MentionData) -> str:
    """The kind of a new entity: the NER's, except a "person" whose last word is an
    organisation's ("Gorki Theater", "Hope Stiftung") and whose first is no first name."""
    words = mention.text.split()
    if (
        mention.label == "PER"
        and len(words) > 1
        and words[-1].casefold().endswith(ORGANISATION_WORDS)
        and not _first_name(words[0], frozenset())
    ):
        return "organization"
    return KIND_FOR_LABEL[mention.label]


def _one_off(doc, mention: MentionData, named: Counter, first_names: frozenset[str]) -> bool:
    """A name the article gives once with nothing that says what it is: an organisation with
    no organisation's word in it or before it ("Institut", "die Partei XYP", "Terrorgruppe
    …"), a place with no preposition of place before it ("in Wels"), a person whose first word
    is no first name we know and who has no role word before them ("Anwalt …")."""
    if named[normalize(mention.text)] > 1:
        return False
    span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
    before = doc[span.start - 1] if span is not None and span.start > 0 else None
    if mention.label == "PER":
        # Junk among new people is mostly words run into a name ("User Getz", "Feng Shui",
        # "Gefährliche Giftwolke"); a name opening with a known first name rarely is.
        words = mention.text.split()
        return not _given_name(words[0], first_names) and not (
            before is not None and _title_word(before, "PER")
        )
    if mention.label not in ("ORG", "LOC"):
        return False
    if any(word.casefold().endswith(ORGANISATION_WORDS) for word in mention.text.split()):
        return False
    if before is None:
        return True
    if mention.label == "ORG":
        word = before.lower_.removesuffix("es").removesuffix("s")  # "des Vereins"
        return not (_title_word(before, "ORG") or word.endswith(ORGANISATION_WORDS))
    return before.lower_ not in FILING_PREPOSITIONS


# Prepositions that say a one-off unknown name is a place ("in Wels"); not "im", "am": "im
# Ramadan", "am Wallet" are times and things.
FILING_PREPOSITIONS = frozenset({"in", "nach", "aus", "bei", "von"})


DASHES = frozenset({"–", "—", "-"})


def _without_edge_punctuation(doc, ent):
    """The NER span of a name without punctuation at its edges ("Grünen." at a sentence end,
    a quote mark before an outlet's name); None when nothing is left."""
    start, end = ent.start, ent.end
    while start < end and (doc[start].is_punct or doc[start].is_space):
        start += 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    if start == end:
        return None
    if any(t.is_lower and t.lower_ not in NAME_PARTICLES for t in doc[start:end]):
        return ent  # words in running text: a sentence or a phrase, judged whole by name_part
    return ent if (start, end) == (ent.start, ent.end) else type(ent)(doc, start, end, label=ent.label_)


def _before_dash(doc, ent):
    """A span that runs over a dateline's dash ("Washington – Chinas") ends before it; the
    words after it are left to the knowledge-base pass. None when nothing is left."""
    if ent is None:
        return None
    for token in ent:
        if token.text in DASHES:
            if token.i == ent.start:
                return None
            part = doc[ent.start : token.i]
            return type(ent)(doc, part.start, part.end, label=ent.label_)
    return ent


def _trimmed(doc, ent, kb: KnowledgeBase):
    """The NER span, or the longest part of it at either edge that the knowledge base knows."""
    candidates, inflected = kb.lookup(ent.text, context=True)
    if not candidates:
        candidates = _branch_of(ent.text, kb)
    if candidates or len(ent) == 1:
        return ent, candidates, inflected
    last = ent[-1]
    if len(ent) > 2 and last.is_upper and len(last.text) > 1:
        # "der Allgemeine Deutsche Fahrradclub ADFC": a long name followed by its abbreviation
        # is the organisation the abbreviation stands for, however the long name is inflected.
        found = [c for c in kb.lookup(last.text)[0] if c.entity_id in kb.entities]
        if found and all(kb.info(c.entity_id).kind == "organization" for c in found):
            return ent, found, False
    if last.lower_ in LEGAL_FORMS and len(ent) > 1:
        # "Audi AG" is the knowledge base's Audi, and the mention keeps its legal form.
        found, inflected = kb.lookup(ent[:-1].text, context=True)
        if kb.any_of_kind(found, "organization"):
            return ent, found, inflected
    has_pos = doc.has_annotation("POS")
    for size in range(len(ent) - 1, 0, -1):
        for part in (doc[ent.start : ent.start + size], doc[ent.end - size : ent.end]):
            if part[0].is_punct or part[-1].is_punct:
                continue
            removed = [t for t in ent if t.i < part.start or t.i >= part.end]
            # Only words that are not names may be cut off: "Moskaus Krieg", not "Jan Kuhlmann";
            # and a genitive before the name ("Gaulands AfD" is the AfD).
            # A common noun before it goes too, however tagged ("Unruheregion Donbass").
            leading = len(removed) == 1 and removed[0].i == ent.start
            genitive = leading and (
                _genitive_form(removed[0].text) or _common_noun(removed[0]) or _compound_of_nouns(removed[0])
            )
            if not genitive and (not has_pos or any(t.pos_ == "PROPN" for t in removed)):
                continue
            found, inflected = kb.lookup(part.text, context=True)
            if found:
                return part, found, inflected
    return ent, [], False


def _parts_of_longer_unknown_names(
    doc, mentions: list[MentionData], kb: KnowledgeBase, first_names: frozenset[str]
) -> None:
    """A name of two or more words that begins or ends a longer name of the article joins it:
    "Rotary Club" after "Rotary Club Liechtenstein-Eschnerberg", "Duncan Smith" after "Iain
    Duncan Smith", "Abd Rabbo" after "Abd Rabbo Mansur Hadi" (whom the knowledge base knows)
    are that club and those men, not new entities of their own. Not where the longer name
    only adds words that are no name ("Übergangscoach Uwe Schubert", "Jon Prosser
    Renderings", "Dr. Thomas Schulte"): there the shorter one is the name."""
    unknown = [m for m in mentions if m.entity_id is None and m.label in KIND_FOR_LABEL and not m.note]
    known = [
        m
        for m in mentions
        if m.entity_id is not None and m.kind == "name" and m.entity_id in kb.entities
        and not kb.info(m.entity_id).provisional
    ]  # fmt: skip
    owners = unknown + known
    for mention in unknown:
        words = mention.text.split()
        if len(words) < 2:
            continue
        longer = {
            (m.entity_id, m.text if m.entity_id is None else ""): m
            for m in owners
            if _adds_name_words(doc, m, words, first_names)
        }
        if len(longer) != 1:
            continue
        owner = next(iter(longer.values()))
        mention.kind = "partial"
        if owner.entity_id is not None:
            mention.entity_id, mention.confidence = owner.entity_id, owner.confidence
            mention.note = f"part of the longer name {owner.text}"
        else:
            mention.provisional_name = owner.text
            mention.new_entity_kind = _new_kind(owner)
            mention.note = f"part of the longer name {owner.text}, not in the knowledge base"


def _adds_name_words(doc, longer: MentionData, words: list[str], first_names: frozenset[str]) -> bool:
    """Whether `longer` is `words` with more name words before (first names: "Iain") or after
    them (capitalised words the tagger and the noun list take for no common noun:
    "Liechtenstein-Eschnerberg", not "Renderings")."""
    whole, n = longer.text.split(), len(words)
    if len(whole) <= n:
        return False
    if whole[:n] == words:
        span = doc.char_span(longer.start, longer.end, alignment_mode="expand")
        extra = [t for t in span if not t.is_space][n:] if span is not None else []
        # name particles may stand inside: "Sultan Turki bin Said", "José Eduardo dos Santos"
        return (
            bool(extra)
            and extra[-1].lower_ not in NAME_PARTICLES
            and all(
                t.lower_ in NAME_PARTICLES
                or (
                    t.text[:1].isupper()
                    and t.pos_ != "NOUN"
                    and not _ends_in_common_noun(t.text.rsplit("-", 1)[-1])
                )
                for t in extra
            )
        )
    if whole[-n:] == words:
        return all(_given_name(w, first_names) for w in whole[:-n])
    return False


def _partials_of_unknown_people(mentions: list[MentionData]) -> None:
    """ "Ricarda Lang ... Lang sagte": the short name joins the unknown full name."""
    full = [m for m in mentions if m.entity_id is None and m.label == "PER" and len(m.text.split()) > 1]
    for mention in mentions:
        if (
            mention.entity_id is not None
            or mention.label not in KIND_FOR_LABEL
            or len(mention.text.split()) != 1
        ):
            continue
        words = set(name_variants(mention.text))
        if mention.label == "PER":
            owners = {
                m.text for m in full if words & {w.casefold() for w in m.text.split()} and m is not mention
            }
        else:
            # A surname the NER took for a place or an organisation ("Bichl" after "Norbert
            # Bichl", "Zschäpes" after "Beate Zschäpe"): only a full name's last word counts.
            owners = {
                m.text for m in full if m.start < mention.start and m.text.split()[-1].casefold() in words
            }
        if len(owners) == 1:
            mention.provisional_name = owners.pop()
            mention.new_entity_kind, mention.kind = "person", "partial"
            mention.note = f"partial name of {mention.provisional_name}, not in the knowledge base"


def _place_context(span) -> tuple[bool, bool]:
    """(a preposition stands right before the span, the span is one word the tagger calls a
    common noun: "Norden", "Mitte")."""
    doc = span.doc
    preposition = span.start > 0 and doc[span.start - 1].lower_ in PLACE_PREPOSITIONS
    # A word of the lexicon, not any word the tagger calls a noun: "des Gazastreifen" is a name.
    noun = (
        len(span) == 1
        and doc.has_annotation("POS")
        and span[0].pos_ == "NOUN"
        and span.text in _word_list("common_nouns.txt")
    )
    return preposition, noun


def _small_place(info) -> bool:
    # Towns have a population (the seed keeps none under 5,000); first-level subdivisions
    # and hand-written regions have none and are not small places.
    return info.kind == "place" and 0 < (info.population or 0) < BIG_PLACE


def _in_place_context(
    mention: MentionData, pool: list[int], entity_ids: list[int], kb: KnowledgeBase, countries, place_context
) -> list[int]:
    """Drop the places a name cannot stand for here.

    Where an organisation and a place share a name the organisation wins unless a preposition
    makes it a place (Xinhua the agency, not the village); a name the NER calls an
    organisation is no town, but may be a region or a city ("der Unruheregion Donbass"). A
    small town needs a preposition or its country named in the article; a one-word common
    noun ("Norden") needs the preposition and a proper name.
    """
    preposition, noun = place_context
    organisations = any(kb.info(e).kind == "organization" for e in entity_ids)
    # A town that shares its name with a region of its country (Ramallah and its
    # governorate) is a known place name there, not a village that happens to match.
    region_countries = {
        kb.info(e).country for e in pool if kb.info(e).kind == "place" and not kb.info(e).population
    }
    # Towns of the German-speaking countries are at home in German news: marked a place by
    # the NER, they need no country named ("Grünwald", "Oberhaching").
    home = mention.origin == "model" and mention.label == "LOC"
    kept = []
    for entity_id in pool:
        info = kb.info(entity_id)
        # Provisional places came from what the NER marked; the rules for those stand elsewhere.
        if info.kind == "place" and not info.provisional:
            if organisations and not preposition:
                continue
            if mention.label == "ORG" and (organisations or _small_place(info)):
                continue
            common = noun and (not preposition or normalize(mention.text) in _not_names())
            if common and (_small_place(info) or not info.population):
                continue
            known_here = info.country in countries or info.country in region_countries
            if home and info.country in HOME_COUNTRIES:
                known_here = True
            if _small_place(info) and not preposition and not known_here:
                continue
        kept.append(entity_id)
    return kept


def _places_in_context(mention, pool, entity_ids, kb, countries, place_context) -> tuple[list[int], bool]:
    """The pool without the places out of context; a LOC span of an organisation's name
    ("Xinhua berichtet") falls to the organisation (True: against the NER label)."""
    kept = _in_place_context(mention, pool, entity_ids, kb, countries, place_context)
    if kept or place_context[0]:
        return kept, False
    organisations = [e for e in entity_ids if kb.info(e).kind == "organization"]
    return organisations, bool(organisations)


def _ranked(pool: list[int], kb: KnowledgeBase, named: Counter, countries: Counter) -> list[int]:
    # A country named in the article favours its towns, but not a town of 67,000 (Washington,
    # Tyne and Wear) over a capital ten times its size (Washington, D.C.).
    # Subdivisions and regions have no population; they beat a small town of that name.
    def population(info) -> int:
        return info.population or (BIG_PLACE if info.kind == "place" else 0)

    biggest = max(population(kb.info(e)) for e in pool)
    # A town and a region of one country that share a name (Ramallah, the city and the
    # governorate): news mean the town; the region has its type word ("Gouvernement ...").
    region_countries = {
        kb.info(e).country for e in pool if kb.info(e).kind == "place" and not kb.info(e).population
    }

    def score(entity_id: int) -> tuple:
        info = kb.info(entity_id)
        in_country = info.country in countries and population(info) * 10 >= biggest
        town_of_region = info.kind == "place" and bool(info.population) and info.country in region_countries
        # Between same-named institutions or people of two countries the article names both
        # of ("der Nationalrat" in Austrian news that mentions Switzerland), the country it
        # names more often wins. Places keep their order by size.
        weight = countries[info.country] if info.country and info.kind not in ("place", "country") else 0
        # A country beats its same-named capital and region ("in Luxemburg", "Singapur"),
        # unless the article already took the name for the town.
        country = info.kind == "country"
        return (
            named[entity_id],
            country,
            in_country,
            not info.provisional,
            town_of_region,
            weight,
            population(info),
        )

    return sorted(pool, key=score, reverse=True)


def _not_a_person(mention: MentionData, entity_ids: list[int], curated: bool, kb: KnowledgeBase) -> list[int]:
    """What a name the NER marked PER stands for where the knowledge base has no person of
    that name: nothing (maybe it is a partial name), unless the NER is plainly wrong."""
    if not curated:
        return []
    # "Israel" tagged PER, or "Moskaus Krieg" (cut to "Moskaus").
    cut = mention.note.startswith("span cut")
    fitting = [
        e for e in entity_ids if kb.info(e).kind == "country" or (cut and kb.info(e).population >= BIG_PLACE)
    ]
    if fitting:
        return fitting
    # "nach Abu Dhabi", "in Chan Junis" tagged PER: a city whose whole name of two words or
    # more it is (people are not named like cities of 100,000); "Europa": a region or
    # continent whose name is no first name.
    several_words = len(mention.text.split()) > 1
    if several_words or not _first_name(mention.text, kb.first_names()):
        fitting = [
            e
            for e in entity_ids
            if kb.info(e).kind == "place"
            and (kb.info(e).population >= BIG_PLACE if several_words else not kb.info(e).population)
            and _plain_name(kb, mention.text, e)
        ]
        if fitting:
            mention.label = "LOC"
            return fitting
    # An outlet or company the NER took for a person ("der Zeitung Haaretz zufolge"): the
    # one organisation of that name in our own data, not one of its ordinary-word names
    # ("Bild", "Welt"), which need the NER to say ORG.
    organisations = [
        e for e in entity_ids if kb.info(e).kind == "organization" and _plain_name(kb, mention.text, e)
    ]
    if len(organisations) == 1:
        mention.label = "ORG"
        return organisations
    return []


def _decide(
    mention: MentionData,
    candidates: list[Candidate],
    kb: KnowledgeBase,
    context,
    inflected: bool,
    place_context: tuple[bool, bool] | None = None,
) -> None:
    """Pick the best of several entities a name may stand for (``place_context``: see
    `_place_context`; None where the caller has no text around the name)."""
    if normalize(mention.text) in TIME_WORDS:
        mention.note = "a word of time, not a place"
        return
    candidates, curated = _preferred_candidates(mention, candidates, kb)
    entity_ids = list(dict.fromkeys(c.entity_id for c in candidates if c.entity_id in kb.entities))
    if not entity_ids:
        return
    if mention.origin == "kb":
        fitting = entity_ids  # found by the knowledge base itself: no NER label to respect
    else:
        fitting = [e for e in entity_ids if kb.info(e).kind in LABEL_KINDS.get(mention.label, set())]
    if not fitting and mention.label == "PER":
        fitting = _not_a_person(mention, entity_ids, bool(curated), kb)
        if not fitting:
            return
    pool = fitting or entity_ids
    named = Counter(m.entity_id for m in context if m.entity_id)
    # The countries the article named, by name or by one of their regions ("Oberösterreich"
    # makes Wels the Austrian town).
    countries = {
        kb.info(m.entity_id).country
        for m in context
        if m.entity_id
        and (
            kb.info(m.entity_id).kind == "country"
            or (kb.info(m.entity_id).kind == "place" and not kb.info(m.entity_id).population)
        )
    }
    if place_context is not None:
        pool, organisation = _places_in_context(mention, pool, entity_ids, kb, countries, place_context)
        fitting = [] if organisation else fitting
        if not pool:
            mention.note = "a place named without context"
            return

    # For choosing among several entities, the country of everything the article named
    # counts: "Linz" or "SPÖ" makes "die Grünen" the Austrian party. (Not for letting a
    # small town in: see above.)
    named_countries = Counter(kb.info(m.entity_id).country for m in context if m.entity_id)
    ranked = _ranked(pool, kb, named, named_countries + Counter(countries))
    best = ranked[0]
    confidence = 0.95 if len(pool) == 1 else 0.7
    if not fitting:
        confidence -= 0.2  # the NER called it something else
    if inflected:
        confidence -= 0.05
    note = "inflected form" if inflected else ""
    if len(pool) > 1:
        others = ", ".join(kb.info(e).name for e in ranked[1:3])
        note = f"chosen over {others}"
    mention.entity_id, mention.confidence, mention.note = best, round(confidence, 2), note
    if mention.label == "MISC" and not fitting:
        mention.label = kb.info(best).label


def _preferred_candidates(
    mention: MentionData, candidates: list[Candidate], kb: KnowledgeBase
) -> tuple[list[Candidate], list[Candidate]]:
    """The candidates worth ranking, and those of them named in our own data."""
    # The entity whose own name the mention is, word for word, beats those the lookup's
    # normalisation also finds: "Den Haag" is The Hague, not Haag in Lower Austria, although
    # the looked-up form drops the article.
    # (Names of two or more words only: one word, "SVP", "Zug", is many entities' own name.)
    if len(mention.text.split()) > 1:
        exact = [
            c for c in candidates if c.entity_id in kb.entities and kb.info(c.entity_id).name == mention.text
        ]
        candidates = exact or candidates
    # A name written in our own data ("Hamas") beats an odd alternate name GeoNames lists
    # for some town.
    curated = [c for c in candidates if c.alias_kind != "exonym"]
    return curated or candidates, curated


def _plain_name(kb: KnowledgeBase, text: str, entity_id: int) -> bool:
    """Whether this entity has the name (or an inflected form of it) as an alias that is no
    ordinary word."""
    return any(c.entity_id == entity_id for variant in name_variants(text) for c in kb.names.get(variant, []))


def _kb_match(doc, i, taken, kb, day, has_pos, sentence_of, context) -> tuple[MentionData, int] | None:
    """The longest knowledge-base name or descriptor starting at token i."""
    if not _may_open_a_name(doc, i):
        return None
    limit = min(len(doc), i + MAX_ALIAS_TOKENS)
    for end in range(limit, i, -1):
        if any(taken[i:end]) or doc[end - 1].is_punct or doc[end - 1].is_space:
            continue
        span = doc[i:end]
        if _name_shaped(doc, i, end, kb):
            mention = _kb_name(doc, i, end, kb, has_pos, sentence_of, context)
            if mention is not None:
                return mention, end
        descriptors = kb.descriptors.get(normalize(span.text))
        # "Außenminister Choe Son Hui": a role word right before a name is a title, not a
        # reference to whoever holds that office in Germany.
        if descriptors and not _before_a_name(doc, end) and not _other_term(doc, i):
            mention = _descriptor_mention(span, descriptors, kb, day, sentence_of, context)
            if mention is not None:
                return mention, end
    return None


# Compass prefixes of adjectives: "westlibyschen", "ostukrainische" name the country too.
COMPASS_PREFIXES = ("nordost", "nordwest", "südost", "südwest", "nord", "süd", "ost", "west")
# ... except where the prefixed word is a country of its own that the data lacks.
# "südamerikanisch", "nordamerikanisch" name continents, not the US.
NOT_COMPASS = frozenset({"nordirisch", "nordamerikan", "südamerikan", "mittelamerikan"})


# What stands before a party's name in the compound for one of its branches.
BRANCH_PREFIXES = frozenset({"stadt", "landes", "bundes", "kreis", "orts", "bezirks", "gemeinde", "partei"})


def _branch_of(text: str, kb: KnowledgeBase) -> list[Candidate]:
    """ "Stadt-ÖVP", "Landes-SPÖ", "Grazer SPÖ": a branch of a party is the party."""
    words = text.split()
    if len(words) == 2 and words[0].endswith("er") and words[0][:1].isupper():
        towns = kb.lookup(words[0][:-2])[0]  # "Grazer" -> Graz
        if not kb.any_of_kind(towns, "place"):
            return []
        party = words[1]
    elif len(words) == 1:
        prefix, _, party = text.rpartition("-")
        if prefix.casefold() not in BRANCH_PREFIXES or not party:
            return []
    else:
        return []
    candidates, _ = kb.lookup(party)
    parties = [
        c for c in candidates if c.entity_id in kb.entities and kb.info(c.entity_id).org_type == "party"
    ]
    return parties if len({c.entity_id for c in parties}) == 1 else []


def _party_branch(token, kb: KnowledgeBase, sentence_of) -> list[MentionData]:
    """A party branch the NER missed, as a mention of the party."""
    candidates = _branch_of(token.text, kb)
    if not candidates:
        return []
    mention = _new(token.doc[token.i : token.i + 1], sentence_of, "name")
    mention.label, mention.entity_id, mention.confidence = "ORG", candidates[0].entity_id, 0.85
    mention.note = "a branch of the party"
    return [mention]


def _adjective_mentions(token, kb: KnowledgeBase, sentence_of) -> list[MentionData]:
    """Country adjectives in one word: "russische", "westlibyschen", and each part of
    "deutsch-österreichischen"."""
    if token.text[:1].isupper() and not token.is_sent_start and token.lower_.endswith("isch"):
        return []  # "auf Spanisch": the language
    whole = _country_of_adjective(token.text, kb)
    parts = (
        [(token.text, whole)]
        if whole is not None
        else [(part, _country_of_adjective(part, kb)) for part in token.text.split("-")]
    )
    mentions, offset = [], token.idx
    for part, entity_id in parts:
        if entity_id is None:
            return []  # "deutsch-französischer Freundschaftsvertrag", yes; "Anti-Israel" no
        mention = MentionData(
            offset,
            offset + len(part),
            part,
            "MISC",
            "adjective",
            entity_id,
            0.9,
            "kb",
            "",
            sentence_of[token.i],
        )
        mentions.append(mention)
        offset += len(part) + 1
    return mentions


def _country_of_adjective(word: str, kb: KnowledgeBase) -> int | None:
    """The one entity an adjective (or a demonym) names, also behind a compass prefix."""
    key = normalize(word)
    found = kb.adjectives.get(key)
    if found:
        entity_ids = {c.entity_id for c in found if c.entity_id in kb.entities}
    elif not key.startswith(tuple(NOT_COMPASS)):
        # Countries only: "osteuropäisch" is no statement about the EU.
        prefix = next((p for p in COMPASS_PREFIXES if key.startswith(p) and len(key) > len(p) + 4), None)
        found = kb.adjectives.get(key[len(prefix) :], ()) if prefix else ()
        entity_ids = {
            c.entity_id
            for c in found
            if c.entity_id in kb.entities and kb.info(c.entity_id).kind == "country"
        }
    else:
        entity_ids = set()
    return entity_ids.pop() if len(entity_ids) == 1 else None


def _may_open_a_name(doc, i: int) -> bool:
    """Mentions start at the name itself, not at punctuation or "die", except where the
    article is part of a quoted name: der Partei „Die Republikaner“, „Die Linke“."""
    first = doc[i]
    if first.is_punct or first.is_space:
        return False
    if first.text.casefold() in ARTICLES:
        return first.is_title and i > 0 and doc[i - 1].text in QUOTES_OPEN
    return True


def _name_shaped(doc, i: int, end: int, kb: KnowledgeBase) -> bool:
    """Names open with a capital, except an adjective before a named body ("der steirische
    Landtag", "des saarländischen Landtags"), which our data list that way. Country
    adjectives stay their own mentions ("russische Truppen": Russland)."""
    first = doc[i]
    if end - i == 1 and len(first.text) < 2:  # two tokens have two characters at least
        return False
    if first.text[:1].isupper():
        return True
    return (
        end - i > 1
        and first.is_lower
        and bool(_ADJECTIVE.search(first.text))
        and normalize(first.text) not in kb.adjectives
        and doc[end - 1].is_title
    )


def _kb_name(doc, i: int, end: int, kb: KnowledgeBase, has_pos, sentence_of, context) -> MentionData | None:
    """The knowledge-base entity the words i..end name, if any."""
    span = doc[i:end]
    # Most spans tried are no name: the context (quotes, a party nearby) is read only for
    # those the knowledge base may know, or once a town is found.
    possible = kb.may_name(span.text)
    candidates, inflected, quoted, party = [], False, False, False
    if possible:
        quoted = _quoted(doc, i, end)
        party = not quoted and _party_context(doc, i, end, kb)
        candidates, inflected = kb.lookup(span.text, context=quoted or party)
    # Provisional entities come from what the NER once marked; without the NER they do not
    # match words (a provisional "Lange" would claim every "Lange Zeit").
    if not candidates or kb.provisional_only(candidates):
        candidates, inflected = _town_after_preposition(doc, i, end, kb), False
        if not candidates:
            return None
        if not possible:
            quoted = _quoted(doc, i, end)
            party = not quoted and _party_context(doc, i, end, kb)
    # A quoted word the knowledge base knows is the name, even an ordinary one: der „Zeit“.
    if end - i == 1 and not quoted and not _single_token_name(doc[i], candidates, kb, has_pos, context):
        return None
    mention = _new(span, sentence_of, "name")
    _decide(mention, candidates, kb, context, inflected, _place_context(span))
    if not mention.entity_id:
        return None
    if party and not _party_of_named_country(mention.entity_id, context, kb):
        return None
    mention.label = kb.info(mention.entity_id).label
    mention.confidence = round(mention.confidence - 0.1, 2)
    return mention


def _descriptor_mention(
    span, descriptors, kb: KnowledgeBase, day, sentence_of, context
) -> MentionData | None:
    """A role word ("der Kremlchef") linked to the one person holding that office on the
    article's day. Without a date the holder is unknown (today's holder would be wrong for
    an old article): only a holder the article names itself counts, else the mention stays
    unlinked."""
    if day is None:
        named = {m.entity_id for m in context if m.entity_id}
        valid = list(dict.fromkeys(c.entity_id for c in descriptors if c.entity_id in named))
    else:
        valid = list(
            dict.fromkeys(c.entity_id for c in descriptors if c.valid_on(day) and c.entity_id in kb.entities)
        )
    mention = _new(span, sentence_of, "descriptor")
    mention.label = "PER"
    if len(valid) == 1:
        mention.entity_id, mention.confidence = valid[0], 0.75
        mention.note = f"role on {day.isoformat()}" if day else "role holder named in this article"
        return mention
    if day is None:
        mention.note = "no date: office holder unknown"
        return mention
    return None


def _other_term(doc, start: int) -> bool:
    """ "ein früherer Vizekanzler", "die künftige Kanzlerin": not whoever holds the office now."""
    return start > 0 and doc[start - 1].lower_.startswith(OTHER_TERM)


PARTY_ARTICLES = frozenset({"die", "der", "den"})
TOWN_PREPOSITIONS = frozenset({"in", "aus", "nach"})
LIST_JOINERS = frozenset({",", "und", "oder", "sowie", "/"})


def _party_context(doc, start: int, end: int, kb: KnowledgeBase) -> bool:
    """Whether a party name that is also an ordinary word ("Grünen", "Linke", "Freiheitlichen")
    stands as the party here: capitalised after an article ("die Grünen", "der Linken"; "im
    Grünen" is the countryside), as a politician's party in brackets ("Dietmar Bartsch
    (Linke)"), or in a list of parties ("SPD, CDU/CSU, Grünen und FDP")."""
    if not doc[start].text[:1].isupper() or not _all_parties(kb, doc[start:end].text, ambiguous=True):
        return False
    before = doc[start - 1] if start > 0 else None
    after = doc[end] if end < len(doc) else None
    if before is not None and not doc[start].is_sent_start and before.lower_ in PARTY_ARTICLES:
        return True
    if before is not None and before.text == "(" and after is not None and after.text in (")", ","):
        return True
    # "sowohl ÖVP als auch Grüne": the two words join like one.
    joined_before = 2 if start > 2 and doc[start - 2 : start].text.lower() == "als auch" else 1
    joined_after = 2 if doc[end : end + 2].text.lower() == "als auch" else 1
    if (
        before is not None
        and (before.lower_ in LIST_JOINERS or joined_before == 2)
        and start > joined_before
        and _all_parties(kb, doc[start - joined_before - 1].text)
    ):
        return True
    if (
        after is not None
        and (after.lower_ in LIST_JOINERS or joined_after == 2)
        and end + joined_after < len(doc)
    ):
        return _all_parties(kb, doc[end + joined_after].text)
    return False


def _party_of_named_country(entity_id: int, context, kb: KnowledgeBase) -> bool:
    """Whether a party found by a nickname ("die Liberalen", "der Volkspartei") belongs to a
    country the article has named something of: the nickname is the FDP in German news,
    the ÖVP in Austrian, and in an article about the Spanish election nobody's here."""
    country = kb.info(entity_id).country
    return not country or any(m.entity_id and kb.info(m.entity_id).country == country for m in context)


def _town_after_preposition(doc, i: int, end: int, kb: KnowledgeBase) -> list[Candidate]:
    """ "in Essen", "aus Münster", "nach Rom": a city whose name is also an ordinary word
    (an alias that needs context) right after a preposition of place. Only cities and regions:
    "in Hof" stays the courtyard."""
    if i == 0 or doc[i - 1].lower_ not in TOWN_PREPOSITIONS or not doc[i].text[:1].isupper():
        return []
    if end < len(doc) and doc[end].like_num:
        return []  # "in Halle 5": the exhibition hall
    return [
        c
        for c, _ in kb.context_names.get(normalize(doc[i:end].text), [])
        if c.entity_id in kb.entities
        and kb.info(c.entity_id).kind == "place"
        and not kb.info(c.entity_id).provisional
        and not _small_place(kb.info(c.entity_id))
    ]


def _all_parties(kb: KnowledgeBase, text: str, ambiguous: bool = False) -> bool:
    """Whether the knowledge base knows this name (only as an ambiguous alias, if asked)
    and every entity it may stand for is a party."""
    if ambiguous:
        entity_ids = [c.entity_id for c, _ in kb.context_names.get(normalize(text), [])]
    else:
        entity_ids = [c.entity_id for c in kb.lookup(text, context=True)[0]]
    return bool(entity_ids) and all(e in kb.entities and kb.info(e).org_type == "party" for e in entity_ids)


def _before_a_name(doc, end: int) -> bool:
    if end >= len(doc):
        return False
    following = doc[end]
    return following.text[:1].isupper() and (following.ent_type_ != "" or following.pos_ == "PROPN")


def _quoted(doc, start: int, end: int) -> bool:
    """A name in quotes, as German news cite outlets: laut „AP“, berichtet der „Telegraph“."""
    return (
        start > 0 and end < len(doc) and doc[start - 1].text in QUOTES_OPEN and doc[end].text in QUOTES_CLOSE
    )


def _single_token_name(
    token, candidates: list[Candidate], kb: KnowledgeBase, has_pos: bool, context=()
) -> bool:
    """Whether one capitalised word is a name here, not an ordinary noun.

    Countries, organisations, people and big cities count as names (names that are also
    ordinary words, "Essen", "Halle", "Welt", need context and never get here); a small
    place only where the tagger calls the word a proper noun.
    """
    if token.text.casefold() in COMMON_CAPITALISED or token.text.casefold() in _stop_words():
        return False  # "Dabei", "Dort" open sentences; some towns carry such alternate names
    small_places = all(
        kb.entities.get(c.entity_id)
        and kb.info(c.entity_id).kind == "place"
        and kb.info(c.entity_id).population < BIG_PLACE
        for c in candidates
    )
    if small_places and _named_person_word(token.text, context, kb):
        return False  # "Kim" after "Kim Jong Un" is him, not the town of Kim in India
    if not has_pos or token.pos_ in ("PROPN", "X"):
        return True
    # "im Ahrtal": a region of our own data the tagger took for a noun; "in der Bekaa-Ebene"
    # too, though its last part is one.
    if (not _common_noun(token) or "-" in token.text) and any(_region(kb, c) for c in candidates):
        return True
    for candidate in candidates:
        info = kb.entities.get(candidate.entity_id)
        # A big city by its German name ("Pjöngjang"), not by one of the odd alternate
        # names GeoNames lists for it.
        if info and (
            info.kind != "place" or (info.population >= BIG_PLACE and candidate.alias_kind == "name")
        ):
            return True
    return False


def _region(kb: KnowledgeBase, candidate: Candidate) -> bool:
    """A region or subdivision of the seed data, by its own name (no town: those have a
    population)."""
    info = kb.entities.get(candidate.entity_id)
    return bool(info) and info.kind == "place" and not info.population and candidate.alias_kind == "name"


def _named_person_word(word: str, context, kb: KnowledgeBase) -> bool:
    word = normalize(word)
    return any(
        m.entity_id
        and kb.info(m.entity_id).kind == "person"
        and word in kb.person_tokens.get(m.entity_id, set())
        for m in context
    )


def _new(span, sentence_of, kind: str) -> MentionData:
    return MentionData(
        span.start_char, span.end_char, span.text, "MISC", kind, None, 0.0, "kb", "", sentence_of[span.start]
    )


def _resolve_surname(mention: MentionData, kb: KnowledgeBase) -> bool:
    if mention.note.startswith("ambiguous"):
        return False
    # "Montag", "Weil" at a sentence's start: the word, not Bernd Montag or Stephan Weil, who
    # are the only ones of their names in the knowledge base.
    if is_time_word(mention.text) or mention.text.casefold() in _stop_words():
        return False
    entity_id = kb.person_by_surname(mention.text)
    if entity_id is None:
        people = kb.people_by_surname(mention.text)
        if len(people) > 1:
            # Known people, just not which one: no new entity of the surname ("Assad").
            mention.note = "ambiguous: " + " or ".join(sorted(kb.info(e).name for e in people)[:3])
        return False
    mention.entity_id, mention.confidence, mention.kind = entity_id, 0.7, "partial"
    mention.note = f"surname of {kb.info(entity_id).name}, whom the knowledge base knows by it alone"
    return True


def _resolve_partial(mention: MentionData, persons_named: list[MentionData], kb: KnowledgeBase) -> bool:
    """Link a partial name to a person named in full in the article; True if linked."""
    matching = []
    for variant in name_variants(mention.text):  # "Putins" -> "putin"
        tokens = set(variant.replace("-", " ").split())
        matching = [m for m in persons_named if tokens and tokens <= kb.person_tokens.get(m.entity_id, set())]
        if matching:
            break
    if not matching:
        return False
    before = [m for m in matching if m.start < mention.start]
    pool = before or matching
    counts = Counter(m.entity_id for m in pool)
    if len(counts) == 1:
        entity_id = next(iter(counts))
        mention.entity_id, mention.confidence, mention.kind = entity_id, 0.85, "partial"
        mention.note = f"partial name of {kb.info(entity_id).name}, named {'before' if before else 'later'}"
        return True
    # Several people of that name: the one named most often, unless another was just named
    # (same or previous sentence), which makes "Kim" ambiguous.
    (top, top_count), (_, second_count) = counts.most_common(2)
    latest = max(pool, key=lambda m: m.start)
    recent_other = latest.entity_id != top and mention.sentence_index - latest.sentence_index <= 1
    if top_count > second_count and not recent_other:
        mention.entity_id, mention.confidence, mention.kind = top, 0.65, "partial"
        mention.note = f"partial name; most often named: {kb.info(top).name}"
        return True
    names = " or ".join(sorted({kb.info(e).name for e in counts}))
    mention.kind = "partial"
    mention.note = f"ambiguous: {names}"
    return False
