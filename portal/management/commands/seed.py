from django.core.management.base import BaseCommand

from portal.roles import sync_roles


class Command(BaseCommand):
    help = "Load the seed data (roles and their permissions); safe to run again."

    def handle(self, *args, **options):
        sync_roles()
        self.stdout.write("roles: analyst, editor, admin up to date")
