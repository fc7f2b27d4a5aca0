"""Feed parsing: Lagebild's own parser (ingest.feeds.parse_feed) against feedparser.

Usage::

    .venv/bin/python bench/feeds_compare.py [--corpus DIR]

Part 1, the shared feed corpus (``../shared/corpus/feeds``, see its SOURCE.md): per feed, the
number of items each parser returns, and for the items both return (paired by position) the
share with the same link, the same title (whitespace collapsed, HTML entities decoded) and the
same date (same instant, to the second; feedparser's struct_time is UTC). ``first diff`` shows
the first disagreement.

Part 2, hostile and broken input (the cases of tests/ingest/test_feeds.py): what each parser
makes of it, how long it takes, and whether anything leaked (a file's content through an
external entity, an expanded entity bomb).

Both parsers get the same raw bytes, the Content-Type and the feed's URL (as a fetch gives
them). No network: feedparser is given bytes, never a URL.
"""

from __future__ import annotations

import argparse
import calendar
import gzip
import html
import json
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import feedparser

from ingest.feeds import parse_feed
from tests.ingest.test_feeds import RSS_ISO  # the hostile cases are those of the feed tests

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "feeds"
# What a server would send for each corpus file, by its suffix.
SUFFIX_TYPES = {
    ".json": "application/feed+json",
    ".atom": "application/atom+xml",
    ".rdf": "application/rdf+xml",
}


@dataclass
class Side:
    items: int
    links: list[str | None]
    titles: list[str | None]
    dates: list[datetime | None]
    error: str
    seconds: float


def _squash(text: str | None) -> str | None:
    if text is None:
        return None
    return " ".join(html.unescape(text).split()) or None


def ours(body: bytes, url: str, content_type: str | None) -> Side:
    started = time.perf_counter()
    feed = parse_feed(body, url=url, content_type=content_type)
    seconds = time.perf_counter() - started
    return Side(
        items=len(feed.items),
        links=[item.url for item in feed.items],
        titles=[_squash(item.title) for item in feed.items],
        dates=[
            item.published.astimezone(UTC).replace(microsecond=0) if item.published else None
            for item in feed.items
        ],
        error=feed.error or "",
        seconds=seconds,
    )


def _fp_date(entry: dict) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if parsed:
            return datetime.fromtimestamp(calendar.timegm(parsed), UTC)
    return None


def theirs(body: bytes, url: str, content_type: str | None) -> Side:
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    started = time.perf_counter()
    parsed = feedparser.parse(body, response_headers=headers)
    seconds = time.perf_counter() - started
    entries = parsed.entries
    error = f"bozo: {type(parsed.bozo_exception).__name__}" if parsed.bozo else ""
    return Side(
        items=len(entries),
        links=[entry.get("link") for entry in entries],
        titles=[_squash(entry.get("title")) for entry in entries],
        dates=[_fp_date(entry) for entry in entries],
        error=error,
        seconds=seconds,
    )


def _share(a: list, b: list) -> str:
    pairs = list(zip(a, b, strict=False))
    if not pairs:
        return "  -  "
    return f"{sum(x == y for x, y in pairs) / len(pairs):5.0%}"


def _first_diff(own: Side, other: Side) -> str:
    for field in ("links", "titles", "dates"):
        for n, (x, y) in enumerate(zip(getattr(own, field), getattr(other, field), strict=False)):
            if x != y:
                return f"{field}[{n}]: ours {str(x)[:45]!r} / fp {str(y)[:45]!r}"
    return ""


def corpus_table(corpus: Path) -> None:
    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    print("Part 1: the shared feed corpus")
    print(
        f"{'feed':40} {'format':13} {'items':>9} {'link':>5} {'title':>5} {'date':>5} {'ms ours/fp':>11}  first diff"
    )
    totals = {"feeds": 0, "same_count": 0, "ours_ms": 0.0, "fp_ms": 0.0}
    for entry in manifest["feeds"]:
        body = (corpus / entry["file"]).read_bytes()
        url = f"https://{entry.get('outlet') or 'feed.example'}/{entry['file']}"
        content_type = SUFFIX_TYPES.get(Path(entry["file"]).suffix, "application/rss+xml")
        own, other = ours(body, url, content_type), theirs(body, url, content_type)
        totals["feeds"] += 1
        totals["same_count"] += own.items == other.items
        totals["ours_ms"] += own.seconds * 1000
        totals["fp_ms"] += other.seconds * 1000
        print(
            f"{entry['id'][:40]:40} {entry.get('format', '?')[:13]:13} {own.items:>4}/{other.items:<4}"
            f" {_share(own.links, other.links)} {_share(own.titles, other.titles)}"
            f" {_share(own.dates, other.dates)} {own.seconds * 1000:5.1f}/{other.seconds * 1000:<5.1f}"
            f"  {_first_diff(own, other) or other.error}"
        )
    print(
        f"same item count on {totals['same_count']}/{totals['feeds']} feeds; "
        f"time {totals['ours_ms']:.0f} ms ours, {totals['fp_ms']:.0f} ms feedparser"
    )


def _lol_bomb(levels: int = 10) -> bytes:
    lol = b"".join(
        b'<!ENTITY lol%d "%s">' % (i, b"&lol%d;" % (i - 1) * 10 if i else b"lol") for i in range(levels)
    )
    return (
        b'<?xml version="1.0"?><!DOCTYPE rss [' + lol + b"]><rss><channel><title>&lol9;</title>"
        b"<item><title>&lol9;</title><link>https://a.example/1</link></item></channel></rss>"
    )


def hostile_cases() -> list[tuple[str, bytes, str | None]]:
    quadratic = b"A" * 200_000
    return [
        ("billion laughs (10 levels)", _lol_bomb(), "application/rss+xml"),
        (
            "quadratic blowup (200 kB x 2000)",
            b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "' + quadratic + b'">]><rss><channel>'
            b"<title>" + b"&a;" * 2000 + b"</title><item><title>t</title><link>https://a.example/1</link>"
            b"</item></channel></rss>",
            "application/rss+xml",
        ),
        (
            "external entity file:///etc/passwd",
            b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
            b"<rss><channel><title>&xxe;</title><item><title>a&xxe;</title><link>https://a.example/1</link>"
            b"</item></channel></rss>",
            "application/rss+xml",
        ),
        (
            "gzip bomb (100 MB of zeros)",
            gzip.compress(b"\0" * 100_000_000, compresslevel=9),
            "application/x-gzip",
        ),
        (
            "truncated XML",
            b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
            b"<item><title>A</title><link>https://a.example/1</link></item>"
            b"<item><title>B</title><link>https://a.example/2</li",
            "application/rss+xml",
        ),
        (
            "unquoted attribute",
            b"<rss version=2.0><channel><title>Kurier</title><item><title>A</title>"
            b"<link>https://a.example/1</link><pubdate>Tue, 31 Mar 2015 17:20:19 +0200</pubdate></item></channel></rss>",
            "application/rss+xml",
        ),
        (
            "junk before the XML",
            b"<br />\n<b>Warning</b>: Undefined variable $x<br />\n" + RSS_ISO.encode("latin-1"),
            "application/rss+xml",
        ),
        ("latin-1, header says utf-8", RSS_ISO.encode("latin-1"), "application/rss+xml; charset=utf-8"),
        ("latin-1, no charset anywhere", RSS_ISO.split("\n", 1)[1].encode("latin-1"), "application/rss+xml"),
        (
            "latin-1 declared UTF-8",
            RSS_ISO.replace("ISO-8859-1", "UTF-8").encode("latin-1"),
            "application/rss+xml",
        ),
        ("utf-16 with BOM", RSS_ISO.replace("ISO-8859-1", "UTF-16").encode("utf-16"), "application/rss+xml"),
        (
            "RSS 0.91 HTML entities",
            b'<?xml version="1.0"?>\n<rss version="0.91"><channel><title>K&ouml;ln&nbsp;aktuell</title>'
            b"<item><title>Gr&uuml;&szlig;e &amp; mehr</title><link>https://koeln.example/1</link></item>"
            b"</channel></rss>",
            "application/rss+xml",
        ),
        (
            "HTML page served as feed",
            b"<!DOCTYPE html><html><head><title>Start</title>"
            b'<link rel="alternate" type="application/rss+xml" href="/rss.xml"></head><body>x</body></html>',
            "application/rss+xml",
        ),
        (
            "PNG image",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,
            "application/octet-stream",
        ),
    ]


def hostile_table() -> None:
    print("\nPart 2: hostile and broken input")
    print(f"{'case':34} {'ours: items, ms, title/error':52} {'feedparser: items, ms, title/bozo'}")
    for name, body, content_type in hostile_cases():
        url = "https://koeln.example/feed"
        own_feed_started = time.perf_counter()
        feed = parse_feed(body, url=url, content_type=content_type)
        own_ms = (time.perf_counter() - own_feed_started) * 1000
        own_text = feed.error or (feed.items[0].title if feed.items else "(no items)") or ""
        started = time.perf_counter()
        try:
            parsed = feedparser.parse(
                body, response_headers={"content-location": url, "content-type": content_type or ""}
            )
            fp_items = len(parsed.entries)
            first = parsed.entries[0].get("title", "") if parsed.entries else "(no items)"
            leaked = " LEAKED /etc/passwd" if "root:" in json.dumps(parsed, default=str) else ""
            fp_text = f"{first!s}"[:40] + (
                f" [bozo {type(parsed.bozo_exception).__name__}]" if parsed.bozo else ""
            )
            fp_text += leaked
            if len(json.dumps(parsed, default=str)) > 5_000_000:
                fp_text += f" EXPANDED to {len(json.dumps(parsed, default=str)) // 1_000_000} MB"
        except Exception as exc:  # a parser crash is a result here
            fp_items, fp_text = 0, f"raised {type(exc).__name__}"
        fp_ms = (time.perf_counter() - started) * 1000
        print(
            f"{name[:34]:34} {len(feed.items):>3} {own_ms:7.1f}  {own_text[:38]:38}"
            f" {fp_items:>3} {fp_ms:7.1f}  {fp_text[:70]}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = parser.parse_args()
    print(f"feedparser {feedparser.__version__}")
    corpus_table(args.corpus)
    hostile_table()


if __name__ == "__main__":
    main()
