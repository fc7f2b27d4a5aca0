"""Watchlists: a saved list counts what is new since it was last opened, has a private Atom
feed and mails a digest of what is new, each match once."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import feedparser
import pytest
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from tests import factories as make
from tests.factories import login

pytestmark = pytest.mark.django_db

# Putin meets Kim: a text the committed pipeline and the knowledge base read without ../shared.
MEETING = (
    "Putin trifft Kim in Pjöngjang. Der russische Präsident Wladimir Putin ist in "
    "Pjöngjang mit dem nordkoreanischen Machthaber Kim Jong Un zusammengetroffen."
)


def _mark_seen(watchlist, when):
    from events.models import Watchlist

    Watchlist.objects.filter(pk=watchlist.pk).update(seen_at=when)
    watchlist.refresh_from_db()


@pytest.fixture
def world(db):
    w = make.cast("putin", "kim", "pj")
    w["outlet"] = make.outlet("Tagesschau")
    w["old"] = make.article("Früheres Treffen", "Putin traf Kim.", w["outlet"])
    make.analysis(w["old"], first_analyzed_at=timezone.now() - timedelta(days=3))
    w["old_event"] = make.event(
        "Treffen: Putin und Kim", "meet", actors=[w["putin"], w["kim"]], articles=[w["old"]]
    )
    return w


def new_meeting(w, title="Treffen: Putin und Kim in Pjöngjang", actors=("putin", "kim")):
    """An article found now that reports a meeting: a new event of the list "Putin + meet"."""
    report = make.article(title, MEETING, w["outlet"])
    make.analysis(report)
    return make.event(title, "meet", place=w["pj"], actors=[w[a] for a in actors], articles=[report])


# --- what is new ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_putin_meets_gets_a_new_match_when_a_matching_article_is_analysed(
    kb, analyst, client, eager_tasks, django_capture_on_commit_callbacks
):
    """The real analysis task (and the clustering it sends) turns a new article into an event
    of the watched list: one new match; opening the watchlist marks it seen."""
    from events.models import Entity, Event
    from events.selectors.watchlists import new_count, newest
    from events.tasks import analyze_article
    from ingest.models import Article

    putin = Entity.objects.get(key="person:wladimir-putin")
    watchlist = make.watchlist(analyst, "event", f"type=meet&actor={putin.pk}")
    claims = make.watchlist(analyst, "claim", f"speaker={putin.pk}")
    assert new_count(watchlist) == 0
    report = make.article(
        "Putin trifft Kim",
        MEETING,
        make.outlet("Tagesschau"),
        timezone.localdate(),
        status=Article.Status.EXTRACTED,
    )
    with django_capture_on_commit_callbacks(execute=True):
        analyze_article.apply(args=[report.pk])
    report.refresh_from_db()
    assert report.status == Article.Status.ANALYZED
    event = Event.objects.get(event_articles__article=report)
    assert event.type == "meet" and event.event_actors.filter(entity=putin).exists()
    assert new_count(watchlist) == 1
    assert [row.pk for row in newest(watchlist)] == [event.pk]
    assert new_count(claims) == 0  # Putin says nothing in it
    # Opening it marks the match seen: the overview's count goes to 0.
    login(client, analyst)
    assert 'data-new="1"' in client.get("/").content.decode()
    page = client.get(f"/watchlists/{watchlist.pk}/").content.decode()
    assert f'data-id="{event.pk}"' in page and 'class="watch-new-row"' in page
    watchlist.refresh_from_db()
    assert new_count(watchlist) == 0
    assert 'data-new="0"' in client.get("/").content.decode()


def test_what_entered_before_the_mark_is_not_new(world, analyst):
    from events.selectors.watchlists import new_count, newest

    watchlist = make.watchlist(analyst, "event", f"actor={world['putin'].pk}&type=meet")
    assert new_count(watchlist) == 0  # the old meeting matches, but was there before
    fresh = new_meeting(world)
    make.event("Kim allein", "meet", actors=[world["kim"]])  # not Putin
    new_meeting(world, "Putin besucht Kim", actors=("kim",))  # not Putin either
    assert new_count(watchlist) == 1
    rows = newest(watchlist, new_since=watchlist.seen_at)
    assert [(row.pk, row.new) for row in rows] == [(fresh.pk, True), (world["old_event"].pk, False)]
    assert rows[0].url == f"/events/{fresh.pk}/" and "Pjöngjang" in rows[0].summary


def test_the_new_count_is_capped(world, analyst):
    from events.models import Event
    from events.selectors.watchlists import NEW_CAP, with_new_count

    watchlist = make.watchlist(analyst, "event", "type=meet")
    Event.objects.bulk_create(Event(type="meet", title=f"Treffen {i}") for i in range(NEW_CAP + 5))
    with_new_count(watchlist)
    assert (watchlist.new, watchlist.capped) == (NEW_CAP, True)


def test_claims_are_new_with_their_article_not_with_a_new_analysis(world, analyst):
    """A claim is as new as its article's first analysis: analysing an old article again (a
    new model) finds claims there, but those were said long ago."""
    from events.models import ArticleAnalysis
    from events.selectors.watchlists import new_count

    putin = world["putin"]
    watchlist = make.watchlist(analyst, "claim", f"speaker={putin.pk}")
    make.claim(world["old"], "Putin traf Kim.", putin)
    ArticleAnalysis.objects.filter(article=world["old"]).update(analyzed_at=timezone.now())
    assert new_count(watchlist) == 0
    report = make.article(
        "Putin spricht", "Putin sagte, man wolle die Sanktionen überwinden.", world["outlet"]
    )
    make.analysis(report)
    make.claim(report, "man wolle die Sanktionen überwinden", putin)
    assert new_count(watchlist) == 1


def test_an_article_found_before_the_owner_looked_is_new_once_analysed(world, analyst):
    """The analysis can lag behind the fetch: an article found before the owner last opened
    the watchlist, analysed after, is new (it could not be read before)."""
    from events.selectors.watchlists import new_count
    from ingest.models import Article

    articles = make.watchlist(analyst, "article", f"outlet={world['outlet'].pk}")
    claims = make.watchlist(analyst, "claim", f"speaker={world['putin'].pk}")
    found = make.article(
        "Putin spricht", "Putin sagte, man wolle reden.", world["outlet"], status=Article.Status.EXTRACTED
    )
    Article.objects.filter(pk=found.pk).update(created_at=timezone.now() - timedelta(hours=2))
    assert new_count(articles) == new_count(claims) == 0
    Article.objects.filter(pk=found.pk).update(status=Article.Status.ANALYZED)
    make.analysis(found)
    make.claim(found, "man wolle reden", world["putin"])
    assert new_count(articles) == new_count(claims) == 1


def test_an_article_watchlist_counts_analysed_articles(world, analyst):
    from events.selectors.watchlists import new_count
    from ingest.models import Article

    watchlist = make.watchlist(analyst, "article", f"outlet={world['outlet'].pk}")
    make.article("Noch nicht geladen", "", world["outlet"], status=Article.Status.DISCOVERED, indexed=False)
    assert new_count(watchlist) == 0
    make.analysis(make.article("Neu", "Putin traf Kim.", world["outlet"]))
    assert new_count(watchlist) == 1


def test_an_actor_is_watched_by_its_events_and_follows_a_merge(world, analyst):
    from events.models import Entity
    from events.selectors.watchlists import list_url, new_count

    kim = world["kim"]
    watchlist = make.watchlist(analyst, "entity", entity=kim)
    assert watchlist.name == "Kim Jong Un" and watchlist.query == ""
    new_meeting(world)
    assert new_count(watchlist) == 1
    assert list_url(watchlist) == f"/events/?actor={kim.pk}"
    # Kim merged into another entry: the watchlist follows the survivor's events.
    survivor = make.entity("Kim Jong-un")
    Entity.objects.filter(pk=kim.pk).update(merged_into=survivor)
    watchlist.refresh_from_db()
    assert new_count(watchlist) == 0
    make.event("Kim empfängt", "meet", actors=[survivor])
    assert new_count(watchlist) == 1


# --- saving, opening, owning ------------------------------------------------------------------------


def test_saving_a_filtered_list_keeps_its_filters_once(world, analyst, client):
    from events.models import Watchlist

    putin = world["putin"]
    login(client, analyst)
    query = f"q=&type=meet&actor={putin.pk}&page=3&sort=title&bogus=1&main=1"
    response = client.post("/watchlists/new/", {"kind": "event", "query": query, "name": ""})
    watchlist = Watchlist.objects.get(owner=analyst)
    assert response.status_code == 302 and response["Location"] == f"/watchlists/{watchlist.pk}/"
    # Only the list's filters, sorted: no page, no sort, nothing it does not read.
    assert watchlist.query == f"actor={putin.pk}&main=1&type=meet"
    assert watchlist.name == "Ereignisse: Wladimir Putin, Treffen"
    assert watchlist.feed_token and len(watchlist.feed_token) >= 40
    # The same filters in another order: the same watchlist, said so.
    again = client.post(
        "/watchlists/new/", {"kind": "event", "query": f"main=1&actor={putin.pk}&type=meet"}, follow=True
    )
    assert Watchlist.objects.filter(owner=analyst).count() == 1
    assert "Diese Auswahl beobachten Sie schon" in again.content.decode()
    page = client.get(f"/watchlists/{watchlist.pk}/").content.decode()
    assert f'href="/events/?actor={putin.pk}&amp;main=1&amp;type=meet"' in page
    assert "nur Hauptereignisse" in page and "Wladimir Putin" in page


def test_every_list_and_an_entity_page_offer_to_save_it(world, analyst, client):
    login(client, analyst)
    for url, kind in [
        ("/events/?type=meet", "event"),
        ("/claims/", "claim"),
        ("/articles/?q=Putin", "article"),
    ]:
        page = client.get(url).content.decode()
        assert "data-watch-save" in page and f'name="kind" value="{kind}"' in page, url
    assert 'name="query" value="type=meet"' in client.get("/events/?type=meet").content.decode()
    page = client.get(f"/entities/{world['kim'].pk}/").content.decode()
    assert 'name="kind" value="entity"' in page and f'name="entity" value="{world["kim"].pk}"' in page
    assert (
        "data-watch-save" not in client.get("/entities/").content.decode()
    )  # the actor list is no watchlist


def test_only_the_owner_sees_a_watchlist(world, analyst, editor, client):
    watchlist = make.watchlist(analyst, "event", "type=meet", name="Meine Treffen")
    login(client, editor)
    base = f"/watchlists/{watchlist.pk}"
    assert client.get(f"{base}/").status_code == 404
    assert client.post(f"{base}/edit/", {"name": "Fremd", "digest": "daily"}).status_code == 404
    assert client.post(f"{base}/feed-token/", {"action": "revoke"}).status_code == 404
    assert client.post(f"{base}/delete/").status_code == 404
    assert "Meine Treffen" not in client.get("/watchlists/").content.decode()
    assert "Meine Treffen" not in client.get("/").content.decode()
    watchlist.refresh_from_db()
    assert (watchlist.name, watchlist.digest, bool(watchlist.feed_token)) == ("Meine Treffen", "none", True)
    login(client, analyst)
    assert "Meine Treffen" in client.get("/watchlists/").content.decode()
    client.post(f"{base}/delete/")
    assert not type(watchlist).objects.filter(pk=watchlist.pk).exists()


def test_the_overview_shows_each_watchlist_with_its_new_matches(world, analyst, client):
    watchlist = make.watchlist(analyst, "event", f"actor={world['putin'].pk}", name="Putin")
    place = make.watchlist(analyst, "entity", entity=world["pj"])
    new_meeting(world)
    new_meeting(world, "Noch ein Treffen")
    login(client, analyst)

    def counts() -> dict[int, str]:
        overview = client.get("/").content.decode()
        section = overview[overview.index('id="watchlists"') :]
        found = re.findall(
            r'<li data-id="(\d+)"><a href="/watchlists/\d+/">[^<]+</a> <span [^>]*>([^<]+)<', section
        )
        return {int(pk): text for pk, text in found}

    assert counts() == {watchlist.pk: "2 neu", place.pk: "2 neu"}
    client.get(f"/watchlists/{watchlist.pk}/")
    assert counts() == {watchlist.pk: "nichts Neues", place.pk: "2 neu"}  # the other one is still new


# --- the feed -------------------------------------------------------------------------------------


def test_the_feed_is_valid_atom_and_needs_only_its_token(world, analyst, client):
    watchlist = make.watchlist(analyst, "event", f"actor={world['putin'].pk}", name="Putin <trifft> & Co")
    fresh = new_meeting(world)
    response = client.get(f"/watchlists/feed/{watchlist.feed_token}.atom")  # no login
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    assert "private" in response["Cache-Control"] and "noindex" in response["X-Robots-Tag"]
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, feed.bozo_exception
    assert feed.version == "atom10"
    assert feed.feed.title == "Lagebild: Putin <trifft> & Co"
    assert feed.feed.id == f"http://testserver/watchlists/{watchlist.pk}/"
    links = {link.rel: link.href for link in feed.feed.links}
    assert links["self"] == f"http://testserver/watchlists/feed/{watchlist.feed_token}.atom"
    assert links["alternate"] == f"http://testserver/events/?actor={world['putin'].pk}"
    # Every match, newest first, each with an absolute link and a permanent id.
    assert [entry.link for entry in feed.entries] == [
        f"http://testserver/events/{fresh.pk}/",
        f"http://testserver/events/{world['old_event'].pk}/",
    ]
    assert [entry.id for entry in feed.entries] == [entry.link for entry in feed.entries]
    assert feed.entries[0].title == fresh.title and "Pjöngjang" in feed.entries[0].summary
    assert all(entry.updated_parsed for entry in feed.entries)


def test_a_new_feed_address_ends_the_old_one(world, analyst, client):
    watchlist = make.watchlist(analyst, "event", "type=meet")
    old = watchlist.feed_token
    login(client, analyst)
    client.post(f"/watchlists/{watchlist.pk}/feed-token/", {"action": "regenerate"})
    watchlist.refresh_from_db()
    assert watchlist.feed_token != old
    page = client.get(f"/watchlists/{watchlist.pk}/").content.decode()
    assert f"http://testserver/watchlists/feed/{watchlist.feed_token}.atom" in page
    client.logout()
    assert client.get(f"/watchlists/feed/{old}.atom").status_code == 404
    assert client.get(f"/watchlists/feed/{watchlist.feed_token}.atom").status_code == 200
    login(client, analyst)
    client.post(f"/watchlists/{watchlist.pk}/feed-token/", {"action": "revoke"})
    watchlist.refresh_from_db()
    assert watchlist.feed_token is None
    assert "watch-feed-link" not in client.get(f"/watchlists/{watchlist.pk}/").content.decode()
    assert client.get("/watchlists/feed/.atom").status_code == 404


def test_the_feed_closes_when_its_owner_may_no_longer_read(world, analyst, client):
    watchlist = make.watchlist(analyst, "event", "type=meet")
    url = f"/watchlists/feed/{watchlist.feed_token}.atom"
    assert client.get(url).status_code == 200
    analyst.groups.clear()
    assert client.get(url).status_code == 404


# --- the digest -------------------------------------------------------------------------------------


@pytest.fixture
def subscriber(analyst):
    analyst.email = "anna@example.org"
    analyst.save()
    return analyst


def digest_on(owner, frequency="immediate", **kwargs):
    from events.services.watchlists import watchlist_update

    watchlist = make.watchlist(owner, **kwargs)
    watchlist_update(watchlist, name="", digest=frequency)
    return watchlist


def test_the_digest_is_sent_once(world, subscriber, mailoutbox, eager_tasks, settings):
    from events.tasks import send_watchlist_digests

    settings.PORTAL_BASE_URL = "https://lagebild.example.org"
    watchlist = digest_on(subscriber, kind="event", query=f"actor={world['putin'].pk}&type=meet")
    fresh = new_meeting(world)
    send_watchlist_digests.apply()
    send_watchlist_digests.apply()  # run again: nothing new to send
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["anna@example.org"]
    assert mail.subject == f"Lagebild: 1 neuer Treffer in „{watchlist.name}“"
    assert f"https://lagebild.example.org/events/{fresh.pk}/" in mail.body
    assert f"https://lagebild.example.org/watchlists/{watchlist.pk}/" in mail.body
    assert f"/events/{world['old_event'].pk}/" not in mail.body  # there before the digest was on
    # The next match comes in the next mail, alone.
    later = new_meeting(world, "Putin und Kim unterzeichnen")
    send_watchlist_digests.apply()
    assert len(mailoutbox) == 2
    assert f"/events/{later.pk}/" in mailoutbox[1].body and f"/events/{fresh.pk}/" not in mailoutbox[1].body


def test_a_daily_digest_waits_for_its_day(world, subscriber, mailoutbox):
    from events.models import Watchlist
    from events.services.watchlists import digest_send

    watchlist = digest_on(subscriber, "daily", kind="event", query="type=meet")

    def a_day_passes():
        Watchlist.objects.filter(pk=watchlist.pk).update(digest_run_at=F("digest_run_at") - timedelta(days=1))

    new_meeting(world)
    assert digest_send(watchlist.pk) == 0 and mailoutbox == []  # its day began when it was switched on
    a_day_passes()
    assert digest_send(watchlist.pk) == 1
    new_meeting(world, "Wieder ein Treffen")
    assert digest_send(watchlist.pk) == 0  # sent just now: tomorrow
    a_day_passes()
    assert digest_send(watchlist.pk) == 1
    assert len(mailoutbox) == 2
    assert "Wieder ein Treffen" in mailoutbox[1].body and "in Pjöngjang" not in mailoutbox[1].body


def test_a_digest_that_could_not_be_sent_is_sent_by_the_next_run(world, subscriber, mailoutbox, monkeypatch):
    from events.models import WatchlistDelivery
    from events.services import watchlists
    from events.tasks import send_watchlist_digest

    watchlist = digest_on(subscriber, kind="event", query="type=meet")
    new_meeting(world)

    def refused(*args, **kwargs):
        raise ConnectionRefusedError("no mail server")

    monkeypatch.setattr(watchlists, "send_mail", refused)
    with pytest.raises(ConnectionRefusedError):
        watchlists.digest_send(watchlist.pk)
    assert not WatchlistDelivery.objects.exists()
    monkeypatch.undo()
    assert send_watchlist_digest.apply(args=[watchlist.pk]).get() == 1
    assert len(mailoutbox) == 1


def test_no_digest_without_an_address_or_when_switched_off(world, analyst, mailoutbox, eager_tasks):
    from events.services.watchlists import due_digests, watchlist_update
    from events.tasks import send_watchlist_digests

    watchlist = digest_on(analyst, kind="event", query="type=meet")  # analyst has no e-mail
    new_meeting(world)
    assert due_digests() == []
    send_watchlist_digests.apply()
    analyst.email = "anna@example.org"
    analyst.save()
    watchlist_update(watchlist, name="", digest="none")
    send_watchlist_digests.apply()
    assert mailoutbox == []


@pytest.mark.django_db(transaction=True)
def test_a_run_that_finds_the_watchlist_locked_leaves_it_to_the_other(world, subscriber, mailoutbox):
    """Two runs at once: the second skips the row the first one holds, so one mail."""
    from events.models import Watchlist
    from events.services.watchlists import digest_send

    watchlist = digest_on(subscriber, kind="event", query="type=meet")
    new_meeting(world)
    results = []

    def concurrent_run():
        try:
            results.append(digest_send(watchlist.pk))
        finally:
            connection.close()

    with transaction.atomic():
        Watchlist.objects.select_for_update().get(pk=watchlist.pk)  # a run holding the row
        other = threading.Thread(target=concurrent_run)
        other.start()
        other.join(timeout=30)
    assert results == [0] and mailoutbox == []
    assert digest_send(watchlist.pk) == 1
    assert digest_send(watchlist.pk) == 0
    assert len(mailoutbox) == 1


def test_the_digest_forgets_what_fell_out_of_its_window(world, subscriber, mailoutbox, settings):
    from events.models import WatchlistDelivery
    from events.services.watchlists import digest_send

    settings.WATCHLIST_DIGEST_LOOKBACK_HOURS = 1
    watchlist = digest_on(subscriber, kind="event", query="type=meet")
    new_meeting(world)
    now = timezone.now()
    assert digest_send(watchlist.pk, now) == 1
    assert WatchlistDelivery.objects.filter(watchlist=watchlist).count() == 1
    assert digest_send(watchlist.pk, now + timedelta(hours=2)) == 0
    assert not WatchlistDelivery.objects.filter(watchlist=watchlist).exists()
    assert len(mailoutbox) == 1


def test_admins_see_watchlists_but_never_their_feed_token(world, analyst, admin_user, client):
    watchlist = make.watchlist(analyst, "event", "type=meet", name="Treffen aller Art")
    login(client, admin_user)
    listing = client.get("/admin/events/watchlist/").content.decode()
    assert "Treffen aller Art" in listing and watchlist.feed_token not in listing
    change = client.get(f"/admin/events/watchlist/{watchlist.pk}/change/").content.decode()
    assert "type=meet" in change and watchlist.feed_token not in change
