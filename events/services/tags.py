"""Putting tags on records and taking them off."""

from __future__ import annotations

from django.db import transaction

from events.models import TAGGING_TARGETS, Tag, Tagging


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
