"""Claims against a hand-judged gold list (issue 14): precision, correctly attributed recall,
and how well pronouns and descriptors were resolved.

    .venv/bin/python bench/claims_heldout.py [--gold bench/data/claims_heldout_judged.tsv] [--list]

The gold file lists every claim of its pages (bench/data/claims_heldout_README.md: how the
pages were chosen and judged). The pages' texts are extracted as bench/kb_coverage.py does
and analysed by `events.analysis.pipeline.analyze_text` with the knowledge base of the
configured database (DATABASE_URL). It imports the code of the checkout it sits in.

Matching: a system claim pairs with the gold claim whose cue it overlaps (gold rows without
a cue: whose content it overlaps most), one to one, in text order.

- **precision**: paired system claims / all system claims (a claim on a headline that
  repeats a body claim pairs with that headline's gold row, which says `dup_of`).
- **attributed recall**: gold claims (without the `dup_of` rows) whose paired claim names
  the right speaker: the gold speaker's name and the system's speaker (its entity's name, or
  the words it was resolved from) share the last word ("Bjarni Benediktsson" ~
  "Benediktsson"), or, where the gold says no speaker, the system gives none either (a source
  alone is no speaker).
- **pronoun / descriptor precision**: of the paired claims whose gold speaker came from a
  pronoun (or a descriptor) and that the system resolved to someone, the share resolved to
  the right one.
"""

from __future__ import annotations

import argparse
import csv
import sys
import unicodedata
from collections import Counter
from datetime import date
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE))
sys.path.insert(0, str(BASE / "bench"))
GOLD = BASE / "bench" / "data" / "claims_heldout_judged.tsv"


def words(text: str) -> list[str]:
    # Without diacritics: a name judged as "Gudni Johannesson" is the knowledge base's
    # "Guðni Th. Jóhannesson".
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    plain = plain.replace("ð", "d").replace("Ð", "D")
    return [w.strip(".,;:()„“\"'»«").casefold() for w in plain.replace("-", " ").split() if w.strip()]


def same_speaker(gold: str, system: str) -> bool:
    g, s = words(gold), words(system)
    return bool(g and s) and (g[-1] in s or s[-1] in g)


def overlap(a0: int, a1: int, b0: int, b1: int) -> int:
    return max(0, min(a1, b1) - max(a0, b0))


def read_gold(path: Path) -> list[dict]:
    rows = list(csv.DictReader(path.open(encoding="utf-8"), delimiter="\t"))
    for row in rows:
        for key in ("cue_start", "cue_end", "content_start", "content_end"):
            row[key] = int(row[key]) if row[key] else None
        row["dup"] = "dup_of=" in row["note"]
    return rows


def system_speaker(claim, kb) -> str:
    """The name the system gives the speaker: its entity's, else its words."""
    ref = claim.speaker
    if ref is None:
        return ""
    if ref.entity_id and ref.entity_id in kb.entities:
        return kb.info(ref.entity_id).name
    # getattr: the code before issue 14, measured with this script, has no antecedents.
    return getattr(ref, "antecedent_text", "") or ref.text


def pair(gold: list[dict], claims: list) -> dict[int, int]:
    """gold index -> claim index."""
    pairs, used = {}, set()
    for gi, g in enumerate(gold):
        best, best_score = None, 0
        for ci, c in enumerate(claims):
            if ci in used:
                continue
            if g["cue_start"] is not None:
                score = overlap(g["cue_start"], g["cue_end"], c.cue_start, c.cue_end) * 1000
                if not score and c.content is not None and g["content_start"] is not None:
                    # a cue judged elsewhere ("sagte" vs the colon): the same content
                    o = overlap(g["content_start"], g["content_end"], c.content.start, c.content.end)
                    score = o if o * 2 > g["content_end"] - g["content_start"] else 0
            else:
                score = (
                    overlap(g["content_start"], g["content_end"], c.content.start, c.content.end)
                    if c.content is not None
                    else 0
                )
            if score > best_score:
                best, best_score = ci, score
        if best is not None:
            pairs[gi] = best
            used.add(best)
    return pairs


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--gold", type=Path, default=GOLD)
    parser.add_argument("--list", action="store_true", help="print every gold claim and what the system did")
    args = parser.parse_args()
    import kb_coverage

    kb_coverage.setup_django()
    from events.analysis.pipeline import analyze_text
    from events.kb.loader import get_kb

    kb = get_kb()
    gold = read_gold(args.gold)
    pages = sorted({g["page"] for g in gold})
    texts = kb_coverage.page_texts(pages)
    totals = Counter()
    for page in pages:
        text, day = texts[page]
        analysis = analyze_text(text, kb, date.fromisoformat(day[:10]) if day else None)
        claims = analysis.claims
        rows = [g for g in gold if g["page"] == page]
        pairs = pair(rows, claims)
        totals["system"] += len(claims)
        totals["paired"] += len(pairs)
        for gi, g in enumerate(rows):
            c = claims[pairs[gi]] if gi in pairs else None
            said = system_speaker(c, kb) if c else ""
            if g["dup"]:
                continue
            totals["gold"] += 1
            right = c is not None and (
                same_speaker(g["speaker_name"], said) if g["speaker_name"] else c.speaker is None
            )
            totals["attributed"] += right
            via = g["speaker_via"]
            if via in ("pronoun", "descriptor") and c is not None and c.speaker is not None and said:
                resolved = c.speaker.entity_id is not None or getattr(c.speaker, "antecedent_text", "")
                if resolved:
                    totals[f"{via} resolved"] += 1
                    totals[f"{via} right"] += same_speaker(g["speaker_name"], said)
            if args.list:
                mark = "ok " if right else ("-- " if c is None else "xx ")
                print(
                    f"{mark}{page} {g['cue_text']!r:14} gold {g['speaker_name'] or 'ohne Sprecher'!r} "
                    f"({via}); system {said or ('ohne Sprecher' if c else 'missed')!r}"
                )
        if args.list:
            for ci, c in enumerate(claims):
                if ci not in pairs.values():
                    print(
                        f"++ {page} extra claim: cue {c.cue!r} speaker {system_speaker(c, kb)!r} "
                        f"content {c.content.text[:60] if c.content else ''!r}"
                    )
    precision = totals["paired"] / totals["system"] if totals["system"] else 0.0
    recall = totals["attributed"] / totals["gold"] if totals["gold"] else 0.0
    print(
        f"pages {len(pages)}, gold claims {totals['gold']} (+{sum(g['dup'] for g in gold)} repeated headlines)"
    )
    print(f"precision            {totals['paired']}/{totals['system']} = {precision:.3f}  (target >= 0.75)")
    print(f"attributed recall    {totals['attributed']}/{totals['gold']} = {recall:.3f}  (target >= 0.70)")
    for via in ("pronoun", "descriptor"):
        n, ok = totals[f"{via} resolved"], totals[f"{via} right"]
        print(f"{via:<10} precision {ok}/{n} = {ok / n if n else 0:.3f}  (target >= 0.85)")


if __name__ == "__main__":
    main()
