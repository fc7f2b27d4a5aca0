"""Reading the list parameters of a request, and writing querystrings back.

A value that does not parse is ignored, as if the parameter were missing: a hand-edited URL
gives a wider list, never an error. `params` is a QueryDict or a plain dict (whose values may
be lists).
"""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlencode

from django.contrib.postgres.search import SearchQuery

MAX_QUERY_CHARS = 300
SEARCH_CONFIG = "german"


def values(params, name: str) -> list[str]:
    """All values of `name` in a QueryDict or a plain dict, stripped, empty ones dropped."""
    if hasattr(params, "getlist"):
        raw = params.getlist(name)
    else:
        raw = params.get(name, [])
        raw = raw if isinstance(raw, list | tuple) else [raw]
    return [str(v).strip() for v in raw if v is not None and str(v).strip()]


def text(params, name: str) -> str:
    found = values(params, name)
    return found[-1][:MAX_QUERY_CHARS] if found else ""


def ids(params, name: str) -> list[int]:
    out = []
    for value in values(params, name):
        if value.isascii() and value.isdigit() and len(value) < 10:
            out.append(int(value))
    return out


def one_id(params, name: str) -> int | None:
    found = ids(params, name)
    return found[-1] if found else None


def day(params, name: str) -> date | None:
    value = text(params, name)
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def choice(params, name: str, choices) -> str:
    value = text(params, name)
    return value if value in choices else ""


def country(params) -> str:
    value = text(params, "country").upper()
    return value if re.fullmatch(r"[A-Z]{2}", value) else ""


def search_query(params) -> SearchQuery | None:
    words = text(params, "q")
    return SearchQuery(words, config=SEARCH_CONFIG, search_type="websearch") if words else None


def sort(params, sorts: tuple[str, ...], has_query: bool) -> str:
    """The chosen sort among `sorts` (the first is the default); relevance needs a query and
    is the default when there is one."""
    chosen = choice(params, "sort", sorts)
    if chosen == "relevance" and not has_query:
        chosen = ""
    return chosen or ("relevance" if has_query and "relevance" in sorts else sorts[0])


def _pairs(params) -> list[tuple[str, str]]:
    if hasattr(params, "lists"):
        items = params.lists()
    else:
        items = ((k, v if isinstance(v, list | tuple) else [v]) for k, v in params.items())
    return [(k, str(v)) for k, listed in items for v in listed if str(v).strip() != ""]


def querystring(params, drop: str = "", value: str | None = None, **replace) -> str:
    """`params` as a querystring without "page", without `drop` (or only its `value`), with
    `replace` set (a value of None removes the parameter). Empty values are left out."""
    pairs = [
        (k, v)
        for k, v in _pairs(params)
        if k != "page" and k not in replace and not (k == drop and (value is None or v == str(value)))
    ]
    pairs += [(k, str(v)) for k, v in replace.items() if v is not None and str(v) != ""]
    return urlencode(pairs)


def adding(params, name: str, value) -> str:
    """The querystring that also filters by `name`=`value` (repeatable `actor` adds one more)."""
    if name == "actor":
        base = querystring(params, drop="actor", value=str(value))
        extra = urlencode([("actor", str(value))])
        return f"{base}&{extra}" if base else extra
    return querystring(params, **{name: value})
