"""Issue 14: who "er", "sie", "die Ministerin", "das Ministerium", "ich" in a quote and a
quote without a speaker of its own stand for (events.analysis.coref and the claims)."""

from events.analysis.claims import extract_claims
from tests.events.analysis.test_claims import mentions_for

NAMES = {
    "Anne Spiegel": ("PER", 10),
    "Roger Lewentz": ("PER", 11),
    "Bildungsministerium": ("ORG", 12),
    "Innenministerin Nancy Faeser": ("PER", 13),
}


def claims_of(nlp, text):
    return extract_claims(nlp(text), mentions_for(text, NAMES), None)


def speaker(claim):
    return (claim.speaker.entity_id, claim.speaker.via) if claim.speaker else None


def test_pronouns_agree_in_gender(nlp):
    text = (
        "Anne Spiegel und Roger Lewentz trafen sich am Montag in Mainz. "
        "Sie sagte, die Hilfe komme zu spät. Er betonte, man habe alles getan."
    )
    found = {c.cue: speaker(c) for c in claims_of(nlp, text)}
    assert found["sagte"] == (10, "pronoun")
    assert found["betonte"] == (11, "pronoun")


def test_descriptors_go_to_the_person_introduced_with_them_or_the_named_organisation(nlp):
    text = (
        "Innenministerin Nancy Faeser besuchte die Grenze. Die Ministerin sagte, die Kontrollen "
        "blieben. Das Bildungsministerium prüft den Fall. Das Ministerium erklärte, es gebe keine Frist."
    )
    found = {c.cue: speaker(c) for c in claims_of(nlp, text)}
    assert found["sagte"] == (13, "descriptor")
    assert found["erklärte"] == (12, "descriptor")


def test_first_person_in_a_quote_and_a_quote_sequence(blank):
    text = (
        "Roger Lewentz sagte: „Ich habe nichts gewusst, das sage ich klar.“ "
        "„Wir haben alles getan.“ Danach ging er."
    )
    claims = extract_claims(blank(text), mentions_for(text, NAMES), None)
    assert all(c.speaker is not None and c.speaker.entity_id == 11 for c in claims), [
        (c.cue, c.speaker) for c in claims
    ]
    assert [c.speaker.via for c in claims if c.cue == "sage"] == ["quote"]


def test_an_unresolved_pronoun_stays_unresolved(nlp):
    text = "Die Lage ist ernst. Er sagte, man müsse handeln."
    claim = next(c for c in claims_of(nlp, text) if c.cue == "sagte")
    assert claim.speaker is not None and claim.speaker.entity_id is None and not claim.speaker.via


def test_a_quote_without_a_speaker_continues_the_one_before(blank):
    text = "Roger Lewentz sagte am Montag, man sei vorbereitet gewesen. „Wir haben alles getan, was möglich war.“"
    claims = extract_claims(blank(text), mentions_for(text, NAMES), None)
    quote = next(c for c in claims if c.kind == "direct_quote")
    assert (quote.speaker.entity_id, quote.speaker.via) == (11, "sequence")


def test_events_take_their_actors_from_pronouns_too(nlp, kb):
    from datetime import date

    from events.analysis.pipeline import analyze_doc
    from tests.events.analysis.spans import parse

    text = (
        "Der russische Präsident Wladimir Putin sprach am Montag über die Wirtschaft. "
        "Am Dienstag traf er in Peking den chinesischen Präsidenten Xi Jinping."
    )
    doc = parse(nlp, text, [("Wladimir Putin", "PER"), ("Peking", "LOC"), ("Xi Jinping", "PER")])
    events = analyze_doc(doc, kb, date(2024, 6, 19)).events
    meeting = next(e for e in events if e.type == "meet")
    assert {kb.info(entity_id).name for entity_id, _ in meeting.actors} == {"Wladimir Putin", "Xi Jinping"}


def test_a_headline_repeating_a_body_claim_is_one_claim(blank):
    text = (
        "Lewentz: „Wir haben alles getan, was möglich war“\n"
        "Der Ausschuss tagte am Montag in Mainz.\n"
        "Die Sitzung dauerte lange.\n"
        "„Wir haben alles getan, was möglich war“, sagte Roger Lewentz am Montag."
    )
    claims = extract_claims(blank(text), mentions_for(text, NAMES), None)
    assert [c.cue for c in claims] == ["sagte"], [(c.cue, c.sentence_index) for c in claims]


def test_a_demonstrative_subject_is_resolved_like_a_pronoun(nlp):
    text = "Roger Lewentz kam am Montag nach Mainz. Der sagte, die Lage sei ernst."
    claim = next(c for c in claims_of(nlp, text) if c.cue == "sagte")
    assert speaker(claim) == (11, "pronoun")


def speaker_of_glaube(blank, names: dict, text: str):
    """The speaker of the claim at "glaube" in `text`."""
    claims = extract_claims(blank(text), mentions_for(text, names), None)
    return next(c for c in claims if c.cue == "glaube").speaker


def test_first_person_in_an_interview_answer_is_the_interviewee(blank):
    names = {"Eva Glawischnig": ("PER", 20), "Glawischnig": ("PER", 20)}
    text = (
        "Eva Glawischnig im Gespräch. STANDARD: Wie geht es weiter? "
        "Glawischnig: Ich glaube, dass wir die Wahl gewinnen werden."
    )
    speaker = speaker_of_glaube(blank, names, text)
    assert (speaker.entity_id, speaker.via) == (20, "interview")


def test_first_person_in_a_text_without_quote_marks_goes_on_with_the_speaker_before(blank):
    # Archives such as 10kGNAD strip the quotation marks: "Ich glaube" is the quoted man.
    names = {"Michael Strugl": ("PER", 21)}
    text = (
        "Die Reformorientierung sehe er bei der FPÖ, sagte Michael Strugl. "
        "Ich glaube, dass da einer Zusammenarbeit nichts im Wege steht."
    )
    speaker = speaker_of_glaube(blank, names, text)
    assert (speaker.entity_id, speaker.via) == (21, "sequence")


def test_first_person_in_a_text_with_quote_marks_is_the_author(blank):
    names = {"Michael Strugl": ("PER", 21)}
    text = (
        "„Die Reformorientierung sehe ich bei der FPÖ“, sagte Michael Strugl. Ich glaube, dass er recht hat."
    )
    speaker = speaker_of_glaube(blank, names, text)
    assert speaker.entity_id is None


def test_a_surname_has_the_gender_of_its_full_name(nlp):
    names = {"Anne Spiegel": ("PER", 10), "Spiegel": ("PER", 10), "Roger Lewentz": ("PER", 11)}
    text = (
        "Roger Lewentz kam am Montag nach Mainz, wo ihn Anne Spiegel empfing. "
        "Spiegel lobte den Besuch. Er sagte, die Hilfe komme rechtzeitig."
    )
    claim = next(c for c in extract_claims(nlp(text), mentions_for(text, names), None) if c.cue == "sagte")
    assert speaker(claim) == (11, "pronoun")  # not the nearer "Spiegel", who is a woman


def test_a_name_inside_a_quote_is_no_antecedent_outside_it(nlp):
    names = {"Roger Lewentz": ("PER", 11), "Olaf Scholz": ("PER", 12)}
    text = (
        "Roger Lewentz sprach am Montag in Mainz. „Ich habe mit Olaf Scholz telefoniert.“ "
        "Er betonte, die Hilfe komme rechtzeitig."
    )
    claim = next(c for c in extract_claims(nlp(text), mentions_for(text, names), None) if c.cue == "betonte")
    assert speaker(claim) == (11, "pronoun")
