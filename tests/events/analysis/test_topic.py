"""Unknown names are filed as provisional entities only in political news (issue 13)."""

from events.analysis.linking import link_doc
from events.analysis.topic import political
from tests.events.analysis.spans import parse

SPORT = (
    "Der Stürmer traf zweimal, und die Mannschaft feierte den dritten Sieg in Folge. "
    "Trainer und Fans waren nach dem Spiel im ausverkauften Stadion begeistert. "
) * 6 + "Kevin Tormaier, der neue Kapitän, bedankte sich bei allen."
POLITICS = (
    "Die Regierung will das Gesetz noch vor der Wahl durch das Parlament bringen. "
    "Die Opposition kündigte Widerstand an. "
) * 4 + "Kevin Tormaier, der neue Abgeordnete, bedankte sich bei allen."


def test_political_news_and_a_match_report():
    assert political(POLITICS)
    assert not political(SPORT)
    assert political("Explosion auf der Einkaufsstraße: 40 Verletzte.")  # a teaser: too short to tell


def test_no_new_entity_outside_politics_but_the_mention_stays(nlp, kb):
    for text, filed in ((POLITICS, True), (SPORT, False)):
        doc = parse(nlp, text, [("Kevin Tormaier", "PER")])
        mention = next(m for m in link_doc(doc, kb) if m.text == "Kevin Tormaier")
        assert mention.entity_id is None
        assert bool(mention.new_entity_kind) is filed


def test_a_speaker_is_filed_even_outside_politics(nlp, kb):
    from events.analysis.pipeline import analyze_doc

    text = SPORT.replace("Kevin Tormaier", "Der neue Kapitän") + " Das sagte Lars Bergmeier nach dem Spiel."
    text = text.replace("bedankte sich bei allen.", "bedankte sich bei allen, sagte Kevin Tormaier.")
    assert not political(text)
    doc = parse(nlp, text, [("Kevin Tormaier", "PER"), ("Lars Bergmeier", "PER")])
    analysis = analyze_doc(doc, kb)
    speakers = {c.speaker.text for c in analysis.claims if c.speaker}
    filed = {m.text for m in analysis.mentions if m.new_entity_kind}
    assert "Kevin Tormaier" in speakers and filed == speakers & {"Kevin Tormaier", "Lars Bergmeier"}
