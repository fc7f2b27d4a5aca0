"""Claims: editors' review."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from events import services
from events.models import Claim
from events.views.common import redirect_back


@require_POST
@permission_required("events.change_claim", raise_exception=True)
def claim_review(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(Claim, pk=pk)
    try:
        services.claim_review(
            claim=claim,
            status=request.POST.get("status", ""),
            reason=request.POST.get("reason", ""),
            user=request.user,
        )
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Claim marked %s.") % claim.get_review_status_display())
    return redirect_back(request, ("events:events",))
