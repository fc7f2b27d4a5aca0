"""First-level subdivisions and named regions in the knowledge base (issue 13).

After seeding, the names German news use for Länder, Bundesländer, Kantone, US states,
oblasts and regions resolve to place entities of the right country; names that are also
ordinary words or that a big city carries do not become the subdivision without context.
"""

from __future__ import annotations

import pycountry
import pytest

from events.analysis.names import normalize
from events.kb import seed

pytestmark = pytest.mark.django_db


def _places(kb, surface: str, context: bool = False) -> list:
    found, _ = kb.lookup(surface, context=context)
    return [kb.info(c.entity_id) for c in found]


@pytest.mark.parametrize(
    ("surface", "country"),
    [
        ("Thüringen", "DE"),
        ("Bayern", "DE"),
        ("Sachsen", "DE"),
        ("Tirol", "AT"),
        ("Kalifornien", "US"),
        ("Gazastreifen", "PS"),
        ("Westjordanland", "PS"),
        ("Donbass", "UA"),
        # Inflected and prefixed forms as they stand in text.
        ("Thüringens", "DE"),
        ("Kanton Zürich", "CH"),
        ("Oblast Lwiw", "UA"),
        ("Bundesstaat New York", "US"),
        ("Katalonien", "ES"),
        ("Lombardei", "IT"),
    ],
)
def test_names_resolve_to_one_place_of_the_right_country(kb, surface, country):
    places = _places(kb, surface)
    assert len(places) == 1, (surface, places)
    assert places[0].kind == "place"
    assert places[0].country == country


def test_subdivision_entities_carry_iso_key_country_and_description(kb):
    from events.models import Entity

    thuringia = Entity.objects.get(key="place:subdivision:DE-TH")
    assert (thuringia.name, thuringia.kind, thuringia.country) == ("Thüringen", "place", "DE")
    assert thuringia.description == "Land (Deutschland)"
    # No installed package gives coordinates of subdivisions: none rather than made up.
    assert thuringia.latitude is None and thuringia.longitude is None
    assert Entity.objects.get(key="place:subdivision:US-CA").description == "Bundesstaat (USA)"
    assert Entity.objects.filter(key__startswith="place:subdivision:").count() > 2000


def test_a_big_city_keeps_its_name(kb):
    """ "Berlin", "Kiew", "Salzburg" stay the cities; the subdivision is "Land Berlin" ..."""
    for city, country, subdivision in [
        ("Berlin", "DE", "Land Berlin"),
        ("Kiew", "UA", "Oblast Kiew"),
        ("Moskau", "RU", "Oblast Moskau"),
        ("Salzburg", "AT", "Bundesland Salzburg"),
        # In German-speaking countries a town of any size keeps the name: "Zug" the town.
        ("Zug", "CH", "Kanton Zug"),
        ("Luzern", "CH", "Kanton Luzern"),
        ("Washington", "US", "Bundesstaat Washington"),
    ]:
        # (The test knowledge base has cities of a million or more only, not Salzburg.)
        places = _places(kb, city) + _places(kb, city, context=True)
        assert all(p.name != subdivision for p in places), (city, places)
        assert places or city in ("Salzburg", "Zug", "Luzern"), city
        assert [p.name for p in _places(kb, subdivision)] == [subdivision]
        assert _places(kb, subdivision)[0].country == country


def test_ordinary_words_need_context(kb):
    # "Marken" is an Italian region and a German noun; "Georgia" a US state and the country.
    for surface, code in [("Marken", "IT-57"), ("Georgia", "US-GA"), ("Freistaat", "ZA-FS")]:
        from events.models import Entity

        entity_id = Entity.objects.get(key=f"place:subdivision:{code}").id
        assert entity_id not in [c.entity_id for c in kb.lookup(surface)[0]], surface
        assert entity_id in [c.entity_id for c in kb.lookup(surface, context=True)[0]], surface


def test_regions_that_are_subdivisions_are_seeded_once(kb):
    """places_de.toml's Krim and Oblast Donezk stand for UA-43 and UA-14: no second entity."""
    from events.models import Entity

    assert not Entity.objects.filter(key__in=["place:subdivision:UA-43", "place:subdivision:UA-14"]).exists()
    assert [p.name for p in _places(kb, "Krim")] == ["Krim"]
    # Hong Kong is a country in ISO 3166-1 as well: the country entity alone.
    assert not Entity.objects.filter(key="place:subdivision:CN-HK").exists()


def test_every_subdivision_key_is_an_iso_code(kb_entities):
    codes = {s.code for s in pycountry.subdivisions}
    subdivisions = [e for e in kb_entities if e.key.startswith("place:subdivision:")]
    assert subdivisions
    for entity in subdivisions:
        code = entity.key.removeprefix("place:subdivision:")
        assert code in codes, entity.key
        assert entity.country == code.split("-")[0], entity.key
        assert entity.kind == "place" and entity.name and entity.description
    keys = [e.key for e in kb_entities]
    assert len(keys) == len(set(keys))


def test_short_and_common_names_are_marked(kb_entities):
    for entity in kb_entities:
        if not entity.key.startswith("place:subdivision:"):
            continue
        for text, _kind, _language, _from, _to, needs_context in entity.aliases:
            key = normalize(text)
            if len(key) <= 3 or key in seed.COMMON_WORD_SUBDIVISIONS:
                assert needs_context, (entity.key, text)


def test_seeding_twice_changes_nothing(kb, kb_entities):
    from events.models import Alias, Entity

    before = (
        set(Entity.objects.values_list("key", "name", "country", "description")),
        set(Alias.objects.values_list("entity__key", "text", "kind", "needs_context")),
    )
    seed.load(kb_entities)
    after = (
        set(Entity.objects.values_list("key", "name", "country", "description")),
        set(Alias.objects.values_list("entity__key", "text", "kind", "needs_context")),
    )
    assert before == after
