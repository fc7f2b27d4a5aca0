from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events")

    def ready(self) -> None:
        from events.receivers import analyze_after_extraction
        from ingest.signals import article_extracted

        # ingest announces extracted articles; events analyses them (imports point one way).
        article_extracted.connect(analyze_after_extraction, dispatch_uid="events.analyze_after_extraction")
