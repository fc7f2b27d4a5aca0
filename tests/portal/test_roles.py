"""The Django admin's pages for every role, for a user without one and for anonymous visitors
(the portal's own URLs are in test_every_url.ROUTES), and how the roles are set up."""

import pytest

from portal.roles import ADMIN, ANALYST, EDITOR
from tests.factories import NO_ROLE, login

ANON = None
ALL = [ANON, NO_ROLE, ANALYST, EDITOR, ADMIN]

# Admins only; the others go to the admin's login page, except a user without a role, who
# sees "an admin must give you a role" there too. 302 for anonymous: to a login page.
ADMIN_ONLY = {ANON: 302, NO_ROLE: 403, ANALYST: 302, EDITOR: 302, ADMIN: 200}
PAGES = {
    "/admin/": ADMIN_ONLY,
    "/admin/auth/user/": ADMIN_ONLY,
    "/admin/ingest/source/": ADMIN_ONLY,
    "/admin/ingest/source/add/": ADMIN_ONLY,
    "/admin/ingest/outlet/": ADMIN_ONLY,
    "/admin/ingest/fetchlog/": ADMIN_ONLY,
    "/admin/ingest/article/": ADMIN_ONLY,
    "/admin/events/tag/": ADMIN_ONLY,
    "/admin/portal/loginattempt/": ADMIN_ONLY,
}


@pytest.mark.parametrize("persona", ALL, indirect=True, ids=lambda r: r or "anonymous")
@pytest.mark.parametrize("url", list(PAGES))
def test_each_admin_page_answers_each_role(persona, url, request):
    role = request.node.callspec.params["persona"]
    response = persona.get(url)
    assert response.status_code == PAGES[url][role], (url, role)
    if role is ANON and response.status_code == 302:
        assert response["Location"].startswith("/login/") or response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("persona", [ANALYST, EDITOR], indirect=True)
def test_non_admins_are_sent_to_the_admin_login(persona):
    response = persona.get("/admin/")
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.django_db
def test_groups_carry_the_role_permissions():
    from django.contrib.auth.models import Group

    from portal.roles import sync_roles

    sync_roles()
    admin_perms = set(Group.objects.get(name=ADMIN).permissions.values_list("codename", flat=True))
    analyst_perms = set(Group.objects.get(name=ANALYST).permissions.values_list("codename", flat=True))
    assert {"add_user", "change_user", "view_user"} <= admin_perms
    assert not any(p.startswith(("add_", "change_", "delete_")) for p in analyst_perms)
    assert analyst_perms <= admin_perms


def test_logout_needs_post(client, analyst):

    login(client, analyst)
    assert client.get("/logout/").status_code == 405
    assert client.post("/logout/").status_code == 302
    assert client.get("/").status_code == 302


def test_login_page_is_german_by_default(client, db):
    response = client.get("/login/")
    assert "Anmelden" in response.content.decode()
    assert response.headers["Content-Language"] == "de"


def test_login_page_stays_german_for_an_english_browser(client, db):
    response = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "Anmelden" in response.content.decode()


def test_the_language_switch_turns_the_portal_english(client, db):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert response.status_code == 302
    assert "Log in" in client.get("/login/").content.decode()
