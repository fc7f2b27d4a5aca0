"""Linking, round six (issue 13): a country beats its same-named capital, and a name of two
words the lookup shortens keeps the entity it is the name of.

Texts are parsed by the committed German pipeline, with NER spans set by hand; the knowledge
base is small and built here, with the competing entity that made the old result wrong.
"""

import pytest

from events.analysis.kb import EntityInfo, build_index
from tests.events.analysis.spans import parse
from tests.events.analysis.test_linking_round4 import links

LU, LU_CITY, LU_CANTON, THE_HAGUE, HAAG_AT = 1, 2, 3, 4, 5


@pytest.fixture(scope="module")
def kb():
    infos = [
        EntityInfo(LU, "country", "Luxemburg", "LU", population=607_728),
        EntityInfo(LU_CITY, "place", "Luxemburg", "LU", population=76_684),
        EntityInfo(LU_CANTON, "place", "Luxemburg", "LU"),
        EntityInfo(THE_HAGUE, "place", "Den Haag", "NL", population=474_292),
        EntityInfo(HAAG_AT, "place", "Haag", "AT", population=5_273),
    ]
    aliases = [
        (LU, "Luxemburg", "name", None, None, False),
        (LU_CITY, "Luxemburg", "name", None, None, True),
        (LU_CANTON, "Luxemburg", "name", None, None, True),
        (THE_HAGUE, "Den Haag", "name", None, None, False),
        (THE_HAGUE, "Haag", "exonym", None, None, False),
        (HAAG_AT, "Haag", "name", None, None, False),
    ]
    return build_index(infos, aliases)


def test_a_country_beats_its_same_named_capital_and_region(nlp, kb):
    doc = parse(
        nlp, "In Luxemburg wurde kein System der Steuerhinterziehung erfunden.", [("Luxemburg", "LOC")]
    )
    assert links(kb, doc)["Luxemburg"] == LU


def test_den_haag_is_the_hague_not_a_town_called_haag(nlp, kb):
    doc = parse(nlp, "Der Strafgerichtshof in Den Haag erließ einen Haftbefehl.", [("Den Haag", "LOC")])
    assert links(kb, doc)["Den Haag"] == THE_HAGUE
