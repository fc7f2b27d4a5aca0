"""Spans the gazetteer candidate model got wrong on the reference case, answered in linking
because any model can make them: two people the NER joins over a passive's "von", and a line
in another script taken for a place."""

import pytest

from events.analysis.kb import EntityInfo, build_index
from events.analysis.linking import link_doc
from tests.events.analysis.spans import parse

PUTIN, KIM = 1, 2


@pytest.fixture(scope="module")
def kb():
    infos = [
        EntityInfo(PUTIN, "person", "Wladimir Putin", "RU"),
        EntityInfo(KIM, "person", "Kim Jong Un", "KP"),
    ]
    aliases = [
        (PUTIN, "Wladimir Putin", "name", None, None, False),
        (PUTIN, "Putin", "name", None, None, False),
        (KIM, "Kim Jong Un", "name", None, None, False),
    ]
    return build_index(infos, aliases)


def names(kb, doc) -> dict[str, int | None]:
    return {m.text: m.entity_id for m in link_doc(doc, kb) if m.kind in ("name", "partial")}


def test_a_known_person_von_another_are_two_people(nlp, kb):
    text = "Kim Jong Un empfing den Gast. Bei der Ankunft wurde Putin von Kim begrüßt."
    doc = parse(nlp, text, [("Kim Jong Un", "PER"), ("Putin von Kim", "PER")])
    assert names(kb, doc) == {"Kim Jong Un": KIM, "Putin": PUTIN, "Kim": KIM}


def test_a_noble_name_stays_one_name(nlp, kb):
    doc = parse(
        nlp, "Damals sprach Richard von Weizsäcker im Bundestag.", [("Richard von Weizsäcker", "PER")]
    )
    assert "Richard von Weizsäcker" in names(kb, doc)


def test_a_line_in_another_script_is_no_place(nlp, kb):
    doc = parse(
        nlp, "Видео по теме\nPutin reiste nach Nordkorea.", [("Видео по теме", "LOC"), ("Putin", "PER")]
    )
    assert names(kb, doc) == {"Putin": PUTIN}
