"""The Celery app: queues ``fetch`` (I/O, threads) and ``nlp`` (CPU, one process per core).

Start workers with ``celery -A portal worker -Q fetch -P threads -c 8 --without-gossip
--without-mingle`` and ``celery -A portal worker -Q nlp -c <cores> --without-gossip
--without-mingle``, and one ``celery -A portal beat`` (README, Scaling out).
"""

import logging
import os

import redis
from celery import Celery, bootsteps

from portal import embedded

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
# A worker or beat started by hand on a machine without configured servers uses the
# embedded ones, like manage.py does.
embedded.autostart()

logger = logging.getLogger(__name__)

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Routing by task name keeps the callers free of queue names.
app.conf.task_routes = {
    # Cheap bookkeeping goes to the fast queue: behind an NLP backlog it would pile up.
    "events.tasks.sweep_clustering": {"queue": "fetch"},
    # Watchlist digests query and send mail: no NLP, and a backlog there must not delay them.
    "events.tasks.send_watchlist_digests": {"queue": "fetch"},
    "events.tasks.send_watchlist_digest": {"queue": "fetch"},
    # It only picks ids and sends their analyses to the nlp queue, when that queue is short.
    "events.tasks.reanalyze_outdated": {"queue": "fetch"},
    # Retraining needs the model and the training corpus, both on the nlp machine; it runs in
    # one worker process (one core) for a few minutes.
    "events.tasks.retrain_model": {"queue": "nlp"},
    "events.tasks.*": {"queue": "nlp"},
    "ingest.tasks.*": {"queue": "fetch"},
    "portal.tasks.*": {"queue": "fetch"},
}

# The beat table: periodic work, each entry says why it runs.
app.conf.beat_schedule = {
    # Lets /healthz tell whether beat is alive (the task records when it last ran).
    "beat-heartbeat": {"task": "portal.tasks.beat_heartbeat", "schedule": 30.0},
    # Sends every source whose next fetch time has come to the fetch queue.
    "dispatch-due-sources": {"task": "ingest.tasks.dispatch_due_sources", "schedule": 60.0},
    # The database is the record of pending work: articles whose message was lost or whose
    # worker died are sent again (ingest/pipeline.py).
    "sweep-pipeline": {
        "task": "ingest.tasks.sweep_pipeline",
        "schedule": float(os.getenv("PIPELINE_SWEEP_SECONDS", "120")),
    },
    # ... and analysed articles whose clustering message was lost are clustered.
    "sweep-clustering": {
        "task": "events.tasks.sweep_clustering",
        "schedule": float(os.getenv("PIPELINE_SWEEP_SECONDS", "120")),
    },
    # Entities' stored counts, counted again (events/services/entity_counts.py says why).
    "refresh-entity-counts": {
        "task": "events.tasks.refresh_entity_counts",
        "schedule": float(os.getenv("ENTITY_COUNTS_REFRESH_SECONDS", "3600")),
    },
    # Watchlists' e-mail digests (events/services/watchlists.py): "immediately" ones go out
    # within this interval of a match, daily and weekly ones when their period is over.
    "send-watchlist-digests": {
        "task": "events.tasks.send_watchlist_digests",
        "schedule": float(os.getenv("WATCHLIST_DIGEST_SECONDS", "300")),
    },
    # Retraining from editors' corrections (events/services/retraining.py): weekly by default,
    # so a week's corrections add up to enough to learn from, and a refused run waits for more.
    "retrain-model": {
        "task": "events.tasks.retrain_model",
        "schedule": float(os.getenv("RETRAIN_SCHEDULE_SECONDS", str(7 * 24 * 3600))),
    },
    # Django never deletes expired sessions by itself.
    "clear-expired-sessions": {"task": "portal.tasks.clear_expired_sessions", "schedule": 6 * 3600.0},
    # Old login attempts go (portal.login_throttle); the throttle needs only the last minutes.
    "prune-login-attempts": {"task": "portal.tasks.prune_login_attempts", "schedule": 3600.0},
}


class WorkerHeartbeat(bootsteps.StartStopStep):
    """Writes this worker's name and queues to Redis every few seconds, for /healthz."""

    requires = {"celery.worker.components:Timer"}

    def __init__(self, worker, **kwargs):
        super().__init__(worker, **kwargs)
        self.tref = None

    def start(self, worker):
        from django.conf import settings

        from portal.health import publish_worker_heartbeat

        def beat():
            queues = sorted(q.name for q in worker.app.amqp.queues.consume_from.values())
            try:
                publish_worker_heartbeat(worker.hostname, queues)
            except redis.RedisError as exc:
                # Redis is down (it is also the broker): the consumer is reconnecting by
                # itself. Raised here, the error killed a worker that started before Redis
                # ("Unrecoverable error"), and in the event loop it would restart a healthy
                # broker connection. /healthz sees the missing heartbeat anyway.
                logger.warning("worker heartbeat not written: %r", exc)

        beat()
        self.tref = worker.timer.call_repeatedly(settings.WORKER_HEARTBEAT_INTERVAL, beat, priority=10)

    def stop(self, worker):
        from portal.health import withdraw_worker_heartbeat

        if self.tref:
            self.tref.cancel()
            self.tref = None
        withdraw_worker_heartbeat(worker.hostname)


app.steps["worker"].add(WorkerHeartbeat)
