"""Events against a hand-judged gold list (issue 15): main-event recall, all-event recall,
precision, and how often a found event has the right actors, place and date.

    DATABASE_URL=... .venv/bin/python bench/events_heldout.py [--gold bench/data/events_heldout_judged.tsv] [--list]

The pages of the gold file are analysed as the portal analyses them (text and date as
`bench/kb_coverage.py` extracts them, the committed pipeline, the knowledge base of the
configured database). How the gold was made and what it holds: the gold file's README.

Matching: a detected event matches a gold event when both have the same type and the
detected trigger stands in a sentence where the gold event is reported (its trigger or one
of the "other mentions at …" of its note); each gold event takes at most one detected event,
so a second detection of the same happening counts against precision. A detection of a
negated, hypothetical or future-only gold event counts against precision too (the issue
wants no event or a marked one). Recall counts asserted gold events only; "main" the one
event per page that headline and lead are about. "any type" repeats the matching without
the type, to tell a missed happening from a mistyped one.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE))
sys.path.insert(0, str(BASE / "bench"))
GOLD = BASE / "bench" / "data" / "events_heldout_judged.tsv"
OTHER_MENTIONS = re.compile(r"other mentions? at ([\d, and]+)")


@dataclass
class GoldEvent:
    page: str
    number: int
    type: str
    main: bool
    positions: list[int]
    trigger: str
    actors: set[str]
    place: str
    date: str
    modality: str
    background: bool
    found: list[dict] = field(default_factory=list)


def read_gold(path: Path) -> list[GoldEvent]:
    rows = []
    for row in csv.DictReader(path.open(encoding="utf-8"), delimiter="\t"):
        note = row["note"]
        positions = [int(row["trigger_start"])]
        for match in OTHER_MENTIONS.finditer(note):
            positions += [int(n) for n in re.findall(r"\d+", match.group(1))]
        actors = {
            a.strip()
            for column in ("source", "target", "participants")
            for a in row[column].split(";")
            if a.strip()
        }
        rows.append(
            GoldEvent(
                page=row["page"],
                number=int(row["event"]),
                type=row["type"],
                main=row["main"] == "1",
                positions=positions,
                trigger=row["trigger_text"],
                actors=actors,
                place=row["place"].strip(),
                date=row["date"].strip(),
                modality=row["modality"].strip() or "asserted",
                background=note.lower().startswith("background"),
            )
        )
    return rows


def fold(name: str) -> str:
    return " ".join(name.split()).casefold()


def detect(texts: dict[str, tuple[str, str | None]]) -> dict[str, dict]:
    """Per page: the sentences' character spans and the detected events, actors and place as
    (key or None, name) pairs."""
    from events.analysis.pipeline import analyze_text
    from events.kb.loader import get_kb
    from events.models import Entity

    kb = get_kb()
    out = {}
    for page, (text, day) in texts.items():
        analysis = analyze_text(text, kb, date.fromisoformat(day) if day else None)
        ids = {e for ev in analysis.events for e, _ in ev.actors} | {
            ev.place_entity_id for ev in analysis.events if ev.place_entity_id
        }
        keys = {e.id: (e.key, e.name) for e in Entity.objects.filter(id__in=ids)}
        events = []
        for ev in analysis.events:
            events.append(
                {
                    "type": ev.type,
                    "trigger": ev.trigger,
                    "sentences": set(ev.sentence_indexes)
                    or {_sentence_at(analysis.sentences, ev.trigger[0])},
                    "actors": [
                        (keys.get(e, (None, ""))[0], keys.get(e, (None, ""))[1], role)
                        for e, role in ev.actors
                    ],
                    "place": keys.get(ev.place_entity_id) if ev.place_entity_id else None,
                    "date": ev.date.isoformat() if ev.date else "",
                    "precision": ev.date_precision or "",
                    "title": ev.title,
                }
            )
        out[page] = {"sentences": analysis.sentences, "events": events}
    return out


def _sentence_at(sentences: list[list[int]], at: int) -> int:
    return next((i for i, (start, end) in enumerate(sentences) if start <= at < end), -1)


def match(gold: list[GoldEvent], detected: dict[str, dict], regions: dict[str, int], typed: bool) -> dict:
    """One-to-one matching per page; returns counts and the unmatched detections."""
    for g in gold:
        g.found = []
    correct, wrong, spurious = 0, 0, []
    for page, found in detected.items():
        sentences = found["sentences"]
        candidates = [g for g in gold if g.page == page]
        for ev in found["events"]:
            if ev["trigger"][0] >= regions[page]:
                continue  # beyond the judged part of a long page
            target = next(
                (
                    g
                    for g in candidates
                    if not g.found
                    and (not typed or g.type == ev["type"])
                    and {_sentence_at(sentences, p) for p in g.positions} & ev["sentences"]
                ),
                None,
            )
            if target is None:
                wrong += 1
                spurious.append((page, ev))
                continue
            target.found.append(ev)
            if target.modality == "asserted":
                correct += 1
            else:
                wrong += 1
                spurious.append((page, ev))
    return {"correct": correct, "wrong": wrong, "spurious": spurious}


def actor_right(g: GoldEvent, ev: dict) -> bool:
    """Every actor the gold names is among the detected ones, and nothing else is."""
    found = {key or fold(name) for key, name, _ in ev["actors"]}
    wanted = {a if ":" in a else fold(a) for a in g.actors}
    return found == wanted


def place_right(g: GoldEvent, ev: dict) -> bool:
    if not g.place:
        return ev["place"] is None
    if ev["place"] is None:
        return False
    key, name = ev["place"]
    return g.place in (key, name) or fold(g.place) == fold(name)


def date_right(g: GoldEvent, ev: dict) -> bool:
    if not g.date:
        return not ev["date"]
    return bool(ev["date"]) and ev["date"].startswith(g.date) if len(g.date) < 10 else ev["date"] == g.date


def report(gold: list[GoldEvent], result: dict, any_type: dict, any_found: int) -> dict:
    asserted = [g for g in gold if g.modality == "asserted"]
    current = [g for g in asserted if not g.background]
    main = [g for g in asserted if g.main]
    detections = result["correct"] + result["wrong"]

    def share(hits: int, total: int) -> str:
        return f"{hits}/{total} = {hits / total:.3f}" if total else "0/0"

    matched = [g for g in asserted if g.found]
    figures = {
        "gold_events": len(gold),
        "asserted": len(asserted),
        "main_recall": sum(1 for g in main if g.found) / len(main) if main else 0.0,
        "all_recall": len(matched) / len(asserted) if asserted else 0.0,
        "recall_without_background": sum(1 for g in current if g.found) / len(current) if current else 0.0,
        "precision": result["correct"] / detections if detections else 0.0,
        "detections": detections,
    }
    print(
        f"pages {len({g.page for g in gold})}, gold events {len(gold)} ({len(asserted)} asserted, {len(main)} main)"
    )
    print(f"main-event recall        {share(sum(1 for g in main if g.found), len(main))}  (target >= 0.75)")
    print(f"all-event recall         {share(len(matched), len(asserted))}  (target >= 0.50)")
    print(f"  without background     {share(sum(1 for g in current if g.found), len(current))}")
    print(f"precision                {share(result['correct'], detections)}  (target >= 0.75)")
    print(
        f"any type: recall {share(any_found, len(asserted))}; "
        f"precision {share(any_type['correct'], any_type['correct'] + any_type['wrong'])}"
    )
    return figures


def quality(gold: list[GoldEvent]) -> dict:
    matched = [(g, g.found[0]) for g in gold if g.found and g.modality == "asserted"]
    if not matched:
        return {}
    actors = sum(actor_right(g, ev) for g, ev in matched)
    places = sum(place_right(g, ev) for g, ev in matched)
    dates = sum(date_right(g, ev) for g, ev in matched)
    whole = sum(actor_right(g, ev) and place_right(g, ev) for g, ev in matched)
    n = len(matched)
    print(
        f"of {n} found: actors right {actors} ({actors / n:.2f}), place right {places} ({places / n:.2f}), "
        f"date right {dates} ({dates / n:.2f}), actors and place right {whole} ({whole / n:.2f})"
    )
    return {
        "found": n,
        "actors_right": actors,
        "place_right": places,
        "date_right": dates,
        "all_right": whole,
    }


def listing(gold: list[GoldEvent], result: dict) -> None:
    print("\ngold events not found (asserted):")
    for g in gold:
        if g.modality == "asserted" and not g.found:
            print(
                f"  {g.page} #{g.number} {g.type}{' MAIN' if g.main else ''} '{g.trigger}' at {g.positions[0]}"
            )
    print("\nfound, but actors or place differ (gold | found):")
    for g in gold:
        if g.modality != "asserted" or not g.found:
            continue
        ev = g.found[0]
        if not (actor_right(g, ev) and place_right(g, ev)):
            found = sorted(key or name for key, name, _ in ev["actors"])
            place = ev["place"][0] if ev["place"] else ""
            print(
                f"  {g.page} #{g.number} {g.type}: {sorted(g.actors)} {g.place or '-'} | {found} {place or '-'}"
            )
    print("\ndetections that match no asserted gold event:")
    for page, ev in result["spurious"]:
        print(f"  {page} {ev['type']} '{ev['trigger'][2]}' at {ev['trigger'][0]}: {ev['title']}")


def main() -> None:
    from kb_coverage import judged_texts, setup_django

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--gold", type=Path, default=GOLD)
    parser.add_argument("--list", action="store_true", help="list missed gold events and wrong detections")
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    args = parser.parse_args()
    setup_django()
    gold = read_gold(args.gold)
    pages = sorted({g.page for g in gold})
    texts, regions = judged_texts(args.gold, pages)
    detected = detect(texts)
    typed = match(gold, detected, regions, typed=True)
    found_typed = {id(g): list(g.found) for g in gold}
    any_type = match(gold, detected, regions, typed=False)
    any_found = sum(1 for g in gold if g.found and g.modality == "asserted")
    for g in gold:
        g.found = found_typed[id(g)]
    figures = report(gold, typed, any_type, any_found)
    figures.update(quality(gold))
    if args.list:
        listing(gold, typed)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
