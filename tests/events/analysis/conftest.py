"""The analysis core is tested without a database: `kb` here is an in-memory index of the
seed entities (the same cut as the database tests use), built once per session."""

import pytest

from events.analysis.kb import EntityInfo, build_index
from events.analysis.names import normalize


@pytest.fixture(scope="session")
def kb(kb_entities):
    # Numbered in seed order; aliases deduplicated as events.kb.seed.load stores them
    # (one per entity, normalised text, kind and start date).
    infos, aliases, seen = [], [], set()
    for entity_id, entity in enumerate(kb_entities, 1):
        infos.append(
            EntityInfo(
                entity_id,
                entity.kind,
                entity.name,
                entity.country,
                entity.latitude,
                entity.longitude,
                entity.population or 0,
                entity.org_type,
            )
        )
        for text, kind, _language, valid_from, valid_to, needs_context in entity.aliases:
            key = (entity_id, normalize(text), kind, valid_from)
            if key in seen or not key[1]:
                continue
            seen.add(key)
            aliases.append((entity_id, text[:300], kind, valid_from, valid_to, needs_context))
    return build_index(infos, aliases)
