"""Provisional entities (unknown names filed by the analysis) in the knowledge base from the
database: they must not shadow known entities, and match only where the NER marks a name."""

import pytest
import spacy

from events.analysis.linking import link_doc
from events.kb.loader import build_from_db
from events.services.analysis import provisional_entity
from tests.events.analysis.test_linking import linked, parse

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def blank():
    nlp = spacy.blank("de")
    nlp.add_pipe("sentencizer")
    return nlp


def test_a_provisional_inflected_name_does_not_shadow_the_known_person(kb, blank):
    # Once, "Putins" was not recognised and became a provisional entity of its own.
    provisional_entity("Putins", "person")
    rebuilt = build_from_db()
    text = "Wladimir Putin reiste nach Peking. Putins Sprecher bestätigte die Reise."
    mentions = link_doc(parse(blank, text, [("Wladimir Putin", "PER"), ("Putins", "PER")]), rebuilt)
    assert ("Putins", "Wladimir Putin") in linked(rebuilt, mentions)
    # A name only a provisional entity has still finds it.
    provisional_entity("Kim Jong-chol", "person")
    candidates, _ = build_from_db().lookup("Kim Jong-chol")
    assert candidates


def test_provisional_names_match_only_where_the_ner_marks_a_name(kb, blank):
    provisional_entity("Lange", "person")
    rebuilt = build_from_db()
    assert link_doc(parse(blank, "Lange Zeit blieb es still."), rebuilt) == []
    marked = link_doc(parse(blank, "Lange sagte nichts.", [("Lange", "PER")]), rebuilt)
    assert linked(rebuilt, marked) == [("Lange", "Lange")]
