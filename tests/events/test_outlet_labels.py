"""Outlets with the same name ("ZDF" twice) are told apart by their domain wherever a list
offers outlets to choose from: the lists' outlet select, the event list's facet, the filters in
force (and the admin: tests/ingest/test_admin.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import QueryDict

from events.selectors.facets import active_filters, event_facets
from ingest.models import Outlet, outlet_label
from tests.factories import article, event, outlet

pytestmark = pytest.mark.django_db


@pytest.fixture
def outlets():
    return {
        "zdf": outlet("ZDF", domain="zdf.de"),
        "zdfheute": outlet("zdf", domain="zdfheute.de"),  # the same name, case aside
        "ts": outlet("Tagesschau", domain="tagesschau.de"),
    }


def test_the_label_adds_the_domain_only_to_a_shared_name():
    assert outlet_label("ZDF", "zdf.de", True) == "ZDF (zdf.de)"
    assert outlet_label("Tagesschau", "tagesschau.de", False) == "Tagesschau"


def test_choices_label_every_outlet_by_name(outlets, django_assert_num_queries):
    with django_assert_num_queries(1):
        choices = Outlet.objects.choices()
    assert [label for _pk, label in choices] == ["Tagesschau", "ZDF (zdf.de)", "zdf (zdfheute.de)"]
    # A subset still knows the names it shares with outlets outside it.
    assert Outlet.objects.filter(pk=outlets["zdf"].pk).choices() == [(outlets["zdf"].pk, "ZDF (zdf.de)")]


def test_the_outlet_select_of_every_list_shows_the_domains(outlets, analyst_client):
    for url in ("/events/", "/claims/", "/articles/"):
        page = analyst_client.get(url).content.decode()
        assert f'<option value="{outlets["zdf"].pk}" >ZDF (zdf.de)</option>' in page, url
        assert f'<option value="{outlets["zdfheute"].pk}" >zdf (zdfheute.de)</option>' in page, url
        assert f'<option value="{outlets["ts"].pk}" >Tagesschau</option>' in page, url


def test_the_outlet_facet_and_the_active_filter_show_the_domain(outlets):
    day = dt.date(2024, 6, 19)
    event("Treffen", "meet", day, articles=[article("A", "Text eins.", outlets["zdf"], day)])
    event("Gipfel", "meet", day, articles=[article("B", "Text zwei.", outlets["ts"], day)])
    facet = {f.label: f.count for f in event_facets(QueryDict(""))["outlet"]}
    # Only one ZDF reported anything, but the label is the one the select shows.
    assert facet == {"ZDF (zdf.de)": 1, "Tagesschau": 1}
    active = active_filters("event", QueryDict(f"outlet={outlets['zdf'].pk}"))
    assert [(f.param, f.label) for f in active] == [("outlet", "ZDF (zdf.de)")]
