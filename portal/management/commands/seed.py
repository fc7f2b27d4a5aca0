from django.core.management import call_command
from django.core.management.base import BaseCommand

from portal.roles import sync_roles


class Command(BaseCommand):
    help = "Load the seed data (roles, knowledge base of actors and places); safe to run again."

    def handle(self, *args, **options):
        sync_roles()
        self.stdout.write("roles: analyst, editor, admin up to date")
        call_command("load_kb", stdout=self.stdout, stderr=self.stderr)
