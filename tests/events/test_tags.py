"""Tags: the taxonomy page, one tag's page, the tag box, and editors' tagging (one record or
a whole filtered selection); analysts read only."""

from __future__ import annotations

import re

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from events.models import Claim, Tag, Tagging
from ingest.models import Article
from portal.roles import ADMIN, ANALYST, EDITOR, is_editor
from tests import factories
from tests.factories import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    korea = factories.tag("Nordkorea")
    rockets = factories.tag("Raketentests", parent=korea)
    unused = factories.tag("Sanktionen")
    # As this world always had it: only discovered (not analysed, not indexed), in no outlet.
    article = factories.article(
        "Rakete gestartet",
        "Nordkorea hat eine Rakete gestartet, sagte Seoul.",
        indexed=False,
        status=Article.Status.DISCOVERED,
    )
    entity = factories.entity("Nordkorea", "country", "KP")
    event = factories.event("Raketentest bei Pjöngjang", "test")
    others = [factories.event(f"Test {i}", "test") for i in range(3)]
    claim = factories.claim(
        article, "Nordkorea hat eine Rakete gestartet", end=48, cue="sagte", speaker_text="Seoul"
    )
    return locals()


def apply(client, world, **data):
    fields = {"tag": world["rockets"].pk, "kind": "event", "action": "add", "next": "/events/"}
    fields.update(data)
    return client.post("/tags/apply/", fields)


@pytest.mark.parametrize(
    "persona", [None, ANALYST, EDITOR, ADMIN], indirect=True, ids=lambda r: r or "anonymous"
)
def test_who_may_read_and_tag(persona, world, request):
    role = request.node.callspec.params["persona"]
    read = {None: 302, ANALYST: 200, EDITOR: 200, ADMIN: 200}[role]
    tag = {None: 302, ANALYST: 403, EDITOR: 302, ADMIN: 302}[role]
    for url in ("/tags/", "/tags/raketentests/"):
        response = persona.get(url)
        assert response.status_code == read, (url, role)
    response = apply(persona, world, ids=[world["event"].pk])
    assert response.status_code == tag
    if role is None:
        assert response["Location"].startswith("/login/")
    assert Tagging.objects.exists() == (role in (EDITOR, ADMIN))


def test_analyst_cannot_remove_either(client, analyst, editor, world):
    Tagging.objects.create(tag=world["rockets"], event=world["event"], user=editor)
    login(client, analyst)
    assert apply(client, world, action="remove", ids=[world["event"].pk]).status_code == 403
    assert Tagging.objects.count() == 1


def test_tagging_one_record_twice_is_harmless_and_it_can_be_removed(client, editor, world):
    login(client, editor)
    event = world["event"]
    response = apply(client, world, ids=[event.pk])
    assert response.status_code == 302 and response["Location"] == "/events/"
    assert [str(m) for m in get_messages(response.wsgi_request)]
    first = Tagging.objects.get(tag=world["rockets"], event=event)
    assert first.user == editor
    apply(client, world, ids=[event.pk])
    assert list(Tagging.objects.filter(tag=world["rockets"])) == [first]  # the first tagging kept
    response = apply(client, world, action="remove", ids=[event.pk])
    assert response.status_code == 302
    assert not Tagging.objects.exists()


@pytest.mark.parametrize("kind", ["event", "article", "claim", "entity"])
def test_every_kind_can_be_tagged(client, editor, world, kind):
    login(client, editor)
    target = world[kind]
    assert apply(client, world, kind=kind, ids=[target.pk]).status_code == 302
    assert Tagging.objects.filter(tag=world["rockets"], **{kind: target}).count() == 1


def test_several_ids_at_once_and_unknown_ids_ignored(client, editor, world):
    login(client, editor)
    ids = [world["event"].pk, *(e.pk for e in world["others"]), 999999]
    assert apply(client, world, ids=ids).status_code == 302
    assert Tagging.objects.filter(tag=world["rockets"]).count() == 4


def test_bad_requests(client, editor, world):
    login(client, editor)
    assert apply(client, world, kind="user", ids=[1]).status_code == 400
    assert apply(client, world, action="rename", ids=[1]).status_code == 400
    assert apply(client, world, ids=["x"]).status_code == 400
    assert apply(client, world, tag=999999, ids=[world["event"].pk]).status_code == 404
    assert client.get("/tags/apply/").status_code == 405
    assert not Tagging.objects.exists()


def test_next_must_be_ours(client, editor, world):
    login(client, editor)
    response = apply(client, world, ids=[world["event"].pk], next="https://evil.example/")
    assert response["Location"] == "/tags/raketentests/"


def test_all_records_a_filter_selects(client, editor, world):
    login(client, editor)
    response = apply(client, world, all="1", filters="type=test&q=")
    assert response.status_code == 302
    expected = {world["event"].pk, *(e.pk for e in world["others"])}
    assert set(Tagging.objects.filter(tag=world["rockets"]).values_list("event_id", flat=True)) == expected
    # Narrower: only the events already tagged "Raketentests" get "Sanktionen" too.
    Tagging.objects.filter(event=world["others"][0]).delete()
    response = apply(client, world, tag=world["unused"].pk, all="1", filters="tag=raketentests")
    tagged = set(Tagging.objects.filter(tag=world["unused"]).values_list("event_id", flat=True))
    assert tagged == expected - {world["others"][0].pk}
    # And off again, the same way.
    apply(client, world, tag=world["unused"].pk, action="remove", all="1", filters="tag=raketentests")
    assert not Tagging.objects.filter(tag=world["unused"]).exists()


def test_the_taxonomy_page_is_a_tree_with_counts(client, analyst, admin_user, editor, world):
    Tagging.objects.create(tag=world["rockets"], event=world["event"], user=editor)
    Tagging.objects.create(tag=world["rockets"], claim=world["claim"], user=editor)
    Tagging.objects.create(tag=world["korea"], entity=world["entity"], user=editor)
    login(client, analyst)
    page = client.get("/tags/").content.decode()
    rows = re.findall(r'<tr class="depth-(\d)" data-tag="([^"]+)">(.*?)</tr>', page, re.S)
    assert [(depth, slug) for depth, slug, _ in rows] == [
        ("0", "nordkorea"),
        ("1", "raketentests"),
        ("0", "sanktionen"),
    ]
    counts = {slug: re.findall(r'<td class="num">(\d+)</td>', cells) for _, slug, cells in rows}
    # events, articles, claims, entities
    assert counts == {
        "nordkorea": ["0", "0", "0", "1"],
        "raketentests": ["1", "0", "1", "0"],
        "sanktionen": ["0", "0", "0", "0"],
    }
    assert "/admin/events/tag/" not in page
    client.logout()
    login(client, admin_user)
    assert 'href="/admin/events/tag/"' in client.get("/tags/").content.decode()


def test_the_tag_page_lists_what_carries_it(client, analyst, editor, world):
    rockets = world["rockets"]
    for kind in ("event", "article", "claim", "entity"):
        Tagging.objects.create(tag=rockets, user=editor, **{kind: world[kind]})
    login(client, analyst)
    page = client.get("/tags/raketentests/").content.decode()
    assert f'href="/events/{world["event"].pk}/"' in page
    assert f'href="/articles/{world["article"].pk}/"' in page
    assert f'href="{world["claim"].get_absolute_url()}"' in page
    assert f'href="/entities/{world["entity"].pk}/"' in page
    assert 'href="/tags/nordkorea/"' in page  # the broader tag
    assert page.count(editor.username) >= 4  # who tagged
    for section in ("event", "article", "claim", "entity"):
        assert f'id="tagged-{section}"' in page
    assert client.get("/tags/nicht-da/").status_code == 404


def test_unicode_slugs_work(client, analyst, world):
    Tag.objects.create(name="Südkorea", slug="südkorea")
    login(client, analyst)
    page = client.get("/tags/").content.decode()
    assert 'href="/tags/s%C3%BCdkorea/"' in page
    assert client.get("/tags/s%C3%BCdkorea/").status_code == 200


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _populate(n: int, editor, prefix: str) -> Tag:
    parent = Tag.objects.create(name=f"{prefix}", slug=prefix)
    tag = Tag.objects.create(name=f"{prefix} child", slug=f"{prefix}-child", parent=parent)
    for i in range(n):
        Tag.objects.create(name=f"{prefix} {i}", slug=f"{prefix}-{i}", parent=parent if i % 2 else None)
        article = factories.article("", "", indexed=False, status=Article.Status.DISCOVERED)
        entity = factories.entity(f"Person {i}")
        event = factories.event(f"Ereignis {i}", "test", place=entity)
        claim = factories.claim(article, "x", entity, kind="report", speaker_text="")
        for target in ({"article": article}, {"entity": entity}, {"event": event}, {"claim": claim}):
            factories.tagged(tag, user=editor, **target)
    return tag


def test_tag_pages_do_not_grow_with_rows(client, editor):
    few = _populate(3, editor, "wenig")
    login(client, editor)
    _queries(client, "/tags/")  # warm up session and permission caches
    small = _queries(client, "/tags/"), _queries(client, f"/tags/{few.slug}/")
    many = _populate(30, editor, "viel")
    large = _queries(client, "/tags/"), _queries(client, f"/tags/{many.slug}/")
    assert small == large, (small, large)


def test_the_tag_box(rf: RequestFactory, analyst, editor, world):
    event = world["event"]
    Tagging.objects.create(tag=world["rockets"], event=event, user=editor)
    template = Template('{% load tagging %}{% tag_box event "event" %}')

    def render(user) -> tuple[str, int]:
        request = rf.get("/events/1/?x=1")
        request.user = user
        is_editor(user)  # the role middleware has read the role before any tag box renders
        with CaptureQueriesContext(connection) as queries:
            html = template.render(
                Context({"event": event, "request": request, "user": user, "csrf_token": "t"})
            )
        return html, len(queries)

    html, queries = render(analyst)
    assert queries == 1
    assert 'href="/tags/raketentests/"' in html and "<form" not in html
    html, queries = render(editor)
    assert queries == 2
    assert 'action="/tags/apply/"' in html and 'name="next" value="/events/1/?x=1"' in html
    assert 'value="remove"' in html and 'class="tag-remove"' in html
    options = re.findall(r'<option value="(\d+)">', html)
    assert str(world["rockets"].pk) not in options  # already there
    assert set(options) == {str(world["korea"].pk), str(world["unused"].pk)}


def test_the_article_page_carries_the_tag_box(client, editor, world):
    Tagging.objects.create(tag=world["korea"], article=world["article"], user=editor)
    login(client, editor)
    page = client.get(f"/articles/{world['article'].pk}/").content.decode()
    assert 'class="tag-box" data-kind="article"' in page and 'href="/tags/nordkorea/"' in page
    # Tagging from the page comes back to it.
    response = client.post(
        "/tags/apply/",
        {
            "tag": world["unused"].pk,
            "kind": "article",
            "action": "add",
            "ids": world["article"].pk,
            "next": f"/articles/{world['article'].pk}/",
        },
    )
    assert response["Location"] == f"/articles/{world['article'].pk}/"
    assert Tagging.objects.filter(article=world["article"]).count() == 2


def test_the_tag_box_in_a_loop_uses_prefetched_taggings(rf: RequestFactory, editor, world):
    from django.db.models import Prefetch

    claims = [world["claim"]] + [
        Claim.objects.create(
            article=world["article"],
            kind="report",
            evidential="reported",
            start=0,
            end=1,
            content_start=0,
            content_end=1,
            content=str(i),
        )
        for i in range(3)
    ]
    for claim in claims:
        Tagging.objects.create(tag=world["rockets"], claim=claim, user=editor)
    rows = list(
        Claim.objects.prefetch_related(Prefetch("taggings", queryset=Tagging.objects.select_related("tag")))
    )
    request = rf.get("/claims/")
    request.user = editor
    is_editor(editor)  # read once per request by the role middleware
    template = Template('{% load tagging %}{% for claim in claims %}{% tag_box claim "claim" %}{% endfor %}')
    with CaptureQueriesContext(connection) as queries:
        html = template.render(
            Context({"claims": rows, "request": request, "user": editor, "csrf_token": "t"})
        )
    assert len(queries) == 1  # the taxonomy, once
    assert html.count('href="/tags/raketentests/"') == 4
