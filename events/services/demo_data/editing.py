"""Editors' work in the demo archive: a small tag taxonomy, tags and claim reviews.

The imported corpus has no editor work (nobody has used it yet), so these rates are plausible
small ones of an archive in use: a few events in a hundred tagged, about one claim in fifty
reviewed, each by the demo editor, with a Curation row per review as the portal's own review
leaves.
"""

from __future__ import annotations

import secrets

from django.contrib.auth.models import User
from django.utils.text import slugify

from events.models import Tag
from portal.roles import EDITOR, user_create

DEMO_EDITOR = "demo-editor"
# Marks the taxonomy this command made: only such tags are removed again, and only unused.
DEMO_TAG_DESCRIPTION = "Beispieldaten (manage.py generate_demo_data)"
TAXONOMY = {
    "Sanktionen": ["Sanktionen/Energie", "Sanktionen/Finanzen"],
    "Krieg in der Ukraine": ["Krieg in der Ukraine/Front", "Krieg in der Ukraine/Diplomatie"],
    "Nordkorea": ["Nordkorea/Raketentests"],
    "Wahlen": [],
    "Desinformation": [],
    "Rüstung": [],
    "Gipfeltreffen": [],
    "Menschenrechte": [],
    "Migration": [],
    "Energie": [],
}
EVENT_TAG_SHARE = 0.03
ARTICLE_TAG_SHARE = 0.01
CLAIM_TAG_SHARE = 0.01
REVIEW_SHARE = 0.02
CONFIRMED_SHARE = 0.7
REVIEW_REASONS = {
    "confirmed": ("Von zwei weiteren Quellen bestätigt.", "Offizielle Mitteilung liegt vor.", ""),
    "disputed": ("Widerspricht den Angaben der Gegenseite.", "Keine unabhängige Bestätigung.", ""),
}


def demo_editor() -> User:
    """The editor who did the demo archive's editing (no password: nobody logs in as it)."""
    user = User.objects.filter(username=DEMO_EDITOR).first()
    if user is None:
        user = user_create(username=DEMO_EDITOR, role=EDITOR, password=secrets.token_urlsafe(24))
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def demo_tags() -> list[int]:
    """Ids of the demo taxonomy's tags (existing tags of the same name are used as they are)."""
    ids = []
    for name, children in TAXONOMY.items():
        parent = _tag(name, None)
        ids.append(parent.pk)
        ids += [_tag(child, parent).pk for child in children]
    return ids


def _tag(name: str, parent: Tag | None) -> Tag:
    tag = Tag.objects.filter(name=name).first()
    if tag is None:
        tag = Tag.objects.create(
            name=name, slug=slugify(name, allow_unicode=True), parent=parent, description=DEMO_TAG_DESCRIPTION
        )
    return tag


def remove_unused_tags() -> int:
    unused = Tag.objects.filter(
        description=DEMO_TAG_DESCRIPTION, taggings__isnull=True, children__isnull=True
    )
    removed = 0
    # Children first: a parent is protected while a child points at it.
    for _round in range(3):
        ids = list(unused.values_list("pk", flat=True))
        if not ids:
            break
        removed += Tag.objects.filter(pk__in=ids).delete()[0]
    return removed
