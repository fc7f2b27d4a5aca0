"""Export lines of the list pages: one dict per record (the row functions, one per kind, with
their stable columns), and the CSV and JSON encodings that stream them.

CSV: UTF-8 without a byte order mark, a header row of stable English column names, lists
joined with "; ", text cells that a spreadsheet would run as a formula ("=…", "+…", "-…",
"@…") prefixed with an apostrophe. JSON: one array of objects with the same keys, lists as arrays.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime

from django.urls import reverse
from django.utils import timezone

from events.selectors.details import actors_of, type_label

LIST_SEPARATOR = "; "


def _tags(record) -> list[str]:
    return [tagging.tag.slug for tagging in record.taggings.all()]


def event_row(event, absolute: Callable[[str], str]) -> dict:
    actors = actors_of(event)
    return {
        "id": event.pk,
        "date": event.date,
        "date_precision": event.date_precision,
        "title": event.title,
        "type": event.type,
        "type_label": type_label(event.type),
        "place_id": event.place_id,
        "place": event.place.name if event.place else "",
        "place_country": event.place.country if event.place else "",
        "actor_ids": [actor.pk for actor in actors],
        "actors": [actor.name for actor in actors],
        "article_count": event.article_count,
        "outlet_count": event.outlet_count,
        "tags": _tags(event),
        "first_seen": event.first_seen,
        "last_seen": event.last_seen,
        "url": absolute(event.get_absolute_url()),
    }


def claim_row(claim, absolute: Callable[[str], str]) -> dict:
    article = claim.article
    return {
        "id": claim.pk,
        "article_id": claim.article_id,
        "article_title": article.title,
        "outlet": article.outlet.name if article.outlet else "",
        "published_at": article.published_at,
        "speaker_id": claim.speaker_id,
        "speaker": claim.speaker.name if claim.speaker else claim.speaker_text,
        "speaker_text": claim.speaker_text,
        "speaker_via": claim.speaker_via,
        "cue": claim.cue,
        "kind": claim.kind,
        "evidential": claim.evidential,
        "mood": claim.mood,
        "content": claim.content,
        "source_id": claim.source_id,
        "source": claim.source.name if claim.source else claim.source_text,
        "source_text": claim.source_text,
        "review_status": claim.review_status,
        "reviewed_by": claim.reviewed_by.get_username() if claim.reviewed_by else "",
        "reviewed_at": claim.reviewed_at,
        "review_reason": claim.review_reason,
        "confidence": claim.confidence,
        "tags": _tags(claim),
        "url": absolute(claim.get_absolute_url()),
    }


def entity_row(entity, absolute: Callable[[str], str]) -> dict:
    return {
        "id": entity.pk,
        "name": entity.name,
        "kind": entity.kind,
        "country": entity.country,
        "provisional": entity.provisional,
        "mention_count": entity.mention_count,
        "description": entity.description,
        "iso_code": entity.iso_code,
        "wikidata": entity.wikidata,
        "geonames_id": entity.geonames_id,
        "latitude": entity.latitude,
        "longitude": entity.longitude,
        "tags": _tags(entity),
        "url": absolute(entity.get_absolute_url()),
    }


def article_row(article, absolute: Callable[[str], str]) -> dict:
    return {
        "id": article.pk,
        "published_at": article.published_at,
        "title": article.title,
        "outlet_id": article.outlet_id,
        "outlet": article.outlet.name if article.outlet else "",
        "authors": list(article.authors),
        "language": article.language,
        "status": article.status,
        "description": article.description,
        "original_url": article.url,
        "canonical_url": article.canonical_url,
        "tags": _tags(article),
        "url": absolute(reverse("events:article", args=[article.pk])),
    }


# The CSV header (and the JSON keys) of each kind: stable, so that analysts' scripts keep
# working. An empty export still has its header.
EVENT_COLUMNS = (
    "id",
    "date",
    "date_precision",
    "title",
    "type",
    "type_label",
    "place_id",
    "place",
    "place_country",
    "actor_ids",
    "actors",
    "article_count",
    "outlet_count",
    "tags",
    "first_seen",
    "last_seen",
    "url",
)
CLAIM_COLUMNS = (
    "id",
    "article_id",
    "article_title",
    "outlet",
    "published_at",
    "speaker_id",
    "speaker",
    "speaker_text",
    "speaker_via",
    "cue",
    "kind",
    "evidential",
    "mood",
    "content",
    "source_id",
    "source",
    "source_text",
    "review_status",
    "reviewed_by",
    "reviewed_at",
    "review_reason",
    "confidence",
    "tags",
    "url",
)
ENTITY_COLUMNS = (
    "id",
    "name",
    "kind",
    "country",
    "provisional",
    "mention_count",
    "description",
    "iso_code",
    "wikidata",
    "geonames_id",
    "latitude",
    "longitude",
    "tags",
    "url",
)
ARTICLE_COLUMNS = (
    "id",
    "published_at",
    "title",
    "outlet_id",
    "outlet",
    "authors",
    "language",
    "status",
    "description",
    "original_url",
    "canonical_url",
    "tags",
    "url",
)


def _plain(value):
    """A value as JSON knows it: dates in ISO 8601 (times in the portal's time zone)."""
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


# A text cell starting with one of these runs as a formula in a spreadsheet; article text is
# written by strangers, so such cells get a leading apostrophe (CSV only: JSON stays exact).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    text = LIST_SEPARATOR.join(str(item) for item in value) if isinstance(value, list) else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _Line:
    """A file-like object whose write() hands the line back: csv.writer without a buffer."""

    def write(self, value: str) -> str:
        return value


def csv_lines(columns: tuple[str, ...], rows: Iterable[dict]) -> Iterator[str]:
    writer = csv.writer(_Line())
    yield writer.writerow(columns)
    for row in rows:
        yield writer.writerow([_cell(row[key]) for key in columns])


def json_chunks(rows: Iterable[dict]) -> Iterator[str]:
    yield "["
    separator = "\n"
    for row in rows:
        yield separator + json.dumps({key: _plain(value) for key, value in row.items()}, ensure_ascii=False)
        separator = ",\n"
    yield "\n]\n"
