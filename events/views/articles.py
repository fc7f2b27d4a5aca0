"""Article pages: the stored German text, with where every record came from.

The text is shown paragraph by paragraph and sentence by sentence, with mentions and claims
highlighted (events/presentation/article_text.py builds it).
"""

from __future__ import annotations

from collections import Counter
from urllib.parse import urlsplit

from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from events.models import Claim, EventArticle, Mention
from events.presentation.article_text import fallback_sentences, render_text
from events.selectors.articles import related_articles
from ingest.models import Article


@require_GET
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article.objects.select_related("outlet", "source", "analysis"), pk=pk)
    mentions = list(article.mentions.select_related("entity").order_by("start", "-end"))
    claims = list(article.claims.select_related("speaker", "source").order_by("start", "-end"))
    try:
        sentences = article.analysis.sentences
    except ObjectDoesNotExist:
        sentences = []
    # Analysed before sentences were stored, or not analysed yet: split with a regex.
    fallback = not sentences
    if fallback:
        sentences = fallback_sentences(article.text)

    focus = _focus(request, mentions, claims)
    body = render_text(article.text, sentences, mentions, claims, focus=focus)
    entities = Counter(m.entity for m in mentions if m.entity_id)
    return render(
        request,
        "events/article_detail.html",
        {
            "article": article,
            "body": body,
            "fallback_sentences": fallback,
            "original_url": article.url if urlsplit(article.url).scheme in ("http", "https") else "",
            "claims": claims,
            "focus_claim": focus.get("claim"),
            "event_links": EventArticle.objects.filter(article=article)
            .select_related("event")
            .order_by("-event__date", "event_id"),
            "entities": sorted(entities.items(), key=lambda item: (-item[1], item[0].name)),
            "unlinked_mentions": sum(1 for m in mentions if not m.entity_id),
            "related": related_articles(article),
        },
    )


def _focus(request: HttpRequest, mentions: list[Mention], claims: list[Claim]) -> dict:
    """The record named by ?claim= or ?mention=, if it belongs to this article."""
    for key, rows in (("claim", claims), ("mention", mentions)):
        value = request.GET.get(key, "")
        if value.isdigit():
            row = next((r for r in rows if r.pk == int(value)), None)
            if row is not None:
                return {key: row, "span": (row.start, row.end)}
    return {}
