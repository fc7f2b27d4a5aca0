"""Event pages: the detail page, and editors' merge and split."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from events.models import Event, EventActor
from events.presentation.figures import event_map
from events.selectors.details import type_label
from events.selectors.events import claims_in, event_actors, event_articles, related_events, reported_by
from events.services import curation
from events.views.common import merge_and_redirect
from portal.roles import editor_required

CLAIMS_LISTED = 100


def get_event_or_404(pk: int) -> Event:
    return get_object_or_404(Event.objects.select_related("place", "merged_into"), pk=pk)


@require_GET
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_event_or_404(pk)
    if event.merged_into_id:
        return redirect("events:event", pk=event.merged_into_id)
    links = event_articles(event)
    actors = event_actors(event)
    return render(
        request,
        "events/event_detail.html",
        {
            "event": event,
            "type_label": type_label(event.type),
            "actors": actors,
            "roles": [
                {"role": role, "label": label, "actors": [a for a in actors if a.role == role]}
                for role, label in EventActor.Role.choices
                if any(a.role == role for a in actors)
            ],
            "links": links,
            "claims": claims_in([link.article_id for link in links])[:CLAIMS_LISTED],
            "reported": reported_by(event),
            "map": event_map(event),
            "related": related_events(event, [a.entity_id for a in actors]),
            "curations": event.curations.select_related("user")[:20],
        },
    )


@require_POST
@editor_required
def event_merge(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_event_or_404(pk)
    target = Event.objects.active().filter(pk=request.POST.get("target") or 0).first()
    return merge_and_redirect(
        request,
        curation.event_merge,
        source=event,
        target=target,
        page="events:event",
        done=lambda survivor: _("Merged into %s.") % survivor.title,
        missing=_("Choose the event to merge into."),
    )


@require_POST
@editor_required
def event_split(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_event_or_404(pk)
    article_ids = [int(a) for a in request.POST.getlist("articles") if a.isdigit()]
    if not article_ids:
        messages.error(request, _("Choose the articles that report another event."))
        return redirect("events:event", pk=pk)
    new = curation.event_split(
        event=event, article_ids=article_ids, title=request.POST.get("title", ""), user=request.user
    )
    messages.success(request, _("Split off %s.") % new.title)
    return redirect("events:event", pk=new.pk)
