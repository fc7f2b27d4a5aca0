"""The German words the event detector reads a trigger's clause by: prepositions that give
roles and places, words that make a happening hypothetical, pending, habitual or called off,
and the shapes of participles.

Data, not logic: ``events.analysis.detection`` decides with them. Pure: no Django.
"""

from __future__ import annotations

import re

from events.analysis.event_types import MODAL_FORMS

LOCATIVE = frozenset({"in", "im", "bei", "beim", "nahe"})
DIRECTIONAL = frozenset({"nach"})  # "reiste nach Peking": where the meeting is, for meetings only
# "Munition für den Krieg in der Ukraine": the place of the war, not of the delivery.
WAR_SCENE = frozenset({"krieg", "kriegs", "krieges", "konflikt", "konflikts", "front", "kämpfe", "kämpfen"})
AGENT_CUES = frozenset({"von", "vom", "durch", "seitens"})
TARGET_CUES = frozenset({"gegen", "auf", "an", "für", "gegenüber", "den", "dem"})
ROLE_PREPS = frozenset({"gegen", "auf", "an", "für", "gegenüber"})  # "Sanktionen gegen X": X is the target
OBJECT_ARTICLES = frozenset({"den", "dem"})  # accusative or dative: an object
SUBJECT_ARTICLES = frozenset({"der", "die", "das", "ein", "eine"})  # a clause opening with its subject
# Giving types: "sucht Kriegshilfe bei Kim": the one asked gives.
GIVER_CUES = frozenset({"bei", "aus"})
GIVING_TYPES = frozenset({"aid", "military_aid"})
# A protest is against someone: "gegen die Regierung" is its target, the rest take part.
AGAINST = frozenset({"gegen"})
RELATIVES = frozenset({"der", "die", "das", "dem", "den", "welcher", "welche", "welches"})
PASSIVE = frozenset({"wurde", "wurden", "worden", "wird", "werden"})
DETERMINER_STEMS = ("ein", "kein", "sein", "ihr", "mein", "unser", "jed", "dies", "viel")
REPORTING = frozenset(
    {"sagte", "sagt", "sagten", "erklärte", "erklärt", "betonte", "betont", "meinte", "meint", "teilte",
     "berichtete", "berichtet", "schrieb", "schreibt", "hieß", "heißt", "zufolge", "laut", "sprach", "so"}
)  # fmt: skip
DATIVE_PRONOUNS = frozenset({"uns", "mir", "dir", "ihm", "ihr", "ihnen", "euch"})
DIRECTIONS = frozenset(
    {"norden", "süden", "osten", "westen", "mitte", "nordosten", "nordwesten", "südosten", "südwesten"}
)
# Happenings of a country's own politics and justice: placed in that country when the text
# names no place (the actors' common home).
DOMESTIC_TYPES = frozenset({"election", "appoint", "resign", "arrest", "ruling", "investigate", "protest"})
STRUCK = frozenset({"punkt", "nerv", "ton", "geschmack", "kern", "ziel", "zeitgeist"})  # "trifft den Nerv"
HABITUAL = frozenset(
    {"jeden", "jede", "jedes", "regelmäßig", "mehrfach", "täglich", "wöchentlich", "häufig", "stets",
     "gewöhnlich", "wiederholt", "vereitelt", "vereitelten", "jahrelang", "monatelang", "wochenlang",
     "jahrzehntelang", "vielfach", "verdächtigt"}
)  # fmt: skip
HABITUAL_PAIRS = frozenset(
    {
        ("immer", "wieder"),
        ("seit", "wochen"),
        ("seit", "monaten"),
        ("seit", "jahren"),
        ("seit", "tagen"),
        ("lange", "zeit"),
    }
)
# An election noun reports a vote only with its outcome nearby: "die Stichwahl" alone is as
# often the one to come.
RESULT_WORDS = frozenset(
    {"prozent", "stimmen", "gewann", "gewinnt", "gewonnen", "siegte", "verlor", "verloren", "ergebnis",
     "mandate", "sitze", "hochrechnung", "wahlbeteiligung", "stimmenanteil", "abgestimmt", "stimmten",
     "gewählt", "wiedergewählt", "erreichte", "erhielt", "sieg", "wahlsieg", "niederlage", "zugelegt",
     "landete", "sieger", "siegerin", "führender", "stärkste",
     "schlappe", "wahlschlappe", "wahlniederlage", "erdrutschsieg"}
)  # fmt: skip
# Types that need someone: a meeting, an agreement or a demand of nobody says nothing.
ACTORLESS_TYPES = frozenset(
    {"attack", "protest", "arrest", "investigate", "ruling", "weapons_test", "ceasefire", "election"}
)
VENUES = LOCATIVE | {"vor"}
NOT_PARTICIPLES = frozenset({"gegen", "genug", "gerade", "gestern", "gemeinsam", "generell", "gelegentlich"})
APPOINTING_VERBS = frozenset(
    {"ernennen", "nominieren", "entlassen", "absetzen", "berufen", "abberufen", "feuern", "entheben", "küren",
     "vereidigen", "entmachten"}
)  # fmt: skip
# A capital that acts for more than its country: "Brüssel fordert" is the EU.
METONYMS = {"Brüssel": "Europäische Union"}
MONTHS = frozenset(
    {"januar", "jänner", "februar", "märz", "april", "mai", "juni", "juli", "august", "september", "oktober",
     "november", "dezember"}
)  # fmt: skip
# Modal verbs, also in reported speech: "nur das Parlament könne ihn absetzen", "er muss
# zurücktreten", "Wähler können abstimmen" say what may or must happen, not what did.
UNREAL_FORMS = MODAL_FORMS | {
    "kann", "können", "könne", "muss", "müssen", "müsse", "müsste", "müssten", "solle", "sollte", "sollten",
    "wolle", "wollte", "wollten", "dürfe", "dürfte", "dürften", "möge",
}  # fmt: skip
PENDING_PAIRS = (
    ("steht", "aus"), ("stehen", "aus"), ("steht", "bevor"), ("stehen", "bevor"), ("sieht", "vor"), ("sehen", "vor"),
)  # fmt: skip
QUANTITIES = frozenset(
    {"tausend", "tausende", "hunderte", "dutzende", "zahlreiche", "mehrere", "viele", "unzählige", "etliche",
     "hundert", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun", "zehn", "zwölf", "zwanzig"}
)  # fmt: skip
COUNTABLE_TYPES = frozenset({"attack", "protest", "arrest", "investigate", "meet"})
STANDING = frozenset(
    {"alte", "alten", "langjährige", "langjährigen", "altbekannte", "bekannte", "frühere", "früheren"}
)
# Institutions a country adjective names the country by: "die iranische Polizei hat … festgenommen".
INSTITUTIONS = frozenset(
    {"polizei", "armee", "regierung", "militär", "luftwaffe", "marine", "behörden", "justiz", "streitkräfte",
     "truppen", "sicherheitskräfte", "staatsanwaltschaft", "außenministerium", "führung", "grenzpolizei"}
)  # fmt: skip
CHOICE_WORDS = frozenset({"andere", "anderen", "keine", "keinen"})
BE_FORMS = frozenset({"ist", "sind", "sei", "seien", "war", "waren", "wäre", "wären"})
# Speech acts whose object is a happening that has not happened: "fordert Wahlen",
# "lehnt ein Treffen ab", "droht mit Sanktionen".
SPEECH_ACTS = frozenset({"demand", "reject", "threaten", "accuse"})
# Verbs that make a noun trigger the clause's predicate: "führten Gespräche", "übte Kritik",
# "verhängte Sanktionen", "schlossen ein Abkommen".
LIGHT_VERBS = frozenset(
    {"führen", "halten", "abhalten", "starten", "beginnen", "aufnehmen", "veranstalten", "organisieren",
     "verhängen", "unterzeichnen", "schließen", "erheben", "äußern", "üben", "stellen", "ankündigen",
     "erneuern", "bekräftigen", "richten", "leisten", "liefern", "kommen", "geben", "gab", "stattfinden",
     "finden", "fand", "zusagen", "erzielen", "treffen", "einleiten", "beantragen", "einreichen", "erlassen",
     "ausrufen", "fortsetzen", "durchführen", "planen", "erreichen", "verkünden", "beschließen", "genehmigen",
     "bewilligen", "billigen", "fliegen", "verüben", "begehen"}
)  # fmt: skip
# Words that call a happening off: "Kundgebungen sind untersagt", "das Treffen wurde abgesagt".
CALLED_OFF = frozenset(
    {"untersagt", "verboten", "abgesagt", "verschoben", "gestoppt", "verhindert", "ausgesetzt", "verpasste",
     "verpasst", "versäumte", "versäumt"}
)  # fmt: skip
GENITIVE = "(genitive)"  # the preposition a genitive attribute "stands after"
COORDINATORS = frozenset({"und", "oder", "aber", "sondern", "sowie"})
PREPOSITIONS = frozenset(
    {"auf", "nach", "bei", "vor", "während", "wegen", "über", "gegen", "mit", "von", "zu", "zum", "zur",
     "im", "am", "beim", "vom", "für", "trotz", "seit", "in", "an", "unter", "durch"}
)  # fmt: skip
ACTOR_KINDS = frozenset({"person", "organization"})
PLACE_KINDS = frozenset({"place", "country"})
# Outlets and agencies report events ("laut AP", "berichtet der Telegraph"); they are not actors.
REPORTER_ORG_TYPES = frozenset({"media", "agency", "state_media"})
ARTICLES = frozenset({"der", "die", "das", "dem", "den", "des"})
PLACE_NOUNS = frozenset({"hauptstadt", "stadt", "hafenstadt", "grenzstadt", "metropole", "region", "provinz"})
CLAUSE_BREAKS = frozenset(
    {",", ";", ":", "–", "—", "dass", "weil", "nachdem", "obwohl", "während", "wenn", "falls", "ob"}
)
# Words that put a clause in the past without saying when: no date can be given, so no event.
UNDATED_PAST = frozenset({"damals", "einst", "seinerzeit", "früher", "ehemals"})
# Conditions and speculation: the clause is hypothetical.
HYPOTHETICAL = frozenset(
    {"ob", "falls", "wenn", "sofern", "angeblich", "möglicherweise", "vielleicht", "womöglich"}
)
FUTURE_FORMS = frozenset({"wird", "werden", "werde", "wirst"})
# "Ihm droht eine Anklage": what threatens has not happened.
PENDING_KEYS = frozenset(
    {"drohen", "bevorstehen", "planen", "geplant", "sollen", "vorbereiten", "bereiten", "erwarten", "ausstehen",
     "anstehen", "vorsehen", "vorbereitung", "planung"}
)  # fmt: skip
# An "Angriff" in a quarrel between politicians is an accusation, not violence: physical
# attacks come with weapons, soldiers or victims somewhere in their sentence.
VERBAL_ATTACK_KEYS = frozenset({"angriff", "angreifen", "attacke", "attackieren", "schießen"})
PHYSICAL_STEMS = re.compile(
    r"(rakete|bombe|drohne|soldat|truppe|armee|militär|luft|panzer|artillerie|granate|tote|töte|getötet"
    r"|verletzt|verwundet|waffe|terror|kämpfer|front|beschuss|explosion|zivilist|schuss|schüsse|messer"
    r"|geisel|opfer|krieg|miliz|rebell|kampfjet|marine|streitkr|hamas|hisbollah|taliban|is-|polizei|feuerwehr"
    r"|gewalt|krawall|ausschreitung|prügel|brandsatz|brandanschlag|verwüst|schläg)",
    re.IGNORECASE,
)
SEPARABLE = r"(?:ab|an|auf|aus|bei|ein|fest|frei|mit|nach|vor|weg|zurück|zusammen|statt)"
PARTICIPLE = re.compile(rf"^{SEPARABLE}?ge\w+(?:en|t)$")
INSEPARABLE_PARTICIPLE = re.compile(r"^(?:be|er|ver|zer|ent|emp|miss)\w{2,}t$")
ZU_INFINITIVE = re.compile(rf"^{SEPARABLE}zu\w+en$")
QUOTE_PAIRS = {"„": '“”"', "»": "«", "«": "»", '"': '"', "“": "”"}
# "Berlin – Bei einem Angriff …", "Wien/Schwechat – …", "Belgrad (APA) – …": the dateline.
DATELINE = re.compile(
    r"^\s*([A-ZÄÖÜ][\w.\-]+(?: [A-ZÄÖÜ][\w.\-]+)?)(?:/[\w .\-]+)?\s*(?:\([^)]{1,20}\))?\s*[–—-]\s"
)
# Every word `detection._preposition` takes for the preposition a name stands after.
ANY_PREPOSITION = PREPOSITIONS | LOCATIVE | DIRECTIONAL | AGENT_CUES | ROLE_PREPS
