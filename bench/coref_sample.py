"""A random sample of the claims whose speaker was found through a pronoun or a descriptor,
for judging by hand whether the resolution is right (issue 14).

    .venv/bin/python bench/coref_sample.py [--via pronoun|descriptor] [--size 30] [--seed 14] [--out FILE]
    .venv/bin/python bench/coref_sample.py --score FILE

Runs against the configured database (DATABASE_URL) after `manage.py import_corpus`. Draws
`--size` claims with that `speaker_via` (ordered by id, `random.Random(seed).sample`) and
writes a TSV: claim id, the words the clause has ("er", "die Ministerin"), the entity they
were resolved to, and the text before them (400 characters), with an empty `judgement`
column to fill in: `right` (the words stand for that entity), `wrong`, or `unclear` (not
counted). `--score` prints the share of right ones among those judged right or wrong.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE))
sys.path.insert(0, str(BASE / "bench"))

from kb_coverage import setup_django  # noqa: E402  (the bench scripts start Django one way)


def score(path: Path) -> None:
    rows = list(csv.DictReader(path.open(encoding="utf-8"), delimiter="\t"))
    right = sum(r["judgement"] == "right" for r in rows)
    wrong = sum(r["judgement"] == "wrong" for r in rows)
    judged = right + wrong
    print(f"{len(rows)} resolutions: right {right}, wrong {wrong}, unclear {len(rows) - judged}")
    print(f"precision {right}/{judged} = {right / judged if judged else 0:.3f}  (target >= 0.85)")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--via", choices=["pronoun", "descriptor"], default="pronoun")
    parser.add_argument("--size", type=int, default=30)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--score", type=Path)
    args = parser.parse_args()
    if args.score:
        score(args.score)
        return
    setup_django()
    from events.models import Claim

    claims = Claim.objects.filter(speaker_via=args.via, speaker__isnull=False)
    ids = sorted(claims.values_list("id", flat=True))
    chosen = random.Random(args.seed).sample(ids, min(args.size, len(ids)))
    out = args.out or BASE / "bench" / "results" / f"coref_{args.via}.tsv"
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter="\t")
        writer.writerow(["claim", "words", "resolved_to", "context", "judgement", "reason"])
        for claim in claims.filter(id__in=chosen).select_related("speaker", "article").order_by("id"):
            text = claim.article.text
            end = claim.speaker_end or claim.start
            context = " ".join(text[max(0, end - 400) : end + 60].split())
            writer.writerow([claim.id, claim.speaker_text, claim.speaker.name, context, "", ""])
    print(
        f"{len(ids)} claims with speaker_via={args.via}; {len(chosen)} drawn with seed {args.seed}, written to {out}"
    )


if __name__ == "__main__":
    main()
