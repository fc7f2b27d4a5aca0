"""Event pages: the detail page, and editors' merge and split."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from events import services
from events.models import Claim, Event


def get_event_or_404(pk: int) -> Event:
    return get_object_or_404(Event.objects.select_related("place", "merged_into"), pk=pk)


@require_GET
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    from events.clustering import reported_by

    event = get_event_or_404(pk)
    if event.merged_into_id:
        return redirect("events:event", pk=event.merged_into_id)
    links = event.event_articles.select_related("article", "article__outlet").order_by(
        "article__published_at"
    )
    article_ids = [link.article_id for link in links]
    claims = Claim.objects.filter(article_id__in=article_ids).select_related("speaker", "source", "article")
    return render(
        request,
        "events/event_detail.html",
        {
            "event": event,
            "actors": event.event_actors.select_related("entity").order_by("role", "entity__name"),
            "links": links,
            "claims": claims.order_by("article__published_at", "start")[:100],
            "reported": reported_by(event),
            "curations": event.curations.select_related("user")[:20],
        },
    )


@require_POST
@permission_required("events.change_event", raise_exception=True)
def event_merge(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_event_or_404(pk)
    target = Event.objects.active().filter(pk=request.POST.get("target") or 0).first()
    if target is None:
        messages.error(request, _("Choose the event to merge into."))
        return redirect("events:event", pk=pk)
    try:
        services.event_merge(source=event, target=target, user=request.user)
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect("events:event", pk=pk)
    messages.success(request, _("Merged into %s.") % target.title)
    return redirect("events:event", pk=target.pk)


@require_POST
@permission_required("events.change_event", raise_exception=True)
def event_split(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_event_or_404(pk)
    article_ids = [int(a) for a in request.POST.getlist("articles") if a.isdigit()]
    if not article_ids:
        messages.error(request, _("Choose the articles that report another event."))
        return redirect("events:event", pk=pk)
    new = services.event_split(
        event=event, article_ids=article_ids, title=request.POST.get("title", ""), user=request.user
    )
    messages.success(request, _("Split off %s.") % new.title)
    return redirect("events:event", pk=new.pk)
