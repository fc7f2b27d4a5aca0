"""Claims: the list (filters, review status) and editors' review."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from events.lists import LISTS
from events.models import Claim
from events.services import curation
from events.templatetags.curation import review_refused_tag
from events.views.common import redirect_back
from events.views.search import list_context, outlet_options, render_list, wants_fragment
from portal.roles import editor_required

# Filters that links set (a speaker's name, an event's claims) rather than the form's fields.
LINK_FILTERS = ("speaker", "source", "about", "event", "article")


@require_GET
def claim_list(request: HttpRequest) -> HttpResponse:
    """Claims with their speaker, source, article and review; editors confirm or dispute here."""
    context = list_context(request, "claim", LISTS["claim"].records(request.GET))
    if not wants_fragment(request):
        context["outlet_options"] = outlet_options(request.GET.get("outlet"))
        context["reviews"] = Claim.Review.choices
        context["claim_kinds"] = Claim.Kind.choices
        context["claim_moods"] = [("statement", Claim.Mood.STATEMENT.label), *Claim.Mood.choices[1:]]
        context["link_filters"] = [
            (f.param, f.value) for f in context["active_filters"] if f.param in LINK_FILTERS
        ]
    return render_list(request, context)


@require_POST
@editor_required
def claim_review(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm or dispute a claim, back to where it was shown (at the claim). A refusal (a
    dispute without a reason) is also shown at the claim's form ({% review_refusal %})."""
    claim = get_object_or_404(Claim, pk=pk)
    try:
        curation.claim_review(
            claim=claim,
            status=request.POST.get("status", ""),
            reason=request.POST.get("reason", ""),
            user=request.user,
        )
    except ValueError as exc:
        messages.error(request, str(exc), extra_tags=review_refused_tag(claim.pk))
    else:
        messages.success(request, _("Claim marked %s.") % claim.get_review_status_display())
    return redirect_back(request, ("events:claims",), fragment=f"claim-{claim.pk}")
