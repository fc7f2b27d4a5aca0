"""Claims, round two (issue 14): report markers with a noun, "so X", cue verbs in another
sense, preposed and parenthetical cues, opinions ("hält … für"), fragments, questions and
conditions. Blank German pipeline (rules only), like test_claims.py."""

import pytest

from events.analysis.claims import extract_claims
from tests.events.analysis.test_claims import PEOPLE, claims_of, mentions_for, only, text_of

OUTLETS = {"„AP“": ("ORG", 11), "AP": ("ORG", 11)}


@pytest.mark.parametrize(
    ("text", "cue", "speaker"),
    [
        ("Nach Ansicht des Ministers ist die Lage ernst.", "Nach Ansicht", "des Ministers"),
        ("Aus Sicht der Regierung ist die Lage unter Kontrolle.", "Aus Sicht", "der Regierung"),
        ("Laut Polizei wurden drei Menschen verletzt.", "Laut", "Polizei"),
        ("Die Polizei nahm nach eigenen Angaben zwei Männer fest.", "nach eigenen Angaben", "Die Polizei"),
    ],
)
def test_marker_holders_speak(blank, text, cue, speaker):
    claim = only(claims_of(blank, text))
    assert claim.cue == cue and text_of(claim.speaker) == speaker and claim.source is None


def test_an_agency_after_laut_stays_the_source(blank):
    claim = only(claims_of(blank, "Laut AP wurden bei dem Angriff drei Menschen verletzt.", OUTLETS))
    assert text_of(claim.source) == "AP" and claim.speaker is None


def test_a_possessive_marker_resolves_like_its_pronoun(blank):
    text = "Wladimir Putin kam am Montag nach Peking. Nach seinen Worten ist die Lage unter Kontrolle."
    claim = only(claims_of(blank, text))
    assert claim.cue == "Nach seinen Worten" and claim.speaker.entity_id == 1
    assert claim.speaker.via == "pronoun" and claim.speaker.antecedent_text == "Wladimir Putin"


def test_split_cues_keep_their_words(blank):
    text = "Aus meiner Sicht ist die Lage unter Kontrolle."
    sight = only(claims_of(blank, text))
    assert [text[a:b] for a, b in sight.cue_parts] == ["Aus", "Sicht"] and text_of(sight.speaker) == "ich"
    # inside a claim of its own speaker the view is that claim's, not a second one
    said = only(claims_of(blank, "Aus meiner Sicht ist die Lage unter Kontrolle, sagte Scholz."))
    assert said.cue == "sagte" and said.source is None
    opinion = only(claims_of(blank, "Scholz hält eine Koalition mit der AfD für ausgeschlossen."))
    assert opinion.cue == "hält" and [opinion.content.text] == [
        "eine Koalition mit der AfD für ausgeschlossen"
    ]
    assert text_of(opinion.speaker) == "Scholz"


def test_a_stance_is_one_claim(blank):
    claim = only(claims_of(blank, "Scholz ist überzeugt, dass die Reform noch kommt."))
    assert claim.content.text == "dass die Reform noch kommt" and text_of(claim.speaker) == "Scholz"


@pytest.mark.parametrize(
    "text",
    [
        "Das Außenministerium zitierte den russischen Botschafter ein.",
        "Die Regierung zitierte den Botschafter ins Ministerium.",
        "Der Angeklagte wurde zu zehn Jahren Haft verurteilt.",
        "Das Gericht verurteilte den Mann zu einer Bewährungsstrafe.",
        "Die Zahlen zeigen, dass die Lage ernst ist.",
        "Das hat Scholz gestern im Bundestag gesagt.",
        "Kim Il Sung wurde nie offiziell zum Tod erklärt.",
        "Das Gericht erklärte die Wahl für ungültig.",
        "Das wissen Sie doch.",
    ],
)
def test_no_claim_from_another_sense_or_a_fragment(blank, text):
    assert claims_of(blank, text) == []


def test_speech_senses_stay(blank):
    assert text_of(only(claims_of(blank, "Scholz verurteilte den Angriff scharf.")).speaker) == "Scholz"
    shown = only(claims_of(blank, "Scholz zeigte sich zuversichtlich: Die Reform komme noch in diesem Jahr."))
    assert shown.content.text == "Die Reform komme noch in diesem Jahr"


def test_fragments_only_on_request(blank):
    text = "Scholz hat sich dazu nicht geäußert."
    assert claims_of(blank, text) == []
    kept = extract_claims(blank(text), mentions_for(text, PEOPLE), None, fragments=True)
    assert [c.cue for c in kept] == ["geäußert"]


def test_a_short_complete_quote_stays(blank):
    claim = only(claims_of(blank, "Putin sagte: „Niemals!“"))
    assert claim.content.text == "„Niemals!“" and claim.speaker.entity_id == 1


@pytest.mark.parametrize(
    ("text", "content", "mood"),
    [
        ("Die Lage sei ernst, so Putin.", "Die Lage sei ernst", ""),
        (
            "Wenn Russland angreife, werde die Nato reagieren, sagte Scholz.",
            "Wenn Russland angreife, werde die Nato reagieren",
            "hypothetical",
        ),
        ("Wie könne man so etwas zulassen, fragte Scholz.", "Wie könne man so etwas zulassen", "question"),
        ("Scholz fragte, ob die Regierung das wisse.", "ob die Regierung das wisse", "question"),
    ],
)
def test_speaker_after_and_mood(blank, text, content, mood):
    claim = only(claims_of(blank, text))
    assert claim.content.text == content and claim.mood == mood
    assert claim.speaker is not None and claim.speaker.entity_id in (1, 3)


def test_so_after_a_quote_names_its_speaker(blank):
    text = "Scholz trat vor die Presse. „Die Lage ist ernst und wir handeln jetzt.“ So Putin am Montag."
    claim = only(claims_of(blank, text))
    assert claim.kind == "direct_quote" and claim.speaker.entity_id == 1


def test_a_parenthetical_cue_takes_the_whole_sentence(blank):
    claim = only(claims_of(blank, "Das ist, glaube ich, eine gute Nachricht für alle Bürger."))
    assert claim.content.text == "Das ist, glaube ich, eine gute Nachricht für alle Bürger"
    assert text_of(claim.speaker) == "ich"


def test_a_relative_pronoun_shows_its_phrase(blank):
    """ "die" alone tells an analyst nothing: an unlinked antecedent is the speaker's words."""
    claim = only(claims_of(blank, "Er traf die Delegation, die die Freilassung der Gefangenen forderte."))
    assert text_of(claim.speaker) == "die Delegation" and claim.speaker.entity_id is None


NAMES = {
    **PEOPLE,
    "Trump": ("PER", 5),
    "Rubio": ("PER", 6),
    "Kickl": ("PER", 7),
    "Van der Bellen": ("PER", 8),
}


def test_subjects_in_news_word_order(blank):
    # a particle after the subject stays in the first field
    text = "Rubio nannte ihn einen Hochstapler. Trump seinerseits sprach von Rubio als Leichtgewicht."
    spoke = next(c for c in claims_of(blank, text, NAMES) if c.cue == "sprach")
    assert spoke.speaker.entity_id == 5
    # two names after the verb: the first is the subject, the second the object
    urged = only(
        claims_of(blank, "Im Übrigen forderte Kickl Van der Bellen auf, sich zu distanzieren.", NAMES)
    )
    assert urged.speaker.entity_id == 7
    # a phrase inside the attribute before the noun: "die in Klagenfurt tätige Politologin X"
    text = (
        "Die Partei wird auf Bundeslinie gebracht, sagt die in Klagenfurt tätige Politologin Katrin Stainer."
    )
    said = only(claims_of(blank, text, {"Katrin Stainer": ("PER", 9)}))
    assert said.speaker.entity_id == 9


def test_marker_holders_in_compounds_and_own_statements(blank):
    police = only(claims_of(blank, "Nach Polizeiangaben wurden bei dem Unfall drei Menschen verletzt."))
    assert text_of(police.speaker) == "Polizei"
    text = "Zwei Millionen Euro hat die FPÖ nach eigenen Angaben für den Wahlkampf ausgegeben."
    own = only(claims_of(blank, text, {"FPÖ": ("ORG", 10)}))
    assert own.speaker.entity_id == 10


def test_a_konjunktiv_ii_sentence_continues_the_claim(blank):
    text = "Ich wäre nicht die richtige Wahl, sagte Rubio am Sonntag. Dazu lägen er und Trump zu weit auseinander."
    first, second = claims_of(blank, text, NAMES)
    assert second.cue == "lägen" and second.speaker.entity_id == 6


def test_appositions_colons_and_attached_places(blank):
    names = {"Innocent Kamansi": ("PER", 20), "Konstantin Veit": ("PER", 21), "Kurz": ("PER", 22)}
    text = "Innocent Kamansi, selbst Flüchtling, sagt, Alkohol und Drogen seien ein großes Problem."
    apposition = only(claims_of(blank, text, names))
    assert apposition.speaker.entity_id == 20 and apposition.content.text.startswith("Alkohol")
    text = "Konstantin Veit vom Vermögensverwalter Pimco betont: „Es gibt keinen Anlass für eine Anpassung.“"
    assert only(claims_of(blank, text, names)).speaker.entity_id == 21
    text = "Auf die Frage, ob dies auch in der Republik der Fall sei, sagte Kurz: Das ist leider wahr."
    colon = only(claims_of(blank, text, names))
    assert colon.speaker.entity_id == 22 and colon.content.text == "Das ist leider wahr"


@pytest.mark.parametrize(
    "text",
    ["Die Regierung versucht, das Projekt als Erfolg darzustellen.", "Es ist wichtig, darüber zu sprechen."],
)
def test_a_cue_in_a_zu_infinitive_is_no_claim(blank, text):
    assert claims_of(blank, text) == []


def test_an_explanation_with_zur_stays_speech(blank):
    claim = only(claims_of(blank, "Scholz erklärte zur Begründung, die Lage sei ernst."))
    assert claim.content.text == "die Lage sei ernst"


def test_a_relative_clause_or_a_focus_word_before_the_cue_keeps_the_subject(nlp):
    names = {"Städtetag": ("ORG", 30), "Martin Gleitsmann": ("PER", 31)}
    text = "Der Städtetag, der ebenfalls zur Anhörung geladen ist, sagt, die Änderung sei richtig."
    assert only(claims_of(nlp, text, names)).speaker.entity_id == 30
    text = "Auch Martin Gleitsmann, Leiter der Abteilung in der Wirtschaftskammer, sagt, es gebe keinen Grund zur Entwarnung."
    assert only(claims_of(nlp, text, names)).speaker.entity_id == 31


def test_a_cue_coordinated_with_another_verb_has_its_subject(nlp):
    names = {"Städtetag": ("ORG", 30)}
    text = (
        "Der Städtetag, der ebenfalls zur Anhörung geladen ist, befürwortet die Änderungen "
        "grundsätzlich und verweist darauf, dass andere bis 67 arbeiten müssen."
    )
    claim = only(claims_of(nlp, text, names))
    assert claim.cue == "verweist" and claim.speaker.entity_id == 30


def test_a_time_in_the_first_field_is_not_the_speaker(nlp):
    names = {"Olaf Scholz": ("PER", 40)}
    text = "Olaf Scholz kam nach Bern. Anfang März erklärte er, das sei gut."
    claim = only(claims_of(nlp, text, names))
    assert claim.speaker.text == "er" and claim.content.text == "das sei gut"
