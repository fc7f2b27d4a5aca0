"""The entity page: its events over time, who it appears with, claims it made and claims about
it (by offsets), a map for places and countries; flat in queries."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import Claim, Event, Mention
from ingest.models import Article
from portal.roles import ADMIN, ANALYST, EDITOR, is_editor
from tests import factories as make
from tests.factories import cast, login
from tests.pages import svg_of

pytestmark = pytest.mark.django_db

#       0         1         2         3         4         5         6         7         8
#       012345678901234567890123456789012345678901234567890123456789012345678901234567890123
TEXT = "Kim Jong Un sagte, Wladimir Putin sei ein Freund. Seoul warnte vor Putin und Kim."
KIM = (0, 11)
PUTIN_INSIDE = (19, 33)  # inside the content "Wladimir Putin sei ein Freund"
PUTIN_OUTSIDE = (67, 72)  # in the next sentence, outside the content
CONTENT = (19, 48)


@pytest.fixture
def world(db):
    return {
        **cast("putin", "kim", "schoigu", "pj", "wonsan", "kp"),
        "outlet": make.outlet("Kurier", "", "kurier.example"),
    }


def article(w, i: int) -> Article:
    return make.article(
        f"Bericht {i}",
        TEXT,
        w["outlet"],
        indexed=False,
        url=f"https://kurier.example/{i}",
        published_at=datetime(2024, 6, 1, tzinfo=UTC) + timedelta(days=i),
    )


def kim_says_about_putin(w, a: Article, putin_inside: bool = True) -> Claim:
    make.mention(a, w["kim"], "Kim Jong Un", start=KIM[0])
    start, end = PUTIN_INSIDE if putin_inside else PUTIN_OUTSIDE
    make.mention(a, w["putin"], TEXT[start:end], start=start)
    return make.claim(a, TEXT[CONTENT[0] : CONTENT[1]], w["kim"], start=0, end=49, cue="sagte")


def add_events(w, n: int, start: int = 0) -> list[Event]:
    """n events of Kim with Putin (and Schoigu every third), in Pjöngjang or Wonsan."""
    events = []
    for i in range(start, start + n):
        actors = [(w["kim"], "source"), (w["putin"], "target")]
        if i % 3 == 0:
            actors.append((w["schoigu"], "participant"))
        place = w["pj"] if i % 2 else w["wonsan"]
        event = make.event(f"Treffen {i}", "meet", date(2024, 1, 1) + timedelta(i), place, actors)
        kim_says_about_putin(w, article(w, i))
        events.append(event)
    return events


@pytest.mark.parametrize(
    ("persona", "status"), [(None, 302), (ANALYST, 200), (EDITOR, 200), (ADMIN, 200)], indirect=["persona"]
)
@pytest.mark.parametrize("key", ["kim", "pj", "kp"])
def test_each_role_gets_each_kind_of_entity(persona, status, key, world):
    add_events(world, 2)
    response = persona.get(f"/entities/{world[key].pk}/")
    assert response.status_code == status
    if status == 200:
        page = response.content.decode()
        can_curate = status == 200 and is_editor(response.wsgi_request.user)
        assert (f'action="/entities/{world[key].pk}/merge/"' in page) is can_curate


def test_claims_about_need_a_mention_inside_the_content(world):
    inside = kim_says_about_putin(world, article(world, 1))
    outside = kim_says_about_putin(world, article(world, 2), putin_inside=False)
    # Putin named in another article than the claim's: does not count either.
    elsewhere = article(world, 3)
    Mention.objects.create(article=elsewhere, entity=world["putin"], label="PER", start=19, end=33, text="x")
    other = Claim.objects.create(
        article=article(world, 4),
        kind="indirect_speech",
        evidential="reported",
        start=0,
        end=49,
        content_start=CONTENT[0],
        content_end=CONTENT[1],
        content="…",
    )
    about_putin = Claim.objects.about(world["putin"].pk)
    assert list(about_putin) == [inside]
    assert outside not in about_putin and other not in about_putin
    # The speaker's own name is outside the content: Kim's claims are not about Kim.
    assert not Claim.objects.about(world["kim"].pk).exists()


def test_a_person_page_has_timeline_neighbours_claims_and_mentions(client, analyst, world):
    add_events(world, 4)
    putin, kim = world["putin"], world["kim"]
    response = login(client, analyst).get(f"/entities/{kim.pk}/")
    page = response.content.decode()
    # Timeline: each bar links to the filtered event list.
    bars = [a.get("href") for a in svg_of(page, "timeline").iter("{http://www.w3.org/2000/svg}a")]
    assert bars and all(h.startswith(f"/events/?actor={kim.pk}&date_from=") for h in bars)
    assert response.context["event_total"] == 4
    # Who it appears with: Putin in all four, Schoigu in two; each links to the comparison.
    near = [(row["entity_id"], row["total"]) for row in response.context["neighbours"]]
    assert near == [(putin.pk, 4), (world["schoigu"].pk, 2)]
    assert f"/crossref/?entity={kim.pk}&amp;entity={putin.pk}" in page
    network_links = {a.get("href") for a in svg_of(page, "network").iter("{http://www.w3.org/2000/svg}a")}
    assert network_links == {
        f"/entities/{kim.pk}/",
        f"/entities/{putin.pk}/",
        f"/entities/{world['schoigu'].pk}/",
    }
    # Claims it made link to their sentences; none are about Kim.
    assert response.context["claims_made_total"] == 4 and response.context["claims_about_total"] == 0
    for claim in Claim.objects.all():
        assert f'href="{claim.get_absolute_url()}"' in page
    # Mentions link to theirs.
    for mention in Mention.objects.filter(entity=kim):
        assert f'href="{mention.get_absolute_url()}"' in page
    # Where its events took place: both places as markers.
    markers = {a.get("href") for a in svg_of(page, "map").iter("{http://www.w3.org/2000/svg}a")}
    assert markers == {f"/entities/{world['pj'].pk}/", f"/entities/{world['wonsan'].pk}/"}


def test_each_bar_links_to_a_list_with_its_events(client, analyst, world):
    from django.http import QueryDict

    from events.lists import filtered

    add_events(world, 5)
    timeline = login(client, analyst).get(f"/entities/{world['kim'].pk}/").context["timeline"]
    # Every one of the five events sits in exactly one bar (an empty timeline would check nothing).
    assert sum(bucket.count for bucket in timeline.nonempty) == 5
    for bucket in timeline.nonempty:
        assert filtered("event", QueryDict(bucket.url.split("?", 1)[1])).count() == bucket.count


def test_the_claims_about_a_person(client, analyst, world):
    add_events(world, 2)
    response = login(client, analyst).get(f"/entities/{world['putin'].pk}/")
    assert response.context["claims_about_total"] == 2 and response.context["claims_made_total"] == 0
    assert {c.speaker_id for c in response.context["claims_about"]} == {world["kim"].pk}


def test_a_place_page_has_its_marker_and_its_country(client, analyst, world):
    add_events(world, 3)
    page = login(client, analyst).get(f"/entities/{world['pj'].pk}/").content.decode()
    root = svg_of(page, "map")
    assert f"/entities/{world['pj'].pk}/" in {
        a.get("href") for a in root.iter("{http://www.w3.org/2000/svg}a")
    }
    assert any("highlight" in (p.get("class") or "") for p in root.iter("{http://www.w3.org/2000/svg}path"))


def test_a_country_page_has_the_events_placed_in_it(client, analyst, world):
    add_events(world, 3)
    response = login(client, analyst).get(f"/entities/{world['kp'].pk}/")
    page = response.content.decode()
    assert response.context["event_total"] == 3  # placed in its cities
    markers = {a.get("href") for a in svg_of(page, "map").iter("{http://www.w3.org/2000/svg}a")}
    assert markers == {f"/entities/{world['pj'].pk}/", f"/entities/{world['wonsan'].pk}/"}
    assert "/events/?country=KP&amp;date_from=" in page


def test_an_entity_without_events_renders_quietly(client, analyst, world):
    response = login(client, analyst).get(f"/entities/{world['schoigu'].pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="chart timeline"' not in page and 'class="chart map"' not in page


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("key", ["kim", "putin", "pj", "kp"])
def test_queries_do_not_grow_with_events_mentions_or_claims(client, editor, world, key):
    login(client, editor)
    url = f"/entities/{world[key].pk}/"
    add_events(world, 3)
    client.get(url)
    few = count_queries(client, url)
    add_events(world, 27, start=3)
    many = count_queries(client, url)
    assert few == many, (few, many)


def test_long_sections_show_their_top_and_link_to_the_whole_list(client, editor, world):
    """A Putin-sized page: each section shows its newest entries and „alle anzeigen (N)“ leads
    to the list filtered by the entity, which has all N."""

    from events.views.entities import (
        ENTITY_CLAIMS_LISTED,
        ENTITY_EVENTS_LISTED,
        ENTITY_MENTIONS_LISTED,
        ENTITY_NAMES_SHOWN,
    )

    kim, putin = world["kim"], world["putin"]
    add_events(world, 14)
    for i in range(ENTITY_NAMES_SHOWN + 3):
        make.alias(kim, f"Kim Name {i}")
    response = login(client, editor).get(f"/entities/{kim.pk}/")
    page = response.content.decode()
    sections = {
        name: re.search(rf'<section class="card" id="{name}">.*?</section>', page, re.S).group(0)
        for name in ("events", "claims-made", "mentions", "names")
    }
    assert sections["events"].count("<li>") == ENTITY_EVENTS_LISTED
    assert f'href="/events/?actor={kim.pk}">alle anzeigen (14)' in sections["events"]
    assert sections["claims-made"].count('class="mention-row claim-row"') == ENTITY_CLAIMS_LISTED
    assert f'href="/claims/?speaker={kim.pk}">alle anzeigen (14)' in sections["claims-made"]
    assert sections["mentions"].count('class="mention-row"') == ENTITY_MENTIONS_LISTED
    assert f'href="/articles/?entity={kim.pk}"' in sections["mentions"]
    # Names beyond the first few are folded away, not gone.
    folded = sections["names"].split('<details class="more">', 1)[1].split("</details>", 1)[0]
    assert "3 weitere Namen" in folded and "Kim Name 8" in folded and "Kim Name 5" not in folded
    # The lists behind the links have them all.
    for url in (f"/events/?actor={kim.pk}", f"/claims/?speaker={kim.pk}", f"/claims/?about={putin.pk}"):
        assert client.get(url).context["page"].paginator.count == 14, url
    about = client.get(f"/entities/{putin.pk}/").content.decode()
    assert f'href="/claims/?about={putin.pk}">alle anzeigen (14)' in about


def test_mentions_are_paged_for_curation(client, editor, world):
    from events.views.entities import ENTITY_MENTIONS_LISTED

    add_events(world, 7)  # 7 articles, each naming Kim once
    login(client, editor)
    kim = world["kim"]
    seen = []
    for number in (1, 2):
        page = client.get(f"/entities/{kim.pk}/?mentions={number}").content.decode()
        seen += [int(pk) for pk in re.findall(r'action="/mentions/(\d+)/wrong/"', page)]
    assert len(seen) == 7 and set(seen) == set(
        Mention.objects.filter(entity=kim).values_list("pk", flat=True)
    )
    first = client.get(f"/entities/{kim.pk}/").content.decode()
    assert 'href="?mentions=2#mentions"' in first and "?mentions=0" not in first
    last = client.get(f"/entities/{kim.pk}/?mentions=99").content.decode()  # past the end: the last page
    assert last.count('class="mention-row"') == 7 - ENTITY_MENTIONS_LISTED
    assert 'href="?mentions=1#mentions"' in last
