from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Lagebild"

    def ready(self) -> None:
        from portal.roles import sync_roles_after_migrate

        # "portal" is the last installed app, so by its post_migrate every other app's
        # permissions exist and the role groups can be brought up to date.
        post_migrate.connect(sync_roles_after_migrate, sender=self)
