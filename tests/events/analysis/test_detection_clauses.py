"""Events read clause by clause (issue 15): each trigger's own clause says whether the
happening is asserted, when and where it was, and who took part; triggers of one type
about the same people are one happening; headline and lead give the main event."""

from datetime import date

import pytest

from events.analysis.detection import detect_events
from events.analysis.linking import link_doc

PUBLISHED = date(2024, 6, 19)  # a Wednesday


@pytest.fixture
def blank(nlp):
    """The committed pipeline: clauses are read with its parts of speech."""
    return nlp


def detect(kb, blank, text: str, published: date | None = PUBLISHED):
    doc = blank(text)
    return detect_events(doc, link_doc(doc, kb, published), kb, published)


def names(kb, actors) -> dict[str, str]:
    return {kb.info(entity_id).name: role for entity_id, role in actors}


@pytest.mark.parametrize(
    "text",
    [
        "Putin traf Kim Jong Un in Pjöngjang nicht.",  # negated
        "Putin könnte Kim Jong Un in Pjöngjang treffen.",  # hypothetical
        "Putin will Kim Jong Un in Pjöngjang treffen.",  # an intention
        "Putin wird Kim am Montag in Pjöngjang treffen.",  # future tense
        "Am 25. Juni trifft Putin Kim Jong Un in Pjöngjang.",  # a date after publication
        "Damals traf Putin Kim Jong Un in Pjöngjang.",  # past, but no date can be given
        "Wenn Putin Kim Jong Un in Pjöngjang trifft, wird das Folgen haben.",  # a condition
        "Putin versuchte, Kim Jong Un in Pjöngjang zu treffen.",  # an aim
    ],
)
def test_only_asserted_happenings_are_events(kb, blank, text):
    assert detect(kb, blank, text) == []


def test_a_modal_verb_of_another_verb_does_not_touch_the_trigger(kb, blank):
    # "würde … anheften" is hypothetical, "fordert" is not
    text = "Scholz würde Merz gern einen Orden anheften und fordert von der Union einen Kurswechsel."
    events = detect(kb, blank, text)
    assert [e.type for e in events] == ["demand"]


def test_a_past_year_in_the_clause_dates_the_happening(kb, blank):
    text = "2014 protestierten Zehntausende in Budapest gegen die ungarische Regierung."
    event = detect(kb, blank, text)[0]
    assert event.type == "protest"
    assert (event.date, event.date_precision) == (date(2014, 1, 1), "year")
    assert kb.info(event.place_entity_id).name == "Budapest"


def test_without_a_publication_date_events_stay_undated(kb, blank):
    event = detect(kb, blank, "Putin traf Kim Jong Un in Pjöngjang.", published=None)[0]
    assert event.date is None and event.date_precision is None


def test_a_verbal_attack_is_an_accusation(kb, blank):
    text = "Friedrich Merz attackierte Olaf Scholz im Bundestag scharf."
    event = detect(kb, blank, text)[0]
    assert event.type == "accuse"
    assert names(kb, event.actors) == {"Friedrich Merz": "source", "Olaf Scholz": "target"}


def test_a_physical_attack_stays_an_attack(kb, blank):
    text = "Russland griff Kiew in der Nacht mit Raketen und Drohnen an."
    event = detect(kb, blank, text)[0]
    assert event.type == "attack"


def test_names_inside_a_quote_are_no_actors_of_a_trigger_outside_it(kb, blank):
    text = "Kim Jong Un empfing Putin in Pjöngjang. „Das ist ein Sieg über die USA und über Japan“, sagte Kim Jong Un bei dem Treffen."
    events = detect(kb, blank, text)
    assert len(events) == 1
    assert set(names(kb, events[0].actors)) == {"Kim Jong Un", "Wladimir Putin"}


def test_a_name_belongs_to_the_nearest_trigger_of_another_type(kb, blank):
    text = "Bei der Visite von Putin in Pjöngjang geht es um Waffenlieferungen von Nordkorea an Russland."
    events = {e.type: e for e in detect(kb, blank, text)}
    assert set(names(kb, events["meet"].actors)) == {"Wladimir Putin"}
    assert names(kb, events["military_aid"].actors) == {"Nordkorea": "source", "Russland": "target"}


def test_two_meetings_in_two_towns_are_two_events_and_the_first_is_main(kb, blank):
    text = (
        "Olaf Scholz traf Emmanuel Macron am Montag in Paris. "
        "Am selben Tag traf Annalena Baerbock Antony Blinken in Washington."
    )
    events = detect(kb, blank, text)
    assert [e.type for e in events] == ["meet", "meet"]
    assert [e.main for e in events] == [True, False]
    assert {kb.info(e.place_entity_id).name for e in events} == {"Paris", "Washington"}
    assert set(names(kb, events[0].actors)) == {"Olaf Scholz", "Emmanuel Macron"}


def test_a_background_happening_of_another_year_is_its_own_event(kb, blank):
    text = "Putin traf Kim Jong Un in Pjöngjang. Bereits 2019 hatte Kim Jong Un Putin in Moskau getroffen."
    events = detect(kb, blank, text)
    assert [(e.type, e.date) for e in events] == [("meet", PUBLISHED), ("meet", date(2019, 1, 1))]
    assert kb.info(events[1].place_entity_id).name == "Moskau"


def test_a_noun_trigger_in_a_phrase_takes_only_its_own_actors(kb, blank):
    text = "Die EU verhängte Sanktionen gegen Russland. Die Ukraine begrüßte die Sanktionen der EU gegen Russland."
    events = detect(kb, blank, text)
    assert [e.type for e in events] == ["sanction"]
    assert names(kb, events[0].actors) == {"Europäische Union": "source", "Russland": "target"}


def test_the_dateline_places_the_article_s_current_events(kb, blank):
    text = "Wien – Die Regierung hat Sebastian Kurz zum Außenminister ernannt."
    event = detect(kb, blank, text)[0]
    assert event.type == "appoint"
    assert kb.info(event.place_entity_id).name == "Wien"


def test_sports_news_has_no_geopolitical_events(kb, blank):
    text = (
        "Der FC Bayern gewann das Spiel gegen Dortmund mit 3:1. Nach dem Angriff in der 80. Minute "
        "traf Kane zum dritten Tor. Die Fans feierten die Mannschaft, der Trainer lobte die Abwehr "
        "und das Mittelfeld. Am Samstag treffen die Münchner in der Liga auf Leipzig, danach folgt "
        "das Pokalspiel. Kane hat in dieser Saison schon zwanzig Tore erzielt, mehr als jeder andere "
        "Spieler der Liga, und führt die Torschützenliste an. Der Verein verlängerte seinen Vertrag "
        "vorzeitig bis 2028, wie der Sportvorstand nach dem Training bestätigte."
    )
    assert detect(kb, blank, text) == []


@pytest.mark.parametrize(
    "text",
    [
        "In Ajaccio sind Kundgebungen untersagt.",  # called off
        "Haben Deutschland und Österreich eine andere Wahl?",  # a choice, not an election
        "Dann trifft es auch Olaf Scholz.",  # "es trifft": it affects
        "Angela Merkel warnte vor den Folgen.",  # criticism of nobody is a statement
        "Der Bundesrat nannte die Kundgebung in Bern schwer erträglich.",  # the Bundesrat did not demonstrate
    ],
)
def test_mentions_that_report_no_happening(kb, blank, text):
    assert detect(kb, blank, text) == []


def test_what_is_demanded_has_not_happened(kb, blank):
    assert [e.type for e in detect(kb, blank, "Russland hat Wahlen in Syrien gefordert.")] == ["demand"]


def test_coordinated_subjects_share_their_role(kb, blank):
    text = "Emmanuel Macron und Olaf Scholz verurteilten den Angriff auf Israel und warfen Iran Terror vor."
    accusations = [e for e in detect(kb, blank, text) if e.type == "accuse"]
    roles = names(kb, accusations[0].actors)
    assert roles["Emmanuel Macron"] == roles["Olaf Scholz"] == "source"


def test_an_attack_by_an_armed_group_is_physical_even_without_weapons_named(kb, blank):
    text = "Das Lager war im Juni von der Terrormiliz Islamischer Staat angegriffen worden."
    events = detect(kb, blank, text)
    assert [e.type for e in events] == ["attack"]


@pytest.mark.parametrize(
    "text",
    [
        "Jeden Freitag protestieren Palästinenser in Hebron gegen die Besatzung.",  # a habit
        "Seit Wochen greifen die USA Boote in der Karibik mit Raketen an.",  # a campaign
        "Die Stichwahl in Wien entscheidet über das Amt.",  # an election noun without an outcome
        "Wien – Der Besuch eines Politikers in einer Schule ist Werbung.",  # a meeting of nobody
    ],
)
def test_habits_campaigns_and_topics_are_no_events(kb, blank, text):
    assert detect(kb, blank, text) == []


def test_an_election_with_its_outcome_is_one(kb, blank):
    text = "Bei der Wahl in Wien erreichte die SPÖ 39 Prozent der Stimmen."
    assert [e.type for e in detect(kb, blank, text)] == ["election"]


def test_a_dateline_places_only_events_of_people_at_home(kb, blank):
    abroad = detect(kb, blank, "Wien – Wladimir Putin lehnte die Forderung von Joe Biden ab.")[0]
    assert abroad.type == "reject" and abroad.place_entity_id is None
    home = detect(kb, blank, "Wien – Sebastian Kurz lehnte die Forderung von Joe Biden ab.")[0]
    assert kb.info(home.place_entity_id).name == "Wien"


def test_the_one_a_passive_or_an_appointment_happens_to_is_the_target(kb, blank):
    chosen = detect(kb, blank, "Sebastian Kurz wurde am Montag in Wien zum Außenminister ernannt.")[0]
    assert chosen.type == "appoint" and names(kb, chosen.actors) == {"Sebastian Kurz": "target"}
    gone = detect(kb, blank, "Bundeskanzler Werner Faymann trat am Montag in Wien zurück.")[0]
    assert gone.type == "resign" and names(kb, gone.actors) == {"Werner Faymann": "target"}
    named = detect(kb, blank, "Donald Trump ernannte Marco Rubio zum Außenminister.")[0]
    assert names(kb, named.actors) == {"Donald Trump": "source", "Marco Rubio": "target"}


def test_who_is_asked_and_where_rockets_came_from(kb, blank):
    asked = detect(kb, blank, "Friedrich Merz forderte von Olaf Scholz einen Kurswechsel.")[0]
    assert names(kb, asked.actors) == {"Friedrich Merz": "source", "Olaf Scholz": "target"}
    rockets = detect(kb, blank, "Die Hamas feuerte Raketen aus dem Gazastreifen auf Israel ab.")[0]
    assert rockets.type == "attack" and names(kb, rockets.actors).get("Israel") == "target"


def test_venues_reporters_and_dangers_are_no_actors(kb, blank):
    venue = detect(kb, blank, "Annalena Baerbock kritisierte Russland vor der UN-Generalversammlung scharf.")[
        0
    ]
    assert set(names(kb, venue.actors)) == {"Annalena Baerbock", "Russland"}
    assert detect(kb, blank, "Sonst drohen in Wien neue Slums.") == []


def test_brussels_acting_is_the_eu_and_a_month_is_no_place(kb, blank):
    event = detect(kb, blank, "Brüssel fordert von Ungarn die Einhaltung der Regeln.")[0]
    assert names(kb, event.actors) == {"Europäische Union": "source", "Ungarn": "target"}


def test_the_headline_happening_stays_with_the_dateline_where_its_lead_names_nobody(kb, blank):
    text = "Wien – Tausende Lehrerinnen und Lehrer trafen sich zum Gipfel der Bildungsgewerkschaften."
    event = detect(kb, blank, text)[0]
    assert event.type == "meet" and event.main and kb.info(event.place_entity_id).name == "Wien"


@pytest.mark.parametrize(
    "text",
    [
        "Nur das Parlament könne Ponta in Bukarest absetzen.",  # reported speech, a possibility
        "Einige ihrer Abgeordneten einigten sich nicht.",  # the determiner, and negated
        "Die Ratifizierung des Abkommens durch Frankreich steht noch aus.",  # pending
    ],
)
def test_possibilities_and_pending_steps_are_no_events(kb, blank, text):
    assert detect(kb, blank, text) == []


def test_a_pluperfect_background_happening_is_undated(kb, blank):
    text = "Olaf Scholz traf Emmanuel Macron in Paris. Zuvor hatte Scholz Joe Biden in Washington getroffen."
    events = detect(kb, blank, text)
    assert [(e.date, kb.info(e.place_entity_id).name) for e in events] == [
        (PUBLISHED, "Paris"),
        (None, "Washington"),
    ]


def test_taking_an_office_is_an_appointment_but_not_an_article_after_wird(kb, blank):
    event = detect(
        kb, blank, "Johanna Mikl-Leitner wird Landeshauptmann-Stellvertreterin in Niederösterreich."
    )[0]
    assert event.type == "appoint" and names(kb, event.actors) == {"Johanna Mikl-Leitner": "target"}
    received = detect(kb, blank, "In Wien wurde der Präsident von Sebastian Kurz empfangen.")
    assert [e.type for e in received] == ["meet"]


def test_statistics_and_voting_habits_are_no_events(kb, blank):
    assert detect(kb, blank, "In Deutschland gab es mehr als tausend Angriffe auf Flüchtlingsheime.") == []
    assert detect(kb, blank, "Viele wählen die FPÖ, obwohl sie ihr wenig zutrauen.") == []


def test_a_meeting_with_someone_includes_the_subject(kb, blank):
    text = "Xi Jinping sprach in Peking bei einem Treffen mit Recep Tayyip Erdoğan über Handel."
    event = detect(kb, blank, text)[0]
    assert event.type == "meet" and set(names(kb, event.actors)) == {"Xi Jinping", "Recep Tayyip Erdoğan"}


def test_a_criticised_minister_is_the_target(kb, blank):
    text = "Innenminister Wolfgang Sobotka wird von Amnesty International heftig kritisiert."
    event = detect(kb, blank, text)[0]
    assert names(kb, event.actors)["Wolfgang Sobotka"] == "target"


@pytest.mark.parametrize(
    "text",
    [
        "Bosnien-Herzegowina droht im Herbst die Staatspleite.",  # looming, no one threatens
        "Die Grenzkontrolle ist eine alte Forderung der FPÖ.",  # a standing position
        "Die Ausgaben müssen gesenkt werden, sagte FPÖ-Generalsekretär Herbert Kickl in Wien.",  # across a comma
        "Die Regierung hat den bereits verweigerten Orden in Wien vergeben.",  # an attribute
    ],
)
def test_looming_standing_and_attributive_words_are_no_events(kb, blank, text):
    assert [
        e.type for e in detect(kb, blank, text) if e.type in ("threaten", "demand", "appoint", "sanction")
    ] == []


def test_a_country_adjective_names_its_police_and_an_airport_city_is_no_actor(kb, blank):
    event = detect(kb, blank, "Die iranische Polizei hat in Teheran 53 Anhänger festgenommen.")[0]
    assert event.type == "arrest" and names(kb, event.actors) == {"Iran": "source"}
    airport = detect(
        kb,
        blank,
        "Ein Islamist ist auf dem Flughafen der libanesischen Hauptstadt Beirut festgenommen worden.",
    )
    assert all("Libanon" not in names(kb, e.actors) for e in airport)


def test_the_owner_of_a_rejected_plan_and_the_object_after_an_unnamed_subject_are_targets(kb, blank):
    plan = detect(kb, blank, "Die Richter lehnen in Wien die Pläne von Innenminister Wolfgang Sobotka ab.")[0]
    assert plan.type == "reject" and names(kb, plan.actors) == {"Wolfgang Sobotka": "target"}
    attack = detect(kb, blank, "Das Militär des Landes griff Südkorea am Samstag mit Raketen an.")
    assert names(kb, attack[0].actors) == {"Südkorea": "target"}
    inquiry = detect(kb, blank, "In Ankara wird gegen den Chef der HDP ermittelt.")
    assert [e.type for e in inquiry] == ["investigate"] and names(kb, inquiry[0].actors) == {"HDP": "target"}
