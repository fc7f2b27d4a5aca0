"""One sentence segmentation for every record: the rules on top of the statistical splitter."""

from spacy.tokens import Doc

from events.analysis.sentences import token_ranges


def _sentences(doc) -> list[str]:
    return [doc[s:e].text for s, e in token_ranges(doc)]


def test_a_closing_quote_ends_the_quoted_sentence(nlp):
    doc = nlp("Er sagte: „Wir kommen.“ Sie betonte, die Hilfe komme rechtzeitig.")
    assert _sentences(doc)[-1] == "Sie betonte, die Hilfe komme rechtzeitig."
    assert _sentences(doc)[-2].endswith("kommen.“")


def test_whatever_the_splitter_said_the_quote_mark_stays_behind(nlp):
    words = ["„", "Wir", "kommen", ".", "“", "Er", "betonte", "das", "."]
    spaces = [False, True, False, False, True, True, True, False, False]
    doc = Doc(nlp.vocab, words=words, spaces=spaces, sent_starts=[1, 0, 0, 0, 1, 0, 0, 0, 0])
    assert _sentences(doc) == ["„Wir kommen.“", "Er betonte das."]
    # An opening quote after a full stop starts the next sentence as before.
    words = ["Er", "kam", ".", "„", "Gut", "“", ",", "sagte", "er", "."]
    doc = Doc(
        nlp.vocab, words=words, spaces=[True, False, True, False, False, False, True, True, False, False]
    )
    assert _sentences(doc) == ["Er kam.", "„Gut“, sagte er."]
