"""What keeps the lists fast at archive scale (issue 16): the claims' stored search vector,
counts capped at COUNT_CAP, the event facets reused per filter set."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from events.analysis.claims import ClaimData, ContentSpan
from events.models import Claim
from events.selectors.facets import event_facets
from events.services.analysis import store_claims
from events.views import search
from tests.factories import article, claim, entity, event, login, outlet

pytestmark = pytest.mark.django_db


def german(words: str) -> SearchQuery:
    return SearchQuery(words, config="german")


TEXT = "Putin sagte, man wolle die Sanktionen überwinden. Scholz sagte, die Rente sei sicher."


def _vector(pk: int) -> str:
    return Claim.objects.values_list("search_vector", flat=True).get(pk=pk)


def test_the_search_vector_follows_the_claims_analysis_writes():
    source = article("Putin und Scholz", TEXT, outlet("Tagesschau"))
    said = ClaimData(
        0, 49, "indirect_speech", "sagte", "sagen", None, None, content=ContentSpan(13, 48, TEXT[13:48])
    )
    store_claims(source, [said], [])
    stored = Claim.objects.get()
    assert "'sanktion':" in _vector(stored.pk)  # German stems, written with the row
    assert Claim.objects.filter(search_vector=german("Sanktionen")).get() == stored
    # Analysed again, the text changed: the same row (same id) is updated, and so is its vector.
    other = ClaimData(
        0,
        49,
        "indirect_speech",
        "sagte",
        "sagen",
        None,
        None,
        content=ContentSpan(13, 48, "man wolle die Rente überwinden"),
    )
    store_claims(source, [other], [])
    assert Claim.objects.get().pk == stored.pk
    assert "'rent':" in _vector(stored.pk) and "sanktion" not in _vector(stored.pk)
    assert not Claim.objects.filter(search_vector=german("Sanktionen")).exists()


def test_the_claims_search_reads_speaker_and_source_too(client, analyst):
    source = article("Putin", TEXT, outlet("Tagesschau"))
    said = claim(source, "man wolle die Sanktionen überwinden", speaker=entity("Wladimir Putin"))
    Claim.objects.filter(pk=said.pk).update(speaker_text="Putin", source_text="Interfax")
    login(client, analyst)
    for words in ("Sanktion", "Putin", "Interfax"):
        page = client.get("/claims/", {"q": words}).content.decode()
        assert f'id="claim-{said.pk}"' in page, words
    assert f'id="claim-{said.pk}"' not in client.get("/claims/?q=Rente").content.decode()


def _claims(n: int) -> None:
    source = article("Viele", TEXT, outlet("Tagesschau"))
    for _ in range(n):
        claim(source, "man wolle die Sanktionen überwinden")


def test_counts_above_the_cap_say_more_than(client, analyst, monkeypatch):
    monkeypatch.setattr(search, "COUNT_CAP", 3)
    monkeypatch.setattr(search, "PAGE_SIZE", 2)
    _claims(5)
    login(client, analyst)
    page = client.get("/claims/").content.decode()
    assert re.search(r"<strong>mehr als 3</strong> gefunden", page)
    assert "Seite 1 von mehr als 2" in page  # pages run to the cap: 3 claims at 2 a page
    with CaptureQueriesContext(connection) as captured:
        client.get("/claims/")
    counts = [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"]]
    assert counts and all("LIMIT 4" in sql for sql in counts)  # never counts past the cap


def test_counts_up_to_the_cap_are_exact(client, analyst, monkeypatch):
    monkeypatch.setattr(search, "COUNT_CAP", 3)
    _claims(3)
    login(client, analyst)
    page = client.get("/claims/").content.decode()
    assert re.search(r"<strong>3</strong>\s*gefunden", page)
    assert "mehr als" not in page


def test_event_facets_are_reused_per_filter_set(settings):
    settings.EVENT_FACETS_CACHE_SECONDS = 60
    from django.core.cache import cache

    cache.clear()
    meeting = event("Treffen", type="meet")
    event("Angriff", type="attack")
    facets = event_facets(QueryDict("type=meet"))
    assert {f.value: f.count for f in facets["type"]} == {"meet": 1, "attack": 1}
    with CaptureQueriesContext(connection) as captured:
        again = event_facets(QueryDict("type=meet&sort=title&page=2"))  # same filters
    assert len(captured.captured_queries) == 0
    assert {f.value: f.count for f in again["type"]} == {"meet": 1, "attack": 1}
    # Links are built for this request (its sort), from the cached counts.
    assert "sort=title" in next(f for f in again["type"] if f.value == "attack").query
    # Other filters are counted afresh.
    with CaptureQueriesContext(connection) as captured:
        event_facets(QueryDict(f"place={meeting.pk}"))
    assert len(captured.captured_queries) >= 7
    cache.clear()


def test_a_search_ranks_only_its_newest_matches_by_relevance(monkeypatch):
    from events.lists import filtered
    from events.selectors import lists

    source = outlet("Tagesschau")
    day = dt.date(2024, 3, 1)
    # The oldest event is by far the best match; the newer ones name Sanktionen once.
    best = event(
        "Sanktionen",
        day=day,
        articles=[article("Sanktionen", "Sanktionen, Sanktionen, Sanktionen.", source, day)],
    )
    newer = [
        event(f"Treffen {i}", day=day + dt.timedelta(days=i), articles=[
            article(f"Treffen {i}", f"Ein langer Bericht über das Treffen {i} und am Rande Sanktionen.", source, day + dt.timedelta(days=i))
        ])
        for i in (1, 2, 3)
    ]  # fmt: skip
    params = QueryDict("q=Sanktionen")
    assert [e.pk for e in filtered("event", params)][0] == best.pk  # all ranked: best first

    monkeypatch.setattr(lists, "RANKED_EVENTS", 2)
    found = list(filtered("event", params))
    # The two newest are ranked (equal rank here: newest first), then the older matches by
    # date: the best match is still found, after them.
    assert [e.pk for e in found] == [newer[2].pk, newer[1].pk, newer[0].pk, best.pk]
    assert [e.rank is None for e in found] == [False, False, True, True]
