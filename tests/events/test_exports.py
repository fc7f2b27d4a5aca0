"""Exports: the whole filtered list as CSV or JSON, streamed, for everyone who sees the list."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.lists import LISTS
from events.views import exports
from events.views.search import PAGE_SIZE
from portal.roles import ADMIN, ANALYST, EDITOR
from tests.events.test_search_pages import populate

pytestmark = pytest.mark.django_db

KINDS = [("events", "event"), ("claims", "claim"), ("entities", "entity"), ("articles", "article")]


def body(response) -> str:
    assert response.streaming, "exports are streamed"
    return b"".join(response.streaming_content).decode("utf-8")


def rows_csv(response) -> list[dict]:
    text = body(response)
    assert not text.startswith("\ufeff")  # no byte order mark
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize(("plural", "kind"), KINDS)
@pytest.mark.parametrize(
    ("persona", "status"), [(None, 302), (ANALYST, 200), (EDITOR, 200), (ADMIN, 200)], indirect=["persona"]
)
def test_every_role_that_reads_exports(persona, status, plural, kind):
    for fmt in ("csv", "json"):
        response = persona.get(reverse(f"events:{plural}_export", kwargs={"fmt": fmt}))
        assert response.status_code == status


def test_unknown_format_is_not_found(analyst_client):
    assert analyst_client.get("/events/export.xlsx").status_code == 404


@pytest.mark.parametrize(("plural", "kind"), KINDS)
def test_csv_and_json_hold_the_same_rows_with_stable_columns(analyst_client, plural, kind):
    populate(3)
    csv_response = analyst_client.get(f"/{plural}/export.csv")
    assert csv_response["Content-Type"] == "text/csv; charset=utf-8"
    day = timezone.localdate().isoformat()
    assert csv_response["Content-Disposition"] == f'attachment; filename="lagebild-{plural}-{day}.csv"'
    table = rows_csv(csv_response)
    assert table and list(table[0]) == list(LISTS[kind].columns)
    json_response = analyst_client.get(f"/{plural}/export.json")
    assert json_response["Content-Type"] == "application/json; charset=utf-8"
    assert json_response["Content-Disposition"].endswith(f'filename="lagebild-{plural}-{day}.json"')
    data = json.loads(body(json_response))
    assert isinstance(data, list) and [list(row) for row in data] == [list(LISTS[kind].columns)] * len(data)
    assert [str(row["id"]) for row in data] == [row["id"] for row in table]
    assert all(row["url"].startswith("http://testserver/") for row in data)


def test_an_empty_export_still_has_its_header(analyst_client):
    text = body(analyst_client.get("/events/export.csv?q=Nichtsdergleichen"))
    assert text.strip() == ",".join(LISTS["event"].columns)
    assert json.loads(body(analyst_client.get("/events/export.json?q=Nichtsdergleichen"))) == []


def test_filters_are_honoured_and_the_whole_list_exported(analyst_client):
    populate(PAGE_SIZE + 5)
    from events.models import Entity, Event

    everything = rows_csv(analyst_client.get("/events/export.csv?q=Sanktion"))
    assert len(everything) == PAGE_SIZE + 5  # not one page
    person = Entity.objects.get(name="Person 7")
    only = json.loads(body(analyst_client.get(f"/events/export.json?actor={person.pk}&sort=title")))
    assert [row["title"] for row in only] == ["Treffen 7"]
    row = only[0]
    made = Event.objects.get(title="Treffen 7")
    assert row["id"] == made.pk and row["date"] == made.date.isoformat() and row["type"] == "meet"
    assert row["actors"] == ["Person 7", "Partei 7"] and row["actor_ids"][0] == person.pk
    assert row["article_count"] == 2 and row["outlet_count"] == 2 and row["tags"] == ["sanktionen"]
    assert row["place"] == "Ort 7" and row["place_country"] == "DE"
    assert row["url"] == f"http://testserver/events/{made.pk}/"
    line = rows_csv(analyst_client.get(f"/events/export.csv?actor={person.pk}"))[0]
    assert line["actors"] == "Person 7; Partei 7" and line["tags"] == "sanktionen"


def test_claims_export_by_review_and_speaker(analyst_client):
    populate(3)
    from events.models import Claim, Entity

    Claim.objects.filter(content__endswith="Ort 1").update(
        review_status="confirmed", review_reason="AP bestätigt"
    )
    rows = rows_csv(analyst_client.get("/claims/export.csv?review=confirmed"))
    assert [row["content"] for row in rows] == ["neue Sanktionen gegen Ort 1"]
    assert rows[0]["review_status"] == "confirmed" and rows[0]["review_reason"] == "AP bestätigt"
    assert rows[0]["speaker"] == "Person 1" and rows[0]["outlet"] == "Tagesschau"
    assert rows[0]["url"].endswith(f"?claim={rows[0]['id']}#claim-{rows[0]['id']}")
    speaker = Entity.objects.get(name="Person 2")
    data = json.loads(body(analyst_client.get(f"/claims/export.json?speaker={speaker.pk}")))
    assert [row["speaker_id"] for row in data] == [speaker.pk]


def test_articles_and_entities_exports_honour_filters(analyst_client):
    populate(3)
    articles = json.loads(body(analyst_client.get("/articles/export.json?q=Bericht&sort=title")))
    assert [row["title"] for row in articles] == [f"Bericht {i} über Sanktionen" for i in range(3)]
    assert articles[0]["outlet"] == "Tagesschau" and articles[0]["tags"] == ["sanktionen"]
    entities = rows_csv(analyst_client.get("/entities/export.csv?country=RU&sort=name"))
    assert [row["name"] for row in entities] == ["Person 0", "Person 1", "Person 2"]
    assert entities[0]["mention_count"] == "1" and entities[0]["provisional"] == "false"


def test_export_queries_come_in_chunks_not_per_row(analyst_client, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK_SIZE", 10)
    populate(3)
    with CaptureQueriesContext(connection) as few:
        body(analyst_client.get("/events/export.json"))
    populate(6, start=3)  # 9 events: still one chunk
    with CaptureQueriesContext(connection) as more:
        body(analyst_client.get("/events/export.json"))
    assert len(more) == len(few)


def test_csv_cells_never_run_as_spreadsheet_formulas(rf):
    from events.presentation.exports import _cell

    assert _cell('=HYPERLINK("http://evil.example","klick")') == '\'=HYPERLINK("http://evil.example","klick")'
    assert _cell("@SUM(A1)") == "'@SUM(A1)"
    assert _cell(["-1+2", "Putin"]) == "'-1+2; Putin"
    assert _cell(-3) == "-3" and _cell(2.5) == "2.5" and _cell("Putin sagte") == "Putin sagte"
