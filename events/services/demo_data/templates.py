"""The real analysed articles that demo data is made from, and the entities it may swap in."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.utils import timezone

from events.models import ArticleAnalysis, Claim, Entity, Mention
from events.services.demo_data.variation import REWRITABLE_KINDS
from ingest.models import Article

DEMO_URL_PREFIX = "urn:lagebild:demo:"
MENTION_COLUMNS = (
    "entity_id",
    "label",
    "kind",
    "start",
    "end",
    "sentence_index",
    "text",
    "confidence",
    "origin",
    "note",
)
CLAIM_COLUMNS = (
    "kind", "evidential", "start", "end", "sentence_index", "cue", "cue_lemma", "speaker_id", "speaker_text",
    "speaker_start", "speaker_end", "speaker_via", "mood", "source_id", "source_text", "source_start",
    "source_end", "chain", "content_start", "content_end", "content", "confidence",
)  # fmt: skip
# Swapped-in entities are drawn from this many per kind, most-mentioned first.
POOL_SIZE = {"person": 1500, "organization": 800, "country": 120, "place": 1500}
# German country names used with an article ("die Ukraine", "der Iran", "die USA") do not
# fit a sentence written for one without ("in Russland"): only names without swap.
_ARTICLE_ENDINGS = ("e", "ei", "en", "a", "Republik", "Staaten", "Königreich", "inseln", "Inseln")
_WITH_ARTICLE = {"Iran", "Irak", "Jemen", "Libanon", "Sudan", "Südsudan", "Kongo", "Tschad", "Niger", "Oman",
                 "Vatikan", "Kosovo", "Senegal"}  # fmt: skip


@dataclass
class Template:
    pk: int
    title: str
    description: str
    text: str
    published: date | None
    sentences: list[list[int]]
    mentions: list[dict]
    claims: list[dict]
    detections: list[dict]

    def swappable(self, kinds: dict[int, str]) -> list[int]:
        """The entities named only by whole names here (see REWRITABLE_KINDS), in order of
        first mention; provisional ones are names of this article alone and stay."""
        seen: dict[int, bool] = {}
        for m in self.mentions:
            entity = m["entity_id"]
            if entity is not None:
                seen[entity] = seen.get(entity, True) and m["kind"] in REWRITABLE_KINDS
        return [e for e, ok in seen.items() if ok and e in kinds]


def demo_articles() -> Q:
    return Q(url__startswith=DEMO_URL_PREFIX)


def load_templates(limit: int) -> list[Template]:
    """Up to `limit` analysed articles (not demo ones) with their stored analysis, oldest first."""
    rows = list(
        Article.objects.filter(status=Article.Status.ANALYZED, analysis__isnull=False)
        .exclude(demo_articles())
        .exclude(text="")
        .order_by("pk")
        .values_list("pk", "title", "description", "text", "published_at")[:limit]
    )
    ids = [row[0] for row in rows]
    analyses = {
        pk: (sentences, detected)
        for pk, sentences, detected in ArticleAnalysis.objects.filter(article_id__in=ids).values_list(
            "article_id", "sentences", "detected_events"
        )
    }
    mentions, claims = defaultdict(list), defaultdict(list)
    for row in (
        Mention.objects.filter(article_id__in=ids)
        .order_by("article_id", "start", "pk")
        .values("article_id", *MENTION_COLUMNS)
    ):
        mentions[row.pop("article_id")].append(row)
    for row in (
        Claim.objects.filter(article_id__in=ids, lost_at__isnull=True)
        .order_by("article_id", "start", "pk")
        .values("article_id", *CLAIM_COLUMNS)
    ):
        claims[row.pop("article_id")].append(row)
    return [
        Template(
            pk=pk, title=title, description=description, text=text,
            published=timezone.localdate(published) if published else None,
            sentences=analyses[pk][0] or [[0, len(text)]], mentions=mentions[pk], claims=claims[pk],
            detections=analyses[pk][1] or [],
        )
        for pk, title, description, text, published in rows
    ]  # fmt: skip


@dataclass
class EntityPools:
    """Per kind, the entities that may stand in for one another, most-mentioned first, with
    what swapping and event matching need to know about every entity involved."""

    ranked: dict[str, list[int]]
    names: dict[int, str]
    kinds: dict[int, str]
    facts: dict[int, tuple[str, str]]  # id -> (kind, country), for the clustering's match
    groups: dict[int, str]  # id -> what it may be swapped with (kind, organisation type)

    def group_of(self, entity_id: int) -> str | None:
        return self.groups.get(entity_id)


def _swap_group(kind: str, org_type: str, name: str) -> str | None:
    if kind == "country":
        article = name.endswith(_ARTICLE_ENDINGS) or name in _WITH_ARTICLE or " " in name
        return None if article else "country"
    if kind == "organization":
        return f"organization:{org_type or '-'}"
    return kind if kind in ("person", "place") else None


def load_pools(templates: list[Template]) -> EntityPools:
    """The knowledge base's entities by kind: those the templates mention, by how often, then
    the others (people and organisations by name, places by population)."""
    counts = Counter(m["entity_id"] for t in templates for m in t.mentions if m["entity_id"])
    used = set(counts)
    used |= {d.get("place_id") for t in templates for d in t.detections} - {None}
    used |= {a[0] for t in templates for d in t.detections for a in d.get("actors", [])}
    used |= {c[f"{who}_id"] for t in templates for c in t.claims for who in ("speaker", "source")} - {None}
    active = Entity.objects.active().filter(provisional=False)
    fields = ("pk", "kind", "name", "country", "org_type")
    chosen: dict[int, tuple] = {
        row[0]: row for row in Entity.objects.filter(pk__in=used).values_list(*fields)
    }
    for kind, size in POOL_SIZE.items():
        order = ("-population", "pk") if kind == "place" else ("pk",)
        for row in active.filter(kind=kind).order_by(*order).values_list(*fields)[:size]:
            chosen.setdefault(row[0], row)
    groups = {pk: _swap_group(kind, org_type, name) for pk, kind, name, _c, org_type in chosen.values()}
    provisional = set(Entity.objects.filter(pk__in=chosen, provisional=True).values_list("pk", flat=True))
    ranked: dict[str, list[int]] = defaultdict(list)
    # A stable sort: equally mentioned entities keep the order they were chosen in.
    for pk in sorted(chosen, key=lambda pk: -counts.get(pk, 0)):
        if groups[pk] and pk not in provisional:
            ranked[groups[pk]].append(pk)
    return EntityPools(
        ranked=dict(ranked),
        names={pk: row[2] for pk, row in chosen.items()},
        kinds={pk: row[1] for pk, row in chosen.items() if pk not in provisional and groups[pk]},
        facts={pk: (row[1], row[3]) for pk, row in chosen.items()},
        groups={pk: g for pk, g in groups.items() if g and pk not in provisional},
    )
