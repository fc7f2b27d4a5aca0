"""``{% load articles %}{{ article|published }}``: when an article was published, as the page
said it: the day and time, or the day alone when the page gave no time (published_date_only)."""

from __future__ import annotations

from django import template
from django.utils import timezone
from django.utils.dateformat import format as format_date

register = template.Library()


@register.filter
def published(article) -> str:
    moment = getattr(article, "published_at", None)
    if moment is None:
        return "–"
    return format_date(timezone.localtime(moment), "d.m.Y" if article.published_date_only else "d.m.Y H:i")
