"""The merge and relink boxes: an editor types a title, a name or a number, or picks one of
the suggestions; what names one record acts, what names several offers them, what names none
says so in German, never a 500."""

from __future__ import annotations

import re
from datetime import date

import pytest

from events.models import Curation, Entity, Event, Mention
from events.selectors.choices import (
    event_suggestions,
    resolve_entity,
    resolve_event,
    typed_number,
)
from events.selectors.entities import entity_suggestions
from tests import factories as make
from tests.factories import login

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("123", 123),
        (" 123 ", 123),
        ("Nr. 123", 123),
        ("Nr.123", 123),
        ("nr 7", 7),
        ("No. 42", 42),
        ("#9", 9),
        ("Nr. 123 · Treffen in Moskau", 123),
        ("123 - Treffen", 123),
        ("2024 Gipfel", None),  # a title that starts with a year
        ("Gipfel 2024", None),
        ("2024-06-19", None),  # a date
        ("19.06.2024", None),
        ("Nummer 3 (17)", None),  # words of a title
        ("Treffen", None),
        ("", None),
        ("Nr.", None),
        ("12345678901", None),  # too long for an id
    ],
)
def test_typed_number(text, number):
    assert typed_number(text) == number


# --- entities ------------------------------------------------------------------------------------


@pytest.fixture
def people(db):
    putin = make.entity("Wladislaw Prutin", country="RU", mention_count=900)
    make.alias(putin, "Testkremlchef", kind="descriptor")
    make.alias(putin, "Vladislav Prutin")
    peskow = make.entity("Dmitri Paskow", country="RU", mention_count=50)
    make.alias(peskow, "Prutin-Sprecher", kind="descriptor")
    medwedew = make.entity("Dmitri Medwerow", country="RU")
    make.alias(medwedew, "Testkremlchef", kind="descriptor")
    moskau = make.entity("Moskwagrad", "place", "RU", description="city", population=10_000_000)
    moskau_region = make.entity("Moskwagrad", "place", "RU", description="Verwaltungseinheit (Russland)")
    putn = make.entity("Wladislaw Prutn", provisional=True)
    old = make.entity("Prutin (alt)")
    old.merged_into = putin
    old.save()
    return {
        "putin": putin,
        "peskow": peskow,
        "medwedew": medwedew,
        "moskau": moskau,
        "moskau_region": moskau_region,
        "putn": putn,
        "old": old,
    }


def test_entity_suggestions_rank_names_before_descriptors_and_the_famous_first(people):
    found = entity_suggestions("Prutin")
    # Wladislaw Prutin (a word of the name, 900 mentions) before Peskow (a role descriptor);
    # the merged one is gone.
    assert [e.name for e in found] == ["Wladislaw Prutin", "Dmitri Paskow"]
    assert [e.rank for e in found] == [1, 2]
    # An alias's beginning finds it; the exact alias is rank 0.
    assert [(e.name, e.rank) for e in entity_suggestions("vladislav prutin")] == [("Wladislaw Prutin", 0)]
    assert entity_suggestions("Vladislav Pr")[0] == people["putin"]  # an alias's beginning
    # The id as a number; the one the box is about is never offered.
    assert [e.pk for e in entity_suggestions(str(people["putin"].pk))] == [people["putin"].pk]
    assert people["putin"] not in entity_suggestions("Prutin", exclude=[people["putin"].pk])
    assert entity_suggestions("   ") == []


def test_resolve_entity(people):
    putin, moskau = people["putin"], people["moskau"]
    assert resolve_entity(str(putin.pk)).record == putin
    assert resolve_entity(f"Nr. {putin.pk} · Wladislaw Prutin").record == putin
    # A whole name that only one entity has, even if others contain it.
    assert resolve_entity("wladislaw prutin").record == putin
    # Only one match at all.
    assert resolve_entity("Paskow").record == people["peskow"]
    # Two entities called Moskwagrad, two with the descriptor Testkremlchef: pick one.
    for text, expected in (
        ("Moskwagrad", {moskau, people["moskau_region"]}),
        ("Testkremlchef", {putin, people["medwedew"]}),
    ):
        choice = resolve_entity(text)
        assert choice.record is None and set(choice.candidates) == expected
        assert choice.problem.startswith("Mehrere Akteure oder Orte passen zu „")
    # Nothing, itself, a merged one, a number that is no entity: a reason in German.
    assert resolve_entity("Xyzzy").problem == "Kein Akteur und kein Ort passt zu „Xyzzy“."
    assert resolve_entity(str(putin.pk), exclude=putin.pk).problem.startswith("Das ist diese Entität selbst")
    merged = resolve_entity(str(people["old"].pk)).problem
    assert f"wurde bereits in Wladislaw Prutin (Nr. {putin.pk}) zusammengeführt" in merged
    assert resolve_entity("999999").problem == "Es gibt keinen Akteur und keinen Ort Nr. 999999."
    assert resolve_entity("").problem.startswith("Bitte Name oder Nummer")


# --- events --------------------------------------------------------------------------------------


@pytest.fixture
def summits(db):
    pj = make.entity("Pjöngjang", "place", "KP")
    source = make.event("Treffen: Putin und Kim in Pjöngjang", "meet", date(2024, 6, 19), pj)
    return {
        "source": source,
        "next_day": make.event("Putin trifft Kim in Pjöngjang", "meet", date(2024, 6, 20), pj),
        "last_year": make.event("Putin trifft Kim in Wladiwostok", "meet", date(2023, 9, 13)),
        "test": make.event("Nordkorea testet Rakete nach Putin-Besuch", "weapons_test", date(2024, 6, 21)),
        "merged": make.event("Putin trifft Kim", "meet", date(2024, 6, 19), merged_into=source),
    }


def test_event_suggestions_put_the_same_happening_first(summits):
    source = summits["source"]
    found = event_suggestions("Putin", source)
    # Not the event itself, not the merged one; the same type first, the nearest day first.
    assert found == [summits["next_day"], summits["last_year"], summits["test"]]
    # Every word must be in the title; a date or a year narrows it.
    assert event_suggestions("Kim Wladiwostok", source) == [summits["last_year"]]
    assert event_suggestions("Putin 20.06.2024", source) == [summits["next_day"]]
    assert event_suggestions("Kim 2023", source) == [summits["last_year"]]
    # The type's label counts as a word of the title ("Waffentest/Machtdemonstration").
    assert event_suggestions("Waffentest Putin", source) == [summits["test"]]
    assert event_suggestions(str(summits["test"].pk), source) == [summits["test"]]
    assert [e.article_count for e in found] == [0, 0, 0]


def test_resolve_event(summits):
    source, next_day = summits["source"], summits["next_day"]
    assert resolve_event(str(next_day.pk), source).record == next_day
    assert resolve_event(f"Nr. {next_day.pk} · Putin trifft Kim in Pjöngjang", source).record == next_day
    assert resolve_event("putin trifft kim in pjöngjang", source).record == next_day  # the whole title
    assert resolve_event("Rakete", source).record == summits["test"]  # the only match
    several = resolve_event("Putin trifft", source)
    assert several.record is None and set(several.candidates) == {next_day, summits["last_year"]}
    assert several.problem == "Mehrere Ereignisse passen zu „Putin trifft“: bitte eines wählen."
    assert resolve_event("Gipfel in Rom", source).problem == "Kein Ereignis passt zu „Gipfel in Rom“."
    assert resolve_event(str(source.pk), source).problem.startswith("Das ist dieses Ereignis selbst")
    assert resolve_event(str(summits["merged"].pk), source).problem == (
        f"Ereignis Nr. {summits['merged'].pk} wurde bereits in Nr. {source.pk} zusammengeführt: bitte jenes wählen."
    )


# --- the views -----------------------------------------------------------------------------------


def test_an_event_is_merged_by_its_title(client, editor, summits):
    login(client, editor)
    source, next_day = summits["source"], summits["next_day"]
    response = client.post(f"/events/{source.pk}/merge/", {"target": "Putin trifft Kim in Pjöngjang"})
    assert response.status_code == 302 and response["Location"] == f"/events/{next_day.pk}/"
    source.refresh_from_db()
    assert source.merged_into == next_day


def test_an_ambiguous_title_offers_the_events_to_pick_from(client, editor, summits):
    login(client, editor)
    source = summits["source"]
    response = client.post(f"/events/{source.pk}/merge/", {"target": "Putin trifft"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Mehrere Ereignisse passen zu „Putin trifft“" in page
    # One button per candidate, each posting its number to the same merge.
    picked = re.findall(
        rf'<form method="post" action="/events/{source.pk}/merge/" class="inline">.*?'
        r'name="target" value="(\d+)"',
        page,
        re.S,
    )
    assert set(picked) == {str(summits["next_day"].pk), str(summits["last_year"].pk)}
    assert 'value="Putin trifft"' in page  # the box again, with what was typed
    Event.objects.get(pk=source.pk, merged_into__isnull=True)
    assert not Curation.objects.exists()


@pytest.mark.parametrize("typed", ["", "Gipfel in Rom", "99999999", "Nr. 0", "%'\"<>;", "x" * 2000])
def test_a_box_that_names_no_event_goes_back_with_the_reason(client, editor, summits, typed):
    login(client, editor)
    source = summits["source"]
    response = client.post(f"/events/{source.pk}/merge/", {"target": typed}, follow=True)
    assert response.status_code == 200 and response.redirect_chain[-1][0] == f"/events/{source.pk}/"
    messages = [str(m) for m in response.context["messages"]]
    assert len(messages) == 1 and messages[0].startswith(("Kein Ereignis", "Es gibt kein", "Bitte Titel"))
    assert not Curation.objects.exists()


def test_an_entity_is_merged_by_name_and_a_mention_relinked_by_a_pick(client, editor, people):
    login(client, editor)
    putn, putin = people["putn"], people["putin"]
    response = client.post(f"/entities/{putn.pk}/merge/", {"target": "Wladislaw Prutin"})
    assert response.status_code == 302 and response["Location"] == f"/entities/{putin.pk}/"
    putn.refresh_from_db()
    assert putn.merged_into == putin
    article = make.article("Moskwagrad", "Der Gipfel in Moskwagrad begann.", indexed=False)
    mention = make.mention(article, putin, "Moskwagrad", label="LOC")
    # Two Moskwagrads: a page to pick one, each with its hint (kind, description, country).
    response = client.post(f"/mentions/{mention.pk}/relink/", {"target": "Moskwagrad"})
    page = response.content.decode()
    assert response.status_code == 200 and "Verwaltungseinheit (Russland)" in page
    assert Mention.objects.get(pk=mention.pk).entity == putin
    # The pick says which one.
    response = client.post(
        f"/mentions/{mention.pk}/relink/", {"target": f"Nr. {people['moskau'].pk} · Moskwagrad"}
    )
    assert response["Location"] == f"/entities/{people['moskau'].pk}/"
    assert Mention.objects.get(pk=mention.pk).entity == people["moskau"]
    # Into itself, by number: refused with the reason, nothing done.
    response = client.post(f"/entities/{putin.pk}/merge/", {"target": str(putin.pk)}, follow=True)
    assert [str(m) for m in response.context["messages"]][-1] == (
        "Das ist diese Entität selbst: bitte eine andere wählen."
    )
    assert Entity.objects.get(pk=putin.pk).merged_into is None


def test_the_suggestions_are_picks_for_the_box(client, editor, analyst, summits, people):
    login(client, editor)
    source = summits["source"]
    fragment = client.get(f"/events/{source.pk}/merge/suggest/?target=Putin").content.decode()
    assert "<html" not in fragment
    picks = re.findall(r'<button type="button" class="pick" data-pick="([^"]+)" data-id="(\d+)">', fragment)
    assert [int(pk) for _value, pk in picks] == [
        summits["next_day"].pk,
        summits["last_year"].pk,
        summits["test"].pk,
    ]
    assert picks[0][0] == f"Nr. {summits['next_day'].pk} · Putin trifft Kim in Pjöngjang"
    assert "Treffen · 20.06.2024 · Pjöngjang · 0 Artikel" in fragment
    # Too short: nothing; nothing found: said so.
    assert "data-pick" not in client.get(f"/events/{source.pk}/merge/suggest/?target=P").content.decode()
    assert (
        "Nichts gefunden" in client.get(f"/events/{source.pk}/merge/suggest/?target=Xyzzy").content.decode()
    )
    putin = people["putin"]
    fragment = client.get(f"/entities/suggest/?target=Prutin&exclude={people['putn'].pk}").content.decode()
    assert f'data-pick="Nr. {putin.pk} · Wladislaw Prutin"' in fragment
    assert "Person · RU · 900 Erwähnungen" in fragment
    assert (
        f'data-id="{putin.pk}"'
        not in client.get(f"/entities/suggest/?target=Prutin&exclude={putin.pk}").content.decode()
    )
    # Analysts have no boxes, and no suggestions.
    login(client, analyst)
    assert client.get("/entities/suggest/?target=Prutin").status_code == 403


def test_the_pages_carry_the_boxes(client, editor, summits, people):
    login(client, editor)
    page = client.get(f"/events/{summits['source'].pk}/").content.decode()
    assert 'type="number"' not in page
    assert re.search(
        rf'<input type="search" name="target" id="merge-event"[^>]*hx-get="/events/{summits["source"].pk}/merge/suggest/"',
        page,
        re.S,
    )
    putin = people["putin"]
    article = make.article("Prutin", "Wladislaw Prutin sprach.", indexed=False)
    mention = make.mention(article, putin, "Wladislaw Prutin")
    page = client.get(f"/entities/{putin.pk}/").content.decode()
    assert 'type="number"' not in page
    assert f'hx-get="/entities/suggest/?exclude={putin.pk}"' in page
    assert f'id="relink-{mention.pk}"' in page and f'action="/mentions/{mention.pk}/relink/"' in page
