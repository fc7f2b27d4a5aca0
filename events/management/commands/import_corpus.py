"""`manage.py import_corpus`: load the shared test corpus into the portal through the real pipeline.

    manage.py import_corpus [--html MANIFEST] [--text JSONL] [--seed FILE]
                            [--categories International,Inland] [--limit N] [--via-workers] [--reanalyze]

Three inputs, each skipped when given an empty value (``--text ""``):

- HTML pages (``corpus/html/manifest.json``): stored and extracted by the ingest layer as a
  saved page is (``ingest_file``); the manifest's domain and publisher name the outlet, its
  article date stands in where the page has none (as a feed item's date does).
- Plain texts (``corpus/text/10kGNAD_test.jsonl``, DER STANDARD articles): already extracted,
  so they enter as EXTRACTED articles; they have no URL or date, so their address is a URN.
- The reference case (``seed/putin-kim-pjoengjang.txt``): first line the title.

Then every new article is analysed and clustered by the very tasks the workers run
(``events.tasks.analyze_article`` and ``cluster_article``, started by the ``article_extracted``
signal): in this process with Celery in eager mode, or with ``--via-workers`` on the queues,
waiting for the workers to finish. Running it again creates nothing new: articles are found by
their address, and analysed ones are skipped unless ``--reanalyze``.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from celery.signals import task_postrun, task_prerun
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from events.models import ArticleAnalysis, Claim, Event, EventArticle, Mention
from events.tasks import analyze_article
from ingest import services
from ingest.extraction import canonicalize_url
from ingest.models import Article, Outlet
from ingest.tasks import extract_article

# The reference case has neither an address nor a date: Putin arrived in Pjöngjang in the
# night to 19 June 2024. The URN says where the text comes from without pretending a web page.
SEED_URL = "urn:lagebild:seed:putin-kim-pjoengjang"
SEED_DATE = date(2024, 6, 19)
# 10kGNAD is DER STANDARD's (Vienna) archive; its items carry an id but no URL.
TEXT_OUTLET = {"domain": "derstandard.at", "name": "DER STANDARD", "country": "AT", "language": "de"}
DEFAULT_CATEGORIES = "International,Inland"

TASK_STAGES = {
    "ingest.tasks.extract_article": "extract",
    "events.tasks.analyze_article": "analyse",
    "events.tasks.cluster_article": "cluster",
}
# Longer than any task's time limit: a row still claimed after this was left by a dead run.
STALE_CLAIM = timedelta(minutes=15)


class ItemError(Exception):
    """This item cannot be imported (unreadable file, bad line); the run goes on."""


@dataclass
class Item:
    key: str  # "html:<manifest id>", "text:<id>", "seed"
    kind: str  # html | text | seed
    url: str
    path: Path | None = None
    title: str = ""
    text: str = ""
    published: datetime | None = None
    outlet: dict = field(default_factory=dict)  # domain, name, country, language


class StageClock:
    """Time per stage, each stage without the stages nested in it: in this process the
    extraction task runs the analysis on commit, and the analysis the clustering."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.runs: Counter[str] = Counter()
        self._stack: list[list] = []

    def start(self, name: str, ident: str = "") -> None:
        self._stack.append([name, time.perf_counter(), 0.0, ident])

    def stop(self, ident: str = "") -> None:
        if not self._stack or self._stack[-1][3] != ident:
            return  # a task that ended without its start seen: leave the others' times alone
        name, started, nested, _ = self._stack.pop()
        elapsed = time.perf_counter() - started
        self.seconds[name] += elapsed - nested
        self.runs[name] += 1
        if self._stack:
            self._stack[-1][2] += elapsed

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        self.start(name)
        try:
            yield
        finally:
            self.stop()

    @contextmanager
    def tasks(self) -> Iterator[None]:
        """Time the Celery tasks that run here (eager mode), by stage."""

        def before(task_id=None, task=None, **kwargs):
            self.start(TASK_STAGES.get(task.name, task.name), task_id or "?")

        def after(task_id=None, **kwargs):
            self.stop(task_id or "?")

        task_prerun.connect(before, weak=False)
        task_postrun.connect(after, weak=False)
        try:
            yield
        finally:
            task_prerun.disconnect(before)
            task_postrun.disconnect(after)


@contextmanager
def eager_tasks() -> Iterator[None]:
    """Run the pipeline's tasks here, as they come (`delay` and `delay_on_commit` alike)."""
    from portal.celery import app

    before = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    # A line per task ("succeeded in 0.4 s") would bury the progress lines; failures still show.
    trace_log = logging.getLogger("celery.app.trace")
    level = trace_log.level
    trace_log.setLevel(max(level, logging.WARNING))
    try:
        yield
    finally:
        app.conf.task_always_eager, app.conf.task_eager_propagates = before
        trace_log.setLevel(level)


# --- reading the inputs ----------------------------------------------------------------------


def shared_dir() -> Path:
    return settings.BASE_DIR.parent / "shared"


def noon(day: date) -> datetime:
    """A day as a moment that stays on that day in the portal's time zone."""
    return datetime(day.year, day.month, day.day, 12, tzinfo=timezone.get_current_timezone())


def parse_moment(value) -> datetime | None:
    if not value:
        return None
    moment = parse_datetime(str(value))
    if moment:
        return moment if timezone.is_aware(moment) else timezone.make_aware(moment)
    day = parse_date(str(value)[:10])
    return noon(day) if day else None


def publisher_name(publisher: str | None, domain: str) -> str:
    """fundus names publishers in CamelCase ("BerlinerMorgenpost"); the domain where none is given."""
    if not publisher:
        return domain
    return re.sub(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", publisher)


def html_items(manifest: Path) -> list[Item]:
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CommandError(f"cannot read the HTML manifest {manifest}: {exc}") from exc
    pages = data["pages"] if isinstance(data, dict) else data
    # One name per outlet, even where only some pages of it name the publisher.
    publishers = {p.get("outlet"): p["publisher"] for p in pages if p.get("publisher")}
    items = []
    for n, page in enumerate(pages):
        key = f"html:{page.get('id') or n}"
        domain = (page.get("outlet") or "").lower()
        path = Path(page.get("file") or "")
        if not path.is_absolute():
            # Manifest paths are relative to the corpus folder (html/x.html), or to the manifest.
            candidates = [manifest.parent.parent / path, manifest.parent / path]
            path = next((c for c in candidates if c.exists()), candidates[0])
        items.append(
            Item(
                key=key,
                kind="html",
                url=page.get("url") or "",
                path=path if page.get("file") else None,
                published=parse_moment(page.get("article_date")),
                outlet={
                    "domain": domain,
                    "name": publisher_name(publishers.get(page.get("outlet")), domain),
                    "country": (page.get("country") or "")[:2],
                    "language": (page.get("language") or "de")[:8],
                }
                if domain
                else {},
            )
        )
    return items


def text_items(jsonl: Path, categories: set[str]) -> tuple[list[Item], list[tuple[str, str]]]:
    items, errors = [], []
    try:
        lines = jsonl.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise CommandError(f"cannot read the texts {jsonl}: {exc}") from exc
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            ident, text = str(row["id"]), str(row["text"])
        except (ValueError, KeyError, TypeError) as exc:
            errors.append((f"text:line {number}", f"not an item: {exc}"))
            continue
        if categories and row.get("category") not in categories:
            continue
        items.append(
            Item(
                key=f"text:{ident}",
                kind="text",
                url=text_urn(ident),
                title=first_sentence(text),
                text=text,
                outlet=TEXT_OUTLET,
            )
        )
    return items, errors


def text_urn(ident: str) -> str:
    """A stable, non-http address: "10kgnad-test-0000" -> "urn:10kgnad:test-0000"."""
    prefix, _, rest = ident.partition("-")
    return f"urn:{prefix}:{rest}" if rest else f"urn:corpus:{ident}"


def seed_item(path: Path) -> Item:
    try:
        content = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CommandError(f"cannot read the seed {path}: {exc}") from exc
    title, _, text = content.strip().partition("\n")
    return Item(
        key="seed",
        kind="seed",
        url=SEED_URL,
        title=title.strip(),
        text=text.strip(),
        published=noon(SEED_DATE),
    )


def first_sentence(text: str, limit: int = 200) -> str:
    """The title of a text that has none: its first sentence (10kGNAD starts with the lead)."""
    text = " ".join(text.split())
    match = re.match(r"(.+?[.!?])(?=\s+[„\"»A-ZÄÖÜ0-9])", text[: limit * 2])
    sentence = match.group(1) if match else text
    if len(sentence) > limit:
        sentence = sentence[:limit].rsplit(" ", 1)[0] + " …"
    return sentence


# --- writing ---------------------------------------------------------------------------------


def item_url(item: Item) -> str:
    # Pages are stored under their canonicalized address (tracking parameters removed).
    return canonicalize_url(item.url) if item.kind == "html" else item.url


def existing_article(url: str) -> Article | None:
    """The article at this address, also when extraction moved it to the page's canonical URL."""
    return Article.objects.filter(Q(canonical_url=url) | Q(url=url)).order_by("pk").first()


def format_duration(seconds: float) -> str:
    seconds = int(seconds)
    return (
        f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
        if seconds >= 3600
        else (f"{seconds // 60}:{seconds % 60:02d}")
    )


class Command(BaseCommand):
    help = "Load the shared corpus (HTML pages, plain texts, the reference case) through the real pipeline."

    def add_arguments(self, parser):
        shared = shared_dir()
        parser.add_argument(
            "--html",
            default=str(shared / "corpus" / "html" / "manifest.json"),
            help="manifest of HTML pages (empty: none)",
        )
        parser.add_argument(
            "--text",
            default=str(shared / "corpus" / "text" / "10kGNAD_test.jsonl"),
            help="JSON Lines of plain texts {id, category, text} (empty: none)",
        )
        parser.add_argument(
            "--seed",
            default=str(shared / "seed" / "putin-kim-pjoengjang.txt"),
            help="the reference case, first line the title (empty: none)",
        )
        parser.add_argument(
            "--categories",
            default=DEFAULT_CATEGORIES,
            help="categories of the plain texts to load, comma-separated (empty: all)",
        )
        parser.add_argument("--limit", type=int, default=None, help="at most N items of each input")
        parser.add_argument(
            "--reanalyze", action="store_true", help="analyse and cluster existing articles again"
        )
        parser.add_argument(
            "--via-workers",
            action="store_true",
            help="enqueue the tasks for the Celery workers and wait for them",
        )
        parser.add_argument(
            "--wait-timeout",
            type=float,
            default=600.0,
            help="with --via-workers: give up after this many seconds without progress",
        )
        parser.add_argument("--progress-every", type=int, default=25, help="a progress line every N items")

    def handle(self, *args, **options):
        self.options = options
        self.clock = StageClock()
        self.outlets: dict[str, Outlet] = {}
        self.errors: dict[str, str] = {}  # item key -> message
        self.outcomes: Counter[str] = Counter()
        self.keys: dict[int, str] = {}  # article id -> item key
        self.pending: set[int] = set()  # articles whose tasks this run started
        self.since = timezone.now()
        started = time.monotonic()

        items = self.read_inputs(options)
        self.total_items = len(items) + len(self.errors)
        if not items:
            raise CommandError("nothing to import: every input is empty or skipped")
        if options["via_workers"]:
            self.require_workers()
            self.run(items)
            self.wait_for_workers()
        else:
            with self.clock.stage("load model"):
                from events.nlp.pipeline import get_nlp

                get_nlp()
            with self.clock.stage("load knowledge base"):
                from events.kb.loader import get_kb

                get_kb()
            with eager_tasks(), self.clock.tasks():
                self.run(items)
        # The portal's facets need table statistics before autovacuum gets round to them.
        from events.services.statistics import refresh_statistics

        refresh_statistics()
        self.summary(time.monotonic() - started)

    # --- inputs ---

    def read_inputs(self, options) -> list[Item]:
        limit = options["limit"]
        items: list[Item] = []
        if options["seed"]:
            items.append(seed_item(Path(options["seed"])))
        if options["html"]:
            items += html_items(Path(options["html"]))[:limit]
        if options["text"]:
            categories = {c.strip() for c in options["categories"].split(",") if c.strip()}
            texts, errors = text_items(Path(options["text"]), categories)
            items += texts[:limit]
            for key, message in errors:
                self.error(key, message)
        return items

    def require_workers(self) -> None:
        from portal.health import check_redis, check_workers

        workers = check_workers(check_redis()["ok"])
        if workers.get("missing_queues"):
            raise CommandError(
                f"no live worker for the queue(s) {', '.join(workers['missing_queues'])}: start one with "
                "`celery -A portal worker -Q fetch,nlp`, or run without --via-workers"
            )

    # --- the run ---

    def run(self, items: list[Item]) -> None:
        every = max(1, self.options["progress_every"])
        started = time.monotonic()
        for n, item in enumerate(items, 1):
            try:
                article = self.import_item(item)
            except ItemError as exc:
                self.error(item.key, str(exc))
            except Exception as exc:  # one bad item must not end the run
                self.error(item.key, f"{type(exc).__name__}: {exc}")
                article = existing_article(item_url(item)) if item.url else None
                if article:
                    self.keys[article.pk] = item.key
            else:
                if article is not None:
                    self.keys[article.pk] = item.key
                    if not self.options["via_workers"]:
                        self.check_outcome(item.key, article.pk)
            if n % every == 0 or n == len(items):
                elapsed = time.monotonic() - started
                rate = n / elapsed if elapsed else 0.0
                eta = (len(items) - n) / rate if rate else 0.0
                verb = "queued" if self.options["via_workers"] else "done"
                self.stderr.write(
                    f"  {n:>5}/{len(items)} items {verb}  {rate:5.1f}/s  "
                    f"ETA {format_duration(eta)}  errors {len(self.errors)}"
                )

    def import_item(self, item: Item) -> Article | None:
        if not item.url:
            raise ItemError("no URL")
        article = existing_article(item_url(item))
        if article is not None and article.pk in self.keys:
            # Two items with one address (the manifest has two crawls of one taz page): one article.
            self.outcomes["same address as an earlier item"] += 1
            self.stderr.write(f"  note {item.key}: same address as {self.keys[article.pk]}, skipped")
            return None
        if article is not None:
            return self.resume(article)
        if item.kind == "html":
            return self.import_page(item)
        with self.clock.stage("store"):
            outlet = self.outlet(item)
            try:
                article = services.article_create_from_text(
                    url=item.url, title=item.title, text=item.text, outlet=outlet, published=item.published
                )
            except IntegrityError:
                # Created meanwhile by another run.
                self.outcomes["existing"] += 1
                return existing_article(item.url)
        self.outcomes["created"] += 1
        self.pending.add(article.pk)
        return article

    def import_page(self, item: Item) -> Article:
        if item.path is None:
            raise ItemError("no file named in the manifest")
        try:
            body = item.path.read_bytes()
        except OSError as exc:
            raise ItemError(f"cannot read {item.path}: {exc.strerror or exc}") from exc
        with self.clock.stage("store"), transaction.atomic():
            outlet = self.outlet(item)
            article = services.article_store_file(body=body, url=item.url, source=None)
            changed = []
            if article.outlet_id is None and outlet is not None:
                article.outlet, changed = outlet, [*changed, "outlet"]
            if article.published_at is None and item.published:
                # Like a feed item's date: used where the page itself names none.
                article.published_at, changed = item.published, [*changed, "published_at"]
            if changed:
                article.save(update_fields=changed)
        self.outcomes["created"] += 1
        self.pending.add(article.pk)
        # In this process: extraction now, then (on its commit) analysis and clustering.
        extract_article.delay(article.pk)
        return article

    def resume(self, article: Article) -> Article:
        """An article from an earlier run: finish what is missing, or skip it."""
        status = article.status
        stale = article.updated_at < timezone.now() - STALE_CLAIM
        if status in (Article.Status.EXTRACTING, Article.Status.FETCHING) and stale and article.raw_html:
            status = Article.Status.FETCHED  # its run died mid-extraction
        elif status == Article.Status.ANALYZING and stale:
            status = Article.Status.EXTRACTED  # its run died mid-analysis
        elif status == Article.Status.FAILED and self.options["reanalyze"] and article.raw_html:
            status = Article.Status.FETCHED
        if status != article.status:
            Article.objects.filter(pk=article.pk, status=article.status).update(status=status)
        if status == Article.Status.FETCHED:
            self.outcomes["resumed"] += 1
            self.pending.add(article.pk)
            extract_article.delay(article.pk)
        elif status == Article.Status.EXTRACTED or (
            status == Article.Status.ANALYZED and self.options["reanalyze"]
        ):
            self.outcomes["reanalysed" if status == Article.Status.ANALYZED else "resumed"] += 1
            self.pending.add(article.pk)
            analyze_article.delay(article.pk)
        elif status in (Article.Status.ANALYZING, Article.Status.EXTRACTING, Article.Status.FETCHING):
            self.outcomes["busy elsewhere"] += 1
        else:
            self.outcomes["existing"] += 1
        return article

    def outlet(self, item: Item) -> Outlet | None:
        """The outlet of a page's address (ingest's rule), else the one the input names."""
        found = services.outlet_for_url(item.url) if item.kind == "html" else None
        info = item.outlet
        if found or not info.get("domain"):
            return found
        domain = info["domain"]
        if domain not in self.outlets:
            outlet, created = Outlet.objects.get_or_create(
                domain=domain,
                defaults={
                    "name": info["name"][:200],
                    "country": info.get("country") or "",
                    "language": info.get("language") or "de",
                },
            )
            if not created and outlet.name == domain and info["name"] != domain:
                # Named by its domain by an earlier item without a publisher; a name is better.
                outlet.name = info["name"][:200]
                outlet.save(update_fields=["name"])
            self.outlets[domain] = outlet
        return self.outlets[domain]

    def check_outcome(self, key: str, article_id: int) -> None:
        article = Article.objects.only("status", "error").get(pk=article_id)
        if article.status == Article.Status.FAILED or (
            article.status == Article.Status.EXTRACTED and article.error
        ):
            self.error(key, article.error or article.status)

    def error(self, key: str, message: str) -> None:
        self.errors[key] = message
        self.stderr.write(self.style.ERROR(f"  error {key}: {message}"))

    # --- waiting for the workers ---

    def wait_for_workers(self) -> None:
        """Wait until every article this run enqueued is analysed and clustered (or failed)."""
        if not self.pending:
            return
        since = self.since
        waiting = set(self.pending)
        last_progress, last_line, total = time.monotonic(), 0.0, len(waiting)
        started = time.monotonic()
        self.stderr.write(f"  waiting for the workers: {total} articles")
        while waiting:
            finished = self.finished(waiting, since)
            if finished:
                waiting -= finished
                last_progress = time.monotonic()
            now = time.monotonic()
            if now - last_line >= 5 or not waiting:
                done = total - len(waiting)
                rate = done / (now - started) if now > started else 0.0
                eta = len(waiting) / rate if rate else 0.0
                self.stderr.write(
                    f"  {done:>5}/{total} articles done by the workers  {rate:5.1f}/s  ETA {format_duration(eta)}"
                )
                last_line = now
            if not waiting:
                break
            if now - last_progress > self.options["wait_timeout"]:
                for article_id in sorted(waiting):
                    self.error(
                        self.keys.get(article_id, f"article {article_id}"), "not finished by the workers"
                    )
                break
            time.sleep(1.0)
        for article_id, key in self.keys.items():
            if key not in self.errors:
                self.check_outcome(key, article_id)

    def finished(self, ids: set[int], since: datetime) -> set[int]:
        rows = dict(Article.objects.filter(pk__in=ids).values_list("pk", "status"))
        gone = ids - rows.keys()
        failed = set(
            Article.objects.filter(pk__in=ids)
            .filter(
                Q(status__in=[Article.Status.FAILED, Article.Status.DUPLICATE])
                | Q(status=Article.Status.EXTRACTED, error__startswith="analysis failed")
            )
            .values_list("pk", flat=True)
        )
        analysed = [pk for pk, status in rows.items() if status == Article.Status.ANALYZED]
        # Analysed in this run, and clustered: each detected event has its article link.
        fresh = dict(
            ArticleAnalysis.objects.filter(article_id__in=analysed, analyzed_at__gte=since).values_list(
                "article_id", "detected_events"
            )
        )
        linked = set(
            EventArticle.objects.filter(article_id__in=fresh)
            .filter(Q(added_at__gte=since) | Q(pinned=True))
            .values_list("article_id", flat=True)
        )
        clustered = {pk for pk, detected in fresh.items() if not detected or pk in linked}
        return gone | failed | clustered

    # --- the summary ---

    def summary(self, elapsed: float) -> None:
        ids = list(self.keys)
        articles = Article.objects.filter(pk__in=ids)
        out = self.stdout.write
        heading = self.style.MIGRATE_HEADING
        out(heading("Import summary"))
        run = ", ".join(f"{name} {count}" for name, count in sorted(self.outcomes.items())) or "nothing"
        out(f"  items        {self.total_items} ({run}; errors {len(self.errors)})")
        # order_by(): the models' default orderings would split the groups.
        by_status = Counter(dict(articles.order_by().values_list("status").annotate(n=Count("pk"))))
        out(f"  articles     {len(ids)}: " + ", ".join(f"{s} {n}" for s, n in by_status.most_common()))
        outlets = list(
            articles.order_by()
            .values_list("outlet__name")
            .annotate(n=Count("pk"))
            .order_by("-n", "outlet__name")
        )
        shown = ", ".join(f"{name or '(none)'} {n}" for name, n in outlets[:8])
        rest = sum(n for _, n in outlets[8:])
        out(f"  outlets      {len(outlets)}: {shown}" + (f", {len(outlets) - 8} more {rest}" if rest else ""))
        mentions = Mention.objects.filter(article_id__in=ids).aggregate(
            total=Count("pk"),
            linked=Count("pk", filter=Q(entity__isnull=False, entity__provisional=False)),
            provisional=Count("pk", filter=Q(entity__provisional=True)),
        )
        total = mentions["total"] or 1
        out(
            f"  mentions     {mentions['total']}: linked to the knowledge base {mentions['linked'] / total:.0%}, "
            f"provisional entities {mentions['provisional'] / total:.0%}"
        )
        claims = Counter(
            dict(
                Claim.objects.filter(article_id__in=ids)
                .order_by()
                .values_list("kind")
                .annotate(n=Count("pk"))
            )
        )
        out(f"  claims       {claims.total()}: " + ", ".join(f"{k} {n}" for k, n in claims.most_common()))
        events = Counter(
            dict(
                Event.objects.active()
                .filter(event_articles__article_id__in=ids)
                .order_by()
                .values_list("type")
                .annotate(n=Count("pk", distinct=True))
            )
        )
        in_events = EventArticle.objects.filter(article_id__in=ids).values("article_id").distinct().count()
        out(
            f"  events       {events.total()} (articles in an event: {in_events}): "
            + ", ".join(f"{t} {n}" for t, n in events.most_common())
        )
        out(f"  time         {format_duration(elapsed)} ({elapsed:.1f} s)")
        for name, seconds in sorted(self.clock.seconds.items(), key=lambda pair: -pair[1]):
            runs = self.clock.runs[name]
            each = f" ({runs} × {seconds / runs * 1000:.0f} ms)" if runs > 1 else ""
            out(f"    {name:20} {seconds:7.1f} s{each}")
        if self.options["via_workers"]:
            out("    (extraction, analysis and clustering ran on the workers)")
        if self.errors:
            out(self.style.ERROR(f"  errors       {len(self.errors)}"))
            for key, message in list(self.errors.items())[:10]:
                out(f"    {key}: {message[:150]}")
            if len(self.errors) > 10:
                out(f"    ... {len(self.errors) - 10} more above")
