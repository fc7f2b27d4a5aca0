"""How names are compared: normalisation and German inflection, pure functions.

German inflects names: "Putins", "Nordkoreas", "des Kremls", "Moskaus"; adjectives take
endings: "russische", "russischen", "russischer". Lookups go through the same
normalisation on both sides, and a surface form is looked up under each of its plausible
base forms.
"""

from __future__ import annotations

import functools
import re
import unicodedata

_SPACES = re.compile(r"[\s\u00a0]+")
_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_QUOTES = re.compile(r"[\u2018\u2019\u201a\u201b\u2032`´]")
_EDGE_PUNCT = re.compile(r"^[\"'„“”»«‚‘’()\[\].,:;!?]+|[\"'„“”»«‚‘’()\[\].,:;!?]+$")
ARTICLES = frozenset(
    {"der", "die", "das", "des", "dem", "den", "ein", "eine", "einer", "eines", "einem", "einen"}
)
ADJECTIVE_ENDINGS = ("en", "em", "er", "es", "e")


# Cached: linking asks for the same few thousand words and names again and again (every
# candidate span of every sentence), and these are pure functions of their text.
@functools.lru_cache(maxsize=131072)
def normalize(text: str) -> str:
    """Case-folded, NFC, one kind of dash and apostrophe, single spaces, no edge punctuation."""
    text = unicodedata.normalize("NFC", text)
    text = _DASHES.sub("-", text)
    text = _QUOTES.sub("'", text)
    text = _SPACES.sub(" ", text).strip()
    text = _EDGE_PUNCT.sub("", text)
    return text.casefold()


@functools.lru_cache(maxsize=131072)
def fold(text: str) -> str:
    """A second key without diacritics: "Pjöngjang" and "Pjoengjang", "Erdoğan" and "Erdogan".

    Umlauts become their two-letter spellings (ö -> oe), as German writes them without
    umlauts; other diacritics are dropped.
    """
    text = normalize(text)
    text = text.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def strip_article(text: str) -> str:
    words = text.split(" ")
    if len(words) > 1 and words[0].casefold() in ARTICLES:
        return " ".join(words[1:])
    return text


def name_variants(surface: str) -> list[str]:
    """Normalised base forms a name's surface form may stand for, best first.

    "Putins" -> ["putins", "putin"]; "des Kremls" -> ["kremls", "kreml"]; "USA" -> ["usa"].
    The genitive -s is only removed from words long enough that it is likely an ending.
    """
    return list(_name_variants(surface))  # a copy: callers may extend their list


@functools.lru_cache(maxsize=131072)
def _name_variants(surface: str) -> tuple[str, ...]:
    base = normalize(strip_article(surface))
    variants = [base]
    words = base.split(" ")
    if len(words) > 1:
        # Names with an inflected adjective: "Europäischen Union", "Vereinten Nationen",
        # "Vereinigten Arabischen Emirate" -> the nominative the knowledge base has.
        for ending in ("e", "es", "er"):
            changed = [_adjective_as(w, ending) for w in words[:-1]]
            if changed != words[:-1]:
                for last in dict.fromkeys([words[-1], *_genitive_bases(words[-1])]):
                    variants.append(" ".join([*changed, last]))
    head = base.rsplit(" ", 1)[0] + " " if " " in base else ""
    for last in _genitive_bases(words[-1], in_name=len(words) > 1):
        variants.append(head + last)
    if len(words) > 2 and words[1] in HEAD_CONNECTORS:
        # The head noun in the genitive: "des Zentralkomitees der deutschen Katholiken",
        # "des Bundes für Umwelt und Naturschutz".
        for first in _genitive_bases(words[0]):
            variants.append(" ".join([first, *words[1:]]))
    return tuple(dict.fromkeys(variants))


# Words after the head noun of a name: "Zentralkomitee der ...", "Bund für ...".
HEAD_CONNECTORS = frozenset({"der", "des", "für", "von", "vom", "zur", "zum", "gegen", "ohne", "in", "am"})


def _adjective_as(word: str, ending: str) -> str:
    """An inflected adjective of a name with another ending: "europäischen" -> "europäische"."""
    if len(word) > 4 and word.endswith(("en", "em")):
        return word[:-2] + ending  # "Roten Kreuz", "Rotem Kreuz" -> "rotes kreuz"
    if len(word) > 3 and word.endswith("e") and ending != "e":
        return word[:-1] + ending  # "Internationale Strafgerichtshof" -> "internationaler ...", "Rote Kreuz"
    return word


def _genitive_bases(word: str, in_name: bool = False) -> list[str]:
    """ "Putins" -> ["putin"]; "Bundestages" -> ["bundestage", "bundestag"]; "Bush's" -> ["bush"].

    The last word of a longer name may be short: "Kim Jong Uns" -> "un".
    """
    if word.endswith("'s") or word.endswith("'"):
        return [word.rstrip("s").rstrip("'")]
    if len(word) > (2 if in_name else 3) and word.endswith("s") and not word.endswith("ss"):
        return [word[:-1], word[:-2]] if word.endswith("es") and len(word) > 5 else [word[:-1]]
    return []


def adjective_base(word: str) -> str | None:
    """The base form of an inflected German adjective: "russischen" -> "russisch"."""
    lowered = normalize(word)
    for ending in ADJECTIVE_ENDINGS:
        if lowered.endswith(ending) and len(lowered) - len(ending) >= 4:
            return lowered[: -len(ending)]
    return None


def adjective_forms(stem: str) -> list[str]:
    """All inflected forms of an adjective stem ("russisch" -> "russisch", "russische", ...)."""
    base = normalize(stem)
    return [base, *(base + ending for ending in ADJECTIVE_ENDINGS)]
