"""Keeping the query planner informed after bulk loads."""

from __future__ import annotations

# The tables the list pages and their facets join.
BROWSED_TABLES = (
    "ingest_outlet",
    "ingest_article",
    "events_entity",
    "events_mention",
    "events_claim",
    "events_event",
    "events_eventactor",
    "events_eventarticle",
    "events_tag",
    "events_tagging",
)


def refresh_statistics() -> None:
    """ANALYZE the browsed tables. Autovacuum does it in time; right after a bulk load the
    planner would otherwise see empty tables and nest loops over the facets' subqueries."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(BROWSED_TABLES)}")
