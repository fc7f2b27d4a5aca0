"""Two versions of the claims on the same passages, for judging side by side (issue 14).

    .venv/bin/python bench/claims_paired.py --old-db URL --new-db URL [--changed] [--size 60] [--seed 14] --out FILE
    .venv/bin/python bench/claims_paired.py --score FILE

Both databases hold `manage.py import_corpus` of the same corpus, analysed by two versions of
the code. Passages are drawn at random (`random.Random(seed)`) from the claims of both, half
from each, so that claims only one version finds are drawn as often as shared ones: a passage
is the span of the drawn claim. With `--changed`, only passages where the two versions show
something different are drawn: which version is right where the change acts. Each row shows the text around the passage and, for each
version, every claim that overlaps it (cue, speaker as the claims list shows it, content),
as "A" and "B" in an order drawn per row, so the judge cannot tell which version is which.
The file keeps the key (`a_is`). Columns left for the judge, for each of A and B:

- ``a_right`` / ``b_right``: how many of the listed claims are claims with the right speaker
  ("ohne Sprecher" right only when the text names nobody);
- ``a_wrong`` / ``b_wrong``: how many are not claims or name a wrong speaker;
- ``better``: A, B or same.

`--score` turns the key back: right and wrong claims of each version, and how often each was
judged better.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from pathlib import Path

import psycopg2

BASE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE / "bench"))

from claims_sample import _context  # noqa: E402  (the same text window as the single samples)

QUERY = """
    select a.url, a.text, c.start, c."end", c.cue, coalesce(e.name, nullif(c.speaker_text, ''),
           case when s.name is not null or c.source_text <> '' then '' else 'ohne Sprecher' end),
           coalesce(s.name, c.source_text), c.content
    from events_claim c join ingest_article a on a.id = c.article_id
    left join events_entity e on e.id = c.speaker_id left join events_entity s on s.id = c.source_id
"""
COLUMNS = [
    "row",
    "a_is",
    "context",
    "a_claims",
    "b_claims",
    "a_right",
    "a_wrong",
    "b_right",
    "b_wrong",
    "better",
    "note",
]


def load(url: str) -> tuple[dict[str, str], dict[str, list[tuple]]]:
    with psycopg2.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute(QUERY)
        texts, claims = {}, {}
        for address, text, start, end, cue, speaker, source, content in cursor.fetchall():
            texts[address] = text
            claims.setdefault(address, []).append((start, end, cue, speaker, source, content))
    return texts, claims


def shown(claims: list[tuple], start: int, end: int) -> str:
    found = sorted(c for c in claims if c[0] < end and start < c[1])
    if not found:
        return "(no claim)"
    lines = []
    for _s, _e, cue, speaker, source, content in found:
        who = speaker + (f" (source: {source})" if source else "")
        lines.append(f"[cue: {cue}] [speaker: {who or 'ohne Sprecher'}] {' '.join(content.split())}")
    return " || ".join(lines)


def score(path: Path) -> None:
    rows = [r for r in csv.DictReader(path.open(encoding="utf-8"), delimiter="\t") if r["better"]]
    totals = {"old": [0, 0, 0], "new": [0, 0, 0]}
    same = 0
    for row in rows:
        versions = {"a": row["a_is"], "b": "new" if row["a_is"] == "old" else "old"}
        for side, version in versions.items():
            totals[version][0] += int(row[f"{side}_right"] or 0)
            totals[version][1] += int(row[f"{side}_wrong"] or 0)
        if row["better"].lower() == "same":
            same += 1
        else:
            totals[versions[row["better"].lower()]][2] += 1
    print(f"{len(rows)} passages judged")
    for version, (right, wrong, better) in totals.items():
        share = right / (right + wrong) if right + wrong else 0.0
        print(f"{version}: right {right}, wrong {wrong} (right share {share:.3f}); judged better in {better}")
    print(f"same: {same}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--old-db")
    parser.add_argument("--new-db")
    parser.add_argument("--size", type=int, default=60)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--score", type=Path)
    parser.add_argument("--changed", action="store_true", help="only passages where the versions differ")
    args = parser.parse_args()
    if args.score:
        score(args.score)
        return
    old_texts, old = load(args.old_db)
    new_texts, new = load(args.new_db)
    rng = random.Random(args.seed)
    shared = sorted(a for a in old if a in new and old_texts[a] == new_texts.get(a))
    pools = {
        "old": [(a, c) for a in shared for c in sorted(old[a])],
        "new": [(a, c) for a in shared for c in sorted(new[a])],
    }
    if args.changed:
        # only where the versions differ: which of them is right where the change acts
        for version, pool in pools.items():
            pools[version] = [
                (a, c) for a, c in pool if shown(old[a], c[0], c[1]) != shown(new[a], c[0], c[1])
            ]
    drawn = rng.sample(pools["old"], args.size // 2) + rng.sample(pools["new"], args.size - args.size // 2)
    rng.shuffle(drawn)
    with args.out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter="\t")
        writer.writerow(COLUMNS)
        for number, (address, claim) in enumerate(drawn, 1):
            start, end = claim[0], claim[1]
            a_is = rng.choice(["old", "new"])
            first, second = (old, new) if a_is == "old" else (new, old)
            writer.writerow(
                [number, a_is, _context(old_texts[address], start, end),
                 shown(first[address], start, end), shown(second[address], start, end), "", "", "", "", "", ""]
            )  # fmt: skip
    print(f"{len(shared)} articles in both; {len(drawn)} passages drawn with seed {args.seed} -> {args.out}")


if __name__ == "__main__":
    main()
