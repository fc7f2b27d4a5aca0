"""Editors grow the knowledge base: a provisional entity made real in place, an entity from
scratch, both kept by load_kb and carried by kb_export / kb_import."""

import datetime as dt
import tomllib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from events.analysis.names import normalize
from events.models import Alias, Curation, Entity, Mention
from events.services import knowledge
from events.services.knowledge import EntityData, Role
from tests import factories as make

pytestmark = pytest.mark.django_db

TEXT = "Alexandra Van der Molen empfing Olaf Scholz in Wien. Der Bundespräsident sprach von Europa."

PRESIDENT = Role(
    title="Bundespräsident",
    descriptors=["Bundespräsident", "österreichische Staatsoberhaupt"],
    start=dt.date(2017, 1, 26),
)


@pytest.fixture
def provisional():
    """A provisional person the NER cut short ("Alexandra Van"), with two mentions."""
    entity = Entity.objects.create(
        key="provisional:person:alexander van", kind="person", name="Alexandra Van", provisional=True
    )
    first = make.article("Van der Molen empfängt Scholz", TEXT, indexed=False)
    second = make.article(
        "Noch einmal Van der Molen", "Alexandra Van der Molen reiste nach Prag.", indexed=False
    )
    make.mention(first, entity, "Alexandra Van")
    make.mention(second, entity, "Alexandra Van")
    return entity


def molen(**changes) -> EntityData:
    return EntityData(
        **{
            "kind": "person",
            "name": "Alexandra Van der Molen",
            "country": "AT",
            "aliases": ["Van der Molen", "Alexandra van der Molen"],
            "roles": [PRESIDENT],
            **changes,
        }
    )


def edit_form(**changes) -> dict:
    return {
        "kind": "person",
        "name": "Alexandra Van der Molen",
        "country": "at",
        "description": "",
        "aliases": "Van der Molen\r\nAlexandra van der Molen\r\n",
        "roles": "Bundespräsident | 26.01.2017 | | Bundespräsident, österreichische Staatsoberhaupt\r\n"
        "Grünen-Chef | 1997-12-01 | 2008-10-01 |",
        "latitude": "",
        "longitude": "",
        "wikidata": "Q4115189",
        **changes,
    }


def test_a_provisional_entity_becomes_real_in_place(editor_client, editor, provisional):
    mentions = set(provisional.mentions.values_list("pk", flat=True))
    page = editor_client.get(f"/entities/{provisional.pk}/edit/")
    assert page.status_code == 200
    initial = page.context["form"].initial
    assert (initial["name"], initial["aliases"], initial["kind"]) == (
        "Alexandra Van",
        "Alexandra Van",
        "person",
    )

    response = editor_client.post(f"/entities/{provisional.pk}/edit/", edit_form())

    assert response.status_code == 302 and response["Location"] == f"/entities/{provisional.pk}/"
    entity = Entity.objects.get(pk=provisional.pk)  # same id
    assert not entity.provisional
    assert entity.key == "editor:person:alexandra-van-der-molen"
    assert (entity.name, entity.country, entity.wikidata) == ("Alexandra Van der Molen", "AT", "Q4115189")
    assert entity.description == "Grünen-Chef"  # the latest role line, as in the seed data
    assert entity.roles == [
        {"title": "Bundespräsident", "descriptors": ["Bundespräsident", "österreichische Staatsoberhaupt"],
         "start": "2017-01-26", "end": ""},
        {"title": "Grünen-Chef", "start": "1997-12-01", "end": "2008-10-01"},
    ]  # fmt: skip
    assert set(Mention.objects.filter(entity=entity).values_list("pk", flat=True)) == mentions
    names = {(a.text, a.kind, a.valid_from, a.origin) for a in entity.aliases.all()}
    assert names == {
        ("Alexandra Van der Molen", "name", None, "editor"),
        ("Van der Molen", "name", None, "editor"),
        # "Alexandra van der Molen" is the name itself to the linker (names are compared
        # normalized), so it is not stored twice.
        ("Bundespräsident", "descriptor", dt.date(2017, 1, 26), "editor"),
        ("österreichische Staatsoberhaupt", "descriptor", dt.date(2017, 1, 26), "editor"),
    }
    curation = Curation.objects.get(entity=entity)
    assert curation.action == Curation.Action.ENTITY_EDIT and curation.user == editor
    assert curation.payload["before"]["name"] == "Alexandra Van" and curation.payload["before"]["provisional"]


def test_the_knowledge_base_links_the_defined_entity(editor, provisional):
    from events.kb.loader import build_from_db

    entity = knowledge.entity_define(entity=provisional, data=molen(), user=editor)

    kb = build_from_db()
    found, inflected = kb.lookup("Van der Molens")
    assert [c.entity_id for c in found] == [entity.pk] and inflected
    assert not kb.info(entity.pk).provisional
    # The descriptor names him only while the office lasts.
    (office,) = [c for c in kb.descriptors[normalize("Bundespräsident")] if c.entity_id == entity.pk]
    assert office.valid_on(dt.date(2020, 5, 1)) and not office.valid_on(dt.date(2016, 5, 1))


def test_an_entity_from_scratch(editor_client, editor):
    response = editor_client.post(
        "/entities/new/",
        edit_form(name="Hiltrud Beispielfrau", aliases="Beispielfrau\nBSW-Chefin", roles="BSW-Vorsitzende | 2024-01-08 | |",
                  wikidata="", latitude="", longitude=""),
    )  # fmt: skip
    entity = Entity.objects.get(name="Hiltrud Beispielfrau")
    assert response.status_code == 302 and response["Location"] == f"/entities/{entity.pk}/"
    assert entity.key == "editor:person:hiltrud-beispielfrau" and not entity.provisional
    assert entity.roles == [{"title": "BSW-Vorsitzende", "start": "2024-01-08", "end": ""}]
    assert set(entity.aliases.values_list("text", flat=True)) == {
        "Hiltrud Beispielfrau",
        "Beispielfrau",
        "BSW-Chefin",
    }
    assert Curation.objects.get(entity=entity).action == Curation.Action.ENTITY_CREATE
    # The same name again gets a key of its own (a namesake), not the first one's.
    again = knowledge.entity_create(data=EntityData(kind="person", name="Hiltrud Beispielfrau"), user=editor)
    assert again.key == "editor:person:hiltrud-beispielfrau-2"


def test_a_place_needs_both_coordinates_and_a_real_country(editor_client):
    response = editor_client.post(
        "/entities/new/", edit_form(kind="place", name="Sudscha", country="XX", latitude="51.19", roles="")
    )
    assert response.status_code == 200  # the form again, with its errors
    errors = response.context["form"].errors
    assert "country" in errors and "__all__" in errors
    assert not Entity.objects.filter(name="Sudscha").exists()


def test_a_role_that_ends_before_it_starts_is_refused(editor_client):
    response = editor_client.post("/entities/new/", edit_form(roles="Kanzler | 2020-01-01 | 2019-01-01 |"))
    assert response.status_code == 200 and "roles" in response.context["form"].errors
    assert not Entity.objects.filter(name="Alexandra Van der Molen").exists()


def test_seed_entities_are_not_edited_here(editor_client, editor):
    seed = Entity.objects.create(key="person:test-merz", kind="person", name="Friedrich Merz")
    response = editor_client.post(f"/entities/{seed.pk}/edit/", edit_form(name="Fritz Merz"))
    assert response.status_code == 302
    assert Entity.objects.get(pk=seed.pk).name == "Friedrich Merz"
    with pytest.raises(ValueError):
        knowledge.entity_define(entity=seed, data=molen(), user=editor)


def test_editing_replaces_the_editor_names_and_keeps_seed_aliases(editor):
    entity = knowledge.entity_create(data=molen(), user=editor)
    Alias.objects.create(entity=entity, text="VdB", normalized="vdb", kind="abbreviation", origin="seed")
    knowledge.entity_define(entity=entity, data=molen(aliases=["Van der Molen"], roles=[]), user=editor)
    assert set(entity.aliases.values_list("text", flat=True)) == {
        "Alexandra Van der Molen",
        "Van der Molen",
        "VdB",
    }
    assert Entity.objects.get(pk=entity.pk).key == "editor:person:alexandra-van-der-molen"  # key kept


def test_analysts_cannot_create_or_define(analyst_client, provisional):
    assert analyst_client.get("/entities/new/").status_code == 403
    assert analyst_client.post("/entities/new/", edit_form()).status_code == 403
    assert analyst_client.post(f"/entities/{provisional.pk}/edit/", edit_form()).status_code == 403
    assert not Entity.objects.filter(name="Alexandra Van der Molen").exists()
    assert Entity.objects.get(pk=provisional.pk).provisional
    # Their page has no link to the editors' forms.
    page = analyst_client.get(f"/entities/{provisional.pk}/")
    assert f"/entities/{provisional.pk}/edit/" not in page.content.decode()


def test_the_german_pages_render(editor_client, provisional):
    page = editor_client.get("/entities/new/")
    html = page.content.decode()
    assert page.status_code == 200 and '<html lang="de">' in html
    assert "Art" in html and "Wikidata-ID" in html  # labels with German translations
    detail = editor_client.get(f"/entities/{provisional.pk}/").content.decode()
    assert f"/entities/{provisional.pk}/edit/" in detail
    assert "/entities/new/" in editor_client.get("/entities/").content.decode()


def test_load_kb_keeps_editors_work(editor, kb, kb_entities, monkeypatch, provisional):
    from events.kb import seed

    made = knowledge.entity_create(data=molen(name="Alexandra Van der Molen"), user=editor)
    defined = knowledge.entity_define(
        entity=provisional, data=molen(name="Herbert Kickl", aliases=["Kickl"], roles=[]), user=editor
    )
    germany = Entity.objects.get(key="country:DE")
    from events.services.curation import alias_add

    alias_add(entity=germany, text="Bundesrepublik Teutonia", user=editor)
    before = {e.pk: (e.key, e.name, e.kind, e.country, e.roles) for e in (made, defined)}
    editor_names = set(
        Alias.objects.filter(origin="editor").values_list("entity_id", "text", "kind", "valid_from")
    )

    # The full seed takes minutes; the command runs on the test's subset of it.
    monkeypatch.setattr(seed, "all_seed_entities", lambda: kb_entities)
    out = StringIO()
    call_command("load_kb", "--force", stdout=out)

    assert "Knowledge base" in out.getvalue()
    after = {e.pk: (e.key, e.name, e.kind, e.country, e.roles) for e in Entity.objects.filter(pk__in=before)}
    assert after == before
    assert set(
        Alias.objects.filter(origin="editor").values_list("entity_id", "text", "kind", "valid_from")
    ) == (editor_names)
    assert Entity.objects.get(key="country:DE").aliases.filter(
        normalized=normalize("Bundesrepublik Teutonia")
    )
    assert Mention.objects.filter(entity=defined).count() == 2


def test_export_and_import_round_trip(editor, kb, tmp_path):
    from events.services.curation import alias_add

    made = knowledge.entity_create(data=molen(), user=editor)
    knowledge.entity_create(
        data=EntityData(kind="place", name="Sudscha", country="RU", latitude=51.19, longitude=35.27, aliases=["Sudzha"]),
        user=editor,
    )  # fmt: skip
    germany = Entity.objects.get(key="country:DE")
    alias_add(entity=germany, text="Bundesrepublik Teutonia", user=editor)
    alias_add(entity=made, text="VdB", kind=Alias.Kind.ABBREVIATION, user=editor)
    Entity.objects.create(key="provisional:person:somebody", kind="person", name="Somebody", provisional=True)
    exported = tmp_path / "editors.toml"
    out = StringIO()
    call_command("kb_export", str(exported), stdout=out)
    assert "exported 2 entities and 2 other aliases" in out.getvalue()
    text = exported.read_text(encoding="utf-8")
    data = tomllib.loads(text)
    assert [a["key"] for a in data["actor"]] == [
        "editor:person:alexandra-van-der-molen",
        "editor:place:sudscha",
    ]
    assert data["actor"][0]["roles"][0]["descriptors"] == [
        "Bundespräsident",
        "österreichische Staatsoberhaupt",
    ]
    assert {(a["key"], a["text"]) for a in data["alias"]} == {
        ("country:DE", "Bundesrepublik Teutonia"),
        ("editor:person:alexandra-van-der-molen", "VdB"),
    }

    # A clean deployment: the seed data, none of the editors' work.
    Entity.objects.filter(key__startswith="editor:").delete()
    Alias.objects.filter(origin="editor").delete()
    out = StringIO()
    call_command("kb_import", str(exported), stdout=out)
    assert "2 created, 0 updated, 0 unchanged entities; 2 aliases added" in out.getvalue()
    place = Entity.objects.get(key="editor:place:sudscha")
    assert (place.kind, place.country, place.latitude, place.longitude) == ("place", "RU", 51.19, 35.27)
    again = tmp_path / "again.toml"
    call_command("kb_export", str(again), stdout=StringIO())
    assert again.read_text(encoding="utf-8") == text

    # Idempotent: the second import changes nothing.
    curations = Curation.objects.count()
    out = StringIO()
    call_command("kb_import", str(exported), stdout=out)
    assert "0 created, 0 updated, 2 unchanged entities; 0 aliases added, 2 already present" in out.getvalue()
    assert Curation.objects.count() == curations

    # A changed file updates by key, in place.
    before = Entity.objects.get(key="editor:place:sudscha").pk
    exported.write_text(text.replace('name = "Sudscha"', 'name = "Sudscha (Kursk)"'), encoding="utf-8")
    out = StringIO()
    call_command("kb_import", str(exported), stdout=out)
    assert "0 created, 1 updated, 1 unchanged" in out.getvalue()
    assert Entity.objects.get(key="editor:place:sudscha").pk == before


def test_a_bad_file_imports_nothing(kb, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[[actor]]\nkey = "editor:person:a"\nkind = "person"\nname = "A"\naliases = []\n\n'
        '[[alias]]\nkey = "person:nobody-here"\ntext = "Niemand"\nkind = "name"\n',
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="no entity with key"):
        call_command("kb_import", str(bad), stdout=StringIO())
    assert not Entity.objects.filter(key="editor:person:a").exists()
