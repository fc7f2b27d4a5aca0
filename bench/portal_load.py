"""The portal under load: latency percentiles of its main pages at N concurrent analysts.

    .venv/bin/python bench/portal_load.py [--users 20] [--duration 60] [--warmup 20]
        [--workers 4] [--think 0.5:2] [--markdown]

Needs requirements-bench.txt (locust, psutil) and data where DATABASE_URL points (after
`manage.py import_corpus`, or the 100,000-article set). One run:

1. collectstatic into bench/results/static (when a static file changed), then gunicorn as README's deployment runs it
   (`gunicorn portal.wsgi -w N`, DEBUG=false, a random SECRET_KEY) in a process group of its
   own on a free loopback port. Without the TLS proxy in front, SSL redirect and secure cookies
   are off; nothing else differs from production settings.
2. The analyst "bench-analyst" (bench/portal_pages.py's, created when missing) gets a new
   random password for this run and an API token (the one it has, or a new one).
3. The URLs come from the data: the most-mentioned entity's page, seeded random event pages,
   event lists with facets, filters and full-text searches for words of real article titles,
   the claims list plain, filtered and searched, the cross-reference of the two actors in most
   events, and the API's event and claim lists with the token.
4. Locust (bench/portal_locustfile.py) runs headless in its own process: users log in through
   the login form, then read the pages with think time between them; the warm-up is left out.
   Meanwhile psutil samples the RSS of gunicorn's master and workers.
5. With the server stopped, Django's test client requests each URL once more (after a warm-up
   request) and counts its SQL queries, as bench/portal_pages.py does; the slowest statement
   of each page over the target gets EXPLAIN ANALYZE.

Writes bench/results/portal_load.json (and locust's CSVs beside it); `--markdown` prints the
table for bench/RESULTS.md. Ctrl-C stops the server and locust.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import importlib.util
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from importlib import metadata
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench import portal_pages  # noqa: E402  (the repo root is on the path only now)

RESULTS = REPO / "bench" / "results"
DEFAULT_JSON = RESULTS / "portal_load.json"
# Kept between runs (git-ignored with bench/results/), so collectstatic runs only after a change.
STATIC_ROOT = RESULTS / "static"
LOCUSTFILE = REPO / "bench" / "portal_locustfile.py"
TARGET_MS = 300
STOP_GRACE_SECONDS = 15
# A word of an article title that a search may use: capitalised (nouns, names), 5+ letters.
TITLE_WORD = re.compile(r"\b[A-ZÄÖÜ][a-zäöüß]{4,}\b")


# --- the server ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(static_root: Path) -> dict[str, str]:
    """Production settings (DEBUG=false), minus what needs the TLS proxy in front."""
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "STATIC_ROOT": str(static_root),
        # Plain HTTP on loopback: no redirect to https, cookies that HTTP may carry.
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    if "DATABASE_URL" not in os.environ or "REDIS_URL" not in os.environ:
        print("note: DATABASE_URL/REDIS_URL unset: the embedded servers are used", file=sys.stderr)
    return env


def collectstatic(static_root: Path) -> None:
    """collectstatic (DEBUG=false serves hashed names), skipped when no static file changed
    since the last run: with brotli installed (locust needs it) WhiteNoise compresses every
    file twice, 45 s of CPU on these machines."""
    import hashlib

    from django.contrib.staticfiles import finders
    from django.core.management import call_command

    digest = hashlib.sha256()
    for finder in finders.get_finders():
        for path, storage in finder.list(ignore_patterns=[]):
            stat = os.stat(storage.path(path))
            digest.update(f"{storage.location}|{path}|{stat.st_size}|{stat.st_mtime_ns}\n".encode())
    stamp = static_root / ".portal_load_fingerprint"
    if (
        (static_root / "staticfiles.json").exists()
        and stamp.exists()
        and stamp.read_text() == digest.hexdigest()
    ):
        print(f"static files unchanged in {static_root}", file=sys.stderr)
        return
    print(f"collectstatic into {static_root} (DEBUG=false needs the hashed names) …", file=sys.stderr)
    call_command("collectstatic", interactive=False, verbosity=0)
    stamp.write_text(digest.hexdigest())


def start_server(env: dict[str, str], port: int, workers: int, log: Path) -> subprocess.Popen:
    command = [
        sys.executable, "-m", "gunicorn", "portal.wsgi",
        "--workers", str(workers),
        "--bind", f"127.0.0.1:{port}",
        "--error-logfile", str(log),
        "--log-level", "warning",
        "--timeout", "120",
    ]  # fmt: skip
    # A session of its own: Ctrl-C reaches only this script, which then stops the whole group.
    return subprocess.Popen(command, cwd=REPO, env=env, start_new_session=True)  # noqa: S603


def wait_until_up(server: subprocess.Popen, base: str, timeout: float = 90) -> None:
    """Until the login page answers (/healthz would say 503 without Celery workers)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode} (see its log)")
        with contextlib.suppress(OSError), urllib.request.urlopen(f"{base}/login/", timeout=5) as answer:  # noqa: S310
            if answer.status == 200:
                return
        time.sleep(0.5)
    raise SystemExit(f"gunicorn did not answer within {timeout:.0f} s")


def stop_group(process: subprocess.Popen | None) -> None:
    """SIGTERM to the process group we started, SIGKILL after a grace period."""
    if process is None or process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(STOP_GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


class MemorySampler(threading.Thread):
    """Peak RSS (and PSS, which counts pages shared after fork once) of a process tree."""

    def __init__(self, pid: int, every: float = 0.5):
        super().__init__(daemon=True)
        self.pid, self.every = pid, every
        self.stopped = threading.Event()
        self.peak = {"rss_total": 0, "rss_largest_worker": 0, "pss_total": 0, "rss_master": 0, "processes": 0}
        self.last = dict(self.peak)

    def sample(self) -> None:
        import psutil

        try:
            master = psutil.Process(self.pid)
            procs = [master, *master.children(recursive=True)]
        except psutil.NoSuchProcess:
            return
        rss, pss = {}, {}
        for proc in procs:
            with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
                info = proc.memory_full_info()
                rss[proc.pid], pss[proc.pid] = info.rss, getattr(info, "pss", info.rss)
        workers = [v for pid, v in rss.items() if pid != self.pid]
        self.last = {
            "rss_total": sum(rss.values()),
            "rss_largest_worker": max(workers, default=0),
            "pss_total": sum(pss.values()),
            "rss_master": rss.get(self.pid, 0),
            "processes": len(rss),
        }
        for key, value in self.last.items():
            self.peak[key] = max(self.peak[key], value)

    def run(self) -> None:
        self.sample()
        while not self.stopped.wait(self.every):
            self.sample()


# --- the data: user, token, pages ---------------------------------------------------------------


def credentials() -> tuple[str, str, str]:
    """bench-analyst with a fresh random password, and its API token."""
    from events.api import tokens

    user = portal_pages.analyst()
    password = secrets.token_urlsafe(24)
    user.set_password(password)
    user.save(update_fields=["password"])
    token = tokens.token_get(user) or tokens.token_create(user)
    return user.username, password, token.key


def search_words(rng: random.Random, count: int) -> list[dict]:
    """`count` words of random article titles that the full-text search finds, each with the
    number of articles it finds (common and rare words alike, as the titles have them)."""
    from django.contrib.postgres.search import SearchQuery

    from events.selectors.parameters import SEARCH_CONFIG
    from ingest.models import Article

    ids = list(Article.objects.exclude(title="").order_by("pk").values_list("pk", flat=True))
    rng.shuffle(ids)
    words: dict[str, int] = {}
    for start in range(0, len(ids), 200):
        titles = Article.objects.filter(pk__in=ids[start : start + 200]).values_list("title", flat=True)
        for title in sorted(titles):
            for word in TITLE_WORD.findall(title):
                if word in words or len(words) >= count:
                    continue
                found = Article.objects.filter(search_vector=SearchQuery(word, config=SEARCH_CONFIG)).count()
                if found:
                    words[word] = found
        if len(words) >= count:
            break
    return [{"word": w, "articles": n} for w, n in words.items()]


def landmarks() -> dict:
    """The records the pages are built around, the heaviest of each kind."""
    from django.db.models import Count

    from events.models import Claim, Entity, Event, EventActor, Mention

    active = set(Entity.objects.active().values_list("pk", flat=True))

    def top_entities(rows, n: int) -> list[int]:
        return [row["entity"] for row in rows if row["entity"] in active][:n]

    by_mentions = Mention.objects.exclude(entity=None).values("entity").annotate(n=Count("pk"))
    by_events = EventActor.objects.values("entity").annotate(n=Count("event", distinct=True))
    speakers = Claim.objects.exclude(speaker=None).values("speaker").annotate(n=Count("pk")).order_by("-n")
    events = Event.objects.active()
    types = events.order_by().values("type").annotate(n=Count("pk")).order_by("-n")
    countries = events.filter(place__country__gt="").values("place__country").annotate(n=Count("pk"))
    dates = sorted(events.exclude(date=None).values_list("date", flat=True))
    return {
        "most_mentioned": top_entities(by_mentions.order_by("-n")[:50], 1),
        "top_actors": top_entities(by_events.order_by("-n")[:50], 3),
        "top_speaker": speakers[0]["speaker"] if speakers else None,
        "top_type": types[0]["type"] if types else None,
        "top_country": max(countries, key=lambda r: r["n"])["place__country"] if countries else None,
        # The middle half of the event dates: a date filter that keeps a real share.
        "date_range": (dates[len(dates) // 4], dates[3 * len(dates) // 4]) if dates else None,
        "event_ids": list(events.order_by("pk").values_list("pk", flat=True)),
    }


def page(name: str, urls: list[str], api: bool = False) -> dict:
    return {"name": name, "urls": urls, "api": api}


def plan_pages(seed: int, n_events: int, n_words: int) -> tuple[list[dict], dict]:
    """The page mix: (name, URLs) per page, and what it was drawn from."""
    from events.models import Claim, Entity

    rng = random.Random(seed)
    marks = landmarks()
    words = search_words(rng, n_words)
    w = [item["word"] for item in words] or ["Regierung"]
    dates = marks["date_range"]
    span = {"date_from": dates[0].isoformat(), "date_to": dates[1].isoformat()} if dates else {}
    kinds = list(Claim.Kind.values)
    actor = marks["top_actors"][0] if marks["top_actors"] else None

    def q(path: str, **params) -> str:
        params = {k: v for k, v in params.items() if v not in (None, "")}
        return f"{path}?{urlencode(params, doseq=True)}" if params else path

    events = rng.sample(marks["event_ids"], min(n_events, len(marks["event_ids"])))
    pages = [
        page("events", ["/events/"]),
        page("events: search", [q("/events/", q=word) for word in w]),
        page(
            "events: search + filters", [q("/events/", q=word, type=marks["top_type"], main=1) for word in w]
        ),
        page(
            "events: filters",
            [
                q("/events/", actor=actor, country=marks["top_country"]),
                q("/events/", type=marks["top_type"], sort="-articles", **span),
                q("/events/", country=marks["top_country"], review="unverified", **span),
            ],
        ),
        page("event detail", [f"/events/{pk}/" for pk in events]),
        page("actor (most mentioned)", [f"/entities/{pk}/" for pk in marks["most_mentioned"]]),
        page("claims", ["/claims/"]),
        page(
            "claims: filters",
            [q("/claims/", speaker=marks["top_speaker"])]
            + [q("/claims/", kind=kind, **span) for kind in kinds[:3]]
            + [q("/claims/", about=actor, mood="statement")],
        ),
        page("claims: search", [q("/claims/", q=word) for word in w]),
        page("crossref (two actors)", [q("/crossref/", entity=marks["top_actors"][:2])]),
        page("api: events", ["/api/v1/events/", *[q("/api/v1/events/", q=word) for word in w[:4]]], api=True),
        page(
            "api: claims", ["/api/v1/claims/", q("/api/v1/claims/", speaker=marks["top_speaker"])], api=True
        ),
    ]
    pages = [p for p in pages if p["urls"]]
    names = dict(
        Entity.objects.filter(pk__in=marks["most_mentioned"] + marks["top_actors"]).values_list("pk", "name")
    )
    drawn = {
        "seed": seed,
        "words": words,
        "most_mentioned": [names.get(pk) for pk in marks["most_mentioned"]],
        "crossref": [names.get(pk) for pk in marks["top_actors"][:2]],
        "top_type": marks["top_type"],
        "top_country": marks["top_country"],
        "date_range": span,
        "events_sampled": len(events),
    }
    return pages, drawn


# --- the load -----------------------------------------------------------------------------------


def start_locust(args, base: str, plan_path: Path, samples_path: Path, csv_prefix: Path, log: Path):
    command = [
        sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless",
        "-u", str(args.users), "-r", str(args.spawn_rate),
        "-t", f"{args.warmup + args.duration}s",
        "--host", base, "--csv", str(csv_prefix), "--only-summary", "--loglevel", "WARNING",
    ]  # fmt: skip
    env = {**os.environ, "LAGEBILD_LOAD_PLAN": str(plan_path), "LAGEBILD_LOAD_SAMPLES": str(samples_path)}
    with log.open("w") as out:
        return subprocess.Popen(  # noqa: S603
            command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def live_totals(csv_prefix: Path) -> dict:
    """The latest aggregated row of locust's history CSV (reset at the end of the warm-up)."""
    path = Path(f"{csv_prefix}_stats_history.csv")
    if not path.exists():
        return {}
    rows = [row for row in csv.DictReader(path.open()) if row.get("Name") == "Aggregated"]
    return rows[-1] if rows else {}


def watch(locust: subprocess.Popen, args, csv_prefix: Path, memory: MemorySampler) -> None:
    started, total = time.monotonic(), args.warmup + args.duration
    next_line = 0.0
    while locust.poll() is None:
        elapsed = time.monotonic() - started
        if elapsed >= next_line:
            row = live_totals(csv_prefix)
            phase = "warm-up " if elapsed < args.warmup else "measuring"
            print(
                f"  {elapsed:5.0f}/{total} s  {phase}  users {row.get('User Count', '-'):>3}  "
                f"{float(row.get('Requests/s') or 0):6.1f} req/s  p50 {row.get('50%', '-'):>5} ms  "
                f"p95 {row.get('95%', '-'):>5} ms  failures {row.get('Total Failure Count', '-')}  "
                f"server RSS {memory.last['rss_total'] / 2**20:6.0f} MB",
                file=sys.stderr,
            )
            next_line += args.progress_every
        time.sleep(0.5)


def percentiles(values: list[float]) -> dict:
    ordered = sorted(values)
    if len(ordered) < 2:
        one = ordered[0] if ordered else None
        return {"p50": one, "p95": one, "p99": one, "max": one}
    cuts = statistics.quantiles(ordered, n=100, method="inclusive")
    return {"p50": cuts[49], "p95": cuts[94], "p99": cuts[98], "max": ordered[-1]}


def summarize(recorded: dict, pages: list[dict], target_ms: float) -> tuple[list[dict], dict]:
    """Per page and overall: requests, failures, req/s, p50/p95/p99/max (ms, all requests)."""
    window = max(1e-9, (recorded["until"] or 0) - (recorded["since"] or 0))
    samples = [s for s in recorded["samples"] if not s[0].startswith("login")]

    def row(name: str, rows: list) -> dict:
        times = [ms for _, ms, _, _ in rows]
        stats = {k: (round(v, 1) if v is not None else None) for k, v in percentiles(times).items()}
        return {
            "name": name,
            "requests": len(rows),
            "failures": sum(1 for *_, ok, _ in rows if not ok),
            "rps": round(len(rows) / window, 2),
            **stats,
            "meets_target": stats["p95"] is not None and stats["p95"] < target_ms,
        }

    per_page = [row(p["name"], [s for s in samples if s[0] == p["name"]]) for p in pages]
    return per_page, {**row("all pages", samples), "window_s": round(window, 1)}


# --- SQL queries per page (in-process, as bench/portal_pages.py) ---------------------------------


def query_counts(pages: list[dict], token: str, per_page: int) -> dict[str, dict]:
    from django.test import Client

    session = Client(HTTP_HOST="localhost")
    session.force_login(portal_pages.analyst())
    api = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Token {token}")
    counted = {}
    for p in pages:
        client = api if p["api"] else session
        measured = [
            portal_pages.measure(client, url, repeat=1, sql_chars=None) for url in p["urls"][:per_page]
        ]
        slowest = max(measured, key=lambda m: m["slowest_query_ms"])
        queries = [m["queries"] for m in measured]
        counted[p["name"]] = {
            "queries_min": min(queries),
            "queries_max": max(queries),
            "statuses": sorted({m["status"] for m in measured}),
            "single_request_ms": round(statistics.median(m["median_ms"] for m in measured), 1),
            "single_request_sql_ms": round(statistics.median(m["sql_ms"] for m in measured), 1),
            "slowest_query_ms": slowest["slowest_query_ms"],
            "slowest_query": slowest["slowest_query"],
            "slowest_query_path": slowest["path"],
            "urls": [{k: m[k] for k in ("path", "status", "queries", "median_ms")} for m in measured],
        }
        print(f"  {p['name']:28} {min(queries)}–{max(queries)} queries", file=sys.stderr)
    return counted


def explain(sql: str) -> list[str]:
    """EXPLAIN (ANALYZE, BUFFERS) of a captured SELECT, with the values Django sent."""
    from django.db import connection

    if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
        return [f"(not a SELECT: {sql[:60]}…)"]
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            return [line for (line,) in cursor.fetchall()]
    except Exception as exc:  # a captured statement that does not run again is reported, not fatal
        return [f"(EXPLAIN failed: {exc})"]


# --- the report ---------------------------------------------------------------------------------


def versions() -> dict:
    found = {}
    for package in ("Django", "gunicorn", "locust", "psycopg2", "djangorestframework"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            found[package] = metadata.version(package)
    return found


def mb(n: int) -> str:
    return f"{n / 2**20:,.0f} MB"


def fmt_ms(value) -> str:
    return "–" if value is None else f"{value:,.0f}"


def table_rows(report: dict) -> list[list[str]]:
    queries = report.get("queries", {})
    rows = []
    for r in [*report["pages"], report["overall"]]:
        q = queries.get(r["name"])
        counted = alone = ""
        if q is not None:
            low, high = q["queries_min"], q["queries_max"]
            counted = str(low) if low == high else f"{low}–{high}"
            alone = f"{fmt_ms(q['single_request_ms'])} ({fmt_ms(q['single_request_sql_ms'])})"
        rows.append([
            r["name"], str(r["requests"]), str(r["failures"]), f"{r['rps']:.1f}",
            fmt_ms(r["p50"]), fmt_ms(r["p95"]), fmt_ms(r["p99"]), fmt_ms(r["max"]),
            "yes" if r["meets_target"] else "**no**", alone, counted,
        ])  # fmt: skip
    return rows


def header(report: dict) -> list[str]:
    m, s, mem = report["machine"], report["settings"], report["memory"]
    v = report["versions"]
    return [
        f"{report['when']}: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB RAM "
        f"(load before the run {m['load_average']}); Python {m['python']}, Django {v.get('Django')}, "
        f"PostgreSQL {m['postgresql']}, gunicorn {v.get('gunicorn')} ({s['workers']} sync workers), "
        f"locust {v.get('locust')} on the same machine.",
        f"{s['users']} users (spawn {s['spawn_rate']}/s), think time {s['think'][0]}–{s['think'][1]} s, "
        f"{s['duration']} s measured after {s['warmup']} s warm-up; DEBUG=false.",
        "Data: " + ", ".join(f"{k} {v:,}" for k, v in report["rows"].items()),
        f"Web server peak RSS {mb(mem['rss_total'])} (master + {mem['processes'] - 1} workers; PSS "
        f"{mb(mem['pss_total'])}), largest worker {mb(mem['rss_largest_worker'])}.",
    ]


COLUMNS = [
    "page",
    "requests",
    "failures",
    "req/s",
    "p50 ms",
    "p95 ms",
    "p99 ms",
    "max ms",
    "p95 < 300 ms",
    "alone ms (SQL)",
    "SQL queries",
]


def print_summary(report: dict) -> None:
    print()
    for line in header(report):
        print(line)
    rows = [COLUMNS, *table_rows(report)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(COLUMNS))]
    for n, r in enumerate(rows):
        print(
            "  ".join(
                cell.ljust(w) if i == 0 else cell.rjust(w)
                for i, (cell, w) in enumerate(zip(r, widths, strict=True))
            )
        )
        if n == 0:
            print("  ".join("-" * w for w in widths))
    print(
        "\n'alone': median time of the page's URLs requested one at a time in-process without load "
        "(test client), in brackets the part its SQL took; 'SQL queries': per request, min–max over its URLs."
    )
    explained = report.get("explain", {})
    # One screen: the three pages with the slowest SQL; the JSON has every page over the target.
    for name in sorted(explained, key=lambda n: -explained[n]["ms"])[:3]:
        plan = explained[name]
        print(f"\nSlowest SQL of '{name}' ({plan['ms']} ms alone, {plan['path']}):")
        print("  " + plan["sql"][:300].replace("\n", " ") + ("…" if len(plan["sql"]) > 300 else ""))
        for line in plan["plan"][:8]:
            print("    " + line)


def markdown(report: dict) -> str:
    command = report["command"]
    lines = [*header(report), "", f"    {command}", ""]
    lines.append("| " + " | ".join(COLUMNS) + " |")
    lines.append("|" + "|".join(["---"] + ["---:"] * (len(COLUMNS) - 1)) + "|")
    lines += ["| " + " | ".join(row) + " |" for row in table_rows(report)]
    return "\n".join(lines)


def compare(paths: list[Path]) -> str:
    """Two runs side by side (e.g. two data sizes): SQL queries and p95 per page, as Markdown."""
    reports = [json.loads(path.read_text()) for path in paths]

    def size(report: dict) -> str:
        rows = report["rows"]
        return f"{rows.get('Article', 0):,} articles, {rows.get('Mention', 0):,} mentions, {rows.get('Event', 0):,} events"

    def queries(report: dict, name: str) -> tuple[str, int | None]:
        q = report.get("queries", {}).get(name)
        if q is None:
            return "–", None
        low, high = q["queries_min"], q["queries_max"]
        return (str(low) if low == high else f"{low}–{high}"), high

    def p95(report: dict, name: str) -> str:
        return next((fmt_ms(r["p95"]) for r in report["pages"] if r["name"] == name), "–")

    lines = [
        "| page | "
        + " | ".join(f"SQL queries ({size(r)})" for r in reports)
        + " | "
        + " | ".join(f"p95 ms ({r['rows'].get('Article', 0):,} articles)" for r in reports)
        + " | queries grow |",
        "|---|" + "---:|" * (2 * len(reports)) + "---|",
    ]
    for name in [r["name"] for r in reports[0]["pages"]]:
        counted = [queries(r, name) for r in reports]
        highs = [high for _, high in counted if high is not None]
        grows = "?" if len(highs) < len(reports) else ("**yes**" if highs[-1] > highs[0] else "no")
        lines.append(
            f"| {name} | " + " | ".join(text for text, _ in counted) + " | "
            + " | ".join(p95(r, name) for r in reports) + f" | {grows} |"
        )  # fmt: skip
    return "\n".join(lines)


# --- the run ------------------------------------------------------------------------------------


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=20, help="concurrent analysts (20)")
    parser.add_argument("--spawn-rate", type=float, default=5, help="users started per second (5)")
    parser.add_argument("--duration", type=int, default=60, help="seconds measured, after the warm-up (60)")
    parser.add_argument(
        "--warmup",
        type=int,
        default=20,
        help="seconds left out at the start (20: 20 logins hash their passwords in it)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=2 * (os.cpu_count() or 1),
        help="gunicorn sync workers (default 2 per core: one computes while the other waits "
        "for PostgreSQL on the same cores; README's deployment says -w 4)",
    )
    parser.add_argument(
        "--think",
        default="0.5:2",
        help="seconds a user waits between pages, MIN:MAX uniform (0.5:2); 0:0 = none",
    )
    parser.add_argument("--seed", type=int, default=16, help="draws events and search words (16)")
    parser.add_argument("--events", type=int, default=20, help="random event pages in the mix (20)")
    parser.add_argument("--words", type=int, default=12, help="search words from article titles (12)")
    parser.add_argument("--query-urls", type=int, default=5, help="URLs per page whose SQL is counted (5)")
    parser.add_argument("--no-queries", action="store_true", help="skip the SQL query counts")
    parser.add_argument("--target-ms", type=float, default=TARGET_MS, help="p95 target (300)")
    parser.add_argument("--progress-every", type=float, default=10, help="seconds between progress lines")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON)
    parser.add_argument("--markdown", action="store_true", help="also print the table for bench/RESULTS.md")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (server and locust logs)")
    parser.add_argument(
        "--compare",
        nargs=2,
        type=Path,
        metavar=("SMALL.json", "LARGE.json"),
        help="run nothing: print two runs' SQL queries and p95 per page side by side",
    )
    args = parser.parse_args(argv)
    low, _, high = args.think.partition(":")
    args.think = (float(low), float(high or low))
    return args


def machine() -> dict:
    import psutil

    return {**portal_pages.machine(), "memory_gb": round(psutil.virtual_memory().total / 2**30, 1)}


def prepare(args, work: Path) -> tuple[dict, dict, list[dict], dict]:
    """Settings, static files, Django in this process, the user and the pages."""
    env = server_env(STATIC_ROOT)
    # This process reads the data and counts queries with the server's settings.
    os.environ.update({k: v for k, v in env.items() if k != "PYTHONUNBUFFERED"})
    portal_pages.setup_django()
    collectstatic(STATIC_ROOT)
    username, password, token = credentials()
    print("choosing pages from the data …", file=sys.stderr)
    pages, drawn = plan_pages(args.seed, args.events, args.words)
    plan = {"username": username, "password": password, "token": token, "pages": pages}
    plan.update(warmup=args.warmup, think=list(args.think))
    return env, plan, pages, drawn


def load(args, env: dict, plan: dict, work: Path, children: dict) -> tuple[dict, dict]:
    """Server up, locust run, server down; the samples and the memory peaks."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    children["server"] = start_server(env, port, args.workers, work / "gunicorn.log")
    print(f"gunicorn portal.wsgi -w {args.workers} on {base} …", file=sys.stderr)
    wait_until_up(children["server"], base)
    memory = MemorySampler(children["server"].pid)
    memory.start()
    plan_path, samples_path = work / "plan.json", work / "samples.json"
    plan_path.touch(mode=0o600)
    plan_path.write_text(json.dumps(plan))
    csv_prefix = RESULTS / "portal_load_locust"
    for old in RESULTS.glob(f"{csv_prefix.name}_*.csv"):
        old.unlink()  # the progress lines must not read the last run's history
    print(
        f"locust: {args.users} users, {args.warmup} s warm-up + {args.duration} s measured …",
        file=sys.stderr,
    )
    children["locust"] = start_locust(args, base, plan_path, samples_path, csv_prefix, work / "locust.log")
    watch(children["locust"], args, csv_prefix, memory)
    memory.stopped.set()
    memory.join()
    stop_group(children.pop("server"))
    if not samples_path.exists():
        raise SystemExit(f"locust wrote no samples; its log:\n{(work / 'locust.log').read_text()[-3000:]}")
    return json.loads(samples_path.read_text()), memory.peak


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.compare:
        print(compare(args.compare))
        return 0
    missing = [name for name in ("locust", "psutil") if importlib.util.find_spec(name) is None]
    if missing:
        print(
            f"needs {', '.join(missing)}: .venv/bin/pip install -r requirements-bench.txt -c constraints.txt"
        )
        return 2
    RESULTS.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="lagebild-load-"))
    children: dict[str, subprocess.Popen] = {}
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        env, plan, pages, drawn = prepare(args, work)
        for p in pages:
            print(f"  {p['name']:28} {len(p['urls']):3} URLs, e.g. {p['urls'][0]}", file=sys.stderr)
        before = machine()
        recorded, memory = load(args, env, plan, work, children)
        per_page, overall = summarize(recorded, pages, args.target_ms)
        report = {
            "when": time.strftime("%Y-%m-%d %H:%M %z"),
            "command": " ".join(
                ["DATABASE_URL=…", ".venv/bin/python", "bench/portal_load.py", *sys.argv[1:]]
            ),
            "machine": before,
            "versions": versions(),
            "settings": {
                k: getattr(args, k)
                for k in ("users", "spawn_rate", "duration", "warmup", "workers", "think", "seed")
            },
            "rows": portal_pages.row_counts(),
            "drawn": drawn,
            "memory": memory,
            "pages": per_page,
            "overall": overall,
            "plan": [{"name": p["name"], "urls": p["urls"]} for p in pages],
        }
        if not args.no_queries:
            print("SQL queries per page (test client, one request after a warm-up) …", file=sys.stderr)
            report["queries"] = query_counts(pages, plan["token"], args.query_urls)
            report["explain"] = {
                r["name"]: {
                    "ms": report["queries"][r["name"]]["slowest_query_ms"],
                    "path": report["queries"][r["name"]]["slowest_query_path"],
                    "sql": report["queries"][r["name"]]["slowest_query"],
                    "plan": explain(report["queries"][r["name"]]["slowest_query"]),
                }
                for r in per_page
                if not r["meets_target"]
            }
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str))
        print_summary(report)
        if args.markdown:
            print("\n" + markdown(report))
        print(f"\nwritten to {args.json} (locust's CSVs: {RESULTS}/portal_load_locust_*.csv)")
        return 0
    except KeyboardInterrupt:
        print("\ninterrupted: stopping the server and locust", file=sys.stderr)
        return 130
    finally:
        for process in children.values():
            stop_group(process)
        if args.keep:
            print(f"logs kept in {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
