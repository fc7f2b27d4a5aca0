"""Reads about one event: who reported it, what is related."""

from __future__ import annotations

from events.models import Event
from ingest.models import Article


def reported_by(event: Event) -> dict[str, int]:
    """How many outlets reported it, and how many distinct stories (wire copies count once)."""
    links = Article.objects.filter(event_links__event=event)
    outlets = links.exclude(outlet__isnull=True).values("outlet_id").distinct().count()
    stories = len({group or pk for pk, group in links.values_list("pk", "near_duplicate_group")})
    return {"articles": links.count(), "outlets": outlets, "stories": stories}
