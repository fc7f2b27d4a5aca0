"""German date expressions in news text, resolved against the article's publication date.

    resolve_date("am Mittwoch", date(2024, 6, 19))      -> (date(2024, 6, 19), "day")
    resolve_date("vor zwei Tagen", date(2024, 6, 19))   -> (date(2024, 6, 17), "day")
    resolve_date("Ende Mai", date(2024, 6, 19))         -> (date(2024, 5, 25), "week")
    find_dates(doc, published)                          -> [DateMention, ...]

Precision says how far the true date may lie from the one returned:
  day    the day itself ("gestern", "am 19. Juni", "in der Nacht zu Mittwoch")
  week   within about a week ("letzte Woche" -> its Monday; "Anfang/Mitte/Ende Mai" -> the
         5th/15th/25th; "am Wochenende" -> its Saturday)
  month  the first of the month ("im Mai", "Mai 2024", "Ende 2023" -> 1 December 2023)
  year   1 January ("im Jahr 2022", "vergangenes Jahr")

News report the past: a weekday or a date without a year is the most recent one on or
before publication, unless "kommenden"/"nächsten" or the sentence's tense (future or modal
auxiliaries without a past auxiliary) point ahead. A date without a year up to 60 days after
publication keeps the publication year (announcements: "am 25. Juni soll ...").

Pure: regular expressions over text, no model needed; works on any Doc.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

MONTHS = {
    "januar": 1,
    "jänner": 1,
    "jan": 1,
    "februar": 2,
    "feber": 2,
    "feb": 2,
    "märz": 3,
    "mär": 3,
    "april": 4,
    "apr": 4,
    "mai": 5,
    "juni": 6,
    "jun": 6,
    "juli": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "oktober": 10,
    "okt": 10,
    "november": 11,
    "nov": 11,
    "dezember": 12,
    "dez": 12,
}
WEEKDAYS = {
    "montag": 0,
    "dienstag": 1,
    "mittwoch": 2,
    "donnerstag": 3,
    "freitag": 4,
    "samstag": 5,
    "sonnabend": 5,
    "sonntag": 6,
}
NUMBER_WORDS = {
    "ein": 1,
    "eine": 1,
    "einem": 1,
    "einer": 1,
    "einen": 1,
    "zwei": 2,
    "drei": 3,
    "vier": 4,
    "fünf": 5,
    "sechs": 6,
    "sieben": 7,
    "acht": 8,
    "neun": 9,
    "zehn": 10,
    "elf": 11,
    "zwölf": 12,
    "dreizehn": 13,
    "vierzehn": 14,
    "fünfzehn": 15,
    "zwanzig": 20,
    "dreißig": 30,
}
RELATIVE_DAYS = {"vorgestern": -2, "gestern": -1, "heute": 0, "morgen": 1, "übermorgen": 2}
PART_OF_MONTH = {"anfang": 5, "mitte": 15, "ende": 25}
PART_OF_YEAR = {"anfang": 1, "mitte": 7, "ende": 12}
NEAR_FUTURE_DAYS = 60

_MONTH = (
    r"(?P<month>Januar|Jänner|Februar|Feber|März|April|Mai|Juni|Juli|August|September|Oktober|November"
    r"|Dezember|Jan\.|Feb\.|Mär\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept?\.|Okt\.|Nov\.|Dez\.)"
)
_WEEKDAY = r"(?P<wd>Montag|Dienstag|Mittwoch|Donnerstag|Freitag|Samstag|Sonnabend|Sonntag)"
_NUMBER = r"(?P<n>\d{1,3}|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + ")"
_YEAR = r"(?P<y>(?:19|20)\d{2})"
_MOD = r"(?P<mod>vergangene[nrs]?|letzte[nrs]?|vorige[nrs]?|kommende[nrs]?|nächste[nrs]?|diese[nmrs]?)"

# Future or modal auxiliaries, and past ones: a sentence with the first and none of the
# second talks about what will happen.
FUTURE_CUES = re.compile(
    r"\b(wird|werden|werde|will|wollen|soll|sollen|plant|planen|geplant|bevorstehend\w*|kommende[nrs]?"
    r"|nächste[nrs]?)\b",
    re.IGNORECASE,
)
PAST_CUES = re.compile(r"\b(war|waren|wurde|wurden|hatte|hatten|hat|haben|ist|sind|gewesen)\b", re.IGNORECASE)
# "am Morgen", "jeden Morgen": the noun, not "tomorrow"
MORNING_NOUN = re.compile(r"(?:\b(?:am|den|jeden|diesen|einen|der|des|dem|am frühen)\s+)$", re.IGNORECASE)


@dataclass(frozen=True)
class DateMention:
    start: int  # character offsets into the doc's text
    end: int
    text: str
    date: date | None  # None when it needs a publication date and there was none
    precision: str


@dataclass(frozen=True)
class _Context:
    anchor: date | None  # the publication date
    future: bool  # the sentence speaks about the future


Resolver = Callable[[re.Match, _Context], tuple[date | None, str] | None]


def resolve_date(text_or_span, published: date) -> tuple[date, str] | None:
    """The first date expression in a text or span, as (date, precision); None if there is none.

    For a span, the tense of its whole sentence decides between past and future weekdays.
    """
    if isinstance(text_or_span, str):
        text, context = text_or_span, text_or_span
    else:
        text = text_or_span.text
        doc = text_or_span.doc
        context = text_or_span.sent.text if doc.has_annotation("SENT_START") else doc.text
    for mention in scan(text, published, context):
        if mention.date is not None:
            return mention.date, mention.precision
    return None


def find_dates(doc, published: date | None = None) -> list[DateMention]:
    """Every date expression in a doc, with character offsets into ``doc.text``."""
    sentences = list(doc.sents) if doc.has_annotation("SENT_START") else [doc[:]]
    found: list[DateMention] = []
    for sentence in sentences:
        for m in scan(sentence.text, published):
            offset = sentence.start_char
            found.append(DateMention(m.start + offset, m.end + offset, m.text, m.date, m.precision))
    return found


def scan(text: str, published: date | None, context: str | None = None) -> list[DateMention]:
    """Date expressions in one piece of text: leftmost first, longest of overlapping ones."""
    ctx = _Context(published, is_future(context if context is not None else text))
    matches = []
    for pattern, resolver in _RULES:
        for match in pattern.finditer(text):
            resolved = resolver(match, ctx)
            if resolved is not None:
                matches.append((match.start(), -(match.end() - match.start()), match, resolved))
    mentions: list[DateMention] = []
    taken_until = -1
    for start, _, match, (day, precision) in sorted(matches, key=lambda m: (m[0], m[1])):
        if start < taken_until:
            continue
        mentions.append(DateMention(start, match.end(), match.group(0), day, precision))
        taken_until = match.end()
    return mentions


def is_future(sentence: str) -> bool:
    return bool(FUTURE_CUES.search(sentence)) and not PAST_CUES.search(sentence)


# --- resolvers: each returns (date or None, precision), or None when the match is no date


def _number(word: str) -> int:
    return int(word) if word.isdigit() else NUMBER_WORDS[word.lower()]


def _month(word: str) -> int:
    return MONTHS[word.lower().rstrip(".")]


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _with_year(month: int, day: int, ctx: _Context) -> date | None:
    """A day and month without a year: near the publication date, past unless future."""
    anchor = ctx.anchor
    if anchor is None:
        return None
    # 29 February in a year without it: the 28th (the year guess may be what is wrong)
    candidate = _safe_date(anchor.year, month, day) or _safe_date(anchor.year, month, day - 1)
    if candidate is None:
        return None
    if ctx.future:
        if candidate < anchor - timedelta(days=NEAR_FUTURE_DAYS):
            return _safe_date(anchor.year + 1, month, candidate.day)
        return candidate
    if candidate > anchor + timedelta(days=NEAR_FUTURE_DAYS):
        return _safe_date(anchor.year - 1, month, candidate.day)
    return candidate


def _year(match: re.Match) -> int | None:
    y = match.groupdict().get("y")
    if not y:
        return None
    year = int(y)
    return year + 2000 if year < 100 else year


def _possible(month: int, day: int) -> bool:
    """Whether some year has this day (2024 is a leap year)."""
    return 1 <= month <= 12 and _safe_date(2024, month, day) is not None


def _numeric(match: re.Match, ctx: _Context):
    day, month = int(match["d"]), int(match["m"])
    if not _possible(month, day):
        return None
    year = _year(match)
    result = _safe_date(year, month, day) if year else _with_year(month, day, ctx)
    if year and result is None:
        return None
    return result, "day"


def _iso(match: re.Match, ctx: _Context):
    result = _safe_date(int(match["y"]), int(match["m"]), int(match["d"]))
    return (result, "day") if result else None


def _day_month(match: re.Match, ctx: _Context):
    day, month, year = int(match["d"]), _month(match["month"]), _year(match)
    if not _possible(month, day):
        return None
    result = _safe_date(year, month, day) if year else _with_year(month, day, ctx)
    if year and result is None:
        return None
    return result, "day"


def _part_of_month(match: re.Match, ctx: _Context):
    month, year, day = _month(match["month"]), _year(match), PART_OF_MONTH[match["part"].lower()]
    return (_safe_date(year, month, day) if year else _with_year(month, day, ctx)), "week"


def _part_of_year(match: re.Match, ctx: _Context):
    year = _year(match) or (ctx.anchor.year if ctx.anchor else None)
    return (date(year, PART_OF_YEAR[match["part"].lower()], 1) if year else None), "month"


def _month_only(match: re.Match, ctx: _Context):
    month, year = _month(match["month"]), _year(match)
    return (date(year, month, 1) if year else _with_year(month, 1, ctx)), "month"


def _year_only(match: re.Match, ctx: _Context):
    return date(int(match["y"]), 1, 1), "year"


def _relative_day(match: re.Match, ctx: _Context):
    word = match["rel"]
    if word.lower() == "morgen":
        # "Morgen" as a noun ("am Morgen"), unless it opens the sentence
        if word[0].isupper() and match.start() > 0:
            return None
        if MORNING_NOUN.search(match.string[: match.start()]):
            return None
    shift = RELATIVE_DAYS[word.lower()]
    return (ctx.anchor + timedelta(days=shift) if ctx.anchor else None), "day"


UNIT_DAYS = {"tag": 1, "woche": 7}


def _ago(match: re.Match, ctx: _Context):
    n, unit = _number(match["n"]), match["unit"].lower().rstrip("ens")
    unit = {"tag": "tag", "woch": "woche", "monat": "monat", "jahr": "jahr"}.get(unit, unit)
    sign = -1 if match["dir"].lower() == "vor" else 1
    if ctx.anchor is None:
        return None, _unit_precision(unit)
    if unit in UNIT_DAYS:
        return ctx.anchor + timedelta(days=sign * n * UNIT_DAYS[unit]), _unit_precision(unit)
    months = n * (12 if unit == "jahr" else 1) * sign
    return _add_months(ctx.anchor, months), _unit_precision(unit)


def _unit_precision(unit: str) -> str:
    return {"tag": "day", "woche": "week", "monat": "month", "jahr": "year"}[unit]


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _direction(mod: str | None) -> int:
    """-1 for "vergangenen"/"letzten", +1 for "kommenden"/"nächsten", 0 for "diesen" or none."""
    if not mod:
        return 0
    mod = mod.lower()
    if mod.startswith(("vergangen", "letzt", "vorig")):
        return -1
    if mod.startswith(("kommend", "nächst")):
        return 1
    return 0


def _relative_unit(match: re.Match, ctx: _Context):
    unit, shift = match["unit"].lower().rstrip("s").rstrip("e"), _direction(match["mod"])
    unit = {"woch": "woche", "jahr": "jahr", "monat": "monat"}.get(unit, unit)
    anchor = ctx.anchor
    if anchor is None:
        return None, _unit_precision(unit)
    if unit == "woche":
        monday = anchor - timedelta(days=anchor.weekday())
        return monday + timedelta(days=7 * shift), "week"
    if unit == "monat":
        return _add_months(anchor.replace(day=1), shift), "month"
    return date(anchor.year + shift, 1, 1), "year"


def _weekend(match: re.Match, ctx: _Context):
    anchor = ctx.anchor
    if anchor is None:
        return None, "week"
    direction = _direction(match["mod"]) or (1 if ctx.future else -1)
    saturday = anchor - timedelta(days=(anchor.weekday() - 5) % 7)  # on or before
    if direction > 0 and saturday < anchor - timedelta(days=1):
        saturday += timedelta(days=7)
    return saturday, "week"


def _weekday(match: re.Match, ctx: _Context):
    anchor = ctx.anchor
    if anchor is None:
        return None, "day"
    wanted = WEEKDAYS[match["wd"].lower()]
    direction = _direction(match["mod"])
    back = (anchor.weekday() - wanted) % 7
    ahead = (wanted - anchor.weekday()) % 7
    if direction < 0:
        return anchor - timedelta(days=back or 7), "day"
    if direction > 0:
        return anchor + timedelta(days=ahead or 7), "day"
    if ctx.future:
        return anchor + timedelta(days=ahead), "day"
    return anchor - timedelta(days=back), "day"


def _compile(pattern: str) -> re.Pattern:
    return re.compile(pattern)


_RULES: list[tuple[re.Pattern, Resolver]] = [
    (_compile(r"\b(?P<d>\d{1,2})\.\s?(?P<m>\d{1,2})\.(?:\s?(?P<y>\d{4}|\d{2}))?(?![\d.])"), _numeric),
    (_compile(r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\b"), _iso),
    (
        _compile(
            r"(?:\b(?:[Aa]m|[Vv]om|[Ss]eit|[Bb]is|[Aa]b)\s+)?(?:"
            + _WEEKDAY.replace("?P<wd>", "?:")
            + r",?\s+"
            r"(?:(?:den|dem)\s+)?)?\b(?P<d>\d{1,2})\.\s*" + _MONTH + r"(?:\s+" + _YEAR + r")?"
        ),
        _day_month,
    ),
    (_compile(r"\b(?P<part>Anfang|Mitte|Ende)\s+" + _MONTH + r"(?:\s+" + _YEAR + r")?"), _part_of_month),
    (_compile(r"\b(?P<part>Anfang|Mitte|Ende)\s+(?:(?:des|diese[sn])\s+Jahres\s+)?" + _YEAR), _part_of_year),
    (_compile(r"\b(?P<part>Anfang|Mitte|Ende)\s+(?:des|diese[sn])\s+Jahres\b"), _part_of_year),
    (_compile(r"(?:\b(?:[Ii]m|[Ss]eit|[Bb]is|[Aa]b)\s+)?" + _MONTH + r"\s+" + _YEAR + r"\b"), _month_only),
    (_compile(r"\b(?:[Ii]m|[Ss]eit|[Bb]is|[Aa]b)\s+" + _MONTH + r"(?!\w)"), _month_only),
    (_compile(r"\b(?:[Ii]m\s+Jahre?|[Ss]eit|[Bb]is|[Jj]ahr)\s+" + _YEAR + r"\b"), _year_only),
    # A bare year as an adverb: "bereits 2019 hatte …", "2014 protestierten …" (a year that
    # opens the sentence before a verb); not "2000 Menschen" or "2019 Euro".
    (
        _compile(
            r"\b(?:[Bb]ereits|[Ss]chon|[Ee]rst|[Nn]och|[Aa]nno|[Dd]amals)\s+"
            + _YEAR
            + r"\b(?!\s*[A-ZÄÖÜ%€$])"
        ),
        _year_only,
    ),
    (_compile(r"^\s*" + _YEAR + r"(?=\s+[a-zäöü])"), _year_only),
    (
        _compile(
            r"\b(?P<rel>[Vv]orgestern|[Gg]estern|[Hh]eute|[Üü]bermorgen|[Mm]orgen)"
            r"(?:\s+(?:früh|[Mm]orgen|[Vv]ormittag|[Mm]ittag|[Nn]achmittag|[Aa]bend|[Nn]acht))?\b"
        ),
        _relative_day,
    ),
    (
        _compile(
            r"\b(?P<dir>[Vv]or|[Ii]n)\s+" + _NUMBER + r"\s+(?P<unit>Tage?n?|Wochen?|Monate?n?|Jahre?n?)\b"
        ),
        _ago,
    ),
    (
        _compile(
            r"(?:\b(?:[Ii]n\s+der|[Ii]m|[Ii]n\s+diese[mr])\s+)?\b"
            + _MOD
            + r"\s+(?P<unit>Woche|Monats?|Jahres|Jahr)\b"
        ),
        _relative_unit,
    ),
    (
        _compile(r"(?:\b(?:[Aa]m|[Ii]n\s+der\s+Woche\s+vor\s+dem)\s+)?(?:" + _MOD + r"\s+)?\bWochenende\b"),
        _weekend,
    ),
    (
        _compile(
            r"(?:\b(?:[Ii]n\s+der\s+Nacht\s+(?:zu[mr]?|auf)|[Aa]m|[Vv]om|[Ss]eit|[Bb]is|[Aa]b)\s+)?"
            r"(?:\b" + _MOD + r"\s+)?\b" + _WEEKDAY + r"(?:morgen|vormittag|mittag|nachmittag|abend|nacht)?\b"
        ),
        _weekday,
    ),
]
