"""Scaling out: two workers on the same queues share the work, and nothing is done twice.

README, "Scaling out": more workers on more machines consume the same `fetch` and `nlp`
queues against one PostgreSQL and one Redis. Here a second worker process (another host
name, as on another machine) joins the tests' worker; a feed of pages goes through fetch,
extraction, analysis and clustering, and each page must be downloaded, analysed and
clustered exactly once, with both workers having taken part.
"""

import os
import re

import pytest
from django.utils import timezone

from events.models import ArticleAnalysis, Mention
from ingest.models import Article, FetchLog, Outlet, Source
from ingest.tasks import dispatch_due_sources
from tests.conftest import BASE_DIR, database_url_for_subprocesses, start_worker, stop_process, wait_for
from tests.ingest.conftest import article_html, rss

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

CITIES = [
    "Berlin",
    "Wien",
    "Paris",
    "Warschau",
    "Kiew",
    "Rom",
    "Prag",
    "Madrid",
    "Athen",
    "Oslo",
    "Bern",
    "Riga",
]
SUCCEEDED = re.compile(r"Task ([\w.]+)\[([^\]]+)\] succeeded")


@pytest.fixture
def second_worker(celery_worker_process):
    """Another `celery worker` on the same queues, as a second machine would run it."""
    log = "test-second-worker.log"
    proc = start_worker(f"second-{os.getpid()}@localhost", "fetch,nlp", log, database_url_for_subprocesses())
    try:
        yield BASE_DIR / ".data" / log
    finally:
        stop_process(proc)


def tasks_in(path, offset: int = 0) -> list[tuple[str, str]]:
    """(task name, task id) of every task a worker's log says succeeded, after `offset`."""
    with path.open("rb") as handle:
        handle.seek(offset)
        text = handle.read().decode(errors="replace")
    return SUCCEEDED.findall(text)


def test_two_workers_share_the_queues_and_do_each_step_once(second_worker, server):
    first_log = BASE_DIR / ".data" / "test-worker.log"
    offset = first_log.stat().st_size
    links = []
    for n, city in enumerate(CITIES):
        body = article_html(
            f"Außenminister beraten in {city}",
            [
                f"Die Außenminister der Europäischen Union haben am Montag in {city} über die Lage "
                f"in der Ukraine beraten. Bundeskanzler Olaf Scholz sagte, die Hilfe gehe weiter.",
                f"Der ukrainische Präsident Wolodymyr Selenskyj dankte den Gastgebern in {city}. "
                f"Treffen Nummer {n} endete am Abend.",
            ],
        )
        server.add(f"/artikel/{n}", body=body.encode(), content_type="text/html; charset=utf-8")
        links.append(server.url(f"/artikel/{n}"))
    server.add("/feed.xml", body=rss(*links), content_type="application/rss+xml; charset=utf-8")
    outlet = Outlet.objects.create(name="Testkurier", domain="127.0.0.1", country="DE")
    Source.objects.create(
        outlet=outlet, name="Testkurier RSS", url=server.url("/feed.xml"), next_fetch_at=timezone.now()
    )

    dispatch_due_sources.delay()

    wait_for(
        lambda: ArticleAnalysis.objects.filter(clustered_at__isnull=False).count() == len(CITIES),
        timeout=240,
        message="both workers to fetch, extract, analyse and cluster every page",
    )
    assert Article.objects.count() == len(CITIES)
    assert set(Article.objects.values_list("status", flat=True)) == {Article.Status.ANALYZED}
    # Each page downloaded once, though two workers polled the same queue.
    page_fetches = FetchLog.objects.filter(url__in=links)
    assert page_fetches.count() == len(CITIES)
    # Each article's mentions once: no two analyses wrote side by side.
    for article in Article.objects.all():
        spans = list(Mention.objects.filter(article=article).values_list("start", "end"))
        assert spans and len(spans) == len(set(spans))

    first, second = tasks_in(first_log, offset), tasks_in(second_worker)
    assert first and second, f"both workers take part (first {len(first)} tasks, second {len(second)})"
    ids = [task_id for _, task_id in first + second]
    assert len(ids) == len(set(ids)), "no task ran on both workers"
    analyses = [name for name, _ in first + second if name == "events.tasks.analyze_article"]
    assert len(analyses) == len(CITIES)
