"""The starter taxonomy (events/data/starter_tags.toml): seeded once by `manage.py seed`, after
that the admins' own; nothing an admin did to a starter tag is undone by seeding again."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.validators import validate_unicode_slug

from events.models import StarterTag, Tag
from events.services.tags import starter_tags_seed, starter_taxonomy

ENTRIES = starter_taxonomy()


def test_the_data_file_is_a_small_sorted_tree():
    slugs = [e.slug for e in ENTRIES]
    names = [e.name.casefold() for e in ENTRIES]
    assert len(set(slugs)) == len(slugs) and len(set(names)) == len(names)
    for entry in ENTRIES:
        validate_unicode_slug(entry.slug)
        assert len(entry.slug) <= 100 and len(entry.name) <= 100 and len(entry.description) <= 300
    broader = [e.slug for e in ENTRIES if not e.parent]
    assert broader == ["regionen", "konflikte", "themen"] and slugs[:3] == broader
    for group in broader:
        under = [e.name for e in ENTRIES if e.parent == group]
        assert len(under) >= 8 and under == sorted(under), group
    assert {"Osteuropa", "Naher Osten", "Ostasien", "Sahel"} <= {e.name for e in ENTRIES}
    assert {"Krieg in der Ukraine", "Nahostkonflikt", "Koreakonflikt"} <= {e.name for e in ENTRIES}
    assert {"Sanktionen", "Wahlen", "Migration", "Energie", "Rüstungskontrolle"} <= {e.name for e in ENTRIES}


@pytest.mark.django_db
def test_seeding_twice_makes_the_same_tags():
    assert starter_tags_seed() == len(ENTRIES)
    first = set(Tag.objects.values_list("pk", "slug", "name", "parent__slug", "description"))
    assert starter_tags_seed() == 0
    assert set(Tag.objects.values_list("pk", "slug", "name", "parent__slug", "description")) == first
    ukraine = Tag.objects.get(slug="krieg-in-der-ukraine")
    assert ukraine.name == "Krieg in der Ukraine" and ukraine.parent.name == "Konflikte"


@pytest.mark.django_db
def test_an_admins_edits_stay():
    starter_tags_seed()
    sanctions = Tag.objects.get(slug="sanktionen")
    sanctions.name, sanctions.slug, sanctions.description = "Strafmaßnahmen", "strafmassnahmen", "eigene"
    sanctions.parent = Tag.objects.get(slug="konflikte")
    sanctions.save()

    assert starter_tags_seed() == 0
    sanctions.refresh_from_db()
    assert (sanctions.name, sanctions.slug, sanctions.description) == (
        "Strafmaßnahmen",
        "strafmassnahmen",
        "eigene",
    )
    assert sanctions.parent.slug == "konflikte"
    assert not Tag.objects.filter(name="Sanktionen").exists()


@pytest.mark.django_db
def test_a_deleted_starter_tag_does_not_come_back():
    starter_tags_seed()
    Tag.objects.get(slug="wahlen").delete()
    Tag.objects.get(slug="sahel").delete()
    assert starter_tags_seed() == 0
    assert not Tag.objects.filter(slug__in=["wahlen", "sahel"]).exists()
    assert not Tag.objects.filter(name__in=["Wahlen", "Sahel"]).exists()
    assert StarterTag.objects.filter(slug="wahlen", tag__isnull=True).exists()


@pytest.mark.django_db
def test_a_tag_an_admin_made_before_is_taken_as_it_is():
    own = Tag.objects.create(name="sanktionen", slug="eigene-sanktionen", description="von Hand")
    starter_tags_seed()
    own.refresh_from_db()
    assert (own.name, own.slug, own.description, own.parent) == (
        "sanktionen",
        "eigene-sanktionen",
        "von Hand",
        None,
    )
    assert Tag.objects.filter(name__iexact="sanktionen").count() == 1
    assert StarterTag.objects.get(slug="sanktionen").tag == own


@pytest.mark.django_db
def test_a_new_starter_tag_goes_under_what_its_broader_tag_became():
    regions = [e for e in ENTRIES if e.slug == "regionen" or e.parent == "regionen"]
    starter_tags_seed(regions[:1])
    Tag.objects.filter(slug="regionen").update(name="Weltregionen", slug="weltregionen")
    starter_tags_seed(regions)
    assert Tag.objects.get(slug="osteuropa").parent.slug == "weltregionen"


@pytest.mark.django_db
def test_manage_py_seed_seeds_the_starter_tags(monkeypatch):
    from portal.management.commands import seed

    monkeypatch.setattr(seed, "call_command", lambda *args, **kwargs: None)  # the knowledge base: not here
    out = StringIO()
    seed.Command(stdout=out).handle()
    assert f"starter tags: {len(ENTRIES)} created" in out.getvalue()
    assert Tag.objects.count() == len(ENTRIES)
