"""The dashboard: latest events, the week's most active actors, ingestion in one line."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import login

pytestmark = pytest.mark.django_db


def make_world(n: int, *, published=None):
    """n articles, each naming actor i (and actor 0), each reporting event i."""
    from events.models import Entity, Event, EventArticle, Mention
    from ingest.models import Article, Outlet

    published = published or timezone.now() - timedelta(days=1)
    outlet = Outlet.objects.get_or_create(domain="example.org", defaults={"name": "Example"})[0]
    first = Entity.objects.get_or_create(key="t:actor0", defaults={"kind": "person", "name": "Akteur 0"})[0]
    for i in range(n):
        url = f"https://example.org/{published:%Y%m%d}/{i}"
        article = Article.objects.create(
            url=url,
            canonical_url=url,
            outlet=outlet,
            status="analyzed",
            title=f"Artikel {i}",
            text="x" * 50,
            published_at=published,
        )
        actor = Entity.objects.get_or_create(
            key=f"t:actor{i}", defaults={"kind": "person", "name": f"Akteur {i}"}
        )[0]
        Mention.objects.create(article=article, entity=actor, label="PER", start=0, end=5, text="Akteur")
        Mention.objects.create(article=article, entity=first, label="PER", start=6, end=11, text="Akteur")
        event = Event.objects.create(type="meet", title=f"Treffen {i}", date=published.date())
        EventArticle.objects.create(event=event, article=article, main=True)  # its only event
    return first


def test_dashboard_shows_latest_events_and_active_actors(client, analyst):

    make_world(3)
    login(client, analyst)
    page = client.get("/").content.decode()
    assert "Treffen 2" in page
    # Akteur 0 is named in all three articles: first in the list.
    actors = page[page.index('id="active-actors"') :]
    assert actors.index("Akteur 0") < actors.index("Akteur 1")


def test_an_archive_shows_its_newest_week(client, analyst):
    from portal import overview

    long_ago = timezone.now() - timedelta(days=400)
    make_world(2, published=long_ago)
    active = overview.most_active_actors()
    assert active.shifted and active.until == long_ago
    assert active.actors[0].name == "Akteur 0" and active.actors[0].week_articles == 2
    login(client, analyst)
    assert client.get("/").status_code == 200


def test_provisional_entities_count_as_actors_only_once_confirmed():
    from events.models import Entity, Mention
    from portal import overview

    make_world(2)
    # "Donnerstag", once filed as a person, is named in more articles than anyone else.
    junk = Entity.objects.create(
        key="provisional:person:donnerstag", kind="person", name="Donnerstag", provisional=True
    )
    for article in Mention.objects.values_list("article", flat=True).distinct():
        for start in (20, 30):
            Mention.objects.create(
                article_id=article, entity=junk, label="PER", start=start, end=start + 10, text="Donnerstag"
            )
    names = [e.name for e in overview.most_active_actors().actors]
    assert "Donnerstag" not in names and names[0] == "Akteur 0"
    # An editor confirms it (the review turns provisional off): now it counts.
    Entity.objects.filter(pk=junk.pk).update(provisional=False)
    assert overview.most_active_actors().actors[0].name == "Donnerstag"


def test_ingestion_line_counts_failing_and_paused_sources():
    from ingest.models import Outlet, Source
    from portal import overview

    outlet = Outlet.objects.create(domain="example.org", name="Example")
    Source.objects.create(outlet=outlet, name="ok", url="https://example.org/ok.xml")
    Source.objects.create(
        outlet=outlet, name="bad", url="https://example.org/bad.xml", consecutive_failures=3
    )
    Source.objects.create(
        outlet=outlet, name="off", url="https://example.org/off.xml", paused_reason="HTTP 410"
    )
    line = overview.ingestion()
    assert (line.sources_active, line.sources_failing, line.sources_paused) == (2, 1, 1)
    assert not line.ok


def test_editors_see_what_waits_for_review(client, editor, analyst):

    login(client, editor)
    assert 'class="card review-line"' in client.get("/").content.decode()
    login(client, analyst)
    assert 'class="card review-line"' not in client.get("/").content.decode()


def test_query_count_does_not_grow_with_rows(client, editor):

    login(client, editor)
    make_world(3)
    client.get("/")  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as few:
        client.get("/")
    make_world(30, published=timezone.now() - timedelta(days=2))
    with CaptureQueriesContext(connection) as many:
        page = client.get("/").content.decode()
    assert "Treffen 29" in page
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
