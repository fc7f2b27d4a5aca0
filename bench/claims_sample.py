"""A random sample of all stored claims, for judging by hand as an analyst reads the claims
list (issue 14): is it a claim, and does it name the right speaker?

    .venv/bin/python bench/claims_sample.py [--size 50] [--seed 14] [--exclude FILE ...] [--out FILE]
    .venv/bin/python bench/claims_sample.py --score FILE [FILE ...]

Runs against the configured database (DATABASE_URL) after `manage.py import_corpus`. Draws
`--size` claims (ordered by article title and position, `random.Random(seed).sample`),
leaving out claims whose (article title, cue, content start) is in an earlier sample
(`--exclude`), and writes a TSV: claim id, what the claims list shows (speaker as shown,
the entity it links to, the words it was resolved from, source, kind, mood, cue, content),
the article's title, and the text around the claim (the sentence before, the claim's
sentences and the one after). Columns left empty for the judge:

- ``is_claim``: yes (someone in the text states, reports or asks this), no;
- ``speaker_ok`` (only for ``is_claim`` yes): yes when the shown speaker (or source, for a
  claim passed on by an outlet) is who the text says said it, or when the text names nobody
  and the claim says "ohne Sprecher"; no otherwise;
- ``content_ok``: yes when the content is what was said (not cut in the middle of the
  statement, not the reporter's own words);
- ``note``.

`--score` prints precision (is_claim), attribution among the claims, and claims both right
and rightly attributed, over the files given.
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

COLUMNS = [
    "claim", "article_title", "kind", "mood", "cue", "speaker_shown", "speaker_entity", "speaker_via",
    "speaker_words", "source", "content", "context", "is_claim", "speaker_ok", "content_ok", "note",
]  # fmt: skip


def read(paths: list[Path]) -> list[dict]:
    rows = []
    for path in paths:
        rows += list(csv.DictReader(path.open(encoding="utf-8"), delimiter="\t"))
    return rows


def score(paths: list[Path]) -> None:
    rows = read(paths)
    judged = [r for r in rows if r["is_claim"] in ("yes", "no")]
    claims = [r for r in judged if r["is_claim"] == "yes"]
    attributed = [r for r in claims if r["speaker_ok"] == "yes"]
    whole = [r for r in attributed if r["content_ok"] == "yes"]
    print(f"{len(rows)} rows, {len(judged)} judged")
    print(f"claim precision        {len(claims)}/{len(judged)} = {len(claims) / max(1, len(judged)):.3f}")
    print(
        f"speaker right (claims) {len(attributed)}/{len(claims)} = {len(attributed) / max(1, len(claims)):.3f}"
    )
    print(
        f"right and attributed   {len(attributed)}/{len(judged)} = {len(attributed) / max(1, len(judged)):.3f}"
    )
    print(f"  ... and content too  {len(whole)}/{len(judged)} = {len(whole) / max(1, len(judged)):.3f}")


def _context(text: str, start: int, end: int) -> str:
    """From the start of the sentence before the claim to the end of the sentence after it."""
    a = start
    for _ in range(2):
        a = max(text.rfind(". ", 0, max(0, a - 2)), text.rfind("\n", 0, max(0, a - 2)))
        if a < 0:
            a = 0
            break
    b = end
    for _ in range(2):
        nxt = min((p for p in (text.find(". ", b + 1), text.find("\n", b + 1)) if p >= 0), default=-1)
        if nxt < 0:
            b = len(text)
            break
        b = nxt
    return " ".join(text[a : b + 1].split())[:2500]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=50)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--exclude", type=Path, nargs="*", default=[])
    parser.add_argument("--out", type=Path)
    parser.add_argument("--score", type=Path, nargs="*")
    args = parser.parse_args()
    if args.score:
        score(args.score)
        return
    setup_django()
    from events.models import Claim

    seen = {(r["article_title"], r["cue"], r["content"][:60]) for r in read(args.exclude)}
    claims = list(
        Claim.objects.select_related("article", "speaker", "source").order_by("article__title", "start", "id")
    )
    pool = [c for c in claims if (c.article.title, c.cue, c.content[:60]) not in seen]
    chosen = random.Random(args.seed).sample(pool, min(args.size, len(pool)))
    out = args.out or BASE / "bench" / "results" / "claims_sample.tsv"
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter="\t")
        writer.writerow(COLUMNS)
        for claim in chosen:
            text = claim.article.text
            shown = claim.speaker.name if claim.speaker else claim.speaker_text or ""
            if not shown and claim.source is None:
                shown = "ohne Sprecher"
            writer.writerow(
                [
                    claim.id, claim.article.title, claim.kind, claim.mood, claim.cue, shown,
                    claim.speaker.name if claim.speaker else "", claim.speaker_via, claim.speaker_text,
                    claim.source.name if claim.source else claim.source_text, " ".join(claim.content.split()),
                    _context(text, claim.start, claim.end), "", "", "", "",
                ]
            )  # fmt: skip
    print(
        f"{len(claims)} claims, {len(pool)} not in earlier samples; {len(chosen)} drawn with seed {args.seed} -> {out}"
    )


if __name__ == "__main__":
    main()
