"""Writes of the ingestion path: sources are fetched, articles discovered, fetched, extracted.

Tasks (ingest/tasks.py) load rows and call these functions; these functions do the work in
a transaction and enqueue the next step on commit. Failures never touch what was stored
before: a failed fetch leaves the article's text and the source's validators as they were,
and always leaves a FetchLog row behind.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.postgres.search import SearchVector
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from ingest import dedup, pipeline
from ingest.decoding import decode_html
from ingest.extraction import ExtractedArticle, canonicalize_url, extract_document
from ingest.feeds import FeedItem, FeedKind, parse_feed
from ingest.http import FEED_TYPES, HTML_TYPES, ConditionalState, ErrorKind, FetchResult, fetch, url_problem
from ingest.models import Article, FetchLog, Outlet, Source
from ingest.politeness import fetch_config

logger = logging.getLogger(__name__)

# Errors worth trying again later; the others (404, robots, SSRF, too large) will not heal.
TRANSIENT_KINDS = {ErrorKind.TIMEOUT, ErrorKind.CONNECTION}
TRANSIENT_STATUSES = {408, 425, 429, 500, 502, 503, 504}


class IngestError(Exception):
    """A problem a user should see as it is (bad URL, unknown source, ...)."""


# --- fetching helpers --------------------------------------------------------------------


def _fetch(url: str, *, source: Source | None, accept: frozenset[str], state=None) -> FetchResult:
    config = fetch_config(
        user_agent=source.user_agent if source else "",
        cookie=source.cookie if source else "",
        accept=accept,
    )
    return fetch(url, config=config, state=state)


def _log(
    result: FetchResult, *, source=None, article=None, outcome=None, error="", kind="", **extra
) -> FetchLog:
    if outcome is None:
        if result.not_modified:
            outcome = FetchLog.Outcome.NOT_MODIFIED
        elif result.ok and not error:
            outcome = FetchLog.Outcome.OK
        else:
            outcome = FetchLog.Outcome.ERROR
    return FetchLog.objects.create(
        source=source,
        article=article,
        url=result.url[:2000],
        started_at=timezone.now() - timedelta(seconds=result.elapsed),
        duration_ms=int(result.elapsed * 1000),
        status_code=result.status,
        bytes_read=result.bytes_read,
        outcome=outcome,
        error_kind=kind or (str(result.error_kind) if result.error_kind else ""),
        error=error or result.error or "",
        **extra,
    )


def is_transient(result: FetchResult) -> bool:
    if result.error_kind in TRANSIENT_KINDS:
        return True
    return result.error_kind == ErrorKind.HTTP_STATUS and result.status in TRANSIENT_STATUSES


def outlet_for_url(url: str) -> Outlet | None:
    """The outlet whose domain is the URL's host or a parent of it (www.x.de -> x.de)."""
    host = (urlsplit(url).hostname or "").lower()
    parts = host.split(".")
    candidates = [".".join(parts[i:]) for i in range(len(parts) - 1)]
    by_domain = {o.domain: o for o in Outlet.objects.filter(domain__in=candidates)}
    return next((by_domain[c] for c in candidates if c in by_domain), None)


# --- sources -----------------------------------------------------------------------------


@dataclass
class SourceFetchOutcome:
    log: FetchLog
    new_article_ids: list[int]


def source_fetch(source: Source, *, now: datetime | None = None) -> SourceFetchOutcome:
    """Fetch a source once, discover its articles and update its health."""
    now = now or timezone.now()
    unconditional_due = (
        source.last_unconditional_at is None
        or now - source.last_unconditional_at >= timedelta(hours=settings.SOURCE_UNCONDITIONAL_HOURS)
    )
    state = None
    if not unconditional_due and (source.etag or source.last_modified):
        state = ConditionalState(etag=source.etag or None, last_modified=source.last_modified or None)
    accept = HTML_TYPES if source.kind == Source.Kind.PAGE else FEED_TYPES
    result = _fetch(source.url, source=source, accept=accept, state=state)

    if not result.ok:
        with transaction.atomic():
            log = _log(result, source=source)
            _source_failed(source, result, now)
        return SourceFetchOutcome(log, [])
    if result.not_modified:
        with transaction.atomic():
            log = _log(result, source=source)
            _source_succeeded(source, result, now, unconditional=False)
        return SourceFetchOutcome(log, [])

    if source.kind == Source.Kind.PAGE:
        with transaction.atomic():
            article, created = _article_from_page(source, result)
            log = _log(result, source=source, items_found=1, items_new=int(created))
            _source_succeeded(source, result, now, unconditional=state is None)
        return SourceFetchOutcome(log, [article.pk] if created else [])

    items, error, warnings = _feed_items(source, result)
    if error:
        with transaction.atomic():
            log = _log(result, source=source, error=error, kind=FetchLog.ErrorKind.PARSE)
            _source_failed(source, result, now, error=error)
        return SourceFetchOutcome(log, [])
    with transaction.atomic():
        new_ids = discover_articles(source, items)
        log = _log(
            result,
            source=source,
            items_found=len(items),
            items_new=len(new_ids),
            error="; ".join(warnings)[:2000],
            outcome=FetchLog.Outcome.OK,
        )
        _source_succeeded(source, result, now, unconditional=state is None)
    return SourceFetchOutcome(log, new_ids)


def _feed_items(source: Source, result: FetchResult) -> tuple[list[FeedItem], str | None, list[str]]:
    parsed = parse_feed(result.body, url=result.url, content_type=result.headers.get("content-type"))
    if parsed.error:
        # An HTML page's error names the feeds it links to already (feeds._refuse_html).
        return [], parsed.error, parsed.warnings
    items = list(parsed.items)
    warnings = list(parsed.warnings)
    problems = [w for w in warnings if w != "feed has no items"]
    if not items and not parsed.child_sitemaps and problems:
        # Broken XML that recovery could not turn into a single item is a failure, not an
        # empty feed: the admin must see it.
        return [], "no usable items: " + "; ".join(problems), warnings
    if parsed.kind == FeedKind.SITEMAP_INDEX:
        # A sitemap index names child sitemaps; news sites list the newest first.
        for child_url in parsed.child_sitemaps[: settings.SITEMAP_MAX_CHILDREN]:
            child = _fetch(child_url, source=source, accept=FEED_TYPES)
            _log(child, source=source)
            if not child.ok:
                warnings.append(f"{child_url}: {child.error}")
                continue
            child_parsed = parse_feed(
                child.body, url=child.url, content_type=child.headers.get("content-type")
            )
            if child_parsed.error:
                warnings.append(f"{child_url}: {child_parsed.error}")
            items.extend(child_parsed.items)
    return items, None, warnings


def _source_succeeded(source: Source, result: FetchResult, now: datetime, *, unconditional: bool) -> None:
    source.last_fetch_at = now
    source.last_outcome = FetchLog.Outcome.NOT_MODIFIED if result.not_modified else FetchLog.Outcome.OK
    source.consecutive_failures = 0
    if not result.not_modified:
        source.etag = (result.etag or "")[:500]
        source.last_modified = (result.last_modified or "")[:100]
    if unconditional:
        source.last_unconditional_at = now
    source.next_fetch_at = now + _jittered(timedelta(minutes=source.interval_minutes))
    source.save(
        update_fields=[
            "last_fetch_at", "last_outcome", "consecutive_failures", "etag", "last_modified",
            "last_unconditional_at", "next_fetch_at",
        ]
    )  # fmt: skip


def _source_failed(source: Source, result: FetchResult, now: datetime, *, error: str | None = None) -> None:
    message = error or result.error or "unknown error"
    # Counted in the database: two failures at the same moment both count.
    Source.objects.filter(pk=source.pk).update(consecutive_failures=F("consecutive_failures") + 1)
    source.consecutive_failures = (
        Source.objects.filter(pk=source.pk).values_list("consecutive_failures", flat=True).first() or 1
    )
    source.last_fetch_at = now
    source.last_outcome = FetchLog.Outcome.ERROR
    source.last_error = message
    source.last_failure_at = now
    if result.status == 410:
        _pause(source, f"410 Gone: the server says this feed no longer exists ({message})", now)
    elif source.consecutive_failures >= settings.SOURCE_MAX_FAILURES:
        _pause(source, f"{source.consecutive_failures} failures in a row; last: {message}", now)
    backoff = min(
        timedelta(minutes=source.interval_minutes) * 2 ** (source.consecutive_failures - 1),
        timedelta(hours=settings.SOURCE_MAX_BACKOFF_HOURS),
    )
    next_at = now + _jittered(backoff)
    if result.retry_after:
        # The server said when to come back; never earlier than that.
        next_at = max(next_at, now + timedelta(seconds=result.retry_after))
    source.next_fetch_at = next_at
    source.save(
        update_fields=[
            "last_fetch_at", "last_outcome", "last_error", "last_failure_at", "next_fetch_at",
            "paused_reason", "paused_at",
        ]
    )  # fmt: skip


def _pause(source: Source, reason: str, now: datetime) -> None:
    source.paused_reason = reason[:500]
    source.paused_at = now


def _jittered(delay: timedelta, spread: float = 0.1) -> timedelta:
    """Spread fetches so sources added together do not stay in lockstep."""
    return delay * random.uniform(1 - spread, 1 + spread)  # noqa: S311 - load spreading, not cryptography


def source_pause(source: Source, *, reason: str) -> None:
    Source.objects.filter(pk=source.pk).update(paused_reason=reason[:500], paused_at=timezone.now())


def source_resume(source: Source) -> None:
    """Resume a paused source: fetched at the next dispatch, failures forgotten."""
    Source.objects.filter(pk=source.pk).update(
        paused_reason="", paused_at=None, consecutive_failures=0, next_fetch_at=timezone.now()
    )


def source_fetch_now(source: Source) -> None:
    """Fetch the source once, now: leased like a dispatch, so the dispatcher does not send it
    a second time while this fetch waits in the queue."""
    from ingest.tasks import fetch_source

    now = timezone.now()
    Source.objects.filter(pk=source.pk).update(
        next_fetch_at=now + timedelta(minutes=max(5, source.interval_minutes))
    )
    pipeline.send_on_commit(fetch_source, source.pk)


def sources_claim_due(now: datetime | None = None) -> list[int]:
    """Claim the sources due for a fetch; each is claimed by one dispatcher only."""
    now = now or timezone.now()
    claimed = []
    for source in Source.objects.due(now).only("pk", "next_fetch_at", "interval_minutes"):
        # A provisional next time, so the next dispatch does not send it again while this
        # fetch is queued; source_fetch sets the real one. The condition on the old value
        # makes two concurrent dispatchers claim a source once.
        lease = now + timedelta(minutes=max(5, source.interval_minutes))
        updated = Source.objects.filter(pk=source.pk, next_fetch_at=source.next_fetch_at).update(
            next_fetch_at=lease
        )
        if updated == 1:
            claimed.append(source.pk)
    return claimed


# --- articles ----------------------------------------------------------------------------


def discover_articles(source: Source | None, items: list[FeedItem]) -> list[int]:
    """Create an article for each item not seen before; returns the new ids."""
    from ingest.tasks import fetch_article

    new_ids = []
    for item in items:
        url = canonicalize_url(item.url)
        if not url.startswith(("http://", "https://")):
            continue
        article, created = _get_or_create_article(
            url,
            source=source,
            title=(item.title or "")[:1000],
            published_at=item.published,
            authors=[a[:200] for a in item.authors][:20],
        )
        if created:
            new_ids.append(article.pk)
            pipeline.send_on_commit(fetch_article, article.pk)
    return new_ids


def article_known_by(url: str) -> Article | None:
    """The article known by this address: its canonical URL, or any address it came by
    (feed link, the page after redirects), so a feed poll never creates it a second time."""
    return (
        Article.objects.filter(Q(canonical_url=url) | Q(known_urls__contains=[url]))
        .order_by(F("duplicate_of").asc(nulls_first=True), "pk")
        .first()
    )


def _remember_url(article: Article, url: str) -> None:
    """Keep an address the article is known by (saved with the article's next save)."""
    url = canonicalize_url(url) if url else ""
    if url.startswith(("http://", "https://")) and url not in article.known_urls:
        article.known_urls = [*article.known_urls, url[:2000]]


def _get_or_create_article(url: str, *, source: Source | None, **defaults) -> tuple[Article, bool]:
    existing = article_known_by(url)
    if existing:
        return existing, False
    outlet = source.outlet if source else outlet_for_url(url)
    try:
        with transaction.atomic():
            article = Article.objects.create(
                url=url, canonical_url=url, known_urls=[url], source=source, outlet=outlet, **defaults
            )
        return article, True
    except IntegrityError:
        # Another worker discovered it at the same moment.
        return Article.objects.get(canonical_url=url), False


def _article_from_page(source: Source, result: FetchResult) -> tuple[Article, bool]:
    """A PAGE source is itself the article: store the body we already have."""
    from ingest.tasks import extract_article

    article, created = _get_or_create_article(canonicalize_url(source.url), source=source)
    if created or article.status in (Article.Status.DISCOVERED, Article.Status.FAILED):
        _store_page(article, result.body, result.headers.get("content-type"))
        pipeline.send_on_commit(extract_article, article.pk)
    return article, created


def _store_page(article: Article, body: bytes, content_type: str | None) -> None:
    article.raw_html = Article.compress(body)
    article.raw_content_type = (content_type or "")[:200]
    article.fetched_at = timezone.now()
    article.status = Article.Status.FETCHED
    article.error = ""
    article.save(
        update_fields=[
            "raw_html",
            "raw_content_type",
            "fetched_at",
            "status",
            "error",
            "attempts",
            "known_urls",
            "updated_at",
        ]
    )


def article_submit_url(url: str, *, source: Source | None = None, user=None) -> tuple[Article, bool]:
    """An editor (or ingest_url) submits one article URL; it is fetched in the background."""
    from ingest.tasks import fetch_article

    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise IngestError(f"not an http(s) URL: {url!r}")
    # A URL the fetch would refuse outright (localhost, 127.1, [::1] ...) is refused here, so
    # the user reads the reason at once and no article is stored only to fail.
    problem = url_problem(url, fetch_config())
    if problem:
        raise IngestError(problem)
    canonical = canonicalize_url(url)
    article, created = _get_or_create_article(canonical, source=source, submitted_by=user)
    if created or article.status == Article.Status.FAILED:
        if not created:
            Article.objects.filter(pk=article.pk).update(
                status=Article.Status.DISCOVERED, attempts=0, error=""
            )
        pipeline.send_on_commit(fetch_article, article.pk)
    return article, created


@dataclass
class ArticleFetchOutcome:
    log: FetchLog
    retry: bool = False
    retry_after: float | None = None


def article_fetch(article: Article) -> ArticleFetchOutcome:
    """Fetch a claimed (FETCHING) article's page and keep it; then extraction follows."""
    from ingest.tasks import extract_article

    result = _fetch(article.url, source=article.source, accept=HTML_TYPES)
    with transaction.atomic():
        log = _log(result, article=article, source=article.source)
        article.attempts += 1
        if result.ok:
            _remember_url(article, result.url)
            _store_page(article, result.body, result.headers.get("content-type"))
            pipeline.send_on_commit(extract_article, article.pk)
            return ArticleFetchOutcome(log)
        retry = is_transient(result) and article.attempts < settings.ARTICLE_MAX_ATTEMPTS
        # Only status, attempts and error change: text and raw HTML already stored stay.
        Article.objects.filter(pk=article.pk).update(
            status=Article.Status.DISCOVERED if retry else Article.Status.FAILED,
            attempts=article.attempts,
            error=result.error or "",
        )
    return ArticleFetchOutcome(log, retry=retry, retry_after=result.retry_after)


def article_store_file(*, body: bytes, url: str, source: Source | None, content_type: str = "") -> Article:
    """Ingest a saved page as the article at `url` (manage.py ingest_file)."""
    canonical = canonicalize_url(url)
    article, _ = _get_or_create_article(canonical, source=source)
    _store_page(article, body, content_type)
    return article


def article_extract(article: Article) -> Article:
    """Turn a claimed (EXTRACTING) article's stored HTML into text and metadata.

    Deterministic: extracting the same HTML again writes the same values.
    """
    html, _encoding = decode_html(article.html, article.raw_content_type or None)
    extracted = extract_document(html, article.url)
    if not extracted.text.strip():
        Article.objects.filter(pk=article.pk).update(
            status=Article.Status.FAILED,
            error=extracted.error or "no main text found in the page",
        )
        article.refresh_from_db()
        return article
    article_store_extracted(article, extracted)
    return article


def article_create_from_text(
    *,
    url: str,
    title: str,
    text: str,
    outlet: Outlet | None,
    published: datetime | None,
    language: str = "de",
) -> Article:
    """An already extracted text (a corpus item without a page) enters as an extracted page
    would: through `article_store_extracted`, so both leave the same fields behind."""
    with transaction.atomic():
        article = Article.objects.create(url=url, canonical_url=url, outlet=outlet, published_at=published)
        # Plain texts were never compared for duplicates; kept so import_corpus's figures stay put.
        article_store_extracted(
            article, ExtractedArticle(title=title, text=text, language=language), find_duplicates=False
        )
    return article


def article_store_extracted(
    article: Article, extracted: ExtractedArticle, *, find_duplicates: bool = True
) -> None:
    """Store extracted text and metadata, index it and announce it (status EXTRACTED, or
    DUPLICATE when the page's canonical address or its content belongs to another article)."""
    with transaction.atomic():
        article.title = (extracted.title or article.title)[:1000]
        article.authors = extracted.authors or article.authors
        article.description = extracted.description
        if extracted.published:
            article.published_at = extracted.published
            article.published_date_only = extracted.published_date_only
        article.modified_at = extracted.modified
        article.language = extracted.language or ""
        article.text = extracted.text
        article.wire_agencies = extracted.wire_agencies
        article.content_hash = dedup.content_hash(extracted.text)
        signature = dedup.simhash(extracted.text)
        article.simhash = dedup.to_signed(signature)
        article.simhash_bands = dedup.bands(signature)
        article.error = ""
        article.status = Article.Status.EXTRACTED
        article.duplicate_of = None
        _apply_canonical(article, extracted.canonical_url)
        if find_duplicates:
            _apply_duplicates(article)
        article.save()
        article_index(article.pk)
        if article.status == Article.Status.EXTRACTED:
            # The next step (analysis, in the events app) listens; duplicates are not analysed.
            pipeline.announce_extracted(article.pk)


def article_index(article_id: int) -> None:
    """(Re)build an article's full-text index: German stemming, the title weighs most."""
    articles_index([article_id])


def articles_index(article_ids: list[int]) -> None:
    """(Re)build the full-text index of these articles in one statement (bulk loads)."""
    Article.objects.filter(pk__in=article_ids).update(
        search_vector=SearchVector("title", weight="A", config="german")
        + SearchVector("description", weight="B", config="german")
        + SearchVector("text", weight="C", config="german")
    )


def _apply_canonical(article: Article, page_canonical: str) -> None:
    if not page_canonical:
        return
    canonical = canonicalize_url(page_canonical)
    if canonical == article.canonical_url or not canonical.startswith(("http://", "https://")):
        return
    _remember_url(article, canonical)
    other = Article.objects.filter(canonical_url=canonical).exclude(pk=article.pk).first()
    if other:
        # The page says it is another article we already have: keep one, point here to it.
        article.duplicate_of = other
        article.status = Article.Status.DUPLICATE
    else:
        article.canonical_url = canonical


def _apply_duplicates(article: Article) -> None:
    if article.duplicate_of_id is None and article.outlet_id is not None:
        same = (
            Article.objects.filter(content_hash=article.content_hash, outlet_id=article.outlet_id)
            .exclude(pk=article.pk)
            .exclude(status=Article.Status.DUPLICATE)
            .order_by("pk")
            .first()
        )
        if same and same.pk < article.pk:
            article.duplicate_of = same
            article.status = Article.Status.DUPLICATE
    # Near-duplicates (wire copies) across outlets share a group: the id of the first one.
    group = None
    # Wire copies appear within days of each other; the window keeps the candidate set small.
    anchor = article.published_at or article.created_at or timezone.now()
    window = timedelta(days=7)
    candidates = (
        Article.objects.filter(simhash_bands__overlap=article.simhash_bands)
        .filter(
            Q(published_at__range=(anchor - window, anchor + window))
            | Q(published_at__isnull=True, created_at__range=(anchor - window, anchor + window))
        )
        .exclude(pk=article.pk)
        .exclude(simhash__isnull=True)
        .only("pk", "simhash", "near_duplicate_group")
    )
    matches = [
        c
        for c in candidates
        if dedup.distance(c.simhash, article.simhash) <= dedup.NEAR_DUPLICATE_MAX_DISTANCE
    ]
    if matches:
        group = min([m.near_duplicate_group or m.pk for m in matches] + [article.pk])
        Article.objects.filter(pk__in=[m.pk for m in matches], near_duplicate_group__isnull=True).update(
            near_duplicate_group=group
        )
    article.near_duplicate_group = group
