"""The admin speaks German: every field, choice, column, filter, action and section of the
project's models and admins has a translatable name with a German translation.

A name that reads the same in both languages ("URL", "ETag") is listed in SAME_IN_GERMAN.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.utils import translation
from django.utils.functional import Promise

APPS = ("ingest", "events", "portal")
SAME_IN_GERMAN = {
    "ETag",
    "Feed (RSS, Atom, JSON Feed)",
    "Last-Modified",
    "SimHash",
    "URL",
    "ok",
    "robots.txt",
}


def said(label, language: str) -> str:
    with translation.override(language):
        return str(label)


def untranslated(labels: list[tuple[str, object]]) -> list[str]:
    """Where a label is no lazy translation, or its German is its English (and should not be)."""
    wrong = []
    for where, label in labels:
        if not isinstance(label, Promise):
            wrong.append(f"{where}: {label!r} is not translatable")
        elif said(label, "de") == said(label, "en") and said(label, "en") not in SAME_IN_GERMAN:
            wrong.append(f"{where}: {said(label, 'en')!r} has no German")
    return wrong


def model_labels() -> list[tuple[str, object]]:
    labels = []
    for app in APPS:
        for model in apps.get_app_config(app).get_models():
            name = model.__name__
            labels += [
                (name, model._meta.verbose_name),
                (f"{name} (plural)", model._meta.verbose_name_plural),
            ]
            for field in model._meta.get_fields():
                if field.auto_created:
                    continue
                labels.append((f"{name}.{field.name}", field.verbose_name))
                labels += [
                    (f"{name}.{field.name}={value!r}", text) for value, text in field.flatchoices or ()
                ]
                if field.help_text:
                    labels.append((f"{name}.{field.name} (help)", field.help_text))
    return labels


def admin_labels() -> list[tuple[str, object]]:
    labels = []
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in APPS:
            continue
        name = type(model_admin).__name__
        columns = [*model_admin.list_display, *model_admin.readonly_fields]
        for column in columns:
            if column != "__str__":
                labels.append((f"{name} column {column}", _label(column, model, model_admin)))
        for spec in model_admin.list_filter:
            field = spec[0] if isinstance(spec, tuple) else spec
            labels.append((f"{name} filter {field}", model._meta.get_field(field).verbose_name))
        for action in model_admin.actions or ():
            labels.append((f"{name} action {action}", getattr(model_admin, action).short_description))
        labels += [(f"{name} section", title) for title, _options in model_admin.fieldsets or () if title]
        for inline in model_admin.inlines:
            labels.append(
                (f"{name} inline", inline.verbose_name_plural or inline.model._meta.verbose_name_plural)
            )
            labels += [
                (f"{inline.__name__} column {c}", _label(c, inline.model, inline)) for c in inline.fields
            ]
    return labels


def _label(column: str, model, model_admin):
    if hasattr(model_admin, column):
        return getattr(model_admin, column).short_description
    return model._meta.get_field(column).verbose_name


def test_every_field_and_choice_has_a_german_name():
    assert untranslated(model_labels()) == []


def test_every_column_filter_action_and_section_of_the_admin_has_a_german_name():
    assert len(admin_labels()) > 50
    assert untranslated(admin_labels()) == []


@pytest.mark.django_db
def test_the_admin_pages_show_no_english_names(admin_client_de):
    for url in (
        "/admin/ingest/source/",
        "/admin/ingest/source/add/",
        "/admin/ingest/fetchlog/",
        "/admin/ingest/article/",
        "/admin/ingest/outlet/",
        "/admin/events/tag/",
        "/admin/portal/loginattempt/",
    ):
        page = admin_client_de.get(url).content.decode()
        for english in (
            "Started at",
            "Outcome",
            "Paused at",
            "Etag",
            "not_modified",
            "Last error",
            "Times used",
        ):
            assert f">{english}<" not in page, (url, english)


@pytest.fixture
def admin_client_de(client, admin_user):
    from tests.factories import login

    login(client, admin_user)
    return client


def test_the_check_finds_what_is_not_german():
    from django.utils.translation import gettext_lazy

    assert untranslated([("x", "plain")]) == ["x: 'plain' is not translatable"]
    nobody = "words nobody translated"  # a variable: makemessages must not pick it up
    assert untranslated([("y", gettext_lazy(nobody))]) == [f"y: {nobody!r} has no German"]
    assert untranslated([("z", gettext_lazy("paused because"))]) == []
