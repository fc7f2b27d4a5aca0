from django.core.management import call_command
from django.core.management.base import BaseCommand

from events.services.tags import starter_tags_seed
from portal.roles import sync_roles


class Command(BaseCommand):
    help = (
        "Load the seed data (roles, the starter tags, knowledge base of actors and places); "
        "safe to run again."
    )

    def handle(self, *args, **options):
        sync_roles()
        self.stdout.write("roles: analyst, editor, admin up to date")
        created = starter_tags_seed()
        self.stdout.write(
            f"starter tags: {created} created (tags seeded before are left as admins left them)"
        )
        call_command("load_kb", stdout=self.stdout, stderr=self.stderr)
