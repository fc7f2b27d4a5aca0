"""German date expressions resolved against the publication date (pure: no database)."""

from datetime import date

import pytest

from events.analysis.dates import find_dates, is_future, resolve_date

WEDNESDAY = date(2024, 6, 19)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("heute", date(2024, 6, 19)),
        ("gestern", date(2024, 6, 18)),
        ("vorgestern", date(2024, 6, 17)),
        ("morgen", date(2024, 6, 20)),
        ("übermorgen", date(2024, 6, 21)),
        ("gestern Abend", date(2024, 6, 18)),
        ("vor zwei Tagen", date(2024, 6, 17)),
        ("vor 3 Tagen", date(2024, 6, 16)),
        ("vor einem Tag", date(2024, 6, 18)),
        ("am 19. Juni", date(2024, 6, 19)),
        ("19. Juni 2024", date(2024, 6, 19)),
        ("19.06.2024", date(2024, 6, 19)),
        ("am 3.10.2023", date(2023, 10, 3)),
        ("am Mittwoch, 19. Juni 2024", date(2024, 6, 19)),
        ("2024-06-19", date(2024, 6, 19)),
    ],
)
def test_days(text, expected):
    assert resolve_date(text, WEDNESDAY) == (expected, "day")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("am Mittwoch", date(2024, 6, 19)),  # the publication day itself
        ("am Dienstag", date(2024, 6, 18)),
        ("am Donnerstag", date(2024, 6, 13)),  # the most recent one, last week
        ("Am Sonntag", date(2024, 6, 16)),
        ("vergangenen Dienstag", date(2024, 6, 18)),
        ("am vergangenen Mittwoch", date(2024, 6, 12)),  # "vergangenen" never means today
        ("letzten Freitag", date(2024, 6, 14)),
        ("am kommenden Montag", date(2024, 6, 24)),
        ("nächsten Mittwoch", date(2024, 6, 26)),
        ("in der Nacht zu Mittwoch", date(2024, 6, 19)),
        ("in der Nacht zum Dienstag", date(2024, 6, 18)),
        ("Dienstagabend", date(2024, 6, 18)),
        ("am Montagmorgen", date(2024, 6, 17)),
    ],
)
def test_weekdays_look_back_unless_told_otherwise(text, expected):
    assert resolve_date(text, WEDNESDAY) == (expected, "day")


def test_future_tense_turns_a_weekday_ahead():
    assert resolve_date("Am Freitag wird Putin nach Vietnam reisen.", WEDNESDAY) == (date(2024, 6, 21), "day")
    assert resolve_date("Am Freitag ist Putin nach Vietnam gereist.", WEDNESDAY) == (date(2024, 6, 14), "day")
    assert resolve_date("Das Treffen soll am Montag stattfinden.", WEDNESDAY) == (date(2024, 6, 24), "day")
    assert is_future("Die Wahl wird am Sonntag stattfinden.")
    assert not is_future("Die Wahl wurde am Sonntag abgehalten.")


def test_the_tense_of_a_spans_sentence_decides(blank):
    doc = blank("Am Freitag wird Putin nach Vietnam reisen. Am Freitag war er in Minsk.")
    first, second = [sent[0:2] for sent in doc.sents]
    assert resolve_date(first, WEDNESDAY) == (date(2024, 6, 21), "day")
    assert resolve_date(second, WEDNESDAY) == (date(2024, 6, 14), "day")


@pytest.mark.parametrize(
    ("text", "expected", "precision"),
    [
        ("vor einer Woche", date(2024, 6, 12), "week"),
        ("vor zwei Wochen", date(2024, 6, 5), "week"),
        ("letzte Woche", date(2024, 6, 10), "week"),  # Monday of that week
        ("in der vergangenen Woche", date(2024, 6, 10), "week"),
        ("diese Woche", date(2024, 6, 17), "week"),
        ("nächste Woche", date(2024, 6, 24), "week"),
        ("am Wochenende", date(2024, 6, 15), "week"),
        ("Anfang Mai", date(2024, 5, 5), "week"),
        ("Mitte Mai", date(2024, 5, 15), "week"),
        ("Ende Mai", date(2024, 5, 25), "week"),
        ("Ende Dezember", date(2023, 12, 25), "week"),  # December before a June article
        ("Anfang Mai 2022", date(2022, 5, 5), "week"),
        ("im Mai", date(2024, 5, 1), "month"),
        ("im November", date(2023, 11, 1), "month"),
        ("seit Februar 2022", date(2022, 2, 1), "month"),
        ("im vergangenen Monat", date(2024, 5, 1), "month"),
        ("vor drei Monaten", date(2024, 3, 19), "month"),
        ("Ende 2023", date(2023, 12, 1), "month"),
        ("Anfang des Jahres", date(2024, 1, 1), "month"),
        ("im Jahr 2022", date(2022, 1, 1), "year"),
        ("im vergangenen Jahr", date(2023, 1, 1), "year"),
        ("vor zwei Jahren", date(2022, 6, 19), "year"),
        ("letztes Jahr", date(2023, 1, 1), "year"),
    ],
)
def test_weeks_months_and_years(text, expected, precision):
    assert resolve_date(text, WEDNESDAY) == (expected, precision)


def test_a_date_without_a_year_near_publication_keeps_the_year():
    assert resolve_date("am 25. Juni", WEDNESDAY) == (date(2024, 6, 25), "day")  # an announcement
    assert resolve_date("am 25. Dezember", WEDNESDAY) == (date(2023, 12, 25), "day")
    assert resolve_date("Die Wahl soll am 5. Januar stattfinden.", WEDNESDAY) == (date(2025, 1, 5), "day")


def test_number_words():
    for word, n in [("drei", 3), ("vier", 4), ("fünf", 5), ("sieben", 7), ("zehn", 10), ("zwölf", 12)]:
        assert resolve_date(f"vor {word} Tagen", WEDNESDAY) == (date(2024, 6, 19 - n), "day")


def test_words_that_only_look_like_dates():
    assert resolve_date("Am Morgen begann der Angriff.", WEDNESDAY) is None  # the noun
    assert resolve_date("Er kam am frühen Morgen.", WEDNESDAY) is None
    assert resolve_date("Die Mitte der Stadt.", WEDNESDAY) is None
    assert resolve_date("1000 Soldaten und 31. Februar", WEDNESDAY) is None
    assert resolve_date("nichts", WEDNESDAY) is None


def test_find_dates_gives_offsets_into_the_doc(blank):
    text = "Putin traf am Mittwoch in Pjöngjang ein. Schon vor zwei Tagen hatte Kim Seoul gewarnt."
    found = find_dates(blank(text), WEDNESDAY)
    assert [(m.text, m.date, m.precision) for m in found] == [
        ("am Mittwoch", date(2024, 6, 19), "day"),
        ("vor zwei Tagen", date(2024, 6, 17), "day"),
    ]
    assert all(text[m.start : m.end] == m.text for m in found)


def test_find_dates_without_a_publication_date(blank):
    found = find_dates(blank("Am 19. Juni 2024 und am Mittwoch."))
    assert [(m.text, m.date, m.precision) for m in found] == [
        ("Am 19. Juni 2024", date(2024, 6, 19), "day"),
        ("am Mittwoch", None, "day"),
    ]
