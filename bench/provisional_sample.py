"""A random sample of the provisional entities, for judging junk / not junk by hand (issue 13).

    .venv/bin/python bench/provisional_sample.py [--size 100] [--seed 13] [--out FILE]
    .venv/bin/python bench/provisional_sample.py --score bench/data/provisional_sample_before.tsv

Runs against the configured database (DATABASE_URL) after `manage.py import_corpus`. Prints
the number of provisional entities (provisional, not merged into another), then draws
`--size` of them with a fixed seed (ordered by id, `random.Random(seed).sample`) and writes
a TSV (id, name, kind, mentions, judgement, reason) with the last two columns empty, to fill
in: `junk` or `ok`. What counts as junk: bench/data/kb_coverage_README.md. `--score` prints
the junk share of a filled-in file.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from collections import Counter
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE))
sys.path.insert(0, str(BASE / "bench"))

from kb_coverage import setup_django  # noqa: E402  (the bench scripts start Django one way)


def draw(size: int, seed: int, out: Path) -> None:
    setup_django()
    from django.db.models import Count

    from events.models import Entity

    provisional = Entity.objects.filter(provisional=True, merged_into__isnull=True)
    ids = sorted(provisional.values_list("id", flat=True))
    print(f"provisional entities (not merged): {len(ids)}")
    chosen = random.Random(seed).sample(ids, min(size, len(ids)))
    rows = provisional.filter(id__in=chosen).annotate(n=Count("mentions")).order_by("id")
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(["id", "name", "kind", "mentions", "judgement", "reason"])
        for entity in rows:
            writer.writerow([entity.id, entity.name, entity.kind, entity.n, "", ""])
    print(f"{len(chosen)} drawn with seed {seed}, written to {out}")


def score(path: Path) -> None:
    rows = list(csv.DictReader(path.open(encoding="utf-8"), delimiter="\t"))
    judged = Counter(row["judgement"] or "unjudged" for row in rows)
    junk = judged["junk"]
    print(f"{len(rows)} entities: " + ", ".join(f"{k} {v}" for k, v in judged.most_common()))
    print(f"junk share {junk / len(rows):.3f} (target < 0.05)")
    reasons = Counter(row["reason"] for row in rows if row["judgement"] == "junk")
    for reason, n in reasons.most_common():
        print(f"  {n:3d}  {reason}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=100)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--out", type=Path, default=BASE / "bench" / "results" / "provisional_sample.tsv")
    parser.add_argument("--score", type=Path, default=None)
    args = parser.parse_args()
    if args.score:
        score(args.score)
    else:
        draw(args.size, args.seed, args.out)


if __name__ == "__main__":
    main()
