"""Every request that can change something needs its CSRF token, whoever sends it.

The endpoints are found, not listed: every URL pattern of the URL conf (the portal's from the
every-URL table, which has a row for each; the Django admin's built from their patterns) is sent
POST, PUT, PATCH and DELETE with a valid token by an admin, and each method the view does not
refuse with 405 is a state-changing endpoint. Each of those is then sent without a token by
every role (and anonymously) and must be refused by the CSRF check (403). A new view that
accepts POST is therefore tested the moment it has its row in the every-URL table.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from portal.roles import ADMIN, ANALYST, EDITOR
from tests import factories
from tests.portal.test_every_url import ROUTES, _world, url_names

UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
ROLES = [ANALYST, EDITOR, ADMIN]
# A valid token pair: the CSRF cookie's secret and the same secret in the header.
TOKEN = "x" * 32
# Found by the probe today; the probe must keep finding at least these (it cannot go blind).
KNOWN_POST_ENDPOINTS = {
    "login",
    "logout",
    "set_language",
    "ingest:submit",
    "events:event_merge",
    "events:event_split",
    "events:claim_review",
    "events:entity_create",
    "events:entity_edit",
    "events:alias_add",
    "events:entity_merge",
    "events:entity_split",
    "events:entity_confirm",
    "events:alias_remove",
    "events:mention_wrong",
    "events:mention_relink",
    "events:mention_reshape",
    "events:tags_apply",
    "events:watchlist_create",
    "events:watchlist_update",
    "events:watchlist_token",
    "events:watchlist_delete",
    "events:reanalyze_outdated",
    "events:retrain",
    "api:token",
    "admin:ingest_source_add",
    "admin:ingest_source_changelist",
    "admin:ingest_source_change",
    "admin:ingest_source_delete",
    "admin:events_tag_add",
    "admin:auth_user_password_change",
    "admin:logout",
}


def admin_patterns(patterns=None, found=None) -> dict[str, dict]:
    """Every named pattern of the Django admin, with a value for each of its parameters."""
    found = {} if found is None else found
    if patterns is None:
        admin = next(p for p in get_resolver().url_patterns if getattr(p, "namespace", None) == "admin")
        patterns = admin.url_patterns
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            admin_patterns(pattern.url_patterns, found)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names = {*getattr(pattern.pattern, "converters", {}), *pattern.pattern.regex.groupindex}
            # app_label is a choice of the registered apps; ids of nothing are fine, since the
            # CSRF check answers before any view looks for its object.
            found[f"admin:{pattern.name}"] = {n: "ingest" if n == "app_label" else "1" for n in names}
    return found


def endpoints(world) -> dict[str, tuple[str, dict]]:
    """Every URL of the URL conf as (url, form data), by its name."""
    unknown = sorted(set(url_names()) - set(ROUTES))
    assert not unknown, f"no row in the every-URL table, so no way to call: {unknown}"
    calls = {name: (route.url(world), route.data(world)) for name, route in ROUTES.items()}
    for name, kwargs in admin_patterns().items():
        calls[name] = (reverse(name, kwargs=kwargs), {})
    return calls


def client_for(role, token: bool) -> Client:
    client = Client(enforce_csrf_checks=True)
    if role is not None:
        factories.login(client, USERS[role])
    if token:
        client.cookies[settings.CSRF_COOKIE_NAME] = TOKEN
    return client


def send(client: Client, method: str, url: str, data: dict, token: bool):
    headers = {"HTTP_X_CSRFTOKEN": TOKEN} if token else {}
    body = urlencode(data, doseq=True)
    return client.generic(method, url, body, "application/x-www-form-urlencoded", **headers)


def accepts(method: str, url: str, data: dict) -> bool:
    """Whether the view takes `method` at all: an admin with a valid token is not sent a 405.
    The request really runs, so it runs in a savepoint that is rolled back."""
    with transaction.atomic():
        response = send(client_for(ADMIN, token=True), method, url, data, token=True)
        transaction.set_rollback(True)
    return response.status_code != 405


USERS: dict = {}


@pytest.fixture
def users(db):
    USERS.update({role: factories.user(role) for role in ROLES})
    yield USERS
    USERS.clear()


def test_every_state_changing_request_without_a_token_is_refused_for_every_role(users):
    world = _world()
    calls = endpoints(world)
    changing = [
        (name, method)
        for name, (url, data) in calls.items()
        for method in UNSAFE_METHODS
        if accepts(method, url, data)
    ]
    assert {name for name, method in changing if method == "POST"} >= KNOWN_POST_ENDPOINTS
    refused_wrongly = []
    for name, method in changing:
        url, data = calls[name]
        for role in [None, *ROLES]:
            response = send(client_for(role, token=False), method, url, data, token=False)
            if response.status_code != 403 or b"CSRF" not in response.content:
                refused_wrongly.append((name, method, role or "anonymous", response.status_code))
    assert refused_wrongly == []


def test_the_same_requests_with_a_token_pass_the_check(users):
    """The refusals above are the CSRF check's: with the token the same requests get past it
    (each role then gets its ordinary answer, never a CSRF 403)."""
    world = _world()
    for name in ["events:alias_add", "events:tags_apply", "api:token", "set_language"]:
        url, data = endpoints(world)[name]
        for role in ROLES:
            with transaction.atomic():
                response = send(client_for(role, token=True), "POST", url, data, token=True)
                transaction.set_rollback(True)
            assert b"CSRF" not in response.content, (name, role)
            assert response.status_code in (200, 302, 403), (name, role, response.status_code)


def test_the_api_resources_refuse_every_write_so_they_have_no_entry_above(users):
    """The API reads only: each write gets 405 from everybody, before authentication. Should a
    resource ever accept one, the probe finds it, and DRF's session authentication (which
    checks CSRF for session callers; token callers send no cookie) must refuse it there."""
    from rest_framework.authentication import SessionAuthentication
    from rest_framework.settings import api_settings

    world = _world()
    resources = [n for n in ROUTES if n.startswith("api:") and n.endswith(("-list", "-detail"))]
    api = {name: ROUTES[name].url(world) for name in resources}
    assert len(api) == 8
    for name, url in api.items():
        for method in UNSAFE_METHODS:
            response = send(client_for(ANALYST, token=False), method, url, {}, token=False)
            assert response.status_code == 405, (name, method, response.status_code)
    sessions = [
        c for c in api_settings.DEFAULT_AUTHENTICATION_CLASSES if issubclass(c, SessionAuthentication)
    ]
    assert [c.enforce_csrf for c in sessions] == [SessionAuthentication.enforce_csrf]
