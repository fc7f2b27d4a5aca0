"""`manage.py api_token USERNAME [--new | --revoke]`: a user's API token, for admins' scripts.

Prints the token (creating one when the user has none) and nothing else on stdout, so that
`TOKEN=$(manage.py api_token anna)` works.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from events.api import tokens


class Command(BaseCommand):
    help = "Print a user's API token (created if missing); --new replaces it, --revoke deletes it."

    def add_arguments(self, parser):
        parser.add_argument("username")
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--new", action="store_true", help="replace the token with a new one")
        group.add_argument("--revoke", action="store_true", help="delete the token; nothing is printed")

    def handle(self, *args, username: str, new: bool, revoke: bool, **options):
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"no user {username!r}") from None
        if revoke:
            revoked = tokens.token_revoke(user)
            self.stderr.write(f"token of {username} revoked" if revoked else f"{username} had no token")
            return
        token = None if new else tokens.token_get(user)
        self.stdout.write((token or tokens.token_create(user)).key)
