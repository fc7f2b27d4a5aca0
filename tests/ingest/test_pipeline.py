"""End to end: a source on a local HTTP server that serves real German news pages, fetched
by a real Celery worker through real Redis, fills the database with correct articles."""

import json
import re

import pytest
from django.conf import settings
from django.utils import timezone

from ingest.models import Article, FetchLog, Outlet, Source
from ingest.tasks import dispatch_due_sources
from tests.conftest import SHARED, wait_for
from tests.ingest.conftest import rss

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

HTML_DIR = SHARED / "corpus" / "html"
PAGES = [
    "de-fundus-Tagesschau_2023_04_28",
    "de-fundus-SZ_2024_09_30",
    "de-fundus-NTV_2024_08_05",
    "de-fundus-FAZ_2025_04_15",
    "de-fundus-DieZeit_2023_04_28",
]


def normalized(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


@pytest.mark.skipif(not HTML_DIR.exists(), reason="../shared/corpus is not on this machine")
def test_a_feed_of_real_pages_fills_the_database_through_a_real_worker(celery_worker_process, server):
    golds = {}
    for page in PAGES:
        server.add(
            f"/artikel/{page}", body=(HTML_DIR / f"{page}.html").read_bytes(), content_type="text/html"
        )
        golds[server.url(f"/artikel/{page}")] = json.loads((HTML_DIR / "gold" / f"{page}.json").read_text())
    # The feed lists every page twice: once with tracking parameters.
    links = [*golds, *(f"{url}?utm_source=feed&utm_medium=rss" for url in golds)]
    server.add("/feed.xml", body=rss(*links), content_type="application/rss+xml; charset=utf-8")
    outlet = Outlet.objects.create(name="Testkurier", domain="127.0.0.1", country="DE")
    source = Source.objects.create(
        outlet=outlet, name="Testkurier RSS", url=server.url("/feed.xml"), next_fetch_at=timezone.now()
    )

    dispatch_due_sources.delay()  # as beat does every minute

    done = (Article.Status.ANALYZED, Article.Status.DUPLICATE, Article.Status.FAILED)
    wait_for(
        lambda: (
            Article.objects.count() == len(PAGES) and not Article.objects.exclude(status__in=done).exists()
        ),
        timeout=180,
        message="the worker to fetch, extract and analyse every article",
    )
    for article in Article.objects.all():
        gold = golds[article.url]
        # Fetched, extracted, then analysed by the German pipeline on the nlp queue.
        assert article.status == Article.Status.ANALYZED, (article.url, article.error)
        assert article.mentions.exists()
        assert normalized(article.title) == normalized(gold["title"])
        first_paragraph = gold["body"]["sections"][0]["paragraphs"][0]
        assert normalized(first_paragraph[:120]) in normalized(article.text)
        assert article.source == source and article.outlet == outlet
        assert article.fetched_at and article.html
    source.refresh_from_db()
    assert source.last_outcome == "ok" and source.next_fetch_at > timezone.now()
    assert FetchLog.objects.filter(source=source, article__isnull=True, outcome="ok").count() == 1
    assert FetchLog.objects.filter(article__isnull=False, outcome="ok").count() == len(PAGES)
    assert server.hits("/feed.xml") == 1


FEEDS_DIR = SHARED / "corpus" / "feeds"
SPIEGEL_FEED = FEEDS_DIR / "de-spiegel-schlagzeilen-2015-03.xml"


def test_the_tests_read_the_corpus_the_portal_imports():
    """The end-to-end tests skip when the corpus is missing, so a wrong SHARED would skip them
    silently: it must be the folder the portal's own commands read (import_corpus)."""
    assert settings.BASE_DIR.parent / "shared" == SHARED
    if not SHARED.exists():
        pytest.skip("../shared is not on this machine")
    needed = [
        SPIEGEL_FEED,
        *(HTML_DIR / f"{p}.html" for p in PAGES),
        *(HTML_DIR / "gold" / f"{p}.json" for p in PAGES),
    ]
    assert [path for path in needed if not path.is_file()] == []


@pytest.mark.skipif(not FEEDS_DIR.exists(), reason="../shared/corpus is not on this machine")
def test_a_real_shared_feed_flows_through_the_worker(celery_worker_process, server):
    """SPIEGEL's ISO-8859-1 RSS of 30 items, its links pointed at the local server, where
    each item answers with one of five real pages: five articles, 25 duplicates of them."""
    feed = SPIEGEL_FEED.read_bytes()
    feed = feed.replace(b"http://www.spiegel.de", server.base_url.encode())
    paths = sorted(
        set(re.findall(rb"<link>" + re.escape(server.base_url.encode()) + rb"(/[^<#]+\.html)", feed))
    )
    assert len(paths) == 30
    for n, path in enumerate(paths):
        page = HTML_DIR / f"{PAGES[n % len(PAGES)]}.html"
        server.add(path.decode(), body=page.read_bytes(), content_type="text/html; charset=utf-8")
    server.add("/feed.xml", body=feed, content_type="application/rss+xml")  # charset only in the XML
    outlet = Outlet.objects.create(name="SPIEGEL (Test)", domain="127.0.0.1", country="DE")
    Source.objects.create(
        outlet=outlet, name="Schlagzeilen", url=server.url("/feed.xml"), next_fetch_at=timezone.now()
    )

    dispatch_due_sources.delay()

    done = (Article.Status.ANALYZED, Article.Status.DUPLICATE, Article.Status.FAILED)
    wait_for(
        lambda: Article.objects.count() == 30 and not Article.objects.exclude(status__in=done).exists(),
        timeout=240,
        message="30 articles fetched, extracted and analysed",
    )
    extracted = Article.objects.filter(status=Article.Status.ANALYZED)
    assert extracted.count() == len(PAGES)
    assert Article.objects.filter(status=Article.Status.DUPLICATE, duplicate_of__in=extracted).count() == 25
    titles = {normalized(json.loads((HTML_DIR / "gold" / f"{p}.json").read_text())["title"]) for p in PAGES}
    assert {normalized(a.title) for a in extracted} == titles
