"""A company's legal form is part of its name ("Audi AG"): the mention keeps it, links to
the company the knowledge base knows, and a company it does not know keeps it in its new name.

Before this, "AG" was cut off: spaCy lists "ag" among German stop words, and a known name's
extra word was trimmed as if it were a common noun.
"""

import pytest

from events.analysis.kb import EntityInfo, build_index
from events.analysis.linking import link_doc
from tests.events.analysis.spans import parse

AUDI, INGOLSTADT, SA_UNIT = 1, 2, 3


@pytest.fixture(scope="module")
def kb():
    infos = [
        EntityInfo(AUDI, "organization", "Audi", "DE", org_type="company"),
        EntityInfo(INGOLSTADT, "place", "Ingolstadt", "DE", population=140_000),
        EntityInfo(SA_UNIT, "organization", "Sturmabteilung", "DE"),
    ]
    aliases = [
        (AUDI, "Audi", "name", None, None, False),
        (INGOLSTADT, "Ingolstadt", "name", None, None, False),
        (SA_UNIT, "SA", "name", None, None, False),
    ]
    return build_index(infos, aliases)


def mentions(kb, doc) -> dict[str, int | None]:
    return {m.text: m.entity_id for m in link_doc(doc, kb) if m.kind == "name"}


def test_a_known_company_keeps_its_legal_form_and_links(nlp, kb):
    doc = parse(nlp, "Die Audi AG hat ihren Sitz in Ingolstadt.", [("Audi AG", "ORG"), ("Ingolstadt", "LOC")])
    assert mentions(kb, doc) == {"Audi AG": AUDI, "Ingolstadt": INGOLSTADT}


@pytest.mark.parametrize("form", ["GmbH", "SE", "N.V."])
def test_other_legal_forms_stay_with_the_name(nlp, kb, form):
    doc = parse(nlp, f"Die Audi {form} meldete Gewinne.", [(f"Audi {form}", "ORG")])
    assert mentions(kb, doc) == {f"Audi {form}": AUDI}


def test_an_unknown_company_keeps_its_legal_form_in_its_new_name(nlp, kb):
    text = "Die Buhl-Alberti AG in Ingolstadt stellt Elektroden her, teilte die Firma mit."
    doc = parse(nlp, text, [("Buhl-Alberti AG", "ORG"), ("Ingolstadt", "LOC")])
    found = {m.text: m for m in link_doc(doc, kb) if m.kind == "name"}
    assert "Buhl-Alberti AG" in found
    assert found["Buhl-Alberti AG"].entity_id is None


def test_a_word_that_is_no_legal_form_is_still_cut_from_a_known_name(nlp, kb):
    doc = parse(nlp, "Der Audi Konzern meldete Gewinne.", [("Audi Konzern", "ORG")])
    assert mentions(kb, doc) == {"Audi": AUDI}
