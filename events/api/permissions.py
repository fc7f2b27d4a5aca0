from __future__ import annotations

from rest_framework.permissions import BasePermission

from portal.roles import has_any_role


class IsAnalyst(BasePermission):
    """Analysts, editors and admins; a logged-in user without a role gets 403.

    An anonymous caller gets 401 instead: DRF answers NotAuthenticated when no
    authenticator succeeded, with the token scheme in WWW-Authenticate.
    """

    message = "The API is open to analysts, editors and admins."

    def has_permission(self, request, view) -> bool:
        return has_any_role(request.user)
