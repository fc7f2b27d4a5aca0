"""Tag pages (the taxonomy, and what carries one tag) and editors' tagging, one record or a
whole filtered selection at a time. Admins manage the taxonomy itself in the Django admin."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from events.lists import LISTS, filtered
from events.models import TAGGING_TARGETS, Tag
from events.services import tags as tag_services
from events.views.common import redirect_back
from portal.roles import editor_required

# How many records of each kind the tag page shows; the counts are always complete.
SECTION_LIMIT = 50


@require_GET
def tag_list(request: HttpRequest) -> HttpResponse:
    counts = {
        f"n_{kind}": Count("taggings", filter=Q(**{f"taggings__{kind}__isnull": False}))
        for kind in TAGGING_TARGETS
    }
    tags = list(Tag.objects.annotate(**counts))
    return render(request, "events/tag_list.html", {"rows": _tree(tags), "kinds": TAGGING_TARGETS})


def _tree(tags: list[Tag]) -> list[tuple[Tag, int]]:
    """Tags in tree order (each after its parent, siblings by name), with their depth."""
    children: dict[int | None, list[Tag]] = defaultdict(list)
    for tag in tags:
        children[tag.parent_id].append(tag)
    rows: list[tuple[Tag, int]] = []
    seen: set[int] = set()

    def walk(parent_id: int | None, depth: int) -> None:
        for tag in sorted(children.get(parent_id, []), key=lambda t: t.name.lower()):
            if tag.pk not in seen:
                seen.add(tag.pk)
                rows.append((tag, depth))
                walk(tag.pk, depth + 1)

    walk(None, 0)
    # A cycle made in the admin (A under B under A) has no root: show its tags at the top.
    for tag in tags:
        if tag.pk not in seen:
            walk(tag.parent_id, 0)
    return rows


@require_GET
def tag_detail(request: HttpRequest, slug: str) -> HttpResponse:
    tag = get_object_or_404(Tag.objects.select_related("parent"), slug=slug)
    counts = tag.taggings.aggregate(**{kind: Count(kind) for kind in TAGGING_TARGETS})
    sections = []
    for kind in TAGGING_TARGETS:
        taggings = (
            tag.taggings.filter(**{f"{kind}__isnull": False})
            .select_related("user", kind, *LISTS[kind].tag_related)
            .order_by("-created_at", "-pk")[:SECTION_LIMIT]
        )
        sections.append(
            {"kind": kind, "count": counts[kind], "taggings": taggings, "list_url": _list_url(kind, tag)}
        )
    return render(
        request,
        "events/tag_detail.html",
        {"tag": tag, "children": tag.children.order_by("name"), "sections": sections, "limit": SECTION_LIMIT},
    )


def _list_url(kind: str, tag: Tag) -> str:
    return f"{reverse(LISTS[kind].list_url)}?{QueryDict.fromkeys(['tag'], tag.slug).urlencode()}"


@require_POST
@editor_required
def tags_apply(request: HttpRequest) -> HttpResponse:
    """Add or remove one tag on records of one kind: the ids given, or (all=1) everything the
    list page's filters select. Back to `next` with a message."""
    user = request.user
    action, kind, tag_id = (request.POST.get(key, "") for key in ("action", "kind", "tag"))
    if action not in ("add", "remove") or kind not in LISTS or not tag_id.isdigit():
        return HttpResponseBadRequest(
            "action (add|remove), kind (event|claim|entity|article) and tag are required"
        )
    tag = get_object_or_404(Tag, pk=int(tag_id))
    if request.POST.get("all") == "1":
        # The list pages' filters, so "all" means what the list showed.
        selected = filtered(kind, QueryDict(request.POST.get("filters", "")))
        ids = list(selected.order_by().values_list("pk", flat=True))  # no sort: ranks need not be computed
    else:
        raw = request.POST.getlist("ids")
        if not all(value.isdigit() for value in raw):
            return HttpResponseBadRequest("ids must be numbers")
        # Only ids that exist: a stale page must not fail on a deleted record.
        ids = list(
            LISTS[kind].model.objects.filter(pk__in=[int(v) for v in raw]).values_list("pk", flat=True)
        )
    if action == "add":
        count = tag_services.tags_apply(tag=tag, kind=kind, ids=ids, user=user)
        text = ngettext("%(count)d tagged with %(tag)s.", "%(count)d tagged with %(tag)s.", count)
    else:
        count = tag_services.tags_remove(tag=tag, kind=kind, ids=ids, user=user)
        text = ngettext("Tag %(tag)s removed from %(count)d.", "Tag %(tag)s removed from %(count)d.", count)
    messages.success(request, text % {"count": count, "tag": tag.name})
    return redirect_back(request, ("events:tag", tag.slug))
