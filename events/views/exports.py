"""Exports of the list pages: the whole filtered list, not one page, as CSV or JSON.

Each list exports under its own name (events/urls.py, "exports") with a `fmt` of csv or json,
and takes the list's querystring (events/lists.py):

    /events/export.csv?type=sanction      {% url 'events:events_export' fmt='csv' %}
    /claims/export.json?review=disputed   {% url 'events:claims_export' fmt='json' %}
    /entities/export.csv                  events:entities_export
    /articles/export.json?q=Sanktionen    events:articles_export

The lines and their encodings are in events/presentation/exports.py. Both formats are
streamed from chunks of rows (QuerySet.iterator), so a big export never sits in memory whole.
Everyone who may see a list may export it: analysts export what they found.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from events.lists import LISTS
from events.presentation.exports import csv_lines, json_chunks

CHUNK_SIZE = 500


@require_GET
def export(request: HttpRequest, kind: str, fmt: str) -> StreamingHttpResponse:
    if fmt not in ("csv", "json") or kind not in LISTS:
        raise Http404("unknown export format")
    list_kind = LISTS[kind]
    records = list_kind.records(request.GET)
    rows = (
        list_kind.export_row(record, request.build_absolute_uri)
        for record in records.iterator(chunk_size=CHUNK_SIZE)
    )
    if fmt == "csv":
        response = StreamingHttpResponse(
            csv_lines(list_kind.columns, rows), content_type="text/csv; charset=utf-8"
        )
    else:
        response = StreamingHttpResponse(json_chunks(rows), content_type="application/json; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="lagebild-{list_kind.plural}-{stamp}.{fmt}"'
    return response
