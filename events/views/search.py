"""The event list: filters, full-text search, sorting."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from events.models import Event


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
