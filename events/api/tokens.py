"""API tokens: one per user, created and revoked by the user (or by an admin's script)."""

from __future__ import annotations

from django.db import transaction
from rest_framework.authtoken.models import Token


def token_get(user) -> Token | None:
    return Token.objects.filter(user=user).first()


@transaction.atomic
def token_create(user) -> Token:
    """A new token for the user; an old one stops working (whoever had it loses access)."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)


def token_revoke(user) -> bool:
    """Delete the user's token; False when there was none."""
    deleted, _ = Token.objects.filter(user=user).delete()
    return bool(deleted)
