"""What the event list could narrow to (facets with counts), and the filters in force on
any list, each with the querystring that removes it."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from events.analysis.event_types import load_taxonomy
from events.models import Claim, Entity, Event, EventActor, Tag, Tagging
from events.selectors import parameters as read
from events.selectors.lists import event_conditions, events_where, has_claims_in_review
from events.selectors.parameters import adding, querystring
from ingest.models import Article, Outlet, outlet_label, outlet_name_shared

# Parameters that hold an entity id, by list kind.
ENTITY_PARAMS = ("actor", "place", "speaker", "source", "about", "entity")


@dataclass
class Facet:
    value: str
    label: str
    count: int
    selected: bool
    query: str  # the list's querystring with this value chosen (or removed, if chosen)


def _facet_list(params, name: str, rows, limit: int) -> list[Facet]:
    chosen = {str(v) for v in read.values(params, name)}
    out = []
    for value, label, count in rows[:limit]:
        if value in (None, ""):
            continue
        value = str(value)
        selected = value in chosen
        query = querystring(params, drop=name, value=value) if selected else adding(params, name, value)
        out.append(Facet(value, str(label or value), count, selected, query))
    return out


def _country_counts(events: QuerySet, limit: int) -> list[tuple[str, str, int]]:
    """Events per country of their place or of any actor; an event counts once per country."""
    inner, inner_params = events.order_by().values("pk").query.sql_with_params()
    entity, actor, event = Entity._meta.db_table, EventActor._meta.db_table, Event._meta.db_table
    # Only table names (from the models) are formatted in; every value is a parameter.
    sql = f"""
        SELECT c, (SELECT name FROM {entity} WHERE kind = 'country' AND iso_code = c
                   ORDER BY merged_into_id NULLS FIRST, id LIMIT 1), COUNT(DISTINCT e) AS n
        FROM (
            SELECT ea.event_id AS e, en.country AS c FROM {actor} ea
            JOIN {entity} en ON en.id = ea.entity_id WHERE ea.event_id IN ({inner})
            UNION ALL
            SELECT ev.id, en.country FROM {event} ev
            JOIN {entity} en ON en.id = ev.place_id WHERE ev.id IN ({inner})
        ) pairs
        WHERE c <> ''
        GROUP BY c ORDER BY n DESC, c LIMIT %s
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*inner_params, *inner_params, limit])
        return [(code, name or code, n) for code, name, n in cursor.fetchall()]


def _type_rows(conds: dict, limit: int) -> list[tuple]:
    types = load_taxonomy().types
    rows = events_where(conds, "type").values("type").annotate(n=Count("pk")).order_by("-n", "type")
    return [(r["type"], types[r["type"]].label if r["type"] in types else r["type"], r["n"]) for r in rows]


def _outlet_rows(conds: dict, limit: int) -> list[tuple]:
    # Grouped by the outlet's key, so that outlet_name_shared runs once per outlet listed.
    rows = (
        Outlet.objects.filter(articles__event_links__event__in=_ids(conds, "outlet"))
        .annotate(n=Count("articles__event_links__event", distinct=True), shared=outlet_name_shared())
        .order_by("-n", "name")
        .values_list("pk", "name", "domain", "n", "shared")
    )
    return [(pk, outlet_label(name, domain, shared), n) for pk, name, domain, n, shared in rows[:limit]]


def _country_rows(conds: dict, limit: int) -> list[tuple]:
    return _country_counts(_ids(conds, "country"), limit)


def _tag_rows(conds: dict, limit: int) -> list[tuple]:
    rows = (
        Tagging.objects.filter(event__in=_ids(conds, "tag"))
        .values("tag__slug", "tag__name")
        .annotate(n=Count("event", distinct=True))
        .order_by("-n", "tag__name")
    )
    return [(r["tag__slug"], r["tag__name"], r["n"]) for r in rows[:limit]]


def _review_rows(conds: dict, limit: int) -> list[tuple]:
    # One conditional count per status over the events, not a join of every claim to its
    # events (0.6 s at 710k claims); statuses no event has are left out, as before.
    counts = events_where(conds, "review").aggregate(
        **{status: Count("pk", filter=Q(has_claims_in_review(status))) for status in Claim.Review.values}
    )
    return [
        (status, label, counts[status]) for status, label in sorted(Claim.Review.choices) if counts[status]
    ]


def _actor_rows(conds: dict, limit: int) -> list[tuple]:
    # Actors combine with "and": counted over all current filters, their own included.
    rows = (
        EventActor.objects.filter(event__in=_ids(conds))
        .values("entity", "entity__name")
        .annotate(n=Count("event", distinct=True))
        .order_by("-n", "entity__name")
    )
    return [(r["entity"], r["entity__name"], r["n"]) for r in rows[:limit]]


def _place_rows(conds: dict, limit: int) -> list[tuple]:
    rows = (
        events_where(conds, "place")
        .filter(place__isnull=False)
        .values("place", "place__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "place__name")
    )
    return [(r["place"], r["place__name"], r["n"]) for r in rows[:limit]]


def _ids(conds: dict, without: str = "") -> QuerySet:
    return events_where(conds, without).values("pk")


# The event list's facets in the order they are counted, each with its rows and how many
# values it lists at most (None: the `limit` of event_facets).
EVENT_FACETS = {
    "type": (_type_rows, 50),
    "outlet": (_outlet_rows, None),
    "country": (_country_rows, None),
    "tag": (_tag_rows, None),
    "review": (_review_rows, None),
    "actor": (_actor_rows, None),
    "place": (_place_rows, None),
}


def event_facets(params, limit: int = 12) -> dict[str, list[Facet]]:
    """What the event list could narrow to, with counts: seven queries, whatever the rows
    (none while the same filters' counts are cached, see `_facet_rows`).

    Each facet counts over the current filters without its own (so the other choices stay in
    view), except actors: they combine with "and", so their counts are over the current
    filters, and a count says what adding that actor would leave.
    """
    rows = _facet_rows(params, limit)
    return {
        name: _facet_list(params, name, rows[name], shown or limit)
        for name, (_rows, shown) in EVENT_FACETS.items()
    }


def _facet_rows(params, limit: int) -> dict[str, list[tuple]]:
    """Each facet's (value, label, count) rows, kept EVENT_FACETS_CACHE_SECONDS per filter set.

    Counting facets is a pass over every event the filters leave (0.3-1 s at 20,000 events),
    and the answer changes only as slowly as articles are clustered: an analyst paging,
    sorting or coming back to the same filters gets the counts of up to a minute ago. The
    rows are cached, not the links, which carry the page and sort.
    """
    seconds = settings.EVENT_FACETS_CACHE_SECONDS
    key = _facet_cache_key(params, limit)
    if seconds > 0 and (cached := cache.get(key)) is not None:
        return cached
    conds = event_conditions(params)
    rows = {name: [tuple(row) for row in rows(conds, limit)] for name, (rows, _shown) in EVENT_FACETS.items()}
    if seconds > 0:
        cache.set(key, rows, seconds)
    return rows


def _facet_cache_key(params, limit: int) -> str:
    # Only what the counts depend on: the filters (as read, so "?type=" and no type share).
    from events.lists import LISTS  # the registry reads this module's neighbours

    names = (*LISTS["event"].params, "main")
    filters = [(name, sorted(set(read.values(params, name)))) for name in names]
    digest = hashlib.sha256(json.dumps([limit, filters]).encode()).hexdigest()[:32]
    return f"event-facets:{digest}"


# --- active filters ----------------------------------------------------------------------------

PARAM_LABELS = {
    "q": _("search"),
    "date_from": _("from"),
    "date_to": _("to"),
    "actor": _("actor"),
    "place": _("place"),
    "country": _("country"),
    "type": _("type"),
    "outlet": _("outlet"),
    "tag": _("tag"),
    "review": _("review"),
    "speaker": _("speaker"),
    "source": _("source"),
    "about": _("about"),
    "kind": _("kind"),
    "event": _("event"),
    "article": _("article"),
    "entity": _("entity"),
    "provisional": _("provisional"),
}


@dataclass
class ActiveFilter:
    param: str
    value: str
    name: str  # what the parameter is ("actor")
    label: str  # what it is set to ("Wladimir Putin")
    remove: str  # the querystring without it


def active_filters(kind: str, params) -> list[ActiveFilter]:
    """The filters in force, each with the querystring that removes it ("remove this filter").

    Values that the filters ignore (bad dates, non-numeric ids) are listed too, so that they
    can be taken out of the URL. Names of ids cost one query per kind of record named.
    """
    from events.lists import LISTS  # the registry reads this module's neighbours

    wanted = LISTS[kind].params
    present = [(name, value) for name in wanted for value in dict.fromkeys(read.values(params, name))]
    names = _names_of(present)
    types = load_taxonomy().types
    choices = {
        "review": dict(Claim.Review.choices),
        "kind": dict(Entity.Kind.choices if kind == "entity" else Claim.Kind.choices),
        "type": {k: t.label for k, t in types.items()},
    }
    out = []
    for name, value in present:
        if name == "provisional":
            label = ""
        else:
            label = names.get((name, value)) or str(choices.get(name, {}).get(value, value))
        out.append(
            ActiveFilter(
                name, value, str(PARAM_LABELS.get(name, name)), label, querystring(params, name, value)
            )
        )
    return out


# Parameters that name a record by id, and the field that names it (outlets: their label).
NAMED_BY_ID = {
    "event": (Event.objects, "pk", "title"),
    "article": (Article.objects, "pk", "title"),
}


def _names_of(present: list[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """The names of the records that (parameter, value) pairs name: one query per kind."""

    def ids(*params: str) -> set[str]:
        return {v for n, v in present if n in params and v.isdigit() and len(v) < 10}

    names: dict[tuple[str, str], str] = {}
    if entity_ids := ids(*ENTITY_PARAMS):
        for pk, name in Entity.objects.filter(pk__in=entity_ids).values_list("pk", "name"):
            for param in ENTITY_PARAMS:
                names[(param, str(pk))] = name
    for param, (manager, key, field) in NAMED_BY_ID.items():
        if values := ids(param):
            for pk, name in manager.filter(**{f"{key}__in": values}).values_list(key, field):
                names[(param, str(pk))] = name or f"#{pk}"
    if outlet_ids := ids("outlet"):
        for pk, label in Outlet.objects.filter(pk__in=outlet_ids).choices():
            names[("outlet", str(pk))] = label
    slugs = [v for n, v in present if n == "tag"]
    if slugs:
        for slug, name in Tag.objects.filter(slug__in=slugs).values_list("slug", "name"):
            names[("tag", slug)] = name
    return names
