"""The list filters (events/lists.py, events/selectors/): every parameter of every list, bad
values ignored, German full text, facets.

Records are built with tests.factories, the way the pipeline leaves them (the other list-page
tests build theirs with the same functions).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import QueryDict

from events.lists import KINDS, filtered
from events.models import Claim, Entity, Mention
from events.presentation.highlight import highlight
from events.selectors.facets import active_filters, event_facets
from events.selectors.lists import snippets
from events.selectors.parameters import adding, querystring
from tests.factories import article, claim, entity, event, mention, outlet, tag, tagged

pytestmark = pytest.mark.django_db

# --- building records: tests.factories (the other list-page tests use them too) ----------------


def ids(queryset) -> list[int]:
    return list(queryset.values_list("pk", flat=True))


def q(querystring: str) -> QueryDict:
    return QueryDict(querystring)


# --- a small world -----------------------------------------------------------------------------


@pytest.fixture
def world():
    ts, rt = outlet("Tagesschau"), outlet("RT DE", country="RU")
    putin, kim, scholz = (
        entity("Wladimir Putin", country="RU"),
        entity("Kim Jong Un", country="KP"),
        entity("Olaf Scholz", country="DE"),
    )
    pyongyang = entity("Pjöngjang", kind="place", country="KP")
    berlin = entity("Berlin", kind="place", country="DE")
    a1 = article(
        "Putin in Pjöngjang",
        "Putin traf Kim. Die USA verhängten neue Sanktionen gegen Nordkorea.",
        ts,
        dt.date(2024, 6, 19),
    )
    a2 = article("Scholz in Berlin", "Scholz sprach über Haushalt und Rente.", rt, dt.date(2024, 7, 1))
    a3 = article("Treffen in Berlin", "Putin und Scholz telefonierten.", ts, dt.date(2024, 8, 2))
    summit = event("Treffen: Putin und Kim", "meet", dt.date(2024, 6, 19), pyongyang, [putin, kim], [a1])
    budget = event("Haushalt", "other", dt.date(2024, 7, 1), berlin, [scholz], [a2])
    call = event("Telefonat Putin Scholz", "meet", dt.date(2024, 8, 2), berlin, [putin, scholz], [a3, a1])
    c1 = claim(a1, "Die USA verhängten neue Sanktionen gegen Nordkorea", speaker=putin, review="disputed")
    c2 = claim(a2, "Scholz sprach über Haushalt und Rente", speaker=scholz, review="confirmed", kind="report")
    sanctions = tag("Sanktionen")
    korea = tag("Nordkorea", parent=None)
    tests_tag = tag("Raketentests", parent=korea)
    tagged(sanctions, event=summit)
    tagged(tests_tag, event=summit)
    tagged(sanctions, article=a1)
    tagged(sanctions, claim=c1)
    tagged(sanctions, entity=kim)
    mention(a1, kim, "Kim", start=12)  # a1 has "Kim" at 11; 12 is the offset this world always had
    mention(a1, putin, "Putin")
    mention(a3, putin, "Putin")
    return locals()


# --- events ------------------------------------------------------------------------------------


def test_events_by_each_parameter(world):
    w = world
    summit, budget, call = w["summit"].pk, w["budget"].pk, w["call"].pk
    assert ids(filtered("event", q(""))) == [call, budget, summit]  # newest first
    assert ids(filtered("event", q("date_from=2024-07-01"))) == [call, budget]
    assert ids(filtered("event", q("date_to=2024-07-01"))) == [budget, summit]
    assert ids(filtered("event", q(f"actor={w['putin'].pk}"))) == [call, summit]
    both = f"actor={w['putin'].pk}&actor={w['scholz'].pk}"  # all must take part
    assert ids(filtered("event", q(both))) == [call]
    assert ids(filtered("event", q(f"place={w['berlin'].pk}"))) == [call, budget]
    assert ids(filtered("event", q("country=kp"))) == [summit]  # place or actor, any case
    assert ids(filtered("event", q("country=RU"))) == [call, summit]  # Putin's country
    assert ids(filtered("event", q("type=other"))) == [budget]
    assert ids(filtered("event", q(f"outlet={w['rt'].pk}"))) == [budget]
    assert ids(filtered("event", q("tag=sanktionen"))) == [summit]
    assert ids(filtered("event", q("tag=nordkorea"))) == [summit]  # via its narrower tag
    assert ids(filtered("event", q("review=disputed"))) == [call, summit]  # a1 is in both
    assert ids(filtered("event", q("review=confirmed"))) == [budget]


def test_events_combined_filters(world):
    w = world
    params = q(f"actor={w['putin'].pk}&place={w['berlin'].pk}&date_from=2024-08-01&type=meet&review=disputed")
    assert ids(filtered("event", params)) == [w["call"].pk]
    assert ids(filtered("event", q(f"actor={w['kim'].pk}&country=DE"))) == []


def test_events_sorting(world):
    w = world
    summit, budget, call = w["summit"].pk, w["budget"].pk, w["call"].pk
    assert ids(filtered("event", q("sort=date"))) == [summit, budget, call]
    assert ids(filtered("event", q("sort=title"))) == [budget, call, summit]
    assert ids(filtered("event", q("sort=-articles")))[0] == call
    assert ids(filtered("event", q("sort=articles")))[-1] == call
    # Relevance without a query means nothing: the default order.
    assert ids(filtered("event", q("sort=relevance"))) == [call, budget, summit]


@pytest.mark.parametrize(
    "garbage",
    [
        "date_from=2024-13-45",
        "date_to=gestern",
        "date_from=2024-6-1",
        "actor=abc",
        "actor=1;DROP",
        "place=-1x",
        "outlet=%F0%9F%92%A5",
        "country=Deutschland",
        "country=1",
        "review=maybe",
        "sort=evil",
        "page=x",
        "actor=99999999999999999999",
        "type=",
        "q=",
    ],
)
def test_bad_values_are_ignored(world, garbage):
    for kind in KINDS:
        assert list(filtered(kind, q(garbage))) is not None
    assert len(ids(filtered("event", q(garbage)))) == 3


def test_plain_dicts_work_too(world):
    assert ids(filtered("event", {"actor": [str(world["kim"].pk)], "type": "meet"})) == [world["summit"].pk]


def test_unknown_kind_is_an_error():
    with pytest.raises(ValueError):
        filtered("outlet", q(""))


# --- full text ---------------------------------------------------------------------------------


def test_german_inflection_finds_the_other_form(world):
    # "Sanktion" (singular) finds "Sanktionen" (plural) through the german stemmer.
    assert ids(filtered("article", q("q=Sanktion"))) == [world["a1"].pk]
    assert ids(filtered("event", q("q=Sanktion"))) == [world["call"].pk, world["summit"].pk]
    assert ids(filtered("claim", q("q=Sanktion"))) == [world["c1"].pk]


def test_websearch_syntax(world):
    assert ids(filtered("article", q("q=Putin -Scholz"))) == [world["a1"].pk]
    assert set(ids(filtered("article", q('q="neue Sanktionen" or Rente')))) == {
        world["a1"].pk,
        world["a2"].pk,
    }


def test_ranking_puts_the_best_match_first():
    ts = outlet()
    weak = article("Wetter", "Ein Satz über Sanktionen, dann lange nichts.", ts, dt.date(2024, 9, 1))
    strong = article(
        "Sanktionen gegen Russland",
        "Sanktionen, Sanktionen und noch mehr Sanktionen.",
        ts,
        dt.date(2024, 1, 1),
    )
    assert ids(filtered("article", q("q=Sanktion"))) == [
        strong.pk,
        weak.pk,
    ]  # relevance by default with q
    assert ids(filtered("article", q("q=Sanktion&sort=-date"))) == [weak.pk, strong.pk]
    e_weak = event("schwach", day=dt.date(2024, 9, 1), articles=[weak])
    e_strong = event("stark", day=dt.date(2024, 1, 1), articles=[strong, weak])
    found = filtered("event", q("q=Sanktionen"))
    assert ids(found) == [e_strong.pk, e_weak.pk]
    assert found[0].best_article_id == strong.pk and found[0].rank > found[1].rank


def test_snippets_are_escaped_and_marked():
    text = (
        "Vorher <script>alert(1)</script> 1 < 2 & 3 > 2 <b onclick='x'> dann Sanktionen \x02 gegen \x03 Iran."
    )
    hostile = article("x", text, outlet())
    snippet = snippets([hostile.pk], q("q=Sanktion"))[hostile.pk]
    assert "<mark>Sanktionen</mark>" in snippet
    # Nothing of the text is markup (PostgreSQL drops what it parses as tags, the rest is escaped)...
    assert "<" not in snippet.replace("<mark>", "").replace("</mark>", "")
    assert "1 &lt; 2 &amp; 3 &gt; 2" in snippet
    # ...and sentinels in the text itself mark nothing.
    assert snippet.count("<mark>") == snippet.count("</mark>") == 1


def test_highlight_pairs_sentinels():
    assert highlight("a \x02b\x03 c") == "a <mark>b</mark> c"
    assert highlight("\x03<i>\x02x\x02y") == "&lt;i&gt;<mark>xy</mark>"
    assert highlight("") == ""


# --- claims, entities, articles ----------------------------------------------------------------


def test_claims_by_each_parameter(world):
    w = world
    c1, c2 = w["c1"].pk, w["c2"].pk
    assert set(ids(filtered("claim", q("")))) == {c1, c2}
    assert ids(filtered("claim", q(f"speaker={w['putin'].pk}"))) == [c1]
    assert ids(filtered("claim", q("review=confirmed"))) == [c2]
    assert ids(filtered("claim", q("kind=report"))) == [c2]
    assert ids(filtered("claim", q(f"outlet={w['ts'].pk}"))) == [c1]
    assert ids(filtered("claim", q("tag=sanktionen"))) == [c1]
    assert ids(filtered("claim", q(f"event={w['budget'].pk}"))) == [c2]
    assert ids(filtered("claim", q(f"article={w['a2'].pk}"))) == [c2]
    assert ids(filtered("claim", q("date_from=2024-06-30"))) == [c2]
    assert ids(filtered("claim", q("date_to=2024-06-30"))) == [c1]
    assert ids(filtered("claim", q(f"about={w['kim'].pk}"))) == []  # "Kim" is outside the content
    Mention.objects.create(
        article=w["a1"],
        entity=w["kim"],
        label="LOC",
        start=w["c1"].content_start + 40,
        end=w["c1"].content_start + 50,
        text="Nordkorea",
    )
    assert ids(filtered("claim", q(f"about={w['kim'].pk}"))) == [c1]
    source = entity("AP", kind="organization")
    Claim.objects.filter(pk=c2).update(source=source)
    assert ids(filtered("claim", q(f"source={source.pk}"))) == [c2]


def test_entities_by_each_parameter(world):
    w = world
    # The seeded knowledge base may share the test database: look at this world's entities only.
    made = {e.pk for e in Entity.objects.filter(key__startswith="test:")}

    def found(querystring):
        return [pk for pk in ids(filtered("entity", q(querystring))) if pk in made]

    # Without a search, only what the news names (mentions); with one, everything that matches.
    assert found("") == [w["putin"].pk, w["kim"].pk]  # most mentions first
    assert found("q=scholz") == [w["scholz"].pk]
    assert found("q=berlin&kind=place") == [w["berlin"].pk]
    assert found("q=ang&country=KP") == [w["pyongyang"].pk]
    assert found("tag=sanktionen") == [w["kim"].pk]
    shadow = entity("Kim Jong Un", provisional=True)
    made.add(shadow.pk)
    assert found("provisional=1") == [shadow.pk]
    assert found("q=o&sort=name&kind=person") == [w["kim"].pk, shadow.pk, w["scholz"].pk]
    assert found("q=o&sort=-name&kind=person") == [w["scholz"].pk, shadow.pk, w["kim"].pk]
    assert found("sort=mentions") == [w["kim"].pk, w["putin"].pk]
    assert filtered("entity", q("sort=-mentions"))[0].mention_count == 2


def test_entity_alias_search_does_not_inflate_counts(world):
    from events.models import Alias

    for text in ("Putin", "Putins", "W. Putin"):
        Alias.objects.create(entity=world["putin"], text=text, normalized=text.lower())
    # Only this test's entities: the session's seeded knowledge base has its own Putin.
    found = filtered("entity", q("q=putin")).filter(
        pk__in=[e.pk for e in world.values() if isinstance(e, Entity)]
    )
    assert ids(found) == [world["putin"].pk] and found[0].mention_count == 2


def test_articles_by_each_parameter(world):
    w = world
    a1, a2, a3 = w["a1"].pk, w["a2"].pk, w["a3"].pk
    assert ids(filtered("article", q(""))) == [a3, a2, a1]
    assert ids(filtered("article", q(f"outlet={w['ts'].pk}"))) == [a3, a1]
    assert ids(filtered("article", q("date_from=2024-07-01&date_to=2024-07-31"))) == [a2]
    assert ids(filtered("article", q(f"entity={w['putin'].pk}"))) == [a3, a1]
    assert ids(filtered("article", q(f"event={w['call'].pk}"))) == [a3, a1]
    assert ids(filtered("article", q("tag=sanktionen"))) == [a1]
    assert ids(filtered("article", q("sort=date"))) == [a1, a2, a3]
    assert ids(filtered("article", q("sort=title"))) == [a1, a2, a3]


# --- facets, active filters, querystrings ------------------------------------------------------


def test_facets_leave_their_own_filter_out(world, django_assert_max_num_queries):
    w = world
    with django_assert_max_num_queries(7):
        facets = event_facets(q("type=meet"))
    by_type = {f.value: f.count for f in facets["type"]}
    assert by_type == {"meet": 2, "other": 1}  # the other type stays in view
    assert next(f for f in facets["type"] if f.value == "meet").selected
    places = {f.label: f.count for f in facets["place"]}
    assert places == {"Pjöngjang": 1, "Berlin": 1}  # within type=meet
    countries = {f.value: f.count for f in facets["country"]}
    assert countries == {"RU": 2, "KP": 1, "DE": 1}  # Putin's RU once per event
    assert {f.value: f.count for f in facets["review"]} == {"disputed": 2}
    assert {f.value: f.count for f in facets["tag"]} == {"sanktionen": 1, "raketentests": 1}
    actors = {f.label: f.count for f in facets["actor"]}
    assert actors == {"Wladimir Putin": 2, "Kim Jong Un": 1, "Olaf Scholz": 1}
    assert {f.label: f.count for f in facets["outlet"]} == {"Tagesschau": 2}
    # A chosen value's link takes it off; another's link adds it (actors add up).
    meet = next(f for f in facets["type"] if f.value == "meet")
    assert "type" not in QueryDict(meet.query)
    kim = next(f for f in event_facets(q(f"actor={w['putin'].pk}"))["actor"] if f.label == "Kim Jong Un")
    assert QueryDict(kim.query).getlist("actor") == [str(w["putin"].pk), str(w["kim"].pk)]


def test_facets_with_search(world, django_assert_max_num_queries):
    with django_assert_max_num_queries(7):
        facets = event_facets(q("q=Sanktion&country=KP"))
    assert {f.value: f.count for f in facets["country"]} == {"RU": 2, "KP": 1, "DE": 1}
    assert {f.value for f in facets["type"]} == {"meet"}


def test_active_filters_name_what_is_set(world):
    w = world
    params = q(
        f"q=Sanktion&actor={w['putin'].pk}&actor={w['kim'].pk}&outlet={w['ts'].pk}&tag=sanktionen"
        "&review=disputed&type=meet&date_from=bad&page=2"
    )
    active = active_filters("event", params)
    labels = {(f.param, f.label) for f in active}
    assert ("actor", "Wladimir Putin") in labels and ("actor", "Kim Jong Un") in labels
    assert ("outlet", "Tagesschau") in labels and ("tag", "Sanktionen") in labels
    assert ("type", "Treffen") in labels and ("q", "Sanktion") in labels
    assert ("date_from", "bad") in labels  # shown, so that it can be taken out
    putin = next(f for f in active if f.param == "actor" and f.label == "Wladimir Putin")
    rest = QueryDict(putin.remove)
    assert rest.getlist("actor") == [str(w["kim"].pk)] and "page" not in rest and rest["q"] == "Sanktion"


def test_querystring_helpers():
    params = q("q=a b&actor=1&actor=2&page=3&type=")
    assert querystring(params) == "q=a+b&actor=1&actor=2"
    assert querystring(params, "actor", "1") == "q=a+b&actor=2"
    assert querystring(params, "actor") == "q=a+b"
    assert querystring(params, sort="title") == "q=a+b&actor=1&actor=2&sort=title"
    assert adding(params, "actor", 5) == "q=a+b&actor=1&actor=2&actor=5"
    assert adding(params, "actor", 2) == "q=a+b&actor=1&actor=2"
