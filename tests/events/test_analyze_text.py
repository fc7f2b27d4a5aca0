"""`manage.py analyze_text` says what the portal would store: whether each entity is
provisional, and under which provisional entity an unknown name would be filed."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

TEXT = (
    "Wladimir Putin traf am Donnerstag in Moskau den Unternehmer Franz Haberl. "
    "Haberls Sprecher bestätigte das Treffen."
)


def run(tmp_path, text: str) -> list[dict]:
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": 1, "text": text, "published": "2024-06-19"}) + "\n")
    call_command(
        "analyze_text", "--input", str(source), "--output", str(tmp_path / "out.jsonl"), stderr=StringIO()
    )
    return json.loads((tmp_path / "out.jsonl").read_text())["entities"]


def by_text(entities: list[dict]) -> dict[str, dict]:
    return {e["text"]: e for e in entities}


def test_every_entity_says_whether_it_is_provisional(kb, tmp_path):
    entities = run(tmp_path, TEXT)
    assert all(isinstance(e["provisional"], bool) for e in entities)
    found = by_text(entities)
    putin = found["Wladimir Putin"]
    assert putin["entity_id"] and putin["name"] == "Wladimir Putin" and putin["provisional"] is False
    # Not in the knowledge base at all: no id, the name the provisional entity would get.
    haberl = found["Franz Haberl"]
    assert (haberl["entity_id"], haberl["provisional"], haberl["name"]) == (None, True, "Franz Haberl")
    assert haberl["kind"] == "person"
    # The weekday is no entity at all.
    assert "Donnerstag" not in found


def test_a_name_already_filed_reports_its_provisional_entity(kb, tmp_path):
    from events.kb.loader import bump_version
    from events.services.analysis import provisional_entity

    # Filed from the genitive before the name itself was seen; the nominative finds it.
    filed = provisional_entity("Franz Haberls", "person")
    bump_version()
    haberl = by_text(run(tmp_path, TEXT))["Franz Haberl"]
    assert (haberl["entity_id"], haberl["provisional"]) == (filed.pk, True)
    # The entity is called by the name itself now.
    assert haberl["name"] == "Franz Haberl"


def test_inflected_forms_share_one_provisional_entity():
    from events.services.analysis import provisional_entity

    first = provisional_entity("Kim Jong Chol", "person")
    assert provisional_entity("Kim Jong Chols", "person") == first
    genitive_first = provisional_entity("Pak Yong Sis", "person")
    assert provisional_entity("Pak Yong Si", "person") == genitive_first
    genitive_first.refresh_from_db()
    assert genitive_first.name == "Pak Yong Si"
    # A short name is not taken for the nominative of a longer one.
    jens = provisional_entity("Jens", "person")
    assert provisional_entity("Jen", "person") != jens


def test_a_name_held_back_is_reported_as_unknown_and_not_filed(kb, tmp_path):
    """A person named once without a known first name waits (no provisional entity yet): the
    output still calls the name unknown and provisional, and says the portal files nothing."""
    entities = run(tmp_path, "Die Regierung prüft den Plan. Im Forum schrieb Nuradi Akbarow dazu nichts.")
    dolnik = next(e for e in entities if "Akbarow" in e["text"])
    assert (dolnik["entity_id"], dolnik["provisional"], dolnik["filed"]) == (None, True, False)
    assert dolnik["name"] == dolnik["text"] and dolnik["kind"] == "person"
