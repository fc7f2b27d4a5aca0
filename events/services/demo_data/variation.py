"""Varying one analysed article into another: swapped entities, a shorter cut, new offsets.

Pure functions on plain dicts (the stored analysis of a template article), no database: the
text is rewritten once per story, and every stored offset (mentions, claims, sentences,
event triggers) is moved by the same replacements, so the copy's records point at its own
words exactly as the pipeline's would.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

# Only whole names are rewritten; an adjective ("russische") or a role ("Kremlchef") would
# still speak of the old entity, so an entity named that way in the template is not swapped.
REWRITABLE_KINDS = ("name", "partial")


@dataclass(frozen=True)
class Replacement:
    start: int
    end: int
    text: str


@dataclass
class Variant:
    """A template's analysis after substitution: the text and every record, as dicts."""

    title: str
    description: str
    text: str
    sentences: list[list[int]]
    mentions: list[dict]
    claims: list[dict]
    detections: list[dict]
    swapped: dict[int, int] = field(default_factory=dict)  # old entity id -> new one


def genitive(name: str) -> str:
    """German genitive of a name: "Putins", but "Macron'" after s, ß, x, z."""
    return name + ("'" if name[-1:] in ("s", "ß", "x", "z") else "s")


def surface(old_surface: str, old_name: str, new_name: str) -> str:
    """The words that name `new_name` where the text named `old_name` as `old_surface`:
    a genitive stays a genitive, anything else becomes the full new name."""
    genitive_s = old_surface.endswith(("s", "'")) and not old_name.endswith(("s", "ß", "x", "z"))
    if genitive_s and old_surface[:-1] in (old_name, *old_name.split()):
        return genitive(new_name)
    return new_name


class OffsetMap:
    """Positions in the old text -> positions in the rewritten one."""

    def __init__(self, replacements: list[Replacement]) -> None:
        self.starts = [r.start for r in replacements]
        self.replacements = replacements
        self.shifts: list[int] = []
        shift = 0
        for r in replacements:
            self.shifts.append(shift)
            shift += len(r.text) - (r.end - r.start)

    def __call__(self, position: int | None, *, end: bool = False) -> int | None:
        if position is None:
            return None
        i = bisect_right(self.starts, position - (1 if end else 0)) - 1
        if i < 0:
            return position
        r, shift = self.replacements[i], self.shifts[i]
        if position >= r.end:
            return position + shift + len(r.text) - (r.end - r.start)
        # Inside (or at the edge of) a replaced name: its start, or its new end.
        return r.start + shift + (len(r.text) if end else 0)


def replacements_for(mentions: list[dict], swapped: dict[int, int], names: dict[int, str]):
    """The replacements of the mentions of swapped entities, and the entities that could
    not be swapped everywhere (a mention overlapping another): those stay as they were."""
    chosen: list[Replacement] = []
    refused: set[int] = set()
    last_end = -1
    for m in sorted(mentions, key=lambda m: (m["start"], -m["end"])):
        entity = m["entity_id"]
        if entity not in swapped:
            last_end = max(last_end, m["end"])
            continue
        if m["kind"] not in REWRITABLE_KINDS or m["start"] < last_end:
            refused.add(entity)
            continue
        chosen.append(
            Replacement(m["start"], m["end"], surface(m["text"], names[entity], names[swapped[entity]]))
        )
        last_end = m["end"]
    return chosen, refused


def rename(text: str, pairs: dict[str, str]) -> str:
    """Replace whole words of `pairs` in one pass (a new name is never renamed again)."""
    if not text or not pairs:
        return text
    pattern = re.compile(
        r"(?<!\w)(" + "|".join(re.escape(p) for p in sorted(pairs, key=len, reverse=True)) + r")(?!\w)"
    )
    return pattern.sub(lambda match: pairs[match.group(1)], text)


def substitute(template, swapped: dict[int, int], names: dict[int, str]) -> Variant:
    """The template with the entities of `swapped` replaced by others of their kind."""
    swapped = dict(swapped)
    while True:
        chosen, refused = replacements_for(template.mentions, swapped, names)
        if not refused:
            break
        swapped = {old: new for old, new in swapped.items() if old not in refused}
    move = OffsetMap(chosen)
    text = _apply(template.text, chosen)
    pairs = {names[old]: names[new] for old, new in swapped.items()}
    pairs |= {template.text[r.start : r.end]: r.text for r in chosen}
    context = _Context(template.text, text, move, swapped, pairs)
    return Variant(
        title=rename(template.title, pairs)[:1000],
        description=rename(template.description, pairs),
        text=text,
        sentences=[[move(s), move(e, end=True)] for s, e in template.sentences],
        mentions=[context.mention(m) for m in template.mentions],
        claims=[context.claim(c) for c in template.claims],
        detections=[context.detection(d) for d in template.detections],
        swapped=swapped,
    )


def _apply(text: str, replacements: list[Replacement]) -> str:
    parts, position = [], 0
    for r in replacements:
        parts += [text[position : r.start], r.text]
        position = r.end
    parts.append(text[position:])
    return "".join(parts)


@dataclass
class _Context:
    """What moving one record needs: the new text, the offset map, the swaps, the renames."""

    old_text: str
    text: str
    move: OffsetMap
    swapped: dict[int, int]
    pairs: dict[str, str]

    def entity(self, entity_id: int | None) -> int | None:
        return self.swapped.get(entity_id, entity_id)

    def span(self, record: dict, start: str, end: str) -> tuple[int | None, int | None]:
        return self.move(record[start]), self.move(record[end], end=True)

    def mention(self, m: dict) -> dict:
        start, end = self.span(m, "start", "end")
        return {
            **m,
            "start": start,
            "end": end,
            "text": self.text[start:end],
            "entity_id": self.entity(m["entity_id"]),
        }

    def claim(self, c: dict) -> dict:
        moved = dict(c)
        for prefix in ("", "speaker_", "source_", "content_"):
            moved[f"{prefix}start"], moved[f"{prefix}end"] = self.span(c, f"{prefix}start", f"{prefix}end")
        moved["content"] = self.text[moved["content_start"] : moved["content_end"]]
        for who in ("speaker", "source"):
            moved[f"{who}_id"] = self.entity(c[f"{who}_id"])
            moved[f"{who}_text"] = self.words(
                c[f"{who}_text"], c[f"{who}_start"], moved[f"{who}_start"], moved[f"{who}_end"]
            )
        moved["chain"] = [
            {**link, "entity_id": self.entity(link.get("entity_id")), "start": start, "end": end,
             "text": self.words(link["text"], link.get("start"), start, end)}
            for link in c["chain"]
            for start, end in [(self.move(link.get("start")), self.move(link.get("end"), end=True))]
        ]  # fmt: skip
        return moved

    def words(self, old: str, old_start: int | None, start: int | None, end: int | None) -> str:
        """A record's words at its moved span where they were the text's own words there;
        otherwise (a pronoun's antecedent, a trimmed phrase) the old words, names renamed."""
        if old_start is not None and self.old_text[old_start : old_start + len(old)] == old:
            return self.text[start:end][:300]
        return rename(old, self.pairs)[:300]

    def detection(self, d: dict) -> dict:
        start, end = self.span(d, "trigger_start", "trigger_end")
        return {
            **d,
            "title": rename(d["title"], self.pairs),
            "place_id": self.entity(d.get("place_id")),
            "actors": [[self.entity(entity), role] for entity, role in d.get("actors", [])],
            "trigger": self.text[start:end] if start is not None else d.get("trigger", ""),
            "trigger_start": start,
            "trigger_end": end,
        }


def cut(variant: Variant, sentences: int) -> Variant:
    """The variant shortened to its first `sentences` sentences: a shorter report of the same
    happening, with only the records inside the kept words."""
    if sentences >= len(variant.sentences) or not variant.sentences:
        return variant
    limit = variant.sentences[sentences - 1][1]

    def inside(*ends) -> bool:
        return all(e is None or e <= limit for e in ends)

    return Variant(
        title=variant.title,
        description=variant.description,
        text=variant.text[:limit],
        sentences=variant.sentences[:sentences],
        mentions=[m for m in variant.mentions if inside(m["end"])],
        claims=[
            c for c in variant.claims if inside(c["end"], c["content_end"], c["speaker_end"], c["source_end"])
        ],
        detections=[
            d for d in variant.detections if d.get("trigger_end") is not None and inside(d["trigger_end"])
        ],
        swapped=variant.swapped,
    )


def with_closing_line(variant: Variant, line: str) -> Variant:
    """The variant with an outlet's closing line ("Mit Material von dpa.") as a last sentence:
    copies of one story differ in their words, as copies in several outlets do."""
    start = len(variant.text) + 2
    return Variant(
        title=variant.title,
        description=variant.description,
        text=f"{variant.text}\n\n{line}",
        sentences=[*variant.sentences, [start, start + len(line)]],
        mentions=variant.mentions,
        claims=variant.claims,
        detections=variant.detections,
        swapped=variant.swapped,
    )
