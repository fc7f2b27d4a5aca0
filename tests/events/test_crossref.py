"""Cross-reference: chosen actors and places, their shared events, pair counts, neighbours and
what each said about the other; the picker's suggestions; flat in queries."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import Alias, Claim, Entity, Event, EventActor, Mention
from events.selectors.entities import claims_between, pair_counts, resolve_entities
from events.views.crossref import MAX_ENTITIES
from ingest.models import Article
from portal.roles import ADMIN, ANALYST, EDITOR
from tests.factories import cast, login

pytestmark = pytest.mark.django_db

TEXT = "Kim Jong Un sagte, Wladimir Putin sei ein Freund. Putin lobte Kim Jong Un als Partner."
# Kim about Putin: content 19..48 holds "Wladimir Putin" (19..33).
# Putin about Kim: content 56..85 ("lobte Kim Jong Un als Partner") holds "Kim Jong Un" (62..73).


@pytest.fixture
def world(db):
    # Nordkorea without coordinates, as this page's tests have always had it.
    w = cast("putin", "kim", "lawrow", "choe", "pj", "kp", kp={"latitude": None, "longitude": None})
    Alias.objects.create(entity=w["putin"], text="Putin", normalized="putin")
    return w


def add_events(w, n: int, start: int = 0) -> None:
    """n meetings of Putin and Kim in Pjöngjang (Lawrow in every other one, Choe in every third),
    each reported by an article in which each speaks about the other."""
    for i in range(start, start + n):
        event = Event.objects.create(
            type="meet", title=f"Treffen {i}", date=date(2024, 1, 1) + timedelta(i), place=w["pj"]
        )
        for key, role in (("putin", "source"), ("kim", "target")):
            EventActor.objects.create(event=event, entity=w[key], role=role)
        if i % 2 == 0:
            EventActor.objects.create(event=event, entity=w["lawrow"], role="participant")
        if i % 3 == 0:
            EventActor.objects.create(event=event, entity=w["choe"], role="participant")
        article = Article.objects.create(
            url=f"https://x.example/{i}", canonical_url=f"https://x.example/{i}", text=TEXT, title=f"A {i}",
            status=Article.Status.ANALYZED, published_at=datetime(2024, 1, 1, tzinfo=UTC) + timedelta(days=i),
        )  # fmt: skip
        for entity, start_, end in (("kim", 0, 11), ("putin", 19, 33), ("putin", 50, 55), ("kim", 62, 73)):
            Mention.objects.create(
                article=article, entity=w[entity], label="PER", start=start_, end=end, text="x"
            )
        Claim.objects.create(
            article=article, kind="indirect_speech", evidential="reported", start=0, end=49, cue="sagte",
            speaker=w["kim"], content_start=19, content_end=48, content=TEXT[19:48],
        )  # fmt: skip
        Claim.objects.create(
            article=article, kind="report", evidential="asserted", start=50, end=86, cue="lobte",
            speaker=w["putin"], content_start=56, content_end=85, content=TEXT[56:85],
        )  # fmt: skip


def url(*entities) -> str:
    return "/crossref/?" + "&".join(f"entity={e.pk if hasattr(e, 'pk') else e}" for e in entities)


@pytest.mark.parametrize(
    ("persona", "status"), [(None, 302), (ANALYST, 200), (EDITOR, 200), (ADMIN, 200)], indirect=["persona"]
)
def test_each_role_gets_the_page_and_the_suggestions(persona, status, world):
    add_events(world, 2)
    for address in (
        "/crossref/",
        url(world["putin"]),
        url(world["putin"], world["kim"]),
        "/crossref/suggest/?add=Kim",
        f"/crossref/suggest/?entity={world['putin'].pk}&add=Ki",
    ):
        response = persona.get(address)
        assert response.status_code == status, address
        if status == 302:
            assert response["Location"].startswith("/login/")  # fmt: skip


def test_no_entity_and_one_entity_get_a_helpful_empty_state(client, analyst, world):
    add_events(world, 2)
    login(client, analyst)
    empty = client.get("/crossref/")
    assert empty.context["chosen"] == [] and "timeline" not in empty.context
    one = client.get(url(world["kim"]))
    proposals = one.context["proposals"]
    assert proposals[0]["entity_id"] == world["putin"].pk
    assert proposals[0]["url"] == f"/crossref/?entity={world['kim'].pk}&entity={world['putin'].pk}"


def test_unknown_ids_are_ignored_names_resolve_and_merged_ones_lead_to_the_survivor(client, analyst, world):
    # The session's seeded knowledge base has its own Putin and Kim: here they count as merged.
    for name in ("Wladimir Putin", "Kim Jong Un"):
        survivor = world["putin"] if "Putin" in name else world["kim"]
        Entity.objects.filter(name=name).exclude(pk=survivor.pk).update(merged_into=survivor)
    old = Entity.objects.create(key="t:old", kind="person", name="W. Putin", merged_into=world["putin"])
    chosen, unknown = resolve_entities(["999999", "kim jong un", str(old.pk), "Putin", "Niemand", ""])
    assert [e.pk for e in chosen] == [world["kim"].pk, world["putin"].pk]
    assert unknown == ["999999", "Niemand"]
    # Without JavaScript the picker's box arrives as `add`, after the chosen ones.
    response = login(client, analyst).get("/crossref/?entity=999999&entity=Kim Jong Un&add=Putin")
    assert [item["entity"].pk for item in response.context["chosen"]] == [world["kim"].pk, world["putin"].pk]


def test_at_most_eight(client, analyst, world):
    many = [
        Entity.objects.create(key=f"t:{i}", kind="person", name=f"Person {i}")
        for i in range(MAX_ENTITIES + 2)
    ]
    response = login(client, analyst).get(url(*many))
    assert len(response.context["chosen"]) == MAX_ENTITIES and response.context["too_many"]


def test_shared_events_pairs_network_and_what_each_said(client, analyst, world):
    add_events(world, 6)
    other = Event.objects.create(type="meet", title="Nur Putin", date=date(2024, 3, 1))
    EventActor.objects.create(event=other, entity=world["putin"], role="source")
    putin, kim, lawrow = world["putin"], world["kim"], world["lawrow"]
    response = login(client, analyst).get(url(putin, kim, lawrow))
    context = response.context
    page = response.content.decode()
    assert context["shared_total"] == 3  # Lawrow is in every other meeting
    assert {e.title for e in context["shared_events"]} == {"Treffen 0", "Treffen 2", "Treffen 4"}
    assert [b.url for b in context["timeline"].nonempty][0].startswith(
        f"/events/?actor={putin.pk}&actor={kim.pk}&actor={lawrow.pk}&date_from=2024-01-01"
    )
    pairs = {(p["a"].pk, p["b"].pk): p["count"] for p in context["pairs"]}
    assert pairs == {(putin.pk, kim.pk): 6, (putin.pk, lawrow.pk): 3, (kim.pk, lawrow.pk): 3}
    assert {row["entity"].pk: row["count"] for row in context["totals"]} == {
        putin.pk: 7,
        kim.pk: 6,
        lawrow.pk: 3,
    }
    # The network: the three in the middle, Choe (in two meetings) and the place's own events not.
    nodes = {n.id: n for n in context["network"].nodes}
    assert {pk for pk, n in nodes.items() if n.central} == {putin.pk, kim.pk, lawrow.pk}
    assert world["choe"].pk in nodes and nodes[world["choe"].pk].count == 2
    # What each said about the other: Kim about Putin and Putin about Kim, six each, none by Lawrow.
    said = {(p["speaker"].pk, p["about"].pk): p["claims"] for p in context["said"]}
    assert len(said[(kim.pk, putin.pk)]) == 6 and len(said[(putin.pk, kim.pk)]) == 6
    assert said[(lawrow.pk, putin.pk)] == [] and said[(kim.pk, lawrow.pk)] == []
    for claim in said[(kim.pk, putin.pk)]:
        assert f'href="{claim.get_absolute_url()}"' in page
    assert 'class="chart timeline"' in page and 'class="chart network"' in page


def test_a_country_shares_the_events_placed_in_it(world):
    add_events(world, 2)
    counts = pair_counts([world["kp"], world["putin"]])
    assert counts[(world["kp"].pk, world["putin"].pk)] == 2


def test_claims_between_keep_each_claim_once_and_cap_per_pair(world):
    add_events(world, 4)
    # A second mention of Putin inside the same content: still one claim.
    for article in Article.objects.all():
        Mention.objects.create(
            article=article, entity=world["putin"], label="PER", start=28, end=33, text="Putin"
        )
    pairs = claims_between([world["kim"], world["putin"]], per_pair=3)
    kim_about_putin = pairs[(world["kim"].pk, world["putin"].pk)]
    assert len(kim_about_putin) == 3 and len({c.pk for c in kim_about_putin}) == 3
    assert kim_about_putin[0].article.published_at > kim_about_putin[-1].article.published_at  # newest first


def test_suggestions_link_to_the_comparison_with_the_entity_added(client, analyst, world):
    login(client, analyst)
    putin, kim = world["putin"], world["kim"]
    response = client.get(f"/crossref/suggest/?add=kim+jong&entity={putin.pk}")
    fragment = response.content.decode()
    assert "<html" not in fragment
    assert f'href="/crossref/?entity={putin.pk}&amp;entity={kim.pk}"' in fragment
    # Already chosen ones are not suggested again; by alias too; too short a text gives nothing.
    assert (
        f'data-entity="{putin.pk}"'
        not in client.get(f"/crossref/suggest/?entity={putin.pk}&add=Wladi").content.decode()
    )
    assert f'data-entity="{putin.pk}"' in client.get("/crossref/suggest/?q=Puti").content.decode()
    assert "data-entity" not in client.get("/crossref/suggest/?q=K").content.decode()


def count_queries(client, address: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(address).status_code == 200
    return len(queries)


def test_queries_do_not_grow_with_events_or_claims(client, editor, world):
    login(client, editor)
    pages = [url(world["putin"], world["kim"], world["lawrow"], world["pj"]), url(world["kim"])]
    add_events(world, 3)
    for address in pages:
        client.get(address)
    few = [count_queries(client, address) for address in pages]
    add_events(world, 27, start=3)
    many = [count_queries(client, address) for address in pages]
    assert few == many, (few, many)
