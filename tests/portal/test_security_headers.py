"""Security headers on every response, and templates that keep to the Content-Security-Policy.

Every URL of the every-URL table is asked for by every persona and must carry the policy, frame
denial, a referrer policy and nosniff; the admin, static files and a 404 too. The templates are
scanned for what the policy would block (inline script, on…= handlers, javascript: URLs, inline
style), so a page breaks in review rather than silently in a browser.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

from portal.middleware import content_security_policy
from tests import factories
from tests.portal.test_every_url import PERSONAS, ROUTES, _world

BASE_DIR = Path(__file__).resolve().parents[2]


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        name, *sources = part.split()
        parsed[name] = sources
    return parsed


def assert_secure_headers(response, path: str) -> None:
    assert response["Content-Security-Policy"] == content_security_policy(), path
    policy = directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"], (path, policy)
    assert "'unsafe-inline'" not in policy["default-src"] + policy.get("style-src", []), (path, policy)
    assert policy["frame-ancestors"] == ["'none'"], path
    assert policy["object-src"] == ["'none'"], path
    assert response["X-Frame-Options"] == "DENY", path
    assert response["Referrer-Policy"] == "same-origin", path
    assert response["X-Content-Type-Options"] == "nosniff", path


def client_for(role):
    client = Client()
    if role is not None:
        factories.login(client, factories.user(role))
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(ROUTES))
def test_every_url_carries_the_security_headers(name):
    route = ROUTES[name]
    world = _world()
    for role in PERSONAS:
        url = route.url(world)
        response = getattr(client_for(role), route.method)(url, route.data(world))
        assert_secure_headers(response, f"{name} as {role or 'anonymous'}")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    ["/admin/", "/admin/ingest/source/", "/admin/events/tag/add/", "/static/css/portal.css", "/nowhere/"],
)
def test_admin_static_files_and_errors_carry_them_too(admin_client_lb, path):
    assert_secure_headers(admin_client_lb.get(path), path)


@pytest.fixture
def admin_client_lb(db):
    from portal.roles import ADMIN

    return client_for(ADMIN)


def test_the_policy_allows_no_inline_script_eval_or_inline_style():
    policy = directives(content_security_policy())
    unsafe = {"'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "data:", "*", "http:", "https:"}
    for name in ("default-src", "script-src", "style-src"):
        assert not unsafe & set(policy[name]), (name, policy[name])
    assert not [name for name in policy if name.startswith(("script-src-", "style-src-"))]
    assert policy["base-uri"] == ["'none'"] and policy["form-action"] == ["'self'"]


# --- templates: nothing the policy would block -------------------------------------------------

TAG = re.compile(r"<[a-zA-Z][^<>]*>")
SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.IGNORECASE)


COMMENT = re.compile(r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}|<!--.*?-->", re.DOTALL)


def policy_breaches(source: str) -> list[str]:
    """What in a template's source the Content-Security-Policy would refuse to run or apply."""
    source = COMMENT.sub("", source)
    found = []
    for attributes, body in SCRIPT.findall(source):
        if body.strip() or "src=" not in attributes:
            found.append("inline <script>")
    for tag in TAG.findall(source):
        if HANDLER.search(tag):
            found.append(f"event handler attribute in {tag}")
        if STYLE_ATTRIBUTE.search(tag):
            found.append(f"style attribute in {tag}")
    if re.search(r"javascript:", source, re.IGNORECASE):
        found.append("javascript: URL")
    if re.search(r"<style\b", source, re.IGNORECASE):
        found.append("<style> element")
    return found


def project_templates() -> list[Path]:
    templates = sorted((BASE_DIR / "templates").rglob("*.html"))
    for app in ("portal", "events", "ingest"):
        templates += sorted((BASE_DIR / app / "templates").rglob("*.html"))
    return templates


def test_no_template_has_inline_script_handlers_or_style():
    templates = project_templates()
    assert len(templates) > 40  # the scan sees the portal's templates
    breaches = {str(path.relative_to(BASE_DIR)): policy_breaches(path.read_text()) for path in templates}
    assert {path: found for path, found in breaches.items() if found} == {}


def test_no_html_built_in_python_has_them_either():
    """Markup written in Python: the charts, the article text, the admin's columns."""
    sources = [*BASE_DIR.glob("events/presentation/*.py"), *BASE_DIR.glob("*/admin.py")]
    sources += [*BASE_DIR.glob("*/templatetags/*.py")]
    breaches = {str(path.relative_to(BASE_DIR)): policy_breaches(path.read_text()) for path in sources}
    assert {path: found for path, found in breaches.items() if found} == {}


@pytest.mark.parametrize(
    "bad",
    [
        "<script>alert(1)</script>",
        '<script type="text/javascript">\n  go();\n</script>',
        '<select onchange="this.form.submit()">',
        "<body ONLOAD='x()'>",
        '<a href="javascript:void(0)">',
        '<td style="padding-left: 2rem">',
        "<style>p { color: red }</style>",
    ],
)
def test_the_scan_finds_each_kind_of_breach(bad):
    assert policy_breaches(bad)


def test_the_scan_lets_script_files_and_data_attributes_pass():
    fine = '<script src="/static/js/portal.js" defer></script><select data-submit-on-change name="on">'
    fine += "{# no <script> here, no <style> #}<!-- nor onclick= here -->"
    assert policy_breaches(fine + "<p>on=off, the onset of the stylesheet</p>") == []
