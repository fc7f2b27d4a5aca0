"""The given-name list (events/analysis/data/given_names.txt): reviewable, attributed, and
free of the words it must never admit into a person's name."""

from pathlib import Path

DATA = Path(__file__).resolve().parents[3] / "events" / "analysis" / "data"


def _names() -> list[str]:
    lines = (DATA / "given_names.txt").read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line and not line.startswith("#")]


def test_the_list_is_sorted_unique_and_states_its_source_and_licence():
    names = _names()
    assert names == sorted(set(names)) and len(names) > 10_000
    header = (DATA / "given_names.txt").read_text(encoding="utf-8")[:1500]
    assert "berlinonline/haeufige-vornamen-berlin" in header and "CC BY 3.0 DE" in header


def test_it_holds_no_common_noun_and_no_word_the_linker_knows_is_no_name():
    def words(name):
        lines = (DATA / name).read_text(encoding="utf-8").splitlines()
        return {line.strip() for line in lines if line.strip() and not line.startswith("#")}

    names = set(_names())
    assert not names & words("common_nouns.txt")
    assert not {n.casefold() for n in names} & {w.casefold() for w in words("not_names.txt")}
    assert {"Gisela", "Damien", "Arda", "Abdelhamid"} <= names
