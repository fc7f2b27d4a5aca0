"""Knowledge-base coverage on hand-judged politics pages (issue 13): how many name mentions
the configured code links to the right entity.

    .venv/bin/python bench/kb_coverage.py [--gold bench/data/kb_coverage_judged.tsv] [--list]

Runs `manage.py analyze_text` (the public contract of ../shared/DESIGN.md, the same analysis
the portal stores) on the pages of the gold file: saved HTML pages of ../shared/corpus/html
are extracted with Lagebild's extractor first (date: the page's own, else the manifest's, as
`import_corpus` does); 10kGNAD ids are the texts of corpus/text/10kGNAD_test.jsonl (no date).
Entity keys and the provisional flag come from the configured database (DATABASE_URL), which
must hold the knowledge base (`manage.py seed` / `make setup`). It imports the code of the
checkout it sits in: to measure another version, run that checkout's copy of this script. How gold and system are
matched and what (a), (b), (c) mean: bench/data/kb_coverage_README.md.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE))
SHARED = BASE.parent / "shared"
GOLD = BASE / "bench" / "data" / "kb_coverage_judged.tsv"
OPTIONAL = "optional"


@dataclass
class Gold:
    page: str
    start: int
    end: int
    text: str
    kind: str
    keys: set[str]
    names: list[str]
    not_keys: set[str]
    counted: bool
    found: list[dict] = field(default_factory=list)


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    from portal import embedded

    embedded.autostart()
    import django

    django.setup()


def fold(name: str) -> str:
    return " ".join(name.replace("\u00a0", " ").split()).casefold()


def read_gold(path: Path) -> list[Gold]:
    rows = []
    for row in csv.DictReader(path.open(encoding="utf-8"), delimiter="\t"):
        note = row["note"]
        # "not in KB; not org:gruene": a knowledge-base entity of that name is a different one.
        not_keys = {
            part.strip()[4:] for part in note.split(";") if part.strip().startswith("not ") and ":" in part
        }
        rows.append(
            Gold(
                page=row["page"],
                start=int(row["start"]),
                end=int(row["end"]),
                text=row["text"],
                kind=row["kind"],
                keys={k for k in row["gold_entity_key"].split("|") if k},
                names=[n for n in row["gold_name"].split("|") if n],
                not_keys=not_keys,
                counted=not note.startswith(OPTIONAL),
            )
        )
    return rows


def page_texts(pages: list[str]) -> dict[str, tuple[str, str | None]]:
    """The text the portal stores for each page and its date (ISO) or None."""
    from ingest.decoding import decode_html
    from ingest.extraction import extract_document

    manifest = json.loads((SHARED / "corpus" / "html" / "manifest.json").read_text(encoding="utf-8"))
    dates = {p["id"]: p.get("article_date") for p in manifest["pages"]}
    texts = {}
    wanted = set(pages)
    for line in (SHARED / "corpus" / "text" / "10kGNAD_test.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            if record["id"] in wanted:
                texts[record["id"]] = (record["text"], None)
    for page in wanted - set(texts):
        html, _ = decode_html((SHARED / "corpus" / "html" / f"{page}.html").read_bytes(), None)
        article = extract_document(html)
        day = article.published.date().isoformat() if article.published else dates.get(page)
        texts[page] = (article.text, day)
    return texts


def realign(gold: list[Gold], texts: dict[str, tuple[str, str | None]]) -> int:
    """A later extractor may shift a page's text: move each gold span to the nearest
    occurrence of its words. Returns how many moved; exits when a span is lost."""
    moved = 0
    for g in gold:
        text = texts[g.page][0]
        if text[g.start : g.end] == g.text:
            continue
        hits, at = [], text.find(g.text)
        while at != -1:
            hits.append(at)
            at = text.find(g.text, at + 1)
        if not hits:
            sys.exit(f"{g.page}: '{g.text}' at {g.start} is not in the extracted text any more")
        best = min(hits, key=lambda h: abs(h - g.start))
        g.start, g.end = best, best + len(g.text)
        moved += 1
    return moved


def analyse(texts: dict[str, tuple[str, str | None]]) -> dict[str, list[dict]]:
    from django.core.management import call_command

    with tempfile.TemporaryDirectory() as tmp:
        src, dst = Path(tmp) / "in.jsonl", Path(tmp) / "out.jsonl"
        with src.open("w", encoding="utf-8") as handle:
            for page, (text, day) in texts.items():
                record = {"id": page, "text": text}
                if day:
                    record["published"] = day
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        call_command("analyze_text", input=str(src), output=str(dst))
        out = {}
        for line in dst.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            out[record["id"]] = record["entities"]
        return out


def describe(entities: dict[str, list[dict]]) -> None:
    """Adds key, provisional and the names (name + aliases) from the database to each entity."""
    from events.models import Entity

    ids = {e["entity_id"] for ents in entities.values() for e in ents if e.get("entity_id")}
    info = {}
    for entity in Entity.objects.filter(id__in=ids).prefetch_related("aliases"):
        names = {fold(entity.name)} | {fold(a.text) for a in entity.aliases.all()}
        info[entity.id] = (entity.key, entity.provisional, entity.name, names)
    for ents in entities.values():
        for e in ents:
            if e.get("entity_id") and e["entity_id"] in info:
                key, provisional, name, names = info[e["entity_id"]]
                e["_key"], e["_names"] = key, names
                e["_provisional"] = bool(e.get("provisional", provisional))
                e["_name"] = e.get("name") or name
            else:
                # Not linked: the portal files it under a provisional entity. Newer code names
                # it in the output ("name"); older code named it after the surface text.
                e["_key"], e["_names"] = None, set()
                e["_provisional"] = True
                e["_name"] = e.get("name") or e["text"]


def kb_correct(g: Gold, e: dict) -> bool:
    if e["_provisional"] or not e["_key"]:
        return False
    if g.keys:
        return e["_key"] in g.keys
    # Not in the knowledge base when judged: a later entity is right when it carries the name.
    return e["_key"] not in g.not_keys and any(fold(n) in e["_names"] for n in g.names)


# The kinds a provisional entity may have for a gold mention of each kind: a town filed as a
# person ("Grünwald") is not a correctly named provisional entity.
PROVISIONAL_KINDS = {
    "person": {"person"},
    "organization": {"organization"},
    "place": {"place", "country"},
    "country": {"country", "place"},
    "adjective": {"country", "place"},
}


def provisional_correct(g: Gold, e: dict) -> bool:
    if g.keys or not e["_provisional"] or fold(e["_name"]) not in {fold(n) for n in g.names}:
        return False
    kind = e.get("kind")
    return not kind or kind in PROVISIONAL_KINDS.get(g.kind, {kind})


def score(gold: list[Gold], entities: dict[str, list[dict]], regions: dict[str, int], listing: bool) -> dict:
    by_page = defaultdict(list)
    for g in gold:
        by_page[g.page].append(g)
    links, wrong_links, stray = 0, 0, []
    for page, ents in entities.items():
        for e in ents:
            if e["start"] >= regions[page]:
                continue  # beyond the judged part of a long page
            overlaps = [(min(e["end"], g.end) - max(e["start"], g.start), -g.start, g) for g in by_page[page]]
            overlaps = [o for o in overlaps if o[0] > 0]
            target = max(overlaps, key=lambda o: o[:2])[2] if overlaps else None
            if target:
                target.found.append(e)
            if e["_provisional"] or not e["_key"]:
                continue
            links += 1
            if target is None or not kb_correct(target, e):
                wrong_links += 1
                stray.append((page, e, target))
    counted = [g for g in gold if g.counted]
    a = sum(1 for g in counted if any(kb_correct(g, e) for e in g.found))
    b = sum(1 for g in counted if any(kb_correct(g, e) or provisional_correct(g, e) for e in g.found))
    result = {
        "pages": len(entities),
        "gold_mentions": len(counted),
        "gold_in_kb_when_judged": sum(1 for g in counted if g.keys),
        "a_linked_correct_kb": a / len(counted),
        "b_kb_or_named_provisional": b / len(counted),
        "c_link_precision": (links - wrong_links) / links if links else 0.0,
        "kb_links": links,
        "wrong_kb_links": wrong_links,
    }
    print(
        f"pages {result['pages']}, gold mentions {len(counted)} ({result['gold_in_kb_when_judged']} in the KB when judged)"
    )
    print(
        f"(a) linked to the correct KB entity            {a}/{len(counted)} = {result['a_linked_correct_kb']:.3f}  (target >= 0.80)"
    )
    print(
        f"(b) correct KB entity or named provisional     {b}/{len(counted)} = {result['b_kb_or_named_provisional']:.3f}  (target >= 0.92)"
    )
    print(
        f"(c) precision of KB links                      {links - wrong_links}/{links} = {result['c_link_precision']:.3f}  (target >= 0.95)"
    )
    print("\nwrong KB links (gold span they overlap, or none):")
    for page, e, target in stray:
        gold_text = (
            f"gold '{target.text}' -> {'|'.join(target.keys) or '|'.join(target.names)}"
            if target
            else "no gold span"
        )
        print(f"  {page} {e['start']} '{e['text']}' -> {e['_key']} ({e['_name']}); {gold_text}")
    if listing:
        print("\ngold mentions not linked to the correct KB entity:")
        for g in counted:
            if not any(kb_correct(g, e) for e in g.found):
                got = (
                    "; ".join(
                        f"'{e['text']}' -> {e['_key'] or 'unlinked'} ({e['_name']}{', provisional' if e['_provisional'] else ''})"
                        for e in g.found
                    )
                    or "nothing"
                )
                ok = " [named provisional ok]" if any(provisional_correct(g, e) for e in g.found) else ""
                print(f"  {g.page} {g.start} '{g.text}' gold {'|'.join(g.keys) or g.names[0]}: {got}{ok}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--gold", type=Path, default=GOLD)
    parser.add_argument("--list", action="store_true", help="also list every gold mention missed")
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    args = parser.parse_args()
    setup_django()
    gold = read_gold(args.gold)
    pages = sorted({g.page for g in gold})
    # The judged part of a page ends at its last judged sentence; see the README for each end.
    texts, regions = judged_texts(args.gold, pages)
    moved = realign(gold, texts)
    if moved:
        print(f"{moved} gold spans moved to the re-extracted text")
    entities = analyse(texts)
    describe(entities)
    result = score(gold, entities, regions, args.list)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")


def judged_texts(gold: Path, pages: list[str]) -> tuple[dict[str, tuple[str, str | None]], dict[str, int]]:
    """The pages' texts and dates, and where the judged part of each ends (from the gold
    file's README: x_judged.tsv -> x_README.md)."""
    texts = page_texts(pages)
    return texts, read_regions(gold.with_name(gold.name.replace("_judged.tsv", "_README.md")), texts)


def read_regions(readme: Path, texts: dict[str, tuple[str, str | None]]) -> dict[str, int]:
    """Long pages were judged up to a sentence: the README's table `| page | judged up to | ...`
    gives the last judged words, so the limit survives a shifted extraction."""
    regions = {page: len(text) for page, (text, _) in texts.items()}
    for line in readme.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and cells[0] in regions and cells[2].startswith("…"):
            tail = cells[2].strip("…` ")
            at = texts[cells[0]][0].find(tail)
            if at == -1:
                sys.exit(f"{cells[0]}: the end of the judged part ('{tail}') is not in the text")
            regions[cells[0]] = at + len(tail)
    return regions


if __name__ == "__main__":
    main()
