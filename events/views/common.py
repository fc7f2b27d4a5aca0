"""Helpers shared by the portal's views."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from events.models import Entity, Mention
from events.presentation.picks import Pick
from events.selectors.choices import Choice

CONTEXT_CHARS = 120


def redirect_back(request: HttpRequest, fallback: tuple, fragment: str = "") -> HttpResponse:
    """Back to the page the form was on (the `next` field, if it is ours), else `fallback`;
    at `#fragment` (the record acted on) unless `next` names a place of its own."""
    next_url = request.POST.get("next", "")
    if not (next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()})):
        next_url = reverse(fallback[0], args=fallback[1:])
    if fragment and "#" not in next_url:
        next_url = f"{next_url}#{fragment}"
    return redirect(next_url)


def get_entity_or_404(pk: int) -> Entity:
    return get_object_or_404(Entity.objects.select_related("merged_into"), pk=pk)


def mention_in_context(mention: Mention, chars: int = CONTEXT_CHARS) -> dict:
    """The words around a mention (`chars` either side), for showing it highlighted (all text
    is escaped)."""
    text = mention.article.text
    start = max(0, mention.start - chars)
    end = min(len(text), mention.end + chars)
    return {
        "mention": mention,
        "before": ("…" if start else "") + text[start : mention.start],
        "text": text[mention.start : mention.end],
        "after": text[mention.end : end] + ("…" if end < len(text) else ""),
    }


def merge_and_redirect(
    request: HttpRequest,
    merge: Callable,
    *,
    source,
    target,
    page: str,
    done: Callable[[object], str],
) -> HttpResponse:
    """Merge `source` into `target` with a curation service and go to the survivor's `page`;
    a merge the service refuses (ValueError) goes back to the source's page with the reason."""
    try:
        survivor = merge(source=source, target=target, user=request.user)
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect(page, pk=source.pk)
    messages.success(request, done(survivor))
    return redirect(page, pk=survivor.pk)


def not_chosen(
    request: HttpRequest, choice: Choice, *, back: str, picks: list[Pick], box: dict
) -> HttpResponse:
    """A merge or relink box that named no record. Several matches: a page to pick one of them
    (or type again), for browsers without JavaScript, which saw no suggestions. None, or a
    number that names no record to use: back to the page (`back`) with the reason.

    `box` describes the box again for that page: heading, action, suggest (URL), label,
    button, typed (the text).
    """
    if not choice.candidates:
        messages.error(request, choice.problem)
        return redirect(back)
    return render(
        request, "events/pick_target.html", {**box, "problem": choice.problem, "picks": picks, "back": back}
    )
