"""The four list kinds, each declared once: events, claims, entities, articles.

A list kind is what a list page, its exports, the API's list and bulk tagging share: the
filter parameters and sorts, the query that filters, what a row loads, the export line and
its columns, the URL names, the tag page's section. Adding a filter to a kind: read it in
its filter_* function (events/selectors/lists.py) and name it in `params` here; the page,
the exports, the API and "tag all" follow.

    from events.lists import LISTS, filtered
    events = filtered("event", request.GET)        # filtered and sorted
    rows = LISTS["event"].records(request.GET)     # ... with what a row shows
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, QuerySet

from events.models import TAGGING_TARGETS, Claim, Entity, Event
from events.presentation import exports
from events.selectors import details, lists
from ingest.models import Article


@dataclass(frozen=True)
class ListKind:
    name: str  # the `kind` everywhere: filters, tagging, exports ("event")
    plural: str  # URL prefix, URL names and file names ("events")
    model: type[Model]
    params: tuple[str, ...]  # its filter parameters, in the order the active filters list them
    orders: dict[str, list]  # sort name -> order_by(); the first is the default
    filter: Callable[[Any], QuerySet]
    details: Callable[[QuerySet], QuerySet]  # what a page row or an export line shows
    api_details: Callable[..., QuerySet]  # what an API item shows (detail=True for one item)
    export_row: Callable[[Any, Callable[[str], str]], dict]
    columns: tuple[str, ...]  # the export's stable header
    tag_related: tuple[str, ...]  # what the tag page shows beside a tagged record (select_related)

    @property
    def sorts(self) -> tuple[str, ...]:
        return tuple(self.orders)

    @property
    def list_url(self) -> str:
        return f"events:{self.plural}"

    @property
    def export_url(self) -> str:
        return f"events:{self.plural}_export"

    @property
    def page_template(self) -> str:
        return f"events/{self.name}_list.html"

    @property
    def results_template(self) -> str:
        return f"events/partials/{self.name}_results.html"

    def records(self, params) -> QuerySet:
        """The rows `params` select, sorted, with what a row shows."""
        return self.details(self.filter(params))


EVENTS = ListKind(
    name="event",
    plural="events",
    model=Event,
    params=("q", "date_from", "date_to", "actor", "place", "country", "type", "outlet", "tag", "review"),
    orders=lists.EVENT_ORDER,
    filter=lists.filter_events,
    details=details.event_details,
    api_details=details.api_event_details,
    export_row=exports.event_row,
    columns=exports.EVENT_COLUMNS,
    tag_related=("event__place",),
)
CLAIMS = ListKind(
    name="claim",
    plural="claims",
    model=Claim,
    params=(
        "q",
        "speaker",
        "source",
        "about",
        "kind",
        "mood",
        "review",
        "outlet",
        "tag",
        "event",
        "article",
        "date_from",
        "date_to",
    ),
    orders=lists.CLAIM_ORDER,
    filter=lists.filter_claims,
    details=details.claim_details,
    api_details=details.api_claim_details,
    export_row=exports.claim_row,
    columns=exports.CLAIM_COLUMNS,
    tag_related=("claim__speaker", "claim__article"),
)
ENTITIES = ListKind(
    name="entity",
    plural="entities",
    model=Entity,
    params=("q", "kind", "country", "provisional", "tag"),
    orders=lists.ENTITY_ORDER,
    filter=lists.filter_entities,
    details=details.entity_details,
    api_details=details.api_entity_details,
    export_row=exports.entity_row,
    columns=exports.ENTITY_COLUMNS,
    tag_related=(),
)
ARTICLES = ListKind(
    name="article",
    plural="articles",
    model=Article,
    params=("q", "outlet", "date_from", "date_to", "entity", "event", "tag"),
    orders=lists.ARTICLE_ORDER,
    filter=lists.filter_articles,
    details=details.article_details,
    api_details=details.api_article_details,
    export_row=exports.article_row,
    columns=exports.ARTICLE_COLUMNS,
    tag_related=("article__outlet",),
)

LISTS: dict[str, ListKind] = {kind.name: kind for kind in (EVENTS, CLAIMS, ENTITIES, ARTICLES)}
KINDS = tuple(LISTS)
# Tagging has one foreign key per kind (events/models.py): every list kind can be tagged.
assert set(TAGGING_TARGETS) == set(LISTS), "a list kind without a Tagging field, or the reverse"  # noqa: S101


def list_kind(kind: str) -> ListKind:
    if kind not in LISTS:
        raise ValueError(f"unknown list {kind!r}; choose one of {', '.join(KINDS)}")
    return LISTS[kind]


def filtered(kind: str, params) -> QuerySet:
    """The records of `kind` (event|claim|entity|article) that `params` select, sorted."""
    return list_kind(kind).filter(params)
