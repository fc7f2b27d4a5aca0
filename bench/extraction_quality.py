"""Extraction quality benchmark: Lagebild's extract_document vs. plain trafilatura.

Usage::

    .venv/bin/python bench/extraction_quality.py [--corpus DIR] [--json OUT.json] [--only SUBSTR]

The corpus directory holds ``manifest.json`` and ``gold/<id>.json`` (see its SOURCE.md).
Both systems get the same raw bytes: Lagebild runs ``decode_html`` then ``extract_document``;
the baseline runs ``trafilatura.extract(bytes)`` with default options for the text and
``trafilatura.extract_metadata`` for title/author/date (trafilatura decodes bytes itself).

Figures (each a mean over the pages whose gold has the field):

- ``text_precision/recall/f1``: ``full_text`` gold. Bag-of-words token overlap: tokens are
  ``\\w+`` runs after NFC and case folding; the overlap is the multiset intersection, so a
  repeated word counts as often as it occurs in both. Precision = overlap / extracted tokens,
  recall = overlap / gold tokens, F1 their harmonic mean (0 if nothing extracted).
- ``snippets_with``: share of must-occur snippets found in the main text.
- ``snippets_without``: share of must-not-occur (boilerplate) snippets absent from the text.
- ``comments_absent``: share of user-comment snippets absent (they are not main text).
  Snippet matching is substring search after NFC, unified quotes/dashes and collapsed
  whitespace.
- ``title``: normalised exact match (NFC, case-folded, quotes/dashes unified, whitespace
  collapsed, trailing punctuation stripped).
- ``date``: same calendar day. Gold with a time zone: the extracted timestamp is converted to
  the gold's offset first; date-only gold: the extracted timestamp's own local date. For
  trafilatura pages, ``date`` gold is used (``date_htmldate`` only when ``date`` is absent).
- ``authors``: normalised set equality. Both gold and extracted author strings are split on
  ``, ; / & und and mit``, a leading "von"/"by" is dropped, case-folded, whitespace collapsed.

``total`` is the unweighted mean of the figures above (precision and recall are included only
through F1).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import trafilatura

from ingest.decoding import PAGE_DATES, decode_html, parse_timestamp
from ingest.extraction import extract_document

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "html"
FIGURES = (
    "text_f1",
    "snippets_with",
    "snippets_without",
    "comments_absent",
    "title",
    "date",
    "authors",
)
REPORTED = ("text_precision", "text_recall", *FIGURES)
LABELS = {
    "text_f1": "f1",
    "snippets_with": "with",
    "snippets_without": "w/o",
    "comments_absent": "cmt",
    "title": "title",
    "date": "date",
    "authors": "auth",
}


@dataclass
class Output:
    """What a system produced for one page, reduced to the benchmarked fields."""

    text: str = ""
    title: str = ""
    authors: list[str] = field(default_factory=list)
    published: datetime | date | None = None


# ---- normalisation ----------------------------------------------------------------------------

_QUOTES = str.maketrans({c: '"' for c in "„“”«»‚‘’‹›\u201f"} | {c: "-" for c in "–—‐‑‒−"})


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text).translate(_QUOTES).replace("\u00ad", "")
    return re.sub(r"\s+", " ", text).strip()


def tokens(text: str) -> Counter[str]:
    return Counter(re.findall(r"\w+", unicodedata.normalize("NFC", text).casefold()))


def norm_title(title: str) -> str:
    return normalise(title).casefold().rstrip(" .!?:;")


def norm_authors(values: list[str] | str | None) -> frozenset[str]:
    if not values:
        return frozenset()
    items = [values] if isinstance(values, str) else values
    names = set()
    for item in items:
        for part in re.split(r"\s*(?:[,;/&]|\bund\b|\band\b|\bmit\b)\s*", normalise(item)):
            part = re.sub(r"^(?:von|by)\s+", "", part.strip(), flags=re.IGNORECASE).casefold()
            if part:
                names.add(part)
    return frozenset(names)


# ---- scoring ----------------------------------------------------------------------------------


def text_scores(extracted: str, gold: str) -> dict[str, float]:
    got, want = tokens(extracted), tokens(gold)
    overlap = sum((got & want).values())
    precision = overlap / sum(got.values()) if got else 0.0
    recall = overlap / sum(want.values()) if want else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"text_precision": precision, "text_recall": recall, "text_f1": f1}


def snippet_rate(text: str, snippets: list[str], present: bool) -> float | None:
    snippets = [s for s in snippets if normalise(s)]
    if not snippets:
        return None
    haystack = normalise(text)
    hits = sum((normalise(s) in haystack) == present for s in snippets)
    return hits / len(snippets)


def same_day(extracted: datetime | date | None, gold: str) -> bool:
    if extracted is None:
        return False
    gold = gold.strip()
    if len(gold) == 10:
        day = extracted.date() if isinstance(extracted, datetime) else extracted
        return day.isoformat() == gold
    gold_dt = parse_timestamp(gold, PAGE_DATES)
    if gold_dt is None:
        return False
    if not isinstance(extracted, datetime):
        return extracted == gold_dt.date()
    if extracted.tzinfo is not None and gold_dt.tzinfo is not None:
        extracted = extracted.astimezone(gold_dt.tzinfo)
    return extracted.date() == gold_dt.date()


def score_page(output: Output, gold: dict[str, Any]) -> dict[str, float]:
    scores: dict[str, float] = {}
    if "text" in gold:
        scores.update(text_scores(output.text, gold["text"]))
    for key, figure, present in (
        ("with", "snippets_with", True),
        ("without", "snippets_without", False),
        ("comments", "comments_absent", False),
    ):
        if gold.get(key):
            rate = snippet_rate(output.text, gold[key], present)
            if rate is not None:
                scores[figure] = rate
    if gold.get("title"):
        scores["title"] = float(norm_title(output.title) == norm_title(gold["title"]))
    gold_date = gold.get("publishing_date") or gold.get("date") or gold.get("date_htmldate")
    if gold_date:
        scores["date"] = float(same_day(output.published, str(gold_date)))
    gold_authors = gold.get("authors") if "authors" in gold else gold.get("author")
    if gold_authors:
        scores["authors"] = float(norm_authors(output.authors) == norm_authors(gold_authors))
    return scores


# ---- systems ----------------------------------------------------------------------------------


def run_lagebild(body: bytes, url: str | None) -> Output:
    html, _encoding = decode_html(body, None)
    article = extract_document(html, url=url)
    return Output(article.text, article.title, list(article.authors), article.published)


def run_trafilatura(body: bytes, url: str | None) -> Output:
    text = trafilatura.extract(body, url=url) or ""
    tree = trafilatura.load_html(body)
    metadata = trafilatura.extract_metadata(tree, default_url=url) if tree is not None else None
    published = None
    if metadata is not None and metadata.date:
        try:
            published = date.fromisoformat(metadata.date[:10])
        except ValueError:
            published = None
    authors = [a for a in (metadata.author or "").split(";") if a.strip()] if metadata else []
    title = (metadata.title or "") if metadata else ""
    return Output(text, title, authors, published)


SYSTEMS: dict[str, Callable[[bytes, str | None], Output]] = {
    "lagebild": run_lagebild,
    "trafilatura": run_trafilatura,
}


# ---- driver -----------------------------------------------------------------------------------


def mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def run(corpus: Path, only: str | None = None) -> dict[str, Any]:
    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    pages = [p for p in manifest["pages"] if not only or only in p["id"]]
    per_page: list[dict[str, Any]] = []
    for index, page in enumerate(pages, 1):
        body = (corpus / Path(page["file"]).name).read_bytes()
        gold_path = corpus / "gold" / Path(page["gold_file"]).name
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        record: dict[str, Any] = {"id": page["id"], "gold_type": page["gold_type"]}
        for name, system in SYSTEMS.items():
            started = time.perf_counter()
            output = system(body, page.get("url"))
            record[name] = score_page(output, gold)
            record[name]["seconds"] = time.perf_counter() - started
        per_page.append(record)
        summary = "  ".join(
            f"{name}: " + " ".join(f"{LABELS[k]}={v:.2f}" for k, v in record[name].items() if k in LABELS)
            for name in SYSTEMS
        )
        print(f"[{index:3d}/{len(pages)}] {page['id'][:48]:48s} {summary}", file=sys.stderr, flush=True)

    totals: dict[str, dict[str, Any]] = {}
    for name in SYSTEMS:
        figures = {}
        for figure in REPORTED:
            values = [r[name][figure] for r in per_page if figure in r[name]]
            figures[figure] = {"mean": mean(values), "pages": len(values)}
        headline = [figures[f]["mean"] for f in FIGURES if figures[f]["mean"] is not None]
        figures["total"] = {"mean": mean(headline), "pages": len(per_page)}
        figures["seconds"] = {"mean": mean([r[name]["seconds"] for r in per_page]), "pages": len(per_page)}
        totals[name] = figures
    return {"corpus": str(corpus), "pages": per_page, "totals": totals}


def print_table(results: dict[str, Any]) -> None:
    names = list(SYSTEMS)
    print(f"\n{'figure':18s} {'pages':>5s} " + " ".join(f"{n:>12s}" for n in names) + "   delta")
    for figure in (*REPORTED, "total", "seconds"):
        values = [results["totals"][n][figure]["mean"] for n in names]
        pages = results["totals"][names[0]][figure]["pages"]
        cells = " ".join(f"{v:12.3f}" if v is not None else f"{'-':>12s}" for v in values)
        delta = f"{values[0] - values[1]:+.3f}" if None not in values else ""
        print(f"{figure:18s} {pages:5d} {cells}   {delta}")


def write_results(path: Path, results: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    print(f"\nJSON results written to {path}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--json", type=Path, help="write per-page and total results here")
    parser.add_argument("--only", help="only pages whose id contains this string")
    args = parser.parse_args(argv)
    if not (args.corpus / "manifest.json").exists():
        parser.error(f"no manifest.json in {args.corpus}")
    results = run(args.corpus, args.only)
    print_table(results)
    if args.json:
        write_results(args.json, results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
