from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from portal import health, overview
from portal.roles import is_editor


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    context = {
        "health": health.overall(),
        "ingestion": overview.ingestion(),
        "events": overview.latest_events(),
        "active": overview.most_active_actors(),
        "watchlists": overview.watchlists(request.user),
    }
    if is_editor(request.user):
        context["review"] = overview.review_counts()
    return render(request, "portal/dashboard.html", context)


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    state = health.overall()
    return JsonResponse(state, status=200 if state["status"] == "ok" else 503)
