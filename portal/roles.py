"""The three roles (DESIGN.md, "Who uses it") as Django groups with permissions.

Rules name an app, a model (or "*" for all of the app's models) and actions, so a model
that a later change adds is covered by its app's rule without editing this table. Each
role includes everything of the role before it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.models import Group, Permission, User
from django.core.exceptions import PermissionDenied
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
    # Login attempts (login throttling) are read, never written, by people.
    ("portal", "loginattempt", ("view",)),
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


# The role is read once per user object (one query) and kept on it, like Django keeps the
# permissions it loaded (`_perm_cache`): the middleware, the navigation and every tag box of
# a page ask the same question.
_ROLE_CACHE = "_portal_role"


def user_role(user) -> str | None:
    """The highest role a user has, or None (superusers count as admin)."""
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return ADMIN
    if not hasattr(user, _ROLE_CACHE):
        names = set(user.groups.values_list("name", flat=True))
        setattr(user, _ROLE_CACHE, next((role for role in reversed(ROLES) if role in names), None))
    return getattr(user, _ROLE_CACHE)


def has_role(user, role: str) -> bool:
    current = user_role(user)
    return current is not None and ROLES.index(current) >= ROLES.index(role)


def has_any_role(user) -> bool:
    """Logged in and in one of the roles: the rule for reading anything of the portal or the API."""
    return user_role(user) is not None


def is_editor(user) -> bool:
    """The one editor check: tagging, reviewing, merging and splitting, submitting URLs."""
    return has_role(user, EDITOR)


def is_admin(user) -> bool:
    return has_role(user, ADMIN)


def editor_required(view: Callable) -> Callable:
    """A view for editors and admins; anyone else logged in gets 403 (anonymous visitors
    never get here: LoginRequiredMiddleware sends them to the login page first)."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if not is_editor(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return guarded


def admin_required(view: Callable) -> Callable:
    """A view for admins only; anyone else logged in gets 403."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if not is_admin(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return guarded


def role_not_required(view: Callable) -> Callable:
    """Mark a view that a logged-in user without a role may still use (logging out);
    views marked @login_not_required are open to them anyway."""
    view.role_required = False
    return view


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
