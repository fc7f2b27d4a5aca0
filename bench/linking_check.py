"""Lists every linked and unlinked mention of real politics pages, for checking by hand.

    .venv/bin/python bench/linking_check.py [--pages ID ...] [--model DIR] [--out FILE]

Extracts each page of ../shared/corpus/html with Lagebild's extractor, analyses it with the
German pipeline and the knowledge base (from the database: run `make setup` first), and
writes one line per mention (text, label, how it refers, entity, confidence, note) into a
TSV with an empty `judgement` column to fill in: ok / wrong-entity / not-an-entity /
should-be-unlinked. Missed names are added by hand as `missed` lines. The summary of a
filled-in file: `--score FILE`.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
from collections import Counter
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE))
CORPUS = BASE.parent / "shared" / "corpus" / "html"
PAGES = [
    "de-fundus-FAZ_2024_04_17",
    "de-fundus-HamburgerAbendblatt_2025_09_09",
    "de-fundus-LTO_2025_10_20",
    "de-fundus-Landesspiegel_2026_01_27",
    "de-fundus-MitteldeutscheZeitung_2024_04_30",
    "de-fundus-NTV_2025_12_12",
    "de-fundus-ZDF_2024_04_22",
    "de-fundus-ZDF_2025_11_07",
    "de-fundus-WAZ_2025_09_10",
    "de-fundus-DerStandard_2024_05_03",
]


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    from portal import embedded

    embedded.autostart()
    import django

    django.setup()


def list_mentions(pages: list[str], model: str | None, out: Path) -> None:
    setup_django()
    from events.analysis.linking import link_doc
    from events.kb.loader import get_kb
    from events.nlp.pipeline import get_nlp, load_pipeline
    from ingest.decoding import decode_html
    from ingest.extraction import extract_document

    nlp = load_pipeline(model) if model else get_nlp()
    kb = get_kb()
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter="\t")
        writer.writerow(
            [
                "page",
                "start",
                "text",
                "label",
                "refers_as",
                "entity",
                "kind",
                "confidence",
                "note",
                "judgement",
            ]
        )
        for page in pages:
            html, _ = decode_html((CORPUS / f"{page}.html").read_bytes(), None)
            article = extract_document(html)
            day = article.published.date() if article.published else None
            mentions = link_doc(nlp(article.text), kb, day)
            for m in mentions:
                info = kb.entities.get(m.entity_id) if m.entity_id else None
                writer.writerow(
                    [
                        page,
                        m.start,
                        m.text,
                        m.label,
                        m.kind,
                        info.name if info else "",
                        info.kind if info else "",
                        m.confidence,
                        m.note,
                        "",
                    ]
                )
            print(f"{page}: {len(mentions)} mentions, {sum(1 for m in mentions if m.entity_id)} linked")
    print(f"written to {out}; fill in the judgement column, then run --score {out}")


def score(path: Path) -> None:
    rows = list(csv.DictReader(path.open(encoding="utf-8"), delimiter="\t"))
    judged = Counter(row["judgement"] or "unjudged" for row in rows)
    linked = [r for r in rows if r["entity"] and r["judgement"] != "missed"]
    correct = sum(1 for r in linked if r["judgement"] == "ok")
    gold = sum(1 for r in rows if r["judgement"] in ("ok", "wrong-entity", "missed", "should-be-linked"))
    precision = correct / len(linked) if linked else 0.0
    recall = correct / gold if gold else 0.0
    print(f"linked mentions {len(linked)}, correct {correct}; entity mentions in the pages {gold}")
    print(f"precision {precision:.3f}  recall {recall:.3f}")
    print("judgements: " + ", ".join(f"{k} {v}" for k, v in judged.most_common()))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", nargs="*", default=PAGES)
    parser.add_argument("--model", default=None)
    parser.add_argument("--out", type=Path, default=BASE / "bench" / "results" / "linking_check.tsv")
    parser.add_argument("--score", type=Path, default=None)
    args = parser.parse_args()
    if args.score:
        score(args.score)
        return
    if not CORPUS.exists():
        sys.exit(f"no corpus at {CORPUS}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    list_mentions(args.pages, args.model, args.out)


if __name__ == "__main__":
    main()
