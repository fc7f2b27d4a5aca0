"""The three roles (DESIGN.md, "Who uses it") as Django groups with permissions.

Rules name an app, a model (or "*" for all of the app's models) and actions, so a model
that a later change adds is covered by its app's rule without editing this table. Each
role includes everything of the role before it.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission, User
from django.db import transaction

ANALYST, EDITOR, ADMIN = "analyst", "editor", "admin"
ROLES = (ANALYST, EDITOR, ADMIN)

Rule = tuple[str, str, tuple[str, ...]]

_ANALYST_RULES: list[Rule] = [
    ("events", "*", ("view",)),
    ("ingest", "*", ("view",)),
]
# Models that "*" leaves out for editors: admins alone manage them.
ADMIN_MANAGED = {("events", "tag")}

_EDITOR_RULES: list[Rule] = [
    # Editors curate: tag, review, merge and split what analysts see (not the taxonomy).
    ("events", "*", ("add", "change", "delete")),
    # Editors may submit a single article URL for ingestion.
    ("ingest", "article", ("add",)),
]
_ADMIN_RULES: list[Rule] = [
    # Admins run sources and outlets, the tag taxonomy and users.
    ("events", "tag", ("add", "change", "delete")),
    ("ingest", "*", ("add", "change", "delete")),
    ("auth", "user", ("view", "add", "change", "delete")),
    ("auth", "group", ("view",)),
]

RULES: dict[str, list[Rule]] = {
    ANALYST: _ANALYST_RULES,
    EDITOR: _ANALYST_RULES + _EDITOR_RULES,
    ADMIN: _ANALYST_RULES + _EDITOR_RULES + _ADMIN_RULES,
}


def permissions_for(role: str) -> list[Permission]:
    perms: dict[int, Permission] = {}
    for app_label, model, actions in RULES[role]:
        qs = Permission.objects.filter(content_type__app_label=app_label).select_related("content_type")
        if model != "*":
            qs = qs.filter(content_type__model=model)
        else:
            for managed_app, managed_model in ADMIN_MANAGED:
                if managed_app == app_label:
                    qs = qs.exclude(content_type__model=managed_model)
        for perm in qs:
            action = perm.codename.split("_", 1)[0]
            if action in actions:
                perms[perm.pk] = perm
    return list(perms.values())


@transaction.atomic
def sync_roles() -> None:
    """Create the role groups and set their permissions exactly; safe to run again."""
    for role in ROLES:
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set(permissions_for(role))


def sync_roles_after_migrate(**kwargs) -> None:
    sync_roles()


def user_role(user) -> str | None:
    """The highest role a user has, or None (superusers count as admin)."""
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return ADMIN
    names = set(user.groups.values_list("name", flat=True))
    for role in reversed(ROLES):
        if role in names:
            return role
    return None


def has_role(user, role: str) -> bool:
    current = user_role(user)
    return current is not None and ROLES.index(current) >= ROLES.index(role)


@transaction.atomic
def user_create(*, username: str, role: str, password: str, email: str = "") -> User:
    """Create a user in one role. Admins also get Django admin access (is_staff)."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
    sync_roles()
    user = User.objects.create_user(username=username, email=email, password=password)
    user.is_staff = role == ADMIN
    user.save(update_fields=["is_staff"])
    user.groups.set([Group.objects.get(name=role)])
    return user
