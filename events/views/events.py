"""Event pages: the detail page, and editors' merge and split."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from events.models import Event, EventActor
from events.presentation.figures import event_map
from events.presentation.picks import event_pick
from events.selectors.choices import event_suggestions, resolve_event
from events.selectors.details import type_label
from events.selectors.events import (
    claims_in,
    event_actors,
    event_articles,
    event_survivor,
    event_tombstone,
    related_events,
    reported_by,
)
from events.services import curation
from events.views.common import merge_and_redirect, not_chosen
from portal.roles import editor_required

# The first claims of the event's articles, oldest first; the claims list has them all (with
# the same review controls).
CLAIMS_LISTED = 20


def get_event_or_404(pk: int) -> Event:
    return get_object_or_404(Event.objects.select_related("place", "merged_into"), pk=pk)


@require_GET
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The event's page. A merged event leads to the event it ended in (302, along the whole
    chain); a deleted one answers 410 with what became of it; never a bare 404 for an id
    that once existed."""
    event = Event.objects.select_related("place", "merged_into").filter(pk=pk).first()
    if event is None:
        return _event_gone(request, pk)
    if event.merged_into_id:
        survivor, survivor_id = event_survivor(event)
        if survivor is not None:
            return redirect("events:event", pk=survivor.pk)
        return _event_gone(request, survivor_id, merged=event)
    links = event_articles(event)
    actors = event_actors(event)
    claims = claims_in([link.article_id for link in links])
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
            "claims": claims[:CLAIMS_LISTED],
            "claim_total": claims.count(),
            "claims_url": f"{reverse('events:claims')}?event={event.pk}",
            "reported": reported_by(event),
            "map": event_map(event),
            "related": related_events(event, [a.entity_id for a in actors]),
            "curations": list(event.curations.select_related("user")[:20]),
        },
    )


def _event_gone(request: HttpRequest, pk: int | None, merged: Event | None = None) -> HttpResponse:
    """410 for an event that was deleted (its tombstone says when and why), or merged into
    one that is gone; 404 only for an id that never was an event."""
    tombstone = event_tombstone(pk) if pk is not None else None
    if merged is None and tombstone is None:
        raise Http404(_("No such event."))
    if merged is None and tombstone.merged_into_id:
        survivor = Event.objects.filter(pk=tombstone.merged_into_id).first()
        if survivor is not None:
            survivor, _survivor_id = event_survivor(survivor)
        if survivor is not None:
            return redirect("events:event", pk=survivor.pk)
    context = {
        "event_id": merged.pk if merged else tombstone.event_id,
        "title": merged.title if merged else tombstone.title,
        "tombstone": tombstone,
        "merged": merged,
    }
    return render(request, "events/event_gone.html", context, status=410)


@require_POST
@editor_required
def event_merge(request: HttpRequest, pk: int) -> HttpResponse:
    """Merge into the event the box names: a number, a picked suggestion, or a title that
    names one event (several: a page to pick one; none: back with the reason)."""
    event = get_event_or_404(pk)
    typed = request.POST.get("target", "")
    choice = resolve_event(typed, source=event)
    if choice.record is None:
        return not_chosen(
            request,
            choice,
            back=event.get_absolute_url(),
            picks=[event_pick(candidate) for candidate in choice.candidates],
            box={
                "heading": _("Merge “%s” into …") % event.title,
                "action": reverse("events:event_merge", args=[event.pk]),
                "suggest": reverse("events:event_merge_suggest", args=[event.pk]),
                "label": _("Merge into event (title or no.)"),
                "button": _("Merge"),
                "typed": typed,
            },
        )
    return merge_and_redirect(
        request,
        curation.event_merge,
        source=event,
        target=choice.record,
        page="events:event",
        done=lambda survivor: _("Merged into %s.") % survivor.title,
    )


@require_GET
@editor_required
def event_merge_suggest(request: HttpRequest, pk: int) -> HttpResponse:
    """The events a merge box's text may mean (not this one; its type and days first): an
    HTML fragment of picks for the box (htmx)."""
    event = get_event_or_404(pk)
    query = (request.GET.get("target") or request.GET.get("q") or "").strip()
    found = event_suggestions(query, event) if len(query) >= 2 or query.isdigit() else []
    return render(
        request,
        "events/partials/picks.html",
        {"picks": [event_pick(e) for e in found], "query": query},
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
