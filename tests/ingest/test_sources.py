"""Sources fetched from a real local HTTP server: feeds become articles, failures are visible."""

import gzip
from datetime import timedelta

import pytest
from django.utils import timezone

from ingest import services
from ingest.models import Article, FetchLog, Source
from tests.ingest.conftest import GERMAN_PARAGRAPHS, article_html, rss

pytestmark = pytest.mark.django_db


def test_it_turns_feed_items_into_articles(server, make_source, django_capture_on_commit_callbacks):
    server.add(
        "/feed.xml", body=rss(server.url("/a/1"), server.url("/a/2")), content_type="application/rss+xml"
    )
    source = make_source(server.url("/feed.xml"))

    with django_capture_on_commit_callbacks() as callbacks:
        outcome = services.source_fetch(source)

    assert len(outcome.new_article_ids) == 2
    assert sorted(Article.objects.values_list("title", flat=True)) == ["Artikel 0", "Artikel 1"]
    assert len(callbacks) == 2  # one fetch_article task per new article, after commit
    log = FetchLog.objects.get(source=source)
    assert (log.outcome, log.status_code, log.items_found, log.items_new) == ("ok", 200, 2, 2)
    source.refresh_from_db()
    assert source.consecutive_failures == 0 and source.last_outcome == "ok"
    assert source.next_fetch_at > timezone.now() + timedelta(minutes=25)


def test_urls_differing_only_in_tracking_parameters_are_one_article(server, make_source):
    links = [
        server.url("/a/1?utm_source=rss&utm_medium=feed"),
        server.url("/a/1?fbclid=abc"),
        server.url("/a/1#kommentare"),
        server.url("/a/1"),
    ]
    server.add("/feed.xml", body=rss(*links), content_type="application/rss+xml")

    services.source_fetch(make_source(server.url("/feed.xml")))
    services.source_fetch(Source.objects.get())  # and again: nothing new

    assert list(Article.objects.values_list("canonical_url", flat=True)) == [server.url("/a/1")]


def test_it_uses_conditional_get(server, make_source):
    def handler(request):
        from tests.ingest.httpserver import Response

        if request.headers.get("if-none-match") == '"v1"':
            return Response(status=304, body=b"", content_type=None)
        return Response(
            body=rss(server.url("/a/1")), content_type="application/rss+xml", headers={"ETag": '"v1"'}
        )

    server.add_handler("/feed.xml", handler)
    source = make_source(server.url("/feed.xml"))
    services.source_fetch(source)
    source.refresh_from_db()
    assert source.etag == '"v1"'

    outcome = services.source_fetch(source)
    assert outcome.log.outcome == "not_modified"
    source.refresh_from_db()
    assert source.last_outcome == "not_modified" and source.etag == '"v1"'


def test_it_fetches_unconditionally_once_a_day(server, make_source):
    server.add(
        "/feed.xml", body=rss(server.url("/a/1")), content_type="application/rss+xml", headers={"ETag": '"x"'}
    )
    source = make_source(
        server.url("/feed.xml"), etag='"x"', last_unconditional_at=timezone.now() - timedelta(days=2)
    )
    services.source_fetch(source)
    assert "if-none-match" not in server.requests[-1].headers
    source.refresh_from_db()
    assert source.last_unconditional_at > timezone.now() - timedelta(minutes=1)


BAD_FEEDS = {
    "malformed XML": (200, b"<rss><channel><item><title>x</title></channel>", "application/rss+xml"),
    "HTML served as a feed": (200, b"<!doctype html><html><body><p>Hallo</p></body></html>", "text/html"),
    "empty body": (200, b"", "application/rss+xml"),
    "binary": (200, bytes(range(256)) * 40, "application/octet-stream"),
    "404": (404, b"not found", "text/plain"),
    "500": (500, b"oops", "text/plain"),
}


@pytest.mark.parametrize("case", list(BAD_FEEDS))
def test_bad_feeds_give_a_clear_error_and_change_nothing_stored(case, server, make_source):
    status, body, content_type = BAD_FEEDS[case]
    server.add("/feed.xml", status=status, body=body, content_type=content_type)
    source = make_source(server.url("/feed.xml"), etag='"old"')
    kept = Article.objects.create(
        url="https://example.org/kept", canonical_url="https://example.org/kept", text="Alt"
    )

    outcome = services.source_fetch(source)

    assert outcome.log.outcome == "error"
    assert outcome.log.error, case
    source.refresh_from_db()
    assert source.last_outcome == "error" and source.last_error == outcome.log.error
    assert source.consecutive_failures == 1 and source.etag == '"old"'
    assert source.next_fetch_at > timezone.now()
    kept.refresh_from_db()
    assert kept.text == "Alt" and Article.objects.count() == 1


def test_a_huge_body_is_aborted(server, make_source, settings):
    settings.INGEST_MAX_BYTES = 1024 * 1024
    chunk = b"<item>" + b"x" * 65530
    server.add("/feed.xml", body=(chunk for _ in range(800)), content_type="application/rss+xml")  # 50 MB
    outcome = services.source_fetch(make_source(server.url("/feed.xml")))
    assert outcome.log.error_kind == "too_large"
    assert "1 MB" in outcome.log.error or "1.0 MB" in outcome.log.error


def test_a_gzip_bomb_is_aborted(server, make_source, settings):
    settings.INGEST_MAX_BYTES = 1024 * 1024
    bomb = gzip.compress(b"\0" * (64 * 1024 * 1024))
    server.add(
        "/feed.xml", body=bomb, content_type="application/rss+xml", headers={"Content-Encoding": "gzip"}
    )
    outcome = services.source_fetch(make_source(server.url("/feed.xml")))
    assert outcome.log.error_kind in ("bomb", "too_large")


def test_a_hanging_server_times_out(server, make_source):
    from tests.ingest.httpserver import Response

    def hang(request):
        server.stopping.wait(10)
        return Response(body=b"")

    server.add_handler("/feed.xml", hang)
    outcome = services.source_fetch(make_source(server.url("/feed.xml")))
    assert outcome.log.error_kind == "timeout"


def test_a_redirect_loop_is_reported(server, make_source):
    server.redirect("/a", "/b")
    server.redirect("/b", "/a")
    outcome = services.source_fetch(make_source(server.url("/a")))
    assert outcome.log.error_kind == "redirect"


def test_robots_txt_is_respected(server, make_source):
    server.add("/robots.txt", body=b"User-agent: *\nDisallow: /private/\n")
    server.add("/private/feed.xml", body=rss(server.url("/a/1")), content_type="application/rss+xml")
    outcome = services.source_fetch(make_source(server.url("/private/feed.xml")))
    assert outcome.log.error_kind == "robots"
    assert server.hits("/private/feed.xml") == 0


def test_private_addresses_are_refused(make_source):
    outcome = services.source_fetch(make_source("http://10.0.0.1/feed.xml"))
    assert outcome.log.error_kind == "ssrf"


def test_429_with_retry_after_is_honoured(server, make_source):
    server.add("/feed.xml", status=429, body=b"slow down", headers={"Retry-After": "7200"})
    source = make_source(server.url("/feed.xml"))
    services.source_fetch(source)
    source.refresh_from_db()
    assert source.next_fetch_at >= timezone.now() + timedelta(seconds=7100)


def test_410_gone_pauses_the_source_at_once(server, make_source):
    server.add("/feed.xml", status=410, body=b"gone")
    source = make_source(server.url("/feed.xml"))
    services.source_fetch(source)
    source.refresh_from_db()
    assert source.is_paused and "410" in source.paused_reason
    assert Source.objects.due(timezone.now() + timedelta(days=30)).count() == 0


def test_repeated_failures_back_off_then_pause(server, make_source, settings):
    settings.SOURCE_MAX_FAILURES = 3
    server.add("/feed.xml", status=500, body=b"oops")
    source = make_source(server.url("/feed.xml"), interval_minutes=30)
    delays = []
    for _ in range(3):
        before = timezone.now()
        services.source_fetch(source)
        source.refresh_from_db()
        delays.append((source.next_fetch_at - before).total_seconds() / 60)
    # 30, 60, 120 minutes, each with up to 10 % jitter
    assert 26 < delays[0] < 34 and 53 < delays[1] < 67 and 107 < delays[2] < 133
    assert source.is_paused and "3 failures in a row" in source.paused_reason

    services.source_resume(source)
    source.refresh_from_db()
    assert not source.is_paused and source.consecutive_failures == 0
    assert Source.objects.due().filter(pk=source.pk).exists()


def test_backoff_is_capped_at_48_hours(server, make_source, settings):
    settings.SOURCE_MAX_FAILURES = 100
    server.add("/feed.xml", status=503, body=b"down")
    source = make_source(server.url("/feed.xml"), interval_minutes=600, consecutive_failures=20)
    services.source_fetch(source)
    source.refresh_from_db()
    assert source.next_fetch_at <= timezone.now() + timedelta(hours=48 * 1.1)


def test_the_dispatcher_claims_each_due_source_once(make_source):
    due = make_source("http://127.0.0.1:1/due.xml", next_fetch_at=timezone.now() - timedelta(minutes=1))
    make_source("http://127.0.0.1:1/later.xml", next_fetch_at=timezone.now() + timedelta(hours=1))
    make_source("http://127.0.0.1:1/paused.xml", paused_reason="kaputt")
    make_source("http://127.0.0.1:1/off.xml", active=False)

    assert services.sources_claim_due() == [due.pk]
    assert services.sources_claim_due() == []  # claimed: not sent twice


def test_a_page_source_is_one_article(server, make_source, django_capture_on_commit_callbacks, eager_tasks):
    server.add(
        "/seite",
        body=article_html("Putin in Pjöngjang", GERMAN_PARAGRAPHS).encode(),
        content_type="text/html",
    )
    source = make_source(server.url("/seite"), kind=Source.Kind.PAGE)
    with django_capture_on_commit_callbacks(execute=True):
        services.source_fetch(source)
    article = Article.objects.get()
    assert article.status == Article.Status.ANALYZED  # extracted, then analysed (tasks run inline)
    assert article.title == "Putin in Pjöngjang"
    assert "Kim Jong Un empfing ihn" in article.text


def test_a_sitemap_index_is_followed(server, make_source):
    index = (
        '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{server.url('/news.xml')}</loc></sitemap></sitemapindex>"
    ).encode()
    news = (
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
        f"<url><loc>{server.url('/a/7')}</loc><news:news><news:title>Gipfel in Pjöngjang</news:title>"
        "<news:publication_date>2024-06-19T08:00:00+02:00</news:publication_date></news:news></url></urlset>"
    ).encode()
    server.add("/sitemap.xml", body=index, content_type="application/xml")
    server.add("/news.xml", body=news, content_type="application/xml")
    services.source_fetch(make_source(server.url("/sitemap.xml"), kind=Source.Kind.SITEMAP))
    article = Article.objects.get()
    assert article.title == "Gipfel in Pjöngjang" and article.published_at is not None


def test_a_feed_whose_pages_declare_another_canonical_never_recreates_them(server, make_source):
    """Items are checked against every address an article is known by (feed link, final URL,
    canonical URL): polling again creates nothing and downloads no page again."""
    from tests.ingest.conftest import GERMAN_PARAGRAPHS, article_html

    links = [server.url(f"/feed-link/{n}") for n in range(3)]
    for n in range(len(links)):
        paragraphs = [f"Meldung {n}: " + GERMAN_PARAGRAPHS[n], *GERMAN_PARAGRAPHS]
        html = article_html(f"Artikel {n}", paragraphs, canonical=f"https://www.example.org/artikel-{n}")
        server.add(f"/feed-link/{n}", body=html.encode(), content_type="text/html")
    server.add("/feed.xml", body=rss(*links), content_type="application/rss+xml")
    source = make_source(server.url("/feed.xml"))

    for _ in range(3):
        for pk in services.source_fetch(Source.objects.get(pk=source.pk)).new_article_ids:
            article = Article.objects.get(pk=pk)
            Article.objects.filter(pk=pk).update(status=Article.Status.FETCHING)
            article.status = Article.Status.FETCHING
            services.article_fetch(article)
            services.article_extract(Article.objects.get(pk=pk))

    assert Article.objects.count() == 3
    assert sorted(Article.objects.values_list("canonical_url", flat=True)) == [
        f"https://www.example.org/artikel-{n}" for n in range(3)
    ]
    assert {a.status for a in Article.objects.all()} == {Article.Status.EXTRACTED}
    page_requests = [r for r in server.requests if r.path.startswith("/feed-link/")]
    assert len(page_requests) == 3


def test_fetch_now_sends_one_fetch_and_the_dispatcher_none(make_source, django_capture_on_commit_callbacks):
    source = make_source("https://example.org/feed.xml")
    with django_capture_on_commit_callbacks() as callbacks:
        services.source_fetch_now(source)
    assert len(callbacks) == 1
    assert services.sources_claim_due() == []  # the dispatcher does not send it a second time


def test_concurrent_failures_are_all_counted(server, make_source):
    """Two fetches of a source failing at once (a stale copy each) count two failures."""
    server.add("/feed.xml", body=b"down", status=503)
    source = make_source(server.url("/feed.xml"))
    first, second = Source.objects.get(pk=source.pk), Source.objects.get(pk=source.pk)
    services.source_fetch(first)
    services.source_fetch(second)
    source.refresh_from_db()
    assert source.consecutive_failures == 2
