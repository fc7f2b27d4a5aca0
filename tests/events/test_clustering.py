"""Articles about one happening become one event; editors merge and split with history."""

from datetime import date

import pytest

from events.models import Claim, Curation, Entity, Event, EventArticle
from events.selectors.events import reported_by
from events.services.analysis import store_claims
from events.services.clustering import Detected, article_cluster
from ingest.models import Article, Outlet
from tests.factories import login, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def entities(db):
    make = Entity.objects.create
    return {
        "putin": make(key="t:putin", kind="person", name="Wladimir Putin", country="RU"),
        "kim": make(key="t:kim", kind="person", name="Kim Jong Un", country="KP"),
        "scholz": make(key="t:scholz", kind="person", name="Olaf Scholz", country="DE"),
        "pyongyang": make(key="t:pyongyang", kind="place", name="Pjöngjang", country="KP"),
        "wonsan": make(key="t:wonsan", kind="place", name="Wonsan", country="KP"),
        "berlin": make(key="t:berlin", kind="place", name="Berlin", country="DE"),
    }


def article(n: int, outlet: Outlet | None = None, group: int | None = None) -> Article:
    return Article.objects.create(
        url=f"https://example.org/{n}", canonical_url=f"https://example.org/{n}", status=Article.Status.ANALYZED,
        outlet=outlet, near_duplicate_group=group, title=f"Artikel {n}",
    )  # fmt: skip


def visit(
    entities, *, day=date(2024, 6, 19), place="pyongyang", actors=("putin", "kim"), type_="meet"
) -> Detected:
    return Detected(
        type=type_, title="Treffen: Wladimir Putin und Kim Jong Un in Pjöngjang", date=day, date_precision="day",
        place_id=entities[place].pk, actors=[(entities[a].pk, "participant") for a in actors], trigger="empfangen",
        trigger_start=0, trigger_end=9, confidence=0.9,
    )  # fmt: skip


def test_articles_about_the_same_visit_share_one_event(entities):
    first = article_cluster(article(1), [visit(entities)])[0]
    second = article_cluster(article(2), [visit(entities, day=date(2024, 6, 20))])[0]
    assert first == second
    assert Event.objects.count() == 1 and first.event_articles.count() == 2
    # every decision says why, in German for the editors
    reasons = dict(EventArticle.objects.values_list("article__title", "reason"))
    assert reasons["Artikel 1"].startswith("neu:")
    assert reasons["Artikel 2"].startswith("gleicher Typ, 2 von 2 Akteuren gemeinsam, gleicher Ort, 1 Tag")


def test_different_towns_undated_reports_and_distant_days_never_join(entities):
    base = article_cluster(article(1), [visit(entities)])[0]
    elsewhere = article_cluster(article(2), [visit(entities, day=date(2024, 6, 20), place="wonsan")])[0]
    undated = visit(entities)
    undated.date = None
    archive = article_cluster(article(3), [undated])[0]
    days_later = article_cluster(article(4), [visit(entities, day=date(2024, 6, 23))])[0]
    assert len({base.pk, elsewhere.pk, archive.pk, days_later.pk}) == 4
    assert archive.date is None
    # undated reports of the same happening do share an event
    again = visit(entities)
    again.date = None
    assert article_cluster(article(5), [again])[0] == archive


def test_the_main_event_flag_is_kept_on_the_link_and_filters_the_lists(entities, client):
    main = visit(entities)
    main.main = True
    side = visit(entities, type_="sanction")
    article_cluster(article(1), [main, side])
    links = dict(EventArticle.objects.values_list("event__type", "main"))
    assert links == {"meet": True, "sanction": False}
    assert list(Event.objects.main_events().values_list("type", flat=True)) == ["meet"]
    from portal.overview import latest_events

    assert [e.type for e in latest_events()] == ["meet"]
    assert {e.type for e in latest_events(main_only=False)} == {"meet", "sanction"}
    login(client, user("analyst"))
    page = client.get("/events/?main=1").content.decode()
    assert "nur Hauptereignisse" in page and "Treffen: Wladimir Putin" in page


def test_other_actors_or_a_distant_date_open_a_new_event(entities):
    base = article_cluster(article(1), [visit(entities)])[0]
    other_people = article_cluster(article(2), [visit(entities, actors=("scholz",), place="berlin")])[0]
    later = article_cluster(article(3), [visit(entities, day=date(2024, 9, 1))])[0]
    other_type = article_cluster(article(4), [visit(entities, type_="sanction")])[0]
    assert len({base.pk, other_people.pk, later.pk, other_type.pk}) == 4


def test_clustering_again_changes_nothing(entities):
    a = article(1)
    first = article_cluster(a, [visit(entities)])
    again = article_cluster(a, [visit(entities)])
    assert [e.pk for e in first] == [e.pk for e in again] or Event.objects.count() == 1
    assert EventArticle.objects.count() == 1 and Event.objects.count() == 1


def test_wire_copies_join_their_twin_and_do_not_inflate_counts(entities):
    dpa = Outlet.objects.create(name="Kurier", domain="kurier.example")
    other = Outlet.objects.create(name="Blatt", domain="blatt.example")
    event = article_cluster(article(1, dpa, group=7), [visit(entities)])[0]
    # The copy's own detection is weak (no place, one actor), but its twin decides.
    weak = visit(entities, actors=("putin",), place="berlin")
    assert article_cluster(article(2, other, group=7), [weak])[0] == event
    assert reported_by(event) == {"articles": 2, "outlets": 2, "stories": 1}


def test_editors_merge_and_split_events_with_history(client, editor, entities):
    login(client, editor)
    a, b, c = article(1), article(2), article(3)
    one = article_cluster(a, [visit(entities)])[0]
    two = article_cluster(b, [visit(entities, actors=("scholz",), place="berlin")])[0]
    article_cluster(c, [visit(entities)])

    assert client.post(f"/events/{two.pk}/merge/", {"target": one.pk}).status_code == 302
    assert set(one.event_articles.values_list("article_id", flat=True)) == {a.pk, b.pk, c.pk}
    # Re-clustering a merged-in article leaves it where the editor put it.
    article_cluster(b, [visit(entities, actors=("scholz",), place="berlin")])
    assert EventArticle.objects.get(article=b).event == one

    response = client.post(f"/events/{one.pk}/split/", {"articles": [c.pk], "title": "Zweiter Besuch"})
    new = Event.objects.get(title="Zweiter Besuch")
    assert response["Location"] == f"/events/{new.pk}/"
    assert list(new.event_articles.values_list("article_id", flat=True)) == [c.pk]
    assert list(Curation.objects.order_by("created_at").values_list("action", flat=True)) == [
        "event_merge",
        "event_split",
    ]
    assert client.get(f"/events/{two.pk}/").status_code == 302  # the merged event leads to the survivor


def test_an_analyst_cannot_merge_events(client, analyst, entities):
    login(client, analyst)
    one = article_cluster(article(1), [visit(entities)])[0]
    two = article_cluster(article(2), [visit(entities, actors=("scholz",), place="berlin")])[0]
    assert client.post(f"/events/{two.pk}/merge/", {"target": one.pk}).status_code == 403
    assert client.get(f"/events/{one.pk}/").status_code == 200


def test_claim_review_keeps_reviewer_time_and_reason(client, editor, entities):
    login(client, editor)
    a = article(1)
    a.text = "Putin sagte, man wolle die Sanktionen überwinden."
    a.save()
    claim = Claim.objects.create(
        article=a, kind="indirect_speech", evidential="reported", start=0, end=49, content_start=13,
        content_end=49, content="man wolle die Sanktionen überwinden", speaker=entities["putin"],
    )  # fmt: skip
    client.post(f"/claims/{claim.pk}/review/", {"status": "disputed", "reason": "Kein Beleg"})
    claim.refresh_from_db()
    assert (claim.review_status, claim.reviewed_by, claim.review_reason) == ("disputed", editor, "Kein Beleg")
    assert claim.reviewed_at is not None
    # A fresh analysis of the article keeps the review.
    from events.analysis.claims import ClaimData, ContentSpan

    fresh = ClaimData(
        0, 49, "indirect_speech", "sagte", "sagen", None, None, content=ContentSpan(13, 49, claim.content)
    )
    store_claims(a, [fresh], [])
    assert Claim.objects.get().review_status == "disputed"


def test_a_lost_clustering_message_is_found_again_by_the_sweep(entities, monkeypatch, eager_tasks):
    """Analysis committed but its clustering message was lost (broker restart): the sweep
    clusters the article once the message is overdue, and marks it clustered."""
    from datetime import timedelta

    from django.utils import timezone

    from events import tasks
    from events.models import ArticleAnalysis

    monkeypatch.setattr(tasks.pipeline, "broker_queue_length", lambda queue: 0)
    lost = article(1)
    detected = visit(entities)
    stored = {
        "type": detected.type, "title": detected.title, "date": detected.date.isoformat(), "date_precision": "day",
        "place_id": detected.place_id, "actors": detected.actors, "trigger": detected.trigger, "trigger_start": 0,
        "trigger_end": 9, "confidence": 0.9,
    }  # fmt: skip
    analysis = ArticleAnalysis.objects.create(article=lost, detected_events=[stored])
    ArticleAnalysis.objects.filter(pk=analysis.pk).update(analyzed_at=timezone.now() - timedelta(hours=1))
    fresh = ArticleAnalysis.objects.create(article=article(2), detected_events=[stored])

    assert tasks.sweep_clustering.apply().get() == 1  # eager tasks: the re-sent one runs here
    analysis.refresh_from_db()
    fresh.refresh_from_db()
    assert analysis.clustered_at is not None and fresh.clustered_at is None
    assert EventArticle.objects.filter(article=lost).count() == 1
    assert tasks.sweep_clustering.apply().get() == 0  # done: not sent again
