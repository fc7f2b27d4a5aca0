"""Article main-text and metadata extraction for German news pages.

Pure functions only: no Django, no network, no file access. The pipeline is
``ingest.decoding.decode_html(bytes, header)`` -> ``extract_document(text, url)``;
``canonicalize_url`` is used for deduplication keys. (The Celery task that runs this for a
stored article is ``ingest.tasks.extract_article``.)

Main text comes from trafilatura (tuned options, see ``_TRAFILATURA_OPTIONS``); metadata comes
from JSON-LD and meta tags first, because publishers fill those for search engines and they are
far more reliable than heuristics on the visible page; trafilatura's own metadata is the
fallback.
"""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from html import unescape
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlsplit, urlunsplit

import lxml.html
from lxml import etree

from ingest.decoding import PAGE_DATES, decode_html, parse_timestamp

logger = logging.getLogger(__name__)

# Pages above this size are almost always data dumps or attacks, not articles; real news pages
# (inline JSON included) stay well below 3 MB. Truncating keeps time and memory bounded.
MAX_HTML_CHARS = 3_000_000

# Base options for every trafilatura pass. Comments are not main text; tables stay because
# results tables and fact boxes belong to sports and election reports.
_TRAFILATURA_OPTIONS: dict[str, Any] = {
    "include_comments": False,
    "include_tables": True,
    "deduplicate": False,
}
# Cascade thresholds (see _trafilatura_text): a precision pass must keep this share of the
# default pass, and texts shorter than _SHORT_TEXT_CHARS get a recall pass.
_PRECISION_KEEP_RATIO = 0.7
_SHORT_TEXT_CHARS = 800
_RECALL_GAIN_RATIO = 1.5
# Above this size one pass must do: each pass costs seconds on multi-megabyte pages.
_SINGLE_PASS_CHARS = 1_500_000


@dataclass(frozen=True)
class ExtractedArticle:
    title: str = ""
    authors: list[str] = field(default_factory=list)
    # In the page's own UTC offset (a UTC stamp in Berlin time); a page that gives only a date
    # has local midnight here and ``published_date_only`` set.
    published: datetime | None = None
    published_date_only: bool = False
    modified: datetime | None = None
    language: str = ""
    text: str = ""
    description: str = ""
    canonical_url: str = ""
    site_name: str = ""
    wire_agencies: list[str] = field(default_factory=list)
    error: str | None = None
    warnings: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------------------------
# URLs
# --------------------------------------------------------------------------------------------

_TRACKING_PARAMS = {
    "fbclid",
    "gclid",
    "dclid",
    "gbraid",
    "wbraid",
    "msclkid",
    "yclid",
    "mc_cid",
    "mc_eid",
    "wt_mc",
    "wt.mc_id",
    "wt_zmc",
    "ref",
    "ref_src",
    "referrer",
    "xtor",
    "at_medium",
    "at_campaign",
    "at_custom1",
    "at_custom2",
    "at_custom3",
    "at_custom4",
    "at_format",
    "at_creation",
    "at_variant",
    "at_link",
    "at_ptr_name",
    "at_platform",
    "_ga",
    "_gl",
    "igshid",
    "cmpid",
    "ns_mchannel",
    "ns_source",
    "ns_campaign",
    "ns_linkname",
    "ns_fee",
    "icid",
    "ito",
    "sara_ecid",
    "sara_ref",
    "xing_share",
    "dicbo",
    "piano_d",
}
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "at_", "wt.", "hsa_", "oly_", "vero_")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _is_tracking_param(name: str) -> bool:
    lowered = name.lower()
    return lowered in _TRACKING_PARAMS or lowered.startswith(_TRACKING_PREFIXES)


def canonicalize_url(url: str) -> str:
    """Normalise a URL for deduplication: case of scheme/host, ports, fragment, tracking params."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if not host:
        return urlunsplit((scheme, parts.netloc, parts.path, parts.query, ""))
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host
    if parts.username:
        userinfo = parts.username + (f":{parts.password}" if parts.password else "")
        netloc = f"{userinfo}@{host}"
    if port is not None and _DEFAULT_PORTS.get(scheme) != port:
        netloc = f"{netloc}:{port}"
    path = parts.path or ("/" if scheme in _DEFAULT_PORTS else "")
    query_items = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not _is_tracking_param(key)
    ]
    # quote (not quote_plus) keeps "%20" as it was instead of rewriting it to "+".
    query = urlencode(sorted(query_items), quote_via=quote)
    return urlunsplit((scheme, netloc, path, query, ""))


# --------------------------------------------------------------------------------------------
# Wire agencies
# --------------------------------------------------------------------------------------------

# Canonical spelling -> regex of the spellings seen in credits. Case matters: "AP"/"SID" as
# words are common in other senses only in lower or mixed case.
_AGENCIES: dict[str, str] = {
    "dpa": r"dpa(?:-AFX)?",
    "AFP": r"AFP",
    "Reuters": r"Reuters|REUTERS",
    "AP": r"AP",
    "epd": r"epd",
    "KNA": r"KNA",
    "dts": r"dts",
    "SID": r"SID|sid",
    "APA": r"APA",
    "SDA": r"(?:Keystone-)?SDA|sda",
    "AFX": r"AFX",
    "dapd": r"dapd",
    "ddp": r"ddp",
}
_AGENCY_ALT = "|".join(f"(?:{pattern})" for pattern in _AGENCIES.values())
_AGENCY_TOKEN_RE = re.compile(rf"(?<![\w-])(?:{_AGENCY_ALT})(?![\w-])")
# Credit patterns for the article text (not image credits): "Berlin (dpa) -", "... (dpa)",
# "Quelle: dpa", "© dpa", "mit Material von dpa", "dpa/AFP", "(dpa/AFP/sid)".
_PAREN_CREDIT_RE = re.compile(rf"\((?:(?:{_AGENCY_ALT})(?:[/,] ?|\s+)?)+(?:/[a-z]{{1,4}})*\)")
_CREDIT_RES: tuple[re.Pattern[str], ...] = (
    re.compile(
        rf"(?:Quellen?|[Mm]it Material (?:von|der Nachrichtenagenturen?)|Material)\s*:?\s*"
        rf"(?:{_AGENCY_ALT})(?:\s*(?:[/,]|und)\s*(?:{_AGENCY_ALT}))*(?![\w-])"
    ),
    re.compile(rf"(?<![\w-])(?:{_AGENCY_ALT})(?:/(?:{_AGENCY_ALT}))+(?![\w-])"),
)
_COPYRIGHT_CREDIT_RE = re.compile(rf"©\s*(?:(?:{_AGENCY_ALT})\b[/, ]*)+")
# "© AFP / JEFF PACHOUD": agency plus photographer is a picture credit.
_PHOTOGRAPHER_RE = re.compile(r"\s*[/|]\s*[A-ZÄÖÜ][\w.-]+\s+[A-ZÄÖÜ]")
# Closing sign-off line of agency abbreviations and editor initials: "dpa/jr", "AFP, dpa, sid".
_SIGNOFF_TOKEN = rf"(?:{_AGENCY_ALT}|[a-z]{{1,4}})"
_SIGNOFF_RE = re.compile(rf"\(?{_SIGNOFF_TOKEN}(?:\s*[/,]\s*{_SIGNOFF_TOKEN})*\)?")
# Short credit line "mit dpa", "FR mit dpa/AFP", "mit Material von Reuters"; without closing
# punctuation, so "sagte er im Gespräch mit AFP." (a sentence) does not count.
_WITH_AGENCY_RE = re.compile(
    rf"(?:[\w.-]+ )?[Mm]it (?:Material (?:von |der )?)?(?:{_AGENCY_ALT})(?:\s*(?:[/,]|und)\s*(?:{_AGENCY_ALT}))*"
)
# Image and video credits name agencies too, but say nothing about who wrote the text.
_MEDIA_CREDIT_RE = re.compile(
    r"(?:Foto|Fotos|Bild|Bilder|Grafik|Video|Image|Photo|Quelle Bild|Bildquelle|Titelbild)\s*:", re.IGNORECASE
)


def _canonical_agency(token: str) -> str | None:
    for name, pattern in _AGENCIES.items():
        if re.fullmatch(pattern, token):
            return name
    return None


def _agencies_in(fragment: str) -> list[str]:
    found = []
    for token in _AGENCY_TOKEN_RE.findall(fragment):
        name = _canonical_agency(token)
        if name and name not in found:
            found.append(name)
    return found


def _credit_matches(line: str) -> list[re.Match[str]]:
    """Agency credits in one line of text: dateline, closing "(dpa)", "Quelle: dpa", "© dpa"."""
    matches: list[re.Match[str]] = []
    for match in _PAREN_CREDIT_RE.finditer(line):
        # Only the dateline "Berlin (dpa) - ..." or a closing "(dpa)" credit; mid-sentence
        # "die Deutsche Presse-Agentur (dpa) meldete" merely names the agency.
        after = line[match.end() :].strip()
        dateline = match.start() <= 60 and after[:1] in ("-", "–", "—", ".", ":", "")
        if dateline or not after.strip(".;) "):
            matches.append(match)
    for pattern in _CREDIT_RES:
        matches.extend(pattern.finditer(line))
    for match in _COPYRIGHT_CREDIT_RE.finditer(line):
        agency_end = match.start() + len(match.group(0).rstrip("/, "))
        if not _PHOTOGRAPHER_RE.match(line, agency_end):
            matches.append(match)
    return matches


def _line_agencies(line: str) -> list[str]:
    """Agencies credited by one line of the main text (image credits excluded)."""
    found: list[str] = []
    for match in _credit_matches(line):
        prefix = line[max(0, match.start() - 40) : match.start()]
        if not _MEDIA_CREDIT_RE.search(prefix):
            found.extend(_agencies_in(match.group(0)))
    # A closing line consisting of agency abbreviations and editor initials: "dpa/jr".
    if len(line) <= 40 and (_SIGNOFF_RE.fullmatch(line.strip()) or _WITH_AGENCY_RE.fullmatch(line.strip())):
        found.extend(_agencies_in(line))
    return found


def detect_wire_agencies(text: str, bylines: Iterable[str] = ()) -> list[str]:
    """Agencies credited in bylines, the dateline or credit lines of the main text."""
    found: list[str] = []
    for byline in bylines:
        stripped = byline.strip()
        # A byline is a credit by definition, but only a short one: long strings are prose.
        if len(stripped) <= 80 and not _MEDIA_CREDIT_RE.search(stripped):
            found.extend(_agencies_in(stripped))
    for line in text.splitlines():
        if line.strip():
            found.extend(_line_agencies(line))
    return list(dict.fromkeys(found))  # first mention first, each agency once


# --------------------------------------------------------------------------------------------
# Authors
# --------------------------------------------------------------------------------------------

_AUTHOR_PREFIX_RE = re.compile(
    r"^(?:(?:ein\s+)?(?:kommentar|gastbeitrag|interview|analyse|essay|text|beitrag|bericht|"
    r"reportage|kolumne)\s+)?(?:von|by|autor(?:in)?:?|text:|aufgezeichnet von)\s+",
    re.IGNORECASE,
)
_AUTHOR_SPLIT_RE = re.compile(r"\s*(?:,|;|\||&|/|\bund\b|\band\b|\bmit\b|\bsowie\b)\s*")
_AUTHOR_NOISE_RE = re.compile(
    r"https?://|www\.|@|\d{2}[.:]\d{2}|\b(?:19|20)\d{2}\b|\b(?:Uhr|Minuten|Lesezeit|aktualisiert|Stand)\b",
    re.IGNORECASE,
)

# Role words that bylines put where a name is expected.
_AUTHOR_STOPWORDS = {"text", "interview", "fotos", "foto", "bilder", "autor", "autorin", "admin", "gast"}


def clean_authors(raw: Iterable[str]) -> list[str]:
    """Split and clean author strings; agencies become separate entries, never name suffixes.

    Brand names used as author ("kicker", "ndr.de") are kept: for desk-written pieces that is
    the publisher's own attribution.
    """
    authors: list[str] = []
    for value in raw:
        value = re.sub(r"\s+", " ", unicodedata.normalize("NFC", value)).strip()
        if re.match(r"(?:https?://|www\.)", value, re.IGNORECASE):
            continue  # author profile URL; splitting it on "/" would produce fake names
        value = re.sub(r"\s+im Gespräch mit\s+", ", ", value)
        value = re.sub(r"\s+im Gespräch$", "", value)
        for part in _AUTHOR_SPLIT_RE.split(value):
            part = _AUTHOR_PREFIX_RE.sub("", part.strip(" \t-–—:·•[]\"'„“”"))
            # "Max Muster (dpa)" -> name plus agency entry; "Max Muster (mm)" -> initials dropped.
            agency = re.search(rf"\(\s*((?:{_AGENCY_ALT}))\s*\)\s*$", part)
            names = [part[: agency.start()], agency.group(1)] if agency else [part]
            for name in names:
                name = re.sub(r"\s*\([^)]*\)?\s*$", "", name).strip(" \t-–—:·•()[]\"'„“”")
                words = name.split()
                if not name or len(words) > 5 or len(name) > 60 or not any(c.isalpha() for c in name):
                    continue
                if _AUTHOR_NOISE_RE.search(name):
                    continue
                if name.casefold() in _AUTHOR_STOPWORDS:
                    continue
                if name.casefold() not in {a.casefold() for a in authors}:
                    authors.append(name)
    return authors


_BYLINE_XPATH = (
    '//*[@rel="author"] | //*[@itemprop="author"] | '
    '//*[contains(concat(" ", normalize-space(@class), " "), " author ")] | '
    '//*[contains(@class, "byline") or contains(@class, "author-name") or contains(@class, "authorName")]'
)


def _html_bylines(tree: lxml.html.HtmlElement) -> list[str]:
    """The first visible byline (rel/itemprop/class "author", "byline"), if it is short."""
    for node in tree.xpath(_BYLINE_XPATH)[:20]:
        if node.tag in ("meta", "link", "script", "style"):
            continue
        content = re.sub(r"\s+", " ", node.text_content() or "").strip()
        if content and len(content) <= 80:
            return [content]
    return []


# --------------------------------------------------------------------------------------------
# Metadata sources
# --------------------------------------------------------------------------------------------

_ARTICLE_TYPES = {
    "article",
    "newsarticle",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "reviewnewsarticle",
    "backgroundnewsarticle",
    "askpublicnewsarticle",
    "blogposting",
    "liveblogposting",
    "socialmediaposting",
    "scholarlyarticle",
    "techarticle",
    "report",
    "videoobject",
}


def _types(node: dict[str, Any]) -> set[str]:
    raw = node.get("@type", [])
    values = raw if isinstance(raw, list) else [raw]
    return {str(v).rsplit("/", 1)[-1].lower() for v in values}


def _walk_jsonld(node: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    if depth > 20:  # hostile pages can nest JSON arbitrarily deep
        return
    if isinstance(node, list):
        for item in node:
            yield from _walk_jsonld(item, depth + 1)
    elif isinstance(node, dict):
        yield node
        for key in ("@graph", "mainEntity", "itemListElement"):
            if key in node:
                yield from _walk_jsonld(node[key], depth + 1)


def _jsonld_objects(tree: lxml.html.HtmlElement) -> list[dict[str, Any]]:
    objects: list[dict[str, Any]] = []
    for script in tree.xpath('//script[contains(translate(@type, "LDJSON", "ldjson"), "ld+json")]'):
        raw = (script.text or "").strip()
        if not raw or len(raw) > 2_000_000:
            continue
        # CMSs leave HTML comments, CDATA and raw control characters in JSON-LD blocks.
        raw = re.sub(r"^\s*(?:<!--|<!\[CDATA\[)|(?:-->|\]\]>)\s*$", "", raw)
        raw = re.sub(r"[\x00-\x1f]", " ", raw)
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):
            continue
        objects.extend(_walk_jsonld(data))
    return objects


def _jsonld_article(objects: list[dict[str, Any]]) -> dict[str, Any]:
    """The article object: the article-typed one with the longest body, headline as tie-break."""
    articles = [obj for obj in objects if _types(obj) & _ARTICLE_TYPES]
    if not articles:
        articles = [obj for obj in objects if "headline" in obj or "datePublished" in obj]
    if not articles:
        return {}

    def score(obj: dict[str, Any]) -> tuple[int, int, int]:
        body = obj.get("articleBody")
        return (
            "videoobject" not in _types(obj),
            len(body) if isinstance(body, str) else 0,
            "headline" in obj,
        )

    return max(articles, key=score)


def _names(value: Any, depth: int = 0) -> list[str]:
    """Author names from a schema.org author value (str, Person, list, nested)."""
    if depth > 5 or value is None:
        return []
    if isinstance(value, str):
        return [] if value.startswith("http") else [unescape(value)]
    if isinstance(value, list):
        return [name for item in value for name in _names(item, depth + 1)]
    if isinstance(value, dict):
        name = value.get("name")
        if isinstance(name, str):
            return [unescape(name)]
        if isinstance(name, list):
            return [unescape(n) for n in name if isinstance(n, str)]
        given, family = value.get("givenName"), value.get("familyName")
        if isinstance(given, str) and isinstance(family, str):
            return [f"{given} {family}"]
    return []


def _text(value: Any) -> str:
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str)), "")
    if isinstance(value, dict):
        value = value.get("@id") or value.get("url") or value.get("name") or ""
    # JSON-LD is often filled from HTML-escaped CMS fields ("&ouml;", "&#8211;").
    return re.sub(r"\s+", " ", unescape(value)).strip() if isinstance(value, str) else ""


def _meta_map(tree: lxml.html.HtmlElement) -> dict[str, str]:
    """First non-empty content per lower-cased meta name/property/itemprop/http-equiv."""
    found: dict[str, str] = {}
    for meta in tree.iter("meta"):
        content = (meta.get("content") or "").strip()
        if not content:
            continue
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = (meta.get(attr) or "").strip().lower()
            if key and key not in found:
                found[key] = re.sub(r"\s+", " ", content)
    return found


def _first(mapping: dict[str, str], *keys: str) -> str:
    for key in keys:
        if mapping.get(key):
            return mapping[key]
    return ""


# --------------------------------------------------------------------------------------------
# Titles, language
# --------------------------------------------------------------------------------------------

_TITLE_SEPARATORS_RE = re.compile(r"\s+[|–—·•»:-]\s+|\s+[|]\s*")


_HOST_LIKE_RE = re.compile(r"^[\w.-]+\.(?:de|at|ch|com|net|org|eu|info|lu|li|it|be)$", re.IGNORECASE)


def _names_site(segment: str, site: str) -> bool:
    folded = segment.casefold().strip()
    return bool(folded) and (
        bool(site and (folded in site or site in folded)) or bool(_HOST_LIKE_RE.match(folded))
    )


def _clean_title(title: str, site_name: str) -> str:
    """Drop the " | Site" part and breadcrumb tails (" | iPhone | Forum") from <title>-like strings."""
    title = re.sub(r"\s+", " ", title).strip()
    site = site_name.casefold().strip()
    separators = list(_TITLE_SEPARATORS_RE.finditer(title))
    if separators:
        last, first = separators[-1], separators[0]
        if _names_site(title[last.end() :], site):
            title = title[: last.start()]
        elif _names_site(title[: first.start()], site):
            title = title[first.end() :]
    while True:
        head, separator, tail = title.rpartition(" | ")
        if not separator or len(tail.split()) > 2 or len(head.split()) < 3:
            break
        title = head
    return title.strip()


def _choose_title(og_title: str, headline: str, h1s: list[str], title_tag: str, fallback: str) -> str:
    """The headline without decoration: og:title (written for humans, without site suffix once
    cleaned); an <h1> contained in it is the same headline without site or date decoration, so it
    wins. A kicker is put back by ``_with_kicker``."""
    primary = og_title or headline
    h1s = [h1 for h1 in h1s if len(h1.split()) >= 2]
    if primary:
        folded = primary.casefold()
        for h1 in h1s:
            if h1.casefold() in folded and len(h1) < len(primary):
                return h1
        return primary
    return (h1s[0] if h1s else "") or title_tag or fallback


# A kicker (Dachzeile, Spitzmarke) set inside the headline element: <h1><span class="...kicker">.
_KICKER_CLASS_RE = re.compile(
    r"kicker|dachzeile|topline|overline|catchline|roofline|spitzmarke|supertitle|pretitle|eyebrow",
    re.IGNORECASE,
)
# "Kicker: Headline", "Kicker - Headline"; after the headline only a suffix (" | Site") may follow.
_KICKER_END_RE = re.compile(r"\s*(?::|\s[-–—])\s*$")
_AFTER_HEADLINE_RE = re.compile(r"\s*(?:$|[-–—|·›»:]\s)")
# Genre, rubric and section labels stand where kickers stand but are no part of the headline.
_LABEL_WORDS = """interview kommentar meinung analyse urteil exklusiv liveblog live video videos podcast
    gastbeitrag gastkommentar kolumne reportage porträt portrait essay glosse leitartikel rezension
    kritik test ticker newsblog newsticker liveticker eilmeldung update fotostrecke bildergalerie
    galerie quiz anzeige advertorial sponsored ratgeber service faktencheck news nachrichten
    pressemitteilung plus premium dossier hintergrund feature serie politik wirtschaft sport kultur
    panorama ausland inland lokales regional wissen digital reise auto gesundheit karriere leben
    international neu aktuell breaking"""
_NOT_KICKERS = frozenset(_LABEL_WORDS.split())


def _heading_text(node: lxml.html.HtmlElement) -> str:
    """Text of a headline element; a kicker inside it is joined as "Kicker: Headline"."""
    full = re.sub(r"\s+", " ", node.text_content()).strip()
    for child in node.iterdescendants():
        if isinstance(child.tag, str) and _KICKER_CLASS_RE.search(child.get("class") or ""):
            kicker = re.sub(r"\s+", " ", child.text_content()).strip().rstrip(":").strip()
            rest = full[len(kicker) :].lstrip(" :") if full.startswith(kicker) else ""
            if kicker and rest:
                return f"{kicker}: {rest}"
            break
    return full


def _kicker_of(headline: str, source: str, site: str) -> str:
    """The kicker that ``source`` ("Kicker: Headline | Site") puts before ``headline``, if any."""
    found = re.search(re.escape(headline), source, re.IGNORECASE)
    if not found or not found.start() or not _AFTER_HEADLINE_RE.match(source, found.end()):
        return ""
    prefix = source[: found.start()]
    separator = _KICKER_END_RE.search(prefix)
    kicker = prefix[: separator.start()].strip() if separator else ""
    if not kicker or len(kicker) > 70 or len(kicker.split()) > 8 or kicker[-1] in ".!?":
        return ""
    label = kicker.casefold() in _NOT_KICKERS or (kicker.isupper() and len(kicker) >= 6 and " " not in kicker)
    return "" if label or _names_site(kicker, site) else kicker


def _with_kicker(headline: str, sources: Iterable[str], site_name: str) -> str:
    """Headline with the kicker the outlet itself joins to it (og:title, <title> or the h1)."""
    if len(headline.split()) < 2:
        return headline
    site = site_name.casefold().strip()
    for source in sources:
        kicker = _kicker_of(headline, source, site) if source else ""
        if kicker:
            return f"{kicker}: {headline}"
    return headline


def _pick_title(
    tree: lxml.html.HtmlElement,
    meta: dict[str, str],
    jsonld: dict[str, Any],
    traf: dict[str, Any],
    site_name: str,
) -> tuple[str, list[str]]:
    """The title and the headline strings an extractor may have kept as the first paragraph."""
    nodes = tree.xpath("//h1")[:5]
    h1s = [re.sub(r"\s+", " ", node.text_content()).strip() for node in nodes]
    headings = [_heading_text(node) for node in nodes]
    og_title = _clean_title(_first(meta, "og:title"), site_name)
    twitter_title = _clean_title(_first(meta, "twitter:title"), site_name)
    title_tag = _clean_title(tree.findtext(".//title") or "", site_name)
    headline = _choose_title(
        og_title=og_title or twitter_title,
        headline=_text(jsonld.get("headline")),
        h1s=h1s,
        title_tag=title_tag,
        fallback=traf.get("title") or "",
    )
    title = _with_kicker(headline, [og_title, twitter_title, title_tag, *headings], site_name)
    return title, [headline, *h1s, *headings]


_STOPWORDS = {
    "de": {
        "der",
        "die",
        "das",
        "und",
        "ist",
        "nicht",
        "mit",
        "sich",
        "auf",
        "für",
        "ein",
        "eine",
        "dem",
        "den",
    },
    "en": {"the", "and", "is", "of", "to", "in", "that", "with", "for", "was", "on", "are", "this"},
    "fr": {"le", "la", "les", "et", "est", "des", "une", "dans", "pour", "pas", "que", "qui", "sur"},
}


def _guess_language(text: str) -> str:
    words = re.findall(r"\w+", text[:20_000].lower())
    if len(words) < 20:
        return ""
    scores = {lang: sum(word in stops for word in words) for lang, stops in _STOPWORDS.items()}
    best = max(scores, key=lambda lang: scores[lang])
    return best if scores[best] >= len(words) * 0.05 else ""


def _normalise_language(value: str) -> str:
    match = re.match(r"\s*([a-zA-Z]{2,3})(?:[-_][a-zA-Z]+)?", value or "")
    return match.group(1).lower() if match else ""


# --------------------------------------------------------------------------------------------
# Main text
# --------------------------------------------------------------------------------------------


# Screen-reader hints that CMSs put into link texts: "(öffnet im neuen Fenster)".
_LINK_HINT_RE = re.compile(
    r"\s*\((?:öffnet|opens) (?:sich )?(?:im|in) (?:einem )?(?:neuen|neuem|new) (?:Fenster|Tab|window|tab)\)"
)


def _paragraphs(text: str) -> str:
    """One paragraph per line from trafilatura -> paragraphs separated by blank lines."""
    text = _LINK_HINT_RE.sub("", text)
    lines = (re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.splitlines())
    return "\n\n".join(line for line in lines if line)


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip().casefold()


def _without_headline(text: str, headlines: list[str]) -> str:
    """Drop the headline that extractors keep as first paragraph; it is the ``title`` field.
    A kicker kept as a paragraph of its own before it ("Kicker", "Headline") goes with it."""
    first, _, rest = text.partition("\n\n")
    wanted = {_squash(headline) for headline in headlines if headline}
    if rest and _squash(first) in wanted:
        return rest
    second, _, after = rest.partition("\n\n")
    joined = _squash(f"{first.rstrip(': ')}: {second}")
    if after and joined in wanted:
        return after
    return text


_PROSE_END_RE = re.compile(r"[.!?:…\"“”»«')]$")


def _is_prose(line: str) -> bool:
    return len(line.split()) >= 10 and bool(_PROSE_END_RE.search(line.strip()))


def _with_teaser(text: str, description: str, tree: lxml.html.HtmlElement) -> str:
    """Prepend the teaser when the extractor missed it but the page shows it.

    Many CMSs render the lead (which is usually also the meta description) in a header block
    that trafilatura counts as boilerplate. It is only added when it is a full sentence and
    really visible in the body, not just in <meta>.
    """
    teaser = description.strip()
    if not _is_prose(teaser) or _squash(teaser)[:80] in _squash(text):
        return text
    body_text = " ".join(tree.xpath("//body//text()[not(ancestor::script) and not(ancestor::style)]"))
    if _squash(teaser) not in _squash(body_text):
        return text
    return f"{teaser}\n\n{text}"


def _fallback_text(tree: lxml.html.HtmlElement) -> str:
    """Paragraphs of the <article> (or body) when trafilatura returns nothing."""
    containers = tree.xpath("//article") or tree.xpath("//body") or [tree]
    container = max(containers, key=lambda node: len(node.text_content() or ""))
    paragraphs = []
    for node in container.iter("p", "h2", "h3"):
        content = re.sub(r"\s+", " ", node.text_content() or "").strip()
        if len(content) >= 40 or (node.tag != "p" and content):
            paragraphs.append(content)
    if not paragraphs:
        # Plain text served as HTML: take it if it reads like prose, not like binary junk.
        loose = re.sub(
            r"\s+", " ", " ".join(container.xpath(".//text()[not(ancestor::script)][not(ancestor::style)]"))
        )
        letters = sum(char.isalpha() or char.isspace() for char in loose)
        if len(loose) >= 200 and letters >= 0.85 * len(loose):
            paragraphs.append(loose.strip())
    return "\n\n".join(paragraphs)


def _trafilatura_pass(html: str, url: str | None, **options: Any) -> dict[str, Any]:
    import trafilatura

    document = trafilatura.bare_extraction(html, url=url, **_TRAFILATURA_OPTIONS, **options)
    if document is None:
        return {}
    return document.as_dict() if hasattr(document, "as_dict") else dict(document)


def _trafilatura_text(html: str, url: str | None, expected_chars: int = 0) -> tuple[str, dict[str, Any]]:
    """Main text by a cascade of trafilatura passes; returns (text, metadata of default pass).

    favor_precision drops teaser boxes and "read more" lists that the default keeps, but on some
    layouts it throws away most of the article; the default pass is the guard against that.
    favor_recall is only worth its boilerplate when the others found (almost) nothing, or far
    less than the publisher's own JSON-LD articleBody says the article has.
    """
    default = _trafilatura_pass(html, url, with_metadata=True)
    default_text = default.get("text") or ""
    if len(html) > _SINGLE_PASS_CHARS:
        return default_text, default
    precise_text = _trafilatura_pass(html, url, favor_precision=True).get("text") or ""
    text = precise_text if len(precise_text) >= _PRECISION_KEEP_RATIO * len(default_text) else default_text
    if len(text) < _SHORT_TEXT_CHARS or len(text) < 0.5 * expected_chars:
        recall_text = _trafilatura_pass(html, url, favor_recall=True).get("text") or ""
        if len(recall_text) > _RECALL_GAIN_RATIO * max(len(text), 1):
            text = recall_text
    return text, default


# --------------------------------------------------------------------------------------------
# Furniture at the edges of the text
# --------------------------------------------------------------------------------------------

# Short lines that say "watch", "read more" in English on a German page are furniture.
_OTHER_LANGUAGE_WORDS = frozenset(
    ["watch", "read", "more", "related", "listen", "share", "subscribe", "advertisement", "click", "here"]
    + ["follow", "full", "latest", "the", "and", "of", "to", "on", "for", "with", "this", "our", "your"]
    + ["now", "continue", "reading", "sign", "up", "download"]
)
_SHORT_LINE_WORDS = 6


def _script(char: str) -> str:
    """A letter's script, by the first word of its Unicode name (LATIN, CYRILLIC, CJK, ARABIC)."""
    code = ord(char)
    if code < 0x250 or 0x1E00 <= code < 0x1F00:
        return "LATIN"
    return unicodedata.name(char, "UNKNOWN").split(" ", 1)[0]


def _main_script(text: str) -> str:
    scripts = Counter(_script(char) for char in text[:20_000] if char.isalpha())
    return scripts.most_common(1)[0][0] if scripts else "LATIN"


def _is_edge_furniture(paragraph: str, script: str, german: bool) -> bool:
    """A line in another script than the article's (mostly), or a short line plainly in another
    language on a German page ("Watch:", "Read more")."""
    letters = [char for char in paragraph if char.isalpha()]
    if not letters:
        return False
    if 2 * sum(_script(char) != script for char in letters) >= len(letters):
        return True
    words = re.findall(r"[^\W\d_]+", paragraph.casefold())
    return (
        german
        and 0 < len(words) <= _SHORT_LINE_WORDS
        and not any(word in _STOPWORDS["de"] or re.search("[äöüß]", word) for word in words)
        and any(word in _OTHER_LANGUAGE_WORDS for word in words)
    )


def _without_edge_furniture(text: str, page_language: str) -> str:
    """Drop furniture lines at the start and end of the text ("Видео по теме", "Read more").

    Only the edges: a line in another script inside the article (a quoted name, a title in the
    original) is text. The article's script and language come from the text itself, so an
    English article on a German site keeps its English lines.
    """
    paragraphs = text.split("\n\n")
    script = _main_script(text)
    german = (_guess_language(text) or page_language) == "de"
    while len(paragraphs) > 1 and _is_edge_furniture(paragraphs[0], script, german):
        paragraphs.pop(0)
    while len(paragraphs) > 1 and _is_edge_furniture(paragraphs[-1], script, german):
        paragraphs.pop()
    return "\n\n".join(paragraphs)


def _clean_edges(text: str, headlines: list[str], page_language: str) -> str:
    """Text without furniture lines at its edges and without the repeated headline."""
    text = _without_edge_furniture(text, page_language)
    shorter = _without_headline(text, headlines)
    return _without_edge_furniture(shorter, page_language) if shorter != text else text


# --------------------------------------------------------------------------------------------
# Public entry point
# --------------------------------------------------------------------------------------------

_CONTROL_CHARS_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _sanitize(html: str) -> tuple[str, list[str]]:
    warnings = []
    if len(html) > MAX_HTML_CHARS:
        warnings.append(f"input truncated from {len(html)} to {MAX_HTML_CHARS} characters")
        html = html[:MAX_HTML_CHARS]
    # lxml rejects NUL and other control characters outright; binary junk contains plenty.
    cleaned = _CONTROL_CHARS_RE.sub("", html)
    if len(cleaned) < len(html) * 0.9:
        warnings.append("input contains many control characters; probably not HTML")
    # Surrogates (from lenient decoders) cannot be encoded by lxml.
    cleaned = cleaned.encode("utf-8", "replace").decode("utf-8")
    return cleaned, warnings


def _parse(html: str) -> lxml.html.HtmlElement | None:
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, recover=True, huge_tree=False)
    try:
        # Bytes with an explicit parser encoding: libxml2 rejects str input that carries an
        # encoding declaration, and without the hint it guesses Latin-1.
        root = lxml.html.document_fromstring(html.encode("utf-8"), parser=parser)
    except (etree.ParserError, ValueError):
        return None
    return root


def extract_document(html: str | bytes, url: str | None = None) -> ExtractedArticle:
    """Main text and metadata of a news article page. Never raises; errors go into ``error``."""
    try:
        if isinstance(html, bytes):
            html = decode_html(html, None)[0]
        if not isinstance(html, str):
            return ExtractedArticle(error=f"unsupported input type {type(html).__name__}")
        if not html.strip():
            return ExtractedArticle(error="empty document")
        return _extract(html, url)
    except Exception as exc:
        logger.warning("extraction failed for %s: %r", url, exc)
        return ExtractedArticle(error=f"extraction failed: {type(exc).__name__}: {exc}"[:500])


def _main_text(
    html: str, url: str | None, tree: lxml.html.HtmlElement, jsonld: dict[str, Any], warnings: list[str]
) -> tuple[str, dict[str, Any]]:
    """Main text (paragraphs separated by blank lines) and trafilatura's metadata."""
    body = jsonld.get("articleBody")
    body = body if isinstance(body, str) else ""
    try:
        text, traf = _trafilatura_text(html, url, len(body))
    except Exception as exc:
        warnings.append(f"trafilatura failed: {type(exc).__name__}")
        text, traf = "", {}
    text = _paragraphs(text)
    if not text:
        text = _paragraphs(body) or _fallback_text(tree)
        if text:
            warnings.append("trafilatura found no main text; used fallback")
    return text, traf


def _byline_sources(
    jsonld: dict[str, Any], meta: dict[str, str], traf: dict[str, Any], tree: lxml.html.HtmlElement
) -> list[list[str]]:
    """Raw author/byline strings per source, most reliable source first."""
    return [
        _names(jsonld.get("author")),
        [
            value
            for key in ("author", "article:author", "parsely-author", "dc.creator", "sailthru.author", "byl")
            if (value := meta.get(key)) and not value.startswith("http")
        ][:1],
        [traf["author"]] if traf.get("author") else [],
        _html_bylines(tree),
    ]


def _pick_authors(sources: list[list[str]]) -> list[str]:
    """Authors from the first source that yields a usable name."""
    for raw in sources:
        authors = clean_authors(raw)
        if authors:
            return authors
    return []


_PUBLISHED_META_KEYS = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "date",
    "dc.date.issued",
    "dc.date",
    "dcterms.date",
    "publish-date",
    "pubdate",
    "parsely-pub-date",
    "sailthru.date",
)


_MODIFIED_META_KEYS = ("article:modified_time", "og:updated_time", "last-modified", "datemodified")
# A timestamp the page states and what states it: "published", "modified" (metadata), "first
# time" (the page's first <time> element), "time" (the others).
_Stamp = tuple[datetime, str]
_STATES_UTC_RE = re.compile(r"Z$|[+-]00:?00\b|\b(?:GMT|UTC)\b")
# Two stamps this close name the same moment (one source drops the seconds).
_SAME_MOMENT = timedelta(seconds=60)
# "08.03.2016 | 15:30 Uhr", "04.02.2022 - 00:00", "07.11.2023 um 10:38": date and time of a line.
_DATE_TIME_JOINER_RE = re.compile(r"(\d{4})\s*(?:[|,·–-]|um)\s*(?=\d{1,2}[:.]\d{2})")


def _visible_stamp(value: str) -> datetime | None:
    """A German date (and time) as a page shows it: "Stand: 19.10.2019 11:05 Uhr"."""
    value = _DATE_TIME_JOINER_RE.sub(r"\1 ", " ".join(value.split()))
    return parse_timestamp(value, PAGE_DATES) if value else None


def _page_stamps(tree: lxml.html.HtmlElement, jsonld: dict[str, Any], meta: dict[str, str]) -> list[_Stamp]:
    """Every timestamp with a time of day the page states, and what states it: publication
    metadata, modification metadata, or a <time> element (its attribute and its text)."""
    published = [_text(jsonld.get(key)) for key in ("datePublished", "dateCreated")]
    published += [meta.get(key, "") for key in _PUBLISHED_META_KEYS]
    modified = [_text(jsonld.get("dateModified"))] + [meta.get(key, "") for key in _MODIFIED_META_KEYS]
    stamps = [(parse_timestamp(value, PAGE_DATES), "published") for value in published if value]
    stamps += [(parse_timestamp(value, PAGE_DATES), "modified") for value in modified if value]
    for index, node in enumerate(tree.iter("time")):
        kind = "time" if index else "first time"
        attribute = node.get("datetime") or ""
        stamps.append((parse_timestamp(attribute, PAGE_DATES), kind))
        # The text shows the attribute's moment; when that is in UTC, the text may be too
        # (pages rendered on a UTC server): it says nothing about the local offset then.
        if not _STATES_UTC_RE.search(attribute):
            stamps.append((_visible_stamp(node.text_content() or ""), kind))
        if len(stamps) > 60:
            break
    return [(stamp, kind) for stamp, kind in stamps if stamp and stamp.time() != time(0)]


def _in_page_offset(published: datetime, stamps: list[_Stamp]) -> datetime:
    """A UTC timestamp in the offset the page uses for local time.

    Metadata often states the moment in UTC ("Z") while the page shows local time; the local
    day is the article's day. The page's own offset comes from another stamp of the same moment;
    a publication stamp with the same wall-clock time means the UTC label was a slip ("11:45Z"
    beside a shown "11:45"); otherwise the page is read in Berlin time, as naive times are.
    """
    if published.utcoffset() != timedelta(0):
        return published
    for stamp, _kind in stamps:
        if stamp.utcoffset() and abs(stamp - published) <= _SAME_MOMENT:
            return published.astimezone(stamp.tzinfo)
    wall = published.replace(tzinfo=None, second=0, microsecond=0)
    for stamp, kind in stamps:
        if (
            kind != "modified"
            and stamp.utcoffset()
            and stamp.replace(tzinfo=None, second=0, microsecond=0) == wall
        ):
            return published.replace(tzinfo=stamp.tzinfo)
    return published.astimezone(PAGE_DATES.naive_tz)


def _time_on_day(day: date, tree: lxml.html.HtmlElement, stamps: list[_Stamp]) -> datetime | None:
    """A time of day for a page that gives its publication as a date only: a publication stamp
    of the metadata or of the page's first <time> element, or else the page's first visible
    date-time line ("Stand: 19.10.2019 11:05 Uhr"), if it names that very day. Only the first
    ones: later dates belong to teasers and comments."""
    for stamp, kind in stamps:
        local = _in_page_offset(stamp, stamps) if kind in ("published", "first time") else None
        if local and local.date() == day:
            return local
    for value in tree.xpath("//body//text()[not(ancestor::script)][not(ancestor::style)][not(ancestor::a)]"):
        stamp = _visible_stamp(value) if len(value) <= 80 and any(char.isdigit() for char in value) else None
        if stamp and stamp.time() != time(0):
            return stamp if stamp.date() == day else None
    return None


def _pick_published(
    tree: lxml.html.HtmlElement, jsonld: dict[str, Any], meta: dict[str, str], traf: dict[str, Any]
) -> tuple[datetime | None, bool]:
    """Publication time in the page's own offset, and whether the page gives only its date.

    Structured data first; trafilatura's (htmldate's) guess from the visible page last. A date
    without a time (or at midnight, which CMSs write for a date) stays that date, at local
    midnight and flagged, unless the page shows a time on that day.
    """
    for candidate in (
        _text(jsonld.get("datePublished")),
        _first(meta, *_PUBLISHED_META_KEYS),
        traf.get("date") or "",
    ):
        published = parse_timestamp(candidate, PAGE_DATES) if candidate else None
        if published:
            break
    else:
        return None, False
    stamps = _page_stamps(tree, jsonld, meta)
    if published.time() != time(0):
        return _in_page_offset(published, stamps), False
    timed = _time_on_day(published.date(), tree, stamps)
    if timed:
        return timed, False
    return datetime.combine(published.date(), time(0), tzinfo=PAGE_DATES.naive_tz), True


def _pick_canonical(
    tree: lxml.html.HtmlElement, meta: dict[str, str], jsonld: dict[str, Any], url: str | None
) -> str:
    links = tree.xpath('//link[@href][contains(concat(" ", normalize-space(@rel), " "), " canonical ")]')
    canonical = (
        (links[0].get("href", "").strip() if links else "")
        or meta.get("og:url", "")
        or _text(jsonld.get("mainEntityOfPage"))
        or _text(jsonld.get("url"))
    )
    if canonical and url:
        canonical = urljoin(url, canonical)
    if not urlsplit(canonical).scheme.lower().startswith("http"):
        canonical = ""  # relative without a base, or javascript:/data: junk
    return canonical or (url or "")


def _pick_site_name(meta: dict[str, str], jsonld: dict[str, Any], traf: dict[str, Any]) -> str:
    publisher = jsonld.get("publisher")
    publisher_name = _text(publisher.get("name")) if isinstance(publisher, dict) else ""
    return _first(meta, "og:site_name", "application-name") or publisher_name or (traf.get("sitename") or "")


def _pick_language(
    tree: lxml.html.HtmlElement, meta: dict[str, str], jsonld: dict[str, Any], text: str
) -> str:
    return (
        _normalise_language(tree.get("lang") or tree.get("xml:lang") or "")
        or _normalise_language(_text(jsonld.get("inLanguage")))
        or _normalise_language(_first(meta, "content-language", "og:locale", "language", "dc.language"))
        or _guess_language(text)
    )


def _extract(html: str, url: str | None) -> ExtractedArticle:
    html, warnings = _sanitize(html)
    tree = _parse(html)
    if tree is None:
        return ExtractedArticle(error="could not parse HTML", warnings=warnings)
    meta = _meta_map(tree)
    jsonld = _jsonld_article(_jsonld_objects(tree))
    text, traf = _main_text(html, url, tree, jsonld, warnings)
    description = (
        _first(meta, "og:description", "description", "twitter:description")
        or _text(jsonld.get("description"))
        or (traf.get("description") or "")
    )
    site_name = _pick_site_name(meta, jsonld, traf)
    title, headlines = _pick_title(tree, meta, jsonld, traf, site_name)
    if text:
        text = _clean_edges(text, [title, *headlines], _pick_language(tree, meta, jsonld, ""))
        text = _with_teaser(text, description, tree)
    bylines = _byline_sources(jsonld, meta, traf, tree)
    published, date_only = _pick_published(tree, jsonld, meta, traf)
    modified = parse_timestamp(
        _text(jsonld.get("dateModified"))
        or _first(meta, "article:modified_time", "og:updated_time", "last-modified"),
        PAGE_DATES,
    )
    return ExtractedArticle(
        title=title,
        authors=_pick_authors(bylines),
        published=published,
        published_date_only=date_only,
        modified=modified,
        language=_pick_language(tree, meta, jsonld, text),
        text=text,
        description=description,
        canonical_url=_pick_canonical(tree, meta, jsonld, url),
        site_name=site_name,
        # Every byline counts for agencies: trafilatura's author field drops "(dpa)" suffixes.
        wire_agencies=detect_wire_agencies(text, bylines=[raw for source in bylines for raw in source]),
        error=None if text else "no main text found",
        warnings=warnings,
    )


__all__ = [
    "ExtractedArticle",
    "canonicalize_url",
    "clean_authors",
    "detect_wire_agencies",
    "extract_document",
]
