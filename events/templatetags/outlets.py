"""``{% load outlets %}{% outlet_marks article.outlet %}``: the marks beside an outlet's name
(state-affiliated, wire agency), patterned like the coverage chart's (static/css/charts.css)."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from events.presentation.figures import outlet_marks_html

register = template.Library()


@register.simple_tag
def outlet_marks(outlet) -> SafeString:
    return outlet_marks_html(outlet)
