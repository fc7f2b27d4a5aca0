"""The database is the record of pending work: every waiting or running state that is
overdue is sent again, a redelivered task takes its own step over, a poison article ends
as FAILED with its reason, and a broker outage never turns a good article into FAILED."""

from datetime import timedelta

import pytest
from django.db import OperationalError
from django.utils import timezone

from ingest import pipeline, services
from ingest.models import Article
from ingest.tasks import extract_article, fetch_article, sweep_pipeline
from tests.ingest.conftest import GERMAN_PARAGRAPHS, article_html

pytestmark = pytest.mark.django_db
S = Article.Status


def article(status: str, *, age: timedelta, **fields) -> Article:
    row = Article.objects.create(
        url=f"https://example.org/{Article.objects.count()}",
        canonical_url=f"https://example.org/{Article.objects.count()}",
        status=status,
        **fields,
    )
    Article.objects.filter(pk=row.pk).update(updated_at=timezone.now() - age)
    row.refresh_from_db()
    return row


@pytest.fixture
def sent(monkeypatch):
    """The tasks the sweep sends, by name, instead of a broker."""
    calls = []

    def record(task, *args):
        calls.append((task.name.rsplit(".", 1)[-1], *args))
        return True

    monkeypatch.setattr(pipeline, "send", record)
    return calls


@pytest.fixture
def analysis_requests():
    """Who the pipeline asks to analyse (events listens to this signal)."""
    from ingest.signals import article_extracted

    asked = []

    def receiver(sender, article_id, **kwargs):
        asked.append(article_id)

    article_extracted.connect(receiver, weak=False, dispatch_uid="test-sweep")
    yield asked
    article_extracted.disconnect(dispatch_uid="test-sweep")


STALE_WAIT = timedelta(minutes=25)  # PIPELINE_STALE_WAITING_SECONDS is 20 min
STALE_RUN = timedelta(minutes=15)  # PIPELINE_STALE_RUNNING_SECONDS is 12 min


@pytest.mark.parametrize(
    ("status", "task"),
    [(S.DISCOVERED, "fetch_article"), (S.FETCHED, "extract_article")],
)
def test_a_waiting_article_whose_message_was_lost_is_sent_again(
    status, task, sent, django_capture_on_commit_callbacks
):
    lost = article(status, age=STALE_WAIT)
    fresh = article(status, age=timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        result = pipeline.sweep()
    assert sent == [(task, lost.pk)]
    assert result.resent == {status: 1}
    lost.refresh_from_db()
    assert lost.status == status and lost.updated_at > timezone.now() - timedelta(minutes=1)
    assert fresh.pk not in [call[1] for call in sent]


def test_an_extracted_article_is_announced_to_analysis_again(
    sent, analysis_requests, django_capture_on_commit_callbacks
):
    lost = article(S.EXTRACTED, age=STALE_WAIT)
    with django_capture_on_commit_callbacks(execute=True):
        pipeline.sweep()
    assert analysis_requests == [lost.pk]


@pytest.mark.parametrize(
    ("running", "back_to", "task"),
    [
        (S.FETCHING, S.DISCOVERED, "fetch_article"),
        (S.EXTRACTING, S.FETCHED, "extract_article"),
        (S.ANALYZING, S.EXTRACTED, None),
    ],
)
def test_a_step_whose_worker_died_goes_back_and_counts_a_restart(
    running, back_to, task, sent, analysis_requests, django_capture_on_commit_callbacks
):
    stuck = article(running, age=STALE_RUN, task_id="dead-task")
    busy = article(running, age=timedelta(minutes=2), task_id="live-task")
    with django_capture_on_commit_callbacks(execute=True):
        result = pipeline.sweep()
    stuck.refresh_from_db()
    busy.refresh_from_db()
    assert (stuck.status, stuck.restarts, stuck.task_id) == (back_to, 1, "")
    assert busy.status == running  # still within its time limit: left alone
    assert result.restarted == {running: 1}
    if task:
        assert sent == [(task, stuck.pk)]
    else:
        assert analysis_requests == [stuck.pk]


def test_an_article_that_keeps_killing_its_worker_ends_failed_with_the_reason(settings, sent):
    settings.PIPELINE_MAX_RESTARTS = 3
    poison = article(S.ANALYZING, age=STALE_RUN, restarts=2, error="analysis failed: MemoryError")
    result = pipeline.sweep()
    poison.refresh_from_db()
    assert result.failed == 1
    assert poison.status == S.FAILED
    assert "3 unfinished runs" in poison.error and "MemoryError" in poison.error
    assert sent == []


def test_a_waiting_article_is_not_sent_twice_while_its_queue_still_holds_work(sent):
    article(S.DISCOVERED, age=STALE_WAIT)
    result = pipeline.sweep(queue_lengths=lambda queue: 12)
    assert sent == [] and result.total == 0


def test_the_sweep_reads_the_real_broker_queue_length():
    """The length comes from Redis (a fresh test Redis database: the queue is empty)."""
    assert pipeline.broker_queue_length("lagebild-test-nonexistent-queue") == 0


def test_the_beat_task_runs_the_sweep(sent, django_capture_on_commit_callbacks):
    lost = article(S.DISCOVERED, age=STALE_WAIT)
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_pipeline.apply().get() == 1
    assert sent == [("fetch_article", lost.pk)]


def test_stalled_counts_name_each_overdue_state():
    article(S.DISCOVERED, age=STALE_WAIT)
    article(S.ANALYZING, age=STALE_RUN)
    article(S.ANALYZING, age=timedelta(minutes=1))
    assert pipeline.stalled_counts() == {S.DISCOVERED: 1, S.ANALYZING: 1}


# --- claims ------------------------------------------------------------------------------


def test_a_redelivered_task_takes_its_own_step_over_and_others_back_off():
    row = article(S.ANALYZING, age=timedelta(seconds=5), task_id="task-1")
    other = pipeline.claim(row.pk, waiting=[S.EXTRACTED], running=S.ANALYZING, task_id="task-2")
    mine = pipeline.claim(row.pk, waiting=[S.EXTRACTED], running=S.ANALYZING, task_id="task-1")
    row.refresh_from_db()
    assert (other, mine, row.restarts) == (False, True, 1)


def test_a_redelivered_task_gives_up_on_a_poison_article(settings):
    settings.PIPELINE_MAX_RESTARTS = 3
    row = article(S.ANALYZING, age=timedelta(seconds=5), task_id="task-1", restarts=2)
    assert not pipeline.claim(row.pk, waiting=[S.EXTRACTED], running=S.ANALYZING, task_id="task-1")
    row.refresh_from_db()
    assert row.status == S.FAILED and "unfinished runs while analysing" in row.error


def test_a_finished_pipeline_forgets_its_restarts():
    row = article(S.ANALYZED, age=timedelta(0), restarts=2)
    pipeline.step_done(row.pk)
    row.refresh_from_db()
    assert row.restarts == 0


# --- sending and lost connections ---------------------------------------------------------


def test_a_broker_outage_while_sending_the_next_step_leaves_the_article_pending(
    server, monkeypatch, django_capture_on_commit_callbacks
):
    """Extraction commits, the broker refuses the next message: the article stays EXTRACTED
    (never FAILED) and the sweep sends it later."""
    from kombu.exceptions import OperationalError as BrokerDown

    from events.tasks import analyze_article

    def broker_down(*args, **kwargs):
        raise BrokerDown("Error 111 connecting to localhost:6379. Connection refused.")

    monkeypatch.setattr(analyze_article, "apply_async", broker_down)
    server.add("/a", body=article_html("Besuch", GERMAN_PARAGRAPHS).encode(), content_type="text/html")
    row, _ = services.article_submit_url(server.url("/a"))
    Article.objects.filter(pk=row.pk).update(status=S.FETCHING)
    row.refresh_from_db()
    services.article_fetch(row)
    with django_capture_on_commit_callbacks(execute=True):
        extract_article.apply(args=[row.pk])
    row.refresh_from_db()
    assert row.status == S.EXTRACTED and row.error == ""


def test_send_reports_a_broker_outage_instead_of_raising(monkeypatch):
    from kombu.exceptions import OperationalError as BrokerDown

    def broker_down(*args, **kwargs):
        raise BrokerDown("connection refused")

    monkeypatch.setattr(fetch_article, "apply_async", broker_down)
    assert pipeline.send(fetch_article, 1) is False


def test_a_lost_database_connection_is_retried_not_failed(monkeypatch):
    """PostgreSQL restarting under a task: the task retries, the article keeps its state."""
    from celery.exceptions import Retry

    row = article(S.FETCHED, age=timedelta(0), raw_html=Article.compress(b"<p>x</p>"))

    def db_gone(article):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(services, "article_extract", db_gone)
    with pytest.raises(Retry):
        extract_article.apply(args=[row.pk], throw=True)
    row.refresh_from_db()
    assert row.status == S.FETCHED and row.task_id == ""


def test_send_tries_once_more_on_a_connection_of_its_own(monkeypatch):
    """After a broker restart a pooled producer can be broken while the broker is fine."""
    calls = []
    original = fetch_article.apply_async

    def pooled_producer_broken(args, **options):
        calls.append("connection" in options)
        if "connection" not in options:
            raise AttributeError("'NoneType' object has no attribute 'client'")
        return original(args, **options)

    monkeypatch.setattr(fetch_article, "apply_async", pooled_producer_broken)
    before = pipeline.broker_queue_length("fetch")
    assert pipeline.send(fetch_article, 999999) is True
    assert calls == [False, True]
    # A real message in the tests' Redis database (a worker would skip it: no such article).
    assert pipeline.broker_queue_length("fetch") == before + 1


def test_a_crashing_run_goes_back_to_waiting_until_the_last_try(settings):
    settings.PIPELINE_MAX_RESTARTS = 3
    row = article(S.ANALYZING, age=timedelta(0), task_id="t")
    for expected in (1, 2):
        pipeline.run_failed(row.pk, running=S.ANALYZING, to=S.EXTRACTED, error="analysis failed: KeyError")
        row.refresh_from_db()
        assert (row.status, row.restarts, row.error) == (S.EXTRACTED, expected, "analysis failed: KeyError")
        Article.objects.filter(pk=row.pk).update(status=S.ANALYZING)
    pipeline.run_failed(row.pk, running=S.ANALYZING, to=S.EXTRACTED, error="analysis failed: KeyError")
    row.refresh_from_db()
    assert row.status == S.FAILED and row.error.startswith("gave up after 3 unfinished runs while analysing")
