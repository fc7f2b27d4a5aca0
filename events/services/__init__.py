"""Every write and every enqueue of the events app.

Views, tasks and commands call these functions; nothing else writes events' rows. One
module per area: `analysis` (an article's mentions and claims), `clustering` (articles to
events), `curation` (editors' decisions), `tags`, `statistics` (after bulk loads). The
names are re-exported here so `from events import services` reads as one API.
"""

from events.services.analysis import (
    PROVISIONAL_CONFIDENCE,
    Analysis,
    analyze_text,
    apply_corrections,
    article_analyze,
    article_day,
    event_json,
    parse,
    provisional_entity,
    store_claims,
)
from events.services.clustering import Detected, article_cluster
from events.services.curation import (
    alias_add,
    alias_remove,
    claim_review,
    entity_confirm,
    entity_merge,
    entity_split,
    event_merge,
    event_split,
    mention_mark_wrong,
    mention_relink,
)
from events.services.statistics import refresh_statistics
from events.services.tags import move_taggings, tags_apply, tags_remove

__all__ = [
    "PROVISIONAL_CONFIDENCE",
    "Analysis",
    "Detected",
    "alias_add",
    "alias_remove",
    "analyze_text",
    "apply_corrections",
    "article_analyze",
    "article_cluster",
    "article_day",
    "claim_review",
    "entity_confirm",
    "entity_merge",
    "entity_split",
    "event_json",
    "event_merge",
    "event_split",
    "mention_mark_wrong",
    "mention_relink",
    "move_taggings",
    "parse",
    "provisional_entity",
    "refresh_statistics",
    "store_claims",
    "tags_apply",
    "tags_remove",
]
