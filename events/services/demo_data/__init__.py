"""Demo data at archive scale, made from the real analysed articles (issue 16).

`demo_generate` replicates the stored analysis of the database's analysed articles (the
templates, normally what `manage.py import_corpus` loaded) into N articles over several years
and hundreds of outlets, with swapped entities, and writes them with COPY in batches, each in
its own transaction. The spaCy pipeline never runs: every record is the template's record,
moved to its copy's words. Article n of seed S lives at `urn:lagebild:demo:S:n`: a second
run with the same seed finds it and makes nothing, a larger N adds the rest, and
`demo_delete` removes one seed's articles and everything hanging on them, never anything else.

The pieces: `templates` (what is copied, and the entities that may stand in), `plan` (what
the seed decides: stories, days, outlets, swaps, cuts), `variation` (rewriting a text and its
offsets), `writing` (the rows, COPY), `outlets` and `editing` (outlets, tags, reviews).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, transaction

from events.services.demo_data import editing
from events.services.demo_data.outlets import ensure_outlets, remove_unused_outlets
from events.services.demo_data.plan import Planner
from events.services.demo_data.templates import DEMO_URL_PREFIX, load_pools, load_templates
from events.services.demo_data.writing import Batch, Context
from events.services.entity_counts import entity_counts_refresh
from events.services.statistics import refresh_statistics
from ingest.models import Article, Outlet

BATCH_ARTICLES = 2000
TEMPLATE_LIMIT = 2000


class NoTemplates(Exception):
    """The database has no analysed article to copy."""


@dataclass
class DemoReport:
    articles: int  # asked for
    existing: int  # already there before this run
    created: Counter = field(default_factory=Counter)  # rows per table
    templates: int = 0
    outlets: int = 0
    seconds: float = 0.0


def seed_prefix(seed: int) -> str:
    return f"{DEMO_URL_PREFIX}{seed}:"


def existing_numbers(seed: int) -> set[int]:
    prefix = seed_prefix(seed)
    urls = Article.objects.filter(url__startswith=prefix).values_list("url", flat=True)
    return {int(url[len(prefix) :]) for url in urls if url[len(prefix) :].isdigit()}


def demo_generate(
    *, articles: int, seed: int, progress: Callable[[int, int], None] | None = None,
    batch_articles: int = BATCH_ARTICLES, template_limit: int = TEMPLATE_LIMIT,
) -> DemoReport:  # fmt: skip
    """Make sure articles 0..N-1 of `seed` exist (with all their records); returns what was made."""
    started = time.monotonic()
    templates = load_templates(template_limit)
    if not templates:
        raise NoTemplates(
            "no analysed article to copy: run `manage.py import_corpus` first (or analyse some "
            "articles through the pipeline), then generate demo data from them"
        )
    existing = existing_numbers(seed)
    report = DemoReport(
        articles=articles, existing=len([n for n in existing if n < articles]), templates=len(templates)
    )
    pools = load_pools(templates)
    with transaction.atomic():
        outlet_ids = ensure_outlets(seed)
        context = Context(
            seed=seed, pools=pools, outlets=outlet_ids,
            outlet_names=dict(Outlet.objects.values_list("pk", "name")),
            editor_id=editing.demo_editor().pk, tag_ids=editing.demo_tags(),
        )  # fmt: skip
    report.outlets = len(outlet_ids)
    planner = Planner(seed, templates, pools, len(outlet_ids))
    batch, done = Batch(context), 0
    for index, first, size in planner.stories(articles):
        numbers = [n for n in range(first, min(first + size, articles)) if n not in existing]
        done += min(first + size, articles) - first
        if numbers:
            story = planner.story(index, first, size)
            batch.add(story, [c for c in story.copies if c.number in numbers])
        if batch.size >= batch_articles:
            report.created += _write(batch)
            batch = Batch(context)
            if progress:
                progress(done, articles)
    report.created += _write(batch)
    if progress:
        progress(articles, articles)
    if report.created["articles"]:
        # COPY goes round the services that keep entities' counts: count them once, at the end.
        entity_counts_refresh()
        refresh_statistics()
    report.seconds = time.monotonic() - started
    return report


def _write(batch: Batch) -> Counter:
    if not batch.size:
        return Counter()
    with transaction.atomic(), connection.cursor() as cursor:
        return batch.write(cursor)


# Children first; each statement takes the seed's article ids from the temporary table.
_DELETES = (
    ("taggings", "DELETE FROM events_tagging WHERE article_id IN (SELECT id FROM demo_gone)"
     " OR claim_id IN (SELECT c.id FROM events_claim c JOIN demo_gone g ON c.article_id = g.id)"
     " OR event_id IN (SELECT id FROM demo_events)"),
    ("curations", "DELETE FROM events_curation WHERE action = 'claim_review' AND (payload->>'article_id')::bigint IN (SELECT id FROM demo_gone)"),
    ("claims", "DELETE FROM events_claim WHERE article_id IN (SELECT id FROM demo_gone)"),
    ("mentions", "DELETE FROM events_mention WHERE article_id IN (SELECT id FROM demo_gone)"),
    ("corrections", "DELETE FROM events_mentioncorrection WHERE article_id IN (SELECT id FROM demo_gone)"),
    ("links", "DELETE FROM events_eventarticle WHERE article_id IN (SELECT id FROM demo_gone)"),
    ("actors", "DELETE FROM events_eventactor WHERE event_id IN (SELECT id FROM demo_events)"),
    ("events", "DELETE FROM events_event WHERE id IN (SELECT id FROM demo_events)"),
    ("analyses", "DELETE FROM events_articleanalysis WHERE article_id IN (SELECT id FROM demo_gone)"),
    ("fetch logs", "DELETE FROM ingest_fetchlog WHERE article_id IN (SELECT id FROM demo_gone)"),
    ("articles", "DELETE FROM ingest_article WHERE id IN (SELECT id FROM demo_gone)"),
)  # fmt: skip


@transaction.atomic
def demo_delete(*, seed: int) -> Counter:
    """Remove seed `seed`'s demo articles and what hangs on them (mentions, claims, their
    events when no other article reports them, tags, reviews); then the generated outlets
    and demo tags nothing uses any more. Returns rows deleted per table."""
    deleted = Counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE demo_gone ON COMMIT DROP AS SELECT id FROM ingest_article WHERE url LIKE %s",
            [seed_prefix(seed).replace("_", "\\_") + "%"],
        )
        # Events only this seed's articles report (another seed's or a real article keeps its event).
        cursor.execute(
            "CREATE TEMPORARY TABLE demo_events ON COMMIT DROP AS SELECT DISTINCT ea.event_id AS id"
            " FROM events_eventarticle ea JOIN demo_gone g ON ea.article_id = g.id"
            " WHERE NOT EXISTS (SELECT 1 FROM events_eventarticle o WHERE o.event_id = ea.event_id"
            " AND o.article_id NOT IN (SELECT id FROM demo_gone))"
        )
        cursor.execute(
            "UPDATE ingest_article SET duplicate_of_id = NULL WHERE duplicate_of_id IN (SELECT id FROM demo_gone)"
        )
        cursor.execute(
            "UPDATE events_event SET merged_into_id = NULL WHERE merged_into_id IN (SELECT id FROM demo_events)"
        )
        cursor.execute(
            "UPDATE events_curation SET event_id = NULL WHERE event_id IN (SELECT id FROM demo_events)"
        )
        for name, sql in _DELETES:
            cursor.execute(sql)
            deleted[name] = cursor.rowcount
        # ON COMMIT DROP does not fire when the caller's transaction goes on (tests, scripts).
        cursor.execute("DROP TABLE demo_gone, demo_events")
    deleted["outlets"] = remove_unused_outlets()
    deleted["tags"] = editing.remove_unused_tags()
    entity_counts_refresh()
    return deleted
