"""The list pages: filters, full-text search, sorting."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from events.models import Entity, Event


@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    events = (
        Event.objects.active()
        .select_related("place")
        .annotate(article_count=Count("event_articles", distinct=True))
        .order_by("-date", "-id")
    )
    event_type = request.GET.get("type", "")
    if event_type:
        events = events.filter(type=event_type)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    types = Event.objects.active().values_list("type", flat=True).distinct().order_by("type")
    return render(request, "events/event_list.html", {"page": page, "event_type": event_type, "types": types})


@require_GET
def entity_list(request: HttpRequest) -> HttpResponse:
    entities = Entity.objects.active().annotate(mention_count=Count("mentions"))
    query = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    provisional = request.GET.get("provisional") == "1"
    if query:
        entities = entities.filter(Q(name__icontains=query) | Q(aliases__text__icontains=query)).distinct()
    if kind in Entity.Kind.values:
        entities = entities.filter(kind=kind)
    if provisional:
        entities = entities.filter(provisional=True)
    if not query and not provisional:
        entities = entities.filter(mention_count__gt=0)  # 35,000 seeded places: show what the news names
    page = Paginator(entities.order_by("-mention_count", "name"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "events/entity_list.html",
        {
            "page": page,
            "query": query,
            "kind": kind,
            "provisional": provisional,
            "kinds": Entity.Kind.choices,
        },
    )
