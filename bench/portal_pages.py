"""Render time and SQL queries of the portal's main pages, on the development database.

    .venv/bin/python bench/portal_pages.py [--repeat 5] [--json bench/results/portal_pages.json]

Run it after `manage.py import_corpus` (the pages need data). A test client logged in as
the analyst "bench-analyst" (created when missing) GETs each page once to warm up (templates,
the knowledge base) and then N times; the table shows the first, median and slowest time
and the number of SQL queries of each page. Pages whose URL does not resolve yet are listed
as missing. The times are in-process (Django's whole request cycle, no network, no browser).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_JSON = REPO / "bench" / "results" / "portal_pages.json"
USERNAME = "bench-analyst"


def setup_django() -> None:
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    # As `make run` serves the portal; DEBUG=false needs `collectstatic` first (hashed names).
    os.environ.setdefault("DEBUG", "true")
    from portal import embedded

    embedded.autostart()
    import django

    django.setup()


def machine() -> dict:
    from django.db import connection

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown",
    )
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "postgresql": postgres,
        "platform": platform.platform(),
    }


def row_counts() -> dict:
    from events.models import Claim, Entity, Event, EventArticle, Mention, Tag, Tagging
    from ingest.models import Article, Outlet

    models = (Article, Outlet, Mention, Claim, Event, EventArticle, Entity, Tag, Tagging)
    return {model.__name__: model.objects.count() for model in models}


def analyst():
    from django.contrib.auth.models import User

    from portal.roles import ANALYST, user_create

    user = User.objects.filter(username=USERNAME).first()
    if user is None:
        # The client logs in without a password (force_login); nobody needs to know this one.
        user = user_create(username=USERNAME, role=ANALYST, password=secrets.token_urlsafe(24))
    return user


def pages() -> list[tuple[str, str]]:
    """(name, path) of the main pages, with ids taken from the data."""
    from django.db.models import Count

    from events.management.commands.import_corpus import SEED_URL
    from events.models import Entity, Event, Mention
    from ingest.models import Article

    putin = Entity.objects.active().filter(name="Wladimir Putin").first()
    kim = Entity.objects.active().filter(name="Kim Jong Un").first()
    seed = Article.objects.filter(url=SEED_URL).first()
    event = (
        Event.objects.active().filter(event_articles__article=seed, type="meet").first() if seed else None
    ) or Event.objects.active().annotate(n=Count("event_articles")).order_by("-n", "pk").first()
    article = seed or Article.objects.annotate(n=Count("mentions")).order_by("-n", "pk").first()
    # Issue 16's heaviest entity page: the most-mentioned entity (Deutschland on the demo archive).
    top = Mention.objects.exclude(entity=None).values("entity").annotate(n=Count("pk")).order_by("-n").first()
    common_type = (
        Event.objects.active().order_by().values_list("type").annotate(n=Count("pk")).order_by("-n").first()
    )
    found = [
        ("dashboard", "/"),
        ("events", "/events/"),
        ("events q=Putin", "/events/?q=Putin"),
        (
            f"events type={common_type[0]}" if common_type else "events type",
            f"/events/?type={common_type[0]}" if common_type else None,
        ),
        ("event detail", f"/events/{event.pk}/" if event else None),
        ("entities", "/entities/"),
        ("entity Putin", f"/entities/{putin.pk}/" if putin else None),
        ("entity most mentioned", f"/entities/{top['entity']}/" if top else None),
        ("article detail", f"/articles/{article.pk}/" if article else None),
        ("claims", "/claims/"),
        ("claims q=Regierung", "/claims/?q=Regierung"),
        ("articles", "/articles/"),
        ("articles q=Sanktionen", "/articles/?q=Sanktionen"),
        ("tags", "/tags/"),
        ("crossref Putin+Kim", f"/crossref/?entity={putin.pk}&entity={kim.pk}" if putin and kim else None),
        ("api events", "/api/v1/events/"),
        ("api events q=Regierung", "/api/v1/events/?q=Regierung"),
        ("api claims", "/api/v1/claims/"),
    ]
    return found


def resolves(path: str) -> bool:
    from django.urls import Resolver404, resolve

    try:
        resolve(path.split("?", 1)[0])
    except Resolver404:
        return False
    return True


def measure(client, path: str, repeat: int, sql_chars: int | None = 300) -> dict:
    """Times and queries of `path`: one warm-up request, then `repeat` timed ones. The
    slowest SQL statement is cut to `sql_chars` characters (None: whole, e.g. to EXPLAIN it)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, queries, slowest = [], [], (0.0, "")
    status = size = None
    for _ in range(repeat + 1):  # the first one warms up
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(path, secure=True)
            elapsed = time.perf_counter() - started
            body = b"".join(response) if response.streaming else response.content
        status, size = response.status_code, len(body)
        times.append(elapsed * 1000)
        queries.append(len(captured.captured_queries))
        sql_ms = 0.0  # of the last request: how much of its time the database took
        for query in captured.captured_queries:
            ms = float(query.get("time") or 0) * 1000
            sql_ms += ms
            if ms > slowest[0]:
                slowest = (ms, query["sql"][:sql_chars])
    timed = times[1:]
    return {
        "path": path,
        "status": status,
        "bytes": size,
        "first_ms": round(times[0], 1),
        "median_ms": round(statistics.median(timed), 1),
        "max_ms": round(max(timed), 1),
        "queries": queries[-1],
        "queries_first": queries[0],
        "sql_ms": round(sql_ms, 1),
        "slowest_query_ms": round(slowest[0], 1),
        "slowest_query": slowest[1],
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed requests per page (after one warm-up)")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON)
    args = parser.parse_args(argv)

    setup_django()
    from django.conf import settings
    from django.test import Client

    client = Client(HTTP_HOST="localhost")
    client.force_login(analyst())
    results, missing = [], []
    for name, path in pages():
        if path is None:
            missing.append({"name": name, "why": "no data for it"})
            print(f"  {name:28} no data", file=sys.stderr)
            continue
        if not resolves(path):
            missing.append({"name": name, "path": path, "why": "missing (URL does not resolve)"})
            print(f"  {name:28} missing", file=sys.stderr)
            continue
        result = {"name": name, **measure(client, path, args.repeat)}
        results.append(result)
        print(f"  {name:28} {result['median_ms']:8.1f} ms", file=sys.stderr)

    report = {
        "machine": machine(),
        "settings": {"DEBUG": settings.DEBUG, "repeat": args.repeat},
        "rows": row_counts(),
        "pages": results,
        "missing": missing,
        "when": time.strftime("%Y-%m-%d %H:%M:%S %z"),
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False))

    m = report["machine"]
    print(
        f"\nMachine: {m['cpu']}, {m['cores']} cores (load {m['load_average']}), Python {m['python']}, "
        f"PostgreSQL {m['postgresql']}; DEBUG={settings.DEBUG}; {args.repeat} requests per page after a warm-up"
    )
    print("Rows: " + ", ".join(f"{k} {v}" for k, v in report["rows"].items()))
    header = f"| {'page':28} | status | first ms | median ms | max ms | queries | slowest SQL ms | KB |"
    print(header)
    print("|" + "|".join("-" * (len(cell) + 0) for cell in header.split("|")[1:-1]) + "|")
    for r in results:
        print(
            f"| {r['name']:28} | {r['status']:6} | {r['first_ms']:8.1f} | {r['median_ms']:9.1f} | "
            f"{r['max_ms']:6.1f} | {r['queries']:7} | {r['slowest_query_ms']:14.1f} | {r['bytes'] // 1024:2} |"
        )
    for m in missing:
        print(f"| {m['name']:28} | {m['why']} |")
    print(f"\nwritten to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
