"""Test data in one place: users per role, logged-in clients, and one small function per model
that builds a record the way the pipeline leaves it.

Plain functions rather than factory_boy: each test reads its data in a few lines, and no
dependency is added. Each test file still builds its own small world from these (what a test
checks depends on exactly that data), and the Korea summit cast that most page tests share
is `cast()`. Django models are imported inside the functions, so that importing this module
(from conftest.py) leaves pure tests runnable without Django.
"""

from __future__ import annotations

import datetime as dt
import itertools

PASSWORD = "test-Passw0rt-lang"
# A logged-in user in no group: the persona the every-URL table calls "no role".
NO_ROLE = "no-role"

_serial = itertools.count(1)


# --- users -------------------------------------------------------------------------------------


def user(role: str, username: str | None = None):
    """A user in one role (portal.roles), or in none for NO_ROLE; the password is PASSWORD."""
    from django.contrib.auth.models import User

    from portal.roles import user_create

    username = username or f"{role}-{next(_serial)}"
    if role == NO_ROLE:
        return User.objects.create_user(username=username, password=PASSWORD)
    return user_create(username=username, role=role, password=PASSWORD)


def login(client, someone):
    """The client, logged in as `someone` (a user made here, so the password is known)."""
    assert client.login(username=someone.username, password=PASSWORD)
    return client


# --- records -----------------------------------------------------------------------------------


def index(*articles) -> None:
    """Fill search_vector exactly as the ingest layer does."""
    from ingest.services import article_index

    for one in articles:
        article_index(one.pk)


def outlet(name: str = "Tagesschau", country: str = "DE", domain: str | None = None):
    from ingest.models import Outlet

    domain = domain or f"{name.lower().replace(' ', '')}-{next(_serial)}.de"
    return Outlet.objects.create(name=name, domain=domain, country=country)


def article(
    title: str, text: str, source=None, day: dt.date | None = None, *, indexed: bool = True, **fields
):
    """An analysed article published at noon of `day` (local time), indexed unless `indexed` is
    False; `fields` set anything else or replace these defaults (status, url, published_at)."""
    from django.utils import timezone

    from ingest.models import Article

    url = fields.pop("url", f"https://example.org/{next(_serial)}")
    published = timezone.make_aware(dt.datetime.combine(day, dt.time(12))) if day else None
    defaults = {
        "url": url,
        "canonical_url": url,
        "status": Article.Status.ANALYZED,
        "published_at": published,
    }
    created = Article.objects.create(title=title, text=text, outlet=source, **{**defaults, **fields})
    if indexed:
        index(created)
    return created


def analysis(the_article, **fields):
    """The article's analysis record, as the analysis task leaves it (clustered, so the
    clustering sweep leaves it alone); `fields` replace these (first_analyzed_at, say)."""
    from django.utils import timezone

    from events.models import ArticleAnalysis

    now = timezone.now()
    return ArticleAnalysis.objects.create(article=the_article, **{"clustered_at": now, **fields})


def entity(name: str, kind: str = "person", country: str = "", **extra):
    from events.models import Entity

    return Entity.objects.create(
        key=f"test:{kind}:{name}:{next(_serial)}", kind=kind, name=name, country=country, **extra
    )


def event(title: str, type: str = "meet", day=None, place=None, actors=(), articles=(), **fields):
    """An event; each of `actors` is an entity (a participant) or an (entity, role) pair."""
    from events.models import Event

    created = Event.objects.create(title=title, type=type, date=day, place=place, **fields)
    for actor in actors:
        one, role = actor if isinstance(actor, tuple) else (actor, "participant")
        event_actor(created, one, role)
    for linked in articles:
        event_article(created, linked)
    return created


def event_actor(the_event, the_entity, role: str = "participant"):
    from events.models import EventActor

    return EventActor.objects.create(event=the_event, entity=the_entity, role=role)


def event_article(the_event, the_article, trigger: str = ""):
    from events.models import EventArticle

    return EventArticle.objects.create(event=the_event, article=the_article, trigger=trigger)


def mention(the_article, the_entity, text: str, start: int | None = None, label: str = "PER", **fields):
    """A mention of `text`, at `start` or where the article's text first has it."""
    from events.models import Mention
    from events.services.entity_counts import counts_follow

    start = the_article.text.find(text) if start is None else start
    # As the analysis writes mentions: the entity's stored counts follow.
    with counts_follow([the_article.pk]):
        return Mention.objects.create(
            article=the_article,
            entity=the_entity,
            label=label,
            start=start,
            end=start + len(text),
            text=text,
            **fields,
        )


def alias(the_entity, text: str, **fields):
    from events.models import Alias

    return Alias.objects.create(entity=the_entity, text=text, normalized=text.lower(), **fields)


def claim(
    source_article,
    content: str,
    speaker=None,
    review="unverified",
    kind="indirect_speech",
    *,
    reviewer=None,
    reason: str = "",
    **fields,
):
    """A claim whose span and content are `content`, found in the article's text; `fields` set
    anything else or replace these defaults (e.g. a wider span: start, end). A `reviewer` set
    the review as of now, with its `reason`."""
    from django.utils import timezone

    from events.models import Claim
    from events.services.entity_counts import counts_follow

    start = max(source_article.text.find(content), 0)
    defaults = {
        "kind": kind,
        "evidential": "reported",
        "start": start,
        "end": start + len(content),
        "content_start": start,
        "content_end": start + len(content),
        "speaker": speaker,
        "speaker_text": speaker.name if speaker else "",
        "review_status": review,
    }
    if reviewer is not None:
        defaults |= {"reviewed_by": reviewer, "reviewed_at": timezone.now(), "review_reason": reason}
    with counts_follow([source_article.pk]):  # a claim about an entity counts on its page
        return Claim.objects.create(article=source_article, content=content, **{**defaults, **fields})


def tag(name: str, parent=None):
    from events.models import Tag

    return Tag.objects.create(name=name, slug=name.lower(), parent=parent)


def tagged(the_tag, **target):
    from events.models import Tagging

    return Tagging.objects.create(tag=the_tag, **target)


def watchlist(owner, kind: str = "event", query: str = "", entity=None, name: str = ""):
    """The owner's watchlist of a list's filters (`query`) or of an `entity` (kind "entity"),
    saved as the "save as watchlist" button saves it."""
    from events.services.watchlists import watchlist_create

    return watchlist_create(owner=owner, kind=kind, query=query, entity=entity, name=name)[0]


# --- the cast of the page tests ------------------------------------------------------------------

CAST = {
    "putin": {"key": "t:putin", "kind": "person", "name": "Wladimir Putin", "country": "RU"},
    "kim": {"key": "t:kim", "kind": "person", "name": "Kim Jong Un", "country": "KP"},
    "lawrow": {"key": "t:lawrow", "kind": "person", "name": "Sergej Lawrow", "country": "RU"},
    "schoigu": {"key": "t:schoigu", "kind": "person", "name": "Sergej Schoigu", "country": "RU"},
    "choe": {"key": "t:choe", "kind": "person", "name": "Choe Son Hui", "country": "KP"},
    "pj": {
        "key": "t:pj",
        "kind": "place",
        "name": "Pjöngjang",
        "country": "KP",
        "latitude": 39.03,
        "longitude": 125.75,
    },
    "wonsan": {
        "key": "t:wonsan",
        "kind": "place",
        "name": "Wonsan",
        "country": "KP",
        "latitude": 39.15,
        "longitude": 127.44,
    },
    "kp": {
        "key": "t:kp",
        "kind": "country",
        "name": "Nordkorea",
        "country": "KP",
        "iso_code": "KP",
        "latitude": 39.0,
        "longitude": 125.7,
    },
}


def cast(*names: str, **changes: dict) -> dict:
    """The entities `names` of CAST, each with its `changes` (e.g. kp={"latitude": None})."""
    from events.models import Entity

    return {name: Entity.objects.create(**{**CAST[name], **changes.get(name, {})}) for name in names}
