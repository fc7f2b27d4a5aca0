"""Fault benchmark: real workers and real services, killed and restarted with work in flight.

    .venv/bin/python bench/faults/run.py [scenario ...] [--markdown] [--keep] [--deadline 300]

Starts its own PostgreSQL and Redis (append-only) in a temp dir, migrates and seeds the
database, serves saved German news pages and RSS feeds over HTTP on loopback addresses,
starts the fetch and nlp workers and beat as `runportal` does, and plays each scenario
(bench/faults/scenarios/): about twenty articles go in, a fault strikes while they are in
flight, and the run waits until every article has settled (analysed, failed or a correct
duplicate) or the deadline passes. For each scenario it counts the articles that went in,
were analysed, failed (with the reasons), were lost (still pending at the deadline, or never
discovered) and duplicated (two rows for one page address), the worker restarts the
supervisor had to make, and the wall time. `--markdown` appends the table to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from bench.faults.lab import Lab, log, wait_until  # noqa: E402
from bench.faults.scenarios import ORDER, load  # noqa: E402
from bench.faults.site import ALL_HOSTS, Site, corpus_pages  # noqa: E402

RESULTS = REPO / "bench" / "RESULTS.md"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("scenarios", nargs="*", choices=[[], *ORDER], metavar="scenario",
                        help=f"any of {', '.join(ORDER)} (default: all)")  # fmt: skip
    parser.add_argument("--deadline", type=float, default=300, help="seconds to wait for articles to settle")
    parser.add_argument("--markdown", action="store_true", help="append the table to bench/RESULTS.md")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (logs, data) afterwards")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="a setting for the workers, e.g. INGEST_HOST_CONCURRENCY=0 (repeatable)")  # fmt: skip
    args = parser.parse_args()
    overrides = dict(item.split("=", 1) for item in args.set)
    chosen = args.scenarios or ORDER

    # The code the workers run is the tree as it is now (others may commit during the run).
    commit = git("rev-parse", "--short", "HEAD")
    dirty = bool(git("status", "--porcelain", "--untracked-files=no", "--", ".", ":!bench"))
    root = Path(tempfile.mkdtemp(prefix="lbfaults-"))
    site = Site(ALL_HOSTS).start()
    lab = Lab(root, private_hosts=ALL_HOSTS, overrides=overrides)
    outcomes = []
    started = time.monotonic()
    try:
        lab.start_services()
        lab.manage("migrate", "--no-input")
        lab.manage("seed")
        import django

        django.setup()
        from bench.faults.scenarios.base import Context

        lab.start_workers()
        wait_for_workers(lab)
        context = Context(lab=lab, site=site, pages=corpus_pages(), order=ORDER, deadline=args.deadline)
        scenarios = load()
        for name in chosen:
            log(f"=== {name} ===")
            outcome = scenarios[name](context)
            outcomes.append(outcome)
            print_outcome(outcome)
        total = time.monotonic() - started
        table = summary(outcomes)
        print("\n" + table)
        print(
            f"\nwhole run {total / 60:.1f} min; logs in {root / 'logs'}" + ("" if args.keep else " (removed)")
        )
        if args.markdown:
            write_markdown(outcomes, table, chosen, lab, total, args.set, commit, dirty)
    finally:
        lab.stop()
        site.stop()
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    return 0 if all(o.n_lost == 0 and o.duplicated == 0 for o in outcomes) else 1


def wait_for_workers(lab: Lab) -> None:
    from portal.health import HEARTBEAT_PREFIX

    client = lab.redis.client()

    def up() -> bool:
        names = {key.decode() for key in client.scan_iter(match=HEARTBEAT_PREFIX + "*")}
        return any("fetch@" in n for n in names) and any("nlp@" in n for n in names)

    if not wait_until(up, 120, 0.5, "the workers' heartbeats"):
        raise SystemExit(f"the workers did not start; see {lab.root / 'logs'}")
    log("workers up: fetch, nlp and beat")


def print_outcome(o) -> None:
    log(
        f"{o.scenario}: in {o.pages_in}, analysed {o.analysed}, failed {o.n_failed}, lost {o.n_lost}, "
        f"duplicated {o.duplicated}, worker restarts {len(o.restarts)}, {o.wall:.0f} s"
    )
    for reason, n in o.failed.items():
        log(f"  failed {n}: {reason}")
    for state, n in o.lost.items():
        log(f"  lost {n}: {state}")
    for r in o.restarts:
        log(f"  restart of {r.name} (exit {r.returncode}): {r.reason}")
    for note in o.notes:
        log(f"  note: {note}")


def summary(outcomes) -> str:
    header = "| scenario | in | analysed | failed | lost | duplicated | worker restarts | wall |"
    lines = [header, "| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: |"]
    for o in outcomes:
        restarts = ", ".join(f"{r.name} (exit {r.returncode})" for r in o.restarts) or "0"
        dup_note = f" (+{o.duplicate_status} marked duplicate)" if o.duplicate_status else ""
        lines.append(
            f"| {o.scenario} | {o.pages_in} | {o.analysed}{dup_note} | {o.n_failed} | {o.n_lost} "
            f"| {o.duplicated} | {restarts} | {o.wall:.0f} s |"
        )
    return "\n".join(lines)


def details(outcomes) -> str:
    lines = []
    for o in outcomes:
        lines.append(f"- **{o.scenario}**: {o.fault}.")
        lines += [f"  - failed {n}: {reason}" for reason, n in o.failed.items()]
        lines += [f"  - lost {n}: still {state} at the deadline" for state, n in o.lost.items()]
        lines += [f"  - worker restart: {r.name} exited {r.returncode}: `{r.reason}`" for r in o.restarts]
        lines += [f"  - {note}" for note in o.notes]
    return "\n".join(lines)


def write_markdown(
    outcomes, table: str, chosen: list[str], lab: Lab, total: float, sets: list[str], commit: str, dirty: bool
) -> None:
    import celery
    import kombu
    import redis
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    redis_version = lab.redis.client().info("server")["redis_version"]
    env = lab.env
    command = ".venv/bin/python bench/faults/run.py" + ("" if chosen == ORDER else " " + " ".join(chosen))
    command += "".join(f" --set {item}" for item in sets)
    text = [
        f"\n## Faults: {datetime.now().astimezone().date().isoformat()}, commit {commit}"
        + (" with uncommitted changes outside bench/" if dirty else "")
        + "\n",
        f"    {command} --markdown\n",
        f"Own PostgreSQL {postgres} and Redis {redis_version} (appendonly yes) in a temp dir; celery "
        f"{celery.__version__}, kombu {kombu.__version__}, redis-py {redis.__version__}; workers as "
        "runportal starts them (fetch: 8 threads, nlp: 2 processes, beat); "
        f"PIPELINE_STALE_WAITING_SECONDS {env['PIPELINE_STALE_WAITING_SECONDS']}, "
        f"PIPELINE_STALE_RUNNING_SECONDS {env['PIPELINE_STALE_RUNNING_SECONDS']}, "
        f"PIPELINE_SWEEP_SECONDS {env['PIPELINE_SWEEP_SECONDS']}, "
        f"INGEST_HOST_CONCURRENCY {env.get('INGEST_HOST_CONCURRENCY', '2 (default)')}. "
        f"Python {platform.python_version()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}; "
        f"whole run {total / 60:.1f} min. Lost = still pending when the scenario's deadline passed, or "
        "never discovered; duplicated = two article rows for one page address.\n",
        table + "\n",
        details(outcomes) + "\n",
    ]
    if not RESULTS.exists():
        text.insert(0, "# Benchmark results\n")
    with RESULTS.open("a") as out:
        out.write("\n".join(text))
    log(f"appended to {RESULTS}")


def git(*args: str) -> str:
    # S603/S607: git with fixed arguments.
    return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True).stdout.strip()  # noqa: S603, S607


if __name__ == "__main__":
    sys.exit(main())
