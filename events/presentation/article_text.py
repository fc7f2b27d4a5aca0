"""The article text as HTML: paragraphs of sentences, with claims and mentions marked.

Every piece of article text is escaped; markup is built with format_html; only the assembled
result is marked safe.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from events.models import Claim

# --- sentences ------------------------------------------------------------------------------

# A sentence ends at . ! ? … (and closing quotes) before a capital or an opening quote, or at
# a line break. Good enough for articles analysed before spaCy's sentences were stored.
_FALLBACK_END = re.compile(r"[.!?…]+[\"“”»«’')\]]*(?=\s+[„\"»«‚(\[]?[A-ZÄÖÜ0-9])|\n")


def fallback_sentences(text: str) -> list[list[int]]:
    spans, start = [], 0
    for match in _FALLBACK_END.finditer(text):
        spans.append(_trim(text, start, match.end()))
        start = match.end()
    spans.append(_trim(text, start, len(text)))
    return [span for span in spans if span[0] < span[1]]


def _trim(text: str, start: int, end: int) -> list[int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return [start, end]


def paragraphs(text: str) -> list[tuple[int, int]]:
    """One paragraph per line of text (extraction writes one per line)."""
    return [(m.start(), m.end()) for m in re.finditer(r"[^\n]*\S[^\n]*", text)]


# --- markup ---------------------------------------------------------------------------------


@dataclass
class _Mark:
    """One element around a span of text. Elements that cross others' boundaries are closed
    and reopened there (the reopened part has no id), so the HTML always nests properly."""

    start: int
    end: int
    rank: int  # outer elements first: paragraph, sentence, claim, speaker/cue, mention
    tag: str
    attrs: dict
    opened: bool = field(default=False)

    def open(self) -> SafeString:
        attrs = self.attrs if not self.opened else {k: v for k, v in self.attrs.items() if k != "id"}
        self.opened = True
        # Attributes in the order given (flatatt sorts them), values escaped.
        return format_html("<{}{}>", self.tag, format_html_join("", ' {}="{}"', attrs.items()))

    def close(self) -> SafeString:
        return format_html("</{}>", self.tag)


PARAGRAPH, SENTENCE, CLAIM, CLAIM_PART, MENTION = range(5)


def render_text(text: str, sentences, mentions, claims, focus: dict | None = None) -> SafeString:
    """The article text as <p> paragraphs of <span class="sentence"> with claims (<mark>) and
    mentions (<a>) inside; sentences overlapping ``focus["span"]`` get class "focus"."""
    focus_start, focus_end = (focus or {}).get("span", (-1, -1))
    marks = [_Mark(a, b, PARAGRAPH, "p", {}) for a, b in paragraphs(text)]
    for index, (a, b) in enumerate(sentences):
        attrs = {"id": f"s-{index}", "class": "sentence", "data-s": index}
        if a < focus_end and focus_start < b:
            attrs.update({"class": "sentence focus", "aria-current": "true"})
        marks.append(_Mark(a, b, SENTENCE, "span", attrs))
    for claim in claims:
        marks.extend(_claim_marks(text, claim))
    taken_until = -1
    for mention in mentions:  # ordered by start: an overlapping later one would nest links
        if mention.start < taken_until:
            continue
        taken_until = mention.end
        attrs = {"id": f"m-{mention.pk}", "class": f"mention mention-{mention.label}"}
        if mention.entity_id:
            attrs.update({"href": mention.entity.get_absolute_url(), "title": mention.entity.name})
            marks.append(_Mark(mention.start, mention.end, MENTION, "a", attrs))
        else:
            attrs["class"] += " unlinked"
            marks.append(_Mark(mention.start, mention.end, MENTION, "span", attrs))
    return _weave(text, [m for m in marks if 0 <= m.start < m.end <= len(text)])


def _claim_marks(text: str, claim: Claim) -> list[_Mark]:
    data = {"data-claim": claim.pk}
    classes = f"claim claim-{claim.kind} review-{claim.review_status}"
    marks = [
        _Mark(
            claim.content_start,
            claim.content_end,
            CLAIM,
            "mark",
            {"id": f"claim-{claim.pk}", "class": classes, **data},
        )
    ]
    for part, start, end in (
        ("speaker", claim.speaker_start, claim.speaker_end),
        ("source", claim.source_start, claim.source_end),
        ("cue", *_cue_span(text, claim)),
    ):
        if start is not None and end is not None:
            marks.append(_Mark(start, end, CLAIM_PART, "span", {"class": f"claim-{part}", **data}))
    return marks


def _cue_span(text: str, claim: Claim) -> tuple[int | None, int | None]:
    """Where the cue word stands: its offsets are not stored, so find it in the claim's extent
    outside the content."""
    cue = claim.cue.strip()
    if not cue:
        return None, None
    at = text.find(cue, claim.start, claim.end)
    while at >= 0 and at < claim.content_end and at + len(cue) > claim.content_start:
        at = text.find(cue, at + 1, claim.end)
    return (at, at + len(cue)) if at >= 0 else (None, None)


def _weave(text: str, marks: list[_Mark]) -> SafeString:
    points = sorted({0, len(text)} | {m.start for m in marks} | {m.end for m in marks})
    starting: dict[int, list[_Mark]] = {}
    for mark in marks:
        starting.setdefault(mark.start, []).append(mark)
    out: list[str] = []
    active: list[_Mark] = []
    stack: list[_Mark] = []
    for a, b in zip(points, points[1:], strict=False):
        active = [m for m in active if m.end > a] + starting.get(a, [])
        # Outside a paragraph there is only the white space between lines: emit nothing.
        wanted = (
            sorted(active, key=lambda m: (m.rank, m.start, -m.end))
            if any(m.rank == PARAGRAPH for m in active)
            else []
        )
        keep = 0
        while keep < len(stack) and keep < len(wanted) and stack[keep] is wanted[keep]:
            keep += 1
        out.extend(mark.close() for mark in reversed(stack[keep:]))
        out.extend(mark.open() for mark in wanted[keep:])
        stack = wanted
        if wanted:
            out.append(escape(text[a:b]))
        elif stack == [] and out and not out[-1].endswith("\n"):
            out.append("\n")
    out.extend(mark.close() for mark in reversed(stack))
    # Every piece of text went through escape() and every tag through format_html above.
    return mark_safe("".join(out))  # noqa: S308 - assembled from escaped pieces
