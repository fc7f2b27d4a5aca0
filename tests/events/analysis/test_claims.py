"""Claims: direct quotes, indirect speech, reports, hearsay, denials; chains and pronouns.

The unit tests use a blank German pipeline (rule-based sentences, no lemmas or morphology)
so they do not depend on a trained model; one test sets Konjunktiv morphology by hand. The
seed-article test runs the project's pipeline (or the interim build) and the knowledge base.
"""

from pathlib import Path

import pytest
import spacy

from events.analysis.claims import ClaimData, SpanRef, extract_claims
from events.analysis.linking import MentionData, link_doc

ROOT = Path(__file__).resolve().parents[3]
SEED = ROOT.parent / "shared" / "seed" / "putin-kim-pjoengjang.txt"
INTERIM = ROOT / ".data" / "nlp-build" / "asm_quick"


def mentions_for(text: str, names: dict[str, tuple[str, int | None]]) -> list[MentionData]:
    """Every whole-word occurrence of each name as a mention (label, entity id), longest first."""
    found: list[MentionData] = []
    for name in sorted(names, key=len, reverse=True):
        label, entity_id = names[name]
        start = text.find(name)
        while start >= 0:
            end = start + len(name)
            boundary = (start == 0 or not text[start - 1].isalnum()) and (
                end == len(text) or not text[end].isalnum()
            )
            if boundary and not any(m.start < end and start < m.end for m in found):
                found.append(MentionData(start, end, name, label, "name", entity_id, 0.9, "model", "", 0))
            start = text.find(name, start + 1)
    return sorted(found, key=lambda m: m.start)


PEOPLE = {"Putin": ("PER", 1), "Wladimir Putin": ("PER", 1), "Kim": ("PER", 2), "Scholz": ("PER", 3)}


def claims_of(blank, text: str, names=PEOPLE, kb=None) -> list[ClaimData]:
    return extract_claims(blank(text), mentions_for(text, names), kb)


def only(claims: list[ClaimData], kind: str | None = None) -> ClaimData:
    chosen = [c for c in claims if kind is None or c.kind == kind]
    assert len(chosen) == 1, [(c.kind, c.cue, c.content.text if c.content else None) for c in claims]
    return chosen[0]


def text_of(ref: SpanRef | None) -> str | None:
    return ref.text if ref else None


# --- direct quotes ------------------------------------------------------------------------


def test_quote_followed_by_speech_verb(blank):
    text = "„Wir werden die Sanktionen gemeinsam überwinden“, sagte Putin am Mittwoch."
    claim = only(claims_of(blank, text))
    assert claim.kind == "direct_quote" and claim.evidential == "asserted"
    assert claim.cue == "sagte" and claim.cue_lemma == "sagen"
    assert text_of(claim.speaker) == "Putin" and claim.speaker.entity_id == 1
    assert claim.content.text == "Wir werden die Sanktionen gemeinsam überwinden"
    assert text[claim.content.start : claim.content.end] == claim.content.text
    assert claim.start == 0 and claim.end >= text.index("Putin") + len("Putin")


@pytest.mark.parametrize(
    "text",
    [
        "Putin sagte: „Unsere Freundschaft ist unbesiegbar.“",
        "Kanzler Scholz: »Wir lassen die Ukraine nicht allein.«",
        '"Das ist ein historischer Tag", so Scholz.',
        "‚Die Lage ist ernst und sie wird ernster‘, erklärte Scholz.",
    ],
)
def test_quote_marks_and_introductions(blank, text):
    claim = only(claims_of(blank, text), "direct_quote")
    assert claim.speaker is not None and claim.speaker.text.endswith(("Putin", "Scholz"))
    assert claim.speaker.entity_id in (1, 3)
    assert len(claim.content.text.split()) >= 4


def test_quote_over_two_sentences_with_a_verb_inside(blank):
    text = "„Ich sage Ihnen, wir sind bereit. Wir werden nicht nachgeben“, erklärte Putin in Moskau."
    claim = only(claims_of(blank, text))
    assert claim.kind == "direct_quote" and claim.cue == "erklärte" and claim.speaker.entity_id == 1
    assert claim.content.text == "Ich sage Ihnen, wir sind bereit. Wir werden nicht nachgeben"


def test_quote_without_attribution_at_a_sentence_start(blank):
    claim = only(claims_of(blank, "„Wir lassen uns nicht erpressen.“"))
    assert claim.kind == "direct_quote" and claim.speaker is None and claim.confidence < 0.5


def test_quoted_names_and_titles_are_not_quotes(blank):
    text = (
        "„Unbesiegbare“ Partner treffen sich. Die „AP“ und der „Telegraph“ waren dabei. "
        "Die Medien sprachen von der „Unbesiegbarkeit und Dauerhaftigkeit“ der Freundschaft."
    )
    claims = claims_of(blank, text)
    assert not [c for c in claims if c.kind == "direct_quote"]


# --- indirect speech ----------------------------------------------------------------------


def test_speech_verb_with_dass_clause(blank):
    text = "Putin äußerte vor seiner Ankunft, dass beide Länder eng zusammenarbeiten wollen."
    claim = only(claims_of(blank, text))
    assert claim.kind == "indirect_speech" and claim.cue_lemma == "äußern"
    assert text_of(claim.speaker) == "Putin" and claim.source is None
    assert claim.content.text == "dass beide Länder eng zusammenarbeiten wollen"


def test_konjunktiv_from_the_lexical_list(blank):
    claim = only(claims_of(blank, "Scholz betonte am Montag, die Lage sei ernst."))
    assert claim.kind == "indirect_speech" and text_of(claim.speaker) == "Scholz"
    assert claim.content.text == "die Lage sei ernst"


def test_konjunktiv_from_morphology(blank):
    """An opinion verb needs a clause; "verschlechtere" is Konjunktiv only by its morphology."""
    text = "Der Minister glaubt, die Lage verschlechtere sich."
    assert claims_of(blank, text) == []  # no morphology, no list entry: not recognisable
    doc = blank(text)
    verb = next(t for t in doc if t.text == "verschlechtere")
    verb.morph = spacy.tokens.MorphAnalysis(doc.vocab, {"Mood": "Sub", "Tense": "Pres"})
    verb.pos_ = "VERB"
    claim = only(extract_claims(doc, [], None))
    assert claim.cue_lemma == "glauben" and text_of(claim.speaker) == "Der Minister"
    assert claim.content.text == "die Lage verschlechtere sich"


def test_separable_verb_and_pronoun_speaker(blank):
    text = (
        "Putin kam in der Nacht in Pjöngjang an. "
        "Des Weiteren sprach er seine Wertschätzung für Nordkoreas Unterstützung aus."
    )
    claim = only(claims_of(blank, text))
    assert claim.cue_lemma == "aussprechen"
    assert text_of(claim.speaker) == "er" and claim.speaker.entity_id == 1  # -> Putin
    assert claim.confidence < 0.8  # a heuristic resolution
    assert claim.content.text == "seine Wertschätzung für Nordkoreas Unterstützung"


def test_pronoun_goes_to_the_subject_of_an_earlier_sentence(blank):
    text = "Scholz traf Putin nicht. Am Abend sagte er, dass Gespräche sinnlos seien."
    claim = only(claims_of(blank, text))
    assert claim.speaker.text == "er" and claim.speaker.entity_id == 3  # Scholz, the first person named


def test_verb_second_subject_before_and_after(blank):
    before = only(claims_of(blank, "Die Diplomaten erklärten, dass die Gespräche scheitern könnten."))
    after = only(claims_of(blank, "Am Abend erklärten die Diplomaten, dass die Gespräche scheitern könnten."))
    assert text_of(before.speaker) == "Die Diplomaten" and before.speaker.entity_id is None
    assert text_of(after.speaker) == "die Diplomaten"


def test_opinion_verbs_need_a_clause(blank):
    assert claims_of(blank, "Das wissen auch Sie.") == []
    claim = only(claims_of(blank, "Das wissen auch Sie: Die Lage ist ernst."))
    assert claim.content.text == "Die Lage ist ernst"


def test_colon_at_the_end_takes_the_next_sentence(blank):
    text = "Scholz hat gesagt: \nDie Ukraine bekommt weitere Hilfe."
    claim = only(claims_of(blank, text))
    assert text_of(claim.speaker) == "Scholz" and claim.content.text == "Die Ukraine bekommt weitere Hilfe"


# --- reports ------------------------------------------------------------------------------


OUTLETS = {"AP": ("ORG", 10), "Telegraph": ("ORG", 11), "Reuters": ("ORG", 12), **PEOPLE}


@pytest.mark.parametrize(
    ("text", "cue", "source", "content"),
    [
        (
            "Während des Treffens stellte Kim laut „AP“ wichtige Mitglieder vor.",
            "laut",
            "„AP“",
            "Während des Treffens stellte Kim laut „AP“ wichtige Mitglieder vor",
        ),
        ("Laut Reuters ist die Lieferung angekommen.", "Laut", "Reuters", "ist die Lieferung angekommen"),
        (
            "Die Lieferung ist angekommen, berichtet der „Telegraph“.",
            "berichtet",
            "der „Telegraph“",
            "Die Lieferung ist angekommen",
        ),
        (
            "Die Lieferung ist angekommen, wie Reuters meldet.",
            "meldet",
            "Reuters",
            "Die Lieferung ist angekommen",
        ),
        (
            "Nach Angaben von Reuters ist die Lieferung angekommen.",
            "Nach Angaben",
            "Reuters",
            "ist die Lieferung angekommen",
        ),
        (
            "Die „AP“ berichtet zudem über wachsende Bedenken.",
            "berichtet",
            "Die „AP“",
            "über wachsende Bedenken",
        ),
    ],
)
def test_reports(blank, text, cue, source, content):
    claim = only(claims_of(blank, text, OUTLETS))
    assert claim.kind == "report" and claim.evidential == "reported"
    assert claim.cue == cue and text_of(claim.source) == source and claim.speaker is None
    assert claim.content.text == content


def test_reporter_citing_its_sources(blank):
    claim = only(claims_of(blank, "Unter Berufung auf Diplomaten meldet die Zeitung neue Lieferungen."))
    assert claim.kind == "report" and claim.cue == "meldet"
    assert [r.text for r in claim.chain] == ["die Zeitung", "Diplomaten"]
    assert text_of(claim.speaker) == "Diplomaten" and claim.content.text == "neue Lieferungen"


def test_unnamed_sources(blank):
    observers = only(claims_of(blank, "Bei der Visite geht es Beobachtern zufolge um Waffen."))
    assert observers.kind == "report" and observers.cue_lemma == "zufolge"
    assert text_of(observers.source) == "Beobachtern" and observers.source.entity_id is None
    media = only(claims_of(blank, "Die nordkoreanischen Medien bezeichneten das Treffen als historisch."))
    assert media.kind == "report" and text_of(media.source) == "Die nordkoreanischen Medien"
    assert media.speaker is None and media.source.entity_id is None


def test_konjunktiv_sentence_continues_the_report(blank):
    text = "Beide Länder wollen mehr handeln, berichtet der „Telegraph“. Zudem wolle man Einigkeit zeigen."
    first, second = claims_of(blank, text, OUTLETS)
    assert second.kind == "report" and second.source.entity_id == 11
    assert second.content.text == "Zudem wolle man Einigkeit zeigen" and second.confidence < first.confidence


# --- hearsay and denial -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lemma"),
    [
        ("Der Offizier soll die Dokumente verkauft haben.", "sollen"),
        ("Die angeblich gelieferten Raketen wurden nie gefunden.", "angeblich"),
        ("Berichten zufolge wurden Raketen geliefert.", "zufolge"),
    ],
)
def test_hearsay(blank, text, lemma):
    claim = only(claims_of(blank, text))
    assert claim.kind == "hearsay" and claim.evidential == "hearsay" and claim.cue_lemma == lemma
    assert claim.source is None and claim.speaker is None


def test_soll_after_a_report_is_hearsay_of_that_reporter(blank):
    text = "Die AP berichtet über ein Abkommen. Im Gegenzug soll Russland Nordkorea mit Technologie helfen."
    report, hearsay = claims_of(blank, text, OUTLETS)
    assert hearsay.kind == "hearsay" and hearsay.cue == "soll" and hearsay.source.entity_id == 10
    assert hearsay.confidence < report.confidence
    assert hearsay.start == text.index("Im Gegenzug")  # the extent is its own sentence


def test_soll_as_an_order_or_plan_is_not_hearsay(blank):
    assert claims_of(blank, "Das Gesetz soll im Mai in Kraft treten.") == []
    assert claims_of(blank, "Wir sollen endlich handeln.") == []
    assert claims_of(blank, "Was soll Russland denn tun?") == []


def test_denials(blank):
    rejected = only(claims_of(blank, "Der Kreml wies die Vorwürfe am Montag zurück."))
    assert rejected.kind == "denial" and rejected.evidential == "denied"
    assert rejected.cue_lemma == "zurückweisen" and text_of(rejected.speaker) == "Der Kreml"
    assert rejected.content.text == "die Vorwürfe am Montag"
    denied = only(claims_of(blank, "Putin dementierte, dass Soldaten in der Ukraine seien."))
    assert denied.kind == "denial" and denied.speaker.entity_id == 1
    assert denied.content.text == "dass Soldaten in der Ukraine seien"


def test_denial_with_a_participle_and_a_place_in_the_subject(blank):
    names = {"Kreml": ("ORG", 20), "Seoul": ("LOC", 21), "Moskau": ("LOC", 22)}
    kremlin = only(claims_of(blank, "Der Kreml hat Berichte über eine Waffenlieferung dementiert.", names))
    assert kremlin.kind == "denial" and kremlin.cue == "dementiert" and kremlin.speaker.entity_id == 20
    assert kremlin.content.text == "Berichte über eine Waffenlieferung"
    seoul = only(claims_of(blank, "Die Regierung in Seoul bestritt, Waffen geliefert zu haben.", names))
    assert seoul.speaker.text == "Die Regierung in Seoul" and seoul.speaker.entity_id is None
    moscow = only(claims_of(blank, "Moskau wies die Vorwürfe als haltlos zurück.", names))
    assert moscow.speaker.entity_id == 22


def test_source_with_a_genitive_outlet(blank):
    names = {"New York Times": ("ORG", 30), "Washington": ("LOC", 31)}
    claim = only(
        claims_of(blank, "Laut einem Bericht der „New York Times“ plant Washington neue Sanktionen.", names)
    )
    assert claim.source.text == "einem Bericht der „New York Times“" and claim.source.entity_id == 30
    assert claim.content.text == "plant Washington neue Sanktionen"


def test_relative_and_subordinate_clauses(blank):
    relative = only(claims_of(blank, "Er traf Scholz, der die Freilassung der Gefangenen forderte."))
    assert relative.cue == "forderte" and relative.speaker.text == "der"
    assert relative.speaker.entity_id == 3  # the relative pronoun stands for Scholz
    assert relative.content.text == "die Freilassung der Gefangenen"
    clause = only(claims_of(blank, "Man glaubt uns nicht, wenn wir von europäischen Lösungen sprechen."))
    assert clause.speaker.text == "wir" and clause.content.text == "von europäischen Lösungen"


# --- chains -------------------------------------------------------------------------------


def test_chain_of_reporter_and_speaker(blank):
    text = "Die AP berichtet, Putin habe gesagt, die Sanktionen seien gescheitert."
    claim = only(claims_of(blank, text, OUTLETS))
    assert text_of(claim.source) == "Die AP" and claim.source.entity_id == 10
    assert text_of(claim.speaker) == "Putin" and claim.speaker.entity_id == 1
    assert [r.entity_id for r in claim.chain] == [10, 1]
    assert claim.evidential == "reported" and claim.content.text == "die Sanktionen seien gescheitert"
    assert claim.start == 0


def test_laut_attaches_the_reporter_to_a_statement(blank):
    claim = only(claims_of(blank, "Putin sagte laut Reuters, dass er bald nach Seoul reise.", OUTLETS))
    assert claim.speaker.entity_id == 1 and claim.source.entity_id == 12
    assert [r.text for r in claim.chain] == ["Reuters", "Putin"]


# --- contract and robustness --------------------------------------------------------------


def test_contract_shape(blank):
    claim = only(claims_of(blank, "Scholz erklärte, dass die Hilfe weitergehe."))
    out = claim.as_contract()
    assert set(out) == {"start", "end", "kind", "cue", "speaker", "source", "content"}
    assert out["speaker"] == {"text": "Scholz", "entity_id": 3, "name": None}
    assert out["source"] is None and out["content"]["text"] == "dass die Hilfe weitergehe"


def test_no_mentions_no_annotations(blank):
    claims = extract_claims(blank("Ein Sprecher sagte, man prüfe die Lage."), [], None)
    assert only(claims).speaker.text == "Ein Sprecher"
    assert extract_claims(blank(""), [], None) == []
    assert extract_claims(blank("Kein Zitat hier."), [], None) == []


# --- the seed article ---------------------------------------------------------------------


def seed_pipeline():
    model = ROOT / "events" / "nlp" / "model"
    if (model / "meta.json").exists():
        from events.nlp.pipeline import get_nlp

        return get_nlp()
    if (INTERIM / "meta.json").exists():
        return spacy.load(INTERIM)
    pytest.skip("no German pipeline: neither events/nlp/model nor .data/nlp-build/asm_quick exists")


@pytest.mark.slow
def test_seed_article(kb):
    if not SEED.exists():
        pytest.skip(f"seed article missing: {SEED}")
    text = SEED.read_text(encoding="utf-8")
    doc = seed_pipeline()(text)
    claims = extract_claims(doc, link_doc(doc, kb), kb)

    def name(ref):
        return kb.info(ref.entity_id).name if ref and ref.entity_id else None

    def claim_with(fragment: str) -> ClaimData:
        return next(c for c in claims if fragment in c.content.text)

    sanctions = claim_with("US-geführten Sanktionen zu überwinden")
    assert sanctions.kind == "indirect_speech" and name(sanctions.speaker) == "Wladimir Putin"
    assert sanctions.cue_lemma == "äußern"

    members = claim_with("wichtige Mitglieder seiner Führung")
    assert members.kind == "report" and members.cue == "laut" and name(members.source) == "AP"
    concerns = claim_with("wachsende Bedenken")
    assert concerns.kind == "report" and name(concerns.source) == "AP"

    telegraph = claim_with("wirtschaftliche und militärische Zusammenarbeit erweitern")
    assert telegraph.kind == "report" and name(telegraph.source) == "The Telegraph"

    event = claim_with("historisches Ereignis")
    assert event.source.text == "Die nordkoreanischen Medien" and event.source.entity_id is None
    assert event.speaker is None

    observers = claim_with("weitere Waffenlieferungen")
    assert observers.kind == "report" and observers.source.text == "Beobachtern"
    assert observers.source.entity_id is None

    hearsay = claim_with("soll Russland Nordkorea")
    assert hearsay.kind == "hearsay" and hearsay.cue == "soll"

    appreciation = claim_with("Wertschätzung")
    assert appreciation.speaker.text == "er" and name(appreciation.speaker) == "Wladimir Putin"

    # quoted names and catchwords are not speech
    assert not [c for c in claims if c.kind == "direct_quote"]
    for claim in claims:
        assert text[claim.content.start : claim.content.end] == claim.content.text
        assert claim.start <= claim.content.start and claim.content.end <= claim.end


def test_opinion_verb_with_a_verb_second_clause(blank):
    # issue 14: "Ich glaube, wir …" has no dass, but the clause after the comma is what was said
    claim = only(claims_of(blank, "Ich glaube, wir müssen jetzt handeln."))
    assert (claim.cue, text_of(claim.speaker)) == ("glaube", "Ich")
    assert claim.content.text == "wir müssen jetzt handeln"


def test_relative_clause_after_the_cue_is_no_content_of_a_weak_cue(blank):
    assert claims_of(blank, "Ich glaube, die wir kennen.") == []


def test_debate_verbs_count_as_speech_with_a_clause(blank):
    # issue 14: "reden", "diskutieren" are speech when they say something ...
    claim = only(claims_of(blank, "Scholz redete davon, dass die Lage ernst sei."))
    assert (claim.cue_lemma, text_of(claim.speaker)) == ("reden", "Scholz")
    assert claim.content.text == "dass die Lage ernst sei"


@pytest.mark.parametrize(
    "text",
    [
        # ... but a topic, a partner or an audience is not what was said (blind sample, gate 0)
        "Scholz redete über die Lage in der Ukraine.",
        "Iris Gerlach spricht über Plünderungen im Jemen.",
        "Putin äußerte sich zu den Vorwürfen.",
        "Merz telefonierte mit Selenskyj.",
        "Mit seinen Filmen schrieb Loriot Fernsehgeschichte.",
        "Das Theater erzählt diese und viele andere Geschichten.",
        "Bei der Erzählung seiner Biografie hört man ihm gerne zu.",
        "Die Ministerin dachte über eine Wiedereinführung nach.",
        "Der Kanzler dankte den Helfern.",
        "Nationalratspräsidentin Doris Bures begrüßte den millionsten Besucher.",
    ],
)
def test_talk_without_a_statement_is_no_claim(blank, text):
    assert claims_of(blank, text) == []


def test_welcoming_a_decision_is_a_claim(blank):
    claim = only(claims_of(blank, "Bures begrüßte die Entscheidung der Regierung."))
    assert claim.content.text == "die Entscheidung der Regierung"
