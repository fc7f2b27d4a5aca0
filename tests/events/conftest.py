import pytest


@pytest.fixture(scope="session")
def blank():
    """A blank German pipeline with rule-based sentences: the analysis rules without a model."""
    import spacy

    nlp = spacy.blank("de")
    nlp.add_pipe("sentencizer")
    return nlp


@pytest.fixture(scope="session")
def nlp():
    """The committed German pipeline (loaded once per process by get_nlp)."""
    from events.nlp.pipeline import get_nlp

    return get_nlp()


@pytest.fixture(scope="session")
def kb_entities():
    """The seed entities, with places cut to big cities and named ones (keeps tests fast)."""
    from events.kb import seed

    keep = {
        ("Pjöngjang", "KP"),
        ("Moskau", "RU"),
        ("Kiew", "UA"),
        ("Washington", "US"),
        ("Seoul", "KR"),
        ("Peking", "CN"),
        ("Essen", "DE"),
        ("Halle (Saale)", "DE"),
        ("Halle", "DE"),
        ("Washington", "GB"),
    }
    return [
        e
        for e in seed.all_seed_entities()
        if e.kind != "place"
        or (e.population or 0) >= 1_000_000
        or (e.name, e.country) in keep
        or not e.geonames_id
    ]


@pytest.fixture(scope="session")
def seeded_kb(django_db_setup, django_db_blocker, kb_entities):
    from events.kb import seed
    from events.kb.loader import bump_version

    with django_db_blocker.unblock():
        seed.load(kb_entities)
    bump_version()  # a knowledge base cached by an earlier test is stale now
    yield


@pytest.fixture
def kb(seeded_kb, db, kb_entities):
    from events.kb import seed
    from events.kb.loader import build_from_db
    from events.models import Entity

    if not Entity.objects.filter(key="country:DE").exists():
        # A transactional test (a real worker) emptied the tables: seed again, inside this
        # test's transaction.
        seed.load(kb_entities)
        from events.kb.loader import bump_version

        bump_version()  # get_kb() in the code under test reloads too
    return build_from_db()
