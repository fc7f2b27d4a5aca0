"""``{% load tagging %}{% tag_box obj "event" %}``: a record's tags, and for editors a form
to add and remove them (posting to events:tags_apply, back to the current page);
``compact=True`` folds the form away (a claim among many)."""

from __future__ import annotations

from django import template

from events.models import TAGGING_TARGETS, Tag, Tagging
from portal.roles import is_editor

register = template.Library()


@register.inclusion_tag("events/snippets/tag_box.html", takes_context=True)
def tag_box(context, obj, kind: str, compact: bool = False) -> dict:
    """One query for the record's taggings (none if the caller prefetched ``taggings`` with
    their tags), one per request for the taxonomy, and only for editors.

    `compact` (a claim among many): its tags as chips and, for editors, the form to add one
    folded behind a small "Tags" toggle; nothing at all without tags for analysts."""
    if kind not in TAGGING_TARGETS:
        raise template.TemplateSyntaxError(f"tag_box: kind must be one of {', '.join(TAGGING_TARGETS)}")
    request = context.get("request")
    user = context.get("user") or getattr(request, "user", None)
    taggings = _taggings(obj, kind)
    can_add = can_remove = bool(user and is_editor(user))
    present = {tagging.tag_id for tagging in taggings}
    choices = [tag for tag in _tag_choices(request) if tag.pk not in present] if can_add else []
    return {
        "obj": obj,
        "kind": kind,
        "taggings": taggings,
        "can_add": can_add,
        "can_remove": can_remove,
        "choices": choices,
        "compact": compact,
        "next": request.get_full_path() if request else "",
        "csrf_token": context.get("csrf_token"),
    }


def _taggings(obj, kind: str) -> list[Tagging]:
    prefetched = getattr(obj, "_prefetched_objects_cache", {})
    if "taggings" in prefetched:
        return sorted(prefetched["taggings"], key=lambda tagging: tagging.tag.name.lower())
    return list(Tagging.objects.filter(**{kind: obj}).select_related("tag").order_by("tag__name"))


def _tag_choices(request) -> list[Tag]:
    """The taxonomy for the select, read once per request however many boxes a page has."""
    cached = getattr(request, "_tag_choices", None)
    if cached is None:
        cached = list(Tag.objects.select_related("parent").order_by("name"))
        if request is not None:
            request._tag_choices = cached
    return cached
