"""Coverage by outlet: which outlets reported a search, an actor or place, or an event, how
often and when (events/selectors/coverage.py counts, events/presentation/figures.py draws)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from events.presentation.figures import articles_link, coverage_rows, coverage_timeline
from events.selectors.coverage import Subject, SubjectError, SubjectMoved, outlet_coverage, read_subject

FORM_FIELDS = ("q", "date_from", "date_to")


@require_GET
def coverage(request: HttpRequest) -> HttpResponse:
    # The form shows what was asked, as it was typed (the template escapes it).
    form = {name: request.GET.get(name, "")[:300] for name in FORM_FIELDS}
    try:
        subject = read_subject(request.GET)
    except SubjectMoved as moved:
        return redirect(f"{reverse('events:coverage')}?{urlencode(moved.params)}")
    except SubjectError as error:
        context = {"error": str(error), "form": form, "heading": _("Coverage by outlet")}
        return render(request, "events/coverage.html", context, status=error.status)
    report = outlet_coverage(subject)
    return render(
        request,
        "events/coverage.html",
        {
            "subject": subject,
            "heading": heading(subject),
            "form": form,
            "coverage": report,
            "rows": coverage_rows(report),
            "chart": coverage_timeline(report),
            "articles_url": articles_link(subject)(),
        },
    )


def heading(subject: Subject) -> str:
    """What the page counts, in words: "Who reported on “Sanktionen” and Wladimir Putin"."""
    parts = []
    if subject.query:
        parts.append(_("“%(words)s”") % {"words": subject.query})
    if subject.entity:
        parts.append(subject.entity.name)
    if subject.event:
        parts.append(_("the event “%(title)s”") % {"title": subject.event.title})
    if not parts:
        return _("Who reported: all articles")
    return _("Who reported on %(subject)s") % {"subject": _(" and ").join(parts)}
