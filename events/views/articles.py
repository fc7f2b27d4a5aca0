"""Article pages: the stored German text, with where every record came from."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from ingest.models import Article


@require_GET
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article.objects.select_related("outlet", "source"), pk=pk)
    return render(request, "events/article_detail.html", {"article": article})
