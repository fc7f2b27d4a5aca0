"""`KnowledgeBase.may_name`: the quick "no name starts like this" check before a lookup.

It must never say no where `lookup` would find something (that would lose a link), so it is
checked against `lookup` itself on inflected, folded, hyphen-moved and article forms.
"""

import pytest

from events.analysis.kb import EntityInfo, build_index

NAMES = [
    (1, "person", "Wladimir Putin"),
    (2, "org", "Europäische Union"),
    (3, "country", "Saudi-Arabien"),
    (4, "place", "Pjöngjang"),
    (5, "org", "Die Linke"),
    (6, "country", "Südsudan"),
]


@pytest.fixture(scope="module")
def small_kb():
    return build_index(
        [EntityInfo(pk, kind, name) for pk, kind, name in NAMES],
        [(pk, name, "name", None, None, False) for pk, _kind, name in NAMES]
        + [(1, "Putin", "name", None, None, False), (7, "UNESCO", "abbreviation", None, None, False)],
    )


@pytest.mark.parametrize(
    "surface",
    [
        "Wladimir Putins",  # genitive
        "Europäischen Union",  # inflected adjective
        "Saudi Arabien",  # hyphen dropped
        "Süd-Sudan",  # hyphen added
        "Pjoengjang",  # without the umlaut
        "des Pjöngjangs",  # article and ending
        "UNESCO",  # an abbreviation
        "Putin",  # a short first word: not judged
    ],
)
def test_it_never_rules_out_what_the_lookup_finds(small_kb, surface):
    assert small_kb.lookup(surface, context=True)[0], surface
    assert small_kb.may_name(surface)


@pytest.mark.parametrize("surface", ["Gewerkschaft", "Vertragsform auf", "Handlungsbedarf bei sogenannten"])
def test_it_rules_out_words_no_name_starts_with(small_kb, surface):
    assert not small_kb.may_name(surface)
    assert not small_kb.lookup(surface, context=True)[0]
