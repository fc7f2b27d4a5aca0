"""One filter language for the list pages, their exports, the API and bulk tagging.

    from events.filters import filtered
    events = filtered("event", request.GET)  # an Event queryset, filtered and sorted

Parameters (the same names everywhere; a repeatable one may appear several times):

- event: q, date_from, date_to, actor (repeatable: all must take part), place, country, type,
  outlet, tag, review, sort (date|-date|articles|-articles|relevance|title)
- claim: q, speaker, source, about, kind, review, outlet, tag, event, article, date_from,
  date_to, sort (date|-date|relevance|speaker)
- entity: q, kind, country, provisional, tag, sort (-mentions|mentions|name|-name)
- article: q, outlet, date_from, date_to, entity, event, tag, sort (date|-date|relevance|title)

Ids are numbers, dates YYYY-MM-DD, countries ISO 3166 alpha-2, tags slugs (a tag also finds
what carries its narrower tags, two levels down). A value that does not parse is ignored, as
if the parameter were missing: a hand-edited URL gives a wider list, never an error. `q` is
PostgreSQL full text in the `german` configuration ("Sanktion" finds "Sanktionen"), written
like a web search: words, "quoted phrases", -excluded, or.

Events and articles matched by `q` carry a `rank` annotation, events also `best_article_id`
(their best matching article, for the snippet); `snippets()` turns those into highlighted
HTML. `event_facets()` counts what the event list could narrow to, and `active_filters()`
names the filters in force, each with the querystring that removes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import (
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from events.event_types import load_taxonomy
from events.models import Alias, Claim, Entity, Event, EventActor, EventArticle, Mention, Tag, Tagging
from ingest.models import Article, Outlet

KINDS = ("event", "claim", "entity", "article")
SORTS = {
    "event": ("-date", "date", "-articles", "articles", "relevance", "title"),
    "claim": ("-date", "date", "relevance", "speaker"),
    "entity": ("-mentions", "mentions", "name", "-name"),
    "article": ("-date", "date", "relevance", "title"),
}
# Parameters that hold an entity id, by list kind.
ENTITY_PARAMS = ("actor", "place", "speaker", "source", "about", "entity")
MAX_QUERY_CHARS = 300
# ts_headline marks matches with these; control characters that extracted text does not carry.
# Whatever the text holds, the markup built from them stays balanced (see highlight()).
START_SEL, STOP_SEL = "\x02", "\x03"
SEARCH_CONFIG = "german"
# Never loaded for a list: the text (up to megabytes), the raw page, the search vector.
ARTICLE_HEAVY_FIELDS = ("text", "raw_html", "search_vector", "simhash_bands")


# --- reading parameters ------------------------------------------------------------------------


def _values(params, name: str) -> list[str]:
    """All values of `name` in a QueryDict or a plain dict, stripped, empty ones dropped."""
    if hasattr(params, "getlist"):
        raw = params.getlist(name)
    else:
        raw = params.get(name, [])
        raw = raw if isinstance(raw, list | tuple) else [raw]
    return [str(v).strip() for v in raw if v is not None and str(v).strip()]


def _text(params, name: str) -> str:
    values = _values(params, name)
    return values[-1][:MAX_QUERY_CHARS] if values else ""


def _ids(params, name: str) -> list[int]:
    out = []
    for value in _values(params, name):
        if value.isascii() and value.isdigit() and len(value) < 10:
            out.append(int(value))
    return out


def _id(params, name: str) -> int | None:
    ids = _ids(params, name)
    return ids[-1] if ids else None


def _date(params, name: str) -> date | None:
    value = _text(params, name)
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _choice(params, name: str, choices) -> str:
    value = _text(params, name)
    return value if value in choices else ""


def _country(params) -> str:
    value = _text(params, "country").upper()
    return value if re.fullmatch(r"[A-Z]{2}", value) else ""


def _search_query(params) -> SearchQuery | None:
    text = _text(params, "q")
    return SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch") if text else None


def _sort(kind: str, params, has_query: bool) -> str:
    sort = _choice(params, "sort", SORTS[kind])
    if sort == "relevance" and not has_query:
        sort = ""
    return sort or ("relevance" if has_query and "relevance" in SORTS[kind] else SORTS[kind][0])


# --- shared conditions -------------------------------------------------------------------------


def _tag_condition(kind: str, slug: str) -> Exists:
    # A broader tag also finds what carries its narrower tags ("Nordkorea" finds "Raketentests").
    tag = Q(tag__slug=slug) | Q(tag__parent__slug=slug) | Q(tag__parent__parent__slug=slug)
    return Exists(Tagging.objects.filter(tag, **{kind: OuterRef("pk")}))


def _count(queryset: QuerySet, key: str, field: str = "pk", distinct: bool = False) -> Coalesce:
    """A correlated COUNT subquery (no GROUP BY on the outer query, no join fan-out)."""
    counted = queryset.order_by().values(key).annotate(n=Count(field, distinct=distinct)).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


# --- events ------------------------------------------------------------------------------------


def _event_conditions(params) -> dict[str, list]:
    """Each parameter's conditions, by name, so that facets can leave their own one out."""
    conds: dict[str, list] = {}
    query = _search_query(params)
    if query is not None:
        conds["q"] = [Exists(EventArticle.objects.filter(event=OuterRef("pk"), article__search_vector=query))]
    if day := _date(params, "date_from"):
        conds["date_from"] = [Q(date__gte=day)]
    if day := _date(params, "date_to"):
        conds["date_to"] = [Q(date__lte=day)]
    if actors := _ids(params, "actor"):
        conds["actor"] = [
            Exists(EventActor.objects.filter(event=OuterRef("pk"), entity_id=pk))
            for pk in dict.fromkeys(actors)
        ]
    if (place := _id(params, "place")) is not None:
        conds["place"] = [Q(place_id=place)]
    if country := _country(params):
        actor_here = Exists(EventActor.objects.filter(event=OuterRef("pk"), entity__country=country))
        conds["country"] = [Q(place__country=country) | actor_here]
    if event_type := _text(params, "type"):
        conds["type"] = [Q(type=event_type)]
    if (outlet := _id(params, "outlet")) is not None:
        conds["outlet"] = [
            Exists(EventArticle.objects.filter(event=OuterRef("pk"), article__outlet_id=outlet))
        ]
    if slug := _text(params, "tag"):
        conds["tag"] = [_tag_condition("event", slug)]
    if review := _choice(params, "review", Claim.Review.values):
        claims = Claim.objects.filter(article__event_links__event=OuterRef("pk"), review_status=review)
        conds["review"] = [Exists(claims)]
    return conds


def _events_where(conds: dict[str, list], without: str = "") -> QuerySet:
    events = Event.objects.active()
    for name, items in conds.items():
        if name != without:
            events = events.filter(*items)
    return events


def _filter_events(params) -> QuerySet:
    query = _search_query(params)
    events = _events_where(_event_conditions(params))
    events = events.annotate(article_count=_count(EventArticle.objects.filter(event=OuterRef("pk")), "event"))
    if query is not None:
        matching = (
            EventArticle.objects.filter(event=OuterRef("pk"), article__search_vector=query)
            .annotate(r=SearchRank(F("article__search_vector"), query))
            .order_by("-r", "article_id")
        )
        events = events.annotate(
            rank=Subquery(matching.values("r")[:1]),
            best_article_id=Subquery(matching.values("article_id")[:1]),
        )
    order = {
        "-date": [F("date").desc(nulls_last=True), "-id"],
        "date": [F("date").asc(nulls_last=True), "id"],
        "-articles": ["-article_count", F("date").desc(nulls_last=True), "-id"],
        "articles": ["article_count", F("date").desc(nulls_last=True), "-id"],
        "relevance": [F("rank").desc(nulls_last=True), F("date").desc(nulls_last=True), "-id"],
        "title": ["title", "id"],
    }[_sort("event", params, query is not None)]
    return events.order_by(*order)


# --- claims ------------------------------------------------------------------------------------


def _claim_vector() -> SearchVector:
    # Claims have no stored vector: their text is one sentence, searched on the fly.
    return (
        SearchVector("content", weight="A", config=SEARCH_CONFIG)
        + SearchVector("speaker_text", weight="B", config=SEARCH_CONFIG)
        + SearchVector("source_text", weight="C", config=SEARCH_CONFIG)
    )


def _filter_claims(params) -> QuerySet:
    claims = Claim.objects.all()
    query = _search_query(params)
    if query is not None:
        claims = claims.annotate(search=_claim_vector()).filter(search=query)
        claims = claims.annotate(rank=SearchRank(F("search"), query))
    for name in ("speaker", "source"):
        if (pk := _id(params, name)) is not None:
            claims = claims.filter(**{f"{name}_id": pk})
    if (about := _id(params, "about")) is not None:
        claims = claims.about(about)
    if kind := _choice(params, "kind", Claim.Kind.values):
        claims = claims.filter(kind=kind)
    if review := _choice(params, "review", Claim.Review.values):
        claims = claims.filter(review_status=review)
    if (outlet := _id(params, "outlet")) is not None:
        claims = claims.filter(article__outlet_id=outlet)
    if slug := _text(params, "tag"):
        claims = claims.filter(_tag_condition("claim", slug))
    if (event := _id(params, "event")) is not None:
        claims = claims.filter(
            Exists(EventArticle.objects.filter(event_id=event, article_id=OuterRef("article_id")))
        )
    if (article := _id(params, "article")) is not None:
        claims = claims.filter(article_id=article)
    if day := _date(params, "date_from"):
        claims = claims.filter(article__published_at__date__gte=day)
    if day := _date(params, "date_to"):
        claims = claims.filter(article__published_at__date__lte=day)
    published = F("article__published_at")
    order = {
        "-date": [published.desc(nulls_last=True), "-article_id", "start"],
        "date": [published.asc(nulls_last=True), "article_id", "start"],
        "relevance": ["-rank", published.desc(nulls_last=True), "-id"],
        "speaker": [F("speaker__name").asc(nulls_last=True), "speaker_text", "-id"],
    }[_sort("claim", params, query is not None)]
    return claims.order_by(*order)


# --- entities ----------------------------------------------------------------------------------


def _filter_entities(params) -> QuerySet:
    entities = Entity.objects.active().annotate(
        mention_count=_count(Mention.objects.filter(entity=OuterRef("pk")), "entity")
    )
    text = _text(params, "q")
    provisional = _text(params, "provisional") in ("1", "true", "on")
    slug = _text(params, "tag")
    if text:
        aliased = Exists(Alias.objects.filter(entity=OuterRef("pk"), text__icontains=text))
        entities = entities.filter(Q(name__icontains=text) | aliased)
    if kind := _choice(params, "kind", Entity.Kind.values):
        entities = entities.filter(kind=kind)
    if country := _country(params):
        entities = entities.filter(country=country)
    if provisional:
        entities = entities.filter(provisional=True)
    if slug:
        entities = entities.filter(_tag_condition("entity", slug))
    if not (text or provisional or slug):
        # 35,000 seeded places: without a search, show what the news names.
        entities = entities.filter(Exists(Mention.objects.filter(entity=OuterRef("pk"))))
    order = {
        "-mentions": ["-mention_count", "name", "id"],
        "mentions": ["mention_count", "name", "id"],
        "name": ["name", "id"],
        "-name": ["-name", "-id"],
    }[_sort("entity", params, False)]
    return entities.order_by(*order)


# --- articles ----------------------------------------------------------------------------------


def _filter_articles(params) -> QuerySet:
    articles = Article.objects.all()
    query = _search_query(params)
    if query is not None:
        articles = articles.filter(search_vector=query).annotate(rank=SearchRank(F("search_vector"), query))
    if (outlet := _id(params, "outlet")) is not None:
        articles = articles.filter(outlet_id=outlet)
    if day := _date(params, "date_from"):
        articles = articles.filter(published_at__date__gte=day)
    if day := _date(params, "date_to"):
        articles = articles.filter(published_at__date__lte=day)
    if (entity := _id(params, "entity")) is not None:
        articles = articles.filter(Exists(Mention.objects.filter(article=OuterRef("pk"), entity_id=entity)))
    if (event := _id(params, "event")) is not None:
        articles = articles.filter(
            Exists(EventArticle.objects.filter(article=OuterRef("pk"), event_id=event))
        )
    if slug := _text(params, "tag"):
        articles = articles.filter(_tag_condition("article", slug))
    order = {
        "-date": [F("published_at").desc(nulls_last=True), "-id"],
        "date": [F("published_at").asc(nulls_last=True), "id"],
        "relevance": ["-rank", F("published_at").desc(nulls_last=True), "-id"],
        "title": ["title", "id"],
    }[_sort("article", params, query is not None)]
    return articles.order_by(*order)


_FILTERS = {
    "event": _filter_events,
    "claim": _filter_claims,
    "entity": _filter_entities,
    "article": _filter_articles,
}


def filtered(kind: str, params) -> QuerySet:
    """The records of `kind` (event|claim|entity|article) that `params` select, sorted."""
    if kind not in _FILTERS:
        raise ValueError(f"unknown list {kind!r}; choose one of {', '.join(KINDS)}")
    return _FILTERS[kind](params)


# --- snippets ----------------------------------------------------------------------------------


def highlight(headline: str) -> SafeString:
    """ts_headline output as HTML: all text escaped, the matches (between the sentinels) in <mark>.

    Sentinels are paired up here, not trusted: a stray one is dropped, an open mark closed.
    """
    parts, open_mark = [], False
    for piece in re.split(f"([{START_SEL}{STOP_SEL}])", headline or ""):
        if piece == START_SEL:
            if not open_mark:
                parts.append("<mark>")
                open_mark = True
        elif piece == STOP_SEL:
            if open_mark:
                parts.append("</mark>")
                open_mark = False
        else:
            parts.append(escape(piece))
    if open_mark:
        parts.append("</mark>")
    return mark_safe("".join(parts))


def snippets(article_ids, params) -> dict[int, SafeString]:
    """The best passages of these articles for the query in `params`, highlighted; one query."""
    query = _search_query(params)
    ids = {pk for pk in article_ids if pk is not None}
    if query is None or not ids:
        return {}
    # The sentinels are taken out of the text first, so every one in the result marks a match.
    text = Func(
        F("text"), Value(f"[{START_SEL}{STOP_SEL}]"), Value(""), Value("g"), function="regexp_replace"
    )
    headline = SearchHeadline(
        text,
        query,
        config=SEARCH_CONFIG,
        start_sel=START_SEL,
        stop_sel=STOP_SEL,
        max_words=18,
        min_words=8,
        max_fragments=2,
        fragment_delimiter=" … ",
    )
    rows = Article.objects.filter(pk__in=ids).annotate(headline=headline).values_list("pk", "headline")
    return {pk: highlight(text) for pk, text in rows}


# --- querystrings ------------------------------------------------------------------------------


def _pairs(params) -> list[tuple[str, str]]:
    if hasattr(params, "lists"):
        items = params.lists()
    else:
        items = ((k, v if isinstance(v, list | tuple) else [v]) for k, v in params.items())
    return [(k, str(v)) for k, values in items for v in values if str(v).strip() != ""]


def querystring(params, drop: str = "", value: str | None = None, **replace) -> str:
    """`params` as a querystring without "page", without `drop` (or only its `value`), with
    `replace` set (a value of None removes the parameter). Empty values are left out."""
    pairs = [
        (k, v)
        for k, v in _pairs(params)
        if k != "page" and k not in replace and not (k == drop and (value is None or v == str(value)))
    ]
    pairs += [(k, str(v)) for k, v in replace.items() if v is not None and str(v) != ""]
    return urlencode(pairs)


def adding(params, name: str, value) -> str:
    """The querystring that also filters by `name`=`value` (repeatable `actor` adds one more)."""
    if name == "actor":
        base = querystring(params, drop="actor", value=str(value))
        extra = urlencode([("actor", str(value))])
        return f"{base}&{extra}" if base else extra
    return querystring(params, **{name: value})


# --- facets (event list) -----------------------------------------------------------------------


@dataclass
class Facet:
    value: str
    label: str
    count: int
    selected: bool
    query: str  # the list's querystring with this value chosen (or removed, if chosen)


def _facet_list(params, name: str, rows, limit: int) -> list[Facet]:
    chosen = {str(v) for v in _values(params, name)}
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
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [*inner_params, *inner_params, limit])
        return [(code, name or code, n) for code, name, n in cursor.fetchall()]


def event_facets(params, limit: int = 12) -> dict[str, list[Facet]]:
    """What the event list could narrow to, with counts: seven queries, whatever the rows.

    Each facet counts over the current filters without its own (so the other choices stay in
    view), except actors: they combine with "and", so their counts are over the current
    filters, and a count says what adding that actor would leave.
    """
    conds = _event_conditions(params)

    def ids(without=""):
        return _events_where(conds, without).values("pk")

    types = load_taxonomy().types
    type_rows = _events_where(conds, "type").values("type").annotate(n=Count("pk")).order_by("-n", "type")
    outlets = (
        EventArticle.objects.filter(event__in=ids("outlet"), article__outlet__isnull=False)
        .values("article__outlet", "article__outlet__name")
        .annotate(n=Count("event", distinct=True))
        .order_by("-n", "article__outlet__name")
    )
    tags = (
        Tagging.objects.filter(event__in=ids("tag"))
        .values("tag__slug", "tag__name")
        .annotate(n=Count("event", distinct=True))
        .order_by("-n", "tag__name")
    )
    reviews = (
        Claim.objects.filter(article__event_links__event__in=ids("review"))
        .values("review_status")
        .annotate(n=Count("article__event_links__event", distinct=True))
        .order_by("review_status")
    )
    actors = (
        EventActor.objects.filter(event__in=ids())
        .values("entity", "entity__name")
        .annotate(n=Count("event", distinct=True))
        .order_by("-n", "entity__name")
    )
    places = (
        _events_where(conds, "place")
        .filter(place__isnull=False)
        .values("place", "place__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "place__name")
    )
    review_labels = dict(Claim.Review.choices)
    return {
        "type": _facet_list(
            params,
            "type",
            [
                (r["type"], types[r["type"]].label if r["type"] in types else r["type"], r["n"])
                for r in type_rows
            ],
            limit=50,
        ),
        "outlet": _facet_list(
            params,
            "outlet",
            [(r["article__outlet"], r["article__outlet__name"], r["n"]) for r in outlets[:limit]],
            limit,
        ),
        "country": _facet_list(params, "country", _country_counts(ids("country"), limit), limit),
        "tag": _facet_list(
            params, "tag", [(r["tag__slug"], r["tag__name"], r["n"]) for r in tags[:limit]], limit
        ),
        "review": _facet_list(
            params,
            "review",
            [
                (r["review_status"], review_labels.get(r["review_status"], r["review_status"]), r["n"])
                for r in reviews
            ],
            limit,
        ),
        "actor": _facet_list(
            params, "actor", [(r["entity"], r["entity__name"], r["n"]) for r in actors[:limit]], limit
        ),
        "place": _facet_list(
            params, "place", [(r["place"], r["place__name"], r["n"]) for r in places[:limit]], limit
        ),
    }


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
PARAMS = {
    "event": ("q", "date_from", "date_to", "actor", "place", "country", "type", "outlet", "tag", "review"),
    "claim": ("q", "speaker", "source", "about", "kind", "review", "outlet", "tag", "event", "article",
              "date_from", "date_to"),
    "entity": ("q", "kind", "country", "provisional", "tag"),
    "article": ("q", "outlet", "date_from", "date_to", "entity", "event", "tag"),
}  # fmt: skip


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
    wanted = PARAMS[kind]
    present = [(name, value) for name in wanted for value in dict.fromkeys(_values(params, name))]
    entity_ids = {int(v) for n, v in present if n in ENTITY_PARAMS and v.isdigit() and len(v) < 10}
    names: dict[tuple[str, str], str] = {}
    if entity_ids:
        for pk, name in Entity.objects.filter(pk__in=entity_ids).values_list("pk", "name"):
            for param in ENTITY_PARAMS:
                names[(param, str(pk))] = name
    lookups = {
        "outlet": (Outlet.objects, "pk", "name"),
        "event": (Event.objects, "pk", "title"),
        "article": (Article.objects, "pk", "title"),
    }
    for param, (manager, key, field) in lookups.items():
        values = [v for n, v in present if n == param and v.isdigit() and len(v) < 10]
        if values:
            for pk, name in manager.filter(**{f"{key}__in": values}).values_list(key, field):
                names[(param, str(pk))] = name or f"#{pk}"
    slugs = [v for n, v in present if n == "tag"]
    if slugs:
        for slug, name in Tag.objects.filter(slug__in=slugs).values_list("slug", "name"):
            names[("tag", slug)] = name
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


# --- what a row shows --------------------------------------------------------------------------


def with_details(kind: str, records: QuerySet) -> QuerySet:
    """`records` with what a list row or an export line shows, in a fixed number of queries
    (joins, counts as subqueries, one prefetch per relation), whatever the number of rows."""
    taggings = Prefetch("taggings", queryset=Tagging.objects.select_related("tag").order_by("tag__name"))
    if kind == "event":
        outlets = EventArticle.objects.filter(event=OuterRef("pk"), article__outlet__isnull=False)
        actors = EventActor.objects.select_related("entity").order_by("id")
        return (
            records.select_related("place")
            .annotate(outlet_count=_count(outlets, "event", "article__outlet", distinct=True))
            .prefetch_related(Prefetch("event_actors", queryset=actors), taggings)
        )
    if kind == "claim":
        return (
            records.select_related("speaker", "source", "article__outlet", "reviewed_by")
            .defer(*(f"article__{name}" for name in ARTICLE_HEAVY_FIELDS))
            .prefetch_related(taggings)
        )
    if kind == "article":
        return records.select_related("outlet").defer(*ARTICLE_HEAVY_FIELDS).prefetch_related(taggings)
    if kind == "entity":
        return records.prefetch_related(taggings)
    raise ValueError(f"unknown list {kind!r}")


def actors_of(event: Event) -> list[Entity]:
    """An event's actors (prefetched by with_details), each once, in the order they were added."""
    return list({link.entity_id: link.entity for link in event.event_actors.all()}.values())


def type_label(type_id: str) -> str:
    types = load_taxonomy().types
    return types[type_id].label if type_id in types else type_id
