"""The reference case: Putin visits Kim Jong Un in Pjöngjang (../shared/seed), analysed by the
committed German pipeline and the knowledge base. Every actor, place, claim and its
attribution must be right."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from events.analysis.pipeline import analyze_text
from tests.conftest import SHARED

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

SEED = SHARED / "seed" / "putin-kim-pjoengjang.txt"


@pytest.fixture(scope="module")
def text():
    if not SEED.exists():
        pytest.skip("../shared/seed is not on this machine")
    return SEED.read_text(encoding="utf-8")


@pytest.fixture
def analysis(text, kb):
    from datetime import date

    return analyze_text(text, kb, date(2024, 6, 19))


def names(analysis, kb):
    return {kb.info(m.entity_id).name for m in analysis.mentions if m.entity_id}


def test_every_actor_and_place_is_found_and_linked(analysis, kb):
    found = names(analysis, kb)
    expected = {
        "Wladimir Putin",
        "Kim Jong Un",
        "Choe Son Hui",
        "Jo Yong Won",
        "Kim Yo Jong",
        "Russland",
        "Nordkorea",
        "USA",
        "Ukraine",
        "Pjöngjang",
        "Moskau",
        "The Telegraph",
        "AP",
    }
    assert expected <= found, expected - found


def test_pjoengjang_has_coordinates(analysis, kb):
    place = next(kb.info(m.entity_id) for m in analysis.mentions if m.entity_id and m.text == "Pjöngjang")
    assert (round(place.latitude, 1), round(place.longitude, 1)) == (39.0, 125.8)


def test_kim_who_greets_putin_is_kim_jong_un(analysis, kb, text):
    position = text.index("wurde Putin von Kim begrüßt") + len("wurde Putin von ")
    kim = next(m for m in analysis.mentions if m.start == position)
    assert kb.info(kim.entity_id).name == "Kim Jong Un"


def test_putin_wants_to_overcome_the_sanctions(analysis, kb):
    claims = [
        c for c in analysis.claims if "Sanktionen zu überwinden" in (c.content.text if c.content else "")
    ]
    assert claims, [c.as_contract(kb) for c in analysis.claims]
    assert kb.info(claims[0].speaker.entity_id).name == "Wladimir Putin"


def test_sources_are_attributed(analysis, kb):
    sources = [
        (c.source.text, kb.info(c.source.entity_id).name if c.source.entity_id else None)
        for c in analysis.claims
        if c.source
    ]
    linked = {name for _, name in sources}
    assert {"AP", "The Telegraph"} <= linked, sources
    media = [c for c in analysis.claims if c.source and "nordkoreanischen Medien" in c.source.text]
    assert media and "historisches Ereignis" in media[0].content.text
    assert media[0].source.entity_id is None  # unnamed media


def test_one_visit_event_with_both_leaders_in_pjoengjang(analysis, kb):
    main = analysis.events[0]
    assert main.type == "meet"
    assert {kb.info(a).name for a, _ in main.actors} >= {"Wladimir Putin", "Kim Jong Un"}
    assert kb.info(main.place_entity_id).name == "Pjöngjang"
    assert len([e for e in analysis.events if e.type == "meet"]) == 1


def test_analyze_text_follows_the_contract(text, kb, tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": "seed", "text": text, "published": "2024-06-19"}) + "\n")
    call_command(
        "analyze_text", "--input", str(source), "--output", str(tmp_path / "out.jsonl"), stderr=StringIO()
    )
    result = json.loads((tmp_path / "out.jsonl").read_text())
    assert result["id"] == "seed"
    entity = next(e for e in result["entities"] if e["name"] == "Pjöngjang")
    assert set(entity) >= {"start", "end", "text", "label", "entity_id", "name", "kind", "lat", "lon"}
    assert text[entity["start"] : entity["end"]] == entity["text"] and entity["label"] == "LOC"
    claim = result["claims"][0]
    assert set(claim) >= {"start", "end", "kind", "cue", "speaker", "source", "content"}
    assert text[claim["content"]["start"] : claim["content"]["end"]] == claim["content"]["text"]
    assert result["events"][0]["type"] == "meet"
