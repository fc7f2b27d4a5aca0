"""The list pages: filters, full-text search, sorting, facets (events/filters.py does the work).

Every list keeps its whole state in the URL, works without JavaScript, and with htmx swaps
only its results: a request with the `HX-Request` header gets the results fragment
(templates/events/partials/), except boosted links and history restores, which need a page.
"""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from events import filters
from events.event_types import load_taxonomy
from events.models import Claim, Entity, Tag
from ingest.models import Outlet

PAGE_SIZE = 50
# Export URL names by list kind (events/urls.py, "exports").
EXPORT_NAMES = {
    "event": "events:events_export",
    "claim": "events:claims_export",
    "entity": "events:entities_export",
    "article": "events:articles_export",
}
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


def list_context(request: HttpRequest, kind: str, records) -> dict:
    """What every list page shows around its rows: the page, the filters in force (each
    removable), export links and the bulk tagging bar, all carrying the current filters."""
    page: Page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    query = filters.querystring(request.GET)
    suffix = f"?{query}" if query else ""
    # This list's address without the empty fields a form sends: for the address bar and `next`.
    here = filters.querystring(request.GET, page=request.GET.get("page") or None)
    export = EXPORT_NAMES[kind]
    return {
        "kind": kind,
        "page": page,
        "here": request.path + (f"?{here}" if here else ""),
        "params": request.GET,
        "filter_query": query,
        "page_query": f"{query}&" if query else "",
        "active_filters": filters.active_filters(kind, request.GET),
        "export_csv": reverse(export, kwargs={"fmt": "csv"}) + suffix,
        "export_json": reverse(export, kwargs={"fmt": "json"}) + suffix,
        "sorts": [(value, SORT_LABELS[value]) for value in filters.SORTS[kind]],
        "sort": request.GET.get("sort", ""),
        # Lazy: queried only where the bulk tagging bar is shown (editors, admins).
        "all_tags": Tag.objects.all(),
    }


def render_list(request: HttpRequest, page: str, fragment: str, context: dict) -> HttpResponse:
    if not wants_fragment(request):
        return render(request, page, context)
    response = render(request, fragment, context)
    response["HX-Push-Url"] = context["here"]  # "?q=Iran", not "?q=Iran&type=&outlet=&..."
    return response


@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    events = filters.with_details("event", filters.filtered("event", request.GET))
    context = list_context(request, "event", events)
    rows = context["page"].object_list
    snippets = filters.snippets([getattr(event, "best_article_id", None) for event in rows], request.GET)
    for event in rows:
        actors = filters.actors_of(event)
        event.first_actors, event.more_actors = actors[:4], max(0, len(actors) - 4)
        event.type_label = filters.type_label(event.type)
        event.snippet = snippets.get(getattr(event, "best_article_id", None))
    facets = context["facets"] = filters.event_facets(request.GET)
    context["facet_groups"] = [
        (name, title, facets[name]) for name, title in FACET_TITLES.items() if facets[name]
    ]
    if not wants_fragment(request):
        context["types"] = [(t.id, t.label) for t in load_taxonomy().types.values()]
        context["outlets"] = Outlet.objects.order_by("name").only("pk", "name")
        context["reviews"] = Claim.Review.choices
        chosen = {(f.param, f.value): f.label for f in context["active_filters"]}
        context["chosen_actors"] = [
            (value, label) for (param, value), label in chosen.items() if param == "actor"
        ]
        context["place_options"] = _options(context["facets"]["place"], "place", chosen)
        context["country_options"] = _options(context["facets"]["country"], "country", chosen)
        context["actor_options"] = [f for f in context["facets"]["actor"] if not f.selected]
    return render_list(request, "events/event_list.html", "events/partials/event_results.html", context)


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
    entities = filters.with_details("entity", filters.filtered("entity", request.GET))
    context = list_context(request, "entity", entities)
    context["provisional"] = request.GET.get("provisional") in ("1", "true", "on")
    if not wants_fragment(request):
        context["kinds"] = Entity.Kind.choices
        context["countries"] = (
            Entity.objects.active().filter(kind=Entity.Kind.COUNTRY).exclude(iso_code="").order_by("name")
        ).values_list("iso_code", "name")
    return render_list(request, "events/entity_list.html", "events/partials/entity_results.html", context)


@require_GET
def article_list(request: HttpRequest) -> HttpResponse:
    articles = filters.with_details("article", filters.filtered("article", request.GET))
    context = list_context(request, "article", articles)
    rows = context["page"].object_list
    snippets = filters.snippets([article.pk for article in rows], request.GET)
    for article in rows:
        article.snippet = snippets.get(article.pk)
    if not wants_fragment(request):
        context["outlets"] = Outlet.objects.order_by("name").only("pk", "name")
    return render_list(request, "events/article_list.html", "events/partials/article_results.html", context)
