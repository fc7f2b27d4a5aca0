"""Event detection: trigger lexicon, one main event per article, date, place, actors, roles."""

from datetime import date
from pathlib import Path

import pytest
import spacy

from events.analysis.detection import detect_events
from events.analysis.event_types import classify, load_taxonomy, word_keys
from events.analysis.linking import link_doc

ROOT = Path(__file__).resolve().parents[3]
SEED = Path(__file__).resolve().parents[4] / "shared" / "seed" / "putin-kim-pjoengjang.txt"


@pytest.fixture
def seed_text() -> str:
    """The reference article; a clone without ../shared beside it skips the tests that read it."""
    if not SEED.exists():
        pytest.skip("../shared/seed is not on this machine")
    return SEED.read_text()


PUBLISHED = date(2024, 6, 19)  # a Wednesday
REQUIRED_TYPES = {
    "meet",
    "cooperate",
    "military_aid",
    "sanction",
    "threaten",
    "attack",
    "accuse",
    "protest",
    "aid",
    "demand",
    "reject",
    "investigate",
    "election",
    "other",
}


def triggers(blank, text: str) -> list[tuple[str, str]]:
    return [(type_id, span.text) for type_id, _, span in classify(blank(text)[:])]


def detect(kb, blank, text: str, published: date | None = PUBLISHED):
    doc = blank(text)
    return detect_events(doc, link_doc(doc, kb, published), kb, published)


def names(kb, actors) -> dict[str, str]:
    return {kb.info(entity_id).name: role for entity_id, role in actors}


# --- taxonomy and triggers (pure)


def test_taxonomy_has_the_required_types_mapped_to_plover_and_cameo():
    taxonomy = load_taxonomy()
    assert taxonomy.basis == "PLOVER"
    assert set(taxonomy.types) >= REQUIRED_TYPES
    assert taxonomy.types["meet"].plover == ("CONSULT",)
    assert taxonomy.types["attack"].plover == ("ASSAULT", "FIGHT")
    assert "16" in taxonomy.types["sanction"].cameo
    for event_type in taxonomy.types.values():
        assert event_type.label and event_type.roles in ("symmetric", "directed")
        assert all(0 < w <= 1 for w in [*event_type.lemmas.values(), *event_type.heads.values()])


def test_word_keys_work_without_a_lemmatizer():
    assert "treffen" in word_keys("traf")
    assert "angriff" in word_keys("Angriffe")
    assert "sanktion" in word_keys("US-Sanktionen")
    assert "besuchen" in word_keys("besuchte")
    assert "drohen" in word_keys("gedroht")
    assert "ablehnen" in word_keys("abgelehnt")


def test_verbs_nouns_and_compounds_trigger(blank):
    assert triggers(blank, "Putin traf Kim in Pjöngjang.") == [("meet", "traf")]
    assert triggers(blank, "Der Staatsbesuch begann am Abend.") == [("meet", "Staatsbesuch")]
    assert triggers(blank, "Danach führten beide Gipfelgespräche.") == [("meet", "Gipfelgespräche")]
    assert triggers(blank, "Ein Luftangriff traf Charkiw.") == [("attack", "Luftangriff")]
    assert triggers(blank, "Die USA werfen China Spionage vor.") == [("accuse", "werfen China Spionage vor")]
    assert triggers(blank, "Tausende protestierten in Tiflis.") == [("protest", "protestierten")]


def test_a_multiword_pattern_replaces_its_single_words(blank):
    found = classify(blank("Die EU verhängte neue Sanktionen gegen Russland.")[:])
    assert [(t, s.text) for t, _, s in found] == [("sanction", "verhängte neue Sanktionen")]
    assert found[0][1] == 1.0
    found = triggers(blank, "Pjöngjang soll Moskau Munition liefern.")
    assert found == [("military_aid", "Munition liefern")]


def test_negation_intentions_and_other_senses_weaken_or_block_triggers(blank):
    strong = classify(blank("Sie haben sich getroffen.")[:])[0][1]
    negated = classify(blank("Sie haben sich nicht getroffen.")[:])[0][1]
    planned = classify(blank("Sie wollen sich treffen.")[:])[0][1]
    assert negated < planned < strong
    assert triggers(blank, "Die Entscheidung wurde getroffen.") == []
    assert triggers(blank, "Das betrifft alle.") == []


# --- events in articles (blank docs, knowledge base linking)


def test_seed_article_is_one_meeting_of_putin_and_kim_in_pjoengjang(kb, blank, seed_text):
    events = detect(kb, blank, seed_text)
    _check_seed(kb, events)
    aid = events[1]
    assert aid.type == "military_aid"
    # "Waffenlieferungen von Pjöngjang für Moskaus Krieg", "dass Pjöngjang Moskau mit Munition versorgt"
    assert names(kb, aid.actors) == {"Nordkorea": "source", "Russland": "target"}
    assert aid.title == "Militärhilfe: Nordkorea an Russland"


def test_sanctions_have_a_source_a_target_and_a_named_day(kb, blank):
    events = detect(kb, blank, "Die EU verhängte am Montag neue Sanktionen gegen Russland.")
    assert len(events) == 1
    event = events[0]
    assert event.type == "sanction"
    assert names(kb, event.actors) == {"Europäische Union": "source", "Russland": "target"}
    assert (event.date, event.date_precision) == (date(2024, 6, 17), "day")
    assert event.title == "Sanktionen: Europäische Union gegen Russland"


def test_a_happening_named_in_passing_is_a_second_event_without_the_main_verbs_actors(kb, blank):
    text = (
        "Die USA haben neue Sanktionen gegen Russland verhängt. "
        "Washington reagiert damit auf den Angriff auf Charkiw."
    )
    events = detect(kb, blank, text)
    assert [(e.type, e.main) for e in events] == [("sanction", True), ("attack", False)]
    # Washington reacts; it did not attack. The attack was on Charkiw: a town, so not verbal.
    assert events[1].actors in ([], [(next(iter(kb.lookup("Ukraine")[0])).entity_id, "target")])
    assert kb.info(events[1].place_entity_id).name == "Charkiw"


def test_an_attack_happens_where_it_is_aimed(kb, blank):
    text = "Bei einem russischen Luftangriff auf Kiew sind in der Nacht zu Mittwoch drei Menschen getötet worden."
    event = detect(kb, blank, text)[0]
    assert event.type == "attack"
    assert kb.info(event.place_entity_id).name == "Kiew"
    assert names(kb, event.actors) == {"Russland": "source", "Ukraine": "target"}
    assert (event.date, event.date_precision) == (PUBLISHED, "day")


def test_who_meets_whom_are_participants_of_one_meeting(kb, blank):
    text = "Olaf Scholz ist zu einem Besuch in Peking eingetroffen. Er wurde dort von Xi Jinping empfangen."
    event = detect(kb, blank, text)[0]
    assert event.type == "meet" and event.main
    assert names(kb, event.actors) == {"Olaf Scholz": "participant", "Xi Jinping": "participant"}
    assert kb.info(event.place_entity_id).name == "Peking"
    assert event.title == "Treffen: Olaf Scholz und Xi Jinping in Peking"


def test_without_triggers_or_with_background_words_only_there_is_no_event(kb, blank):
    assert detect(kb, blank, "Das Wetter in Berlin war schön.") == []
    assert detect(kb, blank, "Der Krieg dauert an.") == []


def test_a_repeated_background_word_does_not_outweigh_the_main_event(kb, blank):
    text = "Putin traf Kim Jong Un in Pjöngjang. " + "Der Krieg geht weiter. " * 8
    assert detect(kb, blank, text)[0].type == "meet"


def test_without_a_publication_date_only_absolute_dates_count(kb, blank):
    event = detect(kb, blank, "Putin traf Kim Jong Un in Pjöngjang.", published=None)[0]
    assert event.date is None and event.date_precision is None
    event = detect(kb, blank, "Putin traf am 19. Juni 2024 Kim Jong Un in Pjöngjang.", published=None)[0]
    assert (event.date, event.date_precision) == (PUBLISHED, "day")


def test_contract_shape_for_analyze_text(kb, blank):
    event = detect(kb, blank, "Putin traf Kim Jong Un in Pjöngjang.")[0]
    data = event.as_contract(kb)
    assert {"type", "title", "date", "place", "actors"} <= set(data)
    assert data["date"] == "2024-06-19" and data["place"]["name"] == "Pjöngjang"
    assert {a["name"] for a in data["actors"]} == {"Wladimir Putin", "Kim Jong Un"}


# --- the seed article through a trained pipeline


def _trained_pipeline():
    model = ROOT / "events" / "nlp" / "model"
    if (model / "meta.json").exists():
        from events.nlp.pipeline import get_nlp

        return get_nlp()
    interim = ROOT / ".data" / "nlp-build" / "asm_quick"
    if (interim / "meta.json").exists():
        return spacy.load(interim)
    pytest.skip("no trained pipeline: neither events/nlp/model/meta.json nor .data/nlp-build/asm_quick")


@pytest.mark.slow
def test_seed_article_through_the_trained_pipeline(kb, seed_text):
    nlp = _trained_pipeline()
    doc = nlp(seed_text)
    events = detect_events(doc, link_doc(doc, kb, PUBLISHED), kb, PUBLISHED)
    _check_seed(kb, events)


def _check_seed(kb, events) -> None:
    main = events[0]
    assert main.type == "meet"
    assert {"Wladimir Putin", "Kim Jong Un"} == set(names(kb, main.actors))
    place = kb.info(main.place_entity_id)
    assert place.name == "Pjöngjang" and place.kind == "place" and place.latitude and place.longitude
    assert (main.date, main.date_precision) == (PUBLISHED, "day")
    assert main.title.startswith("Treffen: ") and main.title.endswith(" in Pjöngjang")
    assert [e.type for e in events].count("meet") == 1
    # a second event may only be the arms deal, and less certain than the visit
    assert {e.type for e in events[1:]} <= {"military_aid"}
    assert all(e.confidence < main.confidence for e in events[1:])


def test_an_event_with_nobody_and_nowhere_is_not_reported(kb, blank):
    # A trigger alone ("Zusammenarbeit", "Treffen") is a topic, not an event an analyst can use.
    assert detect(kb, blank, "Die Zusammenarbeit soll vertieft werden. Ein Treffen ist geplant.") == []
    assert detect(kb, blank, "Putin traf Kim in Pjöngjang.") != []
