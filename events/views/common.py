"""Helpers shared by the portal's views."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme

from events.models import Entity, Mention

CONTEXT_CHARS = 120


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


def merge_and_redirect(
    request: HttpRequest,
    merge: Callable,
    *,
    source,
    target,
    page: str,
    done: Callable[[object], str],
    missing: str,
) -> HttpResponse:
    """Merge `source` into `target` with a curation service and go to the survivor's `page`.

    No target chosen (`target` is None: the form was empty or named no such record) or a merge
    the service refuses (ValueError) goes back to the source's page with the reason.
    """
    if target is None:
        messages.error(request, missing)
        return redirect(page, pk=source.pk)
    try:
        survivor = merge(source=source, target=target, user=request.user)
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect(page, pk=source.pk)
    messages.success(request, done(survivor))
    return redirect(page, pk=survivor.pk)
