"""``{% load curation %}``: what editors' forms show of their own refusals.

``{% review_refusal claim as refusal %}``: why the last review of this claim was refused (a
dispute without a reason), for its form to show beside the field; "" otherwise. The view
sends the refusal as a message tagged with ``review_refused_tag(claim.pk)``.
"""

from __future__ import annotations

from django import template

register = template.Library()


def review_refused_tag(pk: int) -> str:
    return f"review-refused-{pk}"


@register.simple_tag(takes_context=True)
def review_refusal(context, claim) -> str:
    messages = context.get("messages")
    if not messages:
        return ""
    wanted = review_refused_tag(claim.pk)
    return next((str(m) for m in messages if m.extra_tags == wanted), "")
