"""Feed and sitemap parsing: RSS 0.9x/1.0/2.0, Atom (0.3 and 1.0), JSON Feed, sitemaps.

`parse_feed()` takes the raw bytes a fetch returned and never raises: problems end up in
`ParsedFeed.error` (nothing usable) or `ParsedFeed.warnings` (usable, but something was off).

Untrusted XML is parsed with a hardened lxml parser (no entity expansion, no network, no DTD,
no huge trees). Broken XML is retried in lxml's recovery mode, then once more after
BeautifulSoup has rebuilt it. The DOCTYPE is dropped before parsing: feeds never need one, and
it is the vehicle for entity-expansion and external-entity attacks.
"""

from __future__ import annotations

import enum
import html.entities
import json
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.html
from bs4 import BeautifulSoup
from lxml import etree

from ingest.decoding import BOMS, FEED_DATES, decode_feed, parse_content_type, parse_timestamp

MAX_DECOMPRESSED = 50 * 1024 * 1024  # the sitemap protocol's own limit for one file

NS_ATOM = "http://www.w3.org/2005/Atom"
NS_ATOM03 = "http://purl.org/atom/ns#"
NS_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
NS_RSS10 = "http://purl.org/rss/1.0/"
NS_RSS09 = "http://my.netscape.com/rdf/simple/0.9/"
NS_DC = "http://purl.org/dc/elements/1.1/"
NS_CONTENT = "http://purl.org/rss/1.0/modules/content/"
NS_NEWS = "http://www.google.com/schemas/sitemap-news/0.9"

# Element namespaces accepted for the core elements of each format. "" covers RSS 2.0 and
# documents parsed in recovery mode, where undeclared prefixes leave elements without one.
RSS_NS = ("", NS_RSS10, NS_RSS09)
ATOM_NS = (NS_ATOM, NS_ATOM03, "")
DC_NS = (NS_DC, "")
ANY_NS = None


class FeedKind(enum.StrEnum):
    RSS = "rss"  # RSS 0.91/0.92/2.0
    RDF = "rdf"  # RSS 0.90 and 1.0
    ATOM = "atom"
    JSON_FEED = "json_feed"
    SITEMAP = "sitemap"
    NEWS_SITEMAP = "news_sitemap"
    SITEMAP_INDEX = "sitemap_index"
    UNKNOWN = "unknown"


@dataclass
class FeedItem:
    url: str
    title: str | None = None
    published: datetime | None = None
    summary: str | None = None
    authors: list[str] = field(default_factory=list)
    guid: str | None = None


@dataclass
class ParsedFeed:
    kind: FeedKind = FeedKind.UNKNOWN
    title: str | None = None
    link: str | None = None
    items: list[FeedItem] = field(default_factory=list)
    child_sitemaps: list[str] = field(default_factory=list)
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    encoding: str | None = None  # the charset the body was decoded with
    # Feeds an HTML page announces with <link rel="alternate">: where the real feed may be.
    alternate_feeds: list[str] = field(default_factory=list)


class _Unusable(Exception):
    """Internal: ends parsing with ParsedFeed.error set to the message."""


def parse_feed(body: bytes, *, url: str, content_type: str | None = None) -> ParsedFeed:
    """Parse a feed, sitemap or sitemap index. Never raises; see ParsedFeed.error."""
    feed = ParsedFeed()
    try:
        _parse_into(feed, body, url, content_type)
    except _Unusable as e:
        feed.error = str(e)
    except Exception as e:
        # Input is hostile or broken by nature; a parser bug must not take a worker down.
        feed.error = f"could not parse feed ({type(e).__name__}: {e})"
    if feed.error:
        feed.items = []
    elif not feed.items and not feed.child_sitemaps:
        feed.warnings.append("feed has no items")
    return feed


def _parse_into(feed: ParsedFeed, body: bytes, url: str, content_type: str | None) -> None:
    media_type, header_charset = parse_content_type(content_type)
    if not body or not body.strip():
        raise _Unusable("empty body")
    if body[:2] == b"\x1f\x8b":
        body = _gunzip(body)
        feed.warnings.append("body was gzip-compressed (as sitemap.xml.gz files are)")
    _refuse_binary(body)
    # Sniff first: servers label XML feeds application/json and JSON feeds text/plain.
    first = body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    is_json = first in (b"{", b"[") or (first != b"<" and (media_type or "").endswith("json"))
    text, feed.encoding = decode_feed(
        body, header_charset=header_charset, warnings=feed.warnings, xml=not is_json
    )
    text = text.lstrip("\ufeff \t\r\n")
    if is_json:
        _parse_json_feed(feed, text, url)
        return
    if _HTML_START.match(text[:4096]):
        _refuse_html(feed, text, url)
    _parse_xml_feed(feed, text, url)


# --- bytes -----------------------------------------------------------------------------------


def _gunzip(body: bytes) -> bytes:
    d = zlib.decompressobj(32 + zlib.MAX_WBITS)
    try:
        out = d.decompress(body, MAX_DECOMPRESSED + 1)
    except zlib.error as e:
        raise _Unusable(f"gzip-compressed body is corrupt ({e})") from e
    if len(out) > MAX_DECOMPRESSED or d.unconsumed_tail:
        raise _Unusable("decompressed size exceeds 50 MB (compression bomb?)")
    return out


_MAGIC = [
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"RIFF", "RIFF media"),
    (b"ID3", "an MP3 file"),
    (b"\x00\x00\x00", "binary media"),
]
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 13))


def _refuse_binary(body: bytes) -> None:
    for magic, what in _MAGIC:
        if body.startswith(magic):
            raise _Unusable(f"binary content ({what}), not a feed")
    head = body[:4096]
    if any(head.startswith(bom) for bom, _ in BOMS) or head[:2] in (b"<\x00", b"\x00<"):
        return  # UTF-16/32 text legitimately contains NUL bytes
    controls = sum(head.count(bytes([b])) for b in _CONTROL_BYTES)
    if b"\x00" in head or controls > len(head) // 100:
        raise _Unusable("binary content, not a feed")


# --- HTML served as a feed -------------------------------------------------------------------

_HTML_START = re.compile(
    r"^(?:\s|<!--.*?-->|<\?xml[^>]*\?>)*<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>])",
    re.IGNORECASE | re.DOTALL,
)
_FEED_LINK_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/json",
)


def _refuse_html(feed: ParsedFeed, text: str, url: str) -> None:
    feed.alternate_feeds = _alternate_feeds(text, url)
    hint = (
        f" (the page links to feeds: {', '.join(feed.alternate_feeds[:3])})" if feed.alternate_feeds else ""
    )
    raise _Unusable(f"got an HTML page, not a feed{hint}")


def _alternate_feeds(text: str, url: str) -> list[str]:
    try:
        doc = lxml.html.document_fromstring(text[:500_000])
    except (etree.ParserError, ValueError):
        return []
    found: list[str] = []
    for link in doc.iter("link"):
        rels = (link.get("rel") or "").lower().split()
        if "alternate" in rels and (link.get("type") or "").lower() in _FEED_LINK_TYPES:
            href = _absolute(link.get("href"), url)
            if href and href not in found:
                found.append(href)
    return found


# --- XML -------------------------------------------------------------------------------------

_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
_PROLOG_NOISE = re.compile(r"<!--.*?-->|<\?.*?\?>|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>|\s+", re.DOTALL | re.I)
_LINK_TAG = re.compile(r"<(/?)link\b", re.IGNORECASE)
_TEMP_LINK_TAG = re.compile(r"<(/?)lagebild-link\b")
_XML_START = re.compile(r"<\?xml\b|<(?:rss|feed|rdf:RDF|RDF|urlset|sitemapindex|channel)\b")
_DOCTYPE = re.compile(r"<!DOCTYPE[^>\[]*(\[.*?\])?\s*>", re.IGNORECASE | re.DOTALL)
_ENTITY_REF = re.compile(r"&([A-Za-z][A-Za-z0-9]{1,31});")
_XML_ENTITIES = {"amp", "lt", "gt", "quot", "apos"}
_INVALID_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _replace_entities(text: str, warnings: list[str]) -> str:
    """HTML entities become character references; unknown ones are kept as literal text.

    RSS 0.91 and hand-written feeds use &auml; or &nbsp;, which XML does not define. Anything
    else (&xxe; from a dropped DOCTYPE) is escaped, so the strict parser still accepts the file.
    """
    unknown: set[str] = set()

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in _XML_ENTITIES:
            return match.group(0)
        chars = html.entities.html5.get(name + ";")
        if chars is None:
            unknown.add(name)
            return f"&amp;{name};"
        return "".join(f"&#{ord(c)};" for c in chars)

    text = _ENTITY_REF.sub(replace, text)
    if unknown:
        names = ", ".join(f"&{n};" for n in sorted(unknown)[:5])
        warnings.append(f"undefined entities kept as text: {names}")
    return text


def _prepare_xml(text: str, warnings: list[str]) -> bytes:
    """Make the text acceptable to a strict, hardened XML parser without changing its meaning."""
    start = _XML_START.search(text, 0, 65536)
    if start and start.start() > 0 and _PROLOG_NOISE.sub("", text[: start.start()]):
        # PHP notices or stray output before the XML are a classic CMS failure.
        warnings.append(f"dropped {start.start()} characters of junk before the XML")
        text = text[start.start() :]
    text = _XML_DECL.sub("", text, count=1)  # we decoded already; the parser gets UTF-8
    doctype = _DOCTYPE.search(text[:65536])
    if doctype:
        if doctype.group(1):
            warnings.append("DOCTYPE with internal subset (entity declarations) ignored")
        text = text[: doctype.start()] + text[doctype.end() :]
    # RSS 0.91 and hand-written feeds use HTML entities (&auml;, &nbsp;) XML does not define.
    text = _replace_entities(text, warnings)
    if _INVALID_XML_CHARS.search(text):
        warnings.append("control characters not allowed in XML were removed")
        text = _INVALID_XML_CHARS.sub("", text)
    return text.encode("utf-8")


def _xml_parser(recover: bool) -> etree.XMLParser:
    # A fresh parser per call: lxml parser objects must not be shared between threads.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
        recover=recover,
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
        encoding="utf-8",
    )


def _parse_xml_feed(feed: ParsedFeed, text: str, url: str) -> None:
    """Strict parse; if the XML is broken, lxml's recovery mode, then a BeautifulSoup rebuild.

    lxml's recovery loses everything after a broken start tag (<rss version=2.0>), where
    Python's forgiving html.parser (through BeautifulSoup) keeps the structure; so the rebuild
    is also tried when recovery produced a document without items.
    """
    data = _prepare_xml(text, feed.warnings)
    try:
        root = etree.fromstring(data, parser=_xml_parser(recover=False), base_url=url)
    except etree.XMLSyntaxError as e:
        problem = _short_xml_error(e)
    else:
        _dispatch(feed, root, url, text)
        return

    attempts = [
        ("parsed in recovery mode, items may be missing", lambda: _parse_leniently(data, url)),
        (
            "repaired with BeautifulSoup, items may be missing",
            lambda: _parse_leniently(_soup_rebuild(data), url),
        ),
    ]
    fallback: ParsedFeed | None = None
    refusal: _Unusable | None = None
    for note, make_root in attempts:
        root = make_root()
        if root is None:
            continue
        candidate = ParsedFeed(
            encoding=feed.encoding, warnings=[f"XML is not well-formed ({problem}); {note}"]
        )
        try:
            _dispatch(candidate, root, url, text)
        except _Unusable as e:
            refusal = refusal or e
            continue
        if candidate.items or candidate.child_sitemaps:
            fallback = candidate
            break
        fallback = fallback or candidate
    if fallback is None:
        if refusal is None:
            raise _Unusable(f"not well-formed XML and not repairable ({problem})")
        if str(refusal).startswith("got an HTML page"):
            raise refusal
        raise _Unusable(f"not well-formed XML ({problem}); after repair: {refusal}")
    warnings = feed.warnings + fallback.warnings
    feed.__dict__.update(fallback.__dict__)
    feed.warnings = warnings


def _soup_rebuild(data: bytes) -> bytes:
    # html.parser treats <link> as an empty HTML element and would orphan RSS <link>URL</link>
    # text, so the tag is renamed around the round trip.
    text = _LINK_TAG.sub(r"<\1lagebild-link", data.decode("utf-8"))
    try:
        rebuilt = str(BeautifulSoup(text, "html.parser"))
    except Exception:
        return b""
    return _TEMP_LINK_TAG.sub(r"<\1link", rebuilt).encode("utf-8")


def _parse_leniently(data: bytes, url: str) -> etree._Element | None:
    if not data.strip():
        return None
    try:
        return etree.fromstring(data, parser=_xml_parser(recover=True), base_url=url)
    except etree.XMLSyntaxError:
        return None


def _short_xml_error(e: etree.XMLSyntaxError) -> str:
    return str(e.msg or e).split("\n")[0]  # lxml's message already names line and column


# --- element helpers -------------------------------------------------------------------------


def _local(el: Any) -> str:
    tag = el.tag
    if not isinstance(tag, str):
        return ""  # comments, processing instructions, entities
    if tag.startswith("{"):
        return tag.rsplit("}", 1)[1]
    return tag.rsplit(":", 1)[-1]  # "dc:date" left unresolved in recovery mode


def _ns(el: Any) -> str:
    tag = el.tag
    return tag[1:].split("}", 1)[0] if isinstance(tag, str) and tag.startswith("{") else ""


def _kids(el: Any, name: str, nss: tuple[str, ...] | None = ANY_NS) -> Iterator[Any]:
    # Case-insensitive: <pubdate> is common, and the BeautifulSoup repair lower-cases names.
    name = name.lower()
    for child in el:
        if _local(child).lower() == name and (nss is None or _ns(child) in nss):
            yield child


def _kid(el: Any, name: str, nss: tuple[str, ...] | None = ANY_NS) -> Any | None:
    return next(_kids(el, name, nss), None)


def _raw_text(el: Any | None) -> str | None:
    if el is None:
        return None
    text = "".join(el.itertext()).strip()
    return text or None


def _kid_text(el: Any, name: str, nss: tuple[str, ...] | None = ANY_NS) -> str | None:
    for child in _kids(el, name, nss):
        text = _raw_text(child)
        if text:
            return text
    return None


def _absolute(href: str | None, base: str) -> str | None:
    if not href:
        return None
    href = "".join(href.split())  # line breaks and indentation inside <link> are common
    try:
        absolute = urljoin(base, href)
        parts = urlsplit(absolute)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return absolute


def _absolute_only(value: str | None) -> str | None:
    """An id/guid used as a link only if it already is an absolute http(s) URL.

    Many feeds omit isPermaLink="false" on numeric guids; resolving "12345" against the feed
    URL would invent article URLs.
    """
    if not value or not value.strip().lower().startswith(("http://", "https://")):
        return None
    return _absolute(value, "")


_BLOCK_END = re.compile(r"<(?:br|/p|/div|/li|/h[1-6]|/tr|/td|/blockquote|/dd|/dt)\b[^>]*>", re.IGNORECASE)
_SCRIPT_STYLE = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)


def html_to_text(value: str | None) -> str | None:
    """Plain text from an HTML fragment (feed descriptions, Atom html titles)."""
    if not value:
        return None
    if "<" in value or "&" in value:
        value = _BLOCK_END.sub(" ", _SCRIPT_STYLE.sub(" ", value))
        try:
            value = lxml.html.fragment_fromstring(value, create_parent="div").text_content()
        except (etree.ParserError, ValueError):
            value = BeautifulSoup(value, "html.parser").get_text(" ")
    value = " ".join(value.split())
    return value or None


# --- dates -----------------------------------------------------------------------------------


def parse_feed_date(value: str | None) -> datetime | None:
    """A feed's timestamp (RFC 822, also with German names; ISO 8601; DD.MM.YYYY [HH:MM]).

    Naive ones are UTC (the RSS and Atom norm); see ingest.decoding.FEED_DATES.
    """
    return parse_timestamp(value, FEED_DATES)


def _first_date(el: Any, candidates: list[tuple[str, tuple[str, ...] | None]]) -> datetime | None:
    for name, nss in candidates:
        for child in _kids(el, name, nss):
            parsed = parse_feed_date(_raw_text(child))
            if parsed is not None:
                return parsed
    return None


# --- format dispatch -------------------------------------------------------------------------


def _dispatch(feed: ParsedFeed, root: Any, url: str, text: str) -> None:
    name = _local(root)
    kind = name.lower()
    if kind == "rss" or (kind == "channel" and _ns(root) == ""):
        feed.kind = FeedKind.RSS
        channel = root if kind == "channel" else _kid(root, "channel")
        if channel is None:
            raise _Unusable("RSS document without <channel>")
        _parse_rss(feed, channel, channel, url)
    elif kind == "rdf":
        feed.kind = FeedKind.RDF
        channel = _kid(root, "channel")
        # RSS 0.9/1.0 keep items next to the channel; some producers nest them inside.
        _parse_rss(feed, channel if channel is not None else root, root, url)
        if not feed.items and channel is not None:
            _parse_rss(feed, channel, channel, url)
    elif kind == "feed":
        feed.kind = FeedKind.ATOM
        _parse_atom(feed, root, url)
    elif kind == "urlset":
        _parse_urlset(feed, root, url)
    elif kind == "sitemapindex":
        feed.kind = FeedKind.SITEMAP_INDEX
        _parse_sitemap_index(feed, root, url)
    elif kind == "html":
        _refuse_html(feed, text, url)
    else:
        raise _Unusable(f"not a feed or sitemap: XML root element <{name or '?'}>")


# --- RSS -------------------------------------------------------------------------------------

_RSS_DATES: list[tuple[str, tuple[str, ...] | None]] = [
    ("pubDate", RSS_NS),
    ("date", DC_NS),
    ("published", ATOM_NS),
    ("updated", ATOM_NS),
    ("issued", DC_NS),
    ("modified", DC_NS),
]
_AUTHOR_IN_PARENS = re.compile(r"^\S+@\S+\s*\((.+)\)$")  # RSS 2.0 "mail@example.org (Name)"


def _parse_rss(feed: ParsedFeed, channel: Any, item_parent: Any, url: str) -> None:
    feed.title = html_to_text(_kid_text(channel, "title", RSS_NS))
    feed.link = _absolute(_kid_text(channel, "link", RSS_NS), url) or _atom_link(channel, url)
    base = feed.link or url
    skipped = 0
    for el in _kids(item_parent, "item", RSS_NS):
        item = _rss_item(el, base)
        if item is None:
            skipped += 1
        else:
            feed.items.append(item)
    if skipped:
        feed.warnings.append(f"skipped {skipped} item(s) without a usable link")


def _rss_item(el: Any, base: str) -> FeedItem | None:
    guid_el = _kid(el, "guid", RSS_NS)
    guid = _raw_text(guid_el)
    link = _absolute(_kid_text(el, "link", RSS_NS), base) or _atom_link(el, base)
    if link is None and guid and (guid_el.get("isPermaLink") or "true").lower() != "false":
        link = _absolute_only(guid)
    if link is None:
        link = _absolute(el.get(f"{{{NS_RDF}}}about"), base)
    if link is None:
        enclosure = _kid(el, "enclosure", RSS_NS)
        link = _absolute(enclosure.get("url"), base) if enclosure is not None else None
    if link is None:
        return None
    summary = _kid_text(el, "description", RSS_NS) or _kid_text(el, "encoded", (NS_CONTENT,))
    authors = [
        *(_raw_text(a) for a in _kids(el, "author", RSS_NS)),
        *(_raw_text(a) for a in _kids(el, "creator", DC_NS)),
        *(_raw_text(a) for a in _kids(el, "author") if "itunes" in _ns(a).lower()),
    ]
    return FeedItem(
        url=link,
        title=html_to_text(_kid_text(el, "title", RSS_NS)),
        published=_first_date(el, _RSS_DATES),
        summary=html_to_text(summary),
        authors=_clean_authors(authors),
        guid=guid or link,
    )


def _clean_authors(names: list[str | None]) -> list[str]:
    result: list[str] = []
    for name in names:
        name = html_to_text(name)
        if not name:
            continue
        m = _AUTHOR_IN_PARENS.match(name)
        name = m.group(1).strip() if m else name
        if name not in result:
            result.append(name)
    return result


def _atom_link(el: Any, base: str) -> str | None:
    """The alternate link among Atom <link href> children (Atom feeds, atom:link in RSS)."""
    fallback = None
    for link in _kids(el, "link"):
        href = link.get("href")
        if not href:
            continue
        rel = (link.get("rel") or "alternate").lower()
        resolved = _absolute(href, link.base or base)
        if rel == "alternate" and resolved:
            return resolved
        if fallback is None and rel not in ("self", "hub", "enclosure", "replies", "edit"):
            fallback = resolved
    return fallback


# --- Atom ------------------------------------------------------------------------------------

_ATOM_DATES: list[tuple[str, tuple[str, ...] | None]] = [
    ("published", ATOM_NS),
    ("issued", ATOM_NS),  # Atom 0.3
    ("updated", ATOM_NS),
    ("modified", ATOM_NS),  # Atom 0.3
    ("date", DC_NS),
]


def _atom_text(el: Any | None) -> str | None:
    """Atom text construct: type text, html (escaped markup) or xhtml (inline markup)."""
    if el is None:
        return None
    kind = (el.get("type") or "text").lower()
    if kind == "xhtml" or kind.endswith("xml"):
        return _squash(" ".join(el.itertext()))
    if kind in ("html", "text/html"):
        return html_to_text(_raw_text(el))
    return _squash(_raw_text(el))  # type="text": markup-looking characters are literal


def _squash(text: str | None) -> str | None:
    return " ".join(text.split()) or None if text else None


def _parse_atom(feed: ParsedFeed, root: Any, url: str) -> None:
    feed.title = _atom_text(_kid(root, "title", ATOM_NS))
    feed.link = _atom_link(root, root.base or url)
    feed_authors = [_kid_text(a, "name", ATOM_NS) for a in _kids(root, "author", ATOM_NS)]
    skipped = 0
    for entry in _kids(root, "entry", ATOM_NS):
        base = entry.base or url
        link = _atom_link(entry, base)
        guid = _kid_text(entry, "id", ATOM_NS)
        if link is None:
            link = _absolute_only(guid)
        if link is None:
            skipped += 1
            continue
        authors = [_kid_text(a, "name", ATOM_NS) for a in _kids(entry, "author", ATOM_NS)]
        summary = _kid(entry, "summary", ATOM_NS)
        if summary is None:
            summary = _kid(entry, "content", ATOM_NS)
        feed.items.append(
            FeedItem(
                url=link,
                title=_atom_text(_kid(entry, "title", ATOM_NS)),
                published=_first_date(entry, _ATOM_DATES),
                summary=_atom_text(summary),
                # Atom: entries without an author inherit the feed's.
                authors=_clean_authors(authors or feed_authors),
                guid=guid or link,
            )
        )
    if skipped:
        feed.warnings.append(f"skipped {skipped} entry(ies) without a usable link")


# --- sitemaps --------------------------------------------------------------------------------


def _parse_urlset(feed: ParsedFeed, root: Any, url: str) -> None:
    feed.kind = FeedKind.SITEMAP
    skipped = 0
    for el in _kids(root, "url"):
        loc = _absolute(_kid_text(el, "loc"), url)
        if loc is None:
            skipped += 1
            continue
        item = FeedItem(url=loc, guid=loc, published=parse_feed_date(_kid_text(el, "lastmod")))
        news = _kid(el, "news", (NS_NEWS, ""))
        if news is not None:
            feed.kind = FeedKind.NEWS_SITEMAP
            item.title = html_to_text(_kid_text(news, "title"))
            item.published = parse_feed_date(_kid_text(news, "publication_date")) or item.published
        feed.items.append(item)
    if skipped:
        feed.warnings.append(f"skipped {skipped} sitemap entry(ies) without a usable <loc>")


def _parse_sitemap_index(feed: ParsedFeed, root: Any, url: str) -> None:
    for el in _kids(root, "sitemap"):
        loc = _absolute(_kid_text(el, "loc"), url)
        if loc and loc not in feed.child_sitemaps:
            feed.child_sitemaps.append(loc)


# --- JSON Feed -------------------------------------------------------------------------------


def _parse_json_feed(feed: ParsedFeed, text: str, url: str) -> None:
    feed.kind = FeedKind.JSON_FEED
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as e:
        raise _Unusable(f"invalid JSON ({e})") from e
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise _Unusable("JSON document is not a JSON Feed (no 'items' list)")
    version = data.get("version")
    if not (isinstance(version, str) and version.startswith("https://jsonfeed.org/version/")):
        feed.warnings.append(f"unexpected JSON Feed version {version!r}")
    feed.title = _json_str(data.get("title"))
    base = _absolute(_json_str(data.get("feed_url")), url) or url
    feed.link = _absolute(_json_str(data.get("home_page_url")), base)
    feed_authors = _json_authors(data)
    skipped = 0
    for entry in data["items"]:
        if not isinstance(entry, dict):
            skipped += 1
            continue
        guid = _json_str(entry.get("id"))
        link = (
            _absolute(_json_str(entry.get("url")), base)
            or _absolute(_json_str(entry.get("external_url")), base)
            or _absolute_only(guid)
        )
        if link is None:
            skipped += 1
            continue
        summary = _json_str(entry.get("summary")) or _json_str(entry.get("content_text"))
        feed.items.append(
            FeedItem(
                url=link,
                title=html_to_text(_json_str(entry.get("title"))),
                published=parse_feed_date(_json_str(entry.get("date_published")))
                or parse_feed_date(_json_str(entry.get("date_modified"))),
                summary=html_to_text(summary or _json_str(entry.get("content_html"))),
                authors=_clean_authors(_json_authors(entry) or feed_authors),
                guid=guid or link,
            )
        )
    if skipped:
        feed.warnings.append(f"skipped {skipped} item(s) without a usable url")


def _json_str(value: Any) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)  # ids are sometimes numbers
    return None


def _json_authors(obj: dict[str, Any]) -> list[str | None]:
    authors = obj.get("authors")  # 1.1
    if not isinstance(authors, list):
        authors = [obj.get("author")]  # 1.0
    return [_json_str(a.get("name")) for a in authors if isinstance(a, dict)]
