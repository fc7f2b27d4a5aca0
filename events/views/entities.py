"""Entity pages: analysts read, editors curate (merge, split, aliases, mentions) and grow
the knowledge base (create an entity, define a provisional one)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.db.models import F
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from events.forms import AliasForm, EntityChoiceForm, EntityForm, SplitForm
from events.models import Alias, Claim, Mention, MentionCorrection
from events.presentation import charts
from events.presentation.figures import entity_map, network_of
from events.presentation.links import crossref_url, event_list_link, events_url
from events.selectors.entities import event_counts_by_date, events_of, events_with_role, neighbours, places_of
from events.services import curation, knowledge
from events.views.common import (
    get_entity_or_404,
    mention_in_context,
    merge_and_redirect,
    redirect_back,
)
from portal.roles import editor_required

ENTITY_EVENTS_LISTED = 20
ENTITY_NEIGHBOURS = 15
ENTITY_CLAIMS_LISTED = 20
NEWEST = (F("article__published_at").desc(nulls_last=True), "-pk")


@require_GET
def entity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    entity = get_entity_or_404(pk)
    if entity.merged_into_id:
        messages.info(
            request,
            _("%(old)s was merged into %(new)s.") % {"old": entity.name, "new": entity.merged_into.name},
        )
        return redirect("events:entity", pk=entity.merged_into_id)
    mentions = entity.mentions.select_related("article", "article__outlet").order_by(
        "-article__published_at", "start"
    )
    events = events_of([entity])
    by_date = event_counts_by_date(events)
    event_total = sum(n for _day, n in by_date)
    near = neighbours([entity], limit=ENTITY_NEIGHBOURS)
    made = Claim.objects.filter(speaker=entity)
    about = Claim.objects.about(entity.pk)
    return render(
        request,
        "events/entity_detail.html",
        {
            "entity": entity,
            "aliases": entity.aliases.exclude(kind=Alias.Kind.DESCRIPTOR).order_by("kind", "text"),
            "descriptors": entity.aliases.filter(kind=Alias.Kind.DESCRIPTOR).order_by("-valid_from", "text"),
            "mentions": [mention_in_context(m) for m in mentions[:50]],
            # Stored counts (events.services.entity_counts): counting claims about Deutschland
            # checked every claim of the archive.
            "mention_total": entity.mention_count,
            "event_total": event_total,
            "timeline": charts.timeline_buckets(by_date, link=event_list_link([entity])),
            "events": events_with_role(events, entity)[:ENTITY_EVENTS_LISTED],
            "events_url": events_url([entity]),
            "neighbours": [
                {**row, "compare_url": crossref_url([entity.pk, row["entity_id"]])} for row in near
            ],
            "network": network_of([entity], near, {(entity.pk, entity.pk): event_total}),
            "claims_made": made.select_related("article", "article__outlet", "source").order_by(*NEWEST)[
                :ENTITY_CLAIMS_LISTED
            ],
            "claims_made_total": made.count(),
            "claims_about": about.select_related("article", "article__outlet", "speaker").order_by(*NEWEST)[
                :ENTITY_CLAIMS_LISTED
            ],
            "claims_about_total": entity.claims_about_count,
            "claims_url": reverse("events:claims"),
            "map": entity_map(entity, places_of(events)),
            "alias_form": AliasForm(),
            "merge_form": EntityChoiceForm(),
            "curations": entity.curations.select_related("user")[:20],
            "editable": knowledge.editable(entity),
        },
    )


@require_POST
@editor_required
def alias_add(request: HttpRequest, pk: int) -> HttpResponse:
    entity = get_entity_or_404(pk)
    form = AliasForm(request.POST)
    if form.is_valid():
        curation.alias_add(
            entity=entity, text=form.cleaned_data["text"], kind=form.cleaned_data["kind"], user=request.user
        )
        messages.success(request, _("Alias added; articles are linked again in the background."))
    else:
        messages.error(request, _("The alias was not added: %s") % form.errors.as_text())
    return redirect("events:entity", pk=pk)


@require_POST
@editor_required
def alias_remove(request: HttpRequest, pk: int) -> HttpResponse:
    alias = get_object_or_404(Alias, pk=pk)
    curation.alias_remove(alias=alias, user=request.user)
    messages.success(request, _("Alias removed."))
    return redirect("events:entity", pk=alias.entity_id)


@require_POST
@editor_required
def entity_merge(request: HttpRequest, pk: int) -> HttpResponse:
    entity = get_entity_or_404(pk)
    form = EntityChoiceForm(request.POST)
    return merge_and_redirect(
        request,
        curation.entity_merge,
        source=entity,
        target=form.cleaned_data["target"] if form.is_valid() else None,
        page="events:entity",
        done=lambda target: _("Merged into %s; articles are linked again in the background.") % target.name,
        missing=_("Choose the entity to merge into."),
    )


@editor_required
def entity_split(request: HttpRequest, pk: int) -> HttpResponse:
    entity = get_entity_or_404(pk)
    mentions = list(
        entity.mentions.select_related("article").order_by("-article__published_at", "start")[:200]
    )
    choices = [(str(m.pk), m.text) for m in mentions]
    form = SplitForm(request.POST or None, entity=entity, mention_choices=choices)
    if request.method == "POST" and form.is_valid():
        new = curation.entity_split(
            entity=entity,
            name=form.cleaned_data["name"],
            alias_ids=[a.pk for a in form.cleaned_data["aliases"]],
            mention_ids=[int(m) for m in form.cleaned_data["mentions"]],
            user=request.user,
        )
        messages.success(request, _("Split off %s.") % new.name)
        return redirect("events:entity", pk=new.pk)
    return render(
        request,
        "events/entity_split.html",
        {
            "entity": entity,
            "form": form,
            "aliases": entity.aliases.order_by("text"),
            "mentions": [mention_in_context(m) for m in mentions],
        },
    )


@require_POST
@editor_required
def entity_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    entity = get_entity_or_404(pk)
    curation.entity_confirm(entity=entity, user=request.user)
    messages.success(request, _("%s is confirmed.") % entity.name)
    return redirect("events:entity", pk=pk)


@editor_required
def entity_create(request: HttpRequest) -> HttpResponse:
    """A new entity from scratch ("Entität anlegen")."""
    form = EntityForm(request.POST or None, initial={"name": request.GET.get("name", "")})
    if request.method == "POST" and form.is_valid():
        entity = knowledge.entity_create(data=form.entity_data(), user=request.user)
        messages.success(
            request,
            _("%s is in the knowledge base; articles are linked again in the background.") % entity.name,
        )
        return redirect("events:entity", pk=entity.pk)
    return render(request, "events/entity_form.html", {"form": form, "entity": None})


@editor_required
def entity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A provisional entity made real (kind, country, names, offices), or an editor's entity
    edited; in place, so its id and mentions stay."""
    entity = get_entity_or_404(pk)
    if not knowledge.editable(entity):
        messages.error(
            request, _("%s comes from the seed data; add aliases on its page instead.") % entity.name
        )
        return redirect("events:entity", pk=pk)
    form = EntityForm(request.POST or None, initial=EntityForm.initial_of(entity))
    if request.method == "POST" and form.is_valid():
        data = form.entity_data()
        data.org_type = entity.org_type  # not on the form; kept
        was_provisional = entity.provisional
        entity = knowledge.entity_define(entity=entity, data=data, user=request.user)
        messages.success(
            request,
            (_("%s is confirmed and in the knowledge base; articles are linked again in the background.")
             if was_provisional else _("%s is saved; articles are linked again in the background."))
            % entity.name,
        )  # fmt: skip
        return redirect("events:entity", pk=entity.pk)
    return render(request, "events/entity_form.html", {"form": form, "entity": entity})


@require_POST
@editor_required
def mention_wrong(request: HttpRequest, pk: int) -> HttpResponse:
    mention = get_object_or_404(Mention, pk=pk)
    entity_id = mention.entity_id
    curation.mention_mark_wrong(mention=mention, user=request.user)
    messages.success(request, _("Marked as wrong; it stays out when the article is analysed again."))
    return redirect_back(request, ("events:entity", entity_id) if entity_id else ("events:entities",))


@require_POST
@editor_required
def mention_relink(request: HttpRequest, pk: int) -> HttpResponse:
    mention = get_object_or_404(Mention, pk=pk)
    form = EntityChoiceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the entity this mention means."))
        return (
            redirect("events:entity", pk=mention.entity_id)
            if mention.entity_id
            else redirect("events:entities")
        )
    curation.mention_relink(mention=mention, entity=form.cleaned_data["target"], user=request.user)
    messages.success(request, _("Mention linked to %s.") % form.cleaned_data["target"].name)
    return redirect("events:entity", pk=form.cleaned_data["target"].pk)


@require_GET
@editor_required
def corrections_export(request: HttpRequest) -> StreamingHttpResponse:
    """Editors' mention corrections as JSON Lines, ready to become NER training data."""
    from events.training import correction_records

    lines = (
        json.dumps(record, ensure_ascii=False) + "\n"
        for record in correction_records(MentionCorrection.objects.all())
    )
    response = StreamingHttpResponse(lines, content_type="application/x-ndjson; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="lagebild-corrections.jsonl"'
    return response
