"""The read-only REST API (/api/): auth, roles, fields, pagination, filters, schema, tokens."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
import yaml
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from events.api.pagination import PageNumberPagination
from events.models import Claim, Entity, Event, EventArticle, Tag
from ingest.models import Article, Outlet
from portal.roles import ANALYST, user_create
from tests import factories
from tests.conftest import PASSWORD
from tests.factories import NO_ROLE, login

KINDS = ("event", "entity", "claim", "article")
LIST_URLS = {kind: reverse(f"api:{kind}-list") for kind in KINDS}


# --- data -----------------------------------------------------------------------------------


class World:
    """n events, each with a place, two actors, two articles in two outlets, a claim and tags.

    The tags, the two outlets and the reviewer are shared: a second World in the same test reuses
    them. The articles are not indexed (the full-text test indexes the one it searches).
    """

    def __init__(self, n: int):
        self.tag = Tag.objects.filter(slug="sanktionen").first() or factories.tag("Sanktionen")
        self.tag2 = Tag.objects.filter(slug="nordkorea").first() or factories.tag("Nordkorea")
        self.outlets = [
            Outlet.objects.filter(domain=f"{name}.example").first()
            or factories.outlet(name, domain=f"{name}.example")
            for name in ("tagesschau", "spiegel")
        ]
        reviewer = User.objects.filter(username="reviewer").first()
        self.reviewer = reviewer or factories.user(NO_ROLE, "reviewer")
        self.events, self.articles, self.claims, self.entities = [], [], [], []
        for i in range(n):
            self._add(i)

    def _add(self, i: int) -> None:
        place = factories.entity(f"Ort {i}", "place", "KP", latitude=39.0 + i / 100, longitude=125.7,
                                 geonames_id=1000 + i)  # fmt: skip
        putin = factories.entity(f"Person {i}", "person", "RU", wikidata=f"Q{i}")
        org = factories.entity(f"Org {i}", "organization")
        factories.alias(putin, f"Persons {i}")
        factories.alias(putin, f"P{i}", kind="abbreviation")
        event = factories.event(f"Treffen {i}", "meet", dt.date(2024, 6, 1 + i % 28), place,
                                actors=[(putin, "source"), (org, "target")])  # fmt: skip
        text = f"Person {i} traf Org {i} in Ort {i}. „Wir sind Freunde“, sagte Person {i}."
        for j, outlet in enumerate(self.outlets):
            article = factories.article(
                f"Artikel {i}.{j}", text, outlet, indexed=False, language="de", published_at=timezone.now(),
                authors=["A. Autor"],
            )  # fmt: skip
            factories.event_article(event, article)
            factories.mention(article, putin, f"Person {i}")
            factories.tagged(self.tag, article=article)
            self.articles.append(article)
        claim = factories.claim(
            article, "Wir sind Freunde", putin, "confirmed", "direct_quote", reviewer=self.reviewer,
            reason="Video", evidential="asserted", start=30, end=60, cue="sagte", source_text="dpa",
        )  # fmt: skip
        for target in ({"event": event}, {"claim": claim}, {"entity": putin}):
            factories.tagged(self.tag, **target)
            factories.tagged(self.tag2, **target)
        self.events.append(event)
        self.claims.append(claim)
        self.entities += [place, putin, org]


@pytest.fixture
def world(db):
    return World(2)


def token_client(user) -> Client:
    token = Token.objects.create(user=user)
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}")


@pytest.fixture
def api(analyst) -> Client:
    """An analyst's client authenticated by token (no session)."""
    return token_client(analyst)


def detail_url(kind: str, pk: int) -> str:
    return reverse(f"api:{kind}-detail", args=[pk])


# --- authentication and roles ---------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_anonymous_gets_401_with_a_token_challenge(db, client, kind):
    response = client.get(LIST_URLS[kind])
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_anonymous_api_call_is_not_redirected_to_the_login_page(db, client):
    response = client.get(detail_url("event", 1), HTTP_ACCEPT="text/html")
    assert response.status_code == 401


def test_wrong_token_gets_401(db):
    response = Client(HTTP_AUTHORIZATION="Token " + "0" * 40).get(LIST_URLS["event"])
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_revoked_token_gets_401(analyst):
    client = token_client(analyst)
    assert client.get(LIST_URLS["event"]).status_code == 200
    Token.objects.filter(user=analyst).delete()
    assert client.get(LIST_URLS["event"]).status_code == 401


def test_token_of_an_inactive_user_gets_401(analyst):
    client = token_client(analyst)
    analyst.is_active = False
    analyst.save()
    assert client.get(LIST_URLS["event"]).status_code == 401


def test_token_authenticates(api, world):
    response = api.get(LIST_URLS["event"])
    assert response.status_code == 200
    assert response.json()["count"] == 2


def test_session_authenticates(analyst_client, world):
    response = analyst_client.get(LIST_URLS["event"], HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response.json()["count"] == 2


def test_session_user_gets_the_browsable_api(analyst_client, world):
    response = analyst_client.get(LIST_URLS["event"], HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


def test_user_without_a_role_gets_403(db):
    user = User.objects.create_user("norole", password=PASSWORD)
    assert token_client(user).get(LIST_URLS["event"]).status_code == 403
    client = Client()
    client.login(username="norole", password=PASSWORD)
    assert client.get(LIST_URLS["event"]).status_code == 403
    assert client.get(reverse("api:schema")).status_code == 403
    assert client.get(reverse("api:docs")).status_code == 403
    # The token page too: without a role a user sees only "ask an admin for a role".
    assert client.get(reverse("api:token")).status_code == 403


@pytest.mark.parametrize(
    "persona, expected",
    [(None, 401), ("analyst", 200), ("editor", 200), ("admin", 200)],
    indirect=["persona"],
)
def test_every_api_url_per_role(persona, expected, world):
    urls = [
        *LIST_URLS.values(),
        detail_url("event", world.events[0].pk),
        detail_url("entity", world.entities[1].pk),
        detail_url("claim", world.claims[0].pk),
        detail_url("article", world.articles[0].pk),
        reverse("api:schema"),
    ]
    for url in urls:
        assert persona.get(url).status_code == expected, url


@pytest.mark.parametrize(
    "persona, expected",
    [(None, 302), ("analyst", 200), ("editor", 200), ("admin", 200)],
    indirect=["persona"],
)
def test_docs_and_token_pages_per_role(persona, expected):
    for url in (reverse("api:docs"), reverse("api:token")):
        response = persona.get(url)
        assert response.status_code == expected, url
        if expected == 302:
            assert response["Location"].startswith(reverse("login"))


def test_unknown_detail_is_404(api):
    for kind in KINDS:
        assert api.get(detail_url(kind, 999999)).status_code == 404


# --- read-only --------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writes_are_405_for_everybody(method, api, world):
    urls = [
        LIST_URLS["event"],
        detail_url("event", world.events[0].pk),
        detail_url("claim", world.claims[0].pk),
    ]
    for client in (api, Client()):
        for url in urls:
            response = getattr(client, method)(url, data={}, content_type="application/json")
            assert response.status_code == 405, (method, url)
    assert Event.objects.count() == 2


def test_head_and_options_are_allowed(api, world):
    assert api.head(LIST_URLS["event"]).status_code == 200
    response = api.options(detail_url("event", world.events[0].pk))
    assert response.status_code == 200
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "HEAD", "OPTIONS"}


# --- fields -------------------------------------------------------------------------------------


def test_event_fields(api, world):
    event = world.events[0]
    item = next(e for e in api.get(LIST_URLS["event"]).json()["results"] if e["id"] == event.pk)
    assert set(item) == {
        "id", "type", "main", "title", "date", "date_precision", "place", "actors", "article_count",
        "outlet_count", "tags", "url", "first_seen", "last_seen", "merged_into",
    }  # fmt: skip
    assert item["type"] == "meet" and item["title"] == event.title and item["date"] == event.date.isoformat()
    place = event.place
    assert item["place"] == {"id": place.pk, "name": place.name, "lat": place.latitude, "lon": place.longitude,
                             "country": "KP"}  # fmt: skip
    actors = {(a["id"], a["name"], a["kind"], a["role"]) for a in item["actors"]}
    assert actors == {
        (ea.entity.pk, ea.entity.name, ea.entity.kind, ea.role) for ea in event.event_actors.all()
    }
    assert item["article_count"] == 2 and item["outlet_count"] == 2
    assert item["tags"] == ["nordkorea", "sanktionen"]
    assert item["url"] == f"http://testserver/events/{event.pk}/"
    assert item["first_seen"] and item["last_seen"]
    assert api.get(detail_url("event", event.pk)).json() == item


def test_event_without_place_or_outlets(api, db):
    event = Event.objects.create(type="other", title="Ohne Ort")
    EventArticle.objects.create(event=event, article=Article.objects.create(url="https://x.example/1",
                                                                           canonical_url="https://x.example/1"))  # fmt: skip
    item = api.get(detail_url("event", event.pk)).json()
    assert item["place"] is None and item["actors"] == [] and item["tags"] == []
    assert item["article_count"] == 1 and item["outlet_count"] == 0
    assert item["main"] is False
    assert api.get(LIST_URLS["event"], {"main": "1"}).json()["results"] == []
    EventArticle.objects.filter(event=event).update(main=True)
    assert api.get(detail_url("event", event.pk)).json()["main"] is True
    assert [e["id"] for e in api.get(LIST_URLS["event"], {"main": "1"}).json()["results"]] == [event.pk]


def test_entity_fields(api, world):
    person = world.entities[1]
    item = api.get(detail_url("entity", person.pk)).json()
    assert set(item) == {
        "id", "kind", "name", "description", "country", "lat", "lon", "aliases", "external_ids", "provisional",
        "mention_count", "tags", "url", "merged_into",
    }  # fmt: skip
    assert item["kind"] == "person" and item["name"] == person.name and item["country"] == "RU"
    assert item["lat"] is None and item["lon"] is None
    assert {a["text"] for a in item["aliases"]} == {"Persons 0", "P0"}
    assert {"text": "P0", "kind": "abbreviation", "language": "de"} in item["aliases"]
    assert item["external_ids"] == {"geonames": None, "iso": "", "wikidata": "Q0"}
    assert item["provisional"] is False and item["mention_count"] == 2
    assert item["tags"] == ["nordkorea", "sanktionen"]
    assert item["url"] == f"http://testserver/entities/{person.pk}/"
    place = api.get(detail_url("entity", world.entities[0].pk)).json()
    assert place["lat"] == 39.0 and place["external_ids"]["geonames"] == 1000


def test_claim_fields(api, world):
    claim = world.claims[0]
    item = next(c for c in api.get(LIST_URLS["claim"]).json()["results"] if c["id"] == claim.pk)
    assert set(item) == {
        "id", "kind", "evidential", "mood", "cue", "speaker", "speaker_text", "speaker_via", "source", "source_text", "content",
        "article", "sentence_url", "review_status", "reviewed_by", "reviewed_at", "review_reason", "tags",
    }  # fmt: skip
    assert item["kind"] == "direct_quote" and item["evidential"] == "asserted" and item["cue"] == "sagte"
    assert item["speaker"] == {"id": claim.speaker_id, "name": claim.speaker.name}
    assert item["speaker_via"] == ""  # named in its own clause
    assert item["source"] is None and item["source_text"] == "dpa"
    assert item["content"] == "Wir sind Freunde" and item["article"] == claim.article_id
    assert item["sentence_url"] == "http://testserver" + claim.get_absolute_url()
    assert item["review_status"] == "confirmed" and item["reviewed_by"] == "reviewer"
    assert item["reviewed_at"] and item["review_reason"] == "Video"
    assert item["tags"] == ["nordkorea", "sanktionen"]


def test_unreviewed_claim_has_no_reviewer(api, world):
    claim = world.claims[0]
    Claim.objects.filter(pk=claim.pk).update(review_status="unverified", reviewed_by=None, reviewed_at=None)
    item = api.get(detail_url("claim", claim.pk)).json()
    assert (
        item["review_status"] == "unverified" and item["reviewed_by"] is None and item["reviewed_at"] is None
    )


def test_article_fields_text_only_on_detail(api, world):
    article = world.articles[0]
    item = next(a for a in api.get(LIST_URLS["article"]).json()["results"] if a["id"] == article.pk)
    fields = {
        "id", "url", "canonical_url", "portal_url", "title", "authors", "outlet", "published_at", "language",
        "status", "near_duplicate_group", "duplicate_of", "tags",
    }  # fmt: skip
    assert set(item) == fields
    assert item["url"] == article.url and item["canonical_url"] == article.canonical_url
    assert item["portal_url"] == f"http://testserver/articles/{article.pk}/"
    assert item["outlet"] == {"id": article.outlet_id, "name": "tagesschau", "domain": "tagesschau.example",
                              "country": "DE"}  # fmt: skip
    assert item["status"] == "analyzed" and item["language"] == "de" and item["tags"] == ["sanktionen"]
    detail = api.get(detail_url("article", article.pk)).json()
    assert set(detail) == fields | {"text"}
    assert detail["text"] == article.text


def test_article_list_does_not_load_text_or_raw_html(api, world):
    with CaptureQueriesContext(connection) as queries:
        api.get(LIST_URLS["article"])
    main = next(
        q["sql"]
        for q in queries.captured_queries
        if 'FROM "ingest_article"' in q["sql"] and "LIMIT" in q["sql"]
    )
    assert '"ingest_article"."text"' not in main and '"ingest_article"."raw_html"' not in main


# --- pagination -----------------------------------------------------------------------------------


def test_pagination(api, world):
    first = api.get(LIST_URLS["article"], {"page_size": 3}).json()
    assert first["count"] == 4 and len(first["results"]) == 3 and first["previous"] is None
    assert "page=2" in first["next"] and "page_size=3" in first["next"]
    second = api.get(first["next"]).json()
    assert len(second["results"]) == 1 and second["next"] is None
    assert {a["id"] for a in first["results"] + second["results"]} == {a.pk for a in world.articles}
    assert api.get(LIST_URLS["article"], {"page": 9}).status_code == 404


def test_page_size_is_capped(api, world, monkeypatch):
    assert PageNumberPagination.max_page_size == 200
    monkeypatch.setattr(PageNumberPagination, "max_page_size", 2)
    assert len(api.get(LIST_URLS["article"], {"page_size": 1000}).json()["results"]) == 2


# --- query counts -----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_list_queries_do_not_grow_with_rows(api, kind):
    World(1)
    with CaptureQueriesContext(connection) as few:
        response = api.get(LIST_URLS[kind], {"page_size": 200})
    assert response.status_code == 200
    count_few = response.json()["count"]
    World(10)
    with CaptureQueriesContext(connection) as many:
        response = api.get(LIST_URLS[kind], {"page_size": 200})
    assert response.json()["count"] >= 10 * count_few
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


# --- schema and docs --------------------------------------------------------------------------------


def test_schema_generates_without_warnings(db, tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    schema = yaml.safe_load(out.read_text())
    paths = schema["paths"]
    assert set(paths) == {f"/api/v1/{name}/" for name in ("events", "entities", "claims", "articles")} | {
        f"/api/v1/{name}/{{id}}/" for name in ("events", "entities", "claims", "articles")
    }
    for path_ in paths.values():
        assert set(path_) == {"get"}
    assert {"tokenAuth", "cookieAuth"} <= set(schema["components"]["securitySchemes"])
    event_params = {p["name"] for p in paths["/api/v1/events/"]["get"]["parameters"]}
    assert {"q", "date_from", "date_to", "actor", "place", "country", "type", "main", "outlet", "tag",
            "review", "sort", "page", "page_size"} <= event_params  # fmt: skip
    claim_params = {p["name"] for p in paths["/api/v1/claims/"]["get"]["parameters"]}
    assert {"q", "speaker", "source", "about", "kind", "review", "outlet", "tag", "event", "article",
            "date_from", "date_to", "sort", "page"} <= claim_params  # fmt: skip
    entity_params = {p["name"] for p in paths["/api/v1/entities/"]["get"]["parameters"]}
    assert {"q", "kind", "country", "provisional", "tag", "sort", "page"} <= entity_params
    article_params = {p["name"] for p in paths["/api/v1/articles/"]["get"]["parameters"]}
    assert {"q", "outlet", "date_from", "date_to", "entity", "event", "tag", "sort", "page"} <= article_params


def test_schema_served_as_json_and_yaml(api):
    response = api.get(reverse("api:schema"), {"format": "json"})
    assert response.status_code == 200
    assert json.loads(response.content)["openapi"].startswith("3.")
    response = api.get(reverse("api:schema"), {"format": "yaml"})
    assert response.status_code == 200
    assert yaml.safe_load(response.content)["info"]["title"] == "Lagebild API"


def test_docs_page_uses_packaged_assets_only(analyst_client):
    html = analyst_client.get(reverse("api:docs")).content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "//" not in "".join(line for line in html.splitlines() if "src=" in line or "href=" in line)
    script = analyst_client.get(reverse("api:docs"), {"script": ""})
    assert script.status_code == 200 and reverse("api:schema").encode() in script.content


# --- the token page ------------------------------------------------------------------------------------


@pytest.fixture
def logged_in(analyst) -> Client:
    client = Client(enforce_csrf_checks=True)
    login(client, analyst)
    return client


def _post(client: Client, action: str):
    client.get(reverse("api:token"))  # sets the CSRF cookie
    return client.post(
        reverse("api:token"), {"action": action, "csrfmiddlewaretoken": client.cookies["csrftoken"].value}
    )


def test_token_page_create_and_revoke(logged_in, analyst):
    page = logged_in.get(reverse("api:token"))
    assert page.status_code == 200 and b'data-has-token="0"' in page.content
    assert "no-store" in page["Cache-Control"]

    created = _post(logged_in, "create")
    assert created.status_code == 200
    token = Token.objects.get(user=analyst)
    assert f'id="token-key">{token.key}<'.encode() in created.content
    # Usable at once.
    assert Client(HTTP_AUTHORIZATION=f"Token {token.key}").get(LIST_URLS["event"]).status_code == 200

    # Shown once: later visits show that there is one, not the key.
    page = logged_in.get(reverse("api:token"))
    assert b'data-has-token="1"' in page.content and token.key.encode() not in page.content

    replaced = _post(logged_in, "create")
    new_key = Token.objects.get(user=analyst).key
    assert new_key != token.key and new_key.encode() in replaced.content

    revoked = _post(logged_in, "revoke")
    assert revoked.status_code == 302 and revoked["Location"] == reverse("api:token")
    assert not Token.objects.filter(user=analyst).exists()


def test_token_page_post_needs_csrf(logged_in, analyst):
    response = logged_in.post(reverse("api:token"), {"action": "create"})
    assert response.status_code == 403
    assert not Token.objects.filter(user=analyst).exists()


def test_token_page_revokes_only_own_token(logged_in, editor):
    other = Token.objects.create(user=editor)
    _post(logged_in, "revoke")
    assert Token.objects.filter(pk=other.pk).exists()


# --- the management command -------------------------------------------------------------------------------


def test_api_token_command(analyst):
    out = io.StringIO()
    call_command("api_token", analyst.username, stdout=out)
    key = out.getvalue().strip()
    assert Token.objects.get(user=analyst).key == key

    out = io.StringIO()
    call_command("api_token", analyst.username, stdout=out)
    assert out.getvalue().strip() == key

    out = io.StringIO()
    call_command("api_token", analyst.username, "--new", stdout=out)
    new_key = out.getvalue().strip()
    assert new_key != key and Token.objects.get(user=analyst).key == new_key

    out = io.StringIO()
    call_command("api_token", analyst.username, "--revoke", stdout=out, stderr=io.StringIO())
    assert out.getvalue() == "" and not Token.objects.filter(user=analyst).exists()


def test_api_token_command_unknown_user(db):
    with pytest.raises(CommandError):
        call_command("api_token", "nobody")


# --- filters (events/lists.py) --------------------------------------------------------------------------


def ids(response) -> list[int]:
    assert response.status_code == 200
    return [item["id"] for item in response.json()["results"]]


def test_event_filters(api, world):
    first, second = world.events
    actor = first.event_actors.get(role="source").entity
    assert ids(api.get(LIST_URLS["event"], {"actor": actor.pk})) == [first.pk]
    # Repeated actors: all must take part.
    other = second.event_actors.get(role="source").entity
    assert ids(api.get(LIST_URLS["event"], {"actor": [actor.pk, other.pk]})) == []
    assert ids(api.get(LIST_URLS["event"], {"place": second.place_id})) == [second.pk]
    assert ids(api.get(LIST_URLS["event"], {"country": "KP"})) == [second.pk, first.pk]
    assert ids(api.get(LIST_URLS["event"], {"country": "FR"})) == []
    assert ids(api.get(LIST_URLS["event"], {"type": "meet", "sort": "title"})) == [first.pk, second.pk]
    assert ids(api.get(LIST_URLS["event"], {"date_from": second.date.isoformat()})) == [second.pk]
    assert ids(api.get(LIST_URLS["event"], {"tag": "sanktionen", "sort": "date"})) == [first.pk, second.pk]
    assert ids(api.get(LIST_URLS["event"], {"review": "disputed"})) == []


def test_event_full_text_filter(api, world):
    from django.contrib.postgres.search import SearchVector

    Article.objects.filter(pk=world.articles[0].pk).update(
        search_vector=SearchVector("text", config="german")
    )
    assert ids(api.get(LIST_URLS["event"], {"q": "Freund"})) == [world.events[0].pk]


def test_claim_filters(api, world):
    first, second = world.claims
    assert ids(api.get(LIST_URLS["claim"], {"speaker": first.speaker_id})) == [first.pk]
    assert ids(api.get(LIST_URLS["claim"], {"article": second.article_id})) == [second.pk]
    assert ids(api.get(LIST_URLS["claim"], {"event": world.events[1].pk})) == [second.pk]
    assert ids(api.get(LIST_URLS["claim"], {"review": "disputed"})) == []
    assert set(ids(api.get(LIST_URLS["claim"], {"kind": "direct_quote", "tag": "nordkorea"}))) == {
        first.pk,
        second.pk,
    }


def test_entity_filters(api, world):
    person = world.entities[1]
    assert ids(api.get(LIST_URLS["entity"], {"q": "Persons 0"})) == [person.pk]
    assert set(ids(api.get(LIST_URLS["entity"], {"kind": "person"}))) == {
        world.entities[1].pk,
        world.entities[4].pk,
    }
    assert set(ids(api.get(LIST_URLS["entity"], {"country": "RU", "tag": "sanktionen"}))) == {
        world.entities[1].pk, world.entities[4].pk
    }  # fmt: skip
    Entity.objects.filter(pk=world.entities[2].pk).update(provisional=True)
    assert ids(api.get(LIST_URLS["entity"], {"provisional": "1"})) == [world.entities[2].pk]


def test_article_filters(api, world):
    outlet = world.outlets[1]
    assert set(ids(api.get(LIST_URLS["article"], {"outlet": outlet.pk}))) == {
        a.pk for a in world.articles if a.outlet_id == outlet.pk
    }
    assert set(ids(api.get(LIST_URLS["article"], {"event": world.events[0].pk}))) == {
        a.pk for a in world.articles[:2]
    }
    assert len(ids(api.get(LIST_URLS["article"], {"entity": world.entities[1].pk, "tag": "sanktionen"}))) == 2


@pytest.mark.parametrize(
    "kind, params",
    [("event", {"sort": "-articles", "actor": "x"}), ("claim", {"sort": "speaker"}), ("entity", {"sort": "name"}),
     ("article", {"sort": "title", "date_to": "2999-01-01"})],
)  # fmt: skip
def test_lists_match_the_portal_filter(api, world, kind, params):
    from django.http import QueryDict

    from events.lists import filtered

    query = QueryDict(mutable=True)
    query.update(params)
    assert ids(api.get(LIST_URLS[kind], params)) == list(filtered(kind, query).values_list("pk", flat=True))


def test_filter_parameters_combine_with_pagination(api, world):
    response = api.get(LIST_URLS["article"], {"outlet": world.outlets[0].pk, "page_size": 1})
    data = response.json()
    assert (
        data["count"] == 2 and len(data["results"]) == 1 and f"outlet={world.outlets[0].pk}" in data["next"]
    )


def test_user_create_gives_api_access(db):
    user = user_create(username="neu", role=ANALYST, password=PASSWORD)
    assert token_client(user).get(LIST_URLS["entity"]).status_code == 200
