from django.contrib import admin
from django.http import HttpRequest

from portal.models import LoginAttempt


@admin.register(LoginAttempt)
class LoginAttemptAdmin(admin.ModelAdmin):
    """Read-only: the rows are what the throttle counted; nobody edits that record."""

    list_display = ["created_at", "username", "client_address", "outcome", "place"]
    list_filter = ["outcome", "place", "created_at"]
    search_fields = ["username", "client_address"]
    date_hierarchy = "created_at"
    readonly_fields = list_display

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: LoginAttempt | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: LoginAttempt | None = None) -> bool:
        return False
