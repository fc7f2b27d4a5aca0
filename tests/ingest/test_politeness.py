"""The per-host delay is shared through Redis, so every worker on every machine obeys it."""

import uuid

import pytest

from ingest.politeness import reserve_host
from ingest.tasks import fetch_article


def test_a_host_gets_one_slot_per_delay():
    host = f"{uuid.uuid4().hex}.example"
    assert reserve_host(host, delay=5) == 0.0
    wait = reserve_host(host, delay=5)
    assert 4 < wait <= 5
    assert reserve_host(f"other-{host}", delay=5) == 0.0


def test_no_delay_means_no_wait():
    host = f"{uuid.uuid4().hex}.example"
    assert reserve_host(host, delay=0) == 0.0
    assert reserve_host(host, delay=0) == 0.0


@pytest.mark.django_db
def test_a_throttled_fetch_is_retried_without_claiming_the_article(settings, eager_tasks):
    from celery.exceptions import Retry

    from ingest.models import Article

    settings.INGEST_HOST_DELAY = 30
    host = f"{uuid.uuid4().hex}.example"
    reserve_host(host)
    article = Article.objects.create(url=f"https://{host}/a", canonical_url=f"https://{host}/a")
    with pytest.raises(Retry):
        fetch_article.apply(args=[article.pk], throw=True)
    article.refresh_from_db()
    assert article.status == Article.Status.DISCOVERED
