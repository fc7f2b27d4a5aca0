"""Bytes and header strings from the outside world -> text and timestamps.

One place for the three decoding jobs that the fetcher, the feed parser and the page
extractor share: which codec a body is in (BOM, declarations, WHATWG's windows-1252 rule),
what a Content-Type header says, and what a timestamp string means. Pure functions: no
Django, no network.

The page and the feed decoders differ on purpose, not by accident:

- `decode_html` trusts the Content-Type charset before <meta>, checks every declared charset
  for UTF-8 mojibake, repairs double encoding and lets a German-character score choose between
  windows-1252 and a statistically detected codec; a BOM must decode strictly.
- `decode_feed` trusts the XML declaration before the Content-Type charset (server defaults are
  wrong far more often than the file's own declaration), reports what it did as warnings for
  the source health page, and decodes after a BOM leniently (feeds are parsed item by item,
  one broken byte must not cost the feed).

Timestamps follow one parser with two rule sets (`PAGE_DATES`, `FEED_DATES`): naive times
mean Berlin time on pages (German outlets publish local time) and UTC in feeds (the RSS and
Atom norm); feeds also carry RFC 822 dates with German month names.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def _berlin() -> tzinfo:
    try:
        return ZoneInfo("Europe/Berlin")
    except ZoneInfoNotFoundError:  # no tz database installed
        return timezone(timedelta(hours=1))


# German outlets publish naive local timestamps; interpreting them in Berlin time is right for
# the overwhelming majority (AT/CH share the offset).
BERLIN = _berlin()

# --------------------------------------------------------------------------------------------
# Codecs
# --------------------------------------------------------------------------------------------

BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # must precede UTF-16 LE: it starts with the same bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Codec names (after codecs.lookup) that browsers (WHATWG) decode as windows-1252: servers say
# Latin-1 or ASCII but send „smart quotes“ and €.
WINDOWS_1252_ALIASES = frozenset({"iso8859-1", "ascii"})


def codec_name(label: str | None) -> str | None:
    """Python's codec name for a charset label ("ISO-8859-1" -> "iso8859-1"); None if unknown."""
    if not label:
        return None
    try:
        return codecs.lookup(label.strip().strip("\"'").lower()).name
    except LookupError:
        return None


def whatwg_codec(label: str | None) -> str | None:
    """Like `codec_name`, with Latin-1 and ASCII labels read as windows-1252 (as browsers do)."""
    name = codec_name(label)
    return "cp1252" if name in WINDOWS_1252_ALIASES else name


def decode_as(body: bytes, codec: str) -> str | None:
    """Strict decode, or None. windows-1252 (and its aliases) never fails: the five bytes it
    leaves undefined are read as Latin-1 maps them, C1 controls."""
    if codec == "cp1252" or codec in WINDOWS_1252_ALIASES:
        try:
            return body.decode("cp1252")
        except UnicodeDecodeError:
            return body.decode("latin-1")
    try:
        return body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_bom(body: bytes, *, strict: bool) -> tuple[str, str] | None:
    """Text after a byte order mark and the BOM's codec; None without a BOM.

    strict: the rest must decode cleanly, otherwise the next matching BOM is tried (FF FE 00 00
    is also the UTF-16 LE BOM); lenient decoding replaces broken sequences instead.
    """
    for bom, codec in BOMS:
        if not body.startswith(bom):
            continue
        if not strict:
            return body[len(bom) :].decode(codec, errors="replace"), codec
        text = decode_as(body[len(bom) :], codec)
        if text is not None:
            return text, codec
    return None


# --------------------------------------------------------------------------------------------
# Content-Type
# --------------------------------------------------------------------------------------------

# A charset label's characters; what follows (", text/html", a stray quote) is not part of it.
_CHARSET_TOKEN_RE = re.compile(r"[\w.:+-]+")


def parse_content_type(value: str | None) -> tuple[str | None, str | None]:
    """'text/html; charset="UTF-8"' -> ('text/html', 'UTF-8'): media type lower-cased, the
    charset label as written (callers look it up with `codec_name`)."""
    if not value:
        return None, None
    media, *params = value.split(";")
    charset = None
    for param in params:
        name, _, raw = param.partition("=")
        if name.strip().lower() == "charset":
            token = _CHARSET_TOKEN_RE.match(raw.strip().strip("'\"").strip())
            charset = token.group(0) if token else None
    return media.strip().lower() or None, charset


# --------------------------------------------------------------------------------------------
# HTML pages
# --------------------------------------------------------------------------------------------

# Byte prefix scanned for <meta charset>; the HTML spec limits the prescan to 1024 bytes, but
# real pages put long <script> blocks first, so look further.
_META_PRESCAN_BYTES = 16_384
_META_CHARSET_RE = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([\w.:+-]+)""", re.IGNORECASE)
# UTF-8 bytes of common German/typographic characters read as Windows-1252: the classic mojibake.
# Latin-1 decoding leaves C1 controls where cp1252 has printable characters; both count.
_MOJIBAKE_RE = re.compile("Ã[¤¶¼Ÿ„–œ©¨\u00a0\x80-\x9f]|â(?:€|\x80)[\x80-\xbfž™“”˜¦œ–—]|Â[\u00a0·«»§°]")
_GERMAN_CHARS = set("äöüÄÖÜßéèàâçñ„“”‚‘’–—…€«»§°·´ \u00a0")


def _mojibake_count(text: str) -> int:
    return len(_MOJIBAKE_RE.findall(text))


def _is_plausible(text: str, encoding: str, body: bytes) -> bool:
    """A declared single-byte charset is wrong when the bytes are really UTF-8 (mojibake)."""
    if encoding.startswith("utf"):
        return True
    if _mojibake_count(text) == 0:
        return True
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def _repair_double_encoding(text: str) -> str:
    """Undo UTF-8 that was decoded as cp1252 and re-encoded (text already mojibake in UTF-8)."""
    if _mojibake_count(text) < 3:
        return text
    for single in ("cp1252", "latin-1"):
        try:
            repaired = text.encode(single).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if _mojibake_count(repaired) < _mojibake_count(text):
            return repaired
    return text


def _detect(body: bytes) -> str | None:
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - charset-normalizer is a hard dependency
        return None
    match = from_bytes(body[:200_000]).best()
    return whatwg_codec(match.encoding) if match else None


def _german_score(text: str) -> float:
    """Share of non-ASCII characters that are common in German/Western European news text."""
    non_ascii = [char for char in text if ord(char) > 127]
    if not non_ascii:
        return 1.0
    return sum(char in _GERMAN_CHARS for char in non_ascii) / len(non_ascii)


def _html_declared(body: bytes, content_type_header: str | None) -> tuple[str, str] | None:
    """The first declared charset (header, then <meta>) that decodes plausibly."""
    labels = [parse_content_type(content_type_header)[1]]
    meta_match = _META_CHARSET_RE.search(body[:_META_PRESCAN_BYTES])
    if meta_match:
        labels.append(meta_match.group(1).decode("ascii", "replace"))
    for label in labels:
        encoding = whatwg_codec(label)
        # A page whose ASCII-compatible prescan found the label cannot really be UTF-16/32.
        if encoding is None or encoding.startswith(("utf-16", "utf-32")):
            continue
        text = decode_as(body, encoding)
        if text is not None and _is_plausible(text, encoding, body):
            return _repair_double_encoding(text), encoding
    return None


def _html_undeclared(body: bytes) -> tuple[str, str]:
    """Undeclared or wrongly declared: UTF-8 if it mostly is, else the most German decoding."""
    # Valid UTF-8 is almost never accidental for non-ASCII text. A few stray bytes (one pasted
    # Latin-1 quote in a UTF-8 page) must not send the whole page to a single-byte codec,
    # which would garble every umlaut.
    lenient = body.decode("utf-8", errors="replace")
    broken = lenient.count("\ufffd") - body.count("\ufffd".encode())
    if broken == 0 or sum(ord(char) > 127 for char in lenient) - broken >= 10 * broken:
        return _repair_double_encoding(lenient), "utf-8"
    # Statistical detection is unreliable on short or mostly-ASCII pages and likes to pick
    # cp1250/cp1251/mac-roman for German Latin-1 text; so Windows-1252 competes with it on how
    # German the decoded non-ASCII characters look.
    candidates = ["cp1252"]
    detected = _detect(body)
    if detected and detected != "cp1252" and not detected.startswith(("utf-16", "utf-32")):
        candidates.append(detected)  # on a tie Windows-1252 stays first and wins
    decoded = [(name, text) for name in candidates if (text := decode_as(body, name)) is not None]
    name, text = max(decoded, key=lambda item: _german_score(item[1]))
    return text, name


def decode_html(body: bytes, content_type_header: str | None) -> tuple[str, str]:
    """Decode an HTML response body; returns ``(text, codec_name_used)``.

    Order: BOM, HTTP header charset, <meta> charset, UTF-8 if the bytes are valid UTF-8,
    charset-normalizer, cp1252. A BOM is checked before the header (as the HTML standard does)
    because it is unambiguous evidence in the bytes themselves. Every declared charset is
    validated: it must decode strictly and not produce typical UTF-8-as-cp1252 mojibake.
    """
    if not body:
        return "", "utf-8"
    bom = decode_bom(body, strict=True)
    if bom is not None:
        text, encoding = bom
        return text, encoding.removesuffix("-le").removesuffix("-be")
    return _html_declared(body, content_type_header) or _html_undeclared(body)


# --------------------------------------------------------------------------------------------
# Feeds and sitemaps (XML or JSON)
# --------------------------------------------------------------------------------------------

_XML_DECL_ENCODING = re.compile(rb"""^\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_SINGLE_BYTE = frozenset({"iso8859-1", "ascii", "cp1252", "iso8859-15"})


def _feed_labels(
    body: bytes, header_charset: str | None, warnings: list[str], xml: bool
) -> tuple[str | None, str | None]:
    """(codec of the XML declaration, codec of the Content-Type charset); conflicts are warned."""
    declared_label = None
    if xml:
        match = _XML_DECL_ENCODING.match(body[:300])
        declared_label = match.group(1).decode("ascii") if match else None
    declared, header = codec_name(declared_label), codec_name(header_charset)
    if declared_label and declared is None:
        warnings.append(f"unknown encoding {declared_label!r} in XML declaration")
    if header_charset and header is None:
        warnings.append(f"unknown charset {header_charset!r} in Content-Type")
    if declared and header and declared != header:
        warnings.append(
            f"charset conflict: Content-Type says {header_charset}, XML declaration says "
            f"{declared_label}; the declaration is tried first"
        )
    return declared, header


def decode_feed(
    body: bytes, *, header_charset: str | None, warnings: list[str], xml: bool = True
) -> tuple[str, str]:
    """Decode a feed body; returns (text, codec name).

    Precedence: BOM, then the XML declaration, then the Content-Type charset, then UTF-8, then
    windows-1252. The declaration beats the header because server defaults (Apache's
    ISO-8859-1, a CMS's UTF-8) are wrong far more often than the file's own declaration.
    Exception: a body that is valid UTF-8 with non-ASCII bytes is read as UTF-8 even if labelled
    with a single-byte charset; Latin-1 text practically never forms valid UTF-8 sequences.
    """
    bom = decode_bom(body, strict=False)
    if bom is not None:
        return bom
    if xml and body[:2] in (b"<\x00", b"\x00<"):
        codec = "utf-16-le" if body[0] == 0x3C else "utf-16-be"
        return body.decode(codec, errors="replace"), codec

    declared, header = _feed_labels(body, header_charset, warnings, xml)
    utf8 = decode_as(body, "utf-8")
    labelled = [c for c in (declared, header) if c]
    for codec in [*labelled, "utf-8", "cp1252"]:
        if codec in _SINGLE_BYTE and utf8 is not None and not body.isascii():
            warnings.append(f"body is labelled {codec} but is valid UTF-8; decoded as UTF-8")
            return utf8, "utf-8"
        text = utf8 if codec == "utf-8" else decode_as(body, codec)
        if text is None:
            continue
        if labelled and codec != labelled[0]:
            warnings.append(f"body is not valid {labelled[0]}; decoded as {codec}")
        elif not labelled and codec != "utf-8":
            warnings.append(f"no charset given and body is not valid UTF-8; decoded as {codec}")
        return text, codec
    return body.decode("latin-1"), "latin-1"  # unreachable in practice: cp1252 -> latin-1


# --------------------------------------------------------------------------------------------
# Timestamps
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimestampRules:
    """How one kind of input writes timestamps (see PAGE_DATES and FEED_DATES)."""

    naive_tz: tzinfo  # zone of a timestamp that names none
    earliest_year: int  # outside [earliest_year, latest_year] a parse is a misreading
    latest_year: int
    # Page metadata says "Stand: 16.05.2024, 11.30 Uhr": the German date is searched anywhere.
    # Feed dates are whole values ("Mo, 16.05.2024 11:30 Uhr"), or RFC 822 ("rfc822").
    german_anywhere: bool
    rfc822: bool
    max_chars: int | None = None  # longer values are prose, not a timestamp


PAGE_DATES = TimestampRules(
    naive_tz=BERLIN, earliest_year=1990, latest_year=2100, german_anywhere=True, rfc822=False, max_chars=64
)
FEED_DATES = TimestampRules(
    naive_tz=UTC, earliest_year=1900, latest_year=2200, german_anywhere=False, rfc822=True
)

_ISO_START = re.compile(r"^\d{4}-\d{2}-\d{2}")
_GERMAN_IN_TEXT = re.compile(
    r"(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})(?:,?\s+(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?)?"
)
_GERMAN_WHOLE = re.compile(
    r"^(?:\w+,?\s+)?(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?(?:\s*Uhr)?$"
)
_DE_MONTHS = {
    "januar": "Jan",
    "jänner": "Jan",
    "februar": "Feb",
    "märz": "Mar",
    "maerz": "Mar",
    "mär": "Mar",
    "mrz": "Mar",
    "april": "Apr",
    "mai": "May",
    "juni": "Jun",
    "juli": "Jul",
    "august": "Aug",
    "september": "Sep",
    "sept": "Sep",
    "oktober": "Oct",
    "okt": "Oct",
    "november": "Nov",
    "dezember": "Dec",
    "dez": "Dec",
}
_DE_WEEKDAYS = {
    "montag",
    "mo",
    "dienstag",
    "di",
    "mittwoch",
    "mi",
    "donnerstag",
    "do",
    "freitag",
    "fr",
    "samstag",
    "sonnabend",
    "sa",
    "sonntag",
    "so",
}
_TZ_NAMES = {
    "MEZ": "+0100",
    "MESZ": "+0200",
    "CET": "+0100",
    "CEST": "+0200",
    "WEZ": "+0000",
    "WESZ": "+0100",
}


def parse_timestamp(value: str | None, rules: TimestampRules) -> datetime | None:
    """ISO 8601 / W3C-DTF, German "dd.mm.yyyy[, hh:mm]" and (feeds) RFC 822; always tz-aware.

    German numeric dates are always Berlin time: only German sites write them.
    """
    if not value or (rules.max_chars is not None and len(value.strip()) > rules.max_chars):
        return None
    value = " ".join(value.split())
    if not value:
        return None
    parsed = _parse_iso(value) if _ISO_START.match(value) else None
    if parsed is None:
        parsed = _parse_german(value, rules.german_anywhere)
    if parsed is None and rules.rfc822:
        parsed = _parse_rfc822(value)
    if parsed is None or not rules.earliest_year <= parsed.year <= rules.latest_year:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=rules.naive_tz)


def _parse_iso(value: str) -> datetime | None:
    # "2015-03-31 17:20:19 +02:00": no space before the offset. Python 3.11 reads "Z", "+0200"
    # and more than six fractional digits itself.
    value = re.sub(r"\s+(?=[+-]\d{2}:?\d{2}$|Z$)", "", value)
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(value[:10])  # keep the date when the time part is odd
    except ValueError:
        return None


def _parse_german(value: str, anywhere: bool) -> datetime | None:
    match = _GERMAN_IN_TEXT.search(value) if anywhere else _GERMAN_WHOLE.match(value)
    if not match:
        return None
    day, month, year, hour, minute, second = (int(group) if group else 0 for group in match.groups())
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=BERLIN)
    except ValueError:
        return None


def _parse_rfc822(value: str) -> datetime | None:
    tokens = []
    for token in value.replace(",", ", ").split():
        bare = token.strip(",.").lower()
        if bare in _DE_WEEKDAYS:
            continue  # weekday names are redundant; drop rather than translate
        if bare.isdigit() and token.endswith("."):
            token = bare  # German ordinal day "31."
        if bare in _DE_MONTHS:
            token = _DE_MONTHS[bare]
        elif token.upper() in _TZ_NAMES:
            token = _TZ_NAMES[token.upper()]
        tokens.append(token)
    text = " ".join(tokens).strip(", ")
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
