"""Articles: fetched from a local server, extracted, deduplicated, re-processed."""

import json
from io import StringIO

import pytest
from django.contrib.postgres.search import SearchQuery
from django.core.management import call_command

from ingest import services
from ingest.extraction import extract_document
from ingest.models import Article, FetchLog, Outlet
from portal.roles import ANALYST
from tests.factories import login, user
from tests.ingest.conftest import GERMAN_PARAGRAPHS, article_html

pytestmark = pytest.mark.django_db


def fetch_and_extract(article: Article) -> Article:
    """The fetch and extract steps as the tasks run them, without a worker."""
    Article.objects.filter(pk=article.pk).update(status=Article.Status.FETCHING)
    article.refresh_from_db()
    services.article_fetch(article)
    article.refresh_from_db()
    if article.status == Article.Status.FETCHED:
        Article.objects.filter(pk=article.pk).update(status=Article.Status.EXTRACTING)
        article.refresh_from_db()
        services.article_extract(article)
        article.refresh_from_db()
    return article


def submit(url: str) -> Article:
    article, _ = services.article_submit_url(url)
    return article


def test_it_fetches_and_extracts_an_article(server, outlet):
    html = article_html("Putin besucht Kim in Pjöngjang", GERMAN_PARAGRAPHS, byline="Von Anna Beispiel (dpa)")
    server.add("/politik/putin", body=html.encode(), content_type="text/html; charset=utf-8")

    article = fetch_and_extract(submit(server.url("/politik/putin?utm_campaign=x")))

    assert article.status == Article.Status.EXTRACTED, article.error
    assert article.outlet == outlet
    assert article.title == "Putin besucht Kim in Pjöngjang"
    assert "Kim Jong Un empfing ihn am Flughafen" in article.text
    assert "Impressum" not in article.text
    assert article.published_at.isoformat() == "2024-06-19T06:30:00+00:00"
    assert article.language == "de"
    assert "dpa" in article.wire_agencies
    assert article.html.startswith(b"<!doctype html>")  # raw page kept, compressed
    assert Article.objects.filter(search_vector=SearchQuery("Pjöngjangs", config="german")).exists()


def test_a_page_that_gives_only_a_day_is_stored_and_shown_as_a_day(server, outlet, client):
    """No invented "00:00": the day is kept as the page's local midnight and marked date-only;
    the article page and the lists show the day alone. A later page with a time clears it."""
    html = article_html("Putin besucht Kim", GERMAN_PARAGRAPHS).replace(
        "2024-06-19T08:30:00+02:00", "2024-06-19"
    )
    server.add("/politik/tag", body=html.encode(), content_type="text/html; charset=utf-8")

    article = fetch_and_extract(submit(server.url("/politik/tag")))

    assert article.status == Article.Status.EXTRACTED, article.error
    assert article.published_date_only
    assert article.published_at.isoformat() == "2024-06-18T22:00:00+00:00"  # Berlin midnight
    login(client, user(ANALYST, "anna"))
    page = client.get(f"/articles/{article.pk}/").content.decode()
    assert "19.06.2024" in page and "19.06.2024 00:00" not in page
    listed = client.get("/articles/").content.decode()
    assert "19.06.2024" in listed and "19.06.2024 00:00" not in listed

    services.article_store_extracted(article, extraction_with_time(html), find_duplicates=False)
    article.refresh_from_db()
    assert not article.published_date_only
    assert "19.06.2024 08:30" in client.get(f"/articles/{article.pk}/").content.decode()


def extraction_with_time(html: str):
    timed = html.replace('content="2024-06-19"', 'content="2024-06-19T08:30:00+02:00"')
    return extract_document(timed, "https://example.org/x")


def test_iso_8859_1_umlauts_survive_a_missing_charset(server, db):
    html = article_html("Gespräche über Nordkorea", GERMAN_PARAGRAPHS).replace('<meta charset="utf-8">', "")
    server.add("/alt", body=html.encode("iso-8859-1"), content_type="text/html")
    article = fetch_and_extract(submit(server.url("/alt")))
    assert article.title == "Gespräche über Nordkorea"
    assert "Pjöngjang" in article.text


def test_a_404_fails_the_article_with_a_visible_error(server, db):
    article = fetch_and_extract(submit(server.url("/gibt-es-nicht")))
    assert article.status == Article.Status.FAILED
    assert "404" in article.error
    assert FetchLog.objects.get(article=article).status_code == 404


def test_a_500_is_retried_later(server, db):
    server.add("/wackelt", status=500, body=b"oops")
    article = submit(server.url("/wackelt"))
    Article.objects.filter(pk=article.pk).update(status=Article.Status.FETCHING)
    article.refresh_from_db()
    outcome = services.article_fetch(article)
    article.refresh_from_db()
    assert outcome.retry and article.status == Article.Status.DISCOVERED and article.attempts == 1


@pytest.mark.parametrize(
    "body,content_type",
    [
        (bytes(range(256)) * 100, "application/octet-stream"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 5000, "image/png"),
    ],
    ids=["octet-stream", "png"],
)
def test_binary_content_is_refused(server, db, body, content_type):
    server.add("/binary", body=body, content_type=content_type)
    article = fetch_and_extract(submit(server.url("/binary")))
    assert article.status == Article.Status.FAILED and "content type" in article.error


def test_a_failed_refetch_keeps_the_stored_text(server, db):
    server.add("/a", body=article_html("Erste Fassung", GERMAN_PARAGRAPHS).encode(), content_type="text/html")
    article = fetch_and_extract(submit(server.url("/a")))
    server.add("/a", status=500, body=b"oops")
    Article.objects.filter(pk=article.pk).update(status=Article.Status.FETCHING)
    article.refresh_from_db()
    services.article_fetch(article)
    article.refresh_from_db()
    assert article.title == "Erste Fassung" and "Pjöngjang" in article.text and article.html


def test_wire_copies_in_two_outlets_share_a_near_duplicate_group(server, db):
    Outlet.objects.create(name="Kurier A", domain="a.example")
    first = Article.objects.create(url="https://a.example/1", canonical_url="https://a.example/1")
    second = Article.objects.create(url="https://b.example/2", canonical_url="https://b.example/2")
    copy = [*GERMAN_PARAGRAPHS[:2], GERMAN_PARAGRAPHS[2] + " Weitere Einzelheiten wurden nicht bekannt."]
    for article, paragraphs in ((first, GERMAN_PARAGRAPHS), (second, copy)):
        services.article_store_file(
            body=article_html("Putin in Nordkorea", paragraphs).encode(), url=article.url, source=None
        )
        Article.objects.filter(pk=article.pk).update(status=Article.Status.EXTRACTING)
        services.article_extract(Article.objects.get(pk=article.pk))
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.near_duplicate_group == second.near_duplicate_group == first.pk


def test_rel_canonical_pointing_at_a_known_article_marks_a_duplicate(server, db):
    known = Article.objects.create(
        url="https://www.example.org/putin", canonical_url="https://www.example.org/putin"
    )
    html = article_html("Putin", GERMAN_PARAGRAPHS, canonical="https://www.example.org/putin?utm_source=x")
    server.add("/amp/putin", body=html.encode(), content_type="text/html")
    article = fetch_and_extract(submit(server.url("/amp/putin")))
    assert article.status == Article.Status.DUPLICATE and article.duplicate_of == known


def test_reprocess_changes_nothing_that_was_right(server, db):
    server.add("/a", body=article_html("Gipfel", GERMAN_PARAGRAPHS).encode(), content_type="text/html")
    article = fetch_and_extract(submit(server.url("/a")))
    fields = [
        "title",
        "text",
        "authors",
        "published_at",
        "content_hash",
        "simhash",
        "canonical_url",
        "status",
    ]
    before = Article.objects.values(*fields).get(pk=article.pk)

    out = StringIO()
    call_command("reprocess", stdout=out)
    call_command("reprocess", "--since", "2000-01-01", stdout=out)

    assert Article.objects.values(*fields).get(pk=article.pk) == before
    assert "text changed  0" in out.getvalue()


def test_extract_html_prints_json_lines(tmp_path):
    page = tmp_path / "seite.html"
    page.write_text(article_html("Putin in Pjöngjang", GERMAN_PARAGRAPHS, byline="Von Anna Beispiel"))
    out = StringIO()
    call_command("extract_html", str(page), str(tmp_path / "fehlt.html"), stdout=out, stderr=StringIO())
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert lines[0]["title"] == "Putin in Pjöngjang"
    assert lines[0]["authors"] == ["Anna Beispiel"]
    assert lines[0]["published"].startswith("2024-06-19T08:30:00")
    assert lines[0]["language"] == "de" and "Kim Jong Un" in lines[0]["text"]
    assert set(lines[0]) >= {"path", "title", "authors", "published", "language", "text"}
    assert "error" in lines[1]


def test_ingest_file_stores_and_extracts(tmp_path, db):
    page = tmp_path / "seite.html"
    page.write_text(article_html("Putin in Pjöngjang", GERMAN_PARAGRAPHS))
    out = StringIO()
    call_command("ingest_file", str(page), "--url", "https://www.example.org/putin?utm_source=x", stdout=out)
    result = json.loads(out.getvalue())
    assert result["status"] == "extracted" and result["url"] == "https://www.example.org/putin"


def test_ingest_url_fetches_now(server, db):
    server.add("/a", body=article_html("Gipfel", GERMAN_PARAGRAPHS).encode(), content_type="text/html")
    out = StringIO()
    call_command("ingest_url", server.url("/a"), stdout=out)
    assert json.loads(out.getvalue())["title"] == "Gipfel"
