"""Tests for ingest.decoding: charsets of pages and feeds, Content-Type, timestamps.

Pure functions, no database: run with ``python -m pytest tests/ingest/test_decoding.py -p no:django``.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ingest.decoding import (
    BERLIN,
    FEED_DATES,
    PAGE_DATES,
    decode_feed,
    decode_html,
    parse_content_type,
    parse_timestamp,
)

GERMAN = "Die Bürger in München grüßen den Bürgermeister. Äpfel, Öl und Übermut – für 5 € im Laden."


def page(head: str = "", body: str = f"<p>{GERMAN}</p>") -> str:
    return f"<!DOCTYPE html><html><head>{head}<title>Test</title></head><body>{body}</body></html>"


def page_date(value: str) -> datetime | None:
    return parse_timestamp(value, PAGE_DATES)


# ---- decode_html ------------------------------------------------------------------------------


def test_decode_latin1_without_any_charset_keeps_umlauts() -> None:
    text, encoding = decode_html(page().encode("cp1252"), None)
    assert GERMAN in text
    assert encoding == "cp1252"


def test_decode_short_latin1_snippet() -> None:
    text, _ = decode_html("<p>Grüße aus Köln</p>".encode("latin-1"), None)
    assert "Grüße aus Köln" in text


def test_decode_latin1_with_wrong_utf8_declarations() -> None:
    body = page('<meta charset="utf-8">').encode("cp1252")
    text, encoding = decode_html(body, "text/html; charset=UTF-8")
    assert GERMAN in text
    assert encoding != "utf-8"


def test_decode_uses_http_header_charset() -> None:
    text, encoding = decode_html(page().encode("cp1252"), "text/html; charset=ISO-8859-1")
    assert GERMAN in text
    assert encoding == "cp1252"  # WHATWG: ISO-8859-1 means Windows-1252 (€, „, –)


def test_decode_uses_meta_http_equiv() -> None:
    head = '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">'
    text, _ = decode_html(page(head).encode("cp1252"), None)
    assert GERMAN in text


def test_decode_utf8_page_that_declares_latin1() -> None:
    # fundus pages: re-encoded to UTF-8 but still naming the original charset.
    text, encoding = decode_html(page('<meta charset="iso-8859-1">').encode("utf-8"), None)
    assert GERMAN in text
    assert "Ã" not in text
    assert encoding == "utf-8"


def test_decode_bom_wins_over_wrong_header() -> None:
    text, encoding = decode_html(b"\xef\xbb\xbf" + page().encode("utf-8"), "text/html; charset=iso-8859-1")
    assert text.startswith("<!DOCTYPE html>")
    assert GERMAN in text
    assert encoding == "utf-8"


def test_decode_utf16_bom() -> None:
    text, encoding = decode_html(b"\xff\xfe" + page().encode("utf-16-le"), None)
    assert GERMAN in text
    assert encoding == "utf-16"


def test_decode_repairs_double_encoded_utf8() -> None:
    mojibake = GERMAN.encode("utf-8").decode("cp1252")
    text, _ = decode_html(page(body=f"<p>{mojibake}</p>").encode("utf-8"), None)
    assert GERMAN in text


def test_decode_mostly_utf8_with_stray_latin1_bytes() -> None:
    body = page(body=f"<p>{GERMAN}</p>" * 5).encode("utf-8") + b"<p>\x93zitiert\x94</p>"
    text, encoding = decode_html(body, "text/html; charset=utf-8")
    assert GERMAN in text
    assert encoding == "utf-8"


def test_decode_empty_and_unknown_charset() -> None:
    assert decode_html(b"", None) == ("", "utf-8")
    text, _ = decode_html(page().encode("utf-8"), "text/html; charset=x-no-such-charset")
    assert GERMAN in text


# ---- decode_feed (the feed decoder's own cases are in test_feeds.py) --------------------------


def test_pages_and_feeds_read_a_latin1_label_as_windows_1252() -> None:
    body = "„Zitat“ für 5 €".encode("cp1252")
    assert decode_html(body, "text/html; charset=ISO-8859-1") == ("„Zitat“ für 5 €", "cp1252")
    warnings: list[str] = []
    # The feed decoder reports the label it was given; the text is windows-1252 all the same.
    assert decode_feed(body, header_charset="ISO-8859-1", warnings=warnings, xml=False) == (
        "„Zitat“ für 5 €",
        "iso8859-1",
    )


# ---- parse_content_type -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, (None, None)),
        ("text/HTML", ("text/html", None)),
        ('text/html; charset="UTF-8"', ("text/html", "UTF-8")),
        ("application/rss+xml ; Charset = 'iso-8859-1' ; x=1", ("application/rss+xml", "iso-8859-1")),
        ("text/html; charset=utf-8, text/html", ("text/html", "utf-8")),  # a doubled header
        ("text/html; charset=", ("text/html", None)),
    ],
)
def test_parse_content_type(header: str | None, expected: tuple[str | None, str | None]) -> None:
    assert parse_content_type(header) == expected


# ---- timestamps ---------------------------------------------------------------------------------


def test_page_timestamps() -> None:
    assert page_date("2024-05-16T09:26:10.847123456Z") == datetime.fromisoformat(
        "2024-05-16T09:26:10.847123+00:00"
    )
    assert page_date("2024-05-16T09:26:10+0200") == datetime.fromisoformat("2024-05-16T09:26:10+02:00")
    naive = page_date("16.05.2024, 11:30")
    assert naive is not None and naive.tzinfo is not None and naive.hour == 11
    assert page_date("gestern") is None
    assert page_date("0001-01-01") is None


def test_pages_and_feeds_differ_only_where_their_rules_say() -> None:
    # A naive timestamp is Berlin time on a German page, UTC in a feed (the RSS/Atom norm).
    assert page_date("2024-05-16T09:00") == datetime(2024, 5, 16, 9, tzinfo=BERLIN)
    assert parse_timestamp("2024-05-16T09:00", FEED_DATES) == datetime(2024, 5, 16, 9, tzinfo=UTC)
    # German numeric dates are Berlin time in both.
    assert parse_timestamp("16.05.2024 11:30", FEED_DATES) == datetime(2024, 5, 16, 11, 30, tzinfo=BERLIN)
    # Page metadata finds the date inside a phrase; a feed date is the whole value.
    assert page_date("Stand: 16.05.2024, 11.30 Uhr") == datetime(2024, 5, 16, 11, 30, tzinfo=BERLIN)
    assert parse_timestamp("Stand: 16.05.2024, 11.30 Uhr", FEED_DATES) is None
    # RFC 822 is a feed format; year windows differ (archive feeds reach back further).
    assert parse_timestamp("Thu, 16 May 2024 09:00:00 +0200", FEED_DATES) is not None
    assert page_date("Thu, 16 May 2024 09:00:00 +0200") is None
    assert parse_timestamp("1950-01-01", FEED_DATES) is not None
    assert page_date("1950-01-01") is None
