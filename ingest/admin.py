from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ingest import services
from ingest.models import Article, FetchLog, Outlet, Source


@admin.register(Outlet)
class OutletAdmin(admin.ModelAdmin):
    list_display = ["name", "domain", "country", "language", "state_affiliated", "wire_agency"]
    list_filter = ["country", "state_affiliated", "wire_agency"]
    search_fields = ["name", "domain"]


class FetchLogInline(admin.TabularInline):
    model = FetchLog
    fields = ["started_at", "outcome", "status_code", "bytes_read", "duration_ms", "items_new", "error"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    verbose_name_plural = _("latest fetches")

    def get_queryset(self, request):
        # The newest few attempts of this source only; the full history is under fetch logs.
        qs = super().get_queryset(request).filter(article__isnull=True)
        ids = list(qs.order_by("-started_at").values_list("pk", flat=True)[:10])
        return qs.filter(pk__in=ids)


# What the fetcher writes about a source: shown read-only in the "Health" section of its form.
SOURCE_HEALTH_FIELDS = [
    "last_fetch_at",
    "last_outcome",
    "last_error",
    "consecutive_failures",
    "next_fetch_at",
    "paused_reason",
    "paused_at",
    "etag",
    "last_modified",
    "last_unconditional_at",
]


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "outlet",
        "kind",
        "health",
        "last_fetch_at",
        "last_outcome",
        "consecutive_failures",
        "next_fetch_at",
        "articles_24h",
    ]
    list_filter = ["kind", "active", "last_outcome", "outlet"]
    search_fields = ["name", "url", "outlet__name"]
    list_select_related = ["outlet"]
    actions = ["fetch_now", "pause", "resume"]
    inlines = [FetchLogInline]
    readonly_fields = SOURCE_HEALTH_FIELDS
    fieldsets = [
        (None, {"fields": ["outlet", "name", "url", "kind", "active", "interval_minutes"]}),
        (_("Requests"), {"fields": ["user_agent", "cookie"], "classes": ["collapse"]}),
        (_("Health"), {"fields": SOURCE_HEALTH_FIELDS}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).with_health()

    class Media:
        # The health colours: classes, because the Content-Security-Policy allows no style="".
        css = {"all": ["css/admin.css"]}

    @admin.display(description=_("health"))
    def health(self, source: Source) -> str:
        if not source.active:
            return format_html('<span class="health health-inactive">{}</span>', _("inactive"))
        if source.is_paused:
            return format_html(
                '<span class="health health-paused" title="{}">⏸ {}</span>', source.paused_reason, _("paused")
            )
        if source.consecutive_failures:
            return format_html(
                '<span class="health health-failing" title="{}">⚠ {}</span>', source.last_error, _("failing")
            )
        return format_html('<span class="health health-ok">● {}</span>', _("ok"))

    @admin.display(description=_("articles (24 h)"), ordering="articles_24h")
    def articles_24h(self, source: Source) -> int:
        return source.articles_24h

    @admin.action(description=_("Fetch now"))
    def fetch_now(self, request: HttpRequest, queryset: QuerySet) -> None:
        for source in queryset:
            services.source_fetch_now(source)
        count = queryset.count()
        self.message_user(request, ngettext("%d source queued.", "%d sources queued.", count) % count)

    @admin.action(description=_("Pause"))
    def pause(self, request: HttpRequest, queryset: QuerySet) -> None:
        for source in queryset:
            services.source_pause(
                source, reason=_("paused by %(user)s") % {"user": request.user.get_username()}
            )
        self.message_user(request, _("Paused."), messages.WARNING)

    @admin.action(description=_("Resume"))
    def resume(self, request: HttpRequest, queryset: QuerySet) -> None:
        for source in queryset:
            services.source_resume(source)
        self.message_user(request, _("Resumed; fetched at the next dispatch (within a minute)."))


@admin.register(FetchLog)
class FetchLogAdmin(admin.ModelAdmin):
    list_display = [
        "started_at",
        "source",
        "url",
        "outcome",
        "status_code",
        "bytes_read",
        "duration_ms",
        "error",
    ]
    list_filter = ["outcome", "error_kind", "source"]
    search_fields = ["url", "error"]
    list_select_related = ["source"]
    date_hierarchy = "started_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = [
        "title_or_url",
        "outlet",
        "status",
        "published_at",
        "wire_agencies",
        "near_duplicate_group",
    ]
    list_filter = ["status", "outlet", "language"]
    search_fields = ["title", "canonical_url"]
    list_select_related = ["outlet"]
    date_hierarchy = "published_at"
    exclude = ["raw_html", "search_vector", "simhash_bands"]
    readonly_fields = [
        "url",
        "canonical_url",
        "status",
        "error",
        "attempts",
        "fetched_at",
        "content_hash",
        "simhash",
        "duplicate_of",
        "near_duplicate_group",
        "raw_content_type",
    ]

    @admin.display(description=_("title"))
    def title_or_url(self, article: Article) -> str:
        return article.title or article.url
