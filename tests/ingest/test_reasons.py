"""The pipeline's errors in plain German words (ingest/reasons.py).

Each writer of an error fails for real here: sources are fetched through the real service
(against the local test server, or an address the SSRF guard refuses before anything is
sent), articles are extracted and given up on through the real functions. What is stored stays
the writer's English; what a reader sees is read from it in the reader's language.
"""

from __future__ import annotations

import gzip
import socket

import pytest
from django.utils import translation

from ingest import feeds, pipeline, services
from ingest import http as ingest_http
from ingest.models import Article, FetchLog, Source
from ingest.reasons import BINARY_KINDS, INTERNAL_RANGES, RESERVED_RANGES, STEPS, explain
from tests.ingest.conftest import rss
from tests.ingest.httpserver import Response

pytestmark = pytest.mark.django_db


def german(text: str) -> str:
    with translation.override("de"):
        return explain(text)


def fetched(source: Source) -> str:
    """The error a real fetch of `source` stores (its fetch log's and the source's)."""
    log = services.source_fetch(source).log
    source.refresh_from_db()
    assert log.outcome == FetchLog.Outcome.ERROR and source.last_error == log.error
    return log.error


# --- the SSRF guard ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        (
            "http://10.0.0.1/feed.xml",
            "Adresse zeigt auf ein internes Netz (10.0.0.1, privates Netz) – aus Sicherheitsgründen gesperrt",
        ),
        (
            "http://127.0.0.2/feed.xml",
            "Adresse zeigt auf ein internes Netz (127.0.0.2, Loopback, dieser Rechner selbst) – aus "
            "Sicherheitsgründen gesperrt",
        ),
        (
            "http://localhost/feed.xml",
            "Adresse zeigt auf diesen Rechner selbst (localhost) – aus Sicherheitsgründen gesperrt",
        ),
        (
            "http://192.0.2.7/feed.xml",
            "Adresse ist nicht öffentlich (192.0.2.7, für Dokumentation reserviert) – aus Sicherheitsgründen "
            "gesperrt",
        ),
        (
            "http://[2002:a00:1::1]/feed.xml",
            "Adresse 2002:a00:1::1 führt über 6to4 zu 10.0.0.1, das nicht öffentlich ist (privates Netz) – aus "
            "Sicherheitsgründen gesperrt",
        ),
    ],
)
def test_the_guards_refusal(make_source, url, reason):
    assert german(fetched(make_source(url))) == reason


def test_every_range_the_guard_names_has_words():
    named = {label for _net, label in (*ingest_http._IPV4_REFUSED, *ingest_http._IPV6_REFUSED)}
    named |= {"outside the global unicast range 2000::/3", "multicast", "not globally routable"}
    assert named <= set(INTERNAL_RANGES) | set(RESERVED_RANGES)
    assert {what for _magic, what in feeds._MAGIC} <= set(BINARY_KINDS)
    assert set(STEPS) == {"fetching", "extracting", "analysing"}
    assert {kind.value for kind in ingest_http.ErrorKind} <= set(FetchLog.ErrorKind.values)


# --- HTTP: status, time, size, connections --------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (404, "Server antwortet mit 404 – Seite nicht gefunden"),
        (403, "Server antwortet mit 403 – Zugriff verweigert"),
        (500, "Server antwortet mit 500 – interner Serverfehler"),
        (503, "Server antwortet mit 503 – Dienst vorübergehend nicht verfügbar"),
        (418, "Server antwortet mit 418 – Anfrage abgelehnt"),
    ],
)
def test_http_status(server, make_source, status, reason):
    server.add("/feed.xml", status=status, body=b"nein")
    assert german(fetched(make_source(server.url("/feed.xml")))) == reason


def test_a_timeout(server, make_source):
    server.add_handler("/feed.xml", lambda request: server.stopping.wait(10) or Response(body=b""))
    # The test settings' read timeout: 1.5 s, written with a German decimal comma.
    error = fetched(make_source(server.url("/feed.xml")))
    assert german(error) == "Server antwortet nicht: keine Daten nach 1,5 s (Zeitüberschreitung)"


def test_a_host_that_does_not_exist(make_source, monkeypatch):
    def no_such_host(host, port):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(ingest_http, "_resolve", no_such_host)
    # robots.txt is asked for first, so that is where it fails; the cause comes first.
    assert german(fetched(make_source("http://nachrichten.invalid/feed.xml"))) == (
        "Host nachrichten.invalid nicht gefunden (DNS) – Adresse vertippt oder Domain existiert nicht "
        "(beim Abruf der robots.txt; /feed.xml wird vorerst nicht abgerufen)"
    )


def test_a_refused_connection(make_source):
    with socket.socket() as closed:  # a port nothing listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    error = fetched(make_source(f"http://127.0.0.1:{port}/feed.xml"))
    assert german(error) == (
        "Server 127.0.0.1 lehnt die Verbindung ab (beim Abruf der robots.txt; /feed.xml wird vorerst nicht abgerufen)"
    )


def test_too_large_and_compression_bombs(server, make_source, settings):
    settings.INGEST_MAX_BYTES = 1024 * 1024
    server.add("/big.xml", body=(b"x" * 65536 for _ in range(40)), content_type="application/rss+xml")
    bomb = gzip.compress(b"\0" * (64 * 1024 * 1024))
    server.add(
        "/bomb.xml", body=bomb, content_type="application/rss+xml", headers={"Content-Encoding": "gzip"}
    )
    assert (
        german(fetched(make_source(server.url("/big.xml")))) == "Antwort zu groß: mehr als 1 MB, abgebrochen"
    )
    assert "(Kompressionsbombe?)" in german(fetched(make_source(server.url("/bomb.xml"))))


def test_redirects_robots_and_content_types(server, make_source):
    server.redirect("/a", "/b")
    server.redirect("/b", "/a")
    server.add("/robots.txt", body=b"User-agent: *\nDisallow: /privat/\n")
    server.add("/privat/feed.xml", body=rss())
    server.add("/bild", body=b"\x89PNG....", content_type="image/png")
    loop = german(fetched(make_source(server.url("/a"))))
    assert loop.startswith("Weiterleitungen im Kreis: http://127.0.0.1:")
    assert german(fetched(make_source(server.url("/privat/feed.xml")))) == (
        "Die Website erlaubt Robotern nicht, /privat/feed.xml abzurufen (robots.txt)"
    )
    page = make_source(server.url("/bild"), kind=Source.Kind.PAGE)
    assert german(fetched(page)) == "Unerwarteter Inhaltstyp: image/png"


# --- the body is no usable feed ------------------------------------------------------------------

PAGE_WITH_FEED = (
    b'<!doctype html><html><head><link rel="alternate" type="application/rss+xml" href="/rss.xml">'
    b"</head><body>Politik</body></html>"
)


@pytest.mark.parametrize(
    ("body", "content_type", "reason"),
    [
        (b"<!doctype html><html><body>Politik</body></html>", "text/html", "Die Adresse liefert eine HTML-Seite, keinen Feed"),
        (PAGE_WITH_FEED, "text/html", "Die Adresse liefert eine HTML-Seite, keinen Feed; die Seite verweist auf diese Feeds: {url}/rss.xml"),
        (b"\x89PNG\r\n\x1a\n" + bytes(200), "application/octet-stream", "Die Adresse liefert ein PNG-Bild, keinen Feed"),
        (bytes(range(256)) * 40, "application/octet-stream", "Die Adresse liefert Binärdaten, keinen Feed"),
        (b"", "application/rss+xml", "Die Adresse liefert eine leere Antwort"),
        (b'{"version": "x"}', "application/json", "Ein JSON-Dokument, aber kein JSON Feed (ohne Liste „items“)"),
        (b"<opml><body/></opml>", "text/xml", "Weder Feed noch Sitemap: ein XML-Dokument mit <opml>"),
    ],
)  # fmt: skip
def test_bodies_that_are_no_feed(server, make_source, body, content_type, reason):
    server.add("/feed", body=body, content_type=content_type)
    origin = server.url("").rstrip("/")
    assert german(fetched(make_source(server.url("/feed")))) == reason.format(url=origin)


def test_broken_xml(server, make_source):
    server.add("/feed.xml", body=b"<rss><channel><item><title>x</title></channel>", content_type="text/xml")
    reason = german(fetched(make_source(server.url("/feed.xml"))))
    assert reason.startswith("Keine brauchbaren Einträge: Kein gültiges XML (Opening and ending tag mismatch")
    assert reason.endswith(
        "; im Reparaturmodus gelesen, Einträge können fehlen; 1 Einträge ohne brauchbaren Link übersprungen"
    )


def test_a_feeds_warnings_are_read_one_by_one(server, make_source):
    body = (
        b"junk<?xml version='1.0'?><rss version='2.0'><channel><item><title>ohne Link</title></item>"
        b"<item><title>mit</title><link>http://127.0.0.1/a</link></item></channel></rss>"
    )
    server.add("/feed.xml", body=body, content_type="application/rss+xml")
    log = services.source_fetch(make_source(server.url("/feed.xml"))).log
    assert log.outcome == FetchLog.Outcome.OK and "; " in log.error
    assert german(log.error) == (
        "4 Zeichen Datenmüll vor dem XML entfernt; 1 Einträge ohne brauchbaren Link übersprungen"
    )


# --- sources paused, articles failed ------------------------------------------------------------


def test_a_paused_sources_reason(server, make_source, settings):
    settings.SOURCE_MAX_FAILURES = 2
    server.add("/gone.xml", status=410, body=b"weg")
    server.add("/down.xml", status=500, body=b"kaputt")
    gone = make_source(server.url("/gone.xml"))
    fetched(gone)
    assert german(gone.paused_reason) == (
        "Der Server meldet, dass es diesen Feed nicht mehr gibt (Server antwortet mit 410 – Seite dauerhaft "
        "entfernt)"
    )
    down = make_source(server.url("/down.xml"))
    fetched(down)
    fetched(down)
    assert german(down.paused_reason) == (
        "2 Fehlschläge in Folge, zuletzt: Server antwortet mit 500 – interner Serverfehler"
    )


def test_an_articles_errors(server, settings):
    server.add("/leer", body=b"<!doctype html><html><body></body></html>", content_type="text/html")
    article = Article.objects.create(url=server.url("/leer"), canonical_url=server.url("/leer"))
    services.article_fetch(article)
    article.refresh_from_db()
    services.article_extract(article)
    article.refresh_from_db()
    assert article.status == Article.Status.FAILED
    assert german(article.error) == "Kein Artikeltext auf der Seite gefunden"

    settings.PIPELINE_MAX_RESTARTS = 1
    crashing = Article.objects.create(
        url="https://example.org/a", canonical_url="https://example.org/a", status=Article.Status.EXTRACTING
    )
    pipeline.run_failed(
        crashing.pk,
        running=Article.Status.EXTRACTING,
        to=Article.Status.FETCHED,
        error="connection lost, retrying",
    )
    crashing.refresh_from_db()
    assert crashing.status == Article.Status.FAILED
    assert german(crashing.error) == (
        "Aufgegeben nach 1 abgebrochenen Läufen bei der Textextraktion; letzter Fehler: Verbindung zur "
        "Datenbank oder zum Broker verloren; wird erneut versucht"
    )


def test_an_editor_reads_why_a_url_is_refused(client, editor):
    from tests.factories import login

    login(client, editor)
    page = client.post("/ingest/submit/", {"url": "http://[::1]/x"}).content.decode()
    assert "Adresse zeigt auf ein internes Netz (::1, Loopback, dieser Rechner selbst)" in page


# --- reading --------------------------------------------------------------------------------------


def test_english_readers_read_plain_english_and_unknown_text_stays():
    with translation.override("en"):
        assert explain("HTTP 404 Not Found") == "The server answers 404: page not found"
        assert (
            explain("read timeout after 1.5 s") == "The server does not answer: no data after 1.5 s (timeout)"
        )
    assert german("something the pipeline never wrote") == "something the pipeline never wrote"
    assert german("") == ""
    # A known message next to an unknown one: each part as well as it can be read.
    assert german("etwas Neues; HTTP 502") == "etwas Neues; Server antwortet mit 502 – fehlerhaftes Gateway"
