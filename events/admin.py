"""The tag taxonomy is managed by admins in the Django admin, beside sources and outlets."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from events.models import Tag


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "parent", "description", "usage"]
    list_filter = ["parent"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("parent").annotate(usage_count=Count("taggings"))

    @admin.display(description=_("times used"), ordering="usage_count")
    def usage(self, tag: Tag) -> int:
        return tag.usage_count
