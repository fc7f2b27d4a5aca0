"""Titles, publication times and body starts against a hand-judged set (issue 17).

Usage::

    .venv/bin/python bench/extraction_titles_dates.py [--gold TSV] [--corpus DIR] [--split dev|check|all]
                                                      [--list] [--reveal] [--json OUT.json]

Scores ``extract_document`` and plain trafilatura (``bare_extraction`` with its defaults and
``with_metadata=True``: title, date and text of one call) on the pages of
``bench/data/extraction_titles_dates_judged.tsv``. How the set was chosen and judged, the title
and date rules and the matching are in ``bench/data/extraction_titles_dates_README.md``.

Figures (share of pages):

- ``title exact``: the judged headline (with the kicker where the page joins it to the
  headline); ``title lenient``: also the headline without its kicker or ``title_also``.
- ``date day``: the output's calendar date in its own offset is the page's local date.
- ``date-time``: the same instant (within 60 s) and local day; for pages that state only a
  date, a bare date (no invented midnight).
- ``offset``: the output's UTC offset is the page's (pages with a judged time only).
- ``clean start``: the first paragraph of the text is the lead or the first paragraph.

The pages are split by outlet into ``dev`` (looked at while changing the code) and ``check``
(only scored). Progress lines show per-page marks for ``dev`` pages; ``check`` pages show them
only with ``--reveal``. The summary gives all, dev and check.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import trafilatura

from bench.extraction_quality import DEFAULT_CORPUS, normalise, write_results
from bench.extraction_quality import norm_title as plain_norm_title
from ingest.decoding import decode_html
from ingest.extraction import extract_document

DEFAULT_GOLD = Path(__file__).resolve().parent / "data" / "extraction_titles_dates_judged.tsv"
FIGURES = ("title_exact", "title_lenient", "date_day", "date_time", "offset", "clean_start")
LABELS = {
    "title_exact": "title",
    "title_lenient": "lenient",
    "date_day": "day",
    "date_time": "time",
    "offset": "offset",
    "clean_start": "start",
}


@dataclass
class Output:
    title: str = ""
    published: datetime | date | None = None
    paragraphs: tuple[str, ...] = ()


# ---- matching ---------------------------------------------------------------------------------


def norm_title(title: str) -> str:
    """``extraction_quality``'s title matching; ASCII quotes and the separators between a
    kicker and its headline ("Kicker - Headline" = "Kicker: Headline") count as one."""
    return re.sub(r"\s*:\s+|\s+-\s+", ": ", plain_norm_title(title.replace("'", '"')))


def lenient_titles(row: dict[str, str]) -> set[str]:
    titles = {norm_title(row["title"])}
    if row["title_also"] != "-":
        titles.add(norm_title(row["title_also"]))
    if row["title_basis"].startswith("kicker"):
        titles.add(norm_title(row["title"].split(": ", 1)[-1]))
    return titles


def squash(text: str) -> str:
    return re.sub(r"\s+", "", normalise(text)).casefold()


def parse_gold_date(value: str) -> datetime | date:
    return date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)


def date_scores(output: datetime | date | None, gold: datetime | date) -> dict[str, float]:
    scores: dict[str, float] = {}
    timed = isinstance(gold, datetime)
    if output is None:
        scores.update(date_day=0.0, date_time=0.0)
        if timed:
            scores["offset"] = 0.0
        return scores
    out_day = output.date() if isinstance(output, datetime) else output
    gold_day = gold.date() if isinstance(gold, datetime) else gold
    scores["date_day"] = float(out_day == gold_day)
    if timed:
        assert isinstance(gold, datetime)
        has_time = isinstance(output, datetime) and output.tzinfo is not None
        same_instant = has_time and abs((output - gold).total_seconds()) <= 60  # type: ignore[operator]
        scores["date_time"] = float(bool(same_instant) and out_day == gold_day)
        scores["offset"] = float(has_time and output.utcoffset() == gold.utcoffset())  # type: ignore[union-attr]
    else:
        scores["date_time"] = float(not isinstance(output, datetime) and output == gold)
    return scores


def clean_start(output: Output, row: dict[str, str]) -> float:
    paragraphs = [p for p in output.paragraphs if p.strip()]
    headlines = {squash(row["title"]), squash(output.title)}
    while paragraphs and squash(paragraphs[0]) in headlines:
        paragraphs = paragraphs[1:]  # a headline repeated as first line is not the body
    if not paragraphs:
        return 0.0
    first = squash(paragraphs[0])
    starts = [s for s in row["lead"].split(" || ") + [row["first_paragraph"]] if s.strip() not in ("", "-")]
    return float(any(first.startswith(squash(start)) for start in starts))


def score(output: Output, row: dict[str, str]) -> dict[str, float]:
    got = norm_title(output.title)
    scores = {
        "title_exact": float(got == norm_title(row["title"])),
        "title_lenient": float(got in lenient_titles(row)),
    }
    scores.update(date_scores(output.published, parse_gold_date(row["published"])))
    scores["clean_start"] = clean_start(output, row)
    return scores


# ---- systems ----------------------------------------------------------------------------------


def run_lagebild(body: bytes, url: str | None) -> Output:
    html, _encoding = decode_html(body, None)
    article = extract_document(html, url=url)
    published: datetime | date | None = article.published
    if published is not None and getattr(article, "published_date_only", False):
        published = published.date()
    return Output(article.title, published, tuple(article.text.split("\n\n")))


def run_trafilatura(body: bytes, url: str | None) -> Output:
    document = trafilatura.bare_extraction(body, url=url, with_metadata=True)
    if document is None:
        return Output()
    if not isinstance(document, dict):
        document = document.as_dict()
    published = None
    if document.get("date"):
        try:
            published = date.fromisoformat(document["date"][:10])
        except ValueError:
            published = None
    return Output(document.get("title") or "", published, tuple((document.get("text") or "").split("\n")))


SYSTEMS: dict[str, Callable[[bytes, str | None], Output]] = {
    "lagebild": run_lagebild,
    "trafilatura": run_trafilatura,
}


# ---- driver -----------------------------------------------------------------------------------


def load_gold(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def describe(output: Output) -> dict[str, Any]:
    published = output.published.isoformat() if output.published is not None else None
    first = next((p for p in output.paragraphs if p.strip()), "")
    return {"title": output.title, "published": published, "first_paragraph": first[:120]}


def run(gold: Path, corpus: Path, split: str, reveal: bool) -> dict[str, Any]:
    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    urls = {page["id"]: page.get("url") for page in manifest["pages"]}
    rows = [row for row in load_gold(gold) if split == "all" or row["split"] == split]
    pages = []
    for index, row in enumerate(rows, 1):
        body = (corpus / f"{row['page']}.html").read_bytes()
        record: dict[str, Any] = {"page": row["page"], "split": row["split"], "gold": row}
        for name, system in SYSTEMS.items():
            started = time.perf_counter()
            output = system(body, urls.get(row["page"]))
            record[name] = {"scores": score(output, row), "output": describe(output)}
            record[name]["seconds"] = time.perf_counter() - started
        pages.append(record)
        if row["split"] == "dev" or reveal:
            marks = "  ".join(
                f"{name}: "
                + " ".join(f"{LABELS[f]}={'+' if v else '-'}" for f, v in record[name]["scores"].items())
                for name in SYSTEMS
            )
        else:
            marks = "(check page: marks hidden; --reveal shows them)"
        print(f"[{index:2d}/{len(rows)}] {row['page'][:46]:46s} {marks}", file=sys.stderr, flush=True)
    return {"gold": str(gold), "corpus": str(corpus), "pages": pages, "totals": totals(pages)}


def totals(pages: list[dict[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for part in ("all", "dev", "check"):
        chosen = [p for p in pages if part == "all" or p["split"] == part]
        result[part] = {"pages": len(chosen)}
        for name in SYSTEMS:
            figures = {}
            for figure in FIGURES:
                values = [p[name]["scores"][figure] for p in chosen if figure in p[name]["scores"]]
                figures[figure] = {"hits": int(sum(values)), "pages": len(values)}
            result[part][name] = figures
    return result


def print_summary(results: dict[str, Any]) -> None:
    names = list(SYSTEMS)
    for part in ("all", "dev", "check"):
        block = results["totals"][part]
        if not block["pages"]:
            continue
        print(f"\n{part} ({block['pages']} pages)")
        print(f"  {'figure':14s} " + " ".join(f"{n:>16s}" for n in names))
        for figure in FIGURES:
            cells = []
            for name in names:
                hits, count = block[name][figure]["hits"], block[name][figure]["pages"]
                cells.append(f"{hits:3d}/{count:<3d} {hits / count:6.1%}" if count else f"{'-':>16s}")
            print(f"  {figure:14s} " + " ".join(f"{c:>16s}" for c in cells))


def print_misses(results: dict[str, Any], reveal: bool) -> None:
    print("\nmisses (lagebild):")
    for page in results["pages"]:
        if page["split"] != "dev" and not reveal:
            continue
        scores = page["lagebild"]["scores"]
        missed = [f for f in FIGURES if scores.get(f) == 0.0]
        if not missed:
            continue
        out, gold = page["lagebild"]["output"], page["gold"]
        print(f"- {page['page']} ({', '.join(missed)})")
        if {"title_exact", "title_lenient"} & set(missed):
            print(f"    title   {out['title']!r}\n    gold    {gold['title']!r}")
        if {"date_day", "date_time", "offset"} & set(missed):
            print(f"    date    {out['published']}\n    gold    {gold['published']}")
        if "clean_start" in missed:
            print(
                f"    starts  {out['first_paragraph']!r}\n    gold    {gold['lead']!r} / {gold['first_paragraph']!r}"
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--split", choices=("dev", "check", "all"), default="all")
    parser.add_argument(
        "--list", action="store_true", help="list lagebild's misses (dev pages unless --reveal)"
    )
    parser.add_argument("--reveal", action="store_true", help="show per-page results of check pages too")
    parser.add_argument("--json", type=Path, help="write per-page and total results here")
    args = parser.parse_args(argv)
    if not (args.corpus / "manifest.json").exists():
        parser.error(f"no manifest.json in {args.corpus}")
    results = run(args.gold, args.corpus, args.split, args.reveal)
    print_summary(results)
    if args.list:
        print_misses(results, args.reveal)
    if args.json:
        write_results(args.json, results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
