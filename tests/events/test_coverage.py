"""Coverage by outlet (/coverage/): which outlets reported a search, an actor or an event, how
often and when; state-affiliated outlets and wire agencies marked; the links to it."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from events.presentation import charts
from events.presentation.figures import coverage_timeline
from events.selectors.coverage import OTHERS, UNKNOWN, Subject, outlet_coverage, read_subject
from ingest.models import Outlet
from tests import factories as make
from tests.pages import svg_of

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
TEXT = "Wladimir Putin traf Kim Jong Un in Pjöngjang. Die Sanktionen bleiben."
JUNE = date(2024, 6, 17)  # a Monday


def outlet(name: str, domain: str, *, state: bool = False, wire: bool = False) -> Outlet:
    made = make.outlet(name, "", domain)
    Outlet.objects.filter(pk=made.pk).update(state_affiliated=state, wire_agency=wire)
    made.refresh_from_db()
    return made


@pytest.fixture
def world(db):
    """Putin in 7 articles: Kurier 3, RT DE (state-affiliated) 2, dpa (wire agency) 1, one without
    an outlet; one of Kurier's has no date. A Blatt article about something else."""
    w = make.cast("putin", "kim")
    w |= {
        "kurier": outlet("Kurier", "kurier.example"),
        "rt": outlet("RT DE", "rt.example", state=True),
        "dpa": outlet("dpa", "dpa.example", wire=True),
        "blatt": outlet("Blatt", "blatt.example"),
    }
    plan = [("kurier", 0), ("kurier", 2), ("kurier", None), ("rt", 0), ("rt", 1), ("dpa", 3), (None, 2)]
    w["articles"] = []
    for i, (name, days) in enumerate(plan):
        day = JUNE + timedelta(days) if days is not None else None
        article = make.article(f"Bericht {i}", TEXT, w[name] if name else None, day)
        make.mention(article, w["putin"], "Wladimir Putin")
        w["articles"].append(article)
    w["other"] = make.article("Rente", "Die Rente ist sicher.", w["blatt"], JUNE)
    w["event"] = make.event(
        "Treffen: Putin und Kim", "meet", JUNE, actors=[w["putin"]], articles=w["articles"][:4]
    )
    return w


def subject(**params) -> Subject:
    return read_subject({name: str(value) for name, value in params.items()})


# --- counting ---------------------------------------------------------------------------------


def test_an_actor_counted_by_outlet_with_first_and_last_dates_and_no_outlet_last(world):
    report = outlet_coverage(subject(entity=world["putin"].pk))
    assert report.total == 7 and report.outlets == 3 and report.undated == 1
    got = [(r.name, r.count, r.state_affiliated, r.wire_agency) for r in report.rows]
    assert got == [
        ("Kurier", 3, False, False),
        ("RT DE", 2, True, False),
        ("dpa", 1, False, True),
        ("", 1, False, False),
    ]
    kurier, rt, _dpa, unknown = report.rows
    assert kurier.percent == pytest.approx(300 / 7) and unknown.outlet_id is None
    assert (kurier.first.date(), kurier.last.date()) == (JUNE, JUNE + timedelta(2))
    assert (rt.first.date(), rt.last.date()) == (JUNE, JUNE + timedelta(1))
    assert report.unit == "day" and report.top == [world["kurier"].pk, world["rt"].pk, world["dpa"].pk]
    # Per day and series: the undated article is in the table only.
    assert sum(report.buckets.values()) == 6
    assert (
        report.buckets[(world["kurier"].pk, JUNE)] == 1
        and report.buckets[(UNKNOWN, JUNE + timedelta(2))] == 1
    )


def test_a_search_and_an_event_count_their_own_articles(world):
    by_words = outlet_coverage(subject(q="Sanktionen"))
    assert by_words.total == 7  # the Blatt article does not say it
    by_event = outlet_coverage(subject(event=world["event"].pk))
    assert [(r.name, r.count) for r in by_event.rows] == [("Kurier", 3), ("RT DE", 1)]
    both = outlet_coverage(subject(event=world["event"].pk, q="Rente"))
    assert both.total == 0 and both.rows == [] and both.buckets == {}
    everything = outlet_coverage(subject())
    assert everything.total == 8 and everything.subject.everything


def test_a_date_range_keeps_the_articles_of_those_days(world):
    report = outlet_coverage(
        subject(entity=world["putin"].pk, date_from=JUNE + timedelta(1), date_to=JUNE + timedelta(2))
    )
    assert [(r.name, r.count) for r in report.rows] == [("Kurier", 1), ("RT DE", 1), ("", 1)]


def test_the_bucket_follows_the_span_and_the_other_outlets_are_summed_up(world):
    # Beyond two months: weeks (starting on Mondays), beyond a year: months.
    late = make.article("Später", TEXT, world["blatt"], JUNE + timedelta(days=80))
    make.mention(late, world["putin"], "Wladimir Putin")
    report = outlet_coverage(subject(entity=world["putin"].pk), top=2)
    assert report.unit == "week" and report.top == [world["kurier"].pk, world["rt"].pk]
    assert report.buckets[(OTHERS, JUNE)] == 1  # dpa, in the week of June 17
    assert report.buckets[(OTHERS, JUNE + timedelta(days=77))] == 1  # Blatt, on the Monday before
    make.mention(
        make.article("Ein Jahr später", TEXT, world["blatt"], JUNE + timedelta(days=400)),
        world["putin"],
        "Wladimir Putin",
    )
    report = outlet_coverage(subject(entity=world["putin"].pk))
    assert report.unit == "month" and report.buckets[(world["kurier"].pk, date(2024, 6, 1))] == 2


def test_an_outlet_without_dated_articles_is_in_the_table_not_in_the_chart(world):
    undated = outlet("Ohne Datum", "undated.example")
    for i in range(5):
        make.mention(make.article(f"Ohne Datum {i}", TEXT, undated), world["putin"], "Wladimir Putin")
    report = outlet_coverage(subject(entity=world["putin"].pk))
    assert report.rows[0].name == "Ohne Datum" and report.rows[0].first is None
    assert undated.pk not in report.top and report.undated == 6


def test_two_outlets_of_one_name_are_told_apart_by_their_domain(world):
    twin = outlet("Kurier", "kurier-wien.example")
    make.mention(make.article("Wien", TEXT, twin, JUNE), world["putin"], "Wladimir Putin")
    rows = outlet_coverage(subject(entity=world["putin"].pk)).rows
    assert [r.same_name for r in rows if r.name == "Kurier"] == [True, True]
    assert not any(r.same_name for r in rows if r.name != "Kurier")


def test_counting_takes_two_queries_whatever_the_number_of_articles_and_outlets(world):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            outlet_coverage(Subject(query="Sanktionen"))
        return len(captured.captured_queries)

    few = queries()
    for i in range(30):
        make.article(f"Mehr {i}", TEXT, outlet(f"Blatt {i}", f"blatt-{i}.example"), JUNE + timedelta(i % 5))
    assert few == queries() == 2


# --- the chart ----------------------------------------------------------------------------------


def test_the_chart_draws_each_top_outlet_then_the_others_then_no_outlet(world):
    report = outlet_coverage(subject(entity=world["putin"].pk, date_from=JUNE), top=2)
    with translation.override("de"):
        chart = coverage_timeline(report)
        names = [series.name for series in chart.series]
    assert names == ["Kurier", "RT DE (staatsnah)", "andere Medien", "Medium unbekannt"]
    assert [s.colour for s in chart.series] == ["s0", "s1", "other", "unknown"]
    assert chart.series[1].marks == ("state",) and chart.unit == "day"
    first = chart.stacks[0]
    assert first.start == JUNE and first.counts == (1, 1, 0, 0)
    # A part of a bar is the article list of that outlet, search and day.
    assert (
        first.urls[0]
        == f"/articles/?entity={world['putin'].pk}&date_from=2024-06-17&outlet={world['kurier'].pk}&date_to=2024-06-17"
    )
    third = chart.stacks[2]
    assert third.counts == (1, 0, 0, 1) and third.urls[3] == ""  # no outlet: no list to go to
    assert chart.stacks[3].counts == (0, 0, 1, 0) and chart.stacks[3].urls[2] == ""


def test_the_svg_marks_state_affiliated_outlets_and_wire_agencies_and_has_a_legend(world):
    chart = coverage_timeline(outlet_coverage(subject(entity=world["putin"].pk)))
    with translation.override("de"):
        root = charts_root(charts.stacked_svg(chart, title="Artikel pro Medium", ident="c1"))
    assert root.get("role") == "img" and root.find(f"{SVG}title").text == "Artikel pro Medium"
    hatched = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "mark mark-state"]
    dotted = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "mark mark-wire"]
    assert len(hatched) == 3 and len(dotted) == 2  # two bars and one legend swatch; one bar and one swatch
    assert {r.get("fill") for r in hatched} == {"url(#c1-state)"}
    assert root.find(f".//{SVG}pattern[@id='c1-state']") is not None
    legend = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "legend-label"]
    assert legend == ["Kurier", "RT DE (staatsnah)", "dpa (Nachrichtenagentur)", "Medium unbekannt"]
    tips = [t.text for t in root.iter(f"{SVG}title")]
    assert "Kurier, 17.06.2024: 1" in tips
    # No inline style anywhere (the Content-Security-Policy forbids it): colours are classes.
    assert "style=" not in str(charts.stacked_svg(chart))


def charts_root(svg):
    import xml.etree.ElementTree as ET

    return ET.fromstring(str(svg))  # noqa: S314 - an SVG we rendered


# --- the page -----------------------------------------------------------------------------------


def test_the_page_of_an_actor_shows_the_table_the_chart_and_the_marks(world, analyst_client):
    page = analyst_client.get(f"/coverage/?entity={world['putin'].pk}").content.decode()
    assert "Wer berichtete über Wladimir Putin" in page
    assert "<strong>7</strong> Artikel" in page and "aus <strong>3</strong> Medien" in page
    table = page[page.index('class="table coverage-table"') :]
    rows = re.findall(r'<tr class="outlet-row[^"]*"(?: data-outlet="(\d+)")?>(.*?)</tr>', table, re.S)
    assert [pk for pk, _row in rows] == [str(world[n].pk) for n in ("kurier", "rt", "dpa")] + [""]
    kurier, rt, dpa, unknown = (row for _pk, row in rows)
    assert f'href="/articles/?entity={world["putin"].pk}&amp;outlet={world["kurier"].pk}"' in kurier
    assert ">3</td>" in kurier and "42,9 %" in kurier and "17.06.2024" in kurier and "19.06.2024" in kurier
    assert 'class="outlet-mark mark-state">staatsnah<' in rt and "mark-wire" not in rt
    assert 'class="outlet-mark mark-wire">Nachrichtenagentur<' in dpa
    assert "Medium unbekannt" in unknown and "href" not in unknown
    assert "Artikel pro Tag und Medium" in page
    assert "1 Artikel ohne Veröffentlichungsdatum zählt in der Tabelle, nicht in der Grafik." in page
    svg = svg_of(page, "stacked")
    assert {a.get("href") for a in svg.iter(f"{SVG}a")} >= {
        f"/articles/?entity={world['putin'].pk}&outlet={world['rt'].pk}&date_from=2024-06-18&date_to=2024-06-18"
    }


def test_each_outlets_link_lists_exactly_the_articles_it_counts(world, analyst_client):
    page = analyst_client.get(f"/coverage/?entity={world['putin'].pk}&q=Sanktionen").content.decode()
    links = re.findall(r'<th scope="row"><a href="(/articles/\?[^"]+)">', page)
    assert len(links) == 3
    for link, expected in zip(links, (3, 2, 1), strict=True):
        listed = analyst_client.get(link.replace("&amp;", "&")).content.decode()
        assert len(re.findall(r'class="result-row"', listed)) == expected, link


def test_hostile_outlet_names_are_escaped_in_the_table_and_the_chart(world, analyst_client):
    Outlet.objects.filter(pk=world["rt"].pk).update(name='<script>alert("x")</script> & "Co"')
    page = analyst_client.get(f"/coverage/?entity={world['putin'].pk}").content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;Co&quot;" in page
    svg = svg_of(page, "stacked")  # it parses: nothing broke out of its text
    labels = [t.text for t in svg.iter(f"{SVG}text") if t.get("class") == "legend-label"]
    assert '<script>alert("x")</script> & "Co" (staatsnah)' in labels
    assert not list(svg.iter(f"{SVG}script"))


def test_a_search_without_results_says_so(world, analyst_client):
    response = analyst_client.get("/coverage/?q=Weltraumbahnhof")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Wer berichtete über „Weltraumbahnhof“" in page and "Keine Artikel gefunden." in page
    assert 'class="chart stacked"' not in page and "coverage-table" not in page


def test_without_a_subject_the_whole_archive_is_counted(world, analyst_client):
    page = analyst_client.get("/coverage/").content.decode()
    assert "Wer berichtete: alle Artikel" in page and "<strong>8</strong> Artikel" in page


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        (
            "entity=abc",
            400,
            "Ein Akteur oder Ort wird mit seiner Nummer angegeben (entity=12), nicht mit „abc“.",
        ),
        ("entity=99999999", 404, "Es gibt keinen Akteur und keinen Ort Nr. 99999999."),
        ("event=-3", 400, "Ein Ereignis wird mit seiner Nummer angegeben (event=12), nicht mit „-3“."),
        ("event=99999999", 404, "Ein Ereignis Nr. 99999999 gibt es nicht (mehr)."),
        ("q=Putin&date_from=2024-13-01", 400, "„2024-13-01“ ist kein Datum: bitte als JJJJ-MM-TT schreiben"),
        (
            "date_from=2024-06-20&date_to=2024-06-01",
            400,
            "Der Zeitraum endet (01.06.2024), bevor er beginnt (20.06.2024).",
        ),
        ("entity=<b>1</b>", 400, "nicht mit „&lt;b&gt;1&lt;/b&gt;“."),
    ],
)
def test_bad_parameters_get_a_clear_message_not_an_error(world, analyst_client, query, status, message):
    response = analyst_client.get(f"/coverage/?{query}")
    page = response.content.decode()
    assert response.status_code == status
    assert message in page and 'class="msg-error coverage-error"' in page
    assert 'list-filters coverage-form"' in page  # the form stays, to ask again
    assert "<b>1</b>" not in page


def test_a_merged_actor_or_event_leads_to_the_survivor(world, analyst_client):
    from events.models import Entity, Event

    Entity.objects.filter(pk=world["kim"].pk).update(merged_into=world["putin"])
    response = analyst_client.get(f"/coverage/?entity={world['kim'].pk}&q=Putin")
    assert response.status_code == 302
    assert response["Location"] == f"/coverage/?q=Putin&entity={world['putin'].pk}"
    old = make.event("Doppelt", "meet")
    Event.objects.filter(pk=old.pk).update(merged_into=world["event"])
    response = analyst_client.get(f"/coverage/?event={old.pk}")
    assert response["Location"] == f"/coverage/?event={world['event'].pk}"


def test_the_page_is_flat_in_queries(world, analyst_client):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            analyst_client.get(f"/coverage/?entity={world['putin'].pk}")
        return len(captured.captured_queries)

    few = queries()
    for i in range(20):
        article = make.article(
            f"Mehr {i}", TEXT, outlet(f"Blatt {i}", f"blatt-{i}.example"), JUNE + timedelta(i)
        )
        make.mention(article, world["putin"], "Wladimir Putin")
    assert queries() == few


# --- the links to it ------------------------------------------------------------------------------


def test_the_event_entity_and_article_pages_link_to_it(world, analyst_client):
    event_page = analyst_client.get(f"/events/{world['event'].pk}/").content.decode()
    assert f'href="/coverage/?event={world["event"].pk}"' in event_page
    entity_page = analyst_client.get(f"/entities/{world['putin'].pk}/").content.decode()
    assert f'href="/coverage/?entity={world["putin"].pk}"' in entity_page
    listed = analyst_client.get(
        f"/articles/?q=Sanktionen&entity={world['putin'].pk}&outlet=7&tag=x"
    ).content.decode()
    assert f'href="/coverage/?q=Sanktionen&amp;entity={world["putin"].pk}"' in listed
    assert "/coverage/" not in analyst_client.get("/articles/?outlet=7").content.decode()


def test_the_article_page_marks_its_outlet(world, analyst_client):
    rt_article, dpa_article = world["articles"][3], world["articles"][5]
    page = analyst_client.get(f"/articles/{rt_article.pk}/").content.decode()
    assert re.search(r"RT DE <span class=\"outlet-mark mark-state\">staatsnah</span>", page)
    page = analyst_client.get(f"/articles/{dpa_article.pk}/").content.decode()
    assert 'class="outlet-mark mark-wire">Nachrichtenagentur<' in page
    page = analyst_client.get(f"/articles/{world['articles'][0].pk}/").content.decode()
    assert "outlet-mark" not in page
