"""One filter language for the list pages, their exports, the API and bulk tagging.

    from events.lists import filtered
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

Events and articles matched by `q` carry a `rank` annotation (events: only the newest
RANKED_EVENTS matches are ranked; sorted by relevance, the older ones follow by date), events also `best_article_id`
(their best matching article, for the snippet); `snippets()` turns those into highlighted
HTML. Each kind's sorts are the keys of its *_ORDER table, the first one the default.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchHeadline, SearchRank
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.safestring import SafeString

from events.models import (
    Alias,
    Claim,
    Entity,
    Event,
    EventActor,
    EventArticle,
    Mention,
    Tagging,
    is_main_event,
)
from events.presentation.highlight import START_SEL, STOP_SEL, highlight
from events.selectors import parameters as read
from events.selectors.parameters import SEARCH_CONFIG
from ingest.models import Article

# --- shared conditions -------------------------------------------------------------------------


def tag_condition(kind: str, slug: str) -> Exists:
    # A broader tag also finds what carries its narrower tags ("Nordkorea" finds "Raketentests").
    tag = Q(tag__slug=slug) | Q(tag__parent__slug=slug) | Q(tag__parent__parent__slug=slug)
    return Exists(Tagging.objects.filter(tag, **{kind: OuterRef("pk")}))


def subquery_count(queryset: QuerySet, key: str, field: str = "pk", distinct: bool = False) -> Coalesce:
    """A correlated COUNT subquery (no GROUP BY on the outer query, no join fan-out)."""
    counted = queryset.order_by().values(key).annotate(n=Count(field, distinct=distinct)).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _ordered(records: QuerySet, orders: dict, params, has_query: bool) -> QuerySet:
    return records.order_by(*orders[read.sort(params, tuple(orders), has_query)])


# --- events ------------------------------------------------------------------------------------

EVENT_ORDER = {
    "-date": [F("date").desc(nulls_last=True), "-id"],
    "date": [F("date").asc(nulls_last=True), "id"],
    "-articles": ["-article_count", F("date").desc(nulls_last=True), "-id"],
    "articles": ["article_count", F("date").desc(nulls_last=True), "-id"],
    "relevance": [F("rank").desc(nulls_last=True), F("date").desc(nulls_last=True), "-id"],
    "title": ["title", "id"],
}


def event_conditions(params) -> dict[str, list]:
    """Each parameter's conditions, by name, so that facets can leave their own one out."""
    conds: dict[str, list] = {}
    query = read.search_query(params)
    if query is not None:
        conds["q"] = [Exists(EventArticle.objects.filter(event=OuterRef("pk"), article__search_vector=query))]
    if day := read.day(params, "date_from"):
        conds["date_from"] = [Q(date__gte=day)]
    if day := read.day(params, "date_to"):
        conds["date_to"] = [Q(date__lte=day)]
    if actors := read.ids(params, "actor"):
        conds["actor"] = [
            Exists(EventActor.objects.filter(event=OuterRef("pk"), entity_id=pk))
            for pk in dict.fromkeys(actors)
        ]
    if (place := read.one_id(params, "place")) is not None:
        conds["place"] = [Q(place_id=place)]
    if country := read.country(params):
        actor_here = Exists(EventActor.objects.filter(event=OuterRef("pk"), entity__country=country))
        conds["country"] = [Q(place__country=country) | actor_here]
    if event_type := read.text(params, "type"):
        conds["type"] = [Q(type=event_type)]
    if read.text(params, "main") == "1":
        conds["main"] = [is_main_event()]
    if (outlet := read.one_id(params, "outlet")) is not None:
        conds["outlet"] = [
            Exists(EventArticle.objects.filter(event=OuterRef("pk"), article__outlet_id=outlet))
        ]
    if slug := read.text(params, "tag"):
        conds["tag"] = [tag_condition("event", slug)]
    if review := read.choice(params, "review", Claim.Review.values):
        conds["review"] = [has_claims_in_review(review)]
    return conds


def has_claims_in_review(review: str) -> Exists:
    """True for an event one of whose articles has a claim in this review status. Link to
    claim directly (not through the article): two index-only probes per article
    (claim_article_review_idx) instead of a join over every claim."""
    claims = Claim.objects.filter(article_id=OuterRef("article_id"), review_status=review)
    return Exists(EventArticle.objects.filter(Exists(claims), event=OuterRef("pk")))


def events_where(conds: dict[str, list], without: str = "") -> QuerySet:
    events = Event.objects.active()
    for name, items in conds.items():
        if name != without:
            events = events.filter(*items)
    return events


# A search ranks only its newest this many matching events by relevance; the older matches
# follow them, newest first. Ranking reads every article vector of every matching event: for
# a common word ("Regierung": 9,300 events, 37,000 articles) that cost 0.3 s per page.
RANKED_EVENTS = 500


def filter_events(params) -> QuerySet:
    query = read.search_query(params)
    matched = events_where(event_conditions(params))
    events = matched.annotate(
        article_count=subquery_count(EventArticle.objects.filter(event=OuterRef("pk")), "event")
    )
    if query is not None:
        matching = (
            EventArticle.objects.filter(event=OuterRef("pk"), article__search_vector=query)
            .annotate(r=SearchRank(F("article__search_vector"), query))
            .order_by("-r", "article_id")
        )
        # One uncorrelated subquery (hashed once); CASE evaluates the rank only where it holds.
        newest = matched.order_by(*EVENT_ORDER["-date"]).values("pk")[:RANKED_EVENTS]
        events = events.annotate(
            rank=Case(When(pk__in=newest, then=Subquery(matching.values("r")[:1]))),
            best_article_id=Subquery(matching.values("article_id")[:1]),
        )
    return _ordered(events, EVENT_ORDER, params, query is not None)


# --- claims ------------------------------------------------------------------------------------

_PUBLISHED = F("article__published_at")
CLAIM_ORDER = {
    "-date": [_PUBLISHED.desc(nulls_last=True), "-article_id", "start"],
    "date": [_PUBLISHED.asc(nulls_last=True), "article_id", "start"],
    "relevance": ["-rank", _PUBLISHED.desc(nulls_last=True), "-id"],
    "speaker": [F("speaker__name").asc(nulls_last=True), "speaker_text", "-id"],
}
# Claim parameters that are one id, and the field each one filters.
CLAIM_ID_FIELDS = {"speaker": "speaker_id", "source": "source_id"}


def _claims_by_record(claims: QuerySet, params) -> QuerySet:
    """The filters that links set: a speaker, a source, what it is about, an event, an article."""
    for name, field in CLAIM_ID_FIELDS.items():
        if (pk := read.one_id(params, name)) is not None:
            claims = claims.filter(**{field: pk})
    if (about := read.one_id(params, "about")) is not None:
        claims = claims.about(about)
    if (outlet := read.one_id(params, "outlet")) is not None:
        claims = claims.filter(article__outlet_id=outlet)
    if (event := read.one_id(params, "event")) is not None:
        claims = claims.filter(
            Exists(EventArticle.objects.filter(event_id=event, article_id=OuterRef("article_id")))
        )
    if (article := read.one_id(params, "article")) is not None:
        claims = claims.filter(article_id=article)
    return claims


def _claims_by_value(claims: QuerySet, params) -> QuerySet:
    """The filters of the form's fields: kind, mood, review, tag, dates."""
    if kind := read.choice(params, "kind", Claim.Kind.values):
        claims = claims.filter(kind=kind)
    if (mood := read.text(params, "mood")) in ("statement", *Claim.Mood.values[1:]):
        claims = claims.filter(mood="" if mood == "statement" else mood)  # "" is every mood
    if review := read.choice(params, "review", Claim.Review.values):
        claims = claims.filter(review_status=review)
    if slug := read.text(params, "tag"):
        claims = claims.filter(tag_condition("claim", slug))
    if day := read.day(params, "date_from"):
        claims = claims.filter(article__published_at__date__gte=day)
    if day := read.day(params, "date_to"):
        claims = claims.filter(article__published_at__date__lte=day)
    return claims


def filter_claims(params) -> QuerySet:
    claims = Claim.objects.all()
    query = read.search_query(params)
    if query is not None:
        # The stored vector (Claim.search_vector, GIN-indexed): never computed per row here.
        claims = claims.filter(search_vector=query).annotate(rank=SearchRank(F("search_vector"), query))
    claims = _claims_by_value(_claims_by_record(claims, params), params)
    return _ordered(claims, CLAIM_ORDER, params, query is not None)


# --- entities ----------------------------------------------------------------------------------

ENTITY_ORDER = {
    "-mentions": ["-mention_count", "name", "id"],
    "mentions": ["mention_count", "name", "id"],
    "name": ["name", "id"],
    "-name": ["-name", "-id"],
}


def filter_entities(params) -> QuerySet:
    # mention_count is stored (events.services.entity_counts): sorting by a count made per
    # request counted all 2.7 million mentions of the archive.
    entities = Entity.objects.active()
    text = read.text(params, "q")
    provisional = read.text(params, "provisional") in ("1", "true", "on")
    slug = read.text(params, "tag")
    if text:
        aliased = Exists(Alias.objects.filter(entity=OuterRef("pk"), text__icontains=text))
        entities = entities.filter(Q(name__icontains=text) | aliased)
    if kind := read.choice(params, "kind", Entity.Kind.values):
        entities = entities.filter(kind=kind)
    if country := read.country(params):
        entities = entities.filter(country=country)
    if provisional:
        entities = entities.filter(provisional=True)
    if slug:
        entities = entities.filter(tag_condition("entity", slug))
    if not (text or provisional or slug):
        # 35,000 seeded places: without a search, show what the news names.
        entities = entities.filter(mention_count__gt=0)
    return _ordered(entities, ENTITY_ORDER, params, False)


# --- articles ----------------------------------------------------------------------------------

ARTICLE_ORDER = {
    "-date": [F("published_at").desc(nulls_last=True), "-id"],
    "date": [F("published_at").asc(nulls_last=True), "id"],
    "relevance": ["-rank", F("published_at").desc(nulls_last=True), "-id"],
    "title": ["title", "id"],
}


def articles_where(params) -> QuerySet:
    """The articles `params` select, neither ranked nor sorted (the list, and the coverage by
    outlet, which counts them)."""
    articles = Article.objects.all()
    if (query := read.search_query(params)) is not None:
        articles = articles.filter(search_vector=query)
    if (outlet := read.one_id(params, "outlet")) is not None:
        articles = articles.filter(outlet_id=outlet)
    if day := read.day(params, "date_from"):
        articles = articles.filter(published_at__date__gte=day)
    if day := read.day(params, "date_to"):
        articles = articles.filter(published_at__date__lte=day)
    if (entity := read.one_id(params, "entity")) is not None:
        articles = articles.filter(Exists(Mention.objects.filter(article=OuterRef("pk"), entity_id=entity)))
    if (event := read.one_id(params, "event")) is not None:
        articles = articles.filter(
            Exists(EventArticle.objects.filter(article=OuterRef("pk"), event_id=event))
        )
    if slug := read.text(params, "tag"):
        articles = articles.filter(tag_condition("article", slug))
    return articles


def filter_articles(params) -> QuerySet:
    articles = articles_where(params)
    query = read.search_query(params)
    if query is not None:
        articles = articles.annotate(rank=SearchRank(F("search_vector"), query))
    return _ordered(articles, ARTICLE_ORDER, params, query is not None)


# --- snippets ----------------------------------------------------------------------------------


def snippets(article_ids, params) -> dict[int, SafeString]:
    """The best passages of these articles for the query in `params`, highlighted; one query."""
    query = read.search_query(params)
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
