"""Watchlists: an analyst's saved list (events, claims, articles) or actor/place, with a count
of what is new since they last opened it, a private Atom feed and an optional e-mail digest.

Imported by events/models.py (the app's models module); the reads are in
events/selectors/watchlists.py, the writes in events/services/watchlists.py.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Watchlist(models.Model):
    """A list's filters (or one entity) that its owner follows. Only the owner sees it."""

    class Kind(models.TextChoices):
        # The list kinds of events/lists.py, and an actor or place (its events, as on its page).
        EVENT = "event", _("events")
        CLAIM = "claim", _("claims")
        ARTICLE = "article", _("articles")
        ENTITY = "entity", _("actor or place")

    class Digest(models.TextChoices):
        NONE = "none", _("no e-mail")
        IMMEDIATE = "immediate", _("immediately")
        DAILY = "daily", _("daily")
        WEEKLY = "weekly", _("weekly")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="watchlists", verbose_name=_("owner")
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    # The list's filters as a querystring, normalised (events/services/watchlists.py): only the
    # kind's parameters, sorted, no page. Empty for an entity.
    query = models.CharField(_("filters"), max_length=2000, blank=True)
    entity = models.ForeignKey(
        "events.Entity",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor or place"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Records that entered Lagebild after this are "new" (events/selectors/watchlists.py says
    # which timestamp each kind has); opening the watchlist moves it to the moment it was opened.
    seen_at = models.DateTimeField(_("last opened"), default=timezone.now)
    # The credential of the private feed (its URL); empty: no feed. Regenerating it makes the
    # old URL stop working.
    feed_token = models.CharField(
        _("feed token"), max_length=64, unique=True, null=True, blank=True, editable=False
    )
    digest = models.CharField(_("e-mail digest"), max_length=10, choices=Digest.choices, default=Digest.NONE)
    # The digest's own state (events/services/watchlists.py): records that entered after
    # digest_since and were not delivered yet are sent; digest_run_at is when it last looked
    # (a daily digest is due a day after), digest_sent_at when a mail last went out.
    digest_since = models.DateTimeField(_("digest covers since"), null=True, blank=True, editable=False)
    digest_run_at = models.DateTimeField(_("digest last checked"), null=True, blank=True, editable=False)
    digest_sent_at = models.DateTimeField(_("last digest sent"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("watchlist")
        verbose_name_plural = _("watchlists")
        constraints = [
            # The same filters are watched once per person (saving them again finds that one).
            models.UniqueConstraint(
                fields=["owner", "kind", "query"],
                condition=models.Q(entity__isnull=True),
                name="watchlist_unique_query",
            ),
            models.UniqueConstraint(
                fields=["owner", "entity"],
                condition=models.Q(entity__isnull=False),
                name="watchlist_unique_entity",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="entity", entity__isnull=False)
                | (~models.Q(kind="entity") & models.Q(entity__isnull=True)),
                name="watchlist_entity_iff_kind_entity",
            ),
        ]
        indexes = [
            # Beat's digest run reads the watchlists that have one.
            models.Index(fields=["digest"], name="watchlist_digest_idx", condition=~models.Q(digest="none")),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from events.models import url_by_id

        return url_by_id("events:watchlist", self.pk)


class WatchlistDelivery(models.Model):
    """One record a watchlist's digest has sent: never sent again.

    Rows older than the digest's window (Watchlist.digest_since) are deleted by the digest run,
    since no record that old is a candidate any more."""

    watchlist = models.ForeignKey(
        Watchlist, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("watchlist")
    )
    # The id of an event (kinds event and entity), claim or article.
    record_id = models.BigIntegerField(_("record no."))
    # When the record entered Lagebild (the timestamp its kind is watched by).
    entered_at = models.DateTimeField(_("entered Lagebild at"))
    delivered_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("watchlist delivery")
        verbose_name_plural = _("watchlist deliveries")
        constraints = [
            models.UniqueConstraint(fields=["watchlist", "record_id"], name="watchlist_delivery_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.watchlist_id}: {self.record_id}"
