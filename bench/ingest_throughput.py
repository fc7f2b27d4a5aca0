"""Ingest throughput: feeds and pages over HTTP -> fetch -> extract -> analyse -> cluster,
through real Celery workers, against the NLP pipeline alone on the same texts.

    .venv/bin/python bench/ingest_throughput.py [--articles 400] [--nlp 1,2] [--markdown]

For each count of `nlp` processes (default 1 and 2) the run starts its own PostgreSQL and
Redis in a temp dir (bench/faults/lab.py), migrates and seeds the database, serves the
pages over HTTP on 16 loopback addresses (16 news sites to the fetch code's politeness),
one RSS feed per site, starts the fetch worker (8 threads), the nlp worker and beat as
`runportal` does, presses "Jetzt abrufen" on every feed and waits until every article is
analysed and clustered. Articles per second = articles / (last clustered - first fetch
pressed).

The pages: the saved pages of ../shared/corpus/html (real news pages with their
boilerplate) and, for the rest, 10kGNAD test texts (DER STANDARD) set in a plain article
page. The NLP bound: the committed spaCy pipeline alone, one `nlp(text)` per article as the
worker calls it, on the texts the run extracted, in 1 and 2 processes (the model loaded
before the clock starts). The ratio is whole path / NLP bound for the same process count.

Also reported: the mean time per task from the workers' logs (where the time goes), and the
peak resident memory of the fetch and nlp workers (all their processes together, sampled
every half second). `--markdown` appends the results to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import contextlib
import html
import json
import multiprocessing
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.faults.lab import Lab, Workers, log, wait_until  # noqa: E402
from bench.faults.run import git, wait_for_workers  # noqa: E402
from bench.faults.site import CORPUS, Site, corpus_pages, rss  # noqa: E402

RESULTS = REPO / "bench" / "RESULTS.md"
TEXTS = CORPUS / "text" / "10kGNAD_test.jsonl"
HOSTS = [f"127.0.3.{n}" for n in range(1, 17)]
FETCH_THREADS = 8
TASK_LINE = re.compile(r"Task ([\w.]+)\[[^\]]+\] succeeded in ([0-9.]+)s")


@dataclass
class Run:
    nlp_processes: int
    articles: int = 0
    analysed: int = 0
    failed: int = 0
    wall: float = 0.0
    task_seconds: dict[str, list[float]] = field(default_factory=dict)
    peak_rss_mb: dict[str, float] = field(default_factory=dict)
    cpu_seconds: dict[str, float] = field(default_factory=dict)
    texts: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.analysed / self.wall if self.wall else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=400, help="pages to ingest per run")
    parser.add_argument("--nlp", default="1,2", help="nlp process counts to run, comma-separated")
    parser.add_argument("--deadline", type=float, default=1800, help="seconds a run may take")
    parser.add_argument("--markdown", action="store_true", help="append the results to bench/RESULTS.md")
    parser.add_argument("--keep", action="store_true", help="keep the temp dirs (logs, data)")
    parser.add_argument("--single", type=int, default=0, help=argparse.SUPPRESS)  # one run, in a child
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not CORPUS.exists():
        raise SystemExit(f"needs the shared corpus at {CORPUS}")
    if args.single:
        run = whole_path(build_pages(args.articles), args.single, args.deadline, args.keep)
        Path(args.out).write_text(json.dumps(asdict(run)))
        return 0
    counts = [int(n) for n in args.nlp.split(",")]
    commit = git("rev-parse", "--short", "HEAD")
    dirty = bool(git("status", "--porcelain", "--untracked-files=no", "--", ".", ":!bench"))
    started = time.monotonic()
    # Each run in a process of its own: Django reads the database address once per process.
    runs = [run_in_child(args, n) for n in counts]
    texts = max(runs, key=lambda r: len(r.texts)).texts
    bound = {n: nlp_bound(texts, n) for n in counts}
    table = summary(runs, bound)
    print("\n" + table)
    print(f"\nwhole benchmark {(time.monotonic() - started) / 60:.1f} min")
    if args.markdown:
        write_markdown(runs, bound, table, args, commit, dirty)
    return 0 if all(r.analysed == r.articles for r in runs) else 1


def run_in_child(args, processes: int) -> Run:
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        command = [sys.executable, __file__, "--single", str(processes), "--out", out.name,
                   "--articles", str(args.articles), "--deadline", str(args.deadline)]  # fmt: skip
        if args.keep:
            command.append("--keep")
        # S603: this script with our own arguments.
        subprocess.run(command, check=True)  # noqa: S603
        return Run(**json.loads(Path(out.name).read_text()))


# --- the site ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SitePage:
    path: str
    body: bytes
    title: str
    real: bool


def build_pages(limit: int) -> list[SitePage]:
    """The saved corpus pages first, then 10kGNAD texts as article pages, `limit` in all."""
    pages = [
        SitePage(f"/news/{p.id}.html", p.file.read_bytes(), p.title, True) for p in corpus_pages()[:limit]
    ]
    with TEXTS.open(encoding="utf-8") as handle:
        for line in handle:
            if len(pages) >= limit:
                break
            row = json.loads(line)
            pages.append(SitePage(f"/standard/{row['id']}.html", article_page(row), row["id"], False))
    return pages


def article_page(row: dict) -> bytes:
    """A 10kGNAD text as a news page: headline, date, paragraphs, and some boilerplate."""
    lead, _, rest = row["text"].partition(". ")
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in re.split(r"(?<=[.!?]) (?=[A-ZÄÖÜ„])", rest) if p)
    return (
        '<!doctype html><html lang="de"><head><meta charset="utf-8">'
        f"<title>{html.escape(lead[:90])} - derStandard.at</title>"
        '<meta property="article:published_time" content="2016-03-01T10:00:00+01:00">'
        "</head><body><header><nav><a href='/'>Startseite</a> <a href='/inland'>Inland</a>"
        " <a href='/international'>International</a></nav></header><main><article>"
        f"<h1>{html.escape(lead[:120])}</h1><p class='lead'>{html.escape(lead)}.</p>{paragraphs}"
        "</article><aside><h2>Mehr zum Thema</h2><ul><li><a href='/a'>Weitere Artikel</a></li></ul>"
        "</aside></main><footer>© derStandard.at GmbH 2016 · Impressum · Datenschutz</footer></body></html>"
    ).encode()


def serve(pages: list[SitePage]) -> tuple[Site, list[str]]:
    """One feed per host, the pages spread over the hosts; returns the site and feed URLs."""
    from bench.faults.site import Reply

    site = Site(HOSTS).start()
    by_host: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for index, page in enumerate(pages):
        host = HOSTS[index % len(HOSTS)]
        site.routes[(host, page.path)] = Reply(body=page.body, content_type="text/html")
        by_host[host].append((site.url(host, page.path), page.title))
    feeds = []
    for host, items in by_host.items():
        site.routes[(host, "/feed.xml")] = Reply(
            body=rss("/feed.xml", items), content_type="application/rss+xml"
        )
        feeds.append(site.url(host, "/feed.xml"))
    return site, feeds


# --- one whole-path run --------------------------------------------------------------------


def whole_path(pages: list[SitePage], nlp_processes: int, deadline: float, keep: bool) -> Run:
    log(f"=== whole path, nlp worker with {nlp_processes} process(es) ===")
    log(f"{len(pages)} pages: {sum(1 for p in pages if p.real)} saved news pages, the rest 10kGNAD texts")
    run = Run(nlp_processes, articles=len(pages))
    root = Path(tempfile.mkdtemp(prefix="lbthroughput-"))
    site, feeds = serve(pages)
    lab = Lab(root, private_hosts=HOSTS, overrides={"INGEST_HOST_DELAY": "0"})
    try:
        lab.start_services()
        lab.manage("migrate", "--no-input")
        lab.manage("seed")
        import django

        django.setup()
        lab.workers = Workers(root, lab.env, fetch_threads=FETCH_THREADS, nlp_processes=nlp_processes)
        lab.workers.start_all()
        wait_for_workers(lab)
        sources = add_sources(feeds)
        warm_up(nlp_processes)
        sampler = MemorySampler(lab)
        sampler.start()
        started = time.monotonic()
        for source in sources:
            from ingest import services

            services.source_fetch_now(source)
        settled = wait_until(
            lambda: progress(run, len(pages)), deadline, 1.0, "every article analysed and clustered"
        )
        run.wall = time.monotonic() - started
        sampler.stop()
        if not settled:
            log(f"not settled after {deadline:.0f} s")
        run.peak_rss_mb = dict(sampler.peaks)
        run.cpu_seconds = sampler.cpu
        run.task_seconds = task_times(root / "logs")
        run.texts = analysed_texts()
        log(
            f"{run.analysed} of {run.articles} analysed and clustered in {run.wall:.1f} s: "
            f"{run.rate:.2f} articles/s; failed {run.failed}"
        )
    finally:
        lab.stop()
        site.stop()
        if keep:
            log(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    return run


def add_sources(feeds: list[str]):
    from datetime import timedelta

    from django.utils import timezone

    from ingest.models import Outlet, Source

    outlet = Outlet.objects.create(name="Durchsatz", domain="throughput.bench.invalid")
    # Not due: only the benchmark sends them (the dispatcher would poll them a second time).
    later = timezone.now() + timedelta(days=1)
    return [
        Source.objects.create(
            outlet=outlet, name=f"Feed {n}", url=url, kind=Source.Kind.FEED, next_fetch_at=later
        )
        for n, url in enumerate(feeds)
    ]


def warm_up(processes: int) -> None:
    """The nlp processes load the model and the knowledge base on their first article; that
    one-off cost (a few seconds per process) is not throughput. Each process analyses one
    small text first."""
    from events.tasks import analyze_article
    from ingest.models import Article, Outlet

    outlet = Outlet.objects.get(domain="throughput.bench.invalid")
    text = "Bundeskanzler Olaf Scholz hat am Montag in Berlin den französischen Präsidenten getroffen."
    ids = []
    for n in range(2 * processes):
        article = Article.objects.create(
            url=f"urn:lagebild:bench:warm-up-{n}", canonical_url=f"urn:lagebild:bench:warm-up-{n}", outlet=outlet, title="Aufwärmen", text=text,
            status=Article.Status.EXTRACTED,
        )  # fmt: skip
        ids.append(article.pk)
        analyze_article.delay(article.pk)
    wait_until(lambda: not Article.objects.filter(pk__in=ids).exclude(status=Article.Status.ANALYZED).exists(),
               180, 0.5, "the warm-up articles")  # fmt: skip
    time.sleep(2)  # their clustering tasks
    Article.objects.filter(pk__in=ids).delete()
    log("workers warm (model and knowledge base loaded)")


def progress(run: Run, expected: int) -> bool:
    from django.db.models import Count

    from events.models import ArticleAnalysis
    from ingest.models import Article

    articles = Article.objects.exclude(url__startswith="urn:lagebild:bench:")
    states = dict(articles.values_list("status").annotate(n=Count("pk")))
    run.analysed = ArticleAnalysis.objects.filter(clustered_at__isnull=False, article__in=articles).count()
    run.failed = states.get(Article.Status.FAILED, 0)
    line = ", ".join(f"{status} {n}" for status, n in sorted(states.items()))
    log(f"  {line or 'nothing yet'}; clustered {run.analysed}")
    return run.analysed + run.failed >= expected


def analysed_texts() -> list[str]:
    from ingest.models import Article

    return list(
        Article.objects.filter(status=Article.Status.ANALYZED)
        .exclude(url__startswith="urn:lagebild:bench:")
        .order_by("pk")
        .values_list("text", flat=True)
    )


def task_times(logs: Path) -> dict[str, list[float]]:
    """Seconds per succeeded task, by task name, from the workers' logs."""
    times: dict[str, list[float]] = defaultdict(list)
    for name in ("fetch", "nlp"):
        path = logs / f"{name}.log"
        if path.exists():
            for match in TASK_LINE.finditer(path.read_text(errors="replace")):
                times[match.group(1).rsplit(".", 1)[-1]].append(float(match.group(2)))
    return dict(times)


class MemorySampler:
    """Peak resident memory of each worker (its main process and its children together), and
    the CPU seconds each part of the installation spent during the run: the workers,
    PostgreSQL and Redis (this process serves the sites and is counted as "sites")."""

    def __init__(self, lab: Lab):
        self.lab = lab
        self.peaks: dict[str, float] = defaultdict(float)
        self.cpu: dict[str, float] = {}
        self._start_cpu: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def mains(self) -> dict[str, int]:
        postmaster = int((self.lab.pg.data / "postmaster.pid").read_text().split()[0])
        return {
            "fetch": self.lab.workers.pid("fetch"),
            "nlp": self.lab.workers.pid("nlp"),
            "postgres": postmaster,
            "redis": self.lab.redis.proc.pid,
            "sites": os.getpid(),
        }

    def cpu_seconds(self) -> dict[str, float]:
        """User + system CPU of each part: its live processes and the children it has reaped."""
        import psutil

        seconds = {}
        for name, pid in self.mains().items():
            main = psutil.Process(pid)
            if name == "sites":  # the others are this process' children: counted on their own
                times = main.cpu_times()
                seconds[name] = times.user + times.system
                continue
            total = main.cpu_times().children_user + main.cpu_times().children_system
            for proc in [main, *main.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):
                    times = proc.cpu_times()
                    total += times.user + times.system
            seconds[name] = total
        return seconds

    def start(self) -> None:
        self._start_cpu = self.cpu_seconds()
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        end = self.cpu_seconds()
        self.cpu = {name: end[name] - self._start_cpu.get(name, 0.0) for name in end}

    def _loop(self) -> None:
        import psutil

        while not self._stop.wait(0.5):
            for name in ("fetch", "nlp"):
                with contextlib.suppress(psutil.Error, KeyError):
                    main = psutil.Process(self.lab.workers.pid(name))
                    rss = sum(p.memory_info().rss for p in [main, *main.children(recursive=True)])
                    self.peaks[name] = max(self.peaks[name], rss / 2**20)


# --- the NLP bound -------------------------------------------------------------------------


def _parse_share(args: tuple[list[str], multiprocessing.Barrier]) -> float:
    texts, barrier = args
    from events.nlp.pipeline import get_nlp

    nlp = get_nlp()
    nlp("Warm-up.")
    barrier.wait()
    started = time.monotonic()
    for text in texts:
        nlp(text)
    return time.monotonic() - started


def nlp_bound(texts: list[str], processes: int) -> float:
    """Articles per second of the spaCy pipeline alone in `processes` processes."""
    if not texts:
        return 0.0
    log(f"NLP bound: {len(texts)} texts in {processes} process(es)")
    with multiprocessing.Manager() as manager:
        barrier = manager.Barrier(processes + 1)
        shares = [(texts[k::processes], barrier) for k in range(processes)]
        with multiprocessing.get_context("spawn").Pool(processes) as pool:
            result = pool.map_async(_parse_share, shares)
            barrier.wait()
            started = time.monotonic()
            result.get()
            wall = time.monotonic() - started
    rate = len(texts) / wall
    log(f"  {rate:.2f} articles/s ({wall:.1f} s)")
    return rate


# --- reporting -----------------------------------------------------------------------------


def summary(runs: list[Run], bound: dict[int, float]) -> str:
    lines = [
        "| nlp processes | articles | whole path | NLP alone | ratio | fetch worker peak RSS | nlp worker peak RSS |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in runs:
        nlp = bound.get(r.nlp_processes, 0.0)
        ratio = r.rate / nlp if nlp else 0.0
        lines.append(
            f"| {r.nlp_processes} | {r.analysed}/{r.articles} | {r.rate:.2f}/s ({r.wall:.0f} s) | {nlp:.2f}/s "
            f"| {ratio:.2f} | {r.peak_rss_mb.get('fetch', 0):.0f} MB | {r.peak_rss_mb.get('nlp', 0):.0f} MB |"
        )
    lines += ["", "CPU milliseconds per article, by part of the installation (user + system):", ""]
    parts = ["fetch", "nlp", "postgres", "redis", "sites"]
    lines.append("| nlp processes | " + " | ".join(parts) + " | all | CPU busy |")
    lines.append("| ---: |" + " ---: |" * (len(parts) + 2))
    for r in runs:
        per = {name: 1000 * r.cpu_seconds.get(name, 0.0) / max(r.analysed, 1) for name in parts}
        busy = sum(r.cpu_seconds.values()) / (r.wall * (os.cpu_count() or 1)) if r.wall else 0.0
        cells = " | ".join(f"{per[name]:.0f}" for name in parts)
        lines.append(f"| {r.nlp_processes} | {cells} | {sum(per.values()):.0f} | {busy:.0%} |")
    lines += ["", "Mean seconds per task (count), from the workers' logs:", ""]
    names = sorted({name for r in runs for name in r.task_seconds})
    lines.append("| task | " + " | ".join(f"{r.nlp_processes} nlp" for r in runs) + " |")
    lines.append("| --- |" + " ---: |" * len(runs))
    for name in names:
        cells = []
        for r in runs:
            times = r.task_seconds.get(name, [])
            cells.append(f"{sum(times) / len(times):.3f} ({len(times)})" if times else "-")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def write_markdown(runs, bound, table: str, args, commit: str, dirty: bool) -> None:
    import celery
    import psutil
    import spacy

    memory = psutil.virtual_memory().total / 2**30
    command = f".venv/bin/python bench/ingest_throughput.py --articles {args.articles} --nlp {args.nlp}"
    text = [
        f"\n## Ingest throughput: {datetime.now().astimezone().date().isoformat()}, commit {commit}"
        + (" with uncommitted changes outside bench/" if dirty else "")
        + "\n",
        f"    {command} --markdown\n",
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, {memory:.0f} GiB; Python "
        f"{platform.python_version()}, spaCy {spacy.__version__}, celery {celery.__version__}; own PostgreSQL "
        f"and Redis in a temp dir; fetch worker {FETCH_THREADS} threads, 16 local sites, host delay 0; "
        f"load average at the end {os.getloadavg()[0]:.1f}. Whole path = articles analysed and clustered / "
        "(last clustered - feeds sent); NLP alone = `nlp(text)` on the same extracted texts.\n",
        table + "\n",
    ]
    with RESULTS.open("a") as out:
        out.write("\n".join(text))
    log(f"appended to {RESULTS}")


if __name__ == "__main__":
    sys.exit(main())
