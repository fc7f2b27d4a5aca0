"""Analysing again, in the background, the articles an older model analysed.

Batches of article ids, newest first, each batch below the lowest id of the one before, so a
run always ends, even when an article's analysis fails or keeps its old version. A batch is
sent only while the nlp queue is short: new articles wait behind at most one batch. The
analysis updates an article's mentions and claims in place (events.services.analysis), so
reviews, corrections and tags keep their rows. Running it twice only sends an article twice;
the second analysis finds it already current and changes nothing of substance.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings

from events.selectors.model_versions import outdated_analyses
from ingest import pipeline

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class BatchResult:
    sent: int
    below_id: int | None  # where the next batch starts; None: nothing left
    waiting: bool = False  # the nlp queue was too long: nothing sent, try again later


def nlp_queue_is_short() -> bool:
    length = pipeline.broker_queue_length("nlp")
    # Unknown (broker unreachable): sending would fail too; the task's next run tries again.
    return length is not None and length <= settings.REANALYSIS_MAX_NLP_BACKLOG


# Set while a run of batches is under way, so a second click does not start a second run
# beside it; each batch renews it, the last one removes it, and if the run is lost (its
# message dropped) it expires and the button works again.
RUNNING_KEY = "lagebild:reanalysis:running"


def _running_ttl() -> int:
    return max(600, settings.REANALYSIS_PAUSE_SECONDS * 10)


def reanalysis_running() -> bool:
    from portal.health import redis_client

    return bool(redis_client().exists(RUNNING_KEY))


def reanalysis_send_batch(*, batch: int, below_id: int | None = None) -> BatchResult:
    """Send the analysis task for the next `batch` outdated articles (ids below `below_id`)."""
    from events.tasks import analyze_article
    from portal.health import redis_client

    redis_client().set(RUNNING_KEY, "1", ex=_running_ttl())
    if not nlp_queue_is_short():
        return BatchResult(sent=0, below_id=below_id, waiting=True)
    outdated = outdated_analyses()
    if below_id is not None:
        outdated = outdated.filter(article_id__lt=below_id)
    ids = list(outdated.order_by("-article_id").values_list("article_id", flat=True)[:batch])
    for article_id in ids:
        pipeline.send(analyze_article, article_id)
    if ids:
        logger.info("sent %d articles of an older model to be analysed again", len(ids))
    return BatchResult(sent=len(ids), below_id=min(ids) if len(ids) == batch else None)


def reanalysis_finished() -> None:
    from portal.health import redis_client

    redis_client().delete(RUNNING_KEY)


@dataclass(frozen=True)
class Start:
    outdated: int
    state: str  # STARTED, RUNNING (a run is under way already), NOTHING, UNREACHABLE


STARTED, RUNNING, NOTHING, UNREACHABLE = "started", "running", "nothing", "unreachable"


def reanalysis_start(batch: int | None = None) -> Start:
    """Start the background re-analysis (the admin page's button, the command), unless
    nothing is outdated or a run is under way."""
    from events.tasks import reanalyze_outdated
    from portal.health import redis_client

    outdated = outdated_analyses().count()
    if not outdated:
        return Start(0, NOTHING)
    if not redis_client().set(RUNNING_KEY, "1", ex=_running_ttl(), nx=True):
        return Start(outdated, RUNNING)
    if not pipeline.send(reanalyze_outdated, batch or settings.REANALYSIS_BATCH):
        reanalysis_finished()
        return Start(outdated, UNREACHABLE)
    return Start(outdated, STARTED)
