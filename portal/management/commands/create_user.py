import getpass

from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from portal.roles import ROLES, user_create


class Command(BaseCommand):
    help = "Create a portal user with one role (analyst, editor or admin)."

    def add_arguments(self, parser):
        parser.add_argument("name", help="login name")
        parser.add_argument("--role", required=True, choices=ROLES)
        parser.add_argument("--password", help="asked for on the terminal when not given")
        parser.add_argument("--email", default="")

    def handle(self, *args, name: str, role: str, password: str | None, email: str, **options):
        if User.objects.filter(username=name).exists():
            raise CommandError(f"user {name!r} already exists")
        if password is None:
            password = self._ask_password(name)
        try:
            validate_password(password, User(username=name, email=email))
        except ValidationError as exc:
            raise CommandError("password rejected: " + " ".join(exc.messages)) from exc
        user_create(username=name, role=role, password=password, email=email)
        self.stdout.write(self.style.SUCCESS(f"created {role} {name!r}"))

    def _ask_password(self, name: str) -> str:
        try:
            first = getpass.getpass(f"Password for {name}: ")
            second = getpass.getpass("Password (again): ")
        except (EOFError, KeyboardInterrupt) as exc:
            raise CommandError("no password given (use --password when there is no terminal)") from exc
        if first != second:
            raise CommandError("the passwords do not match")
        if not first:
            raise CommandError("empty password")
        return first
