"""Provisional entities (unknown names filed by the analysis) in the knowledge base from the
database: they must not shadow known entities, and match only where the NER marks a name."""

import pytest

from events.analysis.linking import link_doc
from events.kb.loader import build_from_db
from events.services.analysis import provisional_entity
from tests.events.analysis.test_linking import linked, parse

pytestmark = pytest.mark.django_db


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


def test_a_one_off_name_is_held_unless_an_earlier_article_filed_it(kb):
    """Named once, an unknown organisation makes no new entity; it joins the provisional
    entity an earlier article filed under that name."""
    from events.models import Entity, Mention
    from events.services.analysis import article_analyze
    from ingest.models import Article

    def analysed(url: str, text: str) -> list[Mention]:
        article = Article.objects.create(url=url, canonical_url=url, text=text)
        article_analyze(article)
        return list(Mention.objects.filter(article=article, text="Blauwerk Labs"))

    text = "Die Regierung in Wien prüft die Pläne der Firma Blauwerk Labs nicht, sagte der Minister."
    before = Entity.objects.filter(provisional=True).count()
    once = analysed("https://example.org/a", text)
    assert (
        once
        and all(m.entity_id is None for m in once)
        and Entity.objects.filter(provisional=True).count() == before
    )
    earlier = provisional_entity("Blauwerk Labs", "organization")
    again = analysed("https://example.org/b", text.replace("nicht", "erneut nicht"))
    assert again and all(m.entity_id == earlier.pk for m in again)
