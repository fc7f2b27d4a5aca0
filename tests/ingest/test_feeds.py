"""ingest.feeds: the shared feed corpus and hostile input, served by a local HTTP server."""

from __future__ import annotations

import gzip
import html
import json
import random
import time
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from ingest.feeds import FeedKind, ParsedFeed, html_to_text, parse_feed, parse_feed_date
from ingest.http import FEED_TYPES, FetchConfig, RobotsCache, fetch
from tests.ingest.httpserver import LocalServer

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "feeds"
MANIFEST = CORPUS / "manifest.json"
CONFIG = FetchConfig(
    allow_private_hosts=frozenset({"127.0.0.1"}),
    allowed_content_types=FEED_TYPES,
    respect_robots=False,
    connect_timeout=1.0,
    read_timeout=1.0,
    total_timeout=5.0,
)
CONTENT_TYPES = {
    "RSS 2.0": "application/rss+xml",
    "RSS 1.0 (RDF)": "application/rdf+xml",
    "RSS 0.9 (RDF)": "application/rdf+xml",
    "Atom 1.0": "application/atom+xml",
    "JSON Feed 1": "application/feed+json",
}
KINDS = {
    "RSS 2.0": FeedKind.RSS,
    "RSS 1.0 (RDF)": FeedKind.RDF,
    "RSS 0.9 (RDF)": FeedKind.RDF,
    "Atom 1.0": FeedKind.ATOM,
    "JSON Feed 1": FeedKind.JSON_FEED,
}


def _corpus_entries() -> list[dict]:
    if not MANIFEST.exists():
        return []
    return json.loads(MANIFEST.read_text(encoding="utf-8"))["feeds"]


def serve_and_parse(
    server: LocalServer,
    body: bytes,
    content_type: str | None = "application/rss+xml",
    *,
    path: str = "/feed",
    headers: dict[str, str] | None = None,
) -> ParsedFeed:
    server.add(path, body=body, content_type=content_type, headers=headers)
    result = fetch(server.url(path), config=CONFIG)
    assert result.ok, result.error
    return parse_feed(result.body, url=result.url, content_type=result.headers.get("content-type"))


# --- the shared corpus -----------------------------------------------------------------------


@pytest.mark.skipif(not MANIFEST.exists(), reason=f"feed corpus not available ({CORPUS} is missing)")
@pytest.mark.parametrize("gzipped", [False, True], ids=["plain", "gzip"])
@pytest.mark.parametrize("entry", _corpus_entries(), ids=lambda e: e["id"])
def test_corpus_feed_is_fetched_and_parsed(server: LocalServer, entry: dict, gzipped: bool) -> None:
    raw = (CORPUS / entry["file"]).read_bytes()
    path = "/" + entry["file"]
    headers = {"ETag": '"corpus"'}
    if gzipped:
        headers["Content-Encoding"] = "gzip"
    server.add(
        path,
        body=gzip.compress(raw) if gzipped else raw,
        content_type=CONTENT_TYPES[entry["format"]],
        headers=headers,
    )

    # Through the whole polite path, robots.txt included (the server has none: 404, allowed).
    result = fetch(server.url(path), config=replace(CONFIG, respect_robots=True), robots=RobotsCache())
    assert result.ok, result.error
    assert result.body == raw
    assert result.etag == '"corpus"'

    feed = parse_feed(result.body, url=result.url, content_type=result.headers["content-type"])
    assert feed.error is None
    assert feed.kind == KINDS[entry["format"]]
    assert feed.title == html.unescape(entry["feed_title"])
    assert len(feed.items) == entry["items"]
    for item in feed.items:
        assert item.url.startswith(("http://", "https://"))
        assert item.title
        assert item.guid
    if entry["item_date_range"]:
        # The manifest's range is by each date's own offset; allow a day for zone shifts.
        low, high = (date.fromisoformat(d) for d in entry["item_date_range"])
        for item in feed.items:
            assert item.published is not None and item.published.tzinfo is not None
            assert low - timedelta(days=1) <= item.published.date() <= high + timedelta(days=1)
    if entry["language"] == "de":
        text = " ".join(f"{i.title} {i.summary or ''}" for i in feed.items) + (feed.title or "")
        assert "Ã" not in text and "\ufffd" not in text  # no mojibake
        assert any(ch in text for ch in "äöüÄÖÜß")


@pytest.mark.skipif(not MANIFEST.exists(), reason=f"feed corpus not available ({CORPUS} is missing)")
def test_corpus_details() -> None:
    def parse(name: str) -> ParsedFeed:
        return parse_feed((CORPUS / name).read_bytes(), url="http://example.org/feed")

    dradio = parse("de-dradio-kommentar-2012-06.xml")  # genuinely ISO-8859-1
    assert dradio.encoding == "iso8859-1"
    assert dradio.items[0].title == "Kommentar: Russland verschärft Versammlungsrecht"
    spiegel = parse("de-spiegel-schlagzeilen-2015-03.xml")  # declares ISO-8859-1, bytes are UTF-8
    assert spiegel.encoding == "utf-8"
    assert "body is labelled iso8859-1 but is valid UTF-8; decoded as UTF-8" in spiegel.warnings
    assert spiegel.items[0].published == datetime(2015, 3, 31, 17, 14, 1, tzinfo=timezone(timedelta(hours=2)))
    heise = parse("de-heise-news-atom-2019-04.atom")
    assert heise.link == "https://www.heise.de/"
    assert heise.items[0].authors == ["heise online"]  # inherited from the feed
    npr = parse("en-npr-technology-jsonfeed-2021.json")
    assert npr.link and npr.link.startswith("https://www.npr.org/sections/technology/")
    assert npr.items[0].published == datetime(2021, 10, 29, 10, 26, tzinfo=timezone(timedelta(hours=-4)))


# --- broken and hostile input ----------------------------------------------------------------

RSS_ISO = (
    '<?xml version="1.0" encoding="ISO-8859-1"?>\n'
    '<rss version="2.0"><channel><title>Nachrichten für Köln</title><link>https://koeln.example/</link>'
    "<item><title>Straßenbahn fährt wieder über die Brücke</title><link>/artikel/1</link>"
    "<description>&lt;p&gt;Größere Verspätungen&lt;/p&gt;</description>"
    "<pubDate>Di, 31 Mär 2015 17:20:19 MESZ</pubDate></item></channel></rss>"
)


def test_malformed_xml_is_recovered_with_a_warning(server: LocalServer) -> None:
    truncated = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
        b"<item><title>A</title><link>https://a.example/1</link></item>"
        b"<item><title>B</title><link>https://a.example/2</li"
    )
    feed = serve_and_parse(server, truncated)
    assert feed.error is None
    assert [i.url for i in feed.items][:1] == ["https://a.example/1"]
    assert any(w.startswith("XML is not well-formed") for w in feed.warnings)


@pytest.mark.parametrize(
    "body",
    [
        # Unquoted attribute: lxml's recovery drops the whole channel.
        b"<rss version=2.0><channel><title>Kurier</title><item><title>A</title>"
        b"<link>https://a.example/1</link><pubdate>Tue, 31 Mar 2015 17:20:19 +0200</pubdate>"
        b"<dc:creator>Max Muster</dc:creator></item></channel></rss>",
        # Unclosed inline tag in a title swallows the rest in lxml's recovery.
        b'<rss version="2.0"><channel><title>Kurier <b>neu</title><item><title>A</title>'
        b"<link>https://a.example/1</link><pubDate>Tue, 31 Mar 2015 17:20:19 +0200</pubDate>"
        b"<dc:creator>Max Muster</dc:creator></item></channel></rss>",
    ],
)
def test_broken_tags_are_repaired_with_beautifulsoup(body: bytes) -> None:
    feed = parse_feed(body, url="https://a.example/feed")
    assert feed.error is None
    assert feed.title in ("Kurier", "Kurier neu")
    (item,) = feed.items
    assert (item.url, item.title, item.authors) == ("https://a.example/1", "A", ["Max Muster"])
    assert item.published == datetime(2015, 3, 31, 15, 20, 19, tzinfo=UTC)
    assert any("repaired with BeautifulSoup" in w for w in feed.warnings)


def test_broken_beyond_repair() -> None:
    feed = parse_feed(b"<rss<channel><item><link>https://a.example/1</link></item>", url="https://a.example/")
    assert feed.error is not None
    assert feed.error.startswith("not well-formed XML (")
    assert feed.error.endswith("after repair: RSS document without <channel>")


def test_garbage_is_reported_as_not_xml(server: LocalServer) -> None:
    feed = serve_and_parse(server, b"this is <<<< not >> xml & at all")
    assert feed.error is not None
    assert feed.error.startswith("not well-formed XML and not repairable")
    assert feed.items == []


def test_junk_before_the_xml_is_dropped(server: LocalServer) -> None:
    body = b"<br />\n<b>Warning</b>: Undefined variable $x in feed.php<br />\n" + RSS_ISO.encode("latin-1")
    feed = serve_and_parse(server, body)
    assert feed.error is None
    assert feed.items[0].title == "Straßenbahn fährt wieder über die Brücke"
    assert any("junk before the XML" in w for w in feed.warnings)


@pytest.mark.parametrize("content_type", ["application/rss+xml", "text/html; charset=utf-8"])
def test_an_html_page_served_as_a_feed(server: LocalServer, content_type: str) -> None:
    page = (
        b"<!DOCTYPE html>\n<html lang='de'><head><title>Startseite</title>"
        b'<link rel="alternate" type="application/rss+xml" title="RSS" href="/rss/alles.xml">'
        b"</head><body><h1>Willkommen</h1></body></html>"
    )
    feed = serve_and_parse(server, page, content_type)
    assert (
        feed.error
        == f"got an HTML page, not a feed (the page links to feeds: {server.url('/rss/alles.xml')})"
    )
    assert feed.alternate_feeds == [server.url("/rss/alles.xml")]
    assert feed.items == []


def test_an_xhtml_page_is_recognised_after_parsing(server: LocalServer) -> None:
    xhtml = b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body><p>x</p></body></html>'
    assert serve_and_parse(server, xhtml, "application/xml").error == "got an HTML page, not a feed"


@pytest.mark.parametrize("body", [b"", b"   \r\n\t "])
def test_an_empty_body(server: LocalServer, body: bytes) -> None:
    assert serve_and_parse(server, body).error == "empty body"


def test_binary_content(server: LocalServer) -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
    assert (
        serve_and_parse(server, png, "application/octet-stream").error
        == "binary content (a PNG image), not a feed"
    )
    noise = random.Random(7).randbytes(4096)
    assert serve_and_parse(server, noise, "application/octet-stream").error == "binary content, not a feed"


def test_an_image_content_type_is_refused_by_the_fetcher(server: LocalServer) -> None:
    server.add("/feed", body=b"\x89PNG\r\n", content_type="image/png")
    assert fetch(server.url("/feed"), config=CONFIG).error == "content type image/png not accepted"


# --- encodings -------------------------------------------------------------------------------


def _assert_umlauts(feed: ParsedFeed) -> None:
    assert feed.error is None
    assert feed.title == "Nachrichten für Köln"
    item = feed.items[0]
    assert item.title == "Straßenbahn fährt wieder über die Brücke"
    assert item.summary == "Größere Verspätungen"
    assert item.url == "https://koeln.example/artikel/1"


RSS_ISO_UNDECLARED = RSS_ISO.split("\n", 1)[1]  # without the XML declaration


@pytest.mark.parametrize(
    ("body", "content_type", "encoding", "warning"),
    [
        # Header says UTF-8, the declaration says ISO-8859-1, the bytes are ISO-8859-1.
        (
            RSS_ISO.encode("latin-1"),
            "application/rss+xml; charset=utf-8",
            "iso8859-1",
            "charset conflict: Content-Type says utf-8",
        ),
        (
            RSS_ISO_UNDECLARED.encode("latin-1"),
            "application/rss+xml",
            "cp1252",
            "no charset given and body is not valid UTF-8; decoded as cp1252",
        ),
        (RSS_ISO_UNDECLARED.encode("latin-1"), "text/xml; charset=ISO-8859-1", "iso8859-1", None),
        (
            RSS_ISO.replace("ISO-8859-1", "UTF-8").encode("latin-1"),
            "application/rss+xml",
            "cp1252",
            "body is not valid utf-8; decoded as cp1252",
        ),
        # UTF-8 behind a server default of ISO-8859-1.
        (
            RSS_ISO_UNDECLARED.encode("utf-8"),
            "text/xml; charset=ISO-8859-1",
            "utf-8",
            "body is labelled iso8859-1 but is valid UTF-8",
        ),
    ],
    ids=["wrong-header", "no-charset", "header-only", "declared-utf8", "utf8-behind-latin1-default"],
)
def test_latin1_and_utf8_feeds_keep_their_umlauts(
    server: LocalServer, body: bytes, content_type: str, encoding: str, warning: str | None
) -> None:
    feed = serve_and_parse(server, body, content_type)
    _assert_umlauts(feed)
    assert feed.encoding == encoding
    if warning is None:
        assert feed.warnings == []
    else:
        assert any(w.startswith(warning) for w in feed.warnings), feed.warnings


def test_windows_1252_quotes_in_a_latin1_feed() -> None:
    body = RSS_ISO.replace("Nachrichten für Köln", "„Nachrichten“ für Köln").encode("cp1252")
    feed = parse_feed(body, url="https://koeln.example/feed")
    assert feed.title == "„Nachrichten“ für Köln"


@pytest.mark.parametrize("codec", ["utf-16", "utf-8-sig"])
def test_byte_order_marks(codec: str) -> None:
    body = RSS_ISO.replace("ISO-8859-1", codec.upper()).encode(codec)
    _assert_umlauts(parse_feed(body, url="https://koeln.example/feed"))


def test_html_entities_in_rss_091() -> None:
    body = (
        b'<?xml version="1.0"?>\n<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
        b'"http://my.netscape.com/publish/formats/rss-0.91.dtd">\n<rss version="0.91"><channel>'
        b"<title>K&ouml;ln&nbsp;aktuell</title><item><title>Gr&uuml;&szlig;e &amp; mehr</title>"
        b"<link>https://koeln.example/1</link></item></channel></rss>"
    )
    feed = parse_feed(body, url="https://koeln.example/feed")
    assert feed.error is None and feed.warnings == []
    assert feed.title == "Köln aktuell"
    assert feed.items[0].title == "Grüße & mehr"


def test_external_entities_are_not_resolved() -> None:
    body = (
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        b"<rss><channel><title>&xxe;</title><item><title>a</title><link>https://a.example/1</link>"
        b"</item></channel></rss>"
    )
    feed = parse_feed(body, url="https://a.example/feed")
    assert feed.error is None
    assert "root:" not in (feed.title or "")
    assert "DOCTYPE with internal subset (entity declarations) ignored" in feed.warnings


def test_entity_expansion_bomb_is_not_expanded() -> None:
    lol = b"".join(
        b'<!ENTITY lol%d "%s">' % (i, b"&lol%d;" % (i - 1) * 10 if i else b"lol") for i in range(10)
    )
    body = (
        b'<?xml version="1.0"?><!DOCTYPE rss ['
        + lol
        + b"]><rss><channel><title>&lol9;</title>"
        + (b"<item><title>&lol9;</title><link>https://a.example/1</link></item></channel></rss>")
    )
    started = time.monotonic()
    feed = parse_feed(body, url="https://a.example/feed")
    assert time.monotonic() - started < 1
    assert feed.error is None
    assert feed.items[0].title == "&lol9;"  # kept as inert text


# --- formats ---------------------------------------------------------------------------------


def test_rss_10_with_dublin_core() -> None:
    body = b"""<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://n.example/"><title>N</title><link>https://n.example/</link></channel>
  <item rdf:about="https://n.example/a"><title>A</title><dc:date>2024-05-01T08:00:00+02:00</dc:date>
    <dc:creator>Erika Mustermann</dc:creator></item>
</rdf:RDF>"""
    feed = parse_feed(body, url="https://n.example/rss")
    assert feed.kind == FeedKind.RDF
    item = feed.items[0]
    assert item.url == "https://n.example/a"  # from rdf:about
    assert item.published == datetime(2024, 5, 1, 6, 0, tzinfo=UTC)
    assert item.authors == ["Erika Mustermann"]


def test_atom_relative_links_and_xml_base() -> None:
    body = b"""<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://a.example/news/">
  <title type="html">Wirtschaft &amp;lt;b&amp;gt;aktuell&amp;lt;/b&amp;gt;</title>
  <link rel="self" href="/atom.xml"/><link href="./"/>
  <entry><title>Eins</title><link rel="alternate" href="eins.html"/><id>tag:a.example,2024:1</id>
    <updated>2024-01-02T03:04:05Z</updated><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">
    <p>Text <b>fett</b></p></div></content><author><name>A. Autor</name></author></entry>
  <entry xml:base="https://b.example/"><title>Zwei</title><link href="zwei"/><id>z</id></entry>
</feed>"""
    feed = parse_feed(body, url="https://a.example/atom.xml")
    assert feed.kind == FeedKind.ATOM
    assert feed.title == "Wirtschaft <b>aktuell</b>"  # escaped twice: the text is literal markup
    assert feed.link == "https://a.example/news/"
    first, second = feed.items
    assert first.url == "https://a.example/news/eins.html"
    assert first.summary == "Text fett"
    assert first.authors == ["A. Autor"]
    assert first.guid == "tag:a.example,2024:1"
    assert first.published == datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert second.url == "https://b.example/zwei"


def test_atom_03() -> None:
    body = b"""<feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>Alt</title>
  <entry><title>E</title><link rel="alternate" type="text/html" href="https://a.example/e"/>
  <issued>2005-03-01T10:00:00+01:00</issued></entry></feed>"""
    feed = parse_feed(body, url="https://a.example/atom")
    assert feed.kind == FeedKind.ATOM
    assert feed.items[0].published == datetime(2005, 3, 1, 9, 0, tzinfo=UTC)


def test_news_sitemap() -> None:
    body = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url><loc>https://zeitung.example/politik/wahl-1.html</loc>
    <news:news><news:publication><news:name>Zeitung</news:name><news:language>de</news:language>
    </news:publication><news:publication_date>2025-02-23T18:00:00+01:00</news:publication_date>
    <news:title>Bundestagswahl: Erste Hochrechnung</news:title></news:news></url>
  <url><loc>/sport/1.html</loc><lastmod>2025-02-22</lastmod></url>
</urlset>"""
    feed = parse_feed(body, url="https://zeitung.example/sitemap-news.xml")
    assert feed.kind == FeedKind.NEWS_SITEMAP
    assert feed.error is None
    first, second = feed.items
    assert first.title == "Bundestagswahl: Erste Hochrechnung"
    assert first.published == datetime(2025, 2, 23, 17, 0, tzinfo=UTC)
    assert second.url == "https://zeitung.example/sport/1.html"
    assert second.published == datetime(2025, 2, 22, tzinfo=UTC)


def test_plain_sitemap_gzipped_over_http(server: LocalServer) -> None:
    body = gzip.compress(
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        + b"".join(b"<url><loc>https://z.example/a%d</loc></url>" % i for i in range(100))
        + b"</urlset>"
    )
    feed = serve_and_parse(server, body, "application/x-gzip", path="/sitemap.xml.gz")
    assert feed.kind == FeedKind.SITEMAP
    assert len(feed.items) == 100
    assert "body was gzip-compressed (as sitemap.xml.gz files are)" in feed.warnings


def test_sitemap_index() -> None:
    body = b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://z.example/sitemap-1.xml</loc><lastmod>2025-01-01</lastmod></sitemap>
  <sitemap><loc>/sitemap-2.xml.gz</loc></sitemap></sitemapindex>"""
    feed = parse_feed(body, url="https://z.example/sitemap.xml")
    assert feed.kind == FeedKind.SITEMAP_INDEX
    assert feed.error is None and feed.warnings == []
    assert feed.items == []
    assert feed.child_sitemaps == ["https://z.example/sitemap-1.xml", "https://z.example/sitemap-2.xml.gz"]


def test_json_feed_11(server: LocalServer) -> None:
    data = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Lokales",
        "home_page_url": "https://l.example/",
        "authors": [{"name": "Redaktion"}],
        "items": [
            {
                "id": "1",
                "url": "/a/1",
                "title": "Fähre",
                "content_html": "<p>Über <b>Elbe</b></p>",
                "date_published": "2025-06-01T12:00:00+02:00",
            },
            {
                "id": 2,
                "external_url": "https://x.example/2",
                "content_text": "Text",
                "authors": [{"name": "Jörg"}],
            },
            {"id": "no-url"},
        ],
    }
    body = json.dumps(data, ensure_ascii=False).encode("utf-8")
    feed = serve_and_parse(server, body, "application/feed+json", path="/feed.json")
    assert feed.kind == FeedKind.JSON_FEED
    assert feed.title == "Lokales" and feed.link == "https://l.example/"
    first, second = feed.items
    assert first.url == server.url("/a/1")
    assert first.summary == "Über Elbe"
    assert first.authors == ["Redaktion"]
    assert first.published == datetime(2025, 6, 1, 10, 0, tzinfo=UTC)
    assert second.guid == "2" and second.authors == ["Jörg"]
    assert "skipped 1 item(s) without a usable url" in feed.warnings


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b'{"version": "https://jsonfeed.org/version/1", "items": [', "invalid JSON"),
        (b'{"hello": "world"}', "JSON document is not a JSON Feed (no 'items' list)"),
        (b"<foo><bar/></foo>", "not a feed or sitemap: XML root element <foo>"),
        (b"<rss version='2.0'></rss>", "RSS document without <channel>"),
    ],
)
def test_not_a_feed(body: bytes, error: str) -> None:
    feed = parse_feed(body, url="https://a.example/feed")
    assert feed.error is not None and feed.error.startswith(error)


def test_parse_never_raises_on_random_input() -> None:
    rng = random.Random(2026)
    samples = [rng.randbytes(rng.randint(1, 300)) for _ in range(200)]
    samples += [RSS_ISO.encode("latin-1")[: rng.randint(1, len(RSS_ISO))] for _ in range(100)]
    samples += [b"<rss><channel><item>" * 2000, b"{" * 5000, b"<" * 5000, b"\x1f\x8b\x08corrupt"]
    for body in samples:
        feed = parse_feed(body, url="https://a.example/feed")
        assert isinstance(feed, ParsedFeed)
        assert feed.error or feed.items or feed.warnings


# --- dates and text --------------------------------------------------------------------------

CEST = timezone(timedelta(hours=2))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Tue, 31 Mar 2015 17:20:19 +0200", datetime(2015, 3, 31, 17, 20, 19, tzinfo=CEST)),
        ("Tue, 31 Mar 2015 15:20:19 GMT", datetime(2015, 3, 31, 15, 20, 19, tzinfo=UTC)),
        ("Sun, 07 Apr 2013 15:39:57 Z", datetime(2013, 4, 7, 15, 39, 57, tzinfo=UTC)),
        ("Tue, 31 Mar 2015 17:20:19", datetime(2015, 3, 31, 17, 20, 19, tzinfo=UTC)),
        ("Di, 31 Mär 2015 17:20:19 MESZ", datetime(2015, 3, 31, 17, 20, 19, tzinfo=CEST)),
        ("Dienstag, 31. März 2015 17:20:19 +0200", datetime(2015, 3, 31, 17, 20, 19, tzinfo=CEST)),
        ("Mi, 24 Dez 2014 10:00:00 MEZ", datetime(2014, 12, 24, 9, 0, tzinfo=UTC)),
        ("Do, 01 Okt 2020 08:00:00 +0200", datetime(2020, 10, 1, 6, 0, tzinfo=UTC)),
        ("31.03.2015 17:20 Uhr", datetime(2015, 3, 31, 15, 20, tzinfo=UTC)),
        ("2015-03-31T17:20:19+02:00", datetime(2015, 3, 31, 17, 20, 19, tzinfo=CEST)),
        ("2015-03-31T15:20:19.123456Z", datetime(2015, 3, 31, 15, 20, 19, 123456, tzinfo=UTC)),
        ("2015-03-31T17:20+02:00", datetime(2015, 3, 31, 17, 20, tzinfo=CEST)),
        ("2015-03-31", datetime(2015, 3, 31, tzinfo=UTC)),
        ("2015-03-31 17:20:19 +02:00", datetime(2015, 3, 31, 17, 20, 19, tzinfo=CEST)),
        ("", None),
        ("gestern", None),
        ("Tue, 99 Foo 2015", None),
    ],
)
def test_parse_feed_date(value: str, expected: datetime | None) -> None:
    parsed = parse_feed_date(value)
    assert parsed == expected
    if parsed is not None:
        assert parsed.tzinfo is not None


def test_html_to_text() -> None:
    assert html_to_text("<p>Eins</p><p>Zwei<br>Drei</p><script>x()</script>") == "Eins Zwei Drei"
    assert html_to_text("Wort<b>teil</b> &amp; &eacute;t&eacute;") == "Wortteil & été"
    assert html_to_text("   ") is None
    assert html_to_text(None) is None
