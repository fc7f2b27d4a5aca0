"""Who "er", "sie", "die Ministerin" or "die Partei" stand for: references back to a person or
organisation the article named before.

Pure, rule-based and cheap, on the spaCy doc (sentences, POS, morphology where the pipeline
has them) and the mentions of `events.analysis.linking.link_doc`. The claims use it for
their speakers, and events for their actors: one resolver, so both name the same person.

- Pronouns (er/ihm/ihn, sie/ihr, dieser/diese): the most recent person of the same gender
  in the same or the three sentences before, preferring the first person of a sentence (German
  subjects come early); a person of unknown gender only where none of the right one is.
  "sie" may stand for an organisation or a plural when no woman was named. Gender: words in
  the text next to the name ("Frau", "Innenministerin X", "Anwalt X"), the knowledge base's
  first names by the gender of their offices ("Ministerin", "Präsidentin"), then the first
  name's ending.
- Descriptors (a definite noun phrase: "der Anwalt", "die Innenministerin", "der 59-Jährige",
  "die Partei", "das Ministerium"): for a word of office or role, only the person introduced
  with that word ("Innenministerin Nancy Faeser", "Nancy Faeser, die Innenministerin"); for
  an organisation word, the last organisation whose name holds it ("das Ministerium" ->
  "Bildungsministerium") or whose type fits.

Every resolution says how it was made (``via``) and what it came from, so the portal can show
it; an unresolved reference stays unresolved rather than guessed across the article.
"""

from __future__ import annotations

import bisect
import functools
import math
from dataclasses import dataclass

from events.analysis.linking import MentionData
from events.analysis.sentences import doc_text

MASCULINE = frozenset({"er", "ihm", "ihn", "dieser", "diesem", "diesen", "jener"})
FEMININE = frozenset({"sie", "ihr", "diese", "jene"})
PRONOUNS = MASCULINE | FEMININE
ARTICLES = frozenset({"der", "die", "das", "dem", "den", "des"})
POSSESSIVES = ("sein", "ihr", "dessen", "deren")
# Organisation words a definite phrase may stand for ("das Ministerium" -> the ministry named
# before), with the knowledge base's org types that fit when the name does not hold the word.
ORGANISATION_HEADS = {
    "partei": {"party"},
    "regierung": {"government"},
    "ministerium": {"government"},
    "behörde": {"government"},
    "armee": {"military"},
    "polizei": set(),
    "gericht": {"court"},
    "organisation": set(),
    "gruppe": {"armed_group"},
    "miliz": {"armed_group"},
    "rebellen": {"armed_group"},
    "guerilla": {"armed_group"},
    "konzern": {"company"},
    "unternehmen": {"company"},
    "verband": {"association", "ngo"},
    "gewerkschaft": {"association"},
    "kommission": set(),
    "agentur": {"agency", "state_media"},
    "ressort": {"government"},
    "zeitung": {"media"},
    "sender": {"media"},
}
# Organisation words that stand for a name with another word: "das Ressort" is the ministry.
SAME_AS = {"ressort": "ministerium"}
# Endings of the words for people in an office or role that a descriptor may be ("der
# Anwalt", "die Innenministerin", "der Publizist", "der 59-Jährige"); female forms add -in.
PERSON_WORDS = tuple(
    word + ending
    for word in (
        "anwalt", "berater", "bürgermeister", "chef", "direktor", "experte", "general", "kandidat",
        "kanzler", "kommissar", "leiter", "minister", "präsident", "premier", "richter", "sekretär",
        "sprecher", "trainer", "politiker", "professor", "publizist", "therapeut", "ökonom",
        "historiker", "forscher", "wissenschaftler", "aktivist", "journalist", "autor", "botschafter",
        "gouverneur", "diplomat", "unternehmer", "manager", "funktionär", "abgeordnete", "vorsitzende",
        "jährige", "oberhaupt", "geschäftsführer", "staatsanwalt", "ermittler", "regisseur", "sänger",
        "gewerkschafter", "hauptmann", "bischof", "kardinal", "rektor", "intendant", "kommandeur",
        "offizier", "polizist", "mediziner", "virologe", "psychologe", "soziologe", "politologe",
        "analyst", "anführer", "vertreter", "beauftragte", "gründer",
    )
    for ending in ("", "in", "r")
)  # fmt: skip


def is_role_word(word: str) -> bool:
    """A capitalised word for a person's office or role: "Fraktionsvorsitzende", "Sprecher"."""
    return word[:1].isupper() and word.casefold().endswith(PERSON_WORDS)


def is_role_compound(word: str) -> bool:
    """A body's name joined to a word of office: "PiS-Vorsitzende", "SPD-Chef"."""
    return "-" in word and word.casefold().endswith(PERSON_WORDS)


# First names that end like most women's names; the men's names among them follow.
FEMALE_NAME_ENDINGS = ("a", "e", "ie", "ine", "ette", "elle")
MALE_NAMES_IN_A_OR_E = frozenset(
    {"uwe", "ole", "mike", "andrea", "luca", "nikola", "jean-marie", "rene", "rené", "kyle",
     "dave", "steve", "joe", "bernie", "jose", "josé", "jesse", "george", "lothar", "pierre",
     "mustafa", "musa", "isa", "yahya", "malte", "heike", "jannike", "hauke", "timme",
     "jorge", "claude", "andre", "andré", "nicolae", "mircea", "costa", "elie", "ilie", "vince"}
)  # fmt: skip


@dataclass(frozen=True)
class Antecedent:
    """What a pronoun or descriptor refers to: a mention the article has before it."""

    start: int
    end: int
    text: str
    entity_id: int | None
    via: str  # pronoun, descriptor, quote


def gender_of(mention: MentionData, doc) -> str | None:
    """'f', 'm' or None for a person mention: the word before the name ("Frau", "Herr", a
    role: "Innenministerin", "Anwalt"), else the first name's ending."""
    span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
    if span is not None and span.start > 0:
        before = doc[span.start - 1]
        low = before.lower_
        if low == "frau" or (
            before.pos_ == "NOUN" and before.text[:1].isupper() and low.endswith("in") and len(low) > 5
        ):
            return "f"
        if low == "herr" or (before.pos_ == "NOUN" and before.text[:1].isupper()):
            return "m"
    names = mention.text.split()
    if len(names) < 2:
        return None
    first = names[0].casefold()
    female, male = _first_names_by_gender()
    if first in female or first in male:
        return "f" if first in female else "m"
    if first in MALE_NAMES_IN_A_OR_E:
        return "m"
    return "f" if first.endswith(FEMALE_NAME_ENDINGS) else "m"


@functools.cache
def _first_names_by_gender() -> tuple[frozenset[str], frozenset[str]]:
    """First names of the knowledge base's people, by the gender of their offices: a woman
    holds a "Ministerin", "Präsidentin", "Kanzlerin" ("Irmgard", "Ingrid", "Doris")."""
    from events.kb.seed import actor_files, read_data_file

    female, male = set(), set()
    for name in actor_files():
        for row in read_data_file(name).get("actor", []):
            words = row["name"].split()
            if row["kind"] != "person" or len(words) < 2:
                continue
            titles = [role.get("title", "").split() for role in row.get("roles", [])]
            heads = [t[0].casefold() for t in titles if t]
            if any(h.endswith("in") and not h.endswith(("chin", "lin")) for h in heads):
                female.add(words[0].casefold())
            elif heads:
                male.add(words[0].casefold())
    return frozenset(female), frozenset(male - female)


def _sentence_at(sentences: list[tuple[int, int]], i: int) -> int:
    """The index of the sentence (token ranges, in order) that holds token i; 0 for a token
    no sentence holds (trimmed whitespace). By bisection: it runs for every pronoun and
    every mention before it."""
    k = bisect.bisect_right(sentences, (i, math.inf)) - 1
    return k if k >= 0 and sentences[k][0] <= i < sentences[k][1] else 0


def _people_before(
    doc, mentions, sentences, i: int, window: int = 2, kb=None
) -> list[tuple[int, MentionData]]:
    """(sentence distance, mention) of the person mentions in the window before token i,
    nearest sentence first and, within a sentence, in text order."""
    here = _sentence_at(sentences, i)
    wordless = _wordless_before(doc, sentences)
    found = []
    for mention in mentions:
        if mention.label != "PER" or mention.kind == "adjective" or mention.start >= doc[i].idx:
            continue
        if _linked_to_no_person(mention, kb):
            continue  # "Venezuelas" tagged PER but linked to the country
        span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
        if span is None:
            continue
        there = _sentence_at(sentences, span.start)
        distance = here - there - (wordless[here] - wordless[there])
        if 0 <= distance <= window:
            found.append((distance, mention))
    found.sort(key=lambda item: (item[0], item[1].start if item[0] else -item[1].start))
    return found


def _wordless_before(doc, sentences: list[tuple[int, int]]) -> list[int]:
    """How many sentences before each one are punctuation alone (a quote mark the splitter
    left on its own): they do not count towards a pronoun's window. Counted once per doc
    (kept in doc.user_data), not for every pronoun."""
    key = ("coref.wordless", len(sentences))
    if key not in doc.user_data:
        counts = [0]
        for a, b in sentences:
            counts.append(counts[-1] + (not any(t.is_alpha for t in doc[a:b])))
        doc.user_data[key] = counts
    return doc.user_data[key]


def _linked_to_no_person(mention: MentionData, kb) -> bool:
    info = kb.entities.get(mention.entity_id) if kb is not None and mention.entity_id else None
    return info is not None and info.kind != "person"


def resolve_pronoun(doc, mentions: list[MentionData], kb, sentences, i: int, word: str | None = None):
    """The person (or, for "sie", organisation) pronoun i stands for, or None. ``word``: the
    pronoun a demonstrative stands in for ("der" -> "er")."""
    word = word or doc[i].lower_
    if word not in PRONOUNS:
        return None
    wanted = "m" if word in MASCULINE else "f"
    # "sie sagten": plural (the verb after the pronoun, German verb-second, or before it).
    # Not a participle after it: "hatte sie bestritten" is one woman.
    verbs = [
        doc[k]
        for k in (i + 1, i - 1)
        if 0 <= k < len(doc) and doc[k].pos_ in ("VERB", "AUX") and "Part" not in doc[k].morph.get("VerbForm")
    ]
    if i > 0 and doc[i - 1].pos_ in ("VERB", "AUX"):
        verbs = verbs[-1:]  # "hatte sie …", "sagten sie": the finite verb before decides
    plural = word == "sie" and any(v.lower_.endswith("en") for v in verbs)
    if not plural:
        people = _people_before(doc, mentions, sentences, i, window=3, kb=kb)
        text = doc_text(doc)
        if not _inside_quote(text, doc[i].idx):
            # a name inside someone's quote is not who the narration goes on about
            people = [(d, m) for d, m in people if not _inside_quote(text, m.start)]
        known = _genders_by_name(doc, mentions)
        genders = [(_gender(mention, doc, known), mention) for _distance, mention in people]
        # A person of the pronoun's gender; a person of unknown gender only where none is.
        chosen = next((m for g, m in genders if g == wanted), None) or next(
            (m for g, m in genders if g is None), None
        )
        if chosen is not None:
            return _antecedent(chosen, "pronoun")
    if word == "sie":
        # A plural or an organisation: the last organisation named in the window.
        organisation = _last_organisation(doc, mentions, sentences, i)
        if organisation is not None:
            return _antecedent(organisation, "pronoun")
    return None


def _genders_by_name(doc, mentions: list[MentionData]) -> dict:
    """Gender by entity and by surname, from the mentions with a first name: "Zampino" alone
    has the gender of "Sheree Zampino" named before. Made once per doc and mention list
    (kept in doc.user_data), not for every pronoun."""
    key = ("coref.genders", id(mentions), len(mentions))
    if key not in doc.user_data:
        known: dict = {}
        for mention in mentions:
            if mention.label == "PER" and len(mention.text.split()) >= 2:
                gender = gender_of(mention, doc)
                for name in (mention.entity_id, mention.text.split()[-1]):
                    if name is not None:
                        known.setdefault(name, gender)
        doc.user_data[key] = known
    return doc.user_data[key]


def _gender(mention: MentionData, doc, known: dict) -> str | None:
    gender = gender_of(mention, doc)
    if gender is None and len(mention.text.split()) == 1:
        gender = known.get(mention.entity_id) or known.get(mention.text)
    return gender


def _inside_quote(text: str, at: int) -> bool:
    """Whether position `at` stands inside quotation marks (an opener before it on its line
    of text that no closer has closed)."""
    newlines, opens, closes = _quote_marks(text)
    line = bisect.bisect_left(newlines, at)
    start = newlines[line - 1] if line else 0

    def between(marks: list[int]) -> int:
        return bisect.bisect_left(marks, at) - bisect.bisect_left(marks, start)

    return between(opens) > between(closes)


@functools.lru_cache(maxsize=4)
def _quote_marks(text: str) -> tuple[list[int], list[int], list[int]]:
    """Positions of line breaks, opening and closing quotation marks in a text: found once
    per text, as every pronoun asks about every person named before it."""
    newlines = [k for k, ch in enumerate(text) if ch == "\n"]
    opens = [k for k, ch in enumerate(text) if ch in "„»"]
    closes = [k for k, ch in enumerate(text) if ch in "“«"]
    return newlines, opens, closes


def _last_organisation(doc, mentions, sentences, i: int, head: str = "", kb=None, types=()):
    here = _sentence_at(sentences, i)
    best = None
    for mention in mentions:
        if mention.label != "ORG" or mention.start >= doc[i].idx:
            continue
        span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
        if span is None or not 0 <= here - _sentence_at(sentences, span.start) <= 3:
            continue
        if head:
            org_type = (
                kb.info(mention.entity_id).org_type
                if kb is not None and mention.entity_id and mention.entity_id in kb.entities
                else ""
            )
            if head not in mention.text.casefold() and org_type not in types:
                continue
        best = mention
    return best


def resolve_descriptor(doc, mentions: list[MentionData], kb, sentences, a: int, b: int) -> Antecedent | None:
    """What the definite phrase doc[a:b] ("die Ministerin", "das Ministerium") stands for."""
    if b - a < 2 or doc[a].lower_ not in ARTICLES and not doc[a].lower_.startswith(POSSESSIVES):
        return None
    head = doc[b - 1]
    if not head.text[:1].isupper() or head.pos_ == "PROPN":
        return None
    low = head.lower_
    for word, types in ORGANISATION_HEADS.items():
        if low.endswith(word):
            found = _last_organisation(doc, mentions, sentences, a, SAME_AS.get(word, word), kb, types)
            return _antecedent(found, "descriptor") if found is not None else None
    if not low.endswith(PERSON_WORDS):
        return None  # "das Argument", "die Situation", "seine Frau": no office or role
    # Only the person the article introduced with this very word: a guess by gender would
    # be wrong too often ("das Staatsoberhaupt" is not the victim named before).
    people = _people_before(doc, mentions, sentences, a, window=3, kb=kb)
    introduced = _introduced_with(doc, people, low) or _holding_the_office(people, kb, low)
    return _antecedent(introduced, "descriptor") if introduced is not None else None


def _introduced_with(doc, people, low: str) -> MentionData | None:
    """The person the article introduced with this word: "Innenministerin Nancy Faeser",
    "Faeser, die Innenministerin", or the age: "der 59-Jährige" after "X (59)"."""
    # The role a hyphenated compound names ("die Sozialversicherungs-Chefin" -> "chefin"): the
    # person introduced with another compound of that role ("Hauptverbandschefin X") is meant,
    # as the news vary the organisation part. Not for closed compounds: "der Außenminister" is
    # not the "Innenminister" named before.
    role = max((w for w in PERSON_WORDS if low.endswith(w)), key=len, default="")
    by_body = _introduced_with_body(doc, people, low)
    if by_body is not None:
        return by_body
    for _distance, mention in people:
        span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
        around = [t.lower_ for t in doc[max(0, span.start - 3) : min(len(doc), span.end + 4)]]
        if low in around or any(w.endswith(low) or _inflected(w, low) for w in around if len(low) > 4):
            return mention  # "der Fraktionsvorsitzende" after "Fraktionsvorsitzender X"
        if low.endswith("jährige") and any(w.isdigit() and low.startswith(w) for w in around):
            return mention
        if "-" in low and role != low and len(role) > 3 and any(w.endswith(role) for w in around):
            return mention
    return None


def _holding_the_office(people, kb, low: str) -> MentionData | None:
    """The nearest person named before whose offices in the knowledge base have this word:
    "der Minister" after "nach Ansicht von Aiwanger" (bayerischer Wirtschaftsminister)."""
    if kb is None:
        return None
    # the role, in the masculine form the knowledge base's descriptors use ("ministerin")
    roles = {low, low.removesuffix("in")} if low.endswith("in") else {low}
    for _distance, mention in people:
        if mention.entity_id is None:
            continue
        words = kb.role_words(mention.entity_id)
        if any(w.endswith(role) for w in words for role in roles if len(role) > 3):
            return mention
    return None


def _inflected(word: str, low: str) -> bool:
    """The same adjectival noun with another ending: "Vorsitzender"/"Vorsitzende(n)"."""
    return low.endswith("e") and word in (low + "r", low + "n")


def _introduced_with_body(doc, people, low: str) -> MentionData | None:
    """ "der PiS-Vorsitzende" after "Chef der Partei Recht und Gerechtigkeit (PiS), Jarosław
    Kaczyński": the one person in the window named next to the body the compound opens with."""
    if "-" not in low:
        return None
    body = low.split("-")[0]
    if len(body) < 2:
        return None
    found = []
    for _distance, mention in people:
        span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
        around = [t.lower_ for t in doc[max(0, span.start - 4) : min(len(doc), span.end + 4)]]
        if any(w == body or w.startswith(body + "-") for w in around):
            found.append(mention)
    people_found = {m.entity_id or m.text for m in found}
    return found[0] if len(people_found) == 1 else None


def _antecedent(mention: MentionData, via: str) -> Antecedent:
    return Antecedent(mention.start, mention.end, mention.text, mention.entity_id, via)


def pronoun_mentions(doc, mentions: list[MentionData], kb, sentences) -> list[MentionData]:
    """A mention for every third-person pronoun that stands for a known entity, so that
    events name the actor a pronoun refers to ("Er drohte der Ukraine": Putin). Not stored
    as mentions of the article: only the analysis uses them."""
    found = []
    for token in doc:
        if token.lower_ not in PRONOUNS or (token.text == "Sie" and not token.is_sent_start):
            continue
        antecedent = resolve_pronoun(doc, mentions, kb, sentences, token.i)
        if antecedent is None or antecedent.entity_id is None:
            continue
        source = next((m for m in mentions if m.start == antecedent.start), None)
        found.append(
            MentionData(
                token.idx, token.idx + len(token.text), token.text, source.label if source else "PER",
                "pronoun", antecedent.entity_id, 0.6, "coref", f"stands for {antecedent.text}",
                _sentence_at(sentences, token.i),
            )
        )  # fmt: skip
    return found
