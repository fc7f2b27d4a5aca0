"""The event page: facts, map, actors by role, the articles that reported it, claims linking to
their sentences, related events, curation for editors; flat in queries."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import Claim, Event, EventActor
from ingest.models import Article
from portal.roles import ADMIN, ANALYST, EDITOR
from tests import factories as make
from tests.conftest import PASSWORD
from tests.factories import cast, login
from tests.pages import svg_of

pytestmark = pytest.mark.django_db

TEXT = "Wladimir Putin traf Kim Jong Un in Pjöngjang. Putin sagte, man wolle die Sanktionen überwinden."


@pytest.fixture
def world(db):
    w = cast("putin", "kim", "lawrow", "pj", "kp")
    w["pjoengjang"] = w.pop("pj")
    w |= {
        "outlet": make.outlet("Kurier", "", "kurier.example"),
        "other_outlet": make.outlet("Blatt", "", "blatt.example"),
    }
    w["event"] = make.event(
        "Treffen: Putin und Kim",
        "meet",
        date(2024, 6, 19),
        w["pjoengjang"],
        [(w["putin"], "source"), (w["kim"], "target"), (w["lawrow"], "participant")],
    )
    return w


def add_articles(w, n: int, start: int = 0) -> list[Article]:
    """n articles reporting the event, each with a claim by Putin."""
    articles = []
    for i in range(start, start + n):
        article = make.article(
            f"Bericht {i}",
            TEXT,
            w["outlet"] if i % 2 else w["other_outlet"],
            indexed=False,
            url=f"https://kurier.example/{i}",
            published_at=datetime(2024, 6, 19, 8, tzinfo=UTC) + timedelta(hours=i),
        )
        make.event_article(w["event"], article, trigger="traf")
        # The span and content offsets are the second sentence's; the content text numbers the claims.
        make.claim(
            article,
            f"Sanktionen {i}",
            w["putin"],
            start=47,
            end=len(TEXT),
            sentence_index=1,
            cue="sagte",
            speaker_text="Putin",
            source=w["kim"],
            source_text="Kim",
            content_start=60,
            content_end=len(TEXT) - 1,
        )
        articles.append(article)
    return articles


def add_related(w, n: int) -> list[Event]:
    """n other events of Putin (with Kim in every other one), no place, a day apart from June 1."""
    return [
        make.event(
            f"Anderes Treffen {i}",
            "meet",
            date(2024, 6, 1) + timedelta(i),
            actors=[w["putin"], w["kim"]] if i % 2 else [w["putin"]],
        )
        for i in range(n)
    ]


@pytest.mark.parametrize(
    ("persona", "status"), [(None, 302), (ANALYST, 200), (EDITOR, 200), (ADMIN, 200)], indirect=["persona"]
)
def test_each_role_gets_the_page(persona, status, world):
    add_articles(world, 2)
    response = persona.get(f"/events/{world['event'].pk}/")
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith("/login/")
        return
    page = response.content.decode()
    can_curate = persona.get("/").wsgi_request.user.has_perm("events.change_event")
    assert (f'action="/events/{world["event"].pk}/merge/"' in page) is can_curate
    assert ('name="articles"' in page) is can_curate
    assert (f"/claims/{Claim.objects.first().pk}/review/" in page) is can_curate


def test_the_page_shows_actors_by_role_the_map_and_the_claims(client, analyst, world):
    articles = add_articles(world, 3)
    page = login(client, analyst).get(f"/events/{world['event'].pk}/").content.decode()
    for role, key in (("source", "putin"), ("target", "kim"), ("participant", "lawrow")):
        assert f'<ul class="roles role-{role}"><li><a href="/entities/{world[key].pk}/">' in page
    for key in ("putin", "kim", "lawrow"):
        assert f'href="/entities/{world[key].pk}/"' in page
    # The map: the place as a linked marker, its country highlighted, credited.
    root = svg_of(page, "map")
    assert [a.get("href") for a in root.iter("{http://www.w3.org/2000/svg}a")] == [
        f"/entities/{world['pjoengjang'].pk}/"
    ]
    assert any(shape.get("class") == "country highlight" for shape in root.iter())
    assert "Natural Earth" in page
    # Every article with its outlet and a link; every claim links to its sentence.
    for article in articles:
        assert f'href="/articles/{article.pk}/"' in page
    for claim in Claim.objects.all():
        assert f'href="{claim.get_absolute_url()}"' in page
    assert "{# tag box #}" not in page  # a template comment, never shown


def test_a_country_as_place_is_highlighted_without_a_marker(client, analyst, world):
    event = world["event"]
    event.place = world["kp"]
    event.save()
    page = login(client, analyst).get(f"/events/{event.pk}/").content.decode()
    assert 'class="country highlight"' in page
    assert 'class="marker"' not in page


def test_an_event_without_place_or_actors_renders(client, analyst):
    event = Event.objects.create(type="protest", title="Protest", date=None)
    response = login(client, analyst).get(f"/events/{event.pk}/")
    assert response.status_code == 200
    assert 'class="chart map"' not in response.content.decode()
    assert list(response.context["related"]) == []


def test_related_events_rank_by_shared_actors_near_in_time(client, analyst, world):
    one_actor, two_actors = add_related(world, 2)  # 0: Putin; 1: Putin and Kim
    far = Event.objects.create(type="meet", title="Viel später", date=date(2025, 6, 1))
    EventActor.objects.create(event=far, entity=world["putin"], role="participant")
    same_place = Event.objects.create(
        type="visit", title="Gleicher Ort", date=date(2024, 6, 25), place=world["pjoengjang"]
    )
    unrelated = Event.objects.create(type="meet", title="Fremd", date=date(2024, 6, 19))
    merged = Event.objects.create(
        type="meet", title="Zusammengelegt", date=date(2024, 6, 19), merged_into=two_actors
    )
    EventActor.objects.create(event=merged, entity=world["putin"], role="participant")
    response = login(client, analyst).get(f"/events/{world['event'].pk}/")
    related = response.context["related"]
    assert [e.pk for e in related] == [two_actors.pk, one_actor.pk, same_place.pk]
    assert [e.shared for e in related] == [2, 1, 0]
    assert far.pk not in {e.pk for e in related} and unrelated.pk not in {e.pk for e in related}


def test_related_events_are_capped(client, analyst, world):
    add_related(world, 14)
    response = login(client, analyst).get(f"/events/{world['event'].pk}/")
    assert len(response.context["related"]) == 10


def test_a_merged_event_leads_to_its_survivor(client, analyst, world):
    old = Event.objects.create(type="meet", title="Alt", merged_into=world["event"])
    response = login(client, analyst).get(f"/events/{old.pk}/")
    assert response.status_code == 302 and response["Location"] == f"/events/{world['event'].pk}/"


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", [ANALYST, EDITOR])
def test_queries_do_not_grow_with_articles_claims_or_related_events(client, world, role):
    from portal.roles import user_create

    user = user_create(username=f"q-{role}", role=role, password=PASSWORD)
    login(client, user)
    url = f"/events/{world['event'].pk}/"
    add_articles(world, 3)
    add_related(world, 3)
    client.get(url)  # warm: session, permissions, taxonomy
    few = count_queries(client, url)
    add_articles(world, 27, start=3)
    add_related(world, 27)
    many = count_queries(client, url)
    assert few == many, (few, many)


def test_claims_get_compact_review_controls_and_a_dispute_needs_a_reason(client, editor, world):
    """Under each claim: a one-click confirm, a dispute folded away with a required reason,
    tags behind a toggle; a dispute without a reason is refused and shown at that claim."""
    import re

    make.tag("Gipfel")
    articles = add_articles(world, 2)
    claim = Claim.objects.get(article=articles[0])
    event_url = f"/events/{world['event'].pk}/"
    page = login(client, editor).get(event_url).content.decode()
    block = re.search(
        rf'<article class="mention-row claim-row" id="claim-{claim.pk}">.*?</article>', page, re.S
    )
    block = block.group(0)
    assert '<button type="submit" name="status" value="confirmed" class="small confirm">' in block
    assert '<details class="review-dispute">' in block
    assert re.search(r'<input type="text" name="reason" required', block)
    assert '<details class="tag-toggle">' in block and 'name="tag"' in block
    assert block.count("<form") == 3  # confirm, dispute, add a tag: nothing else
    response = client.post(
        f"/claims/{claim.pk}/review/", {"status": "disputed", "reason": "", "next": event_url}
    )
    assert response["Location"] == f"{event_url}#claim-{claim.pk}"
    claim.refresh_from_db()
    assert claim.review_status == "unverified"
    page = client.get(event_url).content.decode()
    block = re.search(rf'id="claim-{claim.pk}">.*?</article>', page, re.S).group(0)
    assert '<details class="review-dispute" open>' in block and "muss einen Grund angeben" in block
    # With a reason it is disputed, and the page says who, when and why.
    client.post(
        f"/claims/{claim.pk}/review/", {"status": "disputed", "reason": "Zitat verkürzt", "next": event_url}
    )
    page = client.get(event_url).content.decode()
    block = re.search(rf'id="claim-{claim.pk}">.*?</article>', page, re.S).group(0)
    assert "„Zitat verkürzt“" in block and "muss einen Grund angeben" not in block


def test_the_claims_shown_are_the_first_and_the_list_has_all(client, analyst, world):
    from events.views.events import CLAIMS_LISTED

    add_articles(world, CLAIMS_LISTED + 3)
    page = login(client, analyst).get(f"/events/{world['event'].pk}/").content.decode()
    assert page.count('class="mention-row claim-row"') == CLAIMS_LISTED
    assert f'href="/claims/?event={world["event"].pk}"' in page and f"({CLAIMS_LISTED + 3})" in page
    listed = client.get(f"/claims/?event={world['event'].pk}").context["page"].paginator.count
    assert listed == CLAIMS_LISTED + 3
