"""Issue 13: party names that are also ordinary words ("Grünen", "Linke", "Freiheitlichen")
link where German news use them as parties, to the party of the article's country.

Texts are parsed by the committed German pipeline with the full seed knowledge base; NER
spans are set by hand (spans.py), so the tests do not depend on what the statistical NER
happens to mark.
"""

import pytest

from events.analysis.linking import link_doc
from tests.events.analysis.spans import parse


def linked(mentions, kb, text):
    found = [m for m in mentions if m.text == text]
    assert found, [m.text for m in mentions]
    return [kb.info(m.entity_id).name if m.entity_id else None for m in found]


def test_a_party_after_an_article_in_brackets_and_in_lists(nlp, kb):
    doc = parse(
        nlp,
        "Der Bundestag nahm einen Antrag von SPD, Grünen und FDP an. "
        "Dietmar Bartsch (Linke) kritisierte das, die Linke stimmte dagegen.",
        [("SPD", "ORG"), ("FDP", "ORG"), ("Dietmar Bartsch", "PER")],
    )
    mentions = link_doc(doc, kb)
    assert linked(mentions, kb, "Grünen") == ["Grüne"]
    assert linked(mentions, kb, "Linke") == ["Die Linke", "Die Linke"]


def test_ordinary_words_stay_words(nlp, kb):
    doc = parse(nlp, "Am Wochenende sitzen alle im Grünen. Linke Gruppen und Grüne Woche.", [])
    assert [m.text for m in link_doc(doc, kb) if m.text in ("Grünen", "Linke", "Grüne")] == []


def test_the_article_country_chooses_the_party(nlp, kb):
    doc = parse(
        nlp,
        "In Linz und Wien sagten die Grünen nichts. Auch die Freiheitlichen schwiegen.",
        [("Linz", "LOC"), ("Wien", "LOC")],
    )
    mentions = link_doc(doc, kb)
    assert linked(mentions, kb, "Grünen") == ["Die Grünen – Die Grüne Alternative"]
    assert linked(mentions, kb, "Freiheitlichen") == ["FPÖ"]


def test_punctuation_at_the_edge_of_a_span_is_not_the_name(nlp, kb):
    doc = parse(nlp, "Kritik kam von den Grünen.", [("Grünen.", "ORG")])
    assert [(m.text, kb.info(m.entity_id).name) for m in link_doc(doc, kb) if m.entity_id] == [
        ("Grünen", "Grüne")
    ]


def test_a_surname_of_an_unknown_person_named_in_full_is_not_a_known_namesake(nlp, kb):
    # Markus Söder is the only Söder of the knowledge base; this article is about someone else.
    doc = parse(
        nlp,
        "Gerda Söder (CSU) sagte etwas. Söder betonte, es gehe um Sicherheit.",
        [("Gerda Söder", "PER"), ("CSU", "ORG"), ("Söder", "PER")],
    )
    soeder = [m for m in link_doc(doc, kb) if m.text == "Söder"]
    assert [(m.entity_id, m.provisional_name) for m in soeder] == [(None, "Gerda Söder")]


def test_a_genitive_before_its_noun_files_under_the_name(nlp, kb):
    doc = parse(nlp, "Danach kam Wang Xiaoyus Nachfolger.", [("Wang Xiaoyus", "PER")])
    assert unknown_names(link_doc(doc, kb)) == ["Wang Xiaoyu"]


def unknown_names(mentions):
    return [m.provisional_name or m.text for m in mentions if m.new_entity_kind]


def test_a_named_body_after_a_regional_adjective(nlp, kb):
    doc = parse(nlp, "Im steirischen Landtag gab es Streit, die russischen Truppen rückten vor.", [])
    found = [(m.text, kb.info(m.entity_id).name) for m in link_doc(doc, kb) if m.entity_id]
    assert found == [("steirischen Landtag", "Landtag Steiermark"), ("russischen", "Russland")]


def test_an_outlet_the_ner_took_for_a_person(nlp, kb):
    doc = parse(nlp, "Der Zeitung Haaretz zufolge fand das Telefonat statt.", [("Haaretz", "PER")])
    assert [(m.text, m.label, kb.info(m.entity_id).name) for m in link_doc(doc, kb) if m.entity_id] == [
        ("Haaretz", "ORG", "Haaretz")
    ]


def test_a_long_name_followed_by_its_abbreviation(nlp, kb):
    doc = parse(
        nlp,
        "Da verteilte der Allgemeine Deutsche Fahrradclub ADFC Noten.",
        [("Allgemeine Deutsche Fahrradclub ADFC", "ORG")],
    )
    assert [kb.info(m.entity_id).name for m in link_doc(doc, kb) if m.entity_id] == ["ADFC"]


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("Am Ende gewann Spitzenreiter Torwart klar.", ("Spitzenreiter Torwart", "PER")),
        ("Die Regierung und Landtag stritten.", ("Regierung und Landtag", "ORG")),
        ("Das sagte der Gemeinderat seiner Heimatstadt.", ("Gemeinderat seiner Heimatstadt", "ORG")),
        ("Die Fans riefen laut TORWART.", ("TORWART", "LOC")),
        ("Er besuchte das Hamas-Trainingslager.", ("Hamas-Trainingslager", "PER")),
    ],
)
def test_ordinary_words_make_no_provisional_entity(nlp, kb, text, span):
    doc = parse(nlp, text, [span])
    assert unknown_names(link_doc(doc, kb)) == []


def test_a_first_name_makes_a_name_of_a_common_noun(nlp, kb):
    doc = parse(nlp, "Gestern sprach Heinz Torwart mit ihm.", [("Heinz Torwart", "PER")])
    assert unknown_names(link_doc(doc, kb)) == ["Heinz Torwart"]


def test_a_surname_the_ner_missed_after_the_full_name(nlp, kb):
    doc = parse(
        nlp,
        "Der Politiker Gerhard Kurzmann wurde gewählt. Die KPÖ erteilte Kurzmann eine Absage. "
        "Florian Post lachte. Die Post kam.",
        [("Gerhard Kurzmann", "PER"), ("KPÖ", "ORG"), ("Florian Post", "PER")],
    )
    assert unknown_names(link_doc(doc, kb)) == ["Gerhard Kurzmann", "Gerhard Kurzmann", "Florian Post"]


def test_a_quoted_name_with_its_article_and_a_district_with_its_type_word(nlp, kb):
    doc = parse(
        nlp,
        "Das zeigten die Erfolge der Partei „Die Republikaner“. Sie vertreten den Landkreis München.",
        [("München", "LOC")],
    )
    found = [(m.text, kb.info(m.entity_id).name) for m in link_doc(doc, kb) if m.entity_id]
    assert found == [("Die Republikaner", "Die Republikaner"), ("Landkreis München", "Landkreis München")]


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("Das Bild steht unter CC BY-SA 4.0 im Netz.", ("CC BY-SA 4.0", "ORG")),
        ("Heute große BUCHPRÄSENTATION im Rathaus.", ("BUCHPRÄSENTATION", "ORG")),
        ("Er spricht fließend Kurdisch und Arabisch.", ("Kurdisch", "PER")),
        ("Er besuchte das Gebäude der Kommunistischen Partei.", ("Kommunistischen Partei", "ORG")),
    ],
)
def test_forms_no_new_name_has(nlp, kb, text, span):
    doc = parse(nlp, text, [span])
    assert unknown_names(link_doc(doc, kb)) == []


def test_a_type_word_before_an_abbreviation_is_cut(nlp, kb):
    doc = parse(nlp, "Die Partei XYP gewann.", [("Partei XYP", "ORG")])
    assert unknown_names(link_doc(doc, kb)) == ["XYP"]


def test_a_region_the_tagger_took_for_a_noun(nlp, kb):
    doc = parse(nlp, "134 Menschen kamen allein im Ahrtal ums Leben.", [])
    assert [(m.text, kb.info(m.entity_id).name) for m in link_doc(doc, kb) if m.entity_id] == [
        ("Ahrtal", "Ahrtal")
    ]


def test_a_common_noun_before_a_place_and_a_places_adjective_with_a_noun(nlp, kb):
    doc = parse(
        nlp,
        "Im Nato-Land Türkei wird gewählt. Die Berliner Geburtenrate sinkt, die Berliner Zeitung berichtet.",
        [("Nato-Land Türkei", "LOC"), ("Berliner Geburtenrate", "ORG"), ("Berliner Zeitung", "ORG")],
    )
    mentions = link_doc(doc, kb)
    assert [(m.text, kb.info(m.entity_id).name) for m in mentions if m.entity_id][0] == ("Türkei", "Türkei")
    assert "Berliner Geburtenrate" not in unknown_names(mentions)


def test_a_single_name_alone_makes_no_new_person(nlp, kb):
    doc = parse(nlp, "Das sagte Grossomodo am Abend.", [("Grossomodo", "PER")])
    assert unknown_names(link_doc(doc, kb)) == []


def test_titles_genitives_and_trailing_nouns_are_cut_compounds_are_no_names(nlp, kb):
    doc = parse(
        nlp,
        "Gaulands AfD legte zu. Das sagte Klubobfrau Helga Krismerowa. In Krisenzeiten hilft das. "
        "Laut Guido Steinbergo Bezug gibt es Streit.",
        [
            ("Gaulands AfD", "ORG"),
            ("Klubobfrau Helga Krismerowa", "PER"),
            ("Krisenzeiten", "LOC"),
            ("Guido Steinbergo Bezug", "PER"),
        ],
    )
    mentions = link_doc(doc, kb)
    assert [(m.text, kb.info(m.entity_id).name) for m in mentions if m.entity_id] == [("AfD", "AfD")]
    assert unknown_names(mentions) == ["Helga Krismerowa", "Guido Steinbergo"]


def test_a_name_with_a_hyphen_or_space_of_its_own(nlp, kb):
    doc = parse(
        nlp,
        "Der Konflikt im Süd-Sudan und in Saudi Arabien eskaliert.",
        [("Süd-Sudan", "LOC"), ("Saudi Arabien", "LOC")],
    )
    assert [kb.info(m.entity_id).name for m in link_doc(doc, kb) if m.entity_id] == [
        "Südsudan",
        "Saudi-Arabien",
    ]
