"""Article pages: the stored German text, with where every record came from.

The text is shown paragraph by paragraph and sentence by sentence, with mentions and claims
highlighted. Every piece of article text is escaped; markup is built with format_html.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET

from events.models import Claim, EventArticle, Mention
from ingest.dedup import distance
from ingest.models import Article, Outlet

# Wire copies in other outlets' hands: looser than the near-duplicate threshold (6 bits),
# because outlets cut and rewrite agency texts more than they copy each other.
WIRE_MAX_DISTANCE = 12
RELATED_LIMIT = 30


@require_GET
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article.objects.select_related("outlet", "source", "analysis"), pk=pk)
    mentions = list(article.mentions.select_related("entity").order_by("start", "-end"))
    claims = list(article.claims.select_related("speaker", "source").order_by("start", "-end"))
    try:
        sentences = article.analysis.sentences
    except ObjectDoesNotExist:
        sentences = []
    # Analysed before sentences were stored, or not analysed yet: split with a regex.
    fallback = not sentences
    if fallback:
        sentences = fallback_sentences(article.text)

    focus = _focus(request, mentions, claims)
    body = render_text(article.text, sentences, mentions, claims, focus=focus)
    entities = Counter(m.entity for m in mentions if m.entity_id)
    return render(
        request,
        "events/article_detail.html",
        {
            "article": article,
            "body": body,
            "fallback_sentences": fallback,
            "original_url": article.url if urlsplit(article.url).scheme in ("http", "https") else "",
            "claims": claims,
            "focus_claim": focus.get("claim"),
            "event_links": EventArticle.objects.filter(article=article)
            .select_related("event")
            .order_by("-event__date", "event_id"),
            "entities": sorted(entities.items(), key=lambda item: (-item[1], item[0].name)),
            "unlinked_mentions": sum(1 for m in mentions if not m.entity_id),
            "related": related_articles(article),
        },
    )


def _focus(request: HttpRequest, mentions: list[Mention], claims: list[Claim]) -> dict:
    """The record named by ?claim= or ?mention=, if it belongs to this article."""
    for key, rows in (("claim", claims), ("mention", mentions)):
        value = request.GET.get(key, "")
        if value.isdigit():
            row = next((r for r in rows if r.pk == int(value)), None)
            if row is not None:
                return {key: row, "span": (row.start, row.end)}
    return {}


def related_articles(article: Article) -> list[dict]:
    """Wire copies and near-duplicates: the same near-duplicate group, duplicate_of either
    way, and texts of wire-agency outlets whose SimHash is close (one query)."""
    match = Q(duplicate_of=article)
    if article.near_duplicate_group is not None:
        match |= Q(near_duplicate_group=article.near_duplicate_group)
    if article.duplicate_of_id:
        match |= Q(pk=article.duplicate_of_id)
    wire = Q(pk__in=[])
    if article.simhash is not None and article.simhash_bands:
        # The band index finds candidates; the distance is checked below.
        wire = Q(
            simhash_bands__overlap=article.simhash_bands, outlet__in=Outlet.objects.filter(wire_agency=True)
        )
    rows = (
        Article.objects.filter(match | wire)
        .exclude(pk=article.pk)
        .select_related("outlet")
        .only(
            "pk", "title", "url", "published_at", "outlet", "simhash", "near_duplicate_group", "duplicate_of"
        )
        .order_by("published_at", "pk")[: RELATED_LIMIT * 2]
    )
    related = []
    for other in rows:
        reasons = []
        if article.duplicate_of_id == other.pk:
            reasons.append("original")
        if other.duplicate_of_id == article.pk:
            reasons.append("duplicate")
        if (
            article.near_duplicate_group is not None
            and other.near_duplicate_group == article.near_duplicate_group
        ):
            reasons.append("near_duplicate")
        bits = (
            distance(article.simhash, other.simhash)
            if article.simhash is not None and other.simhash is not None
            else None
        )
        if other.outlet and other.outlet.wire_agency and bits is not None and bits <= WIRE_MAX_DISTANCE:
            reasons.append("wire")
        if reasons:
            related.append({"article": other, "reasons": reasons, "distance": bits})
    return related[:RELATED_LIMIT]


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
    return mark_safe("".join(out))  # every piece above is escaped or built by format_html
