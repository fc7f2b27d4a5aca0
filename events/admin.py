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


# --- watchlists: analysts' own; admins see them (never the feed token, a credential) ---------

from events.models import Watchlist  # noqa: E402


@admin.register(Watchlist)
class WatchlistAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "kind", "digest", "created_at", "seen_at", "digest_sent_at", "has_feed"]
    list_filter = ["kind", "digest"]
    search_fields = ["name", "owner__username"]
    list_select_related = ["owner"]
    raw_id_fields = ["owner", "entity"]
    readonly_fields = ["created_at", "digest_sent_at"]
    fields = ["owner", "name", "kind", "query", "entity", "digest", "seen_at", "created_at", "digest_sent_at"]

    @admin.display(description=_("feed"), boolean=True)
    def has_feed(self, watchlist: Watchlist) -> bool:
        return bool(watchlist.feed_token)
