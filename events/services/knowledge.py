"""Editors grow the knowledge base: they create entities from scratch or turn a provisional
one into a real one (in place: its id, mentions, claims and tags stay), and edit the ones
they made. Editors' entities carry keys "editor:<kind>:<slug>" and their names are aliases
of origin "editor", so `load_kb` (which upserts seed keys and replaces seed aliases only)
leaves them alone; `kb_export` / `kb_import` carry them to another deployment."""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from events.analysis.names import normalize
from events.models import Alias, Curation, Entity
from events.services.curation import RELINK_LIMIT, _affected_articles, _curated, _relink_later
from ingest.models import Article

EDITOR_KEY_PREFIX = "editor:"
# The kinds an editor may give an entity. Countries come from ISO 3166 (seed data) only.
EDITABLE_KINDS = [Entity.Kind.PERSON, Entity.Kind.ORGANIZATION, Entity.Kind.PLACE, Entity.Kind.OTHER]


@dataclass
class Role:
    """An office or role: its title, the descriptors that name the holder while it lasts
    ("der Kremlchef"), and its dates (None: not known; an empty end in the data files means
    "ongoing")."""

    title: str
    descriptors: list[str] = field(default_factory=list)
    start: date | None = None
    end: date | None = None

    def as_json(self) -> dict:
        """The shape of Entity.roles and of roles in the data files."""
        row: dict = {"title": self.title}
        if self.descriptors:
            row["descriptors"] = list(self.descriptors)
        if self.start:
            row["start"] = self.start.isoformat()
        row["end"] = self.end.isoformat() if self.end else ""
        return row

    @classmethod
    def from_json(cls, row: dict) -> Role:
        return cls(
            title=row.get("title", ""),
            descriptors=list(row.get("descriptors", [])),
            start=date.fromisoformat(row["start"]) if row.get("start") else None,
            end=date.fromisoformat(row["end"]) if row.get("end") else None,
        )


@dataclass
class EntityData:
    """What an editor says about an entity."""

    kind: str
    name: str
    country: str = ""
    description: str = ""
    aliases: list[str] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)
    latitude: float | None = None
    longitude: float | None = None
    wikidata: str = ""
    org_type: str = ""


def is_editors(entity: Entity) -> bool:
    return entity.key.startswith(EDITOR_KEY_PREFIX)


def editable(entity: Entity) -> bool:
    """Editors define provisional entities and edit their own; seed entities change in the
    data files (where load_kb would overwrite an edit made here)."""
    return not entity.merged_into_id and (entity.provisional or is_editors(entity))


def editor_key(kind: str, name: str, *, exclude_pk: int | None = None) -> str:
    """A new, unused key: "editor:person:alexander-van-der-bellen" (with -2, -3 ... when taken)."""
    base = f"{EDITOR_KEY_PREFIX}{kind}:{slugify(name) or normalize(name).replace(' ', '-') or 'entity'}"[:190]
    taken = set(
        Entity.objects.filter(key__startswith=base).exclude(pk=exclude_pk).values_list("key", flat=True)
    )
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}-{n}"
    return key


def _alias_kind(text: str) -> str:
    # The rule of the seed data (events/kb/seed.py actors): short all-capitals names are
    # abbreviations ("SPÖ", "BSW").
    return Alias.Kind.ABBREVIATION if text.isupper() and len(text) <= 6 else Alias.Kind.NAME


def _form_managed(alias: Alias, name: str) -> bool:
    """Names the form (and an [[actor]] record) holds: the name, other names and role
    descriptors. Editor aliases of other kinds (an exonym, "VdB" as an abbreviation) are
    added on the entity page and kept when the entity is edited."""
    implied = Alias.Kind.NAME if alias.text == name else _alias_kind(alias.text)
    return alias.kind in (implied, Alias.Kind.DESCRIPTOR)


def _wanted_aliases(data: EntityData) -> dict[tuple, tuple]:
    """(normalized, kind, valid_from) -> (text, valid_to) of every name the entity gets."""
    wanted: dict[tuple, tuple] = {}
    for text in [data.name, *data.aliases]:
        text = text.strip()
        if text and normalize(text):
            kind = Alias.Kind.NAME if text == data.name.strip() else _alias_kind(text)
            wanted.setdefault((normalize(text)[:300], kind, None), (text[:300], None))
    for role in data.roles:
        for text in role.descriptors:
            text = text.strip()
            if text and normalize(text):
                wanted.setdefault(
                    (normalize(text)[:300], Alias.Kind.DESCRIPTOR, role.start), (text[:300], role.end)
                )
    return wanted


def _set_editor_aliases(entity: Entity, data: EntityData) -> list[str]:
    """Make the entity's editor aliases exactly the names in `data` (seed aliases stay).
    Returns the texts added."""
    wanted = _wanted_aliases(data)
    existing = {(a.normalized, a.kind, a.valid_from): a for a in entity.aliases.all()}
    for key, alias in existing.items():
        if alias.origin == Alias.Origin.EDITOR and key not in wanted and _form_managed(alias, entity.name):
            alias.delete()
    added = []
    for (normalized, kind, valid_from), (text, valid_to) in wanted.items():
        alias = existing.get((normalized, kind, valid_from))
        if alias is None:
            Alias.objects.create(entity=entity, text=text, normalized=normalized, kind=kind, valid_from=valid_from,
                                 valid_to=valid_to, origin=Alias.Origin.EDITOR)  # fmt: skip
            added.append(text)
        elif alias.origin == Alias.Origin.EDITOR and (alias.text, alias.valid_to) != (text, valid_to):
            alias.text, alias.valid_to = text, valid_to
            alias.save(update_fields=["text", "valid_to"])
    return added


def _apply(entity: Entity, data: EntityData) -> None:
    entity.kind = data.kind
    entity.name = data.name.strip()[:300]
    entity.country = data.country.upper()
    entity.roles = [role.as_json() for role in data.roles]
    # The page's short line: what the editor wrote, else the latest role, like the seed data.
    entity.description = (data.description or (data.roles[-1].title if data.roles else data.org_type))[:300]
    entity.latitude, entity.longitude = data.latitude, data.longitude
    entity.wikidata = data.wikidata
    entity.org_type = data.org_type
    entity.provisional = False


def _validate(data: EntityData) -> None:
    if data.kind not in EDITABLE_KINDS:
        raise ValueError(f"an editor cannot make an entity of kind {data.kind!r}")
    if not data.name.strip():
        raise ValueError("an entity needs a name")
    for role in data.roles:
        if not role.title.strip():
            raise ValueError("a role needs a title")
        if role.start and role.end and role.end < role.start:
            raise ValueError(f"the role {role.title!r} ends before it starts")


def _articles_naming(texts) -> list[int]:
    """Analysed articles whose text holds one of the names: they may link the entity now."""
    ids: set[int] = set()
    for text in texts:
        if len(ids) >= RELINK_LIMIT:
            break
        ids.update(
            Article.objects.filter(status=Article.Status.ANALYZED, text__icontains=text).values_list(
                "pk", flat=True
            )[:RELINK_LIMIT]
        )
    return sorted(ids)


@transaction.atomic
def entity_create(*, data: EntityData, user, key: str = "") -> Entity:
    """A new entity from scratch. `key` is given by kb_import only (a deployment keeps the
    keys of the file)."""
    _validate(data)
    entity = Entity(key=key or editor_key(data.kind, data.name))
    _apply(entity, data)
    entity.save()
    added = _set_editor_aliases(entity, data)
    _curated(user, Curation.Action.ENTITY_CREATE, entity, key=entity.key, name=entity.name, kind=entity.kind,
             aliases=added, roles=entity.roles)  # fmt: skip
    _relink_later(_articles_naming(added))
    return entity


@transaction.atomic
def entity_define(*, entity: Entity, data: EntityData, user, key: str = "") -> Entity:
    """A provisional entity becomes a real one, or an editor's entity is edited: in place, so
    its id, mentions, claims, events and tags stay. A provisional entity gets an editor key
    (load_kb and kb_export know it by that)."""
    entity = Entity.objects.select_for_update().get(pk=entity.pk)
    if not editable(entity):
        raise ValueError(f"{entity} comes from the seed data; change it in events/kb/data")
    _validate(data)
    before = {"key": entity.key, "name": entity.name, "kind": entity.kind, "country": entity.country,
              "provisional": entity.provisional, "roles": entity.roles}  # fmt: skip
    if key:  # kb_import: the file's key
        entity.key = key
    elif entity.provisional or entity.kind != data.kind:
        entity.key = editor_key(data.kind, data.name, exclude_pk=entity.pk)
    _apply(entity, data)
    entity.save()
    added = _set_editor_aliases(entity, data)
    _curated(user, Curation.Action.ENTITY_EDIT, entity, before=before, name=entity.name, kind=entity.kind,
             aliases=added, roles=entity.roles)  # fmt: skip
    _relink_later([*_affected_articles(entity), *_articles_naming(added)])
    return entity


def entity_data_of(entity: Entity) -> EntityData:
    """What the entity holds now, as the form and the export see it."""
    editor_aliases = entity.aliases.filter(origin=Alias.Origin.EDITOR).exclude(kind=Alias.Kind.DESCRIPTOR)
    names = [a for a in editor_aliases if _form_managed(a, entity.name)]
    return EntityData(
        kind=entity.kind,
        name=entity.name,
        country=entity.country,
        description=entity.description,
        aliases=sorted({a.text for a in names if a.text != entity.name}, key=str.casefold),
        roles=[Role.from_json(row) for row in entity.roles],
        latitude=entity.latitude,
        longitude=entity.longitude,
        wikidata=entity.wikidata,
        org_type=entity.org_type,
    )


# --- the data file: kb_export / kb_import ---------------------------------------------------

FILE_HEADER = """\
# Lagebild knowledge base: entities and aliases made by the portal's editors.
# Written by `manage.py kb_export`; load with `manage.py kb_import FILE` (idempotent, by key).
# [[actor]] has the shape of events/kb/data/actors.toml (key here is the full entity key);
# [[alias]] is an editor's alias of any other kind, or on a seed entity (by its key).
"""


def _toml(value) -> str:
    """A TOML value: JSON's strings, numbers and arrays are TOML too; tables are inline."""
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return "[\n" + "".join(f"  {_toml(v)},\n" for v in value) + "]"
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def _actor_record(entity: Entity) -> dict:
    data = entity_data_of(entity)
    record: dict = {"key": entity.key, "kind": data.kind, "name": data.name, "aliases": data.aliases}
    for name in ("country", "description", "org_type", "wikidata"):
        if getattr(data, name):
            record[name] = getattr(data, name)
    if data.latitude is not None and data.longitude is not None:
        record["lat"], record["lon"] = data.latitude, data.longitude
    if data.roles:
        record["roles"] = [role.as_json() for role in data.roles]
    return record


def _covered(entity: Entity) -> set[tuple]:
    """(normalized, kind, valid_from) of the aliases an [[actor]] record already implies."""
    return set(_wanted_aliases(entity_data_of(entity))) if is_editors(entity) else set()


def export_records() -> tuple[list[dict], list[dict]]:
    """Editors' entities (not merged away, not provisional) and the editor aliases that
    their records do not imply (other kinds; aliases on seed entities)."""
    entities = Entity.objects.filter(key__startswith=EDITOR_KEY_PREFIX, merged_into__isnull=True,
                                     provisional=False).order_by("key")  # fmt: skip
    actors = [_actor_record(entity) for entity in entities]
    aliases = []
    editor_aliases = Alias.objects.filter(origin=Alias.Origin.EDITOR, entity__merged_into__isnull=True,
                                          entity__provisional=False).select_related("entity")  # fmt: skip
    covered: dict[int, set] = {}
    for alias in editor_aliases.order_by("entity__key", "normalized", "kind", "valid_from"):
        if alias.entity_id not in covered:
            covered[alias.entity_id] = _covered(alias.entity)
        if (alias.normalized, alias.kind, alias.valid_from) in covered[alias.entity_id]:
            continue
        record = {"key": alias.entity.key, "text": alias.text, "kind": alias.kind}
        if alias.valid_from:
            record["valid_from"] = alias.valid_from.isoformat()
        if alias.valid_to:
            record["valid_to"] = alias.valid_to.isoformat()
        if alias.needs_context:
            record["needs_context"] = True
        aliases.append(record)
    return actors, aliases


def export_file(path: Path) -> dict[str, int]:
    actors, aliases = export_records()
    parts = [FILE_HEADER]
    for record in actors:
        parts.append("\n[[actor]]\n" + "".join(f"{k} = {_toml(v)}\n" for k, v in record.items()))
    for record in aliases:
        parts.append("\n[[alias]]\n" + "".join(f"{k} = {_toml(v)}\n" for k, v in record.items()))
    text = "".join(parts)
    tomllib.loads(text)  # what we write must read back
    path.write_text(text, encoding="utf-8")
    return {"entities": len(actors), "aliases": len(aliases)}


def _data_of_record(row: dict) -> EntityData:
    name = row["name"]
    return EntityData(
        kind=row["kind"],
        name=name,
        country=row.get("country", ""),
        description=row.get("description", ""),
        aliases=sorted({a for a in row.get("aliases", []) if a != name}, key=str.casefold),
        roles=[Role.from_json(role) for role in row.get("roles", [])],
        latitude=row.get("lat"),
        longitude=row.get("lon"),
        wikidata=row.get("wikidata", ""),
        org_type=row.get("org_type", ""),
    )


@transaction.atomic
def import_file(path: Path, user=None) -> dict[str, int]:
    """Load a kb_export file: entities by key (created, updated or left as they are), then
    aliases. Running it twice changes nothing the second time. A bad record stops the
    whole import (nothing is half-loaded)."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    counts = {"created": 0, "updated": 0, "unchanged": 0, "aliases added": 0, "aliases present": 0}
    for row in data.get("actor", []):
        key = row.get("key", "")
        if not key.startswith(EDITOR_KEY_PREFIX):
            raise ValueError(f"{key!r}: an editor's entity has a key starting with {EDITOR_KEY_PREFIX!r}")
        wanted = _data_of_record(row)
        existing = Entity.objects.filter(key=key).first()
        if existing is None:
            entity_create(data=wanted, user=user, key=key)
            counts["created"] += 1
        elif entity_data_of(existing) == wanted and not existing.provisional:
            counts["unchanged"] += 1
        else:
            if existing.merged_into_id:
                raise ValueError(f"{key!r} was merged into {existing.merged_into}; not changed")
            entity_define(entity=existing, data=wanted, user=user, key=key)
            counts["updated"] += 1
    keys = {row["key"] for row in data.get("alias", [])}
    entities = {e.key: e for e in Entity.objects.filter(key__in=keys)}
    for row in data.get("alias", []):
        entity = entities.get(row["key"])
        if entity is None:
            raise ValueError(
                f"alias {row.get('text')!r}: no entity with key {row['key']!r} (run load_kb first)"
            )
        valid_from = date.fromisoformat(row["valid_from"]) if row.get("valid_from") else None
        _alias, created = Alias.objects.get_or_create(
            entity=entity, normalized=normalize(row["text"])[:300], kind=row.get("kind", Alias.Kind.NAME),
            valid_from=valid_from,
            defaults={"text": row["text"][:300], "origin": Alias.Origin.EDITOR,
                      "valid_to": date.fromisoformat(row["valid_to"]) if row.get("valid_to") else None,
                      "needs_context": bool(row.get("needs_context"))},
        )  # fmt: skip
        counts["aliases added" if created else "aliases present"] += 1
    if counts["aliases added"]:
        _curated(
            user, Curation.Action.ALIAS_ADD, None, imported_from=path.name, count=counts["aliases added"]
        )
    return counts
