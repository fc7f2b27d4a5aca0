from django.db import models
from django.utils.translation import gettext_lazy as _


class LoginAttempt(models.Model):
    """One try to log in with a password: what login throttling counts and admins read.

    Kept in PostgreSQL so that every web process counts the same attempts; pruned by beat
    (portal.tasks.prune_login_attempts) after LOGIN_ATTEMPTS_KEEP_DAYS.
    """

    class Outcome(models.TextChoices):
        FAILED = "failed", _("failed")
        # Too many failures before: the password was not even checked.
        REFUSED = "refused", _("refused (throttled)")
        SUCCEEDED = "succeeded", _("succeeded")

    class Place(models.TextChoices):
        PORTAL = "portal", _("portal login")
        ADMIN = "admin", _("admin login")

    # As typed (cut to the field's length); counting ignores case.
    username = models.CharField(_("user name tried"), max_length=150)
    client_address = models.GenericIPAddressField(_("client address"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    place = models.CharField(_("where"), max_length=10, choices=Place.choices)
    created_at = models.DateTimeField(_("time"), db_index=True)

    class Meta:
        verbose_name = _("login attempt")
        verbose_name_plural = _("login attempts")
        ordering = ["-created_at"]
        # Counting reads one window (minutes) per client or account; created_at has its own.
        indexes = [models.Index(fields=["client_address", "created_at"])]

    def __str__(self) -> str:
        return f"{self.username} from {self.client_address}: {self.outcome}"
