"""What a watchlist matches, what of it is new, and its rows for the page, the feed and the mail.

A watchlist's matches are the records its list page shows for the saved filters (the same
filter functions, events/lists.py), or for an actor or place the events of its page
(`events_of`). "New" means: entered Lagebild after a mark. Which timestamp says when a record
entered, by kind (ENTERED):

- events (and an entity's events): ``Event.first_seen``, set when the clustering first made
  the event. A later report of a known event does not make it new again.
- articles: ``ArticleAnalysis.first_analyzed_at``, when the article was first analysed; only
  analysed articles match (before that an article has no text, no title, no actors). Not
  when it was found: the analysis can lag behind the fetch, and an article found before the
  owner last looked but analysed after would never count as new.
- claims: the first analysis of their article. A claim has no timestamp of its own, and a
  new analysis of old articles (a new model, `reprocess`) keeps that time, so it does not
  flood watchlists with statements made long ago.

Never the publication date: an article published last year and found today is new.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from django.db.models import F, QuerySet
from django.http import QueryDict
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from events.lists import LISTS
from events.models import Entity, Event, Watchlist, url_by_id
from events.presentation.links import event_filter_params
from events.selectors.details import actors_of, article_details, claim_details, event_details, type_label
from events.selectors.entities import events_of
from events.selectors.facets import ActiveFilter, active_filters
from ingest.models import Article
from portal.roles import has_any_role

ENTERED = {
    Watchlist.Kind.EVENT: "first_seen",
    Watchlist.Kind.ENTITY: "first_seen",
    Watchlist.Kind.ARTICLE: "analysis__first_analyzed_at",
    Watchlist.Kind.CLAIM: "article__analysis__first_analyzed_at",
}
# The record behind each kind (and the list kind whose rows it shows).
LIST_KIND = {
    Watchlist.Kind.EVENT: "event",
    Watchlist.Kind.ENTITY: "event",
    Watchlist.Kind.ARTICLE: "article",
    Watchlist.Kind.CLAIM: "claim",
}
# "New" counts stop here and say "100+", like the lists' capped counts.
NEW_CAP = 100
# How many matches the watchlist's page and its feed show.
NEWEST_SHOWN = 50


@dataclass
class Match:
    """One record a watchlist matches, as the page, the feed and the digest show it."""

    pk: int
    title: str
    summary: str
    url: str  # the record's page (a path: the feed and the mail make it absolute)
    entered_at: datetime
    new: bool = False


def params_of(watchlist: Watchlist) -> QueryDict:
    return QueryDict(watchlist.query)


def watched_entity(watchlist: Watchlist) -> Entity | None:
    """The entity an entity watchlist follows: the one it was merged into, if it was."""
    entity = watchlist.entity
    for _hop in range(10):  # a merge chain, never a cycle; bounded anyway
        if entity is None or entity.merged_into_id is None:
            break
        entity = Entity.objects.get(pk=entity.merged_into_id)
    return entity


def matches(watchlist: Watchlist) -> QuerySet:
    """Every record the watchlist matches, unsorted: the list page's own filter."""
    if watchlist.kind == Watchlist.Kind.ENTITY:
        entity = watched_entity(watchlist)
        return events_of([entity]) if entity is not None else Event.objects.none()
    records = LISTS[watchlist.kind].filter(params_of(watchlist)).order_by()
    if watchlist.kind == Watchlist.Kind.ARTICLE:
        records = records.filter(status=Article.Status.ANALYZED)
    return records


def entered_after(watchlist: Watchlist, moment: datetime) -> QuerySet:
    return matches(watchlist).filter(**{f"{ENTERED[watchlist.kind]}__gt": moment})


def new_count(watchlist: Watchlist, since: datetime | None = None, cap: int = NEW_CAP) -> int:
    """How many matches entered after the owner last opened it (or `since`), up to cap + 1."""
    moment = since or watchlist.seen_at
    return entered_after(watchlist, moment).order_by().values("pk")[: cap + 1].count()


def with_new_count(watchlist: Watchlist, since: datetime | None = None) -> Watchlist:
    """The watchlist with `new`, its new matches up to NEW_CAP, and `capped` (there are more)."""
    count = new_count(watchlist, since)
    watchlist.new, watchlist.capped = min(count, NEW_CAP), count > NEW_CAP
    return watchlist


def watchlists_of(user) -> list[Watchlist]:
    """The user's watchlists, each with_new_count (one query each)."""
    return [with_new_count(w) for w in Watchlist.objects.filter(owner=user).select_related("entity")]


def owned(user, pk: int) -> Watchlist | None:
    return Watchlist.objects.select_related("entity").filter(pk=pk, owner=user).first()


def by_feed_token(token: str) -> Watchlist | None:
    """The watchlist whose feed this token opens, if its owner may still read the portal."""
    if not token or len(token) > 64:
        return None
    watchlist = Watchlist.objects.select_related("owner", "entity").filter(feed_token=token).first()
    if watchlist is None or not watchlist.owner.is_active or not has_any_role(watchlist.owner):
        return None
    return watchlist


# --- rows ------------------------------------------------------------------------------------


def newest(watchlist: Watchlist, limit: int = NEWEST_SHOWN, new_since: datetime | None = None) -> list[Match]:
    """The newest matches by the time they entered Lagebild, newest first; each marked `new`
    when it entered after `new_since`."""
    entered = ENTERED[watchlist.kind]
    records = matches(watchlist).annotate(watch_entered=F(entered)).order_by(F(entered).desc(), "-pk")
    rows = as_matches(watchlist.kind, records[:limit])
    for row in rows:
        row.new = new_since is not None and row.entered_at > new_since
    return rows


def as_matches(kind: str, records: QuerySet) -> list[Match]:
    """Rows of a queryset annotated with `watch_entered` (the time each record entered)."""
    return {"event": _event_rows, "article": _article_rows, "claim": _claim_rows}[LIST_KIND[kind]](records)


def _day(moment) -> str:
    return date_format(moment, "SHORT_DATE_FORMAT") if moment else ""


def _event_rows(records: QuerySet) -> list[Match]:
    rows = []
    for event in event_details(records):
        actors = ", ".join(actor.name for actor in actors_of(event)[:4])
        facts = [type_label(event.type), _day(event.date), event.place.name if event.place else "", actors]
        summary = " · ".join(f for f in facts if f)
        url = url_by_id("events:event", event.pk)
        rows.append(Match(event.pk, event.title, summary, url, event.watch_entered))
    return rows


def _article_rows(records: QuerySet) -> list[Match]:
    rows = []
    for article in article_details(records):
        facts = [article.outlet.name if article.outlet else "", _day(article.published_at)]
        summary = " · ".join(f for f in facts if f)
        if article.description:
            summary = f"{summary}\n{article.description[:300]}" if summary else article.description[:300]
        url = url_by_id("events:article", article.pk)
        rows.append(Match(article.pk, article.title or article.url, summary, url, article.watch_entered))
    return rows


def _claim_rows(records: QuerySet) -> list[Match]:
    rows = []
    for claim in claim_details(records):
        speaker = claim.speaker.name if claim.speaker else claim.speaker_text or "–"
        content = claim.content if len(claim.content) <= 200 else f"{claim.content[:200]}…"
        source = claim.article
        facts = [source.title, source.outlet.name if source.outlet else "", _day(source.published_at)]
        summary = " · ".join(f for f in facts if f)
        rows.append(
            Match(claim.pk, f"{speaker}: {content}", summary, claim.get_absolute_url(), claim.watch_entered)
        )
    return rows


# --- describing a watchlist -------------------------------------------------------------------


def filters_of(watchlist: Watchlist) -> list[ActiveFilter]:
    """Its saved filters as the list shows them (name and label); none for an entity."""
    if watchlist.kind == Watchlist.Kind.ENTITY:
        return []
    params = params_of(watchlist)
    shown = active_filters(watchlist.kind, params)
    if watchlist.kind == Watchlist.Kind.EVENT and params.get("main") == "1":
        shown.append(ActiveFilter("main", "1", str(_("main events only")), "", ""))
    return shown


def list_url(watchlist: Watchlist) -> str:
    """The list page with the watchlist's filters (an entity's: the event list of its events)."""
    if watchlist.kind == Watchlist.Kind.ENTITY:
        entity = watched_entity(watchlist)
        params = event_filter_params([entity]) if entity is not None else []
        return f"{reverse('events:events')}?{urlencode(params)}"
    base = reverse(LISTS[watchlist.kind].list_url)
    return f"{base}?{watchlist.query}" if watchlist.query else base
