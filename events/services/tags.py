"""Putting tags on records and taking them off; the starter taxonomy that seeding brings."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.db.models import Q

from events.models import TAGGING_TARGETS, StarterTag, Tag, Tagging

STARTER_TAGS_PATH = Path(__file__).resolve().parent.parent / "data" / "starter_tags.toml"


def move_taggings(kind: str, source_id: int, target_id: int) -> None:
    """A merged record's tags go to the record it was merged into (each tag once)."""
    already = Tagging.objects.filter(**{kind: target_id}).values("tag_id")
    Tagging.objects.filter(**{kind: source_id}).exclude(tag_id__in=already).update(**{kind: target_id})
    Tagging.objects.filter(**{kind: source_id}).delete()


def _check_kind(kind: str) -> None:
    if kind not in TAGGING_TARGETS:
        raise ValueError(f"cannot tag {kind!r}; choose one of {', '.join(TAGGING_TARGETS)}")


@transaction.atomic
def tags_apply(*, tag: Tag, kind: str, ids, user) -> int:
    """Put `tag` on the records of `kind` with these ids; returns how many were newly tagged.

    Safe to repeat: a record that carries the tag already keeps its first tagging (who, when).
    """
    _check_kind(kind)
    ids = set(ids)
    already = set(
        Tagging.objects.filter(tag=tag, **{f"{kind}_id__in": ids}).values_list(f"{kind}_id", flat=True)
    )
    new = [Tagging(tag=tag, user=user, **{f"{kind}_id": pk}) for pk in sorted(ids - already)]
    Tagging.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


@transaction.atomic
def tags_remove(*, tag: Tag, kind: str, ids, user) -> int:
    """Take `tag` off these records; returns how many carried it."""
    _check_kind(kind)
    removed, _ = Tagging.objects.filter(tag=tag, **{f"{kind}_id__in": set(ids)}).delete()
    return removed


# --- the starter taxonomy ------------------------------------------------------------------


@dataclass(frozen=True)
class StarterTagEntry:
    """One line of events/data/starter_tags.toml; `parent` is the broader tag's slug."""

    slug: str
    name: str
    parent: str = ""
    description: str = ""


def starter_taxonomy(path: Path = STARTER_TAGS_PATH) -> list[StarterTagEntry]:
    """The starter tags in the file's order: every broader tag before the tags under it."""
    with path.open("rb") as f:
        return [StarterTagEntry(**row) for row in tomllib.load(f)["tags"]]


@transaction.atomic
def starter_tags_seed(entries: list[StarterTagEntry] | None = None) -> int:
    """Create the starter tags that seeding has not dealt with before; returns how many.

    Each slug is dealt with once (a StarterTag row): its tag is created, unless a tag of that
    slug or name is there already (an admin made it; it is taken as it is). Later runs leave
    it alone, whatever admins did to it since: renamed, moved, described anew or deleted.
    """
    entries = starter_taxonomy() if entries is None else entries
    seen = dict(StarterTag.objects.values_list("slug", "tag_id"))
    created = 0
    for entry in entries:
        if entry.slug in seen:
            continue
        tag = Tag.objects.filter(Q(slug=entry.slug) | Q(name__iexact=entry.name)).first()
        if tag is None:
            # Under the tag its broader one became (none if an admin deleted that one).
            tag = Tag.objects.create(
                slug=entry.slug,
                name=entry.name,
                description=entry.description,
                parent_id=seen.get(entry.parent),
            )
            created += 1
        StarterTag.objects.create(slug=entry.slug, tag=tag)
        seen[entry.slug] = tag.pk
    return created
