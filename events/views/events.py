"""Event pages: the detail page, and editors' merge and split."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Value,
    When,
)
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from events import services
from events.event_types import load_taxonomy
from events.models import Claim, Event, EventActor, Tagging
from events.presentation import charts
from portal.roles import editor_required


def get_event_or_404(pk: int) -> Event:
    return get_object_or_404(Event.objects.select_related("place", "merged_into"), pk=pk)


RELATED_EVENTS = 10
RELATED_DAYS = 60  # "nearby": within two months either side


class DaysApart(Func):
    """|date - other date| in days (PostgreSQL subtracts dates as whole days)."""

    template = "ABS(%(expressions)s)"
    arg_joiner = " - "
    output_field = IntegerField()


def related_events(event: Event, actor_ids: list[int], limit: int = RELATED_EVENTS) -> list[Event]:
    """Events sharing actors or the place, near in time, by the number of shared actors, then
    the same place, then nearness: one query."""
    if not actor_ids and not event.place_id:
        return []
    condition = Q(Exists(EventActor.objects.filter(event=OuterRef("pk"), entity_id__in=actor_ids)))
    if event.place_id:
        condition |= Q(place_id=event.place_id)
    related = Event.objects.active().exclude(pk=event.pk).filter(condition)
    order = ["-shared", "-same_place"]
    if event.date:
        window = timedelta(days=RELATED_DAYS)
        related = related.filter(date__range=(event.date - window, event.date + window)).annotate(
            apart=DaysApart(F("date"), Value(event.date, output_field=DateField()))
        )
        order.append("apart")
    related = related.annotate(
        shared=Count("event_actors__entity", filter=Q(event_actors__entity_id__in=actor_ids), distinct=True),
        same_place=Case(
            When(place_id=event.place_id, then=Value(1)), default=Value(0), output_field=IntegerField()
        ),
    )
    return list(related.select_related("place").order_by(*order, "-date", "-pk")[:limit])


def event_map(event: Event) -> dict | None:
    """The place as a marker (a country only highlighted: its capital would mislead) and the
    place's country highlighted; None without a place."""
    place = event.place
    if place is None:
        return None
    markers = []
    if place.kind != place.Kind.COUNTRY and place.latitude is not None and place.longitude is not None:
        markers.append(charts.Marker(place.latitude, place.longitude, place.name, place.get_absolute_url()))
    highlight = [place.country] if place.country else []
    if not markers and not highlight:
        return None
    return {"markers": markers, "highlight": highlight}


@require_GET
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    from events.selectors.events import reported_by

    event = get_event_or_404(pk)
    if event.merged_into_id:
        return redirect("events:event", pk=event.merged_into_id)
    links = list(
        event.event_articles.select_related("article", "article__outlet").order_by(
            F("article__published_at").asc(nulls_last=True), "article_id"
        )
    )
    article_ids = [link.article_id for link in links]
    claims = (
        Claim.objects.filter(article_id__in=article_ids)
        .select_related("speaker", "source", "article", "reviewed_by")
        .prefetch_related(Prefetch("taggings", queryset=Tagging.objects.select_related("tag")))
    )
    actors = list(event.event_actors.select_related("entity").order_by("role", "entity__name"))
    event_type = load_taxonomy().types.get(event.type)
    return render(
        request,
        "events/event_detail.html",
        {
            "event": event,
            "type_label": event_type.label if event_type else event.type,
            "actors": actors,
            "roles": [
                {"role": role, "label": label, "actors": [a for a in actors if a.role == role]}
                for role, label in EventActor.Role.choices
                if any(a.role == role for a in actors)
            ],
            "links": links,
            "claims": claims.order_by("article__published_at", "start")[:100],
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
@editor_required
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
