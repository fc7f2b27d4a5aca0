"""{% load reasons %}: a stored error of the pipeline in plain words ({{ article.error|reason }})."""

from django import template

from ingest.reasons import explain

register = template.Library()


@register.filter
def reason(text: str) -> str:
    return explain(text)
