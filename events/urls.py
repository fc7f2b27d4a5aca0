"""The portal's pages. One block per area; each view module owns one area."""

from django.urls import path

from events.lists import LISTS
from events.views import (
    articles,
    claims,
    coverage,
    crossref,
    entities,
    events,
    exports,
    model,
    search,
    tags,
    watchlists,
)

app_name = "events"

urlpatterns = [
    # --- event list and search (views/search.py) ---
    path("events/", search.event_list, name="events"),
    # --- article list (views/search.py) ---
    path("articles/", search.article_list, name="articles"),
    # --- exports (views/exports.py): the whole filtered list, fmt is csv or json ---
    *(
        path(
            f"{kind.plural}/export.<str:fmt>",
            exports.export,
            {"kind": kind.name},
            name=f"{kind.plural}_export",
        )
        for kind in LISTS.values()
    ),
    # --- event detail and curation (views/events.py) ---
    path("events/<int:pk>/", events.event_detail, name="event"),
    path("events/<int:pk>/merge/", events.event_merge, name="event_merge"),
    path("events/<int:pk>/merge/suggest/", events.event_merge_suggest, name="event_merge_suggest"),
    path("events/<int:pk>/split/", events.event_split, name="event_split"),
    # --- claims (views/claims.py) ---
    path("claims/", claims.claim_list, name="claims"),
    path("claims/<int:pk>/review/", claims.claim_review, name="claim_review"),
    # --- actors and places (views/entities.py) ---
    path("entities/", search.entity_list, name="entities"),
    path("entities/corrections.jsonl", entities.corrections_export, name="corrections_export"),
    path("entities/new/", entities.entity_create, name="entity_create"),
    path("entities/suggest/", entities.entity_suggest, name="entity_suggest"),
    path("entities/<int:pk>/", entities.entity_detail, name="entity"),
    path("entities/<int:pk>/edit/", entities.entity_edit, name="entity_edit"),
    path("entities/<int:pk>/aliases/", entities.alias_add, name="alias_add"),
    path("entities/<int:pk>/merge/", entities.entity_merge, name="entity_merge"),
    path("entities/<int:pk>/split/", entities.entity_split, name="entity_split"),
    path("entities/<int:pk>/confirm/", entities.entity_confirm, name="entity_confirm"),
    path("aliases/<int:pk>/remove/", entities.alias_remove, name="alias_remove"),
    path("mentions/<int:pk>/wrong/", entities.mention_wrong, name="mention_wrong"),
    path("mentions/<int:pk>/relink/", entities.mention_relink, name="mention_relink"),
    path("mentions/<int:pk>/extent/", entities.mention_reshape, name="mention_reshape"),
    # --- articles (views/articles.py) ---
    path("articles/<int:pk>/", articles.article_detail, name="article"),
    # --- tags (views/tags.py) ---
    path("tags/", tags.tag_list, name="tags"),
    path("tags/apply/", tags.tags_apply, name="tags_apply"),
    path("tags/<str:slug>/", tags.tag_detail, name="tag"),
    # --- cross-reference (views/crossref.py) ---
    path("crossref/", crossref.crossref, name="crossref"),
    path("crossref/suggest/", crossref.crossref_suggest, name="crossref_suggest"),
    # --- coverage by outlet (views/coverage.py) ---
    path("coverage/", coverage.coverage, name="coverage"),
    path("model/", model.language_model, name="language_model"),
    path("model/reanalyze/", model.reanalyze_outdated, name="reanalyze_outdated"),
    path("model/retrain/", model.retrain, name="retrain"),
    # --- watchlists (views/watchlists.py): the owner's own; the feed opens by its token ---
    path("watchlists/", watchlists.watchlist_list, name="watchlists"),
    path("watchlists/new/", watchlists.watchlist_create, name="watchlist_create"),
    path("watchlists/<int:pk>/", watchlists.watchlist_detail, name="watchlist"),
    path("watchlists/<int:pk>/edit/", watchlists.watchlist_update, name="watchlist_update"),
    path("watchlists/<int:pk>/feed-token/", watchlists.watchlist_token, name="watchlist_token"),
    path("watchlists/<int:pk>/delete/", watchlists.watchlist_delete, name="watchlist_delete"),
    path("watchlists/feed/<str:token>.atom", watchlists.watchlist_feed, name="watchlist_feed"),
]
