"""Every URL of the portal has a defined answer for each role and for anonymous visitors.

`ROUTES` names each URL pattern with the request to make and the status each persona gets.
A new URL without a row here fails `test_every_url_has_a_row`: deciding who may use a page
is part of adding it. The Django admin's own pages are sampled in test_roles.PAGES.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from portal.roles import ADMIN, ANALYST, EDITOR
from tests.factories import NO_ROLE

ANON = None
# NO_ROLE: logged in, in no group; they get only "an admin must give you a role" (403).
PERSONAS = [ANON, NO_ROLE, ANALYST, EDITOR, ADMIN]

READ = {ANON: 302, NO_ROLE: 403, ANALYST: 200, EDITOR: 200, ADMIN: 200}  # every role reads
CURATE = {ANON: 302, NO_ROLE: 403, ANALYST: 403, EDITOR: 302, ADMIN: 302}  # editors act, then go back
CURATE_PAGE = {ANON: 302, NO_ROLE: 403, ANALYST: 403, EDITOR: 200, ADMIN: 200}  # editors' own pages
# 401 with WWW-Authenticate for anonymous callers (no login redirect); 403 JSON without a role.
API = {ANON: 401, NO_ROLE: 403, ANALYST: 200, EDITOR: 200, ADMIN: 200}
# Every role acts on what is its own (a watchlist), then goes on.
OWN = {ANON: 302, NO_ROLE: 403, ANALYST: 302, EDITOR: 302, ADMIN: 302}
# Admins only: the language model's page, and starting its re-analysis.
ADMIN_PAGE = {ANON: 302, NO_ROLE: 403, ANALYST: 403, EDITOR: 403, ADMIN: 200}
ADMIN_ACT = {ANON: 302, NO_ROLE: 403, ANALYST: 403, EDITOR: 403, ADMIN: 302}
# No login needed: a token in the URL is the credential (a watchlist's feed).
TOKEN = dict.fromkeys(PERSONAS, 200)


@dataclass
class Route:
    url: Callable[[dict], str]
    expect: dict
    method: str = "get"
    data: Callable[[dict], dict] = field(default=lambda w: {})


def _world(owner=None):
    """One of everything a URL can point at; the watchlist is `owner`'s (default: _watcher())."""
    from tests import factories as make

    text = "Wladimir Putin traf Kim Jong Un in Pjöngjang. Putin sagte, man wolle die Sanktionen überwinden."
    outlet = make.outlet("Example", country="", domain="example.org")
    article = make.article("Putin in Pjöngjang", text, outlet, indexed=False)
    w = make.cast(
        "putin",
        "kim",
        "pj",
        putin={"country": ""},
        kim={"country": "", "provisional": True},
        pj={"country": "", "latitude": 39.0},
    )
    putin, kim, place = w["putin"], w["kim"], w["pj"]
    alias = make.alias(putin, "Putin")
    mention = make.mention(article, putin, "Wladimir Putin")
    make.mention(article, kim, "Kim Jong Un")
    claim = make.claim(
        article,
        "man wolle die Sanktionen überwinden",
        putin,
        start=47,
        end=len(text),
        sentence_index=1,
        cue="sagte",
        speaker_text="Putin",
    )
    event = make.event(
        "Treffen: Putin und Kim in Pjöngjang",
        "meet",
        place=place,
        actors=[(putin, "source"), (kim, "target")],
        articles=[article],
    )
    other = make.event("Noch ein Treffen", "meet", place=place)
    watchlist = make.watchlist(owner or _watcher(), "event", f"actor={putin.pk}&type=meet")
    return {
        **w,
        "outlet": outlet,
        "article": article,
        "alias": alias,
        "mention": mention,
        "claim": claim,
        "event": event,
        "other": other,
        "tag": make.tag("Gipfel"),
        "watchlist": watchlist,
    }


def _watcher():
    """Who owns the world's watchlist: the persona of the test when it has a role (only its
    owner opens a watchlist; tests/events/test_watchlists.py checks the 404 for others), else
    an analyst (so that its feed still works)."""
    from django.contrib.auth.models import User

    from tests import factories as make

    persona = User.objects.filter(username__endswith="-persona", groups__isnull=False).first()
    return persona or make.user(ANALYST)


ROUTES: dict[str, Route] = {
    # --- portal ---
    "portal:dashboard": Route(lambda w: "/", READ),
    # Public for load balancers; 503 while no worker runs (as here, without a worker).
    "healthz": Route(lambda w: "/healthz", {p: (200, 503) for p in PERSONAS}),
    "login": Route(lambda w: "/login/", {ANON: 200, **{p: 302 for p in PERSONAS[1:]}}),
    "logout": Route(lambda w: "/logout/", {p: 302 for p in PERSONAS}, "post"),
    "set_language": Route(
        lambda w: "/i18n/setlang/", {p: 302 for p in PERSONAS}, "post", lambda w: {"language": "en"}
    ),
    # --- ingestion ---
    "ingest:submit": Route(lambda w: "/ingest/submit/", CURATE_PAGE),
    # --- events ---
    "events:events": Route(lambda w: "/events/?type=meet&q=Putin", READ),
    "events:event": Route(lambda w: f"/events/{w['event'].pk}/", READ),
    "events:event_merge": Route(
        lambda w: f"/events/{w['other'].pk}/merge/", CURATE, "post", lambda w: {"target": w["event"].pk}
    ),
    # Suggestions of the merge and relink boxes: editors' own.
    "events:event_merge_suggest": Route(
        lambda w: f"/events/{w['other'].pk}/merge/suggest/?target=Treffen", CURATE_PAGE
    ),
    "events:event_split": Route(
        lambda w: f"/events/{w['event'].pk}/split/", CURATE, "post", lambda w: {"articles": [w["article"].pk]}
    ),
    # --- claims ---
    "events:claim_review": Route(
        lambda w: f"/claims/{w['claim'].pk}/review/",
        CURATE,
        "post",
        lambda w: {"status": "confirmed", "reason": "AP"},
    ),
    # --- actors and places ---
    "events:entities": Route(lambda w: "/entities/?q=Putin", READ),
    "events:corrections_export": Route(lambda w: "/entities/corrections.jsonl", CURATE_PAGE),
    "events:entity": Route(lambda w: f"/entities/{w['putin'].pk}/", READ),
    "events:entity_suggest": Route(
        lambda w: f"/entities/suggest/?target=Kim&exclude={w['putin'].pk}", CURATE_PAGE
    ),
    "events:entity_create": Route(lambda w: "/entities/new/", CURATE_PAGE),
    "events:entity_edit": Route(lambda w: f"/entities/{w['kim'].pk}/edit/", CURATE_PAGE),
    "events:alias_add": Route(
        lambda w: f"/entities/{w['putin'].pk}/aliases/",
        CURATE,
        "post",
        lambda w: {"text": "Kremlchef", "kind": "name"},
    ),
    "events:entity_merge": Route(
        lambda w: f"/entities/{w['kim'].pk}/merge/", CURATE, "post", lambda w: {"target": w["putin"].pk}
    ),
    "events:entity_split": Route(lambda w: f"/entities/{w['putin'].pk}/split/", CURATE_PAGE),
    "events:entity_confirm": Route(lambda w: f"/entities/{w['kim'].pk}/confirm/", CURATE, "post"),
    "events:alias_remove": Route(lambda w: f"/aliases/{w['alias'].pk}/remove/", CURATE, "post"),
    "events:mention_wrong": Route(lambda w: f"/mentions/{w['mention'].pk}/wrong/", CURATE, "post"),
    "events:mention_relink": Route(
        lambda w: f"/mentions/{w['mention'].pk}/relink/", CURATE, "post", lambda w: {"target": w["kim"].pk}
    ),
    "events:mention_reshape": Route(
        lambda w: f"/mentions/{w['mention'].pk}/extent/",
        CURATE,
        "post",
        lambda w: {"name": w["mention"].text},
    ),
    # --- articles ---
    "events:article": Route(lambda w: f"/articles/{w['article'].pk}/?claim={w['claim'].pk}", READ),
    # --- lists and their exports (analysts export what they found) ---
    "events:events_export": Route(lambda w: "/events/export.csv?type=meet", READ),
    "events:claims": Route(lambda w: "/claims/?review=unverified", READ),
    "events:claims_export": Route(lambda w: f"/claims/export.json?speaker={w['putin'].pk}", READ),
    "events:entities_export": Route(lambda w: "/entities/export.csv?kind=person", READ),
    "events:articles": Route(lambda w: "/articles/?q=Sanktionen", READ),
    "events:articles_export": Route(lambda w: "/articles/export.json?q=Putin", READ),
    # --- cross-reference ---
    "events:crossref": Route(lambda w: f"/crossref/?entity={w['putin'].pk}&entity={w['kim'].pk}", READ),
    "events:crossref_suggest": Route(lambda w: "/crossref/suggest/?q=Kim", READ),
    # --- coverage by outlet ---
    "events:coverage": Route(lambda w: f"/coverage/?entity={w['putin'].pk}&q=Sanktionen", READ),
    # --- the language model (admins) ---
    "events:language_model": Route(lambda w: "/model/", ADMIN_PAGE),
    "events:reanalyze_outdated": Route(lambda w: "/model/reanalyze/", ADMIN_ACT, "post"),
    "events:retrain": Route(lambda w: "/model/retrain/", ADMIN_ACT, "post"),
    # --- tags ---
    "events:tags": Route(lambda w: "/tags/", READ),
    "events:tag": Route(lambda w: f"/tags/{w['tag'].slug}/", READ),
    "events:tags_apply": Route(
        lambda w: "/tags/apply/",
        CURATE,
        "post",
        lambda w: {
            "tag": w["tag"].pk,
            "kind": "article",
            "action": "add",
            "ids": [w["article"].pk],
            "next": "/",
        },
    ),
    # --- watchlists: every role has its own; the feed opens by its token ---
    "events:watchlists": Route(lambda w: "/watchlists/", READ),
    "events:watchlist_create": Route(
        lambda w: "/watchlists/new/", OWN, "post", lambda w: {"kind": "claim", "query": "review=unverified"}
    ),
    "events:watchlist": Route(lambda w: f"/watchlists/{w['watchlist'].pk}/", READ),
    "events:watchlist_update": Route(
        lambda w: f"/watchlists/{w['watchlist'].pk}/edit/",
        OWN,
        "post",
        lambda w: {"name": "X", "digest": "daily"},
    ),
    "events:watchlist_token": Route(
        lambda w: f"/watchlists/{w['watchlist'].pk}/feed-token/",
        OWN,
        "post",
        lambda w: {"action": "regenerate"},
    ),
    "events:watchlist_delete": Route(lambda w: f"/watchlists/{w['watchlist'].pk}/delete/", OWN, "post"),
    "events:watchlist_feed": Route(lambda w: f"/watchlists/feed/{w['watchlist'].feed_token}.atom", TOKEN),
    # --- API (token or session; analysts and up) ---
    "api:event-list": Route(lambda w: f"/api/v1/events/?actor={w['putin'].pk}&type=meet", API),
    "api:event-detail": Route(lambda w: f"/api/v1/events/{w['event'].pk}/", API),
    "api:entity-list": Route(lambda w: "/api/v1/entities/?q=Putin", API),
    "api:entity-detail": Route(lambda w: f"/api/v1/entities/{w['putin'].pk}/", API),
    "api:claim-list": Route(lambda w: f"/api/v1/claims/?speaker={w['putin'].pk}", API),
    "api:claim-detail": Route(lambda w: f"/api/v1/claims/{w['claim'].pk}/", API),
    "api:article-list": Route(lambda w: f"/api/v1/articles/?outlet={w['outlet'].pk}", API),
    "api:article-detail": Route(lambda w: f"/api/v1/articles/{w['article'].pk}/", API),
    "api:schema": Route(lambda w: "/api/schema/?format=json", API),
    "api:docs": Route(lambda w: "/api/docs/", READ),
    "api:token": Route(lambda w: "/api/token/", READ),
}


def url_names(patterns=None, namespace: str | None = None):
    """The names of all URL patterns outside the Django admin."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = pattern.namespace or namespace
            if namespace and pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}"
            yield from url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def test_every_url_has_a_row():
    missing = sorted(set(url_names()) - set(ROUTES))
    assert not missing, f"decide who may use these URLs and add them to ROUTES: {missing}"


@pytest.mark.parametrize("persona", PERSONAS, indirect=True, ids=lambda r: r or "anonymous")
@pytest.mark.parametrize("name", list(ROUTES))
def test_each_url_answers_each_role(name, persona, request):
    role = request.node.callspec.params["persona"]
    route = ROUTES[name]
    world = _world()
    response = getattr(persona, route.method)(route.url(world), route.data(world))
    expected = route.expect[role]
    assert response.status_code in (expected if isinstance(expected, tuple) else (expected,)), (
        name,
        role,
        response.status_code,
    )
    if role is ANON and expected == 302 and name not in {"logout", "set_language"}:
        assert response["Location"].startswith("/login/"), response["Location"]


@pytest.mark.parametrize("persona", [NO_ROLE], indirect=True)
def test_a_user_without_a_role_is_told_to_ask_an_admin(persona):
    """German first, English on request; pages, exports and the API alike; logging out works."""
    page = persona.get("/events/")
    assert page.status_code == 403
    assert "Ein Admin muss Ihnen eine Rolle geben" in page.content.decode()
    assert 'href="/events/"' not in page.content.decode()  # no navigation to pages they cannot open
    assert persona.get("/events/export.csv").status_code == 403
    api = persona.get("/api/v1/events/")
    assert api.status_code == 403 and api["Content-Type"] == "application/json" and "detail" in api.json()
    persona.post("/i18n/setlang/", {"language": "en"})
    assert "An admin must give you a role" in persona.get("/").content.decode()
    assert persona.post("/logout/").status_code == 302
    assert persona.get("/events/").status_code == 302  # logged out: to the login page
