"""Reads about one article: its wire copies and near-duplicates."""

from __future__ import annotations

from django.db.models import Q

from ingest.dedup import distance
from ingest.models import Article, Outlet

# Wire copies in other outlets' hands: looser than the near-duplicate threshold (6 bits),
# because outlets cut and rewrite agency texts more than they copy each other.
WIRE_MAX_DISTANCE = 12
RELATED_LIMIT = 30


def related_articles(article: Article) -> list[dict]:
    """Wire copies and near-duplicates: the same near-duplicate group, duplicate_of either
    way, and texts of wire-agency outlets whose SimHash is close (one query)."""
    match = Q(duplicate_of=article)
    if article.near_duplicate_group is not None:
        match |= Q(near_duplicate_group=article.near_duplicate_group)
    if article.duplicate_of_id:
        match |= Q(pk=article.duplicate_of_id)
    wire = Q(pk__in=[])
    if article.simhash is not None and article.simhash_bands:
        # The band index finds candidates; the distance is checked below.
        wire = Q(
            simhash_bands__overlap=article.simhash_bands, outlet__in=Outlet.objects.filter(wire_agency=True)
        )
    rows = (
        Article.objects.filter(match | wire)
        .exclude(pk=article.pk)
        .select_related("outlet")
        .only(
            "pk", "title", "url", "published_at", "outlet", "simhash", "near_duplicate_group", "duplicate_of"
        )
        .order_by("published_at", "pk")[: RELATED_LIMIT * 2]
    )
    related = []
    for other in rows:
        reasons = []
        if article.duplicate_of_id == other.pk:
            reasons.append("original")
        if other.duplicate_of_id == article.pk:
            reasons.append("duplicate")
        if (
            article.near_duplicate_group is not None
            and other.near_duplicate_group == article.near_duplicate_group
        ):
            reasons.append("near_duplicate")
        bits = (
            distance(article.simhash, other.simhash)
            if article.simhash is not None and other.simhash is not None
            else None
        )
        if other.outlet and other.outlet.wire_agency and bits is not None and bits <= WIRE_MAX_DISTANCE:
            reasons.append("wire")
        if reasons:
            related.append({"article": other, "reasons": reasons, "distance": bits})
    return related[:RELATED_LIMIT]
