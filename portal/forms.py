"""The login forms of the portal and of the Django admin, with login throttling."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import ngettext

from portal import login_throttle
from portal.models import LoginAttempt


def throttled_message(retry_at: datetime, *, now: datetime | None = None) -> str:
    """What a refused user reads: that even the right password is refused now, and until when."""
    now = now or timezone.now()
    minutes = max(1, math.ceil((retry_at - now).total_seconds() / 60))
    # Rounded up to the minute: "try again at 14:05" must not be a few seconds early.
    until = timezone.localtime(retry_at + timedelta(seconds=59)).strftime("%H:%M")
    return ngettext(
        "Too many failed login attempts. Logging in is refused for now, even with the correct "
        "password. Please try again in %(minutes)d minute (at %(time)s).",
        "Too many failed login attempts. Logging in is refused for now, even with the correct "
        "password. Please try again in %(minutes)d minutes (at %(time)s).",
        minutes,
    ) % {"minutes": minutes, "time": until}


class ThrottledLoginMixin:
    """AuthenticationForm.clean with the throttle around the password check."""

    place = LoginAttempt.Place.PORTAL
    # Set when the throttle refused the attempt, for the template.
    throttled: str = ""

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is None or not password:
            return self.cleaned_data  # the fields' own errors say what is missing

        def check_password() -> bool:
            self.user_cache = authenticate(self.request, username=username, password=password)
            return self.user_cache is not None

        decision = login_throttle.login_attempt(
            username=username,
            address=login_throttle.client_address(self.request),
            place=self.place,
            check_password=check_password,
        )
        if decision.refused:
            self.throttled = throttled_message(decision.retry_at)
            raise ValidationError(self.throttled, code="throttled")
        if self.user_cache is None:
            raise self.get_invalid_login_error()
        self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class PortalLoginForm(ThrottledLoginMixin, AuthenticationForm):
    place = LoginAttempt.Place.PORTAL


class AdminLoginForm(ThrottledLoginMixin, AdminAuthenticationForm):
    place = LoginAttempt.Place.ADMIN
