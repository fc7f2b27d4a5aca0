"""API views: four read-only resources, the docs page and the token page.

Lists are filtered by ``events.lists.filtered`` with the portal's parameter names, so a
list page and its API call given the same query string return the same rows.
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework import status, viewsets
from rest_framework.exceptions import MethodNotAllowed
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from events.api import serializers, tokens
from events.lists import LISTS
from events.models import Claim, Entity, EventTombstone

# --- filter parameters, as documented in the schema (names shared with the portal) --------


def _param(name: str, type_=OpenApiTypes.STR, description: str = "", **kwargs) -> OpenApiParameter:
    return OpenApiParameter(name, type_, OpenApiParameter.QUERY, description=description, **kwargs)


Q_PARAM = _param("q", description="Full-text search (PostgreSQL `german` configuration) over article text.")
DATE_FROM = _param("date_from", OpenApiTypes.DATE, "On or after this day (YYYY-MM-DD).")
DATE_TO = _param("date_to", OpenApiTypes.DATE, "On or before this day (YYYY-MM-DD).")
OUTLET = _param("outlet", OpenApiTypes.INT, "Outlet id.")
TAG = _param("tag", description="Tag slug.")
REVIEW = _param("review", description="Claim review status.", enum=[c.value for c in Claim.Review])

EVENT_FILTERS = [
    Q_PARAM,
    DATE_FROM,
    DATE_TO,
    _param(
        "actor", OpenApiTypes.INT, "Entity id of an actor; repeat it: every actor must take part.", many=True
    ),
    _param("place", OpenApiTypes.INT, "Entity id of the event's place."),
    _param("country", description="ISO 3166 alpha-2 code of the event's place or of an actor."),
    _param("type", description="Event type."),
    _param(
        "main", description="1: only events that are the main event of one of their articles.", enum=["1"]
    ),
    OUTLET,
    TAG,
    _param(
        "review",
        description="Events with claims in this review status.",
        enum=[c.value for c in Claim.Review],
    ),
    _param(
        "sort",
        description="Default -date; relevance (the default with q) needs q.",
        enum=LISTS["event"].sorts,
    ),
]
CLAIM_FILTERS = [
    Q_PARAM,
    _param("speaker", OpenApiTypes.INT, "Entity id of the speaker."),
    _param("source", OpenApiTypes.INT, "Entity id of the attributed source."),
    _param("about", OpenApiTypes.INT, "Entity id the claim is about."),
    _param("kind", description="Claim kind.", enum=[c.value for c in Claim.Kind]),
    REVIEW,
    OUTLET,
    TAG,
    _param("event", OpenApiTypes.INT, "Event id."),
    _param("article", OpenApiTypes.INT, "Article id."),
    DATE_FROM,
    DATE_TO,
    _param(
        "sort",
        description="Default -date; relevance (the default with q) needs q.",
        enum=LISTS["claim"].sorts,
    ),
]
ENTITY_FILTERS = [
    _param("q", description="Name or alias."),
    _param("kind", description="Entity kind.", enum=[c.value for c in Entity.Kind]),
    _param("country", description="ISO 3166 alpha-2 code."),
    _param(
        "provisional",
        description="1: only provisional entities (waiting for review). Without q, "
        "provisional or tag, only entities that the articles mention are listed.",
    ),
    TAG,
    _param("sort", description="Default -mentions.", enum=LISTS["entity"].sorts),
]
ARTICLE_FILTERS = [
    Q_PARAM,
    OUTLET,
    DATE_FROM,
    DATE_TO,
    _param("entity", OpenApiTypes.INT, "Entity id mentioned in the article."),
    _param("event", OpenApiTypes.INT, "Event id."),
    TAG,
    _param(
        "sort",
        description="Default -date; relevance (the default with q) needs q.",
        enum=LISTS["article"].sorts,
    ),
]


class ReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    """List and detail; the list filtered like the portal's list page of the same kind."""

    kind: str  # the list kind (events/lists.py)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # The router names the routes after the model, and the schema reads its fields.
        cls.queryset = LISTS[cls.kind].model.objects.all()

    def initial(self, request, *args, **kwargs):
        # The API only reads: a write is refused as such, before authentication, so that
        # everybody gets the same answer (405, with Allow).
        if request.method not in SAFE_METHODS:
            raise MethodNotAllowed(request.method)
        super().initial(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet:
        list_kind = LISTS[self.kind]
        if self.action == "list":
            queryset = list_kind.filter(self.request.query_params)
        else:
            queryset = self.queryset.all()
        # What the serializer reads, in a fixed number of queries.
        return list_kind.api_details(queryset, detail=self.action == "retrieve")


@extend_schema_view(list=extend_schema(parameters=EVENT_FILTERS))
class EventViewSet(ReadOnlyViewSet):
    """Events: typed, dated and placed happenings with their actors (merged ones only by id,
    with `merged_into`; a deleted one answers 410 with when and why)."""

    kind = "event"
    serializer_class = serializers.EventSerializer

    def retrieve(self, request, *args, **kwargs):
        try:
            return super().retrieve(request, *args, **kwargs)
        except Http404:
            pk = str(kwargs.get(self.lookup_url_kwarg or self.lookup_field, ""))
            tombstone = EventTombstone.objects.filter(event_id=int(pk)).first() if pk.isdigit() else None
            if tombstone is None:
                raise
            return Response(
                {
                    "detail": "This event was removed.",
                    "id": tombstone.event_id,
                    "title": tombstone.title,
                    "removed_at": tombstone.removed_at,
                    "reason": tombstone.reason,
                    "merged_into": tombstone.merged_into_id,
                },
                status=status.HTTP_410_GONE,
            )


@extend_schema_view(list=extend_schema(parameters=ENTITY_FILTERS))
class EntityViewSet(ReadOnlyViewSet):
    """Actors and places of the knowledge base, with aliases and external ids."""

    kind = "entity"
    serializer_class = serializers.EntitySerializer


@extend_schema_view(list=extend_schema(parameters=CLAIM_FILTERS))
class ClaimViewSet(ReadOnlyViewSet):
    """Claims: who said what, attributed to whom, with a link to the sentence."""

    kind = "claim"
    serializer_class = serializers.ClaimSerializer


@extend_schema_view(list=extend_schema(parameters=ARTICLE_FILTERS))
class ArticleViewSet(ReadOnlyViewSet):
    """Articles: metadata in lists, the stored text on the detail only."""

    kind = "article"

    def get_serializer_class(self):
        return (
            serializers.ArticleDetailSerializer
            if self.action == "retrieve"
            else serializers.ArticleSerializer
        )


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI (files from drf-spectacular-sidecar) over /api/schema/.

    The split view serves its start-up script from this same URL (``?script``) instead of
    inline, and the template has no <style> element: the Content-Security-Policy allows
    neither.
    """

    template_name = "events/api_docs.html"

    @classmethod
    def as_view(cls, **initkwargs):
        view = super().as_view(**initkwargs)
        # DRF exempts its views from LoginRequiredMiddleware; this one is a page of the
        # portal, so an anonymous visitor goes to the login page like everywhere else.
        view.login_required = True
        return view


@never_cache
@require_http_methods(["GET", "POST"])
def token_page(request: HttpRequest) -> HttpResponse:
    """The user's API token: whether there is one; create (shown once) or revoke it."""
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            token = tokens.token_create(request.user)
            # Rendered, not redirected: the full key is never put in a session or message.
            return render(request, "events/api_token.html", {"token": token, "new_key": token.key})
        if action == "revoke":
            if tokens.token_revoke(request.user):
                messages.success(request, _("Your API token was revoked."))
            return redirect("api:token")
        return redirect("api:token")
    return render(request, "events/api_token.html", {"token": tokens.token_get(request.user)})
