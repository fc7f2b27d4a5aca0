"""Watchlists: a saved list (or an actor or place) with what is new since it was last opened,
a private Atom feed and an e-mail digest. Only the owner sees a watchlist (404 for anyone
else); the feed needs no login, its token in the URL is the credential."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST, require_safe

from events.models import Entity, Watchlist
from events.presentation.watchlist_feed import atom_feed
from events.selectors import parameters as read
from events.selectors import watchlists as select
from events.services import watchlists as services
from events.views.common import redirect_back

# How often a feed reader may take the feed from its cache instead of asking again.
FEED_MAX_AGE = 300


def _own(request: HttpRequest, pk: int) -> Watchlist:
    watchlist = select.owned(request.user, pk)
    if watchlist is None:
        raise Http404("no such watchlist")
    return watchlist


@require_GET
def watchlist_list(request: HttpRequest) -> HttpResponse:
    return render(request, "events/watchlist_list.html", {"watchlists": select.watchlists_of(request.user)})


@require_POST
def watchlist_create(request: HttpRequest) -> HttpResponse:
    """Save the list as filtered now (kind, query) or an entity (kind entity, entity)."""
    kind = request.POST.get("kind", "")
    entity = None
    if kind == Watchlist.Kind.ENTITY and (pk := read.one_id(request.POST, "entity")) is not None:
        entity = Entity.objects.select_related("merged_into").filter(pk=pk).first()
    try:
        watchlist, created = services.watchlist_create(
            owner=request.user,
            kind=kind,
            query=request.POST.get("query", ""),
            entity=entity,
            name=request.POST.get("name", ""),
        )
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect_back(request, ("events:watchlists",))
    if created:
        messages.success(
            request,
            _(
                "Saved as the watchlist “%(name)s”: from now on, what enters Lagebild and matches counts as new."
            )
            % {"name": watchlist.name},
        )
    else:
        messages.info(request, _("You already watch this as “%(name)s”.") % {"name": watchlist.name})
    return redirect(watchlist)


@require_GET
def watchlist_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The newest matches, those new since the last visit marked; opening it marks them seen."""
    watchlist = _own(request, pk)
    before = services.watchlist_open(watchlist)
    select.with_new_count(watchlist, since=before)
    feed_url = (
        request.build_absolute_uri(reverse("events:watchlist_feed", args=[watchlist.feed_token]))
        if watchlist.feed_token
        else ""
    )
    return render(
        request,
        "events/watchlist_detail.html",
        {
            "watchlist": watchlist,
            "entity": select.watched_entity(watchlist),
            "rows": select.newest(watchlist, new_since=before),
            "shown": select.NEWEST_SHOWN,
            "seen_before": before,
            "filters": select.filters_of(watchlist),
            "list_url": select.list_url(watchlist),
            "feed_url": feed_url,
            "digests": Watchlist.Digest.choices,
            "no_email": not request.user.email,
        },
    )


@require_POST
def watchlist_update(request: HttpRequest, pk: int) -> HttpResponse:
    watchlist = _own(request, pk)
    try:
        services.watchlist_update(
            watchlist, name=request.POST.get("name", ""), digest=request.POST.get("digest", watchlist.digest)
        )
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Watchlist saved."))
    return redirect(watchlist)


@require_POST
def watchlist_token(request: HttpRequest, pk: int) -> HttpResponse:
    """A new feed address (the old one stops working), or none."""
    watchlist = _own(request, pk)
    if request.POST.get("action") == "revoke":
        services.feed_token_revoke(watchlist)
        messages.success(request, _("The feed is switched off; its address no longer works."))
    else:
        services.feed_token_regenerate(watchlist)
        messages.success(request, _("The feed has a new address; the old one no longer works."))
    return redirect(watchlist)


@require_POST
def watchlist_delete(request: HttpRequest, pk: int) -> HttpResponse:
    watchlist = _own(request, pk)
    services.watchlist_delete(watchlist)
    messages.success(request, _("Watchlist “%(name)s” deleted.") % {"name": watchlist.name})
    return redirect("events:watchlists")


@login_not_required
@require_safe
def watchlist_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The private Atom feed: no session needed, the token is the credential (404 for a token
    that was regenerated or revoked, or whose owner may no longer read the portal)."""
    watchlist = select.by_feed_token(token)
    if watchlist is None:
        raise Http404("no such feed")
    body = atom_feed(
        watchlist,
        select.newest(watchlist),
        absolute=request.build_absolute_uri,
        self_url=request.build_absolute_uri(request.path),
        list_url=select.list_url(watchlist),
    )
    response = HttpResponse(body, content_type="application/atom+xml; charset=utf-8")
    # Private: a shared cache must not keep what the token opens; search engines never list it.
    patch_cache_control(response, private=True, max_age=FEED_MAX_AGE)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
