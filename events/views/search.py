"""The list pages: filters, full-text search, sorting, facets (events/lists.py declares each
kind, events/selectors/ does the work).

Every list keeps its whole state in the URL, works without JavaScript, and with htmx swaps
only its results: a request with the `HX-Request` header gets the results fragment
(templates/events/partials/), except boosted links and history restores, which need a page.
"""

from __future__ import annotations

from math import ceil
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from events.analysis.event_types import load_taxonomy
from events.lists import LISTS
from events.models import Claim, Entity, Tag
from events.selectors.coverage import coverage_params
from events.selectors.details import actors_of, type_label
from events.selectors.facets import active_filters, event_facets
from events.selectors.lists import snippets as find_snippets
from events.selectors.parameters import querystring
from ingest.models import Outlet

PAGE_SIZE = 50
COUNT_CAP = 10_000  # lists count exactly up to here, then say "more than 10,000"
SORT_LABELS = {
    "-date": _("newest first"),
    "date": _("oldest first"),
    "-articles": _("most articles"),
    "articles": _("fewest articles"),
    "relevance": _("relevance"),
    "title": _("title"),
    "speaker": _("speaker"),
    "-mentions": _("most mentions"),
    "mentions": _("fewest mentions"),
    "name": _("name A–Z"),
    "-name": _("name Z–A"),
}

FACET_TITLES = {
    "type": _("Type"),
    "actor": _("Actors"),
    "place": _("Places"),
    "country": _("Countries"),
    "outlet": _("Outlets"),
    "tag": _("Tags"),
    "review": _("Claims reviewed"),
}


def wants_fragment(request: HttpRequest) -> bool:
    """htmx asks for the results only; boosted links and history restores want the page."""
    headers = request.headers
    return (
        "HX-Request" in headers
        and "HX-Boosted" not in headers
        and "HX-History-Restore-Request" not in headers
    )


class CappedPaginator(Paginator):
    """Counts up to COUNT_CAP and says "more than" beyond: an exact COUNT(*) of 700,000
    claims costs more than the page itself (0.14 s), and nobody pages that far; narrowing
    the filters is the way on. Pages run to the cap; the bulk tagging's "all matching" still
    tags every one (it filters again, it does not count)."""

    @cached_property
    def count(self) -> int:
        return self.object_list.order_by().values("pk")[: COUNT_CAP + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > COUNT_CAP

    @cached_property
    def num_pages(self) -> int:
        return super().num_pages if not self.capped else ceil(COUNT_CAP / self.per_page)


def list_context(request: HttpRequest, kind: str, records) -> dict:
    """What every list page shows around its rows: the page, the filters in force (each
    removable), export links and the bulk tagging bar, all carrying the current filters."""
    page: Page = CappedPaginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    query = querystring(request.GET)
    suffix = f"?{query}" if query else ""
    # This list's address without the empty fields a form sends: for the address bar and `next`.
    here = querystring(request.GET, page=request.GET.get("page") or None)
    list_kind = LISTS[kind]
    export = list_kind.export_url
    return {
        "kind": kind,
        "list_url": reverse(list_kind.list_url),
        "results_template": list_kind.results_template,
        "page": page,
        "count_cap": COUNT_CAP,
        "here": request.path + (f"?{here}" if here else ""),
        "params": request.GET,
        "filter_query": query,
        "page_query": f"{query}&" if query else "",
        "active_filters": active_filters(kind, request.GET),
        "export_csv": reverse(export, kwargs={"fmt": "csv"}) + suffix,
        "export_json": reverse(export, kwargs={"fmt": "json"}) + suffix,
        "sorts": [(value, SORT_LABELS[value]) for value in list_kind.sorts],
        "sort": request.GET.get("sort", ""),
        # Lazy: queried only where the bulk tagging bar is shown (editors, admins).
        "all_tags": Tag.objects.all(),
    }


def outlet_options(selected: str | None) -> SafeString:
    """The <option>s of the outlet select (fields/outlet.html), `selected` the chosen pk.

    Built here rather than in a template loop: 455 outlets through the template engine (a
    model instance, a filter and a comparison each) cost 13 ms of CPU per list page, as much
    as the rows; this takes under 1 ms for the same HTML."""
    return mark_safe(  # noqa: S308 - every name is escaped, the pk is an int
        "".join(
            f'<option value="{pk}" {"selected" if str(pk) == selected else ""}>{escape(label)}</option>'
            for pk, label in Outlet.objects.choices()
        )
    )


def render_list(request: HttpRequest, context: dict) -> HttpResponse:
    """The list page, or (htmx) only its results."""
    kind = LISTS[context["kind"]]
    if not wants_fragment(request):
        return render(request, kind.page_template, context)
    response = render(request, kind.results_template, context)
    response["HX-Push-Url"] = context["here"]  # "?q=Iran", not "?q=Iran&type=&outlet=&..."
    return response


@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    context = list_context(request, "event", LISTS["event"].records(request.GET))
    rows = context["page"].object_list
    snippets = find_snippets([getattr(event, "best_article_id", None) for event in rows], request.GET)
    for event in rows:
        actors = actors_of(event)
        event.first_actors, event.more_actors = actors[:4], max(0, len(actors) - 4)
        event.type_label = type_label(event.type)
        event.snippet = snippets.get(getattr(event, "best_article_id", None))
    facets = context["facets"] = event_facets(request.GET)
    context["facet_groups"] = [
        (name, title, facets[name]) for name, title in FACET_TITLES.items() if facets[name]
    ]
    if not wants_fragment(request):
        context["types"] = [(t.id, t.label) for t in load_taxonomy().types.values()]
        context["outlet_options"] = outlet_options(request.GET.get("outlet"))
        context["reviews"] = Claim.Review.choices
        chosen = {(f.param, f.value): f.label for f in context["active_filters"]}
        context["chosen_actors"] = [
            (value, label) for (param, value), label in chosen.items() if param == "actor"
        ]
        context["place_options"] = _options(context["facets"]["place"], "place", chosen)
        context["country_options"] = _options(context["facets"]["country"], "country", chosen)
        context["actor_options"] = [f for f in context["facets"]["actor"] if not f.selected]
    return render_list(request, context)


def _options(facets: list, param: str, chosen: dict) -> list[tuple[str, str]]:
    """A select's options: the top facet values, and the chosen one even when not on top."""
    options = [(f.value, f"{f.label} ({f.count})") for f in facets]
    values = {value for value, _label in options}
    options += [
        (value, label) for (name, value), label in chosen.items() if name == param and value not in values
    ]
    return options


@require_GET
def entity_list(request: HttpRequest) -> HttpResponse:
    context = list_context(request, "entity", LISTS["entity"].records(request.GET))
    context["provisional"] = request.GET.get("provisional") in ("1", "true", "on")
    if not wants_fragment(request):
        context["kinds"] = Entity.Kind.choices
        context["countries"] = (
            Entity.objects.active().filter(kind=Entity.Kind.COUNTRY).exclude(iso_code="").order_by("name")
        ).values_list("iso_code", "name")
    return render_list(request, context)


@require_GET
def article_list(request: HttpRequest) -> HttpResponse:
    context = list_context(request, "article", LISTS["article"].records(request.GET))
    rows = context["page"].object_list
    snippets = find_snippets([article.pk for article in rows], request.GET)
    for article in rows:
        article.snippet = snippets.get(article.pk)
    context["coverage_query"] = urlencode(coverage_params(request.GET))
    if not wants_fragment(request):
        context["outlet_options"] = outlet_options(request.GET.get("outlet"))
    return render_list(request, context)
