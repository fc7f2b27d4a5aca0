"""What a row of a list shows, loaded in a fixed number of queries (joins, counts as
subqueries, one prefetch per relation), whatever the number of rows.

Pages and exports read the `*_details` querysets; the API reads the `api_*_details` ones,
whose prefetches go to `api_*` attributes and whose orders the API documents (tags by slug,
actors by role and name).
"""

from __future__ import annotations

from django.db.models import IntegerField, OuterRef, Prefetch, QuerySet, Subquery

from events.analysis.event_types import load_taxonomy
from events.models import Alias, Entity, Event, EventActor, EventArticle, Tagging, is_main_event
from events.selectors.lists import subquery_count

# Never loaded for a list: the text (up to megabytes), the raw page, the search vector.
ARTICLE_HEAVY_FIELDS = ("text", "raw_html", "search_vector", "simhash_bands")


def _taggings() -> Prefetch:
    return Prefetch("taggings", queryset=Tagging.objects.select_related("tag").order_by("tag__name"))


def event_details(records: QuerySet) -> QuerySet:
    outlets = EventArticle.objects.filter(event=OuterRef("pk"), article__outlet__isnull=False)
    actors = EventActor.objects.select_related("entity").order_by("id")
    return (
        records.select_related("place")
        .annotate(outlet_count=subquery_count(outlets, "event", "article__outlet", distinct=True))
        .prefetch_related(Prefetch("event_actors", queryset=actors), _taggings())
    )


def claim_details(records: QuerySet) -> QuerySet:
    return (
        records.select_related("speaker", "source", "article__outlet", "reviewed_by")
        .defer("search_vector", *(f"article__{name}" for name in ARTICLE_HEAVY_FIELDS))
        .prefetch_related(_taggings())
    )


def entity_details(records: QuerySet) -> QuerySet:
    return records.prefetch_related(_taggings())


def article_details(records: QuerySet) -> QuerySet:
    return records.select_related("outlet").defer(*ARTICLE_HEAVY_FIELDS).prefetch_related(_taggings())


def actors_of(event: Event) -> list[Entity]:
    """An event's actors (prefetched by event_details), each once, in the order they were added."""
    return list({link.entity_id: link.entity for link in event.event_actors.all()}.values())


def type_label(type_id: str) -> str:
    types = load_taxonomy().types
    return types[type_id].label if type_id in types else type_id


# --- the API's items ---------------------------------------------------------------------------


class SubqueryCount(Subquery):
    """The number of rows of a correlated subquery: unlike Count() over joins, it is not
    multiplied by whatever joins the list's filters add."""

    template = "(SELECT count(*) FROM (%(subquery)s) _count)"
    output_field = IntegerField()


def _api_tags() -> Prefetch:
    return Prefetch(
        "taggings",
        queryset=Tagging.objects.select_related("tag").order_by("tag__slug"),
        to_attr="api_taggings",
    )


def _with(queryset: QuerySet, **annotations) -> QuerySet:
    """Add the annotations the list's filter did not already add (it counts for sorting)."""
    return queryset.annotate(**{k: v for k, v in annotations.items() if k not in queryset.query.annotations})


def api_event_details(queryset: QuerySet, detail: bool = False) -> QuerySet:
    links = EventArticle.objects.filter(event=OuterRef("pk"))
    actors = EventActor.objects.select_related("entity").order_by("role", "entity__name")
    queryset = queryset.select_related("place").prefetch_related(
        Prefetch("event_actors", queryset=actors, to_attr="api_actors"), _api_tags()
    )
    return _with(
        queryset,
        main=is_main_event(),
        article_count=SubqueryCount(links.values("pk")),
        outlet_count=SubqueryCount(
            links.filter(article__outlet__isnull=False).values("article__outlet").distinct()
        ),
    )


def api_entity_details(queryset: QuerySet, detail: bool = False) -> QuerySet:
    queryset = queryset.prefetch_related(
        Prefetch("aliases", queryset=Alias.objects.order_by("kind", "text"), to_attr="api_aliases"),
        _api_tags(),
    )
    return queryset  # mention_count is a stored column (events.services.entity_counts)


def api_claim_details(queryset: QuerySet, detail: bool = False) -> QuerySet:
    return (
        queryset.select_related("speaker", "source", "reviewed_by")
        .defer("search_vector")
        .prefetch_related(_api_tags())
    )


def api_article_details(queryset: QuerySet, detail: bool = False) -> QuerySet:
    # Never the raw HTML; the text only where it is shown (the detail).
    heavy = ["raw_html", "search_vector", "simhash_bands"] + ([] if detail else ["text"])
    return queryset.select_related("outlet").defer(*heavy).prefetch_related(_api_tags())
