"""Loading the in-memory knowledge base (`events.analysis.kb`) from the database.

Loaded once per worker process and reloaded when the knowledge base version (a Redis
counter bumped by seeding and curation) changes. The index itself knows no Django; this
module is the Django side of it.
"""

from __future__ import annotations

import logging
import threading

from django.db.models import F, Func, IntegerField

from events.analysis.kb import EntityInfo, KnowledgeBase, build_index
from events.models import Alias, Entity

logger = logging.getLogger(__name__)

VERSION_KEY = "lagebild:kb:version"


def build_from_db() -> KnowledgeBase:
    rows = (
        Entity.objects.active()
        .annotate(offices=Func(F("roles"), function="jsonb_array_length", output_field=IntegerField()))
        .values(
            "id",
            "kind",
            "name",
            "country",
            "latitude",
            "longitude",
            "population",
            "org_type",
            "provisional",
            "offices",
        )
    )
    entities = (
        EntityInfo(**{**row, "population": row["population"] or 0, "offices": row["offices"] or 0})
        for row in rows
    )
    aliases = Alias.objects.filter(entity__merged_into__isnull=True).values_list(
        "entity_id", "text", "kind", "valid_from", "valid_to", "needs_context"
    )
    return build_index(entities, aliases.iterator(chunk_size=20000))


_lock = threading.Lock()
_cached: KnowledgeBase | None = None


def current_version() -> int:
    from portal.health import redis_client

    try:
        return int(redis_client().get(VERSION_KEY) or 0)
    except Exception:  # Redis down: keep using what we have rather than fail the article
        logger.warning("cannot read the knowledge base version; using the loaded one")
        return _cached.version if _cached else 0


def bump_version() -> None:
    """Tell every worker to reload the knowledge base (after seeding or curation)."""
    from portal.health import redis_client

    redis_client().incr(VERSION_KEY)


def get_kb() -> KnowledgeBase:
    global _cached
    version = current_version()
    with _lock:
        if _cached is None or _cached.version != version:
            kb = build_from_db()
            kb.version = version
            _cached = kb
            logger.info("knowledge base loaded: %d entities, %d names", len(kb.entities), len(kb.names))
        return _cached
