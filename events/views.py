"""Entity pages: analysts read, editors curate (merge, split, aliases, mentions)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from events import services
from events.forms import AliasForm, EntityChoiceForm, SplitForm
from events.models import Alias, Claim, Entity, Event, Mention, MentionCorrection

CONTEXT_CHARS = 120
curate = permission_required("events.change_entity", raise_exception=True)


def redirect_back(request: HttpRequest, fallback: tuple) -> HttpResponse:
    """Back to the page the form was on (the `next` field, if it is ours), else `fallback`."""
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return redirect(next_url)
    return redirect(fallback[0], *fallback[1:])


def get_entity_or_404(pk: int) -> Entity:
    return get_object_or_404(Entity.objects.select_related("merged_into"), pk=pk)


def mention_in_context(mention: Mention) -> dict:
    """The words around a mention, for showing it highlighted (all text is escaped)."""
    text = mention.article.text
    start = max(0, mention.start - CONTEXT_CHARS)
    end = min(len(text), mention.end + CONTEXT_CHARS)
    return {
        "mention": mention,
        "before": ("…" if start else "") + text[start : mention.start],
        "text": text[mention.start : mention.end],
        "after": text[mention.end : end] + ("…" if end < len(text) else ""),
    }


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
    return render(
        request,
        "events/entity_detail.html",
        {
            "entity": entity,
            "aliases": entity.aliases.exclude(kind=Alias.Kind.DESCRIPTOR).order_by("kind", "text"),
            "descriptors": entity.aliases.filter(kind=Alias.Kind.DESCRIPTOR).order_by("-valid_from", "text"),
            "mentions": [mention_in_context(m) for m in mentions[:50]],
            "mention_total": mentions.count(),
            "alias_form": AliasForm(),
            "merge_form": EntityChoiceForm(),
            "curations": entity.curations.select_related("user")[:20],
        },
    )


@require_POST
@curate
def alias_add(request: HttpRequest, pk: int) -> HttpResponse:
    entity = get_entity_or_404(pk)
    form = AliasForm(request.POST)
    if form.is_valid():
        services.alias_add(
            entity=entity, text=form.cleaned_data["text"], kind=form.cleaned_data["kind"], user=request.user
        )
        messages.success(request, _("Alias added; articles are linked again in the background."))
    else:
        messages.error(request, _("The alias was not added: %s") % form.errors.as_text())
    return redirect("events:entity", pk=pk)


@require_POST
@curate
def alias_remove(request: HttpRequest, pk: int) -> HttpResponse:
    alias = get_object_or_404(Alias, pk=pk)
    services.alias_remove(alias=alias, user=request.user)
    messages.success(request, _("Alias removed."))
    return redirect("events:entity", pk=alias.entity_id)


@require_POST
@curate
def entity_merge(request: HttpRequest, pk: int) -> HttpResponse:
    entity = get_entity_or_404(pk)
    form = EntityChoiceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the entity to merge into."))
        return redirect("events:entity", pk=pk)
    try:
        target = services.entity_merge(source=entity, target=form.cleaned_data["target"], user=request.user)
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect("events:entity", pk=pk)
    messages.success(request, _("Merged into %s; articles are linked again in the background.") % target.name)
    return redirect("events:entity", pk=target.pk)


@curate
def entity_split(request: HttpRequest, pk: int) -> HttpResponse:
    entity = get_entity_or_404(pk)
    mentions = list(
        entity.mentions.select_related("article").order_by("-article__published_at", "start")[:200]
    )
    choices = [(str(m.pk), m.text) for m in mentions]
    form = SplitForm(request.POST or None, entity=entity, mention_choices=choices)
    if request.method == "POST" and form.is_valid():
        new = services.entity_split(
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
        {"entity": entity, "form": form, "aliases": entity.aliases.order_by("text"),
         "mentions": [mention_in_context(m) for m in mentions]},
    )  # fmt: skip


@require_POST
@curate
def entity_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    entity = get_entity_or_404(pk)
    services.entity_confirm(entity=entity, user=request.user)
    messages.success(request, _("%s is confirmed.") % entity.name)
    return redirect("events:entity", pk=pk)


@require_POST
@curate
def mention_wrong(request: HttpRequest, pk: int) -> HttpResponse:
    mention = get_object_or_404(Mention, pk=pk)
    entity_id = mention.entity_id
    services.mention_mark_wrong(mention=mention, user=request.user)
    messages.success(request, _("Marked as wrong; it stays out when the article is analysed again."))
    return redirect_back(request, ("events:entity", entity_id) if entity_id else ("events:entities",))


@require_POST
@curate
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
    services.mention_relink(mention=mention, entity=form.cleaned_data["target"], user=request.user)
    messages.success(request, _("Mention linked to %s.") % form.cleaned_data["target"].name)
    return redirect("events:entity", pk=form.cleaned_data["target"].pk)


@require_GET
@curate
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


# --- events ---------------------------------------------------------------------------------


def get_event_or_404(pk: int) -> Event:
    return get_object_or_404(Event.objects.select_related("place", "merged_into"), pk=pk)


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


@require_POST
@permission_required("events.change_claim", raise_exception=True)
def claim_review(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(Claim, pk=pk)
    try:
        services.claim_review(
            claim=claim,
            status=request.POST.get("status", ""),
            reason=request.POST.get("reason", ""),
            user=request.user,
        )
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Claim marked %s.") % claim.get_review_status_display())
    return redirect_back(request, ("events:events",))
