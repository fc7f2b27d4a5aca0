"""What comes in: outlets, sources, fetch attempts and articles (DESIGN.md, Data model)."""

from __future__ import annotations

import zlib
from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def outlet_name_shared(path: str = "") -> Exists:
    """True where another outlet has the same name, case aside ("ZDF" twice): for the outlet
    at `path`, "" on Outlet rows, "article__outlet__" from an EventArticle, say.

    An annotation rather than a second query: a grouped query (the outlet facet) groups by
    the outlet's name and id it refers to, and evaluates it once per outlet."""
    return Exists(
        Outlet.objects.filter(name__iexact=OuterRef(f"{path}name")).exclude(pk=OuterRef(f"{path}id"))
    )


def outlet_label(name: str, domain: str, name_shared: bool) -> str:
    """An outlet as every list to choose from names it: by its name, and with its domain
    where another outlet has the same name (`outlet_name_shared`): "ZDF (zdf.de)"."""
    return f"{name} ({domain})" if name_shared else name


class OutletQuerySet(models.QuerySet):
    def choices(self) -> list[tuple[int, str]]:
        """(pk, label) of these outlets by name, labelled by `outlet_label` (one query)."""
        rows = (
            self.annotate(name_shared=outlet_name_shared())
            .order_by("name", "domain")
            .values_list("pk", "name", "domain", "name_shared")
        )
        return [(pk, outlet_label(name, domain, shared)) for pk, name, domain, shared in rows]


class Outlet(models.Model):
    """A publisher: a newspaper, broadcaster, agency or state medium."""

    name = models.CharField(_("name"), max_length=200)
    domain = models.CharField(_("domain"), max_length=200, unique=True, help_text=_("e.g. tagesschau.de"))
    country = models.CharField(_("country"), max_length=2, blank=True, help_text=_("ISO 3166 code"))
    language = models.CharField(_("language"), max_length=8, default="de")
    state_affiliated = models.BooleanField(
        _("state-affiliated"),
        default=False,
        help_text=_("Owned, financed or controlled by a state (RT, CGTN, Xinhua …)."),
    )
    wire_agency = models.BooleanField(
        _("wire agency"),
        default=False,
        help_text=_("A news agency (dpa, AFP, Reuters …) whose texts others print."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = OutletQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("outlet")
        verbose_name_plural = _("outlets")
        # outlet_name_shared looks up each outlet's name in it (case aside): 455 outlets' labels
        # take 1 ms of SQL instead of 130 ms of table scans.
        indexes = [models.Index(Upper("name"), name="outlet_name_upper_idx")]

    def __str__(self) -> str:
        return self.name


class FetchOutcome(models.TextChoices):
    """How a fetch ended: a fetch log's outcome, and a source's last one."""

    OK = "ok", _("ok")
    NOT_MODIFIED = "not_modified", _("not modified")
    ERROR = "error", _("error")
    DEFERRED = "deferred", _("deferred")


class SourceQuerySet(models.QuerySet):
    def due(self, now=None):
        now = now or timezone.now()
        return self.filter(active=True, paused_reason="").filter(
            Q(next_fetch_at__isnull=True) | Q(next_fetch_at__lte=now)
        )

    def with_health(self):
        since = timezone.now() - timedelta(hours=24)
        return self.annotate(articles_24h=Count("articles", filter=Q(articles__created_at__gte=since)))


class Source(models.Model):
    """Where articles come from: a feed, a news sitemap or one page. Managed by admins."""

    class Kind(models.TextChoices):
        FEED = "feed", _("Feed (RSS, Atom, JSON Feed)")
        SITEMAP = "sitemap", _("News sitemap or sitemap index")
        PAGE = "page", _("Single article page")

    outlet = models.ForeignKey(
        Outlet, on_delete=models.PROTECT, related_name="sources", verbose_name=_("outlet")
    )
    name = models.CharField(_("name"), max_length=200)
    url = models.URLField(_("URL"), max_length=2000, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.FEED)
    active = models.BooleanField(_("active"), default=True)
    interval_minutes = models.PositiveIntegerField(_("interval (minutes)"), default=30)
    user_agent = models.CharField(
        _("user agent"), max_length=300, blank=True, help_text=_("Empty: the installation's user agent.")
    )
    cookie = models.CharField(
        _("cookie"),
        max_length=2000,
        blank=True,
        help_text=_("Sent with every request, e.g. for consent walls."),
    )
    # Validators for conditional GET, and when the last unconditional fetch was made (some
    # servers send wrong validators, so now and then we fetch without them).
    etag = models.CharField(_("ETag"), max_length=500, blank=True)
    last_modified = models.CharField(_("Last-Modified"), max_length=100, blank=True)
    last_unconditional_at = models.DateTimeField(_("last fetch without validators"), null=True, blank=True)
    # Health, as the admin sees it. Errors are stored in English as the fetcher writes them
    # and shown in plain words of the reader's language (ingest/reasons.py).
    last_fetch_at = models.DateTimeField(_("last fetch"), null=True, blank=True)
    last_outcome = models.CharField(
        _("last outcome"), max_length=20, blank=True, choices=FetchOutcome.choices
    )
    # The last failure's reason and time, kept when fetches succeed again.
    last_error = models.TextField(_("last error"), blank=True)
    last_failure_at = models.DateTimeField(_("last failure"), null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(_("consecutive failures"), default=0)
    next_fetch_at = models.DateTimeField(_("next fetch"), null=True, blank=True, db_index=True)
    paused_reason = models.CharField(_("paused because"), max_length=500, blank=True)
    paused_at = models.DateTimeField(_("paused at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["outlet__name", "name"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self) -> str:
        return self.name

    @property
    def is_paused(self) -> bool:
        return bool(self.paused_reason)


class Article(models.Model):
    class Status(models.TextChoices):
        DISCOVERED = "discovered", _("discovered")
        FETCHING = "fetching", _("fetching")
        FETCHED = "fetched", _("fetched")
        EXTRACTING = "extracting", _("extracting")
        EXTRACTED = "extracted", _("extracted")
        ANALYZING = "analyzing", _("analysing")
        ANALYZED = "analyzed", _("analysed")
        DUPLICATE = "duplicate", _("duplicate")
        FAILED = "failed", _("failed")

    source = models.ForeignKey(
        Source,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
        verbose_name=_("source"),
    )
    outlet = models.ForeignKey(
        Outlet,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
        verbose_name=_("outlet"),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    url = models.URLField(
        _("URL"), max_length=2000, help_text=_("as discovered, tracking parameters removed")
    )
    # Unique: the same article under URLs that differ only in tracking parameters, or under
    # its rel=canonical address, is one article.
    canonical_url = models.URLField(_("canonical URL"), max_length=2000, unique=True)
    # Every address the article is known by: the feed's link, the page after redirects, the
    # page's rel=canonical. A feed item matching any of them is this article, not a new one.
    known_urls = ArrayField(
        models.CharField(max_length=2000),
        default=list,
        blank=True,
        editable=False,
        verbose_name=_("known URLs"),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DISCOVERED)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("fetch attempts"), default=0)
    # The task running the current step (a redelivered message carries the same id, so it
    # may take its own step over), and how many runs of a step never finished (worker
    # killed, crash): ingest/pipeline.py gives up on an article after a few.
    task_id = models.CharField(_("task"), max_length=64, blank=True, editable=False)
    restarts = models.PositiveSmallIntegerField(_("unfinished runs"), default=0, editable=False)
    title = models.CharField(_("title"), max_length=1000, blank=True)
    authors = ArrayField(
        models.CharField(max_length=200), default=list, blank=True, verbose_name=_("authors")
    )
    description = models.TextField(_("description"), blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, db_index=True)
    # The page gave a day and no time: published_at is local midnight of that day, and the
    # portal shows the day alone instead of an invented "00:00".
    published_date_only = models.BooleanField(_("date only"), default=False, db_default=False)
    modified_at = models.DateTimeField(_("modified"), null=True, blank=True)
    fetched_at = models.DateTimeField(_("fetched"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    text = models.TextField(_("text"), blank=True)
    # The raw page, zlib-compressed, kept for re-processing; never rendered.
    raw_html = models.BinaryField(_("raw HTML"), null=True, blank=True, editable=False)
    raw_content_type = models.CharField(_("content type"), max_length=200, blank=True)
    content_hash = models.CharField(_("content hash"), max_length=64, blank=True, db_index=True)
    # 64-bit SimHash of the text, and its bands (ingest/dedup.py): near-duplicate candidates
    # are found with an index lookup on the bands.
    simhash = models.BigIntegerField(_("SimHash"), null=True, blank=True)
    simhash_bands = ArrayField(
        models.IntegerField(), default=list, blank=True, verbose_name=_("SimHash bands")
    )
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("duplicate of"),
    )
    near_duplicate_group = models.BigIntegerField(
        _("near-duplicate group"), null=True, blank=True, db_index=True
    )
    wire_agencies = ArrayField(
        models.CharField(max_length=20), default=list, blank=True, verbose_name=_("wire agencies")
    )
    search_vector = SearchVectorField(_("search index"), null=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        indexes = [
            GinIndex(fields=["search_vector"], name="article_search_gin"),
            GinIndex(fields=["simhash_bands"], name="article_simhash_bands_gin"),
            GinIndex(fields=["known_urls"], name="article_known_urls_gin"),
            models.Index(fields=["status", "updated_at"], name="article_status_idx"),
            # The lists' default order, newest first (articles, and claims by their article's
            # date): a LIMIT 50 reads 50 rows of it instead of sorting the archive.
            models.Index(
                models.F("published_at").desc(nulls_last=True),
                models.F("id").desc(),
                name="article_newest_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.url

    @property
    def html(self) -> bytes:
        return zlib.decompress(bytes(self.raw_html)) if self.raw_html else b""

    @staticmethod
    def compress(body: bytes) -> bytes:
        return zlib.compress(body, 6)


class FetchLog(models.Model):
    """One HTTP attempt, for a source or an article: nothing fails silently."""

    Outcome = FetchOutcome

    class ErrorKind(models.TextChoices):
        # ingest.http.ErrorKind, and "parse" for a body that is no usable feed.
        TIMEOUT = "timeout", _("timeout")
        TOO_LARGE = "too_large", _("too large")
        BOMB = "bomb", _("compression bomb")
        REDIRECT = "redirect", _("redirects")
        SSRF = "ssrf", _("blocked address (SSRF guard)")
        ROBOTS = "robots", _("robots.txt")
        HTTP_STATUS = "http_status", _("HTTP status")
        CONTENT_TYPE = "content_type", _("content type")
        CONNECTION = "connection", _("connection")
        INVALID_URL = "invalid_url", _("invalid address")
        PARSE = "parse", _("no usable feed")

    source = models.ForeignKey(
        Source,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="fetch_logs",
        verbose_name=_("source"),
    )
    article = models.ForeignKey(
        Article,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="fetch_logs",
        verbose_name=_("article"),
    )
    url = models.URLField(_("URL"), max_length=2000)
    started_at = models.DateTimeField(_("started"), default=timezone.now, db_index=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    bytes_read = models.PositiveIntegerField(_("bytes read"), default=0)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    error_kind = models.CharField(_("kind of error"), max_length=30, blank=True, choices=ErrorKind.choices)
    # In English as the fetcher writes it; shown in plain words by ingest/reasons.py.
    error = models.TextField(_("error"), blank=True)
    items_found = models.PositiveIntegerField(_("items found"), default=0)
    items_new = models.PositiveIntegerField(_("new items"), default=0)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("fetch log")
        verbose_name_plural = _("fetch logs")

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.url} {self.get_outcome_display()}"
