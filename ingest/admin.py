from datetime import datetime

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ingest import services
from ingest.models import Article, FetchLog, Outlet, Source, outlet_label, outlet_name_shared
from ingest.reasons import explain

# Long addresses are cut to this many characters in lists; the whole one is the title.
URL_CHARS = 40


def _when(moment: datetime | None) -> SafeString | str:
    """A time as short as lists need it, never broken: 07.12.2026 17:46 (the reader's format)."""
    if not moment:
        return ""
    return format_html(
        '<span class="when">{}</span>', date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")
    )


def _short_url(url: str) -> SafeString:
    """An address cut for a list column, whole on hover."""
    short = Truncator(url.removeprefix("https://").removeprefix("http://")).chars(URL_CHARS)
    return format_html('<span class="url" title="{}">{}</span>', url, short)


def _reason(text: str) -> SafeString | str:
    """A stored error in plain words; the stored English (what logs say) on hover."""
    if not text:
        return ""
    return format_html('<span class="reason" title="{}">{}</span>', text, explain(text))


class OutletListFilter(admin.RelatedFieldListFilter):
    """The outlet filter, each outlet as lists to choose from name it ("ZDF (zdf.de)")."""

    def field_choices(self, field, request, model_admin):
        return Outlet.objects.choices()


class OutletLabelsMixin:
    """Outlet selects of a form, labelled like every list to choose from."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Outlet:
            kwargs["queryset"] = Outlet.objects.annotate(name_shared=outlet_name_shared())
            field = super().formfield_for_foreignkey(db_field, request, **kwargs)
            field.label_from_instance = lambda outlet: outlet_label(
                outlet.name, outlet.domain, outlet.name_shared
            )
            return field
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Outlet)
class OutletAdmin(admin.ModelAdmin):
    list_display = ["name", "domain", "country", "language", "state_affiliated", "wire_agency"]
    # The two flags are set right in the list (the coverage page reads them).
    list_editable = ["state_affiliated", "wire_agency"]
    list_filter = ["country", "state_affiliated", "wire_agency"]
    search_fields = ["name", "domain"]
    fields = ["name", "domain", "country", "language", "state_affiliated", "wire_agency"]


class FetchLogInline(admin.TabularInline):
    model = FetchLog
    fields = ["started_at", "outcome", "status_code", "bytes_read", "duration_ms", "items_new", "reason"]
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

    @admin.display(description=_("error"))
    def reason(self, log: FetchLog) -> SafeString | str:
        return _reason(log.error)


# What the fetcher writes about a source: shown read-only in the "Health" section of its form.
SOURCE_HEALTH_FIELDS = [
    "last_fetch_at",
    "last_outcome",
    "last_failure",
    "consecutive_failures",
    "next_fetch_at",
    "paused_because",
    "paused_at",
    "etag",
    "last_modified",
    "last_unconditional_at",
]
# Short names of the kinds, for the list (the choices' own names are long).
KIND_SHORT = {Source.Kind.FEED: _("Feed"), Source.Kind.SITEMAP: _("Sitemap"), Source.Kind.PAGE: _("Page")}


@admin.register(Source)
class SourceAdmin(OutletLabelsMixin, admin.ModelAdmin):
    # Fits a 1366 px wide screen beside the admin's menu and the filters: the kind and the cut
    # address under the name, the failures in a row in the health, the outcome and the next
    # fetch under the last one (tests/browser/test_admin_in_browser.py measures it).
    list_display = ["source", "outlet", "health", "fetches", "last_failure", "articles_24h"]
    list_filter = ["kind", "active", "last_outcome", ("outlet", OutletListFilter)]
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
        # The health colours and the columns' widths: classes, because the
        # Content-Security-Policy allows no style="".
        css = {"all": ["css/admin.css"]}

    @admin.display(description=_("source"), ordering="name")
    def source(self, source: Source) -> SafeString:
        return format_html(
            '{}<br><span class="kind">{}</span> · {}',
            source.name,
            KIND_SHORT.get(source.kind),
            _short_url(source.url),
        )

    @admin.display(description=_("health"), ordering="consecutive_failures")
    def health(self, source: Source) -> SafeString:
        if not source.active:
            return format_html('<span class="health health-inactive">{}</span>', _("inactive"))
        if source.is_paused:
            return format_html(
                '<span class="health health-paused" title="{}">⏸\u00a0{}</span>',
                explain(source.paused_reason),
                _("paused"),
            )
        if source.consecutive_failures:
            return format_html(
                '<span class="health health-failing" title="{}">⚠\u00a0{} ({}×)</span>',
                explain(source.last_error),
                _("failing"),
                source.consecutive_failures,
            )
        return format_html('<span class="health health-ok">●\u00a0{}</span>', _("ok"))

    @admin.display(description=_("fetches"), ordering="last_fetch_at")
    def fetches(self, source: Source) -> SafeString:
        """The last fetch, how it ended, and when the next one is due."""
        last = (
            format_html(
                '{} <span class="outcome-{}">{}</span>',
                _when(source.last_fetch_at),
                source.last_outcome,
                source.get_last_outcome_display(),
            )
            if source.last_fetch_at
            else _("never")
        )
        if not source.next_fetch_at:
            return last
        return format_html(
            '{}<br><span class="next">{} {}</span>', last, _("next:"), _when(source.next_fetch_at)
        )

    @admin.display(description=_("last error"), ordering="last_failure_at")
    def last_failure(self, source: Source) -> SafeString | str:
        """Why the last failed fetch failed, in plain words, and when (kept after recovery)."""
        if not source.last_error:
            return "–"
        # Rows from before last_failure_at was kept: the last fetch failed, when they have an error.
        return format_html(
            "{}<br>{}", _reason(source.last_error), _when(source.last_failure_at or source.last_fetch_at)
        )

    @admin.display(description=_("paused because"))
    def paused_because(self, source: Source) -> SafeString | str:
        return _reason(source.paused_reason) or "–"

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
            # Stored in English like every reason, shown in the reader's words (ingest/reasons.py).
            services.source_pause(source, reason=f"paused by {request.user.get_username()}")
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
        "address",
        "outcome",
        "status_code",
        "bytes_read",
        "duration_ms",
        "reason",
    ]
    list_filter = ["outcome", "error_kind", "source"]
    search_fields = ["url", "error"]
    list_select_related = ["source"]
    date_hierarchy = "started_at"

    class Media:
        css = {"all": ["css/admin.css"]}

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("URL"), ordering="url")
    def address(self, log: FetchLog) -> SafeString:
        return _short_url(log.url)

    @admin.display(description=_("error"))
    def reason(self, log: FetchLog) -> SafeString | str:
        return _reason(log.error)


@admin.register(Article)
class ArticleAdmin(OutletLabelsMixin, admin.ModelAdmin):
    list_display = [
        "title_or_url",
        "outlet",
        "status",
        "published_at",
        "wire_agencies",
        "near_duplicate_group",
    ]
    list_filter = ["status", ("outlet", OutletListFilter), "language"]
    search_fields = ["title", "canonical_url"]
    list_select_related = ["outlet"]
    date_hierarchy = "published_at"
    exclude = ["raw_html", "search_vector", "simhash_bands", "error"]
    readonly_fields = [
        "url",
        "canonical_url",
        "status",
        "reason",
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

    @admin.display(description=_("error"))
    def reason(self, article: Article) -> SafeString | str:
        return _reason(article.error) or "–"
