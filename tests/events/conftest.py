import pytest


@pytest.fixture(scope="session")
def kb_entities():
    """The seed entities, with places cut to big cities and named ones (keeps tests fast)."""
    from events.kb import seed

    keep = {("Pjöngjang", "KP"), ("Moskau", "RU"), ("Kiew", "UA"), ("Washington", "US"), ("Seoul", "KR"),
            ("Peking", "CN"), ("Essen", "DE"), ("Halle (Saale)", "DE"), ("Halle", "DE")}  # fmt: skip
    return [
        e for e in seed.all_seed_entities()
        if e.kind != "place" or (e.population or 0) >= 1_000_000 or (e.name, e.country) in keep or not e.geonames_id
    ]  # fmt: skip


@pytest.fixture(scope="session")
def seeded_kb(django_db_setup, django_db_blocker, kb_entities):
    from events.kb import seed

    with django_db_blocker.unblock():
        seed.load(kb_entities)
    yield


@pytest.fixture
def kb(seeded_kb, db):
    from events.kb.index import build_from_db

    return build_from_db()
