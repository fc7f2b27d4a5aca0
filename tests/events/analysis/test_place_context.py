"""Place links need context (issue 13, "Places").

Texts are parsed by the committed German pipeline (POS); NER spans are set by hand to what
the statistical NER marks, so each rule is tested on the mistake it answers. The knowledge
base is small and built here: a town of that name must exist to be wrongly chosen.
"""

import pytest

from events.analysis.kb import EntityInfo, build_index
from events.analysis.linking import link_doc
from tests.events.analysis.spans import parse

DE, AT, CN, CH, UA = 1, 2, 3, 4, 5
XINHUA_AGENCY, XINHUA_VILLAGE = 10, 11
WOLFSBURG_SMALL, NORDEN_TOWN = 12, 13
ZUG_CANTON, ZUG_TOWN = 14, 15
BERLIN = 16
LVIV_OBLAST, LVIV = 17, 18
PS, RAMALLAH_GOVERNORATE, RAMALLAH = 19, 20, 21
SMALL_ABROAD = 22


@pytest.fixture(scope="module")
def kb():
    infos = [
        EntityInfo(DE, "country", "Deutschland", "DE", population=83_000_000),
        EntityInfo(AT, "country", "Österreich", "AT", population=9_000_000),
        EntityInfo(CN, "country", "China", "CN", population=1_400_000_000),
        EntityInfo(CH, "country", "Schweiz", "CH", population=8_700_000),
        EntityInfo(UA, "country", "Ukraine", "UA", population=41_000_000),
        EntityInfo(XINHUA_AGENCY, "organization", "Xinhua", "CN", org_type="media"),
        EntityInfo(XINHUA_VILLAGE, "place", "Xinhua", "CN", population=20_000),
        # A made-up small town, so the rule is not about a name the tagger knows.
        EntityInfo(WOLFSBURG_SMALL, "place", "Kleinhausen", "AT", population=8_000),
        EntityInfo(NORDEN_TOWN, "place", "Norden", "DE", population=25_000),
        EntityInfo(ZUG_CANTON, "place", "Kanton Zug", "CH"),  # a subdivision: no population
        EntityInfo(ZUG_TOWN, "place", "Zug", "US", population=6_000),
        EntityInfo(BERLIN, "place", "Berlin", "DE", population=3_600_000),
        EntityInfo(LVIV_OBLAST, "place", "Lwiw", "UA"),  # the oblast: no population
        EntityInfo(LVIV, "place", "Lwiw", "UA", population=720_000),
        EntityInfo(PS, "country", "Palästina", "PS", population=5_000_000),
        EntityInfo(RAMALLAH_GOVERNORATE, "place", "Ramallah", "PS"),  # a subdivision: no population
        EntityInfo(RAMALLAH, "place", "Ramallah", "PS", population=40_000),
        EntityInfo(SMALL_ABROAD, "place", "Kleinfeld", "CN", population=8_000),
    ]
    aliases = [
        (XINHUA_AGENCY, "Xinhua", "name", None, None, False),
        (XINHUA_VILLAGE, "Xinhua", "name", None, None, False),
        (WOLFSBURG_SMALL, "Kleinhausen", "name", None, None, False),
        (NORDEN_TOWN, "Norden", "name", None, None, False),
        (ZUG_CANTON, "Zug", "name", None, None, False),
        (ZUG_TOWN, "Zug", "name", None, None, False),
        (LVIV_OBLAST, "Oblast Lwiw", "name", None, None, False),
        (LVIV, "Lwiw", "name", None, None, False),
        (RAMALLAH_GOVERNORATE, "Ramallah", "name", None, None, False),
        (RAMALLAH, "Ramallah", "name", None, None, False),
        (SMALL_ABROAD, "Kleinfeld", "name", None, None, False),
    ]
    return build_index(infos, aliases)


def linked(kb, doc, text):
    return {m.text: (m.entity_id, m.note) for m in link_doc(doc, kb) if m.text == text}[text]


def test_small_place_without_preposition_or_country_stays_unlinked(nlp, kb):
    doc = parse(nlp, "Kleinfeld meldet neue Zahlen.", [("Kleinfeld", "LOC")])
    entity_id, note = linked(kb, doc, "Kleinfeld")
    assert entity_id is None and note == "a place named without context"


def test_small_town_of_a_german_speaking_country_marked_a_place_needs_no_context(nlp, kb):
    # Austrian Kleinhausen in German news, marked LOC by the NER: at home, no country named.
    doc = parse(nlp, "Kleinhausen meldet neue Zahlen.", [("Kleinhausen", "LOC")])
    assert linked(kb, doc, "Kleinhausen")[0] == WOLFSBURG_SMALL


def test_a_town_named_like_its_region_needs_no_preposition(nlp, kb):
    doc = parse(nlp, "Ramallah blieb ruhig.", [("Ramallah", "LOC")])
    assert linked(kb, doc, "Ramallah")[0] == RAMALLAH


def test_small_place_after_preposition_links(nlp, kb):
    doc = parse(nlp, "Ein Unfall in Kleinhausen.", [("Kleinhausen", "LOC")])
    assert linked(kb, doc, "Kleinhausen")[0] == WOLFSBURG_SMALL


def test_small_place_links_when_its_country_is_named(nlp, kb):
    text = "Österreich: Kleinhausen meldet neue Zahlen."
    doc = parse(nlp, text, [("Österreich", "LOC"), ("Kleinhausen", "LOC")])
    assert linked(kb, doc, "Kleinhausen")[0] == WOLFSBURG_SMALL


def test_org_span_never_links_to_a_place(nlp, kb):
    doc = parse(nlp, "Das meldete Xinhua am Abend.", [("Xinhua", "ORG")])
    assert linked(kb, doc, "Xinhua")[0] == XINHUA_AGENCY


def test_organisation_wins_over_a_place_of_its_name_without_preposition(nlp, kb):
    doc = parse(nlp, "Xinhua berichtet über die Lage.", [("Xinhua", "LOC")])
    assert linked(kb, doc, "Xinhua")[0] == XINHUA_AGENCY


def test_place_of_an_organisations_name_links_after_preposition(nlp, kb):
    doc = parse(nlp, "Ein Erdbeben bei Xinhua in China.", [("Xinhua", "LOC"), ("China", "LOC")])
    assert linked(kb, doc, "Xinhua")[0] == XINHUA_VILLAGE


def test_common_noun_is_no_place_without_preposition(nlp, kb):
    # "Norden" is a town in Ostfriesland and the word for north; the country is named, but a
    # word the tagger calls a noun needs a preposition.
    text = "In Deutschland ist es kalt. Der Norden meldet Schnee."
    doc = parse(nlp, text, [("Deutschland", "LOC"), ("Norden", "LOC")])
    assert doc[7].text == "Norden" and doc[7].pos_ == "NOUN"
    assert linked(kb, doc, "Norden")[0] is None


def test_subdivision_beats_a_small_town_of_another_country(nlp, kb):
    doc = parse(nlp, "Die Regierung von Zug beschloss das.", [("Zug", "LOC")])
    assert linked(kb, doc, "Zug")[0] == ZUG_CANTON


def test_type_word_before_a_name_is_part_of_the_span(nlp, kb):
    # The NER marks only "Lwiw"; the bare name is the city, "Oblast Lwiw" the oblast.
    doc = parse(nlp, "Angriffe in der Oblast Lwiw und in Lwiw selbst.", [("Lwiw", "LOC"), ("Lwiw", "LOC")])
    mentions = link_doc(doc, kb)
    assert [(m.text, m.entity_id) for m in mentions] == [("Oblast Lwiw", LVIV_OBLAST), ("Lwiw", LVIV)]


def test_a_town_beats_the_region_of_its_name_in_its_country(nlp, kb):
    """Ramallah is the city; the governorate of that name needs its type word."""
    doc = parse(nlp, "Das Treffen fand in Ramallah statt.", [("Ramallah", "LOC")])
    assert linked(kb, doc, "Ramallah")[0] == RAMALLAH
