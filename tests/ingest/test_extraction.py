"""Tests for ingest.extraction: URL canonicalisation, article extraction, robustness.

Pure functions, no database: run with ``python -m pytest tests/ingest/test_extraction.py -p no:django``.
"""

from __future__ import annotations

import dataclasses
import json
import os
import time
from datetime import date, datetime
from pathlib import Path

import pytest

from ingest.decoding import decode_html
from ingest.extraction import (
    ExtractedArticle,
    _without_edge_furniture,
    canonicalize_url,
    clean_authors,
    detect_wire_agencies,
    extract_document,
)

SHARED = Path(__file__).resolve().parents[3] / "shared"
CORPUS = SHARED / "corpus" / "html"

GERMAN = "Die Bürger in München grüßen den Bürgermeister. Äpfel, Öl und Übermut – für 5 € im Laden."


def page(head: str = "", body: str = f"<p>{GERMAN}</p>") -> str:
    return f"<!DOCTYPE html><html><head>{head}<title>Test</title></head><body>{body}</body></html>"


# ---- canonicalize_url -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "HTTPS://WWW.Example.DE:443/Politik/Artikel-123.html?utm_source=x&utm_medium=rss#kommentare",
            "https://www.example.de/Politik/Artikel-123.html",
        ),
        (
            "http://example.de:80/a?b=2&fbclid=abc&a=1&gclid=1&mc_cid=1&mc_eid=2",
            "http://example.de/a?a=1&b=2",
        ),
        (
            "https://example.de/a?WT.mc_id=feed&wt_mc=x&ref=twitter&xtor=RSS-1&at_medium=sl&at_campaign=c&id=7",
            "https://example.de/a?id=7",
        ),
        ("https://example.de:8443/x?q=a%20b", "https://example.de:8443/x?q=a%20b"),
        ("https://example.de", "https://example.de/"),
    ],
)
def test_canonicalize_url(url: str, expected: str) -> None:
    assert canonicalize_url(url) == expected


def test_canonicalize_url_is_idempotent_and_tolerant() -> None:
    url = "https://Example.de/Pfad/?z=1&a=2&utm_campaign=x"
    assert canonicalize_url(canonicalize_url(url)) == canonicalize_url(url)
    assert canonicalize_url("not a url") == "not a url"
    assert canonicalize_url("http://[::1]:99999/") == "http://[::1]:99999/"  # invalid port: unchanged


# ---- extract_document on a hand-written German article ------------------------------------------

ARTICLE_HTML = """<!DOCTYPE html>
<html lang="de-DE">
<head>
<meta charset="utf-8">
<title>Stadtrat beschließt neuen Radweg | Testkurier</title>
<meta property="og:title" content="Stadtrat beschließt neuen Radweg am Rheinufer">
<meta property="og:site_name" content="Testkurier">
<meta name="description" content="Nach jahrelanger Debatte hat der Stadtrat den Bau eines Radwegs am Rheinufer beschlossen. Die Kosten liegen bei zwei Millionen Euro.">
<link rel="canonical" href="/lokales/radweg-rheinufer-100.html">
<script type="application/ld+json">
{"@context": "https://schema.org", "@type": "NewsArticle",
 "headline": "Stadtrat beschließt neuen Radweg am Rheinufer",
 "datePublished": "2024-06-19T08:30:00+02:00", "dateModified": "2024-06-19T10:05:00+02:00",
 "author": [{"@type": "Person", "name": "Von Anna Beispiel"}, {"@type": "Person", "name": "Jan Muster/dpa"}],
 "publisher": {"@type": "Organization", "name": "Testkurier"}}
</script>
</head>
<body>
<nav><ul><li><a href="/">Startseite</a></li><li><a href="/lokales">Lokales</a></li></ul></nav>
<main><article>
<h1>Stadtrat beschließt neuen Radweg am Rheinufer</h1>
<p class="byline">Von Anna Beispiel und Jan Muster</p>
<p>Düsseldorf (dpa) - Nach jahrelanger Debatte hat der Stadtrat am Dienstagabend den Bau eines
neuen Radwegs entlang des Rheinufers beschlossen. Die Mehrheit aus drei Fraktionen stimmte für
den Plan, die Opposition enthielt sich.</p>
<p>Die Kosten für die 4,5 Kilometer lange Strecke liegen nach Angaben der Verwaltung bei rund zwei
Millionen Euro. Ein Teil soll aus Fördermitteln des Landes kommen, der Rest aus dem städtischen
Haushalt der kommenden beiden Jahre.</p>
<h2>Baubeginn im Frühjahr</h2>
<p>Die Arbeiten sollen im Frühjahr beginnen und bis Ende des nächsten Jahres abgeschlossen sein.
Anwohnerinnen und Anwohner hatten sich in einer Bürgerversammlung mehrheitlich für den Radweg
ausgesprochen, Händler fürchten dagegen den Wegfall von Parkplätzen.</p>
<p>Der Fahrradclub begrüßte die Entscheidung als überfällig. „Das ist ein wichtiger Schritt für die
Verkehrswende in unserer Stadt“, sagte die Vorsitzende der Ortsgruppe nach der Sitzung.</p>
<figure><img src="radweg.jpg" alt=""><figcaption>Das Rheinufer. Foto: AFP/Max Knipser</figcaption></figure>
</article>
<aside><h3>Mehr zum Thema</h3><ul><li><a href="/a">Neue Ampel an der Kreuzung</a></li></ul></aside>
</main>
<section id="comments"><h3>Kommentare</h3><div class="comment"><p>Leser123: Endlich! Das hätte man schon vor
zehn Jahren machen sollen, aber besser spät als nie.</p></div></section>
<footer><p>© 2024 Testkurier GmbH. Alle Rechte vorbehalten.</p><a href="/impressum">Impressum</a></footer>
</body>
</html>"""


@pytest.fixture(scope="module")
def article() -> ExtractedArticle:
    return extract_document(ARTICLE_HTML, url="https://www.testkurier.de/lokales/radweg.html?utm_source=rss")


def test_article_metadata(article: ExtractedArticle) -> None:
    assert article.error is None
    assert article.title == "Stadtrat beschließt neuen Radweg am Rheinufer"
    assert article.authors == ["Anna Beispiel", "Jan Muster", "dpa"]
    assert article.published == datetime.fromisoformat("2024-06-19T08:30:00+02:00")
    assert article.published is not None and article.published.tzinfo is not None
    assert article.modified == datetime.fromisoformat("2024-06-19T10:05:00+02:00")
    assert article.language == "de"
    assert article.site_name == "Testkurier"
    assert article.canonical_url == "https://www.testkurier.de/lokales/radweg-rheinufer-100.html"
    assert article.description.startswith("Nach jahrelanger Debatte")


def test_article_text(article: ExtractedArticle) -> None:
    text = article.text
    assert text.startswith("Düsseldorf (dpa) - Nach jahrelanger Debatte")
    assert "Die Kosten für die 4,5 Kilometer lange Strecke" in text
    assert "Verkehrswende in unserer Stadt" in text
    assert "\n\n" in text  # paragraphs separated by blank lines
    for boilerplate in ("Startseite", "Neue Ampel an der Kreuzung", "Leser123", "Alle Rechte vorbehalten"):
        assert boilerplate not in text


def test_article_wire_agencies(article: ExtractedArticle) -> None:
    # dpa from the dateline and the byline; AFP only credits the photo.
    assert article.wire_agencies == ["dpa"]


def test_extract_document_accepts_bytes() -> None:
    result = extract_document(
        ARTICLE_HTML.replace('charset="utf-8"', 'charset="iso-8859-1"').encode("cp1252")
    )
    assert result.title == "Stadtrat beschließt neuen Radweg am Rheinufer"
    assert "Bürgerversammlung" in result.text


def test_article_is_frozen(article: ExtractedArticle) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        article.title = "x"  # type: ignore[misc]


def test_fallbacks_without_structured_data() -> None:
    html = (
        '<html lang="de"><head><title>Hitzewelle erreicht Süddeutschland - Beispielblatt</title>'
        '<meta property="og:site_name" content="Beispielblatt">'
        '<meta name="author" content="Von Petra Probe, AFP">'
        '<meta property="article:published_time" content="2023-07-10T06:00:00Z"></head>'
        "<body><p>"
        + " ".join(["Die Temperaturen steigen am Wochenende auf bis zu 38 Grad."] * 8)
        + "</p></body></html>"
    )
    result = extract_document(html)
    assert result.title == "Hitzewelle erreicht Süddeutschland"
    assert result.authors == ["Petra Probe", "AFP"]
    assert result.wire_agencies == ["AFP"]
    assert result.published is not None and result.published.date() == date(2023, 7, 10)
    assert "38 Grad" in result.text


def test_agency_in_visible_byline_only() -> None:
    paragraphs = "".join(
        f"<p>Absatz {n}: Die Regierung hat am Montag neue Pläne für den Ausbau der Bahnstrecken vorgestellt, "
        "die Opposition kritisierte die Finanzierung als unsolide und forderte Nachbesserungen.</p>"
        for n in range(4)
    )
    html = (
        '<html lang="de"><head><title>Neue Pläne für die Bahn</title></head><body><article>'
        f'<h1>Neue Pläne für die Bahn</h1><p class="byline">Von Anna Beispiel (dpa)</p>{paragraphs}'
        "</article></body></html>"
    )
    result = extract_document(html)
    assert result.authors[0] == "Anna Beispiel"
    assert result.wire_agencies == ["dpa"]
    assert "Von Anna Beispiel" not in result.text


# ---- helpers ------------------------------------------------------------------------------------


def test_clean_authors() -> None:
    assert clean_authors(["Von Max Mustermann und Erika Musterfrau"]) == [
        "Max Mustermann",
        "Erika Musterfrau",
    ]
    assert clean_authors(["Max Mustermann (dpa)"]) == ["Max Mustermann", "dpa"]
    assert clean_authors(["Elena Beispiel (ebe)", "https://example.de/autor/x"]) == ["Elena Beispiel"]
    assert clean_authors(["APA/AP"]) == ["APA", "AP"]
    assert clean_authors(["Max Mustermann; max mustermann"]) == ["Max Mustermann"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Berlin (dpa) - Die Bundesregierung hat beschlossen.", ["dpa"]),
        ("Paris (AFP/dpa). Der Präsident sprach.", ["AFP", "dpa"]),
        ("Satz eins.\n\ndpa/jr", ["dpa"]),
        ("Der Text endet hier. (KNA)", ["KNA"]),
        ("Quelle: Reuters", ["Reuters"]),
        ("Mit Material von dpa und AFP", ["dpa", "AFP"]),
        ("© dpa-infocom, dpa:240516-99-53606/3", ["dpa"]),
        ("Letzter Absatz des Artikels.\n\nmit dpa", ["dpa"]),
        ("FR mit dpa/AFP", ["dpa", "AFP"]),
        # Not credits: photo credits, the agency merely mentioned, other words.
        ("Das meldete die Deutsche Presse-Agentur (dpa) am Abend aus Berlin.", []),
        ("Die Sängerin auf der Bühne. © AFP / JEFF PACHOUD", []),
        ("Foto: dpa/Picture Alliance", []),
        ("Reuters berichtete zuerst über den Fall.", []),
        ("Das sagte der Minister im Gespräch mit AFP.", []),
        ("Der SAP-Konzern und die AP-Klasse", []),
    ],
)
def test_detect_wire_agencies(text: str, expected: list[str]) -> None:
    assert detect_wire_agencies(text) == expected


# ---- hostile input ------------------------------------------------------------------------------

HOSTILE = {
    "empty": "",
    "whitespace": " \n\t ",
    "binary": os.urandom(100_000).decode("latin-1"),
    "nul_bytes": "<html>\x00<body>\x00<p>Hallo</p></body></html>",
    "surrogates": "<html><body><p>Hallo \ud800 Welt</p></body></html>",
    "deeply_nested": "<div>" * 100_000 + "Tief verschachtelt. " * 20 + "</div>" * 100_000,
    "nested_inline": "<b><i>" * 30_000 + "Text " * 100,
    "deep_jsonld": '<script type="application/ld+json">'
    + "[" * 100_000
    + "]" * 100_000
    + "</script><p>x</p>",
    "broken_jsonld": '<script type="application/ld+json">{"@type": "NewsArticle", "author": </script>',
    "not_html": "%PDF-1.4\n%âãÏÓ\n1 0 obj << /Type /Catalog >> endobj",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_input_does_not_crash(name: str) -> None:
    result = extract_document(HOSTILE[name])
    assert isinstance(result, ExtractedArticle)
    assert isinstance(result.text, str)
    if not result.text:
        assert result.error


def test_binary_bytes_do_not_crash() -> None:
    result = extract_document(os.urandom(200_000))
    assert isinstance(result, ExtractedArticle)
    text, _ = decode_html(os.urandom(50_000), "text/html; charset=utf-8")
    assert isinstance(text, str)


def test_20_mb_input_is_capped() -> None:
    huge = "<html><body><article>" + "<p>Ein Absatz mit etwas Text, der sich endlos wiederholt.</p>" * 350_000
    assert len(huge) > 20_000_000
    started = time.perf_counter()
    result = extract_document(huge + "</article></body></html>")
    assert time.perf_counter() - started < 60
    assert any("truncated" in warning for warning in result.warnings)


def test_20_mb_plain_text_does_not_crash() -> None:
    result = extract_document("Nur Text ohne Auszeichnung. " * 800_000)
    assert isinstance(result, ExtractedArticle)
    assert any("truncated" in warning for warning in result.warnings)
    assert result.text.startswith("Nur Text ohne Auszeichnung.")


def test_wrong_input_type_is_reported() -> None:
    result = extract_document(None)  # type: ignore[arg-type]
    assert result.error and not result.text


# ---- real pages from the shared corpus -----------------------------------------------------------

REAL_PAGES = [
    "de-fundus-BSZ_2024_05_16",  # UTF-8, dpa co-authored, JSON-LD
    "de-fundus-FrankfurterRundschau_2024_04_26",  # UTF-8 without any charset declaration
    "de-traf-rnz.de.witzel",  # dateline "(dpa)"
    "de-traf-taz.de.siemens",  # user comments must stay out
]


# The page joins a kicker to its headline (og:title "Kicker: Headline"), which the title keeps
# (issue 17); the upstream gold (trafilatura's evaldata) writes the headline alone.
KICKER_TITLES = {"de-traf-taz.de.siemens": "Siemens und die Kohlemine Adani: Kaeser verarscht Neubauer"}


def _load(page_id: str) -> tuple[dict, bytes, dict]:
    manifest = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
    entry = next(p for p in manifest["pages"] if p["id"] == page_id)
    gold = json.loads((CORPUS / "gold" / f"{page_id}.json").read_text(encoding="utf-8"))
    return entry, (CORPUS / f"{page_id}.html").read_bytes(), gold


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"shared corpus not available at {CORPUS}")
@pytest.mark.parametrize("page_id", REAL_PAGES)
def test_real_pages(page_id: str) -> None:
    entry, body, gold = _load(page_id)
    html, _ = decode_html(body, None)
    result = extract_document(html, url=entry["url"])
    assert result.error is None
    assert result.language == "de"
    assert "Ã¤" not in result.text and "Ã¶" not in result.text and "Ã¼" not in result.text
    for snippet in gold.get("with", []):
        assert snippet in result.text
    for snippet in gold.get("without", []) + gold.get("comments", []):
        assert snippet not in result.text
    if "text" in gold:
        first_paragraph = gold["text"].split("\n\n")[1]
        assert first_paragraph[:80] in result.text
    if gold.get("title"):
        assert result.title == KICKER_TITLES.get(page_id, gold["title"])
    gold_date = gold.get("publishing_date") or gold.get("date")
    if gold_date:
        assert result.published is not None
        assert result.published.isoformat()[:10] == str(gold_date)[:10]


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"shared corpus not available at {CORPUS}")
def test_real_page_wire_agency_and_authors() -> None:
    entry, body, gold = _load("de-fundus-BSZ_2024_05_16")
    result = extract_document(decode_html(body, None)[0], url=entry["url"])
    assert result.authors == gold["authors"]
    assert result.wire_agencies == ["dpa"]
    assert result.canonical_url.startswith("https://www.braunschweiger-zeitung.de/")


# ---- issue 17: titles with kickers, dates in the page's offset, furniture lines ------------------

BODY = "".join(
    f"<p>Absatz {n}: Die Landesregierung hat am Dienstag in der Hauptstadt neue Pläne für den Ausbau "
    "der Bahnstrecken vorgestellt, die Opposition kritisierte die Finanzierung als unsolide.</p>"
    for n in range(5)
)


def news(
    head: str = "", header: str = "<h1>Trump nominiert Bondi als Justizministerin</h1>", body: str = BODY
) -> str:
    return (
        f'<!DOCTYPE html><html lang="de"><head><meta charset="utf-8">{head}</head>'
        f"<body><article>{header}{body}</article></body></html>"
    )


def og(title: str, site: str = "") -> str:
    site_tag = f'<meta property="og:site_name" content="{site}">' if site else ""
    return f'<meta property="og:title" content="{title}">{site_tag}'


@pytest.mark.parametrize(
    ("head", "header", "expected"),
    [
        # The h1 holds the kicker in a span of its own (tagesschau, ZDF, industriemagazin).
        (
            og("Trump nominiert Bondi als Justizministerin"),
            '<h1><span class="seitenkopf__topline">Nach Gaetz-Rückzug</span> '
            '<span class="seitenkopf__headline--text">Trump nominiert Bondi als Justizministerin</span></h1>',
            "Nach Gaetz-Rückzug: Trump nominiert Bondi als Justizministerin",
        ),
        # og:title says "Kicker: Headline", the h1 the headline alone; the site suffix goes.
        (
            og("Nach Gaetz-Rückzug: Trump nominiert Bondi als Justizministerin | ZDFheute", "ZDFheute"),
            "<h1>Trump nominiert Bondi als Justizministerin</h1>",
            "Nach Gaetz-Rückzug: Trump nominiert Bondi als Justizministerin",
        ),
        (
            og("Nach Gaetz-Rückzug: Trump nominiert Bondi als Justizministerin - DER SPIEGEL", "DER SPIEGEL"),
            "<h1>Trump nominiert Bondi als Justizministerin</h1>",
            "Nach Gaetz-Rückzug: Trump nominiert Bondi als Justizministerin",
        ),
        # "Kicker - Headline | Site" in og:title is written "Kicker: Headline".
        (
            og("Einwanderungsbegrenzung - Wettstreit der Scheinlösungen | Preußische Allgemeine Zeitung"),
            "<h4>Einwanderungsbegrenzung</h4><h1>Wettstreit der Scheinlösungen</h1>",
            "Einwanderungsbegrenzung: Wettstreit der Scheinlösungen",
        ),
        # <title> joins the kicker (aerotelegraph); og:title has the headline alone.
        (
            og("Jets fliegen schneller über den Atlantik", "aeroTELEGRAPH")
            + "<title>Starker Jetstream: Jets fliegen schneller über den Atlantik - aeroTELEGRAPH</title>",
            '<p class="spitzmarke">Starker Jetstream</p><h1>Jets fliegen schneller über den Atlantik</h1>',
            "Starker Jetstream: Jets fliegen schneller über den Atlantik",
        ),
        # Not kickers: the site name before the headline, a genre label in the h1's kicker span,
        # a kicker shown above the h1 that none of the outlet's headline strings carries.
        (
            og("ZDFheute: Trump nominiert Bondi als Justizministerin", "ZDFheute"),
            "<h1>Trump nominiert Bondi als Justizministerin</h1>",
            "Trump nominiert Bondi als Justizministerin",
        ),
        (
            og("Trump nominiert Bondi als Justizministerin"),
            '<h1><span class="kicker">Interview</span> Trump nominiert Bondi als Justizministerin</h1>',
            "Trump nominiert Bondi als Justizministerin",
        ),
        (
            og("Trump nominiert Bondi als Justizministerin") + "<title>Trump nominiert Bondi | Blatt</title>",
            '<h3 class="subhead">Feuerwehreinsatz</h3><h1>Trump nominiert Bondi als Justizministerin</h1>',
            "Trump nominiert Bondi als Justizministerin",
        ),
        # A headline that has a colon of its own stays as it is.
        (
            og("Mehrfachantrag: Landwirt klagt gegen die FotoApp"),
            "<h1>Mehrfachantrag: Landwirt klagt gegen die FotoApp</h1>",
            "Mehrfachantrag: Landwirt klagt gegen die FotoApp",
        ),
    ],
)
def test_title_keeps_the_kicker_the_outlet_joins_to_the_headline(
    head: str, header: str, expected: str
) -> None:
    result = extract_document(news(head, header))
    assert result.title == expected
    assert not result.text.startswith(("Nach Gaetz", "Trump nominiert", "Starker Jetstream"))


def ld(**fields: str) -> str:
    return f'<script type="application/ld+json">{json.dumps({"@type": "NewsArticle", **fields})}</script>'


@pytest.mark.parametrize(
    ("head", "header_extra", "expected"),
    [
        # The page's own offset is kept, in winter and in summer, and a page's odd one too.
        (ld(datePublished="2024-11-22T00:30:00+01:00"), "", "2024-11-22T00:30:00+01:00"),
        (ld(datePublished="2024-06-19T08:30:00+02:00"), "", "2024-06-19T08:30:00+02:00"),
        (ld(datePublished="2023-11-01T14:45:36+02:00"), "", "2023-11-01T14:45:36+02:00"),
        # UTC metadata is read in the offset the page shows: its <time> element states it...
        (
            ld(datePublished="2023-11-07T07:28:00+00:00"),
            '<time datetime="2023-11-07T08:28:00+01:00">07.11.2023</time>',
            "2023-11-07T08:28:00+01:00",
        ),
        # ... or, with no offset of its own, Berlin time: 23:30 UTC is the next local day.
        (ld(datePublished="2024-11-21T23:30:00Z"), "", "2024-11-22T00:30:00+01:00"),
        (ld(datePublished="2019-05-08T05:30:23Z"), "", "2019-05-08T07:30:23+02:00"),
        # The shown local time labelled as UTC in the metadata is a slip: the shown time wins.
        (
            ld(datePublished="2019-03-19T11:45:00+00:00"),
            "<time>19.03.2019 11:45</time>",
            "2019-03-19T11:45:00+01:00",
        ),
        (
            ld(datePublished="2014-05-14T15:40:14+00:00")
            + '<meta property="article:published_time" content="2014-05-14T15:40:14+02:00">',
            "",
            "2014-05-14T15:40:14+02:00",
        ),
        # ... but not a <time> text that only renders its own UTC attribute (a UTC server).
        (
            ld(datePublished="2023-04-28T17:52:31Z"),
            '<time datetime="Fri Apr 28 2023 17:52:31 GMT+0000">28.04.2023 | 17:52 Uhr</time>',
            "2023-04-28T19:52:31+02:00",
        ),
        # A naive time is Berlin time.
        ('<meta name="date" content="2019-06-20T07:30:00">', "", "2019-06-20T07:30:00+02:00"),
    ],
)
def test_published_is_in_the_pages_own_offset(head: str, header_extra: str, expected: str) -> None:
    result = extract_document(
        news(head, "<h1>Trump nominiert Bondi als Justizministerin</h1>" + header_extra)
    )
    assert result.published is not None and not result.published_date_only
    assert result.published.isoformat() == expected
    assert result.published.utcoffset() == datetime.fromisoformat(expected).utcoffset()


def test_a_date_without_time_stays_a_date() -> None:
    result = extract_document(news('<meta property="og:article:published_time" content="2023-11-06">'))
    assert result.published_date_only
    assert result.published is not None and result.published.date() == date(2023, 11, 6)
    assert result.published.utcoffset() is not None and result.published.isoformat().startswith(
        "2023-11-06T00:00"
    )


def test_utc_midnight_is_a_date_not_the_evening_before() -> None:
    result = extract_document(news(ld(datePublished="2024-11-22T00:00:00Z")))
    assert result.published_date_only
    assert result.published is not None and result.published.isoformat() == "2024-11-22T00:00:00+01:00"


def test_a_date_without_time_takes_the_time_the_page_shows_that_day() -> None:
    header = "<p>Stand: 19.10.2019 11:05 Uhr</p><h1>Trump nominiert Bondi als Justizministerin</h1>"
    result = extract_document(news('<meta name="date" content="2019-10-19">', header))
    assert not result.published_date_only
    assert result.published is not None and result.published.isoformat() == "2019-10-19T11:05:00+02:00"
    # The first <time> element is the article's; a later one (a teaser's) is not.
    header = '<h1>Trump nominiert Bondi als Justizministerin</h1><time datetime="2019-10-19T09:15:00+02:00">heute</time>'
    result = extract_document(news('<meta name="date" content="2019-10-19">', header))
    assert result.published is not None and result.published.isoformat() == "2019-10-19T09:15:00+02:00"
    teaser = '<aside><time datetime="2019-10-19T09:15:00+02:00">heute</time></aside>'
    result = extract_document(
        news('<meta name="date" content="2019-10-19">', "<time>19.10.2019</time>", BODY + teaser)
    )
    assert result.published_date_only
    # A time shown for another day is not this article's.
    header = "<p>Stand: 18.10.2019 11:05 Uhr</p><h1>Trump nominiert Bondi als Justizministerin</h1>"
    result = extract_document(news('<meta name="date" content="2019-10-19">', header))
    assert result.published_date_only and result.published is not None
    assert result.published.date() == date(2019, 10, 19)


GERMAN_LINES = [
    "Der russische Präsident Wladimir Putin ist am Mittwoch zu einem Staatsbesuch in Nordkorea eingetroffen.",
    "Nach Angaben der Staatsmedien wurde er am Flughafen von Machthaber Kim Jong Un persönlich empfangen.",
    "Beide Seiten wollen einen Vertrag über eine umfassende strategische Partnerschaft unterzeichnen.",
]


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["Видео по теме", *GERMAN_LINES], GERMAN_LINES),
        (["Видео по теме:", "Путин прибыл в Пхеньян", *GERMAN_LINES], GERMAN_LINES),
        (["فيديو", *GERMAN_LINES, "相关视频"], GERMAN_LINES),
        (["Watch:", *GERMAN_LINES, "Read more"], GERMAN_LINES),
        ([*GERMAN_LINES, "Sign up for our newsletter"], GERMAN_LINES),
        # Kept: a Cyrillic name inside the article, a first line that only quotes one, an
        # English title inside a German line, a short German line.
        (
            [GERMAN_LINES[0], "Die Zeitung „Известия“ schrieb, der Besuch sei historisch.", GERMAN_LINES[1]],
            [GERMAN_LINES[0], "Die Zeitung „Известия“ schrieb, der Besuch sei historisch.", GERMAN_LINES[1]],
        ),
        (
            ["Путин (Wladimir Putin) trifft Kim Jong Un in Pjöngjang zu einem Gipfel", *GERMAN_LINES],
            ["Путин (Wladimir Putin) trifft Kim Jong Un in Pjöngjang zu einem Gipfel", *GERMAN_LINES],
        ),
        (["Die Serie „The Crown“ endet", *GERMAN_LINES], ["Die Serie „The Crown“ endet", *GERMAN_LINES]),
        (["Am See", *GERMAN_LINES], ["Am See", *GERMAN_LINES]),
    ],
)
def test_furniture_lines_at_the_edges_are_dropped(lines: list[str], expected: list[str]) -> None:
    assert _without_edge_furniture("\n\n".join(lines), "de") == "\n\n".join(expected)


def test_an_article_in_another_language_or_script_keeps_its_lines() -> None:
    english = [
        "Publishing magnate Steve Forbes tells the Swiss weekly that the presidency has hurt Trump.",
        "Read more about the interview in the print edition of the magazine this week.",
        "The new headquarters was opened a few years ago, across the river in Jersey City.",
    ]
    assert _without_edge_furniture("\n\n".join(english), "de") == "\n\n".join(english)
    russian = ["Путин прибыл в Пхеньян.", "Он встретился с Ким Чен Ыном в аэропорту.", "Read more"]
    assert _without_edge_furniture("\n\n".join(russian), "ru") == "\n\n".join(russian[:2])
    assert _without_edge_furniture("Видео по теме", "de") == "Видео по теме"  # never empties the text


def test_extraction_drops_a_leading_line_in_another_script() -> None:
    body = "<p>Видео по теме</p>" + "".join(f"<p>{line}</p>" for line in GERMAN_LINES * 2)
    result = extract_document(news(body=body))
    assert result.text.startswith(GERMAN_LINES[0])
    assert "Видео" not in result.text


def test_extract_html_prints_the_pages_offset_or_a_bare_date() -> None:
    from ingest.management.commands.extract_html import _published

    local = datetime.fromisoformat("2024-11-22T00:30:00+01:00")
    assert _published(ExtractedArticle(published=local)) == "2024-11-22T00:30:00+01:00"
    midnight = datetime.fromisoformat("2024-11-22T00:00:00+01:00")
    assert _published(ExtractedArticle(published=midnight, published_date_only=True)) == "2024-11-22"
    assert _published(ExtractedArticle()) is None
