"""The linker's word lists (common nouns, first names) are built from the shared corpora and
committed; building them again gives the committed files."""

import pytest

from events.nlp.train import word_lists

if not word_lists.DATA.is_dir():
    pytest.skip("../shared/data is not on this machine", allow_module_level=True)


def committed(name: str) -> list[str]:
    lines = (word_lists.OUT / name).read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line and not line.startswith("#")]


def test_the_committed_lists_are_what_the_corpora_give():
    common, first, _ = word_lists.build()
    assert committed("common_nouns.txt") == common
    assert committed("first_names.txt") == first
    assert committed("noun_genders.txt") == word_lists.noun_genders()


def test_nouns_and_first_names():
    common, first, _ = word_lists.build()
    assert {"Regierung", "Torwart", "Nachfolger"} <= set(common)
    assert not {"Berlin", "Merkel", "Müller", "Fischer"} & set(common)  # names, or surnames too
    assert {"Heinz", "Peter"} <= set(first)


def test_noun_genders():
    genders = dict(row.split("\t") for row in word_lists.noun_genders())
    assert genders["Haus"] == "Neut" and genders["Senat"] == "Masc"
