"""`manage.py analyze_text --input IN.jsonl --output OUT.jsonl` (DESIGN.md contract).

Each input line: {"id": ..., "text": ..., "published": optional ISO date}. Each output
line: id, entities (linked to the knowledge base; `provisional` says whether the entity
waits for an editor, and an unknown name carries the provisional entity the portal would
file it under), claims and events. Nothing is stored.
"""

import contextlib
import json
import sys
import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from events.analysis.pipeline import analyze_text
from events.kb.loader import get_kb
from events.services.analysis import provisional_filing


def entity_record(mention, kb, filed=None) -> dict:
    """One entity of the output. `filed(name, kind)` says where the portal would file an
    unknown name: (the existing provisional entity or None, the name it carries)."""
    info = kb.entities.get(mention.entity_id) if mention.entity_id else None
    kind = mention.new_entity_kind or mention.held_kind
    if info is None and kind:
        # Not in the knowledge base: the portal would store it as a provisional entity, or,
        # for a name held back (named once), only under one an earlier article filed.
        surface = mention.provisional_name or mention.text
        existing, name = filed(surface, kind) if filed else (None, surface)
        record = {
            "entity_id": existing.pk if existing else None,
            "name": name,
            "kind": existing.kind if existing else kind,
            "provisional": existing.provisional if existing else True,
            # Beyond the contract: False when the portal would keep the name as a mention only.
            "filed": bool(existing) or bool(mention.new_entity_kind),
        }
    else:
        record = {
            "entity_id": info.id if info else None,
            "name": info.name if info else None,
            "kind": info.kind if info else None,
            "provisional": info.provisional if info else False,
        }
    is_place = info is not None and info.kind in ("place", "country")
    return {
        "start": mention.start,
        "end": mention.end,
        "text": mention.text,
        "label": mention.label,
        **record,
        "lat": info.latitude if is_place else None,
        "lon": info.longitude if is_place else None,
        # Beyond the contract: how the text refers to it, and how sure the link is.
        "mention": mention.kind,
        "confidence": mention.confidence,
    }


def parse_day(value) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


class Command(BaseCommand):
    help = "Analyse texts (JSON Lines) into entities, claims and events (JSON Lines)."

    def add_arguments(self, parser):
        parser.add_argument("--input", required=True, help="JSON Lines file, or - for standard input")
        parser.add_argument("--output", required=True, help="JSON Lines file, or - for standard output")

    def handle(self, *args, input: str, output: str, **options):
        with contextlib.ExitStack() as files:
            try:
                source = sys.stdin if input == "-" else files.enter_context(open(input, encoding="utf-8"))
            except OSError as exc:
                raise CommandError(f"cannot read {input}: {exc.strerror}") from exc
            sink = self.stdout if output == "-" else files.enter_context(open(output, "w", encoding="utf-8"))
            count, errors, seconds = self._analyse_lines(source, sink)
        self.stderr.write(f"analysed {count} texts in {seconds:.1f} s ({errors} lines skipped)")

    def _analyse_lines(self, source, sink) -> tuple[int, int, float]:
        kb = get_kb()
        started, count, errors = time.monotonic(), 0, 0
        for number, line in enumerate(source, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                text = record["text"]
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                errors += 1
                self.stderr.write(f"line {number}: skipped, not a JSON object with a text ({exc})")
                continue
            analysis = analyze_text(text, kb, parse_day(record.get("published")))
            result = {
                "id": record.get("id", number),
                "entities": [entity_record(m, kb, provisional_filing) for m in analysis.mentions],
                "claims": [claim.as_contract(kb) for claim in analysis.claims],
                "events": [event.as_contract(kb) for event in analysis.events],
            }
            sink.write(json.dumps(result, ensure_ascii=False) + "\n")
            count += 1
        return count, errors, time.monotonic() - started
