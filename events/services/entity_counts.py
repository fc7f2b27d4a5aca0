"""Each entity's stored counts: its mentions (`Entity.mention_count`) and the claims whose
content names it (`Entity.claims_about_count`).

The entity list sorts by the first and the entity page shows both; counted per request they
cost 3 s (every entity's mentions, for the sort) and 0.5 s (every claim checked for a
mention of Deutschland) on the 100,000-article archive. Stored, they are one column.

They are kept current where mentions and claims are written, not refreshed on a timer, so
the list and the page agree with the records an analyst opens from them:

- writes that change some articles' mentions or claims (the analysis, an editor's mention
  correction) run inside `counts_follow(article_ids)`: it counts those articles' share per
  entity before and after, and adds the difference. Only those articles' rows are read, so
  an article mentioning Deutschland costs the same as one that does not; an increment
  (`mention_count + d`) is re-applied to the newest row version when two analyses meet on
  one entity, so none is lost.
- writes that move whole entities (a merge) or load rows in bulk (the demo archive's COPY)
  call `entity_counts_refresh`, which counts again from scratch (for all entities: 2 s on
  the archive).
- the beat task `events.tasks.refresh_entity_counts` runs that recount hourly as a safety
  net for rows written elsewhere (an admin deleting an article cascades to its mentions).

Rows are updated in place and only where a count changed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from contextlib import contextmanager

from django.db import connection

# A claim is about the entities mentioned inside its content: each (claim, mention) pair.
_CLAIM_MENTIONS = """events_claim c JOIN events_mention m ON m.article_id = c.article_id
        AND m.start >= c.content_start AND m."end" <= c.content_end"""

# One row per (entity, article's share): mentions, then claims whose content holds a mention.
_SHARES = f"""
    SELECT entity_id, count(*), 0 FROM events_mention
    WHERE article_id = ANY(%(articles)s) AND entity_id IS NOT NULL GROUP BY entity_id
    UNION ALL
    SELECT m.entity_id, 0, count(DISTINCT c.id)
    FROM {_CLAIM_MENTIONS}
    WHERE c.article_id = ANY(%(articles)s) AND m.entity_id IS NOT NULL GROUP BY m.entity_id
"""  # noqa: S608 - built from this module's constants, no input

# The same counts over the whole archive (or some entities), from scratch.
_RECOUNT = """
    WITH mentions AS (
        SELECT entity_id, count(*) AS n FROM events_mention
        WHERE entity_id IS NOT NULL {mention_filter} GROUP BY entity_id
    ), claims AS (
        SELECT m.entity_id, count(DISTINCT c.id) AS n
        FROM {claim_mentions}
        WHERE m.entity_id IS NOT NULL {mention_filter_m} GROUP BY m.entity_id
    ), counted AS (
        SELECT e.id, coalesce(mentions.n, 0) AS mentions, coalesce(claims.n, 0) AS claims
        FROM events_entity e
        LEFT JOIN mentions ON mentions.entity_id = e.id
        LEFT JOIN claims ON claims.entity_id = e.id
        {entity_filter}
    )
    UPDATE events_entity e SET mention_count = counted.mentions, claims_about_count = counted.claims
    FROM counted
    WHERE e.id = counted.id
        AND (e.mention_count, e.claims_about_count) IS DISTINCT FROM (counted.mentions, counted.claims)
"""


def _shares(article_ids: list[int]) -> Counter:
    """{(entity id, "m" or "c"): count} of these articles' mentions and claims."""
    shares: Counter = Counter()
    if not article_ids:
        return shares
    with connection.cursor() as cursor:
        cursor.execute(_SHARES, {"articles": article_ids})
        for entity_id, mentions, claims in cursor.fetchall():
            shares[(entity_id, "m")] += mentions
            shares[(entity_id, "c")] += claims
    return shares


def _add(differences: Counter) -> None:
    ids = sorted({entity_id for entity_id, _ in differences})
    if not ids:
        return
    mentions = [differences[(pk, "m")] for pk in ids]
    claims = [differences[(pk, "c")] for pk in ids]
    with connection.cursor() as cursor:
        # Rows locked in id order first: two analyses that share entities then wait for each
        # other instead of deadlocking on an UPDATE's unspecified row order.
        cursor.execute("SELECT id FROM events_entity WHERE id = ANY(%s) ORDER BY id FOR NO KEY UPDATE", [ids])
        cursor.execute(
            """
            UPDATE events_entity e
            SET mention_count = greatest(e.mention_count + d.m, 0),
                claims_about_count = greatest(e.claims_about_count + d.c, 0)
            FROM unnest(%s::bigint[], %s::int[], %s::int[]) AS d(id, m, c)
            WHERE e.id = d.id
            """,
            [ids, mentions, claims],
        )


@contextmanager
def counts_follow(article_ids: Iterable[int]):
    """Run the block's writes to these articles' mentions and claims with the entities'
    counts following them. Call it inside the writes' transaction (the difference is
    committed with them) and only for articles no one else writes meanwhile (the analysis
    holds the article's row lock)."""
    ids = sorted(set(article_ids))
    before = _shares(ids)
    yield
    after = _shares(ids)
    differences = Counter(after)
    differences.subtract(before)
    _add(Counter({key: n for key, n in differences.items() if n}))


def entity_counts_refresh(entity_ids: Iterable[int] | None = None) -> int:
    """Count again from scratch: every entity (None) or these. Returns how many changed."""
    if entity_ids is None:
        sql = _RECOUNT.format(
            claim_mentions=_CLAIM_MENTIONS, mention_filter="", mention_filter_m="", entity_filter=""
        )
        params: list = []
    else:
        ids = sorted(set(entity_ids))
        if not ids:
            return 0
        sql = _RECOUNT.format(
            claim_mentions=_CLAIM_MENTIONS,
            mention_filter="AND entity_id = ANY(%s)",
            mention_filter_m="AND m.entity_id = ANY(%s)",
            entity_filter="WHERE e.id = ANY(%s)",
        )
        params = [ids, ids, ids]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount
