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

from events.forms import AliasForm, EntityForm, SplitForm
from events.models import Alias, Claim, Entity, Mention, MentionCorrection
from events.presentation import charts
from events.presentation.figures import entity_map, network_of
from events.presentation.links import crossref_url, event_list_link, events_url
from events.presentation.picks import entity_pick
from events.selectors import parameters as read
from events.selectors.choices import Choice, resolve_entity
from events.selectors.entities import (
    entity_suggestions,
    event_counts_by_date,
    events_of,
    events_with_role,
    neighbours,
    places_of,
)
from events.services import curation, knowledge
from events.views.common import (
    get_entity_or_404,
    mention_in_context,
    merge_and_redirect,
    not_chosen,
    redirect_back,
)
from portal.roles import editor_required

# The page shows the top of each long section, with a link to the whole list (a Putin has
# 1,500 events, 9,000 claims and 68,000 mentions): it stays a few screens long.
ENTITY_EVENTS_LISTED = 10
ENTITY_NEIGHBOURS = 12
ENTITY_CLAIMS_LISTED = 5
ENTITY_MENTIONS_LISTED = 5
ENTITY_NAMES_SHOWN = 6
# Words either side of a mention on the entity page: two lines, enough to judge the link.
ENTITY_MENTION_CONTEXT = 80
NEWEST = (F("article__published_at").desc(nulls_last=True), "-pk")
# A claim's or mention's article, without what the page never shows (the raw page above all).
ARTICLE_UNUSED = tuple(f"article__{name}" for name in ("raw_html", "search_vector", "simhash_bands"))


@require_GET
def entity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    entity = get_entity_or_404(pk)
    if entity.merged_into_id:
        messages.info(
            request,
            _("%(old)s was merged into %(new)s.") % {"old": entity.name, "new": entity.merged_into.name},
        )
        return redirect("events:entity", pk=entity.merged_into_id)
    events = events_of([entity])
    by_date = event_counts_by_date(events)
    event_total = sum(n for _day, n in by_date)
    near = neighbours([entity], limit=ENTITY_NEIGHBOURS)
    made = (
        Claim.objects.filter(speaker=entity)
        .select_related("article__outlet", "source")
        .defer(*ARTICLE_UNUSED)
    )
    about = Claim.objects.about(entity.pk).select_related("article__outlet", "speaker").defer(*ARTICLE_UNUSED)
    names = list(entity.aliases.exclude(kind=Alias.Kind.DESCRIPTOR).order_by("kind", "text"))
    return render(
        request,
        "events/entity_detail.html",
        {
            "entity": entity,
            "aliases": names[:ENTITY_NAMES_SHOWN],
            "more_aliases": names[ENTITY_NAMES_SHOWN:],
            "descriptors": entity.aliases.filter(kind=Alias.Kind.DESCRIPTOR).order_by("-valid_from", "text"),
            **_mentions_page(entity, read.one_id(request.GET, "mentions") or 1),
            # Stored counts (events.services.entity_counts): counting claims about Deutschland
            # checked every claim of the archive.
            "mention_total": entity.mention_count,
            "articles_url": f"{reverse('events:articles')}?entity={entity.pk}",
            "event_total": event_total,
            "timeline": charts.timeline_buckets(by_date, link=event_list_link([entity])),
            "events": events_with_role(events, entity)[:ENTITY_EVENTS_LISTED],
            "events_url": events_url([entity]),
            "neighbours": [
                {**row, "compare_url": crossref_url([entity.pk, row["entity_id"]])} for row in near
            ],
            "network": network_of([entity], near, {(entity.pk, entity.pk): event_total}),
            "claims_made": made.order_by(*NEWEST)[:ENTITY_CLAIMS_LISTED],
            "claims_made_total": made.count(),
            "claims_made_url": f"{reverse('events:claims')}?speaker={entity.pk}",
            "claims_about": about.order_by(*NEWEST)[:ENTITY_CLAIMS_LISTED],
            "claims_about_total": entity.claims_about_count,
            "claims_about_url": f"{reverse('events:claims')}?about={entity.pk}",
            "map": entity_map(entity, places_of(events)),
            "alias_form": AliasForm(),
            "entity_suggest_url": f"{reverse('events:entity_suggest')}?exclude={entity.pk}",
            "curations": list(entity.curations.select_related("user")[:20]),
            "editable": knowledge.editable(entity),
        },
    )


def _mentions_page(entity: Entity, page: int) -> dict:
    """One page of the entity's mentions in context, newest first (`?mentions=2` the next):
    editors mark them wrong or link them elsewhere from here."""
    listed = ENTITY_MENTIONS_LISTED
    last = max(1, -(-entity.mention_count // listed))
    page = min(max(page, 1), last)
    rows = list(
        entity.mentions.select_related("article__outlet")
        .defer(*ARTICLE_UNUSED)
        .order_by(F("article__published_at").desc(nulls_last=True), "article_id", "start")[
            (page - 1) * listed : page * listed + 1
        ]
    )
    return {
        "mentions": [mention_in_context(m, ENTITY_MENTION_CONTEXT) for m in rows[:listed]],
        "mentions_page": page,
        "mentions_newer": page - 1 if page > 1 else None,
        "mentions_older": page + 1 if len(rows) > listed else None,
    }


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
    """Merge into the entity the box names: a number, a picked suggestion, or a name that
    names one entity (several: a page to pick one; none: back with the reason)."""
    entity = get_entity_or_404(pk)
    typed = request.POST.get("target", "")
    choice = resolve_entity(typed, exclude=entity.pk)
    if choice.record is None:
        return _entity_not_chosen(
            request,
            choice,
            back=entity.get_absolute_url(),
            heading=_("Merge %s into …") % entity.name,
            action=reverse("events:entity_merge", args=[entity.pk]),
            exclude=entity.pk,
            button=_("Merge"),
            typed=typed,
        )
    return merge_and_redirect(
        request,
        curation.entity_merge,
        source=entity,
        target=choice.record,
        page="events:entity",
        done=lambda target: _("Merged into %s; articles are linked again in the background.") % target.name,
    )


def _entity_not_chosen(
    request: HttpRequest, choice: Choice, *, back: str, exclude: int | None, **box
) -> HttpResponse:
    """The box of an entity page named no entity: see not_chosen; `box`: heading, action,
    button, typed."""
    suggest = reverse("events:entity_suggest") + (f"?exclude={exclude}" if exclude else "")
    return not_chosen(
        request,
        choice,
        back=back,
        picks=[entity_pick(candidate) for candidate in choice.candidates],
        box={**box, "suggest": suggest, "label": _("Actor or place (name or no.)")},
    )


@require_GET
@editor_required
def entity_suggest(request: HttpRequest) -> HttpResponse:
    """The entities a merge or relink box's text may mean (not `exclude`): an HTML fragment of
    picks for the box (htmx)."""
    query = (request.GET.get("target") or request.GET.get("q") or "").strip()
    exclude = [int(v) for v in request.GET.getlist("exclude") if v.isascii() and v.isdigit() and len(v) < 10]
    found = entity_suggestions(query, exclude=exclude) if len(query) >= 2 or query.isdigit() else []
    return render(
        request,
        "events/partials/picks.html",
        {"picks": [entity_pick(e) for e in found], "query": query},
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
    """Link a mention to the entity the box names (as for a merge)."""
    mention = get_object_or_404(Mention.objects.select_related("entity"), pk=pk)
    typed = request.POST.get("target", "")
    choice = resolve_entity(typed, exclude=mention.entity_id)
    if choice.record is None:
        return _entity_not_chosen(
            request,
            choice,
            back=mention.entity.get_absolute_url() if mention.entity_id else reverse("events:entities"),
            heading=_("Link “%s” to …") % mention.text,
            action=reverse("events:mention_relink", args=[mention.pk]),
            exclude=mention.entity_id,
            button=_("Link to"),
            typed=typed,
        )
    curation.mention_relink(mention=mention, entity=choice.record, user=request.user)
    messages.success(request, _("Mention linked to %s.") % choice.record.name)
    return redirect("events:entity", pk=choice.record.pk)


@require_POST
@editor_required
def mention_reshape(request: HttpRequest, pk: int) -> HttpResponse:
    """The editor types the name as the text has it: "Jo Yong Won" for a cut "Jo Yong"."""
    mention = get_object_or_404(Mention.objects.select_related("article", "entity"), pk=pk)
    back = ("events:entity", mention.entity_id) if mention.entity_id else ("events:entities",)
    try:
        mention = curation.mention_reshape(
            mention=mention, name=request.POST.get("name", ""), user=request.user
        )
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect_back(request, back)
    messages.success(request, _("The mention now reads “%s”.") % mention.text)
    return redirect_back(request, back)


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
